//! The lesson engine against numbers derived by hand: references resolved on a tiny network,
//! each recognised mistake on a case built for it, tolerances, "solve for the missing value",
//! worked solutions, per-student variants, quizzes; and every shipped lesson checks its own
//! answers.
//!
//! The main network (tests/fixtures/lessons/tiny.toml, cell "tiny") is 2-3-1:
//!
//! ```text
//! x = (1, 2), y = 5, loss sse_half (L = ½ (a - y)², a sum), SGD lr 0.1
//! W1 = [[1, 2], [2, -1], [-1, -1]], b1 = (1, 0, 0), relu
//!   z1 = (1·1 + 2·2 + 1, 2·1 - 1·2 + 0, -1·1 - 1·2 + 0) = (6, 0, -3)
//!   a1 = relu(z1) = (6, 0, 0)
//! W2 = [[1, -2, 4]], b2 = 2, identity
//!   z2 = 1·6 - 2·0 + 4·0 + 2 = 8 = a2 = output
//! L = ½ (8 - 5)² = 4.5
//! dL/da2 = a2 - y = 3, δ2 = 3 · 1 = 3
//! dL/dW2 = δ2 a1ᵀ = (18, 0, 0), dL/db2 = 3
//! dL/da1 = W2ᵀ δ2 = (3, -6, 12)
//! δ1 = dL/da1 · relu'(z1) = (3·1, -6·0, 12·0) = (3, 0, 0)        (relu'(0) = 0)
//! dL/dW1 = δ1 xᵀ = [[3, 6], [0, 0], [0, 0]], dL/db1 = (3, 0, 0)
//! after one step: W2 = (1 - 1.8, -2, 4) = (-0.8, -2, 4), b2 = 2 - 0.3 = 1.7,
//!                 W1[1,:] = (1 - 0.3, 2 - 0.6) = (0.7, 1.4), b1 = (0.7, 0, 0)
//! parameters: 3·2 + 3 + 1·3 + 1 = 13
//! ```

use mlp_notebook::lesson::Answer;
use mlp_notebook::lesson::exercise::{Exercise, Tolerance, Verdict, compare};
use mlp_notebook::lesson::solve::solve_for;
use mlp_notebook::lesson::worked::worked_solution;
use mlp_notebook::lesson::{Cell, Computed, Lesson, MistakeKind, Reference, load, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::trace::{backward, forward};
use std::path::{Path, PathBuf};

fn load_path(path: &Path) -> Lesson {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let dir = path.parent().unwrap().to_path_buf();
    let resolve = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    load(&text, Syntax::guess(&name, &text), &resolve).unwrap_or_else(|e| panic!("{name}:\n{e}"))
}

fn tiny() -> Lesson {
    load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lessons/tiny.toml"))
}

fn computed(l: &Lesson, net: &str) -> Computed {
    Computed::new(l.network(net).unwrap().doc.clone())
}

fn r(s: &str) -> Reference {
    s.parse().unwrap()
}

fn v(x: &[f64]) -> Answer {
    Answer::Vector(x.to_vec())
}

fn m(rows: &[&[f64]]) -> Answer {
    Answer::Matrix(rows.iter().map(|r| r.to_vec()).collect())
}

/// An exercise on `net` asking `ask`, with the lesson's defaults.
fn exercise(net: &str, ask: &str) -> Exercise {
    Exercise {
        id: "e".into(),
        network: net.into(),
        network_named: true,
        sample: 1,
        prompt: "p".into(),
        ask: r(ask),
        solve_for: None,
        tolerance: None,
        hints: vec!["first hint".into(), "second hint".into()],
        points: 1,
        grading: None,
    }
}

fn verdict(c: &Computed, ask: &str, given: Answer) -> Verdict {
    exercise("tiny", ask).check(c, &given, 0).unwrap().verdict
}

fn mistake(c: &Computed, ask: &str, given: Answer) -> MistakeKind {
    match verdict(c, ask, given.clone()) {
        Verdict::Mistake { kind, .. } => kind,
        other => panic!("{ask} answered {given:?}: {other:?}"),
    }
}

#[test]
fn references_resolve_to_the_hand_computed_values() {
    let l = tiny();
    let c = computed(&l, "tiny");
    let at = |s: &str| r(s).resolve(&c, 0).unwrap();
    assert_eq!(at("layers[1].z"), v(&[6.0, 0.0, -3.0]));
    assert_eq!(at("layers[1].a"), v(&[6.0, 0.0, 0.0]));
    assert_eq!(at("layers[1].z[3]"), Answer::Scalar(-3.0));
    assert_eq!(at("output"), v(&[8.0]));
    assert_eq!(at("loss"), Answer::Scalar(4.5));
    assert_eq!(at("layers[2].dl_da[1]"), Answer::Scalar(3.0));
    assert_eq!(at("layers[2].delta"), v(&[3.0]));
    assert_eq!(at("layers[1].dl_da"), v(&[3.0, -6.0, 12.0]));
    assert_eq!(at("layers[1].delta"), v(&[3.0, 0.0, 0.0]));
    assert_eq!(at("layers[2].grad_weights"), m(&[&[18.0, 0.0, 0.0]]));
    assert_eq!(at("layers[2].grad_bias[1]"), Answer::Scalar(3.0));
    assert_eq!(
        at("layers[1].grad_weights"),
        m(&[&[3.0, 6.0], &[0.0, 0.0], &[0.0, 0.0]])
    );
    assert_eq!(at("layers[1].grad_bias"), v(&[3.0, 0.0, 0.0]));
    assert_eq!(at("layers[1].weights[2][1]"), Answer::Scalar(2.0));
    assert_eq!(at("layers[1].bias"), v(&[1.0, 0.0, 0.0]));
    assert_eq!(at("x[2]"), Answer::Scalar(2.0));
    assert_eq!(at("y"), v(&[5.0]));
    assert_eq!(at("param_count"), Answer::Scalar(13.0));
    assert_eq!(at("layers[1].param_count"), Answer::Scalar(9.0));
    // One SGD step with lr 0.1 (floating point: 1 - 0.1·18 and 2 - 0.1·3).
    let close = |a: Answer, want: &[f64]| {
        let e = a.entries();
        assert_eq!(e.len(), want.len());
        for (g, w) in e.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{g} vs {w}");
        }
    };
    close(at("layers[2].new_weights"), &[-0.8, -2.0, 4.0]);
    close(at("layers[2].new_bias"), &[1.7]);
    close(at("layers[1].new_weights[1][2]"), &[1.4]);
    close(at("layers[1].new_bias"), &[0.7, 0.0, 0.0]);
}

#[test]
fn references_out_of_range_are_refused_with_the_reason() {
    let l = tiny();
    let c = computed(&l, "tiny");
    let err = |s: &str| r(s).resolve(&c, 0).unwrap_err();
    assert!(err("layers[3].z").contains("layer 3 does not exist; the network has 2 layers"));
    assert!(err("layers[1].z[4]").contains("layer 1 has 3 units"));
    assert!(err("layers[2].weights[1][4]").contains("column 4 is out of range"));
    assert!(err("x[3]").contains("the network has 2 inputs"));
    assert!(
        r("layers[1].z")
            .resolve(&c, 1)
            .unwrap_err()
            .contains("sample 2 does not exist")
    );
}

/// relu'(0) taken as 1: δ1[2] = dL/da1[2] · 1 = -6 instead of 0; δ1 = (3, -6, 0).
#[test]
fn relu_prime_at_zero_is_recognised() {
    let l = tiny();
    let c = computed(&l, "tiny");
    assert_eq!(
        mistake(&c, "layers[1].delta", v(&[3.0, -6.0, 0.0])),
        MistakeKind::ReluPrimeAtZero
    );
    // It carries into dL/dW1: row 2 becomes δ1[2] xᵀ = (-6, -12).
    assert_eq!(
        mistake(&c, "layers[1].grad_weights[2][2]", Answer::Scalar(-12.0)),
        MistakeKind::ReluPrimeAtZero
    );
    let f = exercise("tiny", "layers[1].delta")
        .check(&c, &v(&[3.0, -6.0, 0.0]), 0)
        .unwrap();
    assert_eq!(f.wrong_entries, vec![(2, 1)]);
}

#[test]
fn wrong_sign_forgot_bias_and_z_for_a_are_recognised() {
    let l = tiny();
    let c = computed(&l, "tiny");
    // δ2 = 3; -3 has the wrong sign.
    assert_eq!(
        mistake(&c, "layers[2].delta[1]", Answer::Scalar(-3.0)),
        MistakeKind::WrongSign
    );
    // z1[1] = 6 with b1[1] = 1: 5 forgot the bias.
    assert_eq!(
        mistake(&c, "layers[1].z[1]", Answer::Scalar(5.0)),
        MistakeKind::ForgotBias
    );
    // output 8 with b2 = 2: 6 forgot the output's bias.
    assert_eq!(mistake(&c, "output[1]", Answer::Scalar(6.0)), MistakeKind::ForgotBias);
    // a1 = (6, 0, 0); z1 = (6, 0, -3) was given.
    let f = exercise("tiny", "layers[1].a")
        .check(&c, &v(&[6.0, 0.0, -3.0]), 0)
        .unwrap();
    assert!(
        matches!(
            f.verdict,
            Verdict::Mistake {
                kind: MistakeKind::ZForA,
                ..
            }
        ),
        "{f:?}"
    );
    assert_eq!(f.wrong_entries, vec![(3, 1)]);
    // z1[3] = -3; a1[3] = 0 was given.
    assert_eq!(mistake(&c, "layers[1].z[3]", Answer::Scalar(0.0)), MistakeKind::AForZ);
    // W2 after the update: 1 - 0.1·18 = -0.8; 1 + 1.8 = 2.8 went the wrong way (the learning
    // rate taken with the wrong sign).
    assert_eq!(
        mistake(&c, "layers[2].new_weights[1][1]", Answer::Scalar(2.8)),
        MistakeKind::LrWrongSign
    );
}

/// A mistake whose value equals the correct one is not offered: z1[2] = a1[2] = 0.
#[test]
fn a_mistake_that_changes_nothing_is_not_offered() {
    let l = tiny();
    let c = computed(&l, "tiny");
    let ex = exercise("tiny", "layers[1].a[2]");
    let expected = ex.answer(&c).unwrap();
    assert_eq!(expected, Answer::Scalar(0.0));
    assert!(ex.mistakes(&c, &expected).iter().all(|m| m.kind != MistakeKind::ZForA));
    assert_eq!(verdict(&c, "layers[1].a[2]", Answer::Scalar(0.0)), Verdict::Correct);
}

#[test]
fn transposed_w_is_recognised_for_matrices_and_entries() {
    let l = tiny();
    let c = computed(&l, "tiny");
    // dL/dW1 = [[3, 6], [0, 0], [0, 0]] (3 x 2); its transpose is 2 x 3.
    assert_eq!(
        mistake(&c, "layers[1].grad_weights", m(&[&[3.0, 0.0, 0.0], &[6.0, 0.0, 0.0]])),
        MistakeKind::TransposedW
    );
    // dL/dW1[1,2] = 6; dL/dW1[2,1] = 0 was given.
    assert_eq!(
        mistake(&c, "layers[1].grad_weights[1][2]", Answer::Scalar(0.0)),
        MistakeKind::TransposedW
    );
    // A shape that is neither the matrix nor its transpose cannot be read.
    assert!(matches!(
        verdict(&c, "layers[1].grad_weights", m(&[&[3.0, 6.0]])),
        Verdict::Unreadable(_)
    ));
}

fn inline(text: &str) -> Lesson {
    parse_lesson(text, Syntax::Toml).unwrap_or_else(|e| panic!("{e}"))
}

const BATCH_SUM: &str = r#"
title = "t"
[[cells]]
kind = "network"
id = "tiny"
[cells.network]
inputs = 1
loss = "sse_half"
x = [[1], [3]]
y = [[0], [0]]
[[cells.network.layers]]
units = 1
activation = "identity"
weights = [[2]]
"#;

/// Batch of two, x = (1, 3), W = 2, y = 0, a = (2, 6).
/// mse (mean over 2): L = (4 + 36) / 2 = 20, dL/dW = Σ 2 (a - y) x / 2 = (2·2·1 + 2·6·3) / 2 = 20;
/// the sum would be 40. sse_half (a sum): L = ½ (4 + 36) = 20, dL/dW = 2·1 + 6·3 = 20; the mean
/// over 2 would be 10.
#[test]
fn mean_and_sum_mix_ups_are_recognised() {
    let l = tiny();
    let c = computed(&l, "batch");
    let check = |ask: &str, given: f64| {
        exercise("batch", ask)
            .check(&c, &Answer::Scalar(given), 0)
            .unwrap()
            .verdict
    };
    assert_eq!(check("layers[1].grad_weights[1][1]", 20.0), Verdict::Correct);
    assert!(matches!(
        check("layers[1].grad_weights[1][1]", 40.0),
        Verdict::Mistake {
            kind: MistakeKind::SumForMean,
            ..
        }
    ));
    assert!(matches!(
        check("loss", 40.0),
        Verdict::Mistake {
            kind: MistakeKind::SumForMean,
            ..
        }
    ));
    let sum = inline(BATCH_SUM);
    let c = computed(&sum, "tiny");
    assert_eq!(r("loss").resolve(&c, 0).unwrap(), Answer::Scalar(20.0));
    let f = exercise("tiny", "layers[1].grad_weights[1][1]")
        .check(&c, &Answer::Scalar(10.0), 0)
        .unwrap();
    assert!(
        matches!(
            f.verdict,
            Verdict::Mistake {
                kind: MistakeKind::MeanForSum,
                ..
            }
        ),
        "{f:?}"
    );
}

const TANH: &str = r#"
title = "t"
[[cells]]
kind = "network"
id = "tiny"
[cells.network]
inputs = 1
loss = "sse_half"
x = [[1]]
y = [[0]]
[[cells.network.layers]]
units = 1
activation = "tanh"
weights = [[0.5]]
"#;

/// One tanh unit: z = 0.5, a = tanh(0.5), dL/da = a - 0 = a, δ = a (1 - a²).
/// Writing tanh' = 1 - a² with z put in gives a (1 - 0.25) (z for a); taking tanh' at a gives
/// a (1 - tanh(a)²) (a for z).
#[test]
fn the_derivative_at_the_wrong_place_is_recognised() {
    let l = inline(TANH);
    let c = computed(&l, "tiny");
    let a = 0.5f64.tanh();
    let ex = exercise("tiny", "layers[1].delta[1]");
    let want = ex.answer(&c).unwrap().entries()[0];
    assert!((want - a * (1.0 - a * a)).abs() < 1e-12);
    let kind = |given: f64| match ex.check(&c, &Answer::Scalar(given), 0).unwrap().verdict {
        Verdict::Mistake { kind, .. } => kind,
        other => panic!("{other:?}"),
    };
    assert_eq!(kind(a * 0.75), MistakeKind::ZForA);
    assert_eq!(kind(a * (1.0 - a.tanh().powi(2))), MistakeKind::AForZ);
}

/// The default tolerance of a non-integer answer is rel 1e-3: for -0.8, |error| <= 0.0008
/// passes, up to 0.008 is close, more is wrong (with the next hint).
#[test]
fn tolerance_close_and_hints() {
    let l = tiny();
    let c = computed(&l, "tiny");
    let ask = "layers[2].new_weights[1][1]";
    assert_eq!(verdict(&c, ask, Answer::Scalar(-0.8005)), Verdict::Correct);
    assert_eq!(verdict(&c, ask, Answer::Scalar(-0.805)), Verdict::Close);
    assert_eq!(
        verdict(&c, ask, Answer::Scalar(-0.9)),
        Verdict::Wrong {
            hint: Some("first hint".into())
        }
    );
    // Integer answers are exact by default: 6.5 for z1[1] = 6 is wrong, not close.
    assert!(matches!(
        verdict(&c, "layers[1].z[1]", Answer::Scalar(6.5)),
        Verdict::Wrong { .. }
    ));
    // The hints come one after another, then run out.
    let ex = exercise("tiny", "layers[1].z");
    let wrong = v(&[6.0, 1.0, -3.0]);
    let hint = |shown| match ex.check(&c, &wrong, shown).unwrap().verdict {
        Verdict::Wrong { hint } => hint,
        other => panic!("{other:?}"),
    };
    assert_eq!(hint(1), Some("second hint".into()));
    assert_eq!(hint(2), None);
    assert_eq!(ex.check(&c, &wrong, 0).unwrap().wrong_entries, vec![(2, 1)]);
    // An explicit absolute tolerance: within 0.01 of -0.8.
    let mut abs = exercise("tiny", ask);
    abs.tolerance = Some(Tolerance::Within {
        abs: Some(0.01),
        rel: None,
    });
    assert!(abs.check(&c, &Answer::Scalar(-0.809), 0).unwrap().verdict.is_correct());
    assert_eq!(
        compare(
            &Answer::Scalar(2.0),
            &Answer::Scalar(f64::NAN),
            Tolerance::Exact,
            &[],
            None
        )
        .verdict,
        Verdict::Unreadable("Entry 1 of the answer is not a finite number.".into())
    );
}

/// z1[1] = W1[1,1] x1 + W1[1,2] x2 + b1[1] = 5  =>  W1[1,2] = (5 - 1·1 - 1) / 2 = 1.5.
#[test]
fn solve_for_finds_the_missing_weight() {
    let l = tiny();
    let doc = l.network("tiny").unwrap().doc.clone();
    let s = solve_for(&doc, 0, &r("layers[1].weights[1][2]"), &r("layers[1].z[1]"), 5.0).unwrap();
    assert_eq!((s.value, s.start), (1.5, 2.0));
    let ex = l.exercise("w12-for-z5").unwrap();
    let c = l.computed_for(ex, None).unwrap();
    assert_eq!(ex.answer(&c).unwrap(), Answer::Scalar(1.5));
    assert!(ex.check(&c, &Answer::Scalar(1.505), 0).unwrap().verdict.is_correct());
    assert!(matches!(
        ex.check(&c, &Answer::Scalar(-1.5), 0).unwrap().verdict,
        Verdict::Mistake {
            kind: MistakeKind::WrongSign,
            ..
        }
    ));
    // z1[3] = -x1 - x2 = -1  =>  x2 = 1 - x1 = 0.
    let x = solve_for(&doc, 0, &r("x[2]"), &r("layers[1].z[3]"), -1.0).unwrap();
    assert_eq!(x.value, 0.0);
    // Through a nonlinearity: a = tanh(w x) with x = 1, so tanh(w) = 0.5  =>  w = atanh(0.5).
    let t = inline(TANH);
    let d = t.network("tiny").unwrap().doc.clone();
    let w = solve_for(&d, 0, &r("layers[1].weights[1][1]"), &r("layers[1].a[1]"), 0.5).unwrap();
    assert!((w.value - 0.5f64.atanh()).abs() < 1e-12, "{}", w.value);
}

/// a1[3] = relu(-x1 - x2) is never negative and is 0 for every x2 >= -1.
#[test]
fn solve_for_without_a_unique_value_is_an_error() {
    let l = tiny();
    let doc = l.network("tiny").unwrap().doc.clone();
    let none = solve_for(&doc, 0, &r("x[2]"), &r("layers[1].a[3]"), -1.0).unwrap_err();
    assert!(none.starts_with("no value of x[2] from"), "{none}");
    let many = solve_for(&doc, 0, &r("x[2]"), &r("layers[1].a[3]"), 0.0).unwrap_err();
    assert!(many.contains("not unique"), "{many}");
    let vector = solve_for(&doc, 0, &r("x[2]"), &r("layers[1].z"), 0.0).unwrap_err();
    assert!(vector.contains("more than one number"), "{vector}");
    let not_param = solve_for(&doc, 0, &r("layers[1].z[1]"), &r("output[1]"), 0.0).unwrap_err();
    assert!(not_param.contains("cannot be set"), "{not_param}");
}

#[test]
fn worked_solutions_show_the_steps_with_numbers() {
    let l = tiny();
    let c = computed(&l, "tiny");
    let w = worked_solution(&exercise("tiny", "layers[1].z[1]"), &c).unwrap();
    assert!(w.contains("`z1[1] = 1·1 + 2·2 + 1 = 6`"), "{w}");
    assert!(!w.contains("z1[2]"), "only the asked entry: {w}");
    let w = worked_solution(&exercise("tiny", "layers[1].grad_weights[1][2]"), &c).unwrap();
    // dL/da1[1] = W2[1,1] δ2 = 1·3; δ1[1] = 3 · relu'(6) = 3 · 1; dL/dW1[1,2] = δ1[1] x2 = 3·2.
    assert!(w.contains("`dL/da1[1] = 1·3 = 3`"), "{w}");
    assert!(w.contains("`δ1[1] = 3 · relu'(6) = 3 · 1 = 3`"), "{w}");
    assert!(w.contains("`dL/dW1[1,2] = 3·2 = 6`"), "{w}");
    assert!(w.ends_with("**Answer:** dL/dW1[1,2] = 6\n"), "{w}");
    let ex = l.exercise("w12-for-z5").unwrap();
    let w = worked_solution(ex, &l.computed_for(ex, None).unwrap()).unwrap();
    assert!(w.contains("`z1[1] = 1·1 + 1.5·2 + 1 = 5`"), "{w}");
}

/// A worked solution writes a number one way: its step lines in the answer key's format (6
/// significant digits), the same as its answer line. With x1 = 1.123456,
/// z1[1] = 1·1.123456 + 2·2 + 1 = 6.123456, written 6.12346 (and x1 as 1.12346) everywhere,
/// not 6.1235 in the steps and 6.12346 in the answer.
#[test]
fn a_worked_solution_writes_each_number_one_way() {
    let l = tiny();
    let mut doc = l.network("tiny").unwrap().doc.clone();
    doc.x[(0, 0)] = 1.123456;
    let w = worked_solution(&exercise("tiny", "layers[1].z[1]"), &Computed::new(doc)).unwrap();
    assert!(w.contains("`z1[1] = 1·1.12346 + 2·2 + 1 = 6.12346`"), "{w}");
    assert!(w.ends_with("**Answer:** z1[1] = 6.12346\n"), "{w}");
    assert!(!w.contains("6.1235\n") && !w.contains("6.1235`"), "{w}");
}

/// A variant draws integer weights in [-2, 2] from the student's name; the biases (3) stay.
/// Each student's z = w1·1 + w2·2 + 3 is computed here from their weights.
#[test]
fn variants_are_per_student_and_checked_on_their_own_network() {
    let l = tiny();
    let cell = l.network("mine").unwrap();
    assert_eq!(cell.doc_for(None), cell.doc);
    assert_eq!(cell.doc_for(Some("  ")), cell.doc);
    let ada = cell.doc_for(Some("Ada Lovelace"));
    assert_eq!(ada, cell.doc_for(Some("Ada Lovelace")));
    let names = ["Alan Turing", "Grace Hopper", "Emmy Noether", "Kurt Gödel"];
    assert!(names.iter().any(|n| cell.doc_for(Some(n)).net != ada.net));
    let ex = l.exercise("my-z").unwrap();
    for name in ["Ada Lovelace", "Alan Turing", "Grace Hopper"] {
        let d = cell.doc_for(Some(name));
        let w = &d.net.layers()[0].weights;
        assert!(w.iter().all(|x| x.fract() == 0.0 && x.abs() <= 2.0), "{w}");
        assert_eq!(d.net.layers()[0].bias[0], 3.0);
        let z = w[(0, 0)] * 1.0 + w[(0, 1)] * 2.0 + 3.0;
        let f = l.check_answer("my-z", Some(name), &Answer::Scalar(z), 0).unwrap();
        assert!(f.verdict.is_correct(), "{name}: {f:?}");
        let c = l.computed_for(ex, Some(name)).unwrap();
        assert_eq!(ex.answer(&c).unwrap(), Answer::Scalar(z));
    }
}

#[test]
fn quizzes_check_a_choice_with_its_explanation() {
    let l = tiny();
    let q = l.quiz("dead").unwrap();
    assert_eq!(q.correct_choices(), vec![1]);
    let f = q.check(2).unwrap();
    assert!(!f.correct);
    assert_eq!(f.explanation.as_deref(), Some("That is relu'(z) for z > 0."));
    assert!(q.check(3).unwrap_err().contains("options 1 to 2"));
}

fn shipped() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
        .collect();
    v.sort();
    v
}

/// Every lesson in lessons/ loads; every exercise's answer (the file's network and a student's
/// variant) passes its own check and a clearly wrong one (answer + 1 + |answer|) does not;
/// every quiz has a correct option; the answer key has no errors.
#[test]
fn every_shipped_lesson_checks_its_own_answers() {
    let files = shipped();
    // Every lesson of the curriculum is a file here, and every file is in the curriculum.
    assert_eq!(files.len(), mlp_notebook::lesson::shipped::SHIPPED.len());
    for path in files {
        let name = path.display().to_string();
        let lesson = load_path(&path);
        assert!(!lesson.title.is_empty(), "{name}: no title");
        for cell in &lesson.cells {
            match cell {
                // Every network runs forward and backward to a finite loss.
                Cell::Network(doc) => {
                    let g = backward(&doc.net, &forward(&doc.net, &doc.x), &doc.y, &doc.loss);
                    assert!(g.loss.is_finite(), "{name}: loss {}", g.loss);
                }
                Cell::Exercise(ex) => {
                    for student in [None, Some("Ada Lovelace")] {
                        let c = lesson.computed_for(ex, student).unwrap();
                        let answer = ex.answer(&c).unwrap_or_else(|e| panic!("{name}: {}: {e}", ex.id));
                        assert!(answer.entries().iter().all(|v| v.is_finite()), "{name}: {}", ex.id);
                        let f = ex.check(&c, &answer, 0).unwrap();
                        assert!(f.verdict.is_correct(), "{name}: {}: own answer {f:?}", ex.id);
                        let wrong = answer.map(|v| v + 1.0 + v.abs());
                        let f = ex.check(&c, &wrong, 0).unwrap();
                        assert!(!f.verdict.is_correct(), "{name}: {}: a perturbed answer passed", ex.id);
                    }
                }
                Cell::Quiz(q) => assert!(!q.correct_choices().is_empty(), "{name}: quiz {}", q.id),
                _ => {}
            }
        }
        let key = mlp_notebook::lesson::worked::answer_key(&lesson, None);
        assert!(!key.contains("**Error:**"), "{name}:\n{key}");
    }
}

/// The built-in lesson's learning rate makes the loss fall on "Apply update" (a student's first
/// experiment must work): 652.5 before, then lower after each of five SGD steps.
#[test]
fn built_in_lesson_learning_rate_lowers_the_loss() {
    let lesson = mlp_notebook::lesson::Lesson::builtin();
    let doc = lesson
        .cells
        .iter()
        .find_map(|c| match c {
            Cell::Network(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap();
    let mut net = doc.net.clone();
    let mut opt = mlp_notebook::nn::Optimizer::new(doc.optimizer);
    let mut last = f64::INFINITY;
    for step in 0..5 {
        let f = forward(&net, &doc.x);
        let g = backward(&net, &f, &doc.y, &doc.loss);
        if step == 0 {
            assert_eq!(g.loss, 652.5);
        }
        assert!(g.loss < last, "step {step}: {} after {last}", g.loss);
        last = g.loss;
        opt.step(&mut net, &g);
    }
}
