//! How numbers are written: every place that shows a number (diagram, matrices, stepper,
//! answers and answer keys, worked solutions, worksheets, plots, command line) names one
//! [`NumberFormat`].

/// A number format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub enum NumberFormat {
    /// Integers as integers (`3`, `-2`), other values rounded to at most 4 decimals, trailing
    /// zeros dropped (`0.5`, `0.1235` for 0.123456); very small or large values in scientific
    /// notation. Stored settings from before the rename call it `Exact`.
    #[default]
    #[serde(alias = "Exact")]
    Auto,
    /// A fixed number of decimals (`3.00`).
    Fixed(u8),
    /// Significant digits (`0.001235`, `1.235e4`); plots and their labels use 4
    /// ([`NumberFormat::PLOT`]).
    Significant(u8),
    /// Significant digits with trailing zeros dropped (`0.1`, `0.3162`, `1e-5`): axis ticks
    /// ([`NumberFormat::TICK`]).
    Trimmed(u8),
    /// As answers, answer keys, worked solutions and worksheets write a number: whole numbers
    /// in full, others with up to 6 significant digits, trailing zeros dropped (`0.5`,
    /// `0.333333`, `1.23457e-5`). Precise enough for the default tolerance (rel 1e-3).
    Answer,
}

impl NumberFormat {
    /// Values on plots and beside them (losses, metrics, ranges).
    pub const PLOT: NumberFormat = NumberFormat::Significant(4);
    /// Tick labels on a plot's axis.
    pub const TICK: NumberFormat = NumberFormat::Trimmed(4);

    /// Writes `v`. Non-finite values read `NaN`, `inf`, `-inf`; `-0` reads `0`.
    pub fn fmt(self, v: f64) -> String {
        if !v.is_finite() {
            return if v.is_nan() {
                "NaN".into()
            } else if v > 0.0 {
                "inf".into()
            } else {
                "-inf".into()
            };
        }
        let v = if v == 0.0 { 0.0 } else { v };
        match self {
            NumberFormat::Auto => {
                if let Some(i) = whole(v) {
                    i
                } else if v.abs() >= 1e-4 && v.abs() < 1e6 {
                    let s = format!("{v:.4}");
                    let s = s.trim_end_matches('0').trim_end_matches('.');
                    if s == "-0" || s == "0" {
                        format!("{v:.1e}")
                    } else {
                        s.to_string()
                    }
                } else {
                    format!("{v:.3e}")
                }
            }
            NumberFormat::Fixed(d) => {
                let s = format!("{v:.*}", d as usize);
                // Avoid "-0.00" for tiny negatives.
                if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
                    s.trim_start_matches('-').to_string()
                } else {
                    s
                }
            }
            NumberFormat::Significant(d) => significant(v, d),
            NumberFormat::Trimmed(d) => trim_zeros(&significant(v, d)),
            NumberFormat::Answer => whole(v).unwrap_or_else(|| trim_zeros(&significant(v, 6))),
        }
    }

    /// Like [`NumberFormat::fmt`], with negative numbers in parentheses, for products in formulas.
    pub fn fmt_operand(self, v: f64) -> String {
        let s = self.fmt(v);
        if s.starts_with('-') { format!("({s})") } else { s }
    }

    /// A short description for menus.
    pub fn label(self) -> String {
        match self {
            NumberFormat::Auto => "Up to 4 decimals (integers as integers)".into(),
            NumberFormat::Fixed(d) => format!("{d} decimals"),
            NumberFormat::Significant(d) => format!("{d} significant digits"),
            NumberFormat::Trimmed(d) => format!("Up to {d} significant digits"),
            NumberFormat::Answer => "As the answer key (up to 6 significant digits)".into(),
        }
    }
}

/// A whole number below 1e15 written in full, else `None`.
fn whole(v: f64) -> Option<String> {
    (v.fract() == 0.0 && v.abs() < 1e15).then(|| format!("{}", v as i64))
}

/// `d` significant digits, in scientific notation below 1e-4 and from 10^(d+2) on.
fn significant(v: f64, d: u8) -> String {
    let d = d.max(1) as i32;
    if v == 0.0 {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    if (-4..d + 2).contains(&mag) {
        let decimals = (d - 1 - mag).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.*e}", (d - 1) as usize)
    }
}

/// Drops trailing zeros after a decimal point, in the mantissa if there is an exponent.
fn trim_zeros(s: &str) -> String {
    let trim = |m: &str| m.trim_end_matches('0').trim_end_matches('.').to_string();
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => format!("{}e{e}", trim(m)),
        None if s.contains('.') => trim(s),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::NumberFormat;
    use super::NumberFormat::*;
    const TICK: NumberFormat = NumberFormat::TICK;
    const PLOT: NumberFormat = NumberFormat::PLOT;

    #[test]
    fn formats() {
        assert_eq!(Auto.fmt(3.0), "3");
        assert_eq!(Auto.fmt(-2.0), "-2");
        assert_eq!(Auto.fmt(-0.0), "0");
        assert_eq!(Auto.fmt(0.5), "0.5");
        assert_eq!(Auto.fmt(0.123456), "0.1235");
        assert_eq!(Auto.fmt(1e-7), "1.000e-7");
        assert_eq!(Fixed(2).fmt(3.0), "3.00");
        assert_eq!(Fixed(2).fmt(-0.001), "0.00");
        assert_eq!(Significant(3).fmt(0.0012345), "0.00123");
        assert_eq!(Significant(3).fmt(123456.0), "1.23e5");
        assert_eq!(Auto.fmt_operand(-1.0), "(-1)");
        assert_eq!(Auto.fmt(f64::NAN), "NaN");
    }

    /// Answers: whole numbers in full (1234567 has more than 6 digits and stays exact), others
    /// to 6 significant digits without trailing zeros: 1/3 = 0.333333..., 0.1 + 0.2 reads 0.3,
    /// 1.2345678e-5 rounds to 1.23457e-5.
    #[test]
    fn answers_are_whole_or_six_significant_digits() {
        assert_eq!(Answer.fmt(3.0), "3");
        assert_eq!(Answer.fmt(1234567.0), "1234567");
        assert_eq!(Answer.fmt(-0.5), "-0.5");
        assert_eq!(Answer.fmt(1.0 / 3.0), "0.333333");
        assert_eq!(Answer.fmt(0.1 + 0.2), "0.3");
        assert_eq!(Answer.fmt(1.2345678e-5), "1.23457e-5");
    }

    /// Ticks: 4 significant digits without trailing zeros; 10^-0.5 = 0.316227...
    #[test]
    fn ticks_drop_trailing_zeros() {
        assert_eq!(TICK.fmt(0.1), "0.1");
        assert_eq!(TICK.fmt(100.0), "100");
        assert_eq!(TICK.fmt(10f64.powf(-0.5)), "0.3162");
        assert_eq!(TICK.fmt(1e-5), "1e-5");
        assert_eq!(TICK.fmt(2.5e-7), "2.5e-7");
        assert_eq!(PLOT.fmt(0.1), "0.1000");
    }

    /// Settings stored before `Exact` was renamed still read, as `Auto`.
    #[test]
    fn the_old_name_still_reads() {
        let f: super::NumberFormat = serde_json::from_str("\"Exact\"").unwrap();
        assert_eq!(f, Auto);
        assert_eq!(serde_json::to_string(&Auto).unwrap(), "\"Auto\"");
    }
}
