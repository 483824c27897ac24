//! The window's score is the grader's: the top bar's count is the grade of the submission the
//! window would export (the grading function `mlp-notebook check` runs), a right answer checked
//! again wrong no longer counts, and a lesson's grading policy (checks allowed, when the worked
//! solution opens, edit mode off) is enforced and recorded. Right answers come from the engine
//! through the lesson API; expected points are the lesson's own.

use super::ui_exercises::{
    TestDialogs, click, exercise, expected, fmt_number, harness_with, one_neuron, scalar, shows, type_into,
};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::student::{ExerciseAction, QuizAction, unix_now};
use mlp_notebook::app::{AppState, CellState, Command, StudentCommand};
use mlp_notebook::lesson::grade::Outcome;
use mlp_notebook::lesson::policy::GradingPolicy;
use mlp_notebook::lesson::{Answer, Cell, Lesson, Submission, WorkedSolution, grade};
use mlp_notebook::window::NotebookApp;
use proptest::prelude::*;

const Z_FIELD: &str = "answer z1[1], exercise 1";

fn items(lesson: &Lesson) -> usize {
    lesson
        .cells
        .iter()
        .filter(|c| matches!(c, Cell::Exercise(_) | Cell::Quiz(_)))
        .count()
}

/// Exports the window's submission and grades the file as `check` would.
fn export_and_grade(s: &mut AppState, lesson: &Lesson) -> (Submission, mlp_notebook::lesson::Grade) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub.json");
    s.apply(Command::Student(StudentCommand::ExportSubmissionTo(path.clone())));
    let sub = Submission::parse(&std::fs::read_to_string(&path).expect("the submission was written")).unwrap();
    let g = grade(lesson, &sub);
    (sub, g)
}

#[test]
fn a_right_answer_checked_again_wrong_no_longer_counts() {
    let lesson = one_neuron();
    let n = items(&lesson);
    let max: u32 = mlp_notebook::lesson::grade::graded_items(&lesson)
        .iter()
        .map(|(_, p)| p)
        .sum();
    let mut h = harness_with(lesson.clone(), None);
    type_into(&mut h, "Student:", "Ada", true);
    let z = scalar(&expected(&lesson, "z-of-the-neuron", Some("Ada")));
    let z_points = lesson.exercise("z-of-the-neuron").unwrap().points;
    type_into(&mut h, Z_FIELD, &fmt_number(z), true);
    assert!(shows(&h, &format!("1 of {n} right · {z_points} of {max} points")));
    assert!(shows(&h, "solved"));
    // "Forgot the bias": the last answer is wrong, and the count says so.
    type_into(&mut h, Z_FIELD, &fmt_number(z + 1.0), true);
    assert!(shows(&h, &format!("0 of {n} right · 0 of {max} points")));
    assert!(!shows(&h, "solved"));
    // The file handed in grades the same.
    let (sub, g) = export_and_grade(&mut h.state_mut().state, &lesson);
    assert_eq!(g.total, 0);
    assert_eq!(sub.answers["z-of-the-neuron"].value, Some(Answer::Scalar(z + 1.0)));
    assert_eq!(sub.answers["z-of-the-neuron"].attempts, 2);
}

#[test]
fn the_top_bar_shows_what_the_grader_gives_the_exported_file() {
    let lesson = one_neuron();
    let mut h = harness_with(lesson.clone(), None);
    type_into(&mut h, "Student:", "Grace", true);
    let z = scalar(&expected(&lesson, "z-of-the-neuron", Some("Grace")));
    let a = scalar(&expected(&lesson, "a-of-the-neuron", Some("Grace")));
    type_into(&mut h, Z_FIELD, &fmt_number(z), true);
    type_into(&mut h, "answer a1[1], exercise 2", &fmt_number(-a), true);
    let q = lesson.quiz("relu-of-negative").unwrap();
    click(&mut h, Role::RadioButton, &q.options[q.correct_choices()[0] - 1].text);
    click(&mut h, Role::Button, "Check quiz 1");
    // Typed but not checked: not handed in, not counted.
    type_into(&mut h, "answer b1[1], exercise 3", "7", false);
    let (sub, g) = export_and_grade(&mut h.state_mut().state, &lesson);
    h.run();
    let right = g.items.iter().filter(|i| i.outcome == Outcome::Correct).count();
    assert_eq!(right, 2);
    assert_eq!(g.total, lesson.exercise("z-of-the-neuron").unwrap().points + q.points);
    assert!(shows(
        &h,
        &format!("{right} of {} right · {} of {} points", g.items.len(), g.total, g.max)
    ));
    assert!(!sub.answers.contains_key("bias-for-zero"));
    assert!(shows(
        &h,
        "Not handed in, as not checked since the last change: exercise 3"
    ));
}

/// One neuron with a policy: 2 checks per item, the worked solution after 1 check, 1 point off
/// per hint and 1 for a peek, edit mode `edit`.
fn graded_one_neuron(edit: Option<bool>) -> Lesson {
    let mut l = one_neuron();
    l.meta.grading = Some(GradingPolicy {
        max_attempts: Some(2),
        worked_solution: Some(WorkedSolution::AfterAttempts(1)),
        hint_deduction: Some(1),
        peek_deduction: Some(1),
        edit_mode: edit,
    });
    l
}

fn disabled(h: &Harness<'_, NotebookApp>, label: &str) -> bool {
    h.get_by_role_and_label(Role::Button, label)
        .accesskit_node()
        .is_disabled()
}

#[test]
fn checks_left_are_shown_and_enforced_and_the_worked_solution_waits() {
    let lesson = graded_one_neuron(None);
    let mut h = harness_with(lesson.clone(), None);
    let z = scalar(&expected(&lesson, "z-of-the-neuron", None));
    assert!(shows(&h, "Graded lesson"));
    assert!(shows(&h, "2 of 2 checks left"));
    // The worked solution opens after one check, and says so.
    assert!(disabled(&h, "Show worked solution of exercise 1"));
    assert!(shows(&h, "The worked solution opens after 1 check (1 more)"));
    type_into(&mut h, Z_FIELD, &fmt_number(z + 1.0), true);
    assert!(shows(&h, "1 of 2 checks left"));
    assert!(!disabled(&h, "Show worked solution of exercise 1"));
    type_into(&mut h, Z_FIELD, &fmt_number(z + 2.0), true);
    assert!(shows(&h, "no checks left (the lesson allows 2)"));
    assert!(disabled(&h, "Check exercise 1"));
    // Sent anyway (Enter, a script), a third check is refused and counts nothing.
    let (ci, _) = exercise(&h, "z-of-the-neuron");
    let s = &mut h.state_mut().state;
    s.apply(Command::Student(StudentCommand::Exercise {
        cell: ci,
        action: ExerciseAction::Type {
            row: 0,
            col: 0,
            text: fmt_number(z),
        },
    }));
    s.apply(Command::Student(StudentCommand::Exercise {
        cell: ci,
        action: ExerciseAction::Check,
    }));
    h.run();
    assert_eq!(exercise(&h, "z-of-the-neuron").1.attempts, 2);
    assert!(shows(&h, "No checks left on this exercise"));

    // A quiz: two checks, then the options and Check are greyed out.
    let q = lesson.quiz("relu-of-negative").unwrap();
    let wrong = (1..=q.options.len())
        .find(|c| !q.correct_choices().contains(c))
        .unwrap();
    click(&mut h, Role::RadioButton, &q.options[wrong - 1].text);
    click(&mut h, Role::Button, "Check quiz 1");
    click(&mut h, Role::Button, "Check quiz 1");
    assert!(disabled(&h, "Check quiz 1"));
    let right = &q.options[q.correct_choices()[0] - 1].text;
    assert!(
        h.get_by_role_and_label(Role::RadioButton, right)
            .accesskit_node()
            .is_disabled()
    );
    let qi = h
        .state()
        .state
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Quiz(_)))
        .unwrap();
    let s = &mut h.state_mut().state;
    s.apply(Command::Student(StudentCommand::Quiz {
        cell: qi,
        action: QuizAction::Choose(q.correct_choices()[0] - 1),
    }));
    s.apply(Command::Student(StudentCommand::Quiz {
        cell: qi,
        action: QuizAction::Check,
    }));
    assert_eq!(s.quiz(qi).unwrap().attempts, 2);
    assert_eq!(s.submission().answers["relu-of-negative"].choice, Some(wrong));
}

#[test]
fn a_peek_and_the_hints_are_recorded_with_their_time_and_cost_points() {
    let lesson = graded_one_neuron(None);
    let mut h = harness_with(lesson.clone(), None);
    type_into(&mut h, "Student:", "Ada", true);
    let z = scalar(&expected(&lesson, "z-of-the-neuron", Some("Ada")));
    let before = unix_now().unwrap();
    click(&mut h, Role::Button, "Hint for exercise 1");
    type_into(&mut h, Z_FIELD, &fmt_number(z + 1.0), true);
    click(&mut h, Role::Button, "Show worked solution of exercise 1");
    type_into(&mut h, Z_FIELD, &fmt_number(z), true);
    let after = unix_now().unwrap();
    let (sub, g) = export_and_grade(&mut h.state_mut().state, &lesson);
    let a = &sub.answers["z-of-the-neuron"];
    assert!(a.solution_before_correct, "opened before the right answer");
    let t = a.solution_opened_at.expect("when it was opened");
    assert!(before <= t && t <= after);
    assert_eq!(a.attempts, 2);
    // One hint asked for, and one shown by the wrong answer (one neuron's z has two).
    let hints = lesson.exercise("z-of-the-neuron").unwrap().hints.len() as u32;
    assert_eq!(a.hints_used, Some(2.min(hints)));
    let z_item = g.items.iter().find(|i| i.id == "z-of-the-neuron").unwrap();
    assert_eq!(z_item.outcome, Outcome::Correct);
    // Points: max - 1 per hint - 1 for the peek, never below 0.
    let max = lesson.exercise("z-of-the-neuron").unwrap().points;
    assert_eq!(z_item.points, max.saturating_sub(2.min(hints) + 1));
    assert!(shows(&h, &format!("{} of {} points", g.total, g.max)));
}

#[test]
fn a_graded_lesson_can_keep_students_out_of_edit_mode_and_records_it_otherwise() {
    let mut h = harness_with(graded_one_neuron(Some(false)), None);
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    assert!(!h.state().state.session.edit_mode);
    assert!(shows(&h, "This is a graded lesson: edit mode"));
    assert!(!h.state().state.submission().edit_mode_opened);
    // Allowed (the default), opening it is in the submission.
    let mut h = harness_with(graded_one_neuron(None), None);
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    assert!(h.state().state.session.edit_mode);
    assert!(h.state().state.submission().edit_mode_opened);
}

/// One step a student may take.
#[derive(Clone, Debug)]
enum Step {
    /// Type into exercise `i` (of the lesson's exercises): the right answer, its negative
    /// (a wrong sign), the right one plus 1, or text that is not a number.
    Type(usize, u8),
    Check(usize),
    Hint(usize),
    Solution(usize),
    Choose(usize, usize),
    CheckQuiz(usize),
    Student(u8),
    StartOver,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..6usize, 0..4u8).prop_map(|(i, k)| Step::Type(i, k)),
        3 => (0..6usize).prop_map(Step::Check),
        1 => (0..6usize).prop_map(Step::Hint),
        1 => (0..6usize).prop_map(Step::Solution),
        2 => (0..2usize, 0..4usize).prop_map(|(q, o)| Step::Choose(q, o)),
        2 => (0..2usize).prop_map(Step::CheckQuiz),
        1 => (0..2u8).prop_map(Step::Student),
        1 => Just(Step::StartOver),
    ]
}

fn apply_step(s: &mut AppState, lesson: &Lesson, st: &Step) {
    let cells = |want_quiz: bool| -> Vec<usize> {
        s.doc
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                if want_quiz {
                    matches!(c, CellState::Quiz(_))
                } else {
                    matches!(c, CellState::Exercise(_))
                }
            })
            .map(|(i, _)| i)
            .collect()
    };
    let ex = |i: usize| cells(false)[i % cells(false).len()];
    let exercise = |s: &AppState, cell| s.exercise(cell).unwrap().clone();
    let student = s.student_name().map(str::to_string);
    let cmd = match *st {
        Step::Type(i, k) => {
            let cell = ex(i);
            let e = exercise(s, cell);
            let right = lesson
                .exercise(&e.exercise.id)
                .unwrap()
                .answer(&lesson.computed_for(&e.exercise, student.as_deref()).unwrap());
            let Ok(right) = right else { return };
            let vals: Vec<f64> = match &right {
                Answer::Scalar(v) => vec![*v],
                Answer::Vector(v) => v.clone(),
                Answer::Matrix(m) => m.iter().flatten().copied().collect(),
            };
            for (n, v) in vals.iter().enumerate() {
                let cols = e.entries.first().map_or(1, Vec::len);
                let text = match k {
                    0 => fmt_number(*v),
                    1 => fmt_number(-*v),
                    2 => fmt_number(*v + 1.0),
                    _ => "x".to_string(),
                };
                s.apply(Command::Student(StudentCommand::Exercise {
                    cell,
                    action: ExerciseAction::Type {
                        row: n / cols,
                        col: n % cols,
                        text,
                    },
                }));
            }
            return;
        }
        Step::Check(i) => Command::Student(StudentCommand::Exercise {
            cell: ex(i),
            action: ExerciseAction::Check,
        }),
        Step::Hint(i) => Command::Student(StudentCommand::Exercise {
            cell: ex(i),
            action: ExerciseAction::Hint,
        }),
        Step::Solution(i) => Command::Student(StudentCommand::Exercise {
            cell: ex(i),
            action: ExerciseAction::ShowSolution,
        }),
        Step::Choose(q, o) => Command::Student(StudentCommand::Quiz {
            cell: cells(true)[q % cells(true).len()],
            action: QuizAction::Choose(o),
        }),
        Step::CheckQuiz(q) => Command::Student(StudentCommand::Quiz {
            cell: cells(true)[q % cells(true).len()],
            action: QuizAction::Check,
        }),
        Step::Student(k) => Command::Student(StudentCommand::SetStudent(["Ada", "Bob"][k as usize].into())),
        Step::StartOver => {
            s.apply(Command::Student(StudentCommand::StartOver));
            Command::Student(StudentCommand::ConfirmStartOver(true))
        }
    };
    s.apply(cmd);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(32),
        ..ProptestConfig::default()
    })]

    /// Whatever the student does, the window's count is the grader's on the file it exports.
    #[test]
    fn the_windows_count_is_the_graders_on_the_exported_submission(
        graded in any::<bool>(),
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let lesson = if graded { graded_one_neuron(None) } else { one_neuron() };
        let dir = tempfile::tempdir().unwrap();
        let mut s = AppState::new(lesson.clone(), Box::new(TestDialogs(Some(dir.path().to_path_buf()))));
        s.apply(Command::Student(StudentCommand::SetStudent("Ada".into())));
        for st in &steps {
            apply_step(&mut s, &lesson, st);
        }
        let score = s.score();
        let (_, g) = export_and_grade(&mut s, &lesson);
        let right = g.items.iter().filter(|i| i.outcome == Outcome::Correct).count();
        prop_assert_eq!((score.right, score.items, score.points, score.max_points), (right, g.items.len(), g.total, g.max));
    }
}
