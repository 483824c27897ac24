//! The mistaken rules of the backward pass and the update: the ReLU mask skipped, the next
//! layer's weights left out of the chain, the ½ of `sse_half` or the 2 of MSE's derivative left
//! out, weight decay left out of an update, the learning rate taken with the wrong sign. Each
//! runs the engine again on a changed copy (of the trace, the network, the loss or the
//! optimizer) and reads the reference from it.

use super::{Add, MistakeKind};
use crate::lesson::answer::Answer;
use crate::lesson::compute::Computed;
use crate::nn::numfmt::NumberFormat;
use crate::nn::optim::OptimizerKind;
use crate::nn::trace::backward;
use crate::nn::{Activation, LossKind};

/// Reads the asked reference from a computation under a mistaken rule.
pub(super) type Read<'a> = dyn Fn(&Computed) -> Option<Answer> + 'a;

/// `δ = dL/da` with the ReLU mask skipped: the backward pass again on a trace whose ReLU (and
/// leaky ReLU) pre-activations at or below 0 are moved to the smallest positive number, so the
/// engine's own derivative is 1 there. `only`: the mask of that layer (0-based) alone; `None`:
/// every ReLU layer's mask.
pub(super) fn add_skipped_mask(add: &mut Add<'_>, c: &Computed, read: &Read<'_>, only: Option<usize>) {
    let net = &c.doc.net;
    let mut fwd = c.fwd.clone();
    let mut any = false;
    for (i, (layer, lt)) in net.layers().iter().zip(&mut fwd.layers).enumerate() {
        if only.is_some_and(|l| l != i) || !matches!(layer.activation, Activation::Relu | Activation::LeakyRelu) {
            continue;
        }
        for z in lt.z.iter_mut().filter(|z| **z <= 0.0) {
            *z = f64::MIN_POSITIVE;
            any = true;
        }
    }
    if !any {
        return;
    }
    let grads = backward(net, &fwd, &c.doc.y, &c.doc.loss);
    let alt = Computed::with_grads(c.doc.clone(), c.fwd.clone(), grads);
    let text = match only {
        Some(l) => {
            let k = l + 1;
            format!("δ{k} = dL/da{k} * relu'(z{k}), and relu'(z{k}) = 0 where z{k} <= 0: δ{k} is 0 there")
        }
        None => "every ReLU layer's δ = dL/da * relu'(z), and relu'(z) = 0 where z <= 0".into(),
    };
    add(MistakeKind::SkippedReluMask, text, read(&alt));
}

/// `dL/da` of layer `l` (0-based) without the weights of layer `l + 1`: the backward pass
/// again with those weights replaced by the identity (a square matrix: `dL/da = δ_next`) and by
/// ones (each path counted with weight 1: `dL/da[j] = Σ_i δ_next[i]`, which is `δ_next` when
/// the next layer has one unit). The trace is the network's own, so only `dL/da` of layer `l`
/// and what follows from it change.
pub(super) fn add_forgot_weight(add: &mut Add<'_>, c: &Computed, read: &Read<'_>, l: usize) {
    let Some(next) = c.doc.net.layers().get(l + 1) else {
        return;
    };
    let (k, n) = (l + 1, l + 2);
    let alt = |fill: &dyn Fn(usize, usize) -> f64| {
        let mut net = c.doc.net.clone();
        let mut w = net.weights_mut(l + 1);
        for i in 0..w.nrows() {
            for j in 0..w.ncols() {
                w[(i, j)] = fill(i, j);
            }
        }
        let grads = backward(&net, &c.fwd, &c.doc.y, &c.doc.loss);
        read(&Computed::with_grads(c.doc.clone(), c.fwd.clone(), grads))
    };
    if next.weights.nrows() == next.weights.ncols() {
        add(
            MistakeKind::ForgotWeight,
            format!("this takes dL/da{k} = δ{n}; the chain multiplies by the weights, dL/da{k} = W{n}^T δ{n}"),
            alt(&|i, j| if i == j { 1.0 } else { 0.0 }),
        );
    }
    add(
        MistakeKind::ForgotWeight,
        format!("each path to layer {n} is multiplied by its weight: dL/da{k}[j] = Σ_i W{n}[i,j] δ{n}[i]"),
        alt(&|_, _| 1.0),
    );
}

/// The ½ of `sse_half` left out (the loss as MSE with the same reduction: the loss and every
/// gradient doubled), or the 2 of MSE's derivative left out (the gradients as `sse_half`'s with
/// the same reduction: halved). `loss_value`: the question is the loss itself, which the 2 of
/// the derivative does not touch.
pub(super) fn add_forgot_two_or_half(add: &mut Add<'_>, c: &Computed, read: &Read<'_>, loss_value: bool) {
    let mut d = c.doc.clone();
    match c.doc.loss.kind {
        LossKind::SseHalf => {
            d.loss.kind = LossKind::Mse;
            add(
                MistakeKind::ForgotHalf,
                "L = ½ Σ (a - y)², so dL/da = a - y; without the ½ the loss and every gradient double".into(),
                read(&Computed::new(d)),
            );
        }
        LossKind::Mse if !loss_value => {
            d.loss.kind = LossKind::SseHalf;
            add(
                MistakeKind::ForgotTwo,
                "d/da (a - y)² = 2 (a - y): every gradient is twice this".into(),
                read(&Computed::new(d)),
            );
        }
        _ => {}
    }
}

/// An update without the optimizer's weight decay (when it has one), then an update with the
/// learning rate's sign turned round (the step taken up the gradient): the optimizer's step
/// again from the same gradients with `weight_decay = 0`, then with `-lr`.
pub(super) fn add_update_rules(add: &mut Add<'_>, c: &Computed, read: &Read<'_>) {
    let o = c.doc.optimizer;
    let step = |d| read(&Computed::with_grads(d, c.fwd.clone(), c.grads.clone()));
    if o.weight_decay != 0.0 {
        let mut d = c.doc.clone();
        d.optimizer.weight_decay = 0.0;
        let wd = NumberFormat::Answer.fmt(o.weight_decay);
        let rule = match o.kind {
            OptimizerKind::Adamw => "the step first shrinks W to W (1 - lr wd)",
            _ => "the step uses dL/dW + wd W",
        };
        add(
            MistakeKind::ForgotWeightDecay,
            format!("with wd = {wd} {rule}"),
            step(d),
        );
    }
    let mut d = c.doc.clone();
    d.optimizer.lr = -o.lr;
    add(
        MistakeKind::LrWrongSign,
        "this steps up the gradient; the update steps down it, W - lr dL/dW".into(),
        step(d),
    );
}
