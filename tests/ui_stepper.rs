//! The stepper shows where it is: the nodes' values during the backward steps, the panel
//! following the network in view (and saying when none is), the values a hovered value is
//! computed from, and a lesson's `taught` (progressive disclosure) in the window, the file,
//! edit mode, lint and worksheets.

use crate::ui_exercises::{TestDialogs, click, count, shows};
use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::{AppState, CellState, Command, Edit, Hovered, NetCommand, StepNav};
use mlp_notebook::lesson::{Cell, Lesson, Taught, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::steps::{Quantity, StepKind};
use mlp_notebook::ui::visibility::{hover_sources, is_source};
use mlp_notebook::window::NotebookApp;

fn shipped(n: usize) -> Lesson {
    let text = match n {
        1 => include_str!("../lessons/01-what-an-mlp-is.toml"),
        2 => include_str!("../lessons/02-one-neuron.toml"),
        5 => include_str!("../lessons/05-activations.toml"),
        8 => include_str!("../lessons/08-gradient-descent.toml"),
        _ => unreachable!("not used here"),
    };
    parse_lesson(text, Syntax::Toml).expect("the shipped lesson loads")
}

fn harness_sized(state: AppState, w: f32, h: f32) -> Harness<'static, NotebookApp> {
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(egui::vec2(w, h))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

fn lesson_harness(lesson: Lesson, w: f32, h: f32) -> Harness<'static, NotebookApp> {
    let mut state = AppState::new(lesson, Box::new(TestDialogs(None)));
    state.set_reveal_answers(true);
    harness_sized(state, w, h)
}

/// The built-in seven-layer network, every value shown (as to an instructor).
fn seven_layers() -> Harness<'static, NotebookApp> {
    let mut state = AppState::builtin_headless();
    state.set_reveal_answers(true);
    harness_sized(state, 1280.0, 800.0)
}

/// The text a diagram node shows, from its accessible name `... (shows {name} = {text})`.
fn node(h: &Harness<'_, NotebookApp>, name: &str) -> String {
    let marker = format!(" (shows {name} = ");
    let n = h
        .query_by(|n| n.label().is_some_and(|l| l.contains(&marker)))
        .unwrap_or_else(|| panic!("no node {name} on screen"));
    let label = n.accesskit_node().label().unwrap_or_default();
    let at = label.find(&marker).unwrap() + marker.len();
    label[at..].trim_end_matches(')').to_string()
}

fn has_node(h: &Harness<'_, NotebookApp>, name: &str) -> bool {
    let marker = format!(" (shows {name} = ");
    h.query_by(|n| n.label().is_some_and(|l| l.contains(&marker))).is_some()
}

/// Moves the stepper of the network in view to the step of `kind` of 0-based layer `layer`,
/// with the keys: the right arrow from the first step.
fn step_to(h: &mut Harness<'_, NotebookApp>, kind: StepKind, layer: Option<usize>) {
    let s = &h.state().state;
    let cell = s.net(s.stepper_net().expect("a network in view")).expect("network");
    let target = cell
        .steps
        .iter()
        .position(|st| st.kind == kind && st.layer == layer)
        .expect("the step");
    click(h, Role::Button, "First step");
    for _ in 0..target {
        h.key_press(Key::ArrowRight);
    }
    h.run();
    let s = &h.state().state;
    assert_eq!(s.net(s.stepper_net().unwrap()).unwrap().step, Some(target));
}

#[test]
fn during_the_backward_steps_the_nodes_show_delta_or_what_the_step_writes() {
    let mut h = seven_layers();
    // Before backpropagation the nodes show a. By hand (tests/engine.rs): a6 = (28, 0, 0, 10).
    step_to(&mut h, StepKind::Loss, None);
    assert_eq!(node(&h, "a6[1]"), "28");
    assert!(!has_node(&h, "δ6[1]"));
    // The step that passes dL/da6 back from layer 7: column 6 shows what it writes,
    // dL/da6 = W7ᵀ δ7 = (1·3 + 1·36, 1·3 - 2·36, 1·3 + 2·36, -2·3 + 1·36) = (39, -69, 75, 30);
    // the output column shows δ7 = a7 - y = (3, 36); the columns below show δ, not reached yet.
    step_to(&mut h, StepKind::DaPrev, Some(6));
    for (u, v) in ["39", "-69", "75", "30"].iter().enumerate() {
        assert_eq!(node(&h, &format!("dL/da6[{}]", u + 1)), *v);
    }
    assert_eq!(node(&h, "δ7[1]"), "3");
    assert_eq!(node(&h, "δ7[2]"), "36");
    assert_eq!(node(&h, "δ5[1]"), "?");
    assert!(!has_node(&h, "a6[1]"), "no a during the backward steps");
    // δ6 = dL/da6 * relu'(z6), z6 = (28, -1, -9, 10): (39, 0, 0, 30).
    step_to(&mut h, StepKind::Delta, Some(5));
    for (u, v) in ["39", "0", "0", "30"].iter().enumerate() {
        assert_eq!(node(&h, &format!("δ6[{}]", u + 1)), *v);
    }
    // The input column keeps x (x = (0, -1, 0)) until a step writes dL/dx.
    assert_eq!(node(&h, "x[2]"), "-1");
    // The update steps and the loss after them: the nodes show a again.
    step_to(&mut h, StepKind::Update, Some(0));
    assert_eq!(node(&h, "a6[1]"), "28");
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(node(&h, "a6[1]"), "28");
}

/// The network cell whose name is `name`.
fn net_named(h: &Harness<'_, NotebookApp>, name: &str) -> usize {
    let s = &h.state().state;
    (0..s.doc.cells.len())
        .find(|&c| s.net(c).is_some_and(|n| n.doc.name.as_deref() == Some(name)))
        .expect("network")
}

/// Scrolls the page (Page Down or Page Up, as a student would) until `until` holds; at most 30
/// presses. Returns whether it held.
fn page_until(h: &mut Harness<'_, NotebookApp>, key: Key, until: impl Fn(&AppState) -> bool) -> bool {
    for _ in 0..30 {
        if until(&h.state().state) {
            return true;
        }
        h.key_press(key);
        h.run();
    }
    until(&h.state().state)
}

/// Where the diagram node `label` (its whole accessible name) is, top and bottom.
fn node_span(h: &Harness<'_, NotebookApp>, label: &str) -> (f32, f32) {
    let r = h.get_by_label(label).rect();
    (r.top(), r.bottom())
}

#[test]
fn the_panel_names_the_network_in_view_as_the_page_scrolls() {
    let mut h = lesson_harness(shipped(5), 1024.0, 700.0);
    let (sigmoid, tanh) = (net_named(&h, "Three sigmoid units"), net_named(&h, "Three tanh units"));
    // Down the page: the panel moves to the sigmoid cell, then to the tanh cell, naming each.
    assert!(page_until(&mut h, Key::PageDown, |s| s.stepper_net() == Some(sigmoid)));
    assert!(shows(&h, "Network in view: Three sigmoid units"));
    assert!(page_until(&mut h, Key::PageDown, |s| s.stepper_net() == Some(tanh)));
    assert!(shows(&h, "Network in view: Three tanh units"));
    assert!(!shows(&h, "Network in view: Three sigmoid units"));
    // Back up: the sigmoid cell again (in lesson 5 the panel said "tanh" here).
    assert!(page_until(&mut h, Key::PageUp, |s| s.stepper_net() == Some(sigmoid)));
    assert!(shows(&h, "Network in view: Three sigmoid units"));
    // The arrow keys step the network the panel names.
    h.key_press(Key::ArrowRight);
    h.run();
    assert_eq!(h.state().state.net(sigmoid).unwrap().step, Some(0));
    assert_eq!(h.state().state.net(tanh).unwrap().step, None);
}

#[test]
fn with_only_a_training_lab_in_view_the_panel_has_no_network_to_step() {
    let updates = |h: &Harness<'_, NotebookApp>| h.query_all_by_role_and_label(Role::Button, "Apply update").count();
    let mut h = lesson_harness(shipped(8), 1024.0, 700.0);
    assert!(page_until(&mut h, Key::PageDown, |s| s.stepper_net().is_some()));
    assert_eq!(updates(&h), 1);
    // The end of the page: the training labs, no network cell.
    h.key_press(Key::End);
    h.run();
    h.run();
    assert_eq!(h.state().state.stepper_net(), None);
    assert!(shows(&h, "No network in view: there is no network to step."));
    assert_eq!(updates(&h), 0, "no update for a network off screen");
    // The stepper's keys step nothing off screen.
    let before: Vec<Option<usize>> = (0..h.state().state.doc.cells.len())
        .map(|c| h.state().state.net(c).and_then(|n| n.step))
        .collect();
    h.key_press(Key::ArrowRight);
    h.run();
    let after: Vec<Option<usize>> = (0..h.state().state.doc.cells.len())
        .map(|c| h.state().state.net(c).and_then(|n| n.step))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn hovering_a_value_highlights_the_values_it_is_computed_from() {
    let mut h = seven_layers();
    let ci = h.state().state.first_net().unwrap();
    // A diagram node: z1[2] = W1[2,:] x + b1[2] reads row 2 of W1, b1[2] and all of x.
    h.state_mut()
        .state
        .apply(Command::SetNodeValue(mlp_notebook::app::NodeValue::Z));
    h.run();
    h.get_by_label("layer 1, unit 2: z = 2, a = 2 (shows z1[2] = 2)")
        .hover();
    h.run();
    let s = &h.state().state;
    let hovered = s.session.hovered.expect("the node is hovered");
    assert_eq!((hovered.quantity, hovered.row), (Quantity::Z(0), 1));
    let src = hover_sources(s.session.hovered, ci, s.net(ci).unwrap());
    assert!(is_source(&src, Quantity::W(0), 1, 0, 0) && is_source(&src, Quantity::W(0), 1, 2, 0));
    assert!(!is_source(&src, Quantity::W(0), 0, 0, 0), "row 1 of W1 is not read");
    assert!(is_source(&src, Quantity::B(0), 1, 0, 0) && !is_source(&src, Quantity::B(0), 2, 0, 0));
    assert!((0..3).all(|i| is_source(&src, Quantity::X, i, 0, 0)));
    // A matrix cell of the backward blocks: dL/dW1[2,1] = δ1[2] x[1] reads row 2 of δ1 and x[1].
    h.state_mut().state.apply(Command::Net {
        cell: ci,
        cmd: NetCommand::SelectLayer(0),
    });
    h.run();
    let prefix = "dL/dW1[2,1] = ";
    h.query_by(|n| n.label().is_some_and(|l| l.starts_with(prefix)))
        .expect("the cell")
        .scroll_to_me();
    h.run();
    h.query_by(|n| n.label().is_some_and(|l| l.starts_with(prefix)))
        .expect("the cell")
        .hover();
    h.run();
    let s = &h.state().state;
    let src = hover_sources(s.session.hovered, ci, s.net(ci).unwrap());
    assert!(is_source(&src, Quantity::Delta(0), 1, 0, 0) && !is_source(&src, Quantity::Delta(0), 0, 0, 0));
    assert!(is_source(&src, Quantity::X, 0, 0, 0) && !is_source(&src, Quantity::X, 1, 0, 0));
    // The diagram rings what it reads: the hover is the window's, not a test's shortcut.
    assert_eq!(
        s.session.hovered,
        Some(Hovered {
            cell: ci,
            quantity: Quantity::GradW(0),
            row: 1,
            col: 0,
            sample: 0,
            step: None,
        })
    );
    // A stepper line: the update of W7[1,1] reads W7[1,1] and dL/dW7[1,1] only.
    step_to(&mut h, StepKind::Update, Some(6));
    let line = {
        let s = &h.state().state;
        s.net(ci).unwrap().current_step().unwrap().lines[0].render(mlp_notebook::nn::numfmt::NumberFormat::Auto)
    };
    h.get_by_label(&line).hover();
    h.run();
    let s = &h.state().state;
    let src = hover_sources(s.session.hovered, ci, s.net(ci).unwrap());
    assert!(is_source(&src, Quantity::W(6), 0, 0, 0) && is_source(&src, Quantity::GradW(6), 0, 0, 0));
    assert!(!is_source(&src, Quantity::W(6), 0, 1, 0) && !is_source(&src, Quantity::B(6), 0, 0, 0));
    // The pointer leaves: nothing is highlighted.
    h.hover_at(egui::pos2(2.0, 700.0));
    h.run();
    assert_eq!(h.state().state.session.hovered, None);
}

/// The network cells' `taught`, in page order.
fn taught_of(s: &AppState) -> Vec<Taught> {
    s.doc
        .cells
        .iter()
        .filter_map(|c| match c {
            CellState::Network(n) => Some(n.options.taught),
            _ => None,
        })
        .collect()
}

fn one_title() -> String {
    shipped(1).title
}

#[test]
fn lesson_1_shows_only_the_forward_pass() {
    let mut h = lesson_harness(shipped(1), 1280.0, 800.0);
    assert_eq!(taught_of(&h.state().state), vec![Taught::Forward, Taught::Forward]);
    assert!(page_until(&mut h, Key::PageDown, |s| s.stepper_net().is_some()));
    // The forward blocks, but no backward blocks, loss or update.
    assert!(shows(&h, "W1 (4 x 3)"));
    for absent in [
        "Backward:",
        "δ1 (",
        "dL/dW1",
        "Reduction:",
        "L = ",
        // (The lesson's training cells have a learning rate of their own: the update section's
        // absence is its Apply update button's.)
        "Apply update",
    ] {
        assert!(!shows(&h, absent), "lesson 1 shows {absent}");
    }
    assert_eq!(count(&h, "δ"), 0, "no δ on the nodes' choice");
    // The stepper walks the forward pass only: 2 layers, z then a.
    assert!(shows(&h, "4 steps: the forward pass, layer by layer."));
    h.key_press(Key::ArrowRight);
    h.key_press(Key::End);
    h.run();
    let s = &h.state().state;
    let ci = s.stepper_net().unwrap();
    assert_eq!(s.net(ci).unwrap().step, Some(3));
    assert_eq!(s.net(ci).unwrap().current_step().unwrap().kind, StepKind::A);
    // Nothing the lesson has not taught can be changed either.
    let loss = s.net(ci).unwrap().doc.loss;
    h.state_mut().state.apply(Command::Net {
        cell: ci,
        cmd: NetCommand::Edit(Edit::Reduction(mlp_notebook::nn::Reduction::Sum)),
    });
    h.run();
    assert!(shows(&h, "has not taught the loss yet"));
    h.state_mut().state.apply(Command::Net {
        cell: ci,
        cmd: NetCommand::Edit(Edit::ApplyUpdate),
    });
    h.run();
    assert!(shows(&h, "has not taught the update yet"));
    assert_eq!(h.state().state.net(ci).unwrap().doc.loss, loss);
    assert_eq!(h.state().state.net(ci).unwrap().loss_history.len(), 1);
    // The later lessons show everything they need: every network of lessons 2 to 14 shows it all.
    for (title, text) in mlp_notebook::lesson::shipped::SHIPPED {
        let l = parse_lesson(text, Syntax::Toml).unwrap();
        for c in &l.cells {
            if let Cell::Network(n) = c
                && l.title != one_title()
            {
                assert_eq!(n.options.taught, Taught::All, "{title}");
            }
        }
    }
}

#[test]
fn taught_round_trips_through_toml_json_and_edit_mode_with_undo() {
    // The file: TOML and JSON read it, saving writes it back.
    let lesson = shipped(1);
    let toml_text = toml::to_string(&lesson.to_file()).unwrap();
    assert!(toml_text.contains("taught = \"forward\""));
    let again = parse_lesson(&toml_text, Syntax::Toml).unwrap();
    let json_text = serde_json::to_string(&again.to_file()).unwrap();
    assert!(json_text.contains("\"taught\":\"forward\""));
    let from_json = parse_lesson(&json_text, Syntax::Json).unwrap();
    assert_eq!(from_json, lesson);
    // A bad value is reported at its key.
    let bad = toml_text.replacen("taught = \"forward\"", "taught = \"sideways\"", 1);
    let e = parse_lesson(&bad, Syntax::Toml).unwrap_err().to_string();
    assert!(e.contains("unknown taught 'sideways'"), "{e}");
    // Edit mode: "Show students" sets it; undo takes it back.
    let mut h = lesson_harness(shipped(2), 1280.0, 800.0);
    assert_eq!(taught_of(&h.state().state)[0], Taught::All);
    h.state_mut().state.apply(Command::SetEditMode(true));
    h.run();
    let header = h.get_all_by_label("Network settings for students").next().unwrap();
    header.scroll_to_me();
    h.run();
    h.get_all_by_label("Network settings for students")
        .next()
        .unwrap()
        .click();
    h.run();

    let combo = h
        .get_all_by_role_and_label(Role::ComboBox, "Show students:")
        .next()
        .unwrap();
    combo.scroll_to_me();
    h.run();
    h.get_all_by_role_and_label(Role::ComboBox, "Show students:")
        .next()
        .unwrap()
        .click();
    h.run();
    h.get_by_label("forward pass").click();
    h.run();
    assert_eq!(taught_of(&h.state().state)[0], Taught::Forward);
    let saved = h.state().state.lesson();
    let Some(Cell::Network(n)) = saved.cells.iter().find(|c| matches!(c, Cell::Network(_))) else {
        panic!("a network cell")
    };
    assert_eq!(n.to_file().taught.as_deref(), Some("forward"));
    h.state_mut().state.apply(Command::SetEditMode(false));
    h.run();
    assert!(!shows(&h, "Apply update"));
    h.state_mut().state.apply(Command::Undo);
    h.run();
    assert_eq!(taught_of(&h.state().state)[0], Taught::All);
    let ci = h.state().state.first_net().unwrap();
    h.state_mut().state.apply(Command::Net {
        cell: ci,
        cmd: NetCommand::Step(StepNav::Last),
    });
    h.run();
    assert_eq!(
        h.state().state.net(ci).unwrap().current_step().unwrap().kind,
        StepKind::LossAfter
    );
}

#[test]
fn lint_and_worksheets_respect_taught() {
    use mlp_notebook::lesson::worksheet::lesson_worksheet_html;
    // Lesson 1's worksheet lays out the forward pass only.
    let one = shipped(1);
    let sheet = lesson_worksheet_html(&one, None, true);
    assert!(sheet.contains("Forward pass"));
    assert!(!sheet.contains("Backward pass") && !sheet.contains("<h3>Update</h3>"));
    assert!(!sheet.contains("dL/dW1"));
    // An exercise asking a forward-only network for a gradient is a problem lint reports.
    let mut text = include_str!("../lessons/01-what-an-mlp-is.toml").to_string();
    text.push_str(
        "\n[[cells]]\nkind = \"exercise\"\nid = \"grad\"\nnetwork = \"small\"\nprompt = \"dL/dW1[1,1]?\"\nask = \"layers[1].grad_weights[1][1]\"\n",
    );
    let e = parse_lesson(&text, Syntax::Toml).unwrap_err().to_string();
    assert!(e.contains("shows only the forward pass (taught = \"forward\")"), "{e}");
    // With backpropagation taught it loads.
    let ok = text.replacen("taught = \"forward\"", "taught = \"backward\"", 1);
    parse_lesson(&ok, Syntax::Toml).expect("taught backward allows a gradient");
}

#[test]
fn stepping_scrolls_the_stepped_networks_diagram_into_view() {
    let mut h = seven_layers();
    // Down the page until the diagram is above the window while the network (its matrix view)
    // is still the one in view. x = (0, -1, 0): node x[2] shows -1.
    let x2 = "input, unit 2: x = -1 (shows x[2] = -1)";
    let mut above = false;
    for _ in 0..10 {
        h.key_press(Key::PageDown);
        h.run();
        if node_span(&h, x2).1 < 0.0 {
            above = true;
            break;
        }
    }
    assert!(above, "the diagram scrolled above the window");
    assert!(h.state().state.stepper_net().is_some(), "the network is still in view");
    // The right arrow starts the stepper, and the page brings the diagram back.
    h.key_press(Key::ArrowRight);
    h.run();
    h.run();
    let s = &h.state().state;
    assert_eq!(s.net(s.stepper_net().unwrap()).unwrap().step, Some(0));
    let (top, bottom) = node_span(&h, x2);
    assert!(
        top >= 0.0 && bottom <= 800.0,
        "the diagram is on screen again: {top}..{bottom}"
    );
    assert_eq!(h.state().state.session.scroll_to_net, None);
}
