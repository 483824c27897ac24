//! The undo history: what each step restores, and the one rule for merging steps (changes
//! with the same key less than [`COALESCE_SECONDS`] apart are one step, so a drag or a burst
//! of typing undoes at once). [`AppState`](super::AppState) records and replays the steps.

use super::cell::CellSnapshot;
use super::state::CellState;
use crate::lesson::training::TrainingSetup;

/// At most this many undo steps are kept.
pub const UNDO_LIMIT: usize = 200;
/// Edits of the same value closer together than this (seconds) are one undo step.
pub const COALESCE_SECONDS: f64 = 1.0;

/// One undo step: what to put back, for which cell.
#[derive(Clone, Debug)]
pub(super) struct UndoEntry {
    pub cell: usize,
    pub saved: Saved,
    key: Option<String>,
    time: f64,
}

/// What an undo step restores.
#[derive(Clone, Debug)]
pub(super) enum Saved {
    /// One network cell.
    Cell(Box<CellSnapshot>),
    /// The whole page (edit mode's changes).
    Page(Box<Page>),
    /// A training cell's settings (undo puts them back as a changed setting would).
    Training(Box<TrainingSetup>),
}

/// The page as edit mode changes it: the title and every cell.
#[derive(Clone, Debug)]
pub(super) struct Page {
    pub title: String,
    pub cells: Vec<CellState>,
}

/// The undo and redo stacks.
#[derive(Clone, Debug, Default)]
pub(super) struct History {
    undo: Vec<UndoEntry>,
    redo: Vec<UndoEntry>,
}

impl History {
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }

    /// Records a change of `cell` made at `now`. If it continues the last step (same key,
    /// within a second) that step only gets the new time, and `saved` is not called. Returns
    /// whether a new step was pushed. Any change empties the redo stack.
    pub fn record(&mut self, cell: usize, key: Option<String>, now: f64, saved: impl FnOnce() -> Saved) -> bool {
        self.redo.clear();
        if let Some(last) = self.undo.last_mut()
            && key.is_some()
            && last.key == key
            && last.cell == cell
            && now - last.time < COALESCE_SECONDS
        {
            last.time = now;
            return false;
        }
        self.undo.push(UndoEntry {
            cell,
            saved: saved(),
            key,
            time: now,
        });
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        true
    }

    /// Takes back the last step pushed by [`History::record`] (a change that was refused).
    pub fn drop_last(&mut self) {
        self.undo.pop();
    }

    /// The step to undo (or redo).
    pub fn take(&mut self, undo: bool) -> Option<UndoEntry> {
        if undo { self.undo.pop() } else { self.redo.pop() }
    }

    /// After undoing (or redoing) a step: what it replaced goes on the other stack.
    pub fn put_back(&mut self, undo: bool, cell: usize, saved: Saved) {
        let entry = UndoEntry {
            cell,
            saved,
            key: None,
            time: f64::NEG_INFINITY,
        };
        if undo {
            self.redo.push(entry)
        } else {
            self.undo.push(entry)
        }
    }
}
