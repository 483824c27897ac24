//! `mlp-notebook check LESSON FILES...|FOLDER`: the gradebook. Every submission (a folder
//! stands for the `.json` files in it) is graded against the engine with
//! [`crate::lesson::grade::grade`], each on the student's own variant networks; the table has
//! one row per file: student, file, status (ok, unreadable: reason, wrong lesson, lesson
//! changed, duplicate student, no name; with `--roster`: not on roster, looks like roster id
//! ...), each item's points and verdict word, total. Roster students without a submission
//! follow; then the reasons behind invalid answers and the policy's notes.
//!
//! `--csv FILE` writes the gradebook as CSV in the `--format` layout (`generic`, `canvas`,
//! `moodle`; see `csv.rs`); `--feedback DIR` one HTML page per student; `--summary` the item
//! analysis (also at the end of a generic CSV). Exit code 0 only when every file was graded
//! cleanly; else 2 with the problems listed on stderr (the table and files are still written).

mod csv;
mod feedback;
mod table;

use super::{CliError, emit, read_lesson};
use crate::files;
use crate::lesson::grade::Submission;
use crate::lesson::gradebook::{Gradebook, Roster, parse_roster, summary};
use clap::Args;
use csv::Format;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The lesson file the submissions answer.
    pub lesson: PathBuf,
    /// Submission files (JSON), one per student, or folders of them.
    #[arg(required = true)]
    pub submissions: Vec<PathBuf>,
    /// Also write the gradebook as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The CSV layout: generic (every item), canvas or moodle (their gradebook imports).
    #[arg(long, value_enum, default_value_t = Format::Generic, requires = "csv")]
    pub format: Format,
    /// Write one HTML feedback page per student into this folder.
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<PathBuf>,
    /// The class roster (CSV: id, name, optional email): flags unknown and look-alike ids and
    /// lists students without a submission.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Print the item analysis: per item, the share correct, close, each mistake, blank, and
    /// the most common wrong answers (also added to a generic CSV).
    #[arg(long)]
    pub summary: bool,
}

/// The submission files: each file as given, each folder's `.json` files sorted by name.
fn submission_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        if files::is_dir(p) {
            let mut found = files::list_dir(p)
                .map_err(|e| CliError::bad(e.to_string()))?
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")))
                .collect::<Vec<_>>();
            found.sort();
            if found.is_empty() {
                return Err(CliError::bad(format!(
                    "{}: the folder has no .json submissions",
                    p.display()
                )));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn read_submission(path: &Path) -> Result<Submission, String> {
    let text = files::read_text(path).map_err(|e| {
        let m = e.to_string();
        let name = path.display().to_string();
        m.strip_prefix(&format!("{name}: ")).unwrap_or(&m).to_string()
    })?;
    Submission::parse(&text)
}

fn read_roster(path: &Path) -> Result<Roster, CliError> {
    let text = files::read_text(path).map_err(|e| CliError::bad(e.to_string()))?;
    Ok(parse_roster(&path.display().to_string(), &text))
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    files::write_atomic(path, text.as_bytes()).map_err(|e| CliError::failed(e.to_string()))
}

pub fn run(args: &CheckArgs) -> Result<(), CliError> {
    let lesson = read_lesson(&args.lesson)?;
    let roster = args.roster.as_deref().map(read_roster).transpose()?;
    let subs = submission_files(&args.submissions)?
        .into_iter()
        .map(|p| (p.display().to_string(), read_submission(&p)))
        .collect();
    let book = Gradebook::new(&lesson, subs, roster.as_ref());
    let items = args.summary.then(|| summary(&book));
    let mut out = table::table(&book);
    if let Some(i) = &items {
        out.push_str(&table::summary(i));
    }
    emit(&out)?;
    if let Some(path) = &args.csv {
        let text = match args.format {
            Format::Generic => csv::generic(&book, items.as_deref()),
            Format::Canvas => csv::canvas(&book, &lesson.title),
            Format::Moodle => csv::moodle(&book, &lesson.title),
        };
        write(path, &text)?;
    }
    if let Some(dir) = &args.feedback {
        files::create_dir_all(dir).map_err(|e| CliError::failed(e.to_string()))?;
        for (name, html) in feedback::pages(&lesson, &book) {
            write(&dir.join(name), &html)?;
        }
    }
    if book.is_clean() {
        Ok(())
    } else {
        let mut p = book.problems();
        let n = book.rows.iter().filter(|r| !r.flags.is_empty()).count();
        p.push(format!(
            "{n} of {} submission{} not graded cleanly (see the status column)",
            book.rows.len(),
            if book.rows.len() == 1 { "" } else { "s" }
        ));
        Err(CliError::BadInput(p))
    }
}
