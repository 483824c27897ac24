//! `lint` beyond loading, all in one run: a shape error at the layer's own line, a reference
//! to a layer the broken network lacks, a training cell's missing CSV; and variant networks
//! tried on a sample of students (answers of 0, answers the student is given, a quiz option
//! marked correct that quotes a number only the network as written has).

use mlp_notebook::lesson::load::{LessonError, Problem, SAMPLE_STUDENTS, lint};
use mlp_notebook::lesson::{load, no_files};
use mlp_notebook::nn::doc::Syntax;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lessons")
        .join(name)
}

/// Lints a fixture, reading the files it names from its folder.
fn lint_fixture(name: &str) -> Vec<Problem> {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let dir = path.parent().unwrap().to_path_buf();
    let resolve = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| format!("cannot read '{p}': {e}"));
    lint(&text, Syntax::Toml, &resolve)
        .map(|_| ())
        .expect_err(name)
        .problems
}

fn at(p: &Problem) -> (usize, usize) {
    (p.line.unwrap(), p.column.unwrap())
}

#[test]
fn a_shape_error_a_bad_reference_and_a_missing_csv_are_reported_in_one_run() {
    let problems = lint_fixture("lint-all.toml");
    let shown: Vec<String> = problems.iter().map(Problem::to_string).collect();
    assert_eq!(problems.len(), 3, "{shown:#?}");
    // Layer 2's weights (line 19, after `weights = `) have 3 columns for layer 1's 2 units.
    assert_eq!(at(&problems[0]), (19, 11), "{shown:#?}");
    assert!(
        problems[0]
            .message
            .contains("layer 2: weights have 3 columns but layer 1 has 2 units")
    );
    // layers[9] of a network of 2 layers, at the exercise's `ask` (line 25, column 7).
    assert_eq!(at(&problems[1]), (25, 7));
    assert!(
        problems[1]
            .message
            .contains("ask 'layers[9].a[1]': layer 9 does not exist; the network has 2 layers"),
        "{shown:#?}"
    );
    // The CSV at its name in the `data` table (line 30: `data = { csv = ` is 15 characters).
    assert_eq!(at(&problems[2]), (30, 16));
    assert!(problems[2].message.contains("data 'no-such-file.csv'"), "{shown:#?}");
    // Loading (the window) reports the first two and leaves the data file to the training cell.
    let text = std::fs::read_to_string(fixture("lint-all.toml")).unwrap();
    let loaded: LessonError = load(&text, Syntax::Toml, &no_files).unwrap_err();
    assert_eq!(loaded.problems.len(), 2);
}

#[test]
fn a_shape_error_in_a_weights_row_points_at_that_row() {
    let text = "title = \"t\"\n[[cells]]\nkind = \"network\"\n[cells.network]\ninputs = 2\n\
                [[cells.network.layers]]\nunits = 2\nactivation = \"relu\"\nweights = [\n  [1, 2],\n  [3],\n]\n";
    let e = load(text, Syntax::Toml, &no_files).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    // Row 2 (`[3]`) is on line 11, indented by two.
    assert_eq!(at(&e.problems[0]), (11, 3), "{e}");
    assert!(e.problems[0].message.contains("layer 1: weights row 2 has 1 column"));
}

#[test]
fn variants_are_tried_on_a_sample_of_students() {
    let problems = lint_fixture("lint-variants.toml");
    let shown: Vec<String> = problems.iter().map(Problem::to_string).collect();
    let of = |id: &str| -> Vec<&Problem> { problems.iter().filter(|p| p.message.contains(id)).collect() };
    // The dead unit: a1 = relu(w - 100) = 0 for every student.
    let dead = of("exercise dead-a");
    assert_eq!(dead.len(), 1, "{shown:#?}");
    assert!(dead[0].message.contains(&format!(
        "the answer is 0 for {SAMPLE_STUDENTS} of {SAMPLE_STUDENTS} sampled students (first 'student 1')"
    )));
    // z1 = W1[1,1] * 1: each student's answer is their own weight, a copy; 0 for the students
    // whose weight is 0 (reported as 0).
    let copy = of("exercise copy-z");
    let zero = usize::from(copy.iter().any(|p| p.message.contains("the answer is 0")));
    let given = copy
        .iter()
        .find(|p| p.message.contains("as given for every sampled student"))
        .expect("the copied weight is reported");
    assert!(
        given.message.contains("the answer is W1[1,1] as given"),
        "{}",
        given.message
    );
    // Line 46, column 7: `ask = "layers[1].z[1]"`.
    assert_eq!(at(given), (46, 7));
    // The quiz quotes z1 = 3.5 of the network as written; no student's network gives 3.5.
    let quiz = of("quiz quotes-z");
    assert_eq!(quiz.len(), 1, "{shown:#?}");
    assert!(quiz[0].message.contains(
        "option 1 is marked correct and says 3.5, which is z1[1] of the network as written; for 'student 1' z1[1] is"
    ));
    // The same quiz on a network without variants is right for everyone.
    assert!(of("quiz fixed-z").is_empty(), "{shown:#?}");
    assert_eq!(problems.len(), 3 + zero, "{shown:#?}");
}

#[test]
fn lint_on_the_command_line_lists_all_three_and_fails() {
    let path = fixture("lint-all.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-notebook"))
        .args(["lint", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    let name = path.display().to_string();
    assert!(
        stdout.contains(&format!("{name}:19:11: cell 1 (network net): network: layer 2")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{name}:25:7: cell 2 (exercise too-deep): ask 'layers[9].a[1]'"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{name}:30:16: cell 3 (training lab): data 'no-such-file.csv'")),
        "{stdout}"
    );
}
