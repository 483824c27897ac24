//! The legend of the diagram and of the stepper's highlights, on screen where they are: a
//! "Legend" section under each diagram, and a one-line key under the stepper's formula. Every
//! sample is drawn by the diagram's own painting ([`diagram::paint_edge`],
//! [`diagram::NodeLook`]) and the theme's colours, so the legend cannot drift from the picture.

use super::diagram::{self, NodeLook};
use super::theme;
use super::visibility::Mark;
use egui::{Color32, Pos2, Sense, Ui, vec2};

/// The words of each row (also what tests and screen readers find).
pub const POSITIVE: &str = "Positive weight: solid blue line";
pub const NEGATIVE: &str = "Negative weight: dashed orange line";
pub const WIDTH: &str = "Line width: the size of the weight, next to the largest |w| in the network";
pub const INACTIVE: &str = "Grey node: a ReLU unit whose output is 0 (it passes no gradient back)";
pub const SELECTED: &str = "Outlined node or edge: selected (click one; its numbers are outlined in the matrices)";
pub const READ: &str = "Read by the current step";
pub const WRITTEN: &str = "Written by the current step";

/// The sample's size: an edge's length, a node's box.
const SAMPLE: egui::Vec2 = vec2(56.0, 28.0);

/// A row: a painted sample, then its words.
fn row(ui: &mut Ui, text: &str, paint: impl FnOnce(&egui::Painter, egui::Rect, Palette)) {
    ui.horizontal(|ui| {
        let (rect, painter) = ui.allocate_painter(SAMPLE, Sense::hover());
        paint(&painter, rect.rect, Palette::of(ui));
        ui.label(text);
    });
}

/// The theme's colours a sample is drawn with.
#[derive(Clone, Copy)]
struct Palette {
    dark: bool,
    text: Color32,
    weak: Color32,
}

impl Palette {
    fn of(ui: &Ui) -> Palette {
        Palette {
            dark: ui.visuals().dark_mode,
            text: ui.visuals().text_color(),
            weak: ui.visuals().weak_text_color(),
        }
    }
}

/// An edge sample across `r`, of weight `w` out of a largest `max_w`.
fn edge(r: egui::Rect, dy: f32) -> [Pos2; 2] {
    [
        egui::pos2(r.left() + 2.0, r.center().y + dy),
        egui::pos2(r.right() - 2.0, r.center().y + dy),
    ]
}

/// A node sample in the middle of `r`.
fn node(p: &egui::Painter, r: egui::Rect, c: Palette, look: NodeLook, label: &str) {
    look.paint(p, r.center(), 9.0, label, c.dark, [c.text, c.weak]);
}

/// The "Legend" section under network cell `ci`'s diagram, closed until opened.
pub fn diagram_legend_ui(ui: &mut Ui, ci: usize) {
    egui::CollapsingHeader::new("Legend")
        .id_salt(("legend", ci))
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            row(ui, POSITIVE, |p, r, c| {
                diagram::paint_edge(p, edge(r, 0.0), 1.0, 2.0, c.dark, c.weak)
            });
            row(ui, NEGATIVE, |p, r, c| {
                diagram::paint_edge(p, edge(r, 0.0), -1.0, 2.0, c.dark, c.weak)
            });
            row(ui, WIDTH, |p, r, c| {
                diagram::paint_edge(p, edge(r, -5.0), 0.2, 2.0, c.dark, c.weak);
                diagram::paint_edge(p, edge(r, 5.0), 2.0, 2.0, c.dark, c.weak);
            });
            let plain = NodeLook {
                inactive: false,
                mark: Mark::Plain,
                selected: false,
            };
            row(ui, INACTIVE, |p, r, c| {
                node(
                    p,
                    r,
                    c,
                    NodeLook {
                        inactive: true,
                        ..plain
                    },
                    "0",
                );
            });
            row(ui, SELECTED, |p, r, c| {
                node(
                    p,
                    r,
                    c,
                    NodeLook {
                        selected: true,
                        ..plain
                    },
                    "",
                );
            });
            ui.weak("While the stepper steps, what the step uses is highlighted on nodes, edges and blocks:");
            highlight_rows(ui);
            ui.weak("A number shown as ? is not reached yet or is asked by an exercise.");
        });
}

/// The read and written highlights: a node's ring, an edge's halo, a block's fill.
fn highlight_rows(ui: &mut Ui) {
    for (mark, text) in [(Mark::Read, READ), (Mark::Written, WRITTEN)] {
        row(ui, text, |p, r, c| {
            let color = highlight(mark, c.dark);
            let look = NodeLook {
                inactive: false,
                mark,
                selected: false,
            };
            let n = egui::Rect::from_min_size(r.min, vec2(r.height(), r.height()));
            node(p, n, c, look, "");
            let block = egui::Rect::from_min_max(egui::pos2(n.right() + 4.0, r.top() + 3.0), r.max - vec2(0.0, 3.0));
            p.rect_filled(block, 3.0, color);
            p.rect_stroke(block, 3.0, egui::Stroke::new(1.0, c.weak), egui::StrokeKind::Inside);
        });
    }
}

/// The highlight colour of a mark, as the blocks fill with it.
fn highlight(mark: Mark, dark: bool) -> Color32 {
    match mark {
        Mark::Written => theme::write_highlight(dark),
        Mark::Read => theme::read_highlight(dark),
        Mark::Plain => Color32::TRANSPARENT,
    }
}

/// The stepper's key, on one line under its formula: the two highlight colours.
pub fn stepper_key_ui(ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        let dark = ui.visuals().dark_mode;
        for (mark, text) in [
            (Mark::Read, "read by this step"),
            (Mark::Written, "written by this step"),
        ] {
            let (r, p) = ui.allocate_painter(vec2(16.0, 12.0), Sense::hover());
            p.rect_filled(r.rect, 2.0, highlight(mark, dark));
            p.rect_stroke(
                r.rect,
                2.0,
                egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
                egui::StrokeKind::Inside,
            );
            ui.weak(text);
            ui.add_space(8.0);
        }
    });
}
