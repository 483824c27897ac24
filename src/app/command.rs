//! Commands: everything the window can ask for. Drawing code emits them; [`super::AppState::apply`]
//! is the one place that changes state, records undo and recomputes.

use crate::nn::numfmt::NumberFormat;
use crate::nn::{Activation, LossKind, OptimizerKind, Reduction};
use std::path::PathBuf;

/// An edit of one network cell's document (undoable).
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// `W{layer+1}[row, col]` (0-based indices, `units x in` layout).
    Weight {
        layer: usize,
        row: usize,
        col: usize,
        value: f64,
    },
    Bias {
        layer: usize,
        unit: usize,
        value: f64,
    },
    Input {
        sample: usize,
        index: usize,
        value: f64,
    },
    Target {
        sample: usize,
        index: usize,
        value: f64,
    },
    /// Cross-entropy targets: make sample's target the one-hot row of `class`.
    TargetClass {
        sample: usize,
        class: usize,
    },
    Activation {
        layer: usize,
        activation: Activation,
    },
    Loss(LossKind),
    Reduction(Reduction),
    /// Inserts a layer of 4 units at `index` (0 = before the first layer), ReLU.
    InsertLayer {
        index: usize,
    },
    RemoveLayer {
        index: usize,
    },
    AddUnit {
        layer: usize,
    },
    RemoveUnit {
        layer: usize,
        unit: usize,
    },
    AddInput,
    RemoveInput {
        index: usize,
    },
    /// Appends a copy of sample `from`.
    AddSample {
        from: usize,
    },
    RemoveSample {
        sample: usize,
    },
    LearningRate(f64),
    Optimizer(OptimizerKind),
    /// One optimizer step on the cell's network (the stepper's "Apply update").
    ApplyUpdate,
}

impl Edit {
    /// Consecutive edits with the same key (within a short time) merge into one undo step,
    /// so dragging a value is one undo.
    pub fn coalesce_key(&self) -> Option<String> {
        match self {
            Edit::Weight { layer, row, col, .. } => Some(format!("w{layer},{row},{col}")),
            Edit::Bias { layer, unit, .. } => Some(format!("b{layer},{unit}")),
            Edit::Input { sample, index, .. } => Some(format!("x{sample},{index}")),
            Edit::Target { sample, index, .. } => Some(format!("y{sample},{index}")),
            Edit::LearningRate(_) => Some("lr".into()),
            _ => None,
        }
    }
}

/// Where the backprop stepper should go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepNav {
    First,
    Prev,
    Next,
    Last,
    /// Leave the stepper: every value shown live again.
    Reset,
    Goto(usize),
}

/// What the diagram's nodes show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub enum NodeValue {
    Z,
    #[default]
    A,
    Delta,
}

impl NodeValue {
    pub fn label(self) -> &'static str {
        match self {
            NodeValue::Z => "z",
            NodeValue::A => "a",
            NodeValue::Delta => "δ",
        }
    }
}

/// How the matrix view and an exported worksheet lay out a layer.
pub use crate::lesson::sheet::Convention;

/// What is selected in the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A node: `column` 0 is the input, `column` l the output of layer l (1-based).
    Node { column: usize, unit: usize },
    /// The edge into unit `to` of layer `layer` (0-based) from unit `from` below.
    Edge { layer: usize, from: usize, to: usize },
}

/// Everything the window can ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Edit {
        cell: usize,
        edit: Edit,
    },
    SelectLayer {
        cell: usize,
        layer: usize,
    },
    Select {
        cell: usize,
        selection: Option<Selection>,
    },
    SetSample {
        cell: usize,
        sample: usize,
    },
    Step {
        cell: usize,
        nav: StepNav,
    },
    RevealAll {
        cell: usize,
        on: bool,
    },
    /// The stepper panel shows network cell `cell` (sent when the page scrolls the network it
    /// showed out of view and this one into view).
    ShowInStepper {
        cell: usize,
    },
    SetNodeValue(NodeValue),
    SetNumberFormat(NumberFormat),
    SetConvention(Convention),
    SetDark(bool),
    SetZoom(f32),
    Undo,
    Redo,
    NewNetwork,
    Open,
    OpenPath(PathBuf),
    OpenBuiltin,
    /// Opens lesson `i` of the shipped curriculum.
    OpenShipped(usize),
    Save,
    SaveAs,
    SaveTo(PathBuf),
    ShowShortcuts(bool),
    ShowAbout(bool),
    DismissMessage,
    /// Shows a message (from the window glue, e.g. after saving a screenshot).
    ShowInfo(String),
    ShowError(String),
    /// Answer to "save changes before closing?".
    CloseAnswer(CloseAnswer),
    /// Writes a printable worksheet of the lesson (or its answer key) as HTML; `to: None` asks
    /// where.
    ExportWorksheet {
        answers: bool,
        to: Option<PathBuf>,
    },
    /// A change of the lesson in edit mode.
    Page(super::edit::PageEdit),
    /// Edit mode on (the instructor's tools) or off (the page as a student sees it).
    SetEditMode(bool),
    /// A button or setting of training cell `cell`.
    Train {
        cell: usize,
        action: super::training::TrainAction,
    },
    /// Adds a training cell (XOR, a small net, Adam) at the end of the page.
    InsertTrainingCell,
    /// Opens a CSV file for training cell `cell` (asks for the file, then shows the import dialog).
    ImportCsv {
        cell: usize,
    },
    /// Reads a CSV file for training cell `cell` into the import dialog.
    ImportCsvPath {
        cell: usize,
        path: PathBuf,
    },
    /// Changes the options of the open CSV import dialog.
    SetCsvImport(Box<super::import::CsvImport>),
    /// Imports the CSV with the dialog's options (or closes the dialog with `false`).
    FinishCsvImport(bool),
    /// Writes the curves of training cell `cell` (kept runs included) to a CSV file.
    ExportCurves {
        cell: usize,
    },
    /// Saves the window area `rect` (a plot) as a PNG file named like `name`.
    ExportPlot {
        name: String,
        rect: egui::Rect,
    },
    /// Typing, "Check", "Hint" or "Show worked solution" in exercise cell `cell`.
    Exercise {
        cell: usize,
        action: super::student::ExerciseAction,
    },
    /// Choosing an option or "Check" in quiz cell `cell`.
    Quiz {
        cell: usize,
        action: super::student::QuizAction,
    },
    /// Sets the student's name or id (remembered; picks their variant networks).
    SetStudent(String),
    /// Exports the student's answers for grading (asks where).
    ExportSubmission,
    /// Exports the student's answers to this file.
    ExportSubmissionTo(PathBuf),
}

impl Command {
    /// The network cell a command acts on, if any.
    pub fn cell(&self) -> Option<usize> {
        match self {
            Command::Edit { cell, .. }
            | Command::SelectLayer { cell, .. }
            | Command::Select { cell, .. }
            | Command::SetSample { cell, .. }
            | Command::Step { cell, .. }
            | Command::RevealAll { cell, .. }
            | Command::ShowInStepper { cell }
            | Command::Train { cell, .. } => Some(*cell),
            _ => None,
        }
    }
}

/// The answers to the unsaved-changes question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseAnswer {
    Save,
    Discard,
    Cancel,
}
