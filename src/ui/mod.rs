//! Drawing only: functions named `*_ui` read the state and push [`Command`]s; they change
//! nothing themselves. [`app_ui`] draws the whole window.

pub mod actions;
pub mod blocks;
mod cell_ctx;
pub mod data;
pub mod diagram;
pub mod edit;
pub mod edit_forms;
pub mod exercise;
pub mod export;
pub mod glossary;
pub mod import;
pub mod legend;
mod lesson_nav;
pub mod markdown;
pub mod matrix;
mod menu;
pub mod plot_cell;
pub mod plot_range;
pub mod quiz;
pub mod stepper;
pub mod theme;
pub mod train_analysis;
pub mod train_plots;
pub mod train_settings;
pub mod training;
pub mod visibility;
pub mod weights_import;

use crate::app::save_checks::{SaveAnswer, SaveQuestion};
use crate::app::{AppState, CellState, CloseAnswer, Command, Edit, NetCell, NetCommand, NodeValue, Pending};
use crate::nn::numfmt::NumberFormat;
use crate::nn::{LossKind, Reduction};
pub use cell_ctx::CellCtx;
use egui::{RichText, Ui};
use egui_commonmark::CommonMarkCache;

/// The number formats the View menu offers.
pub const FORMATS: [NumberFormat; 5] = [
    NumberFormat::Auto,
    NumberFormat::Fixed(2),
    NumberFormat::Fixed(4),
    NumberFormat::Significant(3),
    NumberFormat::Significant(6),
];

/// A button with a hover hint, greyed out when not `enabled`; returns whether it was clicked.
pub fn action_button(ui: &mut Ui, enabled: bool, text: &str, hint: &str) -> bool {
    ui.add_enabled(enabled, egui::Button::new(text))
        .on_hover_text(hint)
        .clicked()
}

/// Draws the window and returns what the user asked for.
pub fn app_ui(ui: &mut Ui, state: &AppState, md: &mut CommonMarkCache) -> Vec<Command> {
    let mut out = Vec::new();
    // A question on screen has the keys (Escape, Enter), not the page's shortcuts.
    let asking = state.session.pending.is_some()
        || state.session.path_prompt.is_some()
        || state.session.confirm_start_over
        || state.session.new_lesson_title.is_some();
    if !asking {
        glossary::escape_ui(ui, state, &mut out);
        actions::listen(ui, state, &mut out);
    }
    egui::Panel::top("menu").show(ui, |ui| menu::menu_ui(ui, state, &mut out));
    if let Some(m) = &state.session.message {
        egui::Panel::top("message").show(ui, |ui| message_ui(ui, m, &mut out));
    }
    if state.first_net().is_some() {
        egui::Panel::right("stepper panel")
            .resizable(true)
            // A third of a small window (or of a zoomed one, which is small in points), so the
            // page keeps the larger part.
            .default_size(stepper_width(ui.ctx().content_rect().width()))
            .min_size(stepper_width(ui.ctx().content_rect().width()).min(320.0))
            // A window made smaller (or zoomed in) takes the panel down with it.
            .max_size((ui.ctx().content_rect().width() * 0.4).max(260.0))
            .show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("stepper scroll").show(ui, |ui| {
                    let first = actions::widgets_so_far(ui);
                    match state.stepper_net().and_then(|ci| state.net(ci).map(|c| (ci, c))) {
                        Some((ci, cell)) => stepper::stepper_ui(ui, ci, cell, &state.session.settings.view, &mut out),
                        None => stepper::no_network_ui(ui),
                    }
                    actions::keep_focus_in_view(ui, first);
                });
            });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        // A document just opened starts at its top, not where the last one was scrolled to.
        egui::ScrollArea::vertical()
            .id_salt(("page", state.session.opened))
            // Across: as wide as the page's content this frame. Not shrinking would keep the
            // width of an earlier, wider frame (before the zoom or the stepper panel, or a
            // larger window) for good, and lay the page out under the stepper.
            .auto_shrink([true, false])
            .show(ui, |ui| {
                let first = actions::widgets_so_far(ui);
                actions::page_keys(ui, state);
                page_ui(ui, state, md, &mut out);
                actions::keep_focus_in_view(ui, first);
            });
    });
    dialogs_ui(ui, state, &mut out);
    settle_hover(state, &mut out);
    out
}

/// The widgets under the pointer each said what value they show; one `Hover` command remains,
/// sent only when the value under the pointer changed (`None` once the pointer left it).
fn settle_hover(state: &AppState, out: &mut Vec<Command>) {
    let hovered = out
        .iter()
        .rev()
        .find_map(|c| match c {
            Command::Hover(h) => Some(*h),
            _ => None,
        })
        .flatten();
    out.retain(|c| !matches!(c, Command::Hover(_)));
    if hovered != state.session.hovered {
        out.push(Command::Hover(hovered));
    }
}

/// The stepper panel's width in a window `window` points wide: about a third of it, between
/// 260 and [`theme::STEPPER_WIDTH`] points.
fn stepper_width(window: f32) -> f32 {
    (window * 0.36).clamp(260.0, theme::STEPPER_WIDTH)
}

/// The message bar: the text (in the error colour for an error) and its "Dismiss" button.
fn message_ui(ui: &mut Ui, m: &crate::app::Message, out: &mut Vec<Command>) {
    ui.horizontal_top(|ui| {
        let color = if m.is_error {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().text_color()
        };
        if ui.button("Dismiss").clicked() {
            out.push(Command::DismissMessage);
        }
        // A long message (a file's limits, a list of problems) wraps in the width there is;
        // past eight lines it says how many more there are rather than pushing the page away.
        const SHOWN: usize = 8;
        let lines: Vec<&str> = m.text.lines().collect();
        let text = if lines.len() > SHOWN {
            format!(
                "{}\n... and {} more lines",
                lines[..SHOWN].join("\n"),
                lines.len() - SHOWN
            )
        } else {
            m.text.clone()
        };
        ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
    });
}

/// The page: every cell in order (with edit mode's toolbars and forms), then the stepper
/// follows the network in view.
fn page_ui(ui: &mut Ui, state: &AppState, md: &mut CommonMarkCache, out: &mut Vec<Command>) {
    ui.add_space(4.0);
    // Exercises and quizzes are numbered in lesson order.
    let mut numbers = (0, 0);
    // Where each network cell is, to keep the stepper on one the student can see.
    let mut nets_at = Vec::new();
    if state.session.edit_mode {
        edit::page_header_ui(ui, state, out);
        ui.add_space(6.0);
    }
    lesson_nav::previous_ui(ui, state, out);
    for (ci, cell) in state.doc.cells.iter().enumerate() {
        let top = ui.cursor().min.y;
        if state.session.edit_mode {
            edit::cell_toolbar_ui(ui, ci, state, out);
            cell_form_ui(ui, ci, cell, state, out);
        }
        if let Some((rect, diagram)) = cell_ui(ui, ci, cell, state, md, &mut numbers, out) {
            nets_at.push((ci, rect));
            // The stepper just moved: its diagram comes into view, with the step's highlights.
            if state.session.scroll_to_net == Some(ci) {
                ui.scroll_to_rect(diagram, None);
                out.push(Command::ScrolledToNet);
            }
        }
        mark_selected(ui, ci, top, state, out);
        ui.add_space(8.0);
    }
    if state.session.edit_mode {
        edit::page_footer_ui(ui, state, out);
    }
    lesson_nav::next_ui(ui, state, out);
    let shown = state.stepper_net();
    follow_the_page(ui.clip_rect(), &nets_at, shown, out);
}

/// The cell edit mode just made ("Ask for this value"): framed in the selection colour, and
/// scrolled to the middle of the page once.
fn mark_selected(ui: &mut Ui, ci: usize, top: f32, state: &AppState, out: &mut Vec<Command>) {
    if state.session.selected_cell != Some(ci) && state.session.scroll_to_cell != Some(ci) {
        return;
    }
    let full = ui.max_rect();
    let rect = egui::Rect::from_x_y_ranges(full.x_range(), top..=ui.cursor().min.y).expand(3.0);
    if state.session.selected_cell == Some(ci) {
        let stroke = egui::Stroke::new(2.0, ui.visuals().selection.stroke.color);
        ui.painter().rect_stroke(rect, 4.0, stroke, egui::StrokeKind::Outside);
    }
    if state.session.scroll_to_cell == Some(ci) {
        ui.scroll_to_rect(rect, Some(egui::Align::Center));
        out.push(Command::CellShown);
    }
}

/// Edit mode's form of a cell (exercises, quizzes, plots, a network's options).
fn cell_form_ui(ui: &mut Ui, ci: usize, cell: &CellState, state: &AppState, out: &mut Vec<Command>) {
    match cell {
        CellState::Exercise(e) => edit::exercise_form_ui(ui, ci, &e.exercise, state, out),
        CellState::Quiz(q) => edit_forms::quiz_form_ui(ui, ci, &q.quiz, out),
        CellState::Plot(p) => edit_forms::plot_form_ui(ui, ci, &p.plot, out),
        CellState::Network(n) => edit_forms::network_options_ui(
            ui,
            ci,
            crate::lesson::NetworkCell {
                options: n.options.clone(),
                doc: n.doc.clone(),
            },
            out,
        ),
        CellState::Text(_) | CellState::Training(_) => {}
    }
}

/// One cell of the page; `numbers` counts the exercises and quizzes so far. Returns where a
/// network cell was drawn, and where its diagram was.
fn cell_ui(
    ui: &mut Ui,
    ci: usize,
    cell: &CellState,
    state: &AppState,
    md: &mut CommonMarkCache,
    numbers: &mut (usize, usize),
    out: &mut Vec<Command>,
) -> Option<(egui::Rect, egui::Rect)> {
    let group = egui::Frame::group(ui.style());
    match cell {
        CellState::Text(t) if state.session.edit_mode => edit::text_editor_ui(ui, ci, t, md, out),
        CellState::Text(t) => {
            markdown::markdown_ui(ui, md, t);
        }
        CellState::Network(n) => {
            let r = group.show(ui, |ui| netcell_ui(ui, ci, n, state, out));
            return Some((r.response.rect, r.inner));
        }
        CellState::Training(t) => {
            group.show(ui, |ui| {
                training::training_ui(ui, ci, t, &state.session.settings.view, md, out)
            });
        }
        CellState::Exercise(e) => {
            numbers.0 += 1;
            group.show(ui, |ui| exercise::exercise_ui(ui, ci, e, numbers.0, state, md, out));
        }
        CellState::Quiz(q) => {
            numbers.1 += 1;
            group.show(ui, |ui| quiz::quiz_ui(ui, ci, q, numbers.1, state, md, out));
        }
        CellState::Plot(p) => {
            group.show(ui, |ui| plot_cell::plot_cell_ui(ui, ci, p));
        }
    }
    None
}

/// The stepper panel shows the network cell most in `visible` (the one it shows keeps it on a
/// tie), so it always names the network the student sees. A network counts as in view once
/// [`MIN_IN_VIEW`] points of it (or half of a smaller one) show: one only peeking in at an
/// edge does not. With none in view the panel says there is no network to step, and nothing
/// off screen is stepped or updated.
fn follow_the_page(visible: egui::Rect, nets_at: &[(usize, egui::Rect)], shown: Option<usize>, out: &mut Vec<Command>) {
    let seen = |r: &egui::Rect| {
        let i = r.intersect(visible);
        if i.is_positive() { i.height() } else { 0.0 }
    };
    let in_view = |r: &egui::Rect| seen(r) > 0.0 && seen(r) >= MIN_IN_VIEW.min(0.5 * r.height());
    let best = nets_at
        .iter()
        .filter(|(_, r)| in_view(r))
        .max_by(|a, b| {
            seen(&a.1)
                .total_cmp(&seen(&b.1))
                // On a tie the one shown stays.
                .then((Some(a.0) == shown).cmp(&(Some(b.0) == shown)))
        })
        .map(|(c, _)| *c);
    match best {
        Some(c) if Some(c) != shown => out.push(Command::Net {
            cell: c,
            cmd: NetCommand::ShowInStepper,
        }),
        None if shown.is_some() => out.push(Command::NoNetworkInView),
        _ => {}
    }
}

/// How much of a network must show (in points) for it to count as in view.
const MIN_IN_VIEW: f32 = 120.0;

/// A live network cell: toolbar, diagram, matrix view and data beside the stepper. Returns
/// where the diagram is.
fn netcell_ui(ui: &mut Ui, ci: usize, cell: &NetCell, state: &AppState, out: &mut Vec<Command>) -> egui::Rect {
    if !cell.options.lock.is_empty() {
        let what: Vec<&str> = cell.options.lock.iter().map(|&l| l.text()).collect();
        ui.weak(format!("Locked by the lesson: {}.", what.join(", ")));
    }
    toolbar_ui(ui, ci, cell, state, out);
    let sources = visibility::hover_sources(state.session.hovered, ci, cell);
    let mut cx = CellCtx {
        ci,
        cell,
        view: &state.session.settings.view,
        edit_mode: state.session.edit_mode,
        out,
        sources: &sources,
    };
    let diagram = diagram::diagram_ui(ui, &mut cx);
    legend::diagram_legend_ui(ui, ci);
    ui.separator();
    // A wide layer (many inputs) scrolls sideways instead of widening the whole page.
    matrix::matrix_ui(ui, &mut cx);
    ui.separator();
    // A data table wider than the page (many inputs) scrolls sideways on its own.
    let cols = cell.doc.x.nrows() + cell.doc.y.nrows() + 2;
    if cols as f32 * (theme::CELL_WIDTH + 8.0) > ui.available_width() {
        egui::ScrollArea::horizontal()
            .id_salt(("data scroll", ci))
            .show(ui, |ui| data::data_ui(ui, &mut cx));
    } else {
        data::data_ui(ui, &mut cx);
    }
    diagram
}

fn toolbar_ui(ui: &mut Ui, ci: usize, cell: &NetCell, state: &AppState, out: &mut Vec<Command>) {
    let view = &state.session.settings.view;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(cell.doc.name.clone().unwrap_or_else(|| "Network".into())).strong());
        ui.separator();
        ui.label("Show on nodes:");
        let taught = cell.options.taught;
        // δ only once the lesson has taught backpropagation.
        let choices: &[NodeValue] = if taught.backward() {
            &[NodeValue::Z, NodeValue::A, NodeValue::Delta]
        } else {
            &[NodeValue::Z, NodeValue::A]
        };
        for &nv in choices {
            let r = ui.selectable_label(view.node_value == nv, nv.label());
            let hint = format!("Show {} on every node", nv.label());
            if glossary::hint_and_explain(r, &hint, nv.label()).clicked() {
                out.push(Command::SetNodeValue(nv));
            }
        }
        // The loss (its menus and value) only once the lesson has taught it.
        if taught.loss() {
            loss_ui(ui, ci, cell, view, out);
        }
        // Whole, on the next row if it does not fit, rather than split over two.
        let sample = RichText::new(format!("sample {} of {}", cell.sample + 1, cell.doc.batch())).weak();
        ui.add(egui::Label::new(sample).wrap_mode(egui::TextWrapMode::Extend));
    });
}

/// The toolbar's loss: the loss and reduction menus and `L = ...`.
fn loss_ui(ui: &mut Ui, ci: usize, cell: &NetCell, view: &crate::app::ViewSettings, out: &mut Vec<Command>) {
    ui.separator();
    let ll = glossary::label(ui, "Loss:");
    egui::ComboBox::from_id_salt(("loss", ci))
        .selected_text(cell.doc.loss.kind.name())
        .show_ui(ui, |ui| {
            for name in LossKind::NAMES {
                if let Some(k) = LossKind::from_name(name)
                    && glossary::explain(ui.selectable_label(cell.doc.loss.kind.name() == name, name), name).clicked()
                    && cell.doc.loss.kind.name() != name
                {
                    out.push(Command::Net {
                        cell: ci,
                        cmd: NetCommand::Edit(Edit::Loss(k)),
                    });
                }
            }
        })
        .response
        .labelled_by(ll.id);
    let rl = glossary::label(ui, "Reduction:");
    egui::ComboBox::from_id_salt(("reduction", ci))
        .selected_text(cell.doc.loss.reduction.name())
        .show_ui(ui, |ui| {
            for r in [Reduction::Mean, Reduction::Sum] {
                if ui.selectable_label(cell.doc.loss.reduction == r, r.name()).clicked() && cell.doc.loss.reduction != r
                {
                    out.push(Command::Net {
                        cell: ci,
                        cmd: NetCommand::Edit(Edit::Reduction(r)),
                    });
                }
            }
        })
        .response
        .labelled_by(rl.id);
    ui.separator();
    let loss_shown = visibility::visible_at(cell, crate::nn::steps::Quantity::Loss, 0, 0, cell.sample);
    let loss = if loss_shown {
        view.number_format.fmt(cell.grads.loss)
    } else {
        "?".into()
    };
    let r = ui.label(RichText::new(format!("L = {loss}")).monospace().strong());
    glossary::hint_and_explain(r, &cell.doc.loss.formula(), "L");
}

fn dialogs_ui(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    let ctx = ui.ctx().clone();
    if let Some(p) = &state.session.pending {
        let what = match p {
            Pending::Close => "before closing",
            Pending::Open(_) => "before opening another file",
            Pending::New | Pending::NewLesson(_) | Pending::Builtin | Pending::Shipped(_) => "before starting over",
            Pending::ImportWeights => "before importing weights",
        };
        egui::Modal::new(egui::Id::unique("unsaved changes")).show(&ctx, |ui| {
            ui.heading("Unsaved changes");
            ui.label(format!("Save your changes {what}?"));
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    out.push(Command::CloseAnswer(CloseAnswer::Save));
                }
                if ui.button("Discard changes").clicked() {
                    out.push(Command::CloseAnswer(CloseAnswer::Discard));
                }
                if ui.button("Cancel").clicked() {
                    out.push(Command::CloseAnswer(CloseAnswer::Cancel));
                }
            });
        });
    }
    if state.session.confirm_start_over {
        start_over_ui(&ctx, state, out);
    }
    if let Some(q) = &state.session.save_question {
        save_question_ui(&ctx, q, out);
    } else if let Some(o) = &state.session.restore_offer {
        restore_offer_ui(&ctx, o, out);
    }
    if let Some(d) = &state.session.csv_import {
        import::csv_import_ui(&ctx, d, out);
    }
    if let Some(d) = &state.session.weights_import {
        weights_import::weights_import_ui(&ctx, d, out);
    }
    if let Some(p) = &state.session.path_prompt {
        path_prompt_ui(&ctx, p, out);
    }
    if let Some(t) = &state.session.new_lesson_title {
        new_lesson_ui(&ctx, t, out);
    }
    if let Some(d) = &state.session.export_dialog {
        export::export_dialog_ui(&ctx, state, d, out);
    }
    if state.session.show_shortcuts {
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .show(&ctx, |ui| {
                actions::shortcuts_table_ui(ui);
            });
        if !open {
            out.push(Command::ShowShortcuts(false));
        }
    }
    glossary::glossary_window_ui(&ctx, state, out);
    if state.session.show_about {
        let mut open = true;
        egui::Window::new("About MLP Notebook")
            .open(&mut open)
            .collapsible(false)
            .show(&ctx, |ui| {
                ui.label(format!("MLP Notebook {}", env!("CARGO_PKG_VERSION")));
                ui.label("Learn multilayer perceptrons by touching every number.");
                ui.label("Every number is computed in f64 by the app's own engine, which agrees with PyTorch to 1e-9.");
            });
        if !open {
            out.push(Command::ShowAbout(false));
        }
    }
}

/// "Start this lesson over?": Enter (or the button) clears the current student's answers,
/// Escape (or Cancel) keeps them.
fn start_over_ui(ctx: &egui::Context, state: &AppState, out: &mut Vec<Command>) {
    use crate::app::StudentCommand;
    let who = state.student_name().map_or_else(
        || "the answers typed with no name".to_string(),
        |n| format!("the answers of '{n}'"),
    );
    let modal = egui::Modal::new(egui::Id::unique("start over")).show(ctx, |ui| {
        ui.heading("Start this lesson over?");
        ui.label(format!(
            "This clears {who} to \"{}\": every answer typed, every verdict, the hints and worked solutions shown.",
            state.doc.title
        ));
        ui.label("The checks already used still count, and other students' answers are not touched.");
        ui.add_space(4.0);
        let mut answer = None;
        ui.horizontal(|ui| {
            if ui.button("Start over").on_hover_text("Enter").clicked() {
                answer = Some(true);
            }
            if ui.button("Cancel").on_hover_text("Escape").clicked() {
                answer = Some(false);
            }
            ui.weak("Enter: start over · Escape: cancel");
        });
        if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            answer = Some(true);
        }
        answer
    });
    if let Some(yes) = modal.inner {
        out.push(Command::Student(StudentCommand::ConfirmStartOver(yes)));
    } else if modal.should_close() {
        out.push(Command::Student(StudentCommand::ConfirmStartOver(false)));
    }
}

/// The question a save asks before writing: the file changed on disk, or edited networks come
/// from files outside the lesson's folder. Tab reaches the buttons, Enter or Space presses
/// one, Escape cancels.
fn save_question_ui(ctx: &egui::Context, q: &SaveQuestion, out: &mut Vec<Command>) {
    let answer = |a: SaveAnswer| Command::SaveAnswer(a);
    let modal = egui::Modal::new(egui::Id::unique("save question")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        let choices: &[(&str, &str, SaveAnswer)] = match q {
            SaveQuestion::ChangedOnDisk { path } => {
                ui.heading("The file changed on disk");
                ui.label(format!(
                    "{} was changed by another program (or another window) since you opened or saved it here. \
                     Saving now replaces that version with yours.",
                    path.display()
                ));
                &[
                    (
                        "Overwrite",
                        "Save your version over the other one",
                        SaveAnswer::Overwrite,
                    ),
                    (
                        "Reload",
                        "Open the version on disk; your changes here are dropped",
                        SaveAnswer::Reload,
                    ),
                    ("Cancel", "Neither: keep both as they are for now", SaveAnswer::Cancel),
                ]
            }
            SaveQuestion::NetworkFilesShared {
                files,
                outside,
                shared_with,
                ..
            } => {
                if *outside {
                    ui.heading("Networks outside the lesson's folder");
                    ui.label(format!(
                        "You edited networks this lesson reads from files outside its folder: {}. \
                         Other lessons may use those files too.",
                        files.join(", ")
                    ));
                } else {
                    ui.heading("Networks other lessons use");
                    ui.label(format!(
                        "You edited networks this lesson reads from {}.",
                        files.join(", ")
                    ));
                }
                if !shared_with.is_empty() {
                    ui.label(format!(
                        "Other lessons in this folder read them too: {}. Writing the files changes those lessons.",
                        shared_with.join(", ")
                    ));
                }
                &[
                    (
                        "Write to those files",
                        "Save the edited networks into their files",
                        SaveAnswer::WriteNetworkFiles,
                    ),
                    (
                        "Put them in the lesson",
                        "Save the networks inside the lesson file; the other files stay as they are",
                        SaveAnswer::MakeInline,
                    ),
                    ("Cancel", "Do not save yet", SaveAnswer::Cancel),
                ]
            }
        };
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            for (label, hint, a) in choices {
                if ui.button(*label).on_hover_text(*hint).clicked() {
                    out.push(answer(*a));
                }
            }
        });
    });
    if modal.should_close() {
        out.push(answer(SaveAnswer::Cancel));
    }
}

/// The offer of unsaved changes a window left behind (a crash, kill -9). Escape is "Later".
fn restore_offer_ui(ctx: &egui::Context, o: &crate::app::recovery::Offer, out: &mut Vec<Command>) {
    use crate::app::recovery::{RestoreAnswer, age_text};
    let r = &o.record;
    let what = match &r.file {
        Some(f) => format!(
            "{} ({})",
            r.title,
            f.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        ),
        None => format!("{} (never saved)", r.title),
    };
    let modal = egui::Modal::new(egui::Id::unique("restore offer")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading("Restore unsaved changes?");
        ui.label(format!(
            "MLP Notebook ended without saving your changes to {what}. They were kept {}.",
            age_text(o.age)
        ));
        if let Some(f) = &r.file {
            ui.label(RichText::new(f.display().to_string()).weak());
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let choices = [
                (
                    "Restore",
                    "Open them as unsaved changes; Save keeps them",
                    RestoreAnswer::Restore,
                ),
                (
                    "Discard them",
                    "Delete the kept changes for good",
                    RestoreAnswer::Discard,
                ),
                (
                    "Later",
                    "Keep them and ask again at the next start",
                    RestoreAnswer::Later,
                ),
            ];
            for (label, hint, a) in choices {
                if ui.button(label).on_hover_text(hint).clicked() {
                    out.push(Command::RestoreAnswer(a));
                }
            }
        });
    });
    if modal.should_close() {
        out.push(Command::RestoreAnswer(RestoreAnswer::Later));
    }
}

/// The "type a path" prompt, shown when the platform's file dialog could not open.
/// File > New lesson...: the title (Enter or "Create" starts the lesson, Escape or "Cancel"
/// closes the dialog).
fn new_lesson_ui(ctx: &egui::Context, title: &str, out: &mut Vec<Command>) {
    let modal = egui::Modal::new(egui::Id::unique("new lesson")).show(ctx, |ui| {
        ui.heading("New lesson");
        ui.label("It starts with a text cell and a network cell, in edit mode.");
        let mut text = title.to_string();
        let label = ui.label("Lesson title");
        let resp = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(360.0))
            .labelled_by(label.id);
        // The title field has the keyboard when the dialog opens (once: Tab still moves on).
        let asked = egui::Id::unique("new lesson title focused");
        if !ui.data(|d| d.get_temp::<bool>(asked).unwrap_or(false)) {
            resp.request_focus();
            ui.data_mut(|d| d.insert_temp(asked, true));
        }
        if resp.changed() {
            out.push(Command::SetNewLessonTitle(text.clone()));
        }
        let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            let ok = !text.trim().is_empty();
            if ui.add_enabled(ok, egui::Button::new("Create")).clicked() || (enter && ok) {
                out.push(Command::SetNewLessonTitle(text));
                out.push(Command::FinishNewLesson(true));
            }
            if ui.button("Cancel").clicked() {
                out.push(Command::FinishNewLesson(false));
            }
        });
    });
    if modal.should_close() {
        out.push(Command::FinishNewLesson(false));
    }
    if out.iter().any(|c| matches!(c, Command::FinishNewLesson(_))) {
        ctx.data_mut(|d| d.remove::<bool>(egui::Id::unique("new lesson title focused")));
    }
}

fn path_prompt_ui(ctx: &egui::Context, p: &crate::app::path_prompt::PathPrompt, out: &mut Vec<Command>) {
    egui::Modal::new(egui::Id::unique("path prompt")).show(ctx, |ui| {
        ui.heading(p.purpose.question());
        ui.label("The system's file dialog could not open on this desktop. Type the file's path instead:");
        let mut text = p.text.clone();
        let label = ui.label("File path");
        let resp = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(420.0))
            .labelled_by(label.id);
        if resp.changed() {
            out.push(Command::SetPathText(text.clone()));
        }
        let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            if ui.button("OK").clicked() || enter {
                out.push(Command::SetPathText(text));
                out.push(Command::FinishPath(true));
            }
            if ui.button("Cancel").clicked() {
                out.push(Command::FinishPath(false));
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::follow_the_page;
    use crate::app::{Command, NetCommand};
    use egui::{Rect, pos2};

    fn cell(top: f32, bottom: f32) -> Rect {
        Rect::from_min_max(pos2(0.0, top), pos2(800.0, bottom))
    }

    /// What the panel does: `Some(Some(c))` moves to network `c`, `Some(None)` says no network
    /// is in view, `None` stays.
    fn follows(nets: &[(usize, Rect)], shown: usize) -> Option<Option<usize>> {
        let page = cell(0.0, 700.0);
        let mut out = Vec::new();
        follow_the_page(page, nets, Some(shown), &mut out);
        out.iter().find_map(|c| match c {
            Command::Net {
                cell,
                cmd: NetCommand::ShowInStepper,
            } => Some(Some(*cell)),
            Command::NoNetworkInView => Some(None),
            _ => None,
        })
    }

    #[test]
    fn the_panel_shows_the_network_most_in_view_or_says_none_is() {
        // Network 2 is in view (rows 100..500 of a 700-high page), network 5 below it.
        let nets = [(2, cell(100.0, 500.0)), (5, cell(900.0, 1700.0))];
        assert_eq!(follows(&nets, 2), None, "its own network is in view");
        assert_eq!(
            follows(&nets, 5),
            Some(Some(2)),
            "network 5 is out of view, 2 fills the page"
        );
        // Network 2 scrolled away above; network 5 peeks in by 100 of its 800 rows (less than
        // 120 points): no network is in view.
        let nets = [(2, cell(-900.0, -500.0)), (5, cell(600.0, 1400.0))];
        assert_eq!(follows(&nets, 2), Some(None));
        // 300 rows in view: well in view.
        let nets = [(2, cell(-900.0, -500.0)), (5, cell(400.0, 1200.0))];
        assert_eq!(follows(&nets, 2), Some(Some(5)));
        // A small network is in view once half of it shows (80 of 140 rows).
        let nets = [(2, cell(-900.0, -500.0)), (5, cell(620.0, 760.0))];
        assert_eq!(follows(&nets, 2), Some(Some(5)));
        // Lesson 5: the tanh cell's last 150 rows still show above the sigmoid cell, which fills
        // 500 rows: the panel moves to the sigmoid cell.
        let nets = [(2, cell(-500.0, 150.0)), (5, cell(200.0, 700.0))];
        assert_eq!(follows(&nets, 2), Some(Some(5)));
        // Equally in view: the one shown stays.
        let nets = [(2, cell(0.0, 300.0)), (5, cell(400.0, 700.0))];
        assert_eq!(follows(&nets, 5), None);
        assert_eq!(follows(&nets, 2), None);
        // Only a training lab in view (no network rects on screen): none.
        assert_eq!(follows(&[(2, cell(800.0, 1400.0))], 2), Some(None));
    }
}
