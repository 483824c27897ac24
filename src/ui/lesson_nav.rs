//! The links between the shipped lessons: "Previous lesson" above the first cell and "Next
//! lesson" below the last, when the page is one of the shipped curriculum.

use crate::app::{AppState, BuiltIn, Command};
use crate::lesson::shipped::SHIPPED;
use egui::Ui;

/// The shipped lesson on the page, if it is one.
fn shipped(state: &AppState) -> Option<usize> {
    match state.doc.builtin {
        Some(BuiltIn::Shipped(i)) if state.doc.file.is_none() => Some(i),
        _ => None,
    }
}

/// The label of the link to lesson `i`.
pub fn link_text(next: bool, i: usize) -> String {
    let (title, _) = SHIPPED[i];
    if next {
        format!("Next lesson: {}. {title}", i + 1)
    } else {
        format!("Previous lesson: {}. {title}", i + 1)
    }
}

/// "Previous lesson" at the top of a shipped lesson after the first.
pub(super) fn previous_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    if let Some(i) = shipped(state).filter(|&i| i > 0) {
        link_ui(ui, false, i - 1, out);
        ui.add_space(4.0);
    }
}

/// "Next lesson" at the end of a shipped lesson before the last; the last one says the course
/// ends there.
pub(super) fn next_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let Some(i) = shipped(state) else { return };
    ui.separator();
    if i + 1 < SHIPPED.len() {
        link_ui(ui, true, i + 1, out);
    } else {
        ui.label("This is the last lesson of the course. Any lesson can be opened again from the Lessons menu.");
    }
    ui.add_space(8.0);
}

fn link_ui(ui: &mut Ui, next: bool, i: usize, out: &mut Vec<Command>) {
    let hint = if next {
        "Open the next lesson of the course (your answers here are kept)"
    } else {
        "Open the lesson before this one (your answers here are kept)"
    };
    if ui.button(link_text(next, i)).on_hover_text(hint).clicked() {
        out.push(Command::OpenShipped(i));
    }
}
