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
        // Written out: Keras' leaky_relu defaults to a slope of 0.2 (the app's is 0.01), and on
        // TensorFlow its slope is a float32 attribute.
        Activation::LeakyRelu => "lambda z: ops.where(z > 0, z, z * np.float64(0.01))",
        Activation::Sigmoid => "\"sigmoid\"",
        Activation::Tanh => "\"tanh\"",
        Activation::Softmax => "\"softmax\"",
        // Written out: TensorFlow's exact gelu divides by a float32 sqrt(2) (off in the 8th digit).
        Activation::Gelu => "lambda z: 0.5 * z * (1.0 + ops.erf(z / np.sqrt(2.0)))",
        Activation::Elu => "\"elu\"",
        Activation::Softplus => "\"softplus\"",
    }
}

/// `model = keras.Sequential(...)` with every layer's weights set.
pub(crate) fn model_block(net: &Network, title: &str) -> String {
    let mut s = String::new();
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "W{n} = np.array({})\nb{n} = np.array({})\n",
            py::matrix(&l.weights, 0),
            py::list(l.bias.iter())
        ));
    }
    s.push_str(&format!(
        "\n# The network: layer l is the Dense layer \"layer<l>\" (W_l, b_l, then a_l = f_l(z_l)).\n\
         model = keras.Sequential(\n    [\n        keras.Input(shape=({},)),\n",
        net.inputs()
    ));
    for (i, l) in net.layers().iter().enumerate() {
        let n = i + 1;
        s.push_str(&format!(
            "        layers.Dense({}, activation={}, name=\"layer{n}\"),  # W{n}, b{n}; a{n} = {}(z{n})\n",
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

/// `OPTIMIZER = ...`: Keras' own optimizer where it takes torch.optim's steps exactly (SGD
/// without weight decay or dampening, and with momentum only while the learning rate stays
/// put), else torch's update written as a Keras optimizer, with what differs in a comment.
/// `lr_changes`: a schedule sets the learning rate between epochs.
pub(crate) fn optimizer_block(c: &OptimizerConfig, lr_changes: bool) -> Result<String, ExportError> {
    let f = py::float;
    let mut s = format!("# The optimizer: the app's {}.\n", super::pytorch::optimizer_text(c));
    s.push_str(
        "# Each setting is a float64 constant: on TensorFlow, Keras turns a plain Python float into a\n\
         # float32 constant before casting it (0.9 becomes 0.8999999761...), which shows in the 8th digit.\n",
    );
    let builtin_sgd = c.kind == OptimizerKind::Sgd
        && c.weight_decay == 0.0
        && (c.momentum == 0.0 || (c.dampening == 0.0 && !lr_changes));
    if builtin_sgd {
        if c.momentum != 0.0 {
            s.push_str(
                "# Keras' SGD keeps v = momentum v - lr g, which is torch's buffer times -lr: the same steps\n\
                 # while the learning rate stays put.\n",
            );
        }
        s.push_str(&format!(
            "OPTIMIZER = keras.optimizers.SGD(learning_rate={}, momentum=np.float64({}), nesterov={})\n\n",
            f(c.lr),
            f(c.momentum),
            py::boolean(c.nesterov)
        ));
        return Ok(s);
    }
    let (class, why, settings, step) = match c.kind {
        OptimizerKind::Sgd => (
            "TorchSGD",
            if c.weight_decay != 0.0 {
                "# Keras' SGD has no coupled weight decay (g + wd p) and no dampening, and keeps its momentum\n\
                 # buffer scaled by the learning rate of the step that added to it. So this is\n\
                 # torch.optim.SGD's step written as a Keras optimizer; keras.optimizers.SGD is the nearest\n\
                 # built-in.\n"
            } else {
                "# Keras' SGD has no dampening and keeps its momentum buffer scaled by the learning rate of\n\
                 # the step that added to it, which differs from torch once the rate changes. So this is\n\
                 # torch.optim.SGD's step written as a Keras optimizer; keras.optimizers.SGD is the nearest\n\
                 # built-in.\n"
            },
            format!(
                "momentum={}, dampening={}, nesterov={}, weight_decay={}",
                f(c.momentum),
                f(c.dampening),
                py::boolean(c.nesterov),
                f(c.weight_decay)
            ),
            "        if s[\"momentum\"] != 0:\n            \
             b = self.buf[i]\n            \
             # b = g on the first step, then b = momentum b + (1 - dampening) g\n            \
             self.assign(b, ops.where(t == 1.0, g, b * s[\"momentum\"] + g * (1.0 - s[\"dampening\"])))\n            \
             g = g + b * s[\"momentum\"] if s[\"nesterov\"] else b\n        \
             self.assign_sub(variable, g * lr)\n",
        ),
        OptimizerKind::Adam | OptimizerKind::Adamw => (
            if c.kind == OptimizerKind::Adam {
                "TorchAdam"
            } else {
                "TorchAdamW"
            },
            "# Keras' Adam adds epsilon to sqrt(v) before the bias correction; torch (and the app) add it\n\
             # after: sqrt(v) / sqrt(1 - beta2^t) + eps, which changes the steps in the 5th digit. So this is\n\
             # torch's step written as a Keras optimizer; keras.optimizers.Adam (AdamW) is the nearest\n\
             # built-in.\n",
            format!(
                "beta1={}, beta2={}, eps={}, weight_decay={}",
                f(c.beta1),
                f(c.beta2),
                f(c.eps),
                f(c.weight_decay)
            ),
            "        m, v = self.m[i], self.v[i]\n        \
             self.assign(m, m * s[\"beta1\"] + g * (1.0 - s[\"beta1\"]))\n        \
             self.assign(v, v * s[\"beta2\"] + g * g * (1.0 - s[\"beta2\"]))\n        \
             # eps after the bias correction\n        \
             denom = ops.sqrt(v) / ops.sqrt(1.0 - ops.power(s[\"beta2\"], t)) + s[\"eps\"]\n        \
             self.assign_sub(variable, m / denom * (lr / (1.0 - ops.power(s[\"beta1\"], t))))\n",
        ),
        OptimizerKind::Rmsprop => (
            "TorchRMSprop",
            "# Keras' RMSprop divides by sqrt(v + eps); torch (and the app) by sqrt(v) + eps, and Keras\n\
             # has no coupled weight decay. So this is torch's step written as a Keras optimizer;\n\
             # keras.optimizers.RMSprop is the nearest built-in.\n",
            format!(
                "alpha={}, eps={}, momentum={}, weight_decay={}",
                f(c.alpha),
                f(c.eps),
                f(c.momentum),
                f(c.weight_decay)
            ),
            "        v = self.v[i]\n        \
             self.assign(v, v * s[\"alpha\"] + g * g * (1.0 - s[\"alpha\"]))\n        \
             avg = ops.sqrt(v) + s[\"eps\"]  # eps outside the square root\n        \
             if s[\"momentum\"] > 0:\n            \
             b = self.buf[i]\n            \
             self.assign(b, b * s[\"momentum\"] + g / avg)\n            \
             self.assign_sub(variable, b * lr)\n        \
             else:\n            \
             self.assign_sub(variable, g / avg * lr)\n",
        ),
    };
    s.push_str(why);
    let decay = if c.weight_decay == 0.0 {
        ""
    } else if c.kind == OptimizerKind::Adamw {
        "        self.assign(variable, variable * (1.0 - lr * s[\"weight_decay\"]))  # decoupled decay first\n"
    } else {
        "        g = g + variable * s[\"weight_decay\"]  # coupled weight decay: g + wd p\n"
    };
    s.push_str(&format!(
        "class {class}(keras.optimizers.Optimizer):\n    \
         \"\"\"torch.optim's update, step for step, as a Keras optimizer.\"\"\"\n\n    \
         def __init__(self, learning_rate, **settings):\n        \
         super().__init__(learning_rate=learning_rate, name=\"{lower}\")\n        \
         self.settings = {{k: v if isinstance(v, bool) else np.float64(v) for k, v in settings.items()}}\n\n    \
         def build(self, variables):\n        \
         if self.built:\n            return\n        \
         super().build(variables)\n        \
         # Each parameter tensor keeps its own state, as in torch.\n        \
         self.buf = [self.add_variable_from_reference(v, name=\"buf\") for v in variables]\n        \
         self.m = [self.add_variable_from_reference(v, name=\"m\") for v in variables]\n        \
         self.v = [self.add_variable_from_reference(v, name=\"v\") for v in variables]\n\n    \
         def update_step(self, gradient, variable, learning_rate):\n        \
         s, i, g = self.settings, self._get_variable_index(variable), gradient\n        \
         lr = ops.cast(learning_rate, variable.dtype)\n        \
         t = ops.cast(self.iterations + 1, variable.dtype)  # this step's number, from 1\n\
         {decay}{step}\n\n\
         OPTIMIZER = {class}(learning_rate={lr}, {settings})\n\n",
        lower = class.to_lowercase(),
        lr = f(c.lr),
    ));
    Ok(s)
}

/// Which Keras backend gives the app's numbers, and what the others give.
pub(crate) const BACKEND_NOTE: &str = "# Run it on Keras' default backend, TensorFlow: there it agrees with the app to about 1e-13.\n\
# On the JAX backend (and, by Keras' type rules, the PyTorch one) Keras 3 computes means in\n\
# float32 even for float64 tensors, so the numbers agree to about 1e-7 there.\n";

/// The script of a network file or network cell.
pub fn network(doc: &NetworkDoc, steps: usize) -> Result<String, ExportError> {
    let title = doc.name.as_deref().map_or("network".to_string(), py::comment_text);
    let c = &doc.optimizer;
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
         # the app's W_l is units x inputs; a batch has one row per sample. Everything is float64.\n\
         #\n{BACKEND_NOTE}\n\
         import json\n\
         import os\n\
         import sys\n\n\
         os.environ.setdefault(\"JAX_ENABLE_X64\", \"1\")  # float64 on the JAX backend\n\
         import keras  # noqa: E402\n\
         import numpy as np  # noqa: E402\n\
         from keras import layers, ops  # noqa: E402\n\n\
         keras.config.set_floatx(\"float64\")\n\
         STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else {steps}\n\n"
    );
    s.push_str(&model_block(&doc.net, &title));
    s.push_str(&format!(
        "# The data: one row per sample ({} samples).\nx = np.array({})\ny = np.array({})\n\n",
        doc.x.ncols(),
        py::samples(&doc.x, 0),
        py::samples(&doc.y, 0)
    ));
    s.push_str(&loss_block(&doc.loss));
    s.push_str(&optimizer_block(c, false)?);
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
