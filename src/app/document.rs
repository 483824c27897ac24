//! The document: the lesson as the window holds it (title, metadata, cells), where it is saved,
//! whether it changed since, and the undo history of its changes. It is what is saved and what
//! undo restores; everything else is the [session](super::session). Opening and saving, and the
//! unsaved-changes question before a document is replaced or the window closes, are here too.

use super::command::CloseAnswer;
use super::files;
use super::path_prompt::PathFor;
use super::session::Pending;
use super::state::{AppState, CellState};
use super::undo::History;
use crate::lesson::{FileKind, Lesson, LessonMeta};
use std::path::{Path, PathBuf};

/// The lesson being worked on.
#[derive(Default)]
pub struct Document {
    pub title: String,
    /// The lesson's author, version and description, kept for saving.
    pub lesson_meta: LessonMeta,
    pub cells: Vec<CellState>,
    pub file: Option<PathBuf>,
    pub file_kind: FileKind,
    /// Changed since it was opened or saved.
    pub dirty: bool,
    /// The file as it was on disk when opened or last saved (to notice another program's
    /// changes before overwriting them).
    pub disk: Option<files::DiskStamp>,
    pub(super) history: History,
    /// The lesson came with the app (not from a file): Save does not write it, Save as copies it.
    pub builtin: Option<BuiltIn>,
}

/// A lesson that comes with the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltIn {
    /// File > Open built-in lesson (the seven-layer network the window starts with).
    SevenLayers,
    /// Lesson `i` of the shipped curriculum (`lesson::shipped::SHIPPED`, 0-based).
    Shipped(usize),
}

/// Opening, saving and the unsaved-changes question.
impl AppState {
    /// Runs `action` now, or first asks whether to save the changes.
    pub(super) fn ask_then(&mut self, action: Pending) {
        if self.doc.dirty {
            self.session.pending = Some(action);
        } else {
            self.run_pending(action);
        }
    }

    /// The new-lesson dialog closed: with `go`, the typed title starts a new lesson (after the
    /// unsaved-changes question); an empty title keeps the dialog open and says why.
    pub(super) fn finish_new_lesson(&mut self, go: bool) {
        let Some(title) = self.session.new_lesson_title.take() else {
            return;
        };
        if !go {
            return;
        }
        let title = title.trim().to_string();
        if title.is_empty() {
            self.session.new_lesson_title = Some(String::new());
            return self.error("A lesson needs a title: type one, or Cancel.");
        }
        self.ask_then(Pending::NewLesson(title));
    }

    /// The window asks to close; returns whether it may close now.
    pub fn request_close(&mut self) -> bool {
        if self.doc.dirty && !self.session.close_now {
            self.session.pending = Some(Pending::Close);
            false
        } else {
            true
        }
    }

    pub(super) fn answer(&mut self, a: CloseAnswer) {
        let Some(action) = self.session.pending.take() else {
            return;
        };
        match a {
            CloseAnswer::Cancel => {}
            CloseAnswer::Discard => {
                self.remove_recovery();
                self.run_pending(action);
            }
            // The action runs once the save succeeds, after any question the save asks.
            CloseAnswer::Save => self.save_then(action),
        }
    }

    pub(super) fn run_pending(&mut self, action: Pending) {
        match action {
            Pending::Close => self.session.close_now = true,
            Pending::New => match files::new_network_doc() {
                Ok(doc) => {
                    self.load_lesson(Lesson::from_network(doc), None, FileKind::Network);
                    self.info("New network: 2 inputs, one hidden layer of 3 ReLU units, 1 output.");
                }
                Err(e) => self.error(format!("Could not make a new network: {e}")),
            },
            Pending::NewLesson(title) => match super::edit::new_lesson(&title) {
                Ok(lesson) => {
                    self.load_lesson(lesson, None, FileKind::Lesson);
                    self.session.edit_mode = true;
                    self.info(format!(
                        "New lesson '{title}': a text cell and a network cell to start from. \
                         Add cells with \"Add cell\"; Save asks where to keep it."
                    ));
                }
                Err(e) => self.error(format!("Could not make a new lesson: {e}")),
            },
            Pending::Builtin => {
                self.load_lesson(Lesson::builtin(), None, FileKind::Lesson);
                self.doc.builtin = Some(BuiltIn::SevenLayers);
            }
            Pending::Shipped(i) => {
                let Some((title, text)) = crate::lesson::shipped::SHIPPED.get(i) else {
                    return;
                };
                match crate::lesson::parse_lesson(text, crate::nn::doc::Syntax::Toml) {
                    Ok(l) => {
                        self.load_lesson(l, None, FileKind::Lesson);
                        self.doc.builtin = Some(BuiltIn::Shipped(i));
                    }
                    Err(e) => self.error(format!("The lesson '{title}' could not be read:\n{e}")),
                }
            }
            Pending::Open(path) => {
                let path = match path {
                    Some(p) => p,
                    None => match self.session.dialogs.pick_open() {
                        Some(p) => p,
                        None => return self.dialog_gave_nothing(PathFor::Open, ""),
                    },
                };
                self.open_path(&path);
            }
            Pending::ImportWeights => self.pick_weights(),
        }
    }

    /// Opens a lesson or network file; on failure the current work stays and the error shows.
    pub fn open_path(&mut self, path: &Path) {
        if super::lab::is_csv(path) {
            self.open_csv(path);
            return;
        }
        if super::weights::is_weights(path) {
            self.import_weights(path);
            return;
        }
        match files::read_document(self.session.dialogs.as_ref(), path) {
            Ok((lesson, kind)) => {
                self.load_lesson(lesson, Some(path.to_path_buf()), kind);
                self.doc.disk = files::disk_stamp(path);
                self.session.remember(path);
                self.info(format!("Opened {}", path.display()));
            }
            Err(e) => self.error(format!("Could not open {}:\n{e}", path.display())),
        }
    }

    /// Opens a file that came as bytes without a path (dropped on a web page or picked in the
    /// browser): a lesson, a network or a CSV (for the training cell `cell`, or the first).
    pub fn open_bytes(&mut self, name: &str, bytes: &[u8], cell: Option<usize>) {
        let Some(path) = self.session.dialogs.keep(name, bytes) else {
            return self.error(format!(
                "Could not open {name}: it came without a place to read it from."
            ));
        };
        match cell {
            Some(cell) => self.apply(super::Command::Lab(super::LabCommand::ImportCsvPath { cell, path })),
            None => self.apply(super::Command::OpenPath(path)),
        }
    }

    /// File > Save: a lesson that came with the app is read-only, so instead of asking for a
    /// file without saying why, it says so (and that answers keep themselves); a lesson from a
    /// file is saved to it, a new one asks where.
    pub(super) fn save_command(&mut self) {
        if self.doc.file.is_none() && self.doc.builtin.is_some() {
            let copy = if self.doc.dirty {
                "To keep your changes to the lesson, save a copy with File > Save as..."
            } else {
                "For a copy you can change, use File > Save as..."
            };
            self.info(format!(
                "'{}' comes with the app and is read-only: Save does not write it. \
                 Your answers are kept automatically, for each student. {copy}",
                self.doc.title
            ));
            return;
        }
        self.save();
    }

    /// Saves to the current file (or asks for one). Returns whether it was saved.
    pub fn save(&mut self) -> bool {
        match self.doc.file.clone() {
            Some(p) => self.save_to(&p),
            None => self.save_as(),
        }
    }

    pub(super) fn save_as(&mut self) -> bool {
        let suggested = match self.doc.file_kind {
            FileKind::Network => "network.toml".to_string(),
            FileKind::Lesson => super::edit::file_name_for(&self.doc.title),
        };
        match self.session.dialogs.pick_save(&suggested) {
            Some(p) => self.save_to(&p),
            None => {
                self.dialog_gave_nothing(PathFor::SaveAs, &suggested);
                false
            }
        }
    }

    /// Saves to `path`, after checking that the file did not change on disk and where the
    /// edits of networks read from files go ([`super::save_checks`]).
    pub(super) fn save_to(&mut self, path: &Path) -> bool {
        self.save_checked(path, super::save_checks::Allowed::default())
    }
}
