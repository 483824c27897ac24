//! The student's side of a lesson: exercise and quiz cells as the window holds them, checking
//! answers, hints, worked solutions, the student's name (which picks their variant networks)
//! and the values kept blank in a network cell until the exercise asking for them is answered.
//! Progress and submissions are in [`super::progress`].
//!
//! Answers are checked on the network **as the lesson gave it** to this student
//! ([`crate::lesson::NetworkCell::doc_for`]), never on the student's live edits of it: the
//! network cells as loaded are kept in [`StudentState::given`]. Indices here are 0-based; the
//! window and the feedback count from 1.
//!
//! # Map
//! - this file: the cells' states ([`ExerciseState`], [`QuizState`], [`PlotCell`]), the
//!   actions on them, [`StudentState`], and reading typed numbers ([`parse_number`]).
//! - `blank.rs`: [`Blank`], a value kept blank until its exercise is answered.
//! - `engine.rs`: the engine's answer to each exercise, for edit mode's form.
//! - `record.rs`: [`Record`], what was used (hints, a peek, times), and the policy's texts.
//! - `given.rs`: the networks as given, the student's variants, the blanks; `actions.rs`: the
//!   student's commands. Both are methods of [`AppState`](super::AppState).

use crate::lesson::reference::Shape;
use crate::lesson::{Answer, Exercise, Feedback, NetworkCell, Plot, PlotOf, Quiz, QuizFeedback};
use crate::nn::data::Dataset;
use std::collections::HashMap;

mod actions;
mod blank;
mod engine;
mod given;
mod record;
pub use blank::Blank;
pub use engine::EngineAnswer;
pub use record::{Record, checks_left_text, policy, solution_refusal, unix_now};

/// What a button of an exercise cell asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum ExerciseAction {
    /// The text typed into entry (row, column) of the answer.
    Type {
        row: usize,
        col: usize,
        text: String,
    },
    Check,
    /// Reveals the next hint.
    Hint,
    ShowSolution,
    /// Reveals the next step of the worked solution shown.
    NextSolutionStep,
    /// Reveals every step of the worked solution shown.
    AllSolutionSteps,
}

/// What a control of a quiz cell asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuizAction {
    /// Picks option `.0` (0-based).
    Choose(usize),
    Check,
}

/// The outcome of the last press of "Check".
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    /// The engine's verdict, or why the answer could not be checked (an empty or unreadable
    /// entry; such a press is not counted as an attempt).
    pub feedback: Result<Feedback, String>,
    /// The hint (0-based) this check revealed, if it revealed one.
    pub new_hint: Option<usize>,
    /// The student had changed the network cell the exercise reads: the answer was checked on
    /// the network as the lesson gave it.
    pub network_edited: bool,
    /// The answer was changed after this check.
    pub stale: bool,
}

/// An exercise cell: the exercise and everything the student did with it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseState {
    pub exercise: Exercise,
    /// The text typed, entry by entry, in the answer's shape: a number is 1 x 1, a vector of
    /// n a column (n x 1), a matrix rows x columns.
    pub entries: Vec<Vec<String>>,
    /// The answer's shape.
    pub shape: Shape,
    /// Presses of "Check" that reached a verdict.
    pub attempts: u32,
    /// Hints revealed (by "Hint" or by a wrong answer).
    pub hints_shown: usize,
    pub solution_shown: bool,
    /// The worked solution (Markdown), or why there is none, once shown.
    pub solution: Option<String>,
    /// The worked solution in the parts revealed one per click (the whole of `solution`).
    pub solution_parts: Vec<String>,
    /// How many of `solution_parts` are shown.
    pub solution_revealed: usize,
    /// Answered correctly at least once.
    pub solved: bool,
    /// The last answer checked.
    pub last_checked: Option<Answer>,
    pub result: Option<CheckResult>,
    /// Edit mode: the engine's answer on the network as the page has it.
    pub engine: Option<EngineAnswer>,
    /// What was used, for the submission (kept by "Start over").
    pub record: Record,
}

impl ExerciseState {
    /// A fresh exercise whose answer has `shape`.
    pub fn new(exercise: Exercise, shape: Shape) -> ExerciseState {
        let (r, c) = grid_of(shape);
        ExerciseState {
            exercise,
            entries: vec![vec![String::new(); c]; r],
            shape,
            attempts: 0,
            hints_shown: 0,
            solution_shown: false,
            solution: None,
            solution_parts: Vec::new(),
            solution_revealed: 0,
            solved: false,
            last_checked: None,
            result: None,
            engine: None,
            record: Record::default(),
        }
    }

    /// Keeps the worked solution on `doc` (or why there is none), with `revealed` of its parts
    /// shown.
    pub fn set_solution(&mut self, doc: Option<crate::nn::doc::NetworkDoc>, revealed: usize) {
        let parts = match doc {
            Some(doc) => crate::lesson::worked::worked(&self.exercise, &crate::lesson::Computed::new(doc))
                .map(|w| w.parts())
                .unwrap_or_else(|m| vec![format!("No worked solution: {m}")]),
            None => vec![format!(
                "The network cell '{}' is no longer in the lesson.",
                self.exercise.network
            )],
        };
        self.solution = Some(parts.concat());
        self.solution_revealed = revealed.clamp(1, parts.len().max(1));
        self.solution_parts = parts;
    }

    /// The name of the value asked for: `z1[1]`, `dL/dW3`, or for "solve for" the value solved.
    pub fn asked_label(&self) -> String {
        match &self.exercise.solve_for {
            Some(sf) => sf.param.label(),
            None => self.exercise.ask.label(),
        }
    }

    /// The name of entry (row, column), 0-based, as the worksheet writes it: `z1[1]`,
    /// `δ7[2]`, `dL/dW7[1,2]`.
    pub fn entry_label(&self, row: usize, col: usize) -> String {
        let base = self.asked_label();
        match self.shape {
            Shape::Scalar => base,
            Shape::Vector(_) => format!("{base}[{}]", row + 1),
            Shape::Matrix(..) => format!("{base}[{},{}]", row + 1, col + 1),
        }
    }

    /// The typed entries as an answer, or what is missing or unreadable.
    pub fn typed_answer(&self) -> Result<Answer, String> {
        let mut rows = Vec::with_capacity(self.entries.len());
        for (r, row) in self.entries.iter().enumerate() {
            let mut vals = Vec::with_capacity(row.len());
            for (c, text) in row.iter().enumerate() {
                let name = self.entry_label(r, c);
                if text.trim().is_empty() {
                    return Err(format!("Fill in {name} first."));
                }
                vals.push(parse_number(text).ok_or_else(|| {
                    format!(
                        "{name}: '{}' is not a number (write e.g. -1.5, 2e-3 or 1/3).",
                        text.trim()
                    )
                })?);
            }
            rows.push(vals);
        }
        Ok(match self.shape {
            Shape::Scalar => Answer::Scalar(rows.first().and_then(|r| r.first()).copied().unwrap_or(f64::NAN)),
            Shape::Vector(_) => Answer::Vector(rows.into_iter().flatten().collect()),
            Shape::Matrix(..) => Answer::Matrix(rows),
        })
    }

    /// Everything the student did with the exercise goes: a fresh start (another student's
    /// turn). Edit mode's engine answer stays (it does not depend on the student).
    pub fn clear(&mut self) {
        let engine = self.engine.take();
        *self = ExerciseState::new(self.exercise.clone(), self.shape);
        self.engine = engine;
    }

    /// "Start over": the answer, its verdicts, the hints shown, the worked solution and the
    /// "solved" mark go; the record of what was used stays (the checks counted against
    /// `max_attempts`), so starting over never buys more attempts.
    pub fn start_over(&mut self) {
        let (attempts, record) = (self.attempts, self.record.clone());
        self.clear();
        (self.attempts, self.record) = (attempts, record);
    }

    /// Whether the lesson marks this exercise as ungraded practice: it scores no points, and a
    /// network the lesson keeps live (`hide_answers = false`) shows its value all along.
    pub fn is_practice(&self) -> bool {
        self.exercise.points == 0
    }

    /// Whether the value this exercise asks for may be shown in its network cell: once it
    /// was answered correctly or its worked solution was shown. A "solve for" answer is not a
    /// value of the network, so it never hides anything.
    pub fn reveals(&self) -> bool {
        self.solved || self.solution_shown || self.exercise.solve_for.is_some()
    }
}

/// How far a student is through a lesson's exercises and quizzes: the grade of the submission
/// the window would export ([`crate::lesson::grade`], the one grading function).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// Exercises and quizzes whose last checked answer is right (a worked solution shown does
    /// not count).
    pub right: usize,
    pub items: usize,
    pub points: u32,
    pub max_points: u32,
}

impl crate::app::AppState {
    /// The exercises and quizzes answered right, and the points, as the grader gives them.
    pub fn score(&self) -> Score {
        let Some(g) = &self.student.grade else {
            return Score::default();
        };
        Score {
            right: g
                .items
                .iter()
                .filter(|i| i.outcome == crate::lesson::grade::Outcome::Correct)
                .count(),
            items: g.items.len(),
            points: g.total,
            max_points: g.max,
        }
    }

    /// The grader's verdict on item `id` as it stands.
    pub fn item_grade(&self, id: &str) -> Option<&crate::lesson::grade::ItemGrade> {
        self.student.grade.as_ref()?.items.iter().find(|i| i.id == id)
    }

    /// The grading policy in force for an item with its own table `item`.
    pub fn item_policy(&self, item: Option<&crate::lesson::policy::GradingPolicy>) -> crate::lesson::policy::Policy {
        policy(self.doc.lesson_meta.grading, item)
    }

    /// Whether the lesson sets a grading policy (the window says it is a graded lesson).
    pub fn is_graded(&self) -> bool {
        self.doc.lesson_meta.grading.is_some()
            || self.doc.cells.iter().any(|c| match c {
                crate::app::CellState::Exercise(e) => e.exercise.grading.is_some(),
                crate::app::CellState::Quiz(q) => q.quiz.grading.is_some(),
                _ => false,
            })
    }

    /// Whether students may open edit mode in this lesson.
    pub fn edit_mode_allowed(&self) -> bool {
        self.doc.lesson_meta.grading.and_then(|g| g.edit_mode).unwrap_or(true)
    }
}

/// A quiz cell and the student's choice.
#[derive(Clone, Debug, PartialEq)]
pub struct QuizState {
    pub quiz: Quiz,
    /// The option picked (0-based).
    pub choice: Option<usize>,
    /// The option last checked and its verdict.
    pub checked: Option<(usize, QuizFeedback)>,
    pub attempts: u32,
    /// When it was checked (kept by "Start over").
    pub record: Record,
}

impl QuizState {
    pub fn new(quiz: Quiz) -> QuizState {
        QuizState {
            quiz,
            choice: None,
            checked: None,
            attempts: 0,
            record: Record::default(),
        }
    }

    /// "Start over": the choice and its verdict go; the checks used still count.
    pub fn start_over(&mut self) {
        self.choice = None;
        self.checked = None;
    }
}

/// A plot cell and, for a data set, its points (built once when the lesson is loaded).
#[derive(Clone, Debug, PartialEq)]
pub struct PlotCell {
    pub plot: Plot,
    pub data: Option<Result<Dataset, String>>,
}

impl PlotCell {
    /// The plot; a data set is built with `read` for CSV files named in the lesson.
    pub fn new(plot: Plot, read: &super::training::ReadFn) -> PlotCell {
        let data = match &plot.of {
            PlotOf::Data(spec) => {
                let text = match spec.csv_path() {
                    Some(p) => match read(p) {
                        Ok(t) => Some(t),
                        Err(e) => {
                            return PlotCell {
                                plot: plot.clone(),
                                data: Some(Err(e)),
                            };
                        }
                    },
                    None => None,
                };
                Some(spec.build(text.as_deref()).map_err(|e| e.to_string()))
            }
            _ => None,
        };
        PlotCell { plot, data }
    }
}

/// The student's side of the window: the networks as the lesson gave them, and progress
/// bookkeeping.
#[derive(Clone, Debug, Default)]
pub struct StudentState {
    /// The network cells as loaded (before any edit and before any variant), by id.
    pub given: HashMap<String, NetworkCell>,
    /// Identifies the lesson's progress file ([`super::progress::lesson_key`]).
    pub lesson_key: String,
    /// Every student's progress in this lesson as last read or stashed, by
    /// [`super::progress::student_key`] (the current student's live progress is in the cells).
    pub saved: std::collections::BTreeMap<String, super::progress::StudentProgress>,
    /// The progress file could not be read nor moved aside: it is not written over.
    pub unreadable: bool,
    /// The current student opened edit mode in this lesson (it shows the engine's answers).
    pub edit_mode_opened: bool,
    /// The grade of the submission the window would export, on the lesson as given; kept up
    /// to date by [`crate::app::AppState::apply`].
    pub grade: Option<crate::lesson::Grade>,
    /// Progress changed since it was last written.
    pub unsaved: bool,
    /// When progress was last written (seconds, egui time).
    pub saved_at: Option<f64>,
    /// A failure to write progress was shown already (it is not repeated every second).
    pub save_error_shown: bool,
    /// The progress as this window last read or wrote it: an answer still equal to it was not
    /// changed here, so another window's newer answer on disk is kept (see
    /// [`super::progress::merge`]).
    pub progress_base: super::progress::Progress,
    /// The current student's count in each shipped lesson for the Lessons menu (`None` until
    /// the menu asks, and again once another lesson or student makes it old).
    pub shipped_counts: Option<Vec<Option<super::progress::shipped::LessonCount>>>,
}

/// `(rows, columns)` of the entry grid for a shape.
pub fn grid_of(shape: Shape) -> (usize, usize) {
    match shape {
        Shape::Scalar => (1, 1),
        Shape::Vector(n) => (n.max(1), 1),
        Shape::Matrix(r, c) => (r.max(1), c.max(1)),
    }
}

/// Reads a typed number: `-1.5`, `2e-3`, `1/3`, with spaces, a leading `+` and a decimal comma
/// when there is no point.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim().replace(['−', '–'], "-");
    let t = if t.contains('.') { t } else { t.replace(',', ".") };
    let v = match t.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?,
        None => t.parse::<f64>().ok()?,
    };
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers_are_read_leniently() {
        assert_eq!(parse_number(" -1.5 "), Some(-1.5));
        assert_eq!(parse_number("1/4"), Some(0.25));
        assert_eq!(parse_number("2e-3"), Some(0.002));
        assert_eq!(parse_number("0,5"), Some(0.5));
        assert_eq!(parse_number("−3"), Some(-3.0));
        assert_eq!(parse_number("1/0"), None);
        assert_eq!(parse_number("abc"), None);
    }
}
