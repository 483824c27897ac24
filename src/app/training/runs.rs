//! Kept runs: a finished run's curves and setup ([`Run`]), the labels naming the settings
//! that differ between the runs on show, and every run's figures as CSV ([`curves_csv`]).

use super::TrainCell;
use crate::lesson::training::TrainingSetup;
use crate::nn::Activation;
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

/// Hidden layer widths as `8-8` (`none` for no hidden layer).
fn hidden_text(h: &[usize]) -> String {
    if h.is_empty() {
        "none".into()
    } else {
        h.iter().map(usize::to_string).collect::<Vec<_>>().join("-")
    }
}

/// Every setting a run label may name, in a fixed order.
fn settings(s: &TrainingSetup) -> Vec<(&'static str, String)> {
    let opt = &s.optimizer;
    vec![
        ("data", s.data.describe()),
        ("hidden", hidden_text(&s.hidden)),
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
        ("scaling", s.scaling.name().to_string()),
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
