//! The changes of the page's cells: a new cell of each kind, removing, moving and duplicating
//! a cell, and replacing one by what its edit form left.

use super::NewCell;
use super::files;
use crate::app::state::{AppState, CellState};
use crate::lesson::plot::{Plot, PlotOf};
use crate::lesson::quiz::{Quiz, QuizOption};
use crate::lesson::reference::Reference;
use crate::lesson::training::TrainingSetup;
use crate::lesson::{Cell, NetworkCell, NetworkOptions};
use crate::nn::Activation;

impl AppState {
    /// Removes cell `i`, unless an exercise reads the network it holds.
    pub(super) fn remove_cell(&mut self, i: usize) -> Result<(), String> {
        let n = self.doc.cells.len();
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
        Ok(())
    }

    /// Moves cell `from` to position `to`; an exercise may not move above the network it reads.
    pub(super) fn move_cell(&mut self, from: usize, to: usize) -> Result<(), String> {
        let n = self.doc.cells.len();
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
        Ok(())
    }

    /// A copy of cell `i` right after it, its id made unique.
    pub(super) fn duplicate_cell(&mut self, i: usize) -> Result<(), String> {
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
        Ok(())
    }

    /// Replaces cell `cell` by what its edit form left (a network cell keeps its live state;
    /// only its lesson options change).
    pub(super) fn replace(&mut self, cell: usize, with: Cell) -> Result<(), String> {
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
            (c, _) => self.cell_state(c),
        };
        self.doc.cells[cell] = state;
        Ok(())
    }

    /// A new cell of `kind` for position `at`.
    pub(super) fn new_cell(&self, kind: NewCell, at: usize) -> Result<Cell, String> {
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
                grading: None,
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
