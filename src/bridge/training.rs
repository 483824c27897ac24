//! Training cells as scripts: the cell's data as the app split it (the rows of each split
//! written out, not re-drawn), the same scaling (the offsets and scales fitted on the training
//! rows), the same initial weights, loss, optimizer, learning-rate schedule, L2 penalty, early
//! stopping, epochs and batch size. The one thing a script does not reproduce is the app's
//! shuffle order (its own seeded generator draws another); each script says so.

use super::script::TrainingSource;
use super::{ExportError, Script, ScriptKind, keras, numpy, py, pytorch};
use crate::lesson::training::{TrainingSetup, load_data};
use crate::nn::data::{Dataset, Scaler, split3};
use crate::nn::schedule::Schedule;

/// Data sets with more numbers than this go to a CSV file beside the script.
pub const MAX_INLINE_NUMBERS: usize = 2000;

impl<'a> TrainingSource<'a> {
    /// Loads and splits the cell's data as the app does (`read` reads a CSV file the lesson
    /// names), fits the scaling on the training rows and draws the initial network.
    pub fn prepare(
        setup: &'a TrainingSetup,
        read: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<TrainingSource<'a>, ExportError> {
        let data = load_data(&setup.data, read).map_err(ExportError)?;
        setup.check_size(&data).map_err(ExportError)?;
        let splits = split3(&data, setup.split.validation, setup.split.test, setup.split.seed)
            .map_err(|e| ExportError(e.to_string()))?;
        let scaler = Scaler::fit(&splits.train, setup.scaling);
        // As the window: the loss and the initial weights from the training split's shapes.
        let net = setup.build_network(&splits.train).map_err(ExportError)?;
        let loss = setup.loss_for(&splits.train);
        Ok(TrainingSource {
            setup,
            train: splits.train,
            validation: splits.validation.filter(|d| !d.is_empty()),
            test: splits.test.filter(|d| !d.is_empty()),
            scaler,
            net,
            loss,
        })
    }

    fn splits(&self) -> Vec<(&'static str, &Dataset)> {
        let mut v = vec![("train", &self.train)];
        if let Some(d) = &self.validation {
            v.push(("validation", d));
        }
        if let Some(d) = &self.test {
            v.push(("test", d));
        }
        v
    }
}

/// The script of a training cell.
pub fn export(kind: ScriptKind, t: &TrainingSource, stem: &str) -> Result<Script, ExportError> {
    let s = t.setup;
    if s.dropout != 0.0 {
        return Err(ExportError(format!(
            "the cell uses dropout {}: the exported scripts do not reproduce dropout; set it to 0 to export",
            s.dropout
        )));
    }
    let problems = s.optimizer.validate();
    if !problems.is_empty() {
        return Err(ExportError(problems.join("; ")));
    }
    let (data, data_file) = data_block(t, stem);
    let text = match kind {
        ScriptKind::Numpy => numpy_script(t, &data),
        ScriptKind::Pytorch => pytorch_script(t, &data),
        ScriptKind::Keras => keras_script(t, &data)?,
    };
    Ok(Script { text, data_file })
}

/// `X_TRAIN = [...]`, `Y_TRAIN`, ... (lists of rows, before scaling), inline or read from a CSV
/// file beside the script; then `OFFSET` and `SCALE`.
fn data_block(t: &TrainingSource, stem: &str) -> (String, Option<(String, String)>) {
    let splits = t.splits();
    let numbers: usize = splits.iter().map(|(_, d)| d.len() * (d.x.nrows() + d.y.nrows())).sum();
    let mut s = format!(
        "# The data as the app split it (seed {seed}): {counts}. One row per sample, before\n\
         # scaling; the targets are {targets}.\n",
        seed = t.setup.split.seed,
        counts = splits
            .iter()
            .map(|(n, d)| format!("{} {n} rows", d.len()))
            .collect::<Vec<_>>()
            .join(", "),
        targets = if t.train.class_names.is_empty() {
            "the values to predict".to_string()
        } else {
            format!("one-hot rows over the classes {}", t.train.class_names.join(", "))
        }
    );
    let mut file = None;
    if numbers <= MAX_INLINE_NUMBERS {
        for (name, d) in &splits {
            let up = var(name);
            s.push_str(&format!(
                "X_{up} = {}\nY_{up} = {}\n",
                py::samples(&d.x, 0),
                py::samples(&d.y, 0)
            ));
        }
    } else {
        let name = format!("{stem}_data.csv");
        let (fx, fy) = (t.train.x.nrows(), t.train.y.nrows());
        let mut csv = String::from("split");
        for i in 1..=fx {
            csv.push_str(&format!(",x{i}"));
        }
        for k in 1..=fy {
            csv.push_str(&format!(",y{k}"));
        }
        csv.push('\n');
        for (split, d) in &splits {
            for j in 0..d.len() {
                csv.push_str(split);
                for v in d.x.column(j).iter().chain(d.y.column(j).iter()) {
                    csv.push(',');
                    csv.push_str(&py::float(*v));
                }
                csv.push('\n');
            }
        }
        s.push_str(&format!(
            "# {rows} rows are read from {file} beside this script: a column `split`, then the\n\
             # {fx} inputs x1.. and the {fy} targets y1...\n\
             DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), {lit})\n\
             ROWS = {{\"train\": ([], []), \"validation\": ([], []), \"test\": ([], [])}}\n\
             with open(DATA_FILE, newline=\"\") as f:\n    \
             for row in list(csv.reader(f))[1:]:\n        \
             ROWS[row[0]][0].append([float(v) for v in row[1:{end_x}]])\n        \
             ROWS[row[0]][1].append([float(v) for v in row[{end_x}:]])\n",
            rows = splits.iter().map(|(_, d)| d.len()).sum::<usize>(),
            file = name,
            lit = py::string(&name),
            end_x = fx + 1,
        ));
        for (split, _) in &splits {
            let up = var(split);
            s.push_str(&format!("X_{up}, Y_{up} = ROWS[\"{split}\"]\n"));
        }
        file = Some((name, csv));
    }
    s.push_str(&format!(
        "# The scaling ({}), fitted on the training rows only: x becomes (x - OFFSET) / SCALE.\n\
         OFFSET = {}\nSCALE = {}\n\n",
        t.scaler.scaling.name(),
        py::list(&t.scaler.offset),
        py::list(&t.scaler.scale)
    ));
    (s, file)
}

fn var(split: &str) -> &'static str {
    match split {
        "train" => "TRAIN",
        "validation" => "VAL",
        _ => "TEST",
    }
}

/// The settings every training script starts with.
fn settings(t: &TrainingSource) -> String {
    let s = t.setup;
    let es = s.early_stopping.map_or("None".to_string(), |e| {
        format!(
            "{{\"patience\": {}, \"min_delta\": {}, \"restore_best\": {}}}",
            e.patience,
            py::float(e.min_delta),
            py::boolean(e.restore_best)
        )
    });
    format!(
        "EPOCHS = {}\nBATCH_SIZE = {}  # None: the whole training split in one batch\n\
         SEED = {}  # the split's seed; the shuffle below draws its own order from it\n\
         L2 = {}  # the penalty L2 * sum W^2 (weights only) added to the training loss\n\
         EARLY_STOPPING = {es}  # on the validation loss (the training loss without one)\n\n",
        s.epochs,
        s.batch_size.map_or("None".to_string(), |b| b.to_string()),
        s.split.seed,
        py::float(s.l2),
    )
}

/// `learning_rate(epoch)`: the schedule, as the app steps it once per epoch (0-based).
fn schedule_def(s: &TrainingSetup) -> String {
    let base = py::float(s.optimizer.lr);
    let body = match s.schedule.to_schedule() {
        Schedule::Constant => format!("return {base}  # constant"),
        Schedule::Step { step_size, gamma } => format!(
            "return {base} * {} ** (epoch // {})  # StepLR",
            py::float(gamma),
            step_size.max(1)
        ),
        Schedule::Exponential { gamma } => format!("return {base} * {} ** epoch  # ExponentialLR", py::float(gamma)),
        Schedule::Cosine { t_max, eta_min } => format!(
            "# CosineAnnealingLR for one half-period, then eta_min (torch's would rise again).\n    \
             tt = min(epoch, {tm}) / {tm}\n    return {e} + ({base} - {e}) * (1.0 + math.cos(math.pi * tt)) / 2.0",
            tm = t_max.max(1),
            e = py::float(eta_min)
        ),
    };
    format!("def learning_rate(epoch):\n    {body}\n\n\n")
}

const SHUFFLE_NOTE: &str = "# Not reproduced exactly: the order the samples are shuffled in each epoch (the app's own\n\
# generator draws another), so the losses agree in size, not digit for digit. Everything else\n\
# (the split rows, the scaling, the initial weights, the loss, the optimizer, the schedule, L2\n\
# and early stopping) is the cell's.\n";

fn header(t: &TrainingSource, tool: &str) -> String {
    let n = t.net.len();
    format!(
        "#!/usr/bin/env python3\n\
         # A training cell of MLP Notebook exported as a {tool} script: {widths} ({act} hidden, {out}\n\
         # output), loss {loss}, {opt},\n\
         # trained for the cell's epochs; it prints every epoch's figures as JSON.\n\
         #\n{SHUFFLE_NOTE}#\n\
         # Conventions (as in the app and its lessons): layers are numbered from 1 (W1, b1, z1, a1),\n\
         # W_l is units x inputs, the loss is {formula}.\n\n",
        widths = std::iter::once(t.net.inputs())
            .chain(t.net.layers().iter().map(|l| l.units()))
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join("-"),
        act = t.setup.activation.name(),
        out = t.net.layers()[n - 1].activation.name(),
        loss = t.loss.kind.name(),
        opt = pytorch::optimizer_text(&t.setup.optimizer),
        formula = t.loss.formula(),
    )
}

fn classify(t: &TrainingSource) -> bool {
    !t.train.class_names.is_empty()
}

/// The NumPy training script.
fn numpy_script(t: &TrainingSource, data: &str) -> String {
    let net = &t.net;
    let mut s = header(t, "NumPy");
    s.push_str("import csv\nimport json\nimport math\nimport os\nimport sys\n\nimport numpy as np\n\n");
    s.push_str(&settings(t));
    s.push_str(data);
    s.push_str(
        "def scaled(rows):\n    \"\"\"Rows of inputs scaled as the app, as columns (one per sample).\"\"\"\n    \
         return ((np.array(rows) - OFFSET) / SCALE).T\n\n\n",
    );
    s.push_str(&numpy::params_block(net));
    s.push_str(&numpy::activation_defs(net));
    s.push_str(&numpy::loss_def(&t.loss, numpy::output_activation(net)));
    s.push_str(&numpy::forward_def(net));
    s.push_str(&numpy::backward_def(net, t.setup.l2 != 0.0));
    s.push_str(&numpy::optimizer_def(&t.setup.optimizer));
    s.push_str(&schedule_def(t.setup));
    s.push_str(&format!(
        "def accuracy(aL, t):\n    \
         \"\"\"The share of samples classified right: the largest output, or a >= 0.5 for one output.\"\"\"\n    \
         if aL.shape[0] == 1:\n        return float(np.mean((aL[0] >= 0.5) == (t[0] >= 0.5)))\n    \
         return float(np.mean(aL.argmax(axis=0) == t.argmax(axis=0)))\n\n\n\
         def evaluate(p, x, t):\n    \
         v = forward(p, x)\n    \
         loss = loss_and_delta(v[\"z{l}\"], v[\"a{l}\"], t)[0]\n    \
         return float(loss), accuracy(v[\"a{l}\"], t)\n\n\n\
         def main():\n    \
         p = {{{params}}}\n    \
         x_train, t_train = scaled(X_TRAIN), np.array(Y_TRAIN).T\n    \
         val = (scaled(X_VAL), np.array(Y_VAL).T) if {has_val} else None\n    \
         n = x_train.shape[1]\n    \
         bs = min(max(BATCH_SIZE or n, 1), n)\n    \
         rng = np.random.default_rng(SEED)\n    \
         state, history, best, wait = {{}}, [], None, 0\n    \
         for epoch in range(EPOCHS):\n        \
         lr = learning_rate(epoch)\n        \
         order = rng.permutation(n)\n        \
         total, correct = 0.0, 0.0\n        \
         for start in range(0, n, bs):\n            \
         idx = order[start:start + bs]\n            \
         v = forward(p, x_train[:, idx])\n            \
         loss, _, grads, _ = backward(p, v, t_train[:, idx])\n            \
         total += float(loss) * len(idx)\n            \
         correct += accuracy(v[\"a{l}\"], t_train[:, idx]) * len(idx)\n            \
         step(p, grads, state, lr)\n        \
         rec = {{\"epoch\": epoch + 1, \"loss\": total / n}}\n        \
         if {classify}:\n            rec[\"accuracy\"] = correct / n\n        \
         if val is not None:\n            \
         rec[\"val_loss\"], val_acc = evaluate(p, *val)\n            \
         if {classify}:\n                rec[\"val_accuracy\"] = val_acc\n        \
         rec[\"lr\"] = lr\n        \
         history.append(rec)\n        \
         if EARLY_STOPPING is not None:\n            \
         monitored = rec.get(\"val_loss\", rec[\"loss\"])\n            \
         if best is None or monitored < best[0] - EARLY_STOPPING[\"min_delta\"]:\n                \
         best, wait = (monitored, {{k: w.copy() for k, w in p.items()}}), 0\n            \
         else:\n                \
         wait += 1\n                \
         if wait >= EARLY_STOPPING[\"patience\"]:\n                    break\n    \
         if EARLY_STOPPING is not None and EARLY_STOPPING[\"restore_best\"] and best is not None:\n        \
         p = best[1]  # the best epoch's weights, as the app (also when the epochs run out)\n    \
         out = {{\"epochs\": history}}\n    \
         if {has_test}:\n        \
         out[\"test_loss\"], test_acc = evaluate(p, scaled(X_TEST), np.array(Y_TEST).T)\n        \
         if {classify}:\n            out[\"test_accuracy\"] = test_acc\n    \
         print(json.dumps(out, indent=1))\n\n\n\
         if __name__ == \"__main__\":\n    \
         with np.errstate(over=\"ignore\", under=\"ignore\"):\n        main()\n",
        l = net.len(),
        params = (1..=net.len())
            .map(|n| format!("\"W{n}\": W{n}, \"b{n}\": b{n}"))
            .collect::<Vec<_>>()
            .join(", "),
        has_val = py::boolean(t.validation.is_some()),
        has_test = py::boolean(t.test.is_some()),
        classify = py::boolean(classify(t)),
    ));
    s
}

/// The PyTorch training script.
fn pytorch_script(t: &TrainingSource, data: &str) -> String {
    let net = &t.net;
    let c = &t.setup.optimizer;
    let mut s = header(t, "PyTorch");
    s.push_str("import csv\nimport json\nimport math\nimport os\nimport sys\n\nimport torch\nfrom torch import nn\n\n");
    s.push_str("torch.set_default_dtype(torch.float64)\n");
    s.push_str(&settings(t));
    s.push_str(data);
    s.push_str(
        "OFFSET_T, SCALE_T = torch.tensor(OFFSET), torch.tensor(SCALE)\n\n\n\
         def scaled(rows):\n    return (torch.tensor(rows) - OFFSET_T) / SCALE_T\n\n\n",
    );
    s.push_str(&pytorch::model_block(net));
    s.push_str(&pytorch::loss_block(&t.loss));
    s.push_str(&schedule_def(t.setup));
    let text = pytorch::optimizer_text(c);
    let (head, args) = text.split_once('(').unwrap_or((&text, ")"));
    s.push_str(&format!(
        "def forward(x):\n    \
         zs, acts = [], []\n    a = x\n    \
         for linear, f in zip(model[0::2], model[1::2]):\n        \
         z = linear(a)\n        a = f(z)\n        zs.append(z)\n        acts.append(a)\n    \
         return zs, acts\n\n\n\
         def accuracy(a, y):\n    \
         if a.shape[1] == 1:\n        return ((a[:, 0] >= 0.5) == (y[:, 0] >= 0.5)).double().mean().item()\n    \
         return (a.argmax(dim=1) == y.argmax(dim=1)).double().mean().item()\n\n\n\
         def evaluate(x, y):\n    \
         with torch.no_grad():\n        \
         zs, acts = forward(x)\n        \
         return loss_fn(zs[-1], acts[-1], y).item(), accuracy(acts[-1], y)\n\n\n\
         def main():\n    \
         x_train, y_train = scaled(X_TRAIN), torch.tensor(Y_TRAIN)\n    \
         val = (scaled(X_VAL), torch.tensor(Y_VAL)) if {has_val} else None\n    \
         n = x_train.shape[0]\n    \
         bs = min(max(BATCH_SIZE or n, 1), n)\n    \
         generator = torch.Generator().manual_seed(SEED)\n    \
         # The learning rate is set each epoch from learning_rate(epoch), as the app does.\n    \
         optimizer = {head}(model.parameters(), {args}, foreach=False)\n    \
         history, best, wait = [], None, 0\n    \
         for epoch in range(EPOCHS):\n        \
         lr = learning_rate(epoch)\n        \
         for group in optimizer.param_groups:\n            group[\"lr\"] = lr\n        \
         order = torch.randperm(n, generator=generator)\n        \
         total, correct = 0.0, 0.0\n        \
         for start in range(0, n, bs):\n            \
         idx = order[start:start + bs]\n            \
         optimizer.zero_grad()\n            \
         zs, acts = forward(x_train[idx])\n            \
         loss = loss_fn(zs[-1], acts[-1], y_train[idx])\n            \
         if L2 != 0:\n                loss = loss + L2 * sum((linear.weight ** 2).sum() for linear in model[0::2])\n            \
         loss.backward()\n            \
         optimizer.step()\n            \
         total += loss.item() * len(idx)\n            \
         correct += accuracy(acts[-1].detach(), y_train[idx]) * len(idx)\n        \
         rec = {{\"epoch\": epoch + 1, \"loss\": total / n}}\n        \
         if {classify}:\n            rec[\"accuracy\"] = correct / n\n        \
         if val is not None:\n            \
         rec[\"val_loss\"], val_acc = evaluate(*val)\n            \
         if {classify}:\n                rec[\"val_accuracy\"] = val_acc\n        \
         rec[\"lr\"] = lr\n        \
         history.append(rec)\n        \
         if EARLY_STOPPING is not None:\n            \
         monitored = rec.get(\"val_loss\", rec[\"loss\"])\n            \
         if best is None or monitored < best[0] - EARLY_STOPPING[\"min_delta\"]:\n                \
         best, wait = (monitored, {{k: v.clone() for k, v in model.state_dict().items()}}), 0\n            \
         else:\n                \
         wait += 1\n                \
         if wait >= EARLY_STOPPING[\"patience\"]:\n                    break\n    \
         if EARLY_STOPPING is not None and EARLY_STOPPING[\"restore_best\"] and best is not None:\n        \
         model.load_state_dict(best[1])  # the best epoch's weights, as the app\n    \
         out = {{\"epochs\": history}}\n    \
         if {has_test}:\n        \
         out[\"test_loss\"], test_acc = evaluate(scaled(X_TEST), torch.tensor(Y_TEST))\n        \
         if {classify}:\n            out[\"test_accuracy\"] = test_acc\n    \
         print(json.dumps(out, indent=1))\n\n\n\
         if __name__ == \"__main__\":\n    main()\n",
        args = args.trim_end_matches(')'),
        has_val = py::boolean(t.validation.is_some()),
        has_test = py::boolean(t.test.is_some()),
        classify = py::boolean(classify(t)),
    ));
    s
}

/// The Keras training script.
fn keras_script(t: &TrainingSource, data: &str) -> Result<String, ExportError> {
    let net = &t.net;
    let c = &t.setup.optimizer;
    let mut s = header(t, "Keras 3");
    s.push_str(keras::BACKEND_NOTE);
    s.push('\n');
    s.push_str(
        "import csv\nimport json\nimport math\nimport os\nimport sys\n\n\
         os.environ.setdefault(\"JAX_ENABLE_X64\", \"1\")  # float64 on the JAX backend\n\
         import keras  # noqa: E402\nimport numpy as np  # noqa: E402\nfrom keras import layers, ops  # noqa: E402\n\n\
         keras.config.set_floatx(\"float64\")\n",
    );
    s.push_str(&settings(t));
    s.push_str(data);
    // The app's L2 penalty (weights only) is Keras' kernel_regularizer; torch's weight decay is
    // in the optimizer.
    let mut model = keras::model_block(net, "training_cell");
    if t.setup.l2 != 0.0 {
        let r = format!("keras.regularizers.L2({})", py::float(t.setup.l2));
        model = model.replace("\"),  # W", &format!("\", kernel_regularizer={r}),  # W"));
        s.push_str("# The L2 penalty on the weights is Keras' kernel_regularizer.\n");
    }
    s.push_str(&model);
    s.push_str(&keras::loss_block(&t.loss));
    s.push_str(&keras::optimizer_block(
        c,
        !matches!(t.setup.schedule.to_schedule(), Schedule::Constant),
    )?);
    s.push_str(&schedule_def(t.setup));
    s.push_str(&format!(
        "def scaled(rows):\n    return (np.array(rows) - np.array(OFFSET)) / np.array(SCALE)\n\n\n\
         def main():\n    \
         metrics = [\"accuracy\"] if {classify} else []\n    \
         model.compile(optimizer=OPTIMIZER, loss=LOSS, metrics=metrics)\n    \
         model.summary(print_fn=lambda line, *args, **kwargs: print(line, file=sys.stderr))\n    \
         callbacks = [keras.callbacks.LearningRateScheduler(lambda epoch, lr: learning_rate(epoch))]\n    \
         if EARLY_STOPPING is not None:\n        \
         # Keras restores the best weights only when it stops early; the app also when the epochs\n        \
         # run out.\n        \
         callbacks.append(keras.callbacks.EarlyStopping(\n            \
         monitor=\"val_loss\" if {has_val} else \"loss\", patience=EARLY_STOPPING[\"patience\"],\n            \
         min_delta=EARLY_STOPPING[\"min_delta\"], restore_best_weights=EARLY_STOPPING[\"restore_best\"]))\n    \
         x_train, y_train = scaled(X_TRAIN), np.array(Y_TRAIN)\n    \
         n = len(x_train)\n    \
         keras.utils.set_random_seed(SEED)\n    \
         history = model.fit(\n        \
         x_train, y_train, batch_size=min(max(BATCH_SIZE or n, 1), n), epochs=EPOCHS, shuffle=True,\n        \
         validation_data=(scaled(X_VAL), np.array(Y_VAL)) if {has_val} else None,\n        \
         callbacks=callbacks, verbose=0)\n    \
         h = history.history\n    \
         out = {{\"epochs\": [\n        \
         {{k: (float(v[i]) if k != \"learning_rate\" else float(v[i])) for k, v in h.items()}} | {{\"epoch\": i + 1}}\n        \
         for i in range(len(h[\"loss\"]))\n    ]}}\n    \
         if {has_test}:\n        \
         out[\"test\"] = model.evaluate(scaled(X_TEST), np.array(Y_TEST), verbose=0, return_dict=True)\n    \
         print(json.dumps(out, indent=1))\n\n\n\
         if __name__ == \"__main__\":\n    main()\n",
        has_val = py::boolean(t.validation.is_some()),
        has_test = py::boolean(t.test.is_some()),
        classify = py::boolean(classify(t)),
    ));
    Ok(s)
}
