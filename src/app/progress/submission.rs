//! The submission the student exports for grading, and the window's score: the window grades
//! the very submission it would export with [`crate::lesson::grade`] (the one grading
//! function, which `mlp-notebook check` runs too), on the lesson **as given** (the networks as
//! loaded, never the student's edits of them), so the top bar and the gradebook cannot
//! disagree.
//!
//! An exercise's answer in the submission is its last **checked** answer and a quiz's its last
//! checked choice: what is typed or chosen but not checked is not handed in (otherwise the
//! count would say whether an answer is right without a check, a free attempt).

use super::StudentProgress;
use crate::app::state::{AppState, CellState};
use crate::lesson::grade::{Submission, SubmittedAnswer, grade};
use crate::lesson::{Cell, Lesson, NetworkCell};
use std::collections::BTreeMap;
use std::path::PathBuf;

impl AppState {
    /// The lesson as given: the page's cells with every network as the lesson loaded it (the
    /// file's, before a variant; a network added in edit mode as it is).
    pub fn lesson_as_given(&self) -> Lesson {
        let cells = self
            .doc
            .cells
            .iter()
            .map(|c| match c {
                CellState::Network(n) => match self.student.given.get(&n.options.id) {
                    Some(g) => Cell::Network(Box::new(NetworkCell {
                        options: n.options.clone(),
                        doc: g.doc.clone(),
                    })),
                    None => self.cell_of(c),
                },
                _ => self.cell_of(c),
            })
            .collect();
        Lesson {
            title: self.doc.title.clone(),
            meta: self.doc.lesson_meta.clone(),
            cells,
        }
    }

    /// The student's submission: the last checked answer of every exercise and quiz with its
    /// record (checks, hints, a peek, times), and whether edit mode was opened.
    pub fn submission(&self) -> Submission {
        self.submission_for(&self.lesson_as_given())
    }

    fn submission_for(&self, given: &Lesson) -> Submission {
        submission_from(&self.student_progress(), given)
    }

    /// "Exercise 2", "Quiz 1": items whose answer on screen differs from the one checked last.
    fn unchecked_items(&self) -> Vec<String> {
        let (mut ex, mut qz) = (0, 0);
        let mut out = Vec::new();
        for c in &self.doc.cells {
            match c {
                CellState::Exercise(e) => {
                    ex += 1;
                    let typed = e.entries.iter().flatten().any(|t| !t.trim().is_empty());
                    if typed && e.typed_answer().ok() != e.last_checked {
                        out.push(format!("exercise {ex}"));
                    }
                }
                CellState::Quiz(q) => {
                    qz += 1;
                    if q.choice.is_some() && q.choice != q.checked.as_ref().map(|(i, _)| *i) {
                        out.push(format!("quiz {qz}"));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Grades the submission the window would export, for the top bar and the cells' marks.
    pub(in crate::app) fn refresh_grade(&mut self) {
        let given = self.lesson_as_given();
        let sub = self.submission_for(&given);
        self.student.grade = Some(grade(&given, &sub));
    }

    /// Writes the submission to `path`, or to a file the student picks.
    pub(in crate::app) fn export_submission(&mut self, path: Option<PathBuf>) {
        let Some(student) = self.student_name().map(str::to_string) else {
            self.error("Set your name or id first (Student, in the top bar): the submission carries it, and it picks your own numbers.");
            return;
        };
        let path = match path {
            Some(p) => p,
            None => {
                let name = format!("{}-{}.json", file_stem(&self.doc.title), file_stem(&student));
                match self.session.dialogs.pick_export(&name, "json") {
                    Some(p) => p,
                    None => return self.dialog_gave_nothing(crate::app::path_prompt::PathFor::Submission, &name),
                }
            }
        };
        let sub = Submission {
            exported_at: crate::app::student::unix_now(),
            ..self.submission()
        };
        let n = sub.answers.len();
        let written = sub
            .to_json()
            .map_err(|e| e.to_string())
            .and_then(|text| self.session.dialogs.write_bytes(&path, text.as_bytes()));
        let unchecked = self.unchecked_items();
        let note = if unchecked.is_empty() {
            String::new()
        } else {
            format!(
                ". Not handed in, as not checked since the last change: {} (press Check, then export again)",
                unchecked.join(", ")
            )
        };
        match written {
            Ok(()) => self.info(format!(
                "Exported {n} answer{} for {student} to {}{note}",
                if n == 1 { "" } else { "s" },
                path.display()
            )),
            Err(e) => self.error(format!("Could not export the submission: {e}")),
        }
    }
}

/// A name made safe for a file name: letters, digits, `-` and `_`; other runs become `-`.
fn file_stem(s: &str) -> String {
    let mut out = String::new();
    for ch in s.trim().chars() {
        if ch.is_alphanumeric() || ch == '_' {
            out.push(ch);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "submission".into() } else { out }
}

/// The submission of a student's progress (as the cells hold it, or as saved): the last checked
/// answer of every exercise and quiz with its record (checks, hints, a peek, times), and whether
/// edit mode was opened. An item never checked nor helped with is left out.
pub fn submission_from(p: &StudentProgress, given: &Lesson) -> Submission {
    let mut answers = BTreeMap::new();
    for (id, e) in &p.exercises {
        let r = &e.record;
        let used = e.attempts > 0 || r.hints_used > 0 || r.solution_opened_at.is_some();
        if e.last_checked.is_none() && !used {
            continue;
        }
        let a = SubmittedAnswer {
            value: e.last_checked.clone(),
            attempts: e.attempts,
            hints_used: Some(r.hints_used),
            solution_before_correct: r.peeked,
            solution_opened_at: r.solution_opened_at,
            first_check_at: r.first_check_at,
            last_check_at: r.last_check_at,
            ..SubmittedAnswer::default()
        };
        answers.insert(id.clone(), a);
    }
    for (id, q) in &p.quizzes {
        if q.last_checked.is_none() && q.attempts == 0 {
            continue;
        }
        let a = SubmittedAnswer {
            choice: q.last_checked,
            attempts: q.attempts,
            first_check_at: q.record.first_check_at,
            last_check_at: q.record.last_check_at,
            ..SubmittedAnswer::default()
        };
        answers.insert(id.clone(), a);
    }
    Submission {
        edit_mode_opened: p.edit_mode_opened,
        answers,
        ..Submission::for_lesson(given, &p.student)
    }
}
