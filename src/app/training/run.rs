//! The training cell's buttons and its stepping: [`TrainCell::apply`] for a button or a
//! changed setting, [`TrainCell::tick`] for a time-bounded slice of steps while playing.

use super::{EpochExtras, MAX_RUNS, MAX_STEP_POINTS, Run, TrainAction, TrainCell};
use crate::lesson::training::TrainingSetup;
use crate::nn::OptimizerConfig;
use crate::nn::train::{StopReason, Trainer};
use web_time::{Duration, Instant};

impl TrainCell {
    /// Applies a button or a changed setting.
    pub fn apply(&mut self, action: TrainAction) {
        match action {
            TrainAction::Play => {
                if self.stopped().is_some() {
                    self.notice = Some("Training has finished: press Reset or Re-initialise to train again.".into());
                } else {
                    self.running = self.trainer.is_some();
                    self.until_epoch = None;
                    self.last_tick = None;
                    // A speed limit starts with one step at once.
                    self.credit = 1.0;
                }
            }
            TrainAction::Pause => {
                self.running = false;
                self.until_epoch = None;
                self.until_step = None;
            }
            TrainAction::Speed(s) => {
                self.speed = s.filter(|v| v.is_finite() && *v > 0.0);
                self.credit = 0.0;
            }
            TrainAction::Step => {
                // One step (the one under way, if a large one is), in slices as *Epoch*.
                if let Some(t) = &self.trainer
                    && !t.is_done()
                {
                    let was_running = self.running;
                    self.until_epoch = None;
                    self.until_step = Some(t.steps_done() + 1);
                    self.start_slices(was_running);
                }
            }
            TrainAction::Epoch => {
                // Up to the end of the epoch, in slices: as much as fits this frame's budget
                // now, the rest in the next frames (shown as playing, so it can be paused).
                if let Some(t) = &self.trainer
                    && !t.is_done()
                {
                    // A click while an epoch is under way asks for one more.
                    let was_running = self.running;
                    self.until_epoch = Some(self.until_epoch.map_or(t.epoch(), |u| u.max(t.epoch())) + 1);
                    self.until_step = None;
                    self.start_slices(was_running);
                }
            }
            TrainAction::Reset => self.restart(),
            TrainAction::Reinit => {
                self.setup.init.seed = self.setup.init.seed.wrapping_add(1);
                self.rebuild_network();
                self.notice = Some(format!("New initial weights from seed {}.", self.setup.init.seed));
            }
            TrainAction::KeepRun => {
                if let Some(t) = &self.trainer
                    && !t.history().is_empty()
                {
                    if self.runs.len() >= MAX_RUNS {
                        self.runs.remove(0);
                    }
                    self.runs.push(Run {
                        setup: self.setup.clone(),
                        history: t.history().to_vec(),
                        stop: t.stopped().cloned(),
                    });
                    self.restart();
                    self.notice = Some("Run kept: change a setting and train again to compare the curves.".into());
                }
            }
            TrainAction::ClearRuns => self.runs.clear(),
            TrainAction::Set(new) => self.set(*new),
        }
    }

    /// Applies a changed setup: hyperparameters take effect at once (the optimizer keeps its
    /// state if its kind is unchanged); data and network changes start over.
    fn set(&mut self, new: TrainingSetup) {
        let old = std::mem::replace(&mut self.setup, new);
        let s = &self.setup;
        let data_changed = old.data != s.data || old.split != s.split || old.scaling != s.scaling;
        let net_changed = old.hidden != s.hidden
            || old.activation != s.activation
            || old.output_activation != s.output_activation
            || old.loss != s.loss
            || old.init != s.init;
        if data_changed {
            self.rebuild_data();
            self.notice = Some("The data changed: training starts over.".into());
            return;
        }
        if net_changed || self.trainer.is_none() {
            self.rebuild_network();
            self.notice = Some("The network changed: training starts over from new weights.".into());
            return;
        }
        let config = s.train_config();
        let opt = s.optimizer;
        if let Some(t) = &mut self.trainer {
            match live_update(t, opt, config) {
                Err(e) => self.notice = Some(format!("Not applied: {e}")),
                Ok(()) if t.steps_done() > 0 => {
                    let what = super::runs::changes(&old, &self.setup);
                    if !what.is_empty() {
                        let x = t.steps_done() as f64 / t.steps_per_epoch().max(1) as f64;
                        self.marks.push(super::Mark { x, what });
                    }
                }
                Ok(()) => {}
            }
        }
    }

    /// *Step* and *Epoch*: shown as playing (so Pause stops them), trained in slices; the
    /// first slice at once, unless the cell was already playing (this frame's slice is spent).
    fn start_slices(&mut self, was_running: bool) {
        self.running = true;
        self.last_tick = None;
        if !was_running {
            self.slice(EPOCH_SLICE);
        }
    }

    /// Runs `n` steps at most (stopping at the start of epoch `until_epoch` or after step
    /// `until_step` if set), within what is left of this frame's work ([`FRAME_WORK`]): a step
    /// too large for that goes on in the next frames. Returns whether the frame's work is spent.
    fn run_steps(&mut self, n: usize) -> bool {
        let Some(t) = &mut self.trainer else { return true };
        let mut spent = false;
        for _ in 0..n {
            if t.is_done()
                || self.until_epoch.is_some_and(|e| t.epoch() >= e && !t.in_step())
                || self.until_step.is_some_and(|s| t.steps_done() >= s && !t.in_step())
            {
                break;
            }
            let epoch_before = t.epoch();
            let left = FRAME_WORK.saturating_sub(self.frame_work);
            let adv = if self.frame_work == 0 {
                t.advance(FRAME_WORK)
            } else {
                t.advance_within(left)
            };
            self.frame_work += adv.work;
            if adv.work == 0 || t.in_step() {
                spent = true;
            }
            if adv.stepped
                && let Some(l) = t.last_step_loss()
            {
                let per = t.steps_per_epoch().max(1) as f64;
                let x = t.steps_done() as f64 / per;
                self.step_losses.push([x, l]);
                if self.step_losses.len() > MAX_STEP_POINTS {
                    thin(&mut self.step_losses);
                }
            }
            if t.epoch() > epoch_before {
                self.extras.push(epoch_extras(t));
            }
            if spent {
                break;
            }
        }
        self.version += 1;
        if let Some(&StopReason::NonFinite { epoch, step, at }) = t.stopped() {
            self.running = false;
            let layers = t.net().len();
            let what = match at.layer() {
                Some(_) => at.to_string(),
                None => format!("the loss (computed from the output of layer {layers})"),
            };
            self.notice = Some(format!(
                "Training paused at epoch {epoch}, step {step}: {what} blew up (NaN or infinite). The last finite weights are kept. The learning rate ({}) is probably too large: try a smaller learning rate, then Reset.",
                t.optimizer().config.lr
            ));
        } else if let Some(StopReason::Diverged {
            epoch,
            loss,
            start,
            kept_epoch,
        }) = t.stopped()
        {
            self.running = false;
            let nf = crate::nn::numfmt::NumberFormat::PLOT;
            let kept = if *kept_epoch == 0 {
                "The initial weights are kept".to_string()
            } else {
                format!("The weights of epoch {kept_epoch}, the last good ones, are kept")
            };
            self.notice = Some(format!(
                "Training paused after epoch {epoch}: it diverged. The loss ({}) stayed over {} times its start ({}) for {} epochs. {kept}. The learning rate ({}) is probably too large: try a smaller one, then Reset.",
                nf.fmt(*loss),
                crate::nn::train::DIVERGE_FACTOR,
                nf.fmt(*start),
                crate::nn::train::DIVERGE_EPOCHS,
                nf.fmt(t.optimizer().config.lr),
            ));
        } else if t.is_done() {
            self.running = false;
            self.notice = t.stopped().map(|s| format!("Training {s}."));
        }
        // *Epoch* ends at the epoch's end, *Step* after its step.
        if self.until_epoch.is_some_and(|e| t.epoch() >= e && !t.in_step())
            || self.until_step.is_some_and(|s| t.steps_done() >= s && !t.in_step())
        {
            self.running = false;
        }
        if !self.running {
            self.until_epoch = None;
            self.until_step = None;
        }
        spent
    }

    /// While playing: steps until `budget` is used (checked every few steps), or as many as
    /// the speed limit allows since the last tick. Returns whether the cell is still running
    /// (the window then asks for another frame).
    pub fn tick(&mut self, budget: Duration) -> bool {
        if !self.running {
            return false;
        }
        let now = Instant::now();
        let limit = match (self.speed, self.until_epoch.or(self.until_step)) {
            (Some(rate), None) => {
                // Steps owed since the last tick (a long pause owes at most a quarter second's).
                let dt = self.last_tick.map_or(0.0, |t| (now - t).as_secs_f64().min(0.25));
                self.credit += rate * dt;
                let n = self.credit.floor();
                self.credit -= n;
                Some(n as usize)
            }
            _ => None,
        };
        self.last_tick = Some(now);
        match limit {
            Some(n) => {
                self.run_steps(n);
                self.steps_per_second = self.speed.unwrap_or(0.0);
            }
            None => self.slice(budget),
        }
        self.running
    }

    /// Steps until `budget` is used, this frame's work is spent or training stops (the end of
    /// the epoch for *Epoch*, of the step for *Step*).
    fn slice(&mut self, budget: Duration) {
        let start = Instant::now();
        let mut done = 0usize;
        let mut chunk = 1usize;
        loop {
            let spent = self.run_steps(chunk);
            done += chunk;
            let elapsed = start.elapsed();
            if !self.running || spent || elapsed >= budget {
                let rate = done as f64 / elapsed.as_secs_f64().max(1e-9);
                self.steps_per_second = if self.steps_per_second > 0.0 {
                    0.8 * self.steps_per_second + 0.2 * rate
                } else {
                    rate
                };
                break;
            }
            // Grow the chunk while there is time left, so the clock is read rarely.
            let per_step = elapsed.as_secs_f64() / done as f64;
            let left = (budget - elapsed).as_secs_f64();
            chunk = ((left / per_step.max(1e-9)) as usize / 2).clamp(1, 4096);
        }
    }
}

/// The most work (multiply-adds, as [`Trainer::advance`] counts them) a training cell does in one
/// frame, and the largest piece of a step: a full-batch step of a large network goes on over
/// several frames. (About 5 ms on a desktop core; one sample is never cut, so a network whose
/// one sample costs more does one sample a frame.)
pub const FRAME_WORK: u64 = 20_000_000;

/// The time *Epoch* trains at once, in the frame of the click; the rest of the epoch follows in
/// the next frames' slices.
const EPOCH_SLICE: Duration = Duration::from_millis(5);

/// Changes a running trainer's hyperparameters in place (the optimizer keeps its state if
/// its kind is unchanged; see [`Trainer::set_config`] for when each setting takes effect).
fn live_update(t: &mut Trainer, opt: OptimizerConfig, config: crate::nn::train::TrainConfig) -> Result<(), String> {
    t.set_optimizer(opt).map_err(|e| e.to_string())?;
    t.set_base_lr(opt.lr).map_err(|e| e.to_string())?;
    t.set_config(config).map_err(|e| e.to_string())
}

/// Halves a long series by keeping every other point (the shape of the curve stays).
fn thin(points: &mut Vec<[f64; 2]>) {
    let mut i = 0;
    points.retain(|_| {
        i += 1;
        i % 2 == 1
    });
}

/// Gradient norms and dead units after an epoch.
fn epoch_extras(t: &Trainer) -> EpochExtras {
    let grad_norms = t
        .last_gradients()
        .map(crate::nn::metrics::gradient_norms)
        .unwrap_or_default();
    // Counted by the trainer at the epoch's end, in pieces as the steps.
    let dead = t.dead_units().to_vec();
    EpochExtras { grad_norms, dead }
}
