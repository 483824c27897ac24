//! Recovery files: unsaved edits survive a crash, as in a text editor. While the document has
//! unsaved changes, it is written every [`RECOVERY_INTERVAL`] seconds (when it changed since
//! the last write), atomically, to `recovery/` in the app's data folder
//! ([`Dialogs::data_dir`](super::files::Dialogs::data_dir)). A clean save, discarding the
//! changes, or another document replacing this one removes it. On the next start a file left
//! behind is offered: "Restore unsaved changes to X from 5 minutes ago?".
//!
//! The window that writes a recovery file holds a lock on it (released by the system when the
//! process ends, kill -9 included), so a second window started meanwhile does not offer the
//! first one's live changes.
//!
//! The record keeps the whole lesson with every network inline (a network cell read from a
//! file is written with its edits, and the file it names is put back on restore), the file it
//! belongs to and that file's stamp, so saving a restored lesson still notices a file changed
//! on disk in the meantime.

use super::files::{self, DiskStamp, FileLock};
use super::state::AppState;
use crate::lesson::variant::fnv1a64;
use crate::lesson::{FileKind, Lesson};
use crate::nn::doc::Syntax;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Seconds between writes of the recovery file while there are unsaved changes.
pub const RECOVERY_INTERVAL: f64 = 5.0;
/// The recovery record's format version.
pub const RECOVERY_FORMAT_VERSION: u32 = 1;

/// What a recovery file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub format_version: u32,
    /// The file the document was opened from or saved to, if any.
    pub file: Option<PathBuf>,
    pub network_file: bool,
    pub title: String,
    /// When it was written, in seconds since 1970 (UTC).
    pub written: u64,
    /// The lesson (TOML), every network inline.
    pub text: String,
    /// Network cells read from a file: (cell index, path as the lesson names it).
    #[serde(default)]
    pub paths: Vec<(usize, String)>,
    #[serde(default)]
    pub disk: Option<DiskStamp>,
}

/// The recovery file this window writes.
pub struct Active {
    path: PathBuf,
    _lock: FileLock,
    hash: u64,
    at: f64,
}

/// A recovery file left by a window that ended without saving, offered on start.
pub struct Offer {
    pub path: PathBuf,
    pub record: Record,
    /// Seconds since it was written.
    pub age: u64,
    _lock: FileLock,
}

/// The answers to the offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestoreAnswer {
    Restore,
    Discard,
    /// Keep the file and ask again at the next start.
    Later,
}

/// "5 minutes ago", "2 hours ago", "just now".
pub fn age_text(seconds: u64) -> String {
    let (n, unit) = match seconds {
        0..60 => return "less than a minute ago".into(),
        60..3600 => (seconds / 60, "minute"),
        3600..86_400 => (seconds / 3600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

impl AppState {
    fn recovery_dir(&self) -> Option<PathBuf> {
        self.session.dialogs.data_dir().map(|d| d.join("recovery"))
    }

    /// The document as a recovery record, `None` when it cannot be written as text.
    fn recovery_record(&self) -> Option<Record> {
        let mut lesson: Lesson = self.lesson();
        let mut paths = Vec::new();
        for (i, c) in lesson.cells.iter_mut().enumerate() {
            if let crate::lesson::Cell::Network(n) = c
                && let Some(p) = n.options.path.take()
            {
                paths.push((i, p));
            }
        }
        Some(Record {
            format_version: RECOVERY_FORMAT_VERSION,
            file: self.doc.file.clone(),
            network_file: self.doc.file_kind == FileKind::Network,
            title: self.doc.title.clone(),
            written: files::unix_now(),
            text: lesson.write(Syntax::Toml).ok()?,
            paths,
            disk: self.doc.disk.clone(),
        })
    }

    /// Writes the recovery file when there are unsaved changes, the last write is
    /// [`RECOVERY_INTERVAL`] old and the document changed since. Returns the seconds until the
    /// next write is due (the window wakes up then), `None` when nothing is unsaved.
    pub fn save_recovery_if_due(&mut self) -> Option<f64> {
        if !self.doc.dirty {
            return None;
        }
        let now = self.session.now;
        if let Some(a) = &self.session.recovery {
            let wait = a.at + RECOVERY_INTERVAL - now;
            if wait > 0.0 {
                return Some(wait);
            }
        }
        self.write_recovery();
        Some(RECOVERY_INTERVAL)
    }

    /// Writes the recovery file now if the document changed since the last write.
    pub fn write_recovery(&mut self) {
        let now = self.session.now;
        let Some(dir) = self.recovery_dir() else { return };
        let Some(record) = self.recovery_record() else { return };
        let hash = fnv1a64(record.text.as_bytes()) ^ fnv1a64(format!("{:?}{:?}", record.file, record.paths).as_bytes());
        if let Some(a) = &mut self.session.recovery {
            a.at = now;
            if a.hash == hash {
                return;
            }
        }
        let Ok(text) = serde_json::to_string(&record) else {
            return;
        };
        if self.session.recovery.is_none() {
            let name = format!("{}-{}.json", std::process::id(), files::unix_now_nanos());
            let path = dir.join(name);
            let lock = files::create_dir_all(&dir).and_then(|()| files::lock_beside(&path));
            match lock {
                Ok(lock) => {
                    self.session.recovery = Some(Active {
                        path,
                        _lock: lock,
                        hash: 0,
                        at: now,
                    })
                }
                Err(_) => return,
            }
        }
        if let Some(a) = &mut self.session.recovery
            && files::write_bytes(&a.path, text.as_bytes()).is_ok()
        {
            a.hash = hash;
        }
    }

    /// The changes were saved or discarded: the recovery file goes.
    pub(super) fn remove_recovery(&mut self) {
        if let Some(a) = self.session.recovery.take() {
            files::remove_with_lock(&a.path);
        }
    }

    /// On start: offers a recovery file a window left behind (the newest first), if any.
    pub fn offer_recovery(&mut self) {
        let Some(dir) = self.recovery_dir() else { return };
        let own = self.session.recovery.as_ref().map(|a| a.path.clone());
        let mut found: Vec<Offer> = Vec::new();
        for path in files::list_dir(&dir) {
            if path.extension().is_none_or(|e| e != "json")
                || Some(&path) == own.as_ref()
                || self.session.recovery_skipped.contains(&path)
            {
                continue;
            }
            // A window still running holds the lock: its changes are not offered.
            let Some(lock) = files::try_lock_beside(&path) else {
                continue;
            };
            let record = files::read_text(&path)
                .ok()
                .and_then(|t| serde_json::from_str::<Record>(&t).ok())
                .filter(|r| r.format_version == RECOVERY_FORMAT_VERSION);
            match record {
                Some(record) => found.push(Offer {
                    age: files::unix_now().saturating_sub(record.written),
                    path,
                    record,
                    _lock: lock,
                }),
                None => self.session.recovery_skipped.push(path),
            }
        }
        found.sort_by_key(|o| o.age);
        self.session.restore_offer = found.into_iter().next();
    }

    /// Applies the answer to the offer, then offers the next file left behind, if any.
    pub(super) fn answer_restore(&mut self, a: RestoreAnswer) {
        let Some(offer) = self.session.restore_offer.take() else {
            return;
        };
        match a {
            RestoreAnswer::Later => self.session.recovery_skipped.push(offer.path.clone()),
            RestoreAnswer::Discard => files::remove_with_lock(&offer.path),
            RestoreAnswer::Restore => match self.restore_record(&offer.record) {
                Ok(()) => {
                    files::remove_with_lock(&offer.path);
                    self.info(format!(
                        "Restored the unsaved changes to {} from {}. Save to keep them.",
                        offer.record.title,
                        age_text(offer.age)
                    ));
                }
                Err(e) => {
                    self.session.recovery_skipped.push(offer.path.clone());
                    self.error(format!(
                        "Could not restore the unsaved changes to {}: {e}",
                        offer.record.title
                    ));
                }
            },
        }
        drop(offer);
        self.offer_recovery();
    }

    fn restore_record(&mut self, r: &Record) -> Result<(), String> {
        let mut lesson = crate::lesson::parse_lesson(&r.text, Syntax::Toml).map_err(|e| e.to_string())?;
        for (i, p) in &r.paths {
            if let Some(crate::lesson::Cell::Network(n)) = lesson.cells.get_mut(*i) {
                n.options.path = Some(p.clone());
            }
        }
        let kind = if r.network_file {
            FileKind::Network
        } else {
            FileKind::Lesson
        };
        self.load_lesson(lesson, r.file.clone(), kind);
        self.doc.disk = r.disk.clone();
        self.doc.dirty = true;
        self.doc.history.lose_clean_point();
        // Kept at once under this window's own recovery file.
        self.write_recovery();
        Ok(())
    }
}
