//! The "Layers" section: one layer's weights and last gradients as histograms, then every
//! layer's gradient norm (log scale) and share of dead ReLU units over the epochs.
//!
//! `cell.extras[e]` holds the figures after epoch `e + 1` (epochs are 1-based, as in the loss
//! plot): the gradient norms come from that epoch's last mini-batch, the dead units from the
//! whole training set.

use super::super::theme;
use super::super::train_plots::{remember_rect, small_plot_title};
use super::{layer_name, layer_picker, now};
use crate::app::Command;
use crate::app::training::TrainCell;
use crate::nn::Network;
use crate::nn::metrics::Histogram;
use crate::nn::numfmt::NumberFormat;
use egui::Ui;
use egui_plot::{Bar, BarChart, GridInput, GridMark, Legend, Line, LineStyle, Plot, log_grid_spacer};

/// Height of the plots in this section.
const HEIGHT: f32 = 200.0;

pub(super) fn layers_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, net: &Network, out: &mut Vec<Command>) {
    ui.label(
        "The weights of one layer and the gradients of the last mini-batch, as histograms; below, how \
         large each layer's gradient was over the epochs.",
    );
    let l = layer_picker(ui, ci, "layers", "Layer", net, 0);
    let width = ui.available_width();
    // Side by side when both halves get 200 points, else one under the other (never wider
    // than the cell: that would hide them under the stepper panel).
    let side = width >= 2.0 * 200.0 + 12.0;
    let half = if side { (width - 12.0) / 2.0 } else { width };
    let layout = if side {
        egui::Layout::left_to_right(egui::Align::Min)
    } else {
        egui::Layout::top_down(egui::Align::Min)
    };
    let weights = net.layers()[l].weights.as_slice();
    let grads: Option<&[f64]> = cell
        .trainer
        .as_ref()
        .and_then(|t| t.last_gradients())
        .and_then(|g| g.layers.get(l))
        .map(|g| g.weights.as_slice());
    let t = now(ui);
    let (weights_hist, grads_hist) = (cell.layer_histogram(t, l, false), cell.layer_histogram(t, l, true));
    ui.with_layout(layout, |ui| {
        ui.vertical(|ui| {
            ui.set_width(half);
            small_plot_title(ui, &format!("Weights of layer {}", l + 1), ci, "weights", out);
            if let Some(h) = &weights_hist {
                let r = histogram_plot(
                    ui,
                    ("weights hist", ci, cell.generation),
                    h,
                    "weight",
                    theme::positive(false),
                    half,
                );
                remember_rect(ui, ci, "weights", r.rect);
            }
            ui.label(values_summary(weights));
        });
        ui.vertical(|ui| {
            ui.set_width(half);
            small_plot_title(ui, &format!("Last gradients of layer {}", l + 1), ci, "gradients", out);
            match (&grads, &grads_hist) {
                (Some(g), Some(h)) => {
                    let r = histogram_plot(
                        ui,
                        ("grads hist", ci, cell.generation),
                        h,
                        "dL/dW",
                        theme::negative(false),
                        half,
                    );
                    remember_rect(ui, ci, "gradients", r.rect);
                    ui.label(values_summary(g));
                }
                _ => {
                    ui.label("No gradients yet: train one step first.");
                }
            }
        });
    });
    ui.add_space(6.0);
    ui.label(format!(
        "Each layer: {}.",
        (0..net.len())
            .map(|k| layer_name(net, k))
            .collect::<Vec<_>>()
            .join("; ")
    ));
    if cell.extras.is_empty() {
        ui.label("Train an epoch to see the gradient norms and dead units per layer.");
        return;
    }
    ui.label(
        "Gradient norm per layer (log scale). When the norms fall layer by layer towards the input, the first \
         layers barely learn: that is the vanishing-gradient problem.",
    );
    small_plot_title(ui, "Gradient norm per layer", ci, "grad_norms", out);
    let r = grad_norm_plot(ui, ci, cell, net, width);
    remember_rect(ui, ci, "grad_norms", r.rect);
    let relu = cell.extras.iter().any(|e| e.dead.iter().any(Option::is_some));
    if relu {
        ui.label(
            "Dead ReLU units: units whose z is at most 0 for every training sample. They output 0 and pass no \
             gradient back, so they stop learning.",
        );
        small_plot_title(ui, "Dead ReLU units per layer", ci, "dead_relu", out);
        let r = dead_plot(ui, ci, cell, width);
        remember_rect(ui, ci, "dead_relu", r.rect);
    }
    current_values_ui(ui, cell, net);
}

/// Grid marks of a log10 axis at 1, 2 and 5 times the powers of ten (only the powers when the
/// range spans many decades; egui's own spacing when it holds fewer than two of them).
fn log_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let mut marks = Vec::new();
    if lo.is_finite() && hi.is_finite() && hi - lo < 300.0 {
        let decades = hi - lo;
        let every = (decades / 8.0).ceil().max(1.0) as i64;
        let mantissas: &[f64] = if decades > 4.0 { &[1.0] } else { &[1.0, 2.0, 5.0] };
        for k in (lo.floor() as i64)..=(hi.ceil() as i64) {
            if k.rem_euclid(every) != 0 {
                continue;
            }
            for &m in mantissas {
                let value = k as f64 + m.log10();
                if (lo..=hi).contains(&value) {
                    let step_size = if m == 1.0 { every as f64 } else { 0.3 };
                    marks.push(GridMark { value, step_size });
                }
            }
        }
    }
    if marks.len() < 2 {
        return log_grid_spacer(10)(input);
    }
    marks
}

/// "144 values from -1.234 to 0.9876, mean 0.01234".
fn values_summary(v: &[f64]) -> String {
    let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if finite.is_empty() {
        return format!("{} values, none finite", v.len());
    }
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mean = finite.iter().sum::<f64>() / finite.len() as f64;
    format!(
        "{} values from {} to {}, mean {}",
        v.len(),
        NumberFormat::PLOT.fmt(lo),
        NumberFormat::PLOT.fmt(hi),
        NumberFormat::PLOT.fmt(mean)
    )
}

fn histogram_plot(
    ui: &mut Ui,
    id: impl egui::AsIdSalt,
    h: &Histogram,
    what: &str,
    color: egui::Color32,
    width: f32,
) -> egui::Response {
    let bars: Vec<Bar> = h
        .counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let (a, b) = (h.edges[i], h.edges[i + 1]);
            Bar::new((a + b) / 2.0, c as f64).width((b - a) * 0.95).name(format!(
                "{} to {}",
                NumberFormat::PLOT.fmt(a),
                NumberFormat::PLOT.fmt(b)
            ))
        })
        .collect();
    let edges = h.edges.iter().copied();
    let counts = h.counts.iter().map(|&c| c as f64);
    crate::ui::plot_range::drawable(crate::ui::plot_range::tick_axes(Plot::new(id)), edges, counts)
        .height(HEIGHT)
        .width(width)
        .x_axis_label(what.to_string())
        .y_axis_label("count")
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |p| p.bar_chart(BarChart::new(what.to_string(), bars).color(color)))
        .response
}

fn grad_norm_plot(ui: &mut Ui, ci: usize, cell: &TrainCell, net: &Network, width: f32) -> egui::Response {
    Plot::new(("grad norms", ci, cell.generation))
        .height(HEIGHT)
        .width(width)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label("gradient norm (log scale)")
        .y_axis_formatter(|m, _| NumberFormat::TICK.fmt(10f64.powf(m.value)))
        .y_grid_spacer(log_marks)
        .label_formatter(|pos| {
            let (name, p) = match pos {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name, position, ..
                } => (*plot_name, *position),
                egui_plot::HoverPosition::Elsewhere { position } => ("", *position),
            };
            let head = if name.is_empty() {
                String::new()
            } else {
                format!("{name}\n")
            };
            Some(format!(
                "{head}epoch {:.0}\nnorm {}",
                p.x,
                NumberFormat::PLOT.fmt(10f64.powf(p.y))
            ))
        })
        .allow_scroll(false)
        .show(ui, |p| {
            for l in 0..net.len() {
                let pts: Vec<[f64; 2]> = cell
                    .extras
                    .iter()
                    .enumerate()
                    .filter_map(|(e, x)| {
                        let g = *x.grad_norms.get(l)?;
                        (g.is_finite() && g > 0.0).then(|| [(e + 1) as f64, g.log10()])
                    })
                    .collect();
                p.line(series(format!("layer {}", l + 1), pts, l));
            }
        })
        .response
}

fn dead_plot(ui: &mut Ui, ci: usize, cell: &TrainCell, width: f32) -> egui::Response {
    let layers = cell.extras.iter().map(|e| e.dead.len()).max().unwrap_or(0);
    crate::ui::plot_range::tick_axes(Plot::new(("dead relu", ci, cell.generation)))
        .height(HEIGHT)
        .width(width)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label("dead units (%)")
        .include_y(0.0)
        .include_y(100.0)
        .allow_scroll(false)
        .show(ui, |p| {
            for l in 0..layers {
                let pts: Vec<[f64; 2]> = cell
                    .extras
                    .iter()
                    .enumerate()
                    .filter_map(|(e, x)| Some([(e + 1) as f64, 100.0 * (*x.dead.get(l)?)?]))
                    .collect();
                if !pts.is_empty() {
                    p.line(series(format!("layer {}", l + 1), pts, l));
                }
            }
        })
        .response
}

/// One layer's line: its own colour, and every other layer dashed, so colour is not the only cue.
fn series(name: String, pts: Vec<[f64; 2]>, l: usize) -> Line<'static> {
    let line = Line::new(name, super::super::train_plots::curve(pts))
        .color(theme::class_color(l))
        .width(2.0);
    if l % 2 == 1 {
        line.style(LineStyle::dashed_dense())
    } else {
        line
    }
}

/// The last epoch's figures as text, one line per layer.
fn current_values_ui(ui: &mut Ui, cell: &TrainCell, net: &Network) {
    let Some(last) = cell.extras.last() else { return };
    ui.label(format!("After epoch {}:", cell.extras.len()));
    for l in 0..net.len() {
        ui.label(layer_values_text(l, net.layers()[l].units(), last));
    }
}

/// "layer 1: gradient norm 0.01234, dead ReLU units 25.00% (2 of 8)".
fn layer_values_text(l: usize, units: usize, extras: &crate::app::training::EpochExtras) -> String {
    let norm = extras
        .grad_norms
        .get(l)
        .map_or("none".to_string(), |&g| NumberFormat::PLOT.fmt(g));
    let mut s = format!("layer {}: gradient norm {norm}", l + 1);
    if let Some(Some(f)) = extras.dead.get(l) {
        let dead = (f * units as f64).round() as usize;
        s.push_str(&format!(
            ", dead ReLU units {}% ({dead} of {units})",
            NumberFormat::PLOT.fmt(100.0 * f)
        ));
    }
    s
}
