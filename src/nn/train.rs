//! Training: full batch, mini-batch or one sample at a time, seeded shuffling, a validation
//! split, L2, inverted dropout, learning-rate schedules, clipping, early stopping (as Keras'
//! `EarlyStopping`) and a clear stop when a value becomes NaN or infinite.
//!
//! A [`Trainer`] advances in bounded slices ([`Trainer::run_steps`]) so a window can train a few
//! steps per frame; [`Trainer::run`] trains to the end. Steady-state steps allocate nothing.
//!
//! # Conventions
//! - [`Trainer::new`] checks the data against the network once (features = inputs, target rows
//!   = output units, the loss's output activation and targets), so no later step can fail on a
//!   shape. Its state is private (read through accessors such as [`Trainer::net`]), so neither
//!   the data nor the network can be swapped behind that check.
//! - Epochs are counted from 1 in [`EpochRecord`] and [`StopReason`]; steps within an epoch from
//!   1; layers from 1 in [`NonFiniteAt`].
//! - Settings changed while training ([`Trainer::set_config`], [`Trainer::set_base_lr`],
//!   [`Trainer::set_optimizer`]) keep the optimizer's state (momentum, Adam's moments). They
//!   take effect as follows: the learning rate, optimizer hyperparameters, L2, dropout, clipping
//!   and the schedule at the next step; the batch size and shuffling at the next epoch (the
//!   current epoch keeps its batches, so every sample is still seen once); early stopping at the
//!   end of the current epoch; the number of epochs at once (more epochs resume a trainer that
//!   had finished them). The seed is read once, by [`Trainer::new`].
//! - A loss that stays finite but far above the initial weights' loss ([`DIVERGE_FACTOR`]
//!   times, for [`DIVERGE_EPOCHS`] epochs in a row) stops training as
//!   [`StopReason::Diverged`], with the weights of the last epoch below that put back.
//! - On a NaN or infinity nothing is applied: the parameters are the last finite ones, and
//!   [`StopReason::NonFinite`] says where it happened ([`NonFiniteAt`]).
//!
//! # Map
//! - this file: the settings ([`TrainConfig`]), [`Trainer`]'s state, its constructor, live
//!   setters and run loop; [`train_step`] and [`evaluate`].
//! - `step.rs`: one mini-batch step and the end of an epoch (early stopping).
//! - `advance.rs`: a step in pieces of bounded work ([`Trainer::advance`]): a batch in chunks
//!   of samples whose gradients are summed, the initial loss and the validation in chunks.
//! - `history.rs`: [`EpochRecord`], [`StopReason`], [`NonFiniteAt`].
//! - `check.rs`: the checks of the settings and data ([`TrainError`]).

use super::data::{Dataset, accuracy};
use super::init::Stream;
use super::schedule::Schedule;
use super::trace::{ForwardTrace, Gradients, backward_into, forward_into};
use super::{Loss, LossKind, Matrix, Network, Optimizer, OptimizerConfig};

mod advance;
mod check;
mod history;
mod step;
pub use advance::Advance;
pub use check::TrainError;
use check::{check_config, check_data, check_optimizer};
pub use history::{EpochRecord, NonFiniteAt, StopReason};

/// Divergence: an epoch whose loss is more than this many times the initial weights' loss on
/// the training set counts as diverging (a finite blow-up: saturated outputs, a loss that
/// jumped and stays up).
pub const DIVERGE_FACTOR: f64 = 10.0;
/// Training stops ([`StopReason::Diverged`]) after this many diverging epochs in a row, with
/// the weights of the last epoch that was not diverging.
pub const DIVERGE_EPOCHS: usize = 3;

/// Work units an optimizer update counts per parameter (it reads and writes the parameter, its
/// gradient and up to two moments).
pub const UPDATE_COST: u64 = 4;

/// Reusable buffers for one training step.
#[derive(Clone, Debug, Default)]
pub struct StepBuffers {
    pub fwd: ForwardTrace,
    pub grads: Gradients,
}

/// One full step on a batch: forward, backward (no input gradient), optimizer update.
/// Returns the loss before the update. Allocates nothing once the buffers have their shapes.
pub fn train_step(
    net: &mut Network,
    opt: &mut Optimizer,
    x: &Matrix,
    y: &Matrix,
    loss: &Loss,
    bufs: &mut StepBuffers,
) -> f64 {
    forward_into(net, x, &mut bufs.fwd);
    backward_into(net, &bufs.fwd, y, loss, &mut bufs.grads, false, None);
    opt.step(net, &bufs.grads);
    bufs.grads.loss
}

/// Keras-style early stopping on the validation loss (or the training loss without one): an
/// epoch improves if its loss is below `best - min_delta`; after `patience` epochs in a row
/// without improvement training stops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarlyStopping {
    pub patience: usize,
    pub min_delta: f64,
    /// Go back to the best epoch's weights when stopping early, as Keras, and also when the
    /// epochs run out without a stop (Keras keeps the last weights then).
    pub restore_best: bool,
}

/// How to train.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub epochs: usize,
    /// `None` = the full batch.
    pub batch_size: Option<usize>,
    pub shuffle: bool,
    pub seed: u64,
    /// L2 penalty `l2 * sum W^2` added to the loss (weights only, as Keras' kernel regularizer).
    pub l2: f64,
    /// Inverted dropout probability on hidden activations, training only.
    pub dropout: f64,
    pub early_stopping: Option<EarlyStopping>,
    pub schedule: Schedule,
    pub clip_norm: Option<f64>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            batch_size: None,
            shuffle: true,
            seed: 0,
            l2: 0.0,
            dropout: 0.0,
            early_stopping: None,
            schedule: Schedule::Constant,
            clip_norm: None,
        }
    }
}

/// Trains a network in bounded slices.
///
/// Its state is read through accessors and changed only through its methods, so the data
/// checked by [`Trainer::new`] stay the data trained on and the settings stay checked.
pub struct Trainer {
    config: TrainConfig,
    net: Network,
    optimizer: Optimizer,
    loss: Loss,
    train: Dataset,
    val: Option<Dataset>,
    history: Vec<EpochRecord>,
    stopped: Option<StopReason>,
    base_lr: f64,
    /// Whether accuracy is reported: class names, or a bce / cross-entropy loss.
    classify: bool,
    order: Vec<usize>,
    cursor: usize,
    /// The batch size of the epoch under way (fixed at its start).
    epoch_batch: usize,
    steps: usize,
    last_loss: Option<f64>,
    has_grads: bool,
    epoch_loss: f64,
    epoch_correct: f64,
    epoch_seen: usize,
    bx: Matrix,
    by: Matrix,
    bufs: StepBuffers,
    masks: Vec<Matrix>,
    backup: Vec<(Matrix, super::Vector)>,
    stream: Stream,
    best: Option<(f64, usize, Network)>,
    wait: usize,
    /// The initial weights' loss on the training set (measured before the first step).
    start_loss: Option<f64>,
    /// Diverging epochs in a row.
    diverging: usize,
    /// The weights at the end of the last epoch that was not diverging, and that epoch.
    good: Vec<(Matrix, super::Vector)>,
    good_epoch: usize,
    /// The part of a step under way when it is done in pieces ([`Trainer::advance`]).
    phase: advance::Phase,
    /// The most work done in one piece ([`Trainer::set_piece_limit`]).
    piece: Option<u64>,
    /// Dead ReLU units counted at the end of each epoch ([`Trainer::track_dead_units`]), the
    /// last count, and the units seen alive while counting.
    track_dead: bool,
    dead: Vec<Option<f64>>,
    alive: Vec<Vec<bool>>,
    /// A step done in pieces: the chunk's gradients and their weighted sum.
    chunk_grads: Gradients,
    acc: Gradients,
    /// Work done so far, in multiply-adds ([`Trainer::work_done`]).
    work: u64,
}

impl Trainer {
    /// A trainer, after checking the settings and the data against the network: features =
    /// inputs, target rows = output units, the loss's output activation (bce: sigmoid,
    /// cross-entropy: softmax) and its targets (bce: in [0, 1]; cross-entropy: one-hot, two or
    /// more rows). The first problem found is returned.
    pub fn new(
        net: Network,
        loss: Loss,
        opt: OptimizerConfig,
        train: Dataset,
        val: Option<Dataset>,
        config: TrainConfig,
    ) -> Result<Trainer, TrainError> {
        check_config(&config)?;
        check_optimizer(&opt)?;
        if train.is_empty() {
            return Err(TrainError::Empty);
        }
        if let (Some(need), Some(last)) = (loss.kind.required_output(), net.layers().last())
            && last.activation != need
        {
            return Err(TrainError::OutputActivation {
                loss: loss.kind.name(),
                needs: need.name(),
                layer: net.len(),
                has: last.activation.name(),
            });
        }
        check_data(&net, &loss, "training", &train)?;
        if let Some(v) = &val {
            check_data(&net, &loss, "validation", v)?;
        }
        let classify = !train.class_names.is_empty() || matches!(loss.kind, LossKind::Bce | LossKind::CrossEntropy);
        let order = (0..train.len()).collect();
        let stream = Stream::new(config.seed);
        Ok(Trainer {
            base_lr: opt.lr,
            optimizer: Optimizer::new(opt),
            config,
            net,
            loss,
            train,
            val,
            history: Vec::new(),
            stopped: None,
            classify,
            order,
            cursor: 0,
            epoch_batch: 1,
            steps: 0,
            last_loss: None,
            has_grads: false,
            epoch_loss: 0.0,
            epoch_correct: 0.0,
            epoch_seen: 0,
            bx: Matrix::zeros(0, 0),
            by: Matrix::zeros(0, 0),
            bufs: StepBuffers::default(),
            masks: Vec::new(),
            backup: Vec::new(),
            stream,
            best: None,
            wait: 0,
            start_loss: None,
            diverging: 0,
            good: Vec::new(),
            good_epoch: 0,
            phase: advance::Phase::Ready,
            piece: None,
            track_dead: false,
            dead: Vec::new(),
            alive: Vec::new(),
            chunk_grads: Gradients::default(),
            acc: Gradients::default(),
            work: 0,
        })
    }

    /// The settings in force (as given, with [`Trainer::set_config`]'s changes).
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The network as trained so far.
    pub fn net(&self) -> &Network {
        &self.net
    }

    /// The trained network, for keeping after training.
    pub fn into_net(self) -> Network {
        self.net
    }

    /// The optimizer: its settings (the learning rate for the current epoch) and its state.
    pub fn optimizer(&self) -> &Optimizer {
        &self.optimizer
    }

    pub fn loss(&self) -> &Loss {
        &self.loss
    }

    /// The training samples, as checked by [`Trainer::new`].
    pub fn train_data(&self) -> &Dataset {
        &self.train
    }

    /// The validation samples, if any.
    pub fn val_data(&self) -> Option<&Dataset> {
        self.val.as_ref()
    }

    /// One record per finished epoch, in order.
    pub fn history(&self) -> &[EpochRecord] {
        &self.history
    }

    /// Why training stopped; `None` while it can go on.
    pub fn stopped(&self) -> Option<&StopReason> {
        self.stopped.as_ref()
    }

    /// The current epoch (0-based, the one being trained).
    pub fn epoch(&self) -> usize {
        self.history.len()
    }

    pub fn is_done(&self) -> bool {
        self.stopped.is_some()
    }

    /// Mini-batch steps applied so far, over all epochs (a step stopped for a NaN not counted).
    pub fn steps_done(&self) -> usize {
        self.steps
    }

    /// Steps in the epoch under way (or in the next one, between epochs): the training samples
    /// divided by the batch size, rounded up.
    pub fn steps_per_epoch(&self) -> usize {
        let bs = if self.cursor > 0 {
            self.epoch_batch
        } else {
            self.batch_size()
        };
        self.train.len().div_ceil(bs)
    }

    /// How far the epoch under way is, from 0 (not begun) to 1: the share of its samples done.
    pub fn epoch_progress(&self) -> f64 {
        if self.order.is_empty() {
            0.0
        } else {
            self.cursor as f64 / self.order.len() as f64
        }
    }

    /// The loss of the last mini-batch step computed (before its update, with the L2 term);
    /// NaN or infinite if that step stopped training. `None` before the first step.
    pub fn last_step_loss(&self) -> Option<f64> {
        self.last_loss
    }

    /// The gradients of the last mini-batch step computed (with the L2 term, after clipping:
    /// what the optimizer was given). They may hold NaN or infinities if that step stopped
    /// training, which shows where it blew up. `None` before the first step.
    pub fn last_gradients(&self) -> Option<&Gradients> {
        self.has_grads.then_some(&self.bufs.grads)
    }

    /// The learning rate before the schedule (the schedule scales it per epoch).
    pub fn base_lr(&self) -> f64 {
        self.base_lr
    }

    /// Changes the base learning rate; the next step uses it (scaled by the schedule for the
    /// current epoch). The optimizer keeps its state.
    pub fn set_base_lr(&mut self, lr: f64) -> Result<(), TrainError> {
        if !(lr.is_finite() && lr >= 0.0) {
            return Err(TrainError::Setting(format!(
                "the learning rate must be a finite number, 0 or more, got {lr}"
            )));
        }
        self.base_lr = lr;
        self.refresh_lr();
        Ok(())
    }

    /// Changes the optimizer's hyperparameters (its `lr` becomes the base rate); the next step
    /// uses them. The same kind keeps its state (momentum, moments, step counts); another kind
    /// starts fresh, since one optimizer's state means nothing to another.
    pub fn set_optimizer(&mut self, opt: OptimizerConfig) -> Result<(), TrainError> {
        check_optimizer(&opt)?;
        if opt.kind == self.optimizer.config.kind {
            self.optimizer.config = opt;
        } else {
            self.optimizer = Optimizer::new(opt);
        }
        self.base_lr = opt.lr;
        self.refresh_lr();
        Ok(())
    }

    /// Changes the training settings without touching the optimizer's state; see the module's
    /// conventions for when each takes effect. The seed is kept (it was read by `new`).
    pub fn set_config(&mut self, config: TrainConfig) -> Result<(), TrainError> {
        check_config(&config)?;
        self.config = TrainConfig {
            seed: self.config.seed,
            ..config
        };
        self.refresh_lr();
        if self.stopped == Some(StopReason::Finished) && self.history.len() < self.config.epochs {
            self.stopped = None;
        }
        Ok(())
    }

    /// Changes the number of epochs (see [`Trainer::set_config`]).
    pub fn set_epochs(&mut self, epochs: usize) -> Result<(), TrainError> {
        self.set_config(TrainConfig {
            epochs,
            ..self.config.clone()
        })
    }

    fn refresh_lr(&mut self) {
        self.optimizer.config.lr = self.config.schedule.lr(self.base_lr, self.history.len());
    }

    fn batch_size(&self) -> usize {
        self.config
            .batch_size
            .unwrap_or(self.train.len())
            .clamp(1, self.train.len().max(1))
    }

    /// Multiply-adds of one sample's forward pass (weights and biases of every layer): the unit
    /// of [`Trainer::advance`]'s budget. A training step costs three times this per sample
    /// (forward, the deltas and the weight gradients), an update [`UPDATE_COST`] per parameter.
    pub fn sample_cost(&self) -> u64 {
        self.net
            .layers()
            .iter()
            .map(|l| (l.units() * (l.inputs() + 1)) as u64)
            .sum::<u64>()
            .max(1)
    }

    /// Work done so far, in multiply-adds as [`Trainer::advance`] counts them.
    pub fn work_done(&self) -> u64 {
        self.work
    }

    /// Trains at most `max_steps` mini-batch steps (an epoch boundary may fall inside).
    pub fn run_steps(&mut self, max_steps: usize) {
        for _ in 0..max_steps {
            if self.stopped.is_some() {
                return;
            }
            self.step();
        }
    }

    /// Trains to the end and returns why it stopped.
    pub fn run(&mut self) -> &StopReason {
        while self.stopped.is_none() {
            self.step();
        }
        self.stopped.as_ref().unwrap_or(&StopReason::Finished)
    }
}

/// Loss and accuracy of `net` on a whole data set (no dropout).
pub fn evaluate(net: &Network, data: &Dataset, loss: &Loss) -> (f64, f64) {
    let t = super::trace::forward(net, &data.x);
    let out = &t.layers[net.len() - 1];
    (loss.value(&out.z, &out.a, &data.y), accuracy(&out.a, &data.y))
}
