//! File > Import weights... in the window, through a fake `Dialogs` that hands over a picked
//! file's bytes as the browser does: a file without activations opens the dialog that asks for
//! each layer's, the app's own file opens at once, a bad file is a message and the work stays.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::files::Dialogs;
use mlp_notebook::app::{AppState, Command};
use mlp_notebook::nn::Activation;
use mlp_notebook::window::NotebookApp;
use std::path::{Path, PathBuf};

/// A picker that "picks" one file kept in memory (a file picked in the browser has no path on
/// disk: it is read back by name through `read_bytes`).
struct PickedFile {
    name: &'static str,
    bytes: Vec<u8>,
}

impl Dialogs for PickedFile {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn pick_weights(&self) -> Option<PathBuf> {
        Some(PathBuf::from(self.name))
    }
    fn read_bytes(&self, path: &Path, _limit: usize) -> Result<Vec<u8>, String> {
        if path == Path::new(self.name) {
            Ok(self.bytes.clone())
        } else {
            Err(format!("{}: no such file", path.display()))
        }
    }
}

fn interop(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/interop")
            .join(name),
    )
    .unwrap()
}

fn harness(name: &'static str, bytes: Vec<u8>) -> Harness<'static, NotebookApp> {
    let mut state = AppState::new(
        mlp_notebook::lesson::Lesson::builtin(),
        Box::new(PickedFile { name, bytes }),
    );
    state.set_reveal_answers(true);
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

fn import_from_menu(h: &mut Harness<'_, NotebookApp>) {
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import weights... Ctrl+Shift+I").click();
    h.run();
}

fn net<'h>(h: &'h Harness<'_, NotebookApp>) -> &'h mlp_notebook::app::NetCell {
    let s = &h.state().state;
    s.net(s.first_net().unwrap()).unwrap()
}

fn message(h: &Harness<'_, NotebookApp>) -> String {
    let s = &h.state().state;
    s.session.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn a_pytorch_file_asks_each_layers_activation_then_opens_as_a_network() {
    let bytes = interop("seq_relu_3_4_4_2.safetensors");
    let mut h = harness("model.safetensors", bytes.clone());
    import_from_menu(&mut h);
    h.get_by_label("Import weights");
    // Relu hidden and identity output to start with, one choice per layer.
    let d = h
        .state()
        .state
        .session
        .weights_import
        .as_ref()
        .expect("the dialog is open");
    assert_eq!(
        d.activations,
        [Activation::Relu, Activation::Relu, Activation::Identity]
    );
    h.get_by_label("Layer 3 (output)");
    h.get_by_label("W2 4 x 4");
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Layer 2")
        .click();
    h.run();
    h.get_by_label("tanh").click();
    h.run();
    h.get_by_label("Open").click();
    h.run();
    assert!(h.state().state.session.weights_import.is_none());
    let cell = net(&h);
    assert_eq!(cell.doc.net.widths(), vec![3, 4, 4, 2]);
    let acts: Vec<Activation> = cell.doc.net.layers().iter().map(|l| l.activation).collect();
    assert_eq!(acts, [Activation::Relu, Activation::Tanh, Activation::Identity]);
    // The weights are the file's: 0.weight[0][0] is W1[1,1].
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let w = file.tensor("0.weight").unwrap();
    let w11 = f64::from_le_bytes(w.data()[..8].try_into().unwrap());
    assert_eq!(cell.doc.net.layers()[0].weights[(0, 0)], w11);
    let shown = h.get_by_label("W1[1,1]").accesskit_node().numeric_value().unwrap();
    assert_eq!(shown, w11);
    assert!(
        message(&h).starts_with("Imported model.safetensors: 3 layers"),
        "{}",
        message(&h)
    );
    // An ordinary network: the stepper walks it and its weights can be edited.
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert!(net(&h).step.is_some(), "the stepper took a step");
    h.state_mut().state.apply(Command::Net {
        cell: 0,
        cmd: mlp_notebook::app::NetCommand::Edit(mlp_notebook::app::Edit::Weight {
            layer: 0,
            row: 0,
            col: 0,
            value: 0.5,
        }),
    });
    h.run();
    assert_eq!(net(&h).doc.net.layers()[0].weights[(0, 0)], 0.5);
}

#[test]
fn the_apps_own_safetensors_opens_whole_without_asking() {
    let text = "inputs = 2\nloss = \"bce\"\n[[layers]]\nunits = 2\nactivation = \"tanh\"\n\
                weights = [[0.5, -1], [2, 0.25]]\nbias = [0.1, -0.1]\n[[layers]]\nunits = 1\n\
                activation = \"sigmoid\"\nweights = [[1.5, -0.5]]\n";
    let doc = mlp_notebook::nn::doc::parse(text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    let bytes = mlp_notebook::bridge::safetensors::write(&doc).unwrap();
    let mut h = harness("trained.safetensors", bytes);
    import_from_menu(&mut h);
    assert!(h.state().state.session.weights_import.is_none(), "no question asked");
    assert_eq!(net(&h).doc.net, doc.net);
    assert_eq!(net(&h).doc.loss, doc.loss);
}

#[test]
fn a_broken_weight_file_is_a_message_and_the_network_stays() {
    let mut h = harness("broken.npz", b"PK\x03\x04 not really a zip".to_vec());
    let before = net(&h).doc.net.widths();
    import_from_menu(&mut h);
    let m = message(&h);
    assert!(
        m.starts_with("Could not import broken.npz") && m.contains("not a .npz file"),
        "{m}"
    );
    assert_eq!(net(&h).doc.net.widths(), before);
}

#[test]
fn cancel_closes_the_dialog_and_keeps_the_lesson() {
    let mut h = harness("model.npz", interop("npz_relu_4_3_2.npz"));
    let before = net(&h).doc.net.widths();
    import_from_menu(&mut h);
    h.get_by_label("Layer 2 (output)");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().state.session.weights_import.is_none());
    assert_eq!(net(&h).doc.net.widths(), before);
}

/// Dialogs whose export picker answers with one path.
struct SaveTo(PathBuf);

impl Dialogs for SaveTo {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn pick_export(&self, _: &str, _: &str) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

#[test]
fn the_training_cells_button_and_the_file_menu_save_the_trained_network() {
    use mlp_notebook::lesson::training::TrainingSetup;
    use mlp_notebook::lesson::{Cell, Lesson};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trained.toml");
    let setup = TrainingSetup {
        scaling: mlp_notebook::nn::data::Scaling::MinMax,
        ..TrainingSetup::xor_default()
    };
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Training(Box::new(setup))],
        ..Default::default()
    };
    let app = NotebookApp::new(AppState::new(lesson, Box::new(SaveTo(path.clone()))));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    // Nothing trained yet: the menu item is off.
    assert_eq!(h.state().state.first_trained(), None);
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Epoch").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Save trained network...")
        .click();
    h.run();
    let text = std::fs::read_to_string(&path).expect("the button wrote the file");
    let doc = mlp_notebook::nn::doc::parse(&text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    let t = h.state().state.training(0).unwrap();
    assert_eq!(&doc.net, t.net().unwrap());
    assert_eq!(doc.scaling.as_ref(), Some(&t.data.as_ref().unwrap().scaler));
    std::fs::remove_file(&path).unwrap();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Save trained network... Ctrl+Shift+T").click();
    h.run();
    assert!(path.exists(), "the File menu wrote it again");
    assert!(message(&h).starts_with("Saved the trained network"), "{}", message(&h));
}
