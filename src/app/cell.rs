//! A live network cell: its document, optimizer, traces and stepper position.

use super::command::{Edit, Selection};
use crate::lesson::Lock;
use crate::nn::doc::{NetworkDoc, check_targets};
use crate::nn::steps::{ChainStep, Quantity, UpdateInfo, chain_steps};
use crate::nn::trace::{ForwardTrace, Gradients, backward_into, forward_into, loss_of};
use crate::nn::{Activation, LossKind, Matrix, Optimizer, OptimizerConfig};
use std::collections::HashMap;

/// Why "Apply update" waits while an exercise asks for the updated weights.
pub const UPDATE_ASKED: &str =
    "answer the exercise on the update first: applying it would show the new weights it asks for";

/// The lesson lock an edit needs to be free.
fn lock_of(edit: &Edit) -> Option<Lock> {
    Some(match edit {
        Edit::Weight { .. } => Lock::Weights,
        Edit::Bias { .. } => Lock::Biases,
        Edit::Input { .. } | Edit::AddSample { .. } | Edit::RemoveSample { .. } => Lock::Inputs,
        Edit::Target { .. } | Edit::TargetClass { .. } => Lock::Targets,
        Edit::Loss(_) | Edit::Reduction(_) => Lock::Loss,
        Edit::ApplyUpdate | Edit::LearningRate(_) | Edit::Optimizer(_) => Lock::Update,
        Edit::Activation { .. }
        | Edit::InsertLayer { .. }
        | Edit::RemoveLayer { .. }
        | Edit::AddUnit { .. }
        | Edit::RemoveUnit { .. }
        | Edit::AddInput
        | Edit::RemoveInput { .. } => Lock::Structure,
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// How a lock is named in messages.
pub fn lock_text(l: Lock) -> &'static str {
    match l {
        Lock::Weights => "the weights",
        Lock::Biases => "the biases",
        Lock::Inputs => "the inputs",
        Lock::Targets => "the targets",
        Lock::Structure => "the shape and activations",
        Lock::Loss => "the loss",
        Lock::Update => "the update",
        Lock::All => "every value",
    }
}

/// Units a newly inserted layer gets.
pub const NEW_LAYER_UNITS: usize = 4;

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
        self.options.lock.iter().any(|&l| l == what || l == Lock::All)
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
            self.step = Some(s.min(self.steps.len().saturating_sub(1)));
        }
    }

    /// Forward and backward passes and the chain-rule steps, from the document.
    pub fn recompute(&mut self) {
        forward_into(&self.doc.net, &self.doc.x, &mut self.fwd);
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
            self.step = Some(s.min(self.steps.len().saturating_sub(1)));
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
        let l = loss_of(&net, &self.doc.x, &self.doc.y, &self.doc.loss);
        (net, l)
    }

    /// Whether an unanswered exercise asks for this network's weights or biases after the
    /// update: applying it would show the answer, so "Apply update" waits.
    pub fn update_asked(&self) -> bool {
        self.blanks.iter().any(|b| b.after_update)
    }

    /// The current step, if stepping.
    pub fn current_step(&self) -> Option<&ChainStep> {
        self.step.and_then(|s| self.steps.get(s))
    }

    /// Applies an edit and returns the cell as it was before (for undo). `Err` explains why it
    /// was refused (the cell is then unchanged).
    pub fn apply(&mut self, edit: &Edit) -> Result<CellSnapshot, String> {
        if let Some(lock) = lock_of(edit)
            && self.locked(lock)
        {
            return Err(format!("the lesson locks {} in this network", lock_text(lock)));
        }
        if matches!(edit, Edit::ApplyUpdate) && self.update_asked() {
            return Err(UPDATE_ASKED.into());
        }
        let before = self.snapshot();
        if let Err(e) = self.apply_inner(edit) {
            self.restore(before);
            return Err(e);
        }
        self.clamp_indices();
        self.recompute();
        if !matches!(edit, Edit::ApplyUpdate) {
            // A changed network starts a new loss curve from its current loss.
            if self.loss_history.len() == 1 {
                self.loss_history[0] = self.grads.loss;
            }
        }
        Ok(before)
    }

    fn apply_inner(&mut self, edit: &Edit) -> Result<(), String> {
        let n = self.doc.net.len();
        let finite = |v: f64| {
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!("{v} is not a finite number"))
            }
        };
        match *edit {
            Edit::Weight { layer, row, col, value } => {
                let l = self.doc.net.layers().get(layer).ok_or("no such layer")?;
                if row >= l.units() || col >= l.inputs() {
                    return Err("no such weight".into());
                }
                self.doc.net.weights_mut(layer)[(row, col)] = finite(value)?;
            }
            Edit::Bias { layer, unit, value } => {
                let l = self.doc.net.layers().get(layer).ok_or("no such layer")?;
                if unit >= l.units() {
                    return Err("no such unit".into());
                }
                self.doc.net.bias_mut(layer)[unit] = finite(value)?;
            }
            Edit::Input { sample, index, value } => {
                if sample >= self.doc.x.ncols() || index >= self.doc.x.nrows() {
                    return Err("no such input".into());
                }
                self.doc.x[(index, sample)] = finite(value)?;
            }
            Edit::Target { sample, index, value } => {
                if sample >= self.doc.y.ncols() || index >= self.doc.y.nrows() {
                    return Err("no such target".into());
                }
                self.doc.y[(index, sample)] = finite(value)?;
                self.check_targets()?;
            }
            Edit::TargetClass { sample, class } => {
                if sample >= self.doc.y.ncols() || class >= self.doc.y.nrows() {
                    return Err("no such class".into());
                }
                let mut col = self.doc.y.column_mut(sample);
                col.fill(0.0);
                col[class] = 1.0;
            }
            Edit::Activation { layer, activation } => {
                if activation == Activation::Softmax && layer + 1 == n {
                    if self.doc.loss.kind != LossKind::CrossEntropy {
                        return Err("softmax output goes with the cross_entropy loss: choose that loss instead".into());
                    }
                } else if layer + 1 == n
                    && let Some(req) = self.doc.loss.kind.required_output()
                    && req != activation
                {
                    return Err(format!(
                        "the {} loss needs a {} output layer; change the loss first",
                        self.doc.loss.kind.name(),
                        req.name()
                    ));
                }
                self.doc
                    .net
                    .set_activation(layer, activation)
                    .map_err(|e| e.to_string())?;
            }
            Edit::Loss(kind) => {
                // Each loss starts with its own default reduction (mse: mean, as PyTorch; sse_half: sum).
                self.doc.loss = crate::nn::Loss::new(kind);
                let last = n - 1;
                let out_act = self.doc.net.layers()[last].activation;
                let want = match kind.required_output() {
                    Some(a) => a,
                    None if out_act == Activation::Softmax || out_act == Activation::Sigmoid => Activation::Identity,
                    None => out_act,
                };
                if want == Activation::Softmax && self.doc.net.outputs() < 2 {
                    return Err("cross_entropy needs at least 2 output units (one per class)".into());
                }
                self.doc.net.set_activation(last, want).map_err(|e| e.to_string())?;
                self.check_targets()?;
            }
            Edit::Reduction(r) => self.doc.loss.reduction = r,
            Edit::InsertLayer { index } => {
                let index = index.min(n);
                let act = if index == n {
                    self.doc.net.layers()[n - 1].activation
                } else {
                    Activation::Relu
                };
                self.doc
                    .net
                    .insert_layer(index, NEW_LAYER_UNITS, act)
                    .map_err(|e| e.to_string())?;
                if index == n {
                    // The old output layer becomes hidden; the new last layer needs the targets'
                    // width.
                    let outputs = self.doc.y.nrows();
                    let last = self.doc.net.len() - 1;
                    while self.doc.net.layers()[last].units() < outputs {
                        self.doc.net.add_unit(last).map_err(|e| e.to_string())?;
                    }
                    while self.doc.net.layers()[last].units() > outputs {
                        let u = self.doc.net.layers()[last].units() - 1;
                        self.doc.net.remove_unit(last, u).map_err(|e| e.to_string())?;
                    }
                    if self.doc.net.layers()[last - 1].activation == Activation::Softmax {
                        self.doc
                            .net
                            .set_activation(last - 1, Activation::Relu)
                            .map_err(|e| e.to_string())?;
                    }
                }
                self.selected_layer = index;
            }
            Edit::RemoveLayer { index } => {
                if index + 1 == n {
                    return Err("the output layer cannot be removed (it must match the targets)".into());
                }
                self.doc.net.remove_layer(index).map_err(|e| e.to_string())?;
            }
            Edit::AddUnit { layer } => {
                self.doc.net.add_unit(layer).map_err(|e| e.to_string())?;
                if layer + 1 == n {
                    self.doc.y = self.doc.y.clone().insert_row(self.doc.y.nrows(), 0.0);
                    self.check_targets()?;
                }
            }
            Edit::RemoveUnit { layer, unit } => {
                self.doc.net.remove_unit(layer, unit).map_err(|e| e.to_string())?;
                if layer + 1 == n {
                    let u = unit.min(self.doc.y.nrows() - 1);
                    self.doc.y = self.doc.y.clone().remove_row(u);
                    self.check_targets()?;
                }
            }
            Edit::AddInput => {
                self.doc.net.add_input();
                self.doc.x = self.doc.x.clone().insert_row(self.doc.x.nrows(), 0.0);
            }
            Edit::RemoveInput { index } => {
                self.doc.net.remove_input(index).map_err(|e| e.to_string())?;
                let i = index.min(self.doc.x.nrows() - 1);
                self.doc.x = self.doc.x.clone().remove_row(i);
            }
            Edit::AddSample { from } => {
                let from = from.min(self.doc.batch() - 1);
                let b = self.doc.batch();
                self.doc.x = self.doc.x.clone().insert_column(b, 0.0);
                self.doc.y = self.doc.y.clone().insert_column(b, 0.0);
                let (xc, yc) = (
                    self.doc.x.column(from).into_owned(),
                    self.doc.y.column(from).into_owned(),
                );
                self.doc.x.set_column(b, &xc);
                self.doc.y.set_column(b, &yc);
                self.sample = b;
            }
            Edit::RemoveSample { sample } => {
                if self.doc.batch() <= 1 {
                    return Err("the batch needs at least one sample".into());
                }
                let s = sample.min(self.doc.batch() - 1);
                self.doc.x = self.doc.x.clone().remove_column(s);
                self.doc.y = self.doc.y.clone().remove_column(s);
            }
            Edit::LearningRate(lr) => {
                if !(lr.is_finite() && lr >= 0.0) {
                    return Err("the learning rate must be a finite number, 0 or more".into());
                }
                self.doc.optimizer.lr = lr;
                self.optimizer.config.lr = lr;
            }
            Edit::Optimizer(kind) => {
                let lr = self.doc.optimizer.lr;
                self.doc.optimizer = OptimizerConfig {
                    lr,
                    ..OptimizerConfig::defaults(kind)
                };
                self.optimizer = Optimizer::new(self.doc.optimizer);
            }
            Edit::ApplyUpdate => {
                let grads = std::mem::take(&mut self.grads);
                self.optimizer.step(&mut self.doc.net, &grads);
                self.grads = grads;
                let l = loss_of(&self.doc.net, &self.doc.x, &self.doc.y, &self.doc.loss);
                if !l.is_finite() || !params_finite(&self.doc.net) {
                    return Err(
                        "the update made a value NaN or infinite; it was undone (try a smaller learning rate)".into(),
                    );
                }
                self.loss_history.push(l);
            }
        }
        Ok(())
    }

    fn check_targets(&self) -> Result<(), String> {
        let rows: Vec<Vec<f64>> = self.doc.y.column_iter().map(|c| c.iter().copied().collect()).collect();
        let mut e = Vec::new();
        check_targets(&self.doc.loss, &rows, &mut e);
        if e.is_empty() { Ok(()) } else { Err(e.join("; ")) }
    }

    /// The activation feeding layer `layer` for the shown sample.
    pub fn input_column(&self, layer: usize) -> Matrix {
        self.fwd.input_of(layer).columns(self.sample, 1).into_owned()
    }
}

fn params_finite(net: &crate::nn::Network) -> bool {
    net.layers()
        .iter()
        .all(|l| l.weights.iter().chain(l.bias.iter()).all(|v| v.is_finite()))
}
