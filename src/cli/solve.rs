//! `mlp-notebook solve LESSON [--student NAME]`: the answer key as Markdown on stdout, every
//! exercise's answer computed by the engine with its worked solution, and every quiz's correct
//! options. With `--student`, networks with variants are that student's.

use super::{CliError, emit, read_lesson};
use crate::lesson::worked::answer_key;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SolveArgs {
    /// A lesson file (.toml or .json).
    pub lesson: PathBuf,
    #[command(flatten)]
    pub paths: super::LessonPaths,
    /// The student whose variant networks to solve (as written in their submission).
    #[arg(long)]
    pub student: Option<String>,
}

pub fn run(args: &SolveArgs) -> Result<(), CliError> {
    let lesson = read_lesson(&args.lesson, args.paths)?;
    emit(&answer_key(&lesson, args.student.as_deref()))
}
