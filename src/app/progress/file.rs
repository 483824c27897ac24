//! The progress file: one JSON file per lesson holding every student's progress in it, keyed
//! by the student's id as normalised ([`student_key`]), so two students sharing a computer
//! each find their own answers and nobody's carry over to the next.
//!
//! Format 1 (written before students were kept apart) held one student's progress at the top
//! level; it is read as that student's entry of format 2 and written back as format 2 at the
//! next save, so nothing saved by an older version is lost.

use crate::app::student::Record;
use crate::lesson::Answer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The progress file format version this build writes; it also reads format 1.
pub const PROGRESS_FORMAT_VERSION: u32 = 2;

/// One exercise's progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExerciseProgress {
    /// The text typed, row by row.
    pub entries: Vec<Vec<String>>,
    pub attempts: u32,
    pub hints_shown: usize,
    pub solution_shown: bool,
    pub solved: bool,
    /// The answer shown was checked (its verdict is shown again when the lesson is reopened).
    pub checked: bool,
    /// The last answer checked: what the submission hands in, even if other text was typed
    /// after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_checked: Option<Answer>,
    /// Hints used, a peek at the worked solution, times.
    pub record: Record,
}

/// One quiz's progress; `choice` is 1-based as the window numbers options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuizProgress {
    pub choice: Option<usize>,
    pub attempts: u32,
    /// The choice shown was checked.
    pub checked: bool,
    /// The last choice checked (1-based): what the submission hands in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_checked: Option<usize>,
    pub record: Record,
}

/// One student's progress in a lesson.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StudentProgress {
    /// The name or id as the student last typed it (the key is its normalised form).
    pub student: String,
    pub exercises: BTreeMap<String, ExerciseProgress>,
    pub quizzes: BTreeMap<String, QuizProgress>,
    /// Edit mode (which shows the engine's answers) was opened by this student in this lesson.
    pub edit_mode_opened: bool,
}

/// A lesson's progress file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    pub format_version: u32,
    /// The lesson's key ([`super::lesson_key`]): a file for another lesson is not read.
    pub lesson: String,
    pub title: String,
    /// Every student's progress, by [`student_key`]; `""` is the progress made with no name.
    pub students: BTreeMap<String, StudentProgress>,
}

/// Format 1: one student's progress, read only to be carried into format 2.
#[derive(Deserialize)]
#[serde(default)]
#[derive(Default)]
struct ProgressV1 {
    lesson: String,
    title: String,
    student: String,
    exercises: BTreeMap<String, ExerciseProgress>,
    quizzes: BTreeMap<String, QuizProgress>,
}

/// The key a student's progress is kept under: their id as the grader normalises it
/// ([`crate::lesson::student::student_id`]), so " Ada  Lovelace" finds Ada Lovelace's answers and
/// her variant; "ada lovelace" is another id (the window points out the look-alike).
pub fn student_key(name: &str) -> String {
    crate::lesson::student::student_id(name)
}

/// Reads a progress file of format 1 or 2 (format 1 becomes its student's entry).
pub fn parse_progress(text: &str) -> Result<Progress, String> {
    #[derive(Deserialize)]
    struct Version {
        #[serde(default)]
        format_version: u32,
    }
    let v: Version = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match v.format_version {
        0 | 1 => {
            let mut old: ProgressV1 = serde_json::from_str(text).map_err(|e| e.to_string())?;
            // Format 1 kept no record: what it can tell is carried over. A worked solution
            // shown on an exercise never solved was a look before a right answer.
            for e in old.exercises.values_mut() {
                e.record.hints_used = u32::try_from(e.hints_shown).unwrap_or(u32::MAX);
                e.record.peeked = e.solution_shown && !e.solved;
            }
            let mut students = BTreeMap::new();
            students.insert(
                student_key(&old.student),
                StudentProgress {
                    student: student_key(&old.student),
                    exercises: old.exercises,
                    quizzes: old.quizzes,
                    edit_mode_opened: false,
                },
            );
            Ok(Progress {
                format_version: PROGRESS_FORMAT_VERSION,
                lesson: old.lesson,
                title: old.title,
                students,
            })
        }
        PROGRESS_FORMAT_VERSION => serde_json::from_str(text).map_err(|e| e.to_string()),
        n => Err(format!(
            "format_version {n} is newer than this app reads ({PROGRESS_FORMAT_VERSION}); it was left as it is"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_1_file_becomes_its_students_entry() {
        let text = r#"{
  "format_version": 1,
  "lesson": "L\n#0",
  "title": "L",
  "student": " Ada  Lovelace ",
  "exercises": { "z": { "entries": [["12"]], "attempts": 2, "hints_shown": 1, "solution_shown": false, "solved": true, "checked": true } },
  "quizzes": { "q": { "choice": 2, "attempts": 1, "checked": true } }
}"#;
        let p = parse_progress(text).unwrap();
        assert_eq!(p.format_version, PROGRESS_FORMAT_VERSION);
        assert_eq!(p.lesson, "L\n#0");
        let ada = &p.students["Ada Lovelace"];
        assert_eq!(ada.student, "Ada Lovelace");
        assert_eq!(ada.exercises["z"].record.hints_used, 1);
        assert!(!ada.exercises["z"].record.peeked);
        assert_eq!(ada.exercises["z"].entries, vec![vec!["12".to_string()]]);
        assert_eq!((ada.exercises["z"].attempts, ada.exercises["z"].hints_shown), (2, 1));
        assert_eq!(ada.quizzes["q"].choice, Some(2));
        assert_eq!(p.students.len(), 1);
    }

    #[test]
    fn a_newer_file_is_refused_and_a_broken_one_named() {
        assert!(
            parse_progress(r#"{"format_version": 9}"#)
                .unwrap_err()
                .contains("newer")
        );
        assert!(parse_progress("{").is_err());
    }

    #[test]
    fn keys_are_the_graders_ids() {
        assert_eq!(student_key("  Ada\tLovelace "), "Ada Lovelace");
        assert_ne!(student_key("ada lovelace"), student_key("Ada Lovelace"));
        assert_eq!(student_key(""), "");
    }
}
