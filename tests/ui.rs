//! The window, driven headless through egui_kittest: find widgets by their labels, click, type,
//! and check what is shown against the engine.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::{AppState, Command};
use mlp_notebook::nn::numfmt::NumberFormat;
use mlp_notebook::nn::trace::{backward, forward};
use mlp_notebook::window::NotebookApp;

fn harness() -> Harness<'static, NotebookApp> {
    // These tests are about the networks: every value shown, as to an instructor (students see
    // the values the lesson's exercises ask for blank until answered: tests/ui_exercises.rs).
    let mut state = AppState::builtin_headless();
    state.set_reveal_answers(true);
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
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

/// Clicks a button by its label, scrolling it into view first, as a user would.
fn click(h: &mut Harness<'_, NotebookApp>, label: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::Button, label)
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::Button, label).click();
    h.run();
}

/// Opens a combo box by its label and picks an entry.
fn choose(h: &mut Harness<'_, NotebookApp>, combo: &str, entry: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, combo).click();
    h.run();
    h.get_by_label(entry).click();
    h.run();
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
            NumberFormat::Auto.fmt(t.layers[1].z[(j, 0)])
        );
        assert_eq!(
            shown(&h, &format!("a2[{}]", j + 1)),
            NumberFormat::Auto.fmt(t.layers[1].a[(j, 0)])
        );
    }
    assert!(h.state().state.doc.dirty);
}

#[test]
fn stepping_through_backprop_shows_the_engine_trace() {
    let mut h = harness();
    let cell = net(&h).clone();
    let fwd = forward(&cell.doc.net, &cell.doc.x);
    let grads = backward(&cell.doc.net, &fwd, &cell.doc.y, &cell.doc.loss);
    let fmt = NumberFormat::Auto;
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
fn redo_keys_belong_to_a_text_field_while_typing() {
    let mut h = harness();
    type_into(&mut h, "b1[2]", "3");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(cell_value(&h, "b1[2]"), 0.0);
    // Typing in the student's name field: Ctrl+Shift+Z and Ctrl+Y are the field's own redo,
    // not the app's (which would put b1[2] = 3 back under the cursor).
    h.get_by_label("Student:").focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(cell_value(&h, "b1[2]"), 0.0, "the app's redo ran while typing");
    assert!(h.state().state.can_redo());
    // Out of the field the same keys redo the edit.
    h.key_press(Key::Escape);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(cell_value(&h, "b1[2]"), 3.0);
}

#[test]
fn menus_show_the_shortcuts_the_keys_run() {
    let mut h = harness();
    h.get_by_label("File").click();
    h.run();
    // Each item carries its shortcut, as the action table gives it.
    assert!(h.query_by_label("Save Ctrl+S").is_some());
    assert!(h.query_by_label("Save as... Ctrl+Shift+S").is_some());
    assert!(h.query_by_label("Open... Ctrl+O").is_some());
    h.key_press(Key::Escape);
    h.run();
    // F1 lists the same keys as the menus, and both redo keys.
    h.key_press(Key::F1);
    h.run();
    assert!(h.query_by_label("Ctrl+Shift+Z or Ctrl+Y").is_some());
    assert!(h.query_by_label("Ctrl+E").is_some());
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
    assert!(!h.state().state.session.close_now);
    assert!(!h.state_mut().state.request_close());
    h.run();
    h.get_by_label("Discard changes").click();
    h.run();
    assert!(h.state().state.session.close_now);
}

#[test]
fn saving_writes_a_file_that_loads_back() {
    let mut h = harness();
    type_into(&mut h, "W1[1,1]", "-2");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.toml");
    h.state_mut().state.apply(Command::SaveTo(path.clone()));
    h.run();
    assert!(!h.state().state.doc.dirty);
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
    h.get_by_label("layer 1, unit 2: z = 2, a = 2 (shows a1[2] = 2)")
        .hover();
    h.run();
    // Row 2 of W1 = (2, -2, 1), x = (0, -1, 0), b = 0.
    h.get_by_label("z1[2] = 2·0 + (-2)·(-1) + 1·0 + 0 = 2");
    h.get_by_label("a1[2] = relu(2) = 2");
}

#[test]
fn dragging_a_weight_changes_it_and_recomputes() {
    let mut h = harness();
    let rect = h.get_by_label("b1[1]").rect();
    let start = rect.center();
    h.hover_at(start);
    h.run();
    h.drag_at(start);
    h.run();
    for dx in [10.0, 20.0, 40.0, 60.0] {
        h.hover_at(start + egui::vec2(dx, 0.0));
        h.run();
    }
    h.drop_at(start + egui::vec2(60.0, 0.0));
    h.run();
    let b = cell_value(&h, "b1[1]");
    assert!(b > 0.0, "dragging right increases the value, got {b}");
    // z1[1] = W1 row 1 · x + b1[1] = -1 + b1[1] (x = (0, -1, 0), row 1 = (2, 1, -2)).
    let z = net(&h).fwd.layers[0].z[(0, 0)];
    assert_eq!(z, -1.0 + b);
    assert_eq!(shown(&h, "z1[1]"), NumberFormat::Auto.fmt(-1.0 + b));
    // One drag is one undo step.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(cell_value(&h, "b1[1]"), 0.0);
}

#[test]
fn number_format_applies_everywhere() {
    let mut h = harness();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("2 decimals").click();
    h.run();
    assert_eq!(shown(&h, "z1[1]"), "-1.00");
    h.get_by_label("L = 652.50");
    h.get_by_label("layer 1, unit 2: z = 2.00, a = 2.00 (shows a1[2] = 2.00)");
}

#[test]
fn adding_and_removing_units_and_layers_keeps_every_shape_consistent() {
    let mut h = harness();
    click(&mut h, "Add unit");
    assert_eq!(net(&h).doc.net.widths(), vec![3, 5, 4, 4, 4, 4, 4, 2]);
    h.get_by_label("W1 (5 x 3)");
    // The new unit has zero weights and bias: z1[5] = 0, and layer 2 reads it with zero weights.
    assert_eq!(shown(&h, "z1[5]"), "0");
    click(&mut h, "Insert layer before");
    assert_eq!(net(&h).doc.net.widths(), vec![3, 4, 5, 4, 4, 4, 4, 4, 2]);
    click(&mut h, "Remove layer");
    assert_eq!(net(&h).doc.net.widths(), vec![3, 5, 4, 4, 4, 4, 4, 2]);
    h.get_by_label("Layer 1").click();
    h.run();
    click(&mut h, "Remove unit");
    assert_eq!(net(&h).doc.net.widths(), vec![3, 4, 4, 4, 4, 4, 4, 2]);
    // Four edits, four undos, back to the lesson's network.
    for _ in 0..4 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
    }
    assert_eq!(net(&h).doc.net.widths(), vec![3, 4, 4, 4, 4, 4, 4, 2]);
    h.get_by_label("L = 652.5");
}

#[test]
fn a_second_sample_can_be_added_edited_and_shown() {
    let mut h = harness();
    click(&mut h, "Add sample");
    assert_eq!(net(&h).doc.batch(), 2);
    // The copy is selected; give it x[2] = 1 (sample 2, input 2).
    type_into(&mut h, "x[2,2]", "1");
    // Row 1 of W1 = (2, 1, -2): z1[1] = 2*0 + 1*1 + (-2)*0 = 1 for sample 2.
    assert_eq!(shown(&h, "z1[1]"), "1");
    h.get_by_label("sample 1").scroll_to_me();
    h.run();
    h.get_by_label("sample 1").click();
    h.run();
    assert_eq!(shown(&h, "z1[1]"), "-1");
    // sse_half sums over the batch: the loss is sample 1's 652.5 plus sample 2's, from the engine.
    let c = net(&h);
    let l2 = mlp_notebook::nn::trace::loss_of(
        &c.doc.net,
        &c.doc.x.columns(1, 1).into_owned(),
        &c.doc.y.columns(1, 1).into_owned(),
        &c.doc.loss,
    );
    assert_eq!(c.grads.loss, 652.5 + l2);
}

#[test]
fn switching_the_loss_recomputes_it() {
    let mut h = harness();
    choose(&mut h, "Loss:", "mse");
    // a7 = (8, 38), y = (5, 2): mse mean over 2 outputs = ((8-5)^2 + (38-2)^2) / 2 = (9 + 1296) / 2.
    h.get_by_label("L = 652.5");
    assert_eq!(net(&h).doc.loss.reduction, mlp_notebook::nn::Reduction::Mean);
    choose(&mut h, "Reduction:", "sum");
    // mse with sum: 9 + 1296 = 1305.
    h.get_by_label("L = 1305");
}

#[test]
fn clicking_a_node_selects_it_and_its_layer() {
    let mut h = harness();
    h.get_by_label_contains("layer 3, unit 2: ").click();
    h.run();
    let c = net(&h);
    assert_eq!(
        c.selection,
        Some(mlp_notebook::app::Selection::Node { column: 3, unit: 1 })
    );
    assert_eq!(c.selected_layer, 2);
    h.get_by_label("W3 (4 x 4)");
}

#[test]
fn hovering_an_edge_shows_its_weight_and_contribution() {
    let mut h = harness();
    // The edge from x[2] (= -1) into unit 1 of layer 1: W1[1,2] = 1, contribution 1·(-1) = -1.
    let a = h
        .get_by_label("input, unit 2: x = -1 (shows x[2] = -1)")
        .rect()
        .center();
    let b = h
        .get_by_label("layer 1, unit 1: z = -1, a = 0 (shows a1[1] = 0)")
        .rect()
        .center();
    h.hover_at(a + (b - a) * 0.5);
    h.run();
    let tip = h.get_by(|n| n.value().is_some_and(|v| v.starts_with("W1[1,2] = 1")));
    let text = tip.accesskit_node().value().unwrap_or_default();
    assert!(text.contains("w·x[2] = 1·(-1) = -1"), "{text}");
}

#[test]
fn reveal_all_shows_values_while_stepping() {
    let mut h = harness();
    // The right arrow starts the stepper (Home scrolls the page until it steps).
    h.key_press(Key::ArrowRight);
    h.run();
    assert_eq!(shown(&h, "δ1[1]"), "?");
    h.get_by_label("Reveal all").click();
    h.run();
    // δ1 from the fixture (PyTorch): (0, 156, 432, 216).
    assert_eq!(shown(&h, "δ1[1]"), "0");
    assert_eq!(shown(&h, "δ1[3]"), "432");
}

#[test]
fn the_loss_after_the_update_stays_blank_until_its_step() {
    let mut h = harness();
    // Not stepping: everything live. The loss after one SGD step, from the engine.
    let after = net(&h).steps.last().unwrap().result[(0, 0)];
    let text = format!(
        "Loss now: 652.5   updates applied: 0   loss after the next update: {}",
        NumberFormat::Auto.fmt(after)
    );
    h.get_by(|n| n.role() == egui::accesskit::Role::Label && n.value().is_some_and(|v| v == text));
    h.key_press(Key::ArrowRight);
    h.run();
    let blank = "Loss now: ?   updates applied: 0   loss after the next update: ?";
    h.get_by(|n| n.role() == egui::accesskit::Role::Label && n.value().is_some_and(|v| v == blank));
    h.key_press(Key::End);
    h.run();
    h.get_by(|n| n.role() == egui::accesskit::Role::Label && n.value().is_some_and(|v| v == text));
}

/// A file dropped on the window, as the platform hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_network_file_opens_it_and_remembers_it() {
    let mut h = harness();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.toml");
    // 2 inputs, one identity unit with weights (3, -1): z = 3*2 + (-1)*5 + 0.5 = 1.5;
    // sse_half against y = 1: L = 0.5 * (1.5 - 1)^2 = 0.125.
    let text = "name = \"Tiny\"\ninputs = 2\nloss = \"sse_half\"\nx = [2, 5]\ny = [1]\n\
                [[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[3, -1]]\nbias = [0.5]\n";
    std::fs::write(&path, text).unwrap();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.clone())));
    h.run();
    assert_eq!(net(&h).doc.net.widths(), vec![2, 1]);
    h.get_by_label("L = 0.125");
    assert_eq!(shown(&h, "z1[1]"), "1.5");
    assert_eq!(h.state().state.doc.file.as_deref(), Some(path.as_path()));
    assert!(!h.state().state.doc.dirty);
    // It is now the first of the recent files, in the File menu.
    assert_eq!(h.state().state.session.settings.recent.first(), Some(&path));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Recent files").click();
    h.run();
    h.get_by_label(&path.display().to_string());
}

/// Storage as eframe gives it to the app between runs.
#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn theme_view_and_recent_files_are_remembered_between_runs() {
    let mut h = harness();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Dark theme").click();
    h.run();
    assert!(h.state().state.session.settings.view.dark);
    h.state_mut()
        .state
        .session
        .settings
        .recent
        .push("/some/lesson.toml".into());
    let mut storage = MemoryStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let back: mlp_notebook::app::Settings =
        eframe::get_value(&storage, mlp_notebook::window::SETTINGS_KEY).expect("settings were saved");
    assert_eq!(back, h.state().state.session.settings);
    assert!(back.view.dark);
    assert_eq!(back.recent, vec![std::path::PathBuf::from("/some/lesson.toml")]);
}

#[test]
fn settings_written_by_an_older_build_keep_the_theme_and_recent_files() {
    // What a build from before the convention switch and zoom wrote (eframe stores RON): the
    // fields a newer build added are missing. They take their defaults; the rest is kept.
    let mut storage = MemoryStorage::default();
    eframe::Storage::set_string(
        &mut storage,
        mlp_notebook::window::SETTINGS_KEY,
        r#"(view:(node_value:Z,number_format:Fixed(2),dark:true),recent:["/a/lesson.toml"])"#.into(),
    );
    let s: mlp_notebook::app::Settings =
        eframe::get_value(&storage, mlp_notebook::window::SETTINGS_KEY).expect("older settings are read, not dropped");
    assert!(s.view.dark);
    assert_eq!(s.view.node_value, mlp_notebook::app::NodeValue::Z);
    assert_eq!(s.view.number_format, mlp_notebook::nn::numfmt::NumberFormat::Fixed(2));
    assert_eq!(s.view.zoom, 1.0);
    assert_eq!(s.view.convention, mlp_notebook::app::Convention::Torch);
    assert_eq!(s.recent, vec![std::path::PathBuf::from("/a/lesson.toml")]);
    assert_eq!(s.student, "");
}

/// Settings stored by a build from before `NumberFormat::Exact` was renamed `Auto` still read:
/// the stored text names the old variant, and it comes back as `Auto` with everything else.
#[test]
fn settings_stored_with_the_old_number_format_name_still_read() {
    let mut storage = MemoryStorage::default();
    eframe::Storage::set_string(
        &mut storage,
        mlp_notebook::window::SETTINGS_KEY,
        "(view:(node_value:A,number_format:Exact,convention:Torch,dark:true,zoom:1.0),recent:[],student:\"Ada\")"
            .into(),
    );
    let back: mlp_notebook::app::Settings =
        eframe::get_value(&storage, mlp_notebook::window::SETTINGS_KEY).expect("old settings read");
    assert_eq!(back.view.number_format, NumberFormat::Auto);
    assert!(back.view.dark);
    assert_eq!(back.student, "Ada");
}

/// A desktop where no file dialog can open (no portal, no zenity): every pick returns nothing
/// at once, and says so.
struct NoDialogAtAll;

impl mlp_notebook::app::files::Dialogs for NoDialogAtAll {
    fn pick_open(&self) -> Option<std::path::PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<std::path::PathBuf> {
        None
    }
    fn unavailable(&self) -> bool {
        true
    }
}

#[test]
fn without_a_file_dialog_save_as_and_open_ask_for_the_path() {
    let mut state = AppState::new(mlp_notebook::lesson::Lesson::builtin(), Box::new(NoDialogAtAll));
    state.set_reveal_answers(true);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_eframe(|_| NotebookApp::new(state));
    h.run();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    // Save as: the dialog cannot open, so the window asks for the path instead of doing nothing.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Save as... Ctrl+Shift+S").click();
    h.run();
    h.get_by_label("Save the lesson as which file?");
    type_into(&mut h, "File path", &path.display().to_string());
    h.run();
    assert!(h.state().state.session.path_prompt.is_none(), "Enter closes the prompt");
    assert_eq!(h.state().state.doc.file.as_deref(), Some(path.as_path()));
    let text = std::fs::read_to_string(&path).expect("the lesson was saved to the typed path");
    let saved = mlp_notebook::lesson::parse_lesson(&text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    assert_eq!(saved.title, "Seven layers by hand");
    // Open: the same prompt, then the file opens.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open... Ctrl+O").click();
    h.run();
    h.get_by_label("Open which file?");
    h.get_by_label("File path").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("File path").type_text(&path.display().to_string());
    h.run();
    h.get_by_label("OK").click();
    h.run();
    let msg = h.state().state.session.message.clone().expect("a message");
    assert_eq!(msg.text, format!("Opened {}", path.display()));
    // Cancel closes the prompt and changes nothing.
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open... Ctrl+O").click();
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().state.session.path_prompt.is_none());
    assert_eq!(h.state().state.doc.file.as_deref(), Some(path.as_path()));
}

#[test]
fn a_long_message_wraps_inside_the_window() {
    // A refusal that names a file and a limit runs past a 1024-pixel window on one line; the
    // bar wraps it, so its end ("...the end") is on screen.
    let mut state = AppState::builtin_headless();
    let long = format!("/tmp/{}/the-end.toml", "a-folder-with-a-long-name".repeat(12));
    state.apply(Command::OpenPath(long.clone().into()));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .with_max_steps(12)
        .build_eframe(|_| NotebookApp::new(state));
    h.run();
    let node = h.query_by(|n| {
        n.value()
            .is_some_and(|l| l.starts_with("Could not open") && l.contains("the-end.toml"))
    });
    let rect = node.expect("the message is shown").rect();
    assert!(
        rect.max.x <= 1024.0,
        "the message ends at x = {} in a 1024-pixel window",
        rect.max.x
    );
    assert!(rect.height() > 30.0, "it wraps onto more than one line: {rect:?}");
}

/// A network file with an input scaling (as a trained training cell saves it): layer 1's matrix
/// view shows the scaling as a step of its own, each input's raw x, mean, std and the a0 that
/// layer 1 takes, and layer 1's input block is named a0.
#[test]
fn a_networks_input_scaling_is_a_step_of_its_own_in_the_matrix_view() {
    let mut h = harness();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scaled.toml");
    let text = "inputs = 2\nloss = \"mse\"\nx = [[3.0, 10.0]]\ny = [[1.0]]\n\
                [scaling]\nkind = \"standardise\"\nmean = [1.0, 4.0]\nstd = [2.0, 3.0]\n\
                [[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[0.5, -0.25]]\nbias = [0.125]\n";
    std::fs::write(&path, text).unwrap();
    h.state_mut().state.apply(Command::OpenPath(path));
    h.run();
    let headings = h
        .query_all_by(|n| {
            n.value()
                .is_some_and(|v| v.starts_with("Input scaling (standardise") && v.ends_with("a0 = (x - mean) / std"))
        })
        .count();
    assert!(headings > 0, "the scaling step's heading is shown");
    // a0 = ((3 - 1) / 2, (10 - 4) / 3) = (1, 2); z1 = 0.5 * 1 - 0.25 * 2 + 0.125 = 0.125.
    let fmt = h.state().state.session.settings.view.number_format;
    let shown = |v: f64| fmt.fmt(v);
    for row in [[3.0, 1.0, 2.0, 1.0], [10.0, 4.0, 3.0, 2.0]] {
        for v in row {
            assert!(
                h.query_all_by(|n| n.value().is_some_and(|t| t == shown(v)))
                    .next()
                    .is_some(),
                "{} is shown",
                shown(v)
            );
        }
    }
    let z = net(&h).fwd.layers[0].z[(0, 0)];
    assert_eq!(z, 0.125, "layer 1 takes the scaled inputs");
    let note = h
        .query_all_by(|n| [n.value(), n.label()].into_iter().flatten().any(|t| t == "a0 (2 x 1)"))
        .count();
    assert!(note > 0, "layer 1's input block is a0, the scaled x");
}
