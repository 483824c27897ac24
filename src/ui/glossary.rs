//! The glossary in the window ([`crate::lesson::glossary`]): Help > Glossary (Shift+F1), a
//! window whose search field filters the entries as one types, and the hovers that show an
//! entry's line where its symbol is drawn: block headings, node values, the stepper's formula
//! symbols and settings labels.
//!
//! The search text is a widget draft kept in egui's memory; whether the window is open is the
//! session's (`Command::ShowGlossary`).

use crate::app::{AppState, Command};
use crate::lesson::glossary::{self, Entry};
use egui::{Response, RichText, Ui};

/// The search field's accessible name (what tests and screen readers find).
pub const SEARCH_LABEL: &str = "Search the glossary";

/// Adds the glossary entry of `symbol` (as the window writes it: `δ3`, `dL/dW3`, `Loss:`) to
/// the hover of `resp`, when the glossary knows it.
pub fn explain(resp: Response, symbol: &str) -> Response {
    match glossary::lookup(symbol) {
        Some(e) => resp.on_hover_ui(|ui| entry_hover_ui(ui, e)),
        None => resp,
    }
}

/// The hover `hint` of a widget with, under it, the glossary entry of `symbol` (one tooltip:
/// a widget shows one).
pub fn hint_and_explain(resp: Response, hint: &str, symbol: &str) -> Response {
    let entry = glossary::lookup(symbol);
    resp.on_hover_ui(|ui| {
        ui.label(hint);
        if let Some(e) = entry {
            ui.separator();
            entry_hover_ui(ui, e);
        }
    })
}

/// A settings label that explains itself on hover: `ui.label(text)` plus [`explain`].
pub fn label(ui: &mut Ui, text: &str) -> Response {
    explain(ui.label(text), text)
}

/// The glossary entry of `symbol` inside a tooltip that shows more (a node's computation),
/// under a separator; nothing when the glossary does not know it.
pub fn explain_ui(ui: &mut Ui, symbol: &str) {
    if let Some(e) = glossary::lookup(symbol) {
        ui.separator();
        entry_hover_ui(ui, e);
    }
}

/// What a hover shows of an entry: the heading and its line, the formula, the lesson.
fn entry_hover_ui(ui: &mut Ui, e: &Entry) {
    ui.set_max_width(420.0);
    ui.label(format!("{}: {}", e.heading(), e.line));
    ui.label(RichText::new(e.formula).monospace());
    ui.weak(format!("Taught in lesson {}: {}", e.lesson, e.lesson_title()));
}

/// A formula as the stepper shows it, one piece per symbol, each symbol the glossary knows
/// explaining itself on hover. The whole formula is also the row's accessible name.
pub fn formula_ui(ui: &mut Ui, formula: &str) {
    let row = ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        for piece in glossary::tokens(formula) {
            let text = RichText::new(piece).monospace().italics();
            match glossary::lookup(piece) {
                Some(e) => {
                    ui.label(text).on_hover_ui(|ui| entry_hover_ui(ui, e));
                }
                None => {
                    ui.label(text);
                }
            }
        }
    });
    let name = formula.to_string();
    row.response
        .widget_info(move || egui::WidgetInfo::labeled(egui::Role::Label, true, &name));
}

/// Where the window keeps whether its search field had the keyboard at the end of the frame.
fn typing_id() -> egui::Id {
    egui::Id::unique("glossary search typing")
}

/// Escape while typing in the glossary's search closes the glossary (rather than leaving the
/// stepper: egui lets go of the field's focus before the page's keys are read). Call before
/// the page's shortcuts.
pub fn escape_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let typing = ui.ctx().data(|d| d.get_temp::<bool>(typing_id()).unwrap_or(false));
    if state.session.show_glossary
        && typing
        && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
    {
        ui.ctx().data_mut(|d| d.insert_temp(typing_id(), false));
        out.push(Command::ShowGlossary(false));
    }
}

/// The Help > Glossary window, while the session has it open.
pub fn glossary_window_ui(ctx: &egui::Context, state: &AppState, out: &mut Vec<Command>) {
    let focus_id = egui::Id::unique("glossary search focused");
    if !state.session.show_glossary {
        ctx.data_mut(|d| d.remove::<bool>(focus_id));
        return;
    }
    let mut open = true;
    egui::Window::new("Glossary")
        .open(&mut open)
        .collapsible(false)
        .default_width(460.0)
        .default_height(460.0)
        .show(ctx, |ui| {
            let id = ui.make_persistent_id("glossary search");
            let mut query = ui.data(|d| d.get_temp::<String>(id)).unwrap_or_default();
            let resp = ui.add(
                egui::TextEdit::singleline(&mut query)
                    .hint_text("symbol or word, e.g. δ or reduction")
                    .desired_width(420.0),
            );
            let resp = resp.accessible_name(SEARCH_LABEL);
            // The field has the keyboard when the window opens, so one can type at once.
            if !ctx.data(|d| d.get_temp::<bool>(focus_id).unwrap_or(false)) {
                resp.request_focus();
                ctx.data_mut(|d| d.insert_temp(focus_id, true));
            }
            if resp.changed() {
                ui.data_mut(|d| d.insert_temp(id, query.clone()));
            }
            let typing = resp.has_focus();
            ctx.data_mut(|d| d.insert_temp(typing_id(), typing));
            let found = glossary::search(&query);
            ui.weak(format!("{} of {} entries", found.len(), glossary::entries().len()));
            ui.separator();
            egui::ScrollArea::vertical().auto_shrink([false, true]).show(ui, |ui| {
                if found.is_empty() {
                    ui.label(format!("Nothing in the glossary matches \"{}\".", query.trim()));
                }
                for e in found {
                    entry_ui(ui, e);
                }
            });
        });
    if !open {
        out.push(Command::ShowGlossary(false));
    }
}

/// One entry in the window: the term and its name, the line, the formula, the lesson.
fn entry_ui(ui: &mut Ui, e: &Entry) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(e.term).monospace().strong());
        if !e.name.is_empty() {
            ui.label(RichText::new(e.name).italics());
        }
    });
    ui.label(e.line);
    ui.label(RichText::new(e.formula).monospace());
    ui.weak(format!("Lesson {}: {}", e.lesson, e.lesson_title()));
    ui.add_space(6.0);
}
