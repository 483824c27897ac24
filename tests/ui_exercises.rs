//! Exercises, quizzes, plots, the student's name, saved progress and submissions in the
//! window, driven headless through egui_kittest. Every expected answer is computed by the
//! engine through the lesson API, never written here by hand.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::files::Dialogs;
use mlp_notebook::app::student::{ExerciseAction, ExerciseState};
use mlp_notebook::app::{AppState, CellState, Command, Edit, NetCommand, StudentCommand};
use mlp_notebook::lesson::grade::Outcome;
use mlp_notebook::lesson::{Answer, Cell, Lesson, MistakeKind, Submission, Variant, grade, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::numfmt::NumberFormat;
use mlp_notebook::window::NotebookApp;
use std::path::PathBuf;

/// A number as answers and answer keys write it.
pub(crate) fn fmt_number(v: f64) -> String {
    NumberFormat::Answer.fmt(v)
}

const ONE_NEURON: &str = include_str!("../lessons/02-one-neuron.toml");

pub(crate) fn one_neuron() -> Lesson {
    parse_lesson(ONE_NEURON, Syntax::Toml).expect("the shipped lesson loads")
}

/// Dialogs that cancel, with progress saved in a folder of the test's.
pub(crate) struct TestDialogs(pub(crate) Option<PathBuf>);

impl Dialogs for TestDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        self.0.clone()
    }
    fn data_dir(&self) -> Option<PathBuf> {
        self.0.clone()
    }
}

pub(crate) fn harness_with(lesson: Lesson, progress: Option<PathBuf>) -> Harness<'static, NotebookApp> {
    let app = NotebookApp::new(AppState::new(lesson, Box::new(TestDialogs(progress))));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

pub(crate) fn harness() -> Harness<'static, NotebookApp> {
    harness_with(one_neuron(), None)
}

/// The expected answer of exercise `id`, from the engine, for `student`.
pub(crate) fn expected(lesson: &Lesson, id: &str, student: Option<&str>) -> Answer {
    let ex = lesson.exercise(id).expect("exercise");
    ex.answer(&lesson.computed_for(ex, student).expect("network"))
        .expect("answer")
}

pub(crate) fn scalar(a: &Answer) -> f64 {
    match a {
        Answer::Scalar(v) => *v,
        other => panic!("not a number: {other:?}"),
    }
}

/// The cell index and state of exercise `id`.
pub(crate) fn exercise<'h>(h: &'h Harness<'_, NotebookApp>, id: &str) -> (usize, &'h ExerciseState) {
    h.state()
        .state
        .doc
        .cells
        .iter()
        .enumerate()
        .find_map(|(i, c)| match c {
            CellState::Exercise(e) if e.exercise.id == id => Some((i, e.as_ref())),
            _ => None,
        })
        .expect("exercise cell")
}

/// Whether some text on screen contains `part`.
pub(crate) fn shows(h: &Harness<'_, NotebookApp>, part: &str) -> bool {
    h.query_all_by(|n| n.value().or_else(|| n.label()).is_some_and(|l| l.contains(part)))
        .next()
        .is_some()
}

/// How many widgets show exactly `text` (as their text or their accessible name).
pub(crate) fn count(h: &Harness<'_, NotebookApp>, text: &str) -> usize {
    h.query_all_by(|n| {
        n.role() != Role::TextRun && (n.value().as_deref() == Some(text) || n.label().as_deref() == Some(text))
    })
    .count()
}

/// How many diagram nodes of unit 1 of layer 1 show `a` as `text` (their screen-reader name
/// is "layer 1, unit 1: z = ..., a = ... (shows a1[1] = ...)").
fn a11_nodes(h: &Harness<'_, NotebookApp>, text: &str) -> usize {
    let end = format!(", a = {text} (shows a1[1] = {text})");
    h.query_all_by(|n| {
        n.label()
            .is_some_and(|l| l.starts_with("layer 1, unit 1: z = ") && l.ends_with(&end))
    })
    .count()
}

pub(crate) fn click(h: &mut Harness<'_, NotebookApp>, role: Role, label: &str) {
    h.get_by_role_and_label(role, label).scroll_to_me();
    h.run();
    h.get_by_role_and_label(role, label).click();
    h.run();
}

/// Types into a field (replacing its text); with `enter`, presses Enter after.
pub(crate) fn type_into(h: &mut Harness<'_, NotebookApp>, name: &str, text: &str, enter: bool) {
    h.get_by_label(name).scroll_to_me();
    h.run();
    h.get_by_label(name).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(name).type_text(text);
    h.run();
    if enter {
        h.key_press(Key::Enter);
    }
    h.run();
}

pub(crate) fn field_text(h: &Harness<'_, NotebookApp>, name: &str) -> String {
    h.get_by_label(name)
        .accesskit_node()
        .value()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_right_answer_is_correct_and_reveals_the_value_in_the_network() {
    let mut h = harness();
    let lesson = one_neuron();
    let z = scalar(&expected(&lesson, "z-of-the-neuron", None));
    let a = scalar(&expected(&lesson, "a-of-the-neuron", None));
    // Unanswered, the neuron's a is blank in the diagram (it is exercise 2's answer), and so
    // is the sigmoid neuron's further down (exercises 5 and 6).
    assert_eq!(a11_nodes(&h, "?"), 2);
    // So is what comes after it and would give it away: the loss and dL/da1 = 2 (a - y).
    assert_eq!(count(&h, "L = ?"), 2);
    assert_eq!(count(&h, "dL/da1[1] = ?"), 2);
    type_into(&mut h, "answer z1[1], exercise 1", &fmt_number(z), true);
    assert!(shows(&h, "Correct."), "no Correct shown");
    let (_, e) = exercise(&h, "z-of-the-neuron");
    assert!(e.solved);
    assert_eq!(e.attempts, 1);
    // z is answered, a is not yet.
    assert_eq!(a11_nodes(&h, "?"), 2);
    type_into(&mut h, "answer a1[1], exercise 2", &fmt_number(a), true);
    assert_eq!(a11_nodes(&h, &fmt_number(a)), 1);
    assert_eq!(count(&h, "L = ?"), 1);
    assert_eq!(count(&h, "dL/da1[1] = ?"), 1);
}

#[test]
fn a_wrong_sign_is_named() {
    let mut h = harness();
    let z = scalar(&expected(&one_neuron(), "z-of-the-neuron", None));
    type_into(&mut h, "answer z1[1], exercise 1", &fmt_number(-z), true);
    assert!(shows(&h, "Wrong sign"), "the wrong-sign mistake is not named");
    let (_, e) = exercise(&h, "z-of-the-neuron");
    assert!(!e.solved);
    assert_eq!(e.attempts, 1);
}

#[test]
fn a_wrong_answer_shows_the_next_hint() {
    let mut h = harness();
    let lesson = one_neuron();
    let z = scalar(&expected(&lesson, "z-of-the-neuron", None));
    let hints = &lesson.exercise("z-of-the-neuron").unwrap().hints;
    assert!(!shows(&h, &hints[0]));
    type_into(&mut h, "answer z1[1], exercise 1", &fmt_number(z + 7.0), true);
    assert!(shows(&h, "Not yet. Hint 1 is shown below."));
    assert!(shows(&h, &hints[0]), "hint 1 is not shown");
    assert_eq!(exercise(&h, "z-of-the-neuron").1.hints_shown, 1);
}

#[test]
fn the_hint_button_reveals_hints_one_by_one() {
    let mut h = harness();
    let lesson = one_neuron();
    let hints = &lesson.exercise("z-of-the-neuron").unwrap().hints;
    click(&mut h, Role::Button, "Hint for exercise 1");
    assert!(shows(&h, &hints[0]) && !shows(&h, &hints[1]));
    click(&mut h, Role::Button, "Hint for exercise 1");
    assert!(shows(&h, &hints[1]) && !shows(&h, &hints[2]));
    assert_eq!(exercise(&h, "z-of-the-neuron").1.hints_shown, 2);
}

#[test]
fn the_worked_solution_shows_the_answer_and_reveals_the_value() {
    let mut h = harness();
    let a = scalar(&expected(&one_neuron(), "a-of-the-neuron", None));
    assert_eq!(a11_nodes(&h, "?"), 2);
    click(&mut h, Role::Button, "Show worked solution of exercise 2");
    assert!(shows(&h, "Worked solution"));
    let (_, e) = exercise(&h, "a-of-the-neuron");
    let text = e.solution.clone().unwrap();
    assert!(text.contains(&format!("a1[1] = {}", fmt_number(a))), "{text}");
    // a is still blank: it comes after z, which exercise 1 still asks for.
    assert_eq!(a11_nodes(&h, "?"), 2);
    click(&mut h, Role::Button, "Show worked solution of exercise 1");
    assert_eq!(a11_nodes(&h, &fmt_number(a)), 1);
    assert!(!exercise(&h, "a-of-the-neuron").1.solved);
}

#[test]
fn a_quiz_marks_the_chosen_option_with_its_explanation() {
    let mut h = harness();
    let lesson = one_neuron();
    let q = lesson.quiz("relu-of-negative").unwrap();
    let right = q.correct_choices()[0] - 1;
    let wrong = (0..q.options.len()).find(|&i| !q.options[i].correct).unwrap();
    click(&mut h, Role::RadioButton, &q.options[wrong].text);
    click(&mut h, Role::Button, "Check quiz 1");
    assert!(shows(&h, "Not right"));
    assert!(shows(&h, q.options[wrong].explain.as_deref().unwrap()));
    click(&mut h, Role::RadioButton, &q.options[right].text);
    // A new choice is not checked yet.
    assert!(!shows(&h, "Not right"));
    click(&mut h, Role::Button, "Check quiz 1");
    assert!(shows(&h, "Correct."));
    assert!(shows(&h, q.options[right].explain.as_deref().unwrap()));
}

#[test]
fn a_matrix_answer_is_a_worksheet_grid_and_wrong_entries_are_named() {
    let lesson = Lesson::builtin();
    let (number, ex) = lesson
        .cells
        .iter()
        .filter_map(|c| match c {
            Cell::Exercise(e) => Some(e),
            _ => None,
        })
        .enumerate()
        .find(|(_, e)| e.ask.label() == "dL/dW7" && e.solve_for.is_none())
        .map(|(n, e)| (n, e.id.clone()))
        .expect("the built-in lesson asks for dL/dW7");
    let Answer::Matrix(want) = expected(&lesson, &ex, None) else {
        panic!("dL/dW7 is a matrix");
    };
    let number = number + 1;
    let mut h = harness_with(lesson, None);
    let (ci, _) = exercise(&h, &ex);
    // Every entry right but [1,2], typed as a student would in the other cells.
    for (r, row) in want.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let v = if (r, c) == (0, 1) { v + 3.0 } else { *v };
            h.state_mut().state.apply(Command::Student(StudentCommand::Exercise {
                cell: ci,
                action: ExerciseAction::Type {
                    row: r,
                    col: c,
                    text: fmt_number(v),
                },
            }));
        }
    }
    h.run();
    assert_eq!(
        field_text(&h, &format!("answer dL/dW7[1,1], exercise {number}")),
        fmt_number(want[0][0])
    );
    click(&mut h, Role::Button, &format!("Check exercise {number}"));
    assert!(shows(&h, "Entries not right (outlined): dL/dW7[1,2]"));
    let f = exercise(&h, &ex).1.result.clone().unwrap().feedback.unwrap();
    assert_eq!(f.wrong_entries, vec![(1, 2)]);
    type_into(
        &mut h,
        &format!("answer dL/dW7[1,2], exercise {number}"),
        &fmt_number(want[0][1]),
        true,
    );
    assert!(shows(&h, "Correct."));
}

#[test]
fn a_variant_is_the_students_and_answers_are_checked_on_the_network_as_given() {
    let mut lesson = one_neuron();
    for c in &mut lesson.cells {
        if let Cell::Network(n) = c
            && n.options.id == "neuron"
        {
            n.options.variant = Some(Variant::SmallIntegers { k: 3 });
        }
    }
    let mut h = harness_with(lesson.clone(), None);
    h.state_mut()
        .state
        .apply(Command::Student(StudentCommand::SetStudent("Ada Lovelace".into())));
    h.run();
    let ci = h.state().state.first_net().unwrap();
    let given = lesson.network("neuron").unwrap().doc_for(Some("Ada Lovelace"));
    assert_eq!(h.state().state.net(ci).unwrap().doc, given);
    // The student edits the network; the answer is checked on the network as given.
    h.state_mut().state.apply(Command::Net {
        cell: ci,
        cmd: NetCommand::Edit(Edit::Bias {
            layer: 0,
            unit: 0,
            value: 50.0,
        }),
    });
    let z = scalar(&expected(&lesson, "z-of-the-neuron", Some("Ada Lovelace")));
    type_into(&mut h, "answer z1[1], exercise 1", &fmt_number(z), true);
    assert!(shows(&h, "Correct."));
    assert!(shows(&h, "checked on the network as the lesson gave it"));
}

#[test]
fn answers_typed_are_back_when_the_lesson_is_opened_again() {
    let dir = tempfile::tempdir().unwrap();
    let progress = Some(dir.path().to_path_buf());
    let field = "answer z1[1], exercise 1";
    {
        let mut h = harness_with(one_neuron(), progress.clone());
        type_into(&mut h, field, "12", false);
        click(&mut h, Role::RadioButton, "0");
    } // the window closes
    {
        let mut h = harness_with(one_neuron(), progress.clone());
        assert_eq!(field_text(&h, field), "12");
        assert_eq!(h.state().state.quiz(exercise_free_quiz(&h)).unwrap().choice, Some(0));
        click(&mut h, Role::Button, "Hint for exercise 1");
        click(&mut h, Role::Button, "Check exercise 1");
    }
    let h = harness_with(one_neuron(), progress);
    let (_, e) = exercise(&h, "z-of-the-neuron");
    assert_eq!(
        (e.attempts, e.hints_shown),
        (1, 1 + 1),
        "one hint asked for, one shown by the wrong answer"
    );
    // The verdict of the answer checked is shown again.
    assert!(shows(&h, "Not yet."));
}

/// The cell of the first quiz.
pub(crate) fn exercise_free_quiz(h: &Harness<'_, NotebookApp>) -> usize {
    h.state()
        .state
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Quiz(_)))
        .unwrap()
}

#[test]
fn an_exported_submission_grades_to_the_points_earned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ada.json");
    let lesson = one_neuron();
    let mut h = harness();
    type_into(&mut h, "Student:", "Ada", true);
    assert_eq!(h.state().state.session.settings.student, "Ada");
    let z = scalar(&expected(&lesson, "z-of-the-neuron", Some("Ada")));
    let a = scalar(&expected(&lesson, "a-of-the-neuron", Some("Ada")));
    type_into(&mut h, "answer z1[1], exercise 1", &fmt_number(z), true);
    type_into(&mut h, "answer a1[1], exercise 2", &fmt_number(-a), true);
    let q = lesson.quiz("relu-of-negative").unwrap();
    click(&mut h, Role::RadioButton, &q.options[q.correct_choices()[0] - 1].text);
    // The choice checked is the one handed in.
    click(&mut h, Role::Button, "Check quiz 1");
    h.state_mut()
        .state
        .apply(Command::Student(StudentCommand::ExportSubmissionTo(path.clone())));
    let sub = Submission::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(sub.student, "Ada");
    let g = grade(&lesson, &sub);
    let points = |id: &str| g.items.iter().find(|i| i.id == id).unwrap();
    assert_eq!(g.total, lesson.exercise("z-of-the-neuron").unwrap().points + q.points);
    assert_eq!(
        points("a-of-the-neuron").outcome,
        Outcome::Mistake(MistakeKind::WrongSign)
    );
    assert_eq!(points("bias-for-zero").outcome, Outcome::Blank);
    assert_eq!(sub.answers["z-of-the-neuron"].attempts, 1);
}

#[test]
fn plots_are_drawn_with_their_titles() {
    let lesson = parse_lesson(include_str!("../lessons/05-activations.toml"), Syntax::Toml).unwrap();
    let h = harness_with(lesson, None);
    assert!(shows(&h, "Activation: sigmoid"));
    let lesson = parse_lesson(include_str!("../lessons/06-loss-functions.toml"), Syntax::Toml).unwrap();
    let h = harness_with(lesson, None);
    assert!(shows(&h, "Loss: bce, for the target y = 1"));
}

#[test]
fn apply_update_waits_until_the_exercise_on_the_update_is_answered() {
    let lesson = parse_lesson(include_str!("../lessons/08-gradient-descent.toml"), Syntax::Toml).unwrap();
    let new_w = scalar(&expected(&lesson, "new-w-small", None));
    let number = 1 + lesson
        .cells
        .iter()
        .filter(|c| matches!(c, Cell::Exercise(_)))
        .position(|c| matches!(c, Cell::Exercise(e) if e.id == "new-w-small"))
        .unwrap();
    let mut h = harness_with(lesson, None);
    // The stepper shows the first network, "lr-small", whose updated w an exercise asks for.
    let net = h.state().state.first_net().unwrap();
    let w = |h: &Harness<'_, NotebookApp>| h.state().state.net(net).unwrap().doc.net.layers()[0].weights[(0, 0)];
    let w0 = w(&h);
    assert!(
        h.get_by_role_and_label(Role::Button, "Apply update")
            .accesskit_node()
            .is_disabled()
    );
    assert!(shows(&h, "Apply update waits: answer the exercise on the update first"));
    // Sent anyway (as a script or shortcut could), it is refused with the reason and changes nothing.
    h.state_mut().state.apply(Command::Net {
        cell: net,
        cmd: NetCommand::Edit(Edit::ApplyUpdate),
    });
    h.run();
    assert_eq!(w(&h), w0);
    assert!(shows(&h, "would show the new weights"));
    // Once the exercise is answered (here by its worked solution), the update applies.
    click(
        &mut h,
        Role::Button,
        &format!("Show worked solution of exercise {number}"),
    );
    // Back at the network (the stepper panel shows the network in view).
    h.get_by_label("Learning rate 0.01").scroll_to_me();
    h.run();
    assert_eq!(h.state().state.stepper_net(), Some(net));
    assert!(
        !h.get_by_role_and_label(Role::Button, "Apply update")
            .accesskit_node()
            .is_disabled()
    );
    click(&mut h, Role::Button, "Apply update");
    assert!((w(&h) - new_w).abs() < 1e-12, "{} against {new_w}", w(&h));
    assert_ne!(new_w, w0);
}

#[test]
fn the_stepper_follows_the_network_scrolled_into_view() {
    let lesson = parse_lesson(include_str!("../lessons/08-gradient-descent.toml"), Syntax::Toml).unwrap();
    let mut h = harness_with(lesson, None);
    let shown = |h: &Harness<'_, NotebookApp>| {
        let s = &h.state().state;
        s.net(s.active_net().unwrap()).unwrap().doc.name.clone().unwrap()
    };
    assert_eq!(shown(&h), "Learning rate 0.01");
    // The third network's name is shown once, in its own cell, until the stepper shows it too.
    assert_eq!(count(&h, "Learning rate 0.35"), 1);
    h.get_by_label("Learning rate 0.35").scroll_to_me();
    h.run();
    assert_eq!(shown(&h), "Learning rate 0.35");
    assert_eq!(count(&h, "Learning rate 0.35"), 1);
    assert_eq!(
        count(&h, "Network in view: Learning rate 0.35"),
        1,
        "the stepper panel names it too"
    );
    // Scrolling back to the top brings the first network back.
    h.get_by_label("Learning rate 0.01").scroll_to_me();
    h.run();
    assert_eq!(shown(&h), "Learning rate 0.01");
}

#[test]
fn a_tall_block_shows_eight_rows_until_unfolded() {
    let lesson = parse_lesson(include_str!("../lessons/12-project-digits.toml"), Syntax::Toml).unwrap();
    let mut h = harness_with(lesson, None);
    // The first network's input is a digit: 64 values, of which the first 8 are drawn.
    let net = h.state().state.first_net().unwrap();
    let x = h.state().state.net(net).unwrap().doc.x.clone();
    assert_eq!(x.nrows(), 64);
    // Read-only values are named "x[8] = 0" (the data table's column heads are just "x[8]").
    let n = |h: &Harness<'_, NotebookApp>, l: &str| {
        let start = format!("{l} = ");
        h.query_all_by(|q| q.label().is_some_and(|t| t.starts_with(&start)))
            .count()
    };
    assert_eq!((n(&h, "x[8]"), n(&h, "x[9]")), (1, 0));
    click(&mut h, Role::Button, "Show all 64 rows of x");
    assert_eq!((n(&h, "x[9]"), n(&h, "x[64]")), (1, 1));
    click(&mut h, Role::Button, "Show the first 8 rows of x");
    assert_eq!(n(&h, "x[9]"), 0);
}

#[test]
fn the_top_bar_counts_what_was_answered_right_and_its_points() {
    let mut h = harness();
    let lesson = one_neuron();
    // Every exercise and quiz of the lesson, and their points, from the lesson itself.
    let (items, max): (usize, u32) = lesson.cells.iter().fold((0, 0), |(n, p), c| match c {
        Cell::Exercise(e) => (n + 1, p + e.points),
        Cell::Quiz(q) => (n + 1, p + q.points),
        _ => (n, p),
    });
    assert!(items >= 3);
    assert!(shows(&h, &format!("0 of {items} right · 0 of {max} points")));
    let z_points = lesson.exercise("z-of-the-neuron").unwrap().points;
    let z = scalar(&expected(&lesson, "z-of-the-neuron", None));
    // A wrong answer counts nothing; the right one counts its points.
    type_into(&mut h, "answer z1[1], exercise 1", &fmt_number(z + 1.0), true);
    assert!(shows(&h, &format!("0 of {items} right")));
    type_into(&mut h, "answer z1[1], exercise 1", &fmt_number(z), true);
    assert!(shows(&h, &format!("1 of {items} right · {z_points} of {max} points")));
    // A worked solution shown is not an answer.
    click(&mut h, Role::Button, "Show worked solution of exercise 2");
    assert!(shows(&h, &format!("1 of {items} right")));
}

#[test]
fn answers_reach_the_disk_a_quarter_second_after_typing_and_at_once_on_check() {
    // A killed app (kill -9, a crash, a flat battery) loses at most the last quarter second
    // of typing, and nothing that was checked.
    let dir = tempfile::tempdir().unwrap();
    let mut s = AppState::new(one_neuron(), Box::new(TestDialogs(Some(dir.path().to_path_buf()))));
    let (cell, _) = s
        .doc
        .cells
        .iter()
        .enumerate()
        .find_map(|(i, c)| match c {
            CellState::Exercise(e) => Some((i, e.exercise.id.clone())),
            _ => None,
        })
        .expect("an exercise");
    let file = mlp_notebook::app::progress::progress_file(dir.path(), &s.student.lesson_key);
    let on_disk = || std::fs::read_to_string(&file).unwrap_or_default();
    let typed = |s: &mut AppState, text: &str, at: f64| {
        s.session.now = at;
        s.apply(Command::Student(StudentCommand::Exercise {
            cell,
            action: mlp_notebook::app::student::ExerciseAction::Type {
                row: 0,
                col: 0,
                text: text.into(),
            },
        }));
        s.save_progress_if_due();
    };
    typed(&mut s, "1", 10.0);
    assert!(on_disk().contains("\"1\""), "the first answer is written at once");
    // Typed 0.1 s later: not yet (writes are spaced), but 0.3 s after the last write it is.
    typed(&mut s, "12", 10.1);
    assert!(!on_disk().contains("\"12\""));
    s.session.now = 10.3;
    assert_eq!(s.save_progress_if_due(), None);
    assert!(on_disk().contains("\"12\""), "written within a quarter second");
    // Check is written at once, without waiting for the next frame's timer.
    typed(&mut s, "123", 10.35);
    s.session.now = 10.36;
    s.apply(Command::Student(StudentCommand::Exercise {
        cell,
        action: mlp_notebook::app::student::ExerciseAction::Check,
    }));
    let text = on_disk();
    assert!(text.contains("\"123\"") && text.contains("\"attempts\": 1"), "{text}");
}

#[test]
fn answers_and_the_name_typed_300_ms_before_a_kill_are_there_after_restart() {
    // kill -9 runs no destructor and no exit save: the harness is forgotten, never dropped, so
    // only what the frames themselves wrote survives. Frames are 50 ms apart.
    let dir = tempfile::tempdir().unwrap();
    let app = NotebookApp::new(AppState::new(
        one_neuron(),
        Box::new(TestDialogs(Some(dir.path().to_path_buf()))),
    ));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_step_dt(0.05)
        .with_max_steps(40)
        .build_eframe(|_| app);
    h.run();
    type_into(&mut h, "Student:", "Ada", true);
    assert!(exercise(&h, "z-of-the-neuron").1.entries[0][0].is_empty());
    let field = "answer z1[1], exercise 1";
    h.get_by_label(field).scroll_to_me();
    h.run();
    h.get_by_label(field).click();
    h.step();
    h.get_by_label(field).type_text("0.75");
    h.step();
    let typed_at = h.ctx.input(|i| i.time);
    assert_eq!(exercise(&h, "z-of-the-neuron").1.entries[0][0], "0.75");
    while h.ctx.input(|i| i.time) < typed_at + 0.3 {
        h.step();
    }
    std::mem::forget(h);

    let mut s = AppState::new(one_neuron(), Box::new(TestDialogs(Some(dir.path().to_path_buf()))));
    s.restore_student_name(String::new());
    assert_eq!(s.session.settings.student, "Ada");
    let restored = s.doc.cells.iter().find_map(|c| match c {
        CellState::Exercise(e) if e.exercise.id == "z-of-the-neuron" => Some(e.entries[0][0].clone()),
        _ => None,
    });
    assert_eq!(restored.as_deref(), Some("0.75"));
}

/// The worked solution opens on its first step and reveals one step per click, as on paper:
/// exercise 2 of lesson 02 (a of the neuron) is z, then a with the answer.
#[test]
fn the_worked_solution_reveals_one_step_per_click() {
    let mut h = harness();
    click(&mut h, Role::Button, "Show worked solution of exercise 2");
    let (_, e) = exercise(&h, "a-of-the-neuron");
    assert_eq!((e.solution_revealed, e.solution_parts.len()), (1, 2));
    assert!(shows(&h, "Layer 1: pre-activation z1"));
    assert!(!shows(&h, "Layer 1: activation a1"), "the second step is not shown yet");
    assert!(
        h.query_by_label("Next step of the worked solution of exercise 2")
            .is_some()
    );
    click(&mut h, Role::Button, "Next step of the worked solution of exercise 2");
    assert!(shows(&h, "Layer 1: activation a1"));
    assert!(shows(&h, "Answer:"));
    assert!(
        h.query_by_label("Next step of the worked solution of exercise 2")
            .is_none(),
        "nothing left to reveal"
    );
    // "Show all steps" reveals the rest at once: exercise 5 asks a sigmoid neuron's a.
    click(&mut h, Role::Button, "Show worked solution of exercise 5");
    assert_eq!(exercise(&h, "sigmoid-sample-1").1.solution_revealed, 1);
    click(
        &mut h,
        Role::Button,
        "Show all steps of the worked solution of exercise 5",
    );
    let (_, e) = exercise(&h, "sigmoid-sample-1");
    assert_eq!(e.solution_revealed, e.solution_parts.len());
    assert!(
        h.query_by_label("Next step of the worked solution of exercise 5")
            .is_none()
    );
}
