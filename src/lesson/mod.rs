//! Lessons: notebooks of cells, as plain data, with their file format, exercises, answer
//! checking and grading. The format is described in docs/lesson-format.md.
//!
//! A lesson file (TOML or JSON) holds a title and a list of cells: text, live networks (in the
//! engine's own network schema, [`crate::nn::doc::NetworkFile`]), exercises, quizzes, plots and
//! training labs. A bare network file opens as a one-cell lesson. Depends on `nn` only; no GUI
//! crate and no file IO here (files a lesson names are read through a [`Resolver`]).
//!
//! # Map
//! - [`file`]: the serde types that mirror the file, and writing a lesson back.
//! - [`load`]: text to a validated [`Lesson`], every problem listed with line and column.
//! - [`edit`]: the edits of a network cell's document, the rules that keep it whole and the
//!   lock each edit falls under.
//! - [`reference`]: `layers[2].delta[1]` and the rest, parsed and resolved against one
//!   [`Computed`] pass of a network ([`compute`]).
//! - [`answer`]: the [`Answer`] given or computed and how it is written; it depends on no
//!   other module here (the checking modules go answer, reference, mistakes and solve,
//!   exercise).
//! - [`exercise`]: tolerances and verdicts; [`mistakes`]: the mistakes the engine
//!   recomputes; [`precision`]: the precision a number was typed to, by which a mistaken
//!   value is recognised; [`solve`]: "solve for the missing value"; [`worked`]: worked solutions and the
//!   answer key.
//! - [`quiz`], [`plot`], [`training`]: the other cell kinds.
//! - [`student`]: the one normalisation of a student's id; [`variant`]: per-student networks;
//!   [`policy`]: the grading policy (attempts, worked solutions, deductions); [`grade`]:
//!   submissions, the one grading function and the gradebook's checks of files and names.
//! - [`sheet`]: a layer laid out as blocks of numbers in either convention, for the window's
//!   matrix view and for paper; [`worksheet`]: printable worksheets and answer keys (HTML) of
//!   networks and lessons.
//!
//! # Conventions
//! Files and people count from 1 (`layers[1]`, `z[2]`, sample 1, quiz option 1); the typed
//! forms here count from 0 like the engine, except where a field says "1-based as written".

pub mod answer;
pub mod compute;
pub mod edit;
pub mod exercise;
pub mod file;
pub mod glossary;
pub mod grade;
pub mod gradebook;
pub mod images;
pub mod load;
pub mod mistakes;
pub mod plot;
pub mod policy;
pub mod precision;
pub mod quiz;
pub mod reference;
pub mod sheet;
pub mod shipped;
pub mod solve;
pub mod student;
pub mod training;
pub mod variant;
pub mod worked;
pub mod worksheet;

pub use answer::Answer;
pub use compute::Computed;
pub use exercise::{Exercise, Feedback, SolveFor, Tolerance, Verdict};
pub use file::{CellFile, LessonFile};
pub use grade::{Grade, Submission, grade};
pub use load::{LessonError, Problem, Resolver, load, no_files};
pub use mistakes::MistakeKind;
pub use plot::{Plot, PlotOf};
pub use policy::{MAX_POINTS, WorkedSolution};
pub use quiz::{Quiz, QuizFeedback, QuizOption};
pub use reference::Reference;
pub use student::{lookalike_key, student_id};
pub use variant::Variant;

use crate::nn::doc::{self, DocError, NetworkDoc, Syntax};
use crate::nn::serialize::SerializeError;
use policy::{GradingPolicy, Policy};
use training::TrainingSetup;

/// The lesson format version this build writes (it reads 1 and 2).
pub const LESSON_FORMAT_VERSION: u32 = 2;

/// The built-in lesson, embedded at build time.
pub const BUILTIN_SEVEN_LAYERS: &str = include_str!("../../lessons/03-seven-layers-by-hand.toml");

/// What the student may not change in a network cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lock {
    Weights,
    Biases,
    Inputs,
    Targets,
    /// Adding or removing units, layers, inputs; activations.
    Structure,
    Loss,
    /// Applying an optimizer step.
    Update,
    All,
}

impl Lock {
    pub const ALL: [Lock; 8] = [
        Lock::Weights,
        Lock::Biases,
        Lock::Inputs,
        Lock::Targets,
        Lock::Structure,
        Lock::Loss,
        Lock::Update,
        Lock::All,
    ];
    pub const NAMES: [&'static str; 8] = [
        "weights",
        "biases",
        "inputs",
        "targets",
        "structure",
        "loss",
        "update",
        "all",
    ];

    pub fn name(self) -> &'static str {
        Lock::NAMES[Lock::ALL.iter().position(|l| *l == self).unwrap_or(0)]
    }

    pub fn from_name(s: &str) -> Option<Lock> {
        Lock::NAMES.iter().position(|n| *n == s).map(|i| Lock::ALL[i])
    }

    /// How the lock is named in messages ("the lesson locks the weights").
    pub fn text(self) -> &'static str {
        match self {
            Lock::Weights => "the weights",
            Lock::Biases => "the biases",
            Lock::Inputs => "the inputs",
            Lock::Targets => "the targets",
            Lock::Structure => "the shape and activations",
            Lock::Loss => "the loss",
            Lock::Update => "the update",
            Lock::All => "every value",
        }
    }
}

/// The value shown on a network cell's nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    Z,
    #[default]
    A,
    Delta,
}

impl Show {
    pub fn name(self) -> &'static str {
        match self {
            Show::Z => "z",
            Show::A => "a",
            Show::Delta => "delta",
        }
    }

    pub fn from_name(s: &str) -> Option<Show> {
        [Show::Z, Show::A, Show::Delta].into_iter().find(|v| v.name() == s)
    }
}

/// How much of a network cell the lesson shows: only what it has taught so far. Each level shows
/// everything the one before it does. Set per network cell (`taught = "forward"`); the default
/// shows everything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Taught {
    /// The forward pass only: `z` and `a` (no loss, no backward blocks, no update).
    Forward,
    /// The forward pass and the loss (its menus, its value, the stepper's loss step).
    Loss,
    /// Backpropagation too: the backward blocks, `δ` on the nodes, the stepper's backward steps.
    Backward,
    /// Everything, the optimizer step ("Apply update") included.
    #[default]
    All,
}

impl Taught {
    pub const ALL: [Taught; 4] = [Taught::Forward, Taught::Loss, Taught::Backward, Taught::All];

    pub fn name(self) -> &'static str {
        match self {
            Taught::Forward => "forward",
            Taught::Loss => "loss",
            Taught::Backward => "backward",
            Taught::All => "all",
        }
    }

    pub fn from_name(s: &str) -> Option<Taught> {
        Taught::ALL.into_iter().find(|t| t.name() == s)
    }

    /// How edit mode's form and messages name the level ("shows only the forward pass").
    pub fn text(self) -> &'static str {
        match self {
            Taught::Forward => "forward pass",
            Taught::Loss => "forward pass and the loss",
            Taught::Backward => "forward pass, loss and backpropagation",
            Taught::All => "everything",
        }
    }

    /// Whether the loss (its menus, value and step) is shown.
    pub fn loss(self) -> bool {
        self >= Taught::Loss
    }

    /// Whether backpropagation (backward blocks, `δ`, the backward steps) is shown.
    pub fn backward(self) -> bool {
        self >= Taught::Backward
    }

    /// Whether the optimizer step ("Apply update", learning rate, optimizer) is shown.
    pub fn update(self) -> bool {
        self == Taught::All
    }

    /// Whether the cell shows quantity `q`.
    pub fn shows(self, q: crate::nn::steps::Quantity) -> bool {
        use crate::nn::steps::Quantity as Q;
        match q {
            Q::X | Q::W(_) | Q::B(_) | Q::Z(_) | Q::A(_) => true,
            Q::Y | Q::Loss => self.loss(),
            Q::Da(_) | Q::Delta(_) | Q::GradW(_) | Q::GradB(_) | Q::GradX => self.backward(),
        }
    }

    /// Whether the stepper offers a step of this kind.
    pub fn shows_step(self, kind: crate::nn::steps::StepKind) -> bool {
        use crate::nn::steps::StepKind as K;
        match kind {
            K::Z | K::A => true,
            K::Loss => self.loss(),
            K::Da | K::Delta | K::GradW | K::GradB | K::DaPrev => self.backward(),
            K::Update | K::LossAfter => self.update(),
        }
    }

    /// Whether an edit under `lock` is offered: changing the loss needs the loss taught, the
    /// update (learning rate, optimizer, applying it) needs everything.
    pub fn allows(self, lock: Lock) -> bool {
        match lock {
            Lock::Loss => self.loss(),
            Lock::Update => self.update(),
            _ => true,
        }
    }
}

/// How the window offers a network cell (everything of the cell but the network).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkOptions {
    /// The id written, or `net1`, `net2`, ... in order of network cells.
    pub id: String,
    /// Whether the file writes the id.
    pub id_named: bool,
    pub lock: Vec<Lock>,
    pub show: Show,
    /// How much of the cell the lesson shows (everything by default).
    pub taught: Taught,
    /// Offer the backprop stepper (the default).
    pub stepper: bool,
    /// Keep the values unanswered exercises ask for blank (the default); `false` shows every
    /// value live, as the seven-layer lesson does.
    pub hide_answers: bool,
    pub variant: Option<Variant>,
    /// The network file named by `path`, relative to the lesson; saving writes the path, not
    /// the network.
    pub path: Option<String>,
}

impl NetworkOptions {
    /// The defaults for a cell with this id: nothing locked, `a` shown, the stepper offered.
    pub fn new(id: impl Into<String>) -> NetworkOptions {
        NetworkOptions {
            id: id.into(),
            stepper: true,
            hide_answers: true,
            ..NetworkOptions::default()
        }
    }

    /// Whether `what` is locked (directly or by `all`).
    pub fn is_locked(&self, what: Lock) -> bool {
        self.lock.iter().any(|l| *l == what || *l == Lock::All)
    }
}

/// A network cell: the network as written and how the window offers it. It reads as its
/// document (`cell.net`, `cell.x`) through `Deref`.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkCell {
    pub options: NetworkOptions,
    /// The network as written (without any student's variant).
    pub doc: NetworkDoc,
}

impl NetworkCell {
    /// A cell with the default options.
    pub fn new(id: impl Into<String>, doc: NetworkDoc) -> NetworkCell {
        NetworkCell {
            options: NetworkOptions::new(id),
            doc,
        }
    }

    pub fn id(&self) -> &str {
        &self.options.id
    }

    /// The network `student` works on (their variant, or the file's without a name).
    pub fn doc_for(&self, student: Option<&str>) -> NetworkDoc {
        variant::variant_doc(&self.doc, self.options.variant.as_ref(), student, &self.options.id)
    }
}

impl std::ops::Deref for NetworkCell {
    type Target = NetworkDoc;
    fn deref(&self) -> &NetworkDoc {
        &self.doc
    }
}

/// One cell of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Markdown text.
    Text(String),
    /// A live, editable network.
    Network(Box<NetworkCell>),
    /// A question whose answer the engine computes from a network cell.
    Exercise(Box<Exercise>),
    /// Multiple choice.
    Quiz(Box<Quiz>),
    /// An activation, a loss or a data set, plotted.
    Plot(Box<Plot>),
    /// A training lab: data, a network shape and hyperparameters.
    Training(Box<TrainingSetup>),
}

/// A lesson's optional metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonMeta {
    pub author: Option<String>,
    /// The lesson's own version, free text.
    pub version: Option<String>,
    /// One line, shown in lists.
    pub description: Option<String>,
    /// The lesson's grading policy as written (`[grading]`); each item's is [`Lesson::policy`].
    pub grading: Option<GradingPolicy>,
}

/// A lesson: a title, optional metadata and its cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lesson {
    pub title: String,
    pub meta: LessonMeta,
    pub cells: Vec<Cell>,
}

/// What a file held, so it can be saved back in the same form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FileKind {
    #[default]
    Lesson,
    Network,
}

impl Lesson {
    /// What a student reads in the lesson, cell by cell, one line each: its text cells,
    /// exercise prompts and hints, quiz prompts, options and their explanations.
    pub fn prose(&self) -> String {
        let mut s = String::new();
        for c in &self.cells {
            match c {
                Cell::Text(t) => s.push_str(t),
                Cell::Exercise(e) => {
                    s.push_str(&e.prompt);
                    e.hints.iter().for_each(|h| s.push_str(h));
                }
                Cell::Quiz(q) => {
                    s.push_str(&q.prompt);
                    for o in &q.options {
                        s.push_str(&o.text);
                        s.push_str(o.explain.as_deref().unwrap_or(""));
                    }
                }
                _ => {}
            }
            s.push('\n');
        }
        s
    }

    /// The built-in "Seven layers by hand" lesson.
    pub fn builtin() -> Lesson {
        // The embedded file is checked by a test; should it ever fail, fall back to an
        // explanation instead of a panic.
        parse_lesson(BUILTIN_SEVEN_LAYERS, Syntax::Toml).unwrap_or_else(|e| Lesson {
            title: "Built-in lesson failed to load".into(),
            cells: vec![Cell::Text(format!("The built-in lesson has errors:\n\n{e}"))],
            ..Lesson::default()
        })
    }

    /// A lesson holding one network.
    pub fn from_network(doc: NetworkDoc) -> Lesson {
        Lesson {
            title: doc.name.clone().unwrap_or_else(|| "Network".into()),
            cells: vec![Cell::Network(Box::new(NetworkCell::new("net1", doc)))],
            ..Lesson::default()
        }
    }

    /// Writes the lesson as text: keys in a fixed order, one cell after another. A lesson that
    /// cannot be written faithfully (a number that is not finite) is an error, never a text.
    pub fn write(&self, syntax: Syntax) -> Result<String, SerializeError> {
        syntax.write(&self.to_file())
    }

    /// The network cell with this id.
    pub fn network(&self, id: &str) -> Option<&NetworkCell> {
        self.cells.iter().find_map(|c| match c {
            Cell::Network(n) if n.options.id == id => Some(n.as_ref()),
            _ => None,
        })
    }

    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.cells.iter().find_map(|c| match c {
            Cell::Exercise(e) if e.id == id => Some(e.as_ref()),
            _ => None,
        })
    }

    /// The quiz with this id.
    pub fn quiz(&self, id: &str) -> Option<&Quiz> {
        self.cells.iter().find_map(|c| match c {
            Cell::Quiz(q) if q.id == id => Some(q.as_ref()),
            _ => None,
        })
    }

    /// The grading policy in force for the exercise or quiz `id`: the lesson's `[grading]` with
    /// the item's own table over it (the defaults for an id the lesson does not have).
    pub fn policy(&self, id: &str) -> Policy {
        let item = match (self.exercise(id), self.quiz(id)) {
            (Some(e), _) => e.grading.as_ref(),
            (None, Some(q)) => q.grading.as_ref(),
            (None, None) => None,
        };
        self.meta.grading.unwrap_or_default().with(item).resolve()
    }

    /// Whether the lesson sets a grading policy, for itself or for any item: then it is a graded
    /// lesson (the window says so, and `solve` prints that its output is the instructor's key).
    pub fn is_graded(&self) -> bool {
        self.meta.grading.is_some()
            || self.cells.iter().any(|c| match c {
                Cell::Exercise(e) => e.grading.is_some(),
                Cell::Quiz(q) => q.grading.is_some(),
                _ => false,
            })
    }

    /// Whether students may open edit mode (`edit_mode = false` in `[grading]` turns it off).
    pub fn edit_mode_allowed(&self) -> bool {
        self.meta.grading.and_then(|g| g.edit_mode).unwrap_or(true)
    }

    /// The computation an exercise reads, on `student`'s variant of its network.
    pub fn computed_for(&self, exercise: &Exercise, student: Option<&str>) -> Result<Computed, String> {
        let net = self.network(&exercise.network).ok_or_else(|| {
            format!(
                "exercise {}: the network cell '{}' is no longer in the lesson",
                exercise.id, exercise.network
            )
        })?;
        Ok(Computed::new(net.doc_for(student)))
    }

    /// Checks an answer to exercise `id` on `student`'s network; `hints_shown` hints were shown.
    pub fn check_answer(
        &self,
        id: &str,
        student: Option<&str>,
        given: &Answer,
        hints_shown: usize,
    ) -> Result<Feedback, String> {
        let ex = self.exercise(id).ok_or_else(|| format!("no exercise has id '{id}'"))?;
        ex.check(&self.computed_for(ex, student)?, given, hints_shown)
    }
}

/// Parses a lesson that names no other files (network `path`s are refused); every problem is
/// listed, each with its line and column where known.
pub fn parse_lesson(text: &str, syntax: Syntax) -> Result<Lesson, DocError> {
    load(text, syntax, &no_files).map_err(DocError::from)
}

/// Whether the text is a lesson (it has `cells`) rather than a network file.
pub fn is_lesson(text: &str, syntax: Syntax) -> bool {
    // A text over the pre-parse limits is never parsed here: the parser that reads it next
    // refuses it with the limit named.
    if doc::precheck(text).is_err() {
        return false;
    }
    match syntax {
        Syntax::Toml => text
            .parse::<toml::Table>()
            .map(|t| t.contains_key("cells"))
            .unwrap_or(false),
        // Only the top level's keys: the values are skipped, not built.
        Syntax::Json => {
            #[derive(serde::Deserialize)]
            struct Probe {
                cells: Option<serde::de::IgnoredAny>,
            }
            serde_json::from_str::<Probe>(text).is_ok_and(|p| p.cells.is_some())
        }
    }
}

/// Reads either a lesson file or a network file (or a reference case) from text; `resolve`
/// reads the files a lesson names.
pub fn parse_any_with(text: &str, syntax: Syntax, resolve: Resolver<'_>) -> Result<(Lesson, FileKind), DocError> {
    // The limits on strings and values come before any parsing, telling a lesson from a
    // network file included: a valid but huge file is refused in one quick pass.
    doc::precheck(text).map_err(|p| DocError { problems: vec![p] })?;
    if is_lesson(text, syntax) {
        load(text, syntax, resolve)
            .map(|l| (l, FileKind::Lesson))
            .map_err(DocError::from)
    } else {
        doc::parse(text, syntax).map(|d| (Lesson::from_network(d), FileKind::Network))
    }
}

/// [`parse_any_with`] for text not read from a file.
pub fn parse_any(text: &str, syntax: Syntax) -> Result<(Lesson, FileKind), DocError> {
    parse_any_with(text, syntax, &no_files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lesson_loads_with_its_seven_layer_network() {
        let l = parse_lesson(BUILTIN_SEVEN_LAYERS, Syntax::Toml).unwrap();
        let nets: Vec<&NetworkCell> = l
            .cells
            .iter()
            .filter_map(|c| match c {
                Cell::Network(d) => Some(d.as_ref()),
                _ => None,
            })
            .collect();
        assert!(!nets.is_empty());
        assert_eq!(nets[0].net.widths(), vec![3, 4, 4, 4, 4, 4, 4, 2]);
    }

    #[test]
    fn lesson_round_trips_through_toml_and_json() {
        let l = Lesson::builtin();
        for syntax in [Syntax::Toml, Syntax::Json] {
            let back = parse_lesson(&l.write(syntax).unwrap(), syntax).unwrap();
            assert_eq!(back, l);
        }
    }

    #[test]
    fn errors_name_the_cell() {
        let text = "title = \"t\"\n[[cells]]\nkind = \"network\"\n[cells.network]\ninputs = 2\nlayers = []\n";
        let e = parse_lesson(text, Syntax::Toml).unwrap_err();
        assert!(e.problems[0].contains("cell 1 (network net1): "), "{e}");
    }

    #[test]
    fn locks_and_show_read_their_names() {
        for l in Lock::ALL {
            assert_eq!(Lock::from_name(l.name()), Some(l));
        }
        let mut c = NetworkOptions::new("n");
        c.lock = vec![Lock::All];
        assert!(c.is_locked(Lock::Weights) && !NetworkOptions::new("m").is_locked(Lock::Weights));
        assert_eq!(Show::from_name("delta"), Some(Show::Delta));
    }
}
