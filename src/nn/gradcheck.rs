//! Gradient check: central finite differences of the loss against backprop, per parameter.

use super::trace::{backward, forward, loss_of};
use super::{Gradients, Loss, Matrix, Network};

/// One parameter's comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamCheck {
    /// `W2[1,3]` or `b2[4]` (1-based, as shown to people).
    pub name: String,
    pub backprop: f64,
    pub numeric: f64,
    /// `|bp - fd| / max(|bp|, |fd|, 1e-8)`.
    pub rel_error: f64,
}

/// The whole check.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheck {
    pub params: Vec<ParamCheck>,
    pub worst: Option<usize>,
}

impl GradCheck {
    pub fn worst(&self) -> Option<&ParamCheck> {
        self.worst.map(|i| &self.params[i])
    }
}

/// Checks every weight and bias with step `h` (1e-6 is a good default).
pub fn gradcheck(net: &Network, x: &Matrix, y: &Matrix, loss: &Loss, h: f64) -> GradCheck {
    let grads = backward(net, &forward(net, x), y, loss);
    check_gradients(net, x, y, loss, &grads, h)
}

/// Checks given gradients (backprop's, or anyone's, such as a student's worked answer) against
/// central finite differences of the loss with step `h`. A gradient missing from `grads` (a
/// shape that does not match the network) counts as NaN, the worst possible error.
pub fn check_gradients(net: &Network, x: &Matrix, y: &Matrix, loss: &Loss, grads: &Gradients, h: f64) -> GradCheck {
    let mut params = Vec::new();
    let mut work = net.clone();
    for (l, layer) in net.layers().iter().enumerate() {
        for i in 0..layer.units() {
            for j in 0..layer.inputs() {
                let orig = layer.weights[(i, j)];
                let f = |w: &mut Network, v: f64| {
                    w.weights_mut(l)[(i, j)] = v;
                    loss_of(w, x, y, loss)
                };
                let numeric = (f(&mut work, orig + h) - f(&mut work, orig - h)) / (2.0 * h);
                work.weights_mut(l)[(i, j)] = orig;
                params.push(check(
                    format!("W{}[{},{}]", l + 1, i + 1, j + 1),
                    grads
                        .layers
                        .get(l)
                        .and_then(|g| g.weights.get((i, j)))
                        .copied()
                        .unwrap_or(f64::NAN),
                    numeric,
                ));
            }
            let orig = layer.bias[i];
            let f = |w: &mut Network, v: f64| {
                w.bias_mut(l)[i] = v;
                loss_of(w, x, y, loss)
            };
            let numeric = (f(&mut work, orig + h) - f(&mut work, orig - h)) / (2.0 * h);
            work.bias_mut(l)[i] = orig;
            params.push(check(
                format!("b{}[{}]", l + 1, i + 1),
                grads
                    .layers
                    .get(l)
                    .and_then(|g| g.bias.get(i))
                    .copied()
                    .unwrap_or(f64::NAN),
                numeric,
            ));
        }
    }
    let worst = (0..params.len()).max_by(|&a, &b| params[a].rel_error.total_cmp(&params[b].rel_error));
    GradCheck { params, worst }
}

fn check(name: String, backprop: f64, numeric: f64) -> ParamCheck {
    let rel_error = (backprop - numeric).abs() / backprop.abs().max(numeric.abs()).max(1e-8);
    ParamCheck {
        name,
        backprop,
        numeric,
        rel_error,
    }
}
