//! Metrics for the training views: confusion matrix, precision and recall, R² and RMSE,
//! histograms, per-layer gradient norms and dead ReLU units.
//!
//! # Conventions
//! - Outputs and targets are `K x N`, one column per sample (as every batch in the engine).
//! - A column's class: with one row, `>= 0.5` is class 1 and below is class 0 (a sigmoid output
//!   and 0/1 targets); with several rows, the arg-max (the first on ties; one-hot targets).
//! - A confusion matrix is `k x k` with rows the TRUE class and columns the PREDICTED class.
//! - Precision and recall of a class with nothing to divide by (0/0: never predicted, or never
//!   present) are 0, as scikit-learn's `zero_division=0`.
//! - R² is computed per target row and averaged (scikit-learn's `uniform_average`); a row whose
//!   targets are all equal scores 1 if predicted exactly, else 0 (scikit-learn's
//!   `force_finite`). RMSE is over every element.
//! - Layers are numbered from 1 in messages; vectors here are indexed from 0 (`[0]` is layer 1).

use super::trace::{ForwardTrace, forward};
use super::{Activation, Gradients, Matrix, Network};

/// Why a metric could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    #[error("the outputs are {outputs:?} (rows x cols) but the targets are {targets:?}; they must match")]
    Shape {
        outputs: (usize, usize),
        targets: (usize, usize),
    },
    #[error("there are no samples")]
    Empty,
}

fn check(out: &Matrix, y: &Matrix) -> Result<(), MetricsError> {
    if out.shape() != y.shape() {
        return Err(MetricsError::Shape {
            outputs: out.shape(),
            targets: y.shape(),
        });
    }
    if out.ncols() == 0 || out.nrows() == 0 {
        return Err(MetricsError::Empty);
    }
    Ok(())
}

/// The class of column `j` (see the module's conventions).
pub fn class_of_column(m: &Matrix, j: usize) -> usize {
    if m.nrows() == 1 {
        usize::from(m[(0, j)] >= 0.5)
    } else {
        m.column(j).argmax().0
    }
}

/// Counts of (true class, predicted class) pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// `counts[t][p]`: samples of true class `t` predicted as `p`.
    pub counts: Vec<Vec<usize>>,
}

impl ConfusionMatrix {
    pub fn classes(&self) -> usize {
        self.counts.len()
    }

    /// The number of samples.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// The fraction on the diagonal (0 without samples).
    pub fn accuracy(&self) -> f64 {
        let right: usize = (0..self.classes()).map(|c| self.counts[c][c]).sum();
        ratio(right, self.total())
    }

    /// Of the samples predicted as `c`, the fraction that are `c` (0 when none is predicted `c`).
    pub fn precision(&self, c: usize) -> f64 {
        let predicted: usize = self.counts.iter().filter_map(|row| row.get(c)).sum();
        ratio(self.cell(c, c), predicted)
    }

    /// Of the samples of class `c`, the fraction predicted as `c` (0 when there are none).
    pub fn recall(&self, c: usize) -> f64 {
        let present: usize = self.counts.get(c).map_or(0, |row| row.iter().sum());
        ratio(self.cell(c, c), present)
    }

    pub fn precisions(&self) -> Vec<f64> {
        (0..self.classes()).map(|c| self.precision(c)).collect()
    }

    pub fn recalls(&self) -> Vec<f64> {
        (0..self.classes()).map(|c| self.recall(c)).collect()
    }

    fn cell(&self, t: usize, p: usize) -> usize {
        self.counts.get(t).and_then(|r| r.get(p)).copied().unwrap_or(0)
    }
}

/// `a / b`, with 0/0 = 0.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The confusion matrix of outputs against targets (both `K x N`; one row means two classes).
pub fn confusion_matrix(out: &Matrix, y: &Matrix) -> Result<ConfusionMatrix, MetricsError> {
    check(out, y)?;
    let k = if y.nrows() == 1 { 2 } else { y.nrows() };
    let mut counts = vec![vec![0; k]; k];
    for j in 0..y.ncols() {
        counts[class_of_column(y, j)][class_of_column(out, j)] += 1;
    }
    Ok(ConfusionMatrix { counts })
}

/// Root mean squared error over every element.
pub fn rmse(pred: &Matrix, y: &Matrix) -> Result<f64, MetricsError> {
    check(pred, y)?;
    let sse: f64 = pred.iter().zip(y.iter()).map(|(p, t)| (p - t).powi(2)).sum();
    Ok((sse / pred.len() as f64).sqrt())
}

/// The coefficient of determination `1 - SS_res / SS_tot`, per target row, averaged.
pub fn r2(pred: &Matrix, y: &Matrix) -> Result<f64, MetricsError> {
    check(pred, y)?;
    let rows = y.nrows();
    let mut total = 0.0;
    for r in 0..rows {
        let (yr, pr) = (y.row(r), pred.row(r));
        let mean = yr.sum() / yr.len() as f64;
        let ss_tot: f64 = yr.iter().map(|t| (t - mean).powi(2)).sum();
        let ss_res: f64 = yr.iter().zip(pr.iter()).map(|(t, p)| (t - p).powi(2)).sum();
        total += if ss_tot > 0.0 {
            1.0 - ss_res / ss_tot
        } else if ss_res == 0.0 {
            1.0
        } else {
            0.0
        };
    }
    Ok(total / rows as f64)
}

/// Counts of values in equal-width bins.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// `bins + 1` increasing edges; bin `i` is `[edges[i], edges[i + 1])`, the last also holds
    /// its right edge.
    pub edges: Vec<f64>,
    pub counts: Vec<usize>,
    /// NaN and infinite values, left out of the bins.
    pub non_finite: usize,
}

/// Bins the finite values into `bins` (at least 1) equal bins from their minimum to their
/// maximum. When every finite value is equal to `v`, the range is `[v - 0.5, v + 0.5]`; with no
/// finite value it is `[0, 1]` (both as numpy's `histogram`).
pub fn histogram(values: &[f64], bins: usize) -> Histogram {
    let bins = bins.max(1);
    let finite = || values.iter().copied().filter(|v| v.is_finite());
    let non_finite = values.len() - finite().count();
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo > hi {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    };
    // Halves, so that `hi - lo` cannot overflow for values near f64::MAX.
    let half_span = hi / 2.0 - lo / 2.0;
    let edges = (0..=bins)
        .map(|i| {
            let t = i as f64 / bins as f64;
            if i == bins { hi } else { lo * (1.0 - t) + hi * t }
        })
        .collect();
    let mut counts = vec![0; bins];
    for v in finite() {
        let t = (v / 2.0 - lo / 2.0) / half_span;
        let i = ((t * bins as f64) as usize).min(bins - 1);
        counts[i] += 1;
    }
    Histogram {
        edges,
        counts,
        non_finite,
    }
}

/// Each layer's gradient norm: the Frobenius norm of dL/dW and dL/db together,
/// `sqrt(sum dW^2 + sum db^2)`.
pub fn gradient_norms(g: &Gradients) -> Vec<f64> {
    g.layers
        .iter()
        .map(|l| (l.weights.norm_squared() + l.bias.norm_squared()).sqrt())
        .collect()
}

/// For each layer: the fraction of its units that are dead on the data set `x`
/// (`inputs x N`), i.e. whose `z <= 0` for every sample, so their ReLU outputs 0 and passes no
/// gradient. `None` for layers that are not ReLU (leaky ReLU included) and for every layer when
/// `x` has no samples.
pub fn dead_relu_fractions(net: &Network, x: &Matrix) -> Vec<Option<f64>> {
    if x.ncols() == 0 || x.nrows() != net.inputs() {
        return vec![None; net.len()];
    }
    dead_relu_fractions_in(net, &forward(net, x))
}

/// [`dead_relu_fractions`] from a forward trace already computed on the data set.
pub fn dead_relu_fractions_in(net: &Network, trace: &ForwardTrace) -> Vec<Option<f64>> {
    net.layers()
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            let lt = trace.layers.get(i)?;
            if layer.activation != Activation::Relu || lt.z.ncols() == 0 {
                return None;
            }
            let dead = lt.z.row_iter().filter(|r| r.iter().all(|&z| z <= 0.0)).count();
            Some(dead as f64 / lt.z.nrows().max(1) as f64)
        })
        .collect()
}
