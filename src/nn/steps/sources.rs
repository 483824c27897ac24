//! Which values one element of a step's result is computed from: what the window highlights
//! when the pointer is over a value, as the stepper highlights its step's inputs.
//!
//! Elements are named as the engine indexes them: `(row, col)` is `(unit, input)` for weights
//! and their gradients, `(unit, 0)` for biases and per-sample quantities (`units x B`), whose
//! sample is given apart.

use super::{ChainStep, Quantity, StepKind};

/// A set of elements of one quantity: `None` in a field means every row, column or sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    pub quantity: Quantity,
    pub row: Option<usize>,
    pub col: Option<usize>,
    /// For per-sample quantities; `None`: every sample (a sum over the batch reads them all).
    pub sample: Option<usize>,
}

impl Source {
    /// Whether element (`row`, `col`) of `q` for `sample` is in the set.
    pub fn covers(&self, q: Quantity, row: usize, col: usize, sample: usize) -> bool {
        self.quantity == q
            && self.row.is_none_or(|r| r == row)
            && self.col.is_none_or(|c| c == col)
            && (!per_sample(q) || self.sample.is_none_or(|s| s == sample))
    }
}

/// Whether `q` has one value per sample (`units x B` in the engine).
fn per_sample(q: Quantity) -> bool {
    matches!(
        q,
        Quantity::X
            | Quantity::Y
            | Quantity::Z(_)
            | Quantity::A(_)
            | Quantity::Da(_)
            | Quantity::Delta(_)
            | Quantity::GradX
    )
}

/// The elements that element (`row`, `col`) of `step`'s result, for `sample`, is computed from.
/// `all_units` says the step mixes the units of a layer (a softmax layer's `a`, or its `δ`
/// when not fused with cross-entropy), so each unit reads every unit of its input.
pub fn sources(step: &ChainStep, row: usize, col: usize, sample: usize, all_units: bool) -> Vec<Source> {
    let one = |q: Quantity, r: Option<usize>, c: Option<usize>, s: Option<usize>| Source {
        quantity: q,
        row: r,
        col: c,
        sample: s,
    };
    let unit = if all_units { None } else { Some(row) };
    step.reads
        .iter()
        .filter_map(|&q| {
            Some(match (step.kind, q) {
                // z[j] = sum_i W[j,i] a_prev[i] + b[j]
                (StepKind::Z, Quantity::W(_) | Quantity::B(_)) => one(q, Some(row), None, None),
                (StepKind::Z, _) => one(q, None, None, Some(sample)),
                // a[j] = f(z[j]); softmax reads every z of the sample
                (StepKind::A, _) => one(q, unit, None, Some(sample)),
                // The loss reads every output and target.
                (StepKind::Loss | StepKind::LossAfter, _) => one(q, None, None, None),
                // dL/da[j] from a[j], y[j]; δ[j] from dL/da[j], z[j] (or a[j] - y[j])
                (StepKind::Da, _) => one(q, Some(row), None, Some(sample)),
                (StepKind::Delta, _) => one(q, unit, None, Some(sample)),
                // dL/dW[j,i] = sum over the batch of δ[j] a_prev[i]
                (StepKind::GradW, Quantity::Delta(_)) => one(q, Some(row), None, None),
                (StepKind::GradW, _) => one(q, Some(col), None, None),
                // dL/db[j] = sum over the batch of δ[j]
                (StepKind::GradB, _) => one(q, Some(row), None, None),
                // dL/da_prev[i] = sum_j W[j,i] δ[j]
                (StepKind::DaPrev, Quantity::W(_)) => one(q, None, Some(row), None),
                (StepKind::DaPrev, _) => one(q, None, None, Some(sample)),
                // W[j,i] <- W[j,i] - lr dL/dW[j,i]; a bias's line sits after the weights' columns
                (StepKind::Update, _) => return update_source(step, q, row, col),
            })
        })
        .collect()
}

/// An update line reads its own weight and gradient, or its own bias and gradient: the line of
/// bias `j` is element `(j, inputs)` of the step, after the weights' columns.
fn update_source(step: &ChainStep, q: Quantity, row: usize, col: usize) -> Option<Source> {
    let bias_line = col >= step.result.ncols();
    let col = match q {
        Quantity::W(_) | Quantity::GradW(_) if !bias_line => col,
        Quantity::B(_) | Quantity::GradB(_) if bias_line => 0,
        _ => return None,
    };
    Some(Source {
        quantity: q,
        row: Some(row),
        col: Some(col),
        sample: None,
    })
}
