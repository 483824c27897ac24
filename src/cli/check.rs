//! `mlp-notebook check LESSON SUBMISSION... [--csv FILE]`: grades submissions against the
//! engine (each on the student's own variant networks) and prints a table: student, points per
//! exercise and quiz, total. `--csv` writes the same as a gradebook.
//!
//! A submission that cannot be read is reported on stderr with its file name and grading goes
//! on with the others; the exit code is 2 only if no submission could be graded.

use super::{CliError, emit, read_lesson};
use crate::files;
use crate::lesson::grade::{Grade, Submission, grade, graded_items};
use clap::Args;
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The lesson file the submissions answer.
    pub lesson: PathBuf,
    #[command(flatten)]
    pub paths: super::LessonPaths,
    /// Submission files (JSON), one per student.
    #[arg(required = true)]
    pub submissions: Vec<PathBuf>,
    /// Also write the grades as a CSV gradebook to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// A graded submission and the file it came from.
struct Row {
    file: String,
    grade: Grade,
}

pub fn run(args: &CheckArgs) -> Result<(), CliError> {
    let lesson = read_lesson(&args.lesson, args.paths)?;
    let items = graded_items(&lesson);
    let mut rows = Vec::new();
    let mut err = std::io::stderr().lock();
    for path in &args.submissions {
        let file = path.display().to_string();
        let sub = files::read_text(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Submission::parse(&t).map_err(|m| format!("{file}: {m}")));
        match sub {
            Ok(s) => {
                let g = grade(&lesson, &s);
                for w in &g.warnings {
                    let _ = writeln!(err, "warning: {file}: {w}");
                }
                rows.push(Row { file, grade: g });
            }
            Err(m) => {
                let _ = writeln!(err, "error: {m} (not graded)");
            }
        }
    }
    if rows.is_empty() {
        return Err(CliError::bad("no submission could be graded"));
    }
    emit(&table(&items, &rows))?;
    if let Some(csv) = &args.csv {
        files::write_atomic(csv, gradebook(&items, &rows).as_bytes()).map_err(|e| CliError::failed(e.to_string()))?;
    }
    Ok(())
}

fn name(g: &Grade) -> String {
    if g.student.is_empty() {
        "(no name)".into()
    } else {
        g.student.clone()
    }
}

/// Aligned columns: student, one column per item (points), total; a first row of maxima.
fn table(items: &[(String, u32)], rows: &[Row]) -> String {
    let max: u32 = items.iter().map(|(_, p)| p).sum();
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["student".to_string()];
    head.extend(items.iter().map(|(id, _)| id.clone()));
    head.push("total".into());
    lines.push(head);
    let mut out_of = vec!["(out of)".to_string()];
    out_of.extend(items.iter().map(|(_, p)| p.to_string()));
    out_of.push(max.to_string());
    lines.push(out_of);
    for r in rows {
        let mut line = vec![name(&r.grade)];
        line.extend(r.grade.items.iter().map(|i| i.points.to_string()));
        line.push(r.grade.total.to_string());
        lines.push(line);
    }
    let cols = lines[0].len();
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            lines
                .iter()
                .map(|l| l.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for l in &lines {
        let cells: Vec<String> = l.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}", w = *w)).collect();
        s.push_str(cells.join("  ").trim_end());
        s.push('\n');
    }
    s
}

/// One CSV field, quoted when it must be.
fn field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// `student,submission,<item ids>,total,max`, one row per graded submission.
fn gradebook(items: &[(String, u32)], rows: &[Row]) -> String {
    let mut head = vec!["student".to_string(), "submission".into()];
    head.extend(items.iter().map(|(id, _)| field(id)));
    head.extend(["total".into(), "max".into()]);
    let mut s = head.join(",");
    s.push('\n');
    for r in rows {
        let mut line = vec![field(&r.grade.student), field(&r.file)];
        line.extend(r.grade.items.iter().map(|i| i.points.to_string()));
        line.extend([r.grade.total.to_string(), r.grade.max.to_string()]);
        s.push_str(&line.join(","));
        s.push('\n');
    }
    s
}
