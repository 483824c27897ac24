//! `mlp-notebook train FILE --steps N [--json] [--out FILE]`: N full-batch optimizer steps on
//! the file's x and y, as the reference cases' `training` section: each step is forward,
//! record the loss, backward, update; after the last step one more forward gives the last loss.
//! With `--data CSV --epochs E` it trains on mini-batches instead (see [`super::train_data`]).
//!
//! The optimizer is the file's (a reference case's `training.optimizer`); the flags override
//! it. `--optimizer` naming another kind starts from that kind's torch.optim defaults, then
//! applies the other flags.

use super::json;
use super::trace::{matrix_text, row_text, section, units};
use super::{CliError, EXIT_CODES, args, check_out_path, emit, load, save, train_data};
use crate::nn::doc::NetworkDoc;
use crate::nn::numfmt::NumberFormat;
use crate::nn::trace::{backward_into, forward_into, loss_of};
use crate::nn::train::StepBuffers;
use crate::nn::{Network, Optimizer, OptimizerConfig, OptimizerKind};
use clap::Args;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Args, Debug)]
#[command(after_help = EXIT_CODES)]
pub struct TrainArgs {
    /// A network file (.json or .toml) or a reference case; `-` reads standard input.
    pub file: PathBuf,
    /// Full-batch optimizer steps on the file's x and y (a reference case's training.steps if
    /// not given).
    #[arg(long, value_name = "N", conflicts_with = "data")]
    pub steps: Option<usize>,
    /// Print JSON: with --steps {"losses": [N + 1], "layers": [{"weights", "bias"}]}; with --data
    /// {"epochs": [{"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"}], "stop"}.
    #[arg(long)]
    pub json: bool,
    /// Write the trained network to this file (.json or .toml), atomically.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Significant digits in the text report.
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u8).range(1..=17))]
    pub digits: Option<u8>,
    #[command(flatten)]
    pub optimizer: OptimizerFlags,
    #[command(flatten)]
    pub data: train_data::DataFlags,
}

/// Flags that override the file's optimizer.
#[derive(Args, Debug, Default, Clone)]
#[command(next_help_heading = "Optimizer (overrides the file's)")]
pub struct OptimizerFlags {
    /// sgd, adam, adamw or rmsprop; another kind than the file's starts from its defaults.
    #[arg(long, value_name = "KIND", value_parser = args::optimizer_kind)]
    pub optimizer: Option<OptimizerKind>,
    /// Learning rate.
    #[arg(long, value_parser = args::non_negative, allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// Momentum (sgd, rmsprop).
    #[arg(long, value_parser = args::non_negative, allow_negative_numbers = true)]
    pub momentum: Option<f64>,
    /// Dampening of the momentum (sgd).
    #[arg(long, value_parser = args::finite, allow_negative_numbers = true)]
    pub dampening: Option<f64>,
    /// Nesterov momentum (sgd); `--nesterov=false` turns it off.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub nesterov: Option<bool>,
    /// First-moment decay (adam, adamw).
    #[arg(long, value_parser = args::fraction, allow_negative_numbers = true)]
    pub beta1: Option<f64>,
    /// Second-moment decay (adam, adamw).
    #[arg(long, value_parser = args::fraction, allow_negative_numbers = true)]
    pub beta2: Option<f64>,
    /// Added to the denominator (adam, adamw, rmsprop).
    #[arg(long, value_parser = args::non_negative, allow_negative_numbers = true)]
    pub eps: Option<f64>,
    /// Weight decay: coupled L2 for sgd, adam and rmsprop, decoupled for adamw.
    #[arg(long, value_parser = args::non_negative, allow_negative_numbers = true)]
    pub weight_decay: Option<f64>,
    /// Smoothing constant of the squared-gradient average (rmsprop).
    #[arg(long, value_parser = args::non_negative, allow_negative_numbers = true)]
    pub alpha: Option<f64>,
}

impl OptimizerFlags {
    /// The file's optimizer with the flags applied, checked.
    pub fn apply(&self, base: OptimizerConfig) -> Result<OptimizerConfig, CliError> {
        let mut c = match self.optimizer {
            Some(k) if k != base.kind => OptimizerConfig::defaults(k),
            _ => base,
        };
        let set = |field: &mut f64, v: Option<f64>| {
            if let Some(v) = v {
                *field = v;
            }
        };
        set(&mut c.lr, self.lr);
        set(&mut c.momentum, self.momentum);
        set(&mut c.dampening, self.dampening);
        set(&mut c.beta1, self.beta1);
        set(&mut c.beta2, self.beta2);
        set(&mut c.eps, self.eps);
        set(&mut c.weight_decay, self.weight_decay);
        set(&mut c.alpha, self.alpha);
        if let Some(n) = self.nesterov {
            c.nesterov = n;
        }
        let problems = c.validate();
        if problems.is_empty() {
            Ok(c)
        } else {
            Err(CliError::BadInput(problems))
        }
    }
}

pub fn run(a: &TrainArgs) -> Result<(), CliError> {
    check_out_path(a.out.as_deref())?;
    let doc = load(&a.file)?;
    let config = a.optimizer.apply(doc.optimizer)?;
    if a.data.data.is_some() {
        return train_data::run(a, &doc, config);
    }
    let Some(steps) = a.steps.or(doc.case_steps) else {
        return Err(CliError::bad(
            "give --steps N (full-batch steps on the file's x and y), or --data CSV --epochs E",
        ));
    };
    let run = full_batch(&doc, config, steps);
    if a.json {
        if run.stop.is_none() {
            emit(&json::to_text(&steps_json(&run)))?;
        }
    } else {
        emit(&steps_text(&doc, &config, steps, &run, a.digits))?;
    }
    if let Some(stop) = run.stop {
        return Err(CliError::failed(stop));
    }
    if let Some(out) = &a.out {
        let trained = NetworkDoc {
            net: run.net,
            optimizer: config,
            case_steps: None,
            ..doc
        };
        save(out, &trained)?;
        if !a.json {
            emit(&format!("wrote the trained network to {}\n", out.display()))?;
        }
    }
    Ok(())
}

/// The outcome of full-batch training.
pub struct StepsRun {
    /// The loss before each step, then after the last (fewer if training stopped).
    pub losses: Vec<f64>,
    /// The trained network (the last finite parameters if training stopped).
    pub net: Network,
    /// Why training stopped early: a value became NaN or infinite.
    pub stop: Option<String>,
}

/// `steps` full-batch steps, stopping with the last finite parameters if a value blows up.
pub fn full_batch(doc: &NetworkDoc, config: OptimizerConfig, steps: usize) -> StepsRun {
    let mut net = doc.net.clone();
    let mut opt = Optimizer::new(config);
    let mut bufs = StepBuffers::default();
    let mut losses = Vec::new();
    for s in 1..=steps {
        forward_into(&net, &doc.input(), &mut bufs.fwd);
        backward_into(&net, &bufs.fwd, &doc.y, &doc.loss, &mut bufs.grads, false, None);
        if !bufs.grads.is_finite() {
            let what = if bufs.grads.loss.is_finite() {
                "a gradient"
            } else {
                "the loss"
            };
            return stopped(losses, net, format!("before step {s}: {what} became NaN or infinite"));
        }
        losses.push(bufs.grads.loss);
        let before = net.clone();
        opt.step(&mut net, &bufs.grads);
        if !params_finite(&net) {
            return stopped(losses, before, format!("step {s}: a weight became NaN or infinite"));
        }
    }
    let last = loss_of(&net, &doc.input(), &doc.y, &doc.loss);
    if !last.is_finite() {
        return stopped(
            losses,
            net,
            format!("after step {steps}: the loss became NaN or infinite"),
        );
    }
    losses.push(last);
    StepsRun {
        losses,
        net,
        stop: None,
    }
}

fn stopped(losses: Vec<f64>, net: Network, what: String) -> StepsRun {
    StepsRun {
        losses,
        net,
        stop: Some(format!(
            "training stopped {what}; the last finite parameters were kept (try a smaller learning rate)"
        )),
    }
}

fn params_finite(net: &Network) -> bool {
    net.layers()
        .iter()
        .all(|l| l.weights.iter().chain(l.bias.iter()).all(|v| v.is_finite()))
}

/// `{"losses": [...], "layers": [{"weights", "bias"}...]}`.
fn steps_json(run: &StepsRun) -> Value {
    let layers: Vec<Value> = run
        .net
        .layers()
        .iter()
        .map(|l| json!({ "weights": json::rows(&l.weights), "bias": json::list(l.bias.iter()) }))
        .collect();
    json!({ "losses": json::list(&run.losses), "layers": layers })
}

fn steps_text(doc: &NetworkDoc, c: &OptimizerConfig, steps: usize, run: &StepsRun, digits: Option<u8>) -> String {
    let mut s = format!(
        "{} full-batch step(s) of {} on {} sample(s), loss {} ({})\n",
        steps,
        optimizer_text(c),
        doc.batch(),
        doc.loss.kind.name(),
        doc.loss.reduction.name()
    );
    s.push_str(&format!("{:>6}  loss\n", "step"));
    for (i, l) in run.losses.iter().enumerate() {
        let when = if i < steps {
            format!("before step {}", i + 1)
        } else {
            format!("after step {steps}")
        };
        s.push_str(&format!("{i:>6}  {}  ({when})\n", super::trace::loss_text(*l, digits)));
    }
    let fmt = digits.map_or(NumberFormat::Auto, NumberFormat::Significant);
    s.push_str("\ntrained parameters\n");
    for (i, l) in run.net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!("layer {n} ({}, {})\n", l.activation.name(), units(l.units())));
        section(&mut s, &format!("W{n}"), &matrix_text(&l.weights, fmt, false));
        section(&mut s, &format!("b{n}"), &row_text(l.bias.iter(), fmt));
    }
    s
}

/// The settings the kind reads, as `sgd (lr 0.1, momentum 0.9)`.
pub fn optimizer_text(c: &OptimizerConfig) -> String {
    let keys: Vec<String> = match c.kind {
        OptimizerKind::Sgd => vec![
            format!("lr {:?}", c.lr),
            format!("momentum {:?}", c.momentum),
            format!("dampening {:?}", c.dampening),
            format!("nesterov {}", c.nesterov),
            format!("weight_decay {:?}", c.weight_decay),
        ],
        OptimizerKind::Adam | OptimizerKind::Adamw => vec![
            format!("lr {:?}", c.lr),
            format!("beta1 {:?}", c.beta1),
            format!("beta2 {:?}", c.beta2),
            format!("eps {:?}", c.eps),
            format!("weight_decay {:?}", c.weight_decay),
        ],
        OptimizerKind::Rmsprop => vec![
            format!("lr {:?}", c.lr),
            format!("alpha {:?}", c.alpha),
            format!("eps {:?}", c.eps),
            format!("momentum {:?}", c.momentum),
            format!("weight_decay {:?}", c.weight_decay),
        ],
    };
    format!("{} ({})", c.kind.name(), keys.join(", "))
}
