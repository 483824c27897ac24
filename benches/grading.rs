//! Grading speed: a class of 500 submissions of a 20-exercise lesson, each student on their own
//! variant network (3-4-4-2, ReLU, a batch of 2, weights drawn from the student's id), graded
//! with the one grading function `lesson::grade::grade` (what `mlp-notebook check` and the
//! window's count call). Half the answers are right, the others wrong in various ways, so the
//! mistakes are recomputed as they are for a real class.
//!
//! - `grade_500x20`: the 500 submissions, one after another.
//! - `grade_one`: one submission (what the window pays after each check).
//!
//! Run with `cargo bench --bench grading`.

use criterion::{Criterion, criterion_group, criterion_main};
use mlp_notebook::lesson::grade::{Submission, SubmittedAnswer, grade};
use mlp_notebook::lesson::{Answer, Cell, Lesson, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use std::fmt::Write as _;
use std::hint::black_box;

/// The 20 questions: every kind of value of a 3-4-4-2 network.
const ASKS: [&str; 20] = [
    "layers[1].z",
    "layers[1].a",
    "layers[2].z",
    "layers[2].a",
    "layers[3].z",
    "output",
    "loss",
    "layers[3].delta",
    "layers[2].delta",
    "layers[1].delta",
    "layers[3].grad_weights",
    "layers[2].grad_weights",
    "layers[1].grad_weights",
    "layers[3].grad_bias",
    "layers[2].grad_bias",
    "layers[1].grad_bias",
    "layers[2].dl_da",
    "layers[3].new_weights",
    "layers[1].new_bias",
    "layers[2].z[3]",
];

fn lesson() -> Lesson {
    let mut t = String::from(
        "title = \"Bench\"\n[grading]\nhint_deduction = 1\n\n[[cells]]\nkind = \"network\"\nid = \"n\"\n\
         variant = { init = \"small_integers\", k = 2 }\n[cells.network]\ninputs = 3\nloss = \"mse\"\n\
         x = [[1, -1, 2], [0, 2, 1]]\ny = [[1, 0], [0, 1]]\noptimizer = { kind = \"sgd\", lr = 0.1 }\n",
    );
    for (units, w) in [
        (4, "[[1, 0, -1], [2, 1, 0], [0, -1, 1], [1, 1, 1]]"),
        (4, "[[1, 0, -1, 1], [2, 1, 0, 0], [0, -1, 1, 1], [1, 1, 1, -1]]"),
        (2, "[[1, 0, -1, 1], [0, 1, 1, -1]]"),
    ] {
        let bias = vec!["0.5"; units].join(", ");
        let act = if units == 2 { "identity" } else { "relu" };
        let _ = write!(
            t,
            "[[cells.network.layers]]\nunits = {units}\nactivation = \"{act}\"\nweights = {w}\nbias = [{bias}]\n"
        );
    }
    for (k, ask) in ASKS.iter().enumerate() {
        let _ = write!(
            t,
            "\n[[cells]]\nkind = \"exercise\"\nid = \"e{k}\"\nprompt = \"Compute it.\"\nask = \"{ask}\"\n\
             tolerance = {{ rel = 0.001 }}\nhints = [\"Look again.\"]\npoints = 2\n"
        );
    }
    parse_lesson(&t, Syntax::Toml).expect("the bench lesson loads")
}

/// Student `s`'s submission: right answers on their own network for even items, the right
/// answer plus 1 (wrong) or with the sign flipped (a mistake) for the others.
fn submissions(l: &Lesson, n: usize) -> Vec<Submission> {
    (0..n)
        .map(|s| {
            let name = format!("Student {s:03}");
            let mut sub = Submission::for_lesson(l, &name);
            for (k, c) in l.cells.iter().enumerate() {
                let Cell::Exercise(ex) = c else { continue };
                let right = l
                    .computed_for(ex, Some(&name))
                    .and_then(|c| ex.answer(&c))
                    .expect("an answer");
                let value: Answer = match (k + s) % 4 {
                    0 | 2 => right,
                    1 => right.map(|v| v + 1.0),
                    _ => right.map(|v| -v),
                };
                sub.answers.insert(
                    ex.id.clone(),
                    SubmittedAnswer {
                        value: Some(value),
                        attempts: 1,
                        hints_used: Some((s % 2) as u32),
                        ..SubmittedAnswer::default()
                    },
                );
            }
            sub
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let l = lesson();
    let subs = submissions(&l, 500);
    c.bench_function("grade_500x20", |b| {
        b.iter(|| {
            let total: u32 = subs.iter().map(|s| grade(black_box(&l), s).total).sum();
            black_box(total)
        })
    });
    c.bench_function("grade_one", |b| {
        b.iter(|| black_box(grade(black_box(&l), &subs[7]).total))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
