//! Edit mode's drawing: the lesson title, a toolbar over every cell (move, duplicate, delete,
//! add a cell), text cells as an editor beside a live preview, and forms for exercises,
//! quizzes, plots and a network cell's lesson options (the smaller forms are in `edit_forms`). Forms send the whole edited cell
//! ([`PageEdit::Replace`]); text that is not valid yet (an id, a reference) stays in the field
//! with its problem shown and is sent once it is valid.

use crate::app::edit::{NewCell, PageEdit, valid_id};
use crate::app::{AppState, CellState, Command};
use crate::lesson::Cell;
use crate::lesson::exercise::{Exercise, Tolerance};
use crate::lesson::reference::Reference;
use crate::nn::numfmt::NumberFormat;
use egui::{RichText, Ui};
use egui_commonmark::CommonMarkCache;

pub(super) fn page(out: &mut Vec<Command>, e: PageEdit) {
    out.push(Command::Page(e));
}

/// The banner and title editor at the top of the page in edit mode.
pub fn page_header_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Edit mode").strong());
                ui.label("Right-click a value in a network's matrix view to ask for it in an exercise.");
                if ui
                    .button("Preview as student")
                    .on_hover_text("Leave edit mode: the page as a student sees it (Ctrl+E)")
                    .clicked()
                {
                    out.push(Command::SetEditMode(false));
                }
            });
            if let Some(t) = text_field(ui, "lesson title", "Title", &state.doc.title, 400.0, |t| {
                (!t.trim().is_empty())
                    .then_some(())
                    .ok_or("a lesson needs a title".into())
            }) {
                page(out, PageEdit::SetTitle(t));
            }
        });
}

/// The toolbar over cell `ci`.
pub fn cell_toolbar_ui(ui: &mut Ui, ci: usize, state: &AppState, out: &mut Vec<Command>) {
    let n = state.doc.cells.len();
    ui.horizontal(|ui| {
        let just_added = if state.session.selected_cell == Some(ci) {
            ", just added"
        } else {
            ""
        };
        ui.weak(format!(
            "Cell {} of {n}: {}{just_added}",
            ci + 1,
            kind_name(&state.doc.cells[ci])
        ));
        if super::action_button(ui, ci > 0, "Move up", "Move this cell up") {
            page(out, PageEdit::Move { from: ci, to: ci - 1 });
        }
        if super::action_button(ui, ci + 1 < n, "Move down", "Move this cell down") {
            page(out, PageEdit::Move { from: ci, to: ci + 1 });
        }
        if super::action_button(ui, true, "Duplicate", "Add a copy of this cell below it") {
            page(out, PageEdit::Duplicate(ci));
        }
        if super::action_button(ui, true, "Delete", "Remove this cell (Ctrl+Z brings it back)") {
            page(out, PageEdit::Remove(ci));
        }
        add_menu_ui(ui, ci, "Add cell above", out);
    });
}

/// "Add cell" at the end of the page.
pub fn page_footer_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    ui.horizontal(|ui| add_menu_ui(ui, state.doc.cells.len(), "Add cell at the end", out));
}

fn add_menu_ui(ui: &mut Ui, at: usize, label: &str, out: &mut Vec<Command>) {
    ui.menu_button(label, |ui| {
        for k in NewCell::ALL {
            if ui.button(k.label()).clicked() {
                page(out, PageEdit::Add { at, kind: k });
                ui.close();
            }
        }
    });
}

fn kind_name(c: &CellState) -> &'static str {
    match c {
        CellState::Text(_) => "text",
        CellState::Network(_) => "network",
        CellState::Training(_) => "training lab",
        CellState::Exercise(_) => "exercise",
        CellState::Quiz(_) => "quiz",
        CellState::Plot(_) => "plot",
    }
}

/// A text cell in edit mode: Markdown source on the left, the rendered text on the right.
pub fn text_editor_ui(ui: &mut Ui, ci: usize, text: &str, md: &mut CommonMarkCache, out: &mut Vec<Command>) {
    let w = ((ui.available_width() - 16.0) / 2.0).max(200.0);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(w);
            ui.weak("Markdown");
            let mut t = text.to_string();
            let r = ui.add(
                egui::TextEdit::multiline(&mut t)
                    .desired_width(w)
                    .desired_rows(6)
                    .code_editor()
                    .id_salt(("text cell", ci)),
            );
            let r = r.on_hover_text("Markdown: # headings, **bold**, `code`, lists");
            if r.changed() {
                page(out, PageEdit::SetText { cell: ci, text: t });
            }
        });
        ui.vertical(|ui| {
            ui.set_width(w);
            ui.weak("Preview");
            super::markdown::markdown_ui(ui, md, text);
        });
    });
}

/// A one-line text field that keeps what is typed while it is not valid (shown with its
/// problem) and returns the text once it is valid and changed.
pub(super) fn text_field(
    ui: &mut Ui,
    id: &str,
    label: &str,
    current: &str,
    width: f32,
    valid: impl Fn(&str) -> Result<(), String>,
) -> Option<String> {
    let mut result = None;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let mem = ui.make_persistent_id(("edit field", id));
        let mut t = ui
            .data(|d| d.get_temp::<String>(mem))
            .unwrap_or_else(|| current.to_string());
        let r = ui
            .add(egui::TextEdit::singleline(&mut t).desired_width(width))
            .labelled_by(l.id);
        let problem = valid(&t).err();
        if r.has_focus() || problem.is_some() {
            ui.data_mut(|d| d.insert_temp(mem, t.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(mem));
        }
        match problem {
            Some(p) => {
                ui.colored_label(ui.visuals().error_fg_color, p);
            }
            None if t != current => result = Some(t),
            None => {}
        }
    });
    result
}

pub(super) fn multiline(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    label: &str,
    current: &str,
) -> Option<String> {
    let mut t = current.to_string();
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::multiline(&mut t)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .id_salt(id),
        )
        .labelled_by(l.id);
    (r.changed() && t != current).then_some(t)
}

/// The form of exercise cell `ci`.
pub fn exercise_form_ui(ui: &mut Ui, ci: usize, ex: &Exercise, state: &AppState, out: &mut Vec<Command>) {
    let mut send = |e: Exercise| {
        page(
            out,
            PageEdit::Replace {
                cell: ci,
                with: Box::new(Cell::Exercise(Box::new(e))),
            },
        )
    };
    egui::CollapsingHeader::new(RichText::new("Exercise settings").strong())
        .id_salt(("exercise form", ci))
        .default_open(true)
        .show(ui, |ui| {
            if let Some(id) = text_field(ui, &format!("ex id {ci}"), "Id", &ex.id, 160.0, check_id) {
                send(Exercise { id, ..ex.clone() });
            }
            network_sample_ui(ui, ci, ex, state, &mut send);
            if let Some(prompt) = multiline(ui, ("ex prompt", ci), "Prompt (Markdown)", &ex.prompt) {
                send(Exercise { prompt, ..ex.clone() });
            }
            ask_ui(ui, ci, ex, state, &mut send);
            tolerance_ui(ui, ci, ex, &mut send);
            ui.horizontal(|ui| {
                let mut points = ex.points;
                let l = ui.label("Points");
                if ui
                    .add(egui::DragValue::new(&mut points).range(0..=100))
                    .labelled_by(l.id)
                    .changed()
                {
                    send(Exercise { points, ..ex.clone() });
                }
            });
            hints_ui(ui, ex, &mut send);
        });
}

/// The exercise's network (a combo of the page's network ids) and its sample number.
fn network_sample_ui(ui: &mut Ui, ci: usize, ex: &Exercise, state: &AppState, send: &mut dyn FnMut(Exercise)) {
    let nets: Vec<String> = (0..state.doc.cells.len()).filter_map(|i| state.net_id(i)).collect();
    ui.horizontal(|ui| {
        let l = ui.label("Network");
        egui::ComboBox::from_id_salt(("ex net", ci))
            .selected_text(&ex.network)
            .show_ui(ui, |ui| {
                for n in &nets {
                    if ui.selectable_label(*n == ex.network, n).clicked() && *n != ex.network {
                        send(Exercise {
                            network: n.clone(),
                            network_named: true,
                            ..ex.clone()
                        });
                    }
                }
            })
            .response
            .labelled_by(l.id);
        let mut sample = ex.sample;
        let l = ui.label("Sample");
        if ui
            .add(egui::DragValue::new(&mut sample).range(1..=10_000))
            .labelled_by(l.id)
            .changed()
        {
            send(Exercise { sample, ..ex.clone() });
        }
    });
}

/// What the exercise asks for (a reference, checked against its network and sample) and the
/// answer the engine computed for it.
fn ask_ui(ui: &mut Ui, ci: usize, ex: &Exercise, state: &AppState, send: &mut dyn FnMut(Exercise)) {
    let net = state.doc.cells.iter().find_map(|c| match c {
        CellState::Network(n) if n.options.id == ex.network => Some(n),
        _ => None,
    });
    let ask_text = ex.ask.to_string();
    let check_ref = |t: &str| -> Result<(), String> {
        let r: Reference = t.parse()?;
        match net {
            Some(n) => {
                let p = r.check(&n.doc.net, n.doc.batch(), ex.sample.saturating_sub(1));
                if p.is_empty() { Ok(()) } else { Err(p.join("; ")) }
            }
            None => Ok(()),
        }
    };
    if let Some(t) = text_field(ui, &format!("ex ask {ci}"), "Asks for", &ask_text, 240.0, check_ref)
        && let Ok(ask) = t.parse::<Reference>()
    {
        send(Exercise { ask, ..ex.clone() });
    }
    let engine = match state.doc.cells.get(ci) {
        Some(CellState::Exercise(e)) if net.is_some() => e.engine.as_ref(),
        _ => None,
    };
    if let Some(k) = engine {
        match &k.answer {
            Ok(a) => ui.label(format!("Answer, computed by the engine: {}", a.to_text())),
            Err(e) => ui.colored_label(ui.visuals().error_fg_color, format!("No answer: {e}")),
        };
    }
}

/// The hints, each with a Remove button, and "Add hint".
fn hints_ui(ui: &mut Ui, ex: &Exercise, send: &mut dyn FnMut(Exercise)) {
    ui.label("Hints, revealed one by one:");
    for (h, hint) in ex.hints.iter().enumerate() {
        ui.horizontal(|ui| {
            if ui.small_button("Remove").on_hover_text("Remove this hint").clicked() {
                let mut e = ex.clone();
                e.hints.remove(h);
                send(e);
            }
            let mut t = hint.clone();
            let r = ui
                .add(egui::TextEdit::singleline(&mut t).desired_width(f32::INFINITY))
                .accessible_name(format!("hint {}", h + 1));
            if r.changed() {
                let mut e = ex.clone();
                e.hints[h] = t;
                send(e);
            }
        });
    }
    if ui.button("Add hint").clicked() {
        let mut e = ex.clone();
        e.hints.push("A hint.".into());
        send(e);
    }
}

pub(super) fn check_id(t: &str) -> Result<(), String> {
    if valid_id(t) {
        Ok(())
    } else {
        Err("letters, digits, - and _ only".into())
    }
}

fn tolerance_ui(ui: &mut Ui, ci: usize, ex: &Exercise, send: &mut dyn FnMut(Exercise)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Default,
        Exact,
        Abs,
        Rel,
    }
    let (kind, value) = match ex.tolerance {
        None => (Kind::Default, 0.0),
        Some(Tolerance::Exact) => (Kind::Exact, 0.0),
        Some(Tolerance::Within { abs: Some(a), .. }) => (Kind::Abs, a),
        Some(Tolerance::Within { rel, .. }) => (Kind::Rel, rel.unwrap_or(1e-3)),
    };
    ui.horizontal(|ui| {
        let l = ui.label("Tolerance");
        let names = [
            (Kind::Default, "default (exact for integers, else 0.1%)"),
            (Kind::Exact, "exact"),
            (Kind::Abs, "absolute"),
            (Kind::Rel, "relative"),
        ];
        let current = names.iter().find(|n| n.0 == kind).map_or("", |n| n.1);
        egui::ComboBox::from_id_salt(("tolerance", ci))
            .selected_text(current)
            .show_ui(ui, |ui| {
                for (k, name) in names {
                    if ui.selectable_label(k == kind, name).clicked() && k != kind {
                        let tolerance = match k {
                            Kind::Default => None,
                            Kind::Exact => Some(Tolerance::Exact),
                            Kind::Abs => Some(Tolerance::Within {
                                abs: Some(0.01),
                                rel: None,
                            }),
                            Kind::Rel => Some(Tolerance::Within {
                                abs: None,
                                rel: Some(1e-3),
                            }),
                        };
                        send(Exercise {
                            tolerance,
                            ..ex.clone()
                        });
                    }
                }
            })
            .response
            .labelled_by(l.id);
        if matches!(kind, Kind::Abs | Kind::Rel) {
            let mut v = value;
            let r = ui
                .add(
                    egui::DragValue::new(&mut v)
                        .range(1e-12..=1e6)
                        .speed(value * 0.01)
                        .custom_formatter(|v, _| NumberFormat::PLOT.fmt(v)),
                )
                .accessible_name("tolerance value");
            if r.changed() {
                let tolerance = Some(if kind == Kind::Abs {
                    Tolerance::Within {
                        abs: Some(v),
                        rel: None,
                    }
                } else {
                    Tolerance::Within {
                        abs: None,
                        rel: Some(v),
                    }
                });
                send(Exercise {
                    tolerance,
                    ..ex.clone()
                });
            }
        }
    });
}
