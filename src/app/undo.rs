//! The undo history: what each step restores, and the one rule for merging steps (changes
//! with the same key less than [`COALESCE_SECONDS`] apart are one step, so a drag or a burst
//! of typing undoes at once). [`AppState`](super::AppState) records and replays the steps.
//!
//! Every state of the document the history can reach has a number; the
//! number of the state last saved or opened is the clean point, so undoing back to it makes the
//! document clean again ([`History::at_clean_point`]). A change made outside the history (one
//! undo cannot take back) leaves no clean point to come back to.

use super::cell::CellSnapshot;
use super::state::CellState;
use crate::lesson::training::TrainingSetup;
use std::collections::VecDeque;

/// At most this many undo steps are kept.
pub const UNDO_LIMIT: usize = 200;
/// Edits of the same value closer together than this (seconds) are one undo step.
pub const COALESCE_SECONDS: f64 = 1.0;

/// One undo step: what to put back, for which cell.
#[derive(Clone, Debug)]
pub(super) struct UndoEntry {
    pub cell: usize,
    pub saved: Saved,
    /// The number of the document's state this step brings back.
    pub state: u64,
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

/// Training cells are not restored from a page snapshot but carried: each training cell of
/// `incoming` that is also live in `outgoing` (the same [`TrainCell::uid`](super::training::TrainCell::uid))
/// swaps places with it, so undoing a page edit keeps the trained network, the curves and the
/// kept runs (a snapshot holds only a reset copy). Cells only in `incoming` come as the snapshot
/// holds them.
pub(super) fn carry_training(incoming: &mut [CellState], outgoing: &mut [CellState]) {
    for c in incoming.iter_mut() {
        let CellState::Training(t) = c else { continue };
        let live = outgoing.iter_mut().find_map(|o| match o {
            CellState::Training(l) if l.uid() == t.uid() => Some(l),
            _ => None,
        });
        if let Some(live) = live {
            std::mem::swap(t, live);
        }
    }
}

/// The undo and redo stacks. The undo stack is a ring: past [`UNDO_LIMIT`] the oldest step
/// drops off the front in constant time (page snapshots are large).
#[derive(Clone, Debug, Default)]
pub(super) struct History {
    undo: VecDeque<UndoEntry>,
    redo: Vec<UndoEntry>,
    /// The redo stack the last [`History::record`] emptied, until the next one: a refused
    /// change gives it back ([`History::take_back`]).
    redo_before: Vec<UndoEntry>,
    /// The number of the document's state now; every change gets a new one.
    state: u64,
    /// The last number handed out.
    last: u64,
    /// The state's number before the last [`History::record`] (a refused change goes back to it).
    state_before: u64,
    /// The number of the state last saved or opened, while the history can still reach it.
    clean: Option<u64>,
}

impl History {
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Forgets every step; the document's state now cannot be reached from the steps forgotten,
    /// so there is no clean point until [`History::mark_clean`].
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.redo_before.clear();
        self.clean = None;
    }

    /// The document as it is now was saved or opened.
    pub fn mark_clean(&mut self) {
        self.clean = Some(self.state);
    }

    /// The document changed in a way undo cannot take back: no state the history reaches is
    /// the one saved any more.
    pub fn lose_clean_point(&mut self) {
        self.state = self.fresh();
        self.clean = None;
    }

    /// Whether the document is back at the state last saved or opened.
    pub fn at_clean_point(&self) -> bool {
        self.clean == Some(self.state)
    }

    fn fresh(&mut self) -> u64 {
        self.last += 1;
        self.last
    }

    /// Records a change of `cell` made at `now`. If it continues the last step (same key,
    /// within a second) that step only gets the new time, and `saved` is not called. Returns
    /// whether a new step was pushed. Any change empties the redo stack (a refused one gets it
    /// back from [`History::take_back`]).
    pub fn record(&mut self, cell: usize, key: Option<String>, now: f64, saved: impl FnOnce() -> Saved) -> bool {
        self.redo_before = std::mem::take(&mut self.redo);
        self.state_before = self.state;
        let before = self.state;
        self.state = self.fresh();
        if let Some(last) = self.undo.back_mut()
            && key.is_some()
            && last.key == key
            && last.cell == cell
            && now - last.time < COALESCE_SECONDS
        {
            last.time = now;
            return false;
        }
        self.undo.push_back(UndoEntry {
            cell,
            saved: saved(),
            state: before,
            key,
            time: now,
        });
        if self.undo.len() > UNDO_LIMIT {
            self.undo.pop_front();
        }
        true
    }

    /// The page of the last undo step, if it is a page snapshot.
    pub fn last_page_mut(&mut self) -> Option<&mut Page> {
        match self.undo.back_mut().map(|e| &mut e.saved) {
            Some(Saved::Page(p)) => Some(p),
            _ => None,
        }
    }

    /// Takes back the last [`History::record`] of a change that was then refused: the step it
    /// pushed (if `pushed`) and the redo stack it emptied.
    pub fn take_back(&mut self, pushed: bool) {
        if pushed {
            self.undo.pop_back();
        }
        self.redo = std::mem::take(&mut self.redo_before);
        self.state = self.state_before;
    }

    /// The step to undo (or redo).
    pub fn take(&mut self, undo: bool) -> Option<UndoEntry> {
        if undo { self.undo.pop_back() } else { self.redo.pop() }
    }

    /// After undoing (or redoing) a step that brought back state `reached`: what it replaced
    /// goes on the other stack.
    pub fn put_back(&mut self, undo: bool, cell: usize, saved: Saved, reached: u64) {
        let entry = UndoEntry {
            cell,
            saved,
            state: self.state,
            key: None,
            time: f64::NEG_INFINITY,
        };
        self.state = reached;
        if undo {
            self.redo.push(entry)
        } else {
            self.undo.push_back(entry)
        }
    }
}
