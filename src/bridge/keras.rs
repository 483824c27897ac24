//! The Keras 3 script: `keras.Sequential` of `Dense` layers named `layer1`, `layer2`, ... with
//! the exact weights set (transposed: Keras keeps a kernel as `in x units`), compiled with the
//! same loss and optimizer, `model.summary()` and `fit` with the same settings. Where Keras
//! computes something differently from torch.optim (and so from the app), the script says so
//! in a comment; a setting Keras has no counterpart for is refused.

use super::ExportError;
use super::py;
use crate::nn::doc::NetworkDoc;
use crate::nn::{Activation, Loss, LossKind, Network, OptimizerConfig, OptimizerKind, Reduction};

/// A Dense layer's `activation=` argument.
fn activation(a: Activation) -> &'static str {
    match a {
        Activation::Identity => "\"linear\"",
        Activation::Relu => "\"relu\"",
        // Keras' leaky_relu defaults to a slope of 0.2; the app's is 0.01.
        Activation::LeakyRelu => "lambda z: keras.activations.leaky_relu(z, negative_slope=0.01)",
        Activation::Sigmoid => "\"sigmoid\"",
        Activation::Tanh => "\"tanh\"",
        Activation::Softmax => "\"softmax\"",
        Activation::Gelu => "lambda z: keras.activations.gelu(z, approximate=False)",
        Activation::Elu => "\"elu\"",
        Activation::Softplus => "\"softplus\"",
    }
}

/// Whether the optimizer's weight decay is an L2 term added to the gradient (torch's SGD, Adam
/// and RMSprop), which Keras expresses as a regularizer.
fn coupled_decay(c: &OptimizerConfig) -> bool {
    c.weight_decay != 0.0 && c.kind != OptimizerKind::Adamw
}

/// `model = keras.Sequential(...)` with every layer's weights set.
pub(crate) fn model_block(net: &Network, title: &str, regularize: Option<&str>) -> String {
    let mut s = String::new();
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "W{n} = np.array({})\nb{n} = np.array({})\n",
            py::matrix(&l.weights, 0),
            py::list(l.bias.iter())
        ));
    }
    let reg = regularize.map_or(String::new(), |r| {
        format!(", kernel_regularizer={r}, bias_regularizer={r}")
    });
    s.push_str(&format!(
        "\n# The network: layer l is the Dense layer \"layer<l>\" (W_l, b_l, then a_l = f_l(z_l)).\n\
         model = keras.Sequential(\n    [\n        keras.Input(shape=({},)),\n",
        net.inputs()
    ));
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "        layers.Dense({}, activation={}, name=\"layer{n}\"{reg}),  # W{n}, b{n}; a{n} = {}(z{n})\n",
            l.units(),
            activation(l.activation),
            l.activation.name()
        ));
    }
    s.push_str(&format!("    ],\n    name={},\n)\n", py::string(&keras_name(title))));
    s.push_str("# Keras keeps a Dense kernel as inputs x units (x @ kernel): the app's W_l transposed.\n");
    for n in 1..=net.len() {
        s.push_str(&format!("model.get_layer(\"layer{n}\").set_weights([W{n}.T, b{n}])\n"));
    }
    s.push('\n');
    s
}

/// A model name Keras accepts (letters, digits, `_`).
fn keras_name(title: &str) -> String {
    let n: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let n = n.trim_matches('_').to_string();
    if n.is_empty() { "network".into() } else { n }
}

/// `LOSS = ...`: a built-in Keras loss where it computes the app's, else the lesson's loss
/// written as a `keras.losses.Loss`.
pub(crate) fn loss_block(loss: &Loss) -> String {
    let builtin = match (loss.kind, loss.reduction) {
        (LossKind::Mse, Reduction::Mean) => Some("keras.losses.MeanSquaredError()".to_string()),
        (LossKind::Mae, Reduction::Mean) => Some("keras.losses.MeanAbsoluteError()".to_string()),
        (LossKind::Huber { delta }, Reduction::Mean) => Some(format!("keras.losses.Huber(delta={})", py::float(delta))),
        (LossKind::Bce, Reduction::Mean) => Some(
            "keras.losses.BinaryCrossentropy()\n# Keras clips a into [1e-7, 1 - 1e-7] before the log; PyTorch clamps each log at -100.\n# Inside that range they agree."
                .to_string(),
        ),
        (LossKind::CrossEntropy, Reduction::Mean) => Some(
            "keras.losses.CategoricalCrossentropy()\n# Keras computes -sum(y log a) from the softmax output (clipped at 1e-7); the app, as\n# PyTorch, uses log_softmax(z). They agree while no probability is below 1e-7."
                .to_string(),
        ),
        _ => None,
    };
    let header = format!(
        "# The loss: {} ({}, {}).\n",
        loss.formula(),
        loss.kind.name(),
        loss.reduction.name()
    );
    if let Some(b) = builtin {
        return format!("{header}LOSS = {b}\n\n");
    }
    let element = match loss.kind {
        LossKind::Mse => "d * d".to_string(),
        LossKind::Mae => "ops.abs(d)".to_string(),
        LossKind::Huber { delta } => format!(
            "ops.where(ops.abs(d) < {delta}, 0.5 * d * d, {delta} * (ops.abs(d) - 0.5 * {delta}))",
            delta = py::float(delta)
        ),
        LossKind::Bce => "-(y_true * ops.log(y_pred) + (1.0 - y_true) * ops.log(1.0 - y_pred))".to_string(),
        LossKind::CrossEntropy => "-y_true * ops.log(y_pred)".to_string(),
        LossKind::SseHalf => "0.5 * d * d".to_string(),
    };
    let (per_sample, reduction, why) = match loss.reduction {
        Reduction::Sum => (
            "ops.sum",
            "sum",
            "each sample's sum; the samples are added, no averaging",
        ),
        Reduction::Mean => (
            "ops.mean",
            "sum_over_batch_size",
            "each sample's mean, averaged over the batch",
        ),
    };
    format!(
        "{header}class AppLoss(keras.losses.Loss):\n    \
         \"\"\"The app's {name} ({red}): {why}.\"\"\"\n\n    \
         def __init__(self):\n        super().__init__(name=\"{name}\", reduction=\"{reduction}\")\n\n    \
         def call(self, y_true, y_pred):\n        d = y_pred - y_true\n        \
         return {per_sample}({element}, axis=-1)\n\n\n\
         LOSS = AppLoss()\n\n",
        name = loss.kind.name(),
        red = loss.reduction.name(),
    )
}

/// `OPTIMIZER = ...`, with the differences from torch.optim in comments; a setting Keras
/// cannot express is refused.
pub(crate) fn optimizer_block(c: &OptimizerConfig) -> Result<String, ExportError> {
    let f = py::float;
    let mut s = format!("# The optimizer: the app's {}.\n", super::pytorch::optimizer_text(c));
    if coupled_decay(c) {
        s.push_str(&format!(
            "# torch's weight_decay here is an L2 term added to the gradient (g + wd p). Keras' own\n\
             # weight_decay is decoupled, so the layers carry L2(wd / 2) regularizers instead: the\n\
             # same gradient, but Keras adds wd / 2 * sum p^2 to the loss it reports (wd = {}).\n",
            f(c.weight_decay)
        ));
    }
    let opt = match c.kind {
        OptimizerKind::Sgd => {
            if c.momentum != 0.0 && c.dampening != 0.0 {
                return Err(ExportError(format!(
                    "Keras' SGD has no dampening (the optimizer's dampening is {}); export as PyTorch or NumPy, or set dampening to 0",
                    c.dampening
                )));
            }
            s.push_str(
                "# Keras' SGD keeps v = momentum v - lr g, which is torch's buffer times -lr: the same steps.\n",
            );
            format!(
                "keras.optimizers.SGD(learning_rate={}, momentum={}, nesterov={})",
                f(c.lr),
                f(c.momentum),
                if c.nesterov { "True" } else { "False" }
            )
        }
        OptimizerKind::Adam | OptimizerKind::Adamw => {
            s.push_str(
                "# Keras adds epsilon to sqrt(v) before the bias correction; torch (and the app) add it\n\
                 # after: sqrt(v) / sqrt(1 - beta2^t) + eps. Keras' steps equal torch's with eps scaled\n\
                 # by sqrt(1 - beta2^t), which changes every step; with eps = 1e-8 the two differ by less\n\
                 # than eps / sqrt(v) relative, which shows in the 7th digit or later once v is small.\n",
            );
            if c.kind == OptimizerKind::Adam {
                format!(
                    "keras.optimizers.Adam(learning_rate={}, beta_1={}, beta_2={}, epsilon={})",
                    f(c.lr),
                    f(c.beta1),
                    f(c.beta2),
                    f(c.eps)
                )
            } else {
                s.push_str("# AdamW's decay is decoupled in both: p *= 1 - lr wd before the Adam step.\n");
                format!(
                    "keras.optimizers.AdamW(learning_rate={}, weight_decay={}, beta_1={}, beta_2={}, epsilon={})",
                    f(c.lr),
                    f(c.weight_decay),
                    f(c.beta1),
                    f(c.beta2),
                    f(c.eps)
                )
            }
        }
        OptimizerKind::Rmsprop => {
            s.push_str(
                "# Keras divides by sqrt(v + eps); torch (and the app) by sqrt(v) + eps. They agree to\n\
                 # about eps / sqrt(v) relative.\n",
            );
            format!(
                "keras.optimizers.RMSprop(learning_rate={}, rho={}, momentum={}, epsilon={}, centered=False)",
                f(c.lr),
                f(c.alpha),
                f(c.momentum),
                f(c.eps)
            )
        }
    };
    s.push_str(&format!("OPTIMIZER = {opt}\n\n"));
    Ok(s)
}

/// The script of a network file or network cell.
pub fn network(doc: &NetworkDoc, steps: usize) -> Result<String, ExportError> {
    let title = doc.name.as_deref().map_or("network".to_string(), py::comment_text);
    let c = &doc.optimizer;
    let reg = coupled_decay(c).then(|| format!("keras.regularizers.L2({})", py::float(c.weight_decay / 2.0)));
    let mut s = format!(
        "#!/usr/bin/env python3\n\
         # {title}: exported from MLP Notebook as a Keras 3 script.\n\
         #\n\
         # Run it with `python3 {{this file}} [STEPS]`. With STEPS = N > 0 it fits N full-batch epochs\n\
         # (one optimizer step each) and prints the JSON of `mlp-notebook train FILE --steps N --json`.\n\
         # With STEPS = 0 it prints the loss and every layer's z and a, the part of\n\
         # `mlp-notebook trace FILE --json` Keras gives without a backend's own autodiff (the PyTorch\n\
         # and NumPy exports print every gradient too).\n\
         #\n\
         # Conventions (as in the app and its lessons): layers are numbered from 1 (W1, b1, z1, a1);\n\
         # the app's W_l is units x inputs; a batch has one row per sample. Everything is float64.\n\n\
         import json\n\
         import sys\n\n\
         import keras\n\
         import numpy as np\n\
         from keras import layers, ops\n\n\
         keras.config.set_floatx(\"float64\")\n\
         STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else {steps}\n\n"
    );
    s.push_str(&model_block(&doc.net, &title, reg.as_deref()));
    s.push_str(&format!(
        "# The data: one row per sample ({} samples).\nx = np.array({})\ny = np.array({})\n\n",
        doc.x.ncols(),
        py::samples(&doc.x, 0),
        py::samples(&doc.y, 0)
    ));
    s.push_str(&loss_block(&doc.loss));
    s.push_str(&optimizer_block(c)?);
    s.push_str(
        "model.compile(optimizer=OPTIMIZER, loss=LOSS)\n\
         # The summary goes to stderr, so that stdout holds only the JSON.\n\
         model.summary(print_fn=lambda line, *args, **kwargs: print(line, file=sys.stderr))\n\n\n\
         def main():\n    \
         if STEPS == 0:\n        \
         a = ops.convert_to_tensor(x)\n        \
         out_layers = []\n        \
         for layer in model.layers:\n            \
         z = ops.matmul(a, layer.kernel) + layer.bias  # z_l = a_(l-1) W_l^T + b_l\n            \
         a = layer.activation(z)\n            \
         out_layers.append({\"z\": ops.convert_to_numpy(z).tolist(), \"a\": ops.convert_to_numpy(a).tolist()})\n        \
         out = {\"loss\": float(ops.convert_to_numpy(LOSS(y, a))), \"layers\": out_layers}\n    \
         else:\n        \
         # Full batch, no shuffling: each epoch is one step; Keras records the loss before it.\n        \
         history = model.fit(x, y, batch_size=len(x), epochs=STEPS, shuffle=False, verbose=0)\n        \
         last = model.evaluate(x, y, batch_size=len(x), verbose=0)\n        \
         out = {\n            \
         \"losses\": [float(v) for v in history.history[\"loss\"]] + [float(last)],\n            \
         \"layers\": [\n                \
         {\"weights\": layer.get_weights()[0].T.tolist(), \"bias\": layer.get_weights()[1].tolist()}\n                \
         for layer in model.layers\n            ],\n        }\n    \
         try:\n        \
         print(json.dumps(out, indent=1, allow_nan=False))\n    \
         except ValueError:\n        \
         sys.exit(\"error: a value became NaN or infinite (try a smaller learning rate)\")\n\n\n\
         if __name__ == \"__main__\":\n    main()\n",
    );
    Ok(s)
}
