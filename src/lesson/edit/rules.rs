//! One function per kind of edit; [`super::apply`] runs them on a copy of the document, so a
//! rule may refuse after changing part of it.

use super::{EditError, NEW_LAYER_UNITS};
use crate::nn::doc::{NetworkDoc, check_targets};
use crate::nn::trace::{ForwardTrace, Gradients, backward_into, forward_into, loss_of};
use crate::nn::{Activation, Loss, LossKind, Network, Optimizer, OptimizerConfig, OptimizerKind};

fn finite(v: f64) -> Result<f64, EditError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(EditError::NotFinite(v))
    }
}

/// The targets must suit the loss (one-hot rows for cross-entropy, 0 to 1 for BCE).
fn targets_fit(doc: &NetworkDoc) -> Result<(), EditError> {
    let rows: Vec<Vec<f64>> = doc.y.column_iter().map(|c| c.iter().copied().collect()).collect();
    let mut e = Vec::new();
    check_targets(&doc.loss, &rows, &mut e);
    if e.is_empty() {
        Ok(())
    } else {
        Err(EditError::Targets(e))
    }
}

pub(super) fn weight(doc: &mut NetworkDoc, layer: usize, row: usize, col: usize, value: f64) -> Result<(), EditError> {
    let l = doc.net.layers().get(layer).ok_or(EditError::NoSuchLayer)?;
    if row >= l.units() || col >= l.inputs() {
        return Err(EditError::NoSuchWeight);
    }
    doc.net.weights_mut(layer)[(row, col)] = finite(value)?;
    Ok(())
}

pub(super) fn bias(doc: &mut NetworkDoc, layer: usize, unit: usize, value: f64) -> Result<(), EditError> {
    let l = doc.net.layers().get(layer).ok_or(EditError::NoSuchLayer)?;
    if unit >= l.units() {
        return Err(EditError::NoSuchUnit);
    }
    doc.net.bias_mut(layer)[unit] = finite(value)?;
    Ok(())
}

pub(super) fn input(doc: &mut NetworkDoc, sample: usize, index: usize, value: f64) -> Result<(), EditError> {
    if sample >= doc.x.ncols() || index >= doc.x.nrows() {
        return Err(EditError::NoSuchInput);
    }
    doc.x[(index, sample)] = finite(value)?;
    Ok(())
}

pub(super) fn target(doc: &mut NetworkDoc, sample: usize, index: usize, value: f64) -> Result<(), EditError> {
    if sample >= doc.y.ncols() || index >= doc.y.nrows() {
        return Err(EditError::NoSuchTarget);
    }
    doc.y[(index, sample)] = finite(value)?;
    targets_fit(doc)
}

pub(super) fn target_class(doc: &mut NetworkDoc, sample: usize, class: usize) -> Result<(), EditError> {
    if sample >= doc.y.ncols() || class >= doc.y.nrows() {
        return Err(EditError::NoSuchClass);
    }
    let mut col = doc.y.column_mut(sample);
    col.fill(0.0);
    col[class] = 1.0;
    Ok(())
}

/// An activation; the output layer's must suit the loss (softmax only with cross-entropy, and
/// a loss that needs an output activation keeps it).
pub(super) fn activation(doc: &mut NetworkDoc, layer: usize, activation: Activation) -> Result<(), EditError> {
    let output = layer + 1 == doc.net.len();
    if output && activation == Activation::Softmax {
        if doc.loss.kind != LossKind::CrossEntropy {
            return Err(EditError::SoftmaxNeedsCrossEntropy);
        }
    } else if output
        && let Some(req) = doc.loss.kind.required_output()
        && req != activation
    {
        return Err(EditError::LossNeedsOutput {
            loss: doc.loss.kind,
            output: req,
        });
    }
    doc.net.set_activation(layer, activation)?;
    Ok(())
}

/// A loss with its own default reduction (mse: mean, as PyTorch; sse_half: sum), and the output
/// activation it needs: its required one, else identity in place of softmax or sigmoid.
pub(super) fn loss(doc: &mut NetworkDoc, kind: LossKind) -> Result<(), EditError> {
    doc.loss = Loss::new(kind);
    let last = doc.net.len() - 1;
    let out_act = doc.net.layers()[last].activation;
    let want = match kind.required_output() {
        Some(a) => a,
        None if out_act == Activation::Softmax || out_act == Activation::Sigmoid => Activation::Identity,
        None => out_act,
    };
    if want == Activation::Softmax && doc.net.outputs() < 2 {
        return Err(EditError::TooFewClasses);
    }
    doc.net.set_activation(last, want)?;
    targets_fit(doc)
}

/// A layer of [`NEW_LAYER_UNITS`] ReLU units at `index` (past the end: after the output). A
/// layer after the output becomes the output: it takes the old output's activation and the
/// targets' width, and the old output, now hidden, gives up softmax (for identity, as
/// [`Network::insert_layer`] does).
pub(super) fn insert_layer(doc: &mut NetworkDoc, index: usize) -> Result<(), EditError> {
    let n = doc.net.len();
    let index = index.min(n);
    let act = if index == n {
        doc.net.layers()[n - 1].activation
    } else {
        Activation::Relu
    };
    doc.net.insert_layer(index, NEW_LAYER_UNITS, act)?;
    if index == n {
        let outputs = doc.y.nrows();
        let last = doc.net.len() - 1;
        while doc.net.layers()[last].units() < outputs {
            doc.net.add_unit(last)?;
        }
        while doc.net.layers()[last].units() > outputs {
            let u = doc.net.layers()[last].units() - 1;
            doc.net.remove_unit(last, u)?;
        }
    }
    Ok(())
}

pub(super) fn remove_layer(doc: &mut NetworkDoc, index: usize) -> Result<(), EditError> {
    if index + 1 == doc.net.len() {
        return Err(EditError::OutputLayer);
    }
    doc.net.remove_layer(index)?;
    Ok(())
}

/// A unit; on the output layer the targets get a row of zeros to match.
pub(super) fn add_unit(doc: &mut NetworkDoc, layer: usize) -> Result<(), EditError> {
    doc.net.add_unit(layer)?;
    if layer + 1 == doc.net.len() {
        doc.y = doc.y.clone().insert_row(doc.y.nrows(), 0.0);
        targets_fit(doc)?;
    }
    Ok(())
}

/// A unit removed; on the output layer its target row goes too.
pub(super) fn remove_unit(doc: &mut NetworkDoc, layer: usize, unit: usize) -> Result<(), EditError> {
    doc.net.remove_unit(layer, unit)?;
    if layer + 1 == doc.net.len() {
        let u = unit.min(doc.y.nrows() - 1);
        doc.y = doc.y.clone().remove_row(u);
        targets_fit(doc)?;
    }
    Ok(())
}

/// An input (0 in every sample).
pub(super) fn add_input(doc: &mut NetworkDoc) {
    doc.net.add_input();
    doc.x = doc.x.clone().insert_row(doc.x.nrows(), 0.0);
}

pub(super) fn remove_input(doc: &mut NetworkDoc, index: usize) -> Result<(), EditError> {
    doc.net.remove_input(index)?;
    let i = index.min(doc.x.nrows() - 1);
    doc.x = doc.x.clone().remove_row(i);
    Ok(())
}

/// A copy of sample `from` (the last one if there is no such sample), at the end.
pub(super) fn add_sample(doc: &mut NetworkDoc, from: usize) {
    let b = doc.batch();
    let from = from.min(b - 1);
    doc.x = doc.x.clone().insert_column(b, 0.0);
    doc.y = doc.y.clone().insert_column(b, 0.0);
    let (xc, yc) = (doc.x.column(from).into_owned(), doc.y.column(from).into_owned());
    doc.x.set_column(b, &xc);
    doc.y.set_column(b, &yc);
}

pub(super) fn remove_sample(doc: &mut NetworkDoc, sample: usize) -> Result<(), EditError> {
    if doc.batch() <= 1 {
        return Err(EditError::LastSample);
    }
    let s = sample.min(doc.batch() - 1);
    doc.x = doc.x.clone().remove_column(s);
    doc.y = doc.y.clone().remove_column(s);
    Ok(())
}

/// The learning rate, in the document and in the running optimizer (its state kept).
pub(super) fn learning_rate(doc: &mut NetworkDoc, opt: &mut Optimizer, lr: f64) -> Result<(), EditError> {
    if !(lr.is_finite() && lr >= 0.0) {
        return Err(EditError::LearningRate);
    }
    doc.optimizer.lr = lr;
    opt.config.lr = lr;
    Ok(())
}

/// Another optimizer with its defaults, keeping the learning rate; its state starts afresh.
pub(super) fn optimizer(doc: &mut NetworkDoc, opt: &mut Optimizer, kind: OptimizerKind) {
    doc.optimizer = OptimizerConfig {
        lr: doc.optimizer.lr,
        ..OptimizerConfig::defaults(kind)
    };
    *opt = Optimizer::new(doc.optimizer);
}

/// One optimizer step from the gradients of the whole batch; refused if it makes a weight, a
/// bias or the loss NaN or infinite.
pub(super) fn update(doc: &mut NetworkDoc, opt: &mut Optimizer) -> Result<(), EditError> {
    let mut fwd = ForwardTrace::default();
    let mut grads = Gradients::default();
    forward_into(&doc.net, &doc.input(), &mut fwd);
    backward_into(&doc.net, &fwd, &doc.y, &doc.loss, &mut grads, false, None);
    opt.step(&mut doc.net, &grads);
    let l = loss_of(&doc.net, &doc.input(), &doc.y, &doc.loss);
    if !l.is_finite() || !params_finite(&doc.net) {
        return Err(EditError::Diverged);
    }
    Ok(())
}

fn params_finite(net: &Network) -> bool {
    net.layers()
        .iter()
        .all(|l| l.weights.iter().chain(l.bias.iter()).all(|v| v.is_finite()))
}
