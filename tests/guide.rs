//! The student's way through the course: nothing that looks like lost work (undoing every edit
//! leaves nothing to save; Save on a lesson that comes with the app says why it does not write),
//! lessons that lead on to the next, and the page and its keys. Driven through `AppState` and the
//! window (egui_kittest).

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mlp_notebook::app::files::Dialogs;
use mlp_notebook::app::{AppState, Command, Edit, NetCommand};
use mlp_notebook::lesson::Lesson;
use mlp_notebook::window::NotebookApp;
use std::path::PathBuf;

/// Dialogs whose Save as answers `save_to` (when set), with the data folder in the test's own.
struct TestDialogs {
    data: PathBuf,
    save_to: Option<PathBuf>,
}

impl Dialogs for TestDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        self.save_to.clone()
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        Some(self.data.join("progress"))
    }
    fn data_dir(&self) -> Option<PathBuf> {
        Some(self.data.clone())
    }
}

fn state_in(data: &std::path::Path, save_to: Option<PathBuf>) -> AppState {
    AppState::new(
        Lesson::builtin(),
        Box::new(TestDialogs {
            data: data.to_path_buf(),
            save_to,
        }),
    )
}

fn harness(state: AppState) -> Harness<'static, NotebookApp> {
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

/// Sets W1[1,1] of the first network cell to `value` at time `now` (seconds).
fn edit_weight(s: &mut AppState, value: f64, now: f64) {
    s.session.now = now;
    let cell = s.first_net().expect("a network cell");
    s.apply(Command::Net {
        cell,
        cmd: NetCommand::Edit(Edit::Weight {
            layer: 0,
            row: 0,
            col: 0,
            value,
        }),
    });
}

fn w11(s: &AppState) -> f64 {
    s.net(s.first_net().unwrap()).unwrap().doc.net.layers()[0].weights[(0, 0)]
}

#[test]
fn undoing_every_edit_leaves_the_document_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), None);
    let before = w11(&s);
    // Two steps (more than a second apart, so they do not merge).
    edit_weight(&mut s, 0.5, 10.0);
    edit_weight(&mut s, 0.75, 20.0);
    assert!(s.doc.dirty);
    s.apply(Command::Undo);
    assert!(s.doc.dirty, "one edit is still there");
    assert_eq!(w11(&s), 0.5);
    s.apply(Command::Undo);
    assert_eq!(w11(&s), before);
    assert!(!s.doc.dirty, "back where it was opened: nothing to save");
    assert!(s.window_title().starts_with(&s.doc.title), "{}", s.window_title());
    // Redo brings the change, and the question, back.
    s.apply(Command::Redo);
    assert!(s.doc.dirty);
    s.apply(Command::Undo);
    assert!(!s.doc.dirty);
    // Opening another lesson then asks nothing.
    s.apply(Command::OpenShipped(0));
    assert_eq!(s.session.pending, None);
    assert_eq!(s.doc.title, mlp_notebook::lesson::shipped::SHIPPED[0].0);
}

#[test]
fn the_clean_point_is_where_it_was_last_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), None);
    let path = dir.path().join("copy.toml");
    edit_weight(&mut s, 0.5, 10.0);
    s.apply(Command::SaveTo(path.clone()));
    assert!(!s.doc.dirty);
    edit_weight(&mut s, 0.75, 20.0);
    assert!(s.doc.dirty);
    s.apply(Command::Undo);
    assert!(!s.doc.dirty, "back at 0.5, as saved");
    // Undoing past the save is a change from what is on disk.
    s.apply(Command::Undo);
    assert!(s.doc.dirty, "the file holds 0.5, the page not");
    s.apply(Command::Redo);
    assert!(!s.doc.dirty);
    // Typing within a second merges into one step: still one undo back to the saved state.
    edit_weight(&mut s, 1.0, 30.0);
    edit_weight(&mut s, 1.5, 30.4);
    s.apply(Command::Undo);
    assert_eq!(w11(&s), 0.5);
    assert!(!s.doc.dirty);
}

#[test]
fn a_change_undo_cannot_take_back_keeps_the_document_unsaved() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), None);
    edit_weight(&mut s, 0.5, 10.0);
    // A training cell added from the Insert menu is not an undo step.
    s.apply(Command::Lab(mlp_notebook::app::LabCommand::InsertTrainingCell));
    s.apply(Command::Undo);
    assert!(s.doc.dirty, "the training cell is still there, unsaved");
}

#[test]
fn after_undo_all_the_window_starts_another_lesson_without_asking() {
    // Before: undoing every edit left "Save your changes before starting over?".
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), None);
    s.set_reveal_answers(true);
    let mut h = harness(s);
    let name = "W1[1,1]";
    h.get_by_label(name).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(name).type_text("3");
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().state.doc.dirty);
    // Leave the field, then undo with the keyboard.
    h.key_press(Key::Escape);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(!h.state().state.doc.dirty);
    h.get_by_label("Lessons").click();
    h.run();
    // The item carries the count of answers right ("2. One neuron 0/8 right").
    h.get_by(|n| n.label().is_some_and(|l| l.starts_with("2. One neuron")))
        .click();
    h.run();
    assert!(h.query_by_label("Unsaved changes").is_none());
    assert_eq!(h.state().state.doc.title, "One neuron");
}

#[test]
fn save_on_a_lesson_that_comes_with_the_app_says_it_is_read_only() {
    // Before: Save opened a file dialog without saying why.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("my-lesson.toml");
    let mut s = state_in(dir.path(), Some(copy.clone()));
    s.apply(Command::OpenShipped(1));
    s.apply(Command::Save);
    assert!(!copy.exists(), "Save asked for a file");
    let m = s.session.message.clone().expect("a message");
    assert!(!m.is_error);
    assert!(m.text.contains("read-only"), "{}", m.text);
    assert!(m.text.contains("answers are kept automatically"), "{}", m.text);
    assert!(m.text.contains("Save as..."), "{}", m.text);
    assert_eq!(s.doc.file, None);
    // Save as... copies it; then Save writes the copy.
    s.apply(Command::SaveAs);
    assert!(copy.exists());
    let text = std::fs::read_to_string(&copy).unwrap();
    let lesson = mlp_notebook::lesson::parse_lesson(&text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    assert_eq!(lesson.title, "One neuron");
    assert_eq!(s.doc.file.as_deref(), Some(copy.as_path()));
    edit_weight(&mut s, 0.25, 5.0);
    s.apply(Command::Save);
    assert!(!s.doc.dirty, "the copy is saved to its file");
}

#[test]
fn save_on_the_built_in_lesson_in_the_window_shows_why() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("never.toml");
    let mut s = state_in(dir.path(), Some(copy.clone()));
    s.apply(Command::OpenBuiltin);
    let mut h = harness(s);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Save Ctrl+S").click();
    h.run();
    assert!(!copy.exists());
    let m = h.state().state.session.message.clone();
    assert!(m.as_ref().is_some_and(|m| m.text.contains("is read-only")), "{m:?}");
    // Shown in the message bar (a label's text is its accessible value).
    let shown = h.query_all_by(|n| n.value().is_some_and(|l| l.contains("is read-only")));
    assert!(shown.count() > 0, "the message bar says why");
}

#[test]
fn a_new_network_still_asks_where_to_save() {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("net.toml");
    let mut s = state_in(dir.path(), Some(to.clone()));
    s.apply(Command::NewNetwork);
    s.apply(Command::Save);
    assert!(to.exists());
}

/// The window on shipped lesson `i` (0-based), with the data folder in `data`.
fn on_lesson(data: &std::path::Path, i: usize) -> Harness<'static, NotebookApp> {
    let mut s = state_in(data, None);
    s.apply(Command::OpenShipped(i));
    harness(s)
}

/// Whether the widget labelled `label` is inside the window (800 points high).
fn on_screen(h: &Harness<'_, NotebookApp>, label: &str) -> bool {
    let r = h.get_by_label(label).rect();
    r.min.y >= 0.0 && r.max.y <= 800.0
}

#[test]
fn each_shipped_lesson_leads_on_to_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_lesson(dir.path(), 0);
    assert!(
        h.query_by_label_contains("Previous lesson").is_none(),
        "lesson 1 is the first"
    );
    let next = "Next lesson: 2. One neuron";
    h.get_by_label(next).scroll_to_me();
    h.run();
    h.get_by_label(next).click();
    h.run();
    assert_eq!(h.state().state.doc.title, "One neuron");
    let back = "Previous lesson: 1. What an MLP is";
    // The new lesson opens at its top, not where lesson 1 was scrolled to.
    assert!(on_screen(&h, back), "lesson 2 opened scrolled away from its top");
    h.get_by_label(back).click();
    h.run();
    assert_eq!(h.state().state.doc.title, "What an MLP is");
    // The last lesson ends the course.
    let last = mlp_notebook::lesson::shipped::SHIPPED.len() - 1;
    let h = on_lesson(dir.path(), last);
    assert!(h.query_by_label_contains("Next lesson").is_none());
    h.get_by_label("Previous lesson: 13. MLP in Keras");
    h.get_by_label_contains("This is the last lesson of the course.");
}

#[test]
fn page_keys_scroll_the_page_unless_the_stepper_is_stepping() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_lesson(dir.path(), 0);
    let next = "Next lesson: 2. One neuron";
    assert!(!on_screen(&h, next));
    h.key_press(Key::End);
    h.run();
    assert!(on_screen(&h, next), "End goes to the bottom of the page");
    h.key_press(Key::Home);
    h.run();
    assert!(!on_screen(&h, next), "Home goes back to the top");
    // Page Down moves by most of a page, several times to the end.
    let top = h.get_by_label(next).rect().min.y;
    h.key_press(Key::PageDown);
    h.run();
    let moved = top - h.get_by_label(next).rect().min.y;
    assert!(moved > 400.0 && moved < 800.0, "moved {moved}");
    h.key_press(Key::PageUp);
    h.run();
    assert_eq!(h.get_by_label(next).rect().min.y, top);
    // While the stepper steps, Home and End are its keys.
    h.key_press(Key::ArrowRight);
    h.run();
    let s = &h.state().state;
    let cell = s.active_net().unwrap();
    assert_eq!(s.net(cell).unwrap().step, Some(0));
    // Lesson 1 teaches the forward pass only: the stepper's last step is its last forward step.
    let last = s.net(cell).unwrap().offered_steps() - 1;
    h.key_press(Key::End);
    h.run();
    let s = &h.state().state;
    assert_eq!(s.net(cell).unwrap().step, Some(last));
    assert!(!on_screen(&h, next), "End went to the stepper, not the page");
}

#[test]
fn lesson_7_apply_update_lowers_the_loss_and_shows_the_overshoot_at_0_1() {
    // The chain: x = 3, W1 = 2, b1 = -1, W2 = -1, b2 = 2, y = -1, L = 1/2 (a2 - y)^2.
    // Forward: z1 = 5, a1 = 5, a2 = -3, L = 1/2 · 4 = 2.
    // Backward: δ2 = -2, dL/dW2 = δ2 · a1 = -10, dL/db2 = -2, δ1 = W2 δ2 = 2 (z1 > 0),
    // dL/dW1 = δ1 · x = 6, dL/db1 = 2.
    // lr 0.05: W1 = 1.7, b1 = -1.1, W2 = -0.5, b2 = 2.1; z1 = 4, a2 = 0.1, L = 1/2 · 1.1^2 = 0.605.
    // lr 0.1: W1 = 1.4, b1 = -1.2, W2 = 0, b2 = 2.2; a2 = 2.2, L = 1/2 · 3.2^2 = 5.12.
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), None);
    s.apply(Command::OpenShipped(6));
    let chain = s.first_net().unwrap();
    let net = s.net(chain).unwrap();
    assert_eq!(net.grads.loss, 2.0);
    let after = net.steps.last().unwrap().result[(0, 0)];
    assert!((after - 0.605).abs() < 1e-12, "{after}");
    s.apply(Command::Net {
        cell: chain,
        cmd: NetCommand::Edit(Edit::ApplyUpdate),
    });
    assert!((s.net(chain).unwrap().grads.loss - 0.605).abs() < 1e-12);
    s.apply(Command::Undo);
    s.apply(Command::Net {
        cell: chain,
        cmd: NetCommand::Edit(Edit::LearningRate(0.1)),
    });
    s.apply(Command::Net {
        cell: chain,
        cmd: NetCommand::Edit(Edit::ApplyUpdate),
    });
    assert!((s.net(chain).unwrap().grads.loss - 5.12).abs() < 1e-12);
    // The lesson says so, and asks why.
    let lesson = s.lesson();
    let text: String = lesson
        .cells
        .iter()
        .filter_map(|c| match c {
            mlp_notebook::lesson::Cell::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        text.contains("from 2 to 0.605") && text.contains("from 2 to 5.12"),
        "{text}"
    );
    assert!(
        lesson
            .cells
            .iter()
            .any(|c| matches!(c, mlp_notebook::lesson::Cell::Quiz(q) if q.id == "chain-overshoot"))
    );
    // The branch: x = 1, y = 5; a1 = 2, a2 = (3, 2), a3 = 8, L = 4.5. Its gradients:
    // δ3 = 3, dL/dW3 = (9, 6), δ2 = (6, 3), dL/dW2 = (12, 6), δ1 = 6 - 3 = 3, dL/dW1 = 3, and the
    // biases' gradients are the deltas. At lr 0.02: W1 = 1.94, b1 = -0.06, W2 = (0.76, -1.12),
    // b2 = (0.88, 3.94), W3 = (1.82, 0.88), b3 = -0.06; a1 = 1.88, a2 = (2.3088, 1.8344),
    // a3 = 5.756288, L = 1/2 · 0.756288^2 = 0.285985... < 4.5.
    let branch = (chain + 1..s.doc.cells.len()).find(|&c| s.net(c).is_some()).unwrap();
    let net = s.net(branch).unwrap();
    assert_eq!(net.grads.loss, 4.5);
    let after = net.steps.last().unwrap().result[(0, 0)];
    assert!((after - 0.5 * 0.756288f64.powi(2)).abs() < 1e-12, "{after}");
}
