//! The command line, run as a real process: every PyTorch reference case through `trace --json`
//! and `train --steps N --json`, each kind of bad file (exit code 2 and its message), and every
//! subcommand end to end.
//!
//! Numbers are compared with |got - expected| <= 1e-9 * max(1, |expected|), the reference cases'
//! tolerance. Expected values come from the reference cases or are derived by hand in comments.

use mlp_notebook::nn::doc::{MAX_FILE_BYTES, MAX_PARAMS};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    run_with_stdin(args, None)
}

fn run_with_stdin(args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlp-notebook"));
    cmd.args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(text) = stdin {
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(name: &str) -> String {
    fixtures().join(name).to_string_lossy().into_owned()
}

fn case(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join(name)).unwrap()).unwrap()
}

fn json(out: &Out) -> Value {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}):\n{}", out.stdout))
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

/// Compares two JSON values: numbers within the tolerance, arrays of equal length, objects with
/// exactly the same keys.
fn assert_close(got: &Value, want: &Value, at: &str) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!(close(g, w), "{at}: got {g}, PyTorch {w}");
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{at}: length");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                assert_close(g, w, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            let gk: Vec<_> = g.keys().collect();
            let wk: Vec<_> = w.keys().collect();
            assert_eq!(gk, wk, "{at}: keys");
            for (k, w) in w {
                assert_close(&g[k], w, &format!("{at}.{k}"));
            }
        }
        _ => panic!("{at}: got {got}, expected {want}"),
    }
}

fn case_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// Runs a command expected to fail on bad input: exit code 2, and every `needles` on stderr.
fn assert_bad(args: &[&str], needles: &[&str]) -> Out {
    let out = run(args);
    assert_eq!(out.code, 2, "{args:?}: stderr {}", out.stderr);
    assert!(out.stdout.is_empty(), "{args:?}: stdout {}", out.stdout);
    for n in needles {
        assert!(out.stderr.contains(n), "{args:?}: '{n}' not in stderr:\n{}", out.stderr);
    }
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

// ---------------------------------------------------------------- reference cases

#[test]
fn every_reference_case_traces_like_pytorch() {
    let names = case_names();
    assert_eq!(names.len(), 17);
    for name in &names {
        let got = json(&run(&["trace", &fixture(name), "--json"]));
        assert_close(&got, &case(name)["expected"], name);
    }
}

#[test]
fn every_training_case_trains_like_pytorch() {
    let names: Vec<String> = case_names().into_iter().filter(|n| n.starts_with("train_")).collect();
    assert_eq!(names.len(), 5);
    for name in &names {
        let c = case(name);
        let t = &c["training"];
        let steps = t["steps"].as_u64().unwrap().to_string();
        let got = json(&run(&["train", &fixture(name), "--steps", &steps, "--json"]));
        let want = serde_json::json!({"losses": t["expected_losses"], "layers": t["expected_layers"]});
        assert_close(&got, &want, name);
    }
}

#[test]
fn a_training_case_names_its_own_step_count() {
    let c = case("train_sgd.json");
    let got = json(&run(&["train", &fixture("train_sgd.json"), "--json"]));
    assert_close(&got["losses"], &c["training"]["expected_losses"], "train_sgd losses");
}

#[test]
fn fewer_steps_give_a_prefix_of_the_losses() {
    // The losses before steps 1 and 2 do not depend on later steps, so `--steps 1` gives the
    // case's first two losses.
    let c = case("train_sgd_momentum.json");
    let got = json(&run(&[
        "train",
        &fixture("train_sgd_momentum.json"),
        "--steps",
        "1",
        "--json",
    ]));
    let want = &c["training"]["expected_losses"].as_array().unwrap()[..2];
    assert_close(&got["losses"], &Value::Array(want.to_vec()), "losses");
}

#[test]
fn flags_override_the_optimizer() {
    // lr 0 changes nothing: every loss is the initial loss and the weights stay as they are.
    let c = case("train_sgd.json");
    let got = json(&run(&["train", &fixture("train_sgd.json"), "--lr", "0", "--json"]));
    let loss0 = &c["expected"]["loss"];
    assert_close(
        &got["losses"],
        &serde_json::json!([loss0, loss0, loss0, loss0, loss0, loss0]),
        "losses",
    );
    let layers: Vec<Value> = c["network"]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| serde_json::json!({"weights": l["weights"], "bias": l["bias"]}))
        .collect();
    assert_close(&got["layers"], &Value::Array(layers), "layers");
}

#[test]
fn switching_optimizer_kind_starts_from_its_defaults() {
    // train_adam uses Adam(lr 0.01) with torch's default betas (0.9, 0.999), eps 1e-8 and no
    // weight decay. Give that case an RMSprop optimizer with odd settings; `--optimizer adam
    // --lr 0.01` must drop them all (Adam defaults + lr) and reproduce the Adam case exactly.
    let mut c = case("train_adam.json");
    c["training"]["optimizer"] = serde_json::json!({
        "kind": "rmsprop", "lr": 0.5, "momentum": 0.3, "nesterov": false, "dampening": 0.0,
        "beta1": 0.1, "beta2": 0.2, "eps": 0.25, "weight_decay": 0.75, "alpha": 0.5
    });
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "rms.json", &c.to_string());
    let got = json(&run(&["train", &file, "--optimizer", "adam", "--lr", "0.01", "--json"]));
    let t = &case("train_adam.json")["training"];
    assert_close(&got["losses"], &t["expected_losses"], "losses");
    assert_close(&got["layers"], &t["expected_layers"], "layers");
}

#[test]
fn trace_text_shows_the_by_hand_numbers() {
    let c = case("by_hand_seven_layer_sse_half.json");
    let out = run(&["trace", &fixture("by_hand_seven_layer_sse_half.json")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Integers print as integers: z1 of the worksheet is one row [-1, 2, 2, 1].
    let z1: Vec<String> = c["expected"]["layers"][0]["z"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v.as_f64().unwrap() as i64).to_string())
        .collect();
    assert!(out.stdout.contains(&format!("[ {} ]", z1.join(" "))), "{}", out.stdout);
    // The loss is 0.5 * ((8 - 5)^2 + (38 - 2)^2) = 0.5 * (9 + 1296) = 652.5.
    assert_eq!(c["expected"]["loss"].as_f64(), Some(652.5));
    assert!(out.stdout.contains("loss = 652.5"), "{}", out.stdout);
    for l in 1..=7 {
        for q in [
            format!("z{l} ="),
            format!("delta{l} = dL/dz{l}"),
            format!("dL/dW{l} ="),
            format!("dL/db{l} ="),
        ] {
            assert!(out.stdout.contains(&q), "{q} missing");
        }
    }
}

#[test]
fn trace_reads_standard_input() {
    let text = std::fs::read_to_string(fixtures().join("loss_mse_identity.json")).unwrap();
    let got = json(&run_with_stdin(&["trace", "-", "--json"], Some(&text)));
    assert_close(&got, &case("loss_mse_identity.json")["expected"], "stdin");
}

// ---------------------------------------------------------------- bad files

#[test]
fn json_syntax_error_gives_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    // Line 4 is `    {"units": 1 "activation": "relu"}`: 4 spaces, `{` at column 5,
    // `"units":` in columns 6-13, a space, `1` at 15, a space, and the unexpected `"` at 17.
    let f = write(
        dir.path(),
        "bad.json",
        "{\n  \"inputs\": 2,\n  \"layers\": [\n    {\"units\": 1 \"activation\": \"relu\"}\n  ]\n}\n",
    );
    assert_bad(&["trace", &f], &[&format!("error: {f}: line 4, column 17: ")]);
}

#[test]
fn toml_syntax_error_gives_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    // Line 3 is `loss = = "mse"`: the second `=` is at column 8.
    let f = write(dir.path(), "bad.toml", "inputs = 2\nname = \"net\"\nloss = = \"mse\"\n");
    assert_bad(&["trace", &f], &[&format!("error: {f}: line 3, column 8: ")]);
}

const LAYER_4_4: &str = "
[[layers]]
units = 4
activation = \"relu\"
weights = [[1, 0, -1], [0, 1, 1], [1, -1, 0], [2, 0, 1]]

[[layers]]
units = 4
activation = \"relu\"
weights = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
";

#[test]
fn shape_errors_name_the_layer_and_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "inputs = 3\n{LAYER_4_4}\n[[layers]]\nunits = 2\nactivation = \"identity\"\nweights = [[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]]\n"
    );
    let f = write(dir.path(), "shape.toml", &text);
    let out = assert_bad(
        &["trace", &f],
        &[&format!(
            "error: {f}: layer 3: weights have 5 columns but layer 2 has 4 units"
        )],
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // The first layer is measured against the inputs; a single short row is named by its number.
    let text = "inputs = 3\n[[layers]]\nunits = 2\nactivation = \"relu\"\nweights = [[1, 2], [3, 4]]\n\
                [[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[1, 2, 3]]\n";
    let f = write(dir.path(), "shape2.toml", text);
    assert_bad(
        &["trace", &f],
        &[
            "layer 1: weights have 2 columns but the network has 3 inputs",
            "layer 2: weights have 3 columns but layer 1 has 2 units",
        ],
    );
    let text = format!("inputs = 3\n{}", LAYER_4_4.replace("[2, 0, 1]", "[2, 0]"));
    let f = write(dir.path(), "shape3.toml", &text);
    assert_bad(
        &["trace", &f],
        &["layer 1: weights row 4 has 2 columns but the network has 3 inputs"],
    );
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "act.toml",
        "inputs = 1\n[[layers]]\nunits = 1\nactivation = \"rleu\"\nweights = [[1.0]]\n",
    );
    assert_bad(
        &["trace", &f],
        &[
            "layer 1: unknown activation 'rleu'; valid: identity, relu, leaky_relu, sigmoid, tanh, softmax, gelu, elu, softplus",
        ],
    );
    let f = write(
        dir.path(),
        "loss.json",
        r#"{"inputs": 1, "loss": "l2", "layers": [{"units": 1, "activation": "relu", "weights": [[1.0]]}]}"#,
    );
    assert_bad(
        &["summary", &f],
        &["unknown loss 'l2'; valid: mse, mae, huber, bce, cross_entropy, sse_half"],
    );
}

#[test]
fn non_finite_numbers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "nan.toml",
        "inputs = 2\nx = [[1.0, -inf]]\ny = [[0.0]]\n[[layers]]\nunits = 1\nactivation = \"tanh\"\nweights = [[nan, 1.0]]\nbias = [inf]\n",
    );
    assert_bad(
        &["trace", &f],
        &[
            "layer 1: weights row 1, column 1: NaN is not a finite number",
            "layer 1: bias row 1, column 1: inf is not a finite number",
            "x row 1, column 2: -inf is not a finite number",
        ],
    );
}

#[test]
fn an_empty_network_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "empty.toml", "inputs = 2\nlayers = []\n");
    assert_bad(&["trace", &f], &["the network has no layers"]);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.json");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(MAX_FILE_BYTES as u64 + 1)
        .unwrap();
    let f = p.to_string_lossy().into_owned();
    assert_bad(
        &["trace", &f],
        &[&format!(
            "error: {f}: the file is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
            MAX_FILE_BYTES + 1
        )],
    );
}

#[test]
fn a_network_over_the_parameter_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // 5000 units with 1001 inputs each: 5000 * (1001 weights + 1 bias) = 5,010,000 parameters.
    let row = vec!["0.0"; 1001].join(", ");
    let text = format!("inputs = 1001\n[[layers]]\nunits = 5000\nactivation = \"relu\"\nweights = [[{row}]]\n");
    let f = write(dir.path(), "wide.toml", &text);
    assert_bad(
        &["trace", &f],
        &[&format!(
            "the network has 5010000 parameters; the limit is {MAX_PARAMS}"
        )],
    );
}

#[test]
fn every_problem_in_a_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "inputs = 3\nloss = \"l2\"\nx = [[1.0, nan, 3.0]]\n{}\n[[layers]]\nunits = 1\nactivation = \"sigmoidd\"\nweights = [[1, 2, 3]]\n",
        LAYER_4_4.replace("\"relu\"\nweights = [[1, 0, -1]", "\"rleu\"\nweights = [[1, 0, -1]")
    );
    let f = write(dir.path(), "many.toml", &text);
    let out = assert_bad(
        &["trace", &f],
        &[
            "layer 1: unknown activation 'rleu'",
            "layer 3: unknown activation 'sigmoidd'",
            "layer 3: weights have 3 columns but layer 2 has 4 units",
            "unknown loss 'l2'",
            "x row 1, column 2: NaN is not a finite number",
        ],
    );
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with(&format!("error: {f}: ")))
            .count(),
        5
    );
}

#[test]
fn missing_and_unreadable_files_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml").to_string_lossy().into_owned();
    assert_bad(&["trace", &missing], &[&format!("error: {missing}: no such file")]);
    let p = dir.path().join("latin1.toml");
    std::fs::write(&p, b"name = \"caf\xe9\"\n").unwrap();
    assert_bad(&["summary", &p.to_string_lossy()], &["not UTF-8"]);
}

#[test]
fn bad_flag_values_are_bad_input() {
    let f = fixture("train_sgd.json");
    assert_bad(&["train", &f, "--lr", "nan"], &["'nan' is not a finite number"]);
    assert_bad(&["train", &f, "--lr", "-1"], &["must be 0 or more"]);
    assert_bad(
        &["train", &f, "--optimizer", "adagrad"],
        &["valid: sgd, adam, adamw, rmsprop"],
    );
    assert_bad(&["train", &f, "--nesterov"], &["nesterov momentum needs momentum > 0"]);
    assert_bad(&["train", &f, "--out", "net.yaml"], &[".json or .toml"]);
    assert_bad(&["gradcheck", &f, "--eps", "0"], &["must be more than 0"]);
    let dir = tempfile::tempdir().unwrap();
    let plain = write(
        dir.path(),
        "plain.toml",
        "inputs = 1\n[[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[1.0]]\n",
    );
    assert_bad(&["train", &plain], &["give --steps N"]);
}

// ---------------------------------------------------------------- init, summary, gradcheck

fn init_to(dir: &Path, name: &str, args: &[&str]) -> String {
    let out = run(&[&["init"], args].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    write(dir, name, &out.stdout)
}

#[test]
fn init_then_trace_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let f = init_to(dir.path(), "net.toml", &["--layers", "3,4,4,4,4,4,4,2", "--seed", "7"]);
    let s = run(&["summary", &f]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    // 3-4-4-4-4-4-4-2: 4*3+4 = 16, five times 4*4+4 = 20, then 2*4+2 = 10: 16 + 100 + 10 = 126.
    assert!(s.stdout.contains("Total params: 126 "), "{}", s.stdout);
    // x is one zero sample and every bias is 0, so every z is W*0 + 0 = 0, the output is 0,
    // y is 0 and the mse loss is 0; so are all the gradients.
    let t = json(&run(&["trace", &f, "--json"]));
    assert_eq!(t["loss"].as_f64(), Some(0.0));
    assert_eq!(t["layers"].as_array().unwrap().len(), 7);
    assert_eq!(t["grad_input"], serde_json::json!([[0.0, 0.0, 0.0]]));
    // small-integers (default k = 2): every weight is an integer in [-2, 2].
    let file: toml::Value = toml::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    for layer in file["layers"].as_array().unwrap() {
        for row in layer["weights"].as_array().unwrap() {
            for w in row.as_array().unwrap() {
                // Whole numbers are written as integers (`2`, not `2.0`).
                let w = w
                    .as_integer()
                    .unwrap_or_else(|| panic!("{w} is not written as an integer"));
                assert!(w.abs() <= 2, "{w}");
            }
        }
    }
}

#[test]
fn init_as_json_with_cross_entropy_traces() {
    let dir = tempfile::tempdir().unwrap();
    let f = init_to(
        dir.path(),
        "net.json",
        &[
            "--layers",
            "2,3,4",
            "--activation",
            "tanh",
            "--output-activation",
            "softmax",
            "--loss",
            "cross_entropy",
            "--init",
            "xavier-uniform",
            "--format",
            "json",
            "--name",
            "Four classes",
        ],
    );
    // x = 0 and zero biases give z3 = 0, softmax = 1/4 each; the target is class 1, so the
    // loss is -ln(1/4) = ln 4.
    let t = json(&run(&["trace", &f, "--json"]));
    assert!(close(t["loss"].as_f64().unwrap(), 4f64.ln()), "{}", t["loss"]);
    let s = run(&["summary", &f]);
    assert!(s.stdout.contains("Model: \"Four classes\""), "{}", s.stdout);
}

#[test]
fn init_is_reproducible_for_a_seed() {
    let args = ["init", "--layers", "3,5,2", "--init", "he-normal", "--seed", "11"];
    let (a, b) = (run(&args), run(&args));
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    let c = run(&["init", "--layers", "3,5,2", "--init", "he-normal", "--seed", "12"]);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn init_refuses_bad_settings() {
    assert_bad(
        &["init", "--layers", "3,2", "--init", "random"],
        &["valid: zeros, constant, uniform"],
    );
    assert_bad(
        &["init", "--layers", "3,2", "--activation", "foo"],
        &["unknown activation 'foo'; valid:"],
    );
    assert_bad(
        &["init", "--layers", "3,2", "--loss", "l1"],
        &["unknown loss 'l1'; valid: mse"],
    );
    assert_bad(&["init", "--layers", "3"], &["at least one layer"]);
    assert_bad(&["init", "--layers", "3,0,2"], &["at least 1"]);
    // 100000 inputs into 100000 units: 100000 * 100001 parameters.
    assert_bad(
        &["init", "--layers", "100000,100000"],
        &["10000100000 parameters; the limit is"],
    );
    assert_bad(
        &["init", "--layers", "3,2", "--output-activation", "softmax"],
        &["softmax output layer needs the cross_entropy loss (add --loss cross_entropy)"],
    );
    assert_bad(
        &[
            "init",
            "--layers",
            "3,2",
            "--init",
            "small-integers",
            "--init-param",
            "1.5",
        ],
        &["a whole number"],
    );
}

#[test]
fn summary_counts_the_by_hand_network() {
    let out = run(&["summary", &fixture("by_hand_seven_layer_sse_half.json")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // 16 + 5 * 20 + 10 = 126, as above.
    assert!(out.stdout.contains("Total params: 126 "), "{}", out.stdout);
    assert!(out.stdout.contains("Loss: sse_half (sum)"), "{}", out.stdout);
}

#[test]
fn gradcheck_agrees_on_a_smooth_network() {
    let got = json(&run(&["gradcheck", &fixture("act_tanh_batch1.json"), "--json"]));
    // 4-5-5-3: (5*4 + 5) + (5*5 + 5) + (3*5 + 3) = 25 + 30 + 18 = 73 parameters.
    let params = got["params"].as_array().unwrap();
    assert_eq!(params.len(), 73);
    let worst = got["worst"]["rel_error"].as_f64().unwrap();
    assert!(worst < 1e-6, "worst relative error {worst}");
    // The backprop column is the reference case's gradient: W1[1,1] is grad_weights[0][0].
    let want = case("act_tanh_batch1.json")["expected"]["layers"][0]["grad_weights"][0][0]
        .as_f64()
        .unwrap();
    assert_eq!(params[0]["name"], "W1[1,1]");
    assert!(close(params[0]["backprop"].as_f64().unwrap(), want));
    let text = run(&["gradcheck", &fixture("act_tanh_batch1.json")]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("worst: "), "{}", text.stdout);
}

// ---------------------------------------------------------------- training

#[test]
fn train_out_writes_the_trained_network() {
    let dir = tempfile::tempdir().unwrap();
    let t = &case("train_rmsprop.json")["training"];
    for name in ["trained.json", "trained.toml"] {
        let out_path = dir.path().join(name);
        let out = run(&[
            "train",
            &fixture("train_rmsprop.json"),
            "--steps",
            "8",
            "--out",
            &out_path.to_string_lossy(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc = mlp_notebook::files::load_network(&out_path).unwrap();
        let layers: Vec<Value> = doc
            .net
            .layers()
            .iter()
            .map(|l| {
                let rows: Vec<Vec<f64>> = l.weights.row_iter().map(|r| r.iter().copied().collect()).collect();
                serde_json::json!({"weights": rows, "bias": l.bias.as_slice()})
            })
            .collect();
        assert_close(&Value::Array(layers), &t["expected_layers"], name);
        // The optimizer is written with it, and training it again goes on from there.
        assert_eq!(doc.optimizer.kind.name(), "rmsprop");
    }
}

#[test]
fn diverging_training_stops_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    // Identity output and mse: with lr 1e300 the first update throws the weights to ~1e300 and
    // the next forward pass overflows.
    let f = write(
        dir.path(),
        "lin.toml",
        "inputs = 1\nx = [[1.0], [2.0]]\ny = [[1.0], [3.0]]\n[[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[0.5]]\n",
    );
    let out = run(&["train", &f, "--steps", "5", "--lr", "1e300"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("became NaN or infinite"), "{}", out.stderr);
    let out = run(&["train", &f, "--steps", "5", "--lr", "1e300", "--json"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

/// 40 rows of two classes split by the sign of x1 + x2: class "a" when it is negative.
fn two_class_csv(dir: &Path) -> String {
    let mut s = String::from("x1,x2,label\n");
    for i in 0..40 {
        let t = i as f64 / 40.0;
        let (x1, x2) = ((7.0 * t).sin() * 2.0, (3.0 * t).cos() - 0.5);
        let label = if x1 + x2 < 0.0 { "a" } else { "b" };
        s.push_str(&format!("{x1},{x2},{label}\n"));
    }
    write(dir, "two.csv", &s)
}

#[test]
fn train_on_a_csv_prints_every_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let csv = two_class_csv(dir.path());
    let net = init_to(
        dir.path(),
        "net.toml",
        &[
            "--layers",
            "2,4,2",
            "--activation",
            "tanh",
            "--output-activation",
            "softmax",
            "--loss",
            "cross_entropy",
            "--init",
            "xavier-uniform",
            "--seed",
            "3",
        ],
    );
    let args = [
        "train",
        &net,
        "--data",
        &csv,
        "--epochs",
        "5",
        "--batch-size",
        "8",
        "--seed",
        "1",
        "--validation-split",
        "0.25",
        "--lr",
        "0.1",
        "--standardize",
    ];
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // 40 rows, a quarter held out: 30 for training and 10 for validation.
    assert!(
        out.stdout.contains("30 training and 10 validation rows"),
        "{}",
        out.stdout
    );
    let epochs: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("epoch ")).collect();
    assert_eq!(epochs.len(), 5, "{}", out.stdout);
    for (i, l) in epochs.iter().enumerate() {
        assert!(l.starts_with(&format!("epoch {}/5", i + 1)), "{l}");
        for key in ["loss", "accuracy", "val_loss", "val_accuracy", "lr 0.1"] {
            assert!(l.contains(key), "{key} missing in {l}");
        }
    }
    assert!(out.stdout.contains("stop: finished all epochs"), "{}", out.stdout);

    let got = json(&run(&[&args[..], &["--json"]].concat()));
    let epochs = got["epochs"].as_array().unwrap();
    assert_eq!(epochs.len(), 5);
    for (i, e) in epochs.iter().enumerate() {
        assert_eq!(e["epoch"].as_u64(), Some(i as u64 + 1));
        let acc = e["val_accuracy"].as_f64().unwrap();
        // 10 validation rows: the accuracy is a whole number of tenths.
        assert!(((acc * 10.0).round() - acc * 10.0).abs() < 1e-9 && (0.0..=1.0).contains(&acc));
        assert_eq!(e["lr"].as_f64(), Some(0.1));
    }
    assert_eq!(got["stop"], "finished all epochs");
}

/// A validation fraction above 0 holds out at least one row, as the window's split does: 40 rows
/// with 1 % held out is round(0.4) = 0 rows, raised to 1, so 39 train and 1 validates. Holding
/// out every row is refused.
#[test]
fn a_small_validation_split_holds_out_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = two_class_csv(dir.path());
    let net = init_to(
        dir.path(),
        "net.toml",
        &["--layers", "2,3,1", "--output-activation", "sigmoid", "--loss", "bce"],
    );
    let args = ["train", &net, "--data", &csv, "--epochs", "1"];
    let out = run(&[&args[..], &["--validation-split", "0.01"]].concat());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("39 training and 1 validation rows"),
        "{}",
        out.stdout
    );
    // 0.99 of 40 is 39.6, rounded to 40 validation rows: none left for training.
    let out = run(&[&args[..], &["--validation-split", "0.99"]].concat());
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("leave none for training"), "{}", out.stderr);
}

#[test]
fn csv_training_schedules_and_stops_early() {
    let dir = tempfile::tempdir().unwrap();
    let csv = two_class_csv(dir.path());
    let net = init_to(
        dir.path(),
        "net.toml",
        &[
            "--layers",
            "2,3,1",
            "--output-activation",
            "sigmoid",
            "--loss",
            "bce",
            "--init",
            "he-uniform",
        ],
    );
    // StepLR(2, 0.5) from 0.2: 0.2, 0.2, 0.1, 0.1 for epochs 1-4.
    let got = json(&run(&[
        "train",
        &net,
        "--data",
        &csv,
        "--epochs",
        "4",
        "--lr",
        "0.2",
        "--schedule",
        "step:2:0.5",
        "--json",
    ]));
    let lrs: Vec<f64> = got["epochs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["lr"].as_f64().unwrap())
        .collect();
    assert_eq!(lrs, vec![0.2, 0.2, 0.1, 0.1]);
    // With lr 0 the loss never improves: epoch 1 sets the best, epoch 2 is no better, and a
    // patience of 1 stops there.
    let got = json(&run(&[
        "train",
        &net,
        "--data",
        &csv,
        "--epochs",
        "10",
        "--lr",
        "0",
        "--early-stopping",
        "1",
        "--json",
    ]));
    assert_eq!(got["epochs"].as_array().unwrap().len(), 2);
    assert_eq!(got["stop"], "early stopping after epoch 2 (best epoch 1)");
}

#[test]
fn csv_must_match_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let csv = two_class_csv(dir.path());
    let three = init_to(dir.path(), "three.toml", &["--layers", "2,4,3"]);
    // Classes are listed in order of appearance: row 1 is x1 = 2 sin 0 = 0, x2 = cos 0 - 0.5 =
    // 0.5, sum 0.5 >= 0, so "b" comes first.
    assert_bad(
        &["train", &three, "--data", &csv, "--epochs", "1"],
        &["the last column has 2 classes (b, a), but the network's output layer has 3 units"],
    );
    let wide = init_to(dir.path(), "wide.toml", &["--layers", "5,2"]);
    assert_bad(
        &["train", &wide, "--data", &csv, "--epochs", "1"],
        &["2 feature columns, but the network has 5 inputs"],
    );
    let bad_csv = write(dir.path(), "bad.csv", "x1,x2,label\n1,2,a\n3,oops,b\n");
    assert_bad(
        &["train", &three, "--data", &bad_csv, "--epochs", "1"],
        &["line 3, column 2 (x2): 'oops' is not a number"],
    );
    assert_bad(&["train", &three, "--data", &csv], &["--epochs"]);
}

#[test]
fn csv_training_that_diverges_exits_with_1() {
    let dir = tempfile::tempdir().unwrap();
    let csv = two_class_csv(dir.path());
    let net = init_to(
        dir.path(),
        "net.toml",
        &["--layers", "2,3,2", "--init", "normal", "--init-param", "1"],
    );
    let out = run(&["train", &net, "--data", &csv, "--epochs", "3", "--lr", "1e300"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("became NaN or infinite"), "{}", out.stderr);
}

#[test]
fn help_documents_the_exit_codes() {
    let out = run(&["train", "--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Exit codes: 0 success; 1 "), "{}", out.stdout);
}

#[test]
#[cfg(unix)]
fn a_write_past_the_file_size_limit_fails_with_a_message_and_keeps_the_old_file() {
    // Under `ulimit -f 1` (one block: 512 bytes in sh, 1024 in bash) a worksheet of the shipped
    // lesson (tens of kilobytes) cannot be written. Before SIGXFSZ was ignored the kernel killed
    // the process mid-write (no exit code) and a partial `.out.html.*.tmp` stayed behind.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.html");
    std::fs::write(&out, "the previous worksheet").unwrap();
    let lesson = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/02-one-neuron.toml");
    let status = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 1 && exec \"$0\" worksheet \"$1\" -o \"$2\"")
        .arg(env!("CARGO_BIN_EXE_mlp-notebook"))
        .arg(&lesson)
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert_eq!(
        status.status.code(),
        Some(1),
        "killed by a signal? {:?} {stderr}",
        status.status
    );
    assert!(
        stderr.contains("out.html") && stderr.contains("cannot write"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the previous worksheet");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["out.html".to_string()], "no temporary file is left");
}
