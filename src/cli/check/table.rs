//! The gradebook as aligned text for the terminal: one row per submission (student, file,
//! status, each item's points and verdict word, total), then the roster's students without a
//! submission, the reasons behind invalid answers and the policy's notes, and with `--summary`
//! the item analysis. Control characters in any cell are written escaped (`\n`, `\u{1b}`), so a
//! name or a file cannot print a fake row or move the cursor.

use crate::lesson::grade::Outcome;
use crate::lesson::gradebook::{Gradebook, ItemSummary};
use std::fmt::Write as _;

/// `s` with every control character escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Lines of cells in aligned columns (cells escaped).
fn aligned(lines: &[Vec<String>]) -> String {
    let lines: Vec<Vec<String>> = lines.iter().map(|l| l.iter().map(|c| escape(c)).collect()).collect();
    let cols = lines.iter().map(Vec::len).max().unwrap_or(0);
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

/// A cell: points and the verdict word (`invalid` without its reason, listed below).
fn cell(points: u32, o: &Outcome) -> String {
    match o {
        Outcome::Invalid(_) => format!("{points} invalid"),
        o => format!("{points} {}", o.word()),
    }
}

/// The table and what goes under it.
pub fn table(book: &Gradebook) -> String {
    let max: u32 = book.items.iter().fold(0u32, |t, (_, p)| t.saturating_add(*p));
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["student".to_string(), "file".into(), "status".into()];
    head.extend(book.items.iter().map(|(id, _)| id.clone()));
    head.push("total".into());
    lines.push(head);
    let mut out_of = vec!["(out of)".to_string(), String::new(), String::new()];
    out_of.extend(book.items.iter().map(|(_, p)| p.to_string()));
    out_of.push(max.to_string());
    lines.push(out_of);
    for r in &book.rows {
        let who = match (r.id(), &r.grade) {
            ("", Some(_)) => "(no name)".to_string(),
            ("", None) => "-".to_string(),
            (id, _) => id.to_string(),
        };
        let mut l = vec![who, r.file.clone(), r.status()];
        match &r.grade {
            Some(g) => {
                l.extend(g.items.iter().map(|i| cell(i.points, &i.outcome)));
                l.push(g.total.to_string());
            }
            None => l.extend(std::iter::repeat_n("-".to_string(), book.items.len() + 1)),
        }
        lines.push(l);
    }
    for e in &book.missing {
        let mut l = vec![e.id.clone(), "-".into(), "no submission".into()];
        l.extend(std::iter::repeat_n("-".to_string(), book.items.len() + 1));
        lines.push(l);
    }
    let mut s = aligned(&lines);
    let mut notes = Vec::new();
    for r in &book.rows {
        let Some(g) = &r.grade else { continue };
        let who = if r.id().is_empty() { &r.file } else { r.id() };
        for i in &g.items {
            if let Outcome::Invalid(m) = &i.outcome {
                notes.push(format!("{who}: {}: invalid: {m}", i.id));
            }
            notes.extend(i.notes.iter().map(|n| format!("{who}: {}: {n}", i.id)));
        }
        notes.extend(g.warnings.iter().map(|w| format!("{who}: {w}")));
    }
    if !notes.is_empty() {
        s.push_str("\nNotes:\n");
        for n in notes {
            let _ = writeln!(s, "  {}", escape(&n));
        }
    }
    s
}

/// The item analysis as text.
pub fn summary(items: &[ItemSummary]) -> String {
    let mut lines = vec![
        [
            "item",
            "graded",
            "correct",
            "close",
            "wrong",
            "blank",
            "invalid",
            "mistakes",
            "common wrong answers",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
    ];
    for i in items {
        let pct = |n: usize| format!("{:.0}%", i.percent(n));
        let mistakes: Vec<String> = i
            .mistakes
            .iter()
            .map(|(k, n)| format!("{} {}", k.name(), pct(*n)))
            .collect();
        let wrong: Vec<String> = i.common_wrong.iter().map(|(a, n)| format!("{a} (x{n})")).collect();
        lines.push(vec![
            i.id.clone(),
            i.graded.to_string(),
            pct(i.correct),
            pct(i.close),
            pct(i.wrong),
            pct(i.blank),
            pct(i.invalid),
            mistakes.join(", "),
            wrong.join(", "),
        ]);
    }
    format!("\nItem analysis:\n{}", aligned(&lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("Ada\nEve  1  1"), "Ada\\nEve  1  1");
        assert_eq!(escape("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(escape("tab\there"), "tab\\there");
        assert_eq!(escape("Gödel"), "Gödel");
    }
}
