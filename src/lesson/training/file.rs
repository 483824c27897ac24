//! The training cell as written ([`TrainingFile`] and its parts) and the validated setup
//! ([`TrainingSetup`]); [`TrainingSetup::to_file`] writes a setup back.

use crate::nn::data::Scaling;
use crate::nn::datasets::DataSpec;
use crate::nn::doc::{OptimizerSpec, optimizer_to_spec};
use crate::nn::init::Init;
use crate::nn::schedule::Schedule;
use crate::nn::{Activation, LossKind, OptimizerConfig};
use serde::{Deserialize, Serialize};

/// `split = { validation = 0.2, test = 0.2, seed = 0 }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSpec {
    #[serde(default)]
    pub validation: f64,
    #[serde(default)]
    pub test: f64,
    #[serde(default)]
    pub seed: u64,
}

impl Default for SplitSpec {
    fn default() -> Self {
        SplitSpec {
            validation: 0.0,
            test: 0.0,
            seed: 0,
        }
    }
}

/// `init = { kind = "he_uniform", seed = 0 }` (`param`: k of small integers, std of normal...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitSpec {
    pub kind: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<f64>,
}

impl Default for InitSpec {
    fn default() -> Self {
        InitSpec {
            kind: "he_uniform".into(),
            seed: 0,
            param: None,
        }
    }
}

/// `early_stopping = { patience = 10, min_delta = 0.0, restore_best = true }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyStoppingSpec {
    pub patience: usize,
    #[serde(default)]
    pub min_delta: f64,
    #[serde(default = "yes")]
    pub restore_best: bool,
}

fn yes() -> bool {
    true
}

/// `schedule = { kind = "step", step_size = 50, gamma = 0.5 }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScheduleSpec {
    Constant,
    Step {
        step_size: usize,
        gamma: f64,
    },
    Exponential {
        gamma: f64,
    },
    Cosine {
        t_max: usize,
        #[serde(default)]
        eta_min: f64,
    },
}

impl ScheduleSpec {
    pub fn to_schedule(self) -> Schedule {
        match self {
            ScheduleSpec::Constant => Schedule::Constant,
            ScheduleSpec::Step { step_size, gamma } => Schedule::Step { step_size, gamma },
            ScheduleSpec::Exponential { gamma } => Schedule::Exponential { gamma },
            ScheduleSpec::Cosine { t_max, eta_min } => Schedule::Cosine { t_max, eta_min },
        }
    }

    pub fn from_schedule(s: Schedule) -> ScheduleSpec {
        match s {
            Schedule::Constant => ScheduleSpec::Constant,
            Schedule::Step { step_size, gamma } => ScheduleSpec::Step { step_size, gamma },
            Schedule::Exponential { gamma } => ScheduleSpec::Exponential { gamma },
            Schedule::Cosine { t_max, eta_min } => ScheduleSpec::Cosine { t_max, eta_min },
        }
    }
}

/// A training cell exactly as written (every key but `kind`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub observe: String,
    pub data: DataSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
    #[serde(default)]
    pub hidden: Vec<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_activation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<InitSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimizer: Option<OptimizerSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l2: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropout: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_stopping: Option<EarlyStoppingSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSpec>,
}

/// A validated training setup. `None` for the loss or output activation means "chosen from the
/// data" (see [`TrainingSetup::loss_for`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingSetup {
    pub id: Option<String>,
    pub observe: String,
    pub data: DataSpec,
    pub split: SplitSpec,
    pub scaling: Scaling,
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub output_activation: Option<Activation>,
    pub loss: Option<LossKind>,
    pub init: InitSpec,
    pub optimizer: OptimizerConfig,
    pub epochs: usize,
    /// `None` = the full batch.
    pub batch_size: Option<usize>,
    pub l2: f64,
    pub dropout: f64,
    pub early_stopping: Option<EarlyStoppingSpec>,
    pub schedule: ScheduleSpec,
}

/// Accepts `he_uniform` as well as the command line's `he-uniform`.
pub fn init_from_spec(spec: &InitSpec) -> Option<Init> {
    Init::from_name(&spec.kind.replace('_', "-"), spec.param)
}

impl TrainingSetup {
    /// The setup as its file form.
    pub fn to_file(&self) -> TrainingFile {
        TrainingFile {
            id: self.id.clone(),
            observe: self.observe.clone(),
            data: self.data.clone(),
            split: (self.split != SplitSpec::default()).then_some(self.split),
            scaling: (self.scaling != Scaling::None).then_some(self.scaling),
            hidden: self.hidden.clone(),
            activation: Some(self.activation.name().to_string()),
            output_activation: self.output_activation.map(|a| a.name().to_string()),
            loss: self.loss.map(|k| k.name().to_string()),
            init: Some(self.init.clone()),
            optimizer: Some(optimizer_to_spec(&self.optimizer)),
            epochs: Some(self.epochs),
            batch_size: self.batch_size,
            l2: (self.l2 != 0.0).then_some(self.l2),
            dropout: (self.dropout != 0.0).then_some(self.dropout),
            early_stopping: self.early_stopping,
            schedule: (self.schedule != ScheduleSpec::Constant).then_some(self.schedule),
        }
    }
}
