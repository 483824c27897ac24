//! The training lab's plots: loss and accuracy curves (with kept runs overlaid), the decision
//! boundary of a 2-D classifier or the fitted curve of a 1-D problem, and the sections drawn by
//! [`super::train_analysis`] (evaluation, layers, activation functions).
//!
//! Plot options (log scale, per-step curve) are view state kept in egui's memory: they change
//! no number and are not saved with the lesson.
//!
//! This file lays the plots out; the curves per epoch are in `loss`, the decision boundary in
//! `boundary`, the 1-D fit in `fit`, and the titles' PNG export in `export`.

mod boundary;
mod export;
mod fit;
mod loss;

pub use boundary::{MARKERS, boundary_image, class_points};
pub use export::{EXPORT_SIZES, export_plot_ui, export_scale};
pub(super) use export::{plot_title, plot_title_with, remember_rect, small_plot_title};

use crate::app::training::TrainCell;
use crate::app::{Command, LabCommand, ViewSettings};
use boundary::boundary_ui;
use egui::Ui;
use egui_plot::PlotPoints;
use fit::fit_ui;
use loss::{accuracy_plot_ui, loss_plot_ui};

/// The narrowest a main plot is drawn beside another.
pub const MIN_PLOT_WIDTH: f32 = 280.0;
/// Height of the main plots.
pub const PLOT_HEIGHT: f32 = 260.0;

/// The plot options kept in egui's memory.
#[derive(Clone, Copy, Default)]
pub(in crate::ui) struct PlotOptions {
    pub(in crate::ui) log: bool,
    pub(in crate::ui) per_step: bool,
}

/// Draws every plot of training cell `ci`.
pub fn plots_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, view: &ViewSettings, out: &mut Vec<Command>) {
    let opt_id = ui.make_persistent_id(("plot options", ci));
    let mut opts: PlotOptions = ui.data(|d| d.get_temp(opt_id)).unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut opts.log, "Log scale")
            .on_hover_text("Loss on a logarithmic axis: small losses stay visible");
        ui.checkbox(&mut opts.per_step, "Per step")
            .on_hover_text("Also draw the loss of every mini-batch");
        if super::action_button(
            ui,
            !cell.history().is_empty() || !cell.runs.is_empty(),
            "Export curves (CSV)...",
            "Write every epoch's figures, kept runs included, to a CSV file",
        ) {
            out.push(Command::Lab(LabCommand::ExportCurves { cell: ci }));
        }
    });
    ui.data_mut(|d| d.insert_temp(opt_id, opts));
    let width = ui.available_width();
    // Side by side when both fit at a readable size, else one under the other.
    let side_by_side = width >= 2.0 * MIN_PLOT_WIDTH + 12.0;
    let half = if side_by_side {
        (width - 12.0) / 2.0
    } else {
        width.max(160.0)
    };
    let two_d = cell.train_data().is_some_and(|d| d.x.nrows() == 2);
    let one_d = cell.train_data().is_some_and(|d| d.x.nrows() == 1);
    let second = |ui: &mut Ui, out: &mut Vec<Command>| {
        ui.set_width(half);
        if two_d {
            plot_title(ui, "Decision boundary (training points)", ci, "boundary", out);
            boundary_ui(ui, ci, cell, view, egui::vec2(half, PLOT_HEIGHT));
        } else if one_d {
            plot_title(ui, "Fitted curve over the data", ci, "fit", out);
            fit_ui(ui, ci, cell, egui::vec2(half, PLOT_HEIGHT));
        } else if cell.train_data().is_some_and(|d| !d.class_names.is_empty()) {
            plot_title(ui, "Accuracy per epoch", ci, "accuracy", out);
            accuracy_plot_ui(ui, ci, cell, egui::vec2(half, PLOT_HEIGHT));
        }
    };
    if side_by_side {
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(half);
                plot_title_with(ui, "Loss per epoch", ci, "loss", opts, out);
                loss_plot_ui(ui, ci, cell, opts, egui::vec2(half, PLOT_HEIGHT));
            });
            ui.vertical(|ui| second(ui, out));
        });
    } else {
        plot_title_with(ui, "Loss per epoch", ci, "loss", opts, out);
        loss_plot_ui(ui, ci, cell, opts, egui::vec2(half, PLOT_HEIGHT));
        second(ui, out);
    }
    let classify = cell.train_data().is_some_and(|d| !d.class_names.is_empty());
    if classify && (two_d || one_d) {
        egui::CollapsingHeader::new("Accuracy")
            .id_salt(("acc section", ci))
            .show(ui, |ui| {
                plot_title(ui, "Accuracy per epoch", ci, "accuracy", out);
                accuracy_plot_ui(ui, ci, cell, egui::vec2(width, PLOT_HEIGHT));
            });
    }
    super::train_analysis::analysis_ui(ui, ci, cell, view, out);
}

/// At most this many points per curve are drawn (a long run is thinned evenly).
pub const MAX_CURVE_POINTS: usize = 1000;

/// A curve's points for drawing: every k-th point so that at most [`MAX_CURVE_POINTS`] are
/// drawn, always with the last one (drawing thousands of epochs would cost more than training).
pub fn curve(points: Vec<[f64; 2]>) -> PlotPoints<'static> {
    PlotPoints::from(thin(points))
}

/// Every k-th point so that at most [`MAX_CURVE_POINTS`] are left, always with the last one.
pub fn thin(points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let n = points.len();
    if n <= MAX_CURVE_POINTS {
        return points;
    }
    let k = n.div_ceil(MAX_CURVE_POINTS);
    let mut out: Vec<[f64; 2]> = points.iter().step_by(k).copied().collect();
    if !(n - 1).is_multiple_of(k) {
        out.push(points[n - 1]);
    }
    out
}
