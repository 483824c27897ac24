//! The network diagram: layers as columns of nodes, input on the left.
//!
//! Coordinates: a node is named by `(column, unit)`; [`Layout::node_pos`] gives its screen
//! position in the allocated rectangle, and every size of the layout lives in [`Layout`].
//! Column 0 is the input `x`, column `l` the output of layer `l` (1-based), so the edges
//! between columns `l-1` and `l` are `W_l`.

use super::CellCtx;
use super::theme;
use super::visibility::{BLANK_HINT, Mark, blanked, is_source, line_text, mark, visible, visible_at};
use crate::app::{Command, NetCell, NetCommand, NodeValue, Selection, ViewSettings};
use crate::lesson::sheet::at;
use crate::nn::Activation;
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::{Quantity, Source, StepKind};
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2};

/// Columns with more units than this show the first ones and a "+N more" note.
const MAX_NODES: usize = 16;

mod layout;
use layout::Layout;

/// What the nodes of `column` show: the toolbar's choice (`a` where the lesson has not taught
/// backpropagation yet) while the stepper is in the forward pass or not stepping; during the
/// backward steps, what the current step writes in its column (`dL/da`, `δ`, `dL/dx`) and `δ`
/// elsewhere (blank until its step), so the nodes show where backpropagation is, not `a`.
pub fn column_quantity(cell: &NetCell, column: usize, chosen: NodeValue) -> Quantity {
    if let Some(step) = cell.current_step()
        && matches!(
            step.kind,
            StepKind::Da | StepKind::Delta | StepKind::GradW | StepKind::GradB | StepKind::DaPrev
        )
    {
        let written_here = match step.writes {
            Quantity::Da(l) | Quantity::Delta(l) => l + 1 == column,
            Quantity::GradX => column == 0,
            _ => false,
        };
        return match column {
            _ if written_here => step.writes,
            0 => Quantity::X,
            c => Quantity::Delta(c - 1),
        };
    }
    let chosen = if chosen == NodeValue::Delta && !cell.options.taught.backward() {
        NodeValue::A
    } else {
        chosen
    };
    match (column, chosen) {
        (0, NodeValue::Delta) => Quantity::GradX,
        (0, _) => Quantity::X,
        (c, NodeValue::Z) => Quantity::Z(c - 1),
        (c, NodeValue::A) => Quantity::A(c - 1),
        (c, NodeValue::Delta) => Quantity::Delta(c - 1),
    }
}

/// The value of unit `unit` of a node quantity (`x`, `z`, `a`, `dL/da`, `δ`, `dL/dx`) for the
/// shown sample.
fn node_value(cell: &NetCell, q: Quantity, unit: usize) -> f64 {
    let s = cell.sample;
    match q {
        Quantity::X => at(&cell.doc.x, unit, s),
        Quantity::GradX => at(&cell.grads.input, unit, s),
        Quantity::Z(l) => at(&cell.fwd.layers[l].z, unit, s),
        Quantity::A(l) => at(&cell.fwd.layers[l].a, unit, s),
        Quantity::Da(l) => at(&cell.grads.layers[l].da, unit, s),
        Quantity::Delta(l) => at(&cell.grads.layers[l].delta, unit, s),
        _ => f64::NAN,
    }
}

/// The symbol of a node quantity, as the column's label shows it: `a3`, `δ3`, `dL/da2`, `x`.
pub fn quantity_symbol(q: Quantity) -> String {
    match q {
        Quantity::X => "x".into(),
        Quantity::GradX => "dL/dx".into(),
        Quantity::Z(l) => format!("z{}", l + 1),
        Quantity::A(l) => format!("a{}", l + 1),
        Quantity::Da(l) => format!("dL/da{}", l + 1),
        Quantity::Delta(l) => format!("δ{}", l + 1),
        _ => String::new(),
    }
}

/// The name people use for a node value: `a3[2]`, `x[1]`, `δ3[1]`.
fn node_name(q: Quantity, unit: usize) -> String {
    format!("{}[{}]", quantity_symbol(q), unit + 1)
}

/// The node's name for a screen reader, with what it holds as the diagram shows it: "layer 3,
/// unit 2: z = 14, a = 14" (and δ when the nodes show δ), "input, unit 1: x = 0"; a value not
/// shown yet (an exercise asks for it) is "?", as on screen.
fn node_access_name(cell: &NetCell, c: usize, u: usize, view: &ViewSettings) -> String {
    let s = cell.sample;
    let value = |v: f64, q: Quantity| {
        if visible_at(cell, q, u, 0, s) {
            view.number_format.fmt(v)
        } else {
            "?".to_string()
        }
    };
    let delta_shown = view.node_value == NodeValue::Delta;
    if c == 0 {
        let mut t = format!(
            "input, unit {}: x = {}",
            u + 1,
            value(at(&cell.doc.x, u, s), Quantity::X)
        );
        if delta_shown {
            t += &format!(", dL/dx = {}", value(at(&cell.grads.input, u, s), Quantity::GradX));
        }
        return t;
    }
    let l = c - 1;
    let mut t = format!(
        "layer {c}, unit {}: z = {}, a = {}",
        u + 1,
        value(at(&cell.fwd.layers[l].z, u, s), Quantity::Z(l)),
        value(at(&cell.fwd.layers[l].a, u, s), Quantity::A(l)),
    );
    if delta_shown {
        t += &format!(
            ", δ = {}",
            value(at(&cell.grads.layers[l].delta, u, s), Quantity::Delta(l))
        );
    }
    t
}

/// The text a node of `radius` shows for `label` (the value `v` in the chosen format) and its
/// font: the label as it is, in a smaller font down to 8 points, so it stays inside the circle;
/// a label that still does not fit (a long format in a small node) is written with fewer
/// digits (the tooltip and the screen reader's name keep the value in full).
fn fit_in_node(painter: &Painter, label: &str, v: f64, shown: bool, radius: f32) -> (String, FontId) {
    const LARGEST: f32 = 12.5;
    const SMALLEST: f32 = 8.0;
    let room = (2.0 * radius - 4.0).max(1.0);
    let width = |t: &str| {
        painter
            .layout_no_wrap(t.to_string(), FontId::monospace(LARGEST), Color32::WHITE)
            .size()
            .x
    };
    let shorter = [
        NumberFormat::Trimmed(3),
        NumberFormat::Trimmed(2),
        NumberFormat::Trimmed(1),
    ];
    let mut text = label.to_string();
    let mut w = width(&text);
    if shown && w * SMALLEST / LARGEST > room {
        for f in shorter {
            text = f.fmt(v);
            w = width(&text);
            if w * SMALLEST / LARGEST <= room {
                break;
            }
        }
    }
    let size = (LARGEST * room / w.max(1.0)).clamp(SMALLEST, LARGEST);
    (text, FontId::monospace(size))
}

/// The edge under the pointer: `W_{layer+1}[to, from]`, `dist` pixels away.
#[derive(Clone, Copy)]
struct HoveredEdge {
    layer: usize,
    from: usize,
    to: usize,
    dist: f32,
}

/// What every part of one diagram draws with.
struct Diagram<'a> {
    ci: usize,
    edit_mode: bool,
    cell: &'a NetCell,
    view: &'a ViewSettings,
    lay: Layout,
    painter: Painter,
    dark: bool,
    text_color: Color32,
    weak: Color32,
    /// What the value under the pointer is computed from.
    sources: &'a [Source],
}

/// Draws the diagram of network cell `ci`; returns where it is.
pub fn diagram_ui(ui: &mut Ui, cx: &mut CellCtx<'_>) -> Rect {
    let CellCtx {
        ci,
        cell,
        view,
        edit_mode,
        ref mut out,
        sources,
    } = *cx;
    let widths = cell.doc.net.widths();
    let screen_h = ui.ctx().content_rect().height();
    let size = Layout::size(ui.available_width(), screen_h, &widths);
    let (bg, painter) = ui.allocate_painter(size, Sense::click());
    let d = Diagram {
        ci,
        edit_mode,
        cell,
        view,
        lay: Layout::new(bg.rect, &widths),
        painter,
        dark: ui.visuals().dark_mode,
        text_color: ui.visuals().text_color(),
        weak: ui.visuals().weak_text_color(),
        sources,
    };
    d.headings_ui();
    let hovered_edge = d.edges_ui(ui, bg.hover_pos());
    let node_hovered = d.nodes_ui(ui, out);
    if !node_hovered && let Some(edge) = hovered_edge {
        d.edge_tooltip_ui(&bg, edge, out);
    } else if bg.clicked() && !node_hovered {
        out.push(Command::Net {
            cell: ci,
            cmd: NetCommand::Select(None),
        });
    }
    bg.rect
}

impl Diagram<'_> {
    /// Column headings: "layer 3: relu" on one line where the columns are wide enough, else
    /// "layer 3" over "relu"; a "+N more" note under a column with more than [`MAX_NODES`].
    fn headings_ui(&self) {
        let (cell, lay, painter, weak) = (self.cell, &self.lay, &self.painter, self.weak);
        let widths = &lay.widths;
        let col_gap = lay.col_gap();
        let font = FontId::proportional(12.0);
        let one_line = |c: usize| format!("layer {c}: {}", cell.doc.net.layers()[c - 1].activation.name());
        // All on one line or all on two, whichever the widest heading needs.
        let two_lines =
            (1..widths.len()).any(|c| painter.layout_no_wrap(one_line(c), font.clone(), weak).size().x + 8.0 > col_gap);
        for (c, &w) in widths.iter().enumerate() {
            let selected = c > 0 && cell.selected_layer == c - 1;
            let color = if selected { self.text_color } else { weak };
            let lines = if c == 0 {
                vec![format!("x ({w})")]
            } else if two_lines {
                let act = cell.doc.net.layers()[c - 1].activation.name();
                vec![format!("layer {c}"), act.to_string()]
            } else {
                vec![one_line(c)]
            };
            let count = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                painter.text(
                    lay.heading_pos(c, i, count),
                    Align2::CENTER_CENTER,
                    line,
                    font.clone(),
                    color,
                );
            }
            // What the column's nodes show, under it: the stepper's backward steps change it.
            let q = column_quantity(cell, c, self.view.node_value);
            let symbol = quantity_symbol(q);
            let backward = matches!(q, Quantity::Da(_) | Quantity::Delta(_) | Quantity::GradX);
            let color = if backward { self.text_color } else { weak };
            if w > MAX_NODES {
                painter.text(
                    lay.more_pos(c),
                    Align2::CENTER_CENTER,
                    format!("+{} more · {symbol}", w - MAX_NODES),
                    FontId::proportional(11.0),
                    color,
                );
            } else {
                painter.text(
                    lay.caption_pos(c),
                    Align2::CENTER_CENTER,
                    symbol,
                    FontId::proportional(12.0),
                    color,
                );
            }
        }
    }

    /// Draws the edges (width by |w|, dashed when negative, a halo where the step or the
    /// selection touches them) and returns the one nearest the pointer, within 5 pixels.
    fn edges_ui(&self, ui: &mut Ui, pointer: Option<Pos2>) -> Option<HoveredEdge> {
        let (cell, lay, painter, dark) = (self.cell, &self.lay, &self.painter, self.dark);
        let max_w = cell
            .doc
            .net
            .layers()
            .iter()
            .flat_map(|l| l.weights.iter())
            .fold(0.0f64, |m, w| m.max(w.abs()))
            .max(1e-12);
        let mut hovered_edge: Option<HoveredEdge> = None;
        let step_edges = |l: usize| -> Mark {
            let m = mark(cell, Quantity::GradW(l));
            if m != Mark::Plain {
                m
            } else {
                mark(cell, Quantity::W(l))
            }
        };
        for (l, layer) in cell.doc.net.layers().iter().enumerate() {
            let em = step_edges(l);
            for j in 0..layer.units().min(MAX_NODES) {
                for i in 0..layer.inputs().min(MAX_NODES) {
                    let w = layer.weights[(j, i)];
                    let (a, b) = (lay.node_pos(l, i), lay.node_pos(l + 1, j));
                    let (a, b) = (
                        a + (b - a).normalized() * lay.radius,
                        b - (b - a).normalized() * lay.radius,
                    );
                    let selected = cell.selection
                        == Some(Selection::Edge {
                            layer: l,
                            from: i,
                            to: j,
                        });
                    let source = is_source(self.sources, Quantity::W(l), j, i, 0)
                        || is_source(self.sources, Quantity::GradW(l), j, i, 0);
                    if em != Mark::Plain || selected || source {
                        let halo = if selected {
                            theme::selection(dark)
                        } else if source {
                            theme::read_highlight(dark)
                        } else if em == Mark::Written {
                            theme::write_highlight(dark)
                        } else {
                            theme::read_highlight(dark)
                        };
                        paint_halo(painter, [a, b], w, max_w, halo);
                    }
                    self.edge_access(ui, l, i, j, w, a, b);
                    paint_edge(painter, [a, b], w, max_w, dark, self.weak);
                    if let Some(p) = pointer {
                        let d = dist_to_segment(p, a, b);
                        if d < 5.0 && hovered_edge.is_none_or(|h| d < h.dist) {
                            hovered_edge = Some(HoveredEdge {
                                layer: l,
                                from: i,
                                to: j,
                                dist: d,
                            });
                        }
                    }
                }
            }
        }
        hovered_edge
    }

    /// An edge in the screen reader's tree (it is only painted): "W2[3,1]: from layer 1, unit 1
    /// to layer 2, unit 3" with its weight as the value. A point at the edge's middle, so it
    /// never takes the pointer from the nodes or the diagram's own hover.
    #[expect(
        clippy::too_many_arguments,
        reason = "an edge is its layer, two units, its weight and its two ends"
    )]
    fn edge_access(&self, ui: &mut Ui, l: usize, i: usize, j: usize, w: f64, a: Pos2, b: Pos2) {
        let src = if l == 0 {
            format!("input x[{}]", i + 1)
        } else {
            format!("layer {l}, unit {}", i + 1)
        };
        let name = format!(
            "W{}[{},{}]: from {src} to layer {}, unit {}",
            l + 1,
            j + 1,
            i + 1,
            l + 1,
            j + 1
        );
        let value = format!("w = {}", self.view.number_format.fmt(w));
        let id = ui.scope_id().with(("edge", self.ci, l, i, j));
        let r = ui.interact(Rect::from_center_size(a.lerp(b, 0.5), Vec2::ZERO), id, Sense::hover());
        r.widget_info(|| {
            let mut info = egui::WidgetInfo::labeled(egui::Role::Image, true, &name);
            info.current_text_value = Some(value.clone());
            info
        });
    }

    /// Draws every node shown; returns whether the pointer is over one.
    fn nodes_ui(&self, ui: &mut Ui, out: &mut Vec<Command>) -> bool {
        let mut node_hovered = false;
        for (c, &w) in self.lay.widths.iter().enumerate() {
            for u in 0..w.min(MAX_NODES) {
                node_hovered |= self.node_ui(ui, c, u, out);
            }
        }
        node_hovered
    }

    /// Node `u` of column `c`: its value (or "?"), the step's ring, the selection, a click to
    /// select, edit mode's "Ask for this value" and the computation as a tooltip. Returns
    /// whether the pointer is over it.
    fn node_ui(&self, ui: &mut Ui, c: usize, u: usize, out: &mut Vec<Command>) -> bool {
        let (ci, cell, view, lay, painter, dark) = (self.ci, self.cell, self.view, &self.lay, &self.painter, self.dark);
        let p = lay.node_pos(c, u);
        let q = column_quantity(cell, c, view.node_value);
        let v = node_value(cell, q, u);
        let shown = visible_at(cell, q, u, 0, cell.sample);
        let act = if c == 0 {
            None
        } else {
            Some(cell.doc.net.layers()[c - 1].activation)
        };
        let a_val = if c == 0 {
            1.0
        } else {
            at(&cell.fwd.layers[c - 1].a, u, cell.sample)
        };
        let inactive =
            act == Some(Activation::Relu) && a_val == 0.0 && visible_at(cell, Quantity::A(c - 1), u, 0, cell.sample);
        // A value the one under the pointer is computed from is ringed as a step's input is.
        let mark = if column_quantities(c)
            .into_iter()
            .any(|q| is_source(self.sources, q, u, 0, cell.sample))
        {
            Mark::Read
        } else {
            column_mark(cell, c)
        };
        let label = if shown { view.number_format.fmt(v) } else { "?".into() };
        let look = NodeLook {
            inactive,
            mark,
            selected: cell.selection == Some(Selection::Node { column: c, unit: u }),
        };
        let (text, font) = fit_in_node(painter, &label, v, shown, lay.radius);
        look.paint_with_font(
            painter,
            p,
            lay.radius,
            (&text, font),
            dark,
            [self.text_color, self.weak],
        );
        let name = node_name(q, u);
        let rect = Rect::from_center_size(p, Vec2::splat(lay.radius * 2.0));
        let id = ui.scope_id().with(("node", ci, c, u));
        let r = ui.interact(rect, id, Sense::click());
        // What the node holds, then what it shows now (a, z, δ, or what a backward step writes).
        let acc = format!("{} (shows {name} = {label})", node_access_name(cell, c, u, view));
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &acc));
        let hovered = r.hovered();
        if hovered {
            out.push(Command::Hover(Some(crate::app::Hovered {
                cell: ci,
                quantity: q,
                row: u,
                col: 0,
                sample: cell.sample,
                step: None,
            })));
        }
        if r.clicked() {
            out.push(Command::Net {
                cell: ci,
                cmd: NetCommand::Select(Some(Selection::Node { column: c, unit: u })),
            });
        }
        // Edit mode: the value on a node can become an exercise.
        if self.edit_mode
            && let Some(reference) = crate::app::edit::reference_for(q, u, 0)
        {
            r.context_menu(|ui| {
                if ui.button(format!("Ask for this value ({name})")).clicked() {
                    out.push(Command::Page(crate::app::edit::PageEdit::AskFor {
                        network: ci,
                        reference,
                        sample: cell.sample + 1,
                    }));
                    ui.close();
                }
            });
        }
        r.on_hover_ui(|ui| {
            node_tooltip_ui(ui, cell, c, u, view);
            // What the value on the node is: its glossary line.
            super::glossary::explain_ui(ui, &name);
        });
        hovered
    }

    /// The hovered edge's weight and contribution `w·a` as a tooltip; a click selects it.
    fn edge_tooltip_ui(&self, bg: &Response, edge: HoveredEdge, out: &mut Vec<Command>) {
        let (cell, fmt) = (self.cell, self.view.number_format);
        let HoveredEdge {
            layer: l,
            from: i,
            to: j,
            ..
        } = edge;
        let w = cell.doc.net.layers()[l].weights[(j, i)];
        let a = at(cell.fwd.input_of(l), i, cell.sample);
        let src = if l == 0 {
            format!("x[{}]", i + 1)
        } else {
            format!("a{l}[{}]", i + 1)
        };
        // The input's value is an answer while an exercise asks for it.
        let a_shown = l == 0 || visible_at(cell, Quantity::A(l - 1), i, 0, cell.sample);
        let (a_text, product) = if a_shown {
            (fmt.fmt_operand(a), fmt.fmt(w * a))
        } else {
            ("?".to_string(), "?".to_string())
        };
        let text = format!(
            "W{}[{},{}] = {}  (from {src} to unit {} of layer {})\ncontribution w·{src} = {}·{a_text} = {product}",
            l + 1,
            j + 1,
            i + 1,
            fmt.fmt(w),
            j + 1,
            l + 1,
            fmt.fmt_operand(w),
        );
        let bg2 = bg.clone().on_hover_text_at_pointer(text);
        if bg2.clicked() {
            out.push(Command::Net {
                cell: self.ci,
                cmd: NetCommand::Select(Some(Selection::Edge {
                    layer: l,
                    from: i,
                    to: j,
                })),
            });
        }
    }
}

/// The per-unit quantities a column's nodes stand for.
fn column_quantities(c: usize) -> Vec<Quantity> {
    if c == 0 {
        vec![Quantity::X, Quantity::GradX]
    } else {
        let l = c - 1;
        vec![Quantity::Z(l), Quantity::A(l), Quantity::Da(l), Quantity::Delta(l)]
    }
}

/// How the current step touches the values of a column.
fn column_mark(cell: &NetCell, c: usize) -> Mark {
    let marks: Vec<Mark> = column_quantities(c).into_iter().map(|q| mark(cell, q)).collect();
    if marks.contains(&Mark::Written) {
        Mark::Written
    } else if marks.contains(&Mark::Read) {
        Mark::Read
    } else {
        Mark::Plain
    }
}

/// How a node is drawn: grey when a ReLU unit's output is 0, ringed by how the current step
/// touches its column, outlined when selected. The legend draws its samples with this too.
pub(super) struct NodeLook {
    pub inactive: bool,
    pub mark: Mark,
    pub selected: bool,
}

impl NodeLook {
    /// Paints the node at `p` with its value `label`; `colors` are the text and weak text
    /// colours of the theme.
    pub fn paint(&self, painter: &Painter, p: Pos2, radius: f32, label: &str, dark: bool, colors: [Color32; 2]) {
        let font = FontId::monospace(if label.len() > 5 { 10.0 } else { 12.5 });
        self.paint_with_font(painter, p, radius, (label, font), dark, colors);
    }

    /// [`NodeLook::paint`] with the label's text and font chosen by the caller (the diagram fits
    /// long values into the node).
    pub fn paint_with_font(
        &self,
        painter: &Painter,
        p: Pos2,
        radius: f32,
        (label, font): (&str, FontId),
        dark: bool,
        colors: [Color32; 2],
    ) {
        let [text_color, weak] = colors;
        let fill = if self.inactive {
            theme::inactive_fill(dark)
        } else {
            theme::node_fill(dark)
        };
        let ring = match self.mark {
            Mark::Written => Stroke::new(4.0, theme::write_highlight(dark)),
            Mark::Read => Stroke::new(4.0, theme::read_highlight(dark)),
            Mark::Plain => Stroke::new(1.5, weak),
        };
        painter.circle(p, radius, fill, ring);
        if self.selected {
            painter.circle_stroke(p, radius + 3.0, Stroke::new(2.0, theme::selection(dark)));
        }
        let tc = if self.inactive {
            theme::inactive_text(dark)
        } else {
            text_color
        };
        painter.text(p, Align2::CENTER_CENTER, label, font, tc);
    }
}

/// Paints the edge of weight `w` from `a` to `b`: in the colour of its sign (faint grey for 0),
/// dashed when negative, as wide as `|w|` is large next to `max_w`, the largest of the network.
/// The legend draws its samples with this too.
pub(super) fn paint_edge(painter: &Painter, [a, b]: [Pos2; 2], w: f64, max_w: f64, dark: bool, weak: Color32) {
    let color = if w > 0.0 {
        theme::positive(dark)
    } else if w < 0.0 {
        theme::negative(dark)
    } else {
        weak.gamma_multiply(0.5)
    };
    let stroke = Stroke::new(edge_width(w, max_w), color);
    if w < 0.0 {
        painter.extend(Shape::dashed_line(&[a, b], stroke, 6.0, 3.0));
    } else {
        painter.line_segment([a, b], stroke);
    }
}

/// The halo under an edge the current step reads or writes, or the selected edge.
pub(super) fn paint_halo(painter: &Painter, ends: [Pos2; 2], w: f64, max_w: f64, color: Color32) {
    painter.line_segment(ends, Stroke::new(edge_width(w, max_w) + 4.0, color));
}

fn edge_width(w: f64, max_w: f64) -> f32 {
    if w == 0.0 {
        0.7
    } else {
        0.8 + 3.2 * (w.abs() / max_w) as f32
    }
}

fn dist_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    (a + ab * t - p).length()
}

/// The computation of a node with the numbers put in.
fn node_tooltip_ui(ui: &mut Ui, cell: &NetCell, c: usize, u: usize, view: &ViewSettings) {
    let fmt = view.number_format;
    if c == 0 {
        ui.label(format!(
            "x[{}] = {}  (input {} of sample {})",
            u + 1,
            fmt.fmt(at(&cell.doc.x, u, cell.sample)),
            u + 1,
            cell.sample + 1
        ));
        if cell.options.taught.backward() && visible_at(cell, Quantity::GradX, u, 0, cell.sample) {
            ui.label(format!(
                "dL/dx[{}] = {}",
                u + 1,
                fmt.fmt(at(&cell.grads.input, u, cell.sample))
            ));
        }
        return;
    }
    let l = c - 1;
    for kind in [StepKind::Z, StepKind::A, StepKind::Delta] {
        if kind == StepKind::Delta && !cell.options.taught.backward() {
            continue;
        }
        let q = match kind {
            StepKind::Z => Quantity::Z(l),
            StepKind::A => Quantity::A(l),
            _ => Quantity::Delta(l),
        };
        if !visible(cell, q) {
            continue;
        }
        if let Some(i) = cell.steps.iter().position(|s| s.kind == kind && s.layer == Some(l))
            && let Some(line) = cell.steps[i].lines.get(u)
        {
            let step = &cell.steps[i];
            ui.label(egui::RichText::new(line_text(cell, i, step, line, fmt)).monospace());
            if blanked(cell, q, u, 0, cell.sample) {
                ui.weak(format!("? is not shown yet: {BLANK_HINT}."));
            }
        }
    }
}
