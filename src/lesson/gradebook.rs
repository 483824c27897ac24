//! The gradebook of a class: every submission file graded with [`grade`], with the problems
//! that only show across files (the same student twice) and against a roster (unknown,
//! look-alike and missing students), and the item analysis. No file IO: the command line reads
//! the files and writes the tables (`cli::check`).

mod roster;

pub use roster::{Roster, RosterEntry, parse_roster};

use super::grade::{Flag, Grade, Outcome, Submission, grade, graded_items};
use super::mistakes::MistakeKind;
use super::{Lesson, lookalike_key};
use std::collections::HashMap;

/// One submission file's row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The file as named on the command line.
    pub file: String,
    /// The student's id from the submission (empty without a name or a readable file).
    pub student: String,
    /// The roster's entry the submission maps to.
    pub roster: Option<RosterEntry>,
    /// `None` when the file could not be read as a submission.
    pub grade: Option<Grade>,
    /// The status: empty is "ok".
    pub flags: Vec<Flag>,
}

impl Row {
    /// `ok`, or every flag's word joined by "; ".
    pub fn status(&self) -> String {
        if self.flags.is_empty() {
            "ok".into()
        } else {
            self.flags.iter().map(Flag::word).collect::<Vec<_>>().join("; ")
        }
    }

    /// The id the row is known by: the roster's id when mapped, else the submission's.
    pub fn id(&self) -> &str {
        self.roster.as_ref().map_or(&self.student, |r| &r.id)
    }
}

/// Every row, the roster's own problems and the roster's students without a submission.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradebook {
    /// Item ids with their points, in lesson order.
    pub items: Vec<(String, u32)>,
    pub rows: Vec<Row>,
    /// Roster entries no submission maps to.
    pub missing: Vec<RosterEntry>,
    /// Problems in the roster file itself (empty, duplicate and look-alike ids).
    pub roster_problems: Vec<String>,
}

impl Gradebook {
    /// Grades each file (`Err`: it could not be read, with the reason) and checks the rows
    /// against each other and the roster.
    pub fn new(
        lesson: &Lesson,
        files: Vec<(String, Result<Submission, String>)>,
        roster: Option<&Roster>,
    ) -> Gradebook {
        let mut rows: Vec<Row> = files
            .into_iter()
            .map(|(file, sub)| match sub {
                Ok(s) => {
                    let g = grade(lesson, &s);
                    Row {
                        file,
                        student: g.student.clone(),
                        roster: None,
                        flags: g.flags.clone(),
                        grade: Some(g),
                    }
                }
                Err(m) => Row {
                    file,
                    student: String::new(),
                    roster: None,
                    grade: None,
                    flags: vec![Flag::Unreadable(m)],
                },
            })
            .collect();
        let mut missing = Vec::new();
        if let Some(r) = roster {
            for row in rows.iter_mut().filter(|r| r.grade.is_some() && !r.student.is_empty()) {
                match r.find(&row.student) {
                    Ok(e) => row.roster = Some(e.clone()),
                    Err(Some(e)) => row.flags.push(Flag::LooksLike(e.id.clone())),
                    Err(None) => row.flags.push(Flag::NotOnRoster),
                }
            }
            missing = r
                .entries
                .iter()
                .filter(|e| !rows.iter().any(|row| row.roster.as_ref().is_some_and(|m| m.id == e.id)))
                .cloned()
                .collect();
        }
        flag_duplicates(&mut rows);
        Gradebook {
            items: graded_items(lesson),
            rows,
            missing,
            roster_problems: roster.map(|r| r.problems.clone()).unwrap_or_default(),
        }
    }

    /// Whether every file was graded cleanly (every row ok, the roster without problems).
    pub fn is_clean(&self) -> bool {
        self.rows.iter().all(|r| r.flags.is_empty()) && self.roster_problems.is_empty()
    }

    /// The problems to list: each row's flags with its file, and the roster's problems.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.roster_problems.clone();
        for r in &self.rows {
            for f in &r.flags {
                out.push(format!("{}: {}", r.file, f.explain()));
            }
        }
        out
    }
}

/// Rows whose ids are the same or look alike (roster id when mapped) are flagged on each.
fn flag_duplicates(rows: &mut [Row]) {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let key = lookalike_key(r.id());
        if r.grade.is_some() && !key.is_empty() {
            by_key.entry(key).or_default().push(i);
        }
    }
    for list in by_key.values().filter(|l| l.len() > 1) {
        for &i in list {
            rows[i].flags.push(Flag::DuplicateStudent);
        }
    }
}

/// One item's analysis over the graded rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemSummary {
    pub id: String,
    /// Rows with a grade (the shares' denominator).
    pub graded: usize,
    pub correct: usize,
    pub close: usize,
    pub wrong: usize,
    pub blank: usize,
    pub invalid: usize,
    /// Each recognised mistake with its count, most common first.
    pub mistakes: Vec<(MistakeKind, usize)>,
    /// The most common answers that were not right (close, a mistake or wrong), at most 3,
    /// most common first.
    pub common_wrong: Vec<(String, usize)>,
}

impl ItemSummary {
    /// `n` as a share of the graded rows, in percent.
    pub fn percent(&self, n: usize) -> f64 {
        if self.graded == 0 {
            0.0
        } else {
            100.0 * n as f64 / self.graded as f64
        }
    }
}

/// The item analysis: per item, how the graded rows went.
pub fn summary(book: &Gradebook) -> Vec<ItemSummary> {
    book.items
        .iter()
        .enumerate()
        .map(|(k, (id, _))| {
            let mut s = ItemSummary {
                id: id.clone(),
                ..ItemSummary::default()
            };
            let mut mistakes: HashMap<MistakeKind, usize> = HashMap::new();
            let mut wrong_answers: HashMap<&str, usize> = HashMap::new();
            for g in book.rows.iter().filter_map(|r| r.grade.as_ref()) {
                let Some(item) = g.items.get(k) else { continue };
                s.graded += 1;
                match &item.outcome {
                    Outcome::Correct => s.correct += 1,
                    Outcome::Close => s.close += 1,
                    Outcome::Wrong => s.wrong += 1,
                    Outcome::Blank => s.blank += 1,
                    Outcome::Invalid(_) => s.invalid += 1,
                    Outcome::Mistake(m) => *mistakes.entry(*m).or_default() += 1,
                }
                if matches!(item.outcome, Outcome::Close | Outcome::Wrong | Outcome::Mistake(_))
                    && let Some(a) = &item.answer
                {
                    *wrong_answers.entry(a.as_str()).or_default() += 1;
                }
            }
            s.mistakes = most_common(mistakes.into_iter(), |k| k.name().to_string());
            s.common_wrong = most_common(wrong_answers.into_iter().map(|(a, n)| (a.to_string(), n)), Clone::clone);
            s.common_wrong.truncate(3);
            s
        })
        .collect()
}

/// Counts sorted most common first, ties by their text.
fn most_common<T>(counts: impl Iterator<Item = (T, usize)>, text: impl Fn(&T) -> String) -> Vec<(T, usize)> {
    let mut v: Vec<(T, usize)> = counts.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| text(&a.0).cmp(&text(&b.0))));
    v
}
