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

use super::files;
use super::state::{AppState, CellState};
use crate::lesson::exercise::Exercise;
use crate::lesson::plot::{Plot, PlotOf};
use crate::lesson::quiz::{Quiz, QuizOption};
use crate::lesson::reference::Reference;
use crate::lesson::training::TrainingSetup;
use crate::lesson::{Cell, NetworkCell, NetworkOptions};
use crate::nn::Activation;
use crate::nn::steps::Quantity;

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
    /// A new exercise after network cell `network` asking for `reference` of `sample` (1-based).
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
                // page before the earlier, accepted changes).
                if pushed {
                    self.drop_last_undo();
                }
                self.error(msg);
            }
        }
    }

    fn page_edit_inner(&mut self, e: PageEdit) -> Result<(), String> {
        let n = self.doc.cells.len();
        match e {
            PageEdit::SetTitle(t) => {
                if t.trim().is_empty() {
                    return Err("A lesson needs a title.".into());
                }
                self.doc.title = t;
            }
            PageEdit::Add { at, kind } => {
                let at = at.min(n);
                let cell = self.new_cell(kind, at)?;
                self.insert_checked(at, cell)?;
            }
            PageEdit::Remove(i) => {
                if i >= n {
                    return Err("No such cell.".into());
                }
                if let Some(id) = self.net_id(i)
                    && let Some(ex) = self.exercises_on(&id).first()
                {
                    return Err(format!(
                        "Exercise '{ex}' reads this network: remove or change the exercise first."
                    ));
                }
                self.check_page(|cells| {
                    cells.remove(i);
                })?;
                self.doc.cells.remove(i);
            }
            PageEdit::Move { from, to } => {
                if from >= n || to >= n {
                    return Err("No such cell.".into());
                }
                let mut order: Vec<usize> = (0..n).collect();
                let c = order.remove(from);
                order.insert(to, c);
                self.check_exercises_follow_networks(&order)?;
                self.check_page(|cells| {
                    let c = cells.remove(from);
                    cells.insert(to, c);
                })?;
                let c = self.doc.cells.remove(from);
                self.doc.cells.insert(to, c);
            }
            PageEdit::Duplicate(i) => {
                let Some(c) = self.doc.cells.get(i) else {
                    return Err("No such cell.".into());
                };
                let mut cell = self.cell_of(c);
                match &mut cell {
                    Cell::Exercise(ex) => ex.id = self.unique_id(&ex.id),
                    Cell::Quiz(q) => q.id = self.unique_id(&q.id),
                    Cell::Training(t) => t.id = t.id.as_deref().map(|id| self.unique_id(id)),
                    Cell::Network(nc) if nc.options.id_named || self.net_id(i).is_some() => {
                        nc.options.id = self.unique_id(&nc.options.id);
                        nc.options.id_named = true;
                    }
                    _ => {}
                }
                self.insert_checked(i + 1, cell)?;
            }
            PageEdit::SetText { cell, text } => match self.doc.cells.get_mut(cell) {
                Some(CellState::Text(t)) => *t = text,
                _ => return Err("That cell is not a text cell.".into()),
            },
            PageEdit::Replace { cell, with } => self.replace(cell, *with)?,
            PageEdit::AskFor {
                network,
                reference,
                sample,
            } => {
                let id = self.net_id(network).ok_or("That cell is not a network cell.")?;
                let r: Reference = reference.parse()?;
                let prompt = format!("What is {}? Work it out by hand, then check.", r.label());
                let mut ex = self.new_exercise(&id, r, prompt);
                ex.sample = sample.max(1);
                // After the network and the exercises that already follow it.
                let mut at = network + 1;
                while matches!(self.doc.cells.get(at), Some(CellState::Exercise(_))) {
                    at += 1;
                }
                self.insert_checked(at, Cell::Exercise(Box::new(ex)))?;
            }
        }
        Ok(())
    }

    /// Inserts `cell` at `at` if the lesson still passes the loader's checks with it.
    fn insert_checked(&mut self, at: usize, cell: Cell) -> Result<(), String> {
        self.check_page(|cells| cells.insert(at, cell.clone()))?;
        let file = self.doc.file.clone();
        let state = self.cell_state(cell, file.as_deref());
        self.doc.cells.insert(at, state);
        Ok(())
    }

    /// Replaces cell `cell` by what its edit form left (a network cell keeps its live state;
    /// only its lesson options change).
    fn replace(&mut self, cell: usize, with: Cell) -> Result<(), String> {
        let candidate = match (with, self.doc.cells.get(cell)) {
            (_, None) => return Err("No such cell.".into()),
            (Cell::Network(nc), Some(CellState::Network(old))) => {
                // Renaming a network would orphan its exercises.
                if old.options.id != nc.options.id && !self.exercises_on(&old.options.id).is_empty() {
                    return Err(format!(
                        "Exercises read network '{}': it keeps its id while they do.",
                        old.options.id
                    ));
                }
                Cell::Network(Box::new(NetworkCell {
                    options: nc.options,
                    doc: self.doc_to_save(old),
                }))
            }
            (c, Some(_)) => c,
        };
        self.check_page(|cells| cells[cell] = candidate.clone())?;
        let state = match (candidate, &self.doc.cells[cell]) {
            (Cell::Network(nc), CellState::Network(old)) => {
                let mut n = old.clone();
                n.options = nc.options;
                CellState::Network(n)
            }
            (c, _) => {
                let file = self.doc.file.clone();
                self.cell_state(c, file.as_deref())
            }
        };
        self.doc.cells[cell] = state;
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
            return;
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
        match files::write_bytes(&path, html.as_bytes()) {
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

    /// The id of network cell `i`.
    pub fn net_id(&self, i: usize) -> Option<String> {
        self.net(i).map(|n| n.options.id.clone())
    }

    /// The ids of the exercises that read network `id`.
    fn exercises_on(&self, id: &str) -> Vec<String> {
        self.doc
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Exercise(e) if e.exercise.network == id => Some(e.exercise.id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every id used by a cell of the page.
    fn ids(&self) -> Vec<String> {
        self.doc
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Exercise(e) => Some(e.exercise.id.clone()),
                CellState::Quiz(q) => Some(q.quiz.id.clone()),
                CellState::Network(n) => Some(n.options.id.clone()),
                CellState::Training(t) => t.setup.id.clone(),
                _ => None,
            })
            .collect()
    }

    /// `base`, or `base-2`, `base-3`, ... whichever is not used yet.
    fn unique_id(&self, base: &str) -> String {
        let ids = self.ids();
        let stem = base.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        let stem = if stem.is_empty() { base } else { stem };
        if !ids.iter().any(|i| i == base) {
            return base.to_string();
        }
        (2..)
            .map(|k| format!("{stem}-{k}"))
            .find(|c| !ids.contains(c))
            .unwrap_or_else(|| base.to_string())
    }

    /// The nearest network cell at or above position `at` (exclusive).
    fn network_above(&self, at: usize) -> Option<usize> {
        (0..at.min(self.doc.cells.len())).rev().find(|&i| self.net(i).is_some())
    }

    /// An exercise on network `network` asking for `ask` (checked with the page it goes in).
    fn new_exercise(&self, network: &str, ask: Reference, prompt: String) -> Exercise {
        Exercise {
            id: self.unique_id("exercise-1"),
            network: network.to_string(),
            network_named: true,
            sample: 1,
            prompt,
            ask,
            solve_for: None,
            tolerance: None,
            hints: Vec::new(),
            points: 1,
        }
    }

    /// A new cell of `kind` for position `at`.
    fn new_cell(&self, kind: NewCell, at: usize) -> Result<Cell, String> {
        Ok(match kind {
            NewCell::Text => Cell::Text("## New section\n\nWrite Markdown here.".into()),
            NewCell::Network => {
                let doc = files::new_network_doc()?;
                let options = NetworkOptions {
                    id_named: true,
                    ..NetworkOptions::new(self.unique_id("net1"))
                };
                Cell::Network(Box::new(NetworkCell { options, doc }))
            }
            NewCell::Exercise => {
                let net = self
                    .network_above(at)
                    .and_then(|i| self.net_id(i))
                    .ok_or("An exercise asks about a network: add a network cell above it first.")?;
                let ask: Reference = "loss".parse()?;
                Cell::Exercise(Box::new(self.new_exercise(&net, ask, "What is the loss?".into())))
            }
            NewCell::Quiz => Cell::Quiz(Box::new(Quiz {
                id: self.unique_id("quiz-1"),
                prompt: "Write the question here.".into(),
                points: 1,
                options: vec![
                    QuizOption {
                        text: "The right answer".into(),
                        correct: true,
                        explain: Some("Why it is right.".into()),
                    },
                    QuizOption {
                        text: "A tempting wrong answer".into(),
                        correct: false,
                        explain: Some("Why it is wrong.".into()),
                    },
                ],
            })),
            NewCell::Training => Cell::Training(Box::new(TrainingSetup::xor_default())),
            NewCell::Plot => Cell::Plot(Box::new(Plot {
                of: PlotOf::Activation(Activation::Sigmoid),
                range: None,
            })),
        })
    }

    /// The cells in the window's `order` (old positions): every exercise whose network is not
    /// named must still have it above. (The file would give it the nearest network above,
    /// whichever that is; the window keeps the one it reads.)
    fn check_exercises_follow_networks(&self, order: &[usize]) -> Result<(), String> {
        for (i, &c) in order.iter().enumerate() {
            if let CellState::Exercise(e) = &self.doc.cells[c] {
                let above = order[..i]
                    .iter()
                    .any(|&j| self.net_id(j).as_deref() == Some(e.exercise.network.as_str()));
                if !e.exercise.network_named && !above {
                    return Err(format!(
                        "Exercise '{}' reads the network above it: it cannot move above that network.",
                        e.exercise.id
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The reference (as written in a lesson, 1-based) of element `(unit, input)` of quantity `q`
/// as the engine indexes it; `None` for what an exercise cannot ask (dL/dx).
pub fn reference_for(q: Quantity, unit: usize, input: usize) -> Option<String> {
    let (u, i) = (unit + 1, input + 1);
    Some(match q {
        Quantity::X => format!("x[{u}]"),
        Quantity::Y => format!("y[{u}]"),
        Quantity::Loss => "loss".into(),
        Quantity::W(l) => format!("layers[{}].weights[{u}][{i}]", l + 1),
        Quantity::B(l) => format!("layers[{}].bias[{u}]", l + 1),
        Quantity::Z(l) => format!("layers[{}].z[{u}]", l + 1),
        Quantity::A(l) => format!("layers[{}].a[{u}]", l + 1),
        Quantity::Da(l) => format!("layers[{}].dl_da[{u}]", l + 1),
        Quantity::Delta(l) => format!("layers[{}].delta[{u}]", l + 1),
        Quantity::GradW(l) => format!("layers[{}].grad_weights[{u}][{i}]", l + 1),
        Quantity::GradB(l) => format!("layers[{}].grad_bias[{u}]", l + 1),
        Quantity::GradX => return None,
    })
}

/// Ids are letters, digits, `-` and `_`: the loader's rule.
pub use crate::lesson::load::valid_id;
