//! The mistakes a student makes, recognised (issue 14, part 4): each kind on a lesson's
//! exercise, answered with the mistaken value at the precision a student types, gets its own
//! line; where the mistaken value equals the right one it is not offered; the same matching in
//! grading. Every value is worked by hand in the comment above its assertion.

use mlp_notebook::lesson::exercise::{Exercise, Verdict};
use mlp_notebook::lesson::grade::{Outcome, SubmittedAnswer};
use mlp_notebook::lesson::{Answer, Computed, Lesson, MistakeKind, Submission, grade, load, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use std::path::Path;

use MistakeKind::*;

fn shipped(file: &str) -> Lesson {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons").join(file)).unwrap();
    load(&text, Syntax::Toml, &mlp_notebook::lesson::no_files).unwrap()
}

fn tiny() -> Lesson {
    crate::grading::lesson("lessons/tiny.toml")
}

/// A lesson for the typed precision: thirds everywhere.
///
/// Network `p` (MSE, the mean over B = 3 samples; SGD, lr 0.1, wd 0.1): x = (1, 2, -4),
/// y = (0, 0, 1), layer 1 one ReLU unit (w 1, b 0), layer 2 one identity unit (w -2, b 0).
/// z1 = (1, 2, -4), a1 = (1, 2, 0); a2 = -2 a1 = (-2, -4, 0); d = a2 - y = (-2, -4, -1);
/// δ2 = dL/da2 = 2d/3 = (-4/3, -8/3, -2/3); dL/da1 = W2 δ2 = (8/3, 16/3, 4/3);
/// δ1 = dL/da1 · relu'(z1) = (8/3, 16/3, 0).
/// dL/dW2 = Σ δ2 a1 = -4/3 - 16/3 + 0 = -20/3; W2 after one step:
/// -2 - 0.1 (-20/3 + 0.1·(-2)) = -2 + 2/3 + 0.02 = -1.31333...
///
/// Network `q` (sse_half): x = 1, w = 1, b = 0, y = 0.35: a = 1, L = ½ 0.65² = 0.21125.
const THIRDS: &str = r#"
format_version = 2
title = "Thirds"

[[cells]]
kind = "network"
id = "p"
[cells.network]
inputs = 1
loss = "mse"
x = [[1], [2], [-4]]
y = [[0], [0], [1]]
optimizer = { kind = "sgd", lr = 0.1, weight_decay = 0.1 }
[[cells.network.layers]]
units = 1
activation = "relu"
weights = [[1]]
bias = [0]
[[cells.network.layers]]
units = 1
activation = "identity"
weights = [[-2]]
bias = [0]

[[cells]]
kind = "exercise"
id = "dl-da1"
network = "p"
prompt = "dL/da1 for sample 1."
ask = "layers[1].dl_da[1]"

[[cells]]
kind = "exercise"
id = "delta1-s3"
network = "p"
sample = 3
prompt = "δ1 for sample 3."
ask = "layers[1].delta[1]"

[[cells]]
kind = "exercise"
id = "new-w2"
network = "p"
prompt = "W2 after one step."
ask = "layers[2].new_weights[1][1]"

[[cells]]
kind = "network"
id = "q"
[cells.network]
inputs = 1
loss = "sse_half"
x = [[1]]
y = [[0.35]]
[[cells.network.layers]]
units = 1
activation = "identity"
weights = [[1]]
bias = [0]

[[cells]]
kind = "exercise"
id = "q-loss"
network = "q"
prompt = "The loss."
ask = "loss"
"#;

fn thirds() -> Lesson {
    parse_lesson(THIRDS, Syntax::Toml).expect("the test lesson loads")
}

/// The verdict of exercise `id` answered `given`.
fn check(l: &Lesson, id: &str, given: Answer) -> Verdict {
    let ex = l.exercise(id).expect("exercise");
    let c = l.computed_for(ex, None).unwrap();
    ex.check(&c, &given, 0).unwrap().verdict
}

fn named(l: &Lesson, id: &str, given: f64) -> Option<MistakeKind> {
    match check(l, id, Answer::Scalar(given)) {
        Verdict::Mistake { kind, .. } => Some(kind),
        _ => None,
    }
}

/// The kinds exercise `ex` offers on `c`.
fn offered(ex: &Exercise, c: &Computed) -> Vec<MistakeKind> {
    let expected = ex.answer(c).unwrap();
    ex.mistakes(c, &expected).iter().map(|m| m.kind).collect()
}

fn offered_in(l: &Lesson, id: &str) -> Vec<MistakeKind> {
    let ex = l.exercise(id).unwrap();
    offered(ex, &l.computed_for(ex, None).unwrap())
}

/// An exercise on network `net` of a lesson asking `ask` for sample 1.
fn ask(net: &str, ask: &str) -> Exercise {
    Exercise {
        id: "e".into(),
        network: net.into(),
        network_named: true,
        sample: 1,
        prompt: "p".into(),
        ask: ask.parse().unwrap(),
        solve_for: None,
        tolerance: None,
        hints: Vec::new(),
        points: 1,
        grading: None,
    }
}

/// Lesson 07's chain: z1 = 2·3 - 1 = 5, a1 = 5, a2 = -5 + 2 = -3, δ2 = a2 - y = -2;
/// δ1 = W2 δ2 relu'(5) = (-1)(-2) = 2. Forgetting W2 gives δ1 = δ2 = -2, which is also minus
/// the answer: it is named "forgot the weight", the rule that gives it, not "wrong sign".
/// The branch: a3 = 8, δ3 = 3, δ2 = W3ᵀ δ3 = (6, 3), dL/da1 = 1·6 + (-1)·3 = 3; without W2's
/// weights 6 + 3 = 9.
#[test]
fn a_weight_left_out_of_the_chain_is_named() {
    let l = shipped("07-backpropagation.toml");
    let v = check(&l, "chain-delta1", Answer::Scalar(-2.0));
    let Verdict::Mistake { kind, explanation } = &v else {
        panic!("{v:?}")
    };
    assert_eq!(*kind, ForgotWeight);
    assert!(explanation.contains("W2^T δ2"), "{explanation}");
    assert!(v.message().starts_with("Forgot the weight: "), "{}", v.message());
    assert!(!offered_in(&l, "chain-delta1").contains(&WrongSign));
    assert_eq!(named(&l, "branch-dl-da1", 9.0), Some(ForgotWeight));
    assert_eq!(named(&l, "branch-dl-da1", -3.0), Some(WrongSign));
    // -2.02 is neither -2 nor any other mistake at the precision typed: not named at all.
    assert_eq!(
        check(&l, "chain-delta1", Answer::Scalar(-2.02)),
        Verdict::Wrong {
            hint: Some("dL/da1 = W2 · δ2 with W2 = -1.".into())
        }
    );
}

/// With W2 = 1 the chain's δ1 = W2 δ2 = δ2 (= 7 - (-1) = 8): leaving W2 out changes nothing,
/// so it is not offered.
#[test]
fn a_weight_of_one_offers_no_forgotten_weight() {
    let l = shipped("07-backpropagation.toml");
    let ex = l.exercise("chain-delta1").unwrap();
    let mut doc = l.computed_for(ex, None).unwrap().doc;
    doc.net.weights_mut(1).fill(1.0);
    let c = Computed::new(doc);
    assert_eq!(ex.answer(&c).unwrap(), Answer::Scalar(8.0));
    assert!(!offered(ex, &c).contains(&ForgotWeight));
}

/// Thirds' dL/da1 = 8/3 = 2.6667 for sample 1; without W2 it is δ2 = -4/3 = -1.3333, typed
/// -1.333 (rounded), -1.33, -1.3 (two digits) or -1.33 cut off; -1.34 and -1 (one digit) are
/// no rounding of it. Without MSE's 2 it is 4/3: 1.333 or 1.3.
#[test]
fn the_forgotten_weight_and_two_are_recognised_as_typed() {
    let l = thirds();
    for t in [-1.333, -1.33, -1.3, -4.0 / 3.0] {
        assert_eq!(named(&l, "dl-da1", t), Some(ForgotWeight), "{t}");
    }
    for t in [-1.34, -1.0, -1.4] {
        assert_eq!(named(&l, "dl-da1", t), None, "{t}");
    }
    for t in [1.333, 1.33, 1.3] {
        assert_eq!(named(&l, "dl-da1", t), Some(ForgotTwo), "{t}");
    }
    assert!(check(&l, "dl-da1", Answer::Scalar(2.667)).is_correct());
}

/// Lesson 06's outlier: d = 3, B·K = 2, δ = 2·3/2 = 3; without the 2: 1.5. Lesson 08's batch:
/// a = (1, 2), y = (3, 6), δ = 2 (a - y) / 2 = (-2, -4), dL/dw = -2·1 - 4·2 = -10; without the
/// 2: -5. The loss itself has no derivative's 2 to forget: not offered for mse-loss.
#[test]
fn the_two_of_mses_derivative_is_named() {
    let l6 = shipped("06-loss-functions.toml");
    let v = check(&l6, "mse-delta-outlier", Answer::Scalar(1.5));
    assert!(
        v.message().starts_with("Forgot the 2 of MSE's derivative: "),
        "{}",
        v.message()
    );
    assert_eq!(
        named(&shipped("08-gradient-descent.toml"), "grad-w", -5.0),
        Some(ForgotTwo)
    );
    assert!(!offered_in(&l6, "mse-loss").contains(&ForgotTwo));
}

/// Lesson 07's chain: L = ½ (a2 - y)² with a2 - y = -2, so δ2 = -2; without the ½ the
/// derivative of (a2 - y)² is 2 (a2 - y) = -4. Thirds' q: L = 0.21125, without the ½ 0.4225,
/// typed 0.4225, 0.42 (rounded) or 0.422 (cut off); 0.43 is no rounding of it. Lesson 10's
/// perfect fit has a = y: δ = 0 and twice 0 is 0, so the ½ is not offered there.
#[test]
fn the_half_of_sse_half_is_named() {
    let l7 = shipped("07-backpropagation.toml");
    let v = check(&l7, "chain-delta2", Answer::Scalar(-4.0));
    assert!(v.message().starts_with("Forgot the ½ of sse_half: "), "{}", v.message());
    let q = thirds();
    for t in [0.4225, 0.42, 0.422] {
        assert_eq!(named(&q, "q-loss", t), Some(ForgotHalf), "{t}");
    }
    assert_eq!(named(&q, "q-loss", 0.43), None);
    assert!(!offered_in(&shipped("10-regularisation.toml"), "perfect-fit-gradient").contains(&ForgotHalf));
}

/// tiny.toml: dL/da1 = W2ᵀ δ2 = (1, -2, 4)·3 = (3, -6, 12) and z1 = (6, 0, -3), so
/// δ1 = (3, 0, 0); without the mask δ1 = dL/da1 = (3, -6, 12); relu'(0) taken as 1 alone gives
/// (3, -6, 0). Thirds' δ1 for sample 3: z1 = -4, so 0; without the mask dL/da1 = 4/3, typed
/// 1.333, 1.33 or 1.3. Lesson 07's chain has z1 = 5 > 0: the mask is 1, nothing to skip.
#[test]
fn a_skipped_relu_mask_is_named() {
    let t = tiny();
    let v = check(&t, "delta1", Answer::Vector(vec![3.0, -6.0, 12.0]));
    assert!(v.message().starts_with("Skipped the relu' mask: "), "{}", v.message());
    assert!(matches!(
        check(&t, "delta1", Answer::Vector(vec![3.0, -6.0, 0.0])),
        Verdict::Mistake {
            kind: ReluPrimeAtZero,
            ..
        }
    ));
    let l = thirds();
    for t in [1.333, 1.33, 1.3] {
        assert_eq!(named(&l, "delta1-s3", t), Some(SkippedReluMask), "{t}");
    }
    // relu'(-4) = 0 whatever dL/da1 is: neither a forgotten weight nor a forgotten 2 changes δ1.
    let o = offered_in(&l, "delta1-s3");
    assert!(!o.contains(&ForgotWeight) && !o.contains(&ForgotTwo), "{o:?}");
    assert!(!offered_in(&shipped("07-backpropagation.toml"), "chain-delta1").contains(&SkippedReluMask));
}

/// Lesson 10, with a gradient: δ = 5 - 4 = 1, dL/dW = (1, 2), W - 0.1 ((1, 2) + 0.1 (1, 2)) =
/// (0.89, 1.78); without the decay (0.9, 1.8); the step the wrong way (1.11, 2.22). Thirds'
/// W2: -1.31333; without the decay -2 + 2/3 = -1.3333 (typed -1.333, -1.33); the learning rate
/// the wrong way -2 - 2/3 - 0.02 = -2.68667 (typed -2.687, -2.69); without MSE's 2 the
/// gradient is -10/3: -2 + 1/3 + 0.02 = -1.64667 (typed -1.647).
#[test]
fn weight_decay_and_the_learning_rates_sign_are_named() {
    let l = shipped("10-regularisation.toml");
    let m = |a: f64, b: f64| Answer::Matrix(vec![vec![a, b]]);
    assert!(check(&l, "decay-with-gradient", m(0.89, 1.78)).is_correct());
    let v = check(&l, "decay-with-gradient", m(0.9, 1.8));
    assert!(v.message().starts_with("Forgot the weight decay: "), "{}", v.message());
    let v = check(&l, "decay-with-gradient", m(1.11, 2.22));
    assert!(
        v.message().starts_with("Learning rate with the wrong sign: "),
        "{}",
        v.message()
    );
    let p = thirds();
    for t in [-1.333, -1.33] {
        assert_eq!(named(&p, "new-w2", t), Some(ForgotWeightDecay), "{t}");
    }
    for t in [-2.687, -2.69] {
        assert_eq!(named(&p, "new-w2", t), Some(LrWrongSign), "{t}");
    }
    assert_eq!(named(&p, "new-w2", -1.647), Some(ForgotTwo));
    assert!(check(&p, "new-w2", Answer::Scalar(-1.313)).is_correct());
}

/// Lesson 10's perfect fit: b = 0 and δ = a - y = 0, so b after the step is 0 - 0.5 (0 + 0.1·0)
/// = 0 with or without the decay and whichever way the step goes: neither is offered.
#[test]
fn an_update_that_moves_nothing_offers_neither_update_mistake() {
    let l = shipped("10-regularisation.toml");
    let ex = ask("perfect-fit", "layers[1].new_bias[1]");
    let c = l.computed_for(&ex, None).unwrap();
    assert_eq!(ex.answer(&c).unwrap(), Answer::Scalar(0.0));
    let o = offered(&ex, &c);
    assert!(!o.contains(&ForgotWeightDecay) && !o.contains(&LrWrongSign), "{o:?}");
    // The weights do move (W (1 - 0.5·0.1) = (0.95, 1.9)): both are offered for them.
    let ex = ask("perfect-fit", "layers[1].new_weights");
    let o = offered(&ex, &l.computed_for(&ex, None).unwrap());
    assert!(o.contains(&ForgotWeightDecay) && o.contains(&LrWrongSign), "{o:?}");
}

/// Lesson 01's 3-4-2 network: layer 1 has 4 x 3 = 12 weights and 4 biases, 16 parameters;
/// layer 2 has 2 x 4 + 2 = 10; the whole network 26, without its biases 12 + 8 = 20. (Every
/// unit has a bias, so the count without them always differs.)
#[test]
fn a_parameter_count_without_the_biases_is_named() {
    let l = shipped("01-what-an-mlp-is.toml");
    assert!(check(&l, "params-layer-1", Answer::Scalar(16.0)).is_correct());
    let v = check(&l, "params-layer-1", Answer::Scalar(12.0));
    assert!(v.message().starts_with("Forgot the biases: "), "{}", v.message());
    assert_eq!(named(&l, "params-small", 20.0), Some(ForgotBiasesInCount));
    assert_eq!(named(&l, "params-small", 21.0), None);
}

/// Grading names the same mistakes at the same typed precision (one rule): thirds' dL/da1
/// typed -1.3 is the forgotten weight, W2 typed -2.69 the learning rate's sign, -1.34 wrong.
#[test]
fn grading_recognises_the_new_mistakes_as_typed() {
    let l = thirds();
    let outcome = |id: &str, v: f64| {
        let mut s = Submission::for_lesson(&l, "Ada");
        s.answers.insert(
            id.into(),
            SubmittedAnswer {
                value: Some(Answer::Scalar(v)),
                attempts: 1,
                ..SubmittedAnswer::default()
            },
        );
        grade(&l, &s).items.into_iter().find(|i| i.id == id).unwrap().outcome
    };
    assert_eq!(outcome("dl-da1", -1.3), Outcome::Mistake(ForgotWeight));
    assert_eq!(outcome("new-w2", -2.69), Outcome::Mistake(LrWrongSign));
    assert_eq!(outcome("dl-da1", -1.34), Outcome::Wrong);
}

/// Lesson 04's dL/dW2 = [[-3, -11]], its mean [[-1, -11/3]] (see tests/grading.rs). -11/3 =
/// -3.6667 cut off to one decimal is -3.6 (two digits): the mean for the sum. -3.64 is neither
/// -11/3 rounded (-3.67) nor cut off (-3.66) to two decimals: no mistake is named for it, though
/// it lies within 1 % of -11/3.
#[test]
fn a_value_is_named_only_when_it_is_the_mistaken_value_as_typed() {
    let l = shipped("04-matrices-and-batches.toml");
    let row = |b: f64| Answer::Matrix(vec![vec![-1.0, b]]);
    assert!(matches!(
        check(&l, "grad-w2", row(-3.6)),
        Verdict::Mistake { kind: MeanForSum, .. }
    ));
    assert!(matches!(check(&l, "grad-w2", row(-3.64)), Verdict::Wrong { .. }));
}

/// Every kind has its own name and title.
#[test]
fn every_kind_has_its_own_line() {
    let mut names: Vec<_> = MistakeKind::ALL.iter().map(|k| k.name()).collect();
    let mut titles: Vec<_> = MistakeKind::ALL.iter().map(|k| k.title()).collect();
    names.sort_unstable();
    names.dedup();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(
        (names.len(), titles.len()),
        (MistakeKind::ALL.len(), MistakeKind::ALL.len())
    );
}

/// Through the window: lesson 07's chain, δ1 typed -2 and checked (δ2 = -2 with W2 left out,
/// see above) shows the forgotten weight's line, and not "Wrong sign".
#[test]
fn the_window_names_a_forgotten_weight() {
    use crate::ui_exercises::{click, exercise, harness_with, shows, type_into};
    use egui::accesskit::Role;
    use mlp_notebook::lesson::Cell;
    let l = shipped("07-backpropagation.toml");
    let number = l
        .cells
        .iter()
        .filter_map(|c| match c {
            Cell::Exercise(e) => Some(e.id.as_str()),
            _ => None,
        })
        .position(|id| id == "chain-delta1")
        .unwrap()
        + 1;
    let mut h = harness_with(l, None);
    let label = exercise(&h, "chain-delta1").1.entry_label(0, 0);
    type_into(&mut h, &format!("answer {label}, exercise {number}"), "-2", false);
    click(&mut h, Role::Button, &format!("Check exercise {number}"));
    assert!(shows(&h, "Forgot the weight: "), "the forgotten weight is not named");
    assert!(!shows(&h, "Wrong sign"));
}

/// Every feedback line the engine can give on a shipped lesson (each exercise's mistakes, with
/// their titles) is drawn with the window's fonts: a glyph they lack (such as ᵀ) would stop the
/// window when the line is shown.
#[test]
fn every_feedback_line_has_its_glyphs_in_the_windows_fonts() {
    use mlp_notebook::lesson::Cell;
    let h = crate::ui_exercises::harness_with(shipped("07-backpropagation.toml"), None);
    let mut lines: Vec<String> = MistakeKind::ALL.iter().map(|k| k.title().to_string()).collect();
    let lessons = crate::worked_steps::shipped_files()
        .into_iter()
        .map(|p| crate::worked_steps::load_file(&p))
        .chain([tiny(), thirds()]);
    for l in lessons {
        for cell in &l.cells {
            let Cell::Exercise(ex) = cell else { continue };
            let c = l.computed_for(ex, None).unwrap();
            let answer = ex.answer(&c).unwrap();
            lines.extend(ex.mistakes(&c, &answer).into_iter().map(|m| m.explanation));
        }
    }
    for line in &lines {
        let ok = h
            .ctx
            .fonts_mut(|f| f.has_glyphs(&egui::FontId::proportional(14.0), line));
        assert!(ok, "a glyph of {line:?} is not in the window's fonts");
    }
    assert!(lines.len() > 60, "{}", lines.len());
}

/// Through the window, the issue's case: lesson 04's dL/dW2 = [[-3, -11]]; its mean over the 3
/// samples is [[-1, -11/3]], typed -1 and -3.667 and checked: named as the mean where the sum
/// was asked.
#[test]
fn the_window_names_a_mistake_typed_to_three_decimals() {
    use crate::ui_exercises::{click, exercise, harness_with, shows};
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable as _;
    use mlp_notebook::lesson::Cell;
    let l = shipped("04-matrices-and-batches.toml");
    let number = l
        .cells
        .iter()
        .filter_map(|c| match c {
            Cell::Exercise(e) => Some(e.id.as_str()),
            _ => None,
        })
        .position(|id| id == "grad-w2")
        .unwrap()
        + 1;
    let mut h = harness_with(l, None);
    let (first, second) = {
        let e = exercise(&h, "grad-w2").1;
        (e.entry_label(0, 0), e.entry_label(0, 1))
    };
    for (entry, text) in [(first, "-1"), (second, "-3.667")] {
        let name = format!("answer {entry}, exercise {number}");
        h.get_by_label(&name).scroll_to_me();
        h.run();
        h.get_by_label(&name).focus();
        h.run();
        h.get_by_label(&name).type_text(text);
        h.run();
    }
    click(&mut h, Role::Button, &format!("Check exercise {number}"));
    let e = exercise(&h, "grad-w2").1;
    assert!(
        shows(&h, "The mean where the sum was asked: "),
        "-3.667 for -11/3 is not recognised: {:?} {:?}",
        e.entries,
        e.result
    );
}
