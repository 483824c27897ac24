//! Submissions and grading. A submission (JSON, see docs/lesson-format.md) holds a student's
//! last answer to each exercise and quiz; [`grade`] checks every answer against the engine on
//! that student's variant networks. An item scores its points when its answer passes; a close
//! answer, a recognised mistake, a wrong or missing answer score 0.

use super::answer::Answer;
use super::compute::Computed;
use super::exercise::Verdict;
use super::mistakes::MistakeKind;
use super::{Cell, Lesson};
use crate::nn::serialize::{SerializeError, pretty_json};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The submission format version this build writes and reads.
pub const SUBMISSION_FORMAT_VERSION: u32 = 1;

fn version_one() -> u32 {
    SUBMISSION_FORMAT_VERSION
}

/// One answer as submitted: `value` for an exercise, `choice` (1-based) for a quiz.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmittedAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<usize>,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints_used: Option<u32>,
}

/// A student's submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    #[serde(default = "version_one")]
    pub format_version: u32,
    /// The lesson's title.
    pub lesson: String,
    /// The student's name or id: it also picks their variant networks.
    pub student: String,
    #[serde(default)]
    pub answers: BTreeMap<String, SubmittedAnswer>,
}

impl Submission {
    /// Parses a submission; the error gives the line and column.
    pub fn parse(text: &str) -> Result<Submission, String> {
        let s: Submission = serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            format!("line {}, column {}: {msg}", e.line(), e.column())
        })?;
        if s.format_version > SUBMISSION_FORMAT_VERSION {
            return Err(format!(
                "submission format_version {} is newer than this app reads ({SUBMISSION_FORMAT_VERSION})",
                s.format_version
            ));
        }
        Ok(s)
    }

    /// The submission as pretty JSON; an answer that is not a finite number is refused.
    pub fn to_json(&self) -> Result<String, SerializeError> {
        pretty_json(self)
    }
}

/// How one item went.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Missing,
    Correct,
    Close,
    Mistake(MistakeKind),
    Wrong,
    /// The answer could not be read (wrong shape, a quiz choice that does not exist, ...).
    Unreadable(String),
}

impl Outcome {
    /// A short word for tables.
    pub fn word(&self) -> String {
        match self {
            Outcome::Missing => "missing".into(),
            Outcome::Correct => "correct".into(),
            Outcome::Close => "close".into(),
            Outcome::Mistake(k) => k.name().into(),
            Outcome::Wrong => "wrong".into(),
            Outcome::Unreadable(m) => format!("unreadable: {m}"),
        }
    }
}

/// One exercise's or quiz's grade.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemGrade {
    pub id: String,
    pub points: u32,
    pub max: u32,
    pub outcome: Outcome,
}

/// A student's grade.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub student: String,
    /// In lesson order.
    pub items: Vec<ItemGrade>,
    pub total: u32,
    pub max: u32,
    /// Things the grader should know (another lesson's title, answers to unknown ids).
    pub warnings: Vec<String>,
}

/// The ids of the graded items (exercises and quizzes) in lesson order, with their points.
pub fn graded_items(lesson: &Lesson) -> Vec<(String, u32)> {
    lesson
        .cells
        .iter()
        .filter_map(|c| match c {
            Cell::Exercise(e) => Some((e.id.clone(), e.points)),
            Cell::Quiz(q) => Some((q.id.clone(), q.points)),
            _ => None,
        })
        .collect()
}

/// Grades a submission against the engine on the student's variant networks.
pub fn grade(lesson: &Lesson, sub: &Submission) -> Grade {
    let student = sub.student.trim();
    let who = (!student.is_empty()).then_some(student);
    let mut warnings = Vec::new();
    if sub.lesson.trim() != lesson.title.trim() {
        warnings.push(format!(
            "the submission is for the lesson '{}', not '{}'",
            sub.lesson, lesson.title
        ));
    }
    let items = graded_items(lesson);
    for id in sub.answers.keys() {
        if !items.iter().any(|(i, _)| i == id) {
            warnings.push(format!(
                "an answer to '{id}', which the lesson does not have, was ignored"
            ));
        }
    }
    let mut computed: HashMap<String, Result<Computed, String>> = HashMap::new();
    let mut graded = Vec::new();
    for cell in &lesson.cells {
        let (id, max, outcome) = match cell {
            Cell::Exercise(ex) => {
                let outcome = match sub.answers.get(&ex.id).map(|a| a.value.as_ref()) {
                    None => Outcome::Missing,
                    Some(None) => Outcome::Unreadable("no value given".into()),
                    Some(Some(v)) => {
                        let c = computed
                            .entry(ex.network.clone())
                            .or_insert_with(|| lesson.computed_for(ex, who));
                        match c.as_ref().map_err(Clone::clone).and_then(|c| ex.check(c, v, 0)) {
                            Err(m) => Outcome::Unreadable(m),
                            Ok(f) => match f.verdict {
                                Verdict::Correct => Outcome::Correct,
                                Verdict::Close => Outcome::Close,
                                Verdict::Mistake { kind, .. } => Outcome::Mistake(kind),
                                Verdict::Wrong { .. } => Outcome::Wrong,
                                Verdict::Unreadable(m) => Outcome::Unreadable(m),
                            },
                        }
                    }
                };
                (ex.id.clone(), ex.points, outcome)
            }
            Cell::Quiz(q) => {
                let outcome = match sub.answers.get(&q.id).map(|a| a.choice) {
                    None => Outcome::Missing,
                    Some(None) => Outcome::Unreadable("no choice given".into()),
                    Some(Some(choice)) => match q.check(choice) {
                        Ok(f) if f.correct => Outcome::Correct,
                        Ok(_) => Outcome::Wrong,
                        Err(m) => Outcome::Unreadable(m),
                    },
                };
                (q.id.clone(), q.points, outcome)
            }
            _ => continue,
        };
        let points = if outcome == Outcome::Correct { max } else { 0 };
        graded.push(ItemGrade {
            id,
            points,
            max,
            outcome,
        });
    }
    Grade {
        student: student.to_string(),
        total: graded.iter().map(|g| g.points).sum(),
        max: graded.iter().map(|g| g.max).sum(),
        items: graded,
        warnings,
    }
}
