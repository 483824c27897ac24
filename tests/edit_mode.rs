//! The instructor's edit mode: cells added, moved, duplicated, removed and edited, "Ask for
//! this value", undo, saving and reloading; and lesson locks on network cells.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mlp_notebook::app::edit::{NewCell, PageEdit, reference_for};
use mlp_notebook::app::files::NoDialogs;
use mlp_notebook::app::{AppState, CellState, Command, Edit, NetCommand, StudentCommand};
use mlp_notebook::lesson::Answer;
use mlp_notebook::lesson::{Cell, Lesson, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::steps::Quantity;
use mlp_notebook::window::NotebookApp;

const ONE_NEURON: &str = include_str!("../lessons/02-one-neuron.toml");

fn state() -> AppState {
    AppState::new(parse_lesson(ONE_NEURON, Syntax::Toml).unwrap(), Box::new(NoDialogs))
}

/// The window on `state`, drawn once.
fn window(state: AppState) -> Harness<'static, NotebookApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(12)
        .build_eframe(|_| NotebookApp::new(state));
    h.run();
    h
}

/// Right-clicks the value whose name starts with `label` (scrolled into view first) and picks
/// "Ask for this value (`name`)".
fn ask_for(h: &mut Harness<'_, NotebookApp>, label: &str, name: &str) {
    h.query_by(|n| n.label().is_some_and(|l| l.starts_with(label)))
        .unwrap()
        .scroll_to_me();
    h.run();
    h.query_by(|n| n.label().is_some_and(|l| l.starts_with(label)))
        .unwrap()
        .click_secondary();
    h.run();
    h.get_by_label_contains(&format!("Ask for this value ({name})")).click();
    h.run();
}

fn page(s: &mut AppState, e: PageEdit) {
    s.apply(Command::Page(e));
}

fn kinds(s: &AppState) -> Vec<&'static str> {
    s.doc
        .cells
        .iter()
        .map(|c| match c {
            CellState::Text(_) => "text",
            CellState::Network(_) => "network",
            CellState::Training(_) => "training",
            CellState::Exercise(_) => "exercise",
            CellState::Quiz(_) => "quiz",
            CellState::Plot(_) => "plot",
        })
        .collect()
}

#[test]
fn add_move_duplicate_remove_and_undo() {
    let mut s = state();
    let n = s.doc.cells.len();
    let before = kinds(&s);
    page(
        &mut s,
        PageEdit::Add {
            at: 0,
            kind: NewCell::Text,
        },
    );
    assert_eq!(s.doc.cells.len(), n + 1);
    assert_eq!(kinds(&s)[0], "text");
    assert!(s.doc.dirty);
    page(
        &mut s,
        PageEdit::SetText {
            cell: 0,
            text: "# Before we start".into(),
        },
    );
    page(&mut s, PageEdit::Move { from: 0, to: 1 });
    assert!(matches!(&s.doc.cells[1], CellState::Text(t) if t == "# Before we start"));
    page(&mut s, PageEdit::Duplicate(1));
    assert!(matches!(&s.doc.cells[2], CellState::Text(t) if t == "# Before we start"));
    page(&mut s, PageEdit::Remove(2));
    page(&mut s, PageEdit::Remove(1));
    assert_eq!(kinds(&s), before, "back to the lesson as loaded");
    // Each change is one undo step: undo the two removals, then redo one.
    s.apply(Command::Undo);
    s.apply(Command::Undo);
    assert_eq!(s.doc.cells.len(), n + 2);
    s.apply(Command::Redo);
    assert_eq!(s.doc.cells.len(), n + 1);
}

#[test]
fn a_duplicated_exercise_gets_a_new_id() {
    let mut s = state();
    let i = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Exercise(_)))
        .unwrap();
    let CellState::Exercise(e) = &s.doc.cells[i] else {
        unreachable!()
    };
    let e = e.clone();
    let id = e.exercise.id.clone();
    page(&mut s, PageEdit::Duplicate(i));
    let CellState::Exercise(copy) = &s.doc.cells[i + 1] else {
        panic!("the copy follows the original")
    };
    assert_ne!(copy.exercise.id, id);
    assert_eq!(copy.exercise.ask, e.exercise.ask);
    // The lesson with the copy still loads (ids unique).
    let text = s.lesson().write(Syntax::Toml).unwrap();
    parse_lesson(&text, Syntax::Toml).unwrap();
}

#[test]
fn ask_for_a_value_makes_an_exercise_the_engine_answers() {
    let mut s = state();
    let net = s.first_net().unwrap();
    // z of unit 1 of layer 1, as the matrix view's context menu would name it.
    let r = reference_for(Quantity::Z(0), 0, 0).unwrap();
    assert_eq!(r, "layers[1].z[1]");
    page(
        &mut s,
        PageEdit::AskFor {
            network: net,
            reference: r,
            sample: 1,
        },
    );
    let (i, ex) = s
        .doc
        .cells
        .iter()
        .enumerate()
        .skip(net + 1)
        .find_map(|(i, c)| match c {
            CellState::Exercise(e) if e.exercise.ask.to_string() == "layers[1].z[1]" => Some((i, e.exercise.clone())),
            _ => None,
        })
        .expect("a new exercise below the network");
    assert!(i > net);
    // Its answer is the engine's z for the network as shown.
    let n = s.net(net).unwrap();
    let want = n.fwd.layers[0].z[(0, 0)];
    let c = mlp_notebook::lesson::compute::Computed::new(n.doc.clone());
    assert_eq!(ex.answer(&c).unwrap(), Answer::Scalar(want));
}

#[test]
fn invalid_changes_are_refused_with_a_message_and_change_nothing() {
    let mut s = state();
    let net = s.first_net().unwrap();
    let n = s.doc.cells.len();
    // The network is read by exercises.
    page(&mut s, PageEdit::Remove(net));
    assert_eq!(s.doc.cells.len(), n);
    assert!(s.session.message.as_ref().unwrap().text.contains("reads this network"));
    // A reference to a layer the network does not have.
    let i = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Exercise(_)))
        .unwrap();
    let CellState::Exercise(e) = &s.doc.cells[i] else {
        unreachable!()
    };
    let e = e.clone();
    let mut bad = e.exercise.clone();
    bad.ask = "layers[9].z[1]".parse().unwrap();
    page(
        &mut s,
        PageEdit::Replace {
            cell: i,
            with: Box::new(Cell::Exercise(Box::new(bad))),
        },
    );
    assert!(s.session.message.as_ref().unwrap().is_error);
    let CellState::Exercise(after) = &s.doc.cells[i] else {
        unreachable!()
    };
    assert_eq!(after.exercise, e.exercise.clone());
    // A refused change leaves no undo step behind.
    s.apply(Command::Undo);
    assert_eq!(s.doc.cells.len(), n);
}

#[test]
fn edited_lesson_saves_and_reloads_with_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.toml");
    let mut s = state();
    page(&mut s, PageEdit::SetTitle("One neuron, revised".into()));
    page(
        &mut s,
        PageEdit::Add {
            at: 1,
            kind: NewCell::Quiz,
        },
    );
    let end = s.doc.cells.len();
    page(
        &mut s,
        PageEdit::Add {
            at: end,
            kind: NewCell::Text,
        },
    );
    let last = s.doc.cells.len() - 1;
    page(
        &mut s,
        PageEdit::SetText {
            cell: last,
            text: "Well done.".into(),
        },
    );
    s.apply(Command::SaveTo(path.clone()));
    assert!(!s.doc.dirty);
    let text = std::fs::read_to_string(&path).unwrap();
    let back: Lesson = parse_lesson(&text, Syntax::Toml).unwrap();
    assert_eq!(back.title, "One neuron, revised");
    assert!(matches!(back.cells[1], Cell::Quiz(_)));
    assert!(matches!(back.cells.last(), Some(Cell::Text(t)) if t == "Well done."));
    assert_eq!(back, s.lesson(), "what was saved is what the window holds");
    let mut again = AppState::new(Lesson::builtin(), Box::new(NoDialogs));
    again.apply(Command::OpenPath(path));
    assert_eq!(again.doc.title, "One neuron, revised");
}

#[test]
fn locked_weights_cannot_be_changed_but_biases_can() {
    let text = ONE_NEURON.replacen("kind = \"network\"", "kind = \"network\"\nlock = [\"weights\"]", 1);
    let mut s = AppState::new(parse_lesson(&text, Syntax::Toml).unwrap(), Box::new(NoDialogs));
    let net = s.first_net().unwrap();
    let w = s.net(net).unwrap().doc.net.layers()[0].weights[(0, 0)];
    s.apply(Command::Net {
        cell: net,
        cmd: NetCommand::Edit(Edit::Weight {
            layer: 0,
            row: 0,
            col: 0,
            value: w + 1.0,
        }),
    });
    assert_eq!(s.net(net).unwrap().doc.net.layers()[0].weights[(0, 0)], w);
    assert!(s.session.message.as_ref().unwrap().text.contains("locks the weights"));
    s.apply(Command::Net {
        cell: net,
        cmd: NetCommand::Edit(Edit::Bias {
            layer: 0,
            unit: 0,
            value: 7.0,
        }),
    });
    assert_eq!(s.net(net).unwrap().doc.net.layers()[0].bias[0], 7.0);
}

#[test]
fn edit_mode_in_the_window_types_into_a_text_cell() {
    let mut h = window(state());
    assert!(h.query_by_label("Preview as student").is_none());
    h.get_by_label("Edit").click();
    h.run();
    h.get_by_label("Edit lesson (Ctrl+E)").click();
    h.run();
    assert!(h.state().state.session.edit_mode);
    h.get_by_label("Preview as student");
    // Add a text cell at the end and type into its editor.
    let n = h.state().state.doc.cells.len();
    h.state_mut().state.apply(Command::Page(PageEdit::Add {
        at: n,
        kind: NewCell::Text,
    }));
    h.run();
    let editor = h
        .get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .last()
        .unwrap();
    editor.scroll_to_me();
    h.run();
    let editor = h
        .get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .last()
        .unwrap();
    editor.click();
    h.run();
    h.get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .last()
        .unwrap()
        .type_text(" Extra words.");
    h.run();
    let s = &h.state().state;
    assert!(
        matches!(&s.doc.cells[n], CellState::Text(t) if t.contains("Extra words.")),
        "the typed text is in the cell"
    );
    h.get_by_label("Preview as student").scroll_to_me();
    h.run();
    h.get_by_label("Preview as student").click();
    h.run();
    assert!(!h.state().state.session.edit_mode);
    // Save, reload in a fresh window, and find the words there.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.toml");
    h.state_mut().state.apply(Command::SaveTo(path.clone()));
    let mut fresh = AppState::new(Lesson::builtin(), Box::new(NoDialogs));
    fresh.apply(Command::OpenPath(path));
    assert!(
        fresh
            .doc
            .cells
            .iter()
            .any(|c| matches!(c, CellState::Text(t) if t.contains("Extra words.")))
    );
    let h2 = window(fresh);
    assert!(
        h2.query_by_label_contains("Extra words.").is_some(),
        "the reloaded page shows the text"
    );
}

#[test]
fn worksheet_and_answer_key_export_from_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state();
    let blank = dir.path().join("sheet.html");
    let key = dir.path().join("key.html");
    s.apply(Command::ExportWorksheet {
        answers: false,
        to: Some(blank.clone()),
    });
    s.apply(Command::ExportWorksheet {
        answers: true,
        to: Some(key.clone()),
    });
    let blank = std::fs::read_to_string(blank).unwrap();
    let key = std::fs::read_to_string(key).unwrap();
    assert!(blank.starts_with("<!DOCTYPE html>") || blank.starts_with("<!doctype html>"));
    // z of the neuron, from the engine: on the key, not on the blank sheet.
    let net = s.net(s.first_net().unwrap()).unwrap();
    let z = format!("{}", net.fwd.layers[0].z[(0, 0)]);
    assert!(key.contains(&format!(">{z}<")), "the key holds z = {z}");
    assert!(!blank.contains(&format!(">{z}<")), "the blank sheet does not");
}

#[test]
fn the_lessons_menu_holds_every_lesson_file_and_each_opens() {
    use mlp_notebook::lesson::shipped::SHIPPED;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), SHIPPED.len(), "every file in lessons/ is in the menu");
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        assert_eq!(SHIPPED[i].1, text, "menu entry {} is {f}", i + 1);
        let mut s = AppState::new(Lesson::builtin(), Box::new(NoDialogs));
        s.apply(Command::OpenShipped(i));
        assert_eq!(s.doc.title, SHIPPED[i].0, "{f}");
        assert!(
            s.session.message.as_ref().is_none_or(|m| !m.is_error),
            "{f}: {:?}",
            s.session.message
        );
    }
}

#[test]
fn a_live_network_still_hides_what_graded_exercises_ask_for() {
    // The seven-layer lesson writes `hide_answers = false`, but its exercises are graded: what
    // they ask for is blank until answered (issue: its 18 points could be read off the screen).
    let s = AppState::builtin_headless();
    let net = s.net(s.first_net().unwrap()).unwrap();
    assert!(!net.options.hide_answers);
    assert!(!net.blanks.is_empty());
    // One neuron keeps the default: what its unanswered exercises ask for is blank.
    let s = state();
    let net = s.net(s.first_net().unwrap()).unwrap();
    assert!(net.options.hide_answers);
    assert!(!net.blanks.is_empty());
}

#[test]
fn right_click_on_a_matrix_value_and_a_node_asks_for_it() {
    let mut h = window(AppState::builtin_headless());
    h.state_mut().state.apply(Command::SetEditMode(true));
    h.run();
    let exercises = |h: &Harness<'_, NotebookApp>| -> Vec<String> {
        h.state()
            .state
            .doc
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Exercise(e) => Some(e.exercise.ask.to_string()),
                _ => None,
            })
            .collect()
    };
    let before = exercises(&h).len();
    // The read-only z1[2] in the matrix view (layer 1 is selected).
    ask_for(&mut h, "z1[2] = ", "z1[2]");
    let now = exercises(&h);
    assert_eq!(now.len(), before + 1);
    assert!(now.contains(&"layers[1].z[2]".to_string()), "{now:?}");
    // A node of the diagram (showing a): a3[1].
    ask_for(&mut h, "layer 3, unit 1: ", "a3[1]");
    assert!(exercises(&h).contains(&"layers[3].a[1]".to_string()));
}

#[test]
fn a_refused_change_merged_with_an_accepted_one_keeps_its_undo_step() {
    let mut s = state();
    let original = s.doc.title.clone();
    page(&mut s, PageEdit::SetTitle("A new title".into()));
    // Within the same second and with the same key: refused (a lesson needs a title).
    page(&mut s, PageEdit::SetTitle("   ".into()));
    assert_eq!(s.doc.title, "A new title");
    s.apply(Command::Undo);
    assert_eq!(
        s.doc.title, original,
        "undo still goes back to the title before the change"
    );
}

#[test]
fn the_exercise_form_shows_the_engines_answer_and_follows_the_network() {
    let mut h = window(state());
    h.state_mut().state.apply(Command::SetEditMode(true));
    h.run();
    let answer = |h: &Harness<'_, NotebookApp>| -> f64 {
        let s = &h.state().state;
        let lesson = s.lesson();
        let ex = lesson.exercise("z-of-the-neuron").unwrap();
        let computed = mlp_notebook::lesson::compute::Computed::new(s.net(net_cell(s)).unwrap().doc.clone());
        match ex.answer(&computed).unwrap() {
            Answer::Scalar(v) => v,
            other => panic!("{other:?}"),
        }
    };
    let z = answer(&h);
    let shown = format!("Answer, computed by the engine: {z}");
    assert!(h.query_all_by_label(&shown).next().is_some(), "{shown}");
    // Change the bias by 1: z (and the answer the form shows) moves by 1.
    let cell = net_cell(&h.state().state);
    let b = h.state().state.net(cell).unwrap().doc.net.layers()[0].bias[0];
    h.state_mut().state.apply(Command::Net {
        cell,
        cmd: NetCommand::Edit(Edit::Bias {
            layer: 0,
            unit: 0,
            value: b + 1.0,
        }),
    });
    h.run();
    assert_eq!(answer(&h), z + 1.0);
    let shown = format!("Answer, computed by the engine: {}", z + 1.0);
    assert!(h.query_all_by_label(&shown).next().is_some(), "{shown}");
}

/// Edit mode writes the engine's answer as the answer key does: the neuron's z is a whole
/// number, so with the bias raised by 0.5 the answer is z + 0.5, written with one decimal
/// ("3.5"), not padded to six significant digits ("3.50000").
#[test]
fn the_exercise_form_writes_the_answer_as_the_key_does() {
    let mut h = window(state());
    h.state_mut().state.apply(Command::SetEditMode(true));
    h.run();
    let cell = net_cell(&h.state().state);
    let doc = h.state().state.net(cell).unwrap().doc.clone();
    let ex = h.state().state.lesson().exercise("z-of-the-neuron").unwrap().clone();
    let Answer::Scalar(z) = ex
        .answer(&mlp_notebook::lesson::compute::Computed::new(doc.clone()))
        .unwrap()
    else {
        panic!("z is one number")
    };
    assert!(
        z >= 0.0 && z.fract() == 0.0,
        "the lesson's z is a whole number, 0 or more: {z}"
    );
    let b = doc.net.layers()[0].bias[0];
    h.state_mut().state.apply(Command::Net {
        cell,
        cmd: NetCommand::Edit(Edit::Bias {
            layer: 0,
            unit: 0,
            value: b + 0.5,
        }),
    });
    h.run();
    let shown = format!("Answer, computed by the engine: {}.5", z as i64);
    assert!(h.query_all_by_label(&shown).next().is_some(), "{shown}");
}

/// The first network cell.
fn net_cell(s: &AppState) -> usize {
    s.doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Network(_)))
        .unwrap()
}

#[test]
fn preview_as_student_checks_answers_on_the_network_as_the_instructor_left_it() {
    use mlp_notebook::app::student::ExerciseAction;
    let mut s = state();
    let cell = net_cell(&s);
    let ex_cell = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Exercise(e) if e.exercise.id == "z-of-the-neuron"))
        .unwrap();
    let z = s.net(cell).unwrap().fwd.layers[0].z[(0, 0)];
    let b = s.net(cell).unwrap().doc.net.layers()[0].bias[0];
    s.apply(Command::SetEditMode(true));
    // The instructor raises the bias by 1: z (the answer) is now one more.
    s.apply(Command::Net {
        cell,
        cmd: NetCommand::Edit(Edit::Bias {
            layer: 0,
            unit: 0,
            value: b + 1.0,
        }),
    });
    s.apply(Command::SetEditMode(false));
    let answer = |s: &mut AppState, v: f64| {
        s.apply(Command::Student(StudentCommand::Exercise {
            cell: ex_cell,
            action: ExerciseAction::Type {
                row: 0,
                col: 0,
                text: v.to_string(),
            },
        }));
        s.apply(Command::Student(StudentCommand::Exercise {
            cell: ex_cell,
            action: ExerciseAction::Check,
        }));
        s.exercise(ex_cell).unwrap().solved
    };
    assert!(!answer(&mut s, z), "the old z is no longer the answer");
    assert!(answer(&mut s, z + 1.0), "the network as edited is the one given");
    assert!(!s.network_edited("neuron"), "the student has not changed it");
}

/// An exercise, a quiz or a network may not take the id of a training cell: the loader refuses
/// duplicate ids, so the lesson would save and then fail to load. (Edit mode used to compare
/// the new id with the exercises', quizzes' and networks' only.)
#[test]
fn an_id_of_a_training_cell_is_refused_for_an_exercise_a_quiz_and_a_network() {
    const REGULARISATION: &str = include_str!("../lessons/10-regularisation.toml");
    let mut s = AppState::new(parse_lesson(REGULARISATION, Syntax::Toml).unwrap(), Box::new(NoDialogs));
    // "overfit" is the first training cell's id.
    assert!(
        s.doc
            .cells
            .iter()
            .any(|c| matches!(c, CellState::Training(t) if t.setup.id.as_deref() == Some("overfit")))
    );
    let lesson = s.lesson();
    let find = |want: &dyn Fn(&Cell) -> bool| lesson.cells.iter().position(want).unwrap();
    let ex = find(&|c| matches!(c, Cell::Exercise(_)));
    let quiz = find(&|c| matches!(c, Cell::Quiz(_)));
    // A network that no exercise reads (renaming one that exercises read is refused for that
    // reason already): a new one at the end.
    let end = s.doc.cells.len();
    page(
        &mut s,
        PageEdit::Add {
            at: end,
            kind: NewCell::Network,
        },
    );
    let net = s.doc.cells.len() - 1;
    let lesson = s.lesson();
    for i in [ex, quiz, net] {
        let mut cell = lesson.cells[i].clone();
        match &mut cell {
            Cell::Exercise(e) => e.id = "overfit".into(),
            Cell::Quiz(q) => q.id = "overfit".into(),
            Cell::Network(n) => n.options.id = "overfit".into(),
            _ => unreachable!(),
        }
        s.session.message = None;
        page(
            &mut s,
            PageEdit::Replace {
                cell: i,
                with: Box::new(cell),
            },
        );
        let m = s
            .session
            .message
            .as_ref()
            .expect("the change is refused with a message");
        assert!(m.is_error && m.text.contains("'overfit'"), "cell {i}: {}", m.text);
        assert_eq!(s.lesson().cells[i], lesson.cells[i], "cell {i} is unchanged");
    }
    // What the window holds still saves and loads.
    parse_lesson(&s.lesson().write(Syntax::Toml).unwrap(), Syntax::Toml).unwrap();
}

/// An exercise that reads the network above it (no `network = ...`) cannot move above it; the
/// refused move leaves the page as it was. (It used to stay moved, with only the message and
/// the undo step taken back.)
#[test]
fn a_refused_move_leaves_the_cells_where_they_were() {
    let text = ONE_NEURON.replacen("network = \"neuron\"\n", "", 1);
    let mut s = AppState::new(parse_lesson(&text, Syntax::Toml).unwrap(), Box::new(NoDialogs));
    let ex = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Exercise(e) if e.exercise.id == "z-of-the-neuron"))
        .unwrap();
    let before = kinds(&s);
    page(&mut s, PageEdit::Move { from: ex, to: 0 });
    assert!(
        s.session
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("cannot move above that network")
    );
    assert_eq!(kinds(&s), before);
    assert!(matches!(&s.doc.cells[ex], CellState::Exercise(e) if e.exercise.id == "z-of-the-neuron"));
}

/// A duplicated training cell gets a new id as exercises and quizzes do, so the lesson still
/// loads. (The copy used to keep the id, and the saved lesson failed to load.)
#[test]
fn a_duplicated_training_cell_gets_a_new_id() {
    const REGULARISATION: &str = include_str!("../lessons/10-regularisation.toml");
    let mut s = AppState::new(parse_lesson(REGULARISATION, Syntax::Toml).unwrap(), Box::new(NoDialogs));
    let i = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Training(t) if t.setup.id.as_deref() == Some("overfit")))
        .unwrap();
    page(&mut s, PageEdit::Duplicate(i));
    assert!(
        s.session.message.as_ref().is_none_or(|m| !m.is_error),
        "{:?}",
        s.session.message
    );
    let CellState::Training(copy) = &s.doc.cells[i + 1] else {
        panic!("the copy follows the original")
    };
    // "overfit" is taken; the first free "overfit-k" is "overfit-2" ("overfit-l2" is another).
    assert_eq!(copy.setup.id.as_deref(), Some("overfit-2"));
    parse_lesson(&s.lesson().write(Syntax::Toml).unwrap(), Syntax::Toml).unwrap();
}

#[test]
fn moving_cells_keeps_the_stepper_on_its_network() {
    // The built-in lesson's network, twice; the student steps through the second one.
    let net = Lesson::builtin()
        .cells
        .into_iter()
        .find(|c| matches!(c, mlp_notebook::lesson::Cell::Network(_)))
        .expect("a network cell");
    let mut second = net.clone();
    if let mlp_notebook::lesson::Cell::Network(n) = &mut second {
        n.options.id = "second".into();
        n.options.id_named = true;
    }
    let lesson = Lesson {
        title: "two".into(),
        cells: vec![net, mlp_notebook::lesson::Cell::Text("between".into()), second],
        ..Default::default()
    };
    let mut s = AppState::new(lesson, Box::new(mlp_notebook::app::files::NoDialogs));
    s.apply(Command::Net {
        cell: 2,
        cmd: NetCommand::Step(mlp_notebook::app::StepNav::Next),
    });
    assert_eq!(s.active_net(), Some(2));
    // The text cell moves below the second network: that network is now cell 1.
    s.apply(Command::Page(mlp_notebook::app::edit::PageEdit::Move {
        from: 1,
        to: 2,
    }));
    assert_eq!(s.active_net(), Some(1));
    assert_eq!(s.net_id(1).as_deref(), Some("second"));
}

#[test]
fn a_refused_page_edit_keeps_what_can_be_redone() {
    let mut s = AppState::builtin_headless();
    s.apply(Command::SetEditMode(true));
    s.apply(Command::Page(PageEdit::SetTitle("Renamed".into())));
    s.apply(Command::Undo);
    assert!(s.can_redo());
    // An empty title is refused: nothing changes, and the title change can still be redone.
    s.apply(Command::Page(PageEdit::SetTitle("  ".into())));
    assert!(s.session.message.as_ref().is_some_and(|m| m.is_error));
    assert!(s.can_redo(), "the refused change emptied the redo stack");
    s.apply(Command::Redo);
    assert_eq!(s.doc.title, "Renamed");
}

#[test]
fn a_text_or_prompt_too_long_for_the_lesson_file_is_refused_and_the_lesson_kept() {
    // The loader refuses any string over 1 MiB (1,048,576 bytes) before parsing; a text cell
    // edited past it would save a lesson that could not be opened again. One byte over is
    // refused with the limit named; exactly at the limit is kept.
    let mut s = state();
    let text_cell = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Text(_)))
        .unwrap();
    let before = s.lesson();
    page(
        &mut s,
        PageEdit::SetText {
            cell: text_cell,
            text: "x".repeat((1 << 20) + 1),
        },
    );
    assert_eq!(s.lesson(), before, "the lesson is unchanged");
    assert!(!s.doc.dirty);
    let msg = &s.session.message.as_ref().unwrap().text;
    assert!(msg.contains("1048577 bytes") && msg.contains("1048576"), "{msg}");
    page(
        &mut s,
        PageEdit::SetText {
            cell: text_cell,
            text: "x".repeat(1 << 20),
        },
    );
    assert!(matches!(&s.doc.cells[text_cell], CellState::Text(t) if t.len() == 1 << 20));

    // An exercise's prompt from its edit form: the same limit.
    let ex = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Exercise(_)))
        .unwrap();
    let Cell::Exercise(mut e) = s.lesson().cells[ex].clone() else {
        unreachable!()
    };
    let old_prompt = e.prompt.clone();
    e.prompt = "y".repeat(3 << 20);
    page(
        &mut s,
        PageEdit::Replace {
            cell: ex,
            with: Box::new(Cell::Exercise(e)),
        },
    );
    let msg = &s.session.message.as_ref().unwrap().text;
    assert!(msg.contains("the limit is 1048576 bytes per string"), "{msg}");
    assert!(matches!(&s.lesson().cells[ex], Cell::Exercise(e) if e.prompt == old_prompt));
}
