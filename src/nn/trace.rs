//! Forward and backward passes, written into reusable buffers.
//!
//! Shapes: `x` is `inputs x B`; each layer's `z`, `a`, `da` (dL/da) and `delta` (dL/dz) are
//! `units x B`, one column per sample. `grad weights` is `units x in` like the weights,
//! `grad bias` is `units`. Gradients are sums over the batch: any averaging is already in
//! `delta` through the loss's reduction. The backward pass returns [`Gradients`] and changes
//! nothing in the network (an optimizer applies them in a separate step).

use super::fastmath::all_finite;
use super::linalg::{Op, add_bias_slice, ensure_shape, gemm, gemm_slices, sum_columns_into};
use super::{Loss, Matrix, Network, Vector};

/// One layer's forward values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerTrace {
    /// Pre-activation, `units x B`.
    pub z: Matrix,
    /// Activation, `units x B`.
    pub a: Matrix,
}

/// Every `z` and `a` of a forward pass, with the input it started from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForwardTrace {
    /// The input batch, `inputs x B` (`a0`).
    pub x: Matrix,
    pub layers: Vec<LayerTrace>,
}

impl ForwardTrace {
    /// The activation that feeds layer `index` (0-based): `x` for the first layer.
    pub fn input_of(&self, index: usize) -> &Matrix {
        if index == 0 { &self.x } else { &self.layers[index - 1].a }
    }

    /// The network's output, `outputs x B`.
    pub fn output(&self) -> &Matrix {
        self.layers.last().map_or(&self.x, |l| &l.a)
    }

    /// The batch size.
    pub fn batch(&self) -> usize {
        self.x.ncols()
    }
}

/// One layer's gradients.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerGrads {
    /// dL/da, `units x B`.
    pub da: Matrix,
    /// delta = dL/dz, `units x B`.
    pub delta: Matrix,
    /// dL/dW = delta a_prev^T summed over the batch, `units x in`.
    pub weights: Matrix,
    /// dL/db = delta summed over the batch, `units`.
    pub bias: Vector,
}

/// The result of a backward pass: the loss and every gradient, shaped like the network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gradients {
    pub loss: f64,
    pub layers: Vec<LayerGrads>,
    /// dL/dx, `inputs x B`.
    pub input: Matrix,
}

impl Gradients {
    /// The global L2 norm of every weight and bias gradient.
    pub fn global_norm(&self) -> f64 {
        self.layers
            .iter()
            .map(|l| l.weights.norm_squared() + l.bias.norm_squared())
            .sum::<f64>()
            .sqrt()
    }

    /// Multiplies every parameter gradient by `s`.
    pub fn scale(&mut self, s: f64) {
        for l in &mut self.layers {
            l.weights *= s;
            l.bias *= s;
        }
    }

    /// Whether every parameter gradient is finite.
    pub fn is_finite(&self) -> bool {
        self.loss.is_finite()
            && self
                .layers
                .iter()
                .all(|l| all_finite(l.weights.as_slice()) && all_finite(l.bias.as_slice()))
    }
}

/// Runs the forward pass on `x` (`inputs x B`) and returns the trace.
pub fn forward(net: &Network, x: &Matrix) -> ForwardTrace {
    let mut t = ForwardTrace::default();
    forward_into(net, x, &mut t);
    t
}

/// Runs the forward pass into `trace`, reusing its buffers (no allocation once shaped).
pub fn forward_into(net: &Network, x: &Matrix, trace: &mut ForwardTrace) {
    ensure_shape(&mut trace.x, x.nrows(), x.ncols());
    trace.x.copy_from(x);
    forward_in_place(net, trace, None);
}

/// Columns per block in [`forward_in_place`]: a large batch goes through every layer one block
/// of samples at a time, so a block's activations are still in the core's cache when the next
/// layer reads them (a 40,000-sample grid would otherwise stream every layer through memory).
const BLOCK: usize = 256;

/// Runs the forward pass from `trace.x`. `masks`, if given, holds one inverted-dropout mask per
/// hidden layer (already scaled by `1 / (1 - p)`), multiplied into its activation.
pub fn forward_in_place(net: &Network, trace: &mut ForwardTrace, masks: Option<&[Matrix]>) {
    let b = trace.x.ncols();
    trace.layers.resize_with(net.len(), LayerTrace::default);
    for (layer, lt) in net.layers().iter().zip(&mut trace.layers) {
        ensure_shape(&mut lt.z, layer.units(), b);
        ensure_shape(&mut lt.a, layer.units(), b);
    }
    // Blocks only pay off when there are several; a batch up to twice the block is one block.
    let block = if b > 2 * BLOCK { BLOCK } else { b.max(1) };
    for c0 in (0..b).step_by(block) {
        let c1 = (c0 + block).min(b);
        for (i, layer) in net.layers().iter().enumerate() {
            let (before, rest) = trace.layers.split_at_mut(i);
            let input = if i == 0 { &trace.x } else { &before[i - 1].a };
            let in_rows = input.nrows();
            let input = &input.as_slice()[c0 * in_rows..c1 * in_rows];
            let lt = &mut rest[0];
            let u = layer.units();
            let (lo, hi) = (c0 * u, c1 * u);
            let z = &mut lt.z.as_mut_slice()[lo..hi];
            let (w, cols) = (&layer.weights, c1 - c0);
            gemm_slices(
                1.0,
                w.as_slice(),
                w.shape(),
                Op::N,
                input,
                (in_rows, cols),
                Op::N,
                0.0,
                z,
                (u, cols),
            );
            add_bias_slice(z, u, layer.bias.as_slice());
            let a_len = lt.a.len();
            let a = &mut lt.a.as_mut_slice()[lo..hi];
            layer.activation.forward_slice(z, u, a);
            if let Some(m) = masks.and_then(|m| m.get(i)).filter(|m| m.len() == a_len) {
                for (av, mv) in a.iter_mut().zip(&m.as_slice()[lo..hi]) {
                    *av *= mv;
                }
            }
        }
    }
}

/// Runs the backward pass and returns the gradients (the network is not changed).
pub fn backward(net: &Network, fwd: &ForwardTrace, y: &Matrix, loss: &Loss) -> Gradients {
    let mut g = Gradients::default();
    backward_into(net, fwd, y, loss, &mut g, true, None);
    g
}

/// Runs the backward pass into `grads`, reusing its buffers. `input_grad` asks for dL/dx too
/// (training does not need it). `masks` are the dropout masks the forward pass used.
pub fn backward_into(
    net: &Network,
    fwd: &ForwardTrace,
    y: &Matrix,
    loss: &Loss,
    grads: &mut Gradients,
    input_grad: bool,
    masks: Option<&[Matrix]>,
) {
    let n = net.len();
    let b = fwd.batch();
    grads.layers.resize_with(n, LayerGrads::default);
    let out = &fwd.layers[n - 1];
    grads.loss = loss.value(&out.z, &out.a, y);
    for i in (0..n).rev() {
        let layer = &net.layers()[i];
        let lt = &fwd.layers[i];
        let (lower, upper) = grads.layers.split_at_mut(i + 1);
        let g = &mut lower[i];
        ensure_shape(&mut g.da, layer.units(), b);
        ensure_shape(&mut g.delta, layer.units(), b);
        if i == n - 1 {
            loss.grad_a(&lt.a, y, &mut g.da);
            loss.output_delta(layer.activation, &lt.z, &lt.a, y, &g.da, &mut g.delta);
        } else {
            let next = &upper[0];
            gemm(
                1.0,
                &net.layers()[i + 1].weights,
                Op::T,
                &next.delta,
                Op::N,
                0.0,
                &mut g.da,
            );
            match masks.and_then(|m| m.get(i)).filter(|m| m.len() == lt.a.len()) {
                Some(mask) => masked_delta(layer.activation, lt, &g.da, mask, &mut g.delta),
                None => layer.activation.backward(&lt.z, &lt.a, &g.da, &mut g.delta),
            }
        }
        let input = fwd.input_of(i);
        ensure_shape(&mut g.weights, layer.units(), layer.inputs());
        if g.bias.len() != layer.units() {
            g.bias = Vector::zeros(layer.units());
        }
        gemm(1.0, &g.delta, Op::N, input, Op::T, 0.0, &mut g.weights);
        sum_columns_into(&g.delta, &mut g.bias);
    }
    if input_grad {
        ensure_shape(&mut grads.input, net.inputs(), b);
        gemm(
            1.0,
            &net.layers()[0].weights,
            Op::T,
            &grads.layers[0].delta,
            Op::N,
            0.0,
            &mut grads.input,
        );
    }
}

/// delta through inverted dropout: `a = f(z) * mask`, so `delta = da * mask * f'(z)`, with
/// `f'` evaluated at the unmasked `f(z)`.
fn masked_delta(act: super::Activation, lt: &LayerTrace, da: &Matrix, mask: &Matrix, delta: &mut Matrix) {
    for (((d, &g), &m), &z) in delta.iter_mut().zip(da.iter()).zip(mask.iter()).zip(lt.z.iter()) {
        *d = if m == 0.0 {
            0.0
        } else {
            g * m * act.derivative(z, act.value(z))
        };
    }
}

/// The loss of `net` on `(x, y)` without keeping the trace.
pub fn loss_of(net: &Network, x: &Matrix, y: &Matrix, loss: &Loss) -> f64 {
    let t = forward(net, x);
    let out = &t.layers[net.len() - 1];
    loss.value(&out.z, &out.a, y)
}
