//! The blocks of a network sheet ([`crate::lesson::sheet`]) as the window draws them: a title
//! with the shape (`W3 (4 x 4)`) over a grid, with operators between blocks, laid out in rows that
//! fit the width. Read-only cells announce `name = value` to screen readers; editable cells are
//! named like `W3[1,2]`.

use super::CellCtx;
use super::theme;
use super::visibility::{BLANK_HINT, Mark, blanked, is_source, mark, visible};
use crate::app::{Command, Edit, NetCommand};
use crate::lesson::sheet::{self, Block};
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::Quantity;
use egui::{RichText, Ui};

/// Turns an edited element, by the engine's (row, column) of its quantity, into an edit.
pub type EditFn<'a> = Box<dyn Fn(usize, usize, f64) -> Edit + 'a>;

/// At most this many rows and columns of a block are drawn.
const MAX_SHOWN: usize = 64;
/// A block with more rows than this (the 64 inputs of a digit) shows its first
/// [`FOLDED_ROWS`] until the reader unfolds it.
const FOLD_ABOVE: usize = 16;
const FOLDED_ROWS: usize = 8;

/// A block of the sheet with what the window adds: editing and the diagram's selection.
pub struct Shown<'a> {
    pub block: Block<'a>,
    /// `None` = read-only.
    pub edit: Option<EditFn<'a>>,
    /// Outline this element (row, column as shown): what is selected in the diagram.
    pub selected: Option<(usize, usize)>,
}

/// A block or an operator between blocks.
pub enum Item<'a> {
    B(Shown<'a>),
    Op(String),
}

impl<'a> From<Block<'a>> for Item<'a> {
    fn from(block: Block<'a>) -> Self {
        Item::B(Shown {
            block,
            edit: None,
            selected: None,
        })
    }
}

impl<'a> From<sheet::Item<'a>> for Item<'a> {
    fn from(it: sheet::Item<'a>) -> Self {
        match it {
            sheet::Item::B(block) => Item::from(block),
            sheet::Item::Op(s) => Item::Op(s),
        }
    }
}

impl<'a> Item<'a> {
    /// What the block shows; `None` for an operator.
    pub fn quantity(&self) -> Option<Quantity> {
        match self {
            Item::B(b) => b.block.quantity,
            Item::Op(_) => None,
        }
    }

    /// Makes the block's values editable.
    pub fn editable(mut self, edit: Option<EditFn<'a>>) -> Self {
        if let Item::B(b) = &mut self {
            b.edit = edit;
        }
        self
    }

    /// Outlines one element, given as the engine indexes the quantity (`(unit, input)` for
    /// weights, `(unit, _)` for per-unit values) of the shown `sample`.
    pub fn select(mut self, engine: Option<(usize, usize)>, sample: usize) -> Self {
        if let (Item::B(b), Some((u, i))) = (&mut self, engine) {
            b.selected = b.block.position(u, i, sample);
        }
        self
    }

    /// The width the item takes, for laying rows out before drawing them.
    fn width(&self, fmt: NumberFormat) -> f32 {
        match self {
            Item::B(b) => {
                let b = &b.block;
                let cells = b.cols.min(MAX_SHOWN) as f32 * (column_width(b, fmt) + 3.0) + 12.0;
                // The title is the name and " (r x c)", about 7 px a character.
                let title = (b.name.chars().count() + 8) as f32 * 7.0;
                cells.max(title) + 8.0
            }
            Item::Op(s) => s.chars().count() as f32 * 9.0 + 12.0,
        }
    }
}

/// Draws items left to right, starting a new row where the next would not fit.
pub fn flow_ui(ui: &mut Ui, cx: &mut CellCtx<'_>, items: Vec<Item<'_>>, fmt: NumberFormat) {
    let avail = ui.available_width();
    let mut rows: Vec<Vec<Item<'_>>> = vec![Vec::new()];
    let mut used = 0.0;
    for it in items {
        let w = it.width(fmt);
        if rows.last().is_some_and(|r| !r.is_empty()) && used + w > avail {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += w;
        if let Some(r) = rows.last_mut() {
            r.push(it);
        }
    }
    for row in rows {
        ui.horizontal_top(|ui| {
            for it in row {
                match it {
                    Item::B(b) => block_ui(ui, cx, b, fmt),
                    Item::Op(s) => op_ui(ui, &s),
                }
            }
        });
    }
}

fn block_ui(ui: &mut Ui, cx: &mut CellCtx<'_>, sb: Shown<'_>, fmt: NumberFormat) {
    let (ci, cell) = (cx.ci, cx.cell);
    let b = &sb.block;
    let dark = ui.visuals().dark_mode;
    let shown = b.quantity.is_none_or(|q| visible(cell, q));
    let fill = match b.quantity.map_or(Mark::Plain, |q| mark(cell, q)) {
        Mark::Written => theme::write_highlight(dark),
        Mark::Read => theme::read_highlight(dark),
        Mark::Plain => egui::Color32::TRANSPARENT,
    };
    ui.vertical(|ui| {
        let title = format!("{} ({} x {})", b.name, b.rows, b.cols);
        let heading = ui.add(egui::Label::new(RichText::new(title).strong()).extend());
        super::glossary::explain(heading, &b.name);
        let frame = egui::Frame::new()
            .fill(fill)
            .inner_margin(3.0)
            .corner_radius(3.0)
            .stroke(ui.visuals().widgets.noninteractive.bg_stroke);
        // A block wider than the page (a layer with many inputs) scrolls sideways on its own
        // instead of widening the whole page.
        let wide = b.cols.min(MAX_SHOWN) as f32 * (column_width(b, fmt) + 3.0) > ui.available_width();
        let fold_id = ui.make_persistent_id(("block unfolded", ci, b.name.as_str()));
        let foldable = b.rows > FOLD_ABOVE;
        let unfolded = foldable && ui.data(|d| d.get_temp::<bool>(fold_id).unwrap_or(false));
        let rows = if foldable && !unfolded {
            FOLDED_ROWS
        } else {
            b.rows.min(MAX_SHOWN)
        };
        let mut grid = |ui: &mut Ui| {
            frame.show(ui, |ui| {
                egui::Grid::new(("block", ci, b.name.as_str()))
                    .spacing([3.0, 2.0])
                    .show(ui, |ui| {
                        for r in 0..rows {
                            for c in 0..b.cols.min(MAX_SHOWN) {
                                let (er, ec, es) = b.engine(r, c);
                                let hidden = if !shown {
                                    Some("not reached yet")
                                } else if b.quantity.is_some_and(|q| blanked(cell, q, er, ec, es)) {
                                    Some(BLANK_HINT)
                                } else {
                                    None
                                };
                                cell_ui(ui, cx, &sb, (r, c), hidden, fmt);
                            }
                            ui.end_row();
                        }
                    });
            })
        };
        if wide {
            egui::ScrollArea::horizontal()
                .id_salt(("block scroll", ci, b.name.as_str()))
                .show(ui, grid);
        } else {
            grid(ui);
        }
        if foldable {
            let label = if unfolded {
                format!("Show the first {FOLDED_ROWS} rows of {}", b.name)
            } else {
                format!("Show all {} rows of {}", b.rows, b.name)
            };
            if ui.small_button(label).clicked() {
                ui.data_mut(|d| d.insert_temp(fold_id, !unfolded));
            }
        }
        if b.rows > MAX_SHOWN || b.cols > MAX_SHOWN {
            ui.weak(format!("(first {MAX_SHOWN} rows and columns)"));
        }
    });
}

/// Element `(r, c)` of a block: editable, shown, or blank (`hidden` says why).
fn cell_ui(
    ui: &mut Ui,
    cx: &mut CellCtx<'_>,
    sb: &Shown<'_>,
    (r, c): (usize, usize),
    hidden: Option<&str>,
    fmt: NumberFormat,
) {
    let ci = cx.ci;
    let shown = hidden.is_none();
    let b = &sb.block;
    let v = b.value(r, c);
    let name = b.label(r, c);
    let resp = match &sb.edit {
        Some(edit) if shown => {
            let hint = format!("{name} = {}  (drag or type to change)", fmt.fmt(v));
            let (changed, resp) = number_ui(ui, v, &name, &hint, fmt, None);
            if let Some(x) = changed {
                let (er, ec, _) = b.engine(r, c);
                cx.send(NetCommand::Edit(edit(er, ec, x)));
            }
            resp
        }
        _ => {
            let text = if shown { fmt.fmt(v) } else { "?".to_string() };
            let mut rt = RichText::new(&text).monospace();
            if b.marked(r, c) {
                rt = rt.strong();
            }
            let hint = hidden.map_or_else(|| text.clone(), |h| format!("? ({h})"));
            ui.add_sized([cell_width(ui, &text), 20.0], egui::Label::new(rt))
                .accessible_name(format!("{name} = {text}"))
                .on_hover_text(format!("{name} = {hint}"))
        }
    };
    // Edit mode: any value can become an exercise.
    if cx.edit_mode
        && let Some(q) = b.quantity
    {
        let (er, ec, es) = b.engine(r, c);
        if let Some(reference) = crate::app::edit::reference_for(q, er, ec) {
            resp.context_menu(|ui| {
                if ui
                    .button(format!("Ask for this value ({name})"))
                    .on_hover_text(format!("Adds an exercise asking for {reference} below this network"))
                    .clicked()
                {
                    cx.out.push(Command::Page(crate::app::edit::PageEdit::AskFor {
                        network: ci,
                        reference,
                        sample: es + 1,
                    }));
                    ui.close();
                }
            });
        }
    }
    // The value under the pointer: what it is computed from is outlined, as a step's inputs.
    let (er, ec, es) = b.engine(r, c);
    if let Some(q) = b.quantity {
        if resp.hovered() {
            cx.hover(q, er, ec, es);
        }
        if is_source(cx.sources, q, er, ec, es) {
            let color = theme::read_highlight(ui.visuals().dark_mode);
            ui.painter().rect_stroke(
                resp.rect.expand(1.0),
                3.0,
                egui::Stroke::new(2.5, color),
                egui::StrokeKind::Outside,
            );
        }
    }
    if sb.selected == Some((r, c)) {
        let color = theme::selection(ui.visuals().dark_mode);
        ui.painter().rect_stroke(
            resp.rect.expand(1.5),
            3.0,
            egui::Stroke::new(2.0, color),
            egui::StrokeKind::Outside,
        );
    }
}

/// An editable number (drag or type), named `name` for screen readers and tests, written with
/// `fmt`. Returns the new value when the user changed it to another finite number, and the
/// widget's response.
pub fn number_ui(
    ui: &mut Ui,
    value: f64,
    name: &str,
    hint: &str,
    fmt: NumberFormat,
    range: Option<std::ops::RangeInclusive<f64>>,
) -> (Option<f64>, egui::Response) {
    let mut local = value;
    let mut drag = egui::DragValue::new(&mut local)
        .speed(0.05)
        .custom_formatter(move |x, _| fmt.fmt(x))
        .custom_parser(|s| s.trim().parse::<f64>().ok().filter(|x| x.is_finite()));
    if let Some(r) = range {
        drag = drag.range(r);
    }
    let resp = ui
        .add_sized([cell_width(ui, &fmt.fmt(value)), 20.0], drag)
        .accessible_name(name)
        .on_hover_text(hint);
    let changed = (resp.changed() && local != value && local.is_finite()).then_some(local);
    (changed, resp)
}

/// The width of a cell showing `text`: the usual [`theme::CELL_WIDTH`], or the text's width
/// and a margin when a long number format needs more (the grid's column takes its widest).
pub fn cell_width(ui: &Ui, text: &str) -> f32 {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let w = ui
        .painter()
        .layout_no_wrap(text.to_string(), font, egui::Color32::WHITE)
        .size()
        .x;
    (w + CELL_MARGIN).max(theme::CELL_WIDTH)
}

/// Room beside a cell's text (the field's own margins).
const CELL_MARGIN: f32 = 12.0;

/// A monospace digit's width at the body size, for laying blocks out before they are drawn.
const DIGIT_WIDTH: f32 = 7.5;

/// The widest of `b`'s columns as drawn in `fmt`, estimated from its longest value.
fn column_width(b: &Block<'_>, fmt: NumberFormat) -> f32 {
    let mut chars = 0;
    for r in 0..b.rows.min(MAX_SHOWN) {
        for c in 0..b.cols.min(MAX_SHOWN) {
            chars = chars.max(fmt.fmt(b.value(r, c)).chars().count());
        }
    }
    (chars as f32 * DIGIT_WIDTH + CELL_MARGIN).max(theme::CELL_WIDTH)
}

/// An operator between blocks, level with the blocks' first rows.
fn op_ui(ui: &mut Ui, s: &str) {
    ui.add_space(2.0);
    ui.vertical(|ui| {
        ui.add_space(24.0);
        ui.label(RichText::new(s).size(18.0));
    });
    ui.add_space(2.0);
}
