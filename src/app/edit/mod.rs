//! Edit mode: how an instructor changes a lesson in the window. Cells are added, removed,
//! moved and duplicated; text is edited beside its preview; an exercise, a quiz or a network
//! cell's lesson options are replaced whole by the form that edits them; any value shown in a
//! network cell can become an exercise ("Ask for this value"). Every change is one undo step
//! (typing in one text cell merges within a second), and the lesson is saved as usual.
//!
//! A change of the cells is checked by the lesson loader's own checks
//! ([`crate::lesson::load::problems_added`]) on the page it would make, so what edit mode
//! accepts also loads; the rules here are the window's own (an exercise keeps the network it
//! reads).
//!
//! This file holds the edit type, its dispatch with the loader's check and the worksheet export;
//! the changes of the cells are in `cells`, the ids in `ids`, and "Ask for this value" in `ask`.

mod ask;
mod cells;
mod ids;
mod start;

pub use ask::reference_for;
pub use start::{file_name_for, new_lesson};

use super::files;
use super::state::{AppState, CellState};
use crate::lesson::Cell;

/// The kinds of cell "Add cell" offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewCell {
    Text,
    Network,
    Exercise,
    Quiz,
    Training,
    Plot,
}

impl NewCell {
    pub const ALL: [NewCell; 6] = [
        NewCell::Text,
        NewCell::Network,
        NewCell::Exercise,
        NewCell::Quiz,
        NewCell::Training,
        NewCell::Plot,
    ];

    pub fn label(self) -> &'static str {
        match self {
            NewCell::Text => "Text",
            NewCell::Network => "Network",
            NewCell::Exercise => "Exercise",
            NewCell::Quiz => "Quiz",
            NewCell::Training => "Training lab",
            NewCell::Plot => "Plot",
        }
    }
}

/// A change of the lesson in edit mode.
#[derive(Clone, Debug, PartialEq)]
pub enum PageEdit {
    SetTitle(String),
    /// A new cell of `kind` at position `at` (the cells from `at` on move down).
    Add {
        at: usize,
        kind: NewCell,
    },
    Remove(usize),
    /// Moves cell `from` to position `to`.
    Move {
        from: usize,
        to: usize,
    },
    /// A copy right after the cell (ids get a suffix to stay unique).
    Duplicate(usize),
    SetText {
        cell: usize,
        text: String,
    },
    /// The cell as its edit form left it (exercise, quiz, plot, or a network cell's options).
    Replace {
        cell: usize,
        with: Box<Cell>,
    },
    /// Renames network cell `cell`: the name its header and the stepper show.
    RenameNetwork {
        cell: usize,
        name: String,
    },
    /// A new exercise after network cell `network` asking for `reference` of `sample` (1-based);
    /// the page scrolls to it and shows it selected.
    AskFor {
        network: usize,
        reference: String,
        sample: usize,
    },
}

impl AppState {
    /// Applies an edit-mode change; the page before it is one undo step.
    pub(super) fn page_edit(&mut self, e: PageEdit) {
        let key = match &e {
            PageEdit::SetText { cell, .. } => Some(format!("text {cell}")),
            PageEdit::SetTitle(_) => Some("title".into()),
            PageEdit::Replace { cell, .. } => Some(format!("cell {cell}")),
            PageEdit::RenameNetwork { cell, .. } => Some(format!("name {cell}")),
            _ => None,
        };
        let before_len = self.doc.cells.len();
        let moved = match e {
            PageEdit::Move { from, to } => Some((from, to)),
            _ => None,
        };
        // The live training cells step aside for their reset copies while the page changes;
        // the ones still on the page come back after, the ones taken off go to the undo step.
        let mut live: Vec<CellState> = self
            .doc
            .cells
            .iter_mut()
            .filter(|c| matches!(c, CellState::Training(_)))
            .map(|c| std::mem::replace(c, c.clone()))
            .collect();
        let pushed = self.push_page_undo(key);
        // Only "Ask for this value" points at a cell; any other change leaves nothing selected.
        self.session.selected_cell = None;
        let result = self.page_edit_inner(e);
        super::undo::carry_training(&mut self.doc.cells, &mut live);
        self.keep_removed_training(&mut live);
        match result {
            Ok(()) => {
                self.doc.dirty = true;
                if self.doc.cells.len() != before_len {
                    self.session.active = None;
                }
                // The stepper stays on the network it showed, wherever it moved.
                if let (Some((from, to)), Some(a)) = (moved, self.session.active) {
                    let mut order: Vec<usize> = (0..before_len).collect();
                    let c = order.remove(from);
                    order.insert(to, c);
                    self.session.active = order.iter().position(|&i| i == a);
                }
                self.after_page_edit();
            }
            Err(msg) => {
                // A refused change leaves no step behind (a merged step stays: it holds the
                // page before the earlier, accepted changes), and what could be redone still can.
                self.take_back_undo(pushed);
                self.error(msg);
            }
        }
    }

    /// Makes the change `e` asks for, or says why it is refused.
    fn page_edit_inner(&mut self, e: PageEdit) -> Result<(), String> {
        let n = self.doc.cells.len();
        match e {
            PageEdit::SetTitle(t) => {
                if t.trim().is_empty() {
                    return Err("A lesson needs a title.".into());
                }
                within_string_limit("The title", &t)?;
                self.doc.title = t;
            }
            PageEdit::Add { at, kind } => {
                let at = at.min(n);
                let cell = self.new_cell(kind, at)?;
                self.insert_checked(at, cell)?;
            }
            PageEdit::Remove(i) => self.remove_cell(i)?,
            PageEdit::Move { from, to } => self.move_cell(from, to)?,
            PageEdit::Duplicate(i) => self.duplicate_cell(i)?,
            PageEdit::SetText { cell, text } => match self.doc.cells.get_mut(cell) {
                Some(CellState::Text(t)) => {
                    within_string_limit("The text", &text)?;
                    *t = text;
                }
                _ => return Err("That cell is not a text cell.".into()),
            },
            PageEdit::Replace { cell, with } => {
                within_file_limits(&with)?;
                self.replace(cell, *with)?
            }
            PageEdit::RenameNetwork { cell, name } => {
                let name = name.trim();
                if name.is_empty() {
                    return Err("A network needs a name.".into());
                }
                within_string_limit("The name", name)?;
                match self.doc.cells.get_mut(cell) {
                    Some(CellState::Network(n)) => n.doc.name = Some(name.to_string()),
                    _ => return Err("That cell is not a network cell.".into()),
                }
            }
            PageEdit::AskFor {
                network,
                reference,
                sample,
            } => {
                let at = self.ask_for(network, &reference, sample)?;
                self.session.selected_cell = Some(at);
                self.session.scroll_to_cell = Some(at);
            }
        }
        Ok(())
    }

    /// Inserts `cell` at `at` if the lesson still passes the loader's checks with it.
    fn insert_checked(&mut self, at: usize, cell: Cell) -> Result<(), String> {
        self.check_page(|cells| cells.insert(at, cell.clone()))?;
        let state = self.cell_state(cell);
        self.doc.cells.insert(at, state);
        Ok(())
    }

    /// Runs the lesson loader's checks on the page `change` would make: refused with the first
    /// problem it adds (ids, networks, exercises, quizzes, plots, training cells), since a
    /// lesson with it would save and then fail to load.
    fn check_page(&self, change: impl FnOnce(&mut Vec<Cell>)) -> Result<(), String> {
        let before = self.lesson();
        let mut after = before.clone();
        change(&mut after.cells);
        match crate::lesson::load::problems_added(&before, &after).into_iter().next() {
            Some(p) => Err(format!("Not applied: {p}")),
            None => Ok(()),
        }
    }

    /// Writes the lesson's worksheet (blank boxes) or answer key as a printable HTML page, for
    /// the student named in the window (their variant) if one is, laid out in the convention
    /// the matrix view shows.
    pub(super) fn export_worksheet(&mut self, answers: bool, to: Option<std::path::PathBuf>) {
        use crate::lesson::worksheet::{WorksheetOptions, lesson_worksheet_html_with};
        let name = if answers { "answer-key.html" } else { "worksheet.html" };
        let Some(path) = to.or_else(|| self.session.dialogs.pick_export(name, "html")) else {
            return self.dialog_gave_nothing(crate::app::path_prompt::PathFor::Worksheet { answers }, name);
        };
        let lesson = self.lesson();
        let options = WorksheetOptions {
            answers,
            title: lesson.title.clone(),
            student: self.student_name().map(str::to_string),
            convention: self.session.settings.view.convention,
            ..WorksheetOptions::default()
        };
        let html = lesson_worksheet_html_with(&lesson, &options);
        match self.session.dialogs.write_bytes(&path, html.as_bytes()) {
            Ok(()) => self.info(format!(
                "Saved the {} to {}",
                if answers { "answer key" } else { "worksheet" },
                path.display()
            )),
            Err(e) => self.error(format!("Could not save {}: {e}", path.display())),
        }
    }

    /// What depends on the page's cells: the values exercises keep blank.
    fn after_page_edit(&mut self) {
        self.refresh_blanks();
    }
}

/// Ids are letters, digits, `-` and `_`: the loader's rule.
pub use crate::lesson::load::valid_id;

/// Refuses a string the lesson file could not hold: a lesson saved with it would be refused
/// when opened again ([`MAX_STRING_BYTES`](crate::nn::doc::MAX_STRING_BYTES)).
fn within_string_limit(what: &str, text: &str) -> Result<(), String> {
    use crate::nn::doc::MAX_STRING_BYTES;
    if text.len() > MAX_STRING_BYTES {
        return Err(format!(
            "Not applied: {what} is {} bytes long; a lesson file holds at most {MAX_STRING_BYTES} bytes per text \
             (1 MiB), and a lesson saved with it could not be opened again.",
            text.len()
        ));
    }
    Ok(())
}

/// Refuses a cell from an edit form whose strings or count of values are over the limits the
/// lesson file is read with (the check a saved lesson meets when it is opened again).
fn within_file_limits(cell: &Cell) -> Result<(), String> {
    let text = serde_json::to_string(&cell.to_file()).map_err(|e| format!("Not applied: {e}"))?;
    crate::nn::doc::precheck(&text).map_err(|e| {
        // The line of the one-line JSON says nothing here.
        let e = e
            .split_once(": ")
            .filter(|(l, _)| l.starts_with("line "))
            .map_or(e.as_str(), |(_, r)| r);
        format!("Not applied: the cell holds {e}; a lesson saved with it could not be opened again.")
    })
}
