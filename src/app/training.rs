//! The training lab's state: one [`TrainCell`] per training cell of the notebook.
//!
//! Training runs in bounded slices: [`TrainCell::tick`] runs mini-batch steps until its time
//! budget is used, so a frame never waits for an epoch (and the same code runs in a browser).
//! Every curve the window draws is recorded here, from the engine's own figures: the batch loss
//! after each step, and per epoch the [`EpochRecord`]s, the gradient norm of each layer and the
//! fraction of dead ReLU units. Finished runs can be kept for comparison ([`Run`]), each
//! labelled with the settings that differ between the runs on show.

use crate::lesson::training::{Prepared, TrainingSetup, prepare};
use crate::nn::data::Dataset;
use crate::nn::train::{EpochRecord, StopReason, Trainer};
use crate::nn::{Activation, Loss, Network, OptimizerConfig};
use web_time::{Duration, Instant};

/// At most this many per-step losses are kept (older ones are thinned by half).
pub const MAX_STEP_POINTS: usize = 20_000;
/// At most this many kept runs.
pub const MAX_RUNS: usize = 6;

/// What a button in the training cell asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainAction {
    Play,
    Pause,
    /// One mini-batch.
    Step,
    /// The rest of the current epoch (or one whole epoch).
    Epoch,
    /// Back to the same initial weights, curves cleared.
    Reset,
    /// New initial weights from the next seed, curves cleared.
    Reinit,
    /// Keep the current run's curves to compare with the next run.
    KeepRun,
    ClearRuns,
    /// A changed setting (applied live where the engine allows, else with a reset).
    Set(Box<TrainingSetup>),
}

/// A kept run: its curves and the setup that made them.
#[derive(Clone, Debug)]
pub struct Run {
    pub setup: TrainingSetup,
    pub history: Vec<EpochRecord>,
    pub stop: Option<StopReason>,
}

/// Per-epoch figures the engine's history does not hold.
#[derive(Clone, Debug, Default)]
pub struct EpochExtras {
    /// Gradient norm (weights and bias) per layer, from the epoch's last batch.
    pub grad_norms: Vec<f64>,
    /// Fraction of dead ReLU units per layer on the training set (`None` if not ReLU).
    pub dead: Vec<Option<f64>>,
}

/// One training cell.
pub struct TrainCell {
    pub setup: TrainingSetup,
    /// Why the data or the network could not be made (the cell shows it instead of plots).
    pub error: Option<String>,
    /// Shared with the cell's clones (undo snapshots of the page), which do not copy it.
    pub data: Option<std::sync::Arc<Prepared>>,
    pub loss: Loss,
    /// The weights training started from (Reset goes back to them).
    pub initial: Option<Network>,
    pub trainer: Option<Trainer>,
    pub running: bool,
    /// `(epoch as a fraction, batch loss)` after each step.
    pub step_losses: Vec<[f64; 2]>,
    pub extras: Vec<EpochExtras>,
    pub runs: Vec<Run>,
    /// Mini-batch steps per second while playing (smoothed).
    pub steps_per_second: f64,
    /// Shown above the plots: divergence, or what a setting change did.
    pub notice: Option<String>,
    /// Bumped whenever the weights change, so pictures know when to redraw.
    pub version: u64,
    /// Reads a CSV named by the setup (relative to the lesson).
    read: ReadFn,
    /// Which cell this is, kept by clones: undo of a page edit finds the live cell by it and
    /// keeps its trained network, curves and runs ([`super::undo::carry_training`]).
    uid: u64,
    /// The figures drawn from the current network ([`super::analysis`]).
    pub(super) analysis: super::analysis::Analysis,
}

/// The next [`TrainCell::uid`].
static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Reads a data file named in a lesson.
pub type ReadFn = std::sync::Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

impl std::fmt::Debug for TrainCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainCell")
            .field("setup", &self.setup)
            .field("running", &self.running)
            .finish_non_exhaustive()
    }
}

impl Clone for TrainCell {
    /// A clone has the same setup and data (shared, not read again), freshly reset (a
    /// trainer's buffers are not shared), and the same [`TrainCell::uid`]: it stands for the
    /// cell in an undo snapshot of the page.
    fn clone(&self) -> Self {
        let mut c = TrainCell::empty(self.setup.clone(), self.read.clone());
        c.uid = self.uid;
        c.error = self.error.clone();
        c.data = self.data.clone();
        c.rebuild_network();
        c
    }
}

impl TrainCell {
    /// Prepares the data and the initial network of `setup`.
    pub fn new(setup: TrainingSetup, read: ReadFn) -> TrainCell {
        let mut c = TrainCell::empty(setup, read);
        c.rebuild_data();
        c
    }

    /// A cell of `setup` with no data, network or curves yet.
    fn empty(setup: TrainingSetup, read: ReadFn) -> TrainCell {
        TrainCell {
            loss: Loss::new(crate::nn::LossKind::Mse),
            setup,
            error: None,
            data: None,
            initial: None,
            trainer: None,
            running: false,
            step_losses: Vec::new(),
            extras: Vec::new(),
            runs: Vec::new(),
            steps_per_second: 0.0,
            notice: None,
            version: 0,
            read,
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            analysis: super::analysis::Analysis::default(),
        }
    }

    /// Which cell this is: the same for its clones (undo snapshots), new for every other cell.
    pub fn uid(&self) -> u64 {
        self.uid
    }

    /// Reloads and splits the data, then builds a fresh network.
    fn rebuild_data(&mut self) {
        self.data = None;
        match prepare(&self.setup, self.read.as_ref()) {
            Ok(p) => {
                self.data = Some(std::sync::Arc::new(p));
                self.rebuild_network();
            }
            Err(e) => self.fail(e),
        }
    }

    fn fail(&mut self, e: String) {
        self.error = Some(e);
        self.trainer = None;
        self.initial = None;
        self.running = false;
    }

    /// Draws new initial weights from the setup and starts over.
    fn rebuild_network(&mut self) {
        let Some(data) = &self.data else { return };
        self.loss = self.setup.loss_for(&data.train);
        match self.setup.build_network(&data.train) {
            Ok(net) => {
                self.initial = Some(net);
                self.error = None;
                self.restart();
            }
            Err(e) => self.fail(e),
        }
    }

    /// A new trainer from the initial weights; curves cleared.
    fn restart(&mut self) {
        let (Some(data), Some(net)) = (&self.data, &self.initial) else {
            return;
        };
        let trainer = Trainer::new(
            net.clone(),
            self.loss,
            self.setup.optimizer,
            data.train.clone(),
            data.validation.clone(),
            self.setup.train_config(),
        );
        match trainer {
            Ok(t) => {
                self.trainer = Some(t);
                self.error = None;
            }
            Err(e) => self.fail(e.to_string()),
        }
        self.running = false;
        self.step_losses.clear();
        self.extras.clear();
        self.notice = None;
        self.version += 1;
    }

    /// The epoch being trained (0-based) and whether training has stopped.
    pub fn epoch(&self) -> usize {
        self.trainer.as_ref().map_or(0, |t| t.epoch())
    }

    pub fn history(&self) -> &[EpochRecord] {
        self.trainer.as_ref().map_or(&[], |t| t.history())
    }

    pub fn stopped(&self) -> Option<&StopReason> {
        self.trainer.as_ref().and_then(|t| t.stopped())
    }

    /// The network as it is now.
    pub fn net(&self) -> Option<&Network> {
        self.trainer.as_ref().map(|t| t.net())
    }

    pub fn train_data(&self) -> Option<&Dataset> {
        self.data.as_ref().map(|d| &d.train)
    }

    /// Estimated seconds to the last epoch at the current speed.
    pub fn time_left(&self) -> Option<f64> {
        let t = self.trainer.as_ref()?;
        if self.steps_per_second <= 0.0 || t.is_done() {
            return None;
        }
        let left_epochs = t.config().epochs.saturating_sub(t.epoch()) as f64;
        Some(left_epochs * t.steps_per_epoch() as f64 / self.steps_per_second)
    }

    /// Applies a button or a changed setting.
    pub fn apply(&mut self, action: TrainAction) {
        match action {
            TrainAction::Play => {
                if self.stopped().is_some() {
                    self.notice = Some("Training has finished: press Reset or Re-initialise to train again.".into());
                } else {
                    self.running = self.trainer.is_some();
                }
            }
            TrainAction::Pause => self.running = false,
            TrainAction::Step => {
                self.running = false;
                self.run_steps(1, None);
            }
            TrainAction::Epoch => {
                self.running = false;
                if let Some(t) = &self.trainer {
                    let target = t.epoch() + 1;
                    let per = t.steps_per_epoch().max(1);
                    // An epoch has `per` steps; stop at the boundary.
                    while self
                        .trainer
                        .as_ref()
                        .is_some_and(|t| !t.is_done() && t.epoch() < target)
                    {
                        self.run_steps(per, Some(target));
                    }
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
        if let Some(t) = &mut self.trainer
            && let Err(e) = live_update(t, opt, config)
        {
            self.notice = Some(format!("Not applied: {e}"));
        }
    }

    /// Runs `n` steps at most (stopping at the start of epoch `until` if given).
    fn run_steps(&mut self, n: usize, until: Option<usize>) {
        let Some(t) = &mut self.trainer else { return };
        for _ in 0..n {
            if t.is_done() || until.is_some_and(|e| t.epoch() >= e) {
                break;
            }
            let epoch_before = t.epoch();
            t.step();
            if let Some(l) = t.last_step_loss() {
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
        } else if t.is_done() {
            self.running = false;
            self.notice = t.stopped().map(|s| format!("Training {s}."));
        }
    }

    /// While playing: steps until `budget` is used (checked every few steps). Returns whether
    /// the cell is still running (the window then asks for another frame).
    pub fn tick(&mut self, budget: Duration) -> bool {
        if !self.running {
            return false;
        }
        let start = Instant::now();
        let mut done = 0usize;
        let mut chunk = 1usize;
        loop {
            self.run_steps(chunk, None);
            done += chunk;
            let elapsed = start.elapsed();
            if !self.running || elapsed >= budget {
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
        self.running
    }

    /// Labels for the kept runs and the current one (last), naming the settings that differ.
    pub fn run_labels(&self) -> Vec<String> {
        let mut setups: Vec<&TrainingSetup> = self.runs.iter().map(|r| &r.setup).collect();
        setups.push(&self.setup);
        let all: Vec<Vec<(&'static str, String)>> = setups.iter().map(|s| settings(s)).collect();
        let n_keys = all[0].len();
        let differing: Vec<usize> = (0..n_keys)
            .filter(|&k| all.iter().any(|s| s[k].1 != all[0][k].1))
            .collect();
        all.iter()
            .enumerate()
            .map(|(i, s)| {
                let what: Vec<String> = differing.iter().map(|&k| format!("{} {}", s[k].0, s[k].1)).collect();
                let name = if i + 1 == all.len() {
                    "current".to_string()
                } else {
                    format!("run {}", i + 1)
                };
                if what.is_empty() {
                    name
                } else {
                    format!("{name}: {}", what.join(", "))
                }
            })
            .collect()
    }
}

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
    let dead = crate::nn::metrics::dead_relu_fractions(t.net(), &t.train_data().x);
    EpochExtras { grad_norms, dead }
}

/// Every setting a run label may name, in a fixed order.
fn settings(s: &TrainingSetup) -> Vec<(&'static str, String)> {
    let opt = &s.optimizer;
    vec![
        ("data", format!("{:?}", s.data)),
        ("hidden", format!("{:?}", s.hidden)),
        ("activation", s.activation.name().to_string()),
        (
            "output",
            s.output_activation.map_or("auto", Activation::name).to_string(),
        ),
        ("loss", s.loss.map_or("auto", |k| k.name()).to_string()),
        ("init", format!("{} seed {}", s.init.kind, s.init.seed)),
        ("optimizer", opt.kind.name().to_string()),
        ("lr", format!("{}", opt.lr)),
        ("momentum", format!("{}", opt.momentum)),
        ("batch", s.batch_size.map_or("full".into(), |b| b.to_string())),
        ("l2", format!("{}", s.l2)),
        ("dropout", format!("{}", s.dropout)),
        ("scaling", format!("{:?}", s.scaling)),
        ("epochs", s.epochs.to_string()),
    ]
}

/// Every epoch's figures as CSV, kept runs first, then the current run. Columns: run number
/// (0 = current), the run's label, epoch, loss, validation loss, accuracy, validation
/// accuracy, learning rate; an empty cell where a figure does not exist.
pub fn curves_csv(cell: &TrainCell) -> String {
    let labels = cell.run_labels();
    let mut s = String::from("run,label,epoch,loss,val_loss,accuracy,val_accuracy,lr\n");
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    let mut write = |run: usize, label: &str, h: &[EpochRecord]| {
        for r in h {
            s.push_str(&format!(
                "{run},\"{}\",{},{},{},{},{},{}\n",
                label.replace('"', "\"\""),
                r.epoch,
                r.loss,
                opt(r.val_loss),
                opt(r.accuracy),
                opt(r.val_accuracy),
                r.lr
            ));
        }
    };
    for (i, run) in cell.runs.iter().enumerate() {
        write(i + 1, &labels[i], &run.history);
    }
    write(0, labels.last().map_or("current", |l| l.as_str()), cell.history());
    s
}
