//! Every shipped lesson in lessons/ loads, and every network in it runs forward and backward.

use mlp_notebook::lesson::{Cell, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::trace::{backward, forward};

#[test]
fn every_shipped_lesson_loads_and_runs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let lesson = parse_lesson(&text, Syntax::guess(&name, &text)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!lesson.title.is_empty(), "{name}: no title");
        for cell in &lesson.cells {
            if let Cell::Network(doc) = cell {
                let g = backward(&doc.net, &forward(&doc.net, &doc.x), &doc.y, &doc.loss);
                assert!(g.loss.is_finite(), "{name}: loss {}", g.loss);
            }
        }
        count += 1;
    }
    assert!(count >= 1);
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
