//! `mlp-notebook worksheet LESSON_OR_NETWORK [--answers] [--student NAME] [--keras] [--sample N]
//! [-o FILE]`: a printable worksheet (HTML with print styles) of every network cell laid out by
//! hand with empty boxes to fill in, and the lesson's questions; `--answers` writes the answer
//! key. A network file gives the worksheet of that one network.

use super::{CliError, emit, parse_lesson_file};
use crate::files;
use crate::lesson::Lesson;
use crate::lesson::worksheet::{Convention, WorksheetOptions, lesson_worksheet_html_with};
use crate::nn::doc::Syntax;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct WorksheetArgs {
    /// A lesson or network file (.toml or .json).
    pub file: PathBuf,
    #[command(flatten)]
    pub paths: super::LessonPaths,
    /// Write the answer key: every box filled, with the working and the worked solutions.
    #[arg(long)]
    pub answers: bool,
    /// The student whose variant networks to lay out; their name is printed on the sheet.
    #[arg(long)]
    pub student: Option<String>,
    /// Lay out in the Keras/NumPy convention (the sample as a row, W as in x units).
    #[arg(long)]
    pub keras: bool,
    /// The sample of each network's batch to lay out (from 1; past a batch, its last sample).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub sample: u32,
    /// Write the HTML to this file instead of stdout.
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
}

/// Reads a lesson, or a network file as a one-network lesson titled by its name (or the file's).
fn read_any(path: &Path, paths: super::LessonPaths) -> Result<Lesson, CliError> {
    let text = files::read_text(path).map_err(|e| CliError::bad(e.to_string()))?;
    let name = path.display().to_string();
    let syntax = files::syntax_for_path(path).unwrap_or_else(|| Syntax::guess(&name, &text));
    if crate::lesson::is_lesson(&text, syntax) {
        return parse_lesson_file(path, &text, paths);
    }
    let doc = files::parse_network(&name, &text)?;
    let title = doc.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map_or_else(|| "Network".into(), |s| s.to_string_lossy().into_owned())
    });
    Ok(Lesson {
        title,
        ..Lesson::from_network(doc)
    })
}

pub fn run(args: &WorksheetArgs) -> Result<(), CliError> {
    let lesson = read_any(&args.file, args.paths)?;
    let options = WorksheetOptions {
        answers: args.answers,
        sample: args.sample as usize - 1,
        title: lesson.title.clone(),
        student: args.student.clone(),
        convention: if args.keras {
            Convention::Keras
        } else {
            Convention::Torch
        },
    };
    let html = lesson_worksheet_html_with(&lesson, &options);
    match &args.out {
        Some(p) => files::write_atomic(p, html.as_bytes()).map_err(|e| CliError::failed(e.to_string())),
        None => emit(&html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lessons_and_networks_are_told_apart() {
        assert!(crate::lesson::is_lesson("title = \"t\"\ncells = []\n", Syntax::Toml));
        assert!(!crate::lesson::is_lesson("inputs = 2\n", Syntax::Toml));
        assert!(crate::lesson::is_lesson(
            "{\"title\": \"t\", \"cells\": []}",
            Syntax::Json
        ));
    }
}
