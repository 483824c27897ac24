//! The submission the student exports for grading: the last answer to every exercise and
//! quiz of the lesson, with the student's name or id.

use crate::app::state::{AppState, CellState};
use crate::lesson::grade::{SUBMISSION_FORMAT_VERSION, Submission, SubmittedAnswer};
use std::collections::BTreeMap;
use std::path::PathBuf;

impl AppState {
    /// The student's submission: the last answer of every exercise (the one typed if it reads
    /// as numbers, else the last one checked) and every quiz choice.
    pub fn submission(&self) -> Submission {
        let mut answers = BTreeMap::new();
        for c in &self.doc.cells {
            match c {
                CellState::Exercise(e) => {
                    if let Some(value) = e.typed_answer().ok().or_else(|| e.last_checked.clone()) {
                        answers.insert(
                            e.exercise.id.clone(),
                            SubmittedAnswer {
                                value: Some(value),
                                choice: None,
                                attempts: e.attempts,
                                hints_used: Some(e.hints_shown as u32),
                                ..SubmittedAnswer::default()
                            },
                        );
                    }
                }
                CellState::Quiz(q) => {
                    if let Some(choice) = q.choice {
                        answers.insert(
                            q.quiz.id.clone(),
                            SubmittedAnswer {
                                value: None,
                                choice: Some(choice + 1),
                                attempts: q.attempts,
                                hints_used: None,
                                ..SubmittedAnswer::default()
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        Submission {
            format_version: SUBMISSION_FORMAT_VERSION,
            lesson: self.doc.title.clone(),
            student: self.session.settings.student.clone(),
            answers,
            ..Submission::default()
        }
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
        let n = self.submission().answers.len();
        let written = self
            .submission()
            .to_json()
            .map_err(|e| e.to_string())
            .and_then(|text| self.session.dialogs.write_bytes(&path, text.as_bytes()));
        match written {
            Ok(()) => self.info(format!(
                "Exported {n} answer{} for {student} to {}",
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
