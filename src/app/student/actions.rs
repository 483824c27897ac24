//! The student's commands: typing, checking and hints in exercise cells, choosing and checking
//! in quiz cells, the student's name (which picks their variants) and exporting a submission.

use super::{CheckResult, ExerciseAction, ExerciseState, QuizAction};
use crate::app::command::StudentCommand;
use crate::app::state::{AppState, CellState};
use crate::lesson::{Computed, Verdict};
use crate::nn::doc::NetworkDoc;

impl AppState {
    /// Exercise, quiz, student-name and submission commands.
    pub(in crate::app) fn student_command(&mut self, c: StudentCommand) {
        match c {
            StudentCommand::Exercise { cell, action } => {
                // A verdict, a hint or a worked solution is written at once, not with the typing.
                let now = !matches!(action, ExerciseAction::Type { .. });
                self.exercise_action(cell, action);
                if now {
                    self.save_progress_now();
                }
            }
            StudentCommand::Quiz { cell, action } => {
                let now = action == QuizAction::Check;
                self.quiz_action(cell, action);
                if now {
                    self.save_progress_now();
                }
            }
            StudentCommand::SetStudent(name) => self.set_student(name),
            StudentCommand::StartOver => {
                if self.has_progress() {
                    self.session.confirm_start_over = true;
                } else {
                    self.info("Nothing to start over: no answer was typed, checked or chosen in this lesson yet.");
                }
            }
            StudentCommand::ConfirmStartOver(yes) => {
                self.session.confirm_start_over = false;
                if yes {
                    self.start_over();
                }
            }
            StudentCommand::ExportSubmission => self.export_submission(None),
            StudentCommand::ExportSubmissionTo(p) => self.export_submission(Some(p)),
        }
    }

    /// Another student: the current one's progress is kept for them, and the new one's saved
    /// progress is shown (a fresh start if they have none). Nothing carries over.
    fn set_student(&mut self, name: String) {
        let name = crate::lesson::student::student_id(&name);
        if name == self.session.settings.student {
            return;
        }
        let before = self.student_key();
        self.stash_progress();
        self.session.settings.student = name;
        self.student.shipped_counts = None;
        self.put_in_variants();
        if self.student_key() == before {
            // The same student written another way: the answers stay, the checks are redone.
            for c in &mut self.doc.cells {
                if let CellState::Exercise(e) = c
                    && let Some(r) = &mut e.result
                {
                    r.stale = true;
                }
            }
        } else {
            self.show_saved_progress();
            let who = self
                .student_name()
                .map_or_else(|| "No name".to_string(), |n| format!("'{n}'"));
            if self.has_progress() {
                self.info(format!("{who}: your saved answers to this lesson are back."));
            } else {
                let like = crate::lesson::student::lookalike_key(&self.session.settings.student);
                let twin = self
                    .student
                    .saved
                    .values()
                    .map(|p| &p.student)
                    .find(|n| !like.is_empty() && crate::lesson::student::lookalike_key(n) == like);
                let note = twin.map_or_else(String::new, |t| {
                    format!(" '{t}' has saved answers here: if that is you, type your name exactly as before.")
                });
                self.info(format!(
                    "{who}: a fresh start on this lesson (other students' answers are kept for them).{note}"
                ));
            }
        }
        self.forget_history();
        self.student.unsaved = true;
        self.save_progress_now();
        // Written at once, like a Check: a killed app keeps the name.
        self.save_student_name();
    }

    /// Clears the current student's answers to this lesson (after the question was answered).
    fn start_over(&mut self) {
        for c in &mut self.doc.cells {
            match c {
                CellState::Exercise(e) => e.start_over(),
                CellState::Quiz(q) => q.start_over(),
                _ => {}
            }
        }
        self.student.unsaved = true;
        self.save_progress_now();
        self.info("Started over: your answers to this lesson were cleared (the checks used still count).");
    }

    fn exercise_action(&mut self, cell: usize, action: ExerciseAction) {
        let Some(e) = self.exercise(cell) else { return };
        let ex = e.exercise.clone();
        let policy = self.item_policy(ex.grading.as_ref());
        // Refused with the reason when the lesson's policy does not allow it (the buttons are
        // greyed out, but a key or a script can still send the command).
        let refusal = match action {
            ExerciseAction::Check if !policy.may_check(e.attempts) => Some(format!(
                "No checks left on this exercise: the lesson allows {}.",
                policy.max_attempts.unwrap_or(0)
            )),
            ExerciseAction::ShowSolution => super::solution_refusal(&policy, e.attempts, e.solved),
            _ => None,
        };
        if let Some(m) = refusal {
            return self.error(m);
        }
        let doc = self.given_doc(&ex.network);
        let edited = self.network_edited(&ex.network);
        let now = super::unix_now();
        let Some(CellState::Exercise(e)) = self.doc.cells.get_mut(cell) else {
            return;
        };
        match action {
            ExerciseAction::Type { row, col, text } => {
                let Some(slot) = e.entries.get_mut(row).and_then(|r| r.get_mut(col)) else {
                    return;
                };
                if *slot == text {
                    return;
                }
                *slot = text;
                if let Some(r) = &mut e.result {
                    r.stale = true;
                }
            }
            ExerciseAction::Check => e.check(doc, edited, now),
            ExerciseAction::Hint => {
                if e.hints_shown >= ex.hints.len() {
                    return;
                }
                e.hints_shown += 1;
            }
            ExerciseAction::ShowSolution => {
                e.record.opened_solution(now, e.solved);
                e.solution_shown = true;
                e.set_solution(doc, 1);
            }
            ExerciseAction::NextSolutionStep => {
                e.solution_revealed = (e.solution_revealed + 1).min(e.solution_parts.len());
            }
            ExerciseAction::AllSolutionSteps => e.solution_revealed = e.solution_parts.len(),
        }
        e.record.hints_used = e
            .record
            .hints_used
            .max(u32::try_from(e.hints_shown).unwrap_or(u32::MAX));
        self.student.unsaved = true;
    }

    fn quiz_action(&mut self, cell: usize, action: QuizAction) {
        let Some(q) = self.quiz(cell) else { return };
        let policy = self.item_policy(q.quiz.grading.as_ref());
        if !policy.may_check(q.attempts) {
            let max = policy.max_attempts.unwrap_or(0);
            return self.error(format!(
                "No checks left on this quiz: the lesson allows {max}, and the choice checked last is the one handed in."
            ));
        }
        let Some(CellState::Quiz(q)) = self.doc.cells.get_mut(cell) else {
            return;
        };
        match action {
            QuizAction::Choose(i) if i < q.quiz.options.len() => {
                if q.choice == Some(i) {
                    return;
                }
                q.choice = Some(i);
            }
            QuizAction::Choose(_) => return,
            QuizAction::Check => {
                let Some(i) = q.choice else { return };
                let Ok(f) = q.quiz.check(i + 1) else { return };
                q.attempts += 1;
                q.checked = Some((i, f));
                q.record.checked(super::unix_now());
            }
        }
        self.student.unsaved = true;
    }
}

impl ExerciseState {
    /// "Check": the typed answer against `doc`, the network as the lesson gave it (`None` if the
    /// cell is gone); `edited` says the student had changed the live one. A verdict counts as an
    /// attempt; a wrong answer with a hint reveals the next hint.
    fn check(&mut self, doc: Option<NetworkDoc>, edited: bool, now: Option<u64>) {
        let feedback = match (self.typed_answer(), doc) {
            (Err(m), _) => Err(m),
            (_, None) => Err(format!(
                "The network cell '{}' this exercise reads is no longer in the lesson.",
                self.exercise.network
            )),
            (Ok(answer), Some(doc)) => {
                let f = self.exercise.check(&Computed::new(doc), &answer, self.hints_shown);
                if f.is_ok() {
                    self.attempts += 1;
                    self.last_checked = Some(answer);
                    self.record.checked(now);
                }
                f
            }
        };
        let mut new_hint = None;
        if let Ok(f) = &feedback {
            match &f.verdict {
                Verdict::Correct => self.solved = true,
                Verdict::Wrong { hint: Some(_) } => {
                    new_hint = Some(self.hints_shown);
                    self.hints_shown += 1;
                }
                _ => {}
            }
        }
        self.result = Some(CheckResult {
            feedback,
            new_hint,
            network_edited: edited,
            stale: false,
        });
    }
}
