//! The training lab's analysis sections, below the main plots, each a collapsing section:
//! - **Evaluation**: confusion matrix, precision and recall, accuracy (or R² and RMSE) on the
//!   test split, else the validation split, else the training data (the text names which);
//! - **Layers** ([`layers`]): weight and gradient histograms of one layer, gradient norms and
//!   dead ReLU units per layer over the epochs;
//! - **Hidden units** ([`units`]): what each hidden unit responds to over a 2-D input plane;
//! - **Activation function** ([`activation`]): f and f' of a layer, with its real z values.
//!
//! Every figure is computed and kept by the cell ([`crate::app::analysis`]); this module only
//! draws it (textures are kept in egui's memory under the cell's [`TrainCell::uid`], so a
//! picture stays with its cell when cells move). Layers are numbered from 1 in every text.

mod activation;
mod layers;
mod units;

use super::theme;
use super::train_plots::{remember_rect, small_plot_title};
use crate::app::analysis::{Evaluation, REFRESH_SECONDS, evaluation_split};
use crate::app::training::TrainCell;
use crate::app::{Command, ViewSettings};
use crate::lesson::training::Prepared;
use crate::nn::metrics::ConfusionMatrix;
use crate::nn::numfmt::NumberFormat;
use crate::nn::{Activation, Network};
use egui::{Color32, RichText, Ui};

/// Draws the analysis sections of training cell `ci`.
pub fn analysis_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, view: &ViewSettings, out: &mut Vec<Command>) {
    let (Some(net), Some(data)) = (cell.net(), cell.data.as_ref()) else {
        return;
    };
    egui::CollapsingHeader::new("Evaluation")
        .id_salt(("analysis evaluation", ci))
        .show(ui, |ui| evaluation_ui(ui, ci, cell, data, view, out));
    egui::CollapsingHeader::new("Layers")
        .id_salt(("analysis layers", ci))
        .show(ui, |ui| layers::layers_ui(ui, ci, cell, net, out));
    if data.train.x.nrows() == 2 && net.len() > 1 {
        egui::CollapsingHeader::new("Hidden units")
            .id_salt(("analysis units", ci))
            .show(ui, |ui| units::units_ui(ui, cell, net, view));
    }
    egui::CollapsingHeader::new("Activation function")
        .id_salt(("analysis activation", ci))
        .show(ui, |ui| activation::activation_ui(ui, ci, cell, net, view, out));
    if cell.analysis_behind() {
        // A figure older than the weights was drawn: draw again once it may be refreshed.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(REFRESH_SECONDS));
    }
}

/// The current time for the cell's figures.
fn now(ui: &Ui) -> f64 {
    ui.input(|i| i.time)
}

/// "Accuracy on the test split: 95.00% (38 of 40 right)".
pub fn accuracy_text(split: &str, cm: &ConfusionMatrix) -> String {
    let right: usize = (0..cm.classes()).map(|c| cm.counts[c][c]).sum();
    format!(
        "Accuracy on the {split} split: {}% ({right} of {} right)",
        NumberFormat::PLOT.fmt(100.0 * cm.accuracy()),
        cm.total()
    )
}

fn evaluation_ui(
    ui: &mut Ui,
    ci: usize,
    cell: &TrainCell,
    data: &Prepared,
    view: &ViewSettings,
    out: &mut Vec<Command>,
) {
    let (split, d) = evaluation_split(data);
    let why = match split {
        "test" => "kept apart from training and from the choice of settings",
        "validation" => "there is no test split; the validation split is not trained on",
        _ => {
            "there is no validation or test split, so these are samples the network trained on: the figures flatter it"
        }
    };
    ui.label(format!(
        "How the network does on the {split} split ({} samples; {why}).",
        d.len()
    ));
    let Some(eval) = cell.evaluation(now(ui)) else { return };
    match &*eval {
        Evaluation::Failed(e) => {
            ui.label(RichText::new(format!("Cannot evaluate: {e}")).color(ui.visuals().error_fg_color));
        }
        Evaluation::Regression { r2, rmse } => {
            ui.label(format!(
                "R² on the {split} split = {} (1 is a perfect fit; 0 is no better than always predicting the mean)",
                NumberFormat::PLOT.fmt(*r2)
            ));
            ui.label(format!(
                "RMSE on the {split} split = {} (root mean squared error, in the target's units)",
                NumberFormat::PLOT.fmt(*rmse)
            ));
        }
        Evaluation::Classes { cm, names } => {
            ui.label(RichText::new(accuracy_text(split, cm)).strong());
            ui.label(
                "Rows are the true class, columns the class the network predicts: the diagonal holds the right answers.",
            );
            small_plot_title(ui, "Confusion matrix", ci, "confusion", out);
            let resp = confusion_ui(ui, ci, cm, names, view.dark);
            remember_rect(ui, ci, "confusion", resp.rect);
            ui.add_space(6.0);
            ui.label(
                "Precision: of the samples predicted as the class, the share that are. \
                 Recall: of the samples of the class, the share found.",
            );
            precision_recall_ui(ui, ci, cm, names);
        }
    }
}

/// Size of one confusion-matrix cell at most; cells narrow down to [`CM_MIN_WIDTH`] to fit the
/// width there is, and a matrix wider than that scrolls sideways.
const CM_CELL: egui::Vec2 = egui::vec2(64.0, 26.0);
/// The narrowest a confusion-matrix cell gets (a three-digit count still fits).
const CM_MIN_WIDTH: f32 = 26.0;

/// The confusion matrix as a grid; every cell holds its count, shaded by it (right answers in
/// blue, mistakes in orange).
fn confusion_ui(ui: &mut Ui, ci: usize, cm: &ConfusionMatrix, names: &[String], dark: bool) -> egui::Response {
    let max = cm.counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let base = theme::plot_background(dark);
    let gap = 3.0;
    let k = names.len().max(1) as f32;
    // The first column is as wide as the longest class name (the sentence above the matrix
    // says which way is which); the cells share the rest.
    let header = names
        .iter()
        .map(|n| {
            egui::WidgetText::from(RichText::new(n).strong())
                .into_galley(
                    ui,
                    Some(egui::TextWrapMode::Extend),
                    f32::INFINITY,
                    egui::TextStyle::Body,
                )
                .size()
                .x
        })
        .fold(0.0f32, f32::max)
        .clamp(12.0, 120.0)
        + 4.0;
    let fit = (ui.available_width() - header - gap * (k + 1.0)) / k;
    let cell = egui::vec2(fit.clamp(CM_MIN_WIDTH, CM_CELL.x), CM_CELL.y);
    egui::ScrollArea::horizontal()
        .id_salt(("confusion scroll", ci))
        .show(ui, |ui| {
            confusion_grid(ui, ci, cm, names, (cell, header, gap, max, base, dark))
        })
        .inner
}

/// The confusion matrix's grid with cells of size `cell`.
fn confusion_grid(
    ui: &mut Ui,
    ci: usize,
    cm: &ConfusionMatrix,
    names: &[String],
    (cell, header, gap, max, base, dark): (egui::Vec2, f32, f32, usize, Color32, bool),
) -> egui::Response {
    egui::Grid::new(("confusion grid", ci))
        .spacing(egui::vec2(gap, gap))
        .min_col_width(0.0)
        .show(ui, |ui| {
            ui.add_sized(egui::vec2(header, cell.y), egui::Label::new(""));
            for n in names {
                ui.add_sized(cell, egui::Label::new(RichText::new(n).strong()).truncate());
            }
            ui.end_row();
            for (t, row) in cm.counts.iter().enumerate() {
                ui.add_sized(
                    egui::vec2(header, cell.y),
                    egui::Label::new(RichText::new(&names[t]).strong()).truncate(),
                );
                for (p, &count) in row.iter().enumerate() {
                    let share = count as f32 / max as f32;
                    let hue = if t == p {
                        theme::positive(dark)
                    } else {
                        theme::negative(dark)
                    };
                    let fill = base.lerp_to_gamma(hue, (0.85 * share).clamp(0.0, 1.0));
                    let text = if share > 0.55 {
                        Color32::WHITE
                    } else {
                        ui.visuals().strong_text_color()
                    };
                    let bg = ui.painter().add(egui::Shape::Noop);
                    let r = ui
                        .add_sized(cell, egui::Label::new(RichText::new(count.to_string()).color(text)))
                        .on_hover_text(format!(
                            "true {}, predicted {}: {count} sample{}",
                            names[t],
                            names[p],
                            if count == 1 { "" } else { "s" }
                        ));
                    ui.painter().set(bg, egui::Shape::rect_filled(r.rect, 3.0, fill));
                }
                ui.end_row();
            }
        })
        .response
}

fn precision_recall_ui(ui: &mut Ui, ci: usize, cm: &ConfusionMatrix, names: &[String]) {
    egui::Grid::new(("precision recall", ci))
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for h in ["class", "precision", "recall", "samples"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (k, name) in names.iter().enumerate() {
                let support: usize = cm.counts[k].iter().sum();
                ui.label(name);
                ui.label(NumberFormat::PLOT.fmt(cm.precision(k)));
                ui.label(NumberFormat::PLOT.fmt(cm.recall(k)));
                ui.label(support.to_string());
                ui.end_row();
            }
        });
}

/// "layer 1 (hidden, 4 tanh units)".
fn layer_name(net: &Network, l: usize) -> String {
    let layer = &net.layers()[l];
    let role = if l + 1 == net.len() { "output" } else { "hidden" };
    let n = layer.units();
    format!(
        "layer {} ({role}, {n} {} unit{})",
        l + 1,
        layer.activation.name(),
        if n == 1 { "" } else { "s" }
    )
}

/// A layer picker kept in egui's memory under `(salt, ci)`; returns the chosen layer (0-based).
fn layer_picker(ui: &mut Ui, ci: usize, salt: &str, label: &str, net: &Network, default: usize) -> usize {
    let id = egui::Id::unique(("analysis layer pick", salt, ci));
    let mut l: usize = ui.data(|d| d.get_temp(id)).unwrap_or(default);
    l = l.min(net.len().saturating_sub(1));
    egui::ComboBox::new(("analysis layer combo", salt, ci), label)
        .selected_text(layer_name(net, l))
        .show_ui(ui, |ui| {
            for k in 0..net.len() {
                ui.selectable_value(&mut l, k, layer_name(net, k));
            }
        });
    ui.data_mut(|d| d.insert_temp(id, l));
    l
}

/// `a = tanh(z)`, `a = z`, ...
fn activation_formula(a: Activation) -> String {
    match a {
        Activation::Identity => "a = z".into(),
        Activation::Relu => "a = max(z, 0)".into(),
        other => format!("a = {}(z)", other.name()),
    }
}
