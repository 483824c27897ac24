//! `--feedback DIR`: one HTML page per graded submission, for the student: each exercise and
//! quiz with their answer, the verdict (the recognised mistake by name), the policy's notes, the
//! first hint, and the right answer where the lesson's policy offers the worked solution
//! (never for `worked_solution = "never"`). Every text from the lesson or the submission is
//! HTML-escaped.

use crate::lesson::gradebook::{Gradebook, Row};
use crate::lesson::policy::WorkedSolution;
pub use crate::lesson::worksheet::esc;
use crate::lesson::{Cell, Lesson};
use std::fmt::Write as _;

/// A file name for `id`: letters, digits, `-`, `_` and `.` kept, anything else `_`.
fn file_name(id: &str, taken: &mut Vec<String>) -> String {
    let mut stem: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.trim_matches('_').is_empty() {
        stem = "no-name".into();
    }
    let mut name = format!("{stem}.html");
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{stem}-{n}.html");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// The pages: `(file name, HTML)` per graded row.
pub fn pages(lesson: &Lesson, book: &Gradebook) -> Vec<(String, String)> {
    let mut taken = Vec::new();
    book.rows
        .iter()
        .filter(|r| r.grade.is_some())
        .map(|r| (file_name(r.id(), &mut taken), page(lesson, r)))
        .collect()
}

fn page(lesson: &Lesson, r: &Row) -> String {
    let Some(g) = &r.grade else { return String::new() };
    let who = if r.id().is_empty() { "(no name)" } else { r.id() };
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} – {}</title>\n\
         <style>body{{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.4}}\
         .item{{border-top:1px solid #999;padding:.5em 0}}.v{{font-weight:bold}}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p>Feedback for <strong>{}</strong>: {} of {} points.</p>\n",
        esc(&lesson.title),
        esc(who),
        esc(&lesson.title),
        esc(who),
        g.total,
        g.max
    );
    if !r.flags.is_empty() {
        let _ = writeln!(s, "<p>Status: {}</p>", esc(&r.status()));
    }
    for i in &g.items {
        let (prompt, hint) = match lesson.cells.iter().find_map(|c| match c {
            Cell::Exercise(e) if e.id == i.id => Some((e.prompt.clone(), e.hints.first().cloned())),
            Cell::Quiz(q) if q.id == i.id => Some((q.prompt.clone(), None)),
            _ => None,
        }) {
            Some(p) => p,
            None => continue,
        };
        let _ = writeln!(
            s,
            "<div class=\"item\">\n<h2>{} ({} of {} points)</h2>\n<p>{}</p>",
            esc(&i.id),
            i.points,
            i.max,
            esc(prompt.trim())
        );
        let answer = i.answer.as_deref().unwrap_or("(no answer)");
        let _ = writeln!(s, "<p>Your answer: <code>{}</code></p>", esc(answer));
        let _ = writeln!(s, "<p class=\"v\">Verdict: {}</p>", esc(&i.outcome.text()));
        for n in &i.notes {
            let _ = writeln!(s, "<p>{}</p>", esc(n));
        }
        if i.points < i.max
            && let Some(h) = hint
        {
            let _ = writeln!(s, "<p>Hint: {}</p>", esc(&h));
        }
        if lesson.policy(&i.id).worked_solution != WorkedSolution::Never
            && let Some(e) = &i.expected
        {
            let _ = writeln!(s, "<p>Right answer: <code>{}</code></p>", esc(e));
        }
        s.push_str("</div>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_safe_unique_file_names() {
        let mut taken = Vec::new();
        assert_eq!(file_name("Ada Lovelace", &mut taken), "Ada_Lovelace.html");
        assert_eq!(file_name("Ada/Lovelace", &mut taken), "Ada_Lovelace-2.html");
        assert_eq!(file_name("../..", &mut taken), "no-name.html");
        assert_eq!(esc("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
    }
}
