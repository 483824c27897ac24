//! The training lab's state: one [`TrainCell`] per training cell of the notebook.
//!
//! Playing trains in bounded slices: [`TrainCell::tick`] runs mini-batch steps until its time
//! budget is used (measured with `web_time`, whose clock also works in a browser), so a playing
//! frame never waits for an epoch. The *Epoch* button trains the same way, in slices, up to
//! the end of the epoch ([`TrainCell::until_epoch`]), and *Step* up to the end of its step
//! ([`TrainCell::until_step`]). Besides the time, a frame's work is bounded ([`FRAME_WORK`]
//! multiply-adds): a step of a large network is cut into pieces
//! ([`crate::nn::train::Trainer::advance`]) that go on over several frames; a speed limit ([`TrainCell::speed`])
//! slows playing down to a few steps a second.
//! Every curve the window draws is recorded here, from the engine's own figures: the batch loss
//! after each step, and per epoch the [`EpochRecord`]s, the gradient norm of each layer and the
//! fraction of dead ReLU units. Finished runs can be kept for comparison ([`Run`]), each
//! labelled with the settings that differ between the runs on show.
//!
//! This file holds the cell, its data and its network; the buttons and the stepping are in
//! `run`, the kept runs, their labels and the curves' CSV in `runs`.

mod run;
mod runs;

pub use run::FRAME_WORK;
pub use runs::{MAX_RUNS, Run, curves_csv, wrap_label};

use crate::lesson::training::{Prepared, TrainingSetup, prepare};
use crate::nn::data::Dataset;
use crate::nn::train::{EpochRecord, StopReason, Trainer};
use crate::nn::{Loss, Network};

/// At most this many per-step losses are kept (older ones are thinned by half).
pub const MAX_STEP_POINTS: usize = 20_000;

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
    /// How fast playing trains: at most this many steps per second (slow motion), or as fast
    /// as the frame budget allows (`None`).
    Speed(Option<f64>),
}

/// A setting changed while a run was under way, marked on its curves.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Where, in epochs (as the per-step curve counts them).
    pub x: f64,
    /// What changed, as `lr 0.05 to 0.2`.
    pub what: String,
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
    /// The speed limit of playing in steps per second (`None`: as fast as the budget allows).
    /// View state: not saved with the lesson.
    pub speed: Option<f64>,
    /// Steps owed to a speed limit, carried from frame to frame, and when the last tick ran.
    credit: f64,
    last_tick: Option<web_time::Instant>,
    /// Playing stops at the start of this epoch (0-based) if set: *Epoch* runs in slices of
    /// frames, as playing does, and can be paused.
    pub until_epoch: Option<usize>,
    /// Playing stops once this many steps are done if set: *Step* runs in slices too (a
    /// full-batch step of a large network takes several frames), and can be paused.
    pub until_step: Option<usize>,
    /// Work done in the current frame (multiply-adds, as the trainer counts them), at most
    /// [`FRAME_WORK`] but for one piece that alone is larger; zeroed at each frame's start
    /// ([`TrainCell::begin_frame`]).
    pub frame_work: u64,
    /// Settings changed while this run was under way.
    pub marks: Vec<Mark>,
    /// Shown above the plots: divergence, or what a setting change did.
    pub notice: Option<String>,
    /// Bumped whenever the weights change, so pictures know when to redraw.
    pub version: u64,
    /// Bumped at every fresh start (Reset, Re-initialise, new data or network, Keep run): the
    /// plots' ids include it, so a plot starts afresh with its run and nothing a blow-up left
    /// in a plot's stored state (its axes' widths, its range) outlives the run.
    pub generation: u64,
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

impl TrainCell {
    /// Reads the data files the cell's setup names (relative to the lesson), as the cell does.
    pub fn reader(&self) -> ReadFn {
        self.read.clone()
    }
}

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
            speed: None,
            credit: 0.0,
            last_tick: None,
            until_epoch: None,
            until_step: None,
            frame_work: 0,
            marks: Vec::new(),
            notice: None,
            version: 0,
            generation: 0,
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
            Ok(mut t) => {
                t.set_piece_limit(Some(FRAME_WORK));
                t.track_dead_units(true);
                self.trainer = Some(t);
                self.error = None;
            }
            Err(e) => self.fail(e.to_string()),
        }
        self.running = false;
        self.until_epoch = None;
        self.until_step = None;
        self.step_losses.clear();
        self.extras.clear();
        self.marks.clear();
        self.notice = None;
        self.version += 1;
        self.generation += 1;
    }

    /// A new frame: its work starts from nothing.
    pub fn begin_frame(&mut self) {
        self.frame_work = 0;
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

    /// The training rows as the data gives them, before the scaling: the same split, read again
    /// (a saved network keeps them as its samples, in the units a user types).
    pub fn raw_train_data(&self) -> Result<Dataset, String> {
        let setup = TrainingSetup {
            scaling: crate::nn::data::Scaling::None,
            ..self.setup.clone()
        };
        prepare(&setup, &*self.read).map(|p| p.train)
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
}
