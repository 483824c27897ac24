//! The window, driven headless through egui_kittest: find widgets by their labels, click, type,
//! and check what is shown against the engine.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::{AppState, Command, NotebookApp};
use mlp_notebook::nn::numfmt::NumberFormat;
use mlp_notebook::nn::trace::{backward, forward};

fn harness() -> Harness<'static, NotebookApp> {
    let app = NotebookApp::new(AppState::builtin_headless());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_ui_state(|ui, app: &mut NotebookApp| app.ui(ui), app);
    h.run();
    h
}

/// The text shown for a read-only value whose accessible label is `"{name} = {text}"`.
fn shown(h: &Harness<'_, NotebookApp>, name: &str) -> String {
    let prefix = format!("{name} = ");
    let node = h.query_by(|n| n.label().is_some_and(|l| l.starts_with(&prefix)));
    let node = node.unwrap_or_else(|| panic!("no value named {name} on screen"));
    node.accesskit_node().label().unwrap_or_default()[prefix.len()..].to_string()
}

/// The value of an editable cell.
fn cell_value(h: &Harness<'_, NotebookApp>, name: &str) -> f64 {
    h.get_by_label(name)
        .accesskit_node()
        .numeric_value()
        .unwrap_or(f64::NAN)
}

fn net<'h>(h: &'h Harness<'_, NotebookApp>) -> &'h mlp_notebook::app::NetCell {
    let s = &h.state().state;
    s.net(s.first_net().unwrap()).unwrap()
}

/// Types into an editable number cell: click to edit, select all, type, Enter.
fn type_into(h: &mut Harness<'_, NotebookApp>, name: &str, text: &str) {
    h.get_by_label(name).scroll_to_me();
    h.run();
    h.get_by_label(name).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label(name).type_text(text);
    h.key_press(Key::Enter);
    h.run();
}

#[test]
fn built_in_lesson_opens_on_the_seven_layer_network() {
    let h = harness();
    assert_eq!(net(&h).doc.net.widths(), vec![3, 4, 4, 4, 4, 4, 4, 2]);
    // The fixture's loss, computed by hand in tests/engine.rs and by PyTorch: 652.5.
    h.get_by_label("L = 652.5");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Next step");
    h.get_by_label("W1 (4 x 3)");
}

#[test]
fn typing_a_weight_recomputes_the_next_layers() {
    let mut h = harness();
    assert_eq!(cell_value(&h, "W1[1,2]"), 1.0);
    // x = (0, -1, 0), row 1 of W1 = (2, 1, -2): z1[1] = 2*0 + 1*(-1) + (-2)*0 = -1, a1[1] = 0.
    assert_eq!(shown(&h, "z1[1]"), "-1");
    assert_eq!(shown(&h, "a1[1]"), "0");
    type_into(&mut h, "W1[1,2]", "-4");
    assert_eq!(cell_value(&h, "W1[1,2]"), -4.0);
    // By hand: z1[1] = 2*0 + (-4)*(-1) + (-2)*0 = 4, a1[1] = relu(4) = 4.
    assert_eq!(shown(&h, "z1[1]"), "4");
    assert_eq!(shown(&h, "a1[1]"), "4");
    // The next layer, as the engine computes it from the edited network.
    let cell = net(&h);
    let t = forward(&cell.doc.net, &cell.doc.x);
    h.get_by_label("Layer 2").click();
    h.run();
    for j in 0..4 {
        assert_eq!(
            shown(&h, &format!("z2[{}]", j + 1)),
            NumberFormat::Exact.fmt(t.layers[1].z[(j, 0)])
        );
        assert_eq!(
            shown(&h, &format!("a2[{}]", j + 1)),
            NumberFormat::Exact.fmt(t.layers[1].a[(j, 0)])
        );
    }
    assert!(h.state().state.dirty);
}

#[test]
fn stepping_through_backprop_shows_the_engine_trace() {
    let mut h = harness();
    let cell = net(&h).clone();
    let fwd = forward(&cell.doc.net, &cell.doc.x);
    let grads = backward(&cell.doc.net, &fwd, &cell.doc.y, &cell.doc.loss);
    let fmt = NumberFormat::Exact;
    h.get_by_role_and_label(egui::accesskit::Role::Button, "First step")
        .click();
    h.run();
    // Step 1 computes z1; the matrix view follows the step to layer 1. Not reached yet: blank.
    assert_eq!(shown(&h, "z1[1]"), "-1");
    assert_eq!(shown(&h, "a1[1]"), "?");
    assert_eq!(shown(&h, "δ1[1]"), "?");
    assert_eq!(shown(&h, "dL/dW1[1,1]"), "?");
    let total = net(&h).steps.len();
    for i in 1..total {
        h.key_press(Key::ArrowRight);
        h.run();
        let c = net(&h);
        assert_eq!(c.step, Some(i));
        let layer = c.selected_layer;
        let k = layer + 1;
        let g = &grads.layers[layer];
        let units = c.doc.net.layers()[layer].units();
        let ins = c.doc.net.layers()[layer].inputs();
        let step = c.current_step().unwrap();
        use mlp_notebook::nn::steps::StepKind;
        match step.kind {
            StepKind::Delta => {
                for j in 0..units {
                    assert_eq!(
                        shown(&h, &format!("δ{k}[{}]", j + 1)),
                        fmt.fmt(g.delta[(j, 0)]),
                        "step {i}"
                    );
                }
            }
            StepKind::GradW => {
                for j in 0..units {
                    for q in 0..ins {
                        let name = format!("dL/dW{k}[{},{}]", j + 1, q + 1);
                        assert_eq!(shown(&h, &name), fmt.fmt(g.weights[(j, q)]), "step {i}");
                    }
                }
            }
            StepKind::GradB => {
                for j in 0..units {
                    assert_eq!(
                        shown(&h, &format!("dL/db{k}[{}]", j + 1)),
                        fmt.fmt(g.bias[j]),
                        "step {i}"
                    );
                }
            }
            _ => {}
        }
        // The step's lines are on screen.
        h.get_by_label(&step.lines[0].render(fmt));
    }
    h.key_press(Key::ArrowRight);
    h.run();
    assert_eq!(net(&h).step, Some(total - 1));
    h.key_press(Key::Home);
    h.run();
    assert_eq!(net(&h).step, Some(0));
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(net(&h).step, None);
}

#[test]
fn undo_and_redo_an_edit() {
    let mut h = harness();
    type_into(&mut h, "b1[2]", "3");
    // Row 2 of W1 = (2, -2, 1), x = (0, -1, 0): z1[2] = 2 + b1[2] = 2 + 3 = 5.
    assert_eq!(shown(&h, "z1[2]"), "5");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(cell_value(&h, "b1[2]"), 0.0);
    assert_eq!(shown(&h, "z1[2]"), "2");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(cell_value(&h, "b1[2]"), 3.0);
    assert_eq!(shown(&h, "z1[2]"), "5");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(cell_value(&h, "b1[2]"), 3.0);
}

#[test]
fn convention_switch_shows_keras_shapes() {
    let mut h = harness();
    h.get_by_label("W1 (4 x 3)");
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Keras/NumPy: Z = A W + b (W is in x units)").click();
    h.run();
    // Keras: W is in x units = 3 x 4, the bias a row, the batch (1 sample) as rows.
    h.get_by_label("W1 (3 x 4)");
    h.get_by_label("b1 (1 x 4)");
    h.get_by_label("Z1 (1 x 4)");
    assert!(h.query_by_label("W1 (4 x 3)").is_none());
    // W1[2,1] in Keras layout is the weight from input 2 into unit 1: torch W1[1,2] = 1.
    assert_eq!(cell_value(&h, "W1[2,1]"), 1.0);
}

#[test]
fn a_broken_file_shows_its_error_and_keeps_the_network() {
    let mut h = harness();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, "inputs = 3\nloss = \"mse\"\nx = [[1, 2,\n[[layers]]\n").unwrap();
    h.state_mut().state.apply(Command::OpenPath(path));
    h.run();
    let msg = h.get_by(|n| {
        n.value()
            .is_some_and(|l| l.contains("Could not open") && l.contains("line "))
    });
    let text = msg.accesskit_node().value().unwrap_or_default();
    assert!(text.contains("column"), "{text}");
    assert_eq!(net(&h).doc.net.widths(), vec![3, 4, 4, 4, 4, 4, 4, 2]);
    assert_eq!(cell_value(&h, "W1[1,1]"), 2.0);
    h.get_by_label("L = 652.5");
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let mut h = harness();
    type_into(&mut h, "W1[1,1]", "1");
    assert!(!h.state_mut().state.request_close());
    h.run();
    h.get_by_label("Unsaved changes");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(!h.state().state.close_now);
    assert!(!h.state_mut().state.request_close());
    h.run();
    h.get_by_label("Discard changes").click();
    h.run();
    assert!(h.state().state.close_now);
}

#[test]
fn saving_writes_a_file_that_loads_back() {
    let mut h = harness();
    type_into(&mut h, "W1[1,1]", "-2");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.toml");
    h.state_mut().state.apply(Command::SaveTo(path.clone()));
    h.run();
    assert!(!h.state().state.dirty);
    let text = std::fs::read_to_string(&path).unwrap();
    let lesson = mlp_notebook::lesson::parse_lesson(&text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    let saved = lesson.cells.iter().find_map(|c| match c {
        mlp_notebook::lesson::Cell::Network(d) => Some(d.clone()),
        _ => None,
    });
    assert_eq!(saved.unwrap().net.layers()[0].weights[(0, 0)], -2.0);
    // No temporary file is left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn apply_update_lowers_the_loss_and_is_undoable() {
    let mut h = harness();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Apply update")
        .click();
    h.run();
    let c = net(&h);
    assert_eq!(c.loss_history.len(), 2);
    // The loss before is 652.5; SGD with lr 1e-4 must lower it (checked against the engine).
    let after = c.loss_history[1];
    assert!(after < 652.5, "{after}");
    assert_eq!(c.grads.loss, after);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(net(&h).loss_history.len(), 1);
    h.get_by_label("L = 652.5");
}

#[test]
fn hovering_a_node_explains_its_computation() {
    let mut h = harness();
    h.get_by_label("node a1[2] = 2").hover();
    h.run();
    // Row 2 of W1 = (2, -2, 1), x = (0, -1, 0), b = 0.
    h.get_by_label("z1[2] = 2·0 + (-2)·(-1) + 1·0 + 0 = 2");
    h.get_by_label("a1[2] = relu(2) = 2");
}
