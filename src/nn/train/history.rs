//! What training reports: an [`EpochRecord`] per epoch, and why it stopped ([`StopReason`],
//! with [`NonFiniteAt`] for where a value became NaN or infinite). Epochs and steps count
//! from 1, as do layers.

/// One epoch's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochRecord {
    /// 1-based.
    pub epoch: usize,
    /// Mean of the batch losses over the epoch, weighted by batch size (as Keras reports).
    pub loss: f64,
    pub accuracy: Option<f64>,
    pub val_loss: Option<f64>,
    pub val_accuracy: Option<f64>,
    pub lr: f64,
}

/// Why training stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum StopReason {
    Finished,
    EarlyStopped {
        epoch: usize,
        best_epoch: usize,
    },
    /// The loss stayed finite but far above the initial weights' loss for
    /// [`super::DIVERGE_EPOCHS`] epochs in a row (more than [`super::DIVERGE_FACTOR`] times it):
    /// training diverged. The weights of `kept_epoch` (the last epoch whose loss was not that
    /// high; 0 for the initial weights) were put back.
    Diverged {
        epoch: usize,
        /// The last epoch's loss.
        loss: f64,
        /// The initial weights' loss on the training set.
        start: f64,
        kept_epoch: usize,
    },
    /// A value became NaN or infinite; the last finite parameters were kept.
    NonFinite {
        epoch: usize,
        step: usize,
        at: NonFiniteAt,
    },
}

/// Where a value became NaN or infinite, checked in this order after each step's forward and
/// backward passes, and then after its update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonFiniteAt {
    /// A layer's forward values `z` or `a`: the lowest-numbered such layer (where it started;
    /// the layers after it inherit the NaN).
    Values { layer: usize },
    /// The loss, while every forward value was finite (an overflowing square, say).
    Loss,
    /// A layer's gradients dL/dW or dL/db, with a finite loss: the highest-numbered such layer
    /// (backpropagation runs from the output, so that is where it started).
    Gradients { layer: usize },
    /// A layer's weights or biases after the optimizer's update: the lowest-numbered such
    /// layer. The update was undone.
    Weights { layer: usize },
}

impl NonFiniteAt {
    /// The layer (1-based), if the problem was in one.
    pub fn layer(self) -> Option<usize> {
        match self {
            NonFiniteAt::Values { layer } | NonFiniteAt::Gradients { layer } | NonFiniteAt::Weights { layer } => {
                Some(layer)
            }
            NonFiniteAt::Loss => None,
        }
    }
}

impl std::fmt::Display for NonFiniteAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NonFiniteAt::Values { layer } => write!(f, "layer {layer}'s values (z, a)"),
            NonFiniteAt::Loss => write!(f, "the loss"),
            NonFiniteAt::Gradients { layer } => write!(f, "layer {layer}'s gradients"),
            NonFiniteAt::Weights { layer } => write!(f, "layer {layer}'s weights after the update"),
        }
    }
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Finished => write!(f, "finished all epochs"),
            StopReason::EarlyStopped { epoch, best_epoch } => {
                write!(f, "early stopping after epoch {epoch} (best epoch {best_epoch})")
            }
            StopReason::Diverged {
                epoch,
                loss,
                start,
                kept_epoch,
            } => {
                let nf = crate::nn::numfmt::NumberFormat::PLOT;
                let kept = if *kept_epoch == 0 {
                    "the initial weights were put back".to_string()
                } else {
                    format!("the weights of epoch {kept_epoch} were put back")
                };
                write!(
                    f,
                    "stopped after epoch {epoch}: the loss ({}) stayed over {} times its start ({}) for {} epochs, so training diverged; {kept} (try a smaller learning rate)",
                    nf.fmt(*loss),
                    super::DIVERGE_FACTOR,
                    nf.fmt(*start),
                    super::DIVERGE_EPOCHS,
                )
            }
            StopReason::NonFinite { epoch, step, at } => write!(
                f,
                "stopped at epoch {epoch}, step {step}: {at} became NaN or infinite; the last finite parameters were kept (try a smaller learning rate)"
            ),
        }
    }
}
