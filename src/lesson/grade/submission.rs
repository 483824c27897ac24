//! The submission file: what a student's window exports and `mlp-notebook check` reads.
//!
//! Read leniently where a student cannot be blamed and strictly where grading depends on it: a
//! file that is not JSON (empty, truncated, corrupt) is refused with its line and column; one
//! answer that cannot be read (text where a number belongs) makes that answer invalid, with
//! its reason, and the others are graded; keys this build does not know (points, verdicts,
//! policies a forged or newer file may carry) are ignored and listed, never believed.

use super::super::Lesson;
use super::super::answer::Answer;
use super::lesson_digest;
use crate::nn::serialize::{SerializeError, pretty_json};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The submission format version this build writes (it reads 1 and 2). Version 2 added the
/// record of checks, hints, peeks and times per item, and the lesson's version and digest.
pub const SUBMISSION_FORMAT_VERSION: u32 = 2;

/// One item's answer and its record, as the window saw it. `value` for an exercise, `choice`
/// (1-based) for a quiz; every other field is a record the grader reads but does not trust
/// for points (the policy comes from the lesson).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubmittedAnswer {
    /// The final answer to an exercise (the last one typed or checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Answer>,
    /// The final choice of a quiz, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<usize>,
    /// How many times the item was checked.
    #[serde(default)]
    pub attempts: u32,
    /// How many hints were shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hints_used: Option<u32>,
    /// The worked solution was opened before the item was answered right (a peek).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub solution_before_correct: bool,
    /// When the worked solution was first opened, seconds since 1970-01-01 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution_opened_at: Option<u64>,
    /// When the item was first checked (seconds since 1970-01-01 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_check_at: Option<u64>,
    /// When the item was last checked (seconds since 1970-01-01 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check_at: Option<u64>,
    /// Why the answer could not be read, when it could not (never written).
    #[serde(skip)]
    pub invalid: Option<String>,
}

/// A student's submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub format_version: u32,
    /// The lesson's title.
    pub lesson: String,
    /// The lesson's own `version`, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson_version: Option<String>,
    /// [`lesson_digest`] of the lesson the student answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson_digest: Option<String>,
    /// The student's name or id as typed; graded as [`crate::lesson::student_id`] of it, which
    /// also picks their variant networks.
    pub student: String,
    /// Edit mode (which shows the engine's answers) was opened while answering.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub edit_mode_opened: bool,
    /// When the submission was written (seconds since 1970-01-01 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<u64>,
    /// By exercise or quiz id.
    #[serde(default)]
    pub answers: BTreeMap<String, SubmittedAnswer>,
    /// Keys the file had that this build ignores, as `answers.z1.points` (never written).
    #[serde(skip)]
    pub ignored: Vec<String>,
}

impl Default for Submission {
    fn default() -> Submission {
        Submission {
            format_version: SUBMISSION_FORMAT_VERSION,
            lesson: String::new(),
            lesson_version: None,
            lesson_digest: None,
            student: String::new(),
            edit_mode_opened: false,
            exported_at: None,
            answers: BTreeMap::new(),
            ignored: Vec::new(),
        }
    }
}

/// Reads `key` of `m` as a `T`; `Ok(None)` when it is absent or null.
fn take<T: DeserializeOwned>(m: &mut Map<String, Value>, key: &str) -> Result<Option<T>, String> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|_| format!("{key} is {}", describe(&v))),
    }
}

/// A JSON value in a few words, for messages: `the text "3,5"`, `a list`, ...
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("{b}, not a number"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let more = if short.len() < s.len() { "..." } else { "" };
            format!("the text {short:?}{more}, not a number")
        }
        Value::Array(_) => "a list that is not numbers, a list of numbers or a list of rows of numbers".into(),
        Value::Object(_) => "a table, not a number".into(),
    }
}

impl SubmittedAnswer {
    /// One answer read on its own: a value or choice that cannot be read makes the answer
    /// invalid with the reason; a record field that cannot be read is ignored and listed.
    fn read(id: &str, v: Value, ignored: &mut Vec<String>) -> SubmittedAnswer {
        let Value::Object(mut m) = v else {
            return SubmittedAnswer {
                invalid: Some(format!("the answer is {}, not a table with a value", describe(&v))),
                ..SubmittedAnswer::default()
            };
        };
        let mut a = SubmittedAnswer::default();
        match take::<Answer>(&mut m, "value") {
            Ok(v) => a.value = v,
            Err(e) => a.invalid = Some(e),
        }
        match take::<usize>(&mut m, "choice") {
            Ok(c) => a.choice = c,
            Err(_) => a.invalid = Some("the choice is not an option number".into()),
        }
        let mut record = |key: &str, m: &mut Map<String, Value>| -> Option<u64> {
            take::<u64>(m, key).unwrap_or_else(|_| {
                ignored.push(format!("answers.{id}.{key}"));
                None
            })
        };
        let clamp = |v: Option<u64>| v.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
        a.attempts = clamp(record("attempts", &mut m)).unwrap_or(0);
        a.hints_used = clamp(record("hints_used", &mut m));
        a.solution_opened_at = record("solution_opened_at", &mut m);
        a.first_check_at = record("first_check_at", &mut m);
        a.last_check_at = record("last_check_at", &mut m);
        match take::<bool>(&mut m, "solution_before_correct") {
            Ok(b) => a.solution_before_correct = b.unwrap_or(false),
            Err(_) => ignored.push(format!("answers.{id}.solution_before_correct")),
        }
        let mut rest: Vec<&String> = m.keys().collect();
        rest.sort();
        ignored.extend(rest.into_iter().map(|k| format!("answers.{id}.{k}")));
        a
    }
}

impl Submission {
    /// An empty submission for `lesson` by `student`: the lesson's title, version and digest
    /// filled in, the student's id normalised.
    pub fn for_lesson(lesson: &Lesson, student: &str) -> Submission {
        Submission {
            lesson: lesson.title.clone(),
            lesson_version: lesson.meta.version.clone(),
            lesson_digest: Some(lesson_digest(lesson)),
            student: crate::lesson::student_id(student),
            ..Submission::default()
        }
    }

    /// Parses a submission. A file that is not a JSON object of a submission is an error (with
    /// the line and column for bad JSON); a bad answer is kept as invalid (see the module).
    pub fn parse(text: &str) -> Result<Submission, String> {
        if text.trim().is_empty() {
            return Err("the file is empty".into());
        }
        let v: Value = serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let what = if e.is_eof() {
                "the file ends early (truncated?): "
            } else {
                ""
            };
            format!("line {}, column {}: {what}{msg}", e.line(), e.column())
        })?;
        let Value::Object(mut m) = v else {
            return Err("a submission is a JSON object with lesson, student and answers".into());
        };
        let format_version = take::<u32>(&mut m, "format_version")?.unwrap_or(1);
        if format_version > SUBMISSION_FORMAT_VERSION {
            return Err(format!(
                "submission format_version {format_version} is newer than this app reads ({SUBMISSION_FORMAT_VERSION})"
            ));
        }
        let lesson = take::<String>(&mut m, "lesson")?
            .ok_or("this is not a submission: it names no lesson (no \"lesson\" key)")?;
        let mut s = Submission {
            format_version,
            lesson,
            lesson_version: take(&mut m, "lesson_version")?,
            lesson_digest: take(&mut m, "lesson_digest")?,
            student: take(&mut m, "student")?.unwrap_or_default(),
            edit_mode_opened: take(&mut m, "edit_mode_opened")?.unwrap_or(false),
            exported_at: take(&mut m, "exported_at")?,
            ..Submission::default()
        };
        match m.remove("answers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(answers)) => {
                for (id, a) in answers {
                    let read = SubmittedAnswer::read(&id, a, &mut s.ignored);
                    s.answers.insert(id, read);
                }
            }
            Some(other) => return Err(format!("answers is {}, not a table of answers by id", describe(&other))),
        }
        let mut rest: Vec<String> = m.keys().cloned().collect();
        rest.sort();
        s.ignored.extend(rest);
        Ok(s)
    }

    /// The submission as pretty JSON; an answer that is not a finite number is refused.
    pub fn to_json(&self) -> Result<String, SerializeError> {
        pretty_json(self)
    }
}
