//! The student's side of a lesson: exercise and quiz cells as the window holds them, checking
//! answers, hints, worked solutions, the student's name (which picks their variant networks)
//! and the values kept blank in a network cell until the exercise asking for them is answered.
//! Progress and submissions are in [`super::progress`].
//!
//! Answers are checked on the network **as the lesson gave it** to this student
//! ([`crate::lesson::NetworkCell::doc_for`]), never on the student's live edits of it: the
//! network cells as loaded are kept in [`StudentState::given`]. Indices here are 0-based; the
//! window and the feedback count from 1.

use super::command::Command;
use super::state::{AppState, CellState};
use crate::lesson::reference::{Index, LayerQuantity, Shape, Target};
use crate::lesson::worked::worked_solution;
use crate::lesson::{Answer, Computed, Exercise, Feedback, NetworkCell, Plot, PlotOf, Quiz, QuizFeedback, Verdict};
use crate::nn::data::Dataset;
use crate::nn::doc::NetworkDoc;
use crate::nn::steps::Quantity;
use std::collections::HashMap;

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
    /// Answered correctly at least once.
    pub solved: bool,
    /// The last answer checked.
    pub last_checked: Option<Answer>,
    pub result: Option<CheckResult>,
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
            solved: false,
            last_checked: None,
            result: None,
        }
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

    /// Whether the value this exercise asks for may be shown in its network cell: once it
    /// was answered correctly or its worked solution was shown. A "solve for" answer is not a
    /// value of the network, so it never hides anything.
    pub fn reveals(&self) -> bool {
        self.solved || self.solution_shown || self.exercise.solve_for.is_some()
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
}

impl QuizState {
    pub fn new(quiz: Quiz) -> QuizState {
        QuizState {
            quiz,
            choice: None,
            checked: None,
            attempts: 0,
        }
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

/// A value an unanswered exercise asks for: blank in its network cell until answered.
/// `None` in a field matches every row, column or sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blank {
    pub q: Quantity,
    /// Row and column as the engine indexes the quantity: (unit, input) for weights and their
    /// gradient, (unit, 0) for per-unit values; the update step's bias lines are column
    /// `inputs`.
    pub row: Option<usize>,
    pub col: Option<usize>,
    pub sample: Option<usize>,
    /// The value after the update: only the update step's lines are blank, not the weights.
    pub after_update: bool,
}

impl Blank {
    /// Whether this blank covers element (row, col) of `q` for `sample`.
    pub fn covers(&self, q: Quantity, row: usize, col: usize, sample: usize) -> bool {
        self.q == q
            && self.row.is_none_or(|r| r == row)
            && self.col.is_none_or(|c| c == col)
            && self.sample.is_none_or(|s| s == sample)
    }

    /// The blank for what `ex` asks, in a network of `layers` layers with `inputs` inputs to
    /// layer `l` (for the update step's bias lines). `None` when the answer is not a value the
    /// network cell shows (the input, weights, counts) or is solved for.
    pub fn of(ex: &Exercise, doc: &NetworkDoc) -> Option<Blank> {
        if ex.solve_for.is_some() {
            return None;
        }
        let (row, col) = match ex.ask.index {
            Index::Whole => (None, None),
            Index::One(i) => (Some(i), Some(0)),
            Index::Two(i, j) => (Some(i), Some(j)),
        };
        let sample = Some(ex.sample_index());
        let blank = |q, sample| Blank {
            q,
            row,
            col,
            sample,
            after_update: false,
        };
        let last = doc.net.len().checked_sub(1)?;
        Some(match ex.ask.target {
            Target::Loss => Blank {
                row: None,
                col: None,
                ..blank(Quantity::Loss, None)
            },
            Target::Output => blank(Quantity::A(last), sample),
            Target::Layer(l, q) => match q {
                LayerQuantity::Z => blank(Quantity::Z(l), sample),
                LayerQuantity::A => blank(Quantity::A(l), sample),
                LayerQuantity::DlDa => blank(Quantity::Da(l), sample),
                LayerQuantity::Delta => blank(Quantity::Delta(l), sample),
                LayerQuantity::GradWeights => blank(Quantity::GradW(l), None),
                LayerQuantity::GradBias => blank(Quantity::GradB(l), None),
                LayerQuantity::NewWeights => Blank {
                    after_update: true,
                    ..blank(Quantity::W(l), None)
                },
                LayerQuantity::NewBias => Blank {
                    after_update: true,
                    col: Some(doc.net.layers().get(l)?.inputs()),
                    ..blank(Quantity::W(l), None)
                },
                _ => return None,
            },
            _ => return None,
        })
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
    /// Progress changed since it was last written.
    pub unsaved: bool,
    /// When progress was last written (seconds, egui time).
    pub saved_at: Option<f64>,
    /// A failure to write progress was shown already (it is not repeated every second).
    pub save_error_shown: bool,
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

impl AppState {
    /// The exercise cell at `cell`, if it is one.
    pub fn exercise(&self, cell: usize) -> Option<&ExerciseState> {
        match self.cells.get(cell) {
            Some(CellState::Exercise(e)) => Some(e),
            _ => None,
        }
    }

    /// The quiz cell at `cell`, if it is one.
    pub fn quiz(&self, cell: usize) -> Option<&QuizState> {
        match self.cells.get(cell) {
            Some(CellState::Quiz(q)) => Some(q),
            _ => None,
        }
    }

    /// The student's name or id, if set.
    pub fn student_name(&self) -> Option<&str> {
        Some(self.settings.student.trim()).filter(|s| !s.is_empty())
    }

    /// The network `student` works on for the cell `id`, as the lesson gave it.
    pub fn given_doc(&self, id: &str) -> Option<NetworkDoc> {
        if let Some(n) = self.student.given.get(id) {
            return Some(n.doc_for(self.student_name()));
        }
        // A network cell added after loading: as it is now.
        self.cells.iter().find_map(|c| match c {
            CellState::Network(n) if n.options.id == id => Some(n.doc.clone()),
            _ => None,
        })
    }

    /// Whether the live network cell `id` differs from the network the lesson gave.
    pub fn network_edited(&self, id: &str) -> bool {
        let live = self.cells.iter().find_map(|c| match c {
            CellState::Network(n) if n.options.id == id => Some(&n.doc),
            _ => None,
        });
        match (live, self.given_doc(id)) {
            (Some(live), Some(given)) => *live != given,
            _ => false,
        }
    }

    /// The answer's shape for an exercise, from the network it reads.
    fn shape_for(&self, ex: &Exercise) -> Shape {
        match (&ex.solve_for, self.given_doc(&ex.network)) {
            (None, Some(doc)) => ex.ask.shape(&doc.net),
            _ => Shape::Scalar,
        }
    }

    /// The state for a lesson's exercise cell.
    pub(super) fn exercise_state(&self, ex: Exercise) -> ExerciseState {
        let shape = self.shape_for(&ex);
        ExerciseState::new(ex, shape)
    }

    /// After a lesson is loaded: remember its networks as given, put in the student's variants,
    /// restore saved progress and blank what unanswered exercises ask for.
    pub(super) fn lesson_loaded(&mut self) {
        self.student.given = self
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Network(n) => Some((
                    n.options.id.clone(),
                    NetworkCell {
                        options: n.options.clone(),
                        doc: n.doc.clone(),
                    },
                )),
                _ => None,
            })
            .collect();
        self.put_in_variants();
        // Exercise cells were built before the given networks were known: fix their shapes.
        for i in 0..self.cells.len() {
            let shape = match self.exercise(i) {
                Some(e) => self.shape_for(&e.exercise),
                None => continue,
            };
            if let Some(CellState::Exercise(e)) = self.cells.get_mut(i)
                && e.shape != shape
            {
                **e = ExerciseState::new(e.exercise.clone(), shape);
            }
        }
        self.student.lesson_key = super::progress::lesson_key(&self.lesson(), self.file.as_deref());
        self.student.unsaved = false;
        self.student.saved_at = None;
        self.restore_progress();
        self.refresh_blanks();
    }

    /// Network cells with a variant show the student's variant (the file's without a name).
    fn put_in_variants(&mut self) {
        let student = self.student_name().map(str::to_string);
        for c in &mut self.cells {
            let CellState::Network(n) = c else { continue };
            let Some(given) = self.student.given.get(&n.options.id) else {
                continue;
            };
            if given.options.variant.is_none() {
                continue;
            }
            let doc = given.doc_for(student.as_deref());
            if n.doc != doc {
                let mut fresh = super::cell::NetCell::new(doc);
                fresh.options = n.options.clone();
                **n = fresh;
            }
        }
    }

    /// The document to save for network cell `n`: the file's own network when the cell shows
    /// the student's unedited variant (a name typed to try a lesson is not saved into it).
    pub fn doc_to_save(&self, n: &super::cell::NetCell) -> NetworkDoc {
        match self.student.given.get(&n.options.id) {
            Some(g) if g.options.variant.is_some() && n.doc == g.doc_for(self.student_name()) => g.doc.clone(),
            _ => n.doc.clone(),
        }
    }

    /// Shows (or blanks again) the values unanswered exercises ask for, in every network cell
    /// (instructors preparing a lesson, tests of the networks themselves).
    pub fn set_reveal_answers(&mut self, on: bool) {
        self.reveal_answers = on;
        self.refresh_blanks();
    }

    /// Recomputes which values each network cell keeps blank.
    pub(super) fn refresh_blanks(&mut self) {
        let mut per_net: HashMap<String, Vec<Blank>> = HashMap::new();
        // An instructor in edit mode sees every value.
        if !self.reveal_answers && !self.edit_mode {
            for c in &self.cells {
                let CellState::Exercise(e) = c else { continue };
                if e.reveals() {
                    continue;
                }
                let Some(doc) = self.given_doc(&e.exercise.network) else {
                    continue;
                };
                if let Some(b) = Blank::of(&e.exercise, &doc) {
                    per_net.entry(e.exercise.network.clone()).or_default().push(b);
                }
            }
        }
        for c in &mut self.cells {
            if let CellState::Network(n) = c {
                let mut blanks = per_net.remove(&n.options.id).unwrap_or_default();
                // A network the lesson keeps live (`hide_answers = false`) shows everything.
                if !n.options.hide_answers {
                    blanks.clear();
                }
                if n.blanks != blanks {
                    n.blanks = blanks;
                }
            }
        }
    }

    /// Exercise, quiz, student-name and submission commands.
    pub(super) fn student_command(&mut self, c: Command) {
        match c {
            Command::Exercise { cell, action } => self.exercise_action(cell, action),
            Command::Quiz { cell, action } => self.quiz_action(cell, action),
            Command::SetStudent(name) => self.set_student(name),
            Command::ExportSubmission => self.export_submission(None),
            Command::ExportSubmissionTo(p) => self.export_submission(Some(p)),
            _ => {}
        }
    }

    fn set_student(&mut self, name: String) {
        let name = name.trim().to_string();
        if name == self.settings.student {
            return;
        }
        self.settings.student = name;
        self.put_in_variants();
        // Shapes do not change with a variant; the answers typed stay, the checks are redone.
        for c in &mut self.cells {
            if let CellState::Exercise(e) = c
                && let Some(r) = &mut e.result
            {
                r.stale = true;
            }
        }
        self.forget_history();
        self.student.unsaved = true;
    }

    fn exercise_action(&mut self, cell: usize, action: ExerciseAction) {
        let Some(e) = self.exercise(cell) else { return };
        let ex = e.exercise.clone();
        let doc = self.given_doc(&ex.network);
        let edited = self.network_edited(&ex.network);
        let Some(CellState::Exercise(e)) = self.cells.get_mut(cell) else {
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
            ExerciseAction::Check => {
                let given = e.typed_answer();
                let feedback = match (given, doc) {
                    (Err(m), _) => Err(m),
                    (_, None) => Err(format!(
                        "The network cell '{}' this exercise reads is no longer in the lesson.",
                        ex.network
                    )),
                    (Ok(answer), Some(doc)) => {
                        let f = ex.check(&Computed::new(doc), &answer, e.hints_shown);
                        if f.is_ok() {
                            e.attempts += 1;
                            e.last_checked = Some(answer);
                        }
                        f
                    }
                };
                let mut new_hint = None;
                if let Ok(f) = &feedback {
                    match &f.verdict {
                        Verdict::Correct => e.solved = true,
                        Verdict::Wrong { hint: Some(_) } => {
                            new_hint = Some(e.hints_shown);
                            e.hints_shown += 1;
                        }
                        _ => {}
                    }
                }
                e.result = Some(CheckResult {
                    feedback,
                    new_hint,
                    network_edited: edited,
                    stale: false,
                });
            }
            ExerciseAction::Hint => {
                if e.hints_shown >= ex.hints.len() {
                    return;
                }
                e.hints_shown += 1;
            }
            ExerciseAction::ShowSolution => {
                e.solution_shown = true;
                e.solution = Some(match doc {
                    Some(doc) => {
                        worked_solution(&ex, &Computed::new(doc)).unwrap_or_else(|m| format!("No worked solution: {m}"))
                    }
                    None => format!("The network cell '{}' is no longer in the lesson.", ex.network),
                });
            }
        }
        self.student.unsaved = true;
    }

    fn quiz_action(&mut self, cell: usize, action: QuizAction) {
        let Some(CellState::Quiz(q)) = self.cells.get_mut(cell) else {
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
            }
        }
        self.student.unsaved = true;
    }
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
