//! The training loop's inside: one mini-batch step (gather the batch, forward, backward, L2,
//! the NaN checks, clipping, the update) and the end of an epoch (its record, early stopping).
//! Everything here reuses the trainer's buffers, so a steady-state step allocates nothing.

use super::{EpochRecord, NonFiniteAt, StopReason, Trainer};
use crate::nn::data::{accuracy, shuffle_with};
use crate::nn::fastmath::all_finite;
use crate::nn::linalg::ensure_shape;
use crate::nn::schedule::clip_global_norm;
use crate::nn::trace::{backward_into, forward_in_place};
use crate::nn::{Matrix, Vector};

impl Trainer {
    /// Trains the rest of the current epoch without the end-of-epoch evaluation; returns the
    /// epoch's mean batch loss. (Used by the epoch benchmark.)
    pub fn train_epoch_steps(&mut self) -> f64 {
        if self.cursor == 0 {
            if self.start_loss.is_none() {
                self.start_loss = Some(self.training_loss());
                save_params(&self.net, &mut self.good);
                self.good_epoch = 0;
            }
            self.begin_epoch();
        }
        while self.cursor < self.order.len() && self.stopped.is_none() {
            self.batch_step();
        }
        let mean = self.epoch_loss / self.epoch_seen.max(1) as f64;
        self.reset_epoch();
        mean
    }

    /// One mini-batch step, closing the epoch when its last batch is done (finishing the step
    /// under way if [`Trainer::advance`] left one).
    pub fn step(&mut self) {
        self.advance(u64::MAX);
    }

    /// Shuffles and fixes the epoch's batch size and learning rate (the initial loss has
    /// been measured).
    pub(super) fn begin_epoch(&mut self) {
        if self.config.shuffle {
            shuffle_with(&mut self.order, &mut self.stream);
        }
        self.epoch_batch = self.batch_size();
        self.refresh_lr();
    }

    /// Clears the epoch's running sums; the next step begins a new epoch.
    fn reset_epoch(&mut self) {
        self.cursor = 0;
        self.epoch_loss = 0.0;
        self.epoch_correct = 0.0;
        self.epoch_seen = 0;
    }

    /// One whole mini-batch in one piece.
    pub(super) fn batch_step(&mut self) {
        let bs = self.epoch_batch.max(1);
        let step_no = self.cursor / bs + 1;
        let n = self.gather_batch(bs);
        self.forward_backward_raw();
        self.add_l2();
        self.has_grads = true;
        self.last_loss = Some(self.bufs.grads.loss);
        let correct = if self.classify {
            accuracy(self.bufs.fwd.output(), &self.by) * n as f64
        } else {
            0.0
        };
        self.finish_step(step_no, n, correct);
    }

    /// The end of a step whose gradients (L2 included) are in the step's buffers, over `n`
    /// samples of which `correct` were classified right: the checks for NaN and infinities,
    /// the update, the epoch's sums. Returns whether the update was applied.
    pub(super) fn finish_step(&mut self, step_no: usize, n: usize, correct: f64) -> bool {
        let epoch = self.history.len() + 1;
        let stop = |at| StopReason::NonFinite {
            epoch,
            step: step_no,
            at,
        };
        if let Some(at) = self.locate_non_finite() {
            self.stopped = Some(stop(at));
            return false;
        }
        if let Some(layer) = self.apply_update() {
            self.stopped = Some(stop(NonFiniteAt::Weights { layer }));
            return false;
        }
        self.steps += 1;
        self.epoch_loss += self.bufs.grads.loss * n as f64;
        self.epoch_seen += n;
        self.epoch_correct += correct;
        true
    }

    /// Copies the next (at most) `bs` samples, in the epoch's order, into the batch buffers and
    /// the forward trace's input, and moves the cursor past them. Returns the batch's size.
    pub(super) fn gather_batch(&mut self, bs: usize) -> usize {
        let end = (self.cursor + bs).min(self.order.len());
        let n = end - self.cursor;
        let (fx, fy) = (self.train.x.nrows(), self.train.y.nrows());
        ensure_shape(&mut self.bx, fx, n);
        ensure_shape(&mut self.by, fy, n);
        for (c, &j) in self.order[self.cursor..end].iter().enumerate() {
            self.bx.column_mut(c).copy_from(&self.train.x.column(j));
            self.by.column_mut(c).copy_from(&self.train.y.column(j));
        }
        self.cursor = end;
        let fwd = &mut self.bufs.fwd;
        ensure_shape(&mut fwd.x, fx, n);
        fwd.x.copy_from(&self.bx);
        n
    }

    /// The forward and backward passes on the gathered batch (with dropout masks when set)
    /// into the step's buffers.
    pub(super) fn forward_backward_raw(&mut self) {
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
    }

    /// The L2 term added to the loss and the weights' gradients in the step's buffers.
    pub(super) fn add_l2(&mut self) {
        if self.config.l2 > 0.0 {
            let l2 = self.config.l2;
            for (g, l) in self.bufs.grads.layers.iter_mut().zip(self.net.layers()) {
                self.bufs.grads.loss += l2 * l.weights.norm_squared();
                g.weights.zip_apply(&l.weights, |gv, wv| *gv += 2.0 * l2 * wv);
            }
        }
    }

    /// Clips the gradients (if set) and applies the optimizer's update. If a weight or bias
    /// became NaN or infinite, the update is undone and the lowest such layer (1-based) returned.
    fn apply_update(&mut self) -> Option<usize> {
        if let Some(max) = self.config.clip_norm {
            clip_global_norm(&mut self.bufs.grads, max);
        }
        self.save_backup();
        self.optimizer.step(&mut self.net, &self.bufs.grads);
        let i = self
            .net
            .layers()
            .iter()
            .position(|l| !(all_finite(l.weights.as_slice()) && all_finite(l.bias.as_slice())))?;
        self.restore_backup();
        Some(i + 1)
    }

    /// Where this step's forward or backward pass first produced a NaN or infinity (see
    /// [`NonFiniteAt`]), or `None` if everything is finite. Cheap when it is.
    pub(super) fn locate_non_finite(&self) -> Option<NonFiniteAt> {
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
            ensure_shape(m, l.units(), b);
            for v in m.iter_mut() {
                *v = if self.stream.uniform() < p { 0.0 } else { keep };
            }
        }
    }

    fn save_backup(&mut self) {
        save_params(&self.net, &mut self.backup);
    }

    fn restore_backup(&mut self) {
        restore_params(&mut self.net, &self.backup);
    }

    /// The current weights' loss on the whole training set (no dropout, no L2), computed in
    /// batches of the epoch's size with the step's own buffers.
    fn training_loss(&mut self) -> f64 {
        let (n, bs) = (self.train.len(), self.batch_size().max(1));
        let (fx, fy) = (self.train.x.nrows(), self.train.y.nrows());
        let mut sum = 0.0;
        let mut start = 0;
        while start < n {
            let m = bs.min(n - start);
            let fwd = &mut self.bufs.fwd;
            ensure_shape(&mut fwd.x, fx, m);
            fwd.x.copy_from(&self.train.x.columns(start, m));
            ensure_shape(&mut self.by, fy, m);
            self.by.copy_from(&self.train.y.columns(start, m));
            forward_in_place(&self.net, fwd, None);
            if let Some(out) = fwd.layers.last() {
                sum += self.loss.value(&out.z, &out.a, &self.by) * m as f64;
            }
            start += m;
        }
        sum / n.max(1) as f64
    }

    /// Divergence after `epoch`, whose mean training loss was `loss`: counts the diverging
    /// epochs in a row, keeps the weights of a good one, and stops (with the last good weights
    /// put back) after [`super::DIVERGE_EPOCHS`]. Returns true if training stopped here.
    fn diverged(&mut self, loss: f64, epoch: usize) -> bool {
        let Some(start) = self.start_loss.filter(|s| s.is_finite()) else {
            return false;
        };
        if loss <= super::DIVERGE_FACTOR * start {
            self.diverging = 0;
            save_params(&self.net, &mut self.good);
            self.good_epoch = epoch;
            return false;
        }
        self.diverging += 1;
        if self.diverging < super::DIVERGE_EPOCHS {
            return false;
        }
        restore_params(&mut self.net, &self.good);
        self.stopped = Some(StopReason::Diverged {
            epoch,
            loss,
            start,
            kept_epoch: self.good_epoch,
        });
        true
    }

    /// Closes the epoch: its record, early stopping, and the end of training after the last
    /// epoch (back to the best weights if early stopping asks for that).
    /// `val` holds the validation set's loss and accuracy (`None` without one).
    pub(super) fn end_epoch(&mut self, val: (Option<f64>, Option<f64>)) {
        let rec = self.epoch_record(val);
        self.reset_epoch();
        let monitored = rec.val_loss.unwrap_or(rec.loss);
        let epoch = rec.epoch;
        let loss = rec.loss;
        self.history.push(rec);
        if self.diverged(loss, epoch) || self.early_stop(monitored, epoch) {
            return;
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

    /// The epoch's figures: the training loss and accuracy as means over its batches, the
    /// validation set's as evaluated after its last step.
    fn epoch_record(&self, (val_loss, val_accuracy): (Option<f64>, Option<f64>)) -> EpochRecord {
        let seen = self.epoch_seen.max(1) as f64;
        let classify = self.classify;
        let val_accuracy = val_accuracy.filter(|_| classify);
        EpochRecord {
            epoch: self.history.len() + 1,
            loss: self.epoch_loss / seen,
            accuracy: classify.then_some(self.epoch_correct / seen),
            val_loss,
            val_accuracy,
            lr: self.optimizer.config.lr,
        }
    }

    /// Early stopping after `epoch`, whose monitored loss was `monitored`: remembers the best
    /// epoch and its weights; returns true if training stopped here.
    fn early_stop(&mut self, monitored: f64, epoch: usize) -> bool {
        let Some(es) = self.config.early_stopping else {
            return false;
        };
        // A NaN loss is never an improvement (as Keras: `np.less(nan, best)` is false).
        let improved = !monitored.is_nan() && self.best.as_ref().is_none_or(|(b, _, _)| monitored < b - es.min_delta);
        if improved {
            self.best = Some((monitored, epoch, self.net.clone()));
            self.wait = 0;
            return false;
        }
        self.wait += 1;
        if self.wait < es.patience {
            return false;
        }
        let best_epoch = self.best.as_ref().map_or(epoch, |b| b.1);
        if es.restore_best
            && let Some((_, _, net)) = &self.best
        {
            self.net = net.clone();
        }
        self.stopped = Some(StopReason::EarlyStopped { epoch, best_epoch });
        true
    }
}

/// Copies `net`'s weights and biases into `to` (reusing its buffers once they have the shapes).
pub(super) fn save_params(net: &crate::nn::Network, to: &mut Vec<(Matrix, Vector)>) {
    to.resize_with(net.len(), || (Matrix::zeros(0, 0), Vector::zeros(0)));
    for ((bw, bb), l) in to.iter_mut().zip(net.layers()) {
        ensure_shape(bw, l.units(), l.inputs());
        bw.copy_from(&l.weights);
        if bb.len() != l.units() {
            *bb = Vector::zeros(l.units());
        }
        bb.copy_from(&l.bias);
    }
}

/// Puts weights and biases saved by [`save_params`] back into `net`.
fn restore_params(net: &mut crate::nn::Network, from: &[(Matrix, Vector)]) {
    for (i, (bw, bb)) in from.iter().enumerate() {
        net.weights_mut(i).copy_from(bw);
        net.bias_mut(i).copy_from(bb);
    }
}
