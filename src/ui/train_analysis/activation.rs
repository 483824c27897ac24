//! The "Activation function" section: for a chosen layer, f(z) and f'(z) of its activation
//! over [-5, 5] (widened to cover the layer's real z values), those z values on the training
//! data marked on the f curve (a sample of at most [`crate::app::analysis::MAX_Z_POINTS`]), and the share of them where
//! the slope is tiny (saturated; for ReLU: z <= 0, dead).

use super::super::theme;
use super::super::train_plots::{remember_rect, small_plot_title};
use super::{layer_picker, now};
use crate::app::analysis::{LayerZ, SATURATED_SLOPE};
use crate::app::training::TrainCell;
use crate::app::{Command, ViewSettings};
use crate::nn::numfmt::NumberFormat;
use crate::nn::{Activation, Network};
use egui::{Color32, Ui};
use egui_plot::{Corner, Legend, Line, LineStyle, Plot, PlotPoints, Points};

/// Points on the f and f' curves.
const CURVE_POINTS: usize = 400;
const HEIGHT: f32 = 240.0;

pub(super) fn activation_ui(
    ui: &mut Ui,
    ci: usize,
    cell: &TrainCell,
    net: &Network,
    view: &ViewSettings,
    out: &mut Vec<Command>,
) {
    ui.label(
        "An activation function f and its slope f'. Backpropagation multiplies by f'(z) at every unit: where the \
         slope is near 0 (saturated), hardly any gradient passes and the weights before it barely change.",
    );
    let l = layer_picker(ui, ci, "activation", "Layer to plot", net, 0);
    let act = net.layers()[l].activation;
    let (f, df) = act.formula();
    ui.label(format!("{f}    {df}"));
    if act == Activation::Softmax {
        ui.label(
            "Softmax has no single curve: each output a_k depends on every z of the sample, so it cannot be drawn \
             as f(z) of one unit. With cross-entropy its slope never saturates the way sigmoid's does: delta = a - y.",
        );
        return;
    }
    let Some(stats) = cell.layer_z(now(ui)) else { return };
    let Some(z) = stats.get(l) else { return };
    let (lo, hi) = if z.count > 0 {
        (z.lo.min(-5.0), z.hi.max(5.0))
    } else {
        (-5.0, 5.0)
    };
    let curve = |g: &dyn Fn(f64) -> f64| -> Vec<[f64; 2]> {
        (0..CURVE_POINTS)
            .map(|i| {
                let x = lo + (hi - lo) * i as f64 / (CURVE_POINTS - 1) as f64;
                [x, g(x)]
            })
            .collect()
    };
    let fz = curve(&|x| act.value(x));
    let dfz = curve(&|x| act.derivative(x, act.value(x)));
    let title = format!("Activation of layer {}: {}", l + 1, act.name());
    small_plot_title(ui, &title, ci, "activation", out);
    let width = ui.available_width();
    let marks = Color32::from_gray(if view.dark { 190 } else { 90 });
    let resp = crate::ui::plot_range::tick_axes(Plot::new(("activation plot", ci, cell.generation)))
        .height(HEIGHT)
        .width(width)
        .legend(Legend::default().position(Corner::LeftTop))
        .x_axis_label("z")
        .y_axis_label("f(z), f'(z)")
        .allow_scroll(false)
        .show(ui, |p| {
            p.line(
                Line::new("f(z)", PlotPoints::from(fz))
                    .color(theme::positive(view.dark))
                    .width(2.5),
            );
            p.line(
                Line::new("f'(z)", PlotPoints::from(dfz))
                    .color(theme::negative(view.dark))
                    .width(2.0)
                    .style(LineStyle::dashed_dense()),
            );
            if !z.samples.is_empty() {
                let name = format!("z on the training data ({} of {} values)", z.samples.len(), z.count);
                p.points(
                    Points::new(name, PlotPoints::from(z.samples.clone()))
                        .color(marks)
                        .radius(2.0),
                );
            }
        });
    remember_rect(ui, ci, "activation", resp.response.rect);
    ui.label(share_text(l, act, z));
}

/// The sentence under the plot: the share of saturated (or dead) values, in numbers.
fn share_text(l: usize, act: Activation, z: &LayerZ) -> String {
    if z.count == 0 {
        return "No training samples to place on the curve.".into();
    }
    let pct = NumberFormat::PLOT.fmt(100.0 * z.low_slope as f64 / z.count as f64);
    let of = format!("{} of {}", z.low_slope, z.count);
    match act {
        Activation::Identity => "The identity's slope is 1 everywhere: it never saturates.".into(),
        Activation::Relu => format!(
            "{pct}% of layer {}'s z values on the training data are <= 0 ({of}): there ReLU outputs 0 and passes \
             no gradient (dead).",
            l + 1
        ),
        _ => format!(
            "{pct}% of layer {}'s z values on the training data have |f'(z)| < {SATURATED_SLOPE} ({of}): there the \
             unit is saturated and learns slowly.",
            l + 1
        ),
    }
}
