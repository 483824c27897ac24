//! "Ask for this value": a new exercise on a network cell asking for a value it shows, the
//! reference naming that value, and the exercise a new cell starts from.

use crate::app::state::{AppState, CellState};
use crate::lesson::Cell;
use crate::lesson::exercise::Exercise;
use crate::lesson::reference::Reference;
use crate::nn::steps::Quantity;

impl AppState {
    /// A new exercise after network cell `network` asking for `reference` of `sample`
    /// (1-based), placed after the exercises that already follow the network; returns where.
    pub(super) fn ask_for(&mut self, network: usize, reference: &str, sample: usize) -> Result<usize, String> {
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
        Ok(at)
    }

    /// The nearest network cell at or above position `at` (exclusive).
    pub(super) fn network_above(&self, at: usize) -> Option<usize> {
        (0..at.min(self.doc.cells.len())).rev().find(|&i| self.net(i).is_some())
    }

    /// An exercise on network `network` asking for `ask` (checked with the page it goes in).
    pub(super) fn new_exercise(&self, network: &str, ask: Reference, prompt: String) -> Exercise {
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
            grading: None,
        }
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
