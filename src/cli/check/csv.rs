//! The gradebook as CSV: `generic` (every item's points and verdict, the status), `canvas`
//! (Canvas' gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column
//! per assignment and a "Points Possible" row) and `moodle` (Moodle's CSV grade import: a
//! column to identify the user by, one per grade item and a feedback column, mapped on import).
//! docs/grading.md cites the layouts.
//!
//! Every text cell is quoted (RFC 4180) and neutralised against formula injection as OWASP's
//! CSV Injection page describes: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading `'`, so a spreadsheet shows it as text instead of running it.

use crate::lesson::gradebook::{Gradebook, ItemSummary, Row};
use clap::ValueEnum;

/// The CSV layout `--format` picks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Every item's points and verdict, the status and notes (the default).
    #[default]
    Generic,
    /// Canvas' gradebook import: one assignment column with the lesson's points.
    Canvas,
    /// Moodle's CSV grade import: identify by ID number or email, one grade, feedback.
    Moodle,
}

/// A text cell: formula prefixes neutralised, then quoted with `"` doubled.
pub fn text(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    format!("\"{}\"", v.replace('"', "\"\""))
}

fn line(cells: Vec<String>) -> String {
    let mut s = cells.join(",");
    s.push_str("\r\n");
    s
}

/// Points, or an empty cell for a row without a grade.
fn points(v: Option<u32>) -> String {
    v.map(|p| p.to_string()).unwrap_or_default()
}

/// The notes of a row: item notes and the grade's warnings.
fn notes(r: &Row) -> String {
    let Some(g) = &r.grade else { return String::new() };
    let mut n: Vec<String> = g
        .items
        .iter()
        .flat_map(|i| i.notes.iter().map(move |m| format!("{}: {m}", i.id)))
        .collect();
    n.extend(g.warnings.iter().cloned());
    n.join("; ")
}

/// `generic`: student, name, submission, status, each item's points and verdict, total, max,
/// notes; roster students without a submission as rows with the status "no submission"; with
/// `summary`, the item analysis after an empty line.
pub fn generic(book: &Gradebook, summary: Option<&[ItemSummary]>) -> String {
    let mut head = vec![text("student"), text("name"), text("submission"), text("status")];
    for (id, _) in &book.items {
        head.push(text(id));
        head.push(text(&format!("{id} verdict")));
    }
    head.extend([text("total"), text("max"), text("notes")]);
    let mut s = line(head);
    let max: u32 = book.items.iter().fold(0u32, |t, (_, p)| t.saturating_add(*p));
    for r in &book.rows {
        let mut cells = vec![
            text(r.id()),
            text(r.roster.as_ref().map_or("", |e| &e.name)),
            text(&r.file),
            text(&r.status()),
        ];
        for k in 0..book.items.len() {
            let item = r.grade.as_ref().and_then(|g| g.items.get(k));
            cells.push(points(item.map(|i| i.points)));
            cells.push(item.map(|i| text(&i.outcome.word())).unwrap_or_default());
        }
        cells.extend([
            points(r.grade.as_ref().map(|g| g.total)),
            max.to_string(),
            text(&notes(r)),
        ]);
        s.push_str(&line(cells));
    }
    for e in &book.missing {
        let mut cells = vec![text(&e.id), text(&e.name), text(""), text("no submission")];
        cells.extend(std::iter::repeat_n(String::new(), 2 * book.items.len()));
        cells.extend([String::new(), max.to_string(), text("")]);
        s.push_str(&line(cells));
    }
    if let Some(items) = summary {
        s.push_str("\r\n");
        s.push_str(&summary_csv(items));
    }
    s
}

/// The item analysis: per item the graded count and the shares (percent), the mistakes and
/// the most common wrong answers.
pub fn summary_csv(items: &[ItemSummary]) -> String {
    let head = [
        "item",
        "graded",
        "correct %",
        "close %",
        "wrong %",
        "blank %",
        "invalid %",
        "mistakes",
        "common wrong answers",
    ];
    let mut s = line(head.iter().map(|h| text(h)).collect());
    for i in items {
        let pct = |n: usize| format!("{:.1}", i.percent(n));
        let mistakes: Vec<String> = i
            .mistakes
            .iter()
            .map(|(k, n)| format!("{} {}%", k.name(), pct(*n)))
            .collect();
        let wrong: Vec<String> = i.common_wrong.iter().map(|(a, n)| format!("{a} (x{n})")).collect();
        s.push_str(&line(vec![
            text(&i.id),
            i.graded.to_string(),
            pct(i.correct),
            pct(i.close),
            pct(i.wrong),
            pct(i.blank),
            pct(i.invalid),
            text(&mistakes.join("; ")),
            text(&wrong.join("; ")),
        ]));
    }
    s
}

/// The rows an LMS import gets: graded cleanly (status ok) only.
fn clean(book: &Gradebook) -> impl Iterator<Item = (&Row, u32)> {
    book.rows
        .iter()
        .filter(|r| r.flags.is_empty())
        .filter_map(|r| r.grade.as_ref().map(|g| (r, g.total)))
}

/// Canvas: `Student,ID,SIS User ID,SIS Login ID,Section,<title>`, a `Points Possible` row, then
/// one row per student graded cleanly: the name (the roster's, else the id), no Canvas ID, the
/// student id as SIS User ID, the roster's email as SIS Login ID.
pub fn canvas(book: &Gradebook, title: &str) -> String {
    let max: u32 = book.items.iter().fold(0u32, |t, (_, p)| t.saturating_add(*p));
    let head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];
    let mut h: Vec<String> = head.iter().map(|c| text(c)).collect();
    h.push(text(title));
    let mut s = line(h);
    s.push_str(&line(vec![
        text("Points Possible"),
        text(""),
        text(""),
        text(""),
        text(""),
        max.to_string(),
    ]));
    for (r, total) in clean(book) {
        let name = r
            .roster
            .as_ref()
            .map_or(r.id(), |e| if e.name.is_empty() { &e.id } else { &e.name });
        let email = r.roster.as_ref().and_then(|e| e.email.as_deref()).unwrap_or("");
        s.push_str(&line(vec![
            text(name),
            text(""),
            text(r.id()),
            text(email),
            text(""),
            total.to_string(),
        ]));
    }
    s
}

/// Moodle: `ID number,Email address,Full name,<title>,Feedback`, one row per student graded
/// cleanly; on import "Identify user by" maps ID number (or Email address) and the grade and
/// feedback columns map to the grade item.
pub fn moodle(book: &Gradebook, title: &str) -> String {
    let mut s = line(vec![
        text("ID number"),
        text("Email address"),
        text("Full name"),
        text(title),
        text("Feedback"),
    ]);
    for (r, total) in clean(book) {
        let email = r.roster.as_ref().and_then(|e| e.email.as_deref()).unwrap_or("");
        let name = r.roster.as_ref().map_or("", |e| e.name.as_str());
        let feedback: Vec<String> = r
            .grade
            .iter()
            .flat_map(|g| {
                g.items
                    .iter()
                    .map(|i| format!("{}: {} ({}/{})", i.id, i.outcome.word(), i.points, i.max))
            })
            .collect();
        s.push_str(&line(vec![
            text(r.id()),
            text(email),
            text(name),
            total.to_string(),
            text(&feedback.join("; ")),
        ]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OWASP's list: =, +, -, @, tab and carriage return lead to a `'`; quotes are doubled.
    #[test]
    fn formula_prefixes_are_neutralised() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for p in ["+", "-", "@", "\t", "\r"] {
            assert_eq!(text(&format!("{p}1")), format!("\"'{p}1\""));
        }
        assert_eq!(text("Ada, Countess"), "\"Ada, Countess\"");
        assert_eq!(text("a=b"), "\"a=b\"");
    }
}
