//! `mlp-notebook lint LESSON`: checks a lesson file and lists every problem as
//! `FILE:LINE:COLUMN: message` on stdout (exit code 2), or says it is clean (exit code 0).
//! Besides what loading checks, it reads the data files training cells name and tries the
//! exercises and quizzes on variant networks on a sample of students
//! ([`crate::lesson::load::lint`]).

use super::{CliError, emit, lint_lesson_file};
use crate::files;
use crate::lesson::Cell;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct LintArgs {
    /// A lesson file (.toml or .json).
    pub lesson: PathBuf,
    #[command(flatten)]
    pub paths: super::LessonPaths,
}

pub fn run(args: &LintArgs) -> Result<(), CliError> {
    let name = args.lesson.display().to_string();
    // A file that cannot be read is an error, not a list of the lesson's problems.
    let text = files::read_text(&args.lesson).map_err(|e| CliError::bad(e.to_string()))?;
    match lint_lesson_file(&args.lesson, &text, args.paths) {
        Ok(lesson) => {
            let count = |f: fn(&Cell) -> bool, one: &str, many: &str| {
                let n = lesson.cells.iter().filter(|c| f(c)).count();
                format!("{n} {}", if n == 1 { one } else { many })
            };
            emit(&format!(
                "{name}: no problems ({}: {}, {}, {})\n",
                count(|_| true, "cell", "cells"),
                count(|c| matches!(c, Cell::Network(_)), "network", "networks"),
                count(|c| matches!(c, Cell::Exercise(_)), "exercise", "exercises"),
                count(|c| matches!(c, Cell::Quiz(_)), "quiz", "quizzes")
            ))
        }
        Err(CliError::BadInput(problems)) => {
            let mut text = problems.join("\n");
            text.push('\n');
            emit(&text)?;
            let n = problems.len();
            Err(CliError::bad(format!(
                "{name}: {n} problem{}",
                if n == 1 { "" } else { "s" }
            )))
        }
        Err(e) => Err(e),
    }
}
