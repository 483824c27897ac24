//! Edit mode: how an instructor changes a lesson in the window. Cells are added, removed,
//! moved and duplicated; text is edited beside its preview; an exercise, a quiz or a network
//! cell's lesson options are replaced whole by the form that edits them; any value shown in a
//! network cell can become an exercise ("Ask for this value"). Every change is one undo step
//! (typing in one text cell merges within a second), and the lesson is saved as usual.

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
    /// A copy right after the cell (exercise and quiz ids get a suffix to stay unique).
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
        let before_len = self.cells.len();
        // The live training cells step aside for their reset copies while the page changes;
        // the ones still on the page come back after, the ones taken off go to the undo step.
        let mut live: Vec<CellState> = self
            .cells
            .iter_mut()
            .filter(|c| matches!(c, CellState::Training(_)))
            .map(|c| std::mem::replace(c, c.clone()))
            .collect();
        let pushed = self.push_page_undo(key);
        let result = self.page_edit_inner(e);
        super::undo::carry_training(&mut self.cells, &mut live);
        self.keep_removed_training(&mut live);
        match result {
            Ok(()) => {
                self.dirty = true;
                if self.cells.len() != before_len {
                    self.active = None;
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
        let n = self.cells.len();
        match e {
            PageEdit::SetTitle(t) => {
                if t.trim().is_empty() {
                    return Err("A lesson needs a title.".into());
                }
                self.title = t;
            }
            PageEdit::Add { at, kind } => {
                let at = at.min(n);
                let cell = self.new_cell(kind, at)?;
                let file = self.file.clone();
                let state = self.cell_state(cell, file.as_deref());
                self.cells.insert(at, state);
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
                self.cells.remove(i);
            }
            PageEdit::Move { from, to } => {
                if from >= n || to >= n {
                    return Err("No such cell.".into());
                }
                let c = self.cells.remove(from);
                self.cells.insert(to, c);
                self.check_exercises_follow_networks()?;
            }
            PageEdit::Duplicate(i) => {
                let Some(c) = self.cells.get(i) else {
                    return Err("No such cell.".into());
                };
                let mut cell = self.cell_of(c);
                match &mut cell {
                    Cell::Exercise(ex) => ex.id = self.unique_id(&ex.id),
                    Cell::Quiz(q) => q.id = self.unique_id(&q.id),
                    Cell::Network(nc) if nc.options.id_named || self.net_id(i).is_some() => {
                        nc.options.id = self.unique_id(&nc.options.id);
                        nc.options.id_named = true;
                    }
                    _ => {}
                }
                let file = self.file.clone();
                let state = self.cell_state(cell, file.as_deref());
                self.cells.insert(i + 1, state);
            }
            PageEdit::SetText { cell, text } => match self.cells.get_mut(cell) {
                Some(CellState::Text(t)) => *t = text,
                _ => return Err("That cell is not a text cell.".into()),
            },
            PageEdit::Replace { cell, with } => {
                if cell >= n {
                    return Err("No such cell.".into());
                }
                self.check_replacement(cell, &with)?;
                let file = self.file.clone();
                let state = match (*with, &self.cells[cell]) {
                    // A network cell keeps its live state; only the lesson options change.
                    (Cell::Network(nc), CellState::Network(old)) => {
                        let mut n = old.clone();
                        n.options = nc.options;
                        CellState::Network(n)
                    }
                    (c, _) => self.cell_state(c, file.as_deref()),
                };
                self.cells[cell] = state;
            }
            PageEdit::AskFor {
                network,
                reference,
                sample,
            } => {
                let id = self.net_id(network).ok_or("That cell is not a network cell.")?;
                let r: Reference = reference.parse()?;
                let prompt = format!("What is {}? Work it out by hand, then check.", r.label());
                let mut ex = self.new_exercise(&id, r, prompt)?;
                ex.sample = sample.max(1);
                // After the network and the exercises that already follow it.
                let mut at = network + 1;
                while matches!(self.cells.get(at), Some(CellState::Exercise(_))) {
                    at += 1;
                }
                let file = self.file.clone();
                let state = self.cell_state(Cell::Exercise(Box::new(ex)), file.as_deref());
                self.cells.insert(at, state);
            }
        }
        Ok(())
    }

    /// Writes the lesson's worksheet (blank boxes) or answer key as a printable HTML page, for
    /// the student named in the window (their variant) if one is, laid out in the convention
    /// the matrix view shows.
    pub(super) fn export_worksheet(&mut self, answers: bool, to: Option<std::path::PathBuf>) {
        use crate::lesson::worksheet::{WorksheetOptions, lesson_worksheet_html_with};
        let name = if answers { "answer-key.html" } else { "worksheet.html" };
        let Some(path) = to.or_else(|| self.dialogs.pick_export(name, "html")) else {
            return;
        };
        let lesson = self.lesson();
        let options = WorksheetOptions {
            answers,
            title: lesson.title.clone(),
            student: self.student_name().map(str::to_string),
            convention: self.settings.view.convention,
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
        self.cells
            .iter()
            .filter_map(|c| match c {
                CellState::Exercise(e) if e.exercise.network == id => Some(e.exercise.id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every id used by a cell of the page.
    fn ids(&self) -> Vec<String> {
        self.cells
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
        (0..at.min(self.cells.len())).rev().find(|&i| self.net(i).is_some())
    }

    fn new_exercise(&self, network: &str, ask: Reference, prompt: String) -> Result<Exercise, String> {
        let net = self
            .cells
            .iter()
            .find_map(|c| match c {
                CellState::Network(n) if n.options.id == network => Some(n),
                _ => None,
            })
            .ok_or_else(|| format!("There is no network '{network}'."))?;
        let problems = ask.check(&net.doc.net, net.doc.batch(), 0);
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(Exercise {
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
        })
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
                Cell::Exercise(Box::new(self.new_exercise(&net, ask, "What is the loss?".into())?))
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

    /// A replacement must keep ids unique and an exercise's network and reference valid.
    fn check_replacement(&self, cell: usize, with: &Cell) -> Result<(), String> {
        let others: Vec<String> = self
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != cell)
            .filter_map(|(_, c)| match c {
                CellState::Exercise(e) => Some(e.exercise.id.clone()),
                CellState::Quiz(q) => Some(q.quiz.id.clone()),
                CellState::Network(n) => Some(n.options.id.clone()),
                _ => None,
            })
            .collect();
        let id = match with {
            Cell::Exercise(e) => Some(&e.id),
            Cell::Quiz(q) => Some(&q.id),
            Cell::Network(n) => Some(&n.options.id),
            _ => None,
        };
        if let Some(id) = id {
            if !valid_id(id) {
                return Err(format!("'{id}' is not a valid id: use letters, digits, '-' and '_'."));
            }
            if others.contains(id) {
                return Err(format!("The id '{id}' is already used in this lesson."));
            }
        }
        match with {
            Cell::Exercise(e) => {
                let net = self
                    .cells
                    .iter()
                    .find_map(|c| match c {
                        CellState::Network(n) if n.options.id == e.network => Some(n),
                        _ => None,
                    })
                    .ok_or_else(|| format!("There is no network '{}'.", e.network))?;
                let p = e.ask.check(&net.doc.net, net.doc.batch(), e.sample.saturating_sub(1));
                if !p.is_empty() {
                    return Err(p.join("; "));
                }
                if e.sample == 0 || e.sample > net.doc.batch() {
                    return Err(format!("The network has {} sample(s).", net.doc.batch()));
                }
            }
            Cell::Quiz(q) => {
                if q.options.len() < 2 {
                    return Err("A quiz needs at least two options.".into());
                }
                if !q.options.iter().any(|o| o.correct) {
                    return Err("Mark at least one option as correct.".into());
                }
            }
            Cell::Network(n) => {
                // Renaming a network would orphan its exercises.
                if let Some(old) = self.net_id(cell)
                    && old != n.options.id
                    && !self.exercises_on(&old).is_empty()
                {
                    return Err(format!(
                        "Exercises read network '{old}': it keeps its id while they do."
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// After a move, every exercise whose network is not named must still have one above it.
    fn check_exercises_follow_networks(&self) -> Result<(), String> {
        for (i, c) in self.cells.iter().enumerate() {
            if let CellState::Exercise(e) = c {
                let above = (0..i).any(|j| self.net_id(j).as_deref() == Some(e.exercise.network.as_str()));
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

/// Ids are letters, digits, `-` and `_`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
