//! The network file format: lossless JSON and TOML round trips, the issue's example, defaults,
//! and clear errors (never a panic) for every kind of bad input.

use mlp_notebook::nn::doc::{MAX_FILE_BYTES, MAX_PARAMS, NetworkDoc, Syntax, parse};
use mlp_notebook::nn::{
    Activation, Layer, Loss, LossKind, Matrix, Network, OptimizerConfig, OptimizerKind, Reduction, Vector,
};
use proptest::prelude::*;

fn toml(text: &str) -> Result<NetworkDoc, Vec<String>> {
    parse(text, Syntax::Toml).map_err(|e| e.problems)
}

fn json(text: &str) -> Result<NetworkDoc, Vec<String>> {
    parse(text, Syntax::Json).map_err(|e| e.problems)
}

fn problems(r: Result<NetworkDoc, Vec<String>>) -> Vec<String> {
    match r {
        Ok(doc) => panic!("expected errors, parsed {doc:?}"),
        Err(p) => p,
    }
}

// ---------------------------------------------------------------------------------------------
// Lossless round trips.
// ---------------------------------------------------------------------------------------------

/// Every f64 of a document, as bits (so -0.0 and 0.0 differ), in a fixed order.
fn bits(doc: &NetworkDoc) -> Vec<u64> {
    let mut v: Vec<f64> = Vec::new();
    for l in doc.net.layers() {
        v.extend(l.weights.iter());
        v.extend(l.bias.iter());
    }
    v.extend(doc.x.iter());
    v.extend(doc.y.iter());
    let o = &doc.optimizer;
    v.extend([
        o.lr,
        o.momentum,
        o.dampening,
        o.beta1,
        o.beta2,
        o.eps,
        o.weight_decay,
        o.alpha,
    ]);
    if let LossKind::Huber { delta } = doc.loss.kind {
        v.push(delta);
    }
    v.into_iter().map(f64::to_bits).collect()
}

/// Finite numbers of every size and sign (no subnormals): normal floats, zeros, small integers.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => prop::num::f64::NORMAL,
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => (-3i32..=3).prop_map(f64::from),
        1 => prop::sample::select(vec![1e-300, -2.5e-308, 1.7976931348623157e308, 0.1, 1.0 / 3.0]),
    ]
}

fn positive() -> impl Strategy<Value = f64> {
    prop::num::f64::POSITIVE | prop::num::f64::NORMAL
}

const HIDDEN: [Activation; 8] = [
    Activation::Identity,
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Gelu,
    Activation::Elu,
    Activation::Softplus,
];

fn doc_strategy() -> impl Strategy<Value = NetworkDoc> {
    (
        prop::collection::vec(1usize..=4, 2..=4),
        1usize..=3,
        0usize..6,
        any::<bool>(),
        prop::option::of("\\PC{0,12}"),
    )
        .prop_flat_map(|(widths, batch, loss_no, sum, name)| {
            let n = widths.len() - 1;
            let params: usize = widths.windows(2).map(|w| w[1] * (w[0] + 1)).sum();
            let (inputs, outputs) = (widths[0], widths[n]);
            (
                (Just(widths), Just(batch), Just(loss_no), Just(sum), Just(name)),
                prop::collection::vec(prop::sample::select(HIDDEN.to_vec()), n),
                prop::collection::vec(number(), params),
                prop::collection::vec(number(), inputs * batch),
                prop::collection::vec(number(), outputs * batch),
                (
                    prop::sample::select(OptimizerKind::ALL.to_vec()),
                    prop::collection::vec(positive(), 8),
                    any::<bool>(),
                ),
                positive(),
            )
        })
        .prop_map(
            |((widths, batch, loss_no, sum, name), acts, params, x, y, (kind, o, nesterov), delta)| {
                let n = widths.len() - 1;
                let outputs = widths[n];
                let (kind_loss, out_act, y) = match loss_no {
                    0 => (LossKind::Mse, acts[n - 1], y),
                    1 => (LossKind::Mae, acts[n - 1], y),
                    2 => (LossKind::Huber { delta }, acts[n - 1], y),
                    3 => (LossKind::SseHalf, acts[n - 1], y),
                    4 => (
                        LossKind::Bce,
                        Activation::Sigmoid,
                        y.iter().map(|v| (v.abs() % 1.0).min(1.0)).collect(),
                    ),
                    _ => {
                        let mut one_hot = vec![0.0; y.len()];
                        for (s, chunk) in one_hot.chunks_mut(outputs).enumerate() {
                            chunk[s % outputs] = 1.0;
                        }
                        (LossKind::CrossEntropy, Activation::Softmax, one_hot)
                    }
                };
                let mut p = params.into_iter();
                let layers = (0..n)
                    .map(|l| Layer {
                        activation: if l + 1 == n { out_act } else { acts[l] },
                        weights: Matrix::from_fn(widths[l + 1], widths[l], |_, _| p.next().unwrap_or(0.0)),
                        bias: Vector::from_fn(widths[l + 1], |_, _| p.next().unwrap_or(0.0)),
                    })
                    .collect();
                let optimizer = OptimizerConfig {
                    kind,
                    lr: o[0],
                    momentum: o[1],
                    dampening: if nesterov { 0.0 } else { o[2] },
                    nesterov,
                    beta1: o[3],
                    beta2: o[4],
                    eps: o[5],
                    weight_decay: o[6],
                    alpha: o[7],
                };
                NetworkDoc {
                    name,
                    net: Network::new(widths[0], layers).expect("valid network"),
                    loss: Loss {
                        kind: kind_loss,
                        reduction: if sum { Reduction::Sum } else { Reduction::Mean },
                    },
                    x: Matrix::from_column_slice(widths[0], batch, &x),
                    y: Matrix::from_column_slice(outputs, batch, &y),
                    optimizer,
                    case_steps: None,
                    scaling: None,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// write -> parse gives the same document with bit-identical numbers, in both syntaxes.
    #[test]
    fn json_and_toml_round_trip_losslessly(doc in doc_strategy()) {
        for syntax in [Syntax::Json, Syntax::Toml] {
            let text = doc.write(syntax).unwrap();
            let back = parse(&text, syntax).map_err(|e| TestCaseError::fail(format!("{syntax:?}: {e}\n{text}")))?;
            prop_assert_eq!(bits(&back), bits(&doc), "{:?}:\n{}", syntax, text);
            prop_assert_eq!(&back.name, &doc.name);
            prop_assert_eq!(back.net.widths(), doc.net.widths());
            let acts = |d: &NetworkDoc| d.net.layers().iter().map(|l| l.activation).collect::<Vec<_>>();
            prop_assert_eq!(acts(&back), acts(&doc));
            prop_assert_eq!(back.loss.reduction, doc.loss.reduction);
            prop_assert_eq!(back.loss.kind.name(), doc.loss.kind.name());
            prop_assert_eq!(back.optimizer.kind, doc.optimizer.kind);
            prop_assert_eq!(back.optimizer.nesterov, doc.optimizer.nesterov);
            prop_assert_eq!((back.x.shape(), back.y.shape()), (doc.x.shape(), doc.y.shape()));
        }
    }

    /// Arbitrary text never panics the parser, in either syntax.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text, Syntax::Toml);
        let _ = parse(&text, Syntax::Json);
    }

    /// Arbitrary bytes (read as the app reads a file: lossy UTF-8) never panic the parser.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text, Syntax::Toml);
        let _ = parse(&text, Syntax::Json);
    }

    /// Valid files with a few random edits (cut a span, splice in text) reach deep into the
    /// validator; they may fail, never panic.
    #[test]
    fn edited_valid_files_never_panic(
        which in 0usize..2,
        cut in (0usize..400, 0usize..12),
        insert in (0usize..400, "[\\[\\]{}=,\"0-9a-z.\\-\\n ]{0,12}"),
    ) {
        let (base, syntax) = if which == 0 { (EXAMPLE_FIXED, Syntax::Toml) } else { (EXAMPLE_FIXED_JSON, Syntax::Json) };
        let mut chars: Vec<char> = base.chars().collect();
        let start = cut.0.min(chars.len());
        let end = (start + cut.1).min(chars.len());
        chars.drain(start..end);
        let at = insert.0.min(chars.len());
        chars.splice(at..at, insert.1.chars());
        let text: String = chars.into_iter().collect();
        let _ = parse(&text, syntax);
    }
}

// ---------------------------------------------------------------------------------------------
// The issue's example.
// ---------------------------------------------------------------------------------------------

/// The example as the issue writes it: one layer of 4 units, but y has 2 values per row.
const EXAMPLE: &str = r#"format_version = 1
name = "Seven layers by hand"
inputs = 3
loss = "sse_half"
x = [[1.0, 2.0, 3.0]]
y = [[0.0, 1.0]]
optimizer = { kind = "adam", lr = 0.01 }
[[layers]]
units = 4
activation = "relu"
weights = [[1, 0, -1], [0, 1, 1], [1, -1, 0], [2, 0, 1]]
bias = [0, 0, 0, 0]
"#;

const EXAMPLE_JSON: &str = r#"{
  "format_version": 1,
  "name": "Seven layers by hand",
  "inputs": 3,
  "loss": "sse_half",
  "x": [[1.0, 2.0, 3.0]],
  "y": [[0.0, 1.0]],
  "optimizer": {"kind": "adam", "lr": 0.01},
  "layers": [
    {"units": 4, "activation": "relu",
     "weights": [[1, 0, -1], [0, 1, 1], [1, -1, 0], [2, 0, 1]],
     "bias": [0, 0, 0, 0]}
  ]
}"#;

/// The same with a target row of 4 values.
const EXAMPLE_FIXED: &str = r#"format_version = 1
name = "Seven layers by hand"
inputs = 3
loss = "sse_half"
x = [[1.0, 2.0, 3.0]]
y = [[0.0, 1.0, 0, 1]]
optimizer = { kind = "adam", lr = 0.01 }
[[layers]]
units = 4
activation = "relu"
weights = [[1, 0, -1], [0, 1, 1], [1, -1, 0], [2, 0, 1]]
bias = [0, 0, 0, 0]
"#;

const EXAMPLE_FIXED_JSON: &str = r#"{
  "format_version": 1,
  "name": "Seven layers by hand",
  "inputs": 3,
  "loss": "sse_half",
  "x": [[1.0, 2.0, 3.0]],
  "y": [[0.0, 1.0, 0, 1]],
  "optimizer": {"kind": "adam", "lr": 0.01},
  "layers": [
    {"units": 4, "activation": "relu",
     "weights": [[1, 0, -1], [0, 1, 1], [1, -1, 0], [2, 0, 1]],
     "bias": [0, 0, 0, 0]}
  ]
}"#;

#[test]
fn the_issue_example_is_invalid_as_written_in_both_syntaxes() {
    let want = vec!["y row 1: 2 values but the output layer has 4 units".to_string()];
    assert_eq!(problems(toml(EXAMPLE)), want);
    assert_eq!(problems(json(EXAMPLE_JSON)), want);
}

#[test]
fn the_corrected_example_parses_the_same_in_toml_and_json() {
    let t = toml(EXAMPLE_FIXED).unwrap();
    let j = json(EXAMPLE_FIXED_JSON).unwrap();
    assert_eq!(t, j);
    assert_eq!(t.name.as_deref(), Some("Seven layers by hand"));
    assert_eq!(t.net.widths(), vec![3, 4]);
    let l = &t.net.layers()[0];
    assert_eq!(l.activation, Activation::Relu);
    // Integer literals are accepted where floats are expected (TOML and JSON alike).
    assert_eq!(
        l.weights,
        Matrix::from_row_slice(4, 3, &[1., 0., -1., 0., 1., 1., 1., -1., 0., 2., 0., 1.])
    );
    assert_eq!(l.bias.as_slice(), &[0.0; 4]);
    // Samples are columns in the engine: x is 3 x 1, y is 4 x 1.
    assert_eq!(t.x.as_slice(), &[1.0, 2.0, 3.0]);
    assert_eq!(t.y.as_slice(), &[0.0, 1.0, 0.0, 1.0]);
    assert_eq!(t.loss, Loss::new(LossKind::SseHalf));
    assert_eq!(t.loss.reduction, Reduction::Sum);
    // adam with lr 0.01; the rest are torch.optim.Adam's defaults.
    let o = t.optimizer;
    assert_eq!(o.kind, OptimizerKind::Adam);
    assert_eq!(
        (o.lr, o.beta1, o.beta2, o.eps, o.weight_decay),
        (0.01, 0.9, 0.999, 1e-8, 0.0)
    );
}

// ---------------------------------------------------------------------------------------------
// Defaults and alternative spellings.
// ---------------------------------------------------------------------------------------------

/// A small valid file with `extra` lines spliced in before the layers.
fn small(extra: &str) -> String {
    format!("inputs = 2\n{extra}\n[[layers]]\nunits = 2\nactivation = \"identity\"\nweights = [[1, 2], [3, 4]]\n")
}

#[test]
fn a_flat_x_is_one_sample_and_a_missing_bias_is_zeros() {
    let d = toml(&small("x = [1, 2]\ny = [0.5, -1]")).unwrap();
    assert_eq!(d.x.shape(), (2, 1));
    assert_eq!(d.x.as_slice(), &[1.0, 2.0]);
    assert_eq!(d.y.as_slice(), &[0.5, -1.0]);
    assert_eq!(d.net.layers()[0].bias.as_slice(), &[0.0, 0.0]);
    let j = json(
        r#"{"inputs": 3, "x": [1, 2, 3], "layers": [{"units": 1, "activation": "relu", "weights": [[1, 1, 1]]}]}"#,
    )
    .unwrap();
    assert_eq!(j.x.shape(), (3, 1));
    assert_eq!(j.net.layers()[0].bias.as_slice(), &[0.0]);
    // Two rows are two samples (columns).
    let d = toml(&small("x = [[1, 2], [3, 4]]\ny = [[0, 0], [1, 1]]")).unwrap();
    assert_eq!(d.x, Matrix::from_column_slice(2, 2, &[1., 2., 3., 4.]));
}

/// torch.optim's defaults: SGD lr 1e-3 (no momentum); Adam lr 1e-3, betas (0.9, 0.999),
/// eps 1e-8, weight_decay 0; AdamW the same with weight_decay 1e-2; RMSprop lr 1e-2, alpha 0.99,
/// eps 1e-8.
#[test]
fn missing_optimizer_keys_take_torch_defaults() {
    let opt = |kind: &str| {
        toml(&small(&format!("optimizer = {{ kind = \"{kind}\" }}")))
            .unwrap()
            .optimizer
    };
    let sgd = opt("sgd");
    assert_eq!(
        (sgd.lr, sgd.momentum, sgd.dampening, sgd.nesterov, sgd.weight_decay),
        (1e-3, 0.0, 0.0, false, 0.0)
    );
    let adam = opt("adam");
    assert_eq!(
        (adam.lr, adam.beta1, adam.beta2, adam.eps, adam.weight_decay),
        (1e-3, 0.9, 0.999, 1e-8, 0.0)
    );
    let adamw = opt("adamw");
    assert_eq!(
        (adamw.lr, adamw.beta1, adamw.beta2, adamw.eps, adamw.weight_decay),
        (1e-3, 0.9, 0.999, 1e-8, 1e-2)
    );
    let rms = opt("rmsprop");
    assert_eq!(
        (rms.lr, rms.alpha, rms.eps, rms.weight_decay, rms.momentum),
        (1e-2, 0.99, 1e-8, 0.0, 0.0)
    );
    // An integer learning rate is a float.
    assert_eq!(
        toml(&small("optimizer = { kind = \"sgd\", lr = 1 }"))
            .unwrap()
            .optimizer
            .lr,
        1.0
    );
    // No optimizer at all: SGD with its defaults.
    assert_eq!(
        toml(&small("")).unwrap().optimizer,
        OptimizerConfig::defaults(OptimizerKind::Sgd)
    );
}

#[test]
fn losses_as_names_and_tables() {
    let l = |spec: &str| toml(&small(&format!("loss = {spec}"))).unwrap().loss;
    assert_eq!(l("\"mse\""), Loss::new(LossKind::Mse));
    assert_eq!(
        l("{ kind = \"huber\", delta = 1.0 }"),
        Loss {
            kind: LossKind::Huber { delta: 1.0 },
            reduction: Reduction::Mean
        }
    );
    assert_eq!(
        l("{ kind = \"huber\", delta = 2 }"),
        Loss {
            kind: LossKind::Huber { delta: 2.0 },
            reduction: Reduction::Mean
        }
    );
    assert_eq!(
        l("{ kind = \"sse_half\", reduction = \"mean\" }"),
        Loss {
            kind: LossKind::SseHalf,
            reduction: Reduction::Mean
        }
    );
    // cross_entropy needs a softmax output and one-hot targets.
    let ce = toml(
        "inputs = 1\nloss = { kind = \"cross_entropy\", reduction = \"sum\" }\nx = [1]\ny = [0, 1]\n\
         [[layers]]\nunits = 2\nactivation = \"softmax\"\nweights = [[1], [2]]\n",
    )
    .unwrap();
    assert_eq!(
        ce.loss,
        Loss {
            kind: LossKind::CrossEntropy,
            reduction: Reduction::Sum
        }
    );
    // No loss: mse.
    assert_eq!(toml(&small("")).unwrap().loss, Loss::new(LossKind::Mse));
}

/// The reference cases (a `network` object beside `expected` and `training`) read as files.
#[test]
fn reference_cases_read_with_their_optimizer() {
    let path = format!("{}/tests/fixtures/train_adamw.json", env!("CARGO_MANIFEST_DIR"));
    let d = json(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(d.optimizer.kind, OptimizerKind::Adamw);
    assert_eq!((d.optimizer.lr, d.optimizer.weight_decay), (0.01, 0.1));
    assert_eq!(d.case_steps, Some(10));
    assert_eq!(d.loss.kind, LossKind::CrossEntropy);
}

// ---------------------------------------------------------------------------------------------
// Errors: clear, with context, every one of them, never a panic.
// ---------------------------------------------------------------------------------------------

/// Line 4 is `    {"units": 1 "activation": ...`: the `"` after `1` is column 17 (4 spaces,
/// `{` at 5, `"units"` at 6-12, `:` at 13, `1` at 15).
#[test]
fn json_syntax_errors_give_line_and_column() {
    let text = "{\n  \"inputs\": 3,\n  \"layers\": [\n    {\"units\": 1 \"activation\": \"relu\"}\n  ]\n}\n";
    let p = problems(json(text));
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("line 4, column 17: expected `,` or `}`"), "{p:?}");
}

/// Line 4 is `units = 4 4`: TOML reads `4 4` as one unquoted value, which starts at column 9
/// (`units` 1-5, a space, `=` at 7, a space).
#[test]
fn toml_syntax_errors_give_line_and_column() {
    let text = "inputs = 3\nloss = \"mse\"\n[[layers]]\nunits = 4 4\n";
    let p = problems(toml(text));
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("line 4, column 9: "), "{p:?}");
    // A multi-byte character before the error does not shift the column: `name = "π"` is 10
    // characters, so the stray `x` after it on line 1 is column 12.
    let p = problems(toml("name = \"π\" x\ninputs = 1\n"));
    assert!(p[0].starts_with("line 1, column 12: "), "{p:?}");
    // A type error points at the value: line 2 is `inputs = "three"`, the value starts at 10.
    let p = problems(toml("name = \"n\"\ninputs = \"three\"\n[[layers]]\nunits = 1\n"));
    assert!(p[0].starts_with("line 2, column 10: "), "{p:?}");
}

/// Layer 3's weights have 5 columns in every row, but layer 2 has 4 units: one message, in the
/// issue's words. A ragged matrix names its rows.
#[test]
fn shape_errors_name_the_layer_and_what_was_expected() {
    let layers = |third: &str| {
        format!(
            "inputs = 3\n\
             [[layers]]\nunits = 4\nactivation = \"relu\"\nweights = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]\n\
             [[layers]]\nunits = 4\nactivation = \"relu\"\nweights = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]\n\
             [[layers]]\nunits = 2\nactivation = \"identity\"\nweights = {third}\n"
        )
    };
    assert_eq!(
        problems(toml(&layers("[[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]"))),
        vec!["layer 3: weights have 5 columns but layer 2 has 4 units"]
    );
    assert_eq!(
        problems(toml(&layers("[[1, 2, 3, 4], [1, 2, 3, 4, 5]]"))),
        vec!["layer 3: weights row 2 has 5 columns but layer 2 has 4 units"]
    );
    assert_eq!(
        problems(toml(&layers("[[1, 2, 3, 4]]"))),
        vec!["layer 3: weights have 1 row but the layer has 2 units (one row per unit)"]
    );
    // The first layer is measured against the inputs.
    assert_eq!(
        problems(toml(
            "inputs = 3\n[[layers]]\nunits = 1\nactivation = \"relu\"\nweights = [[1, 2]]\n"
        )),
        vec!["layer 1: weights have 2 columns but the network has 3 inputs"]
    );
    assert_eq!(
        problems(toml(&small("x = [1, 2, 3]"))),
        vec!["x row 1: 3 values but the network has 2 inputs"]
    );
    let bias = toml("inputs = 1\n[[layers]]\nunits = 2\nactivation = \"relu\"\nweights = [[1], [2]]\nbias = [0]\n");
    assert_eq!(
        problems(bias),
        vec!["layer 1: bias has 1 entry but the layer has 2 units"]
    );
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let p = problems(toml(
        "inputs = 1\n[[layers]]\nunits = 1\nactivation = \"rleu\"\nweights = [[1]]\n",
    ));
    assert_eq!(
        p,
        vec![
            "layer 1: unknown activation 'rleu'; valid: identity, relu, leaky_relu, sigmoid, tanh, softmax, gelu, elu, softplus"
        ]
    );
    assert_eq!(
        problems(toml(&small("loss = \"mse2\""))),
        vec!["unknown loss 'mse2'; valid: mse, mae, huber, bce, cross_entropy, sse_half"]
    );
    assert_eq!(
        problems(toml(&small("optimizer = { kind = \"adagrad\" }"))),
        vec!["unknown optimizer 'adagrad'; valid: sgd, adam, adamw, rmsprop"]
    );
    assert_eq!(
        problems(toml(&small("loss = { kind = \"mse\", reduction = \"avg\" }"))),
        vec!["unknown reduction 'avg'; valid: mean, sum"]
    );
}

/// TOML can write nan and inf; each one is reported where it is.
#[test]
fn non_finite_numbers_are_refused() {
    let p = problems(toml(
        "inputs = 2\nx = [1, nan]\n[[layers]]\nunits = 1\nactivation = \"relu\"\nweights = [[inf, 1]]\nbias = [-inf]\n",
    ));
    assert_eq!(
        p,
        vec![
            "layer 1: weights row 1, column 1: inf is not a finite number",
            "layer 1: bias row 1, column 1: -inf is not a finite number",
            "x row 1, column 2: NaN is not a finite number",
        ]
    );
    assert_eq!(
        problems(toml(&small("optimizer = { kind = \"sgd\", lr = nan }"))),
        vec!["optimizer lr must be a finite number, got NaN"]
    );
    // JSON has no literal for them; a number too large for f64 is a syntax error, not inf.
    let p = problems(json(
        r#"{"inputs": 1, "layers": [{"units": 1, "activation": "relu", "weights": [[1e999]]}]}"#,
    ));
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("line 1, column "), "{p:?}");
}

#[test]
fn an_empty_network_is_refused() {
    let want = vec!["the network has no layers: add at least one [[layers]] entry".to_string()];
    assert_eq!(problems(toml("inputs = 3\nlayers = []\n")), want);
    assert_eq!(problems(toml("inputs = 3\n")), want);
    assert_eq!(problems(json(r#"{"inputs": 3, "layers": []}"#)), want);
    // An absurd input count without layers is refused, not allocated.
    assert_eq!(
        problems(toml("inputs = 100000000000000\n")),
        vec![
            "the network has no layers: add at least one [[layers]] entry",
            "the network has 100000000000000 inputs; the limit is 5000000",
        ]
    );
    let p = problems(toml(
        "inputs = 0\n[[layers]]\nunits = 0\nactivation = \"relu\"\nweights = []\n",
    ));
    assert_eq!(
        p[..2],
        ["inputs must be at least 1", "layer 1: units must be at least 1"]
    );
}

#[test]
fn files_over_the_size_limit_are_refused_before_parsing() {
    let mut text = small("");
    text.push_str(&" ".repeat(MAX_FILE_BYTES + 1 - text.len()));
    let p = problems(toml(&text));
    assert_eq!(
        p,
        vec![format!(
            "the file is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
            MAX_FILE_BYTES + 1
        )]
    );
    assert_eq!(MAX_FILE_BYTES, 32 * 1024 * 1024);
}

/// 2000 inputs into 3000 units: 3000 · (2000 + 1) = 6,003,000 parameters, over 5,000,000.
/// Counted from the declared sizes, so nothing that large is ever allocated.
#[test]
fn networks_over_the_parameter_limit_are_refused() {
    assert_eq!(MAX_PARAMS, 5_000_000);
    let p = problems(toml(
        "inputs = 2000\n[[layers]]\nunits = 3000\nactivation = \"relu\"\nweights = []\n",
    ));
    assert_eq!(p, vec!["the network has 6003000 parameters; the limit is 5000000"]);
    // Absurd declared sizes are refused the same way (no allocation, no overflow).
    let p = problems(toml(
        "inputs = 100000000000000\n[[layers]]\nunits = 1\nactivation = \"relu\"\nweights = [[1]]\n",
    ));
    assert_eq!(
        p,
        vec!["the network has 100000000000001 parameters; the limit is 5000000"]
    );
    let p = problems(toml(&format!(
        "inputs = 1\n[[layers]]\nunits = {}\nactivation = \"relu\"\nweights = [[1]]\n",
        u64::MAX
    )));
    assert_eq!(p.len(), 1);
    assert!(p[0].ends_with("parameters; the limit is 5000000"), "{p:?}");
}

/// 2,000,000 output units (4,000,000 parameters, under the limit) and 6 samples: the default
/// targets alone would be 12,000,000 zeros, over the 10,000,000 data limit.
#[test]
fn data_over_the_size_limit_is_refused_before_it_is_allocated() {
    let p = problems(toml(
        "inputs = 1\nx = [[0], [0], [0], [0], [0], [0]]\n[[layers]]\nunits = 2000000\nactivation = \"relu\"\nweights = []\n",
    ));
    assert_eq!(
        p,
        vec![
            "layer 1: weights have 0 rows but the layer has 2000000 units (one row per unit)",
            "x and y hold more than 10000000 numbers, the limit",
        ]
    );
}

/// Four independent problems, four messages.
#[test]
fn every_problem_in_a_file_is_reported() {
    let text = "inputs = 2\nloss = \"mse2\"\nx = [1, 2]\ny = [1, 2, 3]\n\
                [[layers]]\nunits = 3\nactivation = \"rleu\"\nweights = [[1, 2], [3, 4], [5, 6]]\n\
                [[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[1, 2]]\n";
    let p = problems(toml(text));
    assert_eq!(p.len(), 4, "{p:#?}");
    assert!(p[0].starts_with("layer 1: unknown activation 'rleu'"), "{p:?}");
    assert_eq!(p[1], "layer 2: weights have 2 columns but layer 1 has 3 units");
    assert!(p[2].starts_with("unknown loss 'mse2'"), "{p:?}");
    assert_eq!(p[3], "y row 1: 3 values but the output layer has 1 unit");
    // The same file in JSON gives the same list.
    let j = r#"{"inputs": 2, "loss": "mse2", "x": [1, 2], "y": [1, 2, 3], "layers": [
        {"units": 3, "activation": "rleu", "weights": [[1, 2], [3, 4], [5, 6]]},
        {"units": 1, "activation": "identity", "weights": [[1, 2]]}]}"#;
    assert_eq!(problems(json(j)), p);
}

#[test]
fn loss_and_output_layer_must_agree() {
    let p = problems(toml(
        "inputs = 1\nloss = \"bce\"\ny = [2]\n[[layers]]\nunits = 1\nactivation = \"relu\"\nweights = [[1]]\n",
    ));
    assert_eq!(
        p,
        vec![
            "loss 'bce' needs a sigmoid output layer, but layer 1 is relu",
            "y row 1: bce needs targets between 0 and 1",
        ]
    );
    let p = problems(toml(
        "inputs = 1\nx = [1]\ny = [1, 0]\n[[layers]]\nunits = 2\nactivation = \"softmax\"\nweights = [[1], [1]]\n",
    ));
    assert_eq!(p, vec!["a softmax output layer needs the cross_entropy loss"]);
}

#[test]
fn unknown_keys_are_refused() {
    let p = problems(toml(&small("learning_rate = 0.1")));
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("learning_rate"), "{p:?}");
    let p = problems(toml(&small("loss = { kind = \"huber\", detla = 2.0 }")));
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("detla"), "{p:?}");
}

/// Line 2 is `x = [[1, "a"]]`: the value starts at column 5.
#[test]
fn wrong_types_say_what_was_expected() {
    let p = problems(toml(&small("x = [[1, \"a\"]]")));
    assert_eq!(
        p,
        vec!["line 2, column 5: expected a list of numbers (one sample) or a list of rows of numbers"]
    );
    let p = problems(toml(&small("loss = 3")));
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("line 2, column 8: invalid type: integer `3`, expected a loss name"),
        "{p:?}"
    );
}

#[test]
fn syntax_is_guessed_from_the_name_then_the_text() {
    assert_eq!(Syntax::guess("net.JSON", ""), Syntax::Json);
    assert_eq!(Syntax::guess("net.toml", "{"), Syntax::Toml);
    assert_eq!(Syntax::guess("net", "  {\"inputs\": 1}"), Syntax::Json);
    assert_eq!(Syntax::guess("net", "inputs = 1"), Syntax::Toml);
}

#[test]
fn saved_files_write_whole_numbers_plainly_and_only_non_default_optimizer_keys() {
    let text = "inputs = 2\nx = [[1, -0.5]]\ny = [[3]]\noptimizer = { kind = \"adam\", lr = 0.01, beta2 = 0.98 }\n[[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[2, -0.25]]\nbias = [0]\n";
    let doc = toml(text).unwrap();
    let out = doc.write(Syntax::Toml).unwrap();
    assert!(out.contains("weights = [[2, -0.25]]"), "{out}");
    assert!(out.contains("x = [[1, -0.5]]"), "{out}");
    assert!(out.contains("bias = [0]"), "{out}");
    // Adam's defaults (beta1 0.9, eps 1e-8, ...) are not written; the changed beta2 is.
    assert!(
        out.contains("beta2 = 0.98") && !out.contains("beta1") && !out.contains("eps"),
        "{out}"
    );
    assert_eq!(
        toml(&out).unwrap(),
        doc,
        "the short form reads back to the same document"
    );
    let j = doc.write(Syntax::Json).unwrap();
    assert_eq!(json(&j).unwrap(), doc);
}
