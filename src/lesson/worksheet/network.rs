//! One network laid out by hand with the blocks of the network sheet, as the window's matrix view
//! lays out a layer: the given numbers, then the forward pass (`W3 (4 x 4) · a2 + b3 = z3`, then
//! `a3`), the loss, the backward pass (`dL/da3`, `δ3`, `dL/dW3`, `dL/db3`, `dL/da2`) and the
//! update, packed onto as few printed pages as keep every block whole. The conventions and the batch rule (batches of up to
//! [`crate::lesson::sheet::WHOLE_BATCH_MAX`] whole) are the sheet's ([`crate::lesson::sheet`]). Every number comes from
//! one [`Computed`] pass; the key adds the chain-rule steps of [`Computed::steps`] under each
//! block.

use super::WorksheetOptions;
use super::html::{esc, flow, op, working};
use crate::lesson::Taught;
use crate::lesson::compute::Computed;
use crate::lesson::sheet::{Block, Fill, Item, Naming, Pass, Samples, Sheet};
use crate::nn::OptimizerKind;
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::{ChainStep, Quantity, StepKind};
use std::fmt::Write as _;

/// An update layer of more units than this may break across printed pages (its W and b blocks
/// stacked are taller than a page can hold whole).
const TALL_UPDATE_UNITS: usize = 6;

/// The steps of `kinds` for layer `layer` (0-based; `None` for the loss), in that order.
fn find<'a>(steps: &'a [ChainStep], kinds: &[StepKind], layer: Option<usize>) -> Vec<&'a ChainStep> {
    kinds
        .iter()
        .filter_map(|k| steps.iter().find(|s| s.kind == *k && s.layer == layer))
        .collect()
}

/// Opens a layer's box; one that `may_break` may be split across pages (a key's working can be
/// long).
fn open_layer(title: &str, formula: &str, may_break: bool, out: &mut String) {
    let class = if may_break { "layer long" } else { "layer" };
    let _ = writeln!(
        out,
        "<div class=\"{class}\"><h4>{}</h4><p class=\"formula\">{}</p>",
        esc(title),
        esc(formula)
    );
}

/// Writes the worksheet of one network: the givens, then the forward pass with the loss, the
/// backward pass and the update. Only the parts the lesson has `taught` for this network (the
/// forward pass only: no loss, no backward pass, no update).
pub fn network_html(c: &Computed, opts: &WorksheetOptions, taught: Taught, out: &mut String) {
    let n = c.doc.net.len();
    if n == 0 || c.grads.layers.len() != n {
        out.push_str("<p>This network has no backward pass to lay out.</p>\n");
        return;
    }
    let s = opts.sample.min(c.doc.batch().saturating_sub(1));
    let batch = c.doc.batch();
    let lay = Sheet::for_batch(opts.convention, s, batch);
    let whole_batch = lay.samples == Samples::All;
    let key = opts.answers;
    let steps = if key { c.steps(s) } else { Vec::new() };
    givens(c, lay, taught, out);
    if key && lay.keras() {
        out.push_str(
            "<p>The working under each block writes W as PyTorch does: <code>W1[j,i]</code> is unit j, input i \
             (row i, column j of the W1 shown here).</p>\n",
        );
    }
    out.push_str("<section class=\"part-forward\">\n<h3>Forward pass</h3>\n");
    out.push_str(
        "<p>For each layer compute the pre-activation, then the activation. Copy each layer's output into the \
         dashed cells of the next layer.</p>\n",
    );
    for l in 0..n {
        forward_layer(c, lay, l, key, &steps, out);
    }
    if taught.loss() {
        loss_block(c, lay, key, &steps, out);
    }
    if !taught.backward() {
        out.push_str("</section>\n");
        return;
    }
    out.push_str("</section>\n<section class=\"part\">\n<h3>Backward pass</h3>\n");
    let _ = writeln!(
        out,
        "<p>From the output back, layer by layer. Copy each <code>dL/da</code> into the dashed cells of the \
         layer below.{}</p>",
        if whole_batch {
            let (each, dw, sums) = if lay.keras() {
                ("one row each", "A_prevᵀ δ", "column")
            } else {
                ("one column each", "δ a_prevᵀ", "row")
            };
            format!(
                " Every sample of the batch is laid out: {each}. <code>dL/dW = {dw}</code> and \
                 <code>dL/db</code> (the {sums} sums of <code>δ</code>) add up over the {batch} samples.{}",
                if key {
                    format!(" The working is written out for sample {}.", s + 1)
                } else {
                    String::new()
                }
            )
        } else if c.doc.batch() > 1 {
            format!(
                " The per-sample values are for sample {} of {}; <code>dL/dW</code> and <code>dL/db</code> \
                 sum over all {} samples.",
                s + 1,
                c.doc.batch(),
                c.doc.batch()
            )
        } else {
            String::new()
        }
    );
    for l in (0..n).rev() {
        backward_layer(c, lay, l, key, &steps, out);
    }
    if !taught.update() {
        out.push_str("</section>\n");
        return;
    }
    out.push_str("</section>\n<section class=\"part\">\n<h3>Update</h3>\n");
    update(c, lay, key, &steps, out);
    out.push_str("</section>\n");
}

/// The numbers of the problem: layers, loss, optimizer, the sample's x and y (of what is
/// `taught`: the loss and y with the loss, its gradient with backpropagation, the optimizer
/// with the update).
fn givens(c: &Computed, lay: Sheet, taught: Taught, out: &mut String) {
    let d = &c.doc;
    let widths: Vec<String> = d.net.widths().iter().map(usize::to_string).collect();
    let acts: Vec<String> = d
        .net
        .layers()
        .iter()
        .enumerate()
        .map(|(l, layer)| format!("{}: {}", l + 1, layer.activation.name()))
        .collect();
    let o = &d.optimizer;
    let mut opt = format!("{}, learning rate {}", o.kind.name(), NumberFormat::Answer.fmt(o.lr));
    if o.momentum != 0.0 {
        let _ = write!(opt, ", momentum {}", NumberFormat::Answer.fmt(o.momentum));
    }
    if o.weight_decay != 0.0 {
        let _ = write!(opt, ", weight decay {}", NumberFormat::Answer.fmt(o.weight_decay));
    }
    if matches!(o.kind, OptimizerKind::Adam | OptimizerKind::Adamw) {
        let _ = write!(
            opt,
            ", betas {}, {}, eps {}",
            NumberFormat::Answer.fmt(o.beta1),
            NumberFormat::Answer.fmt(o.beta2),
            NumberFormat::Answer.fmt(o.eps)
        );
    }
    let sample = if lay.samples == Samples::All {
        format!(
            "a batch of {} samples, all laid out ({} per sample)",
            d.batch(),
            if lay.keras() { "one row" } else { "one column" }
        )
    } else if d.batch() > 1 {
        format!("sample {} of a batch of {}", lay.sample + 1, d.batch())
    } else {
        "one sample".into()
    };
    let rows = [
        (true, "Layers (widths)", widths.join(" - ")),
        (true, "Activations", acts.join(", ")),
        (
            taught.loss(),
            "Loss",
            format!(
                "{} (reduction {}): {}",
                d.loss.kind.name(),
                d.loss.reduction.name(),
                d.loss.formula()
            ),
        ),
        (taught.backward(), "Its gradient", d.loss.grad_formula()),
        (taught.update(), "Optimizer", format!("{opt}; {}", o.formula())),
        (true, "Data", sample),
    ];
    out.push_str("<table class=\"facts\">");
    for (k, v) in rows.into_iter().filter(|r| r.0).map(|r| (r.1, r.2)) {
        let _ = write!(out, "<tr><td>{}</td><td>{}</td></tr>", k, esc(&v));
    }
    out.push_str("</table>\n");
    let mut items = if d.batch() > 1 {
        vec![
            Item::B(lay.batch("x", &d.x, Quantity::X)),
            op(""),
            Item::B(lay.batch("y", &d.y, Quantity::Y)),
        ]
    } else {
        vec![
            Item::B(lay.per_sample("x", &d.x, Quantity::X)),
            op(""),
            Item::B(lay.per_sample("y", &d.y, Quantity::Y)),
        ]
    };
    if !taught.loss() {
        items.truncate(1);
    }
    flow(&items, true, out);
}

/// The network and its passes, as the sheet reads them.
fn pass(c: &Computed) -> Pass<'_> {
    Pass {
        net: &c.doc.net,
        fwd: &c.fwd,
        grads: &c.grads,
    }
}

fn forward_layer(c: &Computed, lay: Sheet, l: usize, key: bool, steps: &[ChainStep], out: &mut String) {
    let (k, n) = (l + 1, c.doc.net.len());
    let layer = &c.doc.net.layers()[l];
    let act = layer.activation.name();
    let mut formula = lay.forward_equations(&c.doc.net, l);
    formula.push(layer.activation.formula().0.to_string());
    open_layer(&format!("Layer {k} ({act})"), &formula.join(",   "), key, out);
    flow(&lay.forward(pass(c), l), key, out);
    if k == n {
        let _ = writeln!(out, "<p>This is the network's output.</p>");
    }
    working(&find(steps, &[StepKind::Z, StepKind::A], Some(l)), out);
    out.push_str("</div>\n");
}

fn loss_block(c: &Computed, lay: Sheet, key: bool, steps: &[ChainStep], out: &mut String) {
    let n = c.doc.net.len();
    let formula = c.doc.loss.formula();
    let title = if c.doc.batch() > 1 {
        format!("Loss ({}, over all {} samples)", c.doc.loss.kind.name(), c.doc.batch())
    } else {
        format!("Loss ({})", c.doc.loss.kind.name())
    };
    open_layer(&title, &formula, key, out);
    let a = lay
        .per_sample(&format!("a{n}"), &c.fwd.layers[n - 1].a, Quantity::A(n - 1))
        .copied(format!("copy from layer {n}"));
    let loss = Block::from_values("L", Naming::Plain, (1, 1), vec![c.grads.loss], Fill::Answer);
    let items = [
        Item::B(a),
        op("vs"),
        Item::B(lay.per_sample("y", &c.doc.y, Quantity::Y)),
        op("→"),
        Item::B(loss),
    ];
    flow(&items, key, out);
    working(&find(steps, &[StepKind::Loss], None), out);
    out.push_str("</div>\n");
}

fn backward_layer(c: &Computed, lay: Sheet, l: usize, key: bool, steps: &[ChainStep], out: &mut String) {
    let k = l + 1;
    let layer = &c.doc.net.layers()[l];
    // The paper stops at layer 1's parameters: no dL/dx.
    let mut formula = lay.backward_equations(l, false);
    if let Some(delta) = formula.first_mut() {
        let _ = write!(delta, " ({})", layer.activation.formula().1);
    }
    open_layer(
        &format!("Layer {k} ({})", layer.activation.name()),
        &formula.join(",   "),
        key,
        out,
    );
    flow(&lay.backward(pass(c), l, false), key, out);
    let kinds: &[StepKind] = if l > 0 {
        &[StepKind::Delta, StepKind::GradW, StepKind::GradB, StepKind::DaPrev]
    } else {
        &[StepKind::Delta, StepKind::GradW, StepKind::GradB]
    };
    let mut shown = find(steps, &[StepKind::Da], Some(l));
    shown.extend(find(steps, kinds, Some(l)));
    working(&shown, out);
    out.push_str("</div>\n");
}

fn update(c: &Computed, lay: Sheet, key: bool, steps: &[ChainStep], out: &mut String) {
    let o = &c.doc.optimizer;
    let plain = o.kind == OptimizerKind::Sgd && o.momentum == 0.0 && o.weight_decay == 0.0;
    let lr = NumberFormat::Answer.fmt(o.lr);
    if plain {
        let _ = writeln!(
            out,
            "<p>One step of gradient descent with learning rate lr = {lr}: <code>W ← W - lr · dL/dW</code>, \
             <code>b ← b - lr · dL/db</code>, with the gradients of the backward pass.</p>"
        );
    } else {
        let _ = writeln!(
            out,
            "<p>One step of {} from fresh state (lr = {lr}): <code>{}</code>.</p>",
            o.kind.name(),
            esc(o.formula())
        );
    }
    for (l, (before, after)) in c.doc.net.layers().iter().zip(c.after.layers()).enumerate() {
        let k = l + 1;
        // W and b stacked: whole on a page for a small layer; a tall one may break between them.
        let tall = key || before.weights.nrows() > TALL_UPDATE_UNITS;
        open_layer(&format!("Layer {k}"), &format!("new W{k} and new b{k}"), tall, out);
        let rows = [
            (
                lay.params(&format!("W{k}"), &before.weights, Quantity::W(l)),
                format!("dL/dW{k}"),
                lay.params(&format!("new W{k}"), &after.weights, Quantity::W(l)),
            ),
            (
                lay.units(&format!("b{k}"), &before.bias, Quantity::B(l)),
                format!("dL/db{k}"),
                lay.units(&format!("new b{k}"), &after.bias, Quantity::B(l)),
            ),
        ];
        for (given, grad, new) in rows {
            let step = if plain {
                format!("- {lr} · {grad} =")
            } else {
                format!("{} step with {grad} →", o.kind.name())
            };
            // The new values are what the step computes.
            let new = new.with_fill(Fill::Answer);
            flow(&[Item::B(given), op(step), Item::B(new)], key, out);
        }
        working(&find(steps, &[StepKind::Update], Some(l)), out);
        out.push_str("</div>\n");
    }
}
