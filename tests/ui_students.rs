//! Students sharing a computer, and answers kept off the screen: progress per lesson and per
//! student (switching the Student field, "Start over", progress saved by the older format), and
//! a graded exercise's value blank until answered even in a network the lesson keeps live.

use super::ui_exercises::{
    TestDialogs, click, exercise, exercise_free_quiz, expected, field_text, fmt_number, harness_with, one_neuron,
    scalar, shows, type_into,
};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::progress::{PROGRESS_FORMAT_VERSION, lesson_key, parse_progress, progress_file};
use mlp_notebook::app::student::ExerciseAction;
use mlp_notebook::app::{AppState, Command, StudentCommand};
use mlp_notebook::lesson::{Cell, Lesson, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::window::NotebookApp;

const Z_FIELD: &str = "answer z1[1], exercise 1";

/// Every exercise and quiz of a lesson, and their points, from the lesson itself.
fn items_and_points(lesson: &Lesson) -> (usize, u32) {
    lesson.cells.iter().fold((0, 0), |(n, p), c| match c {
        Cell::Exercise(e) => (n + 1, p + e.points),
        Cell::Quiz(q) => (n + 1, p + q.points),
        _ => (n, p),
    })
}

fn set_student(h: &mut Harness<'_, NotebookApp>, name: &str) {
    type_into(h, "Student:", name, true);
}

#[test]
fn another_student_starts_fresh_and_each_finds_their_own_answers() {
    let dir = tempfile::tempdir().unwrap();
    let progress = Some(dir.path().to_path_buf());
    let lesson = one_neuron();
    let (items, _) = items_and_points(&lesson);
    let z_ada = scalar(&expected(&lesson, "z-of-the-neuron", Some("Ada")));
    {
        let mut h = harness_with(lesson.clone(), progress.clone());
        set_student(&mut h, "Ada");
        type_into(&mut h, Z_FIELD, &fmt_number(z_ada), true);
        assert!(exercise(&h, "z-of-the-neuron").1.solved);
        assert!(shows(&h, &format!("1 of {items} right")));
        // Bob sits down: nothing of Ada's is on his page, nor counted for him.
        set_student(&mut h, "Bob");
        assert_eq!(field_text(&h, Z_FIELD), "");
        let (_, e) = exercise(&h, "z-of-the-neuron");
        assert!(!e.solved && e.attempts == 0 && e.result.is_none());
        assert!(shows(&h, &format!("0 of {items} right")));
        assert!(shows(&h, "a fresh start on this lesson"));
        type_into(&mut h, Z_FIELD, "5", false);
        // Back to Ada: her answer, her verdict, her count.
        set_student(&mut h, "Ada");
        assert_eq!(field_text(&h, Z_FIELD), fmt_number(z_ada));
        assert!(exercise(&h, "z-of-the-neuron").1.solved);
        assert!(shows(&h, &format!("1 of {items} right")));
        assert!(shows(&h, "your saved answers to this lesson are back"));
        // Bob again, with stray spaces: the same student.
        set_student(&mut h, "  Bob ");
        assert_eq!(field_text(&h, Z_FIELD), "5");
    } // the window closes
    // Opened again (the name field starts empty): each student's answers are on disk.
    let mut h = harness_with(lesson, progress);
    assert_eq!(field_text(&h, Z_FIELD), "");
    set_student(&mut h, "Ada");
    assert_eq!(field_text(&h, Z_FIELD), fmt_number(z_ada));
    set_student(&mut h, "Bob");
    assert_eq!(field_text(&h, Z_FIELD), "5");
}

#[test]
fn start_over_asks_first_and_clears_one_students_answers() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = one_neuron();
    let (items, _) = items_and_points(&lesson);
    let z_bob = scalar(&expected(&lesson, "z-of-the-neuron", Some("Bob")));
    let z_ada = scalar(&expected(&lesson, "z-of-the-neuron", Some("Ada")));
    let mut h = harness_with(lesson.clone(), Some(dir.path().to_path_buf()));
    set_student(&mut h, "Bob");
    type_into(&mut h, Z_FIELD, &fmt_number(z_bob), true);
    set_student(&mut h, "Ada");
    type_into(&mut h, Z_FIELD, &fmt_number(z_ada), true);
    click(&mut h, Role::Button, "Hint for exercise 2");
    let q = lesson.quiz("relu-of-negative").unwrap();
    click(&mut h, Role::RadioButton, &q.options[0].text);
    assert!(shows(&h, &format!("1 of {items} right")));

    // The keyboard path: Ctrl+Shift+Backspace asks; Escape keeps everything.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Backspace);
    h.run();
    assert!(shows(&h, "Start this lesson over?"));
    h.key_press(Key::Escape);
    h.run();
    assert!(!shows(&h, "Start this lesson over?"));
    assert_eq!(field_text(&h, Z_FIELD), fmt_number(z_ada));
    // Asked again, Enter clears.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Backspace);
    h.run();
    assert!(shows(&h, "the answers of 'Ada'"));
    h.key_press(Key::Enter);
    h.run();
    assert!(!shows(&h, "Start this lesson over?"));
    assert_eq!(field_text(&h, Z_FIELD), "");
    let (_, z) = exercise(&h, "z-of-the-neuron");
    assert!(!z.solved && z.result.is_none());
    assert_eq!(z.attempts, 1, "the check used still counts");
    assert_eq!(exercise(&h, "a-of-the-neuron").1.hints_shown, 0);
    assert_eq!(h.state().state.quiz(exercise_free_quiz(&h)).unwrap().choice, None);
    assert!(shows(&h, &format!("0 of {items} right")));
    // Bob's answers were not touched.
    set_student(&mut h, "Bob");
    assert_eq!(field_text(&h, Z_FIELD), fmt_number(z_bob));
    assert!(exercise(&h, "z-of-the-neuron").1.solved);

    // The menu path, with the button.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Start this lesson over... Ctrl+Shift+Backspace").click();
    h.run();
    click(&mut h, Role::Button, "Start over");
    assert_eq!(field_text(&h, Z_FIELD), "");
    // And it is on disk: Bob's entry has no answer left.
    let file = progress_file(dir.path(), &h.state().state.student.lesson_key);
    let p = parse_progress(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(
        p.students["Bob"].exercises["z-of-the-neuron"].entries,
        vec![vec![String::new()]]
    );
    assert_eq!(p.students["Ada"].exercises["z-of-the-neuron"].attempts, 1);
}

#[test]
fn progress_saved_by_the_older_format_is_kept_for_its_student() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = one_neuron();
    let key = lesson_key(&lesson, None);
    let file = progress_file(dir.path(), &key);
    let z_ada = scalar(&expected(&lesson, "z-of-the-neuron", Some("Ada")));
    assert_ne!(z_ada, 12.0, "12 must be a wrong answer here");
    // A file as the previous version wrote it: one student, at the top level, format 1.
    let old = serde_json::json!({
        "format_version": 1,
        "lesson": key,
        "title": lesson.title,
        "student": "Ada",
        "exercises": {
            "z-of-the-neuron": {
                "entries": [["12"]], "attempts": 1, "hints_shown": 2,
                "solution_shown": false, "solved": false, "checked": true
            }
        },
        "quizzes": { "relu-of-negative": { "choice": 1, "attempts": 0, "checked": false } }
    });
    std::fs::write(&file, serde_json::to_string_pretty(&old).unwrap()).unwrap();
    let mut h = harness_with(lesson, Some(dir.path().to_path_buf()));
    // The window starts with no name: the file was Ada's, so nothing shows yet.
    assert_eq!(field_text(&h, Z_FIELD), "");
    set_student(&mut h, "Ada");
    assert_eq!(field_text(&h, Z_FIELD), "12");
    let (_, e) = exercise(&h, "z-of-the-neuron");
    assert_eq!((e.attempts, e.hints_shown), (1, 2));
    assert!(shows(&h, "Not yet."), "the verdict of the answer checked is back");
    assert_eq!(h.state().state.quiz(exercise_free_quiz(&h)).unwrap().choice, Some(0));
    // Written back in the new format, Ada's answers in it.
    type_into(&mut h, "answer a1[1], exercise 2", "3", true);
    let p = parse_progress(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(&format!("\"format_version\": {PROGRESS_FORMAT_VERSION}")),
        "{text}"
    );
    assert_eq!(
        p.students["Ada"].exercises["z-of-the-neuron"].entries,
        vec![vec!["12".to_string()]]
    );
    assert_eq!(p.students["Ada"].exercises["a-of-the-neuron"].attempts, 1);
}

#[test]
fn an_unreadable_progress_file_is_kept_aside_not_written_over() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = one_neuron();
    let file = progress_file(dir.path(), &lesson_key(&lesson, None));
    std::fs::write(&file, "{ \"format_version\": 2, \"students\": [").unwrap();
    let mut s = AppState::new(lesson, Box::new(TestDialogs(Some(dir.path().to_path_buf()))));
    let msg = s.session.message.clone().expect("a message").text;
    assert!(msg.contains("saved answers for this lesson could not be read"), "{msg}");
    let aside = file.with_extension("unreadable.json");
    assert_eq!(
        std::fs::read_to_string(&aside).unwrap(),
        "{ \"format_version\": 2, \"students\": ["
    );
    s.apply(Command::Student(StudentCommand::SetStudent("Ada".into())));
    s.apply(Command::Student(StudentCommand::StartOver));
    assert!(!s.session.confirm_start_over, "nothing to start over");
}

const SEVEN_LAYERS: &str = include_str!("../lessons/03-seven-layers-by-hand.toml");

/// The text shown for a read-only value whose accessible label is `"{name} = {text}"`.
fn shown(h: &Harness<'_, NotebookApp>, name: &str) -> String {
    let prefix = format!("{name} = ");
    let node = h.query_by(|n| n.label().is_some_and(|l| l.starts_with(&prefix)));
    let node = node.unwrap_or_else(|| panic!("no value named {name} on screen"));
    node.accesskit_node().label().unwrap_or_default()[prefix.len()..].to_string()
}

#[test]
fn a_live_network_keeps_a_graded_answer_blank_until_it_is_answered() {
    // Lesson 03 keeps its network live (`hide_answers = false`), yet its exercises are graded.
    let lesson = parse_lesson(SEVEN_LAYERS, Syntax::Toml).unwrap();
    let mut h = harness_with(lesson.clone(), None);
    // By hand: x = (0, -1, 0), so z1 = W1 x = minus the second column of W1 = (-1, 2, 2, 1);
    // a6 = (28, 0, 0, 10) (the lesson's last hint), a7 = W7 a6 = (28 - 20, 28 + 10) = (8, 38)
    // and L = 1/2 ((8 - 5)^2 + (38 - 2)^2) = 1/2 (9 + 1296) = 652.5.
    assert_eq!(shown(&h, "z1[2]"), "?");
    assert!(!shows(&h, "652.5"), "the loss, an exercise's answer, is readable");
    assert!(!shows(&h, "= 38"), "the output, an exercise's answer, is readable");
    let (ci, _) = exercise(&h, "z1");
    for (row, v) in ["-1", "2", "2", "1"].iter().enumerate() {
        h.state_mut().state.apply(Command::Student(StudentCommand::Exercise {
            cell: ci,
            action: ExerciseAction::Type {
                row,
                col: 0,
                text: v.to_string(),
            },
        }));
    }
    h.run();
    click(&mut h, Role::Button, "Check exercise 1");
    assert!(shows(&h, "Correct."));
    assert_eq!(shown(&h, "z1[2]"), "2");

    // Marked as ungraded practice (0 points), the live network shows the values all along.
    let mut practice = lesson;
    for c in &mut practice.cells {
        if let Cell::Exercise(e) = c {
            e.points = 0;
        }
    }
    let h = harness_with(practice, None);
    assert_eq!(shown(&h, "z1[2]"), "2");
    assert!(shows(&h, "practice, not graded"));
}
