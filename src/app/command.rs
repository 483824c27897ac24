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

/// How the matrix view and an exported worksheet lay out a layer.
pub use crate::lesson::sheet::Convention;

/// A rectangle of the window in points (egui's logical pixels), corners `min` (top left) and
/// `max` (bottom right) as `[x, y]`: what the drawing code hands over for a plot's screenshot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScreenArea {
    pub min: [f32; 2],
    pub max: [f32; 2],
}

/// Everything the window can ask for. Commands that belong to one part of the window are
/// grouped in a sub-enum that its owner matches exhaustively: [`NetCommand`] (a network cell),
/// [`LabCommand`] (training cells), [`StudentCommand`] (answers, the student) and
/// [`PageEdit`](super::edit::PageEdit) (edit mode). The rest (files, view, undo, messages) are
/// the window's own.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Something done to network cell `cell`; the stepper panel then shows that cell.
    Net {
        cell: usize,
        cmd: NetCommand,
    },
    /// Training cells and the CSV import.
    Lab(LabCommand),
    /// File > Import weights... and its dialog.
    Weights(super::weights::WeightsCommand),
    /// Exercises, quizzes, the student's name and submissions.
    Student(StudentCommand),
    /// A change of the lesson in edit mode.
    Page(super::edit::PageEdit),
    SetNodeValue(NodeValue),
    SetNumberFormat(NumberFormat),
    SetConvention(Convention),
    SetDark(bool),
    SetZoom(f32),
    Undo,
    Redo,
    NewNetwork,
    /// File > New lesson...: asks for the lesson's title.
    NewLesson,
    /// The title typed in the new-lesson dialog so far.
    SetNewLessonTitle(String),
    /// Closes the new-lesson dialog; `true` starts the lesson with the typed title.
    FinishNewLesson(bool),
    /// The page has scrolled to the cell it was asked to show (after "Ask for this value").
    CellShown,
    Open,
    OpenPath(PathBuf),
    OpenBuiltin,
    /// Opens lesson `i` of the shipped curriculum.
    OpenShipped(usize),
    /// Counts the current student's progress in each shipped lesson (the Lessons menu).
    CountLessonProgress,
    Save,
    SaveAs,
    SaveTo(PathBuf),
    ShowShortcuts(bool),
    ShowAbout(bool),
    /// Help > Glossary: the window of every symbol and term, with its search.
    ShowGlossary(bool),
    DismissMessage,
    /// Shows a message (from the window glue, e.g. after saving a screenshot).
    ShowInfo(String),
    ShowError(String),
    /// Answer to "save changes before closing?".
    CloseAnswer(CloseAnswer),
    /// The answer to the question a save asked (the file changed on disk, network files).
    SaveAnswer(super::save_checks::SaveAnswer),
    /// The answer to the offer of unsaved changes a window left behind.
    RestoreAnswer(super::recovery::RestoreAnswer),
    /// Writes a printable worksheet of the lesson (or its answer key) as HTML; `to: None` asks
    /// where.
    ExportWorksheet {
        answers: bool,
        to: Option<PathBuf>,
    },
    /// File > Export as...: the dialog that writes a cell as a PyTorch, Keras or NumPy script.
    Export(super::export::ExportCommand),
    /// Edit mode on (the instructor's tools) or off (the page as a student sees it).
    SetEditMode(bool),
    /// The text of the "type a path" prompt (shown when no file dialog could open).
    SetPathText(String),
    /// Closes the "type a path" prompt; `true` uses the typed path.
    FinishPath(bool),
    /// Writes a picture the window made (a plot's PNG) to `path` and says so.
    WritePicture {
        path: PathBuf,
        bytes: Vec<u8>,
    },
    /// Puts a link that carries this lesson on the clipboard (in the browser).
    CopyLessonLink,
    /// No network cell is in view: the stepper panel says so (the page sends it as it scrolls).
    NoNetworkInView,
    /// The page scrolled the stepped network's diagram into view.
    ScrolledToNet,
    /// The value under the pointer changed (`None`: no value is).
    Hover(Option<Hovered>),
}

/// A value under the pointer: element (`row`, `col`) of `quantity` (engine indices: (unit,
/// input) or (unit, 0)) for `sample`, in network cell `cell`; `step` is the stepper's step when
/// the value is one of its lines (an update's line is the value after the update).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hovered {
    pub cell: usize,
    pub quantity: crate::nn::steps::Quantity,
    pub row: usize,
    pub col: usize,
    pub sample: usize,
    pub step: Option<usize>,
}

/// What can be done to one network cell.
#[derive(Clone, Debug, PartialEq)]
pub enum NetCommand {
    /// A change of the network's document (undoable).
    Edit(Edit),
    /// The layer the matrix view shows (0-based).
    SelectLayer(usize),
    /// The node or edge selected in the diagram.
    Select(Option<Selection>),
    /// The sample the diagram and the stepper show (0-based).
    SetSample(usize),
    /// Moves the backprop stepper.
    Step(StepNav),
    /// Shows every value while stepping.
    RevealAll(bool),
    /// Only shows the cell in the stepper panel (sent when the page scrolls the network it
    /// showed out of view and this one into view).
    ShowInStepper,
}

/// Training cells: their buttons and settings, inserting one, the CSV import, exports.
#[derive(Clone, Debug, PartialEq)]
pub enum LabCommand {
    /// A button or setting of training cell `cell`.
    Train {
        cell: usize,
        action: super::training::TrainAction,
    },
    /// Adds a training cell (XOR, a small net, Adam) at the end of the page.
    InsertTrainingCell,
    /// Opens a CSV file for training cell `cell` (asks for the file, then shows the import dialog).
    ImportCsv { cell: usize },
    /// Reads a CSV file for training cell `cell` into the import dialog.
    ImportCsvPath { cell: usize, path: PathBuf },
    /// Changes the options of the open CSV import dialog.
    SetCsvImport(Box<super::import::CsvImport>),
    /// Imports the CSV with the dialog's options (or closes the dialog with `false`).
    FinishCsvImport(bool),
    /// Writes the curves of training cell `cell` (kept runs included) to a CSV file.
    ExportCurves { cell: usize },
    /// Saves training cell `cell`'s trained network, with its input scaling, as a network file
    /// (asks where; `None` takes the first training cell that has trained).
    SaveTrained { cell: Option<usize> },
    /// The same, to `path`.
    SaveTrainedTo { cell: usize, path: PathBuf },
    /// Saves a plot of a training cell as a PNG file (asks where), drawn afresh at the size
    /// asked for with its title, axes and legend.
    ExportPlot(PlotExport),
    /// Saves the window area `area` (one of the analysis sections' small plots) as a PNG file
    /// named like `name`, cropped from a screenshot.
    ExportArea { name: String, area: ScreenArea },
}

/// A plot to export as PNG: which cell and plot (`loss`, `accuracy`, `boundary`, `fit`), its
/// size in pixels, the loss plot's options as shown, and its title.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotExport {
    pub cell: usize,
    pub what: String,
    pub title: String,
    pub size: [u32; 2],
    pub log: bool,
    pub per_step: bool,
}

/// The student's side: answers, the student's name, submissions.
#[derive(Clone, Debug, PartialEq)]
pub enum StudentCommand {
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
    /// Asks whether to clear the current student's answers to this lesson.
    StartOver,
    /// The answer to that question: `true` clears them.
    ConfirmStartOver(bool),
    /// Exports the student's answers for grading (asks where).
    ExportSubmission,
    /// Exports the student's answers to this file.
    ExportSubmissionTo(PathBuf),
}

impl Command {
    /// A button or setting of training cell `cell`.
    pub fn train(cell: usize, action: super::training::TrainAction) -> Command {
        Command::Lab(LabCommand::Train { cell, action })
    }
}

/// The answers to the unsaved-changes question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseAnswer {
    Save,
    Discard,
    Cancel,
}
