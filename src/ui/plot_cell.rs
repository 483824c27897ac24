//! A plot cell: an activation `f` with its derivative `f'`, a loss against the prediction (for
//! the target 1) with its derivative, or a data set's points. The derivative is dashed, so the
//! two curves differ by more than colour; each has a legend entry.

use super::theme;
use super::train_plots::class_points;
use crate::app::student::PlotCell;
use crate::lesson::PlotOf;
use crate::nn::data::Dataset;
use crate::nn::{Activation, Loss};
use egui::{RichText, Ui};
use egui_plot::{Legend, Line, LineStyle, Plot, PlotPoints, Points};

/// Points per curve.
const SAMPLES: usize = 400;
/// Height of a plot cell.
const HEIGHT: f32 = 240.0;
/// Widest a plot cell is drawn.
const MAX_WIDTH: f32 = 620.0;

/// Draws plot cell `ci`.
pub fn plot_cell_ui(ui: &mut Ui, ci: usize, p: &PlotCell) {
    ui.set_min_width(ui.available_width());
    let (lo, hi) = p.plot.x_range();
    let xs: Vec<f64> = (0..SAMPLES)
        .map(|i| lo + (hi - lo) * i as f64 / (SAMPLES - 1) as f64)
        .collect();
    match &p.plot.of {
        PlotOf::Activation(a) => {
            ui.label(RichText::new(format!("Activation: {}", a.name())).strong());
            let (f, df) = a.formula();
            ui.weak(format!("{f}    {df}"));
            let note = (*a == Activation::Softmax)
                .then_some("Softmax is not elementwise: drawn for one output beside a second output with z = 0.");
            if let Some(n) = note {
                ui.weak(n);
            }
            let (f, df) = curves(&xs, |z| {
                let act = if *a == Activation::Softmax {
                    Activation::Sigmoid
                } else {
                    *a
                };
                let v = act.value(z);
                (v, act.derivative(z, v))
            });
            let names = (format!("{}(z)", a.name()), format!("{}'(z)", a.name()));
            two_curves_ui(ui, ci, "z", "f(z), f'(z)", (&names.0, f), (&names.1, df));
        }
        PlotOf::Loss(k) => {
            let loss = Loss::new(*k);
            ui.label(RichText::new(format!("Loss: {}, for the target y = 1", k.name())).strong());
            ui.weak(format!("{}    {}", loss.formula(), loss.grad_formula()));
            let (f, df) = curves(&xs, |a| (loss.element(a, 1.0), loss.element_grad(a, 1.0)));
            two_curves_ui(ui, ci, "prediction a", "L, dL/da", ("L(a)", f), ("dL/da", df));
        }
        PlotOf::Data(spec) => {
            ui.label(RichText::new(format!("Data: {}", data_title(spec))).strong());
            match &p.data {
                Some(Ok(d)) => data_ui(ui, ci, d),
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, format!("The data could not be built: {e}"));
                }
                None => {}
            }
        }
    }
}

fn data_title(spec: &crate::nn::datasets::DataSpec) -> String {
    use crate::nn::datasets::DataSpec;
    match spec {
        DataSpec::Generated {
            generator,
            points,
            noise,
            ..
        } => format!("{}, {points} points, noise {noise}", generator.label()),
        DataSpec::Builtin { dataset } => dataset.label().to_string(),
        DataSpec::Csv { csv, .. } => csv.clone(),
    }
}

/// `f` and `f'` at every x.
fn curves(xs: &[f64], f: impl Fn(f64) -> (f64, f64)) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    xs.iter()
        .map(|&x| {
            let (v, d) = f(x);
            ([x, v], [x, d])
        })
        .filter(|([_, v], [_, d])| v.is_finite() && d.is_finite())
        .unzip()
}

fn width(ui: &Ui) -> f32 {
    ui.available_width().min(MAX_WIDTH)
}

/// `f` solid and its derivative dashed, each with its legend name.
fn two_curves_ui(ui: &mut Ui, ci: usize, x: &str, y: &str, f: (&str, Vec<[f64; 2]>), df: (&str, Vec<[f64; 2]>)) {
    let ((fname, f), (dname, df)) = (f, df);
    let (f, df) = (super::plot_range::placeable(f), super::plot_range::placeable(df));
    let dark = ui.visuals().dark_mode;
    let all: Vec<[f64; 2]> = f.iter().chain(&df).copied().collect();
    super::plot_range::drawable_points(Plot::new(("plot cell", ci)), &all)
        .height(HEIGHT)
        .width(width(ui))
        .legend(Legend::default())
        .x_axis_label(x)
        .y_axis_label(y)
        .allow_scroll(false)
        .show(ui, |p| {
            p.line(
                Line::new(fname, PlotPoints::from(f))
                    .color(theme::positive(dark))
                    .width(2.5),
            );
            p.line(
                Line::new(dname, PlotPoints::from(df))
                    .color(theme::negative(dark))
                    .style(LineStyle::dashed_loose())
                    .width(2.0),
            );
        });
}

/// The points: by class (colour and marker) for two features or more, else x against y.
fn data_ui(ui: &mut Ui, ci: usize, d: &Dataset) {
    let dark = ui.visuals().dark_mode;
    let name = |i: usize, default: &str| d.feature_names.get(i).cloned().unwrap_or_else(|| default.into());
    let plot = Plot::new(("plot cell", ci))
        .height(HEIGHT)
        .width(width(ui))
        .legend(Legend::default())
        .allow_scroll(false);
    if d.x.nrows() >= 2 && !d.class_names.is_empty() {
        let row = |r: usize| d.x.row(r).iter().copied().collect::<Vec<f64>>();
        super::plot_range::drawable(plot, row(0), row(1))
            .x_axis_label(name(0, "x1"))
            .y_axis_label(name(1, "x2"))
            .data_aspect(1.0)
            .show(ui, |p| class_points(p, d, ""));
    } else {
        let pts = super::plot_range::placeable((0..d.len()).map(|j| [d.x[(0, j)], d.y[(0, j)]]));
        let plot = super::plot_range::drawable_points(plot, &pts);
        plot.x_axis_label(name(0, "x")).y_axis_label("y").show(ui, |p| {
            p.points(
                Points::new("data", PlotPoints::from(pts))
                    .color(theme::positive(dark))
                    .radius(2.5),
            );
        });
    }
}
