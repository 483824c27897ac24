//! The course as a whole: every exercise of every shipped lesson is answered with each mistake
//! it names and gets that mistake's verdict; the Keras lesson is loaded, linted, solved and
//! exported as a worksheet, and the numbers its text gives for `model.summary()` are the
//! engine's.

use crate::worked_steps::{load_file, shipped_files};
use mlp_notebook::lesson::exercise::Verdict;
use mlp_notebook::lesson::mistakes;
use mlp_notebook::lesson::worked::answer_key;
use mlp_notebook::lesson::worksheet::lesson_worksheet_html;
use mlp_notebook::lesson::{Cell, Lesson};
use mlp_notebook::nn::summary::summary_rows;
use mlp_notebook::nn::{Activation, Layer, Network};
use std::path::Path;

fn keras() -> Lesson {
    load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/13-mlp-in-keras.toml"))
}

/// For every exercise (on the file's networks): each mistake the engine names for it, typed
/// as the answer, is reported as that mistake, and the right answer is correct.
#[test]
fn every_exercise_recognises_each_mistake_it_names() {
    let mut named = 0;
    for path in shipped_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let l = load_file(&path);
        for cell in &l.cells {
            let Cell::Exercise(ex) = cell else { continue };
            let c = l.computed_for(ex, None).unwrap();
            let answer = ex.answer(&c).unwrap();
            assert!(
                ex.check(&c, &answer, 0).unwrap().verdict.is_correct(),
                "{name}: {}",
                ex.id
            );
            for m in ex.mistakes(&c, &answer) {
                let f = ex.check(&c, &m.value, 0).unwrap();
                match f.verdict {
                    Verdict::Mistake { kind, .. } => {
                        // Two rules may give the same number: the one named gives it too.
                        let same = |o: &mistakes::Mistake| {
                            o.value
                                .entries()
                                .iter()
                                .zip(m.value.entries())
                                .all(|(a, b)| (a - b).abs() <= 1e-9 * (1.0 + b.abs()))
                        };
                        let kinds: Vec<_> = ex
                            .mistakes(&c, &answer)
                            .iter()
                            .filter(|o| same(o))
                            .map(|o| o.kind)
                            .collect();
                        assert!(kinds.contains(&kind), "{name}: {}: {kind:?} not in {kinds:?}", ex.id);
                    }
                    v => panic!("{name}: {}: the {:?} answer {:?} got {v:?}", ex.id, m.kind, m.value),
                }
                named += 1;
            }
        }
    }
    assert!(named > 50, "{named}");
}

/// The Keras lesson loads with no problem, every answer of its key is there, and its worksheet
/// and answer key are written with every exercise and quiz.
#[test]
fn the_keras_lesson_is_linted_solved_and_printed() {
    let l = keras();
    assert_eq!(l.title, "MLP in Keras");
    mlp_notebook::lesson::load::check(&l).unwrap_or_else(|e| panic!("{e}"));
    let key = answer_key(&l, None);
    assert!(!key.contains("**Error:**"), "{key}");
    // 4 · 8 + 8 = 40; 8 · 3 + 3 = 27; 40 + 27 = 67; z1[1] = 2·1 + 1·0 + 0·(-1) + 1·2 + 0 = 4.
    for want in ["layer 1 = 40", "layer 2 = 27", "parameters = 67", "z1[1] = 4"] {
        assert!(key.contains(want), "{want}\n{key}");
    }
    // z2 = (1, 3, 0): softmax[2] = e^3 / (e + e^3 + 1).
    let e = std::f64::consts::E;
    let p2 = e.powi(3) / (e + e.powi(3) + 1.0);
    let ex = l.exercise("keras-output").unwrap();
    let c = l.computed_for(ex, None).unwrap();
    assert!((ex.answer(&c).unwrap().entries()[0] - p2).abs() < 1e-12);
    for answers in [false, true] {
        let html = lesson_worksheet_html(&l, None, answers);
        assert!(html.contains("MLP in Keras"));
        for id in ["hidden-params", "keras-output"] {
            let ex = l.exercise(id).unwrap();
            let start = ex.prompt.split('`').next().unwrap();
            assert!(html.contains(start), "{id}: {start}");
        }
    }
}

/// `model.summary()` of Sequential([Dense(128, relu), Dropout(0.2), Dense(10, softmax)]) on 784
/// inputs, as the lesson prints it: 784·128 + 128 = 100,480 and 128·10 + 10 = 1,290, together
/// 101,770 parameters of 4 bytes = 407,080 B = 397.54 KB; the output shapes (None, 128) and
/// (None, 10). The engine's summary gives the same.
#[test]
fn the_keras_summary_in_the_text_is_the_engines() {
    let net = Network::new(
        784,
        vec![
            Layer::zeros(784, 128, Activation::Relu),
            Layer::zeros(128, 10, Activation::Softmax),
        ],
    )
    .unwrap();
    let rows = summary_rows(&net);
    let total: usize = rows.iter().map(|r| r.params).sum();
    assert_eq!((rows[0].params, rows[1].params, total), (100_480, 1_290, 101_770));
    let text: String = keras()
        .cells
        .iter()
        .filter_map(|c| match c {
            Cell::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let commas = |n: usize| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        out
    };
    let kb = format!("{:.2} KB", (total * 4) as f64 / 1024.0);
    for want in [
        format!("{}         {}", rows[0].output_shape, commas(rows[0].params)),
        format!("{}            {}", rows[1].output_shape, commas(rows[1].params)),
        format!("Total params: {} ({kb})", commas(total)),
        format!("784 · 128 + 128 = {}", commas(rows[0].params)),
    ] {
        assert!(text.contains(&want), "missing {want:?}");
    }
}

fn practice() -> Lesson {
    load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/14-practice-by-topic.toml"))
}

/// The practice lesson loads, lints and prints; its answers are the ones worked by hand:
/// z = 2·3 + 1·(-1) - 6 = -1, a = relu(-1) = 0; tanh(0) = 0, sigmoid(0) = 0.5;
/// dL/dw = (3·2 + 1 - 0)·2 = 14; through the sigmoid (0.5 - 1)·0.25·2 = -0.25;
/// w after one step 0 - 0.1·(-2) = 0.2 and 0 - 0.001·(-2) = 0.002.
#[test]
fn the_practice_lesson_answers_are_worked_by_hand() {
    let l = practice();
    mlp_notebook::lesson::load::check(&l).unwrap_or_else(|e| panic!("{e}"));
    for (id, want) in [
        ("relu-z", -1.0),
        ("relu-a", 0.0),
        ("tanh-zero", 0.0),
        ("sigmoid-zero", 0.5),
        ("chain-plain", 14.0),
        ("chain-sigmoid-grad", -0.25),
        ("lr-big-step", 0.2),
        ("lr-small-step", 0.002),
    ] {
        let ex = l.exercise(id).unwrap();
        let got = ex.answer(&l.computed_for(ex, None).unwrap()).unwrap().entries()[0];
        assert!((got - want).abs() < 1e-12, "{id}: {got}");
    }
    assert!(!answer_key(&l, None).contains("**Error:**"));
    assert!(lesson_worksheet_html(&l, None, true).contains("Practice by topic"));
}

/// The counts the practice quizzes mark right are the engine's: [784, 128, 64, 10] has 109,386
/// parameters, and central differences take two forward passes per parameter.
#[test]
fn the_practice_quizzes_count_with_the_engine() {
    let net = Network::new(
        784,
        vec![
            Layer::zeros(784, 128, Activation::Relu),
            Layer::zeros(128, 64, Activation::Relu),
            Layer::zeros(64, 10, Activation::Softmax),
        ],
    )
    .unwrap();
    let n = net.param_count();
    let l = practice();
    let right = |id: &str| {
        let q = l.quiz(id).unwrap();
        q.options[q.correct_choices()[0] - 1].text.replace(',', "")
    };
    assert_eq!(right("params-784"), n.to_string());
    assert_eq!(right("backprop-cost"), (2 * n).to_string());
}

/// The learning-rate quiz's claim, run with the engine's SGD on the lesson's two networks:
/// |a - 2| < 0.01 after a few dozen steps with lr 0.1 (the error shrinks by 0.8 a step: 24
/// steps) and only after thousands with lr 0.001 (0.998 a step: 2,647 steps).
#[test]
fn the_learning_rate_claim_holds_on_the_engine() {
    let l = practice();
    let steps = |id: &str| {
        let doc = l.network(id).unwrap().doc.clone();
        let mut net = doc.net.clone();
        let mut opt = mlp_notebook::nn::Optimizer::new(doc.optimizer);
        for k in 0..100_000 {
            let f = mlp_notebook::nn::trace::forward(&net, &doc.x);
            if (f.layers[0].a[(0, 0)] - 2.0).abs() < 0.01 {
                return k;
            }
            let g = mlp_notebook::nn::trace::backward(&net, &f, &doc.y, &doc.loss);
            opt.step(&mut net, &g);
        }
        usize::MAX
    };
    let (fast, slow) = (steps("lr-big"), steps("lr-small"));
    assert!((12..=60).contains(&fast), "{fast}");
    assert!((1000..10_000).contains(&slow), "{slow}");
}

/// `layers[1].Z`, the whole batch's pre-activations (lesson 14's batch of three), worked by
/// hand: W = [[1, -1], [2, 0]], b = (0, 1);
/// sample 1 (1, 2): (1 - 2 + 0, 2 + 0 + 1) = (-1, 3); sample 2 (0, 1): (0 - 1, 0 + 1) = (-1, 1);
/// sample 3 (2, -1): (2 + 1, 4 + 1) = (3, 5). So Z = [[-1, -1, 3], [3, 1, 5]], 2 x 3; relu
/// gives A = [[0, 0, 3], [3, 1, 5]] (the "A for Z" mistake); without b, row 2 is (2, 0, 4).
#[test]
fn the_batch_matrix_z_is_units_by_samples() {
    use mlp_notebook::lesson::{Answer, MistakeKind};
    let l = practice();
    let ex = l.exercise("batch-z").unwrap();
    let c = l.computed_for(ex, None).unwrap();
    let m = |rows: &[&[f64]]| Answer::Matrix(rows.iter().map(|r| r.to_vec()).collect());
    let z = m(&[&[-1.0, -1.0, 3.0], &[3.0, 1.0, 5.0]]);
    assert_eq!(ex.answer(&c).unwrap(), z);
    assert!(ex.check(&c, &z, 0).unwrap().verdict.is_correct());
    let named = |given: Answer| match ex.check(&c, &given, 0).unwrap().verdict {
        Verdict::Mistake { kind, .. } => Some(kind),
        _ => None,
    };
    assert_eq!(
        named(m(&[&[0.0, 0.0, 3.0], &[3.0, 1.0, 5.0]])),
        Some(MistakeKind::AForZ)
    );
    assert_eq!(
        named(m(&[&[-1.0, -1.0, 3.0], &[2.0, 0.0, 4.0]])),
        Some(MistakeKind::ForgotBias)
    );
    // One entry: Z[2][3] is unit 2 of sample 3.
    let r: mlp_notebook::lesson::Reference = "layers[1].Z[2][3]".parse().unwrap();
    assert_eq!(r.resolve(&c, 0).unwrap(), Answer::Scalar(5.0));
    assert!(
        "layers[1].Z[1][4]"
            .parse::<mlp_notebook::lesson::Reference>()
            .unwrap()
            .check(&c.doc.net, 3, 0)[0]
            .contains("the batch has 3 samples")
    );
}

/// Lesson 13 shows the Keras script the app exports for its own iris network: each code block
/// of the text cell "The script the app writes for this network" is, line for line and in
/// order, part of what `bridge::keras::network` writes for that cell.
#[test]
fn the_keras_lesson_shows_the_script_the_app_exports_for_its_network() {
    let l = keras();
    let net = l.network("iris-keras").unwrap();
    let script = mlp_notebook::bridge::keras::network(&net.doc, 0).unwrap();
    let lines: Vec<&str> = script.lines().collect();
    let text = l
        .cells
        .iter()
        .find_map(|c| match c {
            Cell::Text(t) if t.contains("## The script the app writes for this network") => Some(t.clone()),
            _ => None,
        })
        .expect("the lesson shows the exported script");
    let blocks: Vec<&str> = text
        .split("```python\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 2);
    // Every line shown is the script's, in the script's order (the lesson leaves out the
    // export's comments between the loss and the optimizer).
    let mut at = 0;
    for line in blocks.iter().flat_map(|b| b.lines()).filter(|l| !l.is_empty()) {
        let found = lines[at..].iter().position(|l| l == &line);
        assert!(
            found.is_some(),
            "{line:?} is not in the exported script after its line {at}"
        );
        at += found.unwrap_or(0) + 1;
    }
    // The model block is the script's own, contiguous.
    let model = text.split("```python\n").nth(1).unwrap().split("```").next().unwrap();
    assert!(
        script.contains(model),
        "the model block is copied whole from the export"
    );
}

/// A training cell of a shipped lesson trained to its end, as the window trains it: the split,
/// the scaling, the network, the optimizer and the epochs of its setup. The last epoch's
/// validation loss.
fn final_validation_loss(lesson: &Lesson, id: &str) -> f64 {
    use mlp_notebook::lesson::training::prepare;
    use mlp_notebook::nn::train::Trainer;
    let setup = lesson
        .cells
        .iter()
        .find_map(|c| match c {
            Cell::Training(t) if t.id.as_deref() == Some(id) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no training cell {id}"));
    let p = prepare(&setup, &|f: &str| Err(format!("no file {f}"))).unwrap();
    let net = setup.build_network(&p.train).unwrap();
    let loss = setup.loss_for(&p.train);
    let mut t = Trainer::new(net, loss, setup.optimizer, p.train, p.validation, setup.train_config()).unwrap();
    t.run();
    t.history().last().unwrap().val_loss.unwrap()
}

/// Lesson 05 compares tanh and ReLU hidden layers in two training cells that differ only in the
/// activation (and its initialisation); the quiz's marked answer is the one training gives.
#[test]
fn the_tanh_against_relu_quiz_is_what_training_gives() {
    let l = load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/05-activations.toml"));
    let tanh = final_validation_loss(&l, "moons-tanh");
    let relu = final_validation_loss(&l, "moons-relu");
    let q = l
        .cells
        .iter()
        .find_map(|c| match c {
            Cell::Quiz(q) if q.id == "tanh-or-relu" => Some(q.clone()),
            _ => None,
        })
        .expect("the comparison is asked");
    let marked: Vec<_> = q.options.iter().filter(|o| o.correct).collect();
    let winner = if tanh < relu {
        "The tanh network"
    } else {
        "The ReLU network"
    };
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0].text, winner, "tanh {tanh}, ReLU {relu}");
    // Its explanation quotes the two losses to 3 decimals (the options give nothing away).
    let why = marked[0].explain.as_deref().unwrap_or_default();
    assert!(why.contains(&format!("about {relu:.3} against {tanh:.3}")), "{why:?}");
}

/// Lesson 01 spends the same 37 parameters on one hidden layer of 9 units and on two of 4
/// (2·9 + 9 + 9 + 1 = 37; 2·4 + 4 + 4·4 + 4 + 4 + 1 = 37, by hand); the quiz's marked answer
/// is the network training leaves with the lower validation loss.
#[test]
fn the_depth_against_width_quiz_is_what_training_gives() {
    let l = load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/01-what-an-mlp-is.toml"));
    for (id, want) in [("circles-wide", 37), ("circles-deep", 37)] {
        let setup = l
            .cells
            .iter()
            .find_map(|c| match c {
                Cell::Training(t) if t.id.as_deref() == Some(id) => Some(t.clone()),
                _ => None,
            })
            .unwrap();
        let mut widths = vec![2];
        widths.extend(&setup.hidden);
        widths.push(1);
        let params: usize = widths.windows(2).map(|w| w[1] * (w[0] + 1)).sum();
        assert_eq!(params, want, "{id}");
    }
    let wide = final_validation_loss(&l, "circles-wide");
    let deep = final_validation_loss(&l, "circles-deep");
    let q = l
        .cells
        .iter()
        .find_map(|c| match c {
            Cell::Quiz(q) if q.id == "deep-or-wide" => Some(q.clone()),
            _ => None,
        })
        .expect("the comparison is asked");
    let marked: Vec<_> = q.options.iter().filter(|o| o.correct).collect();
    assert_eq!(marked.len(), 1);
    let (winner, low, high) = if wide < deep {
        ("The wide network", wide, deep)
    } else {
        ("The deep network", deep, wide)
    };
    assert!(
        marked[0].text.starts_with(winner),
        "wide {wide}, deep {deep}: marked {:?}",
        marked[0].text
    );
    // Its explanation quotes the two losses to 3 decimals (the options give nothing away).
    let why = marked[0].explain.as_deref().unwrap_or_default();
    assert!(why.contains(&format!("about {low:.3} against {high:.3}")), "{why:?}");
}
