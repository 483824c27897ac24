//! The curves per epoch: the loss (training, validation, per step, kept runs) and the accuracy.

use super::{PlotOptions, curve, remember_rect, thin};
use crate::app::training::TrainCell;
use crate::nn::numfmt::NumberFormat;
use crate::ui::theme;
use egui::{Color32, Ui};
use egui_plot::{Legend, Line, LineStyle, Plot, PlotPoints, Points};

/// `y` for drawing: log10 when the log scale is on (non-positive values are dropped).
fn y_of(v: f64, log: bool) -> Option<f64> {
    if !v.is_finite() || v.abs() > crate::ui::plot_range::PLACEABLE {
        None
    } else if log {
        (v > 0.0).then(|| v.log10())
    } else {
        Some(v)
    }
}

/// A legend entry's text, in lines short enough to stay inside a plot of the narrowest width.
fn legend(label: &str) -> String {
    crate::app::training::wrap_label(label, 34)
}

/// At most this many markers on a kept run's curve.
const MARKERS_PER_RUN: usize = 12;

/// Kept run `i`: a solid line of its own colour with its own marker every few points (dashes
/// are the validation curve's), named by its label in the legend.
fn kept_run(p: &mut egui_plot::PlotUi<'_>, label: &str, pts: Vec<[f64; 2]>, i: usize) {
    let name = legend(label);
    let color = theme::class_color(i + 2);
    let k = pts.len().div_ceil(MARKERS_PER_RUN).max(1);
    let marks: Vec<[f64; 2]> = pts.iter().step_by(k).copied().collect();
    p.line(Line::new(name.clone(), PlotPoints::from(pts)).color(color).width(1.5));
    p.points(
        Points::new(name, PlotPoints::from(marks))
            .shape(super::MARKERS[(i + 1) % super::MARKERS.len()])
            .color(color)
            .filled(true)
            .radius(3.5),
    );
}

/// The loss per epoch, with the kept runs (colour and marker) and, as an option, the loss of every step.
pub(super) fn loss_plot_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, opts: PlotOptions, size: egui::Vec2) {
    let labels = cell.run_labels();
    let log = opts.log;
    let mut plot = crate::ui::plot_range::tick_axes(Plot::new(("loss curves", ci, cell.generation)))
        .height(size.y)
        .width(size.x)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label(if log { "loss (log scale)" } else { "loss" })
        .allow_scroll(false)
        .label_formatter(move |pos| {
            let (name, p) = match pos {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name, position, ..
                } => (*plot_name, *position),
                egui_plot::HoverPosition::Elsewhere { position } => ("", *position),
            };
            let y = if log { 10f64.powf(p.y) } else { p.y };
            let head = if name.is_empty() {
                String::new()
            } else {
                format!("{name}\n")
            };
            Some(format!("{head}epoch {:.2}\nloss {}", p.x, NumberFormat::PLOT.fmt(y)))
        });
    if log {
        plot = plot
            .y_axis_formatter(|m, _| NumberFormat::PLOT.fmt(10f64.powf(m.value)))
            .y_grid_spacer(egui_plot::log_grid_spacer(10));
    }
    // The curves, thinned for drawing; the plot's range comes from what is drawn.
    let of = |h: &[crate::nn::train::EpochRecord], val: bool| -> Vec<[f64; 2]> {
        let y = |r: &crate::nn::train::EpochRecord| if val { r.val_loss } else { Some(r.loss) };
        thin(
            h.iter()
                .filter_map(|r| Some([r.epoch as f64, y_of(y(r)?, log)?]))
                .collect(),
        )
    };
    let kept: Vec<Vec<[f64; 2]>> = cell.runs.iter().map(|run| of(&run.history, false)).collect();
    let per_step = if opts.per_step {
        thin(
            cell.step_losses
                .iter()
                .filter_map(|&[x, y]| Some([x, y_of(y, log)?]))
                .collect(),
        )
    } else {
        Vec::new()
    };
    let (train, val) = (of(cell.history(), false), of(cell.history(), true));
    let all: Vec<[f64; 2]> = kept
        .iter()
        .flatten()
        .chain(&per_step)
        .chain(&train)
        .chain(&val)
        .copied()
        .collect();
    let plot = crate::ui::plot_range::drawable_points(plot, &all);
    let resp = plot.show(ui, |p| {
        for (i, pts) in kept.into_iter().enumerate() {
            kept_run(p, &labels[i], pts, i);
        }
        for m in &cell.marks {
            let x = if m.x.is_finite() { m.x } else { 0.0 };
            p.vline(
                egui_plot::VLine::new(legend(&m.what), x)
                    .color(Color32::from_gray(120))
                    .style(LineStyle::dotted_dense()),
            );
        }
        if !per_step.is_empty() {
            p.line(
                Line::new("batch loss (per step)", PlotPoints::from(per_step))
                    .color(Color32::from_gray(150))
                    .width(1.0),
            );
        }
        let current = labels.last().cloned().unwrap_or_default();
        p.line(
            Line::new(legend(&format!("training loss ({current})")), PlotPoints::from(train))
                .color(theme::positive(false))
                .width(2.0),
        );
        if !val.is_empty() {
            p.line(
                Line::new(legend(&format!("validation loss ({current})")), PlotPoints::from(val))
                    .color(theme::negative(false))
                    .width(2.0)
                    .style(LineStyle::dashed_dense()),
            );
        }
    });
    remember_rect(ui, ci, "loss", resp.response.rect);
}

/// The accuracy per epoch (the validation accuracy of kept runs when they had one).
pub(super) fn accuracy_plot_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, size: egui::Vec2) {
    let labels = cell.run_labels();
    let resp = crate::ui::plot_range::tick_axes(Plot::new(("accuracy curves", ci, cell.generation)))
        .height(size.y)
        .width(size.x)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label("accuracy (%)")
        .include_y(0.0)
        .include_y(100.0)
        .allow_scroll(false)
        .show(ui, |p| {
            for (i, run) in cell.runs.iter().enumerate() {
                let pts: Vec<[f64; 2]> = run
                    .history
                    .iter()
                    .filter_map(|r| Some([r.epoch as f64, 100.0 * r.val_accuracy.or(r.accuracy)?]))
                    .collect();
                kept_run(p, &labels[i], thin(pts), i);
            }
            let h = cell.history();
            let train: Vec<[f64; 2]> = h
                .iter()
                .filter_map(|r| Some([r.epoch as f64, 100.0 * r.accuracy?]))
                .collect();
            p.line(
                Line::new("training accuracy", curve(train))
                    .color(theme::positive(false))
                    .width(2.0),
            );
            let val: Vec<[f64; 2]> = h
                .iter()
                .filter_map(|r| Some([r.epoch as f64, 100.0 * r.val_accuracy?]))
                .collect();
            if !val.is_empty() {
                p.line(
                    Line::new("validation accuracy", curve(val))
                        .color(theme::negative(false))
                        .width(2.0)
                        .style(LineStyle::dashed_dense()),
                );
            }
        });
    remember_rect(ui, ci, "accuracy", resp.response.rect);
}
