//! The training cell: a data set, a network shape and its hyperparameters, as written in a
//! lesson file ([`TrainingFile`]) and validated once into engine types ([`TrainingSetup`]).
//!
//! The keys are the ones in docs/lesson-format.md ("training"). A setup is what the window's
//! training lab edits; [`TrainingSetup::to_file`] writes it back. [`prepare`] turns the data
//! description into split and scaled data sets; [`TrainingSetup::build_network`] draws the
//! initial weights. No file IO: a CSV data set is read through the caller's `read` function.

use crate::nn::csv::{BadRows, CsvOptions};
use crate::nn::data::{Dataset, Scaler, Scaling, Splits, split3};
use crate::nn::datasets::{DataSpec, Generator, check_params};
use crate::nn::doc::{OptimizerSpec, optimizer_from_spec, optimizer_to_spec};
use crate::nn::init::{Init, init_network};
use crate::nn::schedule::Schedule;
use crate::nn::train::{EarlyStopping, TrainConfig};
use crate::nn::{Activation, Loss, LossKind, Network, OptimizerConfig, OptimizerKind};
use serde::{Deserialize, Serialize};

/// Hidden layers wider than this are refused (the window draws every unit's heatmap).
pub const MAX_WIDTH: usize = 1024;
/// At most this many hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 16;
/// At most this many epochs.
pub const MAX_EPOCHS: usize = 100_000;

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

fn fraction(name: &str, v: f64, max: f64, e: &mut Vec<String>) {
    if !(v.is_finite() && (0.0..max).contains(&v)) {
        e.push(format!("{name} must be at least 0 and below {max}, not {v}"));
    }
}

impl TrainingFile {
    /// Validates every key; lists every problem.
    pub fn validate(&self) -> Result<TrainingSetup, Vec<String>> {
        let mut e = Vec::new();
        let split = self.split.unwrap_or_default();
        fraction("split.validation", split.validation, 1.0, &mut e);
        fraction("split.test", split.test, 1.0, &mut e);
        if split.validation + split.test >= 1.0 {
            e.push("split.validation + split.test must leave some training rows (sum below 1)".into());
        }
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            e.push(format!("at most {MAX_HIDDEN_LAYERS} hidden layers"));
        }
        for (i, &w) in self.hidden.iter().enumerate() {
            if w == 0 || w > MAX_WIDTH {
                e.push(format!("hidden layer {} has {w} units: give 1 to {MAX_WIDTH}", i + 1));
            }
        }
        let act = |name: &Option<String>, key: &str, e: &mut Vec<String>| -> Option<Activation> {
            let n = name.as_ref()?;
            let a = Activation::from_name(n);
            if a.is_none() {
                e.push(format!(
                    "{key}: unknown activation '{n}' (one of {})",
                    Activation::valid_names()
                ));
            }
            a
        };
        let activation = act(&self.activation, "activation", &mut e).unwrap_or(Activation::Relu);
        let output_activation = act(&self.output_activation, "output_activation", &mut e);
        let loss = self.loss.as_ref().and_then(|n| {
            let k = LossKind::from_name(n);
            if k.is_none() {
                e.push(format!(
                    "loss: unknown loss '{n}' (one of {})",
                    LossKind::NAMES.join(", ")
                ));
            }
            k
        });
        if let (Some(k), Some(out)) = (loss, output_activation)
            && let Some(req) = k.required_output()
            && req != out
        {
            e.push(format!(
                "loss {} needs output_activation = \"{}\", not \"{}\"",
                k.name(),
                req.name(),
                out.name()
            ));
        }
        let init = self.init.clone().unwrap_or_default();
        if init_from_spec(&init).is_none() {
            e.push(format!(
                "init.kind: unknown initialiser '{}' (one of {})",
                init.kind,
                Init::NAMES.join(", ").replace('-', "_")
            ));
        }
        let optimizer = match &self.optimizer {
            Some(s) => optimizer_from_spec(s).unwrap_or_else(|p| {
                e.extend(p.into_iter().map(|m| format!("optimizer: {m}")));
                OptimizerConfig::defaults(OptimizerKind::Adam)
            }),
            None => OptimizerConfig {
                lr: 0.01,
                ..OptimizerConfig::defaults(OptimizerKind::Adam)
            },
        };
        let epochs = self.epochs.unwrap_or(100);
        if epochs == 0 || epochs > MAX_EPOCHS {
            e.push(format!("epochs must be 1 to {MAX_EPOCHS}, not {epochs}"));
        }
        if self.batch_size == Some(0) {
            e.push("batch_size must be at least 1 (leave it out for the full batch)".into());
        }
        let l2 = self.l2.unwrap_or(0.0);
        if !(l2.is_finite() && l2 >= 0.0) {
            e.push(format!("l2 must be 0 or more, not {l2}"));
        }
        let dropout = self.dropout.unwrap_or(0.0);
        fraction("dropout", dropout, 1.0, &mut e);
        if let Some(es) = self.early_stopping
            && (es.patience == 0 || !es.min_delta.is_finite() || es.min_delta < 0.0)
        {
            e.push("early_stopping needs patience >= 1 and min_delta >= 0".into());
        }
        let schedule = self.schedule.unwrap_or(ScheduleSpec::Constant);
        match schedule {
            ScheduleSpec::Step { step_size, gamma } if step_size == 0 || !(gamma > 0.0 && gamma.is_finite()) => {
                e.push("schedule step needs step_size >= 1 and gamma > 0".into())
            }
            ScheduleSpec::Exponential { gamma } if !(gamma > 0.0 && gamma.is_finite()) => {
                e.push("schedule exponential needs gamma > 0".into())
            }
            ScheduleSpec::Cosine { t_max, eta_min } if t_max == 0 || !(eta_min >= 0.0 && eta_min.is_finite()) => {
                e.push("schedule cosine needs t_max >= 1 and eta_min >= 0".into())
            }
            _ => {}
        }
        if let Err(m) = check_data(&self.data) {
            e.push(format!("data: {m}"));
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(TrainingSetup {
            id: self.id.clone(),
            observe: self.observe.clone(),
            data: self.data.clone(),
            split,
            scaling: self.scaling.unwrap_or(Scaling::None),
            hidden: self.hidden.clone(),
            activation,
            output_activation,
            loss,
            init,
            optimizer,
            epochs,
            batch_size: self.batch_size,
            l2,
            dropout,
            early_stopping: self.early_stopping,
            schedule,
        })
    }
}

/// Data ready to train on: split, then scaled with statistics of the training rows only.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub train: Dataset,
    pub validation: Option<Dataset>,
    pub test: Option<Dataset>,
    /// The fitted scaler (to scale grid points and new inputs the same way).
    pub scaler: Scaler,
    /// The number of rows the source held, before the split.
    pub total: usize,
}

impl Prepared {
    /// Classification when the data names classes.
    pub fn is_classification(&self) -> bool {
        !self.train.class_names.is_empty()
    }
}

/// Loads, splits and scales the data of `setup`. `read` reads a CSV path named in the lesson.
pub fn prepare(setup: &TrainingSetup, read: &dyn Fn(&str) -> Result<String, String>) -> Result<Prepared, String> {
    let data = load_data(&setup.data, read)?;
    let total = data.len();
    let Splits {
        mut train,
        mut validation,
        mut test,
    } = split3(&data, setup.split.validation, setup.split.test, setup.split.seed).map_err(|e| e.to_string())?;
    let scaler = Scaler::fit(&train, setup.scaling);
    scaler.apply(&mut train).map_err(|e| e.to_string())?;
    for d in [&mut validation, &mut test].into_iter().flatten() {
        scaler.apply(d).map_err(|e| e.to_string())?;
    }
    Ok(Prepared {
        train,
        validation,
        test,
        scaler,
        total,
    })
}

impl TrainingSetup {
    /// The loss: the one written, else BCE for one 0/1 target row of a classification,
    /// cross-entropy for several classes, MSE for regression.
    pub fn loss_for(&self, data: &Dataset) -> Loss {
        let kind = self.loss.unwrap_or(if data.class_names.is_empty() {
            LossKind::Mse
        } else if data.y.nrows() == 1 {
            LossKind::Bce
        } else {
            LossKind::CrossEntropy
        });
        Loss::new(kind)
    }

    /// The output activation: the one written, else what the loss needs, else identity.
    pub fn output_for(&self, loss: &Loss) -> Activation {
        self.output_activation
            .or(loss.kind.required_output())
            .unwrap_or(Activation::Identity)
    }

    /// The network with its initial weights for `data`'s shapes.
    pub fn build_network(&self, data: &Dataset) -> Result<Network, String> {
        let loss = self.loss_for(data);
        let mut widths = vec![data.x.nrows()];
        widths.extend(&self.hidden);
        widths.push(data.y.nrows());
        let init = init_from_spec(&self.init).ok_or_else(|| format!("unknown initialiser '{}'", self.init.kind))?;
        init_network(&widths, self.activation, self.output_for(&loss), init, self.init.seed).map_err(|e| e.join("; "))
    }

    /// The engine's training configuration (the shuffle seed is the split seed).
    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            epochs: self.epochs,
            batch_size: self.batch_size,
            shuffle: true,
            seed: self.split.seed,
            l2: self.l2,
            dropout: self.dropout,
            early_stopping: self.early_stopping.map(|e| EarlyStopping {
                patience: e.patience,
                min_delta: e.min_delta,
                restore_best: e.restore_best,
            }),
            schedule: self.schedule.to_schedule(),
            clip_norm: None,
        }
    }

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

/// Checks a data description without loading it (generator parameters, a CSV path).
pub fn check_data(d: &DataSpec) -> Result<(), String> {
    match d {
        DataSpec::Generated {
            generator,
            points,
            noise,
            classes,
            ..
        } => check_params(*generator, *points, *noise, *classes).map_err(|e| e.to_string()),
        DataSpec::Builtin { .. } => Ok(()),
        DataSpec::Csv { csv, target, .. } => {
            if csv.trim().is_empty() {
                Err("csv needs a file name".into())
            } else if target.trim().is_empty() {
                Err("target needs the name of the target column".into())
            } else {
                Ok(())
            }
        }
    }
}

/// Loads the data set a description names; `read` reads a CSV file named in the lesson.
pub fn load_data(d: &DataSpec, read: &dyn Fn(&str) -> Result<String, String>) -> Result<Dataset, String> {
    let text = match d.csv_path() {
        Some(p) => Some(read(p)?),
        None => None,
    };
    d.build(text.as_deref()).map_err(|e| e.to_string())
}

/// The description of a CSV file imported in the window with `options`.
pub fn csv_spec(path: &str, target: &str, options: CsvOptions) -> DataSpec {
    DataSpec::Csv {
        csv: path.to_string(),
        target: target.to_string(),
        task: options.task,
        header: options.has_header,
        skip_bad_rows: options.bad_rows == BadRows::Skip,
    }
}

impl TrainingSetup {
    /// The training cell Insert > Training cell adds: XOR, one hidden layer of 4 tanh units,
    /// a sigmoid output with BCE, Adam at 0.05, mini-batches of 32.
    pub fn xor_default() -> TrainingSetup {
        TrainingSetup {
            id: None,
            observe: "Press Play and watch the loss fall while the coloured regions bend around the four corners. \
                      Then try 1 hidden unit instead of 4, or a learning rate of 1."
                .into(),
            data: DataSpec::Generated {
                generator: Generator::Xor,
                points: 200,
                noise: 0.2,
                seed: 0,
                classes: None,
            },
            split: SplitSpec {
                validation: 0.2,
                test: 0.0,
                seed: 0,
            },
            scaling: Scaling::None,
            hidden: vec![4],
            activation: Activation::Tanh,
            output_activation: None,
            loss: None,
            init: InitSpec {
                kind: "xavier_uniform".into(),
                seed: 0,
                param: None,
            },
            optimizer: OptimizerConfig {
                lr: 0.05,
                ..OptimizerConfig::defaults(OptimizerKind::Adam)
            },
            epochs: 200,
            batch_size: Some(32),
            l2: 0.0,
            dropout: 0.0,
            early_stopping: None,
            schedule: ScheduleSpec::Constant,
        }
    }
}
