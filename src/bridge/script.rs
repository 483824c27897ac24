//! What can be exported and as what: [`Source`] (a network with its data, or a training cell),
//! [`ScriptKind`] (PyTorch, Keras 3, NumPy) and [`export`], which checks that the script can
//! reproduce the source and hands it to the generator of the kind.
//!
//! The contract for a network: a script exported with `steps = 0` prints the JSON that
//! `mlp-notebook trace FILE --json` prints; with `steps = N` it runs N full-batch optimizer steps
//! and prints what `mlp-notebook train FILE --steps N --json` prints.

use super::{keras, numpy, pytorch};
use crate::lesson::training::TrainingSetup;
use crate::nn::data::{Dataset, Scaler};
use crate::nn::doc::NetworkDoc;
use crate::nn::{Loss, Network};

/// A script kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptKind {
    Pytorch,
    Keras,
    Numpy,
}

impl ScriptKind {
    pub const ALL: [ScriptKind; 3] = [ScriptKind::Pytorch, ScriptKind::Keras, ScriptKind::Numpy];

    /// The name on the command line (`--to pytorch`).
    pub fn name(self) -> &'static str {
        match self {
            ScriptKind::Pytorch => "pytorch",
            ScriptKind::Keras => "keras",
            ScriptKind::Numpy => "numpy",
        }
    }

    /// What a person reads in a menu.
    pub fn label(self) -> &'static str {
        match self {
            ScriptKind::Pytorch => "PyTorch script (.py)",
            ScriptKind::Keras => "Keras 3 script (.py)",
            ScriptKind::Numpy => "NumPy script (.py)",
        }
    }

    /// The file name a script of this kind is suggested under, from a stem (`net` ->
    /// `net_pytorch.py`).
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}_{}.py", self.name())
    }
}

/// A training cell ready to export: its settings, the data as split (before scaling), the
/// scaling fitted on the training rows, and the initial network.
#[derive(Clone, Debug)]
pub struct TrainingSource<'a> {
    pub setup: &'a TrainingSetup,
    pub train: Dataset,
    pub validation: Option<Dataset>,
    pub test: Option<Dataset>,
    pub scaler: Scaler,
    pub net: Network,
    pub loss: Loss,
}

/// What is exported.
#[derive(Clone, Debug)]
pub enum Source<'a> {
    /// A network file or a lesson's network cell: the network, its loss, x, y and optimizer.
    Network(&'a NetworkDoc),
    /// A lesson's training cell.
    Training(Box<TrainingSource<'a>>),
}

/// A script and, for a large data set, the CSV file it reads (written beside it).
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub text: String,
    /// `(file name, contents)` of a data file the script reads from its own folder.
    pub data_file: Option<(String, String)>,
}

/// Why a source cannot be exported as asked.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ExportError(pub String);

/// Writes `source` as a script of `kind`. `steps` is the number of full-batch optimizer steps
/// a network's script runs (0: one traced pass); `stem` names the data file of a training cell
/// (`stem_data.csv`).
pub fn export(kind: ScriptKind, source: &Source, steps: usize, stem: &str) -> Result<Script, ExportError> {
    match source {
        Source::Network(doc) => {
            check_network(doc)?;
            let text = match kind {
                ScriptKind::Numpy => numpy::network(doc, steps),
                ScriptKind::Pytorch => pytorch::network(doc, steps),
                ScriptKind::Keras => keras::network(doc, steps)?,
            };
            Ok(Script { text, data_file: None })
        }
        Source::Training(t) => {
            if steps != 0 {
                return Err(ExportError(
                    "--steps applies to a network; a training cell's script trains for the cell's epochs".into(),
                ));
            }
            super::training::export(kind, t, stem)
        }
    }
}

/// Every number a script will hold must be finite (a Python literal has no NaN).
fn check_network(doc: &NetworkDoc) -> Result<(), ExportError> {
    let finite = |m: &crate::nn::Matrix| m.iter().all(|v| v.is_finite());
    let params = doc
        .net
        .layers()
        .iter()
        .all(|l| finite(&l.weights) && l.bias.iter().all(|v| v.is_finite()));
    if !params {
        return Err(ExportError(
            "a weight or bias is NaN or infinite; a script cannot hold it".into(),
        ));
    }
    if !finite(&doc.x) || !finite(&doc.y) {
        return Err(ExportError(
            "an input or target is NaN or infinite; a script cannot hold it".into(),
        ));
    }
    if doc.x.ncols() == 0 {
        return Err(ExportError(
            "the network has no samples (x is empty); a script needs at least one".into(),
        ));
    }
    let problems = doc.optimizer.validate();
    if !problems.is_empty() {
        return Err(ExportError(problems.join("; ")));
    }
    Ok(())
}
