//! A training step in pieces of bounded work, so a window can spread one step of a large
//! network over several frames and stop it between pieces.
//!
//! Work is counted in multiply-adds ([`Trainer::sample_cost`] per sample and forward pass).
//! Every part of a step that grows with the data is cut into pieces of at most
//! [`Trainer::set_piece_limit`]'s work (but never less than one sample):
//! - the initial weights' loss on the training set (measured once, before the first step);
//! - the mini-batch itself: a batch too large for one piece goes through in chunks of samples,
//!   the gradient of the batch's loss being the sum of the chunks' gradients, each weighted by
//!   its share of the batch (its size over the batch's with a mean reduction, 1 with a sum);
//!   the update follows the last chunk;
//! - at the end of an epoch, the validation set's loss and accuracy, and (when asked for with
//!   [`Trainer::track_dead_units`]) the dead ReLU units on the training set.
//!
//! Without a piece limit (the default, and what the command line uses) a step is one piece and
//! gives exactly the numbers it always did. With one, a chunked batch sums its gradients in
//! another order: the same step up to rounding (tested against the one-piece step), and the
//! same numbers for the same limit every time (the chunks do not depend on the clock).
//! Dropout masks are drawn per chunk, so a chunked step with dropout draws other masks.

use super::{StopReason, Trainer, UPDATE_COST, evaluate};
use crate::nn::Activation;
use crate::nn::data::accuracy;
use crate::nn::linalg::ensure_shape;
use crate::nn::loss::Reduction;
use crate::nn::trace::{Gradients, forward_in_place};

/// What one call of [`Trainer::advance`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Advance {
    /// Work done, in multiply-adds.
    pub work: u64,
    /// Whether a step's update was applied.
    pub stepped: bool,
}

/// The part of a step under way.
#[derive(Clone, Debug, Default)]
pub(super) enum Phase {
    /// Nothing under way: the next piece starts a step (or an epoch).
    #[default]
    Ready,
    /// The initial weights' loss on the training set: samples done, the sum of their losses.
    StartLoss { done: usize, sum: f64 },
    /// A batch in chunks: its end in the epoch's order (the cursor is the next sample), its
    /// number in the epoch, its size, and the weighted sums of the chunks' losses and of
    /// their correct samples.
    Batch {
        to: usize,
        step_no: usize,
        size: usize,
        loss: f64,
        correct: f64,
    },
    /// The end of an epoch: the validation set's samples done and its sums.
    Validate { done: usize, loss: f64, correct: f64 },
    /// The end of an epoch: the training samples checked for dead ReLU units (the units seen
    /// alive are in `Trainer::alive`), and the validation's figures for the epoch's record.
    Dead {
        done: usize,
        val: (Option<f64>, Option<f64>),
    },
}

impl Trainer {
    /// Sets the most work (multiply-adds) done in one piece; `None` (the default) makes every
    /// step one piece. See the module `advance` for what is cut into pieces.
    pub fn set_piece_limit(&mut self, limit: Option<u64>) {
        self.piece = limit.map(|l| l.max(1));
    }

    /// Whether to count the dead ReLU units on the training set at the end of every epoch
    /// ([`Trainer::dead_units`]), in pieces as the rest.
    pub fn track_dead_units(&mut self, on: bool) {
        self.track_dead = on;
    }

    /// The fraction of dead ReLU units per layer (`None` for a layer that is not ReLU) on the
    /// training set at the end of the last epoch, when tracked ([`Trainer::track_dead_units`]).
    pub fn dead_units(&self) -> &[Option<f64>] {
        &self.dead
    }

    /// Whether a step is under way (begun by [`Trainer::advance`], not yet finished).
    pub fn in_step(&self) -> bool {
        !matches!(self.phase, Phase::Ready)
    }

    /// What the step under way is doing and how far it is (0 to 1), for a progress read-out;
    /// `None` between steps.
    pub fn step_progress(&self) -> Option<(&'static str, f64)> {
        let share = |done: usize, of: usize| done as f64 / of.max(1) as f64;
        match &self.phase {
            Phase::Ready => None,
            Phase::StartLoss { done, .. } => Some(("measuring the initial loss", share(*done, self.train.len()))),
            Phase::Batch { to, size, .. } => Some(("computing the gradients", share(size - (to - self.cursor), *size))),
            Phase::Validate { done, .. } => {
                let n = self.val.as_ref().map_or(0, |v| v.len());
                Some(("evaluating the validation set", share(*done, n)))
            }
            Phase::Dead { done, .. } => Some(("counting dead units", share(*done, self.train.len()))),
        }
    }

    /// Trains for about `budget` multiply-adds at most: pieces of the step under way (and of
    /// the next ones) as long as the next piece fits in what is left, and always at least one
    /// piece. Returns the work done and whether a step's update was applied; stops after the
    /// first step that is wholly done (its epoch closed when it was the last), so a call that
    /// finishes a step left under way never begins the next one.
    pub fn advance(&mut self, budget: u64) -> Advance {
        self.advance_pieces(budget, true)
    }

    /// As [`Trainer::advance`], but never over `budget`: when the next piece does not fit,
    /// nothing is done.
    pub fn advance_within(&mut self, budget: u64) -> Advance {
        self.advance_pieces(budget, false)
    }

    fn advance_pieces(&mut self, budget: u64, at_least_one: bool) -> Advance {
        let start = self.work;
        // A call that begins inside a step ends with it, as one that applies an update does.
        let began_inside = self.in_step();
        let mut stepped = false;
        while self.stopped.is_none() && !((stepped || began_inside) && !self.in_step()) {
            let used = self.work - start;
            let fits = |cost: u64| (used == 0 && at_least_one) || used.saturating_add(cost) <= budget;
            match std::mem::take(&mut self.phase) {
                Phase::Ready => {
                    if self.train.is_empty() || self.history.len() >= self.config.epochs {
                        self.stopped = Some(StopReason::Finished);
                        break;
                    }
                    if self.cursor == 0 && self.start_loss.is_none() {
                        self.phase = Phase::StartLoss { done: 0, sum: 0.0 };
                        continue;
                    }
                    if self.cursor == 0 {
                        self.begin_epoch();
                    }
                    let bs = self.epoch_batch.max(1);
                    let to = (self.cursor + bs).min(self.order.len());
                    let size = to - self.cursor;
                    let whole = self.step_cost(size) + self.update_cost();
                    if whole <= self.piece_limit() {
                        if !fits(whole) {
                            break;
                        }
                        self.batch_step();
                        self.work += whole;
                        stepped = true;
                        self.after_step();
                    } else {
                        let step_no = self.cursor / bs + 1;
                        self.phase = Phase::Batch {
                            to,
                            step_no,
                            size,
                            loss: 0.0,
                            correct: 0.0,
                        };
                    }
                }
                Phase::StartLoss { done, sum } => {
                    let n = self.train.len();
                    let m = self.chunk(self.batch_size().max(1).min(n - done), 1);
                    if !fits(self.cost() * m as u64) {
                        self.phase = Phase::StartLoss { done, sum };
                        break;
                    }
                    let sum = sum + self.loss_of(done, m) * m as f64;
                    self.work += self.cost() * m as u64;
                    if done + m < n {
                        self.phase = Phase::StartLoss { done: done + m, sum };
                    } else {
                        self.start_loss = Some(sum / n.max(1) as f64);
                        super::step::save_params(&self.net, &mut self.good);
                        self.good_epoch = 0;
                    }
                }
                Phase::Batch {
                    to,
                    step_no,
                    size,
                    loss,
                    correct,
                } => {
                    let m = self.chunk(to - self.cursor, 3);
                    let last = self.cursor + m == to;
                    let cost = self.step_cost(m) + if last { self.update_cost() } else { 0 };
                    if !fits(cost) {
                        self.phase = Phase::Batch {
                            to,
                            step_no,
                            size,
                            loss,
                            correct,
                        };
                        break;
                    }
                    self.work += cost;
                    let first = self.cursor + size == to;
                    let Some((l, c)) = self.batch_chunk(m, size, first, step_no) else {
                        break;
                    };
                    let (loss, correct) = (loss + l, correct + c);
                    if last {
                        std::mem::swap(&mut self.acc, &mut self.bufs.grads);
                        self.bufs.grads.loss = loss;
                        self.add_l2();
                        self.has_grads = true;
                        self.last_loss = Some(self.bufs.grads.loss);
                        if self.finish_step(step_no, size, correct) {
                            stepped = true;
                            self.after_step();
                        }
                    } else {
                        self.phase = Phase::Batch {
                            to,
                            step_no,
                            size,
                            loss,
                            correct,
                        };
                    }
                }
                Phase::Validate { done, loss, correct } => {
                    let n = self.val.as_ref().map_or(0, |v| v.len());
                    if done == 0 && (n as u64).saturating_mul(self.cost()) <= self.piece_limit() {
                        if !fits(self.cost() * n as u64) {
                            self.phase = Phase::Validate { done, loss, correct };
                            break;
                        }
                        let (l, a) = match &self.val {
                            Some(v) => evaluate(&self.net, v, &self.loss),
                            None => (0.0, 0.0),
                        };
                        self.work += self.cost() * n as u64;
                        self.after_validation((Some(l), Some(a)));
                        continue;
                    }
                    let m = self.chunk(n - done, 1);
                    if !fits(self.cost() * m as u64) {
                        self.phase = Phase::Validate { done, loss, correct };
                        break;
                    }
                    self.work += self.cost() * m as u64;
                    let (l, c) = self.val_chunk(done, m);
                    let (loss, correct) = (loss + l, correct + c);
                    if done + m < n {
                        self.phase = Phase::Validate {
                            done: done + m,
                            loss,
                            correct,
                        };
                    } else {
                        self.after_validation((Some(loss), Some(correct / n.max(1) as f64)));
                    }
                }
                Phase::Dead { done, val } => {
                    let n = self.train.len();
                    let m = self.chunk(n - done, 1);
                    if !fits(self.cost() * m as u64) {
                        self.phase = Phase::Dead { done, val };
                        break;
                    }
                    self.work += self.cost() * m as u64;
                    self.dead_chunk(done, m);
                    if done + m < n {
                        self.phase = Phase::Dead { done: done + m, val };
                    } else {
                        self.dead = self
                            .net
                            .layers()
                            .iter()
                            .zip(&self.alive)
                            .map(|(l, alive)| {
                                (l.activation == Activation::Relu)
                                    .then(|| alive.iter().filter(|a| !**a).count() as f64 / alive.len().max(1) as f64)
                            })
                            .collect();
                        self.end_epoch(val);
                    }
                }
            }
        }
        Advance {
            work: self.work - start,
            stepped,
        }
    }

    fn cost(&self) -> u64 {
        self.sample_cost()
    }

    fn step_cost(&self, samples: usize) -> u64 {
        3 * self.cost() * samples as u64
    }

    fn update_cost(&self) -> u64 {
        UPDATE_COST * self.cost()
    }

    fn piece_limit(&self) -> u64 {
        self.piece.unwrap_or(u64::MAX)
    }

    /// How many of `left` samples go in one piece when a sample costs `passes` forward passes.
    fn chunk(&self, left: usize, passes: u64) -> usize {
        let per = (passes * self.cost()).max(1);
        let fit = (self.piece_limit() / per).clamp(1, usize::MAX as u64) as usize;
        left.min(fit).max(1)
    }

    /// After a step's update: the end of the epoch when it was its last batch.
    fn after_step(&mut self) {
        if self.stopped.is_some() || self.cursor < self.order.len() {
            return;
        }
        if self.val.as_ref().is_some_and(|v| !v.is_empty()) {
            self.phase = Phase::Validate {
                done: 0,
                loss: 0.0,
                correct: 0.0,
            };
        } else {
            self.after_validation((None, None));
        }
    }

    /// After the validation: the dead units if tracked, then the epoch's close.
    fn after_validation(&mut self, val: (Option<f64>, Option<f64>)) {
        if self.track_dead && self.net.layers().iter().any(|l| l.activation == Activation::Relu) {
            self.alive.resize_with(self.net.len(), Vec::new);
            for (a, l) in self.alive.iter_mut().zip(self.net.layers()) {
                a.clear();
                a.resize(l.units(), false);
            }
            self.phase = Phase::Dead { done: 0, val };
        } else {
            if self.track_dead {
                self.dead = vec![None; self.net.len()];
            }
            self.end_epoch(val);
        }
    }

    /// The training loss (no dropout, no L2) of the `m` training samples from `from`, in the
    /// data's order, computed with the step's buffers.
    fn loss_of(&mut self, from: usize, m: usize) -> f64 {
        self.forward_columns(from, m);
        self.loss_of_output()
    }

    fn forward_columns(&mut self, from: usize, m: usize) {
        let (fx, fy) = (self.train.x.nrows(), self.train.y.nrows());
        let fwd = &mut self.bufs.fwd;
        ensure_shape(&mut fwd.x, fx, m);
        fwd.x.copy_from(&self.train.x.columns(from, m));
        ensure_shape(&mut self.by, fy, m);
        self.by.copy_from(&self.train.y.columns(from, m));
        forward_in_place(&self.net, fwd, None);
    }

    fn loss_of_output(&self) -> f64 {
        match self.bufs.fwd.layers.last() {
            Some(out) => self.loss.value(&out.z, &out.a, &self.by),
            None => 0.0,
        }
    }

    /// The weight of a chunk of `m` samples of a batch (or set) of `n` in its sums.
    fn share(&self, m: usize, n: usize) -> f64 {
        match self.loss.reduction {
            Reduction::Mean => m as f64 / n.max(1) as f64,
            Reduction::Sum => 1.0,
        }
    }

    /// One chunk of `m` samples of a batch of `size`: forward and backward, its gradients
    /// added to the batch's (weighted by its share). Returns its weighted loss and its correct
    /// samples, or `None` if a value became NaN or infinite (training then stopped).
    fn batch_chunk(&mut self, m: usize, size: usize, first: bool, step_no: usize) -> Option<(f64, f64)> {
        self.gather_batch(m);
        // The chunk's gradients go to `chunk_grads` so `bufs.grads` keeps the last whole step's.
        std::mem::swap(&mut self.chunk_grads, &mut self.bufs.grads);
        self.forward_backward_raw();
        std::mem::swap(&mut self.chunk_grads, &mut self.bufs.grads);
        if !self.chunk_grads.is_finite() {
            std::mem::swap(&mut self.chunk_grads, &mut self.bufs.grads);
            self.has_grads = true;
            self.last_loss = Some(self.bufs.grads.loss);
            let at = self.locate_non_finite().unwrap_or(super::NonFiniteAt::Loss);
            self.stopped = Some(StopReason::NonFinite {
                epoch: self.history.len() + 1,
                step: step_no,
                at,
            });
            return None;
        }
        let w = self.share(m, size);
        add_scaled(&mut self.acc, &self.chunk_grads, w, first);
        let correct = if self.classify {
            accuracy(self.bufs.fwd.output(), &self.by) * m as f64
        } else {
            0.0
        };
        Some((self.chunk_grads.loss * w, correct))
    }

    /// The validation loss (weighted) and correct samples of `m` samples from `from`.
    fn val_chunk(&mut self, from: usize, m: usize) -> (f64, f64) {
        let Some(v) = &self.val else { return (0.0, 0.0) };
        let w = self.share(m, v.len());
        let fwd = &mut self.bufs.fwd;
        ensure_shape(&mut fwd.x, v.x.nrows(), m);
        fwd.x.copy_from(&v.x.columns(from, m));
        ensure_shape(&mut self.by, v.y.nrows(), m);
        self.by.copy_from(&v.y.columns(from, m));
        forward_in_place(&self.net, fwd, None);
        let l = self.loss_of_output() * w;
        let c = accuracy(self.bufs.fwd.output(), &self.by) * m as f64;
        (l, c)
    }

    /// Marks the units seen alive (z > 0) on `m` training samples from `from`.
    fn dead_chunk(&mut self, from: usize, m: usize) {
        self.forward_columns(from, m);
        for (alive, lt) in self.alive.iter_mut().zip(&self.bufs.fwd.layers) {
            for (u, a) in alive.iter_mut().enumerate() {
                *a = *a || lt.z.row(u).iter().any(|&z| z > 0.0);
            }
        }
    }
}

/// `acc = w * g` (when `first`) or `acc += w * g`, over every parameter gradient.
fn add_scaled(acc: &mut Gradients, g: &Gradients, w: f64, first: bool) {
    acc.layers.resize_with(g.layers.len(), Default::default);
    for (a, l) in acc.layers.iter_mut().zip(&g.layers) {
        if first {
            ensure_shape(&mut a.weights, l.weights.nrows(), l.weights.ncols());
            if a.bias.len() != l.bias.len() {
                a.bias = crate::nn::Vector::zeros(l.bias.len());
            }
            a.weights.zip_apply(&l.weights, |x, y| *x = w * y);
            a.bias.zip_apply(&l.bias, |x, y| *x = w * y);
        } else {
            a.weights.zip_apply(&l.weights, |x, y| *x += w * y);
            a.bias.zip_apply(&l.bias, |x, y| *x += w * y);
        }
    }
}
