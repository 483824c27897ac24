//! The edits of a network cell's document, with the rules that keep it whole: a value must be
//! finite and exist; a layer inserted after the output becomes the output, as wide as the
//! targets, and an output unit added or removed adds or removes its target row; a softmax
//! output goes with the cross-entropy loss (and each loss picks its output activation); the
//! batch keeps at least one sample; an update that overflows is refused.
//!
//! [`apply`] changes a [`NetworkDoc`] (and the optimizer's running state, which "Apply update"
//! and the optimizer edits change) or leaves both as they were and says why in an
//! [`EditError`]. [`permitted`] is the lesson's locks: every [`Edit`] names the [`Lock`] that
//! forbids it ([`Edit::lock`], an exhaustive match, so a new edit must name one).
//!
//! Indices are 0-based as in the engine (`layer` 0 is layer 1, `sample` 0 is sample 1).

use super::{Lock, NetworkOptions};
use crate::nn::doc::NetworkDoc;
use crate::nn::{Activation, LossKind, Optimizer, OptimizerKind, Reduction};

mod rules;
#[cfg(test)]
mod tests;

/// Units a newly inserted layer gets.
pub const NEW_LAYER_UNITS: usize = 4;

/// Why "Apply update" waits while an exercise asks for the updated weights.
pub const UPDATE_ASKED: &str =
    "answer the exercise on the update first: applying it would show the new weights it asks for";

/// An edit of one network cell's document (undoable).
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// `W{layer+1}[row, col]` (0-based indices, `units x in` layout).
    Weight {
        layer: usize,
        row: usize,
        col: usize,
        value: f64,
    },
    Bias {
        layer: usize,
        unit: usize,
        value: f64,
    },
    Input {
        sample: usize,
        index: usize,
        value: f64,
    },
    Target {
        sample: usize,
        index: usize,
        value: f64,
    },
    /// Cross-entropy targets: make sample's target the one-hot row of `class`.
    TargetClass {
        sample: usize,
        class: usize,
    },
    Activation {
        layer: usize,
        activation: Activation,
    },
    Loss(LossKind),
    Reduction(Reduction),
    /// Inserts a layer of [`NEW_LAYER_UNITS`] units at `index` (0 = before the first layer),
    /// ReLU; at the end it takes the output's place and activation.
    InsertLayer {
        index: usize,
    },
    RemoveLayer {
        index: usize,
    },
    AddUnit {
        layer: usize,
    },
    RemoveUnit {
        layer: usize,
        unit: usize,
    },
    AddInput,
    RemoveInput {
        index: usize,
    },
    /// Appends a copy of sample `from`.
    AddSample {
        from: usize,
    },
    RemoveSample {
        sample: usize,
    },
    LearningRate(f64),
    Optimizer(OptimizerKind),
    /// One optimizer step on the cell's network (the stepper's "Apply update").
    ApplyUpdate,
}

impl Edit {
    /// Consecutive edits with the same key (within a short time) merge into one undo step,
    /// so dragging a value is one undo.
    pub fn coalesce_key(&self) -> Option<String> {
        match self {
            Edit::Weight { layer, row, col, .. } => Some(format!("w{layer},{row},{col}")),
            Edit::Bias { layer, unit, .. } => Some(format!("b{layer},{unit}")),
            Edit::Input { sample, index, .. } => Some(format!("x{sample},{index}")),
            Edit::Target { sample, index, .. } => Some(format!("y{sample},{index}")),
            Edit::LearningRate(_) => Some("lr".into()),
            _ => None,
        }
    }

    /// The lesson lock that forbids this edit. Exhaustive on purpose: a new edit must say
    /// which lock it falls under.
    pub fn lock(&self) -> Lock {
        match self {
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
        }
    }
}

/// Why an edit was refused (the document is then unchanged).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("the lesson locks {} in this network", .0.text())]
    Locked(Lock),
    #[error("{}", UPDATE_ASKED)]
    UpdateAsked,
    #[error("the lesson has not taught {} yet: this network shows only the {}", .0.text(), .1.text())]
    NotTaught(Lock, crate::lesson::Taught),
    #[error("no such layer")]
    NoSuchLayer,
    #[error("no such weight")]
    NoSuchWeight,
    #[error("no such unit")]
    NoSuchUnit,
    #[error("no such input")]
    NoSuchInput,
    #[error("no such target")]
    NoSuchTarget,
    #[error("no such class")]
    NoSuchClass,
    #[error("{0} is not a finite number")]
    NotFinite(f64),
    #[error("softmax output goes with the cross_entropy loss: choose that loss instead")]
    SoftmaxNeedsCrossEntropy,
    #[error("the {} loss needs a {} output layer; change the loss first", .loss.name(), .output.name())]
    LossNeedsOutput { loss: LossKind, output: Activation },
    #[error("cross_entropy needs at least 2 output units (one per class)")]
    TooFewClasses,
    #[error("the output layer cannot be removed (it must match the targets)")]
    OutputLayer,
    #[error("the batch needs at least one sample")]
    LastSample,
    #[error("the learning rate must be a finite number, 0 or more")]
    LearningRate,
    #[error("the update made a value NaN or infinite; it was undone (try a smaller learning rate)")]
    Diverged,
    /// The targets do not suit the loss (one message per target row).
    #[error("{}", .0.join("; "))]
    Targets(Vec<String>),
    #[error(transparent)]
    Network(#[from] crate::nn::network::EditError),
}

/// Whether the cell's lesson options let a student make this edit.
pub fn permitted(options: &NetworkOptions, edit: &Edit) -> Result<(), EditError> {
    let lock = edit.lock();
    if options.is_locked(lock) {
        Err(EditError::Locked(lock))
    } else if !options.taught.allows(lock) {
        Err(EditError::NotTaught(lock, options.taught))
    } else {
        Ok(())
    }
}

/// Applies `edit` to `doc` and `optimizer` (the running state of `doc.optimizer`: moments, step
/// count), or leaves both unchanged and says why.
pub fn apply(doc: &mut NetworkDoc, optimizer: &mut Optimizer, edit: &Edit) -> Result<(), EditError> {
    // Each rule may refuse part-way; it works on copies (a lesson's networks are small).
    let mut d = doc.clone();
    let mut o = optimizer.clone();
    apply_to(&mut d, &mut o, edit)?;
    *doc = d;
    *optimizer = o;
    Ok(())
}

fn apply_to(doc: &mut NetworkDoc, opt: &mut Optimizer, edit: &Edit) -> Result<(), EditError> {
    match *edit {
        Edit::Weight { layer, row, col, value } => rules::weight(doc, layer, row, col, value),
        Edit::Bias { layer, unit, value } => rules::bias(doc, layer, unit, value),
        Edit::Input { sample, index, value } => rules::input(doc, sample, index, value),
        Edit::Target { sample, index, value } => rules::target(doc, sample, index, value),
        Edit::TargetClass { sample, class } => rules::target_class(doc, sample, class),
        Edit::Activation { layer, activation } => rules::activation(doc, layer, activation),
        Edit::Loss(kind) => rules::loss(doc, kind),
        Edit::Reduction(r) => {
            doc.loss.reduction = r;
            Ok(())
        }
        Edit::InsertLayer { index } => rules::insert_layer(doc, index),
        Edit::RemoveLayer { index } => rules::remove_layer(doc, index),
        Edit::AddUnit { layer } => rules::add_unit(doc, layer),
        Edit::RemoveUnit { layer, unit } => rules::remove_unit(doc, layer, unit),
        Edit::AddInput => {
            rules::add_input(doc);
            Ok(())
        }
        Edit::RemoveInput { index } => rules::remove_input(doc, index),
        Edit::AddSample { from } => {
            rules::add_sample(doc, from);
            Ok(())
        }
        Edit::RemoveSample { sample } => rules::remove_sample(doc, sample),
        Edit::LearningRate(lr) => rules::learning_rate(doc, opt, lr),
        Edit::Optimizer(kind) => {
            rules::optimizer(doc, opt, kind);
            Ok(())
        }
        Edit::ApplyUpdate => rules::update(doc, opt),
    }
}
