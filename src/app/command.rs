//! Commands: everything the window can ask for. Drawing code emits them; [`super::AppState::apply`]
//! is the one place that changes state, records undo and recomputes.

pub use super::cell::Selection;
pub use crate::lesson::edit::Edit;
use crate::nn::numfmt::NumberFormat;
use std::path::PathBuf;

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

/// How the matrix view lays out a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
pub enum Convention {
    /// PyTorch / by-hand: `z = W a_prev + b`, W is `units x in`, vectors are columns.
    #[default]
    Torch,
    /// Keras / NumPy: `Z = A_prev W + b`, W is `in x units`, rows are samples.
    Keras,
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
