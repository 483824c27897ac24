//! Export as code: every reference case exported as a NumPy script and run by Python prints the
//! JSON of `trace --json` (`--steps 0`) and `train --steps N --json`, compared with the reference
//! case's PyTorch numbers and with the app's output to 1e-9 relative; PyTorch and Keras scripts
//! parse, name every layer and hold every weight bit for bit; a training cell's script holds the
//! cell's split rows and scaling and, trained full batch, gives the app's losses; bad input
//! exits with 2 and a message naming the problem.
//!
//! The NumPy runs need `python3` with NumPy (CI installs it); without them those tests print why
//! they are skipped. `MLP_PYTHON` names another interpreter. The PyTorch and Keras scripts are also
//! run, on every reference case and on a training cell, where `MLP_TORCH_PYTHON` and
//! `MLP_KERAS_PYTHON` name a Python with PyTorch 2 and with Keras 3 on TensorFlow (CI installs
//! both and sets `MLP_REQUIRE_TORCH` and `MLP_REQUIRE_KERAS`, so that a missing one fails there).

use mlp_notebook::bridge::script::TrainingSource;
use mlp_notebook::bridge::{ScriptKind, Source, export};
use mlp_notebook::lesson::{Cell, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::train::{EpochRecord, Trainer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    assert!(v.len() >= 17, "the reference cases are in tests/fixtures");
    v
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mlp-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(program: &str, args: &[&str]) -> Out {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn app(args: &[&str]) -> Out {
    run(env!("CARGO_BIN_EXE_mlp-notebook"), args)
}

fn json(out: &Out, what: &str) -> Value {
    assert_eq!(out.code, 0, "{what}: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{}", out.stdout))
}

/// The Python that compiles the scripts: `MLP_PYTHON`, else `python3`.
fn python() -> String {
    std::env::var("MLP_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// `MLP_PYTHON`, else the first of `python3` and the system's `/usr/bin/python3` that has NumPy
/// (a Python version manager's `python3` may come first on the path without it).
fn python_with_numpy() -> Result<String, String> {
    python_with("numpy", "MLP_PYTHON", "MLP_REQUIRE_NUMPY", &[])
}

/// The Keras scripts run on TensorFlow, Keras' default backend (named, so that a user's Keras
/// configuration cannot pick another), with TensorFlow's start-up log silenced.
const KERAS_ENV: &[(&str, &str)] = &[("KERAS_BACKEND", "tensorflow"), ("TF_CPP_MIN_LOG_LEVEL", "3")];

/// The interpreter named by `var`, else the first of `python3` and `/usr/bin/python3`, that can
/// import `module`. Where `require` is set (CI), a missing one fails instead of skipping.
fn python_with(module: &str, var: &str, require: &str, env: &[(&str, &str)]) -> Result<String, String> {
    let candidates = match std::env::var(var) {
        Ok(p) => vec![p],
        Err(_) => vec!["python3".to_string(), "/usr/bin/python3".to_string()],
    };
    let mut why = Vec::new();
    for py in candidates {
        let probe = Command::new(&py)
            .args(["-c", &format!("import {module}")])
            .envs(env.iter().copied())
            .output();
        match probe {
            Err(e) => why.push(format!("{py} cannot run ({e})")),
            Ok(o) if !o.status.success() => why.push(format!("{py} has no {module} (set {var})")),
            Ok(_) => return Ok(py),
        }
    }
    let why = why.join("; ");
    assert!(std::env::var_os(require).is_none(), "{why} ({require} is set)");
    Err(why)
}

/// Runs each script with its STEPS argument as `__main__` in one Python process, so that a large
/// library is imported once, and returns what each printed, as JSON.
fn run_scripts(py: &str, env: &[(&str, &str)], jobs: &[(PathBuf, usize)], dir: &Path) -> Vec<Value> {
    const DRIVER: &str = r#"import contextlib, io, json, runpy, sys, traceback
for job in json.load(open(sys.argv[1])):
    sys.argv = [job["script"], str(job["steps"])]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(job["script"], run_name="__main__")
    except BaseException:
        out.write("\n" + traceback.format_exc())
    with open(job["out"], "w") as f:
        f.write(out.getvalue())
"#;
    let driver = dir.join("run_scripts.py");
    std::fs::write(&driver, DRIVER).unwrap();
    let outs: Vec<PathBuf> = (0..jobs.len()).map(|i| dir.join(format!("out{i}.json"))).collect();
    let list: Vec<Value> = jobs
        .iter()
        .zip(&outs)
        .map(|((script, steps), out)| serde_json::json!({"script": script, "steps": steps, "out": out}))
        .collect();
    let list_file = dir.join("jobs.json");
    std::fs::write(&list_file, serde_json::to_string(&list).unwrap()).unwrap();
    let r = Command::new(py)
        .arg(&driver)
        .arg(&list_file)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(r.status.success(), "{py}: {}", String::from_utf8_lossy(&r.stderr));
    jobs.iter()
        .zip(&outs)
        .map(|((script, steps), out)| {
            let text = std::fs::read_to_string(out).unwrap();
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} {steps}: not JSON ({e}):\n{text}", script.display()))
        })
        .collect()
}

/// `want` with only the keys that `like` has (the Keras scripts print no gradients at STEPS = 0).
fn keys_of(like: &Value, want: &Value) -> Value {
    match (like, want) {
        (Value::Object(l), Value::Object(w)) => Value::Object(
            l.iter()
                .map(|(k, v)| {
                    let wv = w.get(k).unwrap_or_else(|| panic!("the app prints no {k}"));
                    (k.clone(), keys_of(v, wv))
                })
                .collect(),
        ),
        (Value::Array(l), Value::Array(w)) if l.len() == w.len() => {
            Value::Array(l.iter().zip(w).map(|(a, b)| keys_of(a, b)).collect())
        }
        _ => want.clone(),
    }
}

/// Every reference case exported `to` a script with --steps 0, 3 and the case's own step count,
/// all run by `py`: each printed JSON matches the app's (`trace --json`, `train --steps N
/// --json`) and PyTorch's numbers in the case to 1e-9 (`full`: the script prints every key the
/// app does; else the keys it prints are compared). Returns the largest difference.
fn scripts_match_the_app_on_every_case(to: &str, py: &str, env: &[(&str, &str)], full: bool) -> f64 {
    let dir = tmp(to);
    let mut jobs = Vec::new();
    for case in cases() {
        let reference: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
        let mut runs = vec![0, 3];
        if let Some(n) = reference["training"]["steps"].as_u64() {
            runs.push(n as usize);
        }
        for steps in runs {
            jobs.push((
                case.clone(),
                export_file(&case, to, steps, &dir),
                steps,
                reference.clone(),
            ));
        }
    }
    let to_run: Vec<(PathBuf, usize)> = jobs
        .iter()
        .map(|(_, script, steps, _)| (script.clone(), *steps))
        .collect();
    let outputs = run_scripts(py, env, &to_run, &dir);
    let mut worst: f64 = 0.0;
    for ((case, _, steps, reference), got) in jobs.iter().zip(&outputs) {
        let name = case.file_stem().unwrap().to_string_lossy();
        let file = case.to_str().unwrap();
        let steps = *steps;
        let shaped = |want: &Value| if full { want.clone() } else { keys_of(got, want) };
        let want = if steps == 0 {
            json(&app(&["trace", file, "--json"]), "trace")
        } else {
            json(&app(&["train", file, "--steps", &steps.to_string(), "--json"]), "train")
        };
        let d = max_rel_diff(got, &shaped(&want), &format!("{name} --steps {steps}"));
        assert!(
            d <= 1e-9,
            "{to} {name} --steps {steps}: the script differs from the app by {d:e}"
        );
        worst = worst.max(d);
        // PyTorch's own numbers, from the reference case.
        if steps == 0 {
            let d = max_rel_diff(got, &shaped(&reference["expected"]), &name);
            assert!(d <= 1e-9, "{to} {name}: the script differs from PyTorch by {d:e}");
        } else if Some(steps as u64) == reference["training"]["steps"].as_u64() {
            let t = &reference["training"];
            let want = serde_json::json!({"losses": t["expected_losses"], "layers": t["expected_layers"]});
            let d = max_rel_diff(got, &shaped(&want), &name);
            assert!(
                d <= 1e-9,
                "{to} {name}: the trained script differs from PyTorch by {d:e}"
            );
        }
    }
    worst
}

/// The largest |a - b| / max(1, |b|) over two JSON values of the same shape and keys (in the
/// same order); a difference in shape or keys fails.
fn max_rel_diff(a: &Value, b: &Value, path: &str) -> f64 {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<&String> = x.keys().collect();
            let ky: Vec<&String> = y.keys().collect();
            assert_eq!(kx, ky, "{path}: keys");
            x.iter()
                .map(|(k, v)| max_rel_diff(v, &y[k], &format!("{path}.{k}")))
                .fold(0.0, f64::max)
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: length");
            x.iter()
                .zip(y)
                .enumerate()
                .map(|(i, (u, v))| max_rel_diff(u, v, &format!("{path}[{i}]")))
                .fold(0.0, f64::max)
        }
        (Value::Number(u), Value::Number(v)) => {
            let (u, v) = (u.as_f64().unwrap(), v.as_f64().unwrap());
            (u - v).abs() / v.abs().max(1.0)
        }
        _ => panic!("{path}: {a} against {b}"),
    }
}

fn export_file(case: &Path, to: &str, steps: usize, dir: &Path) -> PathBuf {
    let stem = case.file_stem().unwrap().to_string_lossy();
    let out = dir.join(format!("{stem}_{to}_{steps}.py"));
    let steps_text = steps.to_string();
    let r = app(&[
        "export",
        case.to_str().unwrap(),
        "--to",
        to,
        "--steps",
        &steps_text,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "export {stem} --to {to}: {}", r.stderr);
    out
}

/// Every reference case, exported as NumPy with --steps 0 and --steps 3 (and the case's own
/// step count for the training cases), run by Python: the printed JSON matches the app's
/// (`trace --json`, `train --steps N --json`) and PyTorch's numbers in the case, to 1e-9.
#[test]
fn numpy_scripts_print_the_apps_json_on_every_reference_case() {
    match python_with_numpy() {
        Ok(py) => {
            let worst = scripts_match_the_app_on_every_case("numpy", &py, &[], true);
            println!("NumPy scripts against the app: max relative difference {worst:e} over every case");
        }
        Err(why) => println!("skipped: the NumPy scripts are not run because {why}"),
    }
}

/// The same for the PyTorch scripts, run by real PyTorch: the loss, every z, a, delta and
/// gradient, and the weights after N optimizer steps agree with the app and the reference case.
#[test]
fn pytorch_scripts_print_the_apps_json_on_every_reference_case() {
    match python_with("torch", "MLP_TORCH_PYTHON", "MLP_REQUIRE_TORCH", &[]) {
        Ok(py) => {
            let worst = scripts_match_the_app_on_every_case("pytorch", &py, &[], true);
            println!("PyTorch scripts against the app: max relative difference {worst:e} over every case");
        }
        Err(why) => println!("skipped: the PyTorch scripts are not run because {why}"),
    }
}

/// The same for the Keras scripts, run by Keras 3 on TensorFlow: the loss and every z and a
/// (Keras' STEPS = 0 prints no gradients), and the losses and weights after N `fit` epochs.
#[test]
fn keras_scripts_print_the_apps_json_on_every_reference_case() {
    match python_with("keras", "MLP_KERAS_PYTHON", "MLP_REQUIRE_KERAS", KERAS_ENV) {
        Ok(py) => {
            let worst = scripts_match_the_app_on_every_case("keras", &py, KERAS_ENV, false);
            println!("Keras scripts against the app: max relative difference {worst:e} over every case");
        }
        Err(why) => println!("skipped: the Keras scripts are not run because {why}"),
    }
}

/// The numbers written after `NAME = ` up to the closing bracket that ends the literal.
fn literal_numbers(script: &str, name: &str) -> Vec<f64> {
    let start = script
        .find(&format!("\n{name} = "))
        .unwrap_or_else(|| panic!("the script defines {name}"));
    let rest = &script[start + name.len() + 4..];
    let mut depth = 0;
    let mut end = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            _ => {}
        }
    }
    rest[..end]
        .split(|c: char| c == '[' || c == ']' || c == ',' || c.is_whitespace() || c == '(')
        .filter(|t| !t.is_empty() && *t != "np.array" && *t != "torch.tensor")
        .map(|t| {
            t.parse::<f64>()
                .unwrap_or_else(|e| panic!("{name}: {t:?} is not a number ({e})"))
        })
        .collect()
}

/// PyTorch and Keras scripts of every case parse as Python, name every layer, and hold every
/// weight, bias, input and target bit for bit (as the case's JSON holds them).
#[test]
fn pytorch_and_keras_scripts_parse_name_every_layer_and_hold_the_exact_weights() {
    let py = python();
    let can_compile = Command::new(&py)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !can_compile {
        println!("skipped: py_compile is not run because {py} cannot run (the weights are still compared)");
    }
    let dir = tmp("scripts");
    for case in cases() {
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let reference: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
        let layers = reference["network"]["layers"].as_array().unwrap();
        for to in ["pytorch", "keras", "numpy"] {
            let path = export_file(&case, to, 2, &dir);
            let text = std::fs::read_to_string(&path).unwrap();
            if can_compile {
                let r = run(&py, &["-m", "py_compile", path.to_str().unwrap()]);
                assert_eq!(r.code, 0, "{name} {to} does not parse: {}", r.stderr);
            }
            for (i, layer) in layers.iter().enumerate() {
                let n = i + 1;
                let named = match to {
                    "pytorch" => format!("model[{}]: layer {n}, W{n} and b{n}", 2 * i),
                    "keras" => format!("name=\"layer{n}\""),
                    _ => format!("z{n} = p[\"W{n}\"] @ a{i} + p[\"b{n}\"]"),
                };
                assert!(text.contains(&named), "{name} {to}: layer {n} is named ({named})");
                let want_w: Vec<f64> = layer["weights"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
                    .collect();
                let want_b: Vec<f64> = layer["bias"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect();
                for (what, want) in [(format!("W{n}"), want_w), (format!("b{n}"), want_b)] {
                    let got = literal_numbers(&text, &what);
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&got), bits(&want), "{name} {to}: {what} bit for bit");
                }
            }
            let x: Vec<f64> = reference["network"]["x"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
                .collect();
            assert_eq!(
                literal_numbers(&text, "x")
                    .iter()
                    .map(|v| v.to_bits())
                    .collect::<Vec<_>>(),
                x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "{name} {to}: x bit for bit"
            );
        }
    }
}

const LINE_LESSON: &str = r#"
title = "Export"

[[cells]]
kind = "text"
text = "A line."

[[cells]]
kind = "training"
data = { generator = "line", points = 60, noise = 0.5, seed = 1 }
split = { validation = 0.25, seed = 3 }
scaling = "standardise"
hidden = [3]
activation = "tanh"
loss = "mse"
optimizer = { kind = "adam", lr = 0.05 }
epochs = 12
schedule = { kind = "step", step_size = 4, gamma = 0.5 }
"#;

/// A full-batch training cell (so the shuffle order cannot matter): its NumPy script holds the
/// app's split rows and scaling, and its epochs' losses, validation losses and learning rates
/// are the app's Trainer's.
#[test]
fn a_training_cells_numpy_script_trains_as_the_app() {
    let lesson = parse_lesson(LINE_LESSON, Syntax::Toml).unwrap();
    let Cell::Training(setup) = &lesson.cells[1] else {
        panic!("cell 2 is the training cell")
    };
    let no_files = |p: &str| Err(format!("no file {p}"));
    let t = TrainingSource::prepare(setup, &no_files).unwrap();
    // 60 rows: 45 to train, 15 to validate.
    assert_eq!((t.train.len(), t.validation.as_ref().map(|v| v.len())), (45, Some(15)));
    let script = export(ScriptKind::Numpy, &Source::Training(Box::new(t.clone())), 0, "line").unwrap();
    assert!(script.data_file.is_none(), "60 rows are written into the script");
    // The rows the script holds are the app's training split before scaling, bit for bit.
    let x_train = literal_numbers(&script.text, "X_TRAIN");
    assert_eq!(
        x_train.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        t.train.x.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(literal_numbers(&script.text, "OFFSET"), t.scaler.offset);
    assert_eq!(literal_numbers(&script.text, "SCALE"), t.scaler.scale);
    let dir = tmp("training");
    let can_compile = Command::new(python())
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    for kind in [ScriptKind::Pytorch, ScriptKind::Keras] {
        let s = export(kind, &Source::Training(Box::new(t.clone())), 0, "line").unwrap();
        assert_eq!(literal_numbers(&s.text, "X_TRAIN"), x_train, "{kind:?}");
        assert!(s.text.contains("EPOCHS = 12"), "{kind:?}");
        if can_compile {
            let path = dir.join(kind.file_name("line"));
            std::fs::write(&path, &s.text).unwrap();
            let r = run(&python(), &["-m", "py_compile", path.to_str().unwrap()]);
            assert_eq!(r.code, 0, "{kind:?} training script does not parse: {}", r.stderr);
        }
    }

    let history = app_history(&t);
    let py = match python_with_numpy() {
        Ok(p) => p,
        Err(why) => {
            println!("skipped: the training script is not run because {why}");
            return;
        }
    };
    let path = dir.join("line.py");
    std::fs::write(&path, &script.text).unwrap();
    let got = json(&run(&py, &[path.to_str().unwrap()]), "the training script");
    assert_trains_as_the_app(&got, &history, "lr", "NumPy");
}

/// The line cell's own run in the app: its epochs' figures.
fn app_history(t: &TrainingSource) -> Vec<EpochRecord> {
    let mut scaled_train = t.train.clone();
    t.scaler.apply(&mut scaled_train).unwrap();
    let mut scaled_val = t.validation.clone().unwrap();
    t.scaler.apply(&mut scaled_val).unwrap();
    let mut trainer = Trainer::new(
        t.net.clone(),
        t.loss,
        t.setup.optimizer,
        scaled_train,
        Some(scaled_val),
        t.setup.train_config(),
    )
    .unwrap();
    trainer.run();
    assert_eq!(trainer.history().len(), 12);
    trainer.history().to_vec()
}

/// A training script's printed epochs against the app's: loss, validation loss and learning
/// rate (named `lr_key` in the script's output) to 1e-9.
fn assert_trains_as_the_app(got: &Value, history: &[EpochRecord], lr_key: &str, what: &str) {
    let epochs = got["epochs"].as_array().unwrap();
    assert_eq!(epochs.len(), history.len(), "{what}");
    for (e, rec) in epochs.iter().zip(history) {
        assert_eq!(e["epoch"].as_u64(), Some(rec.epoch as u64), "{what}");
        for (key, want) in [
            ("loss", rec.loss),
            ("val_loss", rec.val_loss.unwrap()),
            (lr_key, rec.lr),
        ] {
            let g = e[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{what}: epoch {} has no {key}", rec.epoch));
            assert!(
                (g - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{what}, epoch {}: {key} {g}, the app {want}",
                rec.epoch
            );
        }
    }
    // StepLR(4, 0.5) from 0.05: epochs 1-4 at 0.05, 5-8 at 0.025, 9-12 at 0.0125.
    assert_eq!(epochs[11][lr_key].as_f64(), Some(0.0125), "{what}");
}

/// The same full-batch cell's PyTorch and Keras scripts, run by real PyTorch and Keras: every
/// epoch's loss, validation loss and learning rate are the app's (Adam with a StepLR schedule).
#[test]
fn a_training_cells_pytorch_and_keras_scripts_train_as_the_app() {
    let lesson = parse_lesson(LINE_LESSON, Syntax::Toml).unwrap();
    let Cell::Training(setup) = &lesson.cells[1] else {
        panic!("cell 2 is the training cell")
    };
    let no_files = |p: &str| Err(format!("no file {p}"));
    let t = TrainingSource::prepare(setup, &no_files).unwrap();
    let history = app_history(&t);
    let dir = tmp("training-libs");
    let runs = [
        (
            ScriptKind::Pytorch,
            "torch",
            "MLP_TORCH_PYTHON",
            "MLP_REQUIRE_TORCH",
            &[][..],
            "lr",
        ),
        (
            ScriptKind::Keras,
            "keras",
            "MLP_KERAS_PYTHON",
            "MLP_REQUIRE_KERAS",
            KERAS_ENV,
            "learning_rate",
        ),
    ];
    for (kind, module, var, require, env, lr_key) in runs {
        let py = match python_with(module, var, require, env) {
            Ok(p) => p,
            Err(why) => {
                println!("skipped: the {kind:?} training script is not run because {why}");
                continue;
            }
        };
        let script = export(kind, &Source::Training(Box::new(t.clone())), 0, "line").unwrap();
        let path = dir.join(kind.file_name("line"));
        std::fs::write(&path, &script.text).unwrap();
        let got = run_scripts(&py, env, &[(path, 0)], &dir).remove(0);
        assert_trains_as_the_app(&got, &history, lr_key, &format!("{kind:?}"));
    }
}

/// A training cell with more numbers than fit in a script: the CSV beside it holds every row,
/// and the command line refuses to print such a script without -o.
#[test]
fn a_large_training_cell_writes_its_data_beside_the_script() {
    let dir = tmp("large");
    let lesson = dir.join("big.toml");
    std::fs::write(
        &lesson,
        LINE_LESSON
            .replace("points = 60", "points = 1500")
            .replace("kind = \"text\"\ntext = \"A line.\"\n\n[[cells]]\n", ""),
    )
    .unwrap();
    let r = app(&["export", lesson.to_str().unwrap(), "--to", "numpy"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("give -o FILE"), "{}", r.stderr);
    let out = dir.join("big.py");
    let r = app(&[
        "export",
        lesson.to_str().unwrap(),
        "--to",
        "pytorch",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = std::fs::read_to_string(dir.join("big_data.csv")).unwrap();
    // A header and one line per row: 1500 rows, 1125 to train and 375 to validate.
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "split,x1,y1");
    assert_eq!(lines.len(), 1501);
    assert_eq!(lines.iter().filter(|l| l.starts_with("train,")).count(), 1125);
    assert_eq!(lines.iter().filter(|l| l.starts_with("validation,")).count(), 375);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"big_data.csv\""), "the script reads the CSV beside it");
}

/// Bad input: exit code 2 and a message naming the problem.
#[test]
fn bad_exports_exit_with_2_and_say_why() {
    let case = fixtures().join("train_sgd.json");
    let case = case.to_str().unwrap();
    let r = app(&["export", case, "--to", "matlab"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("pytorch") && r.stderr.contains("numpy"),
        "{}",
        r.stderr
    );
    let r = app(&["export", case, "--to", "numpy", "--cell", "2"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("network file, not a lesson"), "{}", r.stderr);

    let dir = tmp("bad");
    let lesson = dir.join("lesson.toml");
    std::fs::write(&lesson, LINE_LESSON).unwrap();
    let l = lesson.to_str().unwrap();
    let r = app(&["export", l, "--to", "numpy", "--cell", "1"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("neither a network nor a training cell") && r.stderr.contains("2 (training)"),
        "{}",
        r.stderr
    );
    let r = app(&["export", l, "--to", "numpy", "--cell", "9"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cells 1 to 2"), "{}", r.stderr);
    let r = app(&["export", l, "--to", "numpy", "--steps", "3"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--steps applies to a network"), "{}", r.stderr);
    std::fs::write(
        &lesson,
        LINE_LESSON.replace("epochs = 12", "epochs = 12\ndropout = 0.2"),
    )
    .unwrap();
    let r = app(&["export", l, "--to", "pytorch"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("dropout 0.2"), "{}", r.stderr);
}

/// Optimizer settings no reference case has (dampening, Nesterov, coupled weight decay for SGD,
/// Adam and RMSprop, RMSprop's momentum), each a reference case with its optimizer changed:
/// the PyTorch and Keras scripts, run by the real libraries for 4 steps, print the app's losses
/// and weights to 1e-9. Where a library is missing the scripts are only checked to hold the
/// setting.
#[test]
fn optimizer_settings_without_a_reference_case_train_as_the_app_in_pytorch_and_keras() {
    let dir = tmp("optimizers");
    let variants: [(&str, &str, Value); 5] = [
        ("damped", "train_sgd_momentum", serde_json::json!({"dampening": 0.5})),
        (
            "nesterov_decay",
            "train_sgd_momentum",
            serde_json::json!({"nesterov": true, "weight_decay": 0.01}),
        ),
        ("adam_decay", "train_adam", serde_json::json!({"weight_decay": 0.05})),
        (
            "rmsprop_momentum_decay",
            "train_rmsprop",
            serde_json::json!({"momentum": 0.5, "weight_decay": 0.02}),
        ),
        ("sgd_decay", "train_sgd", serde_json::json!({"weight_decay": 0.1})),
    ];
    let mut files = Vec::new();
    for (name, base, change) in &variants {
        let text = std::fs::read_to_string(fixtures().join(format!("{base}.json"))).unwrap();
        let mut v: Value = serde_json::from_str(&text).unwrap();
        for (k, x) in change.as_object().unwrap() {
            v["training"]["optimizer"][k] = x.clone();
        }
        let file = dir.join(format!("{name}.json"));
        std::fs::write(&file, v.to_string()).unwrap();
        files.push(file);
    }
    let libs = [
        ("pytorch", "torch", "MLP_TORCH_PYTHON", "MLP_REQUIRE_TORCH", &[][..]),
        ("keras", "keras", "MLP_KERAS_PYTHON", "MLP_REQUIRE_KERAS", KERAS_ENV),
    ];
    for (to, module, var, require, env) in libs {
        let scripts: Vec<PathBuf> = files.iter().map(|f| export_file(f, to, 4, &dir)).collect();
        for (script, (name, _, change)) in scripts.iter().zip(&variants) {
            let text = std::fs::read_to_string(script).unwrap();
            for (k, x) in change.as_object().unwrap() {
                let setting = format!(
                    "{k}={}",
                    if x.is_boolean() {
                        if x == true { "True" } else { "False" }.to_string()
                    } else {
                        x.to_string()
                    }
                );
                assert!(text.contains(&setting), "{to} {name}: the script holds {setting}");
            }
        }
        let py = match python_with(module, var, require, env) {
            Ok(p) => p,
            Err(why) => {
                println!("skipped: the {to} scripts are not run because {why}");
                continue;
            }
        };
        let jobs: Vec<(PathBuf, usize)> = scripts.iter().map(|s| (s.clone(), 4)).collect();
        for ((got, file), (name, _, _)) in run_scripts(&py, env, &jobs, &dir).iter().zip(&files).zip(&variants) {
            let want = json(
                &app(&["train", file.to_str().unwrap(), "--steps", "4", "--json"]),
                "train",
            );
            let d = max_rel_diff(got, &want, name);
            assert!(d <= 1e-9, "{to} {name}: the script differs from the app by {d:e}");
        }
    }
}

/// PyTorch's own reader takes the app's safetensors file: `safetensors.torch.load_file` gives a
/// state dict that an `nn.Sequential` built from the file's metadata loads with `strict=True`,
/// and that model's outputs on each reference case's inputs are the app's to 1e-12.
#[test]
fn pytorch_loads_the_apps_safetensors_into_the_sequential_its_metadata_describes() {
    let py = match python_with("torch", "MLP_TORCH_PYTHON", "MLP_REQUIRE_TORCH", &[]) {
        Ok(p) => p,
        Err(why) => {
            println!("skipped: PyTorch does not read the files because {why}");
            return;
        }
    };
    const READ: &str = r#"
import json, sys
import torch
from safetensors import safe_open
from safetensors.torch import load_file

ACTIVATIONS = {"relu": torch.nn.ReLU, "identity": torch.nn.Identity, "sigmoid": torch.nn.Sigmoid,
               "tanh": torch.nn.Tanh, "gelu": torch.nn.GELU, "elu": torch.nn.ELU,
               "softplus": torch.nn.Softplus, "leaky_relu": torch.nn.LeakyReLU,
               "softmax": lambda: torch.nn.Softmax(dim=1)}
with safe_open(PATH, "pt") as f:
    meta = f.metadata()
state = load_file(PATH)
names = meta["activations"].split(",")
modules = []
for l, name in enumerate(names):
    w = state[f"{2 * l}.weight"]
    modules.append(torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64))
    if l + 1 < len(names):
        modules.append(ACTIVATIONS[name]())
model = torch.nn.Sequential(*modules)
model.load_state_dict(state, strict=True)
a = ACTIVATIONS[names[-1]]()(model(torch.tensor(X, dtype=torch.float64)))
print(json.dumps({"inputs": int(meta["inputs"]), "a": a.tolist()}))
"#;
    let dir = tmp("safetensors-torch");
    let mut jobs = Vec::new();
    let mut wants = Vec::new();
    for case in cases() {
        let stem = case.file_stem().unwrap().to_string_lossy().into_owned();
        let file = dir.join(format!("{stem}.safetensors"));
        let r = app(&["export", case.to_str().unwrap(), "-o", file.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{stem}: {}", r.stderr);
        let reference: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
        let script = dir.join(format!("{stem}.py"));
        let text = format!(
            "PATH = {}\nX = {}\n{READ}",
            serde_json::to_string(file.to_str().unwrap()).unwrap(),
            reference["network"]["x"]
        );
        std::fs::write(&script, text).unwrap();
        jobs.push((script, 0));
        let trace = json(&app(&["trace", case.to_str().unwrap(), "--json"]), "trace");
        let last = trace["layers"].as_array().unwrap().last().unwrap()["a"].clone();
        wants.push((
            stem,
            serde_json::json!({"inputs": reference["network"]["inputs"], "a": last}),
        ));
    }
    for (got, (stem, want)) in run_scripts(&py, &[], &jobs, &dir).iter().zip(&wants) {
        let d = max_rel_diff(got, want, stem);
        assert!(d <= 1e-12, "{stem}: PyTorch's outputs differ from the app's by {d:e}");
    }
}
