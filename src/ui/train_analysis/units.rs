//! The "Hidden units" section (2-D data only): for every hidden unit, a small picture of its
//! output `a` over the input plane, the same area as the decision boundary
//! ([`crate::app::analysis::extent`]). Hovering a picture shows it large, with the unit named.
//!
//! Colours: outputs that lie in [0, 1] (sigmoid) on a sequential scale from the background
//! (0) to blue (1); every other activation diverging around 0, orange below and blue above,
//! scaled by the largest |a| of the layer over the plane (tanh by 1), so a weak unit looks pale.
//! The hover text gives the unit's range in numbers, so sign is not told by colour alone.

use super::super::theme;
use super::{activation_formula, now};
use crate::app::ViewSettings;
use crate::app::analysis::{MAX_UNIT_PICTURES, UNIT_SIDE, UnitGrid, UnitGrids};
use crate::app::training::TrainCell;
use crate::nn::numfmt::NumberFormat;
use crate::nn::{Activation, Network};
use egui::{Color32, ColorImage, TextureHandle, Ui, vec2};
use std::sync::Arc;

/// Size of a thumbnail and of the enlarged picture, in points.
const THUMB: f32 = 52.0;
const LARGE: f32 = 220.0;

/// The textures of one cell's unit pictures, for the figures they were made from.
#[derive(Clone)]
struct Textures {
    /// The figures they were made from (held, so the comparison cannot be fooled by a freed
    /// allocation's address being reused): new figures, new textures.
    made_from: Arc<UnitGrids>,
    dark: bool,
    textures: Arc<Vec<TextureHandle>>,
}

/// One texture per unit of `grids`, kept under the cell's uid until the figures change.
fn textures(ui: &Ui, cell: &TrainCell, grids: &Arc<UnitGrids>, net: &Network, dark: bool) -> Arc<Vec<TextureHandle>> {
    let id = egui::Id::unique(("unit textures", cell.uid()));
    let kept: Option<Textures> = ui.data(|d| d.get_temp(id));
    if let Some(t) = kept
        && Arc::ptr_eq(&t.made_from, grids)
        && t.dark == dark
    {
        return t.textures;
    }
    let textures: Vec<TextureHandle> = grids
        .units
        .iter()
        .map(|g| {
            let act = net.layers().get(g.layer).map_or(Activation::Identity, |l| l.activation);
            let pixels = g.values.iter().map(|&v| color(v, act, g.layer_max, dark)).collect();
            let image = ColorImage::new([UNIT_SIDE, UNIT_SIDE], pixels);
            let name = format!("unit {} {} {}", cell.uid(), g.layer, g.unit);
            ui.ctx().load_texture(name, image, egui::TextureOptions::LINEAR)
        })
        .collect();
    let textures = Arc::new(textures);
    let kept = Textures {
        made_from: grids.clone(),
        dark,
        textures: textures.clone(),
    };
    ui.data_mut(|d| d.insert_temp(id, kept));
    textures
}

pub(super) fn units_ui(ui: &mut Ui, cell: &TrainCell, net: &Network, view: &ViewSettings) {
    ui.label(
        "What each hidden unit responds to: its output a over the input plane (the area of the decision \
         boundary). Blue is positive, orange negative, pale near zero; a sigmoid unit goes from pale (0) to \
         blue (1). Hover a picture to enlarge it.",
    );
    let Some(pics) = cell.unit_grids(now(ui)) else { return };
    let textures = textures(ui, cell, &pics, net, view.dark);
    let hidden = net.len().saturating_sub(1);
    for l in 0..hidden {
        let layer = &net.layers()[l];
        let these: Vec<(&UnitGrid, &TextureHandle)> = pics
            .units
            .iter()
            .zip(textures.iter())
            .filter(|(p, _)| p.layer == l)
            .collect();
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
        // Rows that fit the width: a wrapping layout cannot wrap a picture with its caption
        // (it does not know the pair's width in advance), so the row would run off the page.
        let gap = ui.spacing().item_spacing.x;
        let per_row = (((ui.available_width() + gap) / (THUMB + gap)).floor() as usize).max(1);
        for row in these.chunks(per_row) {
            ui.horizontal(|ui| {
                for (p, texture) in row {
                    thumbnail_ui(ui, p, texture, layer.activation, &pics.axes);
                }
            });
        }
    }
    if pics.more > 0 {
        ui.label(format!(
            "+{} more units not shown (at most {MAX_UNIT_PICTURES} pictures).",
            pics.more
        ));
    }
}

fn thumbnail_ui(ui: &mut Ui, p: &UnitGrid, texture: &TextureHandle, act: Activation, axes: &str) {
    let name = format!("layer {}, unit {}", p.layer + 1, p.unit + 1);
    ui.vertical(|ui| {
        ui.set_width(THUMB);
        let img = egui::Image::from_texture((texture.id(), vec2(THUMB, THUMB)))
            .alt_text(name.clone())
            .sense(egui::Sense::hover());
        let r = ui.add(img);
        // A frame, so that a picture of a unit that is 0 everywhere still shows as a square.
        let frame = egui::Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color);
        ui.painter().rect_stroke(r.rect, 0.0, frame, egui::StrokeKind::Outside);
        r.on_hover_ui(|ui| {
            ui.strong(format!("{name}: {}", activation_formula(act)));
            ui.image((texture.id(), vec2(LARGE, LARGE)));
            ui.label(format!(
                "a from {} to {} over this area ({axes})",
                NumberFormat::PLOT.fmt(p.lo),
                NumberFormat::PLOT.fmt(p.hi)
            ));
        });
        ui.small(format!("unit {}", p.unit + 1));
    });
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
