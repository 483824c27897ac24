//! A live network cell: its document, optimizer, traces and stepper position. The edit rules
//! are [`crate::lesson::edit`]'s; the cell keeps what is derived from the document (traces,
//! chain-rule steps) and what the window shows of it (sample, selected layer, stepper).

use crate::lesson::Lock;
use crate::lesson::edit::{self, Edit, EditError};
use crate::nn::doc::NetworkDoc;
use crate::nn::steps::{ChainStep, Quantity, UpdateInfo, chain_steps};
use crate::nn::trace::{ForwardTrace, Gradients, backward_into, forward_into, loss_of};
use crate::nn::{Matrix, Optimizer};
use std::collections::HashMap;

pub use crate::lesson::edit::UPDATE_ASKED;

/// What is selected in the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A node: `column` 0 is the input, `column` l the output of layer l (1-based).
    Node { column: usize, unit: usize },
    /// The edge into unit `to` of layer `layer` (0-based) from unit `from` below.
    Edge { layer: usize, from: usize, to: usize },
}

/// A network cell's state. Everything shown is derived from `doc` by [`NetCell::recompute`].
#[derive(Clone, Debug)]
pub struct NetCell {
    pub doc: NetworkDoc,
    /// The lesson cell's id, locks, variant, ... (kept for saving).
    pub options: crate::lesson::NetworkOptions,
    pub optimizer: Optimizer,
    /// The loss before the first applied update, then after each one.
    pub loss_history: Vec<f64>,
    pub fwd: ForwardTrace,
    pub grads: Gradients,
    /// The chain-rule steps for the shown sample, with the update and the loss after it.
    pub steps: Vec<ChainStep>,
    /// The stepper's position; `None` = not stepping (everything live).
    pub step: Option<usize>,
    pub reveal_all: bool,
    /// The sample the diagram and stepper show (0-based).
    pub sample: usize,
    /// The layer the matrix view shows (0-based).
    pub selected_layer: usize,
    pub selection: Option<Selection>,
    /// Values unanswered exercises ask for: shown blank until answered (see `app::student`).
    pub blanks: Vec<super::student::Blank>,
    /// For each quantity a step writes, the index of the first step writing it. The weights and
    /// biases (written by the update steps) are never blanked, so they are left out.
    written_at: HashMap<Quantity, usize>,
}

/// The part of a cell that undo restores.
#[derive(Clone, Debug, PartialEq)]
pub struct CellSnapshot {
    pub doc: NetworkDoc,
    pub optimizer: Optimizer,
    pub loss_history: Vec<f64>,
}

impl NetCell {
    pub fn new(doc: NetworkDoc) -> NetCell {
        let optimizer = Optimizer::new(doc.optimizer);
        let mut c = NetCell {
            doc,
            options: crate::lesson::NetworkOptions::new("net1"),
            optimizer,
            loss_history: Vec::new(),
            fwd: ForwardTrace::default(),
            grads: Gradients::default(),
            steps: Vec::new(),
            step: None,
            reveal_all: false,
            sample: 0,
            selected_layer: 0,
            selection: None,
            blanks: Vec::new(),
            written_at: HashMap::new(),
        };
        c.recompute();
        c.loss_history.push(c.grads.loss);
        c
    }

    /// Whether the lesson locks `what` in this network (`all` locks everything).
    pub fn locked(&self, what: Lock) -> bool {
        self.options.is_locked(what)
    }

    pub fn snapshot(&self) -> CellSnapshot {
        CellSnapshot {
            doc: self.doc.clone(),
            optimizer: self.optimizer.clone(),
            loss_history: self.loss_history.clone(),
        }
    }

    pub fn restore(&mut self, s: CellSnapshot) {
        self.doc = s.doc;
        self.optimizer = s.optimizer;
        self.loss_history = s.loss_history;
        self.clamp_indices();
        self.recompute();
    }

    fn clamp_indices(&mut self) {
        self.sample = self.sample.min(self.doc.batch().saturating_sub(1));
        self.selected_layer = self.selected_layer.min(self.doc.net.len().saturating_sub(1));
        let widths = self.doc.net.widths();
        self.selection = match self.selection {
            Some(Selection::Node { column, unit }) if column < widths.len() && unit < widths[column] => self.selection,
            Some(Selection::Edge { layer, from, to })
                if layer + 1 < widths.len() && from < widths[layer] && to < widths[layer + 1] =>
            {
                self.selection
            }
            _ => None,
        };
        if let Some(s) = self.step {
            self.step = Some(s.min(self.offered_steps().saturating_sub(1)));
        }
    }

    /// Forward and backward passes and the chain-rule steps, from the document.
    pub fn recompute(&mut self) {
        forward_into(&self.doc.net, &self.doc.input(), &mut self.fwd);
        backward_into(
            &self.doc.net,
            &self.fwd,
            &self.doc.y,
            &self.doc.loss,
            &mut self.grads,
            true,
            None,
        );
        let (after, loss_after) = self.preview_update();
        self.steps = chain_steps(
            &self.doc.net,
            &self.fwd,
            &self.grads,
            &self.doc.loss,
            &self.doc.y,
            self.sample,
            Some(UpdateInfo {
                optimizer: &self.optimizer.config,
                after: &after,
                loss_after,
            }),
        );
        self.written_at.clear();
        for (i, st) in self.steps.iter().enumerate() {
            if !matches!(st.writes, Quantity::W(_) | Quantity::B(_)) {
                self.written_at.entry(st.writes).or_insert(i);
            }
        }
        if let Some(s) = self.step {
            self.step = Some(s.min(self.offered_steps().saturating_sub(1)));
        }
    }

    /// The index of the first step that writes `q`, if any step does.
    pub fn first_write(&self, q: Quantity) -> Option<usize> {
        self.written_at.get(&q).copied()
    }

    /// The network after one optimizer step from the current state, and its loss.
    fn preview_update(&self) -> (crate::nn::Network, f64) {
        let mut net = self.doc.net.clone();
        let mut opt = self.optimizer.clone();
        opt.step(&mut net, &self.grads);
        let l = loss_of(&net, &self.doc.input(), &self.doc.y, &self.doc.loss);
        (net, l)
    }

    /// Whether an unanswered exercise asks for this network's weights or biases after the
    /// update: applying it would show the answer, so "Apply update" waits.
    pub fn update_asked(&self) -> bool {
        self.blanks.iter().any(|b| b.after_update)
    }

    /// How many steps the stepper offers: those of what the lesson has taught (`taught`), a
    /// prefix of `steps` since they run forward, loss, backward, update. At least one.
    pub fn offered_steps(&self) -> usize {
        let taught = self.options.taught;
        self.steps
            .iter()
            .take_while(|s| taught.shows_step(s.kind))
            .count()
            .max(1)
            .min(self.steps.len())
    }

    /// The current step, if stepping.
    pub fn current_step(&self) -> Option<&ChainStep> {
        self.step.and_then(|s| self.steps.get(s))
    }

    /// Applies an edit (the rules of [`edit::apply`], under the lesson's locks) and returns the
    /// cell as it was before (for undo). `Err` says why it was refused (the cell is then
    /// unchanged).
    pub fn apply(&mut self, e: &Edit) -> Result<CellSnapshot, EditError> {
        edit::permitted(&self.options, e)?;
        if matches!(e, Edit::ApplyUpdate) && self.update_asked() {
            return Err(EditError::UpdateAsked);
        }
        let before = self.snapshot();
        let layers = self.doc.net.len();
        edit::apply(&mut self.doc, &mut self.optimizer, e)?;
        // The window follows what the edit made: the new layer, the new sample.
        match *e {
            Edit::InsertLayer { index } => self.selected_layer = index.min(layers),
            Edit::AddSample { .. } => self.sample = self.doc.batch() - 1,
            _ => {}
        }
        self.clamp_indices();
        self.recompute();
        if matches!(e, Edit::ApplyUpdate) {
            self.loss_history.push(self.grads.loss);
        } else if self.loss_history.len() == 1 {
            // A changed network starts a new loss curve from its current loss.
            self.loss_history[0] = self.grads.loss;
        }
        Ok(before)
    }

    /// The activation feeding layer `layer` for the shown sample.
    pub fn input_column(&self, layer: usize) -> Matrix {
        self.fwd.input_of(layer).columns(self.sample, 1).into_owned()
    }
}
