//! Authoring a lesson from nothing in the window: File > New lesson... (the title asked, a text
//! cell and a network cell to start, the title in the header, the stepper, the saved file and
//! the worksheet, the first save's file name from the title), renaming a network cell with
//! undo, a quiz's points and per-student variants set in the editor, and "Ask for this value"
//! scrolling to and selecting the exercise it adds.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::edit::PageEdit;
use mlp_notebook::app::files::Dialogs;
use mlp_notebook::app::{AppState, CellState, Command, StudentCommand};
use mlp_notebook::lesson::variant::Variant;
use mlp_notebook::lesson::{Cell, Lesson, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::window::NotebookApp;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Dialogs that save into `dir` under the name they are offered, and remember that name.
struct SaveInto {
    dir: PathBuf,
    offered: Arc<Mutex<Vec<String>>>,
}

impl Dialogs for SaveInto {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, name: &str) -> Option<PathBuf> {
        self.offered.lock().unwrap().push(name.to_string());
        Some(self.dir.join(name))
    }
}

fn window(state: AppState, size: egui::Vec2) -> Harness<'static, NotebookApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(12)
        .build_eframe(|_| NotebookApp::new(state));
    h.run();
    h
}

fn labels_containing(h: &Harness<'_, NotebookApp>, part: &str) -> usize {
    h.query_all_by(|n| n.label().is_some_and(|l| l.contains(part)) || n.value().is_some_and(|v| v.contains(part)))
        .count()
}

#[test]
fn a_new_lesson_from_the_file_menu_carries_its_title_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let offered = Arc::new(Mutex::new(Vec::new()));
    let dialogs = SaveInto {
        dir: dir.path().to_path_buf(),
        offered: offered.clone(),
    };
    let state = AppState::new(Lesson::builtin(), Box::new(dialogs));
    let mut h = window(state, egui::vec2(1280.0, 800.0));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("New lesson... Ctrl+Shift+N").click();
    h.run();
    // The dialog asks for the title; Create stays off until there is one.
    assert!(h.state().state.session.new_lesson_title.is_some());
    // The title field has the keyboard: typing goes straight in.
    assert!(h.get_by_label("Lesson title").accesskit_node().is_focused());
    h.get_by_label("Lesson title").type_text("Dropout, by hand");
    h.run();
    h.get_by_label("Create").click();
    h.run();
    let s = &h.state().state;
    assert_eq!(s.doc.title, "Dropout, by hand");
    assert!(s.session.new_lesson_title.is_none());
    assert!(s.session.edit_mode, "a new lesson opens in edit mode");
    let kinds: Vec<&str> = s
        .doc
        .cells
        .iter()
        .map(|c| match c {
            CellState::Text(_) => "text",
            CellState::Network(_) => "network",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["text", "network"]);
    // The header (window title and the menu bar), the network's header and the stepper.
    assert!(s.window_title().starts_with("* Dropout, by hand") || s.window_title().starts_with("Dropout, by hand"));
    assert_eq!(s.net(1).unwrap().doc.name.as_deref(), Some("Dropout, by hand"));
    assert!(s.active_net().is_some(), "the stepper shows the lesson's network");
    // Menu bar status, the text cell's heading, the title field, the network's header and
    // name field, and the stepper's heading: none says "New network".
    assert!(
        labels_containing(&h, "Dropout, by hand") >= 4,
        "{}",
        labels_containing(&h, "Dropout, by hand")
    );
    assert_eq!(labels_containing(&h, "New network"), 0);

    // The first save offers a file name made from the title and writes the title.
    h.state_mut().state.apply(Command::Save);
    h.run();
    assert_eq!(offered.lock().unwrap().as_slice(), ["dropout-by-hand.toml"]);
    let saved = std::fs::read_to_string(dir.path().join("dropout-by-hand.toml")).unwrap();
    let back = parse_lesson(&saved, Syntax::Toml).unwrap();
    assert_eq!(back.title, "Dropout, by hand");
    assert!(matches!(&back.cells[1], Cell::Network(n) if n.doc.name.as_deref() == Some("Dropout, by hand")));
    assert!(!saved.contains("New network"));

    // The worksheet is headed by the title.
    let sheet = dir.path().join("sheet.html");
    h.state_mut().state.apply(Command::ExportWorksheet {
        answers: false,
        to: Some(sheet.clone()),
    });
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert!(
        html.contains("<title>Dropout, by hand"),
        "{}",
        &html[..html.len().min(400)]
    );
    assert!(html.contains("<h1>Dropout, by hand"));
}

#[test]
fn a_new_lesson_needs_a_title_and_cancel_keeps_the_lesson() {
    let mut s = AppState::builtin_headless();
    let before = s.doc.title.clone();
    s.apply(Command::NewLesson);
    s.apply(Command::SetNewLessonTitle("   ".into()));
    s.apply(Command::FinishNewLesson(true));
    // Still asking, with the reason shown; nothing replaced.
    assert_eq!(s.session.new_lesson_title.as_deref(), Some(""));
    assert!(
        s.session
            .message
            .as_ref()
            .is_some_and(|m| m.is_error && m.text.contains("title"))
    );
    assert_eq!(s.doc.title, before);
    s.apply(Command::FinishNewLesson(false));
    assert!(s.session.new_lesson_title.is_none());
    assert_eq!(s.doc.title, before);
}

#[test]
fn a_new_lesson_asks_about_unsaved_changes_first() {
    let mut s = AppState::builtin_headless();
    s.apply(Command::Page(PageEdit::SetTitle("Changed".into())));
    assert!(s.doc.dirty);
    s.apply(Command::NewLesson);
    s.apply(Command::SetNewLessonTitle("Fresh".into()));
    s.apply(Command::FinishNewLesson(true));
    assert_eq!(
        s.doc.title, "Changed",
        "nothing replaced before the question is answered"
    );
    assert!(s.session.pending.is_some());
    s.apply(Command::CloseAnswer(mlp_notebook::app::CloseAnswer::Discard));
    assert_eq!(s.doc.title, "Fresh");
}

#[test]
fn a_network_cell_is_renamed_in_its_form_and_the_rename_undone() {
    let mut s = AppState::new(
        mlp_notebook::app::edit::new_lesson("Renaming").unwrap(),
        Box::new(mlp_notebook::app::files::NoDialogs),
    );
    s.apply(Command::SetEditMode(true));
    let mut h = window(s, egui::vec2(1280.0, 800.0));
    let field = h.get_by_label("Network name");
    field.focus();
    field.type_text(" two");
    h.run();
    // Typing goes in as it is typed; leaving the field keeps it.
    h.key_press(egui::Key::Tab);
    h.run();
    assert_eq!(
        h.state().state.net(1).unwrap().doc.name.as_deref(),
        Some("Renaming two")
    );
    assert!(
        labels_containing(&h, "Renaming two") >= 2,
        "the cell's header and the stepper"
    );
    h.state_mut().state.apply(Command::Undo);
    h.run();
    assert_eq!(h.state().state.net(1).unwrap().doc.name.as_deref(), Some("Renaming"));
    // An empty name is refused with a message and changes nothing.
    let s = &mut h.state_mut().state;
    s.apply(Command::Page(PageEdit::RenameNetwork {
        cell: 1,
        name: " ".into(),
    }));
    assert!(s.session.message.as_ref().is_some_and(|m| m.is_error));
    assert_eq!(s.net(1).unwrap().doc.name.as_deref(), Some("Renaming"));
    // A text cell has no network name.
    s.apply(Command::Page(PageEdit::RenameNetwork {
        cell: 0,
        name: "x".into(),
    }));
    assert!(matches!(&s.doc.cells[0], CellState::Text(_)));
}

#[test]
fn quiz_points_and_variants_are_set_in_the_editor_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = AppState::new(
        mlp_notebook::app::edit::new_lesson("Variants").unwrap(),
        Box::new(mlp_notebook::app::files::NoDialogs),
    );
    s.apply(Command::SetEditMode(true));
    s.apply(Command::Page(PageEdit::Add {
        at: 2,
        kind: mlp_notebook::app::edit::NewCell::Quiz,
    }));
    let mut h = window(s, egui::vec2(1280.0, 800.0));
    // The network's settings are folded: open them, then give each student their own weights.
    h.get_by_label("Network settings for students").click();
    h.run();
    h.get_by_label("Each student gets their own weights").click();
    h.run();
    let net = |h: &Harness<'_, NotebookApp>| h.state().state.net(1).unwrap().options.variant;
    assert_eq!(net(&h), Some(Variant::SmallIntegers { k: 2 }));
    h.get_by_label("Weights from -k to k, k =").set_value_accesskit(5.0);
    h.run();
    assert_eq!(net(&h), Some(Variant::SmallIntegers { k: 5 }));
    h.get_by_label("Points").set_value_accesskit(3.0);
    h.run();
    let points = |h: &Harness<'_, NotebookApp>| match &h.state().state.doc.cells[2] {
        CellState::Quiz(q) => q.quiz.points,
        _ => panic!("cell 3 is the quiz"),
    };
    assert_eq!(points(&h), 3);
    // Undo takes the points back, one step.
    h.state_mut().state.apply(Command::Undo);
    h.run();
    assert_eq!(points(&h), 1);
    h.state_mut().state.apply(Command::Redo);
    h.run();

    // Saved and opened again: the points and the variant are in the file; two students get
    // different weights in [-5, 5], a student without a name the file's own.
    let path = dir.path().join("variants.toml");
    h.state_mut().state.apply(Command::SaveTo(path.clone()));
    let text = std::fs::read_to_string(&path).unwrap();
    let lesson = parse_lesson(&text, Syntax::Toml).unwrap();
    assert!(matches!(&lesson.cells[2], Cell::Quiz(q) if q.points == 3));
    let Cell::Network(nc) = &lesson.cells[1] else {
        panic!("cell 2 is the network")
    };
    assert_eq!(nc.options.variant, Some(Variant::SmallIntegers { k: 5 }));
    let mut s = AppState::new(lesson, Box::new(mlp_notebook::app::files::NoDialogs));
    let file_w = s.net(1).unwrap().doc.net.layers()[0].weights.clone();
    s.apply(Command::Student(StudentCommand::SetStudent("ada".into())));
    let ada = s.net(1).unwrap().doc.net.layers()[0].weights.clone();
    s.apply(Command::Student(StudentCommand::SetStudent("grace".into())));
    let grace = s.net(1).unwrap().doc.net.layers()[0].weights.clone();
    assert_ne!(ada, grace);
    assert_ne!(ada, file_w);
    for w in ada.iter().chain(grace.iter()) {
        assert!(w.fract() == 0.0 && w.abs() <= 5.0, "{w}");
    }
}

#[test]
fn ask_for_this_value_scrolls_to_and_selects_the_new_exercise() {
    for size in [egui::vec2(1024.0, 700.0), egui::vec2(1280.0, 800.0)] {
        let mut s = AppState::builtin_headless();
        s.apply(Command::SetEditMode(true));
        let mut h = window(s, size);
        let net = h.state().state.first_net().unwrap();
        let before = h.state().state.doc.cells.len();
        h.state_mut().state.apply(Command::Page(PageEdit::AskFor {
            network: net,
            reference: "layers[7].a[1]".into(),
            sample: 1,
        }));
        h.run();
        let s = &h.state().state;
        assert_eq!(s.doc.cells.len(), before + 1);
        let at = s.session.selected_cell.expect("the new exercise is selected");
        assert!(matches!(&s.doc.cells[at], CellState::Exercise(e) if e.exercise.ask.to_string() == "layers[7].a[1]"));
        assert_eq!(
            s.session.scroll_to_cell, None,
            "scrolled once, then the page is the reader's again"
        );
        // The new cell's toolbar says so, and it is on screen.
        let mark = format!("Cell {} of {}: exercise, just added", at + 1, before + 1);
        let r = h.get_by_label(&mark).rect();
        assert!(r.min.y >= 0.0 && r.max.y <= size.y, "{r:?} in a window {size:?} high");
        // Any other change of the page leaves nothing selected.
        h.state_mut()
            .state
            .apply(Command::Page(PageEdit::SetTitle("Other".into())));
        h.run();
        assert_eq!(h.state().state.session.selected_cell, None);
        assert_eq!(labels_containing(&h, "just added"), 0);
    }
}
