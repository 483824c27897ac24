//! The lesson file format: lessons round-trip through TOML and JSON (and write the same text
//! twice), version 1 files are read, and each kind of broken lesson in tests/fixtures/lessons
//! gives its message at the right line and column, with every problem of the file listed.
//!
//! The expected places are read off the fixture files: `(line, column)` of the key, value or
//! `[[cells]]` header the problem is about.

use mlp_notebook::lesson::{Cell, Lesson, LessonError, Problem, load, parse_any, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lessons")
}

fn read(path: &Path) -> Result<Lesson, LessonError> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let dir = path.parent().unwrap().to_path_buf();
    let resolve = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| format!("cannot read {p}: {e}"));
    load(&text, Syntax::guess(&name, &text), &resolve)
}

/// Loads text written from a lesson read in `dir` (its `path`s resolve there too).
fn reload(text: &str, syntax: Syntax) -> Lesson {
    let dir = fixtures();
    let resolve = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    load(text, syntax, &resolve).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn a_lesson_round_trips_through_toml_and_json() {
    let lesson = read(&fixtures().join("tiny.toml")).unwrap();
    assert_eq!(lesson.meta.author.as_deref(), Some("A. Teacher"));
    assert_eq!(lesson.cells.len(), 14);
    for syntax in [Syntax::Toml, Syntax::Json] {
        let text = lesson.write(syntax).unwrap();
        let back = reload(&text, syntax);
        assert_eq!(back, lesson);
        // Saving again writes the same text: files diff cleanly.
        assert_eq!(back.write(syntax).unwrap(), text);
    }
    let toml = lesson.write(Syntax::Toml).unwrap();
    assert!(toml.starts_with("format_version = 2\ntitle = \"Tiny by hand\"\nauthor = \"A. Teacher\"\n"));
    // The network named by path is written as the path, not inlined.
    assert!(toml.contains("path = \"networks/single.toml\""));
    assert_eq!(toml.matches("[[cells]]").count(), 14);
}

#[test]
fn every_shipped_lesson_round_trips() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let lesson = read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = lesson.write(Syntax::Toml).unwrap();
        let back = parse_lesson(&text, Syntax::Toml).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(back, lesson, "{}", path.display());
    }
}

/// A version 1 file (text and network cells) is read and written back as version 2; its
/// unnamed network cell gets the id net1.
#[test]
fn version_1_is_read_and_written_as_version_2() {
    let lesson = read(&fixtures().join("version-1.toml")).unwrap();
    assert_eq!(lesson.network("net1").unwrap().doc.name.as_deref(), Some("Single"));
    let text = lesson.write(Syntax::Toml).unwrap();
    assert!(text.starts_with("format_version = 2\n"), "{text}");
    assert!(!text.contains("id = \"net1\""), "a default id is not written: {text}");
    assert_eq!(parse_lesson(&text, Syntax::Toml).unwrap(), lesson);
}

#[test]
fn parse_any_tells_lessons_from_networks() {
    let net = std::fs::read_to_string(fixtures().join("networks/single.toml")).unwrap();
    let (lesson, kind) = parse_any(&net, Syntax::Toml).unwrap();
    assert_eq!(kind, mlp_notebook::lesson::FileKind::Network);
    assert!(matches!(&lesson.cells[..], [Cell::Network(n)] if n.net.inputs() == 1));
    // A lesson read without a file cannot follow a path.
    let text = std::fs::read_to_string(fixtures().join("tiny.toml")).unwrap();
    let e = parse_any(&text, Syntax::Toml).unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert!(
        e.problems[0].starts_with("line 138, column 8: cell 13 (network from-file): cannot read"),
        "{e}"
    );
}

/// Asserts the problems of a broken fixture: exactly these, in file order.
fn expect(file: &str, want: &[(usize, usize, &str)]) {
    let problems: Vec<Problem> = read(&fixtures().join(file)).expect_err(file).problems;
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), want.len(), "{file}:\n{}", shown.join("\n"));
    for (p, (line, col, needle)) in problems.iter().zip(want) {
        assert_eq!((p.line, p.column), (Some(*line), Some(*col)), "{file}: {p}");
        assert!(p.message.contains(needle), "{file}: '{needle}' not in '{}'", p.message);
    }
}

#[test]
fn unknown_keys_are_listed_each_at_its_key() {
    expect(
        "unknown-keys.toml",
        &[
            (2, 1, "unknown key 'autor'; valid: format_version, title, author"),
            (9, 1, "cell 1 (exercise e): unknown key 'pionts'; valid: id, network"),
            (10, 1, "cell 1 (exercise e): unknown key 'hint'"),
        ],
    );
}

#[test]
fn bad_shapes_are_listed_at_their_values() {
    expect(
        "bad-shapes.toml",
        &[
            (
                6,
                8,
                "cell 1 (network n): invalid type: string \"weights\", expected a sequence",
            ),
            // The network's own check, at the weights of the layer it names.
            (
                26,
                11,
                "cell 2 (network m): network: layer 1: weights have 2 columns but the network has 1 input",
            ),
            (
                33,
                9,
                "cell 3 (exercise e): invalid type: string \"one hint\", expected a sequence",
            ),
            (34, 10, "cell 3 (exercise e): invalid value: integer `-1`, expected u32"),
        ],
    );
}

#[test]
fn ids_must_exist_be_unique_and_plain() {
    expect(
        "ids.toml",
        &[
            (15, 6, "cell 2 (quiz n): id 'n' is already used by cell 1"),
            (23, 1, "cell 3 (exercise): missing key 'id'"),
            (30, 6, "id 'has space' may hold only letters, digits, '-' and '_'"),
        ],
    );
}

#[test]
fn references_that_do_not_parse_or_resolve_are_refused() {
    expect(
        "references.toml",
        &[
            (
                19,
                7,
                "index 0 does not exist; indices start at 1, as the window shows W3[1,2]",
            ),
            (25, 7, "layer 2 does not exist; the network has 1 layer"),
            (31, 7, "column 3 is out of range; the weights have 2 columns"),
            (
                37,
                7,
                "unknown layer quantity 'dlda'; valid: weights, bias, z, a, dl_da",
            ),
            (42, 11, "no network cell has id 'nope'; network cells: n"),
            (49, 10, "sample 2 does not exist; network 'n' has 1 sample"),
        ],
    );
}

#[test]
fn answers_must_exist_be_finite_and_typeable() {
    expect(
        "answers.toml",
        &[
            // x2 = 0, so z1 = 1·1 + W1[1,2]·0 + 1 = 2 whatever W1[1,2] is: never 5.
            (
                21,
                13,
                "no value of W1[1,2] from -2999997 to 3000003 makes z1[1] equal 5",
            ),
            (29, 13, "solve_for needs equals"),
            (36, 13, "unknown tolerance 'approx'"),
            (43, 13, "tolerance abs must be a finite number, 0 or more, not -1"),
            // sigmoid(1) = 0.731058...: no one can type it exactly.
            (
                62,
                13,
                "tolerance is exact but the answer 0.731059 cannot be typed exactly",
            ),
            // 1e300 · 1e10 overflows.
            (80, 7, "the answer inf is not a finite number"),
        ],
    );
}

#[test]
fn quizzes_plots_kinds_and_training_cells_are_checked() {
    expect(
        "cells.toml",
        &[
            (3, 1, "cell 1 (quiz no-correct): no option is marked correct"),
            (12, 1, "a quiz needs at least 2 options, this one has 1"),
            (20, 1, "give exactly one of activation, loss or data"),
            (27, 14, "activation 'sigmoidal' is unknown"),
            (
                30,
                8,
                "cell 5: unknown kind 'picture'; valid: text, network, exercise, quiz, plot, training",
            ),
            (32, 1, "cell 6: no kind"),
            (35, 1, "cell 7 (exercise orphan): no network cell above this exercise"),
            (45, 10, "cell 8 (training lab): epochs must be 1 to"),
        ],
    );
}

#[test]
fn network_options_and_files_are_checked() {
    expect(
        "network-options.toml",
        &[
            (6, 8, "unknown lock 'wieghts'; valid: weights, biases"),
            (7, 8, "unknown show 'b'; valid: z, a, delta"),
            (8, 11, "unknown variant init 'he_uniform'; valid: small_integers"),
            (19, 11, "variant k must be 1 to 100, not 0"),
            (25, 8, "cell 3 (network missing): cannot read networks/missing.toml"),
            (
                30,
                8,
                "network file 'networks/broken.toml': layer 1: unknown activation 'rleu'",
            ),
            (35, 8, "give either path or [cells.network], not both"),
            (43, 1, "cell 6 (network neither): no network"),
        ],
    );
}

#[test]
fn syntax_errors_and_versions_stop_at_the_first_problem() {
    // `kind = "text` leaves the string open to the end of line 4.
    expect("syntax.toml", &[(4, 13, "invalid basic string")]);
    expect(
        "version.toml",
        &[(1, 18, "lesson format_version 3: this app reads versions 1 to 2")],
    );
    // JSON: the missing comma after "text" on line 4.
    expect("syntax.json", &[(4, 21, "expected `,` or `}`")]);
}

/// JSON values carry no positions: the problems name the cell.
#[test]
fn json_lessons_list_every_problem_by_cell() {
    let e = read(&fixtures().join("broken.json")).unwrap_err();
    let shown: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "cell 1 (text t): unknown key 'id'; valid: text",
            "cell 3 (exercise e): ask 'layers[1].z[2]': index 2 is out of range; layer 1 has 1 unit",
        ]
    );
}

/// A lesson holding a number a file cannot hold (the neuron's input x1 made NaN: JSON would
/// write `null`, TOML `nan`, and the reader refuses both) is not saved: the file keeps what it
/// held, and the error names the number by its place in the file (cell 4 is the network; x is
/// written as rows of samples, so input 1 of sample 1 is x[1][1]).
#[test]
fn a_lesson_that_cannot_be_written_is_not_saved_over_the_file() {
    use mlp_notebook::app::files::{NoDialogs, write_document};
    use mlp_notebook::lesson::FileKind;
    let lesson = parse_lesson(include_str!("../lessons/02-one-neuron.toml"), Syntax::Toml).unwrap();
    let cell = lesson.cells.iter().position(|c| matches!(c, Cell::Network(_))).unwrap();
    assert_eq!(cell, 3, "the fourth cell is the network");
    let mut broken = lesson.clone();
    let Cell::Network(n) = &mut broken.cells[cell] else {
        unreachable!()
    };
    n.doc.x[(0, 0)] = f64::NAN;
    let dir = tempfile::tempdir().unwrap();
    for name in ["neuron.toml", "neuron.json"] {
        let path = dir.path().join(name);
        write_document(&NoDialogs, &path, &lesson, FileKind::Lesson).unwrap();
        let before = std::fs::read(&path).unwrap();
        let e = write_document(&NoDialogs, &path, &broken, FileKind::Lesson).unwrap_err();
        assert!(e.starts_with("the file is left as it was: "), "{e}");
        assert!(e.contains("cells[4].network.x[1][1] is NaN"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{name} is unchanged");
    }
}
