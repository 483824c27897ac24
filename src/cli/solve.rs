//! `mlp-notebook solve LESSON [--student NAME]`: the answer key as Markdown on stdout, every
//! exercise's answer computed by the engine with its worked solution, and every quiz's correct
//! options. With `--student`, networks with variants are that student's. A graded lesson (one
//! with a grading policy) starts with a notice that this is the instructor's key: every student
//! holds the same engine, so the notice is a reminder, not a lock.

use super::{CliError, emit, read_lesson};
use crate::lesson::worked::answer_key;
use clap::Args;
use std::path::PathBuf;

/// What `solve` prints first for a graded lesson.
pub const GRADED_NOTICE: &str = "> **Instructor's key.** This lesson is graded (it sets a grading policy): these are the \
answers `mlp-notebook check` grades against. Do not hand it out before the submissions are in.\n\n";

#[derive(Args, Debug)]
pub struct SolveArgs {
    /// A lesson file (.toml or .json).
    pub lesson: PathBuf,
    /// The student whose variant networks to solve (as written in their submission).
    #[arg(long)]
    pub student: Option<String>,
}

pub fn run(args: &SolveArgs) -> Result<(), CliError> {
    let lesson = read_lesson(&args.lesson)?;
    let mut out = String::new();
    if lesson.is_graded() {
        out.push_str(GRADED_NOTICE);
    }
    out.push_str(&answer_key(&lesson, args.student.as_deref()));
    emit(&out)
}
