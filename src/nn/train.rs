//! Training: full batch, mini-batch or one sample at a time, seeded shuffling, a validation
//! split, L2, inverted dropout, learning-rate schedules, clipping, early stopping (as Keras'
//! `EarlyStopping`) and a clear stop when a value becomes NaN or infinite.
//!
//! A [`Trainer`] advances in bounded slices ([`Trainer::run_steps`]) so a window can train a few
//! steps per frame; [`Trainer::run`] trains to the end. Steady-state steps allocate nothing.

use super::data::{Dataset, accuracy, shuffle_with};
use super::fastmath::all_finite;
use super::init::Stream;
use super::schedule::{Schedule, clip_global_norm};
use super::trace::{ForwardTrace, Gradients, backward_into, forward_in_place, forward_into};
use super::{Loss, Matrix, Network, Optimizer, OptimizerConfig};

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
    /// A loss or gradient became NaN or infinite; the last finite parameters were kept.
    NonFinite {
        epoch: usize,
        step: usize,
        what: String,
    },
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Finished => write!(f, "finished all epochs"),
            StopReason::EarlyStopped { epoch, best_epoch } => {
                write!(f, "early stopping after epoch {epoch} (best epoch {best_epoch})")
            }
            StopReason::NonFinite { epoch, step, what } => write!(
                f,
                "stopped at epoch {epoch}, step {step}: {what} became NaN or infinite; the last finite parameters were kept (try a smaller learning rate)"
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
    order: Vec<usize>,
    cursor: usize,
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
    pub fn new(
        net: Network,
        loss: Loss,
        opt: OptimizerConfig,
        train: Dataset,
        val: Option<Dataset>,
        config: TrainConfig,
    ) -> Trainer {
        let order = (0..train.len()).collect();
        let stream = Stream::new(config.seed);
        Trainer {
            base_lr: opt.lr,
            optimizer: Optimizer::new(opt),
            config,
            net,
            loss,
            train,
            val,
            history: Vec::new(),
            stopped: None,
            order,
            cursor: 0,
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
        }
    }

    /// The current epoch (0-based, the one being trained).
    pub fn epoch(&self) -> usize {
        self.history.len()
    }

    pub fn is_done(&self) -> bool {
        self.stopped.is_some()
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
        self.optimizer.config.lr = self.config.schedule.lr(self.base_lr, self.history.len());
    }

    fn batch_step(&mut self) {
        let bs = self.batch_size();
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
        if let Some(max) = self.config.clip_norm {
            clip_global_norm(&mut self.bufs.grads, max);
        }
        let epoch = self.history.len() + 1;
        if !self.bufs.grads.is_finite() {
            let what = if self.bufs.grads.loss.is_finite() {
                "a gradient"
            } else {
                "the loss"
            };
            self.stopped = Some(StopReason::NonFinite {
                epoch,
                step: step_no,
                what: what.into(),
            });
            return;
        }
        self.save_backup();
        self.optimizer.step(&mut self.net, &self.bufs.grads);
        if !self
            .net
            .layers()
            .iter()
            .all(|l| all_finite(l.weights.as_slice()) && all_finite(l.bias.as_slice()))
        {
            self.restore_backup();
            self.stopped = Some(StopReason::NonFinite {
                epoch,
                step: step_no,
                what: "a weight".into(),
            });
            return;
        }
        self.epoch_loss += self.bufs.grads.loss * n as f64;
        self.epoch_seen += n;
        if !self.train.class_names.is_empty() || self.train.y.nrows() == 1 {
            self.epoch_correct += accuracy(self.bufs.fwd.output(), &self.by) * n as f64;
        }
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
        let classify = !self.train.class_names.is_empty() || self.train.y.nrows() == 1;
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
