//! Kept runs: a finished run's curves and setup ([`Run`]), the labels naming the settings
//! that differ between the runs on show, and every run's figures as CSV ([`curves_csv`]).

use super::TrainCell;
use crate::lesson::training::TrainingSetup;
use crate::nn::Activation;
use crate::nn::datasets::DataSpec;
use crate::nn::numfmt::NumberFormat;
use crate::nn::train::{EpochRecord, StopReason};

/// At most this many kept runs.
pub const MAX_RUNS: usize = 6;

/// A kept run: its curves and the setup that made them.
#[derive(Clone, Debug)]
pub struct Run {
    pub setup: TrainingSetup,
    pub history: Vec<EpochRecord>,
    pub stop: Option<StopReason>,
}

impl TrainCell {
    /// Labels for the kept runs and the current one (last), naming only the settings that
    /// differ between them, as a person writes them: `run 1: XOR, noise 0.2, hidden 4`.
    pub fn run_labels(&self) -> Vec<String> {
        let mut setups: Vec<&TrainingSetup> = self.runs.iter().map(|r| &r.setup).collect();
        setups.push(&self.setup);
        let all: Vec<Vec<String>> = setups.iter().map(|s| settings(s)).collect();
        let n_keys = all[0].len();
        let differing: Vec<usize> = (0..n_keys).filter(|&k| all.iter().any(|s| s[k] != all[0][k])).collect();
        all.iter()
            .enumerate()
            .map(|(i, s)| {
                let what: Vec<&str> = differing
                    .iter()
                    .map(|&k| s[k].as_str())
                    .filter(|w| !w.is_empty())
                    .collect();
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

/// `label` broken into lines of about `width` characters at its commas (a legend entry that
/// long stays inside its plot).
pub fn wrap_label(label: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for (i, part) in label.split(", ").enumerate() {
        if i > 0 {
            if line + 2 + part.len() > width {
                out.push_str(",\n");
                line = 0;
            } else {
                out.push_str(", ");
                line += 2;
            }
        }
        out.push_str(part);
        line += part.len();
    }
    out
}

/// Hidden layer widths as `hidden 8-8` (`no hidden layer`).
fn hidden_text(h: &[usize]) -> String {
    if h.is_empty() {
        "no hidden layer".into()
    } else {
        let w: Vec<String> = h.iter().map(usize::to_string).collect();
        format!("hidden {}", w.join("-"))
    }
}

/// The data's own settings, each as its phrase (`XOR`, `200 points`, `noise 0.2`, ...).
fn data_settings(d: &DataSpec) -> [String; 5] {
    match d {
        DataSpec::Generated {
            generator,
            points,
            noise,
            seed,
            classes,
        } => [
            short(generator.label()),
            format!("{points} points"),
            format!("noise {}", num(*noise)),
            format!("data seed {seed}"),
            classes.map_or(String::new(), |k| format!("{k} classes")),
        ],
        DataSpec::Builtin { dataset } => [
            short(dataset.label()),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
        DataSpec::Csv { csv, target, .. } => [
            csv.rsplit(['/', '\\']).next().unwrap_or(csv).to_string(),
            format!("target {target}"),
            String::new(),
            String::new(),
            String::new(),
        ],
    }
}

/// A data set's menu label without its explanation in brackets: `XOR (four clusters)` reads
/// `XOR`.
fn short(label: &str) -> String {
    label.split(" (").next().unwrap_or(label).to_string()
}

/// A setting's number: as written (0.05, 10), scientific beyond a readable range.
fn num(v: f64) -> String {
    NumberFormat::Trimmed(6).fmt(v)
}

/// Every setting a run label may name, as its phrase, in a fixed order.
fn settings(s: &TrainingSetup) -> Vec<String> {
    let opt = &s.optimizer;
    let mut v: Vec<String> = data_settings(&s.data).into();
    v.extend([
        format!("split {} / {}", num(s.split.validation), num(s.split.test)),
        hidden_text(&s.hidden),
        s.activation.name().to_string(),
        format!("output {}", s.output_activation.map_or("auto", Activation::name)),
        format!("loss {}", s.loss.map_or("auto", |k| k.name())),
        format!("{} init", s.init.kind),
        format!("init seed {}", s.init.seed),
        opt.kind.name().to_string(),
        format!("lr {}", num(opt.lr)),
        format!("momentum {}", num(opt.momentum)),
        s.batch_size.map_or("full batch".into(), |b| format!("batch {b}")),
        format!("L2 {}", num(s.l2)),
        format!("dropout {}", num(s.dropout)),
        format!("scaling {}", s.scaling.name()),
        format!("{} epochs", s.epochs),
    ]);
    v
}

/// What changed from `old` to `new`, as `lr 0.05 to 0.2, batch 32 to 8` (empty if nothing a
/// run label names).
pub(super) fn changes(old: &TrainingSetup, new: &TrainingSetup) -> String {
    let (a, b) = (settings(old), settings(new));
    let mut out = Vec::new();
    for (x, y) in a.iter().zip(&b) {
        if x == y {
            continue;
        }
        // Both phrases name the same setting: keep the name once when they share a first word.
        match (x.rsplit_once(' '), y.rsplit_once(' ')) {
            (Some((nx, vx)), Some((ny, vy))) if nx == ny => out.push(format!("{nx} {vx} to {vy}")),
            _ => out.push(format!("{x} to {y}")),
        }
    }
    out.join(", ")
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
