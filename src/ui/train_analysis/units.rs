//! The "Hidden units" section (2-D data only): for every hidden unit, a small picture of its
//! output `a` over the input plane, the same area as the decision boundary
//! ([`train_plots::extent`]). Hovering a picture shows it large, with the unit named.
//!
//! Colours: outputs that lie in [0, 1] (sigmoid) on a sequential scale from the background
//! (0) to blue (1); every other activation diverging around 0, orange below and blue above,
//! scaled by the largest |a| of the layer over the plane (tanh by 1), so a weak unit looks pale.
//! The hover text gives the unit's range in numbers, so sign is not told by colour alone.

use super::super::{theme, train_plots};
use super::{activation_formula, cached};
use crate::app::ViewSettings;
use crate::app::training::TrainCell;
use crate::nn::data::Dataset;
use crate::nn::numfmt::NumberFormat;
use crate::nn::trace::forward;
use crate::nn::{Activation, Network};
use egui::{Color32, ColorImage, TextureHandle, Ui, vec2};

/// Grid points per side of a picture.
const SIDE: usize = 28;
/// At most this many pictures.
const MAX_PICTURES: usize = 64;
/// Size of a thumbnail and of the enlarged picture, in points.
const THUMB: f32 = 52.0;
const LARGE: f32 = 220.0;

/// One unit's picture.
struct UnitPicture {
    layer: usize,
    unit: usize,
    lo: f64,
    hi: f64,
    texture: TextureHandle,
}

/// The pictures of one network, and how many units were left out.
struct Pictures {
    units: Vec<UnitPicture>,
    more: usize,
    /// "x1 across, x2 up", with the features' names.
    axes: String,
}

pub(super) fn units_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, net: &Network, train: &Dataset, view: &ViewSettings) {
    ui.label(
        "What each hidden unit responds to: its output a over the input plane (the area of the decision \
         boundary). Blue is positive, orange negative, pale near zero; a sigmoid unit goes from pale (0) to \
         blue (1). Hover a picture to enlarge it.",
    );
    let dark = view.dark;
    let pics = cached(
        ui,
        egui::Id::unique(("analysis units", ci)),
        cell,
        u64::from(dark),
        || pictures(ui.ctx(), ci, net, train, dark),
    );
    let hidden = net.len().saturating_sub(1);
    for l in 0..hidden {
        let layer = &net.layers()[l];
        let these: Vec<&UnitPicture> = pics.units.iter().filter(|p| p.layer == l).collect();
        if these.is_empty() {
            continue;
        }
        ui.label(format!(
            "Layer {} ({} {} unit{}):",
            l + 1,
            layer.units(),
            layer.activation.name(),
            if layer.units() == 1 { "" } else { "s" }
        ));
        ui.horizontal_wrapped(|ui| {
            for p in these {
                thumbnail_ui(ui, p, layer.activation, &pics.axes);
            }
        });
    }
    if pics.more > 0 {
        ui.label(format!(
            "+{} more units not shown (at most {MAX_PICTURES} pictures).",
            pics.more
        ));
    }
}

fn thumbnail_ui(ui: &mut Ui, p: &UnitPicture, act: Activation, axes: &str) {
    let name = format!("layer {}, unit {}", p.layer + 1, p.unit + 1);
    ui.vertical(|ui| {
        ui.set_width(THUMB);
        let img = egui::Image::from_texture((p.texture.id(), vec2(THUMB, THUMB)))
            .alt_text(name.clone())
            .sense(egui::Sense::hover());
        let r = ui.add(img);
        // A frame, so that a picture of a unit that is 0 everywhere still shows as a square.
        let frame = egui::Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color);
        ui.painter().rect_stroke(r.rect, 0.0, frame, egui::StrokeKind::Outside);
        r.on_hover_ui(|ui| {
            ui.strong(format!("{name}: {}", activation_formula(act)));
            ui.image((p.texture.id(), vec2(LARGE, LARGE)));
            ui.label(format!(
                "a from {} to {} over this area ({axes})",
                NumberFormat::PLOT.fmt(p.lo),
                NumberFormat::PLOT.fmt(p.hi)
            ));
        });
        ui.small(format!("unit {}", p.unit + 1));
    });
}

/// Every hidden unit's picture (the first [`MAX_PICTURES`]), from an f64 forward pass.
fn pictures(ctx: &egui::Context, ci: usize, net: &Network, train: &Dataset, dark: bool) -> Pictures {
    let e = train_plots::extent(&train.x);
    let grid = train_plots::grid_points(e, SIDE);
    let t = forward(net, &grid);
    let hidden = net.len().saturating_sub(1);
    let total: usize = net.layers()[..hidden].iter().map(|l| l.units()).sum();
    let mut units = Vec::new();
    'layers: for l in 0..hidden {
        let a = &t.layers[l].a;
        let act = net.layers()[l].activation;
        let layer_max = a.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
        for u in 0..a.nrows() {
            if units.len() >= MAX_PICTURES {
                break 'layers;
            }
            let row: Vec<f64> = a.row(u).iter().copied().collect();
            let lo = row.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let pixels = row.iter().map(|&v| color(v, act, layer_max, dark)).collect();
            let image = ColorImage::new([SIDE, SIDE], pixels);
            let texture = ctx.load_texture(format!("unit {ci} {l} {u}"), image, egui::TextureOptions::LINEAR);
            units.push(UnitPicture {
                layer: l,
                unit: u,
                lo,
                hi,
                texture,
            });
        }
    }
    let more = total - units.len();
    let name = |i: usize| {
        train
            .feature_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("x{}", i + 1))
    };
    let axes = format!("{} across, {} up", name(0), name(1));
    Pictures { units, more, axes }
}

/// The colour of one output value (see the module's conventions).
fn color(v: f64, act: Activation, layer_max: f64, dark: bool) -> Color32 {
    let base = theme::plot_background(dark);
    if !v.is_finite() {
        return Color32::from_gray(128);
    }
    if act == Activation::Sigmoid {
        return base.lerp_to_gamma(theme::positive(dark), (v as f32).clamp(0.0, 1.0));
    }
    let scale = if act == Activation::Tanh {
        1.0
    } else {
        layer_max.max(1e-12)
    };
    let t = ((v.abs() / scale) as f32).clamp(0.0, 1.0);
    if v >= 0.0 {
        base.lerp_to_gamma(theme::positive(dark), t)
    } else {
        base.lerp_to_gamma(theme::negative(dark), t)
    }
}
