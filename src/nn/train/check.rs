//! The checks [`super::Trainer::new`] and the live setters run: the settings, and each data set
//! against the network and the loss. Each returns the first problem as a [`TrainError`].

use super::TrainConfig;
use crate::nn::data::Dataset;
use crate::nn::schedule::Schedule;
use crate::nn::{Loss, LossKind, Network, OptimizerConfig};

/// Why a trainer could not be made or a setting not changed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error("the training set has no samples")]
    Empty,
    #[error("the {set} set has {x} samples in x but {y} in y")]
    Samples { set: &'static str, x: usize, y: usize },
    #[error("the {set} set has {features} feature(s), but the network has {inputs} input(s)")]
    Features {
        set: &'static str,
        features: usize,
        inputs: usize,
    },
    #[error("the {set} set has {rows} target row(s), but the network's output layer has {outputs} unit(s){hint}")]
    Targets {
        set: &'static str,
        rows: usize,
        outputs: usize,
        hint: String,
    },
    #[error("the {loss} loss needs a {needs} output layer, but layer {layer} is {has}")]
    OutputActivation {
        loss: &'static str,
        needs: &'static str,
        layer: usize,
        has: &'static str,
    },
    #[error("the {loss} loss does not fit the {set} set's targets: {detail}")]
    LossTargets {
        loss: &'static str,
        set: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Setting(String),
}

pub(super) fn check_config(c: &TrainConfig) -> Result<(), TrainError> {
    let bad = |m: String| Err(TrainError::Setting(m));
    if c.batch_size == Some(0) {
        return bad("the batch size must be at least 1".into());
    }
    if !(c.l2.is_finite() && c.l2 >= 0.0) {
        return bad(format!("l2 must be a finite number, 0 or more, got {}", c.l2));
    }
    if !(0.0..1.0).contains(&c.dropout) {
        return bad(format!("dropout must be at least 0 and below 1, got {}", c.dropout));
    }
    if let Some(m) = c.clip_norm
        && !(m.is_finite() && m > 0.0)
    {
        return bad(format!("the clipping norm must be a finite number above 0, got {m}"));
    }
    if let Some(es) = c.early_stopping
        && !(es.min_delta.is_finite() && es.min_delta >= 0.0)
    {
        return bad(format!(
            "min_delta must be a finite number, 0 or more, got {}",
            es.min_delta
        ));
    }
    let (name, v) = match c.schedule {
        Schedule::Constant => return Ok(()),
        Schedule::Step { gamma, .. } | Schedule::Exponential { gamma } => ("gamma", gamma),
        Schedule::Cosine { eta_min, .. } => ("eta_min", eta_min),
    };
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        bad(format!(
            "the schedule's {name} must be a finite number, 0 or more, got {v}"
        ))
    }
}

pub(super) fn check_optimizer(opt: &OptimizerConfig) -> Result<(), TrainError> {
    let problems = opt.validate();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(TrainError::Setting(problems.join("; ")))
    }
}

/// Checks one data set against the network and the loss.
pub(super) fn check_data(net: &Network, loss: &Loss, set: &'static str, d: &Dataset) -> Result<(), TrainError> {
    let (x, y) = (d.x.ncols(), d.y.ncols());
    if x != y {
        return Err(TrainError::Samples { set, x, y });
    }
    if d.x.nrows() != net.inputs() {
        return Err(TrainError::Features {
            set,
            features: d.x.nrows(),
            inputs: net.inputs(),
        });
    }
    let (rows, outputs, k) = (d.y.nrows(), net.outputs(), d.class_names.len());
    if rows != outputs {
        let hint = match k {
            2 if rows == 1 => " (two classes are one 0/1 target row: use one sigmoid unit with bce)".to_string(),
            k if k > 2 => format!(" (the data have {k} classes: one unit per class)"),
            _ => String::new(),
        };
        return Err(TrainError::Targets {
            set,
            rows,
            outputs,
            hint,
        });
    }
    let loss_name = loss.kind.name();
    let mismatch = |detail: String| {
        Err(TrainError::LossTargets {
            loss: loss_name,
            set,
            detail,
        })
    };
    match loss.kind {
        LossKind::CrossEntropy => {
            if rows < 2 {
                return mismatch(
                    "it needs one output unit per class (two or more); for two classes use one sigmoid unit with bce"
                        .into(),
                );
            }
            for (j, col) in d.y.column_iter().enumerate() {
                let sum: f64 = col.sum();
                if col.iter().any(|v| !(0.0..=1.0).contains(v)) || (sum - 1.0).abs() > 1e-9 * rows as f64 {
                    return mismatch(format!(
                        "it needs one-hot targets (each sample's targets in [0, 1], summing to 1); sample {} sums to {sum}",
                        j + 1
                    ));
                }
            }
        }
        LossKind::Bce => {
            if let Some(j) = d.y.iter().position(|v| !(0.0..=1.0).contains(v)) {
                return mismatch(format!(
                    "it needs targets from 0 to 1; target {} is {}",
                    j + 1,
                    d.y.as_slice()[j]
                ));
            }
        }
        _ => {}
    }
    Ok(())
}
