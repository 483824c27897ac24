//! The keyboard and the screen reader: Escape closes what is open on top, Tab leaves an open
//! menu for the next one, an item picked with the keyboard closes its menu, every menu item is
//! reached with the arrows, Tab scrolls the page to the widget it focuses and Shift+Tab goes
//! back; the zoom keys (remembered between runs); the diagram's nodes and edges and the matrix
//! cells by their screen-reader names; the Lessons menu's count of answers right.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::files::Dialogs;
use mlp_notebook::app::student::ExerciseAction;
use mlp_notebook::app::{AppState, CellState, Command, NodeValue, StudentCommand};
use mlp_notebook::window::NotebookApp;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn harness_on(state: AppState, size: egui::Vec2) -> Harness<'static, NotebookApp> {
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

fn harness() -> Harness<'static, NotebookApp> {
    let mut state = AppState::builtin_headless();
    state.set_reveal_answers(true);
    harness_on(state, egui::vec2(1280.0, 800.0))
}

/// The accessible name of the widget with the keyboard's focus ("" when none has it).
fn focused(h: &Harness<'_, NotebookApp>) -> String {
    h.query_by(|n| n.is_focused())
        .and_then(|n| n.accesskit_node().label())
        .unwrap_or_default()
}

fn step(h: &Harness<'_, NotebookApp>) -> Option<usize> {
    let s = &h.state().state;
    s.net(s.first_net().unwrap()).unwrap().step
}

fn open_by_keyboard(h: &mut Harness<'_, NotebookApp>, menu: &str) {
    h.get_by_role_and_label(Role::Button, menu).focus();
    h.run();
    h.key_press(Key::Enter);
    h.run();
}

fn menu_is_open(h: &Harness<'_, NotebookApp>, item: &str) -> bool {
    h.query_by_label(item).is_some()
}

#[test]
fn escape_closes_an_open_menu_before_it_leaves_the_stepper() {
    let mut h = harness();
    h.key_press(Key::ArrowRight);
    h.run();
    assert_eq!(step(&h), Some(0));
    h.get_by_label("View").click();
    h.run();
    assert!(menu_is_open(&h, "Dark theme"));
    h.key_press(Key::Escape);
    h.run();
    assert!(!menu_is_open(&h, "Dark theme"), "Escape left the menu open");
    assert_eq!(
        step(&h),
        Some(0),
        "the Escape that closed the menu also left the stepper"
    );
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(step(&h), None);
}

#[test]
fn escape_closes_the_f1_window_and_the_about_window() {
    let mut h = harness();
    h.key_press(Key::ArrowRight);
    h.run();
    h.key_press(Key::F1);
    h.run();
    assert!(h.state().state.session.show_shortcuts);
    assert!(h.query_by_label("Ctrl+Shift+Z or Ctrl+Y").is_some());
    h.key_press(Key::Escape);
    h.run();
    assert!(
        !h.state().state.session.show_shortcuts,
        "Escape left the F1 window open"
    );
    assert_eq!(step(&h), Some(0), "the stepper kept its place");
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("About MLP Notebook").click();
    h.run();
    assert!(h.state().state.session.show_about);
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().state.session.show_about);
}

#[test]
fn tab_in_an_open_menu_closes_it_and_moves_to_the_next_menu() {
    let mut h = harness();
    open_by_keyboard(&mut h, "File");
    assert!(menu_is_open(&h, "Save Ctrl+S"));
    h.key_press(Key::ArrowDown);
    h.run();
    assert_eq!(focused(&h), "New lesson... Ctrl+Shift+N");
    h.key_press(Key::Tab);
    h.run();
    assert!(
        !menu_is_open(&h, "Save Ctrl+S"),
        "Tab walked on with the menu left open"
    );
    assert_eq!(focused(&h), "Edit");
    // Shift+Tab from an open menu goes back to the menu before it.
    h.key_press(Key::Enter);
    h.run();
    assert!(menu_is_open(&h, "Undo Ctrl+Z"));
    h.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    h.run();
    assert!(!menu_is_open(&h, "Undo Ctrl+Z"));
    assert_eq!(focused(&h), "File");
    // From the last menu, Tab goes on to the student's field.
    open_by_keyboard(&mut h, "Help");
    h.key_press(Key::Tab);
    h.run();
    assert_eq!(focused(&h), "Student:");
}

#[test]
fn an_item_picked_with_the_keyboard_closes_its_menu() {
    let mut h = harness();
    open_by_keyboard(&mut h, "View");
    // Walk down to the theme's checkbox and press it with Enter.
    for _ in 0..30 {
        if focused(&h) == "Dark theme" {
            break;
        }
        h.key_press(Key::ArrowDown);
        h.run();
    }
    assert_eq!(focused(&h), "Dark theme");
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().state.session.settings.view.dark);
    assert!(!menu_is_open(&h, "Dark theme"), "the menu stayed open after the pick");
    // A button item too: Zoom in.
    open_by_keyboard(&mut h, "View");
    for _ in 0..30 {
        if focused(&h) == "Zoom in Ctrl+Plus" {
            break;
        }
        h.key_press(Key::ArrowDown);
        h.run();
    }
    h.key_press(Key::Space);
    h.run();
    assert_eq!(h.state().state.session.settings.view.zoom, 1.1);
    assert!(!menu_is_open(&h, "Zoom in Ctrl+Plus"));
}

/// The names the arrows reach in `menu`, opened from the keyboard.
fn reached(h: &mut Harness<'_, NotebookApp>, menu: &str) -> Vec<String> {
    open_by_keyboard(h, menu);
    let mut seen = Vec::new();
    for _ in 0..30 {
        h.key_press(Key::ArrowDown);
        h.run();
        // The arrows wrap around at the end of a menu.
        let f = focused(h);
        if seen.contains(&f) {
            break;
        }
        seen.push(f);
    }
    h.key_press(Key::Escape);
    h.run();
    seen
}

#[test]
fn every_menu_item_is_reached_with_the_arrows() {
    let mut h = harness();
    let file = reached(&mut h, "File");
    for item in [
        "New network Ctrl+N",
        "Open... Ctrl+O",
        "Import weights... Ctrl+Shift+I",
        "Open built-in lesson",
        "Recent files",
        "Save Ctrl+S",
        "Save as... Ctrl+Shift+S",
        "Export as... Ctrl+Shift+E",
        "Export submission...",
        "Start this lesson over... Ctrl+Shift+Backspace",
        "Export worksheet...",
        "Export answer key...",
    ] {
        assert!(file.contains(&item.to_string()), "{item} not reached: {file:?}");
    }
    let edit = reached(&mut h, "Edit");
    assert!(edit.contains(&"Edit lesson (Ctrl+E)".to_string()), "{edit:?}");
    let lessons = reached(&mut h, "Lessons");
    assert_eq!(lessons.len(), 14, "{lessons:?}");
    assert!(lessons[13].starts_with("14. Practice by topic"), "{lessons:?}");
    let insert = reached(&mut h, "Insert");
    assert_eq!(insert, vec!["Training cell".to_string()]);
    let view = reached(&mut h, "View");
    for item in [
        "Show z",
        "Show a",
        "Show δ",
        "2 decimals",
        "Dark theme",
        "Zoom in Ctrl+Plus",
        "Zoom out Ctrl+Minus",
        "Reset zoom Ctrl+0",
    ] {
        assert!(view.contains(&item.to_string()), "{item} not reached: {view:?}");
    }
    let help = reached(&mut h, "Help");
    assert_eq!(
        help,
        vec![
            "Keyboard shortcuts F1".to_string(),
            "Glossary Shift+F1".to_string(),
            "About MLP Notebook".to_string()
        ]
    );
    // Enter on a reached item runs it: Help > Keyboard shortcuts.
    open_by_keyboard(&mut h, "Help");
    h.key_press(Key::ArrowDown);
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().state.session.show_shortcuts);
}

#[test]
fn tab_scrolls_the_page_to_the_focused_widget_and_shift_tab_goes_back() {
    // A small window, so most of the page is below the fold.
    let size = egui::vec2(1024.0, 700.0);
    let mut state = AppState::builtin_headless();
    state.set_reveal_answers(true);
    let mut h = harness_on(state, size);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    let mut names = Vec::new();
    for i in 0..160 {
        h.key_press(Key::Tab);
        h.run();
        let node = h.query_by(|n| n.is_focused()).expect("Tab focuses a widget");
        let rect = node.rect();
        assert!(
            screen.contains(rect.center()),
            "tab {i}: {:?} at {rect:?} is off the screen",
            node.accesskit_node().label()
        );
        names.push(focused(&h));
    }
    // The page scrolled: the network's toolbar is gone from the top of the window.
    let top = h.get_by_label("L = 652.5").rect();
    assert!(
        !screen.contains(top.center()),
        "160 Tabs never scrolled the page ({top:?})"
    );
    // Shift+Tab goes back one widget at a time.
    for back in 1..4 {
        h.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
        h.run();
        assert_eq!(focused(&h), names[names.len() - 1 - back]);
        let rect = h.query_by(|n| n.is_focused()).unwrap().rect();
        assert!(screen.contains(rect.center()));
    }
}

#[test]
fn the_zoom_keys_step_the_zoom_and_it_is_remembered() {
    let mut h = harness();
    let zoom = |h: &Harness<'_, NotebookApp>| h.state().state.session.settings.view.zoom;
    h.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    h.run();
    assert_eq!(zoom(&h), 1.1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    h.run();
    // 1.0 -> 1.1 -> 1.25 -> 1.5, and the window is drawn at that zoom.
    assert_eq!(zoom(&h), 1.5);
    assert_eq!(h.ctx.zoom_factor(), 1.5);
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Zoom: 150%");
    h.key_press(Key::Escape);
    h.run();
    // Remembered: written with the settings and read back at the next start.
    let mut store = Store::default();
    eframe::App::save(h.state_mut(), &mut store);
    let (back, _) = mlp_notebook::window::starting_state(Box::new(NoDialogs), Some(&store));
    assert_eq!(back.session.settings.view.zoom, 1.5);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    h.run();
    assert_eq!(zoom(&h), 1.25);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    h.run();
    assert_eq!(zoom(&h), 1.0);
    assert_eq!(h.ctx.zoom_factor(), 1.0);
}

#[derive(Default)]
struct Store(BTreeMap<String, String>);

impl eframe::Storage for Store {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

struct NoDialogs;

impl Dialogs for NoDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
}

#[test]
fn diagram_nodes_edges_and_matrix_cells_have_screen_reader_names() {
    let mut h = harness();
    // The built-in network, sample 1: x = (0, -1, 0); row 2 of W1 = (2, -2, 1), b1 = 0, so
    // z1[2] = 2·0 + (-2)·(-1) + 1·0 + 0 = 2 and a1[2] = relu(2) = 2.
    h.get_by_role_and_label(Role::Button, "layer 1, unit 2: z = 2, a = 2 (shows a1[2] = 2)");
    // Row 1 of W1 = (1, 1, -1): z1[1] = -1, a1[1] = relu(-1) = 0.
    h.get_by_role_and_label(Role::Button, "layer 1, unit 1: z = -1, a = 0 (shows a1[1] = 0)");
    h.get_by_role_and_label(Role::Button, "input, unit 2: x = -1 (shows x[2] = -1)");
    // The edge from x[2] into unit 1 of layer 1 carries W1[1,2] = 1 as its value.
    let edge = h.get_by_label("W1[1,2]: from input x[2] to layer 1, unit 1");
    assert_eq!(edge.accesskit_node().role(), Role::Image);
    assert_eq!(edge.value().as_deref(), Some("w = 1"));
    // An edge between hidden layers names both ends.
    h.get_by_label("W2[3,1]: from layer 1, unit 1 to layer 2, unit 3");
    // Matrix cells: the read-only z1[2] and the editable W1[1,2].
    h.get_by(|n| n.role() == Role::Label && n.label().is_some_and(|l| l == "z1[2] = 2"));
    assert_eq!(h.get_by_label("W1[1,2]").accesskit_node().numeric_value(), Some(1.0));
    // Showing δ on the nodes adds it to their names.
    h.state_mut().state.apply(Command::SetNodeValue(NodeValue::Delta));
    h.run();
    let n = h.get_by(|n| {
        n.label()
            .is_some_and(|l| l.starts_with("layer 1, unit 2: z = 2, a = 2, δ = "))
    });
    let label = n.accesskit_node().label().unwrap_or_default();
    assert!(!label.ends_with("δ = "), "{label}");
}

/// Dialogs that keep progress in the test's own folder.
struct DataIn(PathBuf);

impl Dialogs for DataIn {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        Some(self.0.join("progress"))
    }
    fn data_dir(&self) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

/// Types `text` as the answer of exercise `id` and checks it.
fn answer_and_check(s: &mut AppState, id: &str, text: &str) {
    let cell = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Exercise(e) if e.exercise.id == id))
        .expect("exercise");
    for action in [
        ExerciseAction::Type {
            row: 0,
            col: 0,
            text: text.into(),
        },
        ExerciseAction::Check,
    ] {
        s.apply(Command::Student(StudentCommand::Exercise { cell, action }));
    }
}

/// The Lessons menu's item for lesson `n` (1-based), e.g. "2. One neuron 1/8 right".
fn lesson_item(h: &mut Harness<'_, NotebookApp>, n: usize) -> String {
    h.get_by_label("Lessons").click();
    h.run();
    let prefix = format!("{n}. ");
    let text = h
        .get_by(|node| node.role() == Role::Button && node.label().is_some_and(|l| l.starts_with(&prefix)))
        .accesskit_node()
        .label()
        .unwrap_or_default();
    h.key_press(Key::Escape);
    h.run();
    text
}

fn open_lesson(h: &mut Harness<'_, NotebookApp>, i: usize) {
    h.state_mut().state.apply(Command::OpenShipped(i));
    h.run();
}

#[test]
fn the_lessons_menu_shows_each_lessons_answers_right_for_the_student() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        mlp_notebook::lesson::Lesson::builtin(),
        Box::new(DataIn(dir.path().into())),
    );
    let mut h = harness_on(state, egui::vec2(1280.0, 800.0));
    let student = |h: &mut Harness<'_, NotebookApp>, name: &str| {
        h.state_mut()
            .state
            .apply(Command::Student(StudentCommand::SetStudent(name.into())));
        h.run();
    };
    student(&mut h, "Ada");
    // Lesson 2 has 8 graded items: six exercises and two quizzes (lessons/02-one-neuron.toml).
    assert_eq!(lesson_item(&mut h, 2), "2. One neuron 0/8 right");
    open_lesson(&mut h, 1);
    // z = w·x + b = 1·2 + (-2)·1 + 1·3 + 1 = 4 (the lesson's neuron); a wrong answer first.
    answer_and_check(&mut h.state_mut().state, "z-of-the-neuron", "3");
    h.run();
    assert_eq!(lesson_item(&mut h, 2), "2. One neuron 0/8 right");
    answer_and_check(&mut h.state_mut().state, "z-of-the-neuron", "4");
    h.run();
    // Live for the lesson open...
    assert_eq!(lesson_item(&mut h, 2), "2. One neuron 1/8 right");
    // ... and read back from the saved answers once another lesson is open.
    open_lesson(&mut h, 2);
    assert_eq!(lesson_item(&mut h, 2), "2. One neuron 1/8 right");
    // Another student has their own count; Ada's comes back with her name.
    student(&mut h, "Grace");
    assert_eq!(lesson_item(&mut h, 2), "2. One neuron 0/8 right");
    student(&mut h, "Ada");
    assert_eq!(lesson_item(&mut h, 2), "2. One neuron 1/8 right");
    // Hovering tells what the numbers are.
    h.get_by_label("Lessons").click();
    h.run();
    h.get_by(|n| n.label().is_some_and(|l| l.starts_with("2. One neuron")))
        .hover();
    h.run();
    assert!(
        h.query_by(|n| n
            .value()
            .is_some_and(|v| v == "1 of its 8 exercises and quizzes answered right by Ada"))
            .is_some()
    );
}

/// Text of the page laid out under the stepper panel (a paragraph that starts left of the panel
/// and ends right of it), in points: what a page wider than its room looks like.
fn text_under_the_stepper(h: &Harness<'_, NotebookApp>) -> Vec<String> {
    // The panel's heading: "Stepper" where the lesson has taught the forward pass only.
    let panel = h
        .query_by_label("Backprop stepper")
        .unwrap_or_else(|| h.get_by_label("Stepper"))
        .rect();
    let (edge, top) = (panel.left(), panel.top());
    let ppp = h.ctx.pixels_per_point();
    h.query_all_by(|n| n.role() == Role::Label)
        .filter_map(|n| {
            let b = n.accesskit_node().bounding_box()?;
            let (x0, x1, y0) = (b.x0 as f32 / ppp, b.x1 as f32 / ppp, b.y0 as f32 / ppp);
            // Below the top bar (which spans the window), beside the panel's heading or lower.
            (y0 >= top && x1 - x0 > 100.0 && x0 < edge - 30.0 && x1 > edge + 1.0)
                .then(|| format!("{:?} at {x0}..{x1} (stepper at {edge})", n.accesskit_node().value()))
        })
        .collect()
}

#[test]
fn every_lesson_fits_a_window_made_smaller_and_zoomed_to_one_and_a_half() {
    for i in 0..mlp_notebook::lesson::shipped::SHIPPED.len() {
        let mut state = AppState::builtin_headless();
        state.apply(Command::OpenShipped(i));
        let c = state.first_net().expect("every lesson has a network");
        state.apply(Command::Net {
            cell: c,
            cmd: mlp_notebook::app::NetCommand::ShowInStepper,
        });
        let mut h = harness_on(state, egui::vec2(1280.0, 800.0));
        let under = text_under_the_stepper(&h);
        assert!(under.is_empty(), "lesson {} at 1280 x 800: {under:?}", i + 1);
        // The window made smaller, then zoomed: the page lays itself out again in the room left
        // beside the stepper (it kept the wider width before, and ran under the panel).
        h.set_size(egui::vec2(1024.0, 700.0));
        h.run();
        h.state_mut().state.apply(Command::SetZoom(1.5));
        h.run();
        h.run();
        let under = text_under_the_stepper(&h);
        assert!(under.is_empty(), "lesson {}: {under:?}", i + 1);
    }
}

/// The width of `text` in the monospace font, in points.
fn mono_width(h: &Harness<'_, NotebookApp>, text: &str) -> f32 {
    let font = egui::TextStyle::Monospace.resolve(&h.ctx.global_style());
    h.ctx
        .fonts_mut(|f| f.layout_no_wrap(text.into(), font, egui::Color32::WHITE))
        .size()
        .x
}

#[test]
fn matrix_cells_and_answer_boxes_are_wide_enough_for_their_numbers() {
    let mut h = harness();
    h.state_mut().state.apply(Command::SetNumberFormat(
        mlp_notebook::nn::numfmt::NumberFormat::Significant(6),
    ));
    h.run();
    // z1[1] = -1 (row 1 of W1 = (1, 1, -1), x = (0, -1, 0)), written with 6 significant digits.
    let cell = h.get_by(|n| n.role() == Role::Label && n.label().is_some_and(|l| l == "z1[1] = -1.00000"));
    let w = cell.rect().width();
    assert!(w >= mono_width(&h, "-1.00000"), "{w}");
    // An editable weight as well: W1[1,3] = -1.
    let w = h.get_by_label("W1[1,3]").rect().width();
    assert!(w >= mono_width(&h, "-1.00000"), "{w}");
    // An answer box shows -0.000244 whole.
    h.state_mut().state.apply(Command::OpenShipped(1));
    h.run();
    let w = h.get_by_label("answer z1[1], exercise 1").rect().width();
    assert!(w >= mono_width(&h, "-0.000244") + 8.0, "{w}");
}
