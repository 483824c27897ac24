//! Activation functions, each with its value and its derivative side by side.
//!
//! Derivatives are the ones PyTorch's autograd uses: `relu'(0) = 0`, `leaky_relu'(0) = 0.01`,
//! `elu'(0) = 1`; sigmoid and tanh derivatives are computed from the output (`a (1 - a)`,
//! `1 - a^2`), so a saturated output has exactly zero slope, as in PyTorch.

use super::{Matrix, fastmath};
use serde::{Deserialize, Serialize};

/// The slope of `leaky_relu` for negative inputs (PyTorch's default).
pub const LEAKY_SLOPE: f64 = 0.01;
/// PyTorch's softplus returns `z` itself above this threshold.
pub const SOFTPLUS_THRESHOLD: f64 = 20.0;

/// An activation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Identity,
    Relu,
    LeakyRelu,
    Sigmoid,
    Tanh,
    /// Row-wise softmax over a sample's units; output layer only, with cross-entropy.
    Softmax,
    /// Exact erf form, `0.5 z (1 + erf(z / sqrt 2))`.
    Gelu,
    /// `alpha = 1`.
    Elu,
    /// `beta = 1`, threshold 20 as PyTorch.
    Softplus,
}

impl Activation {
    /// Every activation, in the order menus list them.
    pub const ALL: [Activation; 9] = [
        Activation::Identity,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softmax,
        Activation::Gelu,
        Activation::Elu,
        Activation::Softplus,
    ];

    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Softmax => "softmax",
            Activation::Gelu => "gelu",
            Activation::Elu => "elu",
            Activation::Softplus => "softplus",
        }
    }

    /// Parses a name as written in files (`relu`, `leaky_relu`, ...).
    pub fn from_name(name: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The valid names, comma separated, for error messages.
    pub fn valid_names() -> String {
        Activation::ALL.map(Activation::name).join(", ")
    }

    /// The function and its derivative in symbols, for display.
    pub fn formula(self) -> (&'static str, &'static str) {
        match self {
            Activation::Identity => ("f(z) = z", "f'(z) = 1"),
            Activation::Relu => ("f(z) = max(z, 0)", "f'(z) = 1 if z > 0, else 0"),
            Activation::LeakyRelu => ("f(z) = z if z > 0, else 0.01 z", "f'(z) = 1 if z > 0, else 0.01"),
            Activation::Sigmoid => ("f(z) = 1 / (1 + e^-z)", "f'(z) = a (1 - a)"),
            Activation::Tanh => ("f(z) = tanh z", "f'(z) = 1 - a^2"),
            Activation::Softmax => ("f(z)_k = e^z_k / sum_j e^z_j", "with cross-entropy: delta = a - y"),
            Activation::Gelu => (
                "f(z) = z Phi(z) = 0.5 z (1 + erf(z / sqrt 2))",
                "f'(z) = Phi(z) + z phi(z)",
            ),
            Activation::Elu => ("f(z) = z if z > 0, else e^z - 1", "f'(z) = 1 if z > 0, else e^z"),
            Activation::Softplus => ("f(z) = ln(1 + e^z)", "f'(z) = sigmoid(z)"),
        }
    }

    /// Whether the function acts on each element alone (all but softmax).
    pub fn is_elementwise(self) -> bool {
        self != Activation::Softmax
    }

    /// `f(z)` for one element. Softmax is not elementwise: use [`Activation::forward`].
    pub fn value(self, z: f64) -> f64 {
        match self {
            Activation::Identity | Activation::Softmax => z,
            Activation::Relu => {
                if z > 0.0 {
                    z
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Activation::Sigmoid => fastmath::sigmoid(z),
            Activation::Tanh => fastmath::tanh(z),
            Activation::Gelu => 0.5 * z * (1.0 + libm::erf(z * std::f64::consts::FRAC_1_SQRT_2)),
            Activation::Elu => {
                if z > 0.0 {
                    z
                } else {
                    z.exp_m1()
                }
            }
            Activation::Softplus => softplus(z),
        }
    }

    /// `f'(z)` for one element, given `z` and `a = f(z)`. For softmax this is the diagonal of
    /// its Jacobian, `a (1 - a)`; the backward pass uses the full Jacobian.
    pub fn derivative(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Identity => 1.0,
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Sigmoid | Activation::Softmax => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Gelu => {
                let cdf = 0.5 * (1.0 + libm::erf(z * std::f64::consts::FRAC_1_SQRT_2));
                let pdf =
                    (-0.5 * z * z).exp() * (0.5 * std::f64::consts::FRAC_2_SQRT_PI) * std::f64::consts::FRAC_1_SQRT_2;
                cdf + z * pdf
            }
            Activation::Elu => {
                if z > 0.0 {
                    1.0
                } else {
                    z.exp()
                }
            }
            Activation::Softplus => {
                if z > SOFTPLUS_THRESHOLD {
                    1.0
                } else {
                    fastmath::sigmoid(z)
                }
            }
        }
    }

    /// `a = f(z)` for a whole layer (`units x B`, one column per sample).
    pub fn forward(self, z: &Matrix, a: &mut Matrix) {
        self.forward_slice(z.as_slice(), z.nrows(), a.as_mut_slice());
    }

    /// `a = f(z)` on column-major slices with `rows` units per column (a block of a batch).
    pub fn forward_slice(self, zs: &[f64], rows: usize, out: &mut [f64]) {
        match self {
            Activation::Identity => out.copy_from_slice(zs),
            Activation::Relu => {
                for (o, &v) in out.iter_mut().zip(zs) {
                    *o = if v > 0.0 { v } else { 0.0 };
                }
            }
            Activation::Tanh => fastmath::tanh_slice(zs, out),
            Activation::Sigmoid => fastmath::sigmoid_slice(zs, out),
            Activation::Softmax => softmax_slice(zs, rows, out),
            other => {
                for (o, &v) in out.iter_mut().zip(zs) {
                    *o = other.value(v);
                }
            }
        }
    }

    /// `delta = dL/da * f'(z)` for a whole layer, for elementwise activations.
    /// For softmax it applies the Jacobian: `delta = a * (da - sum_k da_k a_k)` per sample.
    pub fn backward(self, z: &Matrix, a: &Matrix, da: &Matrix, delta: &mut Matrix) {
        let (zs, as_, das) = (z.as_slice(), a.as_slice(), da.as_slice());
        let out = delta.as_mut_slice();
        match self {
            Activation::Identity => out.copy_from_slice(das),
            Activation::Relu => {
                for ((o, &g), &v) in out.iter_mut().zip(das).zip(zs) {
                    *o = if v > 0.0 { g } else { 0.0 };
                }
            }
            Activation::Tanh => {
                for ((o, &g), &av) in out.iter_mut().zip(das).zip(as_) {
                    *o = g * (1.0 - av * av);
                }
            }
            Activation::Sigmoid => {
                for ((o, &g), &av) in out.iter_mut().zip(das).zip(as_) {
                    *o = g * (av * (1.0 - av));
                }
            }
            Activation::Softmax => {
                let rows = z.nrows().max(1);
                for ((oc, ac), gc) in out
                    .chunks_exact_mut(rows)
                    .zip(as_.chunks_exact(rows))
                    .zip(das.chunks_exact(rows))
                {
                    let dot: f64 = ac.iter().zip(gc).map(|(x, y)| x * y).sum();
                    for ((o, &av), &g) in oc.iter_mut().zip(ac).zip(gc) {
                        *o = av * (g - dot);
                    }
                }
            }
            other => {
                for (((o, &g), &v), &av) in out.iter_mut().zip(das).zip(zs).zip(as_) {
                    *o = g * other.derivative(v, av);
                }
            }
        }
    }
}

/// Numerically stable softplus, with PyTorch's threshold.
fn softplus(z: f64) -> f64 {
    if z > SOFTPLUS_THRESHOLD {
        z
    } else {
        z.max(0.0) + (-z.abs()).exp().ln_1p()
    }
}

/// Softmax of each column (sample), shifted by the column's maximum so nothing overflows.
pub fn softmax_columns(z: &Matrix, a: &mut Matrix) {
    softmax_slice(z.as_slice(), z.nrows(), a.as_mut_slice());
}

/// [`softmax_columns`] on column-major slices with `rows` entries per column.
pub fn softmax_slice(z: &[f64], rows: usize, a: &mut [f64]) {
    let rows = rows.max(1);
    for (zc, ac) in z.chunks_exact(rows).zip(a.chunks_exact_mut(rows)) {
        let m = zc.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut s = 0.0;
        for (o, &v) in ac.iter_mut().zip(zc) {
            *o = (v - m).exp();
            s += *o;
        }
        for o in ac.iter_mut() {
            *o /= s;
        }
    }
}

/// `ln sum_k e^z_k` of one column, shifted by its maximum so nothing overflows.
pub fn log_sum_exp(zc: &[f64]) -> f64 {
    let m = zc.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + zc.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// `log softmax` of one column, stable.
pub fn log_softmax(zc: &[f64], out: &mut [f64]) {
    let lse = log_sum_exp(zc);
    for (o, v) in out.iter_mut().zip(zc) {
        *o = v - lse;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every elementwise derivative agrees with a central finite difference away from kinks.
    #[test]
    fn derivatives_match_finite_differences() {
        let h = 1e-6;
        for act in Activation::ALL.into_iter().filter(|a| a.is_elementwise()) {
            for &z in &[-3.1, -0.7, -0.01, 0.013, 0.4, 1.9, 5.5] {
                let fd = (act.value(z + h) - act.value(z - h)) / (2.0 * h);
                let d = act.derivative(z, act.value(z));
                assert!((fd - d).abs() < 1e-7, "{act:?} at {z}: fd {fd} vs {d}");
            }
        }
    }

    /// The conventions at the kink z = 0 are PyTorch's.
    #[test]
    fn derivatives_at_zero_follow_pytorch() {
        assert_eq!(Activation::Relu.derivative(0.0, 0.0), 0.0);
        assert_eq!(Activation::LeakyRelu.derivative(0.0, 0.0), 0.01);
        assert_eq!(Activation::Elu.derivative(0.0, 0.0), 1.0);
        // gelu'(0) = Phi(0) + 0 = 0.5
        assert_eq!(Activation::Gelu.derivative(0.0, 0.0), 0.5);
    }

    /// No overflow for |z| up to 1e4.
    #[test]
    fn stable_at_extremes() {
        for &z in &[-1e4, -800.0, 800.0, 1e4] {
            for act in Activation::ALL {
                let v = act.value(z);
                assert!(v.is_finite(), "{act:?}({z}) = {v}");
            }
        }
        assert_eq!(Activation::Sigmoid.value(-1e4), 0.0);
        assert_eq!(Activation::Sigmoid.value(1e4), 1.0);
        assert_eq!(Activation::Softplus.value(1e4), 1e4);
        let z = Matrix::from_column_slice(3, 1, &[1e4, -1e4, 0.0]);
        let mut a = Matrix::zeros(3, 1);
        softmax_columns(&z, &mut a);
        assert_eq!(a.as_slice(), &[1.0, 0.0, 0.0]);
    }

    /// Softmax's Jacobian-vector product agrees with finite differences of sum(g * softmax(z)).
    #[test]
    fn softmax_backward_matches_finite_differences() {
        let z = Matrix::from_column_slice(3, 1, &[0.3, -1.2, 2.0]);
        let g = Matrix::from_column_slice(3, 1, &[0.5, -2.0, 1.5]);
        let mut a = Matrix::zeros(3, 1);
        softmax_columns(&z, &mut a);
        let mut delta = Matrix::zeros(3, 1);
        Activation::Softmax.backward(&z, &a, &g, &mut delta);
        let h = 1e-6;
        for k in 0..3 {
            let f = |s: f64| {
                let mut zz = z.clone();
                zz[k] += s;
                let mut aa = Matrix::zeros(3, 1);
                softmax_columns(&zz, &mut aa);
                aa.dot(&g)
            };
            let fd = (f(h) - f(-h)) / (2.0 * h);
            assert!((fd - delta[k]).abs() < 1e-8);
        }
    }
}
