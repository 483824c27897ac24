//! The network file format: one schema, read from JSON or TOML text and written back losslessly.
//!
//! The serde types ([`NetworkFile`], [`LayerSpec`], ...) mirror the file exactly (weights as
//! rows, samples as rows); [`NetworkFile::validate`] turns them once into a [`NetworkDoc`] of
//! engine types (samples as columns) and lists **every** problem it finds. Reference-case files
//! (a `network` object beside `expected` and `training`) are read too. No file IO here: callers
//! pass the text.

use super::data::{Scaler, Scaling};
use super::serialize::{SerializeError, pretty_json, toml_text};
use super::{Loss, LossKind, Matrix, Network, OptimizerConfig, OptimizerKind};
use serde::{Deserialize, Serialize};

mod precheck;
mod validate;

pub use precheck::{MAX_STRING_BYTES, MAX_VALUES, precheck};
pub use validate::{check_targets, scaler_from_spec};

/// The format version this build writes.
pub const FORMAT_VERSION: u32 = 1;
/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// Networks with more parameters than this are refused.
pub const MAX_PARAMS: usize = 5_000_000;
/// Data (x and y together) with more numbers than this are refused.
pub const MAX_DATA_NUMBERS: usize = 10_000_000;
/// A pass holds every sample's value at every unit (the inputs and each layer's units), for z,
/// a and delta alike: batches x units over this are refused (about 80 MB per quantity), so a
/// valid file cannot ask a pass for more memory than the machine has.
pub const MAX_ACTIVATIONS: usize = 10_000_000;

/// Text syntax of a network file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Toml,
}

impl Syntax {
    /// `v` as text in this syntax (pretty JSON or TOML); an error is returned, never written.
    pub fn write<T: Serialize + ?Sized>(self, v: &T) -> Result<String, SerializeError> {
        match self {
            Syntax::Json => pretty_json(v),
            Syntax::Toml => toml_text(v),
        }
    }

    /// From a file name's extension; anything else is sniffed from the text.
    pub fn guess(file_name: &str, text: &str) -> Syntax {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Syntax::Json
        } else if lower.ends_with(".toml") {
            Syntax::Toml
        } else if text.trim_start().starts_with('{') {
            Syntax::Json
        } else {
            Syntax::Toml
        }
    }
}

/// Samples: a flat list (one sample) or a list of rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "expected a list of numbers (one sample) or a list of rows of numbers"
)]
pub enum Samples {
    Rows(#[serde(serialize_with = "num::rows")] Vec<Vec<f64>>),
    One(#[serde(serialize_with = "num::row")] Vec<f64>),
}

mod num;

impl Samples {
    /// How many numbers are written.
    fn numbers(&self) -> usize {
        match self {
            Samples::Rows(r) => r.iter().map(Vec::len).sum(),
            Samples::One(v) => v.len(),
        }
    }

    fn rows(&self) -> Vec<Vec<f64>> {
        match self {
            Samples::Rows(r) => r.clone(),
            Samples::One(v) => vec![v.clone()],
        }
    }
}

/// `loss = "mse"` or `loss = { kind = "huber", delta = 1.0, reduction = "sum" }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LossSpec {
    Name(String),
    Table {
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delta: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reduction: Option<String>,
    },
}

/// The table form of a loss as read: unknown keys are refused, so a misspelt `delta` or
/// `reduction` is an error instead of silently taking the default.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LossTable {
    kind: String,
    #[serde(default)]
    delta: Option<f64>,
    #[serde(default)]
    reduction: Option<String>,
}

// Written by hand instead of `#[serde(untagged)]`, whose only error is "data did not match any
// variant": a table's own error (an unknown key, a wrong type) reaches the reader this way.
impl<'de> Deserialize<'de> for LossSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<LossSpec, D::Error> {
        struct Spec;
        impl<'de> serde::de::Visitor<'de> for Spec {
            type Value = LossSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a loss name such as \"mse\" or a table such as { kind = \"huber\", delta = 1.0 }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LossSpec, E> {
                Ok(LossSpec::Name(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<LossSpec, A::Error> {
                let t = LossTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(LossSpec::Table {
                    kind: t.kind,
                    delta: t.delta,
                    reduction: t.reduction,
                })
            }
        }
        d.deserialize_any(Spec)
    }
}

/// The optimizer table; missing keys take torch.optim's defaults for the kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OptimizerSpec {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lr: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub momentum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dampening: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nesterov: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta1: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta2: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_decay: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha: Option<f64>,
}

/// One `[[layers]]` entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    pub units: usize,
    pub activation: String,
    /// `units x in`.
    #[serde(serialize_with = "num::rows")]
    pub weights: Vec<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "num::opt_row")]
    pub bias: Option<Vec<f64>>,
}

/// A network file exactly as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub inputs: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<LossSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<Samples>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<Samples>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimizer: Option<OptimizerSpec>,
    /// The input scaling fitted when the network was trained, applied to every sample before
    /// the first layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<ScalingSpec>,
    /// Absent = empty, so a file without layers gets the "no layers" message, not a serde one.
    #[serde(default)]
    pub layers: Vec<LayerSpec>,
}

/// `[scaling]`: the scaling fitted on the training samples, one number per input.
/// `kind = "standardise"` with `mean` and `std` (`x' = (x - mean) / std`), or
/// `kind = "min_max"` with `min` and `range` (`x' = (x - min) / range`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingSpec {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "num::opt_row")]
    pub mean: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "num::opt_row")]
    pub std: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "num::opt_row")]
    pub min: Option<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "num::opt_row")]
    pub range: Option<Vec<f64>>,
}

/// A fitted scaling as its file form (`None` scaling writes nothing: see [`NetworkDoc::to_file`]).
pub fn scaling_to_spec(s: &Scaler) -> ScalingSpec {
    let (a, b) = (Some(s.offset.clone()), Some(s.scale.clone()));
    match s.scaling {
        Scaling::MinMax => ScalingSpec {
            kind: Scaling::MinMax.name().into(),
            mean: None,
            std: None,
            min: a,
            range: b,
        },
        // A scaler of kind none is never written; standardise is the one left.
        _ => ScalingSpec {
            kind: Scaling::Standardise.name().into(),
            mean: a,
            std: b,
            min: None,
            range: None,
        },
    }
}

/// A reference-case file: a network plus what PyTorch computed (ignored here) and, for
/// training cases, the optimizer and step count.
#[derive(Clone, Debug, Deserialize)]
struct CaseFile {
    network: NetworkFile,
    #[serde(default)]
    training: Option<CaseTraining>,
}

#[derive(Clone, Debug, Deserialize)]
struct CaseTraining {
    optimizer: OptimizerSpec,
    steps: Option<usize>,
}

/// A validated network document: the network, its loss, its data and its optimizer.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkDoc {
    pub name: Option<String>,
    pub net: Network,
    pub loss: Loss,
    /// `inputs x B`.
    pub x: Matrix,
    /// `outputs x B`.
    pub y: Matrix,
    pub optimizer: OptimizerConfig,
    /// Steps named by a reference case's `training` section.
    pub case_steps: Option<usize>,
    /// The input scaling applied before the first layer (see [`NetworkDoc::scaled_x`]); `None`
    /// for a network that takes its inputs as they are.
    pub scaling: Option<Scaler>,
}

/// Everything wrong with a file, one problem per entry (with line and column for syntax errors).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", problems.join("\n"))]
pub struct DocError {
    pub problems: Vec<String>,
}

impl DocError {
    fn one(p: impl Into<String>) -> DocError {
        DocError {
            problems: vec![p.into()],
        }
    }

    /// The same problems, each prefixed with a file name.
    pub fn in_file(&self, file: &str) -> DocError {
        DocError {
            problems: self.problems.iter().map(|p| format!("{file}: {p}")).collect(),
        }
    }
}

/// Parses and validates a network file (or a reference case) from text.
pub fn parse(text: &str, syntax: Syntax) -> Result<NetworkDoc, DocError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(DocError::one(format!(
            "the file is {} bytes; the limit is {} bytes",
            text.len(),
            MAX_FILE_BYTES
        )));
    }
    precheck(text).map_err(DocError::one)?;
    let (file, training) = match syntax {
        Syntax::Json => parse_json(text)?,
        Syntax::Toml => (
            toml::from_str::<NetworkFile>(text).map_err(|e| DocError::one(toml_message(text, &e)))?,
            None,
        ),
    };
    let mut doc = file.validate()?;
    if let Some(t) = training {
        doc.optimizer = optimizer_from_spec(&t.optimizer).map_err(|p| DocError { problems: p })?;
        doc.case_steps = t.steps;
    }
    Ok(doc)
}

fn parse_json(text: &str) -> Result<(NetworkFile, Option<CaseTraining>), DocError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| DocError::one(json_message(&e)))?;
    if value.get("network").is_some_and(|n| n.is_object()) {
        let case: CaseFile = serde_json::from_str(text).map_err(|e| DocError::one(json_message(&e)))?;
        Ok((case.network, case.training))
    } else {
        let f: NetworkFile = serde_json::from_str(text).map_err(|e| DocError::one(json_message(&e)))?;
        Ok((f, None))
    }
}

/// A JSON error as `line L, column C: message`.
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; put the place first, as compilers do.
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    format!("line {}, column {}: {msg}", e.line(), e.column())
}

/// A TOML error as `line L, column C: message` (the column counted in characters).
pub(crate) fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().to_string();
    match e.span() {
        Some(span) => {
            // The span is a byte offset; step back to a character boundary, whatever it is.
            let mut start = span.start.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let before = &text[..start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {msg}")
        }
        None => msg,
    }
}

/// Turns an optimizer table into a config, listing every problem.
pub fn optimizer_from_spec(s: &OptimizerSpec) -> Result<OptimizerConfig, Vec<String>> {
    let Some(kind) = OptimizerKind::from_name(&s.kind) else {
        return Err(vec![format!(
            "unknown optimizer '{}'; valid: sgd, adam, adamw, rmsprop",
            s.kind
        )]);
    };
    let d = OptimizerConfig::defaults(kind);
    let c = OptimizerConfig {
        kind,
        lr: s.lr.unwrap_or(d.lr),
        momentum: s.momentum.unwrap_or(d.momentum),
        dampening: s.dampening.unwrap_or(d.dampening),
        nesterov: s.nesterov.unwrap_or(d.nesterov),
        beta1: s.beta1.unwrap_or(d.beta1),
        beta2: s.beta2.unwrap_or(d.beta2),
        eps: s.eps.unwrap_or(d.eps),
        weight_decay: s.weight_decay.unwrap_or(d.weight_decay),
        alpha: s.alpha.unwrap_or(d.alpha),
    };
    let e = c.validate();
    if e.is_empty() { Ok(c) } else { Err(e) }
}

/// Writes a config back as a table: the kind, the learning rate, and every other key whose
/// value differs from torch.optim's default for the kind (reading fills those back in), so a
/// saved file stays short and diffs cleanly.
pub fn optimizer_to_spec(c: &OptimizerConfig) -> OptimizerSpec {
    let d = OptimizerConfig::defaults(c.kind);
    let keep = |v: f64, default: f64| (v != default).then_some(v);
    OptimizerSpec {
        kind: c.kind.name().into(),
        lr: Some(c.lr),
        momentum: keep(c.momentum, d.momentum),
        dampening: keep(c.dampening, d.dampening),
        nesterov: (c.nesterov != d.nesterov).then_some(c.nesterov),
        beta1: keep(c.beta1, d.beta1),
        beta2: keep(c.beta2, d.beta2),
        eps: keep(c.eps, d.eps),
        weight_decay: keep(c.weight_decay, d.weight_decay),
        alpha: keep(c.alpha, d.alpha),
    }
}

/// A loss as its file form: the name alone when the reduction is the kind's default (and huber's
/// delta in a table), else a table with the reduction.
pub fn loss_to_spec(loss: &Loss) -> LossSpec {
    if loss.reduction == loss.kind.default_reduction() {
        match loss.kind {
            LossKind::Huber { delta } => LossSpec::Table {
                kind: "huber".into(),
                delta: Some(delta),
                reduction: None,
            },
            k => LossSpec::Name(k.name().into()),
        }
    } else {
        LossSpec::Table {
            kind: loss.kind.name().into(),
            delta: match loss.kind {
                LossKind::Huber { delta } => Some(delta),
                _ => None,
            },
            reduction: Some(loss.reduction.name().into()),
        }
    }
}

impl NetworkDoc {
    /// The document as its file form (format_version set, samples as rows, every key written).
    pub fn to_file(&self) -> NetworkFile {
        let rows = |m: &Matrix| Samples::Rows(m.column_iter().map(|c| c.iter().copied().collect()).collect());
        NetworkFile {
            format_version: Some(FORMAT_VERSION),
            name: self.name.clone(),
            inputs: self.net.inputs(),
            loss: Some(loss_to_spec(&self.loss)),
            x: Some(rows(&self.x)),
            y: Some(rows(&self.y)),
            optimizer: Some(optimizer_to_spec(&self.optimizer)),
            scaling: self.scaling.as_ref().map(scaling_to_spec),
            layers: self
                .net
                .layers()
                .iter()
                .map(|l| LayerSpec {
                    units: l.units(),
                    activation: l.activation.name().into(),
                    weights: l.weights.row_iter().map(|r| r.iter().copied().collect()).collect(),
                    bias: Some(l.bias.iter().copied().collect()),
                })
                .collect(),
        }
    }

    /// Writes the document as text. Every f64 round-trips (shortest representation); a number
    /// that is not finite is refused (see [`crate::nn::serialize`]).
    pub fn write(&self, syntax: Syntax) -> Result<String, SerializeError> {
        syntax.write(&self.to_file())
    }

    /// The samples as the first layer takes them, `a0`: `x` with the scaling applied
    /// (`(x - mean) / std` or `(x - min) / range` per input), or `x` itself without one.
    pub fn input(&self) -> std::borrow::Cow<'_, Matrix> {
        match &self.scaling {
            None => std::borrow::Cow::Borrowed(&self.x),
            Some(s) => {
                let mut x = self.x.clone();
                // The scaling was checked against the inputs when the document was made.
                if s.apply_matrix(&mut x).is_err() {
                    return std::borrow::Cow::Borrowed(&self.x);
                }
                std::borrow::Cow::Owned(x)
            }
        }
    }

    /// The number of samples.
    pub fn batch(&self) -> usize {
        self.x.ncols()
    }
}
