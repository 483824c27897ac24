//! `mlp-notebook train FILE --data CSV --epochs E ...`: mini-batch training on a CSV data set
//! with [`Trainer`].
//!
//! The CSV is read by [`crate::nn::csv`] (the window's reader: comma, semicolon or tab, quoted
//! cells, every bad row by line). It has a header row; the last column holds class labels
//! (numeric labels sorted by value, others in order of appearance). The network's inputs must
//! match the feature count and its outputs the class count: one-hot targets, one row per class;
//! a single sigmoid-style output with two classes gets 0/1 targets (the second class is 1).
//! The file's own x and y are not used. `--validation-split` holds rows out with
//! [`split3`] and `--standardize` scales with a [`Scaler`] fitted on the training rows, as the
//! window's training cell does.
//! A loss, gradient or weight that becomes NaN or infinite stops training with exit code 1.

use super::json;
use super::train::{TrainArgs, optimizer_text};
use super::{CliError, args, emit, save};
use crate::files;
use crate::nn::csv::{BadRows, CsvError, CsvOptions, import, inspect_with};
use crate::nn::data::{DataError, Dataset, Scaler, Scaling, Task, split3};
use crate::nn::doc::NetworkDoc;
use crate::nn::numfmt::NumberFormat;
use crate::nn::schedule::Schedule;
use crate::nn::train::{EarlyStopping, EpochRecord, StopReason, TrainConfig, Trainer};
use crate::nn::{Matrix, OptimizerConfig};
use clap::Args;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[derive(Args, Debug, Default, Clone)]
#[command(next_help_heading = "Mini-batch training on a CSV data set")]
pub struct DataFlags {
    /// A CSV with a header row; the last column holds the class labels.
    #[arg(long, value_name = "CSV", requires = "epochs")]
    pub data: Option<PathBuf>,
    /// Passes over the training set.
    #[arg(long, value_name = "E", requires = "data", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub epochs: Option<u64>,
    /// Samples per step (default: the whole training set).
    #[arg(long, value_name = "B", requires = "data", value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_size: Option<u64>,
    /// Seed for shuffling, the validation split and dropout.
    #[arg(long, value_name = "S", requires = "data", default_value_t = 0)]
    pub seed: u64,
    /// Hold out this fraction of the (seeded, shuffled) rows for validation.
    #[arg(long, value_name = "F", requires = "data", value_parser = args::fraction, allow_negative_numbers = true)]
    pub validation_split: Option<f64>,
    /// Standardise each feature with the training rows' mean and standard deviation.
    #[arg(long, requires = "data")]
    pub standardize: bool,
    /// Inverted dropout on the hidden layers' activations, during training only.
    #[arg(long, value_name = "P", requires = "data", value_parser = args::fraction, allow_negative_numbers = true)]
    pub dropout: Option<f64>,
    /// L2 penalty l2 * sum W^2 added to the loss (weights only).
    #[arg(long, value_name = "L", requires = "data", value_parser = args::non_negative, allow_negative_numbers = true)]
    pub l2: Option<f64>,
    /// Stop after this many epochs without improvement of the validation loss (or of the
    /// training loss without a validation set).
    #[arg(long, value_name = "PATIENCE", requires = "data", value_parser = clap::value_parser!(u64).range(1..))]
    pub early_stopping: Option<u64>,
    /// The least decrease that counts as an improvement.
    #[arg(long, value_name = "D", requires = "early_stopping", value_parser = args::non_negative, allow_negative_numbers = true)]
    pub min_delta: Option<f64>,
    /// When stopping early (or at the end), go back to the best epoch's weights.
    #[arg(long, requires = "early_stopping")]
    pub restore_best: bool,
    /// Learning-rate schedule per epoch: constant, step:SIZE:GAMMA, exponential:GAMMA,
    /// cosine:TMAX[:ETA_MIN].
    #[arg(long, value_name = "SCHEDULE", requires = "data", value_parser = args::schedule)]
    pub schedule: Option<Schedule>,
    /// Clip the gradients' global L2 norm to at most C.
    #[arg(long, value_name = "C", requires = "data", value_parser = args::positive, allow_negative_numbers = true)]
    pub clip_norm: Option<f64>,
}

impl DataFlags {
    fn config(&self, epochs: usize) -> TrainConfig {
        TrainConfig {
            epochs,
            batch_size: self.batch_size.map(to_usize),
            shuffle: true,
            seed: self.seed,
            l2: self.l2.unwrap_or(0.0),
            dropout: self.dropout.unwrap_or(0.0),
            early_stopping: self.early_stopping.map(|p| EarlyStopping {
                patience: to_usize(p),
                min_delta: self.min_delta.unwrap_or(0.0),
                restore_best: self.restore_best,
            }),
            schedule: self.schedule.unwrap_or_default(),
            clip_norm: self.clip_norm,
        }
    }
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

pub fn run(a: &TrainArgs, doc: &NetworkDoc, opt: OptimizerConfig) -> Result<(), CliError> {
    let flags = &a.data;
    let Some(csv) = flags.data.as_deref() else {
        return Err(CliError::bad("give --data CSV"));
    };
    let Some(epochs) = flags.epochs else {
        return Err(CliError::bad("give --epochs E with --data"));
    };
    let data = load_data(csv, doc)?;
    let (train, val, notes, scaling) = split_and_scale(data, flags, doc.scaling.as_ref())
        .map_err(|e| CliError::bad(format!("{}: {e}", csv.display())))?;
    let header = format!(
        "{} training and {} validation rows, {} ({}), loss {}",
        train.len(),
        val.as_ref().map_or(0, Dataset::len),
        optimizer_text(&opt),
        flags
            .batch_size
            .map_or("full batch".to_string(), |b| format!("batch size {b}")),
        doc.loss.kind.name()
    );
    let mut trainer = Trainer::new(
        doc.net.clone(),
        doc.loss,
        opt,
        train,
        val,
        flags.config(to_usize(epochs)),
    )
    .map_err(|e| CliError::bad(format!("{}: {e}", csv.display())))?;
    if !a.json {
        let mut head = header;
        head.push('\n');
        for n in &notes {
            head.push_str(n);
            head.push('\n');
        }
        emit(&head)?;
    }
    let mut printed = 0;
    while !trainer.is_done() {
        trainer.run_steps(64);
        if !a.json {
            while printed < trainer.history().len() {
                emit(&epoch_line(&trainer.history()[printed], epochs))?;
                printed += 1;
            }
        }
    }
    let stop = trainer.stopped().cloned().unwrap_or(StopReason::Finished);
    if a.json {
        emit(&json::to_text(&epochs_json(trainer.history(), &stop)))?;
    } else {
        emit(&format!("stop: {stop}\n"))?;
    }
    if matches!(stop, StopReason::NonFinite { .. }) {
        return Err(CliError::failed(stop.to_string()));
    }
    if let Some(out) = &a.out {
        let trained = NetworkDoc {
            net: trainer.into_net(),
            optimizer: opt,
            case_steps: None,
            // The saved network scales its inputs as it was trained on them.
            scaling,
            ..doc.clone()
        };
        save(out, &trained)?;
        if !a.json {
            emit(&format!("wrote the trained network to {}\n", out.display()))?;
        }
    }
    Ok(())
}

/// The training rows, the validation rows, a note per scaled feature and the scaling used.
type Scaled = (Dataset, Option<Dataset>, Vec<String>, Option<Scaler>);

/// Holds out `--validation-split` of the rows with [`split3`] (a fraction above 0 takes at least
/// one row) and, with `--standardize`, scales both parts with a [`Scaler`] fitted on the
/// training rows (else with the network's own scaling, if it has one). Returns the training
/// rows, the validation rows, a note per scaled feature and the scaling used.
fn split_and_scale(data: Dataset, flags: &DataFlags, own: Option<&Scaler>) -> Result<Scaled, DataError> {
    let (mut train, mut val) = match flags.validation_split {
        Some(f) if f > 0.0 => {
            let s = split3(&data, f, 0.0, flags.seed)?;
            (s.train, s.validation)
        }
        _ => (data, None),
    };
    let mut notes = Vec::new();
    if !flags.standardize {
        if let Some(s) = own {
            s.apply(&mut train)?;
            if let Some(v) = &mut val {
                s.apply(v)?;
            }
            notes.push("scaled with the network's own scaling".to_string());
        }
        return Ok((train, val, notes, own.cloned()));
    }
    {
        let scaler = Scaler::fit(&train, Scaling::Standardise);
        scaler.apply(&mut train)?;
        if let Some(v) = &mut val {
            scaler.apply(v)?;
        }
        for ((name, (m, s)), row) in train
            .feature_names
            .iter()
            .zip(scaler.offset.iter().zip(&scaler.scale))
            .zip(train.x.row_iter())
        {
            // A constant feature is only centred (its scale is 1); its spread is 0.
            let std = if row.max() > row.min() { *s } else { 0.0 };
            notes.push(format!("standardised {name}: mean {m}, std {std}"));
        }
        Ok((train, val, notes, Some(scaler)))
    }
}

/// Reads the CSV (a header row, classes in the last column) and checks it against the
/// network: inputs vs features, outputs vs classes.
fn load_data(csv: &Path, doc: &NetworkDoc) -> Result<Dataset, CliError> {
    let name = csv.display().to_string();
    let text = files::read_text(csv).map_err(|e| CliError::bad(e.to_string()))?;
    let opts = CsvOptions {
        has_header: true,
        target_column: inspect_with(&text, true).target_column,
        task: Task::Classification,
        bad_rows: BadRows::Report,
    };
    let mut data = import(&text, &opts).map_err(|e| csv_problems(&name, &e))?.data;
    let mut problems = Vec::new();
    let (features, classes) = (data.x.nrows(), data.class_names.len());
    if features != doc.net.inputs() {
        problems.push(format!(
            "{name}: {features} feature columns, but the network has {} inputs",
            doc.net.inputs()
        ));
    }
    let outputs = doc.net.outputs();
    match (outputs, classes) {
        // Two classes are one 0/1 row (the second class is 1): what one output (sigmoid + bce,
        // say) needs.
        (1, 2) => {}
        // Two output units want one-hot rows: 1 - t for the first class, t for the second.
        (2, 2) => {
            let t = &data.y;
            data.y = Matrix::from_fn(2, t.ncols(), |r, j| if r == 0 { 1.0 - t[(0, j)] } else { t[(0, j)] });
        }
        (o, k) if o != k => problems.push(format!(
            "{name}: the last column has {classes} classes ({}), but the network's output layer has {outputs} units; \
             it needs one unit per class (or one unit for two classes)",
            data.class_names.join(", ")
        )),
        _ => {}
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(CliError::BadInput(problems))
    }
}

/// The CSV's problems, each starting with the file's name: one line per bad row (`FILE: line
/// L, column C (name): ...`, the first [`crate::nn::csv::MAX_LISTED`] and a count of the rest),
/// or the one problem with the file as a whole.
fn csv_problems(name: &str, e: &CsvError) -> CliError {
    let CsvError::BadRows { rows, total, .. } = e else {
        return CliError::bad(format!("{name}: {e}"));
    };
    let mut problems: Vec<String> = rows.iter().map(|r| format!("{name}: {r}")).collect();
    if *total > rows.len() {
        problems.push(format!(
            "{name}: and {} more rows could not be read",
            total - rows.len()
        ));
    }
    CliError::BadInput(problems)
}

fn epoch_line(r: &EpochRecord, epochs: u64) -> String {
    let acc = |label: &str, v: Option<f64>| v.map_or(String::new(), |v| format!("  {label} {v:.4}"));
    format!(
        "epoch {:>w$}/{epochs}  loss {}{}{}{}  lr {}\n",
        r.epoch,
        short(r.loss),
        acc("accuracy", r.accuracy),
        r.val_loss.map_or(String::new(), |v| format!("  val_loss {}", short(v))),
        acc("val_accuracy", r.val_accuracy),
        short(r.lr),
        w = epochs.to_string().len()
    )
}

/// Six significant digits without trailing zeros: 0.0396662, 0.5, 0.0125.
fn short(v: f64) -> String {
    if !v.is_finite() {
        return NumberFormat::Auto.fmt(v);
    }
    let rounded = format!("{v:.5e}").parse::<f64>().unwrap_or(v);
    format!("{rounded}")
}

fn epochs_json(history: &[EpochRecord], stop: &StopReason) -> Value {
    let epochs: Vec<Value> = history
        .iter()
        .map(|r| {
            json!({
                "epoch": r.epoch,
                "loss": json::num(r.loss),
                "accuracy": json::opt(r.accuracy),
                "val_loss": json::opt(r.val_loss),
                "val_accuracy": json::opt(r.val_accuracy),
                "lr": json::num(r.lr),
            })
        })
        .collect();
    json!({ "epochs": epochs, "stop": stop.to_string() })
}
