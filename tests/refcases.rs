//! Every PyTorch reference case in tests/fixtures passes through the library:
//! |got - expected| <= 1e-9 * max(1, |expected|) for every number.

use mlp_notebook::nn::doc::{Syntax, parse};
use mlp_notebook::nn::trace::{backward, forward, loss_of};
use mlp_notebook::nn::{Matrix, Optimizer};
use serde_json::Value;
use std::path::Path;

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

/// Compares an engine matrix stored with samples as columns (`transpose = true`) or as stored.
fn check_rows(name: &str, what: &str, got: &Matrix, want: &Value, transpose: bool) {
    let rows = want
        .as_array()
        .unwrap_or_else(|| panic!("{name}: {what} is not an array"));
    for (r, row) in rows.iter().enumerate() {
        let row = row.as_array().unwrap();
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

#[test]
fn every_reference_case_matches_pytorch() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let case: Value = serde_json::from_str(&text).unwrap();
        if case.get("expected").is_none() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let doc = parse(&text, Syntax::Json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let fwd = forward(&doc.net, &doc.x);
        let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
        let exp = &case["expected"];
        assert!(
            close(grads.loss, exp["loss"].as_f64().unwrap()),
            "{name}: loss {}",
            grads.loss
        );
        for (l, le) in exp["layers"].as_array().unwrap().iter().enumerate() {
            check_rows(&name, &format!("layer {l} z"), &fwd.layers[l].z, &le["z"], true);
            check_rows(&name, &format!("layer {l} a"), &fwd.layers[l].a, &le["a"], true);
            check_rows(
                &name,
                &format!("layer {l} delta"),
                &grads.layers[l].delta,
                &le["delta"],
                true,
            );
            check_rows(
                &name,
                &format!("layer {l} grad_weights"),
                &grads.layers[l].weights,
                &le["grad_weights"],
                false,
            );
            check_vec(
                &name,
                &format!("layer {l} grad_bias"),
                grads.layers[l].bias.as_slice(),
                &le["grad_bias"],
            );
        }
        check_rows(&name, "grad_input", &grads.input, &exp["grad_input"], true);
        if let Some(tr) = case.get("training") {
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
            check_vec(&name, "expected_losses", &losses, &tr["expected_losses"]);
            for (l, le) in tr["expected_layers"].as_array().unwrap().iter().enumerate() {
                check_rows(
                    &name,
                    &format!("trained layer {l} weights"),
                    &net.layers()[l].weights,
                    &le["weights"],
                    false,
                );
                check_vec(
                    &name,
                    &format!("trained layer {l} bias"),
                    net.layers()[l].bias.as_slice(),
                    &le["bias"],
                );
            }
        }
        count += 1;
    }
    assert!(count >= 17, "only {count} cases found");
}
