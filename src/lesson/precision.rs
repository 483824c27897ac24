//! The precision a number was typed to, and whether a typed number is another number written
//! to that precision: the one rule by which a mistaken value is recognised in the window and in
//! grading (both go through [`super::exercise::compare`]).
//!
//! A number carries no record of the keys that were pressed, so its precision is read from the
//! shortest text that gives it back (`-3.667` has three decimals; a submission's JSON number
//! and the window's typed text agree on it). The rule, for a typed `t` with `d` decimals and a
//! unit `u = 10^-d`:
//!
//! - **a floor:** `t` shows at least two significant digits (`10 u <= |t|`), so `0`, `0.3` or
//!   `-4` match nothing: they are too coarse to tell one rule from another;
//! - **rounded:** `|t - v| <= u / 2` (`-3.667` and `-3.67` for `-11/3`), or
//! - **cut off:** `t` is `v` with its digits after the `d`-th dropped (`-3.666` for `-11/3`):
//!   the same sign, `|t| <= |v|` and `|v| - |t| < u`.
//!
//! Anything else is not `v` at any precision (`-3.668`, `-3.5` for `-11/3`).

/// How many decimals `v`'s shortest exact text has (`-3.667`: 3, `12`: 0, `1e-7`: 7), at most
/// 17; 0 for a number that is not finite.
pub fn decimals(v: f64) -> u32 {
    if !v.is_finite() {
        return 0;
    }
    // `{}` writes the shortest text that reads back as `v`, never in exponent form.
    let text = format!("{}", v.abs());
    text.split_once('.').map_or(0, |(_, frac)| frac.len().min(17) as u32)
}

/// Whether `typed` is `value` written to the precision `typed` shows (see the module's rule).
pub fn agrees_as_typed(typed: f64, value: f64) -> bool {
    if !typed.is_finite() || !value.is_finite() {
        return false;
    }
    let u = 10f64.powi(-(decimals(typed) as i32));
    // The decimal unit is not exact in binary: allow for a few ulps of it.
    let slack = 1e-9 * u;
    if 10.0 * u > typed.abs() + slack {
        return false;
    }
    let rounded = (typed - value).abs() <= u / 2.0 + slack;
    let cut =
        typed.signum() == value.signum() && typed.abs() <= value.abs() + slack && value.abs() - typed.abs() < u - slack;
    rounded || cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_from_the_shortest_text() {
        assert_eq!(decimals(-3.667), 3);
        assert_eq!(decimals(-3.6670), 3);
        assert_eq!(decimals(12.0), 0);
        assert_eq!(decimals(0.5), 1);
        assert_eq!(decimals(1e-7), 7);
        assert_eq!(decimals(2.5e-7), 8);
        assert_eq!(decimals(1.0 / 3.0), 16);
        assert_eq!(decimals(f64::NAN), 0);
    }

    /// -11/3 = -3.666666...: rounded to 3 decimals -3.667, to 2 -3.67, to 1 -3.7; cut off at
    /// 3 decimals -3.666, at 1 -3.6. -3.668 and -3.665 are neither; -4 is one digit (the
    /// floor), so is 0.
    #[test]
    fn a_typed_value_agrees_when_rounded_or_cut_off() {
        let v = -11.0 / 3.0;
        for t in [-3.667, -3.67, -3.7, -3.6667, -3.666, -3.6, -3.66, -11.0 / 3.0] {
            assert!(agrees_as_typed(t, v), "{t}");
        }
        for t in [-3.668, -3.665, -3.5, -3.8, -4.0, 3.667, -3.65, -3.6668] {
            assert!(!agrees_as_typed(t, v), "{t}");
        }
    }

    /// The floor: at least two significant digits typed. 1/3 typed 0.3 (one digit) is not
    /// recognised, 0.33 is; 0 matches no small number; 10 (two digits) is 9.7 rounded.
    #[test]
    fn a_coarse_number_matches_nothing() {
        assert!(!agrees_as_typed(0.3, 1.0 / 3.0));
        assert!(agrees_as_typed(0.33, 1.0 / 3.0));
        assert!(!agrees_as_typed(0.0, 0.2));
        assert!(!agrees_as_typed(0.0, 1e-9));
        assert!(!agrees_as_typed(-4.0, -11.0 / 3.0));
        assert!(agrees_as_typed(10.0, 9.7));
        assert!(!agrees_as_typed(10.0, 9.4));
        // Whole numbers typed in full: 12 for 12.3 (rounded), 12 for 12.9 (cut off), not 13
        // for 12.3.
        assert!(agrees_as_typed(12.0, 12.3) && agrees_as_typed(12.0, 12.9) && !agrees_as_typed(13.0, 12.3));
    }

    /// Halfway: 0.125 rounds to 0.12 or 0.13 (either way of breaking the tie); small numbers
    /// keep their scale: 0.00024 for 0.000244 (rounded), not 0.00025.
    #[test]
    fn edges_of_the_rule() {
        assert!(agrees_as_typed(0.13, 0.125) && agrees_as_typed(0.12, 0.125));
        assert!(agrees_as_typed(-0.00024, -0.000244) && !agrees_as_typed(-0.00025, -0.000244));
        assert!(!agrees_as_typed(f64::NAN, 1.0) && !agrees_as_typed(1.0, f64::INFINITY));
    }
}
