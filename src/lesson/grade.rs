//! Submissions and grading: the one grading function, [`grade`], used by the window's count,
//! the exported submission and `mlp-notebook check`.
//!
//! [`grade`] grades the last answer of every exercise and quiz on the lesson as given (never on
//! edits the student made to the network), each on the student's own variant networks rebuilt
//! from their id, and applies the lesson's grading policy ([`super::policy`]). Nothing the
//! submission says about points, verdicts or policy is believed; its record of checks, hints
//! and peeks is what the policy is applied to. A right answer scores its points less the
//! policy's deductions; a close answer, a recognised mistake, a wrong, blank or invalid answer
//! scores 0. The submission's lesson title, version and digest are compared with the lesson's
//! ([`Flag::WrongLesson`], [`Flag::LessonChanged`]).
//!
//! Cost: one forward and backward pass per network, plus the mistakes' passes per exercise;
//! cheap enough to call after every check (see `benches/grading.rs`).

mod submission;

pub use submission::{SUBMISSION_FORMAT_VERSION, Submission, SubmittedAnswer};

use super::answer::Answer;
use super::compute::Computed;
use super::exercise::{Exercise, Verdict, compare};
use super::mistakes::MistakeKind;
use super::quiz::Quiz;
use super::variant::fnv1a64;
use super::{Cell, Lesson, student_id};
use serde::Serialize;
use std::collections::HashMap;

/// How one item went: the verdict.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Correct,
    /// Within 10 times the tolerance, not within it (a rounding slip).
    Close,
    /// What a recognised mistake gives.
    Mistake(MistakeKind),
    Wrong,
    /// No answer given.
    Blank,
    /// The answer could not be read or compared (text for a number, a wrong shape, a quiz
    /// choice that does not exist), with the reason.
    Invalid(String),
}

impl Outcome {
    /// The verdict word of tables and gradebooks: `correct`, `close`, the mistake's name
    /// (`mean_for_sum`, ...), `wrong`, `blank`, `invalid: reason`.
    pub fn word(&self) -> String {
        match self {
            Outcome::Blank => "blank".into(),
            Outcome::Correct => "correct".into(),
            Outcome::Close => "close".into(),
            Outcome::Mistake(k) => k.name().into(),
            Outcome::Wrong => "wrong".into(),
            Outcome::Invalid(m) => format!("invalid: {m}"),
        }
    }

    /// The verdict for a student (a mistake by its title).
    pub fn text(&self) -> String {
        match self {
            Outcome::Mistake(k) => format!("recognised mistake: {}", k.title()),
            o => o.word(),
        }
    }
}

/// An exercise or a quiz.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Exercise,
    Quiz,
}

/// One exercise's or quiz's grade.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemGrade {
    pub id: String,
    pub kind: ItemKind,
    /// Points scored, after the policy's deductions.
    pub points: u32,
    /// The item's points in the lesson.
    pub max: u32,
    pub outcome: Outcome,
    /// The final answer as written (`[1, 2]`; a quiz's option number), if one was given.
    pub answer: Option<String>,
    /// The right answer on this student's networks (a quiz's correct option numbers), when
    /// the engine could compute it.
    pub expected: Option<String>,
    /// Points taken off a right answer by the policy (hints, a peek).
    pub deducted: u32,
    /// What the policy did or saw: deductions, checks over the limit, a worked solution the
    /// lesson does not offer.
    pub notes: Vec<String>,
}

/// Something about a submission file that the grader must see: the gradebook's status column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flag {
    /// The file could not be read as a submission (no grades).
    Unreadable(String),
    /// The submission names another lesson.
    WrongLesson(String),
    /// Same title, but the lesson's version or graded content changed since the student began.
    LessonChanged(String),
    /// Another file has the same student id.
    DuplicateStudent,
    /// The student id is empty.
    NoName,
    /// The id is not on the roster.
    NotOnRoster,
    /// The id is not on the roster but looks like this roster id.
    LooksLike(String),
}

impl Flag {
    /// The status word: `unreadable: reason`, `wrong lesson`, `lesson changed`, ...
    pub fn word(&self) -> String {
        match self {
            Flag::Unreadable(m) => format!("unreadable: {m}"),
            Flag::WrongLesson(_) => "wrong lesson".into(),
            Flag::LessonChanged(_) => "lesson changed".into(),
            Flag::DuplicateStudent => "duplicate student".into(),
            Flag::NoName => "no name".into(),
            Flag::NotOnRoster => "not on roster".into(),
            Flag::LooksLike(id) => format!("looks like roster id {id}"),
        }
    }

    /// One sentence for the list of problems.
    pub fn explain(&self) -> String {
        match self {
            Flag::WrongLesson(t) => format!("the submission is for the lesson '{t}'"),
            Flag::LessonChanged(m) => format!("the lesson changed since the student began: {m}"),
            f => f.word(),
        }
    }
}

/// A student's grade.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    /// The student's id ([`student_id`] of the name in the submission).
    pub student: String,
    /// In lesson order.
    pub items: Vec<ItemGrade>,
    /// Points scored (saturating: never wraps).
    pub total: u32,
    /// The lesson's points.
    pub max: u32,
    /// Wrong lesson, lesson changed, no name.
    pub flags: Vec<Flag>,
    /// Things the grader should know that do not stop the row: answers to ids the lesson does
    /// not have, ignored keys, edit mode opened.
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

/// What the digest covers: each graded item as written, the networks the exercises read (with
/// their variants) and the lesson's grading policy. Text cells and plots are left out, so
/// rewording the lesson's prose does not flag every submission.
#[derive(Serialize)]
struct Graded<'a> {
    grading: Option<super::policy::GradingPolicy>,
    items: Vec<super::file::CellFile>,
    networks: Vec<GradedNetwork<'a>>,
}

/// A network cell's id, its variant (`init`, `k`) and its network as written.
type GradedNetwork<'a> = (&'a str, Option<(&'static str, i64)>, crate::nn::doc::NetworkFile);

/// A digest of the lesson's graded content (16 hex digits, FNV-1a of its JSON): two lessons
/// with the same digest grade every submission alike.
pub fn lesson_digest(lesson: &Lesson) -> String {
    let mut g = Graded {
        grading: lesson.meta.grading,
        items: Vec::new(),
        networks: Vec::new(),
    };
    for c in &lesson.cells {
        match c {
            Cell::Exercise(_) | Cell::Quiz(_) => g.items.push(c.to_file()),
            Cell::Network(n) => g.networks.push((
                n.id(),
                n.options.variant.map(|v| (v.init_name(), v.k())),
                n.doc.to_file(),
            )),
            _ => {}
        }
    }
    // A number that cannot be written (never in a loaded lesson) still gives one digest.
    let text = serde_json::to_string(&g).unwrap_or_else(|e| e.to_string());
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// Whether the submission was made for this lesson as it is now.
fn lesson_flags(lesson: &Lesson, sub: &Submission) -> Option<Flag> {
    if sub.lesson.trim() != lesson.title.trim() {
        return Some(Flag::WrongLesson(sub.lesson.clone()));
    }
    if let (Some(theirs), Some(ours)) = (&sub.lesson_version, &lesson.meta.version)
        && theirs != ours
    {
        return Some(Flag::LessonChanged(format!("version {theirs}, now {ours}")));
    }
    match &sub.lesson_digest {
        Some(d) if *d != lesson_digest(lesson) => Some(Flag::LessonChanged(
            "its exercises, quizzes, networks or grading differ from the ones answered".into(),
        )),
        _ => None,
    }
}

/// Grades a submission: see the module comment.
pub fn grade(lesson: &Lesson, sub: &Submission) -> Grade {
    let student = student_id(&sub.student);
    let who = (!student.is_empty()).then_some(student.as_str());
    let mut flags: Vec<Flag> = lesson_flags(lesson, sub).into_iter().collect();
    if student.is_empty() {
        flags.push(Flag::NoName);
    }
    let mut warnings = Vec::new();
    let items = graded_items(lesson);
    for id in sub.answers.keys() {
        if !items.iter().any(|(i, _)| i == id) {
            warnings.push(format!(
                "an answer to '{id}', which the lesson does not have, was ignored"
            ));
        }
    }
    if !sub.ignored.is_empty() {
        warnings.push(format!("ignored (not believed): {}", sub.ignored.join(", ")));
    }
    if sub.edit_mode_opened {
        warnings.push("edit mode (which shows the engine's answers) was opened".into());
    }
    let mut computed: HashMap<&str, Result<Computed, String>> = HashMap::new();
    let mut graded = Vec::with_capacity(items.len());
    for cell in &lesson.cells {
        let mut g = match cell {
            Cell::Exercise(ex) => {
                let c = computed
                    .entry(ex.network.as_str())
                    .or_insert_with(|| lesson.computed_for(ex, who));
                grade_exercise(ex, c.as_ref().map_err(Clone::clone), sub.answers.get(&ex.id))
            }
            Cell::Quiz(q) => grade_quiz(q, sub.answers.get(&q.id)),
            _ => continue,
        };
        let a = sub.answers.get(&g.id);
        apply_policy(lesson, &mut g, a);
        graded.push(g);
    }
    Grade {
        student,
        total: graded.iter().fold(0u32, |t, g| t.saturating_add(g.points)),
        max: graded.iter().fold(0u32, |t, g| t.saturating_add(g.max)),
        items: graded,
        flags,
        warnings,
    }
}

fn item(id: &str, kind: ItemKind, max: u32, outcome: Outcome) -> ItemGrade {
    ItemGrade {
        id: id.to_string(),
        kind,
        points: 0,
        max,
        outcome,
        answer: None,
        expected: None,
        deducted: 0,
        notes: Vec::new(),
    }
}

fn grade_exercise(ex: &Exercise, c: Result<&Computed, String>, a: Option<&SubmittedAnswer>) -> ItemGrade {
    let mut g = item(&ex.id, ItemKind::Exercise, ex.points, Outcome::Blank);
    let expected = c.and_then(|c| Ok((ex.answer(c)?, c)));
    if let Ok((e, _)) = &expected {
        g.expected = Some(e.to_text());
    }
    let Some(a) = a else { return g };
    g.answer = a.value.as_ref().map(Answer::to_text);
    g.outcome = match (&a.invalid, &a.value, expected) {
        (Some(m), _, _) => Outcome::Invalid(m.clone()),
        (None, None, _) => Outcome::Blank,
        (None, Some(_), Err(m)) => Outcome::Invalid(m),
        (None, Some(v), Ok((e, c))) => {
            let f = compare(&e, v, ex.tolerance_for(&e), &ex.mistakes(c, &e), None);
            match f.verdict {
                Verdict::Correct => Outcome::Correct,
                Verdict::Close => Outcome::Close,
                Verdict::Mistake { kind, .. } => Outcome::Mistake(kind),
                Verdict::Wrong { .. } => Outcome::Wrong,
                Verdict::Unreadable(m) => Outcome::Invalid(m.trim_end_matches('.').to_string()),
            }
        }
    };
    g
}

fn grade_quiz(q: &Quiz, a: Option<&SubmittedAnswer>) -> ItemGrade {
    let mut g = item(&q.id, ItemKind::Quiz, q.points, Outcome::Blank);
    let right: Vec<String> = q.correct_choices().iter().map(usize::to_string).collect();
    g.expected = Some(right.join(" or "));
    let Some(a) = a else { return g };
    g.answer = a.choice.map(|c| c.to_string());
    g.outcome = match (&a.invalid, a.choice) {
        (Some(m), _) => Outcome::Invalid(m.clone()),
        (None, None) => Outcome::Blank,
        (None, Some(choice)) => match q.check(choice) {
            Ok(f) if f.correct => Outcome::Correct,
            Ok(_) => Outcome::Wrong,
            Err(m) => Outcome::Invalid(m),
        },
    };
    g
}

/// The lesson's policy for the item applied to the submission's record of it.
fn apply_policy(lesson: &Lesson, g: &mut ItemGrade, a: Option<&SubmittedAnswer>) {
    let p = lesson.policy(&g.id);
    let (checks, hints, peeked) = a.map_or((0, 0, false), |a| {
        (a.attempts, a.hints_used.unwrap_or(0), a.solution_before_correct)
    });
    let hints = match lesson.exercise(&g.id) {
        Some(ex) => hints.min(u32::try_from(ex.hints.len()).unwrap_or(u32::MAX)),
        None => 0,
    };
    if peeked && p.worked_solution == super::policy::WorkedSolution::Never {
        g.notes
            .push("the worked solution was opened, though the lesson does not offer it".into());
    }
    if g.outcome != Outcome::Correct {
        return;
    }
    if let Some(m) = p.max_attempts
        && checks > m
    {
        g.notes
            .push(format!("checked {checks} times; the lesson allows {m}: no points"));
        return;
    }
    g.points = p.points(g.max, hints, peeked);
    g.deducted = g.max - g.points;
    if hints > 0 && p.hint_deduction > 0 {
        let s = if hints == 1 { "" } else { "s" };
        g.notes
            .push(format!("{hints} hint{s} shown: -{} each", p.hint_deduction));
    }
    if peeked && p.peek_deduction > 0 {
        g.notes.push(format!(
            "worked solution opened before a right answer: -{}",
            p.peek_deduction
        ));
    }
}
