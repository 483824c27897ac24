//! Plot ranges egui_plot can always draw. When every value on an axis is the same and large
//! (a loss of 5e19 after one update), egui_plot pads the flat range by about 1, which rounds
//! away, and it is left with a range of no height (a failed check in debug builds, an empty
//! plot in release ones). These helpers give such an axis a range of its own.

use crate::nn::numfmt::NumberFormat;
use egui_plot::Plot;

/// `plot`, with a range around `xs` and `ys` on each axis whose values are all (nearly) equal.
pub fn drawable<'a>(
    mut plot: Plot<'a>,
    xs: impl IntoIterator<Item = f64>,
    ys: impl IntoIterator<Item = f64>,
) -> Plot<'a> {
    if let Some((lo, hi)) = flat_range(xs) {
        plot = plot.include_x(lo).include_x(hi);
    }
    if let Some((lo, hi)) = flat_range(ys) {
        plot = plot.include_y(lo).include_y(hi);
    }
    plot
}

/// `plot` with both axes' tick labels written by [`NumberFormat::TICK`]: at most 4
/// significant digits, scientific notation beyond (egui_plot's own labels write 1e300 with
/// 300 digits, and a label that wide leaves the plot no room to draw in). Grid lines step by
/// 1, 2 and 5 times a power of ten ([`nice_steps`]), at least [`GRID_MIN`] points apart, so an
/// axis carries a label every 60 to 190 points where egui_plot's steps by ten often leave
/// two labels on a whole axis.
pub fn tick_axes(plot: Plot<'_>) -> Plot<'_> {
    let spacer = || egui_plot::uniform_grid_spacer(|i| nice_steps(i.base_step_size));
    plot.x_axis_formatter(|m, _| NumberFormat::TICK.fmt(m.value))
        .y_axis_formatter(|m, _| NumberFormat::TICK.fmt(m.value))
        .grid_spacing(egui::Rangef::new(GRID_MIN, 300.0))
        .x_grid_spacer(spacer())
        .y_grid_spacer(spacer())
}

/// The closest grid lines may come, in points. egui_plot labels an x tick from 60 points
/// apart; the largest of [`nice_steps`] is at least 4 times the smallest, so 15 points
/// between lines means a labelled tick at least every 4 lines.
pub const GRID_MIN: f32 = 15.0;

/// Three grid steps, each 1, 2 or 5 times a power of ten, the smallest at least `min` (the
/// data's size of [`GRID_MIN`] points): e.g. 5, 10, 20 for 2.5.
pub fn nice_steps(min: f64) -> [f64; 3] {
    let min = if min.is_finite() && min > 0.0 { min } else { 1.0 };
    let p = 10f64.powf(min.log10().floor());
    const SEQ: [f64; 6] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0];
    // min / p is in [1, 10), so one of the first four is at least min.
    let i = SEQ.iter().position(|m| m * p >= min * (1.0 - 1e-9)).unwrap_or(3).min(3);
    [SEQ[i] * p, SEQ[i + 1] * p, SEQ[i + 2] * p]
}

/// The largest size of a value a plot places (a plot's margin added to a larger one overflows).
pub const PLACEABLE: f64 = 1e300;

/// The points egui_plot can place: both coordinates finite and at most 1e300 in size (a
/// plot's margin added to a larger value overflows). The others are left out of the drawing.
pub fn placeable(points: impl IntoIterator<Item = [f64; 2]>) -> Vec<[f64; 2]> {
    points
        .into_iter()
        .filter(|p| p.iter().all(|v| v.is_finite() && v.abs() <= PLACEABLE))
        .collect()
}

/// `drawable` for points given as `[x, y]`.
pub fn drawable_points<'a>(plot: Plot<'a>, points: &[[f64; 2]]) -> Plot<'a> {
    drawable(plot, points.iter().map(|p| p[0]), points.iter().map(|p| p[1]))
}

/// For finite values that are all equal to within a millionth of their size: a range around
/// them, 5% of their size (at least 0.5) either side. `None` when the values have a spread of
/// their own, or none is finite.
pub fn flat_range(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return None;
    }
    let size = lo.abs().max(hi.abs());
    if hi - lo > size * 1e-6 {
        return None;
    }
    let pad = (size * 0.05).max(0.5);
    Some((lo - pad, hi + pad))
}

#[cfg(test)]
mod tests {
    use super::{flat_range, nice_steps};

    #[test]
    fn grid_steps_are_one_two_or_five_times_a_power_of_ten() {
        // The smallest step of 1, 2, 5, 10, ... at least min, then the next two.
        assert_eq!(nice_steps(2.5), [5.0, 10.0, 20.0]);
        assert_eq!(nice_steps(7.0), [10.0, 20.0, 50.0]);
        assert_eq!(nice_steps(1.0), [1.0, 2.0, 5.0]);
        assert_eq!(nice_steps(150.0), [200.0, 500.0, 1000.0]);
        let s = nice_steps(0.03);
        assert!((s[0] - 0.05).abs() < 1e-12 && (s[1] - 0.1).abs() < 1e-12 && (s[2] - 0.2).abs() < 1e-12);
        // The largest step is at least four times the smallest (see GRID_MIN).
        for m in [0.011, 0.3, 1.7, 4.1, 9.9, 33.0] {
            let s = nice_steps(m);
            assert!(s[0] >= m && s[2] >= 4.0 * s[0] - 1e-9, "{m}: {s:?}");
        }
        // No usable size: steps of 1.
        assert_eq!(nice_steps(f64::NAN), [1.0, 2.0, 5.0]);
    }

    #[test]
    fn points_that_cannot_be_placed_are_left_out() {
        let pts = super::placeable([
            [0.0, 1.0],
            [1.0, f64::INFINITY],
            [2.0, f64::NAN],
            [3.0, 1e308],
            [4.0, -1e300],
        ]);
        assert_eq!(pts, vec![[0.0, 1.0], [4.0, -1e300]]);
    }

    #[test]
    fn a_flat_large_range_gets_a_height() {
        // 5e19 ± 0.5 rounds to 5e19: the pad is 5% of the value, 2.5e18.
        let (lo, hi) = flat_range([5e19, 5e19]).unwrap();
        assert_eq!((lo, hi), (4.75e19, 5.25e19));
        assert!(hi - lo > 0.0);
    }

    #[test]
    fn small_flat_values_get_half_a_unit_either_side_and_spread_values_none() {
        assert_eq!(flat_range([0.0]), Some((-0.5, 0.5)));
        assert_eq!(flat_range([2.0, 2.0, f64::NAN]), Some((1.5, 2.5)));
        assert_eq!(flat_range([1.0, 2.0]), None);
        assert_eq!(flat_range([f64::NAN, f64::INFINITY]), None);
        assert_eq!(flat_range(std::iter::empty()), None);
    }
}
