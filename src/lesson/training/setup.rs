//! From a validated setup to training: [`prepare`] loads, splits and scales the data; the
//! setup chooses the loss and output, builds the network and the engine's configuration.

use super::file::{InitSpec, ScheduleSpec, SplitSpec, TrainingSetup, init_from_spec};
use super::{MAX_EPOCH_WORK, MAX_TRAIN_PARAMS};
use crate::nn::csv::{BadRows, CsvOptions};
use crate::nn::data::{Dataset, Scaler, Scaling, Splits, split3};
use crate::nn::datasets::{DataSpec, Generator};
use crate::nn::doc::MAX_ACTIVATIONS;
use crate::nn::init::init_network;
use crate::nn::train::{EarlyStopping, TrainConfig};
use crate::nn::{Activation, Loss, LossKind, Network, OptimizerConfig, OptimizerKind};

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
    setup.check_size(&data)?;
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

    /// Refuses a network or data too large for the window to train without freezing: more than
    /// [`MAX_TRAIN_PARAMS`] parameters, an epoch over [`MAX_EPOCH_WORK`] multiply-adds, or a
    /// pass over every row holding more than [`MAX_ACTIVATIONS`] values. Checked from the
    /// shapes, before anything is built.
    pub fn check_size(&self, data: &Dataset) -> Result<(), String> {
        let mut widths = vec![data.x.nrows()];
        widths.extend(&self.hidden);
        widths.push(data.y.nrows());
        let params = widths
            .windows(2)
            .map(|w| w[1].saturating_mul(w[0].saturating_add(1)))
            .fold(0usize, usize::saturating_add);
        let rows = data.len();
        if params > MAX_TRAIN_PARAMS {
            return Err(format!(
                "the network would have {params} parameters ({}); a training cell allows at most {MAX_TRAIN_PARAMS}",
                widths.iter().map(ToString::to_string).collect::<Vec<_>>().join("-")
            ));
        }
        let work = rows.saturating_mul(params);
        if work > MAX_EPOCH_WORK {
            return Err(format!(
                "an epoch of {rows} rows through {params} parameters is {work} multiply-adds; the limit is \
                 {MAX_EPOCH_WORK} ({:.1} times over): use fewer rows or smaller layers",
                work as f64 / MAX_EPOCH_WORK as f64
            ));
        }
        let units = widths.iter().fold(0usize, |a, &w| a.saturating_add(w));
        let activations = rows.saturating_mul(units);
        if activations > MAX_ACTIVATIONS {
            return Err(format!(
                "{rows} rows through {units} units make {activations} activations per pass; the limit is \
                 {MAX_ACTIVATIONS}: use fewer rows or smaller layers"
            ));
        }
        Ok(())
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
