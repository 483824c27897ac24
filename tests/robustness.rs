//! Bad input never panics. The shipped lessons, damaged at random (a number replaced by an
//! extreme or odd value, a span deleted, a span repeated), are either refused with a message or
//! load; a damaged lesson that loads opens in the app, answers every exercise (or says why it
//! cannot), writes itself back, makes its worksheet and answer key, grades a submission, trains,
//! and draws its window.

use egui_kittest::Harness;
use mlp_notebook::app::files::NoDialogs;
use mlp_notebook::app::training::TrainAction;
use mlp_notebook::app::{AppState, CellState, Command, LabCommand};
use mlp_notebook::lesson::shipped::SHIPPED;
use mlp_notebook::lesson::worksheet::lesson_worksheet_html;
use mlp_notebook::lesson::{Cell, Lesson, Submission, grade, parse_lesson};
use mlp_notebook::nn::csv::{self, BadRows, CsvOptions};
use mlp_notebook::nn::data::Task;
use mlp_notebook::nn::doc::{Syntax, parse};
use mlp_notebook::window::NotebookApp;
use proptest::prelude::*;
use std::time::Duration;

/// Values a typo or a careless instructor could put where a number was.
const ODD_NUMBERS: [&str; 14] = [
    "0",
    "-1",
    "-0.0",
    "1e308",
    "-1e308",
    "5e-324",
    "999999999",
    "0.5",
    "1e9",
    "nan",
    "inf",
    "-inf",
    "3.7",
    "65",
];

/// The byte ranges of the numbers in `text` (digits with an optional sign, point and exponent).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if starts {
            let s = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            let mut e = i;
            while e < b.len() && (b[e].is_ascii_digit() || matches!(b[e], b'.' | b'e' | b'E')) {
                e += 1;
            }
            out.push((s, e));
            i = e;
        } else {
            i += 1;
        }
    }
    out
}

/// The nearest char boundary at or before `i`.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Clone, Debug)]
enum Damage {
    /// Number `n` (modulo how many there are) becomes `ODD_NUMBERS[v]`.
    Number { n: usize, v: usize },
    /// Deletes `len` bytes at `at` (a fraction of the length, in thousandths).
    Delete { at: usize, len: usize },
    /// Repeats `len` bytes at `at`.
    Repeat { at: usize, len: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        3 => (0..10_000usize, 0..ODD_NUMBERS.len()).prop_map(|(n, v)| Damage::Number { n, v }),
        1 => (0..1000usize, 1..40usize).prop_map(|(at, len)| Damage::Delete { at, len }),
        1 => (0..1000usize, 1..40usize).prop_map(|(at, len)| Damage::Repeat { at, len }),
    ]
}

fn apply(text: &str, d: &Damage) -> String {
    match *d {
        Damage::Number { n, v } => {
            let nums = numbers(text);
            let (s, e) = nums[n % nums.len()];
            format!("{}{}{}", &text[..s], ODD_NUMBERS[v], &text[e..])
        }
        Damage::Delete { at, len } => {
            let s = boundary(text, text.len() * at / 1000);
            let e = boundary(text, s + len);
            format!("{}{}", &text[..s], &text[e..])
        }
        Damage::Repeat { at, len } => {
            let s = boundary(text, text.len() * at / 1000);
            let e = boundary(text, s + len);
            format!("{}{}", &text[..e], &text[s..])
        }
    }
}

/// Everything a loaded lesson goes through in the app and on the command line.
fn exercise_everything(lesson: &Lesson) {
    for cell in &lesson.cells {
        if let Cell::Exercise(ex) = cell
            && let Ok(computed) = lesson.computed_for(ex, None)
        {
            let _ = ex.answer(&computed);
        }
    }
    let written = lesson.write(Syntax::Toml).unwrap();
    let again = parse_lesson(&written, Syntax::Toml);
    assert!(
        again.is_ok(),
        "a loaded lesson writes a file that loads: {:?}",
        again.err()
    );
    let _ = lesson_worksheet_html(lesson, None, false);
    let _ = lesson_worksheet_html(lesson, Some("Ada"), true);
    let sub = Submission::parse(r#"{"student": "Ada", "lesson": "x", "answers": {}}"#);
    if let Ok(sub) = sub {
        let _ = grade(lesson, &sub);
    }
    let mut state = AppState::new(lesson.clone(), Box::new(NoDialogs));
    // One step and a few frames' worth of training in every training cell.
    let training: Vec<usize> = (0..state.doc.cells.len())
        .filter(|&i| matches!(state.doc.cells[i], CellState::Training(_)))
        .collect();
    for &cell in &training {
        state.apply(Command::Lab(LabCommand::Train {
            cell,
            action: TrainAction::Step,
        }));
        state.apply(Command::Lab(LabCommand::Train {
            cell,
            action: TrainAction::Play,
        }));
    }
    for _ in 0..3 {
        state.tick(Duration::from_millis(1));
    }
    state.apply(Command::Undo);
}

/// Draws the lesson's window for a few frames, as a student sees it and in edit mode.
fn draw(lesson: &Lesson) {
    let app = NotebookApp::new(AppState::new(lesson.clone(), Box::new(NoDialogs)));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(4)
        .build_eframe(|_| app);
    h.run_steps(1);
    h.state_mut().state.apply(Command::SetEditMode(true));
    h.run_steps(1);
}

proptest! {
    // 24 cases by default (each draws the window, slow in a debug build); PROPTEST_CASES=N for
    // a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_damaged_lesson_loads_or_is_refused_without_a_panic(i in 0..SHIPPED.len(), d in damage()) {
        let text = apply(SHIPPED[i].1, &d);
        match parse_lesson(&text, Syntax::Toml) {
            Ok(lesson) => {
                exercise_everything(&lesson);
                draw(&lesson);
            }
            Err(e) => prop_assert!(!e.to_string().trim().is_empty(), "a refusal says why"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    /// The shipped data sets with damage: a preview always, then an import or a list of the
    /// bad rows, whichever option is chosen, with every line number inside the file.
    #[test]
    fn a_damaged_csv_imports_or_lists_its_bad_rows(i in 0..4usize, d in damage(), skip in any::<bool>(), regression in any::<bool>()) {
        let file = ["iris.csv", "wine.csv", "breast_cancer.csv", "digits.csv"][i];
        let text = std::fs::read_to_string(format!("{}/assets/datasets/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        // The first 40 lines keep each case quick.
        let text: String = text.lines().take(40).map(|l| format!("{l}\n")).collect();
        let text = apply(&text, &d);
        let lines = text.lines().count();
        let preview = csv::inspect(&text);
        let opts = CsvOptions {
            has_header: preview.has_header,
            target_column: preview.columns.len().saturating_sub(1),
            task: if regression { Task::Regression } else { Task::Classification },
            bad_rows: if skip { BadRows::Skip } else { BadRows::Report },
        };
        match csv::import(&text, &opts) {
            Ok(imported) => {
                prop_assert!(imported.data.x.iter().all(|v| v.is_finite()));
                for b in &imported.skipped {
                    prop_assert!(b.line >= 1 && b.line <= lines, "line {} of {lines}", b.line);
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// A network file with damage loads or is refused; one that loads traces and writes back.
    #[test]
    fn a_damaged_network_file_loads_or_is_refused(d in damage(), json in any::<bool>()) {
        let syntax = if json { Syntax::Json } else { Syntax::Toml };
        let lesson = parse_lesson(SHIPPED[2].1, Syntax::Toml).unwrap();
        let doc = lesson.cells.iter().find_map(|c| match c {
            Cell::Network(n) => Some(n.doc.clone()),
            _ => None,
        }).unwrap();
        let text = apply(&doc.write(syntax).unwrap(), &d);
        if let Ok(doc) = parse(&text, syntax) {
            let _ = mlp_notebook::nn::trace::forward(&doc.net, &doc.x);
            prop_assert!(parse(&doc.write(syntax).unwrap(), syntax).is_ok());
        }
    }
}

#[test]
fn every_odd_number_in_the_opening_lesson_is_taken_or_refused() {
    // Deterministic sweep over the built-in lesson: each number, each odd value.
    let text = SHIPPED[2].1;
    let count = numbers(text).len();
    assert!(count > 50, "the lesson has its numbers ({count})");
    let (mut loaded, mut refused) = (0, 0);
    for n in (0..count).step_by(7) {
        for v in 0..ODD_NUMBERS.len() {
            let damaged = apply(text, &Damage::Number { n, v });
            match parse_lesson(&damaged, Syntax::Toml) {
                Ok(lesson) => {
                    loaded += 1;
                    exercise_everything(&lesson);
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.to_string().trim().is_empty());
                }
            }
        }
    }
    // Both paths were taken: most odd weights are still a network, while NaN, a huge layer
    // index or a fractional unit count is refused.
    assert!(loaded > 100 && refused > 20, "loaded {loaded}, refused {refused}");
}
