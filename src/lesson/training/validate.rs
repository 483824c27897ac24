//! [`TrainingFile::validate`]: every key checked, every problem listed, into a [`TrainingSetup`].

use super::file::{InitSpec, ScheduleSpec, SplitSpec, TrainingFile, TrainingSetup, init_from_spec};
use super::{MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_WIDTH};
use crate::nn::data::Scaling;
use crate::nn::datasets::{DataSpec, check_params};
use crate::nn::doc::optimizer_from_spec;
use crate::nn::init::Init;
use crate::nn::{Activation, LossKind, OptimizerConfig, OptimizerKind};

fn fraction(name: &str, v: f64, max: f64, e: &mut Vec<String>) {
    if !(v.is_finite() && (0.0..max).contains(&v)) {
        e.push(format!("{name} must be at least 0 and below {max}, not {v}"));
    }
}

/// The network's choices, checked (see [`TrainingFile::validate_network`]).
struct NetworkChoice {
    activation: Activation,
    output_activation: Option<Activation>,
    loss: Option<LossKind>,
    init: InitSpec,
}

/// How long and how regularised the training runs, checked (see [`TrainingFile::validate_run`]).
struct RunChoice {
    epochs: usize,
    l2: f64,
    dropout: f64,
    schedule: ScheduleSpec,
}

impl TrainingFile {
    /// Validates every key; lists every problem.
    pub fn validate(&self) -> Result<TrainingSetup, Vec<String>> {
        let mut e = Vec::new();
        let split = self.validate_split(&mut e);
        let NetworkChoice {
            activation,
            output_activation,
            loss,
            init,
        } = self.validate_network(&mut e);
        let optimizer = self.validate_optimizer(&mut e);
        let RunChoice {
            epochs,
            l2,
            dropout,
            schedule,
        } = self.validate_run(&mut e);
        if let Err(m) = check_data(&self.data) {
            e.push(format!("data: {m}"));
        }
        if !e.is_empty() {
            return Err(e);
        }
        let setup = TrainingSetup {
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
        };
        // Generated and shipped data are made here (small and quick) to check the sizes now, so
        // lint names the limit; a CSV file's are checked when the file is read.
        if !matches!(self.data, DataSpec::Csv { .. })
            && let Ok(data) = self.data.build(None)
        {
            setup.check_size(&data).map_err(|m| vec![m])?;
        }
        Ok(setup)
    }

    /// The validation and test fractions (both absent: no split).
    fn validate_split(&self, e: &mut Vec<String>) -> SplitSpec {
        let split = self.split.unwrap_or_default();
        fraction("split.validation", split.validation, 1.0, e);
        fraction("split.test", split.test, 1.0, e);
        if split.validation + split.test >= 1.0 {
            e.push("split.validation + split.test must leave some training rows (sum below 1)".into());
        }
        split
    }

    /// The hidden widths, the activations, the loss (and whether it fits the output) and the
    /// initialiser.
    fn validate_network(&self, e: &mut Vec<String>) -> NetworkChoice {
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
        let activation = act(&self.activation, "activation", e).unwrap_or(Activation::Relu);
        let output_activation = act(&self.output_activation, "output_activation", e);
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
        NetworkChoice {
            activation,
            output_activation,
            loss,
            init,
        }
    }

    /// The optimizer (Adam at 0.01 when the file names none).
    fn validate_optimizer(&self, e: &mut Vec<String>) -> OptimizerConfig {
        match &self.optimizer {
            Some(s) => optimizer_from_spec(s).unwrap_or_else(|p| {
                e.extend(p.into_iter().map(|m| format!("optimizer: {m}")));
                OptimizerConfig::defaults(OptimizerKind::Adam)
            }),
            None => OptimizerConfig {
                lr: 0.01,
                ..OptimizerConfig::defaults(OptimizerKind::Adam)
            },
        }
    }

    /// Epochs, batch size, regularisation, early stopping and the learning-rate schedule.
    fn validate_run(&self, e: &mut Vec<String>) -> RunChoice {
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
        fraction("dropout", dropout, 1.0, e);
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
        RunChoice {
            epochs,
            l2,
            dropout,
            schedule,
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
