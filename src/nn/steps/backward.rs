//! The backward half of the chain-rule steps: `dL/da`, `delta`, `dL/dW`, `dL/db`,
//! `dL/da_prev` for each layer from the output back, then each layer's update.

use super::{Builder, ChainStep, Line, MAX_TERMS, Quantity, StepKind, Tok, UpdateInfo, a_name, more_terms, t};
use crate::nn::{Activation, ForwardTrace, Gradients, Loss, LossKind, Matrix, Network, OptimizerConfig, OptimizerKind};

pub(super) fn output_da_step(
    fwd: &ForwardTrace,
    grads: &Gradients,
    loss: &Loss,
    y: &Matrix,
    l: usize,
    s: usize,
) -> ChainStep {
    let a = &fwd.layers[l].a;
    let da = &grads.layers[l].da;
    let k = l + 1;
    let div = loss.divisor(a.nrows(), a.ncols());
    let mut b = Builder::new();
    for j in 0..a.nrows() {
        let (av, yv) = (a[(j, s)], y[(j, s)]);
        let mut st = match loss.kind {
            LossKind::Mse => vec![t("2·("), Tok::N(av), t(" - "), Tok::N(yv), t(")")],
            LossKind::SseHalf => vec![t("("), Tok::N(av), t(" - "), Tok::N(yv), t(")")],
            LossKind::Mae => vec![t("sign("), Tok::N(av), t(" - "), Tok::N(yv), t(")")],
            LossKind::Huber { delta } if (av - yv).abs() <= delta => {
                vec![t("("), Tok::N(av), t(" - "), Tok::N(yv), t(")")]
            }
            LossKind::Huber { delta } => vec![Tok::N(delta), t("·sign("), Tok::N(av), t(" - "), Tok::N(yv), t(")")],
            LossKind::Bce => vec![
                t("("),
                Tok::N(av),
                t(" - "),
                Tok::N(yv),
                t(") / ("),
                Tok::N(av),
                t("·"),
                Tok::N(1.0 - av),
                t(")"),
            ],
            LossKind::CrossEntropy => vec![t("-"), Tok::N(yv), t(" / "), Tok::N(av)],
        };
        if div != 1.0 {
            st.push(t(" / "));
            st.push(Tok::N(div));
        }
        b.push(Line {
            target: format!("dL/da{k}[{}]", j + 1),
            stages: vec![st],
            result: da[(j, s)],
            cell: (j, 0),
        });
    }
    ChainStep {
        kind: StepKind::Da,
        layer: Some(l),
        title: format!("Output layer {k}: dL/da{k} from the loss"),
        formula: loss.grad_formula(),
        reads: vec![Quantity::A(l), Quantity::Y],
        writes: Quantity::Da(l),
        lines: b.lines,
        omitted: b.omitted,
        result: da.columns(s, 1).into_owned(),
    }
}

pub(super) fn delta_step(
    net: &Network,
    fwd: &ForwardTrace,
    grads: &Gradients,
    loss: &Loss,
    y: &Matrix,
    l: usize,
    s: usize,
) -> ChainStep {
    let act = net.layers()[l].activation;
    let (z, a) = (&fwd.layers[l].z, &fwd.layers[l].a);
    let g = &grads.layers[l];
    let k = l + 1;
    let fused = l + 1 == net.len() && act == Activation::Softmax && loss.kind == LossKind::CrossEntropy;
    let bce_sigmoid = l + 1 == net.len() && act == Activation::Sigmoid && loss.kind == LossKind::Bce;
    let div = loss.divisor(a.nrows(), a.ncols());
    let mut b = Builder::new();
    for j in 0..z.nrows() {
        let stages = if fused {
            let mut st = vec![t("("), Tok::N(a[(j, s)]), t(" - "), Tok::N(y[(j, s)]), t(")")];
            if div != 1.0 {
                st.extend([t(" / "), Tok::N(div)]);
            }
            vec![st]
        } else if act == Activation::Softmax {
            vec![vec![t("softmax Jacobian · dL/da")]]
        } else {
            let fp = act.derivative(z[(j, s)], a[(j, s)]);
            let mut stages = vec![
                vec![
                    Tok::N(g.da[(j, s)]),
                    t(format!(" · {}'(", act.name())),
                    Tok::N(z[(j, s)]),
                    t(")"),
                ],
                vec![Tok::N(g.da[(j, s)]), t(" · "), Tok::N(fp)],
            ];
            if bce_sigmoid {
                // σ'(z) = a (1 - a) cancels the denominator of dL/da: δ = (a - y) / B.
                let (av, yv) = (a[(j, s)], y[(j, s)]);
                let over = |st: &mut Vec<Tok>| {
                    if div != 1.0 {
                        st.extend([t(" / "), Tok::N(div)]);
                    }
                };
                let mut both = vec![
                    t("("),
                    Tok::N(av),
                    t(" - "),
                    Tok::N(yv),
                    t(") / ("),
                    Tok::N(av),
                    t("·"),
                    Tok::N(1.0 - av),
                    t(") · "),
                    Tok::N(av),
                    t("·"),
                    Tok::N(1.0 - av),
                ];
                over(&mut both);
                let mut cancelled = vec![t("("), Tok::N(av), t(" - "), Tok::N(yv), t(")")];
                over(&mut cancelled);
                stages.extend([both, cancelled]);
            }
            stages
        };
        b.push(Line {
            target: format!("δ{k}[{}]", j + 1),
            stages,
            result: g.delta[(j, s)],
            cell: (j, 0),
        });
    }
    let formula = if fused {
        format!(
            "δ{k} = (a{k} - y){}   (softmax with cross-entropy)",
            if div != 1.0 { " / B" } else { "" }
        )
    } else if bce_sigmoid {
        format!(
            "δ{k} = dL/da{k} * σ'(z{k}) = (a - y) / (a (1 - a)) · a (1 - a) = a - y{}   (σ' = a (1 - a) cancels)",
            if div != 1.0 { " / BK" } else { "" }
        )
    } else {
        format!("δ{k} = dL/da{k} * f'(z{k}),  {}", act.formula().1)
    };
    ChainStep {
        kind: StepKind::Delta,
        layer: Some(l),
        title: format!("Layer {k}: delta δ{k} = dL/dz{k}"),
        formula,
        reads: if fused {
            vec![Quantity::A(l), Quantity::Y]
        } else {
            vec![Quantity::Da(l), Quantity::Z(l)]
        },
        writes: Quantity::Delta(l),
        lines: b.lines,
        omitted: b.omitted,
        result: g.delta.columns(s, 1).into_owned(),
    }
}

pub(super) fn grad_w_step(net: &Network, fwd: &ForwardTrace, grads: &Gradients, l: usize) -> ChainStep {
    let layer = &net.layers()[l];
    let input = fwd.input_of(l);
    let g = &grads.layers[l];
    let (k, prev) = (l + 1, a_name(l));
    let batch = fwd.batch();
    let mut b = Builder::new();
    for j in 0..layer.units() {
        for i in 0..layer.inputs() {
            let mut st = Vec::new();
            for n in 0..batch.min(8) {
                if n > 0 {
                    st.push(t(" + "));
                }
                st.push(Tok::N(g.delta[(j, n)]));
                st.push(t("·"));
                st.push(Tok::N(input[(i, n)]));
            }
            if batch > 8 {
                st.push(t(" + ..."));
            }
            b.push(Line {
                target: format!("dL/dW{k}[{},{}]", j + 1, i + 1),
                stages: vec![st],
                result: g.weights[(j, i)],
                cell: (j, i),
            });
        }
    }
    let sum = if batch > 1 {
        "summed over the batch"
    } else {
        "one sample"
    };
    ChainStep {
        kind: StepKind::GradW,
        layer: Some(l),
        title: format!("Layer {k}: weight gradient dL/dW{k}"),
        formula: format!("dL/dW{k} = δ{k} {prev}^T   (dL/dW{k}[j,i] = δ{k}[j] {prev}[i], {sum})"),
        reads: vec![
            Quantity::Delta(l),
            if l == 0 { Quantity::X } else { Quantity::A(l - 1) },
        ],
        writes: Quantity::GradW(l),
        lines: b.lines,
        omitted: b.omitted,
        result: g.weights.clone(),
    }
}

pub(super) fn grad_b_step(net: &Network, grads: &Gradients, l: usize) -> ChainStep {
    let g = &grads.layers[l];
    let k = l + 1;
    let batch = g.delta.ncols();
    let mut b = Builder::new();
    for j in 0..net.layers()[l].units() {
        let mut st = Vec::new();
        for n in 0..batch.min(8) {
            if n > 0 {
                st.push(t(" + "));
            }
            st.push(Tok::N(g.delta[(j, n)]));
        }
        if batch > 8 {
            st.push(t(" + ..."));
        }
        b.push(Line {
            target: format!("dL/db{k}[{}]", j + 1),
            stages: vec![st],
            result: g.bias[j],
            cell: (j, 0),
        });
    }
    ChainStep {
        kind: StepKind::GradB,
        layer: Some(l),
        title: format!("Layer {k}: bias gradient dL/db{k}"),
        formula: format!(
            "dL/db{k} = δ{k}{}",
            if batch > 1 { "   (summed over the batch)" } else { "" }
        ),
        reads: vec![Quantity::Delta(l)],
        writes: Quantity::GradB(l),
        lines: b.lines,
        omitted: b.omitted,
        result: Matrix::from_column_slice(g.bias.len(), 1, g.bias.as_slice()),
    }
}

pub(super) fn da_prev_step(net: &Network, grads: &Gradients, l: usize, s: usize) -> ChainStep {
    let layer = &net.layers()[l];
    let g = &grads.layers[l];
    let k = l + 1;
    let (target_name, result, writes) = if l == 0 {
        ("dL/dx".to_string(), &grads.input, Quantity::GradX)
    } else {
        (format!("dL/da{l}"), &grads.layers[l - 1].da, Quantity::Da(l - 1))
    };
    let mut b = Builder::new();
    for i in 0..layer.inputs() {
        let mut st = Vec::new();
        for j in 0..layer.units().min(MAX_TERMS) {
            if j > 0 {
                st.push(t(" + "));
            }
            st.push(Tok::N(layer.weights[(j, i)]));
            st.push(t("·"));
            st.push(Tok::N(g.delta[(j, s)]));
        }
        more_terms(&mut st, layer.units());
        let value = if result.nrows() > i { result[(i, s)] } else { f64::NAN };
        b.push(Line {
            target: format!("{target_name}[{}]", i + 1),
            stages: vec![st],
            result: value,
            cell: (i, 0),
        });
    }
    let res = if result.ncols() > s {
        result.columns(s, 1).into_owned()
    } else {
        Matrix::zeros(layer.inputs(), 1)
    };
    ChainStep {
        kind: StepKind::DaPrev,
        layer: Some(l),
        title: if l == 0 {
            "Layer 1: gradient of the input dL/dx".into()
        } else {
            format!("Layer {k}: pass back {target_name}")
        },
        formula: format!("{target_name} = W{k}^T δ{k}   ({target_name}[i] = sum_j W{k}[j,i] δ{k}[j])"),
        reads: vec![Quantity::W(l), Quantity::Delta(l)],
        writes,
        lines: b.lines,
        omitted: b.omitted,
        result: res,
    }
}

/// The lines of one element's update: the optimizer's intermediate values (each its own line,
/// with the element's cell, so whatever keeps the element keeps them), then the element. Every
/// intermediate is the first step's from fresh state (the step an exercise asks for); when the
/// optimizer has a history (the window after "Apply update") and the first-step values would
/// not give `new`, one line names the gradient the optimizer used instead.
fn update_lines(c: &OptimizerConfig, target: &str, old: f64, grad: f64, new: f64) -> Vec<(String, Vec<Tok>, f64)> {
    let n = Tok::N;
    let (lr, wd) = (c.lr, c.weight_decay);
    let coupled = wd != 0.0 && c.kind != OptimizerKind::Adamw;
    let g = if coupled { grad + wd * old } else { grad };
    let mut out = Vec::new();
    if coupled {
        out.push((
            format!("g({target})"),
            vec![n(grad), t(" + "), n(wd), t("·"), n(old)],
            g,
        ));
    }
    let first: f64 = match c.kind {
        OptimizerKind::Sgd => {
            let mut st = vec![n(old), t(" - "), n(lr), t("·")];
            if c.momentum != 0.0 {
                out.push((format!("buf({target}) = g on the first step"), Vec::new(), g));
            }
            if c.nesterov {
                st.extend([t("("), n(g), t(" + "), n(c.momentum), t("·"), n(g), t(")")]);
            } else if coupled {
                st.extend([t("("), n(grad), t(" + "), n(wd), t("·"), n(old), t(")")]);
            } else {
                st.push(n(g));
            }
            let step = if c.nesterov { g + c.momentum * g } else { g };
            out.push((target.to_string(), st, old - lr * step));
            old - lr * step
        }
        OptimizerKind::Adam | OptimizerKind::Adamw => {
            let mut base = old;
            if c.kind == OptimizerKind::Adamw && wd != 0.0 {
                base = old * (1.0 - lr * wd);
                out.push((
                    format!("{target} decayed"),
                    vec![n(old), t("·(1 - "), n(lr), t("·"), n(wd), t(")")],
                    base,
                ));
            }
            let m = (1.0 - c.beta1) * g;
            let v = (1.0 - c.beta2) * g * g;
            let (mh, vh) = (m / (1.0 - c.beta1), v / (1.0 - c.beta2));
            out.push((format!("m({target})"), vec![t("(1 - "), n(c.beta1), t(")·"), n(g)], m));
            out.push((
                format!("v({target})"),
                vec![t("(1 - "), n(c.beta2), t(")·"), n(g), t("²")],
                v,
            ));
            out.push((
                format!("m̂({target})"),
                vec![n(m), t(" / (1 - "), n(c.beta1), t(")")],
                mh,
            ));
            out.push((
                format!("v̂({target})"),
                vec![n(v), t(" / (1 - "), n(c.beta2), t(")")],
                vh,
            ));
            let st = vec![
                n(base),
                t(" - "),
                n(lr),
                t("·"),
                n(mh),
                t(" / (√"),
                n(vh),
                t(" + "),
                n(c.eps),
                t(")"),
            ];
            let w = base - lr * mh / (vh.sqrt() + c.eps);
            out.push((target.to_string(), st, w));
            w
        }
        OptimizerKind::Rmsprop => {
            let sq = (1.0 - c.alpha) * g * g;
            out.push((
                format!("sq({target})"),
                vec![t("(1 - "), n(c.alpha), t(")·"), n(g), t("²")],
                sq,
            ));
            let st = vec![
                n(old),
                t(" - "),
                n(lr),
                t("·"),
                n(g),
                t(" / (√"),
                n(sq),
                t(" + "),
                n(c.eps),
                t(")"),
            ];
            let w = old - lr * g / (sq.sqrt() + c.eps);
            out.push((target.to_string(), st, w));
            w
        }
    };
    let agrees = (first - new).abs() <= 1e-9 * (1.0 + new.abs());
    if !agrees {
        out.clear();
        out.push((
            target.to_string(),
            vec![
                n(old),
                t(format!(
                    " updated by {} (with its history) from dL/d{target} = ",
                    c.kind.name()
                )),
                n(grad),
            ],
            new,
        ));
    } else if let Some(last) = out.last_mut() {
        last.2 = new;
    }
    out
}

pub(super) fn update_step(net: &Network, grads: &Gradients, u: &UpdateInfo<'_>, l: usize) -> ChainStep {
    let before = &net.layers()[l];
    let after = &u.after.layers()[l];
    let g = &grads.layers[l];
    let k = l + 1;
    let c = u.optimizer;
    let plain = c.kind == OptimizerKind::Sgd && c.momentum == 0.0 && c.weight_decay == 0.0;
    let mut b = Builder::new();
    let mut line = |target: String, old: f64, grad: f64, new: f64, cell| {
        for (target, st, result) in update_lines(c, &target, old, grad, new) {
            b.push(Line {
                target,
                stages: if st.is_empty() { Vec::new() } else { vec![st] },
                result,
                cell,
            });
        }
    };
    for j in 0..before.units() {
        for i in 0..before.inputs() {
            line(
                format!("W{k}[{},{}]", j + 1, i + 1),
                before.weights[(j, i)],
                g.weights[(j, i)],
                after.weights[(j, i)],
                (j, i),
            );
        }
    }
    for j in 0..before.units() {
        line(
            format!("b{k}[{}]", j + 1),
            before.bias[j],
            g.bias[j],
            after.bias[j],
            (j, before.inputs()),
        );
    }
    let formula = if plain {
        format!(
            "W{k} <- W{k} - lr dL/dW{k},  b{k} <- b{k} - lr dL/db{k}   (lr = {})",
            c.lr
        )
    } else {
        format!("{}   ({}, lr = {})", c.formula(), c.kind.name(), c.lr)
    };
    ChainStep {
        kind: StepKind::Update,
        layer: Some(l),
        title: format!("Layer {k}: update W{k} and b{k}"),
        formula,
        reads: vec![Quantity::W(l), Quantity::B(l), Quantity::GradW(l), Quantity::GradB(l)],
        writes: Quantity::W(l),
        lines: b.lines,
        omitted: b.omitted,
        result: after.weights.clone(),
    }
}
