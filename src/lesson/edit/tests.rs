//! The edit rules on small networks whose results are worked out by hand in the comments.

use super::*;
use crate::lesson::NetworkOptions;
use crate::nn::doc::{self, Syntax};
use crate::nn::network::EditError as NetError;
use crate::nn::trace::loss_of;

/// 2 inputs -> 3 ReLU -> 2 softmax, cross-entropy, one sample of class 2.
const CLASSIFIER: &str = r#"
inputs = 2
loss = "cross_entropy"
x = [[1, 2]]
y = [[0, 1]]
[[layers]]
units = 3
activation = "relu"
weights = [[1, 0], [0, 1], [1, 1]]
bias = [0, 0, 0]
[[layers]]
units = 2
activation = "softmax"
weights = [[1, 0, 0], [0, 1, 0]]
bias = [0, 0]
"#;

/// One identity neuron `z = w x + b`, mse, SGD with lr 0.1: w = 1, b = 0, x = 1, y = 0.
const NEURON: &str = r#"
inputs = 1
loss = "mse"
x = [[1]]
y = [[0]]
optimizer = { kind = "sgd", lr = 0.1 }
[[layers]]
units = 1
activation = "identity"
weights = [[1]]
bias = [0]
"#;

fn parse(text: &str) -> NetworkDoc {
    doc::parse(text, Syntax::Toml).unwrap()
}

/// The edit applied with a fresh optimizer for the document.
fn edit(d: &mut NetworkDoc, e: Edit) -> Result<(), EditError> {
    let mut opt = Optimizer::new(d.optimizer);
    apply(d, &mut opt, &e)
}

#[test]
fn a_layer_inserted_after_the_output_becomes_the_output_as_wide_as_the_targets() {
    let mut d = parse(CLASSIFIER);
    let y = d.y.clone();
    // Past the end counts as the end.
    edit(&mut d, Edit::InsertLayer { index: 9 }).unwrap();
    // 4 new units cut to the 2 target rows; softmax moves to the new output and the old
    // output, now hidden, is identity.
    assert_eq!(d.net.widths(), vec![2, 3, 2, 2]);
    assert_eq!(d.net.layers()[2].activation, Activation::Softmax);
    assert_eq!(d.net.layers()[1].activation, Activation::Identity);
    assert_eq!(d.y, y, "the targets stay");
    // The new layer has zero weights and biases: softmax(0, 0) = (1/2, 1/2), so the
    // cross-entropy of class 2 is -ln(1/2) = ln 2.
    assert!((loss_of(&d.net, &d.x, &d.y, &d.loss) - std::f64::consts::LN_2).abs() < 1e-15);
}

#[test]
fn a_layer_inserted_after_a_wide_output_gets_units_up_to_the_targets() {
    // 1 input -> 6 identity outputs; the new output needs 6 units, 2 more than a new layer's 4.
    let mut d = parse(
        r#"
inputs = 1
loss = "mse"
x = [[1]]
y = [[1, 2, 3, 4, 5, 6]]
[[layers]]
units = 6
activation = "identity"
weights = [[1], [1], [1], [1], [1], [1]]
bias = [0, 0, 0, 0, 0, 0]
"#,
    );
    edit(&mut d, Edit::InsertLayer { index: 1 }).unwrap();
    assert_eq!(d.net.widths(), vec![1, 6, 6]);
    assert_eq!(d.y.nrows(), 6);
}

#[test]
fn a_layer_inserted_before_the_output_keeps_the_output_and_the_targets() {
    let mut d = parse(CLASSIFIER);
    let y = d.y.clone();
    edit(&mut d, Edit::InsertLayer { index: 1 }).unwrap();
    // A hidden ReLU layer of 4 between the 3 and the 2; the output reads 4 units now.
    assert_eq!(d.net.widths(), vec![2, 3, 4, 2]);
    assert_eq!(d.net.layers()[1].activation, Activation::Relu);
    assert_eq!(d.net.layers()[2].activation, Activation::Softmax);
    assert_eq!(d.net.layers()[2].weights.shape(), (2, 4));
    assert_eq!(d.y, y);
}

#[test]
fn softmax_is_refused_on_a_hidden_layer_and_without_cross_entropy() {
    let mut d = parse(CLASSIFIER);
    let before = d.clone();
    let hidden = Edit::Activation {
        layer: 0,
        activation: Activation::Softmax,
    };
    let e = edit(&mut d, hidden).unwrap_err();
    assert_eq!(e, EditError::Network(NetError::SoftmaxHidden));
    assert_eq!(e.to_string(), "softmax is only allowed on the output layer");
    // The cross-entropy loss keeps its softmax output.
    let relu_out = Edit::Activation {
        layer: 1,
        activation: Activation::Relu,
    };
    let e = edit(&mut d, relu_out).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the cross_entropy loss needs a softmax output layer; change the loss first"
    );
    assert_eq!(d, before, "a refused edit changes nothing");
    // Under mse, a softmax output is refused the other way round.
    let mut n = parse(NEURON);
    let e = edit(
        &mut n,
        Edit::Activation {
            layer: 0,
            activation: Activation::Softmax,
        },
    )
    .unwrap_err();
    assert_eq!(e, EditError::SoftmaxNeedsCrossEntropy);
}

#[test]
fn a_loss_brings_its_output_activation_or_is_refused_whole() {
    // mse on the classifier: softmax goes, identity comes.
    let mut d = parse(CLASSIFIER);
    edit(&mut d, Edit::Loss(LossKind::Mse)).unwrap();
    assert_eq!(d.net.layers()[1].activation, Activation::Identity);
    // And back: cross-entropy puts softmax on the output (the targets are one-hot).
    edit(&mut d, Edit::Loss(LossKind::CrossEntropy)).unwrap();
    assert_eq!(d.net.layers()[1].activation, Activation::Softmax);
    // One output unit cannot hold two classes: refused, and the loss stays mse.
    let mut n = parse(NEURON);
    let before = n.clone();
    assert_eq!(
        edit(&mut n, Edit::Loss(LossKind::CrossEntropy)),
        Err(EditError::TooFewClasses)
    );
    assert_eq!(n, before);
}

#[test]
fn the_last_sample_cannot_be_removed_and_a_copied_sample_is_appended() {
    let mut d = parse(NEURON);
    let e = edit(&mut d, Edit::RemoveSample { sample: 0 }).unwrap_err();
    assert_eq!(e, EditError::LastSample);
    assert_eq!(e.to_string(), "the batch needs at least one sample");
    // A copy of sample 1 (x = 1, y = 0) at the end, then the first removed: x = 1, y = 0 left.
    edit(
        &mut d,
        Edit::Input {
            sample: 0,
            index: 0,
            value: 3.0,
        },
    )
    .unwrap();
    edit(&mut d, Edit::AddSample { from: 0 }).unwrap();
    assert_eq!((d.x.ncols(), d.x[(0, 1)], d.y[(0, 1)]), (2, 3.0, 0.0));
    edit(
        &mut d,
        Edit::Input {
            sample: 1,
            index: 0,
            value: 5.0,
        },
    )
    .unwrap();
    edit(&mut d, Edit::RemoveSample { sample: 0 }).unwrap();
    assert_eq!((d.x.ncols(), d.x[(0, 0)]), (1, 5.0));
}

#[test]
fn values_must_exist_and_be_finite() {
    let mut d = parse(NEURON);
    let w = |layer, row, col, value| Edit::Weight { layer, row, col, value };
    assert_eq!(edit(&mut d, w(1, 0, 0, 1.0)), Err(EditError::NoSuchLayer));
    assert_eq!(edit(&mut d, w(0, 0, 1, 1.0)), Err(EditError::NoSuchWeight));
    let e = edit(&mut d, w(0, 0, 0, f64::NAN)).unwrap_err();
    assert_eq!(e.to_string(), "NaN is not a finite number");
    edit(&mut d, w(0, 0, 0, -2.5)).unwrap();
    assert_eq!(d.net.layers()[0].weights[(0, 0)], -2.5);
}

#[test]
fn apply_update_takes_one_sgd_step_and_refuses_one_that_overflows() {
    let mut d = parse(NEURON);
    let mut opt = Optimizer::new(d.optimizer);
    apply(&mut d, &mut opt, &Edit::ApplyUpdate).unwrap();
    // z = 1*1 + 0 = 1, L = (z - y)^2 = 1, dL/dz = 2(z - y) = 2; dL/dw = 2 x = 2, dL/db = 2.
    // w = 1 - 0.1*2 = 0.8, b = 0 - 0.1*2 = -0.2.
    assert!((d.net.layers()[0].weights[(0, 0)] - 0.8).abs() < 1e-15);
    assert!((d.net.layers()[0].bias[0] + 0.2).abs() < 1e-15);
    // x = 1e200: dL/dw = 2 z x = 2e400 overflows to infinity, so w would be -inf.
    let mut big = parse(&NEURON.replace("x = [[1]]", "x = [[1e200]]"));
    let before = big.clone();
    let mut opt = Optimizer::new(big.optimizer);
    assert_eq!(apply(&mut big, &mut opt, &Edit::ApplyUpdate), Err(EditError::Diverged));
    assert_eq!(big, before);
}

#[test]
fn a_learning_rate_reaches_the_running_optimizer() {
    let mut d = parse(NEURON);
    let mut opt = Optimizer::new(d.optimizer);
    apply(&mut d, &mut opt, &Edit::LearningRate(0.5)).unwrap();
    assert_eq!((d.optimizer.lr, opt.config.lr), (0.5, 0.5));
    let e = apply(&mut d, &mut opt, &Edit::LearningRate(-1.0)).unwrap_err();
    assert_eq!(e, EditError::LearningRate);
    // A new optimizer keeps the rate.
    apply(&mut d, &mut opt, &Edit::Optimizer(OptimizerKind::Adam)).unwrap();
    assert_eq!((opt.config.kind, opt.config.lr), (OptimizerKind::Adam, 0.5));
}

/// [`Edit::lock`] is an exhaustive match (no `_` arm), so every edit names its lock by
/// construction; here the lesson's locks refuse and allow what they name.
#[test]
fn a_locked_weight_edit_is_refused_and_an_unlocked_bias_edit_allowed() {
    let mut options = NetworkOptions::new("net1");
    options.lock = vec![Lock::Weights];
    let weight = Edit::Weight {
        layer: 0,
        row: 0,
        col: 0,
        value: 2.0,
    };
    let e = permitted(&options, &weight).unwrap_err();
    assert_eq!(e, EditError::Locked(Lock::Weights));
    assert_eq!(e.to_string(), "the lesson locks the weights in this network");
    let bias = Edit::Bias {
        layer: 0,
        unit: 0,
        value: 2.0,
    };
    assert_eq!(permitted(&options, &bias), Ok(()));
    // `all` locks every edit, an update and a new layer too.
    options.lock = vec![Lock::All];
    for e in [weight, bias, Edit::ApplyUpdate, Edit::InsertLayer { index: 0 }] {
        assert_eq!(permitted(&options, &e), Err(EditError::Locked(e.lock())));
    }
}
