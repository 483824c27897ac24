//! Numbers a lesson's text states about a computed quantity, checked against the engine: every
//! `dL/dW3[2,1] = -2484` (any quantity label the window uses, followed by ` = ` and a number) in a
//! text cell is read on the nearest network cell above it, and the claims that are not written
//! as a label (the digits' pixel ranges, what the zero-weight gradient depends on, the names of
//! Adam's moments) are each checked by their own computation.

use mlp_notebook::lesson::{Cell, Lesson, Reference};
use mlp_notebook::nn::data::split3;
use mlp_notebook::nn::datasets::BuiltinSet;
use mlp_notebook::nn::numfmt::NumberFormat;
use mlp_notebook::nn::trace::{backward, forward};
use mlp_notebook::nn::{OptimizerConfig, OptimizerKind};
use std::path::Path;

fn shipped(file: &str) -> Lesson {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let resolve = |p: &str| Err(format!("no file {p}"));
    mlp_notebook::lesson::load(&text, mlp_notebook::nn::doc::Syntax::Toml, &resolve).unwrap()
}

fn all_text(l: &Lesson) -> String {
    l.prose()
}

/// `dL/dW3[2,1]` -> `layers[3].grad_weights[2][1]`, for the labels the window writes.
fn reference_of(label: &str) -> Option<String> {
    const NAMES: [(&str, &str); 8] = [
        ("dL/dW", "grad_weights"),
        ("dL/db", "grad_bias"),
        ("dL/da", "dl_da"),
        ("δ", "delta"),
        ("W", "weights"),
        ("b", "bias"),
        ("z", "z"),
        ("a", "a"),
    ];
    let (prefix, name) = NAMES.iter().find(|(p, _)| label.starts_with(p))?;
    let rest = &label[prefix.len()..];
    let open = rest.find('[')?;
    let layer: usize = rest[..open].parse().ok()?;
    let idx: Vec<&str> = rest[open + 1..rest.len().checked_sub(1)?].split(',').collect();
    let idx: String = idx.iter().map(|i| format!("[{}]", i.trim())).collect();
    Some(format!("layers[{layer}].{name}{idx}"))
}

/// Every `label = number` in `text`: (label, number, decimals written).
fn claims(text: &str) -> Vec<(String, f64, usize)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("] = ") {
        let before = &text[..=at];
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace() || *c == '(' || *c == '`')
            .map_or(0, |(i, c)| i + c.len_utf8());
        let label = &before[start..];
        let after = &text[at + 4..];
        let num: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-' || *c == '−')
            .collect();
        let rest = after[num.len()..].trim_start();
        // A number that is the start of a sum or product is a formula, not a value.
        if rest.starts_with(['·', '+', '*', '/', '×']) || num.is_empty() {
            continue;
        }
        let num = num.replace('−', "-");
        let num = num.trim_end_matches('.');
        if let (Some(_), Ok(v)) = (reference_of(label), num.parse::<f64>()) {
            let decimals = num.split('.').nth(1).map_or(0, str::len);
            out.push((label.to_string(), v, decimals));
        }
    }
    out
}

/// Every shipped lesson's text cells: each value claimed for a network quantity is the engine's,
/// to the digits written, on the network cell above the text. Lesson 03's "-2484" is one.
#[test]
fn numbers_a_lessons_text_names_are_the_engines() {
    let mut checked = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    for f in files {
        let f = f.to_string_lossy().to_string();
        let l = shipped(&f);
        let mut net = None;
        for c in &l.cells {
            match c {
                Cell::Network(n) => net = Some(mlp_notebook::lesson::Computed::new(n.doc.clone())),
                Cell::Text(t) => {
                    for (label, v, decimals) in claims(t) {
                        let c = net
                            .as_ref()
                            .unwrap_or_else(|| panic!("{f}: {label} before any network"));
                        let r: Reference = reference_of(&label).unwrap().parse().unwrap();
                        let got = r.resolve(c, 0).unwrap().entries()[0];
                        let half = 0.5 * 10f64.powi(-(decimals as i32));
                        assert!(
                            (got - v).abs() <= half,
                            "{f}: the text says {label} = {v}, the engine {got}"
                        );
                        checked.push(format!("{f}: {label}"));
                    }
                }
                _ => {}
            }
        }
    }
    assert!(
        checked.iter().any(|c| c.contains("03-") && c.contains("dL/dW3[2,1]")),
        "{checked:?}"
    );
}

/// Lesson 03 calls its gradients "thousands": the largest |dL/dW| of its network is between 1000
/// and 9999.
#[test]
fn lesson_03s_gradients_are_thousands() {
    let l = shipped("03-seven-layers-by-hand.toml");
    let text = all_text(&l);
    assert!(text.contains("thousands") && !text.contains("(hundreds)"));
    let doc = l
        .cells
        .iter()
        .find_map(|c| match c {
            Cell::Network(n) => Some(n.doc.clone()),
            _ => None,
        })
        .unwrap();
    let g = backward(&doc.net, &forward(&doc.net, &doc.x), &doc.y, &doc.loss);
    let max = g
        .layers
        .iter()
        .flat_map(|l| l.weights.iter())
        .fold(0f64, |m, v| m.max(v.abs()));
    assert!((1000.0..10000.0).contains(&max), "{max}");
}

/// Lesson 12's min-max scaling: the counts of pixels by their range in the training split (the
/// training cell's own split: validation 0.2, test 0.2, seed 0) are the ones the text gives.
#[test]
fn lesson_12s_pixel_ranges_are_the_training_splits() {
    let l = shipped("12-project-digits.toml");
    let text = all_text(&l).split_whitespace().collect::<Vec<_>>().join(" ");
    let d = BuiltinSet::Digits.load().unwrap();
    let s = split3(&d, 0.2, 0.2, 0).unwrap();
    let ranges: Vec<f64> = s
        .train
        .x
        .row_iter()
        .map(|r| r.iter().copied().fold(f64::MIN, f64::max) - r.iter().copied().fold(f64::MAX, f64::min))
        .collect();
    let full = ranges.iter().filter(|r| **r == 16.0).count();
    let zero = ranges.iter().filter(|r| **r == 0.0).count();
    assert_eq!(ranges.len(), 64);
    for want in [
        format!("{full} of the 64 pixels have range 16"),
        format!("the other {} have a smaller range", 64 - full),
        format!("{zero} of those are 0 in every training image"),
    ] {
        assert!(text.contains(&want), "missing {want:?}");
    }
    assert!(!text.contains("almost always 16"));
}

/// Lesson 12's quiz: at W = 0 the gradient of the zero-weight network is not zero, and δ does
/// depend on W (one SGD step changes it), as the explanation now says.
#[test]
fn lesson_12s_zero_weight_gradient_depends_on_w() {
    let l = shipped("12-project-digits.toml");
    let q = l.quiz("what-the-step-does").unwrap();
    let explain = q.options[2].explain.as_deref().unwrap();
    assert!(
        !explain.contains("does not depend on W") && explain.contains("depend on W"),
        "{explain}"
    );
    let doc = l.network("untrained").unwrap().doc.clone();
    assert!(doc.net.layers()[0].weights.iter().all(|w| *w == 0.0));
    let g = backward(&doc.net, &forward(&doc.net, &doc.x), &doc.y, &doc.loss);
    assert!(g.layers[0].weights.iter().any(|v| *v != 0.0));
    // δ = a - y with a = softmax(0) = 0.1 for each class: -0.9 for the right class, 0.1 else.
    assert!((g.layers[0].delta[(0, 0)] + 0.9).abs() < 1e-12);
    assert!(explain.contains("-0.9") && explain.contains("0.1"));
    let mut after = doc.net.clone();
    let mut opt = mlp_notebook::nn::Optimizer::new(doc.optimizer);
    opt.step(&mut after, &g);
    let g2 = backward(&after, &forward(&after, &doc.x), &doc.y, &doc.loss);
    assert_ne!(g2.layers[0].delta, g.layers[0].delta);
}

/// Lesson 09's hint names Adam's moments as the engine's formula does: m and v.
#[test]
fn lesson_09s_adam_hint_names_m_and_v() {
    let l = shipped("09-optimizers.toml");
    let hint = &l.exercise("adam-bias").unwrap().hints[0];
    let formula = OptimizerConfig::defaults(OptimizerKind::Adam).formula();
    assert!(formula.contains("m = ") && formula.contains("v = "), "{formula}");
    assert!(hint.contains("m and v") && !hint.contains(" s."), "{hint}");
    let _ = NumberFormat::Answer;
}
