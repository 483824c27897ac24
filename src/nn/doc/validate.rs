//! Validation: a [`NetworkFile`] as written becomes a [`NetworkDoc`] of engine types, with every
//! problem in the file listed (shapes per layer, names with the valid ones, non-finite numbers,
//! size limits, targets the loss cannot take).

use super::{
    DocError, FORMAT_VERSION, LossSpec, MAX_ACTIVATIONS, MAX_DATA_NUMBERS, MAX_PARAMS, NetworkDoc, NetworkFile,
    Samples, ScalingSpec, optimizer_from_spec,
};
use crate::nn::data::{Scaler, Scaling};
use crate::nn::{
    Activation, Layer, Loss, LossKind, Matrix, Network, OptimizerConfig, OptimizerKind, Reduction, Vector,
};

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

/// Samples or targets as the file writes them: one row per sample.
type Rows = Vec<Vec<f64>>;

impl NetworkFile {
    /// Checks everything and builds the engine types; every problem is listed.
    pub fn validate(&self) -> Result<NetworkDoc, DocError> {
        let mut e = Vec::new();
        if !self.validate_header(&mut e) {
            return Err(DocError { problems: e });
        }
        let (layers, outputs) = self.validate_layers(&mut e);
        let loss = self.validate_loss(&mut e);
        let Some((x_rows, y_rows)) = self.validate_samples(outputs, &mut e) else {
            return Err(DocError { problems: e });
        };
        check_targets(&loss, &y_rows, &mut e);
        let optimizer = self.validate_optimizer(&mut e);
        let scaling = self.validate_scaling(&mut e);
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
            scaling,
        })
    }

    /// The format version, the input count and the size limits. False when the declared sizes
    /// are over a limit: nothing may then be built from them.
    fn validate_header(&self, e: &mut Vec<String>) -> bool {
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
            return false;
        }
        if self.inputs > MAX_PARAMS {
            // Only reachable without layers (a layer would count them as parameters).
            e.push(format!(
                "the network has {} inputs; the limit is {MAX_PARAMS}",
                self.inputs
            ));
            return false;
        }
        true
    }

    /// Every layer's activation, shape and numbers; returns the layers that are well formed and
    /// the width of the last layer (the network's outputs).
    fn validate_layers(&self, e: &mut Vec<String>) -> (Vec<Layer>, usize) {
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
            check_finite(&format!("layer {n}: weights"), &l.weights, e);
            let bias = l.bias.clone().unwrap_or_else(|| vec![0.0; l.units]);
            if bias.len() != l.units {
                e.push(format!(
                    "layer {n}: bias has {} but the layer has {}",
                    count(bias.len(), "entry", "entries"),
                    count(l.units, "unit", "units")
                ));
            }
            check_finite(&format!("layer {n}: bias"), std::slice::from_ref(&bias), e);
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
        (layers, prev)
    }

    /// The loss, and whether it fits the output layer's activation.
    fn validate_loss(&self, e: &mut Vec<String>) -> Loss {
        let loss = loss_from_spec(self.loss.as_ref(), e);
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
        loss
    }

    /// The samples as rows, checked against the network's inputs and outputs (`x` defaults to
    /// one sample of zeros, `y` to zeros). None when they hold more numbers than the limit.
    fn validate_samples(&self, outputs: usize, e: &mut Vec<String>) -> Option<(Rows, Rows)> {
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
            return None;
        }
        // The passes' memory, counted before any pass runs.
        let units = self.layers.iter().fold(self.inputs, |n, l| n.saturating_add(l.units));
        let activations = x_rows.len().saturating_mul(units);
        if activations > MAX_ACTIVATIONS {
            e.push(format!(
                "{} samples through {units} units (the inputs and every layer's) make {activations} activations \
                 per pass; the limit is {MAX_ACTIVATIONS} ({:.1} times over): give fewer samples or smaller layers",
                x_rows.len(),
                activations as f64 / MAX_ACTIVATIONS as f64
            ));
            return None;
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
        check_finite("x", &x_rows, e);
        check_finite("y", &y_rows, e);
        Some((x_rows, y_rows))
    }

    /// The input scaling (see [`scaler_from_spec`]).
    fn validate_scaling(&self, e: &mut Vec<String>) -> Option<Scaler> {
        let spec = self.scaling.as_ref()?;
        scaler_from_spec(spec, self.inputs).map_err(|p| e.extend(p)).ok()
    }

    /// The optimizer (plain SGD with its defaults when the file names none).
    fn validate_optimizer(&self, e: &mut Vec<String>) -> OptimizerConfig {
        match &self.optimizer {
            Some(s) => optimizer_from_spec(s).unwrap_or_else(|p| {
                e.extend(p);
                OptimizerConfig::defaults(OptimizerKind::Sgd)
            }),
            None => OptimizerConfig::defaults(OptimizerKind::Sgd),
        }
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

/// A `[scaling]` table as a [`Scaler`] for a network of `inputs` inputs: its kind's two lists,
/// one finite number per input, every `std` or `range` above 0. Every problem is listed.
pub fn scaler_from_spec(s: &ScalingSpec, inputs: usize) -> Result<Scaler, Vec<String>> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let (kind, (a, a_name), (b, b_name), others) = match s.kind.as_str() {
        "standardise" => (
            Scaling::Standardise,
            (&s.mean, "mean"),
            (&s.std, "std"),
            [(&s.min, "min"), (&s.range, "range")],
        ),
        "min_max" => (
            Scaling::MinMax,
            (&s.min, "min"),
            (&s.range, "range"),
            [(&s.mean, "mean"), (&s.std, "std")],
        ),
        other => {
            e.push(format!("scaling: unknown kind '{other}'; valid: standardise, min_max"));
            return Err(errors);
        }
    };
    for (v, name) in others {
        if v.is_some() {
            e.push(format!(
                "scaling: '{name}' does not belong to kind '{}' (it takes {a_name} and {b_name})",
                s.kind
            ));
        }
    }
    let mut list = |v: &Option<Vec<f64>>, name: &str, positive: bool| -> Vec<f64> {
        let Some(v) = v else {
            e.push(format!(
                "scaling: kind '{}' needs '{name}', one number per input",
                s.kind
            ));
            return Vec::new();
        };
        if v.len() != inputs {
            e.push(format!(
                "scaling: '{name}' has {} but the network has {}",
                count(v.len(), "value", "values"),
                count(inputs, "input", "inputs")
            ));
        }
        for (i, x) in v.iter().enumerate() {
            if !x.is_finite() || (positive && *x <= 0.0) {
                let need = if positive {
                    "a finite number above 0"
                } else {
                    "a finite number"
                };
                e.push(format!("scaling: '{name}' entry {} is {x}; it must be {need}", i + 1));
            }
        }
        v.clone()
    };
    let offset = list(a, a_name, false);
    let scale = list(b, b_name, true);
    if errors.is_empty() {
        Ok(Scaler {
            scaling: kind,
            offset,
            scale,
        })
    } else {
        Err(errors)
    }
}
