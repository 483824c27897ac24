//! The NumPy script: the forward and backward passes written out layer by layer as the stepper
//! shows them (`z1 = W1 @ a0 + b1`, one column per sample), the loss as the lesson defines it
//! and the optimizer as torch.optim's single-tensor update, with nothing hidden in a library.

use super::py;
use crate::nn::doc::NetworkDoc;
use crate::nn::{Activation, Loss, LossKind, Network, OptimizerConfig, OptimizerKind, Reduction};

/// The script of a network file or network cell (see [`super::script`] for the contract).
pub fn network(doc: &NetworkDoc, steps: usize) -> String {
    let net = &doc.net;
    let title = doc.name.as_deref().map_or("network".to_string(), py::comment_text);
    let mut s = format!(
        "#!/usr/bin/env python3\n\
         # {title}: exported from MLP Notebook as a NumPy script.\n\
         #\n\
         # Run it with `python3 {{this file}} [STEPS]`. With STEPS = 0 it makes one forward and\n\
         # backward pass and prints the JSON of `mlp-notebook trace FILE --json`; with STEPS = N it\n\
         # runs N full-batch steps of {opt} and prints the JSON of\n\
         # `mlp-notebook train FILE --steps N --json`.\n\
         #\n{conventions}\n\
         import json\n\
         import math\n\
         import sys\n\n\
         import numpy as np\n\n\
         STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else {steps}\n\n",
        opt = super::pytorch::optimizer_text(&doc.optimizer),
        conventions = CONVENTIONS,
    );
    s.push_str(&params_block(net));
    s.push_str(&format!(
        "# The data: one row per sample in the file ({b} samples), turned into one column per\n\
         # sample as the stepper shows them (a0 is the input, t the targets).\n\
         x = np.array({x})\n\
         y = np.array({y})\n\
         a0 = x.T\n\
         t = y.T\n\n",
        b = doc.x.ncols(),
        x = py::samples(&doc.x, 0),
        y = py::samples(&doc.y, 0),
    ));
    s.push_str(&activation_defs(net));
    s.push_str(&loss_def(&doc.loss, output_activation(net)));
    s.push_str(&forward_def(net));
    s.push_str(&backward_def(net, false));
    s.push_str(&optimizer_def(&doc.optimizer));
    s.push_str(&main_def(net.len()));
    s
}

/// The lesson conventions every NumPy script starts with.
pub const CONVENTIONS: &str = "\
# Conventions (as in the app and its lessons):
# - Layers are numbered from 1: W1, b1, z1, a1 belong to layer 1; a0 is the input x.
# - W_l is units x inputs: row j holds the weights into unit j (PyTorch's nn.Linear.weight).
# - A batch holds one column per sample: z_l = W_l @ a_(l-1) + b_l and a_l = f_l(z_l).
# - delta_l = dL/dz_l; dL/dW_l = delta_l @ a_(l-1).T; dL/db_l is delta_l summed over the
#   batch (the loss already holds the averaging); dL/dx = (W1.T @ delta1).T.
# - relu'(0) = 0 and leaky_relu'(0) = 0.01, as PyTorch's autograd.
# - The printed JSON has one row per sample, as the files and PyTorch.
";

pub(crate) fn output_activation(net: &Network) -> Activation {
    net.layers().last().map_or(Activation::Identity, |l| l.activation)
}

/// `W1 = np.array(...)` and `b1 = ...` for every layer.
pub(crate) fn params_block(net: &Network) -> String {
    let mut s = String::from("# The network, layer by layer.\n");
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "# Layer {n}: {units} units, {act}; W{n} is {units} x {inputs}.\n\
             W{n} = np.array({w})\n\
             b{n} = np.array({b})\n",
            units = l.units(),
            inputs = l.weights.ncols(),
            act = l.activation.name(),
            w = py::matrix(&l.weights, 0),
            b = py::list(l.bias.iter()),
        ));
    }
    s.push('\n');
    s
}

/// Each activation the network uses, beside its derivative `f'(z)` given `z` and `a = f(z)`.
pub(crate) fn activation_defs(net: &Network) -> String {
    let mut used: Vec<Activation> = Vec::new();
    for l in net.layers() {
        if !used.contains(&l.activation) {
            used.push(l.activation);
        }
    }
    let mut s = String::from("# Each activation beside its derivative f'(z), given z and a = f(z).\n");
    let needs_sigmoid = used
        .iter()
        .any(|a| matches!(a, Activation::Sigmoid | Activation::Softplus));
    if needs_sigmoid && !used.contains(&Activation::Sigmoid) {
        used.push(Activation::Sigmoid);
    }
    for a in used {
        s.push_str(match a {
            Activation::Identity => {
                "def identity(z):\n    return z\n\n\ndef identity_grad(z, a):\n    return np.ones_like(z)\n\n\n"
            }
            Activation::Relu => {
                "def relu(z):\n    return np.where(z > 0, z, 0.0)\n\n\n\
                 def relu_grad(z, a):\n    return np.where(z > 0, 1.0, 0.0)  # relu'(0) = 0\n\n\n"
            }
            Activation::LeakyRelu => {
                "def leaky_relu(z):\n    return np.where(z > 0, z, 0.01 * z)\n\n\n\
                 def leaky_relu_grad(z, a):\n    return np.where(z > 0, 1.0, 0.01)  # leaky_relu'(0) = 0.01\n\n\n"
            }
            Activation::Sigmoid => {
                "def sigmoid(z):\n    e = np.exp(-np.abs(z))  # never overflows\n    \
                 return np.where(z >= 0, 1.0, e) / (1.0 + e)\n\n\n\
                 def sigmoid_grad(z, a):\n    return a * (1.0 - a)\n\n\n"
            }
            Activation::Tanh => {
                "def tanh(z):\n    return np.tanh(z)\n\n\ndef tanh_grad(z, a):\n    return 1.0 - a * a\n\n\n"
            }
            Activation::Softmax => {
                "def softmax(z):\n    # Per column (sample), shifted by its maximum so nothing overflows.\n    \
                 e = np.exp(z - z.max(axis=0))\n    return e / e.sum(axis=0)\n\n\n"
            }
            Activation::Gelu => {
                "_erf = np.vectorize(math.erf)\n\n\n\
                 def gelu(z):\n    # The exact erf form (torch's approximate='none').\n    \
                 return 0.5 * z * (1.0 + _erf(z * 0.7071067811865476))\n\n\n\
                 def gelu_grad(z, a):\n    cdf = 0.5 * (1.0 + _erf(z * 0.7071067811865476))\n    \
                 pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)\n    return cdf + z * pdf\n\n\n"
            }
            Activation::Elu => {
                "def elu(z):\n    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))  # alpha = 1\n\n\n\
                 def elu_grad(z, a):\n    return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))\n\n\n"
            }
            Activation::Softplus => {
                "def softplus(z):\n    # PyTorch's threshold: z itself above 20.\n    \
                 return np.where(z > 20, z, np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))))\n\n\n\
                 def softplus_grad(z, a):\n    return np.where(z > 20, 1.0, sigmoid(z))\n\n\n"
            }
        });
    }
    s
}

/// `loss_and_delta(zL, aL, t)`: the loss and `delta_L = dL/dz_L` of the output layer.
pub(crate) fn loss_def(loss: &Loss, out: Activation) -> String {
    let divisor = match (loss.reduction, loss.kind) {
        (Reduction::Sum, _) => ("1.0", "no averaging"),
        (Reduction::Mean, LossKind::CrossEntropy) => ("B", "the mean over the batch"),
        (Reduction::Mean, _) => ("B * K", "the mean over batch and outputs"),
    };
    let mut s = format!(
        "def loss_and_delta(zL, aL, t):\n    \
         \"\"\"The loss, {formula} ({name}, {why}), and delta = dL/dz of the output layer.\"\"\"\n    \
         K, B = aL.shape\n    n = {n}\n    d = aL - t\n",
        formula = loss.formula(),
        name = loss.kind.name(),
        why = divisor.1,
        n = divisor.0,
    );
    let (value, grad) = match loss.kind {
        LossKind::Mse => ("np.sum(d * d) / n", "2.0 * d / n"),
        LossKind::Mae => ("np.sum(np.abs(d)) / n", "np.sign(d) / n"),
        LossKind::Huber { delta } => {
            s.push_str(&format!("    delta = {}\n", py::float(delta)));
            (
                "np.sum(np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))) / n",
                "np.where(np.abs(d) <= delta, d, delta * np.sign(d)) / n",
            )
        }
        LossKind::Bce => {
            s.push_str(
                "    # PyTorch's BCELoss clamps each log at -100 and the gradient's denominator at 1e-12.\n    \
                 with np.errstate(divide=\"ignore\"):\n        \
                 log_a = np.maximum(np.log(aL), -100.0)\n        \
                 log_1a = np.maximum(np.log(1.0 - aL), -100.0)\n",
            );
            (
                "-np.sum(t * log_a + (1.0 - t) * log_1a) / n",
                "d / np.maximum(aL * (1.0 - aL), 1e-12) / n",
            )
        }
        LossKind::CrossEntropy => {
            s.push_str(
                "    # NLL of log_softmax(z), as PyTorch computes it; with the softmax output the\n    \
                 # delta is (softmax(z) * sum(y) - y) / n, which is (a - y) / n for one-hot targets.\n    \
                 m = zL.max(axis=0)\n    \
                 lse = m + np.log(np.exp(zL - m).sum(axis=0))\n    \
                 loss = -np.sum(t * (zL - lse)) / n\n",
            );
            if out == Activation::Softmax {
                s.push_str("    return loss, (aL * t.sum(axis=0) - t) / n\n\n\n");
            } else {
                s.push_str("    da = np.where(t == 0, 0.0, -t / aL) / n\n");
                s.push_str(&output_delta(out));
            }
            return s;
        }
        LossKind::SseHalf => ("0.5 * np.sum(d * d) / n", "d / n"),
    };
    s.push_str(&format!("    loss = {value}\n    da = {grad}  # dL/da\n"));
    s.push_str(&output_delta(out));
    s
}

fn output_delta(out: Activation) -> String {
    if out == Activation::Softmax {
        "    # The softmax Jacobian, per sample: delta = a * (dL/da - sum_k dL/da_k a_k).\n    \
         return loss, aL * (da - (da * aL).sum(axis=0))\n\n\n"
            .into()
    } else {
        format!("    return loss, da * {}_grad(zL, aL)\n\n\n", out.name())
    }
}

/// `forward(p, a0)`: every z and a, written out layer by layer.
pub(crate) fn forward_def(net: &Network) -> String {
    let mut s = String::from(
        "def forward(p, a0):\n    \"\"\"The forward pass as the stepper shows it: z_l = W_l a_(l-1) + b_l, a_l = f_l(z_l).\"\"\"\n",
    );
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "    z{n} = p[\"W{n}\"] @ a{m} + p[\"b{n}\"][:, None]\n    a{n} = {f}(z{n})\n",
            m = i,
            f = l.activation.name()
        ));
    }
    let names: Vec<String> = (1..=net.len())
        .map(|n| format!("\"z{n}\": z{n}, \"a{n}\": a{n}"))
        .collect();
    s.push_str(&format!("    return {{\"a0\": a0, {}}}\n\n\n", names.join(", ")));
    s
}

/// `backward(p, v, t)`: the loss, every delta, every gradient and dL/dx, from the output back.
/// `l2` adds the training cell's penalty `l2 * sum W^2` (weights only) to the loss and
/// `2 l2 W` to each weight gradient.
pub(crate) fn backward_def(net: &Network, l2: bool) -> String {
    let last = net.len();
    let mut s = format!(
        "def backward(p, v, t):\n    \
         \"\"\"Backprop: the loss, delta_l = dL/dz_l for every layer, dL/dW_l, dL/db_l and dL/dx.\"\"\"\n    \
         loss, delta{last} = loss_and_delta(v[\"z{last}\"], v[\"a{last}\"], t)\n"
    );
    for n in (1..=last).rev() {
        if n != last {
            let act = net.layers()[n - 1].activation;
            if act == Activation::Softmax {
                s.push_str(&format!(
                    "    da{n} = p[\"W{k}\"].T @ delta{k}\n    a = v[\"a{n}\"]\n    \
                     delta{n} = a * (da{n} - (da{n} * a).sum(axis=0))  # the softmax Jacobian\n",
                    k = n + 1
                ));
            } else {
                s.push_str(&format!(
                    "    delta{n} = (p[\"W{k}\"].T @ delta{k}) * {f}_grad(v[\"z{n}\"], v[\"a{n}\"])\n",
                    k = n + 1,
                    f = act.name()
                ));
            }
        }
        s.push_str(&format!(
            "    dW{n} = delta{n} @ v[\"a{m}\"].T\n    db{n} = delta{n}.sum(axis=1)\n",
            m = n - 1
        ));
        if l2 {
            s.push_str(&format!("    dW{n} = dW{n} + 2.0 * L2 * p[\"W{n}\"]\n"));
        }
    }
    if l2 {
        let terms: Vec<String> = (1..=last).map(|n| format!("np.sum(p[\"W{n}\"] ** 2)")).collect();
        s.push_str(&format!("    loss = loss + L2 * ({})\n", terms.join(" + ")));
    }
    let deltas: Vec<String> = (1..=last).map(|n| format!("delta{n}")).collect();
    let grads: Vec<String> = (1..=last)
        .map(|n| format!("\"W{n}\": dW{n}, \"b{n}\": db{n}"))
        .collect();
    s.push_str(&format!(
        "    dx = p[\"W1\"].T @ delta1\n    return loss, [{}], {{{}}}, dx\n\n\n",
        deltas.join(", "),
        grads.join(", ")
    ));
    s
}

/// `step(p, g, state, lr)`: one update of every parameter tensor, each with its own state.
pub(crate) fn optimizer_def(c: &OptimizerConfig) -> String {
    let mut s = format!(
        "# The optimizer: {}, as torch.optim's single-tensor update\n\
         # (foreach=False). Every tensor (W1, b1, ...) keeps its own state and step count t.\n",
        super::pytorch::optimizer_text(c)
    );
    let f = py::float;
    s.push_str(&format!("WEIGHT_DECAY = {}\n", f(c.weight_decay)));
    let body = match c.kind {
        OptimizerKind::Sgd => {
            s.push_str(&format!(
                "MOMENTUM = {}\nDAMPENING = {}\nNESTEROV = {}\n\n\n",
                f(c.momentum),
                f(c.dampening),
                py::boolean(c.nesterov)
            ));
            "        g = g + WEIGHT_DECAY * p[k]  # coupled L2\n        \
             if MOMENTUM != 0:\n            \
             if s[\"t\"] == 1:\n                s[\"buf\"] = g  # no dampening on the first step\n            \
             else:\n                s[\"buf\"] = MOMENTUM * s[\"buf\"] + (1.0 - DAMPENING) * g\n            \
             g = g + MOMENTUM * s[\"buf\"] if NESTEROV else s[\"buf\"]\n        \
             p[k] = p[k] - lr * g\n"
        }
        OptimizerKind::Adam | OptimizerKind::Adamw => {
            s.push_str(&format!(
                "BETA1 = {}\nBETA2 = {}\nEPS = {}\n\n\n",
                f(c.beta1),
                f(c.beta2),
                f(c.eps)
            ));
            if c.kind == OptimizerKind::Adamw {
                "        p[k] = p[k] * (1.0 - lr * WEIGHT_DECAY)  # decoupled decay first\n        \
                 s[\"m\"] = BETA1 * s[\"m\"] + (1.0 - BETA1) * g\n        \
                 s[\"v\"] = BETA2 * s[\"v\"] + (1.0 - BETA2) * g * g\n        \
                 denom = np.sqrt(s[\"v\"]) / math.sqrt(1.0 - BETA2 ** s[\"t\"]) + EPS  # eps after the bias correction\n        \
                 p[k] = p[k] - lr / (1.0 - BETA1 ** s[\"t\"]) * s[\"m\"] / denom\n"
            } else {
                "        g = g + WEIGHT_DECAY * p[k]  # coupled L2\n        \
                 s[\"m\"] = BETA1 * s[\"m\"] + (1.0 - BETA1) * g\n        \
                 s[\"v\"] = BETA2 * s[\"v\"] + (1.0 - BETA2) * g * g\n        \
                 denom = np.sqrt(s[\"v\"]) / math.sqrt(1.0 - BETA2 ** s[\"t\"]) + EPS  # eps after the bias correction\n        \
                 p[k] = p[k] - lr / (1.0 - BETA1 ** s[\"t\"]) * s[\"m\"] / denom\n"
            }
        }
        OptimizerKind::Rmsprop => {
            s.push_str(&format!(
                "ALPHA = {}\nEPS = {}\nMOMENTUM = {}\n\n\n",
                f(c.alpha),
                f(c.eps),
                f(c.momentum)
            ));
            "        g = g + WEIGHT_DECAY * p[k]  # coupled L2\n        \
             s[\"v\"] = ALPHA * s[\"v\"] + (1.0 - ALPHA) * g * g\n        \
             avg = np.sqrt(s[\"v\"]) + EPS  # eps outside the square root\n        \
             if MOMENTUM > 0:\n            \
             s[\"buf\"] = MOMENTUM * s[\"buf\"] + g / avg\n            \
             p[k] = p[k] - lr * s[\"buf\"]\n        \
             else:\n            p[k] = p[k] - lr * g / avg\n"
        }
    };
    s.push_str(&format!(
        "def step(p, grads, state, lr={lr}):\n    \
         \"\"\"One update of every parameter tensor; `state` holds each tensor's t, buffers and moments.\"\"\"\n    \
         for k in p:\n        \
         s = state.setdefault(k, {{\"t\": 0, \"buf\": np.zeros_like(p[k]), \"m\": np.zeros_like(p[k]), \"v\": np.zeros_like(p[k])}})\n        \
         s[\"t\"] += 1\n        \
         g = grads[k]\n{body}\n\n",
        lr = f(c.lr)
    ));
    s
}

/// `main()` for a network: the trace, or STEPS full-batch steps.
fn main_def(layers: usize) -> String {
    let params: Vec<String> = (1..=layers)
        .map(|n| format!("\"W{n}\": W{n}, \"b{n}\": b{n}"))
        .collect();
    format!(
        "def main():\n    \
         p = {{{params}}}\n    \
         L = {layers}\n    \
         if STEPS == 0:\n        \
         v = forward(p, a0)\n        \
         loss, deltas, grads, dx = backward(p, v, t)\n        \
         out = {{\n            \
         \"loss\": float(loss),\n            \
         \"layers\": [\n                {{\n                    \
         \"z\": v[f\"z{{l}}\"].T.tolist(),\n                    \
         \"a\": v[f\"a{{l}}\"].T.tolist(),\n                    \
         \"delta\": deltas[l - 1].T.tolist(),\n                    \
         \"grad_weights\": grads[f\"W{{l}}\"].tolist(),\n                    \
         \"grad_bias\": grads[f\"b{{l}}\"].tolist(),\n                }}\n                \
         for l in range(1, L + 1)\n            ],\n            \
         \"grad_input\": dx.T.tolist(),\n        }}\n    \
         else:\n        \
         # Each step: forward, record the loss, backward, update; one more forward at the end.\n        \
         state, losses = {{}}, []\n        \
         for _ in range(STEPS):\n            \
         loss, _, grads, _ = backward(p, forward(p, a0), t)\n            \
         losses.append(float(loss))\n            \
         step(p, grads, state)\n        \
         losses.append(float(backward(p, forward(p, a0), t)[0]))\n        \
         out = {{\n            \
         \"losses\": losses,\n            \
         \"layers\": [{{\"weights\": p[f\"W{{l}}\"].tolist(), \"bias\": p[f\"b{{l}}\"].tolist()}} for l in range(1, L + 1)],\n        }}\n    \
         try:\n        \
         print(json.dumps(out, indent=1, allow_nan=False))\n    \
         except ValueError:\n        \
         sys.exit(\"error: a value became NaN or infinite (try a smaller learning rate)\")\n\n\n\
         if __name__ == \"__main__\":\n    \
         with np.errstate(over=\"ignore\", under=\"ignore\"):\n        \
         main()\n",
        params = params.join(", ")
    )
}
