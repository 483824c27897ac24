//! A student's progress, saved on its own: every answer typed (even before "Check"), the
//! attempts, the hints used, whether the worked solution was shown and the quiz choices, kept
//! per lesson **and per student** (`file.rs`), so on a shared computer each student finds their
//! own answers and a new name starts fresh. One JSON file per lesson in the app's data folder
//! (the window's [`Dialogs::progress_dir`](super::files::Dialogs::progress_dir)), written
//! atomically within a quarter of a second of the last keystroke ([`SAVE_INTERVAL`]), at once
//! on Check, Hint, a worked solution, a change of student or "Start over", and on exit; read
//! back when the same lesson is opened again. `submission.rs`: the submission the student
//! exports for grading.
//!
//! Two windows on one lesson share its progress file: each write happens under a lock on the
//! file and merges what is on disk, keeping the other window's answers to the exercises this
//! window did not change ([`merge`]), so neither loses the other's work.
//!
//! A lesson is recognised by its title and its file's path, or, for a lesson not read from a
//! file (the built-in one), by its title and a hash of its text.

use super::files;
use super::state::{AppState, CellState};
use super::student::{CheckResult, ExerciseState, QuizState};
use crate::lesson::variant::fnv1a64;
use crate::lesson::{Computed, Lesson};
use crate::nn::doc::Syntax;
use std::path::{Path, PathBuf};

mod file;
pub mod shipped;
mod submission;
pub use file::{
    ExerciseProgress, PROGRESS_FORMAT_VERSION, Progress, QuizProgress, StudentProgress, parse_progress, student_key,
};

/// While the student types, progress is written at most this often (seconds), so at most this
/// much typing is lost if the app is killed; a press of Check, Hint or the worked solution, and
/// a quiz's check, are written at once.
pub const SAVE_INTERVAL: f64 = 0.25;

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
    /// The key the current student's progress is kept under ([`student_key`]).
    pub fn student_key(&self) -> String {
        student_key(&self.session.settings.student)
    }

    /// The current student's progress in the lesson shown, as the cells hold it.
    pub fn student_progress(&self) -> StudentProgress {
        let mut p = StudentProgress {
            student: self.session.settings.student.clone(),
            edit_mode_opened: self.student.edit_mode_opened,
            ..StudentProgress::default()
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
                            last_checked: e.last_checked.clone(),
                            record: e.record.clone(),
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
                            last_checked: q.checked.as_ref().map(|(i, _)| i + 1),
                            record: q.record.clone(),
                        },
                    );
                }
                _ => {}
            }
        }
        p
    }

    /// The lesson's progress file as it would be written now: every student's saved progress
    /// with the current student's as the cells hold it.
    pub fn progress(&self) -> Progress {
        let mut students = self.student.saved.clone();
        let key = self.student_key();
        if self.has_progress() {
            students.insert(key, self.student_progress());
        } else {
            students.remove(&key);
        }
        Progress {
            format_version: PROGRESS_FORMAT_VERSION,
            lesson: self.student.lesson_key.clone(),
            title: self.doc.title.clone(),
            students,
        }
    }

    /// Whether the current student typed, checked or chose anything in this lesson.
    pub fn has_progress(&self) -> bool {
        self.student.edit_mode_opened
            || self.doc.cells.iter().any(|c| match c {
                CellState::Exercise(e) => {
                    e.attempts > 0
                        || e.hints_shown > 0
                        || e.solution_shown
                        || e.entries.iter().flatten().any(|t| !t.is_empty())
                }
                CellState::Quiz(q) => q.choice.is_some() || q.attempts > 0,
                _ => false,
            })
    }

    /// Reads the lesson's saved progress (every student's) and shows the current student's.
    pub(super) fn restore_progress(&mut self) {
        self.student.saved.clear();
        self.read_saved_progress();
        self.show_saved_progress();
        self.student.progress_base = self.progress();
    }

    /// Reads every student's saved progress for this lesson; a file that cannot be read is kept
    /// aside with a message, never written over.
    fn read_saved_progress(&mut self) {
        let Some(dir) = self.session.dialogs.progress_dir() else {
            return;
        };
        let path = progress_file(&dir, &self.student.lesson_key);
        if !self.session.dialogs.exists(&path) {
            return;
        }
        let text = match self.session.dialogs.read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                // Left as it is and not written over in this session: it may be readable later.
                self.student.unreadable = true;
                return self.error(format!(
                    "Could not read your saved answers: {e}. The file is left as it is, so answers are not saved in this session."
                ));
            }
        };
        match parse_progress(&text) {
            Ok(p) if p.lesson == self.student.lesson_key => self.student.saved = p.students,
            Ok(_) => {}
            Err(e) => self.set_aside_progress(&path, &text, &e.to_string()),
        }
    }

    /// Keeps the current student's progress with the others' (before another student's is
    /// shown).
    pub(in crate::app) fn stash_progress(&mut self) {
        let key = self.student_key();
        if self.has_progress() {
            let p = self.student_progress();
            self.student.saved.insert(key, p);
        } else {
            self.student.saved.remove(&key);
        }
    }

    /// Shows the current student's saved progress: every exercise and quiz starts fresh and
    /// takes what was saved for this student, if anything.
    pub(in crate::app) fn show_saved_progress(&mut self) {
        let saved = self.student.saved.get(&self.student_key()).cloned().unwrap_or_default();
        self.student.edit_mode_opened = saved.edit_mode_opened;
        for i in 0..self.doc.cells.len() {
            let doc = match self.exercise(i) {
                Some(e) => self.given_doc(&e.exercise.network),
                None => None,
            };
            match self.doc.cells.get_mut(i) {
                Some(CellState::Exercise(e)) => {
                    e.clear();
                    if let Some(s) = saved.exercises.get(&e.exercise.id) {
                        restore_exercise(e, s, doc.map(Computed::new).as_ref());
                    }
                }
                Some(CellState::Quiz(q)) => {
                    **q = QuizState::new(q.quiz.clone());
                    if let Some(s) = saved.quizzes.get(&q.quiz.id) {
                        let n = q.quiz.options.len();
                        q.choice = s.choice.and_then(|c| c.checked_sub(1)).filter(|&c| c < n);
                        q.attempts = s.attempts;
                        q.record = s.record.clone();
                        // Format 1 kept only whether the choice shown was checked.
                        let last = s.last_checked.or(if s.checked { s.choice } else { None });
                        q.checked = last
                            .and_then(|c| c.checked_sub(1))
                            .filter(|&c| c < n)
                            .and_then(|c| q.quiz.check(c + 1).ok().map(|f| (c, f)));
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
        let path = progress_file(&dir, &self.student.lesson_key);
        let progress = self.progress();
        if self.student.unreadable || (progress.students.is_empty() && !self.session.dialogs.exists(&path)) {
            return;
        }
        let ours = progress;
        let base = &self.student.progress_base;
        let dialogs = self.session.dialogs.as_ref();
        // Under the lock: read what another window wrote, merge, write.
        let r = dialogs.with_lock(&path, &mut || {
            let on_disk = dialogs
                .read_text(&path)
                .ok()
                .and_then(|t| parse_progress(&t).ok())
                .filter(|p| p.lesson == ours.lesson);
            let merged = merge(&ours, base, on_disk);
            let text = serde_json::to_string_pretty(&merged).map_err(|e| e.to_string())?;
            dialogs.write_bytes(&path, text.as_bytes())
        });
        match r {
            Ok(()) => {
                self.student.save_error_shown = false;
                self.student.progress_base = ours;
            }
            Err(e) if !self.student.save_error_shown => {
                self.student.save_error_shown = true;
                self.error(format!("Could not save your answers: {e}"));
            }
            Err(_) => {}
        }
    }
}

/// The progress to write: `ours`, except that what this window did not change since it last
/// read or wrote the file (equal in `ours` and `base`) takes its state `on_disk`, which another
/// window may have written since: a student only the other window knows, and for each student,
/// each exercise and quiz this window left alone. An item both windows changed keeps this
/// window's answer (each window writes within [`SAVE_INTERVAL`] of its last keystroke, so the
/// later writer typed last) with what both recorded: the checks made in either window count
/// (two windows never buy extra attempts), and hints, peeks and solved stay as either saw them.
pub fn merge(ours: &Progress, base: &Progress, on_disk: Option<Progress>) -> Progress {
    let mut merged = ours.clone();
    let Some(disk) = on_disk else {
        return merged;
    };
    for (key, theirs) in disk.students {
        let (mine, was) = (ours.students.get(&key), base.students.get(&key));
        let Some(mine) = mine else {
            // Removed here ("Start over" on nothing left) only if it was there before.
            if was.is_none() {
                merged.students.insert(key, theirs);
            }
            continue;
        };
        // A student this window had not saved before started blank here: what is still blank
        // was not changed.
        let into = merged.students.entry(key).or_insert_with(|| mine.clone());
        for (id, t) in theirs.exercises {
            let before = was.and_then(|w| w.exercises.get(&id));
            let unchanged = match was {
                Some(_) => mine.exercises.get(&id) == before,
                None => mine.exercises.get(&id).is_none_or(blank_exercise),
            };
            if unchanged {
                into.exercises.insert(id, t);
            } else if let Some(m) = into.exercises.get_mut(&id) {
                *m = combined_exercise(m, before, &t);
            }
        }
        for (id, t) in theirs.quizzes {
            let before = was.and_then(|w| w.quizzes.get(&id));
            let unchanged = match was {
                Some(_) => mine.quizzes.get(&id) == before,
                None => mine.quizzes.get(&id).is_none_or(|q| *q == QuizProgress::default()),
            };
            if unchanged {
                into.quizzes.insert(id, t);
            } else if let Some(m) = into.quizzes.get_mut(&id) {
                let made_here = m.attempts.saturating_sub(before.map_or(0, |b| b.attempts));
                m.attempts = t.attempts.saturating_add(made_here);
                m.record = m.record.combined(&t.record);
            }
        }
    }
    merged
}

/// An exercise changed in this window (`mine`, `before` as this window last saved it) and in
/// another (`theirs`, on disk): this window's answer, the checks of both, what either used.
fn combined_exercise(
    mine: &ExerciseProgress,
    before: Option<&ExerciseProgress>,
    theirs: &ExerciseProgress,
) -> ExerciseProgress {
    let made_here = mine.attempts.saturating_sub(before.map_or(0, |b| b.attempts));
    ExerciseProgress {
        attempts: theirs.attempts.saturating_add(made_here),
        hints_shown: mine.hints_shown.max(theirs.hints_shown),
        solution_shown: mine.solution_shown || theirs.solution_shown,
        solved: mine.solved || theirs.solved,
        record: mine.record.combined(&theirs.record),
        ..mine.clone()
    }
}

/// Whether an exercise's progress is that of an exercise never touched: empty fields only.
fn blank_exercise(e: &ExerciseProgress) -> bool {
    let entries = e.entries.iter().map(|r| vec![String::new(); r.len()]).collect();
    *e == ExerciseProgress {
        entries,
        ..ExerciseProgress::default()
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
    e.last_checked = s.last_checked.clone();
    e.record = s.record.clone();
    e.record.hints_used = e
        .record
        .hints_used
        .max(u32::try_from(e.hints_shown).unwrap_or(u32::MAX));
    if let Some(c) = c {
        if e.solution_shown {
            // A solution opened before is shown whole again.
            e.set_solution(Some(c.doc.clone()), usize::MAX);
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
