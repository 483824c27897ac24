//! Loss functions, each with its value and `dL/da` side by side, and their reductions.
//!
//! `a` and `y` are `K x B` (one column per sample). With `Reduction::Mean` every loss but
//! cross-entropy averages over all `B K` elements, as PyTorch; cross-entropy averages over the
//! batch only. `Reduction::Sum` does not average at all (the by-hand worksheet convention).
//! `sse_half` is `0.5 sum (a - y)^2`, summed by default.
//!
//! Every pair (value, `dL/da`, and the output delta through each output activation) is checked
//! against central finite differences once, in the integration tests' engine module.

use super::{Activation, Matrix, activation::log_sum_exp};
use serde::{Deserialize, Serialize};

/// How a loss combines its elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// PyTorch's default: the mean (over `B K`, or over `B` for cross-entropy).
    #[default]
    Mean,
    /// No averaging.
    Sum,
}

impl Reduction {
    pub fn name(self) -> &'static str {
        match self {
            Reduction::Mean => "mean",
            Reduction::Sum => "sum",
        }
    }
}

/// Which loss.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    Mse,
    Mae,
    Huber {
        delta: f64,
    },
    /// Binary cross-entropy on a sigmoid output.
    Bce,
    /// Cross-entropy on a softmax output, one-hot (or probability) target rows.
    CrossEntropy,
    /// The textbook `1/2 sum (a - y)^2`.
    SseHalf,
}

impl LossKind {
    /// The names used in files, in menu order.
    pub const NAMES: [&'static str; 6] = ["mse", "mae", "huber", "bce", "cross_entropy", "sse_half"];

    pub fn name(self) -> &'static str {
        match self {
            LossKind::Mse => "mse",
            LossKind::Mae => "mae",
            LossKind::Huber { .. } => "huber",
            LossKind::Bce => "bce",
            LossKind::CrossEntropy => "cross_entropy",
            LossKind::SseHalf => "sse_half",
        }
    }

    /// Parses a name; huber gets `delta = 1`.
    pub fn from_name(name: &str) -> Option<LossKind> {
        Some(match name {
            "mse" => LossKind::Mse,
            "mae" => LossKind::Mae,
            "huber" => LossKind::Huber { delta: 1.0 },
            "bce" => LossKind::Bce,
            "cross_entropy" => LossKind::CrossEntropy,
            "sse_half" => LossKind::SseHalf,
            _ => return None,
        })
    }

    /// The reduction a file gets when it names none.
    pub fn default_reduction(self) -> Reduction {
        match self {
            LossKind::SseHalf => Reduction::Sum,
            _ => Reduction::Mean,
        }
    }

    /// The output activation this loss requires, if any.
    pub fn required_output(self) -> Option<Activation> {
        match self {
            LossKind::Bce => Some(Activation::Sigmoid),
            LossKind::CrossEntropy => Some(Activation::Softmax),
            _ => None,
        }
    }
}

/// A loss and its reduction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loss {
    pub kind: LossKind,
    pub reduction: Reduction,
}

impl Loss {
    /// A loss with its kind's default reduction.
    pub fn new(kind: LossKind) -> Loss {
        Loss {
            kind,
            reduction: kind.default_reduction(),
        }
    }

    /// The number the summed elements are divided by, for a `K x B` output.
    pub fn divisor(&self, k: usize, b: usize) -> f64 {
        match (self.reduction, self.kind) {
            (Reduction::Sum, _) => 1.0,
            (Reduction::Mean, LossKind::CrossEntropy) => b as f64,
            (Reduction::Mean, _) => (b * k) as f64,
        }
    }

    /// The loss in symbols, for display.
    pub fn formula(&self) -> String {
        let n = match (self.reduction, self.kind) {
            (Reduction::Sum, _) => "",
            (Reduction::Mean, LossKind::CrossEntropy) => "(1/B) ",
            (Reduction::Mean, _) => "(1/BK) ",
        };
        match self.kind {
            LossKind::Mse => format!("L = {n}sum (a - y)^2"),
            LossKind::Mae => format!("L = {n}sum |a - y|"),
            LossKind::Huber { delta } => {
                format!("L = {n}sum h(a - y), h(d) = d^2/2 if |d| < {delta}, else {delta} (|d| - {delta}/2)")
            }
            LossKind::Bce => format!("L = -{n}sum [y ln a + (1 - y) ln(1 - a)]"),
            LossKind::CrossEntropy => format!("L = -{n}sum y ln softmax(z)"),
            LossKind::SseHalf => format!("L = 1/2 {n}sum (a - y)^2"),
        }
    }

    /// `dL/da` in symbols, for display.
    pub fn grad_formula(&self) -> String {
        let n = match (self.reduction, self.kind) {
            (Reduction::Sum, _) => "",
            (Reduction::Mean, LossKind::CrossEntropy) => " / B",
            (Reduction::Mean, _) => " / BK",
        };
        match self.kind {
            LossKind::Mse => format!("dL/da = 2 (a - y){n}"),
            LossKind::Mae => format!("dL/da = sign(a - y){n}"),
            LossKind::Huber { delta } => {
                format!("dL/da = (a - y if |a - y| <= {delta}, else {delta} sign(a - y)){n}")
            }
            LossKind::Bce => format!("dL/da = (a - y) / (a (1 - a)){n}"),
            LossKind::CrossEntropy => format!("dL/da = -y / a{n}"),
            LossKind::SseHalf => format!("dL/da = (a - y){n}"),
        }
    }

    /// One element's contribution before the division by [`Loss::divisor`].
    /// (Cross-entropy is not elementwise in `a`: see [`Loss::value`].)
    pub fn element(&self, a: f64, y: f64) -> f64 {
        let d = a - y;
        match self.kind {
            LossKind::Mse => d * d,
            LossKind::Mae => d.abs(),
            LossKind::Huber { delta } => {
                if d.abs() < delta {
                    0.5 * d * d
                } else {
                    delta * (d.abs() - 0.5 * delta)
                }
            }
            LossKind::Bce => -(y * a.ln().max(-100.0) + (1.0 - y) * (1.0 - a).ln().max(-100.0)),
            LossKind::CrossEntropy => -y * a.ln(),
            LossKind::SseHalf => 0.5 * d * d,
        }
    }

    /// One element of `dL/da`, before the division by [`Loss::divisor`].
    pub fn element_grad(&self, a: f64, y: f64) -> f64 {
        let d = a - y;
        match self.kind {
            LossKind::Mse => 2.0 * d,
            LossKind::Mae => {
                if d > 0.0 {
                    1.0
                } else if d < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            LossKind::Huber { delta } => {
                if d.abs() <= delta {
                    d
                } else {
                    delta * d.signum()
                }
            }
            // PyTorch clamps the denominator at 1e-12.
            LossKind::Bce => d / (a * (1.0 - a)).max(1e-12),
            LossKind::CrossEntropy => {
                if y == 0.0 {
                    0.0
                } else {
                    -y / a
                }
            }
            LossKind::SseHalf => d,
        }
    }

    /// The loss of an output layer: `z` and `a` are its pre-activation and activation, `y` the
    /// targets, all `K x B`.
    pub fn value(&self, z: &Matrix, a: &Matrix, y: &Matrix) -> f64 {
        let (k, b) = a.shape();
        let n = self.divisor(k, b);
        if self.kind == LossKind::CrossEntropy {
            // NLL of log_softmax(z), as PyTorch computes it: exact even where softmax underflows.
            // (log_softmax(z)_k = z_k - lse, computed in place: nothing is allocated.)
            let mut total = 0.0;
            for (zc, yc) in z
                .as_slice()
                .chunks_exact(k.max(1))
                .zip(y.as_slice().chunks_exact(k.max(1)))
            {
                let lse = log_sum_exp(zc);
                total -= yc.iter().zip(zc).map(|(yv, zv)| yv * (zv - lse)).sum::<f64>();
            }
            return total / n;
        }
        let s: f64 = a
            .as_slice()
            .iter()
            .zip(y.as_slice())
            .map(|(&av, &yv)| self.element(av, yv))
            .sum();
        s / n
    }

    /// `dL/da` into `out` (`K x B`).
    pub fn grad_a(&self, a: &Matrix, y: &Matrix, out: &mut Matrix) {
        let (k, b) = a.shape();
        let inv = 1.0 / self.divisor(k, b);
        for ((o, &av), &yv) in out.as_mut_slice().iter_mut().zip(a.as_slice()).zip(y.as_slice()) {
            *o = self.element_grad(av, yv) * inv;
        }
    }

    /// `delta = dL/dz` of the output layer. Softmax with cross-entropy is fused, as PyTorch's
    /// `log_softmax` + NLL: `delta = (a sum(y) - y) / B`, which is `(a - y) / B` for one-hot `y`.
    /// Every other pair is `dL/da * f'(z)`.
    pub fn output_delta(&self, act: Activation, z: &Matrix, a: &Matrix, y: &Matrix, da: &Matrix, delta: &mut Matrix) {
        if self.kind == LossKind::CrossEntropy && act == Activation::Softmax {
            let (k, b) = a.shape();
            let inv = 1.0 / self.divisor(k, b);
            let rows = k.max(1);
            for ((dc, ac), yc) in delta
                .as_mut_slice()
                .chunks_exact_mut(rows)
                .zip(a.as_slice().chunks_exact(rows))
                .zip(y.as_slice().chunks_exact(rows))
            {
                let sy: f64 = yc.iter().sum();
                for ((d, &av), &yv) in dc.iter_mut().zip(ac).zip(yc) {
                    *d = (av * sy - yv) * inv;
                }
            }
        } else {
            act.backward(z, a, da, delta);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: a = (3, -2), y = (1, 0): sse_half = 0.5 (4 + 4) = 4, mse mean = 8 / 2 = 4,
    /// mse sum = 8, mae mean = (2 + 2) / 2 = 2.
    #[test]
    fn reductions_by_hand() {
        let a = Matrix::from_column_slice(2, 1, &[3.0, -2.0]);
        let y = Matrix::from_column_slice(2, 1, &[1.0, 0.0]);
        assert_eq!(Loss::new(LossKind::SseHalf).value(&a, &a, &y), 4.0);
        assert_eq!(Loss::new(LossKind::Mse).value(&a, &a, &y), 4.0);
        assert_eq!(
            Loss {
                kind: LossKind::Mse,
                reduction: Reduction::Sum
            }
            .value(&a, &a, &y),
            8.0
        );
        assert_eq!(Loss::new(LossKind::Mae).value(&a, &a, &y), 2.0);
    }
}
