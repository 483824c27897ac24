//! An exercise cell: the prompt, the answer (one number, or a grid laid out like a worksheet
//! for a vector or a matrix), Check / Hint / Show worked solution, and the feedback. Verdicts
//! carry a glyph and words, never colour alone; wrong entries of a grid are outlined.
//!
//! Every field and button is named for screen readers and tests with the exercise's number:
//! `answer dL/dW7[1,2], exercise 9`, `Check exercise 9`.

use super::theme;
use crate::app::student::{CheckResult, ExerciseAction, ExerciseState};
use crate::app::{AppState, Command, StudentCommand};
use crate::lesson::Verdict;
use crate::lesson::reference::Shape;
use egui::{Key, RichText, Ui};
use egui_commonmark::CommonMarkCache;

/// Width of one answer entry.
const ENTRY_WIDTH: f32 = 72.0;

/// The glyph before a verdict. Painted, not a font character: the window's fonts have no tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyph {
    Tick,
    Cross,
    /// `≈`, for close.
    Close,
    /// A warning triangle with `!`.
    Warn,
}

/// A verdict: its glyph and its words, in `color`; the words carry the meaning (screen readers
/// and tests read them), the glyph and colour repeat it.
pub fn verdict_ui(ui: &mut Ui, glyph: Glyph, text: &str, color: egui::Color32, strong: bool) {
    ui.horizontal_wrapped(|ui| {
        glyph_ui(ui, glyph, color);
        let mut t = RichText::new(text).color(color);
        if strong {
            t = t.strong();
        }
        ui.label(t);
    });
}

/// Paints a glyph the size of a line of text.
pub fn glyph_ui(ui: &mut Ui, glyph: Glyph, color: egui::Color32) {
    let h = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(h, h), egui::Sense::hover());
    let r = rect.shrink(h * 0.15);
    let p = ui.painter();
    let stroke = egui::Stroke::new(2.0, color);
    let at = |x: f32, y: f32| r.lerp_inside(egui::vec2(x, y));
    match glyph {
        Glyph::Tick => {
            p.line(vec![at(0.05, 0.55), at(0.38, 0.88), at(0.95, 0.12)], stroke);
        }
        Glyph::Cross => {
            p.line_segment([at(0.1, 0.1), at(0.9, 0.9)], stroke);
            p.line_segment([at(0.9, 0.1), at(0.1, 0.9)], stroke);
        }
        Glyph::Close => {
            p.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "≈",
                egui::FontId::proportional(h),
                color,
            );
        }
        Glyph::Warn => {
            p.add(egui::Shape::closed_line(
                vec![at(0.5, 0.0), at(1.0, 1.0), at(0.0, 1.0)],
                egui::Stroke::new(1.5, color),
            ));
            p.text(
                at(0.5, 0.62),
                egui::Align2::CENTER_CENTER,
                "!",
                egui::FontId::proportional(h * 0.7),
                color,
            );
        }
    }
}

/// Draws exercise cell `ci`, the lesson's exercise number `number` (1-based).
pub fn exercise_ui(
    ui: &mut Ui,
    ci: usize,
    e: &ExerciseState,
    number: usize,
    state: &AppState,
    md: &mut CommonMarkCache,
    out: &mut Vec<Command>,
) {
    let send =
        |out: &mut Vec<Command>, action| out.push(Command::Student(StudentCommand::Exercise { cell: ci, action }));
    ui.set_min_width(ui.available_width());
    let policy = state.item_policy(e.exercise.grading.as_ref());
    let can_check = policy.may_check(e.attempts);
    header_ui(ui, e, number, state);
    super::markdown::markdown_ui(ui, md, &e.exercise.prompt);
    variant_note_ui(ui, e, state);
    ui.add_space(2.0);
    ui.add_enabled_ui(can_check, |ui| answer_ui(ui, ci, e, number, out));
    let solution_refusal = crate::app::student::solution_refusal(&policy, e.attempts, e.solved);
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(can_check, egui::Button::new("Check"))
            .accessible_name(format!("Check exercise {number}"))
            .on_hover_text("Check the answer (Enter in a field does the same)")
            .on_disabled_hover_text("No checks left: the answer checked last is the one handed in")
            .clicked()
        {
            send(out, ExerciseAction::Check);
        }
        let hints = e.exercise.hints.len();
        let more = e.hints_shown < hints;
        let hint_text = if hints == 0 {
            "This exercise has no hints".to_string()
        } else if more {
            format!("Show hint {} of {hints}", e.hints_shown + 1)
        } else {
            format!("All {hints} hints are shown")
        };
        if ui
            .add_enabled(more, egui::Button::new("Hint"))
            .accessible_name(format!("Hint for exercise {number}"))
            .on_hover_text(hint_text)
            .on_disabled_hover_text(if hints == 0 {
                "This exercise has no hints"
            } else {
                "Every hint is shown below"
            })
            .clicked()
        {
            send(out, ExerciseAction::Hint);
        }
        let peek = !e.solved && policy.peek_deduction > 0;
        let hover = if peek {
            format!(
                "The chain-rule steps with the numbers put in, and the answer. Opened before a right answer, it costs {} point{}.",
                policy.peek_deduction,
                if policy.peek_deduction == 1 { "" } else { "s" }
            )
        } else {
            "The chain-rule steps with the numbers put in, and the answer".to_string()
        };
        if ui
            .add_enabled(
                !e.solution_shown && solution_refusal.is_none(),
                egui::Button::new("Show worked solution"),
            )
            .accessible_name(format!("Show worked solution of exercise {number}"))
            .on_hover_text(hover)
            .on_disabled_hover_text(solution_refusal.as_deref().unwrap_or("The worked solution is shown below"))
            .clicked()
        {
            send(out, ExerciseAction::ShowSolution);
        }
        if let Some(why) = &solution_refusal
            && !e.solution_shown
        {
            ui.weak(why);
        }
    });
    if let Some(r) = &e.result {
        feedback_ui(ui, e, r, can_check);
    }
    for (i, h) in e.exercise.hints.iter().take(e.hints_shown).enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("Hint {}:", i + 1)).strong());
            ui.label(h);
        });
    }
    if let Some(sol) = &e.solution {
        egui::CollapsingHeader::new("Worked solution")
            .id_salt(("worked solution", ci))
            .default_open(true)
            .show(ui, |ui| {
                if e.solution_parts.is_empty() {
                    super::markdown::markdown_ui(ui, md, sol);
                    return;
                }
                // One step per click, as on paper: try the next step before revealing it.
                let total = e.solution_parts.len();
                let shown = e.solution_revealed.min(total);
                for part in &e.solution_parts[..shown] {
                    super::markdown::markdown_ui(ui, md, part);
                }
                if shown < total {
                    ui.horizontal_wrapped(|ui| {
                        if ui
                            .button(format!("Next step ({} of {total})", shown + 1))
                            .accessible_name(format!("Next step of the worked solution of exercise {number}"))
                            .on_hover_text("Work the next step yourself first, then compare")
                            .clicked()
                        {
                            send(out, ExerciseAction::NextSolutionStep);
                        }
                        if ui
                            .button("Show all steps")
                            .accessible_name(format!("Show all steps of the worked solution of exercise {number}"))
                            .clicked()
                        {
                            send(out, ExerciseAction::AllSolutionSteps);
                        }
                    });
                }
            });
    }
}

/// "Exercise 3 · 2 points", whether the answer handed in is right, what was done so far and the
/// checks left.
fn header_ui(ui: &mut Ui, e: &ExerciseState, number: usize, state: &AppState) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("Exercise {number}")).strong());
        let p = e.exercise.points;
        if e.is_practice() {
            ui.weak("· practice, not graded")
                .on_hover_text("The lesson marks this exercise as practice: it scores no points");
        } else {
            ui.weak(format!("· {p} point{}", if p == 1 { "" } else { "s" }));
        }
        // The grader's word on the answer handed in (the last one checked), not "right once".
        if state
            .item_grade(&e.exercise.id)
            .is_some_and(|g| g.outcome == crate::lesson::grade::Outcome::Correct)
        {
            let color = theme::correct(ui.visuals().dark_mode);
            glyph_ui(ui, Glyph::Tick, color);
            ui.label(RichText::new("solved").color(color));
        }
        let mut done = Vec::new();
        if e.attempts > 0 {
            done.push(format!(
                "{} attempt{}",
                e.attempts,
                if e.attempts == 1 { "" } else { "s" }
            ));
        }
        if e.hints_shown > 0 {
            done.push(format!("{} of {} hints used", e.hints_shown, e.exercise.hints.len()));
        }
        if e.solution_shown {
            done.push("worked solution shown".into());
        }
        if !done.is_empty() {
            ui.weak(format!("({})", done.join(", ")));
        }
        let policy = state.item_policy(e.exercise.grading.as_ref());
        if let Some(left) = crate::app::student::checks_left_text(&policy, e.attempts) {
            let t = RichText::new(left);
            ui.label(if policy.may_check(e.attempts) { t } else { t.strong() });
        }
    });
}

/// Tells the student to set their name when the network gives every student their own numbers.
fn variant_note_ui(ui: &mut Ui, e: &ExerciseState, state: &AppState) {
    let varies = state
        .student
        .given
        .get(&e.exercise.network)
        .is_some_and(|n| n.options.variant.is_some());
    if varies && state.student_name().is_none() {
        ui.weak("This network gives every student their own numbers: set your name (Student, in the top bar) first.");
    }
}

/// The answer: one field, or a grid with the value's name and shape.
fn answer_ui(ui: &mut Ui, ci: usize, e: &ExerciseState, number: usize, out: &mut Vec<Command>) {
    let label = e.asked_label();
    let wrong: &[(usize, usize)] = match &e.result {
        Some(CheckResult {
            feedback: Ok(f),
            stale: false,
            ..
        }) if !f.verdict.is_correct() => &f.wrong_entries,
        _ => &[],
    };
    match e.shape {
        Shape::Scalar => {
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{label} =")).monospace());
                entry_ui(ui, (ci, e, number), (0, 0), wrong, out);
            });
        }
        Shape::Vector(_) | Shape::Matrix(..) => {
            let (rows, cols) = (e.entries.len(), e.entries.first().map_or(0, Vec::len));
            ui.label(RichText::new(format!("{label} ({rows} x {cols}) =")).monospace());
            egui::ScrollArea::horizontal()
                .id_salt(("answer grid", ci))
                .auto_shrink([true, true])
                .show(ui, |ui| {
                    egui::Grid::new(("answer", ci)).spacing([6.0, 4.0]).show(ui, |ui| {
                        if cols > 1 {
                            ui.label("");
                            for c in 0..cols {
                                ui.weak(format!("col {}", c + 1));
                            }
                            ui.end_row();
                        }
                        for r in 0..rows {
                            ui.weak(format!("row {}", r + 1));
                            for c in 0..cols {
                                entry_ui(ui, (ci, e, number), (r, c), wrong, out);
                            }
                            ui.end_row();
                        }
                    });
                });
        }
    }
}

/// An answer field's width: [`ENTRY_WIDTH`], or wider where the font needs it to show
/// `-0.000244` (a small gradient typed in full) without scrolling.
fn entry_width(ui: &Ui) -> f32 {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let text = ui
        .painter()
        .layout_no_wrap("-0.000244".into(), font, egui::Color32::WHITE)
        .size()
        .x;
    let margin = 2.0 * ui.spacing().button_padding.x + 8.0;
    (text + margin).max(ENTRY_WIDTH)
}

/// Entry `(r, c)` of the answer; Enter checks the answer.
fn entry_ui(
    ui: &mut Ui,
    (ci, e, number): (usize, &ExerciseState, usize),
    (r, c): (usize, usize),
    wrong: &[(usize, usize)],
    out: &mut Vec<Command>,
) {
    let mut text = e.entries.get(r).and_then(|row| row.get(c)).cloned().unwrap_or_default();
    let name = e.entry_label(r, c);
    let field = egui::TextEdit::singleline(&mut text)
        .id_salt(("answer entry", ci, r, c))
        .font(egui::TextStyle::Monospace);
    // Sized exactly: a grid's column would otherwise keep the width of its first frame.
    let resp = ui
        .add_sized([entry_width(ui), ui.spacing().interact_size.y], field)
        .accessible_name(format!("answer {name}, exercise {number}"))
        .on_hover_text(format!("Your value of {name}: a number such as -1.5, 2e-3 or 1/3"));
    if resp.changed() {
        out.push(Command::Student(StudentCommand::Exercise {
            cell: ci,
            action: ExerciseAction::Type { row: r, col: c, text },
        }));
    }
    if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
        out.push(Command::Student(StudentCommand::Exercise {
            cell: ci,
            action: ExerciseAction::Check,
        }));
    }
    if !resp.has_focus() {
        // An outline, so an empty field is visible on the page.
        let stroke = ui.visuals().widgets.inactive.fg_stroke;
        let stroke = egui::Stroke::new(1.0, stroke.color.gamma_multiply(0.5));
        ui.painter()
            .rect_stroke(resp.rect, 2.0, stroke, egui::StrokeKind::Inside);
    }
    if wrong.contains(&(r + 1, c + 1)) {
        let color = theme::wrong(ui.visuals().dark_mode);
        ui.painter().rect_stroke(
            resp.rect.expand(2.0),
            3.0,
            egui::Stroke::new(2.0, color),
            egui::StrokeKind::Outside,
        );
    }
}

/// The verdict of the last check, with a glyph and words.
fn feedback_ui(ui: &mut Ui, e: &ExerciseState, r: &CheckResult, can_check: bool) {
    let dark = ui.visuals().dark_mode;
    let (ok, bad, warn) = (theme::correct(dark), theme::wrong(dark), ui.visuals().warn_fg_color);
    let f = match &r.feedback {
        Err(m) => {
            verdict_ui(ui, Glyph::Warn, m, warn, false);
            return;
        }
        Ok(f) => f,
    };
    let hints = e.exercise.hints.len();
    let (glyph, text, color) = match &f.verdict {
        Verdict::Correct => (Glyph::Tick, "Correct.".to_string(), ok),
        Verdict::Close => (
            Glyph::Close,
            "Close: within 10x the tolerance but not within it. A rounding slip? Not counted as correct yet.".into(),
            warn,
        ),
        Verdict::Mistake { kind, explanation } => (Glyph::Cross, format!("{}: {explanation}", kind.title()), bad),
        Verdict::Wrong { .. } if !can_check => (
            Glyph::Cross,
            "Not right. No checks left: this is the answer handed in.".into(),
            bad,
        ),
        Verdict::Wrong { .. } => match r.new_hint {
            Some(k) => (Glyph::Cross, format!("Not yet. Hint {} is shown below.", k + 1), bad),
            None if e.hints_shown < hints => (Glyph::Cross, "Not yet. Ask for a hint if you are stuck.".into(), bad),
            None => (Glyph::Cross, "Not yet. Try \"Show worked solution\".".into(), bad),
        },
        Verdict::Unreadable(m) => (Glyph::Warn, m.clone(), warn),
    };
    verdict_ui(ui, glyph, &text, color, true);
    if !f.wrong_entries.is_empty() && !matches!(e.shape, Shape::Scalar) {
        let names: Vec<String> = f
            .wrong_entries
            .iter()
            .map(|&(i, j)| e.entry_label(i - 1, j - 1))
            .collect();
        ui.label(format!("Entries not right (outlined): {}", names.join(", ")));
    }
    if r.network_edited {
        ui.weak("You have edited that network: your answer was checked on the network as the lesson gave it.");
    }
    if r.stale {
        ui.weak("You changed the answer since this check: press Check again.");
    }
}
