//! The engine's maths: the seven-layer network worked by hand, every activation and loss against
//! finite differences, backprop against finite differences on random networks (proptest), the
//! chain-rule steps, and gradients as a value.
//!
//! Conventions (see `src/nn/mod.rs`): samples are columns in the engine, weights are `units x in`,
//! layers are 1-based for people (`z1` is `fwd.layers[0].z`).

use mlp_notebook::nn::doc::{NetworkDoc, Syntax, parse};
use mlp_notebook::nn::gradcheck::gradcheck;
use mlp_notebook::nn::numfmt::NumberFormat;
use mlp_notebook::nn::steps::{ChainStep, Quantity, StepKind, UpdateInfo, chain_steps};
use mlp_notebook::nn::trace::{backward, backward_into, forward, forward_into, loss_of};
use mlp_notebook::nn::{
    Activation, Gradients, Layer, Loss, LossKind, Matrix, Network, Optimizer, OptimizerConfig, Reduction, Vector,
};
use proptest::prelude::*;

fn fixture(name: &str) -> NetworkDoc {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&text, Syntax::Json).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn seven() -> NetworkDoc {
    fixture("by_hand_seven_layer_sse_half.json")
}

/// A `units x in` matrix written row by row, as on paper.
fn rows(r: usize, c: usize, v: &[f64]) -> Matrix {
    Matrix::from_row_slice(r, c, v)
}

// ---------------------------------------------------------------------------------------------
// The seven-layer network, by hand.
//
// x = (0, -1, 0), y = (5, 2); every bias is 0; layers 1-6 ReLU, layer 7 identity; sse_half.
//
// Forward, z = W a_prev (row j of W times a_prev):
//   W1 = [2 1 -2; 2 -2 1; 2 -2 -2; -1 -1 2], a0 = x = (0, -1, 0)
//     z1 = (2·0 + 1·(-1) + (-2)·0, 2·0 + (-2)(-1) + 1·0, 2·0 + (-2)(-1) + (-2)·0, (-1)·0 + (-1)(-1) + 2·0)
//        = (-1, 2, 2, 1)                                       a1 = relu = (0, 2, 2, 1)
//   W2 = [-1 2 2 1; 2 1 -2 1; -2 -2 1 -2; -2 1 0 0]
//     z2 = (0 + 4 + 4 + 1, 0 + 2 - 4 + 1, 0 - 4 + 2 - 2, 0 + 2 + 0 + 0) = (9, -1, -4, 2)
//                                                             a2 = (9, 0, 0, 2)
//   W3 = [-1 1 -2 2; 0 1 2 1; -2 2 -1 0; 1 -1 1 0]
//     z3 = (-9 + 0 + 0 + 4, 0 + 0 + 0 + 2, -18 + 0 + 0 + 0, 9 + 0 + 0 + 0) = (-5, 2, -18, 9)
//                                                             a3 = (0, 2, 0, 9)
//   W4 = [1 -1 -1 0; -1 -2 -1 1; 2 -2 -1 2; -1 2 0 -2]
//     z4 = (0 - 2 - 0 + 0, 0 - 4 - 0 + 9, 0 - 4 - 0 + 18, 0 + 4 + 0 - 18) = (-2, 5, 14, -14)
//                                                             a4 = (0, 5, 14, 0)
//   W5 = [0 2 -1 1; -2 1 -1 1; -2 2 0 -1; 2 1 1 0]
//     z5 = (0 + 10 - 14 + 0, 0 + 5 - 14 + 0, 0 + 10 + 0 - 0, 0 + 5 + 14 + 0) = (-4, -9, 10, 19)
//                                                             a5 = (0, 0, 10, 19)
//   W6 = [-2 -1 -1 2; -2 0 -2 1; -2 -2 1 -1; 2 -1 1 0]
//     z6 = (0 + 0 - 10 + 38, 0 + 0 - 20 + 19, 0 + 0 + 10 - 19, 0 + 0 + 10 + 0) = (28, -1, -9, 10)
//                                                             a6 = (28, 0, 0, 10)
//   W7 = [1 1 1 -2; 1 -2 2 1]
//     z7 = (28 + 0 + 0 - 20, 28 - 0 + 0 + 10) = (8, 38)        a7 = z7 = (8, 38)
//   L = 1/2 ((8 - 5)^2 + (38 - 2)^2) = 1/2 (9 + 1296) = 652.5
//
// Backward, dL/da7 = a7 - y; delta = dL/da ⊙ f'(z) (relu' = 1 where z > 0, else 0);
// dL/da_prev = W^T delta (column i of W times delta); dL/dW = delta a_prev^T; dL/db = delta:
//   dL/da7 = (3, 36)            δ7 = (3, 36)
//   dL/dW7 = [3·(28 0 0 10); 36·(28 0 0 10)] = [84 0 0 30; 1008 0 0 360]
//   dL/da6 = (1·3 + 1·36, 1·3 - 2·36, 1·3 + 2·36, -2·3 + 1·36) = (39, -69, 75, 30)
//   δ6 (z6 = 28, -1, -9, 10) = (39, 0, 0, 30)
//   dL/dW6 = [39·(0 0 10 19); 0; 0; 30·(0 0 10 19)] = [0 0 390 741; 0 0 0 0; 0 0 0 0; 0 0 300 570]
//   dL/da5 = (-2·39 + 2·30, -1·39 - 1·30, -1·39 + 1·30, 2·39 + 0·30) = (-18, -69, -9, 78)
//   δ5 (z5 = -4, -9, 10, 19) = (0, 0, -9, 78)
//   dL/dW5 = rows 3, 4: -9·(0 5 14 0) = (0 -45 -126 0), 78·(0 5 14 0) = (0 390 1092 0)
//   dL/da4 = (-2·(-9) + 2·78, 2·(-9) + 1·78, 0·(-9) + 1·78, -1·(-9) + 0·78) = (174, 60, 78, 9)
//   δ4 (z4 = -2, 5, 14, -14) = (0, 60, 78, 0)
//   dL/dW4 = rows 2, 3: 60·(0 2 0 9) = (0 120 0 540), 78·(0 2 0 9) = (0 156 0 702)
//   dL/da3 = (-1·60 + 2·78, -2·60 - 2·78, -1·60 - 1·78, 1·60 + 2·78) = (96, -276, -138, 216)
//   δ3 (z3 = -5, 2, -18, 9) = (0, -276, 0, 216)
//   dL/dW3 = rows 2, 4: -276·(9 0 0 2) = (-2484 0 0 -552), 216·(9 0 0 2) = (1944 0 0 432)
//   dL/da2 = (0·(-276) + 1·216, 1·(-276) - 1·216, 2·(-276) + 1·216, 1·(-276) + 0·216)
//          = (216, -492, -336, -276)
//   δ2 (z2 = 9, -1, -4, 2) = (216, 0, 0, -276)
//   dL/dW2 = rows 1, 4: 216·(0 2 2 1) = (0 432 432 216), -276·(0 2 2 1) = (0 -552 -552 -276)
//   dL/da1 = (-1·216 - 2·(-276), 2·216 + 1·(-276), 2·216 + 0, 1·216 + 0) = (336, 156, 432, 216)
//   δ1 (z1 = -1, 2, 2, 1) = (0, 156, 432, 216)
//   dL/dW1 = δ1 x^T, x = (0, -1, 0): [0 0 0; 0 -156 0; 0 -432 0; 0 -216 0]
//   dL/dx = (2·156 + 2·432 - 1·216, -2·156 - 2·432 - 1·216, 1·156 - 2·432 + 2·216)
//         = (960, -1392, -276)
// ---------------------------------------------------------------------------------------------

const Z: [&[f64]; 7] = [
    &[-1.0, 2.0, 2.0, 1.0],
    &[9.0, -1.0, -4.0, 2.0],
    &[-5.0, 2.0, -18.0, 9.0],
    &[-2.0, 5.0, 14.0, -14.0],
    &[-4.0, -9.0, 10.0, 19.0],
    &[28.0, -1.0, -9.0, 10.0],
    &[8.0, 38.0],
];
const A: [&[f64]; 7] = [
    &[0.0, 2.0, 2.0, 1.0],
    &[9.0, 0.0, 0.0, 2.0],
    &[0.0, 2.0, 0.0, 9.0],
    &[0.0, 5.0, 14.0, 0.0],
    &[0.0, 0.0, 10.0, 19.0],
    &[28.0, 0.0, 0.0, 10.0],
    &[8.0, 38.0],
];
const DA: [&[f64]; 7] = [
    &[336.0, 156.0, 432.0, 216.0],
    &[216.0, -492.0, -336.0, -276.0],
    &[96.0, -276.0, -138.0, 216.0],
    &[174.0, 60.0, 78.0, 9.0],
    &[-18.0, -69.0, -9.0, 78.0],
    &[39.0, -69.0, 75.0, 30.0],
    &[3.0, 36.0],
];
const DELTA: [&[f64]; 7] = [
    &[0.0, 156.0, 432.0, 216.0],
    &[216.0, 0.0, 0.0, -276.0],
    &[0.0, -276.0, 0.0, 216.0],
    &[0.0, 60.0, 78.0, 0.0],
    &[0.0, 0.0, -9.0, 78.0],
    &[39.0, 0.0, 0.0, 30.0],
    &[3.0, 36.0],
];
const DX: [f64; 3] = [960.0, -1392.0, -276.0];

/// The gradients of every layer from the derivation above (`units x in`, row by row).
fn by_hand_grad_weights() -> Vec<Matrix> {
    vec![
        rows(4, 3, &[0., 0., 0., 0., -156., 0., 0., -432., 0., 0., -216., 0.]),
        rows(
            4,
            4,
            &[
                0., 432., 432., 216., 0., 0., 0., 0., 0., 0., 0., 0., 0., -552., -552., -276.,
            ],
        ),
        rows(
            4,
            4,
            &[
                0., 0., 0., 0., -2484., 0., 0., -552., 0., 0., 0., 0., 1944., 0., 0., 432.,
            ],
        ),
        rows(
            4,
            4,
            &[0., 0., 0., 0., 0., 120., 0., 540., 0., 156., 0., 702., 0., 0., 0., 0.],
        ),
        rows(
            4,
            4,
            &[0., 0., 0., 0., 0., 0., 0., 0., 0., -45., -126., 0., 0., 390., 1092., 0.],
        ),
        rows(
            4,
            4,
            &[0., 0., 390., 741., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0., 300., 570.],
        ),
        rows(2, 4, &[84., 0., 0., 30., 1008., 0., 0., 360.]),
    ]
}

/// Asserts the by-hand backward pass exactly, every value multiplied by `scale`.
fn assert_by_hand_backward(g: &Gradients, scale: f64) {
    for l in 0..7 {
        let k = l + 1;
        let s = |v: &[f64]| v.iter().map(|x| x * scale).collect::<Vec<_>>();
        assert_eq!(g.layers[l].da.as_slice(), s(DA[l]).as_slice(), "dL/da{k}");
        assert_eq!(g.layers[l].delta.as_slice(), s(DELTA[l]).as_slice(), "δ{k}");
        assert_eq!(g.layers[l].bias.as_slice(), s(DELTA[l]).as_slice(), "dL/db{k}");
        assert_eq!(g.layers[l].weights, &by_hand_grad_weights()[l] * scale, "dL/dW{k}");
    }
    assert_eq!(g.input.as_slice(), s3(&DX, scale).as_slice(), "dL/dx");
}

fn s3(v: &[f64; 3], scale: f64) -> Vec<f64> {
    v.iter().map(|x| x * scale).collect()
}

#[test]
fn seven_layer_network_matches_the_hand_computation_exactly() {
    let doc = seven();
    assert_eq!(doc.net.widths(), vec![3, 4, 4, 4, 4, 4, 4, 2]);
    assert_eq!(doc.loss, Loss::new(LossKind::SseHalf));
    assert_eq!(doc.loss.reduction, Reduction::Sum);
    let fwd = forward(&doc.net, &doc.x);
    for l in 0..7 {
        assert_eq!(fwd.layers[l].z.as_slice(), Z[l], "z{}", l + 1);
        assert_eq!(fwd.layers[l].a.as_slice(), A[l], "a{}", l + 1);
    }
    let g = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    assert_eq!(g.loss, 652.5);
    assert_by_hand_backward(&g, 1.0);
    // The first layer and the last two, spelled out once more without the tables.
    assert_eq!(
        g.layers[6].weights,
        rows(2, 4, &[84., 0., 0., 30., 1008., 0., 0., 360.])
    );
    assert_eq!(g.layers[5].weights[(0, 3)], 741.0);
    assert_eq!(g.layers[5].weights[(3, 2)], 300.0);
    assert_eq!(g.layers[0].weights.column(1).as_slice(), &[0.0, -156.0, -432.0, -216.0]);
}

/// mse (mean over B K = 1·2 = 2): L = (9 + 1296) / 2 = 652.5 and dL/da7 = 2 (a - y) / 2 = (3, 36),
/// so every number equals sse_half's (the README's pair).
#[test]
fn seven_layer_network_with_mse_equals_sse_half() {
    let mut doc = seven();
    doc.loss = Loss::new(LossKind::Mse);
    assert_eq!(doc.loss.reduction, Reduction::Mean);
    let g = backward(&doc.net, &forward(&doc.net, &doc.x), &doc.y, &doc.loss);
    assert_eq!(g.loss, 652.5);
    assert_by_hand_backward(&g, 1.0);
}

/// mse with reduction sum: L = 9 + 1296 = 1305 and dL/da7 = 2 (a - y) = (6, 72): every delta and
/// gradient is twice the sse_half value (the forward pass is unchanged).
#[test]
fn seven_layer_network_with_mse_sum_is_twice_as_large() {
    let mut doc = seven();
    doc.loss = Loss {
        kind: LossKind::Mse,
        reduction: Reduction::Sum,
    };
    let fwd = forward(&doc.net, &doc.x);
    assert_eq!(fwd.layers[6].a.as_slice(), A[6]);
    let g = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    assert_eq!(g.loss, 1305.0);
    assert_eq!(g.layers[6].da.as_slice(), &[6.0, 72.0]);
    assert_by_hand_backward(&g, 2.0);
}

// ---------------------------------------------------------------------------------------------
// Activations: value and derivative side by side, against finite differences.
// ---------------------------------------------------------------------------------------------

const ELEMENTWISE: [Activation; 8] = [
    Activation::Identity,
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Gelu,
    Activation::Elu,
    Activation::Softplus,
];

/// Points away from every kink (the nearest is 0.013, far beyond the stencil's 1e-5).
const POINTS: [f64; 14] = [
    -25.0, -7.3, -3.1, -1.0, -0.7, -0.013, 0.013, 0.4, 1.0, 1.9, 5.5, 12.0, 19.5, 25.0,
];

/// Central difference `(f(z + h) - f(z - h)) / 2h`.
fn central(f: impl Fn(f64) -> f64, z: f64, h: f64) -> f64 {
    (f(z + h) - f(z - h)) / (2.0 * h)
}

#[test]
fn every_activation_derivative_matches_finite_differences() {
    for act in ELEMENTWISE {
        for z in POINTS {
            let h = 1e-5 * z.abs().max(1.0);
            let fd = central(|v| act.value(v), z, h);
            let d = act.derivative(z, act.value(z));
            assert!(
                (fd - d).abs() <= 1e-8 * d.abs().max(1.0),
                "{act:?} at {z}: finite difference {fd}, derivative {d}"
            );
        }
    }
}

/// The whole-layer forward and backward (the paths training uses) agree with the scalar pair,
/// for a layer of 14 units and 2 samples.
#[test]
fn layer_forward_and_backward_agree_with_value_and_derivative() {
    // Sample 1 holds the points, sample 2 the points times -1/2.
    let z = Matrix::from_fn(
        POINTS.len(),
        2,
        |i, j| if j == 0 { POINTS[i] } else { -0.5 * POINTS[i] },
    );
    let da = Matrix::from_fn(POINTS.len(), 2, |i, j| 0.5 + i as f64 - 3.0 * j as f64);
    for act in ELEMENTWISE {
        let mut a = Matrix::zeros(z.nrows(), 2);
        act.forward(&z, &mut a);
        let mut delta = Matrix::zeros(z.nrows(), 2);
        act.backward(&z, &a, &da, &mut delta);
        for i in 0..z.len() {
            let (zv, av) = (z[i], act.value(z[i]));
            assert!(
                (a[i] - av).abs() <= 1e-14 * av.abs().max(1.0),
                "{act:?}({zv}): {} vs {av}",
                a[i]
            );
            let want = da[i] * act.derivative(zv, av);
            assert!(
                (delta[i] - want).abs() <= 1e-13 * want.abs().max(1.0),
                "{act:?}'({zv}): {} vs {want}",
                delta[i]
            );
        }
    }
}

/// PyTorch's conventions at the kinks, exactly: relu'(0) = 0, leaky_relu'(0) = 0.01 (PyTorch uses
/// `z > 0 ? 1 : slope`), elu'(0) = 1 (from either side), in the scalar and the layer paths.
#[test]
fn kink_conventions_are_pytorchs() {
    assert_eq!(Activation::Relu.value(0.0), 0.0);
    assert_eq!(Activation::Relu.derivative(0.0, 0.0), 0.0);
    assert_eq!(Activation::LeakyRelu.value(-2.0), -0.02);
    assert_eq!(Activation::LeakyRelu.derivative(0.0, 0.0), 0.01);
    assert_eq!(Activation::LeakyRelu.derivative(-3.0, -0.03), 0.01);
    assert_eq!(Activation::Elu.value(0.0), 0.0);
    assert_eq!(Activation::Elu.derivative(0.0, 0.0), 1.0);
    // gelu'(0) = Phi(0) + 0 phi(0) = 1/2; softplus'(0) = sigmoid(0) = 1/2; sigmoid'(0) = 1/4.
    assert_eq!(Activation::Gelu.derivative(0.0, 0.0), 0.5);
    assert_eq!(
        Activation::Softplus.derivative(0.0, Activation::Softplus.value(0.0)),
        0.5
    );
    assert_eq!(Activation::Sigmoid.derivative(0.0, 0.5), 0.25);
    let z = Matrix::zeros(1, 1);
    let a = Matrix::zeros(1, 1);
    let da = Matrix::from_element(1, 1, 2.0);
    let mut delta = Matrix::zeros(1, 1);
    for (act, want) in [
        (Activation::Relu, 0.0),
        (Activation::LeakyRelu, 0.02),
        (Activation::Elu, 2.0),
        (Activation::Identity, 2.0),
    ] {
        act.backward(&z, &a, &da, &mut delta);
        assert_eq!(delta[0], want, "{act:?} at 0 (layer path)");
    }
    // Through a whole network: z1 = 1·0 + 0 = 0 exactly, relu'(0) = 0, so nothing reaches b1.
    let net = Network::new(
        1,
        vec![
            layer(Activation::Relu, rows(1, 1, &[1.0]), &[0.0]),
            layer(Activation::Identity, rows(1, 1, &[3.0]), &[0.0]),
        ],
    )
    .unwrap();
    let x = Matrix::zeros(1, 1);
    let y = Matrix::from_element(1, 1, 1.0);
    let g = backward(&net, &forward(&net, &x), &y, &Loss::new(LossKind::Mse));
    assert_eq!(g.layers[0].delta[0], 0.0);
    assert_eq!(g.layers[0].bias[0], 0.0);
}

/// No overflow or NaN for |z| up to 1e4 in sigmoid, softplus, softmax, and the losses on
/// saturated outputs.
#[test]
fn activations_and_losses_are_stable_for_large_inputs() {
    for z in [-1e4, -745.5, -100.0, -40.0, 40.0, 100.0, 710.0, 1e4] {
        for act in ELEMENTWISE {
            let v = act.value(z);
            let d = act.derivative(z, v);
            assert!(v.is_finite() && d.is_finite(), "{act:?} at {z}: {v}, {d}");
        }
    }
    assert_eq!(Activation::Sigmoid.value(1e4), 1.0);
    assert_eq!(Activation::Sigmoid.value(-1e4), 0.0);
    // softplus(z) = z above the threshold 20; ln(1 + e^-1e4) underflows to 0.
    assert_eq!(Activation::Softplus.value(1e4), 1e4);
    assert_eq!(Activation::Softplus.value(-1e4), 0.0);
    assert_eq!(Activation::Softplus.derivative(1e4, 1e4), 1.0);
    // softmax of (1e4, -1e4, 0) and of (1e4, 1e4): shifted by the max, no overflow.
    let z = Matrix::from_column_slice(3, 2, &[1e4, -1e4, 0.0, 1e4, 1e4, -1e4]);
    let mut a = Matrix::zeros(3, 2);
    Activation::Softmax.forward(&z, &mut a);
    assert_eq!(a.as_slice(), &[1.0, 0.0, 0.0, 0.5, 0.5, 0.0]);

    // bce on saturated sigmoid outputs: a = 0 with y = 1 costs -ln(0) clamped at 100 (PyTorch
    // clamps log at -100); a = 1 with y = 1 costs 0. Mean over 2 elements: (100 + 0) / 2 = 50.
    // delta = dL/da · a(1 - a) = 0 where the sigmoid is saturated: finite.
    let net = Network::new(
        1,
        vec![layer(Activation::Sigmoid, rows(2, 1, &[-1e4, 1e4]), &[0.0, 0.0])],
    )
    .unwrap();
    let x = Matrix::from_element(1, 1, 1.0);
    let y = Matrix::from_column_slice(2, 1, &[1.0, 1.0]);
    let g = backward(&net, &forward(&net, &x), &y, &Loss::new(LossKind::Bce));
    assert_eq!(g.loss, 50.0);
    assert!(g.is_finite(), "{g:?}");
    assert!(g.layers[0].da.iter().all(|v| v.is_finite()));

    // cross_entropy as NLL of log_softmax: z = (1e4, -1e4), target class 2:
    // log_softmax(z)_2 = -1e4 - (1e4 + ln(1 + e^-2e4)) = -2e4, so L = 2e4 exactly; delta = a - y = (1, -1).
    let net = Network::new(
        1,
        vec![layer(Activation::Softmax, rows(2, 1, &[1e4, -1e4]), &[0.0, 0.0])],
    )
    .unwrap();
    let y = Matrix::from_column_slice(2, 1, &[0.0, 1.0]);
    let g = backward(&net, &forward(&net, &x), &y, &Loss::new(LossKind::CrossEntropy));
    assert_eq!(g.loss, 2e4);
    assert_eq!(g.layers[0].delta.as_slice(), &[1.0, -1.0]);
    assert!(g.is_finite());
}

fn layer(act: Activation, weights: Matrix, bias: &[f64]) -> Layer {
    Layer {
        activation: act,
        weights,
        bias: Vector::from_column_slice(bias),
    }
}

// ---------------------------------------------------------------------------------------------
// Losses: value and dL/da side by side, by hand and against finite differences.
// ---------------------------------------------------------------------------------------------

fn loss(kind: LossKind, reduction: Reduction) -> Loss {
    Loss { kind, reduction }
}

/// a = (3, -2), y = (1, 0), so d = a - y = (2, -2), B = 1, K = 2:
/// - mse: (4 + 4) / 2 = 4, dL/da = 2 d / 2 = (2, -2); sum: 8 and (4, -4)
/// - mae: (2 + 2) / 2 = 2, dL/da = sign(d) / 2 = (0.5, -0.5)
/// - huber delta 1: |d| >= 1, so 1·(2 - 0.5) = 1.5 each, mean 1.5; dL/da = 1·sign(d) / 2 = (0.5, -0.5)
/// - huber delta 3: |d| < 3, so d^2/2 = 2 each, mean 2; dL/da = d / 2 = (1, -1)
/// - sse_half: (4 + 4) / 2 = 4, dL/da = d = (2, -2); with mean: 4 / 2 = 2 and (1, -1)
#[test]
fn regression_losses_by_hand() {
    let a = Matrix::from_column_slice(2, 1, &[3.0, -2.0]);
    let y = Matrix::from_column_slice(2, 1, &[1.0, 0.0]);
    let cases: [(Loss, f64, [f64; 2]); 8] = [
        (loss(LossKind::Mse, Reduction::Mean), 4.0, [2.0, -2.0]),
        (loss(LossKind::Mse, Reduction::Sum), 8.0, [4.0, -4.0]),
        (loss(LossKind::Mae, Reduction::Mean), 2.0, [0.5, -0.5]),
        (loss(LossKind::Mae, Reduction::Sum), 4.0, [1.0, -1.0]),
        (loss(LossKind::Huber { delta: 1.0 }, Reduction::Mean), 1.5, [0.5, -0.5]),
        (loss(LossKind::Huber { delta: 3.0 }, Reduction::Mean), 2.0, [1.0, -1.0]),
        (loss(LossKind::SseHalf, Reduction::Sum), 4.0, [2.0, -2.0]),
        (loss(LossKind::SseHalf, Reduction::Mean), 2.0, [1.0, -1.0]),
    ];
    for (l, value, grad) in cases {
        assert_eq!(l.value(&a, &a, &y), value, "{l:?}");
        let mut g = Matrix::zeros(2, 1);
        l.grad_a(&a, &y, &mut g);
        assert_eq!(g.as_slice(), &grad, "{l:?}");
    }
}

/// bce: a = 1/2, y = 1: L = -ln(1/2) = ln 2, dL/da = (1/2 - 1) / (1/2 · 1/2) = -2.
/// cross_entropy: z = (0, 0), y = (1, 0): softmax = (1/2, 1/2), L = -ln(1/2) = ln 2,
/// delta = softmax - y = (-1/2, 1/2); with two samples (mean over the batch) the same per sample
/// gives L = ln 2 and delta halved.
#[test]
fn probability_losses_by_hand() {
    let a = Matrix::from_element(1, 1, 0.5);
    let y = Matrix::from_element(1, 1, 1.0);
    let bce = Loss::new(LossKind::Bce);
    assert_eq!(bce.value(&a, &a, &y), std::f64::consts::LN_2);
    let mut g = Matrix::zeros(1, 1);
    bce.grad_a(&a, &y, &mut g);
    assert_eq!(g[0], -2.0);

    let ce = Loss::new(LossKind::CrossEntropy);
    let z = Matrix::zeros(2, 2);
    let a = Matrix::from_element(2, 2, 0.5);
    let y = Matrix::from_column_slice(2, 2, &[1.0, 0.0, 0.0, 1.0]);
    assert_eq!(ce.value(&z, &a, &y), std::f64::consts::LN_2);
    let mut da = Matrix::zeros(2, 2);
    ce.grad_a(&a, &y, &mut da);
    let mut delta = Matrix::zeros(2, 2);
    ce.output_delta(Activation::Softmax, &z, &a, &y, &da, &mut delta);
    assert_eq!(delta.as_slice(), &[-0.25, 0.25, 0.25, -0.25]);
    let sum = loss(LossKind::CrossEntropy, Reduction::Sum);
    assert_eq!(sum.value(&z, &a, &y), 2.0 * std::f64::consts::LN_2);
}

/// dL/da of every elementwise loss, both reductions, against a central difference of its value;
/// and delta = dL/dz of bce through a sigmoid and of cross-entropy through a softmax.
#[test]
fn every_loss_derivative_matches_finite_differences() {
    // K = 3 outputs, B = 2 samples; residuals stay clear of the huber kink |d| = 0.5 and of 0.
    let a = Matrix::from_column_slice(3, 2, &[0.3, 0.8, 0.15, 0.65, 0.45, 0.9]);
    let y = Matrix::from_column_slice(3, 2, &[0.0, 1.0, 1.0, 0.0, 0.5, 0.3]);
    let kinds = [
        LossKind::Mse,
        LossKind::Mae,
        LossKind::Huber { delta: 0.5 },
        LossKind::Bce,
        LossKind::SseHalf,
    ];
    let h = 1e-6;
    for kind in kinds {
        for reduction in [Reduction::Mean, Reduction::Sum] {
            let l = loss(kind, reduction);
            let mut g = Matrix::zeros(3, 2);
            l.grad_a(&a, &y, &mut g);
            for i in 0..a.len() {
                let at = |s: f64| {
                    let mut m = a.clone();
                    m[i] += s;
                    l.value(&m, &m, &y)
                };
                let fd = (at(h) - at(-h)) / (2.0 * h);
                assert!((fd - g[i]).abs() < 1e-8, "{l:?} [{i}]: fd {fd}, dL/da {}", g[i]);
            }
        }
    }
    // Through the output activation: delta against d/dz of the loss of f(z).
    let z = Matrix::from_column_slice(3, 2, &[0.2, -1.0, 1.5, 0.0, 0.7, -0.3]);
    let one_hot = Matrix::from_column_slice(3, 2, &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    let soft = Matrix::from_column_slice(3, 2, &[0.0, 1.0, 0.25, 1.0, 0.5, 0.0]);
    for (kind, act, y) in [
        (LossKind::Bce, Activation::Sigmoid, &soft),
        (LossKind::CrossEntropy, Activation::Softmax, &one_hot),
        (LossKind::Mse, Activation::Softmax, &soft),
        (LossKind::Mse, Activation::Tanh, &soft),
    ] {
        for reduction in [Reduction::Mean, Reduction::Sum] {
            let l = loss(kind, reduction);
            let value = |z: &Matrix| {
                let mut a = Matrix::zeros(3, 2);
                act.forward(z, &mut a);
                l.value(z, &a, y)
            };
            let mut a = Matrix::zeros(3, 2);
            act.forward(&z, &mut a);
            let mut da = Matrix::zeros(3, 2);
            l.grad_a(&a, y, &mut da);
            let mut delta = Matrix::zeros(3, 2);
            l.output_delta(act, &z, &a, y, &da, &mut delta);
            for i in 0..z.len() {
                let mut zp = z.clone();
                zp[i] += h;
                let mut zm = z.clone();
                zm[i] -= h;
                let fd = (value(&zp) - value(&zm)) / (2.0 * h);
                assert!(
                    (fd - delta[i]).abs() < 1e-8,
                    "{l:?} with {act:?} [{i}]: {fd} vs {}",
                    delta[i]
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Backprop against finite differences on random networks.
// ---------------------------------------------------------------------------------------------

/// A random network, data and loss, described in plain numbers so proptest can shrink it.
#[derive(Clone, Debug)]
struct Case {
    widths: Vec<usize>,
    hidden: Vec<Activation>,
    output: Activation,
    loss: Loss,
    params: Vec<f64>,
    x: Vec<f64>,
    y: Vec<f64>,
    batch: usize,
}

const SMOOTH: [Activation; 8] = [
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Gelu,
    Activation::Elu,
    Activation::Softplus,
    Activation::Identity,
    Activation::Relu,
    Activation::LeakyRelu,
];

/// 0 mse, 1 sse_half, 2 huber, 3 bce + sigmoid, 4 cross_entropy + softmax, 5 mae.
fn case_strategy() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(1usize..=5, 2..=5),
        1usize..=4,
        0usize..6,
        any::<bool>(),
        0.3f64..2.0,
    )
        .prop_flat_map(|(widths, batch, loss_no, sum, huber_delta)| {
            let layers = widths.len() - 1;
            let n_params: usize = widths.windows(2).map(|w| w[1] * (w[0] + 1)).sum();
            let (inputs, outputs) = (widths[0], widths[layers]);
            (
                Just(widths),
                Just(batch),
                Just(loss_no),
                Just(sum),
                Just(huber_delta),
                prop::collection::vec(prop::sample::select(SMOOTH.to_vec()), layers),
                prop::collection::vec(-1.5f64..1.5, n_params),
                prop::collection::vec(-2.0f64..2.0, inputs * batch),
                prop::collection::vec(-2.0f64..2.0, outputs * batch),
                prop::collection::vec(0usize..outputs, batch),
            )
        })
        .prop_map(
            |(widths, batch, loss_no, sum, huber_delta, acts, params, x, y_raw, classes)| {
                let outputs = *widths.last().unwrap_or(&1);
                let reduction = if sum { Reduction::Sum } else { Reduction::Mean };
                let (kind, output, y) = match loss_no {
                    0 => (LossKind::Mse, acts[acts.len() - 1], y_raw),
                    1 => (LossKind::SseHalf, acts[acts.len() - 1], y_raw),
                    2 => (LossKind::Huber { delta: huber_delta }, acts[acts.len() - 1], y_raw),
                    3 => (
                        LossKind::Bce,
                        Activation::Sigmoid,
                        y_raw.iter().map(|v| (v + 2.0) / 4.0).collect(),
                    ),
                    4 => {
                        let mut y = vec![0.0; outputs * batch];
                        for (n, c) in classes.iter().enumerate() {
                            y[n * outputs + c] = 1.0;
                        }
                        (LossKind::CrossEntropy, Activation::Softmax, y)
                    }
                    _ => (LossKind::Mae, acts[acts.len() - 1], y_raw),
                };
                Case {
                    hidden: acts[..acts.len() - 1].to_vec(),
                    widths,
                    output,
                    loss: Loss { kind, reduction },
                    params,
                    x,
                    y,
                    batch,
                }
            },
        )
}

impl Case {
    fn build(&self) -> (Network, Matrix, Matrix) {
        let mut p = self.params.iter().copied();
        let n = self.widths.len() - 1;
        let layers = (0..n)
            .map(|l| {
                let (fan_in, units) = (self.widths[l], self.widths[l + 1]);
                let act = if l + 1 == n { self.output } else { self.hidden[l] };
                let weights = Matrix::from_fn(units, fan_in, |_, _| p.next().unwrap_or(0.0));
                let bias = Vector::from_fn(units, |_, _| p.next().unwrap_or(0.0));
                Layer {
                    activation: act,
                    weights,
                    bias,
                }
            })
            .collect();
        let net = Network::new(self.widths[0], layers).expect("valid random network");
        let x = Matrix::from_column_slice(self.widths[0], self.batch, &self.x);
        let y = Matrix::from_column_slice(self.widths[n], self.batch, &self.y);
        (net, x, y)
    }
}

/// Whether every kink stays at least `margin` away: relu/leaky z, mae residuals, huber |d| - delta;
/// and bce outputs stay `margin` inside (0, 1): nearer 1, `1 - a` keeps few digits and the
/// finite difference of `ln(1 - a)`, not backprop, loses its accuracy.
fn clear_of_kinks(net: &Network, x: &Matrix, y: &Matrix, loss: &Loss, margin: f64) -> bool {
    let fwd = forward(net, x);
    let layers_ok = net.layers().iter().zip(&fwd.layers).all(|(l, t)| {
        !matches!(l.activation, Activation::Relu | Activation::LeakyRelu) || t.z.iter().all(|z| z.abs() > margin)
    });
    let out = fwd.output();
    let loss_ok = out.iter().zip(y.iter()).all(|(a, y)| {
        let d = (a - y).abs();
        match loss.kind {
            LossKind::Mae => d > margin,
            LossKind::Huber { delta } => (d - delta).abs() > margin,
            LossKind::Bce => *a > margin && *a < 1.0 - margin,
            _ => true,
        }
    });
    layers_ok && loss_ok
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    /// dL/dW and dL/db through `gradcheck`, dL/dx by our own central differences.
    #[test]
    fn backprop_matches_finite_differences(case in case_strategy()) {
        let (net, x, y) = case.build();
        prop_assume!(clear_of_kinks(&net, &x, &y, &case.loss, 1e-3));
        let h = 1e-6;
        // Finite differences are exact up to O(h^2) truncation and O(eps L / h) rounding;
        // a wrong gradient is off by far more than this.
        let tol = |g: f64, l: f64| 1e-6 * g.abs().max(1.0) + 1e-9 * l.abs().max(1.0);
        let check = gradcheck(&net, &x, &y, &case.loss, h);
        let loss_value = loss_of(&net, &x, &y, &case.loss);
        prop_assert_eq!(check.params.len(), net.param_count());
        for p in &check.params {
            prop_assert!(
                (p.backprop - p.numeric).abs() <= tol(p.backprop, loss_value),
                "{}: backprop {}, finite difference {} ({:?})", p.name, p.backprop, p.numeric, case.loss
            );
        }
        let grads = backward(&net, &forward(&net, &x), &y, &case.loss);
        for i in 0..x.len() {
            let at = |s: f64| {
                let mut xx = x.clone();
                xx[i] += s;
                loss_of(&net, &xx, &y, &case.loss)
            };
            let fd = (at(h) - at(-h)) / (2.0 * h);
            prop_assert!(
                (grads.input[i] - fd).abs() <= tol(fd, loss_value),
                "dL/dx[{}]: backprop {}, finite difference {}", i, grads.input[i], fd
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Chain-rule steps.
// ---------------------------------------------------------------------------------------------

fn seven_steps() -> (NetworkDoc, Gradients, Vec<ChainStep>, Network) {
    let doc = seven();
    let fwd = forward(&doc.net, &doc.x);
    let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    let sgd = OptimizerConfig::sgd(0.1);
    let mut after = doc.net.clone();
    Optimizer::new(sgd).step(&mut after, &grads);
    let loss_after = loss_of(&after, &doc.x, &doc.y, &doc.loss);
    let steps = chain_steps(
        &doc.net,
        &fwd,
        &grads,
        &doc.loss,
        &doc.y,
        0,
        Some(UpdateInfo {
            optimizer: &sgd,
            after: &after,
            loss_after,
        }),
    );
    (doc, grads, steps, after)
}

#[test]
fn chain_steps_come_in_the_order_of_the_chain_rule() {
    let (_, _, steps, _) = seven_steps();
    let mut want = Vec::new();
    for l in 0..7 {
        want.push((StepKind::Z, Some(l), Quantity::Z(l)));
        want.push((StepKind::A, Some(l), Quantity::A(l)));
    }
    want.push((StepKind::Loss, None, Quantity::Loss));
    want.push((StepKind::Da, Some(6), Quantity::Da(6)));
    for l in (0..7).rev() {
        want.push((StepKind::Delta, Some(l), Quantity::Delta(l)));
        want.push((StepKind::GradW, Some(l), Quantity::GradW(l)));
        want.push((StepKind::GradB, Some(l), Quantity::GradB(l)));
        let passed_back = if l == 0 { Quantity::GradX } else { Quantity::Da(l - 1) };
        want.push((StepKind::DaPrev, Some(l), passed_back));
    }
    for l in 0..7 {
        want.push((StepKind::Update, Some(l), Quantity::W(l)));
    }
    want.push((StepKind::LossAfter, None, Quantity::Loss));
    let got: Vec<_> = steps.iter().map(|s| (s.kind, s.layer, s.writes)).collect();
    assert_eq!(got, want);
    assert_eq!(steps.len(), 14 + 1 + 1 + 7 * 4 + 7 + 1);
}

#[test]
fn every_step_result_is_the_trace_value() {
    let (doc, grads, steps, after) = seven_steps();
    let col = |v: &[f64]| Matrix::from_column_slice(v.len(), 1, v);
    for s in &steps {
        let l = s.layer.unwrap_or(0);
        let want = match s.kind {
            StepKind::Z => col(Z[l]),
            StepKind::A => col(A[l]),
            StepKind::Loss => Matrix::from_element(1, 1, 652.5),
            StepKind::Da => col(DA[l]),
            StepKind::Delta => col(DELTA[l]),
            StepKind::GradW => by_hand_grad_weights()[l].clone(),
            StepKind::GradB => col(DELTA[l]),
            StepKind::DaPrev if l == 0 => col(&DX),
            StepKind::DaPrev => col(DA[l - 1]),
            StepKind::Update => &doc.net.layers()[l].weights - &by_hand_grad_weights()[l] * 0.1,
            StepKind::LossAfter => Matrix::from_element(1, 1, loss_of(&after, &doc.x, &doc.y, &doc.loss)),
        };
        assert_eq!(s.result, want, "{}", s.title);
        assert_eq!(s.omitted, 0);
        // Every line's result is the element of the step's result it names (updates also list
        // the bias, as an extra column).
        for line in &s.lines {
            let (r, c) = line.cell;
            let v = if c < s.result.ncols() {
                s.result[(r, c)]
            } else {
                after.layers()[l].bias[r]
            };
            assert_eq!(line.result, v, "{}", line.target);
        }
    }
    assert_eq!(grads.loss, 652.5);
}

/// The rendered lines, derived by hand from the fixture: W1 row 1 = (2, 1, -2), x = (0, -1, 0),
/// b1 = 0; W7 row 1 = (1, 1, 1, -2), a6 = (28, 0, 0, 10); y = (5, 2).
#[test]
fn rendered_lines_read_as_on_paper() {
    let (_, _, steps, _) = seven_steps();
    let fmt = NumberFormat::Auto;
    let find = |kind: StepKind, layer: Option<usize>| {
        steps
            .iter()
            .find(|s| s.kind == kind && s.layer == layer)
            .unwrap_or_else(|| panic!("no {kind:?} step for {layer:?}"))
    };
    let line = |kind, layer, i: usize| find(kind, layer).lines[i].render(fmt);
    assert_eq!(line(StepKind::Z, Some(0), 0), "z1[1] = 2·0 + 1·(-1) + (-2)·0 + 0 = -1");
    assert_eq!(line(StepKind::A, Some(0), 0), "a1[1] = relu(-1) = 0");
    assert_eq!(
        line(StepKind::Z, Some(6), 0),
        "z7[1] = 1·28 + 1·0 + 1·0 + (-2)·10 + 0 = 8"
    );
    assert_eq!(line(StepKind::Loss, None, 0), "L = ½·[(8 - 5)² + (38 - 2)²] = 652.5");
    assert_eq!(line(StepKind::Da, Some(6), 1), "dL/da7[2] = (38 - 2) = 36");
    assert_eq!(
        line(StepKind::Delta, Some(6), 0),
        "δ7[1] = 3 · identity'(8) = 3 · 1 = 3"
    );
    assert_eq!(
        line(StepKind::Delta, Some(5), 1),
        "δ6[2] = (-69) · relu'(-1) = (-69) · 0 = 0"
    );
    assert_eq!(line(StepKind::GradW, Some(6), 3), "dL/dW7[1,4] = 3·10 = 30");
    assert_eq!(
        line(StepKind::DaPrev, Some(0), 0),
        "dL/dx[1] = 2·0 + 2·156 + 2·432 + (-1)·216 = 960"
    );
    // SGD, lr 0.1: W7[1,1] = 1 - 0.1·84 = -7.4; W1[2,2] = -2 - 0.1·(-156) = 13.6.
    assert_eq!(line(StepKind::Update, Some(6), 0), "W7[1,1] = 1 - 0.1·84 = -7.4");
    assert_eq!(line(StepKind::Update, Some(0), 4), "W1[2,2] = (-2) - 0.1·(-156) = 13.6");
}

/// With SGD lr 0.1 the update lines hold W - 0.1 dW and b - 0.1 db for every element.
#[test]
fn update_lines_are_w_minus_lr_times_gradient() {
    let (doc, grads, steps, _) = seven_steps();
    for s in steps.iter().filter(|s| s.kind == StepKind::Update) {
        let l = s.layer.unwrap_or(0);
        let (w, b) = (&doc.net.layers()[l].weights, &doc.net.layers()[l].bias);
        let (gw, gb) = (&grads.layers[l].weights, &grads.layers[l].bias);
        assert_eq!(s.lines.len(), w.len() + b.len());
        for line in &s.lines {
            let (r, c) = line.cell;
            let want = if c < w.ncols() {
                w[(r, c)] - 0.1 * gw[(r, c)]
            } else {
                b[r] - 0.1 * gb[r]
            };
            assert_eq!(line.result, want, "{}", line.target);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Gradients are a value.
// ---------------------------------------------------------------------------------------------

/// The backward pass leaves the network and the forward trace as they were; applying the
/// gradients is a separate step that leaves the gradients as they were.
#[test]
fn backward_changes_nothing_and_gradients_outlive_the_update() {
    let doc = seven();
    let net_before = doc.net.clone();
    let fwd = forward(&doc.net, &doc.x);
    let fwd_before = fwd.clone();
    let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    assert_eq!(doc.net, net_before);
    assert_eq!(fwd, fwd_before);
    let grads_before = grads.clone();
    let mut net = doc.net.clone();
    Optimizer::new(OptimizerConfig::sgd(0.1)).step(&mut net, &grads);
    assert_eq!(grads, grads_before);
    assert_ne!(net, net_before);
    // W7[1,1] = 1 - 0.1·84 (by hand above).
    assert_eq!(net.layers()[6].weights[(0, 0)], 1.0 - 0.1 * 84.0);
}

/// Reusing buffers across batch sizes and networks gives the same numbers as fresh passes.
#[test]
fn reused_buffers_give_the_same_numbers_as_fresh_ones() {
    let seven = seven();
    let other = fixture("batch_size_3.json");
    let mut fwd = Default::default();
    let mut grads = Gradients::default();
    for doc in [&other, &seven, &other, &seven] {
        forward_into(&doc.net, &doc.x, &mut fwd);
        backward_into(&doc.net, &fwd, &doc.y, &doc.loss, &mut grads, true, None);
        let fresh_fwd = forward(&doc.net, &doc.x);
        assert_eq!(fwd, fresh_fwd);
        assert_eq!(grads, backward(&doc.net, &fresh_fwd, &doc.y, &doc.loss));
    }
}
