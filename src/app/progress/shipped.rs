//! How far the current student got in each shipped lesson, for the Lessons menu: the items
//! answered right out of the lesson's exercises and quizzes, as the grader counts them (the
//! same count as the top bar). The lesson open counts live; the others are graded from their
//! progress files, once when the menu asks ([`AppState::count_shipped_progress`]) and again
//! after another lesson or student makes the counts old.

use super::{StudentProgress, parse_progress, progress_file, submission::submission_from};
use crate::app::state::AppState;
use crate::lesson::grade::{Outcome, grade, graded_items};
use crate::lesson::shipped::SHIPPED;
use crate::lesson::{Lesson, parse_lesson};
use crate::nn::doc::Syntax;
use std::sync::OnceLock;

/// Items answered right out of the lesson's items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LessonCount {
    pub right: usize,
    pub items: usize,
}

/// Each shipped lesson as loaded, with the key its progress is kept under; read once a run.
/// A lesson that cannot be read (a test keeps all of them readable) has no count.
fn shipped() -> &'static [Option<(String, Lesson)>] {
    static LESSONS: OnceLock<Vec<Option<(String, Lesson)>>> = OnceLock::new();
    LESSONS.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|(_, text)| {
                let l = parse_lesson(text, Syntax::Toml).ok()?;
                Some((super::lesson_key(&l, None), l))
            })
            .collect()
    })
}

/// The count of `p`'s answers in `lesson` (nothing answered when `p` is `None`).
fn count(lesson: &Lesson, p: Option<&StudentProgress>) -> LessonCount {
    let items = graded_items(lesson).len();
    let Some(p) = p else {
        return LessonCount { right: 0, items };
    };
    let g = grade(lesson, &submission_from(p, lesson));
    LessonCount {
        right: g.items.iter().filter(|i| i.outcome == Outcome::Correct).count(),
        items,
    }
}

impl AppState {
    /// Counts the current student's progress in every shipped lesson from the saved files (the
    /// Lessons menu sends it when it opens and finds no counts).
    pub(in crate::app) fn count_shipped_progress(&mut self) {
        let dir = self.session.dialogs.progress_dir();
        let me = self.student_key();
        let counts = shipped()
            .iter()
            .map(|l| {
                let (key, lesson) = l.as_ref()?;
                let saved = dir
                    .as_ref()
                    .map(|d| progress_file(d, key))
                    .filter(|f| self.session.dialogs.exists(f))
                    .and_then(|f| self.session.dialogs.read_text(&f).ok())
                    .and_then(|t| parse_progress(&t).ok())
                    .filter(|p| &p.lesson == key);
                let mine = saved.as_ref().and_then(|p| p.students.get(&me));
                Some(count(lesson, mine))
            })
            .collect();
        self.student.shipped_counts = Some(counts);
    }

    /// The current student's count in shipped lesson `i` (0-based): live for the lesson open,
    /// else as last counted; `None` until counted.
    pub fn shipped_progress(&self, i: usize) -> Option<LessonCount> {
        let (key, _) = shipped().get(i)?.as_ref()?;
        if *key == self.student.lesson_key {
            let s = self.score();
            return Some(LessonCount {
                right: s.right,
                items: s.items,
            });
        }
        *self.student.shipped_counts.as_ref()?.get(i)?
    }

    /// Whether the Lessons menu's counts must be made (none yet, or made old since).
    pub fn shipped_progress_counted(&self) -> bool {
        self.student.shipped_counts.is_some()
    }
}
