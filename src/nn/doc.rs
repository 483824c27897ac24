//! The network file format: one schema, read from JSON or TOML text and written back losslessly.
//!
//! The serde types ([`NetworkFile`], [`LayerSpec`], ...) mirror the file exactly (weights as
//! rows, samples as rows); [`NetworkFile::validate`] turns them once into a [`NetworkDoc`] of
//! engine types (samples as columns) and lists **every** problem it finds. Reference-case files
//! (a `network` object beside `expected` and `training`) are read too. No file IO here: callers
//! pass the text.

use super::{Activation, Layer, Loss, LossKind, Matrix, Network, OptimizerConfig, OptimizerKind, Reduction, Vector};
use serde::{Deserialize, Serialize};

/// The format version this build writes.
pub const FORMAT_VERSION: u32 = 1;
/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// Networks with more parameters than this are refused.
pub const MAX_PARAMS: usize = 5_000_000;
/// Data (x and y together) with more numbers than this are refused.
pub const MAX_DATA_NUMBERS: usize = 10_000_000;

/// Text syntax of a network file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Toml,
}

impl Syntax {
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
    Rows(Vec<Vec<f64>>),
    One(Vec<f64>),
}

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
    pub weights: Vec<Vec<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// Absent = empty, so a file without layers gets the "no layers" message, not a serde one.
    #[serde(default)]
    pub layers: Vec<LayerSpec>,
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

fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; put the place first, as compilers do.
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    format!("line {}, column {}: {msg}", e.line(), e.column())
}

fn toml_message(text: &str, e: &toml::de::Error) -> String {
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

/// Writes a config back as a table with every key.
pub fn optimizer_to_spec(c: &OptimizerConfig) -> OptimizerSpec {
    OptimizerSpec {
        kind: c.kind.name().into(),
        lr: Some(c.lr),
        momentum: Some(c.momentum),
        dampening: Some(c.dampening),
        nesterov: Some(c.nesterov),
        beta1: Some(c.beta1),
        beta2: Some(c.beta2),
        eps: Some(c.eps),
        weight_decay: Some(c.weight_decay),
        alpha: Some(c.alpha),
    }
}

fn loss_from_spec(spec: Option<&LossSpec>, errors: &mut Vec<String>) -> Loss {
    let (name, delta, reduction) = match spec {
        None => return Loss::new(LossKind::Mse),
        Some(LossSpec::Name(n)) => (n.as_str(), None, None),
        Some(LossSpec::Table { kind, delta, reduction }) => (kind.as_str(), *delta, reduction.as_deref()),
    };
    let Some(mut kind) = LossKind::from_name(name) else {
        errors.push(format!("unknown loss '{name}'; valid: {}", LossKind::NAMES.join(", ")));
        return Loss::new(LossKind::Mse);
    };
    if let Some(d) = delta {
        match &mut kind {
            LossKind::Huber { delta } if d.is_finite() && d > 0.0 => *delta = d,
            LossKind::Huber { .. } => errors.push(format!("huber delta must be a positive finite number, got {d}")),
            _ => errors.push(format!("loss '{name}' takes no delta (only huber does)")),
        }
    }
    let reduction = match reduction {
        None => kind.default_reduction(),
        Some("mean") => Reduction::Mean,
        Some("sum") => Reduction::Sum,
        Some(other) => {
            errors.push(format!("unknown reduction '{other}'; valid: mean, sum"));
            kind.default_reduction()
        }
    };
    Loss { kind, reduction }
}

fn check_finite(what: &str, rows: &[Vec<f64>], errors: &mut Vec<String>) {
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_finite() {
                errors.push(format!(
                    "{what} row {}, column {}: {v} is not a finite number",
                    r + 1,
                    c + 1
                ));
            }
        }
    }
}

/// `1 unit`, `4 units`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Builds a `cols x rows` engine matrix (samples as columns) from file rows of equal length.
fn columns_from_rows(rows: &[Vec<f64>], width: usize) -> Matrix {
    Matrix::from_fn(width, rows.len(), |i, j| rows[j].get(i).copied().unwrap_or(0.0))
}

impl NetworkFile {
    /// Checks everything and builds the engine types; every problem is listed.
    pub fn validate(&self) -> Result<NetworkDoc, DocError> {
        let mut e = Vec::new();
        if let Some(v) = self.format_version
            && v > FORMAT_VERSION
        {
            e.push(format!(
                "format_version {v} is newer than this app reads ({FORMAT_VERSION}); update the app"
            ));
        }
        if self.inputs == 0 {
            e.push("inputs must be at least 1".into());
        }
        if self.layers.is_empty() {
            e.push("the network has no layers: add at least one [[layers]] entry".into());
        }
        // Counted from the declared sizes (not the rows written), before anything is allocated
        // from them: `inputs = 100000000000000` must be an error, not an allocation failure.
        let params = self
            .layers
            .iter()
            .scan(self.inputs, |prev, l| {
                let p = l.units.saturating_mul(prev.saturating_add(1));
                *prev = l.units;
                Some(p)
            })
            .fold(0usize, usize::saturating_add);
        if params > MAX_PARAMS {
            e.push(format!(
                "the network has {params} parameters; the limit is {MAX_PARAMS}"
            ));
            return Err(DocError { problems: e });
        }
        if self.inputs > MAX_PARAMS {
            // Only reachable without layers (a layer would count them as parameters).
            e.push(format!(
                "the network has {} inputs; the limit is {MAX_PARAMS}",
                self.inputs
            ));
            return Err(DocError { problems: e });
        }
        let mut prev = self.inputs;
        let mut layers = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            let n = i + 1;
            let act = Activation::from_name(&l.activation);
            if act.is_none() {
                e.push(format!(
                    "layer {n}: unknown activation '{}'; valid: {}",
                    l.activation,
                    Activation::valid_names()
                ));
            }
            if l.units == 0 {
                e.push(format!("layer {n}: units must be at least 1"));
            }
            if l.weights.len() != l.units {
                e.push(format!(
                    "layer {n}: weights have {} but the layer has {} (one row per unit)",
                    count(l.weights.len(), "row", "rows"),
                    count(l.units, "unit", "units")
                ));
            }
            let what = if i == 0 {
                format!("the network has {}", count(prev, "input", "inputs"))
            } else {
                format!("layer {i} has {}", count(prev, "unit", "units"))
            };
            let width = l.weights.first().map_or(prev, Vec::len);
            if width != prev && l.weights.iter().all(|r| r.len() == width) {
                // Every row has the same wrong width: one message for the whole matrix.
                e.push(format!(
                    "layer {n}: weights have {} but {what}",
                    count(width, "column", "columns")
                ));
            } else {
                for (r, row) in l.weights.iter().enumerate() {
                    if row.len() != prev {
                        e.push(format!(
                            "layer {n}: weights row {} has {} but {what}",
                            r + 1,
                            count(row.len(), "column", "columns")
                        ));
                    }
                }
            }
            check_finite(&format!("layer {n}: weights"), &l.weights, &mut e);
            let bias = l.bias.clone().unwrap_or_else(|| vec![0.0; l.units]);
            if bias.len() != l.units {
                e.push(format!(
                    "layer {n}: bias has {} but the layer has {}",
                    count(bias.len(), "entry", "entries"),
                    count(l.units, "unit", "units")
                ));
            }
            check_finite(&format!("layer {n}: bias"), std::slice::from_ref(&bias), &mut e);
            if act == Some(Activation::Softmax) && n != self.layers.len() {
                e.push(format!("layer {n}: softmax is only allowed on the output layer"));
            }
            if l.weights.len() == l.units && l.weights.iter().all(|r| r.len() == prev) && bias.len() == l.units {
                let w = Matrix::from_fn(l.units, prev, |r, c| l.weights[r][c]);
                layers.push(Layer {
                    activation: act.unwrap_or(Activation::Identity),
                    weights: w,
                    bias: Vector::from_vec(bias),
                });
            }
            prev = l.units;
        }
        let outputs = prev;
        let loss = loss_from_spec(self.loss.as_ref(), &mut e);
        if let (Some(req), Some(last)) = (loss.kind.required_output(), self.layers.last())
            && Activation::from_name(&last.activation).is_some_and(|a| a != req)
        {
            e.push(format!(
                "loss '{}' needs a {} output layer, but layer {} is {}",
                loss.kind.name(),
                req.name(),
                self.layers.len(),
                last.activation
            ));
        }
        if loss.kind != LossKind::CrossEntropy && self.layers.last().is_some_and(|l| l.activation == "softmax") {
            e.push("a softmax output layer needs the cross_entropy loss".into());
        }
        let x_rows = self
            .x
            .as_ref()
            .map_or_else(|| vec![vec![0.0; self.inputs]], Samples::rows);
        // Counted before the default targets (zeros, one row per sample) are allocated.
        let x_numbers: usize = x_rows.iter().map(Vec::len).sum();
        let y_numbers = match &self.y {
            Some(y) => y.numbers(),
            None => x_rows.len().saturating_mul(outputs),
        };
        if x_numbers.saturating_add(y_numbers) > MAX_DATA_NUMBERS {
            e.push(format!("x and y hold more than {MAX_DATA_NUMBERS} numbers, the limit"));
            return Err(DocError { problems: e });
        }
        let y_rows = self
            .y
            .as_ref()
            .map_or_else(|| vec![vec![0.0; outputs]; x_rows.len()], Samples::rows);
        if x_rows.is_empty() {
            e.push("x has no samples: give at least one row".into());
        }
        for (r, row) in x_rows.iter().enumerate() {
            if row.len() != self.inputs {
                e.push(format!(
                    "x row {}: {} but the network has {}",
                    r + 1,
                    count(row.len(), "value", "values"),
                    count(self.inputs, "input", "inputs")
                ));
            }
        }
        if y_rows.len() != x_rows.len() {
            e.push(format!(
                "y has {} but x has {} (one target row per sample)",
                count(y_rows.len(), "row", "rows"),
                x_rows.len()
            ));
        }
        for (r, row) in y_rows.iter().enumerate() {
            if row.len() != outputs {
                e.push(format!(
                    "y row {}: {} but the output layer has {}",
                    r + 1,
                    count(row.len(), "value", "values"),
                    count(outputs, "unit", "units")
                ));
            }
        }
        check_finite("x", &x_rows, &mut e);
        check_finite("y", &y_rows, &mut e);
        check_targets(&loss, &y_rows, &mut e);
        let optimizer = match &self.optimizer {
            Some(s) => optimizer_from_spec(s).unwrap_or_else(|p| {
                e.extend(p);
                OptimizerConfig::defaults(OptimizerKind::Sgd)
            }),
            None => OptimizerConfig::defaults(OptimizerKind::Sgd),
        };
        if !e.is_empty() {
            return Err(DocError { problems: e });
        }
        let net = Network::new(self.inputs, layers).map_err(|p| DocError { problems: p })?;
        Ok(NetworkDoc {
            name: self.name.clone(),
            x: columns_from_rows(&x_rows, self.inputs),
            y: columns_from_rows(&y_rows, outputs),
            net,
            loss,
            optimizer,
            case_steps: None,
        })
    }
}

/// Target checks the losses need: probability rows for cross-entropy, [0, 1] for bce.
pub fn check_targets(loss: &Loss, y_rows: &[Vec<f64>], e: &mut Vec<String>) {
    match loss.kind {
        LossKind::CrossEntropy => {
            for (r, row) in y_rows.iter().enumerate() {
                let sum: f64 = row.iter().sum();
                if row.iter().any(|v| *v < 0.0) || (sum - 1.0).abs() > 1e-9 {
                    e.push(format!(
                        "y row {}: cross_entropy needs one-hot target rows (or probabilities summing to 1)",
                        r + 1
                    ));
                }
            }
        }
        LossKind::Bce => {
            for (r, row) in y_rows.iter().enumerate() {
                if row.iter().any(|v| !(0.0..=1.0).contains(v)) {
                    e.push(format!("y row {}: bce needs targets between 0 and 1", r + 1));
                }
            }
        }
        _ => {}
    }
}

impl NetworkDoc {
    /// The document as its file form (format_version set, samples as rows, every key written).
    pub fn to_file(&self) -> NetworkFile {
        let rows = |m: &Matrix| Samples::Rows(m.column_iter().map(|c| c.iter().copied().collect()).collect());
        let loss = if self.loss.reduction == self.loss.kind.default_reduction() {
            match self.loss.kind {
                LossKind::Huber { delta } => LossSpec::Table {
                    kind: "huber".into(),
                    delta: Some(delta),
                    reduction: None,
                },
                k => LossSpec::Name(k.name().into()),
            }
        } else {
            LossSpec::Table {
                kind: self.loss.kind.name().into(),
                delta: match self.loss.kind {
                    LossKind::Huber { delta } => Some(delta),
                    _ => None,
                },
                reduction: Some(self.loss.reduction.name().into()),
            }
        };
        NetworkFile {
            format_version: Some(FORMAT_VERSION),
            name: self.name.clone(),
            inputs: self.net.inputs(),
            loss: Some(loss),
            x: Some(rows(&self.x)),
            y: Some(rows(&self.y)),
            optimizer: Some(optimizer_to_spec(&self.optimizer)),
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

    /// Writes the document as text. Every f64 round-trips (shortest representation).
    pub fn write(&self, syntax: Syntax) -> String {
        let file = self.to_file();
        match syntax {
            Syntax::Json => {
                let v = serde_json::to_value(&file).unwrap_or(serde_json::Value::Null);
                let mut s = String::new();
                write_json(&v, 0, &mut s);
                s.push('\n');
                s
            }
            Syntax::Toml => toml::to_string(&file).unwrap_or_default(),
        }
    }

    /// The number of samples.
    pub fn batch(&self) -> usize {
        self.x.ncols()
    }
}

/// Pretty JSON with arrays of numbers on one line, as the reference cases are written.
pub fn write_json(v: &serde_json::Value, indent: usize, out: &mut String) {
    use serde_json::Value;
    let pad = "  ".repeat(indent + 1);
    match v {
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, val)) in map.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push_str(": ");
                write_json(val, indent + 1, out);
                if i + 1 < map.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        Value::Array(items) if items.iter().all(|x| !x.is_array() && !x.is_object()) => {
            out.push_str(&serde_json::to_string(v).unwrap_or_default().replace(',', ", "));
        }
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, val) in items.iter().enumerate() {
                out.push_str(&pad);
                write_json(val, indent + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap_or_default()),
    }
}
