//! A student's progress, saved on its own: every answer typed (even before "Check"), the
//! attempts, the hints used, whether the worked solution was shown and the quiz choices. One
//! JSON file per lesson in the app's data folder (the window's
//! [`Dialogs::progress_dir`](super::files::Dialogs::progress_dir)), written atomically within a
//! quarter of a second of the last keystroke ([`SAVE_INTERVAL`]), at once on Check, Hint or a
//! worked solution, and on exit; read back when the same lesson is opened again. Also the
//! submission the student exports for grading.
//!
//! A lesson is recognised by its title and its file's path, or, for a lesson not read from a
//! file (the built-in one), by its title and a hash of its text.

use super::files;
use super::state::{AppState, CellState};
use super::student::{CheckResult, ExerciseState};
use crate::lesson::grade::{SUBMISSION_FORMAT_VERSION, Submission, SubmittedAnswer};
use crate::lesson::variant::fnv1a64;
use crate::lesson::{Computed, Lesson};
use crate::nn::doc::Syntax;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// While the student types, progress is written at most this often (seconds), so at most this
/// much typing is lost if the app is killed; a press of Check, Hint or the worked solution, and
/// a quiz's check, are written at once.
pub const SAVE_INTERVAL: f64 = 0.25;
/// The progress file format version this build writes and reads.
pub const PROGRESS_FORMAT_VERSION: u32 = 1;

/// One exercise's progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExerciseProgress {
    /// The text typed, row by row.
    pub entries: Vec<Vec<String>>,
    pub attempts: u32,
    pub hints_shown: usize,
    pub solution_shown: bool,
    pub solved: bool,
    /// The answer shown was checked (its verdict is shown again when the lesson is reopened).
    pub checked: bool,
}

/// One quiz's progress; `choice` is 1-based as the window numbers options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuizProgress {
    pub choice: Option<usize>,
    pub attempts: u32,
    pub checked: bool,
}

/// A lesson's progress file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub format_version: u32,
    /// The lesson's key ([`lesson_key`]): a file for another lesson is not read.
    pub lesson: String,
    pub title: String,
    pub student: String,
    pub exercises: BTreeMap<String, ExerciseProgress>,
    pub quizzes: BTreeMap<String, QuizProgress>,
}

/// What identifies a lesson's progress: the title and the file's path, or the title and a hash
/// of the lesson's text when it was not read from a file.
pub fn lesson_key(lesson: &Lesson, file: Option<&Path>) -> String {
    match file {
        Some(p) => {
            let p = files::canonical(p);
            format!("{}\n{}", lesson.title, p.display())
        }
        None => format!(
            "{}\n#{:016x}",
            lesson.title,
            // A lesson that cannot be written hashes its error: still one key per lesson.
            fnv1a64(lesson.write(Syntax::Toml).unwrap_or_else(|e| e.to_string()).as_bytes())
        ),
    }
}

/// The progress file of the lesson with this key, in `dir`.
pub fn progress_file(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{:016x}.json", fnv1a64(key.as_bytes())))
}

impl AppState {
    /// The progress of the lesson shown, as saved.
    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            format_version: PROGRESS_FORMAT_VERSION,
            lesson: self.student.lesson_key.clone(),
            title: self.doc.title.clone(),
            student: self.session.settings.student.clone(),
            ..Progress::default()
        };
        for c in &self.doc.cells {
            match c {
                CellState::Exercise(e) => {
                    p.exercises.insert(
                        e.exercise.id.clone(),
                        ExerciseProgress {
                            entries: e.entries.clone(),
                            attempts: e.attempts,
                            hints_shown: e.hints_shown,
                            solution_shown: e.solution_shown,
                            solved: e.solved,
                            checked: e.result.as_ref().is_some_and(|r| !r.stale && r.feedback.is_ok()),
                        },
                    );
                }
                CellState::Quiz(q) => {
                    p.quizzes.insert(
                        q.quiz.id.clone(),
                        QuizProgress {
                            choice: q.choice.map(|c| c + 1),
                            attempts: q.attempts,
                            checked: q.checked.as_ref().is_some_and(|(i, _)| Some(*i) == q.choice),
                        },
                    );
                }
                _ => {}
            }
        }
        p
    }

    /// Whether anything was typed, checked or chosen in this lesson.
    fn has_progress(&self) -> bool {
        self.doc.cells.iter().any(|c| match c {
            CellState::Exercise(e) => {
                e.attempts > 0
                    || e.hints_shown > 0
                    || e.solution_shown
                    || e.entries.iter().flatten().any(|t| !t.is_empty())
            }
            CellState::Quiz(q) => q.choice.is_some(),
            _ => false,
        })
    }

    /// Reads the lesson's saved progress back, if there is any.
    pub(super) fn restore_progress(&mut self) {
        let Some(dir) = self.session.dialogs.progress_dir() else {
            return;
        };
        let path = progress_file(&dir, &self.student.lesson_key);
        if !self.session.dialogs.exists(&path) {
            return;
        }
        let text = match self.session.dialogs.read_text(&path) {
            Ok(t) => t,
            Err(e) => return self.error(format!("Could not read your saved answers: {e}")),
        };
        let p = match serde_json::from_str::<Progress>(&text) {
            Ok(p) if p.lesson == self.student.lesson_key => p,
            Ok(_) => return,
            Err(e) => return self.set_aside_progress(&path, &text, &e.to_string()),
        };
        for i in 0..self.doc.cells.len() {
            let doc = match self.exercise(i) {
                Some(e) => self.given_doc(&e.exercise.network),
                None => None,
            };
            match self.doc.cells.get_mut(i) {
                Some(CellState::Exercise(e)) => {
                    if let Some(s) = p.exercises.get(&e.exercise.id) {
                        restore_exercise(e, s, doc.map(Computed::new).as_ref());
                    }
                }
                Some(CellState::Quiz(q)) => {
                    if let Some(s) = p.quizzes.get(&q.quiz.id) {
                        let n = q.quiz.options.len();
                        q.choice = s.choice.and_then(|c| c.checked_sub(1)).filter(|&c| c < n);
                        q.attempts = s.attempts;
                        q.checked = match q.choice {
                            Some(c) if s.checked => q.quiz.check(c + 1).ok().map(|f| (c, f)),
                            _ => None,
                        };
                    }
                }
                _ => {}
            }
        }
    }

    /// Saved answers that cannot be read (damaged, or written by another version) are copied
    /// aside before this lesson's next save would replace them, and the student is told where.
    fn set_aside_progress(&mut self, path: &Path, text: &str, why: &str) {
        let aside = path.with_extension("unreadable.json");
        match self.session.dialogs.write_bytes(&aside, text.as_bytes()) {
            Ok(()) => {
                // Kept aside: the lesson's own file starts afresh, so the next start reads it.
                self.student.unsaved = true;
                self.save_progress_now();
                self.error(format!(
                    "Your saved answers for this lesson could not be read ({why}). They are kept in {}; the lesson starts without them.",
                    aside.display()
                ));
            }
            Err(e) => self.error(format!(
                "Your saved answers for this lesson could not be read ({}: {why}) nor kept aside ({e}).",
                path.display()
            )),
        }
    }

    /// Writes the progress if it changed and the last write is at least [`SAVE_INTERVAL`] ago.
    /// Returns the seconds until a pending write is due (the window wakes up then).
    pub fn save_progress_if_due(&mut self) -> Option<f64> {
        if !self.student.unsaved {
            return None;
        }
        let wait = self
            .student
            .saved_at
            .map_or(0.0, |t| t + SAVE_INTERVAL - self.session.now);
        if wait > 0.0 {
            return Some(wait);
        }
        self.save_progress_now();
        None
    }

    /// Writes the progress now if it changed (on exit, before another lesson is opened).
    pub fn save_progress_now(&mut self) {
        if !self.student.unsaved {
            return;
        }
        self.student.unsaved = false;
        self.student.saved_at = Some(self.session.now);
        let Some(dir) = self.session.dialogs.progress_dir() else {
            return;
        };
        let file = progress_file(&dir, &self.student.lesson_key);
        if !self.has_progress() && !self.session.dialogs.exists(&file) {
            return;
        }
        let r = serde_json::to_string_pretty(&self.progress())
            .map_err(|e| e.to_string())
            .and_then(|text| self.session.dialogs.write_bytes(&file, text.as_bytes()));
        match r {
            Ok(()) => self.student.save_error_shown = false,
            Err(e) if !self.student.save_error_shown => {
                self.student.save_error_shown = true;
                self.error(format!("Could not save your answers: {e}"));
            }
            Err(_) => {}
        }
    }

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
        }
    }

    /// Writes the submission to `path`, or to a file the student picks.
    pub(super) fn export_submission(&mut self, path: Option<PathBuf>) {
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
                    None => return self.dialog_gave_nothing(super::path_prompt::PathFor::Submission, &name),
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

/// Puts saved progress back into an exercise; its verdict is recomputed (without counting an
/// attempt) when the answer shown had been checked.
fn restore_exercise(e: &mut ExerciseState, s: &ExerciseProgress, c: Option<&Computed>) {
    let same_shape =
        s.entries.len() == e.entries.len() && s.entries.iter().zip(&e.entries).all(|(a, b)| a.len() == b.len());
    if same_shape {
        e.entries = s.entries.clone();
    }
    e.attempts = s.attempts;
    e.hints_shown = s.hints_shown.min(e.exercise.hints.len());
    e.solved = s.solved;
    e.solution_shown = s.solution_shown;
    if let Some(c) = c {
        if e.solution_shown {
            e.solution = Some(
                crate::lesson::worked::worked_solution(&e.exercise, c)
                    .unwrap_or_else(|m| format!("No worked solution: {m}")),
            );
        }
        if s.checked
            && same_shape
            && let Ok(answer) = e.typed_answer()
        {
            e.last_checked = Some(answer.clone());
            e.result = Some(CheckResult {
                feedback: e.exercise.check(c, &answer, e.hints_shown),
                new_hint: None,
                network_edited: false,
                stale: false,
            });
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
