//! File > Export as..., driven through the window (egui_kittest): the dialog opens from the
//! File menu or Ctrl+Shift+E on the stepper's network cell, picks a cell and a script kind, and
//! Export writes the script through the `Dialogs` trait to where the dialog answered.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::{AppState, CellState, Command, LabCommand};
use mlp_notebook::window::NotebookApp;
use std::path::PathBuf;

/// Dialogs whose "export" answers a file of the suggested name in the test's folder.
struct ExportTo(PathBuf);

impl mlp_notebook::app::files::Dialogs for ExportTo {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn pick_export(&self, name: &str, _: &str) -> Option<PathBuf> {
        Some(self.0.join(name))
    }
}

fn window(state: AppState) -> Harness<'static, NotebookApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_eframe(|_| NotebookApp::new(state));
    h.run();
    h
}

/// The numbers of the Python list literal assigned to `name` in `text`.
fn literal(text: &str, name: &str) -> Vec<f64> {
    let start = text.find(&format!("\n{name} = ")).expect("the script defines it") + name.len() + 4;
    let body = &text[start..];
    let end = body.find("])").or_else(|| body.find("\n]")).unwrap();
    body[..end]
        .split(|c: char| "[],()".contains(c) || c.is_whitespace())
        .filter(|t| !t.is_empty() && *t != "np.array")
        .map(|t| t.parse().unwrap())
        .collect()
}

#[test]
fn file_export_as_writes_the_shown_network_as_a_numpy_script() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        mlp_notebook::lesson::Lesson::builtin(),
        Box::new(ExportTo(dir.path().to_path_buf())),
    );
    let cell = state.first_net().unwrap();
    let mut h = window(state);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export as... Ctrl+Shift+E").click();
    h.run();
    // The dialog opens on the stepper's network cell, PyTorch chosen.
    h.get_by_label("Export as");
    let combo = h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Cell");
    assert_eq!(
        combo.accesskit_node().value().as_deref(),
        Some(format!("Cell {}: network 3-4-4-4-4-4-4-2", cell + 1).as_str())
    );
    h.get_by_label_contains("0: the script makes one forward and backward pass");
    h.get_by_label("NumPy script (.py)").click();
    h.run();
    h.get_by_label("Export...").click();
    h.run();
    let path = dir.path().join(format!("network_cell{}_numpy.py", cell + 1));
    h.get_by_label_contains(&format!("Saved the NumPy script (.py) to {}", path.display()));
    assert!(h.query_by_label("Export as").is_none(), "the dialog closed");
    let text = std::fs::read_to_string(&path).expect("the script was written");
    assert!(text.contains("import numpy as np"), "a NumPy script");
    assert!(text.contains("else 0\n"), "0 steps: the trace");
    // The weights as the window holds them, bit for bit (W1 is 4 x 3, W7 2 x 4).
    let s = &h.state().state;
    let net = &s.net(cell).unwrap().doc.net;
    for (i, l) in net.layers().iter().enumerate() {
        let want: Vec<u64> = l
            .weights
            .row_iter()
            .flat_map(|r| r.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
            .collect();
        let got: Vec<u64> = literal(&text, &format!("W{}", i + 1))
            .iter()
            .map(|v| v.to_bits())
            .collect();
        assert_eq!(got, want, "W{}", i + 1);
    }
}

#[test]
fn ctrl_shift_e_exports_a_training_cell_picked_in_the_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::new(
        mlp_notebook::lesson::Lesson::builtin(),
        Box::new(ExportTo(dir.path().to_path_buf())),
    );
    state.apply(Command::Lab(LabCommand::InsertTrainingCell));
    let train = state
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Training(_)))
        .unwrap();
    let mut h = window(state);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::E);
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Cell").click();
    h.run();
    h.get_by_label(&format!("Cell {}: training (hidden 4)", train + 1))
        .click();
    h.run();
    // A training cell trains for its epochs: no step count to choose.
    h.get_by_label_contains("only the shuffle order differs");
    assert!(h.query_by_label("Optimizer steps").is_none());
    h.get_by_label("PyTorch script (.py)").click();
    h.run();
    h.get_by_label("Export...").click();
    h.run();
    let path = dir.path().join(format!("network_cell{}_pytorch.py", train + 1));
    let text = std::fs::read_to_string(&path).expect("the script was written");
    // The default cell: XOR, 4 tanh units, Adam at 0.05, batches of 32, with its epochs.
    let s = &h.state().state;
    let Some(CellState::Training(t)) = s.doc.cells.get(train) else {
        panic!("the training cell")
    };
    assert!(text.contains(&format!("EPOCHS = {}\n", t.setup.epochs)), "{text}");
    assert!(text.contains("BATCH_SIZE = 32"));
    assert!(text.contains("torch.optim.Adam(lr=0.05"));
    assert!(text.contains("not reproduced exactly") || text.contains("Not reproduced exactly"));
}

#[test]
fn cancel_closes_the_dialog_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        mlp_notebook::lesson::Lesson::builtin(),
        Box::new(ExportTo(dir.path().to_path_buf())),
    );
    let mut h = window(state);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::E);
    h.run();
    h.get_by_label("Keras 3 script (.py)").click();
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label("Export as").is_none());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}

/// A graded lesson that keeps students out of edit mode (which shows the engine's answers)
/// keeps them from exporting too: a script would compute every value the exercises ask for.
#[test]
fn a_graded_lesson_without_edit_mode_refuses_the_export() {
    use mlp_notebook::app::export::ExportCommand;
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grading/policy.toml"),
    )
    .unwrap();
    let lesson = mlp_notebook::lesson::parse_lesson(&text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    assert!(
        lesson
            .cells
            .iter()
            .any(|c| matches!(c, mlp_notebook::lesson::Cell::Network(_)))
    );
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::new(lesson, Box::new(ExportTo(dir.path().to_path_buf())));
    state.apply(Command::Export(ExportCommand::Open));
    assert!(state.session.export_dialog.is_none());
    let m = state.session.message.as_ref().expect("a message says why");
    assert!(m.is_error && m.text.contains("graded lesson"), "{}", m.text);
}
