//! What a save checks before it writes, and the questions it asks: whether the file changed on
//! disk since it was opened or saved (another window, another program), and where the edits of
//! a network cell read from `path = "..."` go. A save never silently drops an edit and never
//! silently overwrites someone else's.
//!
//! - The lesson's file: its modification time, length and a hash of its content are kept when
//!   it is opened or saved ([`files::DiskStamp`]); before overwriting it, a save compares them
//!   with the file as it is now and asks (Overwrite / Reload / Cancel) when it changed.
//! - A network cell read from a file: a save compares the cell's network with that file; when
//!   they differ it writes the network to the file (atomically, before the lesson) when the file
//!   is inside the lesson's folder and no other lesson there names it, and asks first when it is
//!   outside or shared (write it there / put the network in the lesson instead / cancel). Other
//!   lessons are known only in the lesson's own folder: a lesson elsewhere naming the same file
//!   through `..` is not seen.

use super::files;
use super::session::Pending;
use super::state::{AppState, CellState};
use crate::lesson::FileKind;
use crate::nn::doc::NetworkDoc;
use std::path::{Path, PathBuf};

/// A question a save asks before it writes.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveQuestion {
    /// The lesson's file changed on disk since it was opened or last saved.
    ChangedOnDisk { path: PathBuf },
    /// Edited network cells are read from files outside the lesson's folder, or from files
    /// other lessons in its folder name too (`shared_with`, their file names); `files` are the
    /// paths as the lesson names them.
    NetworkFilesShared {
        path: PathBuf,
        files: Vec<String>,
        outside: bool,
        shared_with: Vec<String>,
    },
}

/// The answers to a [`SaveQuestion`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveAnswer {
    /// Changed on disk: write over the other version.
    Overwrite,
    /// Changed on disk: read the file again, dropping the edits made here.
    Reload,
    /// Shared networks: write the edits to those files.
    WriteNetworkFiles,
    /// Shared networks: put those networks in the lesson itself (no `path`).
    MakeInline,
    Cancel,
}

/// What the user already allowed for the save under way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Allowed {
    pub overwrite: bool,
    /// Network files outside the folder or shared with other lessons may be written.
    pub shared: bool,
}

/// A network cell whose edits must go to its own file.
struct NetFile {
    /// The path as the lesson names it.
    named: String,
    /// Where it is on disk, relative to the lesson being saved.
    path: PathBuf,
    doc: NetworkDoc,
    inside: bool,
    /// Other lessons in the lesson's folder that name the same file.
    shared_with: Vec<String>,
}

impl AppState {
    /// Saves to `path` after the checks; a question stops the save until it is answered.
    pub(super) fn save_checked(&mut self, path: &Path, allowed: Allowed) -> bool {
        let same_file = self.doc.file.as_deref() == Some(path);
        if same_file
            && !allowed.overwrite
            && let Some(stamp) = &self.doc.disk
            && files::changed_on_disk(path, stamp)
        {
            self.session.save_question = Some(SaveQuestion::ChangedOnDisk {
                path: path.to_path_buf(),
            });
            return false;
        }
        let nets = self.network_files(path);
        let asked: Vec<&NetFile> = nets.iter().filter(|n| !n.inside || !n.shared_with.is_empty()).collect();
        if !asked.is_empty() && !allowed.shared {
            let mut shared_with: Vec<String> = asked.iter().flat_map(|n| n.shared_with.clone()).collect();
            shared_with.sort();
            shared_with.dedup();
            self.session.save_question = Some(SaveQuestion::NetworkFilesShared {
                path: path.to_path_buf(),
                files: asked.iter().map(|n| n.named.clone()).collect(),
                outside: asked.iter().any(|n| !n.inside),
                shared_with,
            });
            return false;
        }
        for n in &nets {
            if let Err(e) = files::write_network(&n.path, &n.doc) {
                self.error(format!(
                    "Could not save {}: the network file '{}' could not be written, so nothing was saved: {e}",
                    path.display(),
                    n.named
                ));
                self.session.after_save = None;
                return false;
            }
        }
        match files::write_document(self.session.dialogs.as_ref(), path, &self.lesson(), self.doc.file_kind) {
            Ok(()) => {
                self.doc.file = Some(path.to_path_buf());
                self.doc.disk = files::disk_stamp(path);
                self.doc.dirty = false;
                self.doc.history.mark_clean();
                self.session.remember(path);
                let also: Vec<&str> = nets.iter().map(|n| n.named.as_str()).collect();
                if also.is_empty() {
                    self.info(format!("Saved {}", path.display()));
                } else {
                    self.info(format!("Saved {} and {}", path.display(), also.join(", ")));
                }
                self.remove_recovery();
                if let Some(action) = self.session.after_save.take() {
                    self.run_pending(action);
                }
                true
            }
            Err(e) => {
                self.error(format!("Could not save {}: {e}", path.display()));
                self.session.after_save = None;
                false
            }
        }
    }

    /// The network cells read from a file whose network differs from that file (relative to
    /// the lesson saved at `lesson_path`).
    fn network_files(&self, lesson_path: &Path) -> Vec<NetFile> {
        if self.doc.file_kind != FileKind::Lesson {
            return Vec::new();
        }
        let dir = lesson_path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut out: Vec<NetFile> = Vec::new();
        for c in &self.doc.cells {
            let CellState::Network(n) = c else { continue };
            let Some(named) = &n.options.path else { continue };
            let path = dir.join(named);
            let doc = self.doc_to_save(n);
            let on_disk = files::read_network(&path);
            if on_disk.as_ref() == Some(&doc) || out.iter().any(|o| o.path == path) {
                continue;
            }
            out.push(NetFile {
                named: named.clone(),
                inside: files::is_inside(&dir, &path),
                shared_with: files::lessons_naming(&dir, named, lesson_path),
                path,
                doc,
            });
        }
        out
    }

    /// Applies the answer to the save's question.
    pub(super) fn answer_save(&mut self, a: SaveAnswer) {
        let Some(q) = self.session.save_question.take() else {
            return;
        };
        match (q, a) {
            (_, SaveAnswer::Cancel) => self.session.after_save = None,
            (SaveQuestion::ChangedOnDisk { path }, SaveAnswer::Overwrite) => {
                self.save_checked(
                    &path,
                    Allowed {
                        overwrite: true,
                        shared: false,
                    },
                );
            }
            (SaveQuestion::ChangedOnDisk { path }, SaveAnswer::Reload) => {
                self.session.after_save = None;
                self.open_path(&path);
            }
            (SaveQuestion::NetworkFilesShared { path, .. }, SaveAnswer::WriteNetworkFiles) => {
                self.save_checked(
                    &path,
                    Allowed {
                        overwrite: true,
                        shared: true,
                    },
                );
            }
            (SaveQuestion::NetworkFilesShared { path, files, .. }, SaveAnswer::MakeInline) => {
                for c in &mut self.doc.cells {
                    if let CellState::Network(n) = c
                        && n.options.path.as_ref().is_some_and(|p| files.contains(p))
                    {
                        n.options.path = None;
                    }
                }
                self.doc.dirty = true;
                self.doc.history.lose_clean_point();
                self.save_checked(
                    &path,
                    Allowed {
                        overwrite: true,
                        shared: true,
                    },
                );
            }
            // An answer that does not belong to the question asks it again.
            (q, _) => self.session.save_question = Some(q),
        }
    }

    /// Runs `action` once the save under way succeeds (the unsaved-changes question's "Save").
    pub(super) fn save_then(&mut self, action: Pending) {
        self.session.after_save = Some(action);
        self.save();
        // Cancelled without a question or a path prompt still open: nothing waits any more.
        if self.session.save_question.is_none() && self.session.path_prompt.is_none() {
            self.session.after_save = None;
        }
    }
}
