//! The PyTorch script: `nn.Sequential` of `nn.Linear` and activation modules holding the exact
//! weights in float64, the loss written as the lesson defines it, the optimizer as torch.optim
//! names every setting, and a `__main__` whose JSON is the app's (see [`super::script`]).

use super::py;
use crate::nn::doc::NetworkDoc;
use crate::nn::{Activation, Loss, LossKind, Network, OptimizerConfig, OptimizerKind, Reduction};

/// `torch.optim.Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)`: every setting
/// the kind reads, under torch.optim's names (without the parameters argument).
pub fn optimizer_text(c: &OptimizerConfig) -> String {
    let f = py::float;
    match c.kind {
        OptimizerKind::Sgd => format!(
            "torch.optim.SGD(lr={}, momentum={}, dampening={}, nesterov={}, weight_decay={})",
            f(c.lr),
            f(c.momentum),
            f(c.dampening),
            py::boolean(c.nesterov),
            f(c.weight_decay)
        ),
        OptimizerKind::Adam | OptimizerKind::Adamw => format!(
            "torch.optim.{}(lr={}, betas=({}, {}), eps={}, weight_decay={})",
            if c.kind == OptimizerKind::Adam { "Adam" } else { "AdamW" },
            f(c.lr),
            f(c.beta1),
            f(c.beta2),
            f(c.eps),
            f(c.weight_decay)
        ),
        OptimizerKind::Rmsprop => format!(
            "torch.optim.RMSprop(lr={}, alpha={}, eps={}, weight_decay={}, momentum={}, centered=False)",
            f(c.lr),
            f(c.alpha),
            f(c.eps),
            f(c.weight_decay),
            f(c.momentum)
        ),
    }
}

/// The same constructor with the model's parameters and `foreach=False` (the single-tensor
/// update the engine follows).
fn optimizer_call(c: &OptimizerConfig) -> String {
    let text = optimizer_text(c);
    let (head, args) = text.split_once('(').unwrap_or((&text, ")"));
    format!(
        "{head}(\n    model.parameters(),\n    {}, foreach=False)",
        args.trim_end_matches(')')
    )
}

/// The activation module of a layer.
pub(crate) fn module(a: Activation) -> &'static str {
    match a {
        Activation::Identity => "nn.Identity()",
        Activation::Relu => "nn.ReLU()",
        Activation::LeakyRelu => "nn.LeakyReLU(negative_slope=0.01)",
        Activation::Sigmoid => "nn.Sigmoid()",
        Activation::Tanh => "nn.Tanh()",
        Activation::Softmax => "nn.Softmax(dim=1)",
        Activation::Gelu => "nn.GELU(approximate=\"none\")",
        Activation::Elu => "nn.ELU(alpha=1.0)",
        Activation::Softplus => "nn.Softplus(beta=1.0, threshold=20.0)",
    }
}

/// `model = nn.Sequential(...)`: for layer l, `model[2(l-1)]` is its Linear (W_l, b_l) and
/// `model[2l-1]` its activation, so the state_dict keys are `0.weight`, `0.bias`, `2.weight`, ...
pub(crate) fn model_block(net: &Network) -> String {
    let mut s = String::from(
        "# The network. nn.Linear(in, units) holds W (units x in, row j = weights into unit j, as in\n\
         # the app) and b; for layer l, model[2(l-1)] is its Linear and model[2l-1] its activation.\n\
         model = nn.Sequential(\n",
    );
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "    nn.Linear({}, {}),  # model[{}]: layer {n}, W{n} and b{n}: z{n} = a{} @ W{n}.T + b{n}\n    {},  # model[{}]: a{n} = {}(z{n})\n",
            l.weights.ncols(),
            l.units(),
            2 * i,
            i,
            module(l.activation),
            2 * i + 1,
            l.activation.name()
        ));
    }
    s.push_str(")\n\n");
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "W{n} = {}\nb{n} = {}\n",
            py::matrix(&l.weights, 0),
            py::list(l.bias.iter())
        ));
    }
    s.push_str("with torch.no_grad():\n");
    for i in 0..net.len() {
        let n = i + 1;
        s.push_str(&format!(
            "    model[{k}].weight.copy_(torch.tensor(W{n}))\n    model[{k}].bias.copy_(torch.tensor(b{n}))\n",
            k = 2 * i
        ));
    }
    s.push('\n');
    s
}

/// `loss_fn(z_out, a_out, y)`: the loss as the lesson defines it.
pub(crate) fn loss_block(loss: &Loss) -> String {
    let red = loss.reduction.name();
    let body = match loss.kind {
        LossKind::Mse => format!("return nn.MSELoss(reduction=\"{red}\")(a_out, y)"),
        LossKind::Mae => format!("return nn.L1Loss(reduction=\"{red}\")(a_out, y)"),
        LossKind::Huber { delta } => {
            format!(
                "return nn.HuberLoss(reduction=\"{red}\", delta={})(a_out, y)",
                py::float(delta)
            )
        }
        LossKind::Bce => format!("return nn.BCELoss(reduction=\"{red}\")(a_out, y)"),
        LossKind::CrossEntropy => {
            let div = match loss.reduction {
                Reduction::Mean => " / y.shape[0]",
                Reduction::Sum => "",
            };
            format!(
                "# NLL of log_softmax(z): F.cross_entropy(z_out, y.argmax(dim=1)) for one-hot targets.\n    \
                 return -(y * torch.log_softmax(z_out, dim=1)).sum(){div}"
            )
        }
        LossKind::SseHalf => match loss.reduction {
            Reduction::Sum => "return 0.5 * nn.MSELoss(reduction=\"sum\")(a_out, y)".into(),
            Reduction::Mean => "return 0.5 * nn.MSELoss(reduction=\"mean\")(a_out, y)".into(),
        },
    };
    format!(
        "def loss_fn(z_out, a_out, y):\n    \"\"\"{} ({}, {}).\"\"\"\n    {body}\n\n\n",
        loss.formula(),
        loss.kind.name(),
        red
    )
}

/// `forward(x)`: every z and a, each kept for its gradient.
const FORWARD: &str = "\
def forward(x):
    \"\"\"Every layer's z and a (one row per sample); retain_grad keeps dL/dz and dL/da.\"\"\"
    zs, acts = [], []
    a = x
    for linear, f in zip(model[0::2], model[1::2]):
        z = linear(a)
        a = f(z)
        if z.requires_grad:
            z.retain_grad()
        zs.append(z)
        acts.append(a)
    return zs, acts


";

/// The script of a network file or network cell.
pub fn network(doc: &NetworkDoc, steps: usize) -> String {
    let title = doc.name.as_deref().map_or("network".to_string(), py::comment_text);
    let mut s = format!(
        "#!/usr/bin/env python3\n\
         # {title}: exported from MLP Notebook as a PyTorch script.\n\
         #\n\
         # Run it with `python3 {{this file}} [STEPS]`. With STEPS = 0 it makes one forward and\n\
         # backward pass and prints the JSON of `mlp-notebook trace FILE --json`; with STEPS = N it\n\
         # runs N full-batch optimizer steps and prints the JSON of\n\
         # `mlp-notebook train FILE --steps N --json`.\n\
         #\n\
         # Conventions (as in the app and its lessons): layers are numbered from 1 (W1, b1, z1, a1);\n\
         # W_l is units x inputs as nn.Linear.weight; a batch has one row per sample; delta_l = dL/dz_l;\n\
         # relu'(0) = 0 and leaky_relu'(0) = 0.01 as autograd. Everything is float64.\n\n\
         import json\n\
         import sys\n\n\
         import torch\n\
         from torch import nn\n\n\
         torch.set_default_dtype(torch.float64)\n\
         STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else {steps}\n\n"
    );
    s.push_str(&model_block(&doc.net));
    s.push_str(&format!(
        "# The data: one row per sample ({} samples).\nx = torch.tensor({})\ny = torch.tensor({})\n\n",
        doc.x.ncols(),
        py::samples(&doc.x, 0),
        py::samples(&doc.y, 0)
    ));
    s.push_str(&loss_block(&doc.loss));
    s.push_str(FORWARD);
    s.push_str(&format!(
        "def main():\n    \
         if STEPS == 0:\n        \
         xg = x.clone().requires_grad_(True)\n        \
         zs, acts = forward(xg)\n        \
         loss = loss_fn(zs[-1], acts[-1], y)\n        \
         loss.backward()\n        \
         out = {{\n            \
         \"loss\": loss.item(),\n            \
         \"layers\": [\n                {{\n                    \
         \"z\": z.detach().tolist(),\n                    \
         \"a\": a.tolist(),\n                    \
         \"delta\": z.grad.tolist(),  # delta_l = dL/dz_l\n                    \
         \"grad_weights\": linear.weight.grad.tolist(),\n                    \
         \"grad_bias\": linear.bias.grad.tolist(),\n                }}\n                \
         for z, a, linear in zip(zs, [a.detach() for a in acts], model[0::2])\n            ],\n            \
         \"grad_input\": xg.grad.tolist(),\n        }}\n    \
         else:\n        \
         # {opt}\n        \
         optimizer = {call}\n        \
         losses = []\n        \
         for _ in range(STEPS):\n            \
         # Each step: zero the gradients, forward, record the loss, backward, update.\n            \
         optimizer.zero_grad()\n            \
         zs, acts = forward(x)\n            \
         loss = loss_fn(zs[-1], acts[-1], y)\n            \
         losses.append(loss.item())\n            \
         loss.backward()\n            \
         optimizer.step()\n        \
         with torch.no_grad():\n            \
         zs, acts = forward(x)\n            \
         losses.append(loss_fn(zs[-1], acts[-1], y).item())\n        \
         out = {{\n            \
         \"losses\": losses,\n            \
         \"layers\": [\n                \
         {{\"weights\": linear.weight.detach().tolist(), \"bias\": linear.bias.detach().tolist()}}\n                \
         for linear in model[0::2]\n            ],\n        }}\n    \
         try:\n        \
         print(json.dumps(out, indent=1, allow_nan=False))\n    \
         except ValueError:\n        \
         sys.exit(\"error: a value became NaN or infinite (try a smaller learning rate)\")\n\n\n\
         if __name__ == \"__main__\":\n    main()\n",
        opt = optimizer_text(&doc.optimizer),
        call = optimizer_call(&doc.optimizer).replace('\n', "\n        ")
    ));
    s
}
