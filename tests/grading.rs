//! The grading model: the grading policy in the lesson file (read, written back, checked), the
//! submission's record and its old form, the lesson digest, and [`grade`] applying the policy
//! from the lesson.
//!
//! tests/fixtures/grading/policy.toml, by hand: one identity neuron, x = (1, 2), W = [3, -1],
//! b = 2, y = 0, loss ½(z - y)². z = 3·1 + (-1)·2 + 2 = 3; dL/dz = z - y = 3; dL/dW = 3·xᵀ =
//! [[3, 6]]. The lesson's policy: 3 checks, the worked solution after 2, 1 point off per hint,
//! 2 for a peek, no edit mode; "grad-w" allows 1 check and never shows its worked solution; the
//! quiz costs nothing for a peek.

use mlp_notebook::lesson::grade::{Flag, Outcome, Submission, SubmittedAnswer, grade, lesson_digest};
use mlp_notebook::lesson::policy::{Policy, WorkedSolution};
use mlp_notebook::lesson::{Answer, Cell, Lesson, load};
use mlp_notebook::nn::doc::Syntax;
use std::path::{Path, PathBuf};

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

pub fn lesson(path: &str) -> Lesson {
    let path = fixture(path);
    let text = std::fs::read_to_string(&path).unwrap();
    let dir = path.parent().unwrap().to_path_buf();
    let resolve = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    load(&text, Syntax::guess(&path.to_string_lossy(), &text), &resolve).unwrap()
}

fn policy_lesson() -> Lesson {
    lesson("grading/policy.toml")
}

#[test]
fn the_policy_is_read_per_lesson_and_per_item() {
    let l = policy_lesson();
    assert_eq!(
        l.policy("z"),
        Policy {
            max_attempts: Some(3),
            worked_solution: WorkedSolution::AfterAttempts(2),
            hint_deduction: 1,
            peek_deduction: 2
        }
    );
    assert_eq!(
        l.policy("grad-w"),
        Policy {
            max_attempts: Some(1),
            worked_solution: WorkedSolution::Never,
            hint_deduction: 1,
            peek_deduction: 2
        }
    );
    assert_eq!(l.policy("q").peek_deduction, 0);
    assert_eq!(l.policy("q").max_attempts, Some(3));
    assert!(l.is_graded() && !l.edit_mode_allowed());
    // A lesson without [grading] is not graded and allows edit mode.
    let plain = lesson("lessons/tiny.toml");
    assert!(!plain.is_graded() && plain.edit_mode_allowed());
    assert!(plain.policy("z1").is_default());
    for syntax in [Syntax::Toml, Syntax::Json] {
        let text = l.write(syntax).unwrap();
        let back = load(&text, syntax, &mlp_notebook::lesson::no_files).unwrap();
        assert_eq!(back, l, "{text}");
    }
    let toml = l.write(Syntax::Toml).unwrap();
    assert!(toml.contains("[grading]\nmax_attempts = 3\n"), "{toml}");
}

/// A line of the policy lesson replaced, and the loader's problems.
fn problems_with(old: &str, new: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture("grading/policy.toml")).unwrap();
    assert!(text.contains(old));
    let text = text.replace(old, new);
    match load(&text, Syntax::Toml, &mlp_notebook::lesson::no_files) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_policy_and_points_are_linted() {
    assert_eq!(
        problems_with("points = 4", "points = 4000000000"),
        ["line 34, column 10: cell 2 (exercise z): points is 4000000000; the limit is 1000"]
    );
    assert_eq!(
        problems_with("hint_deduction = 1", "hint_deduction = 5000"),
        ["line 5, column 1: grading hint_deduction is 5000; the limit is 1000"]
    );
    assert_eq!(
        problems_with("max_attempts = 1, worked", "edit_mode = true, max_attempts = 0, worked"),
        [
            "line 42, column 11: cell 3 (exercise grad-w): grading max_attempts must be 1 or more (leave it out for no limit)",
            "line 42, column 11: cell 3 (exercise grad-w): grading edit_mode is set for the whole lesson, in its [grading] table, not on an item"
        ]
    );
    let p = problems_with("worked_solution = \"never\"", "worked_solution = \"sometimes\"");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("unknown worked_solution 'sometimes'"), "{p:?}");
    let p = problems_with("points = 1\ngrading", "points = 1001\ngrading");
    assert_eq!(
        p,
        ["line 44, column 1: cell 4 (quiz q): points is 1001; the limit is 1000"]
    );
}

#[test]
fn old_submissions_still_parse_and_new_ones_round_trip() {
    // Format 1, as the window wrote it before the record was added.
    let old = r#"{ "format_version": 1, "lesson": "Graded neuron", "student": "Ada",
        "answers": { "z": { "value": 3, "attempts": 1, "hints_used": 0 }, "q": { "choice": 1, "attempts": 2 } } }"#;
    let s = Submission::parse(old).unwrap();
    assert_eq!(s.format_version, 1);
    assert_eq!(s.lesson_digest, None);
    assert!(!s.answers["z"].solution_before_correct && s.answers["z"].first_check_at.is_none());
    let g = grade(&policy_lesson(), &s);
    // No digest, no version: nothing to compare, so no flag.
    assert!(g.flags.is_empty(), "{:?}", g.flags);
    let mut new = Submission::for_lesson(&policy_lesson(), "  Ada \n Lovelace ");
    assert_eq!(new.student, "Ada Lovelace");
    assert_eq!(new.lesson_version.as_deref(), Some("2"));
    new.edit_mode_opened = true;
    new.exported_at = Some(1_765_000_000);
    new.answers.insert(
        "z".into(),
        SubmittedAnswer {
            value: Some(Answer::Scalar(3.0)),
            attempts: 2,
            hints_used: Some(1),
            solution_before_correct: true,
            solution_opened_at: Some(1_765_000_100),
            first_check_at: Some(1_765_000_050),
            last_check_at: Some(1_765_000_200),
            ..SubmittedAnswer::default()
        },
    );
    let text = new.to_json().unwrap();
    assert!(text.contains("\"solution_before_correct\": true"), "{text}");
    assert_eq!(Submission::parse(&text).unwrap(), new);
}

#[test]
fn the_digest_covers_graded_content_only() {
    let l = policy_lesson();
    let d = lesson_digest(&l);
    assert_eq!(d.len(), 16);
    assert_eq!(lesson_digest(&l.clone()), d);
    let mut text = l.clone();
    text.cells.insert(0, Cell::Text("A new introduction.".into()));
    assert_eq!(lesson_digest(&text), d, "prose does not change the digest");
    let mut weights = l.clone();
    if let Cell::Network(n) = &mut weights.cells[0] {
        n.doc.net.weights_mut(0)[(0, 0)] = 4.0;
    }
    assert_ne!(lesson_digest(&weights), d);
    let mut points = l.clone();
    if let Cell::Exercise(e) = &mut points.cells[1] {
        e.points = 5;
    }
    assert_ne!(lesson_digest(&points), d);
    let mut policy = l;
    policy.meta.grading.as_mut().unwrap().hint_deduction = Some(0);
    assert_ne!(lesson_digest(&policy), d);
}

fn answer(value: Option<Answer>, attempts: u32, hints: u32, peek: bool) -> SubmittedAnswer {
    SubmittedAnswer {
        value,
        attempts,
        hints_used: Some(hints),
        solution_before_correct: peek,
        ..SubmittedAnswer::default()
    }
}

/// The policy comes from the lesson: z right after 2 hints and a peek scores 4 - 2·1 - 2 = 0;
/// grad-w right but checked twice where 1 check is allowed scores 0; the quiz right after a
/// peek scores its 1 point (peek_deduction 0 there). Points in the file are ignored.
#[test]
fn grading_applies_the_lessons_policy_to_the_record() {
    let l = policy_lesson();
    let mut s = Submission::for_lesson(&l, "Ada");
    s.answers
        .insert("z".into(), answer(Some(Answer::Scalar(3.0)), 2, 2, true));
    s.answers.insert(
        "grad-w".into(),
        answer(Some(Answer::Matrix(vec![vec![3.0, 6.0]])), 2, 0, false),
    );
    s.answers.insert(
        "q".into(),
        SubmittedAnswer {
            choice: Some(1),
            attempts: 1,
            solution_before_correct: true,
            ..SubmittedAnswer::default()
        },
    );
    let g = grade(&l, &s);
    let got: Vec<(&str, u32, u32, Outcome)> = g
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.points, i.deducted, i.outcome.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("z", 0, 4, Outcome::Correct),
            ("grad-w", 0, 0, Outcome::Correct),
            ("q", 1, 0, Outcome::Correct)
        ]
    );
    assert_eq!((g.total, g.max), (1, 7));
    assert!(g.items[1].notes[0].contains("checked 2 times; the lesson allows 1"));
    // One hint, no peek: 4 - 1 = 3.
    s.answers
        .insert("z".into(), answer(Some(Answer::Scalar(3.0)), 1, 1, false));
    assert_eq!(grade(&l, &s).items[0].points, 3);
    // A forged file's points and policy are not believed.
    let forged = r#"{ "lesson": "Graded neuron", "student": "Ada", "points": 7,
        "answers": { "z": { "value": 99, "attempts": 1, "points": 4, "verdict": "correct",
                            "max_attempts": 100 } } }"#;
    let g = grade(&l, &Submission::parse(forged).unwrap());
    assert_eq!((g.items[0].points, g.total), (0, 0));
    assert_eq!(g.items[0].outcome, Outcome::Wrong);
    assert!(
        g.warnings
            .iter()
            .any(|w| w.contains("answers.z.max_attempts, answers.z.points, answers.z.verdict, points")),
        "{:?}",
        g.warnings
    );
}

/// Issue 6: text where a number belongs makes that answer invalid with its reason; the other
/// answers are graded (z = 3 is right: 4 points, no hints).
#[test]
fn a_bad_value_is_that_answers_problem() {
    let text = r#"{ "format_version": 2, "lesson": "Graded neuron", "student": "Kurt",
        "answers": { "z": { "value": 3, "attempts": 1 },
                     "grad-w": { "value": "3, 6", "attempts": 1 },
                     "q": { "choice": "first" } } }"#;
    let g = grade(&policy_lesson(), &Submission::parse(text).unwrap());
    assert_eq!(g.items[0].outcome, Outcome::Correct);
    assert_eq!(g.items[0].points, 4);
    assert_eq!(
        g.items[1].outcome,
        Outcome::Invalid("value is the text \"3, 6\", not a number".into())
    );
    assert_eq!(
        g.items[2].outcome,
        Outcome::Invalid("the choice is not an option number".into())
    );
    assert_eq!(g.total, 4);
    assert!(g.flags.is_empty());
}

#[test]
fn the_lesson_and_the_name_are_checked() {
    let l = policy_lesson();
    let mut s = Submission::for_lesson(&l, " ");
    assert_eq!(grade(&l, &s).flags, [Flag::NoName]);
    s.student = "Ada".into();
    s.lesson_version = Some("1".into());
    assert_eq!(grade(&l, &s).flags, [Flag::LessonChanged("version 1, now 2".into())]);
    s.lesson_version = Some("2".into());
    s.lesson_digest = Some("0000000000000000".into());
    assert!(matches!(grade(&l, &s).flags[..], [Flag::LessonChanged(_)]));
    s.lesson = "Another".into();
    assert_eq!(grade(&l, &s).flags, [Flag::WrongLesson("Another".into())]);
}

fn shipped(file: &str) -> Lesson {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons").join(file)).unwrap();
    load(&text, Syntax::Toml, &mlp_notebook::lesson::no_files).unwrap()
}

/// One answer to `id` in lesson `l`, graded.
fn verdict(l: &Lesson, id: &str, value: Answer) -> Outcome {
    let mut s = Submission::for_lesson(l, "");
    s.answers.insert(id.into(), answer(Some(value), 1, 0, false));
    let g = grade(l, &s);
    g.items.into_iter().find(|i| i.id == id).unwrap().outcome
}

/// Issue 5. Lesson 04's batch: a1 of the three samples (3, 4), (2, 8), (2, 1); outputs -1, -6,
/// 1 against y = 0, -5, 0, so δ2 = -1, -1, 1 (½ squared error, summed). dL/dW2 = Σ δ2 a1ᵀ =
/// (-3-2+2, -4-8+1) = [[-3, -11]]; the mean for the sum divides by 3: [[-1, -11/3]], which a
/// student types as -3.6667 or -3.67. -3.5 is no rounding of -11/3: plain wrong.
#[test]
fn mistakes_are_recognised_at_the_precision_a_student_types() {
    use mlp_notebook::lesson::MistakeKind;
    let l = shipped("04-matrices-and-batches.toml");
    let row = |a: f64, b: f64| Answer::Matrix(vec![vec![a, b]]);
    assert_eq!(verdict(&l, "grad-w2", row(-3.0, -11.0)), Outcome::Correct);
    for typed in [-3.6667, -3.67, -11.0 / 3.0] {
        assert_eq!(
            verdict(&l, "grad-w2", row(-1.0, typed)),
            Outcome::Mistake(MistakeKind::MeanForSum),
            "{typed}"
        );
    }
    assert_eq!(verdict(&l, "grad-w2", row(-1.0, -3.5)), Outcome::Wrong);
}

/// Issue 7. Shapes must match: dL/dW2 = [[-3, -11]] (1 x 2) given as a 2 x 1 column is the
/// transposed mistake (it applies to a whole weight gradient); tiny's δ1 = (3, 0, 0), a column
/// of 3, given as a 1 x 3 row is invalid, the swap named.
#[test]
fn shapes_must_match_and_a_transpose_is_named() {
    use mlp_notebook::lesson::MistakeKind;
    let l = shipped("04-matrices-and-batches.toml");
    assert_eq!(
        verdict(&l, "grad-w2", Answer::Matrix(vec![vec![-3.0], vec![-11.0]])),
        Outcome::Mistake(MistakeKind::TransposedW)
    );
    let tiny = lesson("lessons/tiny.toml");
    assert_eq!(
        verdict(&tiny, "delta1", Answer::Matrix(vec![vec![3.0, 0.0, 0.0]])),
        Outcome::Invalid(
            "The answer is a 1 x 3 matrix, but a vector of 3 is expected (rows and columns swapped)".into()
        )
    );
    assert_eq!(
        verdict(&tiny, "delta1", Answer::Matrix(vec![vec![3.0], vec![0.0], vec![0.0]])),
        Outcome::Correct
    );
}

/// The test set: every verdict and every kind of recognised mistake, on three lessons, each
/// expected verdict derived by hand.
///
/// tiny.toml: x = (1, 2), W1 = [[1, 2], [2, -1], [-1, -1]], b1 = (1, 0, 0), so z1 = (6, 0, -3),
/// a1 = relu(z1) = (6, 0, 0); without b1, z1 = (5, 0, -3); the negative is (-6, 0, 3).
/// δ1 = (3, 0, 0); with relu'(0) taken as 1, unit 2 passes dL/da1[2] = 3·W2[1,2] = -6 back:
/// (3, -6, 0). The batch network: outputs 2·1 = 2 and 2·3 = 6 against 0, mse over 2 samples:
/// dL/dW = (2·2·1 + 2·6·3) / 2 = 20; the sum instead of the mean: 40. W1[1,2] for z1[1] = 5 is
/// 1.5 with tolerance abs 0.01: 1.55 is within 10 times that (close), -1.5 the wrong sign.
/// kinds.toml: z = -3·1 + 1 = -2, a = relu(-2) = 0; -2 for a is z for a.
/// Lesson 04: dL/dW2 = [[-3, -11]], its mean over 3 samples [[-1, -11/3]] (see above).
#[test]
fn the_test_set_covers_every_verdict_and_mistake_kind() {
    use mlp_notebook::lesson::MistakeKind::*;
    let tiny = lesson("lessons/tiny.toml");
    let kinds = lesson("grading/kinds.toml");
    let l04 = shipped("04-matrices-and-batches.toml");
    let v = |v: &[f64]| Answer::Vector(v.to_vec());
    let m = |rows: &[&[f64]]| Answer::Matrix(rows.iter().map(|r| r.to_vec()).collect());
    let cases: Vec<(&Lesson, &str, Answer, Outcome)> = vec![
        (&tiny, "z1", v(&[6.0, 0.0, -3.0]), Outcome::Correct),
        (&tiny, "w12-for-z5", Answer::Scalar(1.55), Outcome::Close),
        (&tiny, "w12-for-z5", Answer::Scalar(-1.5), Outcome::Mistake(WrongSign)),
        (&tiny, "z1", v(&[-6.0, 0.0, 3.0]), Outcome::Mistake(WrongSign)),
        (&tiny, "delta1", v(&[3.0, -6.0, 0.0]), Outcome::Mistake(ReluPrimeAtZero)),
        (&tiny, "z1", v(&[5.0, 0.0, -3.0]), Outcome::Mistake(ForgotBias)),
        (&kinds, "a", Answer::Scalar(-2.0), Outcome::Mistake(ZForA)),
        (&tiny, "z1", v(&[6.0, 0.0, 0.0]), Outcome::Mistake(AForZ)),
        (&l04, "grad-w2", m(&[&[-3.0], &[-11.0]]), Outcome::Mistake(TransposedW)),
        (&tiny, "batch-grad", m(&[&[40.0]]), Outcome::Mistake(SumForMean)),
        (&l04, "grad-w2", m(&[&[-1.0, -3.6667]]), Outcome::Mistake(MeanForSum)),
        (&tiny, "z1", v(&[6.0, 1.0, -3.0]), Outcome::Wrong),
        (
            &tiny,
            "z1",
            Answer::Scalar(6.0),
            Outcome::Invalid("The answer is a number, but a vector of 3 is expected".into()),
        ),
    ];
    for (l, id, answer, want) in cases {
        assert_eq!(verdict(l, id, answer.clone()), want, "{id} = {}", answer.to_text());
    }
    // Blank: no answer; a quiz choice that does not exist is invalid.
    let g = grade(&tiny, &Submission::for_lesson(&tiny, "Ada"));
    assert!(g.items.iter().all(|i| i.outcome == Outcome::Blank && i.points == 0));
    let mut s = Submission::for_lesson(&tiny, "Ada");
    s.answers.insert(
        "dead".into(),
        SubmittedAnswer {
            choice: Some(3),
            ..SubmittedAnswer::default()
        },
    );
    assert_eq!(
        grade(&tiny, &s).items[3].outcome,
        Outcome::Invalid("choice 3 does not exist: the quiz has options 1 to 2".into())
    );
}
