//! The top bar: the File, Edit, Lessons, Insert, View and Help menus, the student's name and
//! the progress count.

use super::FORMATS;
use super::actions::{Action, menu_item};
use crate::app::{AppState, Command, Convention, LabCommand, NodeValue, StudentCommand};
use egui::{RichText, Ui};

/// The menus, the "Student:" field, the count of what was answered right and the title.
///
/// The keyboard: Enter or Space opens a focused menu, the arrows walk its items, Enter picks
/// one and Escape closes it (egui does these); picking an item closes the menu, and Tab or
/// Shift+Tab in an open menu closes it and moves on to the next or previous menu in the bar,
/// rather than walking on through the items and leaving the menu open behind.
pub(super) fn menu_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let tab = ui.input(|i| i.key_pressed(egui::Key::Tab).then_some(i.modifiers.shift));
    let focused = ui.memory(|m| m.focused());
    egui::MenuBar::new().ui(ui, |ui| {
        let menus: [(&str, MenuFn); 6] = [
            ("File", &|ui, out| file_menu_ui(ui, state, out)),
            ("Edit", &|ui, out| edit_menu_ui(ui, state, out)),
            ("Lessons", &|ui, out| lessons_menu_ui(ui, state, out)),
            ("Insert", &|ui, out| insert_menu_ui(ui, out)),
            ("View", &|ui, out| view_menu_ui(ui, state, out)),
            ("Help", &|ui, out| help_menu_ui(ui, state, out)),
        ];
        let mut buttons = Vec::new();
        // The menu Tab was pressed in (its place in the bar), and whether it was Shift+Tab.
        let mut tabbed = None;
        for (i, (title, items)) in menus.iter().enumerate() {
            let before = out.len();
            let mut layer = None;
            let r = ui.menu_button(*title, |ui| {
                layer = Some(ui.layer_id());
                items(ui, out);
                // An item picked closes the menu (egui closes it on a click, not on Enter).
                let picked = out[before..].iter().any(|c| !matches!(c, Command::CountLessonProgress));
                if picked || tab.is_some() {
                    ui.close();
                }
            });
            let in_menu = focused.is_some_and(|f| {
                f == r.response.id || ui.ctx().read_response(f).is_some_and(|w| Some(w.layer_id) == layer)
            });
            if let Some(shift) = tab
                && layer.is_some()
                && in_menu
            {
                tabbed = Some((i, shift));
            }
            buttons.push(r.response.id);
        }
        let field = student_ui(ui, state, out);
        buttons.push(field);
        if let Some((i, shift)) = tabbed {
            let next = if shift { i.saturating_sub(1) } else { i + 1 };
            ui.memory_mut(|m| m.request_focus(buttons[next.min(buttons.len() - 1)]));
        }
        status_ui(ui, state);
    });
}

/// A menu's items, drawn into the open menu; they push what was picked.
type MenuFn<'a> = &'a dyn Fn(&mut Ui, &mut Vec<Command>);

/// The File menu: new, open (a file, a built-in lesson, a recent file), save and the exports.
fn file_menu_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    menu_item(ui, state, Action::NewLesson, out);
    menu_item(ui, state, Action::NewNetwork, out);
    menu_item(ui, state, Action::Open, out);
    menu_item(ui, state, Action::ImportWeights, out);
    if ui.button("Open built-in lesson").clicked() {
        out.push(Command::OpenBuiltin);
    }
    ui.menu_button("Recent files", |ui| {
        if state.session.settings.recent.is_empty() {
            ui.weak("(none yet)");
        }
        for p in &state.session.settings.recent {
            if ui.button(p.display().to_string()).clicked() {
                out.push(Command::OpenPath(p.clone()));
            }
        }
    });
    ui.separator();
    menu_item(ui, state, Action::Save, out);
    menu_item(ui, state, Action::SaveAs, out);
    menu_item(ui, state, Action::ExportAs, out);
    menu_item(ui, state, Action::SaveTrained, out);
    ui.separator();
    if ui
        .button("Export submission...")
        .on_hover_text("Write your answers to a file to hand in (JSON, graded by mlp-notebook check)")
        .clicked()
    {
        out.push(Command::Student(StudentCommand::ExportSubmission));
    }
    menu_item(ui, state, Action::StartOver, out);
    if ui
        .button("Export worksheet...")
        .on_hover_text("A printable worksheet (HTML) of this lesson's networks and exercises, with blank boxes")
        .clicked()
    {
        out.push(Command::ExportWorksheet {
            answers: false,
            to: None,
        });
    }
    if ui
        .button("Export answer key...")
        .on_hover_text("The same worksheet filled in by the engine, with the chain-rule steps")
        .clicked()
    {
        out.push(Command::ExportWorksheet {
            answers: true,
            to: None,
        });
    }
    if state.can_link() {
        ui.separator();
        if ui
            .button("Copy link to this lesson")
            .on_hover_text("A link that carries this page as it is now: whoever opens it gets the same lesson")
            .clicked()
        {
            out.push(Command::CopyLessonLink);
        }
    }
}

/// The Edit menu: edit mode, undo and redo.
fn edit_menu_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let mut on = state.session.edit_mode;
    let edit = Action::EditMode;
    let label = format!("{} ({})", edit.label(), edit.shortcut_text(ui.ctx()));
    let allowed = state.edit_mode_allowed() || state.session.edit_mode;
    if ui
        .add_enabled(allowed, egui::Checkbox::new(&mut on, label))
        .on_hover_text(edit.tooltip())
        .on_disabled_hover_text(GRADED_NO_EDIT)
        .changed()
    {
        out.push(Command::SetEditMode(on));
    }
    if !allowed {
        ui.weak("Off: this is a graded lesson.");
    }
    ui.separator();
    menu_item(ui, state, Action::Undo, out);
    menu_item(ui, state, Action::Redo, out);
}

/// The Lessons menu: one item per shipped lesson, with how many of its exercises and quizzes
/// the current student answered right ("3/7 right"; counted when the menu first opens).
fn lessons_menu_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    if !state.shipped_progress_counted() {
        out.push(Command::CountLessonProgress);
    }
    for (i, (title, _)) in crate::lesson::shipped::SHIPPED.iter().enumerate() {
        let count = state.shipped_progress(i).filter(|c| c.items > 0);
        let right = count
            .map(|c| format!("{}/{} right", c.right, c.items))
            .unwrap_or_default();
        let who = state
            .student_name()
            .map_or_else(|| "with no student name".to_string(), |n| format!("by {n}"));
        let hint = count.map_or_else(
            || "No exercises or quizzes".to_string(),
            |c| {
                format!(
                    "{} of its {} exercises and quizzes answered right {who}",
                    c.right, c.items
                )
            },
        );
        if ui
            .add(egui::Button::new(format!("{}. {title}", i + 1)).shortcut_text(right))
            .on_hover_text(hint)
            .clicked()
        {
            out.push(Command::OpenShipped(i));
        }
    }
}

/// The Insert menu: a training cell.
fn insert_menu_ui(ui: &mut Ui, out: &mut Vec<Command>) {
    if ui
        .button("Training cell")
        .on_hover_text("A training lab at the end of the page: data, a network, live curves")
        .clicked()
    {
        out.push(Command::Lab(LabCommand::InsertTrainingCell));
    }
}

/// The View menu: the value on nodes, the number format, the convention, the theme and the zoom.
fn view_menu_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let v = &state.session.settings.view;
    ui.label("Value shown on nodes");
    for nv in [NodeValue::Z, NodeValue::A, NodeValue::Delta] {
        if ui.radio(v.node_value == nv, format!("Show {}", nv.label())).clicked() {
            out.push(Command::SetNodeValue(nv));
        }
    }
    ui.separator();
    ui.label("Number format");
    for f in FORMATS {
        if ui.radio(v.number_format == f, f.label()).clicked() {
            out.push(Command::SetNumberFormat(f));
        }
    }
    ui.separator();
    ui.label("Convention");
    if ui
        .radio(
            v.convention == Convention::Torch,
            "PyTorch: z = W a + b (W is units x in)",
        )
        .clicked()
    {
        out.push(Command::SetConvention(Convention::Torch));
    }
    if ui
        .radio(
            v.convention == Convention::Keras,
            "Keras/NumPy: Z = A W + b (W is in x units)",
        )
        .clicked()
    {
        out.push(Command::SetConvention(Convention::Keras));
    }
    ui.separator();
    let mut dark = v.dark;
    if ui.checkbox(&mut dark, "Dark theme").changed() {
        out.push(Command::SetDark(dark));
    }
    ui.separator();
    ui.label(format!("Zoom: {:.0}%", v.zoom * 100.0));
    for zoom in [Action::ZoomIn, Action::ZoomOut, Action::ZoomReset] {
        menu_item(ui, state, zoom, out);
    }
}

/// The Help menu: the shortcuts, the glossary and the About window.
fn help_menu_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    menu_item(ui, state, Action::Shortcuts, out);
    menu_item(ui, state, Action::Glossary, out);
    if ui.button("About MLP Notebook").clicked() {
        out.push(Command::ShowAbout(true));
    }
}

/// The right of the top bar (after the student's field): the count of what was answered right and
/// the title with the file's name.
fn status_ui(ui: &mut Ui, state: &AppState) {
    if state.is_graded() {
        ui.separator();
        ui.label(RichText::new("Graded lesson").strong())
            .on_hover_text(graded_text(state));
    }
    let p = state.score();
    if p.items > 0 && !state.session.edit_mode {
        ui.separator();
        // Cut short with "…" rather than widening the bar past a narrow (or zoomed) window,
        // which would push the page under the stepper.
        let count = format!(
            "{} of {} right · {} of {} points",
            p.right, p.items, p.points, p.max_points
        );
        ui.add(egui::Label::new(count).truncate()).on_hover_text(
            "Your last checked answers as the grader scores them (the same count as mlp-notebook check): \
             a right answer checked again wrong no longer counts, and a worked solution shown is not an answer",
        );
    }
    ui.separator();
    let name = state
        .doc
        .file
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().to_string());
    let dirty = if state.doc.dirty { " (unsaved changes)" } else { "" };
    let title = format!(
        "{}{}{dirty}",
        state.doc.title,
        name.map(|n| format!(" — {n}")).unwrap_or_default()
    );
    ui.add(egui::Label::new(RichText::new(title).weak()).truncate());
}

/// Why the Edit lesson item is greyed out.
const GRADED_NO_EDIT: &str = "This graded lesson keeps edit mode (which shows the engine's answers) off for students";

/// What a graded lesson's label says on hover: its policy in words.
fn graded_text(state: &AppState) -> String {
    let mut lines = vec![
        "This lesson is graded: your checks, hints and any look at a worked solution are recorded in the submission."
            .to_string(),
    ];
    if let Some(g) = state.doc.lesson_meta.grading {
        let p = g.resolve();
        if let Some(m) = p.max_attempts {
            lines.push(format!(
                "Each exercise and quiz allows {m} check{}.",
                if m == 1 { "" } else { "s" }
            ));
        }
        match p.worked_solution {
            crate::lesson::WorkedSolution::Never => lines.push("Worked solutions are not offered.".into()),
            crate::lesson::WorkedSolution::AfterAttempts(n) => lines.push(format!(
                "A worked solution opens after {n} check{}.",
                if n == 1 { "" } else { "s" }
            )),
            crate::lesson::WorkedSolution::Always => {}
        }
        if p.hint_deduction > 0 {
            lines.push(format!(
                "Each hint shown takes {} point{} off a right answer.",
                p.hint_deduction,
                if p.hint_deduction == 1 { "" } else { "s" }
            ));
        }
        if p.peek_deduction > 0 {
            lines.push(format!(
                "A worked solution opened before a right answer takes {} point{} off.",
                p.peek_deduction,
                if p.peek_deduction == 1 { "" } else { "s" }
            ));
        }
    }
    if !state.edit_mode_allowed() {
        lines.push("Edit mode is off.".into());
    }
    lines.push("Some exercises may set their own rules: see each one.".into());
    lines.join("\n")
}

/// The student's name or id, typed in the top bar; it is set when the field loses focus (or
/// on Enter), so the variant networks are rebuilt once, not at every key. Returns the field's id.
fn student_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) -> egui::Id {
    ui.separator();
    let label = ui.label("Student:");
    let id = ui.make_persistent_id("student name");
    let mut text: String = ui
        .data(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| state.session.settings.student.clone());
    let resp = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .id(id.with("field"))
                .hint_text("your name or id")
                // Narrower in a narrow (or zoomed) window, so the bar fits it.
                .desired_width((ui.available_width() * 0.3).clamp(90.0, 150.0)),
        )
        .labelled_by(label.id)
        .on_hover_text("Your name or id: it goes into the submission you export, and networks that vary per student show your own numbers");
    if resp.has_focus() || resp.changed() {
        ui.data_mut(|d| d.insert_temp(id, text.clone()));
    }
    if resp.lost_focus() {
        ui.data_mut(|d| d.remove::<String>(id));
        if text.trim() != state.session.settings.student {
            out.push(Command::Student(StudentCommand::SetStudent(text)));
        }
    }
    resp.id
}
