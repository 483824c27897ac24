//! The application state and the one function that changes it, [`AppState::apply`]. The state
//! is the [`Document`] (what is saved and undone), the [`Session`] (what the window shows around
//! it) and the student's side ([`StudentState`]).

use super::cell::NetCell;
use super::command::{Command, Edit, NetCommand, StepNav, StudentCommand};
use super::document::Document;
use super::files;
use super::session::{Message, Pending, Session};
use super::student::{ExerciseAction, ExerciseState, PlotCell, QuizAction, QuizState, StudentState};
use super::training::TrainCell;
use super::undo::{Page, Saved};
use crate::lesson::{Cell, FileKind, Lesson, NetworkCell};
use std::path::PathBuf;

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

/// Everything the window holds: the document (what is saved and undone), the session (what
/// the window shows around it) and the student's side (the networks as given, progress).
pub struct AppState {
    pub doc: Document,
    pub session: Session,
    /// The networks as the lesson gave them, and progress bookkeeping.
    pub student: StudentState,
}

impl AppState {
    /// A state on `lesson`, with file dialogs from `dialogs`.
    pub fn new(lesson: Lesson, dialogs: Box<dyn files::Dialogs>) -> AppState {
        let mut s = AppState {
            doc: Document::default(),
            session: Session::new(dialogs),
            student: StudentState::default(),
        };
        s.load_lesson(lesson, None, FileKind::Lesson);
        s
    }

    /// The built-in lesson with no dialogs (tests, benchmarks).
    pub fn builtin_headless() -> AppState {
        let mut s = AppState::new(Lesson::builtin(), Box::new(files::NoDialogs));
        s.doc.builtin = Some(super::BuiltIn::SevenLayers);
        s
    }

    pub(super) fn load_lesson(&mut self, lesson: Lesson, file: Option<PathBuf>, kind: FileKind) {
        self.save_progress_now();
        // The document it replaces was saved or its changes discarded.
        self.remove_recovery();
        self.doc.title = lesson.title;
        self.doc.lesson_meta = lesson.meta;
        // The cells read the files the lesson names from its folder.
        self.set_file(file);
        self.doc.cells = lesson.cells.into_iter().map(|c| self.cell_state(c)).collect();
        self.session.csv_import = None;
        self.doc.file_kind = kind;
        self.session.active = None;
        self.session.selected_cell = None;
        self.session.scroll_to_cell = None;
        self.session.opened += 1;
        self.doc.dirty = false;
        self.doc.disk = None;
        self.doc.history.clear();
        self.doc.history.mark_clean();
        self.doc.builtin = None;
        self.lesson_loaded();
    }

    /// Sets the lesson's file, which also decides the folder its cells may read files from.
    pub(super) fn set_file(&mut self, file: Option<PathBuf>) {
        if let Ok(mut a) = self.session.access.write() {
            a.lesson_file.clone_from(&file);
        }
        self.doc.file = file;
    }

    /// The window's state for a lesson cell.
    pub(super) fn cell_state(&mut self, c: Cell) -> CellState {
        match c {
            Cell::Text(t) => CellState::Text(t),
            Cell::Network(d) => {
                let mut n = NetCell::new(d.doc);
                n.options = d.options;
                CellState::Network(Box::new(n))
            }
            Cell::Training(t) => CellState::Training(Box::new(TrainCell::new(
                *t,
                super::lab::reader(&self.session.access, self.session.dialogs.text_reader()),
            ))),
            Cell::Exercise(e) => CellState::Exercise(Box::new(self.exercise_state(*e))),
            Cell::Quiz(q) => CellState::Quiz(Box::new(QuizState::new(*q))),
            Cell::Plot(p) => CellState::Plot(Box::new(PlotCell::new(
                *p,
                &super::lab::reader(&self.session.access, self.session.dialogs.text_reader()),
            ))),
        }
    }

    /// Forgets the undo history (the networks it restores were replaced).
    pub(super) fn forget_history(&mut self) {
        self.doc.history.clear();
        if !self.doc.dirty {
            self.doc.history.mark_clean();
        }
    }

    /// The lesson as it is now (for saving).
    pub fn lesson(&self) -> Lesson {
        Lesson {
            title: self.doc.title.clone(),
            meta: self.doc.lesson_meta.clone(),
            cells: self.doc.cells.iter().map(|c| self.cell_of(c)).collect(),
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
            .doc
            .file
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().to_string());
        format!(
            "{}{}{} - MLP Notebook",
            if self.doc.dirty { "* " } else { "" },
            self.doc.title,
            file.map(|f| format!(" ({f})")).unwrap_or_default()
        )
    }

    /// The network cell at `cell`, if it is one.
    pub fn net(&self, cell: usize) -> Option<&NetCell> {
        match self.doc.cells.get(cell) {
            Some(CellState::Network(n)) => Some(n),
            _ => None,
        }
    }

    fn net_mut(&mut self, cell: usize) -> Option<&mut NetCell> {
        match self.doc.cells.get_mut(cell) {
            Some(CellState::Network(n)) => Some(n),
            _ => None,
        }
    }

    /// The index of the first network cell.
    pub fn first_net(&self) -> Option<usize> {
        self.doc.cells.iter().position(|c| matches!(c, CellState::Network(_)))
    }

    /// Whether the stepper is walking the chain rule of the network it shows (then Home and End
    /// are its keys; otherwise they scroll the page).
    pub fn stepping(&self) -> bool {
        self.stepper_net()
            .and_then(|c| self.net(c))
            .is_some_and(|n| n.step.is_some())
    }

    /// The network cell the stepper panel shows and its keys act on: [`AppState::active_net`],
    /// unless no network cell is in view (then none: nothing off screen is stepped).
    pub fn stepper_net(&self) -> Option<usize> {
        if self.session.no_net_in_view {
            None
        } else {
            self.active_net()
        }
    }

    /// The network cell the stepper shows: the last one acted on, else the first.
    pub fn active_net(&self) -> Option<usize> {
        self.session
            .active
            .filter(|&c| self.net(c).is_some())
            .or_else(|| self.first_net())
    }

    pub fn can_undo(&self) -> bool {
        self.doc.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.doc.history.can_redo()
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.session.message = Some(Message {
            text: text.into(),
            is_error: true,
        });
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.session.message = Some(Message {
            text: text.into(),
            is_error: false,
        });
    }

    /// Applies a command: the one place state changes.
    pub fn apply(&mut self, cmd: Command) {
        // Network and training cells' own commands, typing and choosing (the submission hands
        // in what was checked), exports, messages and the view leave the grade alone.
        let regrade = !matches!(
            cmd,
            Command::Net { .. }
                | Command::Lab(_)
                | Command::ExportWorksheet { .. }
                | Command::Export(_)
                | Command::ShowInfo(_)
                | Command::ShowError(_)
                | Command::Student(StudentCommand::Exercise {
                    action: ExerciseAction::Type { .. },
                    ..
                })
                | Command::Student(StudentCommand::Quiz {
                    action: QuizAction::Choose(_),
                    ..
                })
                | Command::SetNodeValue(_)
                | Command::SetNumberFormat(_)
                | Command::SetConvention(_)
                | Command::SetDark(_)
                | Command::SetZoom(_)
                | Command::ShowShortcuts(_)
                | Command::ShowAbout(_)
                | Command::ShowGlossary(_)
                | Command::CountLessonProgress
                | Command::DismissMessage
                | Command::SetPathText(_)
                | Command::NoNetworkInView
                | Command::ScrolledToNet
                | Command::Hover(_)
        );
        // Where the pointer and the page are: nothing of the lesson to refresh.
        let view_only = matches!(
            cmd,
            Command::Hover(_) | Command::NoNetworkInView | Command::ScrolledToNet
        );
        match cmd {
            Command::Net { cell, cmd } => {
                // The stepper panel shows the network cell last acted on.
                self.session.active = Some(cell);
                self.session.no_net_in_view = false;
                if matches!(cmd, NetCommand::Step(nav) if nav != StepNav::Reset) {
                    self.session.scroll_to_net = Some(cell);
                }
                self.net_command(cell, cmd);
            }
            Command::Lab(c) => self.lab_command(c),
            Command::Weights(c) => self.weights_command(c),
            Command::Student(c) => self.student_command(c),
            Command::Page(e) => self.page_edit(e),
            Command::SetNodeValue(v) => self.session.settings.view.node_value = v,
            Command::SetNumberFormat(f) => self.session.settings.view.number_format = f,
            Command::SetConvention(c) => self.session.settings.view.convention = c,
            Command::SetDark(d) => self.session.settings.view.dark = d,
            Command::SetZoom(z) => self.session.settings.view.zoom = z.clamp(0.5, 3.0),
            Command::ExportWorksheet { answers, to } => self.export_worksheet(answers, to),
            Command::Export(c) => self.export_command(c),
            Command::SetEditMode(on) => self.set_edit_mode(on),
            Command::Undo => {
                self.session.selected_cell = None;
                self.undo_redo(true)
            }
            Command::Redo => {
                self.session.selected_cell = None;
                self.undo_redo(false)
            }
            Command::NewNetwork => self.ask_then(Pending::New),
            Command::NewLesson => self.session.new_lesson_title = Some(String::new()),
            Command::SetNewLessonTitle(t) => {
                if self.session.new_lesson_title.is_some() {
                    self.session.new_lesson_title = Some(t);
                }
            }
            Command::FinishNewLesson(go) => self.finish_new_lesson(go),
            Command::CellShown => self.session.scroll_to_cell = None,
            Command::OpenBuiltin => self.ask_then(Pending::Builtin),
            Command::OpenShipped(i) => self.ask_then(Pending::Shipped(i)),
            Command::CountLessonProgress => self.count_shipped_progress(),
            Command::Open => self.ask_then(Pending::Open(None)),
            Command::OpenPath(p) if super::lab::is_csv(&p) => self.open_csv(&p),
            Command::OpenPath(p) => self.ask_then(Pending::Open(Some(p))),
            Command::Save => self.save_command(),
            Command::SaveAs => {
                self.save_as();
            }
            Command::SaveTo(p) => {
                self.save_to(&p);
            }
            Command::ShowShortcuts(on) => self.session.show_shortcuts = on,
            Command::ShowAbout(on) => self.session.show_about = on,
            Command::ShowGlossary(on) => self.session.show_glossary = on,
            Command::DismissMessage => self.session.message = None,
            Command::ShowInfo(t) => self.info(t),
            Command::ShowError(t) => self.error(t),
            Command::CloseAnswer(a) => self.answer(a),
            Command::SaveAnswer(a) => self.answer_save(a),
            Command::RestoreAnswer(a) => self.answer_restore(a),
            Command::SetPathText(t) => self.set_path_text(t),
            Command::FinishPath(ok) => self.finish_path(ok),
            Command::WritePicture { path, bytes } => match self.session.dialogs.write_bytes(&path, &bytes) {
                Ok(()) => self.info(format!("Saved the plot to {}", path.display())),
                Err(e) => self.error(format!("Could not save {}: {e}", path.display())),
            },
            Command::CopyLessonLink => self.copy_lesson_link(),
            Command::NoNetworkInView => self.session.no_net_in_view = true,
            Command::ScrolledToNet => self.session.scroll_to_net = None,
            Command::Hover(h) => self.session.hovered = h,
        }
        if view_only {
            return;
        }
        self.refresh_blanks();
        self.refresh_engine_answers();
        if regrade {
            self.refresh_grade();
        }
    }

    /// Edit mode on or off. A graded lesson can keep students out of it (`edit_mode = false`
    /// in its `[grading]`); opening it is recorded for the current student, since it shows the
    /// engine's answer under every exercise.
    fn set_edit_mode(&mut self, on: bool) {
        if on && !self.session.edit_mode {
            if !self.edit_mode_allowed() {
                return self.error(
                    "This is a graded lesson: edit mode, which shows the engine's answers, is off for students. \
                     To change the lesson, edit its file (or take `edit_mode = false` out of its [grading] table).",
                );
            }
            if !self.student.edit_mode_opened {
                self.student.edit_mode_opened = true;
                self.student.unsaved = true;
                self.save_progress_now();
            }
        }
        if self.session.edit_mode && !on {
            self.adopt_networks_as_given();
        }
        self.session.edit_mode = on;
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
        let now = self.session.now;
        let Some(n) = self.net_mut(cell) else { return };
        match n.apply(&edit) {
            Ok(snapshot) => {
                let key = edit.coalesce_key();
                self.doc
                    .history
                    .record(cell, key, now, || Saved::Cell(Box::new(snapshot)));
                self.doc.dirty = true;
                if matches!(self.session.message, Some(Message { is_error: true, .. })) {
                    self.session.message = None;
                }
            }
            Err(e) => self.error(format!("Not applied: {e}")),
        }
    }

    fn undo_redo(&mut self, undo: bool) {
        let Some(entry) = self.doc.history.take(undo) else {
            return;
        };
        let cell = entry.cell;
        let reached = entry.state;
        let current = match entry.saved {
            Saved::Cell(snapshot) => {
                let Some(CellState::Network(n)) = self.doc.cells.get_mut(cell) else {
                    return;
                };
                let current = n.snapshot();
                n.restore(*snapshot);
                Saved::Cell(Box::new(current))
            }
            Saved::Training(setup) => {
                let Some(CellState::Training(t)) = self.doc.cells.get_mut(cell) else {
                    return;
                };
                let current = Box::new(t.setup.clone());
                t.apply(super::training::TrainAction::Set(setup));
                Saved::Training(current)
            }
            Saved::Page(page) => {
                let mut cells = page.cells;
                super::undo::carry_training(&mut cells, &mut self.doc.cells);
                let current = Page {
                    title: std::mem::replace(&mut self.doc.title, page.title),
                    cells: std::mem::replace(&mut self.doc.cells, cells),
                };
                Saved::Page(Box::new(current))
            }
        };
        self.doc.history.put_back(undo, cell, current, reached);
        // Back where it was saved (or opened), nothing is left to save.
        self.doc.dirty = !self.doc.history.at_clean_point();
        if !self.doc.dirty {
            // Nothing unsaved is left to recover.
            self.remove_recovery();
        }
    }

    /// Records training cell `cell`'s settings before a change (a slider being dragged is one
    /// step).
    pub(super) fn push_training_undo(&mut self, cell: usize, before: crate::lesson::training::TrainingSetup) {
        let key = Some(format!("train {cell}"));
        self.doc
            .history
            .record(cell, key, self.session.now, || Saved::Training(Box::new(before)));
    }

    /// Records the whole page for undo, before edit mode changes it (typing in one text cell is
    /// one step). Returns whether a new step was pushed.
    pub(super) fn push_page_undo(&mut self, key: Option<String>) -> bool {
        let page = || {
            Saved::Page(Box::new(Page {
                title: self.doc.title.clone(),
                cells: self.doc.cells.clone(),
            }))
        };
        self.doc.history.record(0, key, self.session.now, page)
    }

    /// Puts live training cells a page edit took off the page into the last page snapshot, in
    /// place of its reset copies, so undoing the edit brings them back trained.
    pub(super) fn keep_removed_training(&mut self, removed: &mut [CellState]) {
        if let Some(page) = self.doc.history.last_page_mut() {
            super::undo::carry_training(&mut page.cells, removed);
        }
    }

    /// Takes back what recording a refused change did: its undo step, if one was `pushed`, and
    /// the emptying of the redo stack.
    pub(super) fn take_back_undo(&mut self, pushed: bool) {
        self.doc.history.take_back(pushed);
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
            // Only the steps of what the lesson has taught.
            let last = n.offered_steps().saturating_sub(1);
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
