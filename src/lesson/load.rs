//! Loading a lesson: text to a validated [`Lesson`], with **every** problem listed and, for
//! TOML, placed at its line and column.
//!
//! TOML is parsed once into toml's spanned tree ([`DeTable`](toml::de::DeTable)); each cell is
//! read on its own into its file type, so one broken cell does not hide the others. A serde
//! error inside a cell is recorded at its span, the key it belongs to is set aside and the cell
//! read again, until no error is left: every bad key of a cell is listed. Then the cells are
//! checked against each other and against the engine: ids, network references, references in
//! `ask` and `solve_for`, answers that are not finite, `solve_for` without a unique solution.
//!
//! JSON lessons are read the same way from `serde_json` values, which carry no positions:
//! their problems name the cell (and syntax errors their line and column).
//!
//! # Map
//! - this file: [`load`], [`Problem`] and [`LessonError`], placing problems at line:column.
//! - `raw.rs`: the first pass, the text to tables and each cell's table to its file type.
//! - `check.rs`: the second pass, a `Checker` over every cell and network.
//! - `exercise.rs`: the second pass for exercise cells.
//! - `lint.rs`: what [`lint`] adds (data files read, variants tried on a sample of students).
//! - [`check()`] and [`problems_added`]: the same checks on a lesson held in memory (edit mode
//!   runs them on the page it would make, so what it accepts also loads).

use super::file::HeaderFile;
use super::{Cell, LESSON_FORMAT_VERSION, Lesson};
use crate::nn::doc::{DocError, MAX_FILE_BYTES, Syntax};
use std::fmt;
use std::ops::Range;

mod check;
mod exercise;
mod lint;
mod raw;
use check::Checker;
pub use check::valid_id;
pub use lint::{SAMPLE_STUDENTS, sample_student};
use raw::{parse_tree, read, read_cell};

/// Reads a file named in a lesson (a network's `path`), relative to the lesson file; the
/// window and the command line pass one, so this module does no file IO.
pub type Resolver<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// A resolver for lessons not read from a file: every path is refused.
pub fn no_files(path: &str) -> Result<String, String> {
    Err(format!(
        "cannot read '{path}': files named in a lesson are read relative to the lesson file, and this lesson was not read from one"
    ))
}

/// One problem, at its line and column (1-based, the column in characters) when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Everything wrong with a lesson file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LessonError {
    pub problems: Vec<Problem>,
}

impl From<LessonError> for DocError {
    fn from(e: LessonError) -> DocError {
        DocError {
            problems: e.problems.iter().map(Problem::to_string).collect(),
        }
    }
}

type Span = Range<usize>;

/// The problems found so far, placed in the text.
struct Problems<'t> {
    text: &'t str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn push(&mut self, span: Option<Span>, message: impl Into<String>) {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = line_col(self.text, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        self.list.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }
}

/// The 1-based line and column (in characters) of byte `at`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads and validates a lesson. `resolve` reads the network files the lesson names by path.
pub fn load(text: &str, syntax: Syntax, resolve: Resolver<'_>) -> Result<Lesson, LessonError> {
    load_checked(text, syntax, resolve, false)
}

/// [`load`] with lint's checks too, in the same run (`lint.rs`): the CSV files training cells
/// name are read with `resolve`, and exercises and quizzes on variant networks are tried on a
/// sample of students.
pub fn lint(text: &str, syntax: Syntax, resolve: Resolver<'_>) -> Result<Lesson, LessonError> {
    load_checked(text, syntax, resolve, true)
}

fn load_checked(text: &str, syntax: Syntax, resolve: Resolver<'_>, lint: bool) -> Result<Lesson, LessonError> {
    let mut out = Problems { text, list: Vec::new() };
    if text.len() > MAX_FILE_BYTES {
        out.push(
            None,
            format!("the file is {} bytes; the limit is {MAX_FILE_BYTES} bytes", text.len()),
        );
        return Err(LessonError { problems: out.list });
    }
    if let Err(m) = crate::nn::doc::precheck(text) {
        out.push(None, m);
        return Err(LessonError { problems: out.list });
    }
    let Some((mut root, raw_cells)) = parse_tree(text, syntax, &mut out) else {
        return Err(LessonError { problems: out.list });
    };
    let header = read::<HeaderFile>(&mut root, &mut out, "");
    if let Some(v) = header.as_ref().and_then(|h| h.format_version)
        && !(1..=LESSON_FORMAT_VERSION).contains(&v)
    {
        out.push(
            root.at("format_version"),
            format!("lesson format_version {v}: this app reads versions 1 to {LESSON_FORMAT_VERSION}"),
        );
        return Err(LessonError { problems: out.list });
    }
    for m in header
        .as_ref()
        .and_then(|h| h.grading)
        .map(|g| g.validate(true))
        .unwrap_or_default()
    {
        out.push(root.at("grading"), m);
    }
    let cells: Vec<_> = raw_cells
        .into_iter()
        .enumerate()
        .filter_map(|(i, (span, raw))| read_cell(i + 1, span, raw, &mut out))
        .collect();
    let lesson = Checker::new(&mut out, resolve, lint).check(header, &cells);
    match lesson {
        Some(l) if out.list.is_empty() => Ok(l),
        _ => {
            // In the order of the file; problems without a place keep theirs, after the others.
            out.list
                .sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.column.unwrap_or(0)));
            Err(LessonError { problems: out.list })
        }
    }
}

/// The loader's checks on a lesson held in memory, as saving it and loading it again would run
/// them. Each network is checked as it is held, inline: a `path` names the file as it was read,
/// not the network as edited, and no file is read.
pub fn check(lesson: &Lesson) -> Result<(), LessonError> {
    let mut inline = lesson.clone();
    for c in &mut inline.cells {
        if let Cell::Network(n) = c {
            n.options.path = None;
        }
    }
    let text = serde_json::to_string(&inline.to_file()).map_err(|e| LessonError {
        problems: vec![Problem {
            line: None,
            column: None,
            message: format!("the lesson cannot be written: {e}"),
        }],
    })?;
    load(&text, Syntax::Json, &no_files).map(|_| ())
}

/// The problems [`check()`] finds in `after` that it does not find in `before`, so a change can
/// be judged on what it breaks even when the lesson had a problem already. Problems are
/// compared with their cell numbers left out, since a change may move cells.
pub fn problems_added(before: &Lesson, after: &Lesson) -> Vec<String> {
    let problems = |l: &Lesson| check(l).err().map(|e| e.problems).unwrap_or_default();
    let mut known: Vec<String> = problems(before).iter().map(|p| unnumbered(&p.message)).collect();
    let mut added = Vec::new();
    for p in problems(after) {
        match known.iter().position(|k| *k == unnumbered(&p.message)) {
            Some(i) => {
                known.swap_remove(i);
            }
            None => added.push(p.message),
        }
    }
    added
}

/// `message` with the number after each "cell " replaced by `#`.
fn unnumbered(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("cell ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push('#');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = r#"
title = "Ids"
[[cells]]
kind = "network"
id = "net"
[cells.network]
inputs = 1
x = [[1]]
y = [[2]]
[[cells.network.layers]]
units = 1
activation = "identity"
weights = [[3]]
bias = [0]
[[cells]]
kind = "training"
id = "lab"
data = { generator = "xor", points = 20, noise = 0.1, seed = 0 }
[[cells]]
kind = "quiz"
id = "q"
prompt = "Which?"
options = [{ text = "this", correct = true }, { text = "that" }]
"#;

    #[test]
    fn a_lesson_in_memory_is_checked_like_a_file() {
        let lesson = load(LESSON, Syntax::Toml, &no_files).unwrap();
        assert_eq!(check(&lesson), Ok(()));
        // The quiz takes the training cell's id: the loader refuses duplicate ids.
        let mut dup = lesson.clone();
        if let Cell::Quiz(q) = &mut dup.cells[2] {
            q.id = "lab".into();
        }
        let e = check(&dup).unwrap_err();
        assert_eq!(e.problems.len(), 1);
        assert_eq!(
            e.problems[0].message,
            "cell 3 (quiz lab): id 'lab' is already used by cell 2; ids must be unique"
        );
        assert_eq!(problems_added(&lesson, &dup), vec![e.problems[0].message.clone()]);
    }

    #[test]
    fn a_problem_the_lesson_had_already_is_not_added_when_cells_move() {
        let lesson = load(LESSON, Syntax::Toml, &no_files).unwrap();
        let mut broken = lesson.clone();
        if let Cell::Quiz(q) = &mut broken.cells[2] {
            q.id = "lab".into();
        }
        // A text cell in front: the duplicate is now cell 4 and the first use cell 3.
        let mut moved = broken.clone();
        moved.cells.insert(0, Cell::Text("Intro".into()));
        assert_eq!(problems_added(&broken, &moved), Vec::<String>::new());
        assert_eq!(
            unnumbered("cell 12 (quiz a): used by cell 3"),
            "cell # (quiz a): used by cell #"
        );
    }
}
