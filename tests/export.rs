//! Export as code: every reference case exported as a NumPy script and run by Python prints the
//! JSON of `trace --json` (`--steps 0`) and `train --steps N --json`, compared with the reference
//! case's PyTorch numbers and with the app's output to 1e-9 relative; PyTorch and Keras scripts
//! parse, name every layer and hold every weight bit for bit; a training cell's script holds the
//! cell's split rows and scaling and, trained full batch, gives the app's losses; bad input
//! exits with 2 and a message naming the problem.
//!
//! The NumPy runs need `python3` with NumPy (CI installs it); without them those tests print why
//! they are skipped. `MLP_PYTHON` names another interpreter.

use mlp_notebook::bridge::script::TrainingSource;
use mlp_notebook::bridge::{ScriptKind, Source, export};
use mlp_notebook::lesson::{Cell, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::train::Trainer;
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
    let candidates = match std::env::var("MLP_PYTHON") {
        Ok(p) => vec![p],
        Err(_) => vec!["python3".to_string(), "/usr/bin/python3".to_string()],
    };
    let mut why = Vec::new();
    for py in candidates {
        match Command::new(&py).args(["-c", "import numpy"]).output() {
            Err(e) => why.push(format!("{py} cannot run ({e})")),
            Ok(o) if !o.status.success() => why.push(format!("{py} has no NumPy")),
            Ok(_) => return Ok(py),
        }
    }
    let why = why.join("; ");
    // CI sets this: there, a missing NumPy is a failure, not a skip.
    assert!(
        std::env::var_os("MLP_REQUIRE_NUMPY").is_none(),
        "{why} (MLP_REQUIRE_NUMPY is set)"
    );
    Err(why)
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
    let py = match python_with_numpy() {
        Ok(p) => p,
        Err(why) => {
            println!("skipped: the NumPy scripts are not run because {why}");
            return;
        }
    };
    let dir = tmp("numpy");
    let mut worst: f64 = 0.0;
    for case in cases() {
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let file = case.to_str().unwrap();
        let reference: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
        let mut runs = vec![0, 3];
        if let Some(n) = reference["training"]["steps"].as_u64() {
            runs.push(n as usize);
        }
        for steps in runs {
            let script = export_file(&case, "numpy", steps, &dir);
            let got = json(
                &run(&py, &[script.to_str().unwrap()]),
                &format!("{name} NumPy --steps {steps}"),
            );
            let want = if steps == 0 {
                json(&app(&["trace", file, "--json"]), "trace")
            } else {
                json(&app(&["train", file, "--steps", &steps.to_string(), "--json"]), "train")
            };
            let d = max_rel_diff(&got, &want, &format!("{name} --steps {steps}"));
            assert!(
                d <= 1e-9,
                "{name} --steps {steps}: the script differs from the app by {d:e}"
            );
            worst = worst.max(d);
            // PyTorch's own numbers, from the reference case.
            if steps == 0 {
                let d = max_rel_diff(&got, &reference["expected"], &name);
                assert!(d <= 1e-9, "{name}: the script differs from PyTorch by {d:e}");
            } else if Some(steps as u64) == reference["training"]["steps"].as_u64() {
                let t = &reference["training"];
                let want = serde_json::json!({"losses": t["expected_losses"], "layers": t["expected_layers"]});
                let d = max_rel_diff(&got, &want, &name);
                assert!(d <= 1e-9, "{name}: the trained script differs from PyTorch by {d:e}");
            }
        }
    }
    println!("NumPy scripts against the app: max relative difference {worst:e} over every case");
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

    // The app's own run of the cell.
    let mut scaled_train = t.train.clone();
    t.scaler.apply(&mut scaled_train).unwrap();
    let mut scaled_val = t.validation.clone().unwrap();
    t.scaler.apply(&mut scaled_val).unwrap();
    let mut trainer = Trainer::new(
        t.net.clone(),
        t.loss,
        setup.optimizer,
        scaled_train,
        Some(scaled_val),
        setup.train_config(),
    )
    .unwrap();
    trainer.run();
    let history = trainer.history();
    assert_eq!(history.len(), 12);

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
    let epochs = got["epochs"].as_array().unwrap();
    assert_eq!(epochs.len(), history.len());
    for (e, rec) in epochs.iter().zip(history) {
        for (what, want) in [("loss", rec.loss), ("val_loss", rec.val_loss.unwrap()), ("lr", rec.lr)] {
            let g = e[what].as_f64().unwrap();
            assert!(
                (g - want).abs() <= 1e-9 * want.abs().max(1.0),
                "epoch {}: {what} {g}, the app {want}",
                rec.epoch
            );
        }
    }
    // StepLR(4, 0.5) from 0.05: epochs 1-4 at 0.05, 5-8 at 0.025, 9-12 at 0.0125.
    assert_eq!(epochs[11]["lr"].as_f64(), Some(0.0125));
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

    // Keras' SGD has no dampening: refused, naming it.
    let net = dir.join("damp.toml");
    let text = std::fs::read_to_string(fixtures().join("train_sgd_momentum.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["training"]["optimizer"]["dampening"] = serde_json::json!(0.5);
    let damp = dir.join("damp.json");
    std::fs::write(&damp, v.to_string()).unwrap();
    let _ = net;
    let r = app(&["export", damp.to_str().unwrap(), "--to", "keras"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("dampening"), "{}", r.stderr);
    let r = app(&["export", damp.to_str().unwrap(), "--to", "pytorch"]);
    assert_eq!(r.code, 0, "PyTorch has dampening: {}", r.stderr);
    assert!(r.stdout.contains("dampening=0.5"), "{}", r.stdout);
}
