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
//!   shape.
//! - Epochs are counted from 1 in [`EpochRecord`] and [`StopReason`]; steps within an epoch from
//!   1; layers from 1 in [`NonFiniteAt`].
//! - Settings changed while training ([`Trainer::set_config`], [`Trainer::set_base_lr`],
//!   [`Trainer::set_optimizer`]) keep the optimizer's state (momentum, Adam's moments). They
//!   take effect as follows: the learning rate, optimizer hyperparameters, L2, dropout, clipping
//!   and the schedule at the next step; the batch size and shuffling at the next epoch (the
//!   current epoch keeps its batches, so every sample is still seen once); early stopping at the
//!   end of the current epoch; the number of epochs at once (more epochs resume a trainer that
//!   had finished them). The seed is read once, by [`Trainer::new`].
//! - On a NaN or infinity nothing is applied: the parameters are the last finite ones, and
//!   [`StopReason::NonFinite`] says where it happened ([`NonFiniteAt`]).

use super::data::{Dataset, accuracy, shuffle_with};
use super::fastmath::all_finite;
use super::init::Stream;
use super::schedule::{Schedule, clip_global_norm};
use super::trace::{ForwardTrace, Gradients, backward_into, forward_in_place, forward_into};
use super::{Loss, LossKind, Matrix, Network, Optimizer, OptimizerConfig};

mod check;
pub use check::TrainError;
use check::{check_config, check_data, check_optimizer};

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
            StopReason::NonFinite { epoch, step, at } => write!(
                f,
                "stopped at epoch {epoch}, step {step}: {at} became NaN or infinite; the last finite parameters were kept (try a smaller learning rate)"
            ),
        }
    }
}

/// Trains a network in bounded slices.
pub struct Trainer {
    pub config: TrainConfig,
    pub net: Network,
    pub optimizer: Optimizer,
    pub loss: Loss,
    pub train: Dataset,
    pub val: Option<Dataset>,
    pub history: Vec<EpochRecord>,
    pub stopped: Option<StopReason>,
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
        })
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

    /// Trains the rest of the current epoch without the end-of-epoch evaluation; returns the
    /// epoch's mean batch loss. (Used by the epoch benchmark.)
    pub fn train_epoch_steps(&mut self) -> f64 {
        if self.cursor == 0 {
            self.begin_epoch();
        }
        while self.cursor < self.order.len() && self.stopped.is_none() {
            self.batch_step();
        }
        let mean = self.epoch_loss / self.epoch_seen.max(1) as f64;
        self.cursor = 0;
        self.epoch_loss = 0.0;
        self.epoch_correct = 0.0;
        self.epoch_seen = 0;
        mean
    }

    /// One mini-batch step, closing the epoch when its last batch is done.
    pub fn step(&mut self) {
        if self.stopped.is_some() {
            return;
        }
        if self.train.is_empty() || self.history.len() >= self.config.epochs {
            self.stopped = Some(StopReason::Finished);
            return;
        }
        if self.cursor == 0 {
            self.begin_epoch();
        }
        self.batch_step();
        if self.stopped.is_none() && self.cursor >= self.order.len() {
            self.end_epoch();
        }
    }

    fn begin_epoch(&mut self) {
        if self.config.shuffle {
            shuffle_with(&mut self.order, &mut self.stream);
        }
        self.epoch_batch = self.batch_size();
        self.refresh_lr();
    }

    fn batch_step(&mut self) {
        let bs = self.epoch_batch.max(1);
        let end = (self.cursor + bs).min(self.order.len());
        let n = end - self.cursor;
        let (fx, fy) = (self.train.x.nrows(), self.train.y.nrows());
        super::linalg::ensure_shape(&mut self.bx, fx, n);
        super::linalg::ensure_shape(&mut self.by, fy, n);
        for (c, &j) in self.order[self.cursor..end].iter().enumerate() {
            self.bx.column_mut(c).copy_from(&self.train.x.column(j));
            self.by.column_mut(c).copy_from(&self.train.y.column(j));
        }
        let step_no = self.cursor / bs + 1;
        self.cursor = end;
        let fwd = &mut self.bufs.fwd;
        super::linalg::ensure_shape(&mut fwd.x, fx, n);
        fwd.x.copy_from(&self.bx);
        let masks = if self.config.dropout > 0.0 {
            self.make_masks();
            Some(self.masks.as_slice())
        } else {
            None
        };
        forward_in_place(&self.net, &mut self.bufs.fwd, masks);
        backward_into(
            &self.net,
            &self.bufs.fwd,
            &self.by,
            &self.loss,
            &mut self.bufs.grads,
            false,
            masks,
        );
        if self.config.l2 > 0.0 {
            let l2 = self.config.l2;
            for (g, l) in self.bufs.grads.layers.iter_mut().zip(self.net.layers()) {
                self.bufs.grads.loss += l2 * l.weights.norm_squared();
                g.weights.zip_apply(&l.weights, |gv, wv| *gv += 2.0 * l2 * wv);
            }
        }
        self.has_grads = true;
        self.last_loss = Some(self.bufs.grads.loss);
        let epoch = self.history.len() + 1;
        if let Some(at) = self.locate_non_finite() {
            self.stopped = Some(StopReason::NonFinite {
                epoch,
                step: step_no,
                at,
            });
            return;
        }
        if let Some(max) = self.config.clip_norm {
            clip_global_norm(&mut self.bufs.grads, max);
        }
        self.save_backup();
        self.optimizer.step(&mut self.net, &self.bufs.grads);
        if let Some(i) = self
            .net
            .layers()
            .iter()
            .position(|l| !(all_finite(l.weights.as_slice()) && all_finite(l.bias.as_slice())))
        {
            self.restore_backup();
            self.stopped = Some(StopReason::NonFinite {
                epoch,
                step: step_no,
                at: NonFiniteAt::Weights { layer: i + 1 },
            });
            return;
        }
        self.steps += 1;
        self.epoch_loss += self.bufs.grads.loss * n as f64;
        self.epoch_seen += n;
        if self.classify {
            self.epoch_correct += accuracy(self.bufs.fwd.output(), &self.by) * n as f64;
        }
    }

    /// Where this step's forward or backward pass first produced a NaN or infinity (see
    /// [`NonFiniteAt`]), or `None` if everything is finite. Cheap when it is.
    fn locate_non_finite(&self) -> Option<NonFiniteAt> {
        let g = &self.bufs.grads;
        if g.is_finite() {
            return None;
        }
        let finite_layer = |z: &Matrix, a: &Matrix| all_finite(z.as_slice()) && all_finite(a.as_slice());
        if let Some(i) = self.bufs.fwd.layers.iter().position(|l| !finite_layer(&l.z, &l.a)) {
            return Some(NonFiniteAt::Values { layer: i + 1 });
        }
        if !g.loss.is_finite() {
            return Some(NonFiniteAt::Loss);
        }
        let i = g
            .layers
            .iter()
            .rposition(|l| !(all_finite(l.weights.as_slice()) && all_finite(l.bias.as_slice())))
            .unwrap_or(0);
        Some(NonFiniteAt::Gradients { layer: i + 1 })
    }

    fn make_masks(&mut self) {
        let p = self.config.dropout.clamp(0.0, 0.999);
        let keep = 1.0 / (1.0 - p);
        let b = self.bx.ncols();
        let hidden = self.net.len().saturating_sub(1);
        self.masks.resize_with(hidden, || Matrix::zeros(0, 0));
        for (m, l) in self.masks.iter_mut().zip(self.net.layers()) {
            super::linalg::ensure_shape(m, l.units(), b);
            for v in m.iter_mut() {
                *v = if self.stream.uniform() < p { 0.0 } else { keep };
            }
        }
    }

    fn save_backup(&mut self) {
        self.backup
            .resize_with(self.net.len(), || (Matrix::zeros(0, 0), super::Vector::zeros(0)));
        for ((bw, bb), l) in self.backup.iter_mut().zip(self.net.layers()) {
            super::linalg::ensure_shape(bw, l.units(), l.inputs());
            bw.copy_from(&l.weights);
            if bb.len() != l.units() {
                *bb = super::Vector::zeros(l.units());
            }
            bb.copy_from(&l.bias);
        }
    }

    fn restore_backup(&mut self) {
        for (i, (bw, bb)) in self.backup.iter().enumerate() {
            let l = self.net.layer_mut(i);
            l.weights.copy_from(bw);
            l.bias.copy_from(bb);
        }
    }

    fn end_epoch(&mut self) {
        let seen = self.epoch_seen.max(1) as f64;
        let classify = self.classify;
        let (val_loss, val_accuracy) = match &self.val {
            Some(v) if !v.is_empty() => {
                let (l, a) = evaluate(&self.net, v, &self.loss);
                (Some(l), classify.then_some(a))
            }
            _ => (None, None),
        };
        let rec = EpochRecord {
            epoch: self.history.len() + 1,
            loss: self.epoch_loss / seen,
            accuracy: classify.then_some(self.epoch_correct / seen),
            val_loss,
            val_accuracy,
            lr: self.optimizer.config.lr,
        };
        self.cursor = 0;
        self.epoch_loss = 0.0;
        self.epoch_correct = 0.0;
        self.epoch_seen = 0;
        let monitored = rec.val_loss.unwrap_or(rec.loss);
        let epoch = rec.epoch;
        self.history.push(rec);
        if let Some(es) = self.config.early_stopping {
            // A NaN loss is never an improvement (as Keras: `np.less(nan, best)` is false).
            let improved =
                !monitored.is_nan() && self.best.as_ref().is_none_or(|(b, _, _)| monitored < b - es.min_delta);
            if improved {
                self.best = Some((monitored, epoch, self.net.clone()));
                self.wait = 0;
            } else {
                self.wait += 1;
                if self.wait >= es.patience {
                    let best_epoch = self.best.as_ref().map_or(epoch, |b| b.1);
                    if es.restore_best
                        && let Some((_, _, net)) = &self.best
                    {
                        self.net = net.clone();
                    }
                    self.stopped = Some(StopReason::EarlyStopped { epoch, best_epoch });
                    return;
                }
            }
        }
        if self.history.len() >= self.config.epochs {
            if let Some(es) = self.config.early_stopping
                && es.restore_best
                && let Some((_, _, net)) = &self.best
            {
                self.net = net.clone();
            }
            self.stopped = Some(StopReason::Finished);
        }
    }
}

/// Loss and accuracy of `net` on a whole data set (no dropout).
pub fn evaluate(net: &Network, data: &Dataset, loss: &Loss) -> (f64, f64) {
    let t = super::trace::forward(net, &data.x);
    let out = &t.layers[net.len() - 1];
    (loss.value(&out.z, &out.a, &data.y), accuracy(&out.a, &data.y))
}
