//! A quiz cell: the prompt, one radio button per option, Check, and the verdict on the chosen
//! option with its explanation (a glyph and words, never colour alone).

use super::exercise::{Glyph, glyph_ui, verdict_ui};
use super::theme;
use crate::app::student::{QuizAction, QuizState};
use crate::app::{AppState, Command, StudentCommand};
use egui::{RichText, Ui};
use egui_commonmark::CommonMarkCache;

/// Draws quiz cell `ci`, the lesson's quiz number `number` (1-based).
pub fn quiz_ui(
    ui: &mut Ui,
    ci: usize,
    q: &QuizState,
    number: usize,
    state: &AppState,
    md: &mut CommonMarkCache,
    out: &mut Vec<Command>,
) {
    let dark = ui.visuals().dark_mode;
    let policy = state.item_policy(q.quiz.grading.as_ref());
    let can_check = policy.may_check(q.attempts);
    ui.set_min_width(ui.available_width());
    // The verdict shown is for the option still chosen.
    let verdict = q.checked.as_ref().filter(|(i, _)| Some(*i) == q.choice);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("Quiz {number}")).strong());
        let p = q.quiz.points;
        ui.weak(format!("· {p} point{} · choose one", if p == 1 { "" } else { "s" }));
        if q.attempts > 0 {
            ui.weak(format!(
                "({} attempt{})",
                q.attempts,
                if q.attempts == 1 { "" } else { "s" }
            ));
        }
        if let Some(left) = crate::app::student::checks_left_text(&policy, q.attempts) {
            let t = RichText::new(left);
            ui.label(if can_check { t } else { t.strong() });
        }
    });
    super::markdown::markdown_ui(ui, md, &q.quiz.prompt);
    for (i, o) in q.quiz.options.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(can_check, egui::RadioButton::new(q.choice == Some(i), &o.text))
                .clicked()
                && q.choice != Some(i)
            {
                out.push(Command::Student(StudentCommand::Quiz {
                    cell: ci,
                    action: QuizAction::Choose(i),
                }));
            }
            if let Some((c, f)) = verdict
                && *c == i
            {
                let (glyph, text, color) = if f.correct {
                    (Glyph::Tick, "correct", theme::correct(dark))
                } else {
                    (Glyph::Cross, "not right", theme::wrong(dark))
                };
                glyph_ui(ui, glyph, color);
                ui.label(RichText::new(text).color(color).strong());
            }
        });
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(q.choice.is_some() && can_check, egui::Button::new("Check"))
            .accessible_name(format!("Check quiz {number}"))
            .on_hover_text("Check the option chosen")
            .on_disabled_hover_text(if can_check {
                "Choose an option first"
            } else {
                "No checks left: the choice checked last is the one handed in"
            })
            .clicked()
        {
            out.push(Command::Student(StudentCommand::Quiz {
                cell: ci,
                action: QuizAction::Check,
            }));
        }
    });
    if let Some((_, f)) = verdict {
        let (glyph, text, color) = if f.correct {
            (Glyph::Tick, "Correct.", theme::correct(dark))
        } else {
            let text = if can_check {
                "Not right: try another option."
            } else {
                "Not right. No checks left: this is the choice handed in."
            };
            (Glyph::Cross, text, theme::wrong(dark))
        };
        verdict_ui(ui, glyph, text, color, true);
        if let Some(x) = &f.explanation {
            ui.label(x);
        }
    }
}
