//! Every PyTorch reference case in tests/fixtures passes through the library:
//! |got - expected| <= 1e-9 * max(1, |expected|) for every number, and every shape (layer
//! count, rows, columns) is the fixture's, so an engine that returns an extra layer, unit or
//! sample fails.

use mlp_notebook::nn::doc::{NetworkDoc, Syntax, parse};
use mlp_notebook::nn::trace::{ForwardTrace, Gradients, backward, forward, loss_of};
use mlp_notebook::nn::{Matrix, Optimizer};
use serde_json::Value;
use std::path::Path;

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

/// Compares an engine matrix stored with samples as columns (`transpose = true`) or as stored,
/// shape first.
fn check_rows(name: &str, what: &str, got: &Matrix, want: &Value, transpose: bool) {
    let rows = want
        .as_array()
        .unwrap_or_else(|| panic!("{name}: {what} is not an array"));
    let cols = rows.first().and_then(Value::as_array).map_or(0, Vec::len);
    let got_shape = if transpose {
        (got.ncols(), got.nrows())
    } else {
        got.shape()
    };
    assert_eq!(got_shape, (rows.len(), cols), "{name}: {what} shape (rows, cols)");
    for (r, row) in rows.iter().enumerate() {
        let row = row.as_array().unwrap();
        assert_eq!(row.len(), cols, "{name}: {what}[{r}] length");
        for (c, v) in row.iter().enumerate() {
            let w = v.as_f64().unwrap();
            let g = if transpose { got[(c, r)] } else { got[(r, c)] };
            assert!(close(g, w), "{name}: {what}[{r}][{c}] = {g}, PyTorch {w}");
        }
    }
}

fn check_vec(name: &str, what: &str, got: &[f64], want: &Value) {
    let want = want.as_array().unwrap();
    assert_eq!(got.len(), want.len(), "{name}: {what} length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let w = w.as_f64().unwrap();
        assert!(close(*g, w), "{name}: {what}[{i}] = {g}, PyTorch {w}");
    }
}

/// A fixture's text, its JSON and the network file parsed from it.
fn load(file: &str) -> (String, Value, NetworkDoc) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let case: Value = serde_json::from_str(&text).unwrap();
    let doc = parse(&text, Syntax::Json).unwrap_or_else(|e| panic!("{file}: {e}"));
    (file.to_string(), case, doc)
}

/// The forward and backward passes against the case's `expected`: the loss, then for each
/// layer z, a, delta and the gradients, then the input gradient.
fn check_passes(name: &str, exp: &Value, fwd: &ForwardTrace, grads: &Gradients) {
    assert!(
        close(grads.loss, exp["loss"].as_f64().unwrap()),
        "{name}: loss {}",
        grads.loss
    );
    let layers = exp["layers"].as_array().unwrap();
    assert_eq!(fwd.layers.len(), layers.len(), "{name}: forward layers");
    assert_eq!(grads.layers.len(), layers.len(), "{name}: gradient layers");
    for (l, le) in layers.iter().enumerate() {
        let g = &grads.layers[l];
        check_rows(name, &format!("layer {l} z"), &fwd.layers[l].z, &le["z"], true);
        check_rows(name, &format!("layer {l} a"), &fwd.layers[l].a, &le["a"], true);
        check_rows(name, &format!("layer {l} delta"), &g.delta, &le["delta"], true);
        check_rows(
            name,
            &format!("layer {l} grad_weights"),
            &g.weights,
            &le["grad_weights"],
            false,
        );
        check_vec(
            name,
            &format!("layer {l} grad_bias"),
            g.bias.as_slice(),
            &le["grad_bias"],
        );
    }
    check_rows(name, "grad_input", &grads.input, &exp["grad_input"], true);
}

/// `steps` optimizer steps from the case's network: every loss (before each step and after the
/// last) and the trained weights and biases.
fn check_training(name: &str, doc: &NetworkDoc, tr: &Value) {
    let steps = tr["steps"].as_u64().unwrap() as usize;
    let mut net = doc.net.clone();
    let mut opt = Optimizer::new(doc.optimizer);
    let mut losses = Vec::new();
    for _ in 0..steps {
        let f = forward(&net, &doc.x);
        let g = backward(&net, &f, &doc.y, &doc.loss);
        losses.push(g.loss);
        opt.step(&mut net, &g);
    }
    losses.push(loss_of(&net, &doc.x, &doc.y, &doc.loss));
    check_vec(name, "expected_losses", &losses, &tr["expected_losses"]);
    let layers = tr["expected_layers"].as_array().unwrap();
    assert_eq!(net.len(), layers.len(), "{name}: trained layers");
    for (l, le) in layers.iter().enumerate() {
        let layer = &net.layers()[l];
        check_rows(
            name,
            &format!("trained layer {l} weights"),
            &layer.weights,
            &le["weights"],
            false,
        );
        check_vec(
            name,
            &format!("trained layer {l} bias"),
            layer.bias.as_slice(),
            &le["bias"],
        );
    }
}

#[test]
fn every_reference_case_matches_pytorch() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let (name, case, doc) = load(&path.file_name().unwrap().to_string_lossy());
        let Some(exp) = case.get("expected") else {
            continue;
        };
        let fwd = forward(&doc.net, &doc.x);
        let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
        check_passes(&name, exp, &fwd, &grads);
        if let Some(tr) = case.get("training") {
            check_training(&name, &doc, tr);
        }
        count += 1;
    }
    assert!(count >= 17, "only {count} cases found");
}

/// The comparison itself: a trace with one layer more than PyTorch's fails, although every
/// layer PyTorch lists matches.
#[test]
#[should_panic(expected = "forward layers")]
fn an_extra_layer_fails_the_comparison() {
    let (name, case, doc) = load("act_tanh_batch1.json");
    let mut fwd = forward(&doc.net, &doc.x);
    let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    let last = fwd.layers.last().unwrap().clone();
    fwd.layers.push(last);
    check_passes(&name, &case["expected"], &fwd, &grads);
}

/// A matrix with one sample (column) more than PyTorch's rows fails, although every number
/// PyTorch lists matches.
#[test]
#[should_panic(expected = "layer 0 z shape")]
fn an_extra_sample_fails_the_comparison() {
    let (name, case, doc) = load("act_sigmoid_batch5.json");
    let mut fwd = forward(&doc.net, &doc.x);
    let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    let z = &fwd.layers[0].z;
    fwd.layers[0].z = z.clone().insert_column(z.ncols(), 0.0);
    check_passes(&name, &case["expected"], &fwd, &grads);
}
