//! The ordered chain-rule steps of one forward and backward pass, as the stepper and the worked
//! solutions show them: for each layer `z` then `a`; the loss; then from the output back
//! `dL/da`, `delta = dL/da * f'(z)` (for softmax + cross-entropy `a - y`), `dL/dW`, `dL/db`,
//! `dL/da_prev`; finally each layer's update and the loss after it.
//!
//! Every step carries its formula in symbols and one [`Line`] per element with the numbers put
//! in, kept as numbers ([`Tok::N`]) so any [`NumberFormat`] can write them. Per-sample
//! quantities are shown for one chosen sample; `dL/dW` and `dL/db` sum over the batch.
//! All numbers come from the trace and gradients passed in: nothing is recomputed here except
//! the loss after the update, which the caller supplies.

mod backward;
mod sources;

use super::numfmt::NumberFormat;
use super::{Activation, ForwardTrace, Gradients, Loss, LossKind, Matrix, Network, OptimizerConfig};
use backward::{da_prev_step, delta_step, grad_b_step, grad_w_step, output_da_step, update_step};
pub use sources::{Source, sources};

/// A named quantity of the network, for highlighting what a step reads and writes.
/// Layer indices are 0-based (`Z(2)` is `z3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    X,
    Y,
    W(usize),
    B(usize),
    Z(usize),
    A(usize),
    Loss,
    Da(usize),
    Delta(usize),
    GradW(usize),
    GradB(usize),
    GradX,
}

/// What kind of step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Z,
    A,
    Loss,
    Da,
    Delta,
    GradW,
    GradB,
    DaPrev,
    Update,
    LossAfter,
}

/// A piece of a line: text or a number.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    T(String),
    N(f64),
}

fn t(s: impl Into<String>) -> Tok {
    Tok::T(s.into())
}

/// One element's computation: `target = stage1 = stage2 = ... = result`.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// `z3[2]`, `dL/dW3[1,2]`.
    pub target: String,
    /// The target's symbolic right-hand side, then the same with numbers, possibly in stages.
    pub stages: Vec<Vec<Tok>>,
    pub result: f64,
    /// The element written: (row, column) in the quantity's shown matrix.
    pub cell: (usize, usize),
}

impl Line {
    /// `z3[1] = 2·1 + (-1)·3 + 0·0 + 1 = 0`, written with `fmt`. See [`Line::render_with`].
    pub fn render(&self, fmt: NumberFormat) -> String {
        self.render_with(&|v| fmt.fmt(v))
    }

    /// The line with each number written by `num`, the one renderer of step lines (the window
    /// passes its [`NumberFormat`], the printed answer key its own). A number written with a
    /// leading minus is put in parentheses except right after an opening one: `relu(-1)`,
    /// `(-3 - 5)²`, not `relu((-1))`.
    pub fn render_with(&self, num: &dyn Fn(f64) -> String) -> String {
        let mut s = self.target.clone();
        for st in &self.stages {
            s.push_str(" = ");
            for tok in st {
                match tok {
                    Tok::T(x) => s.push_str(x),
                    Tok::N(v) => {
                        let n = num(*v);
                        if n.starts_with('-') && !s.ends_with('(') {
                            s.push('(');
                            s.push_str(&n);
                            s.push(')');
                        } else {
                            s.push_str(&n);
                        }
                    }
                }
            }
        }
        s.push_str(" = ");
        s.push_str(&num(self.result));
        s
    }
}

/// One step of the chain rule.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainStep {
    pub kind: StepKind,
    /// 0-based layer, if the step belongs to one.
    pub layer: Option<usize>,
    /// "Layer 3: pre-activation z3".
    pub title: String,
    /// The formula in symbols: "z3 = W3 a2 + b3".
    pub formula: String,
    pub reads: Vec<Quantity>,
    pub writes: Quantity,
    /// One line per element (at most [`MAX_LINES`]).
    pub lines: Vec<Line>,
    /// Lines left out because the quantity is large.
    pub omitted: usize,
    /// The computed value: a column for per-sample quantities, the whole matrix for gradients
    /// and updates, `1 x 1` for a loss.
    pub result: Matrix,
}

/// At most this many lines per step.
pub const MAX_LINES: usize = 256;
/// At most this many terms of a sum are written out in a line; the rest are counted.
pub const MAX_TERMS: usize = 32;

/// Notes the terms of a sum of `n` that were left out of a line.
fn more_terms(st: &mut Vec<Tok>, n: usize) {
    if n > MAX_TERMS {
        st.push(t(format!(" + ... ({} more terms)", n - MAX_TERMS)));
    }
}

/// The update information for the last steps: the optimizer, the network after one step and
/// the loss after it.
pub struct UpdateInfo<'a> {
    pub optimizer: &'a OptimizerConfig,
    pub after: &'a Network,
    pub loss_after: f64,
}

/// `a2`, `x` for layer 0's input.
fn a_name(l: usize) -> String {
    if l == 0 { "x".into() } else { format!("a{l}") }
}

struct Builder {
    lines: Vec<Line>,
    omitted: usize,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            lines: Vec::new(),
            omitted: 0,
        }
    }
    fn push(&mut self, line: Line) {
        if self.lines.len() < MAX_LINES {
            self.lines.push(line);
        } else {
            self.omitted += 1;
        }
    }
}

/// Builds every step for sample `sample` (0-based column of the batch).
pub fn chain_steps(
    net: &Network,
    fwd: &ForwardTrace,
    grads: &Gradients,
    loss: &Loss,
    y: &Matrix,
    sample: usize,
    update: Option<UpdateInfo<'_>>,
) -> Vec<ChainStep> {
    let n = net.len();
    let s = sample.min(fwd.batch().saturating_sub(1));
    let mut steps = Vec::new();
    for l in 0..n {
        steps.push(z_step(net, fwd, l, s));
        steps.push(a_step(net, fwd, l, s));
    }
    steps.push(loss_step(fwd, grads, loss, y, n));
    for l in (0..n).rev() {
        if l == n - 1 {
            steps.push(output_da_step(fwd, grads, loss, y, l, s));
        }
        steps.push(delta_step(net, fwd, grads, loss, y, l, s));
        steps.push(grad_w_step(net, fwd, grads, l));
        steps.push(grad_b_step(net, grads, l));
        steps.push(da_prev_step(net, grads, l, s));
    }
    if let Some(u) = update {
        for l in 0..n {
            steps.push(update_step(net, grads, &u, l));
        }
        steps.push(ChainStep {
            kind: StepKind::LossAfter,
            layer: None,
            title: "Loss after the update".into(),
            formula: "forward pass again with the updated weights".into(),
            reads: (0..n).flat_map(|l| [Quantity::W(l), Quantity::B(l)]).collect(),
            writes: Quantity::Loss,
            lines: vec![Line {
                target: "L".into(),
                stages: vec![vec![t("before "), Tok::N(grads.loss), t(", after")]],
                result: u.loss_after,
                cell: (0, 0),
            }],
            omitted: 0,
            result: Matrix::from_element(1, 1, u.loss_after),
        });
    }
    steps
}

fn z_step(net: &Network, fwd: &ForwardTrace, l: usize, s: usize) -> ChainStep {
    let layer = &net.layers()[l];
    let input = fwd.input_of(l);
    let z = &fwd.layers[l].z;
    let (k, prev) = (l + 1, a_name(l));
    let mut b = Builder::new();
    for j in 0..layer.units() {
        let mut st = Vec::new();
        for i in 0..layer.inputs().min(MAX_TERMS) {
            if i > 0 {
                st.push(t(" + "));
            }
            st.push(Tok::N(layer.weights[(j, i)]));
            st.push(t("·"));
            st.push(Tok::N(input[(i, s)]));
        }
        more_terms(&mut st, layer.inputs());
        st.push(t(" + "));
        st.push(Tok::N(layer.bias[j]));
        b.push(Line {
            target: format!("z{k}[{}]", j + 1),
            stages: vec![st],
            result: z[(j, s)],
            cell: (j, 0),
        });
    }
    ChainStep {
        kind: StepKind::Z,
        layer: Some(l),
        title: format!("Layer {k}: pre-activation z{k}"),
        formula: format!("z{k} = W{k} {prev} + b{k}   (z{k}[j] = sum_i W{k}[j,i] {prev}[i] + b{k}[j])"),
        reads: vec![
            Quantity::W(l),
            if l == 0 { Quantity::X } else { Quantity::A(l - 1) },
            Quantity::B(l),
        ],
        writes: Quantity::Z(l),
        lines: b.lines,
        omitted: b.omitted,
        result: z.columns(s, 1).into_owned(),
    }
}

fn a_step(net: &Network, fwd: &ForwardTrace, l: usize, s: usize) -> ChainStep {
    let act = net.layers()[l].activation;
    let (z, a) = (&fwd.layers[l].z, &fwd.layers[l].a);
    let k = l + 1;
    let mut b = Builder::new();
    for j in 0..z.nrows() {
        let stages = if act == Activation::Softmax {
            let mut st = vec![t("e^"), Tok::N(z[(j, s)]), t(" / (")];
            for i in 0..z.nrows() {
                if i > 0 {
                    st.push(t(" + "));
                }
                st.push(t("e^"));
                st.push(Tok::N(z[(i, s)]));
            }
            st.push(t(")"));
            vec![st]
        } else {
            vec![vec![t(format!("{}(", act.name())), Tok::N(z[(j, s)]), t(")")]]
        };
        b.push(Line {
            target: format!("a{k}[{}]", j + 1),
            stages,
            result: a[(j, s)],
            cell: (j, 0),
        });
    }
    ChainStep {
        kind: StepKind::A,
        layer: Some(l),
        title: format!("Layer {k}: activation a{k} = {}(z{k})", act.name()),
        formula: format!("a{k} = {}(z{k}),  {}", act.name(), act.formula().0),
        reads: vec![Quantity::Z(l)],
        writes: Quantity::A(l),
        lines: b.lines,
        omitted: b.omitted,
        result: a.columns(s, 1).into_owned(),
    }
}

fn loss_step(fwd: &ForwardTrace, grads: &Gradients, loss: &Loss, y: &Matrix, n: usize) -> ChainStep {
    let out = &fwd.layers[n - 1];
    let (kk, bb) = out.a.shape();
    let div = loss.divisor(kk, bb);
    let mut st = Vec::new();
    if div != 1.0 {
        st.push(t("(1/"));
        st.push(Tok::N(div));
        st.push(t(")·["));
    } else if loss.kind == LossKind::SseHalf {
        st.push(t("½·["));
    } else {
        st.push(t("["));
    }
    if loss.kind == LossKind::SseHalf && div != 1.0 {
        st.push(t("½·("));
    }
    let mut first = true;
    let mut shown = 0;
    for j in 0..bb {
        for i in 0..kk {
            let (a, yv) = (out.a[(i, j)], y[(i, j)]);
            if loss.kind == LossKind::CrossEntropy && yv == 0.0 {
                continue;
            }
            if shown >= 32 {
                st.push(t(" + ..."));
                break;
            }
            if !first {
                st.push(t(" + "));
            }
            first = false;
            shown += 1;
            match loss.kind {
                LossKind::Mse | LossKind::SseHalf => {
                    st.extend([t("("), Tok::N(a), t(" - "), Tok::N(yv), t(")²")]);
                }
                LossKind::Mae => st.extend([t("|"), Tok::N(a), t(" - "), Tok::N(yv), t("|")]),
                LossKind::Huber { delta } if (a - yv).abs() < delta => {
                    st.extend([t("½·("), Tok::N(a), t(" - "), Tok::N(yv), t(")²")]);
                }
                LossKind::Huber { delta } => st.extend([
                    Tok::N(delta),
                    t("·(|"),
                    Tok::N(a),
                    t(" - "),
                    Tok::N(yv),
                    t("| - ½·"),
                    Tok::N(delta),
                    t(")"),
                ]),
                LossKind::Bce => st.extend([
                    t("-("),
                    Tok::N(yv),
                    t("·ln "),
                    Tok::N(a),
                    t(" + "),
                    Tok::N(1.0 - yv),
                    t("·ln "),
                    Tok::N(1.0 - a),
                    t(")"),
                ]),
                LossKind::CrossEntropy => {
                    st.extend([t("-"), Tok::N(yv), t("·ln "), Tok::N(out.a[(i, j)])]);
                }
            }
        }
    }
    if loss.kind == LossKind::SseHalf && div != 1.0 {
        st.push(t(")"));
    }
    st.push(t("]"));
    ChainStep {
        kind: StepKind::Loss,
        layer: None,
        title: format!("Loss ({}, reduction {})", loss.kind.name(), loss.reduction.name()),
        formula: loss.formula(),
        reads: vec![Quantity::A(n - 1), Quantity::Y],
        writes: Quantity::Loss,
        lines: vec![Line {
            target: "L".into(),
            stages: vec![st],
            result: grads.loss,
            cell: (0, 0),
        }],
        omitted: 0,
        result: Matrix::from_element(1, 1, grads.loss),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::trace::{backward, forward};
    use crate::nn::{Activation, Layer};

    /// A 40-input layer writes out 32 terms of each sum and counts the other 8; the result is
    /// still the full sum: 40 inputs of 1 times weights of 1 = 40.
    #[test]
    fn long_sums_are_shortened_but_not_their_results() {
        let layer = Layer {
            activation: Activation::Identity,
            weights: Matrix::from_element(1, 40, 1.0),
            bias: crate::nn::Vector::zeros(1),
        };
        let net = Network::new(40, vec![layer]).unwrap();
        let x = Matrix::from_element(40, 1, 1.0);
        let y = Matrix::zeros(1, 1);
        let loss = Loss::new(LossKind::SseHalf);
        let f = forward(&net, &x);
        let g = backward(&net, &f, &y, &loss);
        let steps = chain_steps(&net, &f, &g, &loss, &y, 0, None);
        let z = &steps[0].lines[0];
        let text = z.render(NumberFormat::Auto);
        assert!(text.ends_with("+ ... (8 more terms) + 0 = 40"), "{text}");
        assert_eq!(text.matches('·').count(), 32);
    }
}
