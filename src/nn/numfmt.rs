//! How numbers are written, the same way everywhere (diagram, matrices, stepper, command line).

/// A number format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub enum NumberFormat {
    /// Integers as integers (`3`, `-2`), other values with up to 4 decimals, trailing zeros
    /// dropped (`0.5`, `0.1235`).
    #[default]
    Exact,
    /// A fixed number of decimals (`3.00`).
    Fixed(u8),
    /// Significant digits (`0.001235`, `1.235e+04`).
    Significant(u8),
}

impl NumberFormat {
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
            NumberFormat::Exact => {
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    format!("{}", v as i64)
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
            NumberFormat::Significant(d) => {
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
            NumberFormat::Exact => "Exact (integers as integers)".into(),
            NumberFormat::Fixed(d) => format!("{d} decimals"),
            NumberFormat::Significant(d) => format!("{d} significant digits"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NumberFormat::*;

    #[test]
    fn formats() {
        assert_eq!(Exact.fmt(3.0), "3");
        assert_eq!(Exact.fmt(-2.0), "-2");
        assert_eq!(Exact.fmt(-0.0), "0");
        assert_eq!(Exact.fmt(0.5), "0.5");
        assert_eq!(Exact.fmt(0.123456), "0.1235");
        assert_eq!(Exact.fmt(1e-7), "1.000e-7");
        assert_eq!(Fixed(2).fmt(3.0), "3.00");
        assert_eq!(Fixed(2).fmt(-0.001), "0.00");
        assert_eq!(Significant(3).fmt(0.0012345), "0.00123");
        assert_eq!(Significant(3).fmt(123456.0), "1.23e5");
        assert_eq!(Exact.fmt_operand(-1.0), "(-1)");
        assert_eq!(Exact.fmt(f64::NAN), "NaN");
    }
}
