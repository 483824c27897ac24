//! The mistakes the engine can reproduce: each is the same computation run again under the
//! mistaken rule (by the engine, on a changed copy of the network, trace or loss), and the
//! reference read from it. Only mistakes that apply to the question are produced; the caller
//! drops any whose value would pass as correct or as an earlier mistake's value.
//!
//! When two rules give the same number the first in the order tried names it: the specific
//! rules (a left-out weight, ½ or 2, a skipped mask, decay or bias) come before the general
//! wrong sign, so `δ1 = δ2` for `W2 δ2` with `W2 = -1` is "forgot the weight".
//! `chain.rs` holds the rules of the backward pass and the update added for the loss's
//! factors, the ReLU mask, the chain's weights, weight decay and the learning rate's sign.

mod chain;

use chain::{add_forgot_two_or_half, add_forgot_weight, add_skipped_mask, add_update_rules};

use super::answer::Answer;
use super::compute::Computed;
use super::reference::{Index, LayerQuantity, Reference, Target};
use crate::nn::trace::backward;
use crate::nn::{Activation, LossKind, Reduction};

/// A mistake the engine recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MistakeKind {
    /// The right size with the wrong sign (or an update taken the wrong way).
    WrongSign,
    /// `relu'(0)` taken as 1 for a ReLU unit whose `z` is exactly 0.
    ReluPrimeAtZero,
    /// The bias left out of `z = W a + b`.
    ForgotBias,
    /// `z` given where `a` was needed (or `f'` written in `a` evaluated at `z`).
    ZForA,
    /// `a` given where `z` was needed (or `f'` evaluated at `a`).
    AForZ,
    /// `W` read transposed: `W[j,i]` for `W[i,j]`, or `Wᵀ` for `W`.
    TransposedW,
    /// The sum given where the loss takes the mean.
    SumForMean,
    /// The mean given where the loss takes the sum.
    MeanForSum,
    /// The next layer's weights left out of the chain: `dL/da = δ_next` for `W_nextᵀ δ_next`.
    ForgotWeight,
    /// The ½ of `sse_half` left out: `L = Σ (a - y)²`, `dL/da = 2 (a - y)`.
    ForgotHalf,
    /// The ReLU mask skipped: `δ = dL/da` where `relu'(z) = 0`.
    SkippedReluMask,
    /// The 2 of MSE's derivative left out: `dL/da = (a - y) / n` for `2 (a - y) / n`.
    ForgotTwo,
    /// The optimizer's weight decay left out of an update.
    ForgotWeightDecay,
    /// The biases left out of a parameter count.
    ForgotBiasesInCount,
    /// The learning rate taken with the wrong sign: `W + lr dL/dW`.
    LrWrongSign,
}

impl MistakeKind {
    /// Every kind, in declaration order.
    pub const ALL: [MistakeKind; 15] = [
        MistakeKind::WrongSign,
        MistakeKind::ReluPrimeAtZero,
        MistakeKind::ForgotBias,
        MistakeKind::ZForA,
        MistakeKind::AForZ,
        MistakeKind::TransposedW,
        MistakeKind::SumForMean,
        MistakeKind::MeanForSum,
        MistakeKind::ForgotWeight,
        MistakeKind::ForgotHalf,
        MistakeKind::SkippedReluMask,
        MistakeKind::ForgotTwo,
        MistakeKind::ForgotWeightDecay,
        MistakeKind::ForgotBiasesInCount,
        MistakeKind::LrWrongSign,
    ];

    /// A stable name (submissions, gradebooks).
    pub fn name(self) -> &'static str {
        match self {
            MistakeKind::WrongSign => "wrong_sign",
            MistakeKind::ReluPrimeAtZero => "relu_prime_at_zero",
            MistakeKind::ForgotBias => "forgot_bias",
            MistakeKind::ZForA => "z_for_a",
            MistakeKind::AForZ => "a_for_z",
            MistakeKind::TransposedW => "transposed_w",
            MistakeKind::SumForMean => "sum_for_mean",
            MistakeKind::MeanForSum => "mean_for_sum",
            MistakeKind::ForgotWeight => "forgot_weight",
            MistakeKind::ForgotHalf => "forgot_half",
            MistakeKind::SkippedReluMask => "skipped_relu_mask",
            MistakeKind::ForgotTwo => "forgot_two",
            MistakeKind::ForgotWeightDecay => "forgot_weight_decay",
            MistakeKind::ForgotBiasesInCount => "forgot_biases_in_count",
            MistakeKind::LrWrongSign => "lr_wrong_sign",
        }
    }

    /// A short title for the student.
    pub fn title(self) -> &'static str {
        match self {
            MistakeKind::WrongSign => "Wrong sign",
            MistakeKind::ReluPrimeAtZero => "relu'(0) taken as 1",
            MistakeKind::ForgotBias => "Forgot the bias",
            MistakeKind::ZForA => "Used z where a was needed",
            MistakeKind::AForZ => "Used a where z was needed",
            MistakeKind::TransposedW => "Transposed W",
            MistakeKind::SumForMean => "The sum where the mean was asked",
            MistakeKind::MeanForSum => "The mean where the sum was asked",
            MistakeKind::ForgotWeight => "Forgot the weight",
            MistakeKind::ForgotHalf => "Forgot the ½ of sse_half",
            MistakeKind::SkippedReluMask => "Skipped the relu' mask",
            MistakeKind::ForgotTwo => "Forgot the 2 of MSE's derivative",
            MistakeKind::ForgotWeightDecay => "Forgot the weight decay",
            MistakeKind::ForgotBiasesInCount => "Forgot the biases",
            MistakeKind::LrWrongSign => "Learning rate with the wrong sign",
        }
    }
}

/// A mistake and the value it gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Mistake {
    pub kind: MistakeKind,
    /// What went wrong, with the rule that is right.
    pub explanation: String,
    pub value: Answer,
}

/// Every mistake that applies to `r` read for `sample`, in the order they are tried.
pub fn mistakes(r: &Reference, c: &Computed, sample: usize) -> Vec<Mistake> {
    let Ok(correct) = r.resolve(c, sample) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut add = |kind, explanation: String, value: Option<Answer>| {
        if let Some(value) = value {
            out.push(Mistake {
                kind,
                explanation,
                value,
            });
        }
    };
    let n = c.doc.net.len();
    let read = |alt: &Computed| r.resolve(alt, sample).ok();
    match r.target {
        Target::Layer(l, q) => layer_mistakes(&mut add, r, c, sample, &correct, l, q),
        Target::Output => {
            let last = Reference {
                target: Target::Layer(n - 1, LayerQuantity::A),
                index: r.index,
            };
            add(
                MistakeKind::ZForA,
                format!("this is z{n}, before the output activation; the output is a{n} = f(z{n})"),
                with(r, LayerQuantity::Z, n - 1).resolve(c, sample).ok(),
            );
            add_forgot_bias(&mut add, &last, c, sample, n - 1);
            add(MistakeKind::WrongSign, sign_text(), Some(correct.map(|v| -v)));
        }
        Target::Loss => {
            add_forgot_bias(&mut add, r, c, sample, n - 1);
            add_forgot_two_or_half(&mut add, c, &read, true);
            add_reduction(&mut add, c, &read);
        }
        Target::ParamCount => add_forgot_biases_in_count(&mut add, c, None),
        Target::X | Target::Y => {}
    }
    // The first mistake giving a value wins it.
    let mut seen: Vec<Answer> = Vec::new();
    out.retain(|m| {
        let new = !seen.contains(&m.value) && m.value != correct;
        seen.push(m.value.clone());
        new
    });
    out
}

/// Quantity `q` of layer `l` (0-based) at `r`'s index.
fn with(r: &Reference, q: LayerQuantity, l: usize) -> Reference {
    Reference {
        target: Target::Layer(l, q),
        index: r.index,
    }
}

/// The mistakes for quantity `q` of layer `l` (0-based), in the order they are tried.
fn layer_mistakes(
    add: &mut Add<'_>,
    r: &Reference,
    c: &Computed,
    sample: usize,
    correct: &Answer,
    l: usize,
    q: LayerQuantity,
) {
    let read = |alt: &Computed| r.resolve(alt, sample).ok();
    let k = l + 1;
    match q {
        LayerQuantity::ZBatch => {
            add(
                MistakeKind::AForZ,
                format!("this is A{k}, after the activation; Z{k} = W{k} A{l} + b{k} is the sum before it"),
                batch_a(c, l, r),
            );
            add_forgot_bias(add, r, c, sample, l);
            add(MistakeKind::WrongSign, sign_text(), Some(correct.map(|v| -v)));
        }
        LayerQuantity::Z => {
            add(
                MistakeKind::AForZ,
                format!("this is a{k}, after the activation; z{k} = W{k} a{l} + b{k} is the sum before it"),
                with(r, LayerQuantity::A, l).resolve(c, sample).ok(),
            );
            add_forgot_bias(add, r, c, sample, l);
            add_transposed_forward(add, r, c, sample, l);
            add(MistakeKind::WrongSign, sign_text(), Some(correct.map(|v| -v)));
        }
        LayerQuantity::A => {
            add(
                MistakeKind::ZForA,
                format!("this is z{k}, before the activation; a{k} = f(z{k})"),
                with(r, LayerQuantity::Z, l).resolve(c, sample).ok(),
            );
            add_forgot_bias(add, r, c, sample, l);
            add_transposed_forward(add, r, c, sample, l);
            add(MistakeKind::WrongSign, sign_text(), Some(correct.map(|v| -v)));
        }
        LayerQuantity::Weights | LayerQuantity::GradWeights | LayerQuantity::NewWeights => {
            if q != LayerQuantity::Weights {
                add_relu_prime(add, c, &read);
                add_skipped_mask(add, c, &read, Some(l));
                add_skipped_mask(add, c, &read, None);
                if l > 0 {
                    add(
                        MistakeKind::ZForA,
                        format!("dL/dW{k} = δ{k} a{l}^T uses the activations a{l}, not the sums z{l}"),
                        z_for_a_input(c, l).and_then(|alt| read(&alt)),
                    );
                }
                add_forgot_two_or_half(add, c, &read, false);
            }
            add_transposed(add, r, c, sample, correct, k);
            if q == LayerQuantity::GradWeights {
                add(MistakeKind::WrongSign, sign_text(), Some(correct.map(|v| -v)));
            }
            if q == LayerQuantity::NewWeights {
                add_update_rules(add, c, &read);
            }
            if q != LayerQuantity::Weights {
                add_reduction(add, c, &read);
            }
        }
        LayerQuantity::DlDa | LayerQuantity::Delta | LayerQuantity::GradBias | LayerQuantity::NewBias => {
            add_relu_prime(add, c, &read);
            if q != LayerQuantity::DlDa {
                add_skipped_mask(add, c, &read, Some(l));
            }
            add_skipped_mask(add, c, &read, None);
            if matches!(q, LayerQuantity::DlDa | LayerQuantity::Delta) {
                add_forgot_weight(add, c, &read, l);
            }
            if q == LayerQuantity::Delta {
                add_derivative_at(add, r, c, sample, l);
            }
            add_forgot_two_or_half(add, c, &read, false);
            if q == LayerQuantity::NewBias {
                add_update_rules(add, c, &read);
            } else {
                add(MistakeKind::WrongSign, sign_text(), Some(correct.map(|v| -v)));
            }
            add_reduction(add, c, &read);
        }
        LayerQuantity::ParamCount => add_forgot_biases_in_count(add, c, Some(l)),
        LayerQuantity::Bias => {}
    }
}

/// A parameter count without the biases: the weights of layer `layer` (0-based), or of every
/// layer.
fn add_forgot_biases_in_count(add: &mut Add<'_>, c: &Computed, layer: Option<usize>) {
    let layers = c.doc.net.layers();
    let weights: usize = match layer {
        Some(l) => layers.get(l).map_or(0, |x| x.weights.len()),
        None => layers.iter().map(|x| x.weights.len()).sum(),
    };
    add(
        MistakeKind::ForgotBiasesInCount,
        "each unit also has a bias: a layer of n units with m inputs has n·m weights and n biases".into(),
        Some(Answer::Scalar(weights as f64)),
    );
}

/// The activations of layer `l` for the whole batch, at `r`'s index (for `Z` taken as `A`).
fn batch_a(c: &Computed, l: usize, r: &Reference) -> Option<Answer> {
    let a = &c.fwd.layers.get(l)?.a;
    Some(match r.index {
        Index::Two(i, j) => Answer::Scalar(*a.get((i, j))?),
        _ => Answer::Matrix(a.row_iter().map(|row| row.iter().copied().collect()).collect()),
    })
}

fn sign_text() -> String {
    "the size is right but the sign is wrong: check the sign of each term".into()
}

type Add<'a> = dyn FnMut(MistakeKind, String, Option<Answer>) + 'a;

/// `relu'(0)` taken as 1: the backward pass again on a trace whose ReLU (and leaky ReLU)
/// pre-activations equal to 0 are moved to the smallest positive number, so the engine's own
/// derivative gives 1 there; nothing else in the pass reads those `z`.
fn add_relu_prime(add: &mut Add<'_>, c: &Computed, read: &dyn Fn(&Computed) -> Option<Answer>) {
    let net = &c.doc.net;
    let mut fwd = c.fwd.clone();
    let mut any = false;
    for (layer, lt) in net.layers().iter().zip(&mut fwd.layers) {
        if matches!(layer.activation, Activation::Relu | Activation::LeakyRelu) {
            for z in lt.z.iter_mut().filter(|z| **z == 0.0) {
                *z = f64::MIN_POSITIVE;
                any = true;
            }
        }
    }
    if !any {
        return;
    }
    let grads = backward(net, &fwd, &c.doc.y, &c.doc.loss);
    let alt = Computed::with_grads(c.doc.clone(), c.fwd.clone(), grads);
    add(
        MistakeKind::ReluPrimeAtZero,
        "a ReLU unit with z = 0 passes no gradient back: relu'(0) = 0 (as PyTorch), not 1".into(),
        read(&alt),
    );
}

/// The trace with `a` of layer `l - 1` (0-based `l`) replaced by its `z`, through the backward
/// pass again: `dL/dW` of layer `l` then reads `z` where it needs `a`.
fn z_for_a_input(c: &Computed, l: usize) -> Option<Computed> {
    let mut fwd = c.fwd.clone();
    let prev = fwd.layers.get_mut(l.checked_sub(1)?)?;
    prev.a = prev.z.clone();
    let grads = backward(&c.doc.net, &fwd, &c.doc.y, &c.doc.loss);
    Some(Computed::with_grads(c.doc.clone(), c.fwd.clone(), grads))
}

/// The bias of layer `l` left out, then every bias left out (forward pass again).
fn add_forgot_bias(add: &mut Add<'_>, r: &Reference, c: &Computed, sample: usize, l: usize) {
    let k = l + 1;
    let mut one = c.doc.clone();
    one.net.bias_mut(l).fill(0.0);
    if r.target != Target::Loss {
        add(
            MistakeKind::ForgotBias,
            format!("this leaves out the bias b{k}: z{k} = W{k} a{l} + b{k}"),
            r.resolve(&Computed::forward_only(one), sample).ok(),
        );
    }
    let mut all = c.doc.clone();
    for i in 0..all.net.len() {
        all.net.bias_mut(i).fill(0.0);
    }
    add(
        MistakeKind::ForgotBias,
        "this leaves out the biases: every layer computes z = W a_prev + b".into(),
        r.resolve(&Computed::forward_only(all), sample).ok(),
    );
}

/// `z = Wᵀ a + b` for a square `W` (forward pass again with the transposed weights).
fn add_transposed_forward(add: &mut Add<'_>, r: &Reference, c: &Computed, sample: usize, l: usize) {
    let w = &c.doc.net.layers()[l].weights;
    if w.nrows() != w.ncols() {
        return;
    }
    let mut d = c.doc.clone();
    let t = w.transpose();
    d.net.weights_mut(l).copy_from(&t);
    let k = l + 1;
    add(
        MistakeKind::TransposedW,
        format!("this uses W{k} transposed: z{k}[j] = sum_i W{k}[j,i] a{l}[i] (row j holds the weights into unit j)"),
        r.resolve(&Computed::forward_only(d), sample).ok(),
    );
}

/// A matrix read transposed: `Wᵀ` for the whole matrix, `W[j,i]` for `W[i,j]`.
fn add_transposed(add: &mut Add<'_>, r: &Reference, c: &Computed, sample: usize, correct: &Answer, k: usize) {
    match r.index {
        Index::Whole => add(
            MistakeKind::TransposedW,
            format!("this is the transpose: W{k} is units x inputs, row j holds the weights into unit j"),
            correct.transpose(),
        ),
        Index::Two(i, j) if i != j => {
            let swapped = Reference {
                target: r.target,
                index: Index::Two(j, i),
            };
            add(
                MistakeKind::TransposedW,
                format!(
                    "this is entry [{},{}]: [{},{}] is row {} (unit {}), column {} (input {})",
                    j + 1,
                    i + 1,
                    i + 1,
                    j + 1,
                    i + 1,
                    i + 1,
                    j + 1,
                    j + 1
                ),
                swapped.resolve(c, sample).ok(),
            );
        }
        _ => {}
    }
}

/// `δ = dL/da · f'(z)` with the derivative taken at `a` (f'(a)), or with its formula in `a`
/// given `z` (σ' = a(1 - a) evaluated as z(1 - z)); elementwise activations only.
fn add_derivative_at(add: &mut Add<'_>, r: &Reference, c: &Computed, sample: usize, l: usize) {
    let act = c.doc.net.layers()[l].activation;
    let fused = l + 1 == c.doc.net.len() && c.doc.loss.kind == LossKind::CrossEntropy;
    if !act.is_elementwise() || fused || c.grads.layers.len() <= l {
        return;
    }
    let (z, a, da) = (&c.fwd.layers[l].z, &c.fwd.layers[l].a, &c.grads.layers[l].da);
    let pick = |v: Vec<f64>| match r.index {
        Index::One(i) => v.get(i).map(|x| Answer::Scalar(*x)),
        _ => Some(Answer::Vector(v)),
    };
    let units = 0..z.nrows();
    let at_a: Vec<f64> = units
        .clone()
        .map(|j| {
            let av = a[(j, sample)];
            da[(j, sample)] * act.derivative(av, act.value(av))
        })
        .collect();
    let k = l + 1;
    add(
        MistakeKind::AForZ,
        format!("this takes f' at a{k}; δ{k} = dL/da{k} · f'(z{k}) takes it at z{k}"),
        pick(at_a),
    );
    let z_in_a: Vec<f64> = units
        .map(|j| {
            let zv = z[(j, sample)];
            da[(j, sample)] * act.derivative(zv, zv)
        })
        .collect();
    add(
        MistakeKind::ZForA,
        format!(
            "{} is written in a = f(z); this puts z{k} into it instead of a{k}",
            act.formula().1
        ),
        pick(z_in_a),
    );
}

/// The loss's reduction the other way round (the engine again with the other reduction).
fn add_reduction(add: &mut Add<'_>, c: &Computed, read: &dyn Fn(&Computed) -> Option<Answer>) {
    let loss = c.doc.loss;
    let out = c.fwd.output();
    let mean = crate::nn::Loss {
        reduction: Reduction::Mean,
        ..loss
    };
    let n = mean.divisor(out.nrows(), out.ncols());
    if n == 1.0 {
        return;
    }
    let mut d = c.doc.clone();
    let (kind, text) = match loss.reduction {
        Reduction::Mean => {
            d.loss.reduction = Reduction::Sum;
            (
                MistakeKind::SumForMean,
                format!(
                    "this is the sum; the loss takes the mean (reduction mean) over {} numbers, so it and its gradients are divided by {}",
                    n, n
                ),
            )
        }
        Reduction::Sum => {
            d.loss.reduction = Reduction::Mean;
            (
                MistakeKind::MeanForSum,
                format!("this divides by {n}; the loss is a sum (reduction sum), nothing is averaged"),
            )
        }
    };
    add(kind, text, read(&Computed::new(d)));
}
