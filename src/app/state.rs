//! The application state and the one function that changes it, [`AppState::apply`].

use super::cell::NetCell;
use super::command::{CloseAnswer, Command, Convention, Edit, NetCommand, NodeValue, StepNav};
use super::files;
use super::import::CsvImport;
use super::student::{ExerciseState, PlotCell, QuizState, StudentState};
use super::training::TrainCell;
use super::undo::{History, Page, Saved};
use crate::lesson::{Cell, FileKind, Lesson, LessonMeta, NetworkCell};
use crate::nn::numfmt::NumberFormat;
use std::path::{Path, PathBuf};

/// Recent files remembered.
pub const RECENT_LIMIT: usize = 8;

/// A lesson cell as the window holds it.
#[derive(Clone, Debug)]
pub enum CellState {
    Text(String),
    Network(Box<NetCell>),
    Training(Box<TrainCell>),
    Exercise(Box<ExerciseState>),
    Quiz(Box<QuizState>),
    Plot(Box<PlotCell>),
}

/// View settings, remembered between runs. A setting missing from what an older build stored
/// takes its default (the container-level `serde(default)`), so adding one never resets the rest.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    pub node_value: NodeValue,
    pub number_format: NumberFormat,
    pub convention: Convention,
    pub dark: bool,
    pub zoom: f32,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            node_value: NodeValue::A,
            number_format: NumberFormat::Auto,
            convention: Convention::Torch,
            dark: false,
            zoom: 1.0,
        }
    }
}

/// What is remembered between runs (besides the window size, which eframe keeps); missing
/// fields take their defaults, as in [`ViewSettings`].
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub view: ViewSettings,
    pub recent: Vec<PathBuf>,
    /// The student's name or id: it picks their variant networks and goes into submissions.
    pub student: String,
}

/// A message shown in the window until dismissed.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

/// What to do once the unsaved-changes question is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    Close,
    Open(Option<PathBuf>),
    New,
    Builtin,
    /// A lesson of the shipped curriculum (`lesson::shipped::SHIPPED`).
    Shipped(usize),
}

/// Everything the window shows.
pub struct AppState {
    pub title: String,
    /// The lesson's author, version and description, kept for saving.
    pub lesson_meta: LessonMeta,
    pub cells: Vec<CellState>,
    pub file: Option<PathBuf>,
    pub file_kind: FileKind,
    pub dirty: bool,
    pub settings: Settings,
    pub message: Option<Message>,
    /// Waiting for the answer to "save changes?".
    pub pending: Option<Pending>,
    /// Set when the window may close now (the glue sends the close command).
    pub close_now: bool,
    pub show_shortcuts: bool,
    pub show_about: bool,
    /// The network cell the stepper panel and the arrow keys act on.
    pub active: Option<usize>,
    /// The current time in seconds (from egui's input), for coalescing undo steps.
    pub now: f64,
    /// Edit mode: the instructor's tools on every cell (off: the page as a student sees it).
    pub edit_mode: bool,
    /// The CSV import dialog, while open.
    pub csv_import: Option<Box<CsvImport>>,
    /// A plot to save as PNG once the window has taken a screenshot: (file, area in points).
    pub screenshot_request: Option<(PathBuf, super::ScreenArea)>,
    /// The networks as the lesson gave them, and progress bookkeeping.
    pub student: StudentState,
    /// Show the values exercises ask for in network cells even while unanswered (instructors,
    /// tests); students see them blank until answered.
    pub reveal_answers: bool,
    history: History,
    pub(super) dialogs: Box<dyn files::Dialogs>,
}

impl AppState {
    /// A state on `lesson`, with file dialogs from `dialogs`.
    pub fn new(lesson: Lesson, dialogs: Box<dyn files::Dialogs>) -> AppState {
        let mut s = AppState {
            title: String::new(),
            lesson_meta: LessonMeta::default(),
            cells: Vec::new(),
            file: None,
            file_kind: FileKind::Lesson,
            dirty: false,
            settings: Settings::default(),
            message: None,
            pending: None,
            close_now: false,
            show_shortcuts: false,
            show_about: false,
            active: None,
            now: 0.0,
            edit_mode: false,
            csv_import: None,
            screenshot_request: None,
            student: StudentState::default(),
            reveal_answers: false,
            history: History::default(),
            dialogs,
        };
        s.load_lesson(lesson, None, FileKind::Lesson);
        s
    }

    /// The built-in lesson with no dialogs (tests, benchmarks).
    pub fn builtin_headless() -> AppState {
        AppState::new(Lesson::builtin(), Box::new(files::NoDialogs))
    }

    fn load_lesson(&mut self, lesson: Lesson, file: Option<PathBuf>, kind: FileKind) {
        self.save_progress_now();
        self.title = lesson.title;
        self.lesson_meta = lesson.meta;
        self.cells = lesson
            .cells
            .into_iter()
            .map(|c| self.cell_state(c, file.as_deref()))
            .collect();
        self.csv_import = None;
        self.file = file;
        self.file_kind = kind;
        self.active = None;
        self.dirty = false;
        self.history.clear();
        self.lesson_loaded();
    }

    /// The window's state for a lesson cell (`file`: the lesson's file, for relative paths).
    pub(super) fn cell_state(&mut self, c: Cell, file: Option<&Path>) -> CellState {
        match c {
            Cell::Text(t) => CellState::Text(t),
            Cell::Network(d) => {
                let mut n = NetCell::new(d.doc);
                n.options = d.options;
                CellState::Network(Box::new(n))
            }
            Cell::Training(t) => CellState::Training(Box::new(TrainCell::new(*t, super::lab::reader(file)))),
            Cell::Exercise(e) => CellState::Exercise(Box::new(self.exercise_state(*e))),
            Cell::Quiz(q) => CellState::Quiz(Box::new(QuizState::new(*q))),
            Cell::Plot(p) => CellState::Plot(Box::new(PlotCell::new(*p, &super::lab::reader(file)))),
        }
    }

    /// Forgets the undo history (the networks it restores were replaced).
    pub(super) fn forget_history(&mut self) {
        self.history.clear();
    }

    /// The lesson as it is now (for saving).
    pub fn lesson(&self) -> Lesson {
        Lesson {
            title: self.title.clone(),
            meta: self.lesson_meta.clone(),
            cells: self.cells.iter().map(|c| self.cell_of(c)).collect(),
        }
    }

    /// The lesson cell a window cell saves as.
    pub(super) fn cell_of(&self, c: &CellState) -> Cell {
        match c {
            CellState::Text(t) => Cell::Text(t.clone()),
            CellState::Network(n) => Cell::Network(Box::new(NetworkCell {
                options: n.options.clone(),
                doc: self.doc_to_save(n),
            })),
            CellState::Training(t) => Cell::Training(Box::new(t.setup.clone())),
            CellState::Exercise(e) => Cell::Exercise(Box::new(e.exercise.clone())),
            CellState::Quiz(q) => Cell::Quiz(Box::new(q.quiz.clone())),
            CellState::Plot(p) => Cell::Plot(Box::new(p.plot.clone())),
        }
    }

    /// The window's title: `* ` when unsaved, the lesson's title, the file's name.
    pub fn window_title(&self) -> String {
        let file = self
            .file
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().to_string());
        format!(
            "{}{}{} - MLP Notebook",
            if self.dirty { "* " } else { "" },
            self.title,
            file.map(|f| format!(" ({f})")).unwrap_or_default()
        )
    }

    /// The network cell at `cell`, if it is one.
    pub fn net(&self, cell: usize) -> Option<&NetCell> {
        match self.cells.get(cell) {
            Some(CellState::Network(n)) => Some(n),
            _ => None,
        }
    }

    fn net_mut(&mut self, cell: usize) -> Option<&mut NetCell> {
        match self.cells.get_mut(cell) {
            Some(CellState::Network(n)) => Some(n),
            _ => None,
        }
    }

    /// The index of the first network cell.
    pub fn first_net(&self) -> Option<usize> {
        self.cells.iter().position(|c| matches!(c, CellState::Network(_)))
    }

    /// The network cell the stepper shows: the last one acted on, else the first.
    pub fn active_net(&self) -> Option<usize> {
        self.active
            .filter(|&c| self.net(c).is_some())
            .or_else(|| self.first_net())
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: true,
        });
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: false,
        });
    }

    /// Applies a command: the one place state changes.
    pub fn apply(&mut self, cmd: Command) {
        match cmd {
            Command::Net { cell, cmd } => {
                // The stepper panel shows the network cell last acted on.
                self.active = Some(cell);
                self.net_command(cell, cmd);
            }
            Command::Lab(c) => self.lab_command(c),
            Command::Student(c) => self.student_command(c),
            Command::Page(e) => self.page_edit(e),
            Command::SetNodeValue(v) => self.settings.view.node_value = v,
            Command::SetNumberFormat(f) => self.settings.view.number_format = f,
            Command::SetConvention(c) => self.settings.view.convention = c,
            Command::SetDark(d) => self.settings.view.dark = d,
            Command::SetZoom(z) => self.settings.view.zoom = z.clamp(0.5, 3.0),
            Command::ExportWorksheet { answers, to } => self.export_worksheet(answers, to),
            Command::SetEditMode(on) => {
                if self.edit_mode && !on {
                    self.adopt_networks_as_given();
                }
                self.edit_mode = on;
            }
            Command::Undo => self.undo_redo(true),
            Command::Redo => self.undo_redo(false),
            Command::NewNetwork => self.ask_then(Pending::New),
            Command::OpenBuiltin => self.ask_then(Pending::Builtin),
            Command::OpenShipped(i) => self.ask_then(Pending::Shipped(i)),
            Command::Open => self.ask_then(Pending::Open(None)),
            Command::OpenPath(p) if super::lab::is_csv(&p) => self.open_csv(&p),
            Command::OpenPath(p) => self.ask_then(Pending::Open(Some(p))),
            Command::Save => {
                self.save();
            }
            Command::SaveAs => {
                self.save_as();
            }
            Command::SaveTo(p) => {
                self.save_to(&p);
            }
            Command::ShowShortcuts(on) => self.show_shortcuts = on,
            Command::ShowAbout(on) => self.show_about = on,
            Command::DismissMessage => self.message = None,
            Command::ShowInfo(t) => self.info(t),
            Command::ShowError(t) => self.error(t),
            Command::CloseAnswer(a) => self.answer(a),
        }
        self.refresh_blanks();
        self.refresh_engine_answers();
    }

    /// A command for network cell `cell`: edits change the document (and are undoable), the
    /// rest only what the cell shows.
    fn net_command(&mut self, cell: usize, cmd: NetCommand) {
        match cmd {
            NetCommand::Edit(edit) => self.edit(cell, edit),
            view => {
                if let Some(n) = self.net_mut(cell) {
                    view_command(n, view);
                }
            }
        }
    }

    fn edit(&mut self, cell: usize, edit: Edit) {
        let now = self.now;
        let Some(n) = self.net_mut(cell) else { return };
        match n.apply(&edit) {
            Ok(snapshot) => {
                let key = edit.coalesce_key();
                self.history.record(cell, key, now, || Saved::Cell(Box::new(snapshot)));
                self.dirty = true;
                if matches!(self.message, Some(Message { is_error: true, .. })) {
                    self.message = None;
                }
            }
            Err(e) => self.error(format!("Not applied: {e}")),
        }
    }

    fn undo_redo(&mut self, undo: bool) {
        let Some(entry) = self.history.take(undo) else { return };
        let cell = entry.cell;
        let current = match entry.saved {
            Saved::Cell(snapshot) => {
                let Some(CellState::Network(n)) = self.cells.get_mut(cell) else {
                    return;
                };
                let current = n.snapshot();
                n.restore(*snapshot);
                Saved::Cell(Box::new(current))
            }
            Saved::Training(setup) => {
                let Some(CellState::Training(t)) = self.cells.get_mut(cell) else {
                    return;
                };
                let current = Box::new(t.setup.clone());
                t.apply(super::training::TrainAction::Set(setup));
                Saved::Training(current)
            }
            Saved::Page(page) => {
                let mut cells = page.cells;
                super::undo::carry_training(&mut cells, &mut self.cells);
                let current = Page {
                    title: std::mem::replace(&mut self.title, page.title),
                    cells: std::mem::replace(&mut self.cells, cells),
                };
                Saved::Page(Box::new(current))
            }
        };
        self.history.put_back(undo, cell, current);
        self.dirty = true;
    }

    /// Records training cell `cell`'s settings before a change (a slider being dragged is one
    /// step).
    pub(super) fn push_training_undo(&mut self, cell: usize, before: crate::lesson::training::TrainingSetup) {
        let key = Some(format!("train {cell}"));
        self.history
            .record(cell, key, self.now, || Saved::Training(Box::new(before)));
    }

    /// Records the whole page for undo, before edit mode changes it (typing in one text cell is
    /// one step). Returns whether a new step was pushed.
    pub(super) fn push_page_undo(&mut self, key: Option<String>) -> bool {
        let page = || {
            Saved::Page(Box::new(Page {
                title: self.title.clone(),
                cells: self.cells.clone(),
            }))
        };
        self.history.record(0, key, self.now, page)
    }

    /// Puts live training cells a page edit took off the page into the last page snapshot, in
    /// place of its reset copies, so undoing the edit brings them back trained.
    pub(super) fn keep_removed_training(&mut self, removed: &mut [CellState]) {
        if let Some(page) = self.history.last_page_mut() {
            super::undo::carry_training(&mut page.cells, removed);
        }
    }

    /// Takes back the undo step of a refused change.
    pub(super) fn drop_last_undo(&mut self) {
        self.history.drop_last();
    }

    fn ask_then(&mut self, action: Pending) {
        if self.dirty {
            self.pending = Some(action);
        } else {
            self.run_pending(action);
        }
    }

    /// The window asks to close; returns whether it may close now.
    pub fn request_close(&mut self) -> bool {
        if self.dirty && !self.close_now {
            self.pending = Some(Pending::Close);
            false
        } else {
            true
        }
    }

    fn answer(&mut self, a: CloseAnswer) {
        let Some(action) = self.pending.take() else { return };
        match a {
            CloseAnswer::Cancel => {}
            CloseAnswer::Discard => self.run_pending(action),
            CloseAnswer::Save => {
                if self.save() {
                    self.run_pending(action);
                }
            }
        }
    }

    fn run_pending(&mut self, action: Pending) {
        match action {
            Pending::Close => self.close_now = true,
            Pending::New => match files::new_network_doc() {
                Ok(doc) => {
                    self.load_lesson(Lesson::from_network(doc), None, FileKind::Network);
                    self.info("New network: 2 inputs, one hidden layer of 3 ReLU units, 1 output.");
                }
                Err(e) => self.error(format!("Could not make a new network: {e}")),
            },
            Pending::Builtin => self.load_lesson(Lesson::builtin(), None, FileKind::Lesson),
            Pending::Shipped(i) => {
                let Some((title, text)) = crate::lesson::shipped::SHIPPED.get(i) else {
                    return;
                };
                match crate::lesson::parse_lesson(text, crate::nn::doc::Syntax::Toml) {
                    Ok(l) => self.load_lesson(l, None, FileKind::Lesson),
                    Err(e) => self.error(format!("The lesson '{title}' could not be read:\n{e}")),
                }
            }
            Pending::Open(path) => {
                let path = match path {
                    Some(p) => p,
                    None => match self.dialogs.pick_open() {
                        Some(p) => p,
                        None => return,
                    },
                };
                self.open_path(&path);
            }
        }
    }

    /// Opens a lesson or network file; on failure the current work stays and the error shows.
    pub fn open_path(&mut self, path: &Path) {
        if super::lab::is_csv(path) {
            self.open_csv(path);
            return;
        }
        match files::read_document(path) {
            Ok((lesson, kind)) => {
                self.load_lesson(lesson, Some(path.to_path_buf()), kind);
                self.remember(path);
                self.info(format!("Opened {}", path.display()));
            }
            Err(e) => self.error(format!("Could not open {}:\n{e}", path.display())),
        }
    }

    fn remember(&mut self, path: &Path) {
        let recent = &mut self.settings.recent;
        recent.retain(|p| p != path);
        recent.insert(0, path.to_path_buf());
        recent.truncate(RECENT_LIMIT);
    }

    /// Saves to the current file (or asks for one). Returns whether it was saved.
    pub fn save(&mut self) -> bool {
        match self.file.clone() {
            Some(p) => self.save_to(&p),
            None => self.save_as(),
        }
    }

    fn save_as(&mut self) -> bool {
        let suggested = match self.file_kind {
            FileKind::Network => "network.toml",
            FileKind::Lesson => "lesson.toml",
        };
        match self.dialogs.pick_save(suggested) {
            Some(p) => self.save_to(&p),
            None => false,
        }
    }

    fn save_to(&mut self, path: &Path) -> bool {
        match files::write_document(path, &self.lesson(), self.file_kind) {
            Ok(()) => {
                self.file = Some(path.to_path_buf());
                self.dirty = false;
                self.remember(path);
                self.info(format!("Saved {}", path.display()));
                true
            }
            Err(e) => {
                self.error(format!("Could not save {}: {e}", path.display()));
                false
            }
        }
    }
}

/// A command that changes what network cell `n` shows, not its document.
fn view_command(n: &mut NetCell, cmd: NetCommand) {
    match cmd {
        // Edits go through `AppState::edit`, which records undo.
        NetCommand::Edit(_) => {}
        NetCommand::SelectLayer(layer) => n.selected_layer = layer.min(n.doc.net.len() - 1),
        NetCommand::Select(selection) => {
            n.selection = selection;
            if let Some(l) = selection.and_then(|s| selected_layer_of(s, n.doc.net.len())) {
                n.selected_layer = l;
            }
        }
        NetCommand::SetSample(sample) => {
            n.sample = sample.min(n.doc.batch() - 1);
            n.recompute();
        }
        NetCommand::Step(nav) => {
            let last = n.steps.len().saturating_sub(1);
            n.step = match (nav, n.step) {
                (StepNav::Reset, _) => None,
                (StepNav::First, _) | (StepNav::Next, None) => Some(0),
                (StepNav::Last, _) | (StepNav::Prev, None) => Some(last),
                (StepNav::Next, Some(s)) => Some((s + 1).min(last)),
                (StepNav::Prev, Some(s)) => Some(s.saturating_sub(1)),
                (StepNav::Goto(i), _) => Some(i.min(last)),
            };
            if let Some(l) = n.current_step().and_then(|s| s.layer) {
                n.selected_layer = l;
            }
        }
        NetCommand::RevealAll(on) => n.reveal_all = on,
        // Applying made the cell the active one: nothing else changes.
        NetCommand::ShowInStepper => {}
    }
}

/// The layer a selection belongs to (for the matrix view).
fn selected_layer_of(s: super::command::Selection, layers: usize) -> Option<usize> {
    match s {
        super::command::Selection::Node { column, .. } => Some(column.saturating_sub(1).min(layers - 1)),
        super::command::Selection::Edge { layer, .. } => Some(layer),
    }
}
