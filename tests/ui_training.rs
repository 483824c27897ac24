//! The training lab in the window, driven headless through egui_kittest: the buttons by their
//! labels, the epoch counter and the curves' data checked against the trainer.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::files::NoDialogs;
use mlp_notebook::app::training::TrainCell;
use mlp_notebook::app::{AppState, Command, LabCommand};
use mlp_notebook::lesson::training::TrainingSetup;
use mlp_notebook::lesson::{Cell, Lesson};
use mlp_notebook::window::NotebookApp;

fn harness() -> Harness<'static, NotebookApp> {
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Training(Box::new(TrainingSetup::xor_default()))],
        ..Default::default()
    };
    let app = NotebookApp::new(AppState::new(lesson, Box::new(NoDialogs)));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

fn cell<'h>(h: &'h Harness<'_, NotebookApp>) -> &'h TrainCell {
    h.state().state.training(0).expect("a training cell")
}

fn click(h: &mut Harness<'_, NotebookApp>, label: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::Button, label).click();
    h.step();
    h.step();
}

/// The text of the label that starts with `prefix`.
fn label_starting(h: &Harness<'_, NotebookApp>, prefix: &str) -> String {
    // A label's text is its accessible value; buttons and fields carry it as their label.
    let all: Vec<String> = h
        .query_all_by(|n| n.value().or_else(|| n.label()).is_some_and(|l| l.starts_with(prefix)))
        .filter_map(|n| n.accesskit_node().value().or_else(|| n.accesskit_node().label()))
        .collect();
    match all.as_slice() {
        [] => panic!("no label starting with {prefix:?}"),
        [one, rest @ ..] => {
            assert!(
                rest.iter().all(|r| r == one),
                "different labels start with {prefix:?}: {all:?}"
            );
            one.clone()
        }
    }
}

#[test]
fn epoch_step_and_reset_update_the_counter_and_curves() {
    let mut h = harness();
    assert_eq!(label_starting(&h, "Epoch "), "Epoch 0 of 200");
    click(&mut h, "Epoch");
    assert_eq!(label_starting(&h, "Epoch "), "Epoch 1 of 200");
    let c = cell(&h);
    assert_eq!(c.history().len(), 1);
    // The status line shows the epoch's loss as the trainer recorded it.
    assert_eq!(label_starting(&h, "loss "), format!("loss {:.4}", c.history()[0].loss));
    // 160 training rows in batches of 32: five steps, one loss point each.
    assert_eq!(label_starting(&h, "step "), "step 5 (5 per epoch)");
    assert_eq!(c.step_losses.len(), 5);

    click(&mut h, "Step");
    assert_eq!(label_starting(&h, "step "), "step 6 (5 per epoch)");
    assert_eq!(label_starting(&h, "Epoch "), "Epoch 1 of 200");

    click(&mut h, "Reset");
    assert_eq!(label_starting(&h, "Epoch "), "Epoch 0 of 200");
    assert!(cell(&h).step_losses.is_empty());
}

#[test]
fn play_runs_across_frames_and_pause_stops_it() {
    let mut h = harness();
    // Enough epochs that 20 frames cannot finish them.
    let mut setup = cell(&h).setup.clone();
    setup.epochs = 100_000;
    h.state_mut().state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: mlp_notebook::app::training::TrainAction::Set(Box::new(setup)),
    }));
    click(&mut h, "Play");
    for _ in 0..20 {
        h.step();
    }
    let c = cell(&h);
    assert!(c.running, "still playing after 20 frames");
    let epochs = c.history().len();
    assert!(epochs >= 1, "20 frames of 5 ms train at least one epoch of 5 steps");
    // The counter on screen is the trainer's.
    assert_eq!(label_starting(&h, "Epoch "), format!("Epoch {epochs} of 100000"));
    assert!(h.query_by_label("Play").is_none(), "Play became Pause");
    click(&mut h, "Pause");
    let steps = cell(&h).trainer.as_ref().unwrap().steps_done();
    for _ in 0..5 {
        h.step();
    }
    assert!(!cell(&h).running);
    assert_eq!(
        cell(&h).trainer.as_ref().unwrap().steps_done(),
        steps,
        "paused means no more steps"
    );
    assert!(h.query_by_label("Play").is_some());
}

#[test]
fn keep_run_then_change_the_rate_labels_both_curves() {
    let mut h = harness();
    click(&mut h, "Epoch");
    click(&mut h, "Keep run");
    assert_eq!(cell(&h).runs.len(), 1);
    assert_eq!(label_starting(&h, "Epoch "), "Epoch 0 of 200");
    let mut setup = cell(&h).setup.clone();
    setup.optimizer.lr = 0.2;
    h.state_mut().state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: mlp_notebook::app::training::TrainAction::Set(Box::new(setup)),
    }));
    h.step();
    // The learning-rate field shows the new rate (4 significant digits).
    let lr = h.get_by_label("Learning rate").accesskit_node().numeric_value();
    assert_eq!(lr, Some(0.2));
    assert_eq!(cell(&h).run_labels(), vec!["run 1: lr 0.05", "current: lr 0.2"]);
}

#[test]
fn insert_training_cell_from_the_menu() {
    let app = NotebookApp::new(AppState::builtin_headless());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    let before = h.state().state.doc.cells.len();
    h.get_by_label("Insert").click();
    h.run();
    h.get_by_label("Training cell").click();
    h.run();
    let s = &h.state().state;
    assert_eq!(s.doc.cells.len(), before + 1);
    assert!(s.training(before).is_some());
    assert!(s.doc.dirty);
}

#[test]
fn training_goes_on_while_the_window_is_hidden() {
    // eframe runs no `ui` pass while the window is minimised or hidden, only `App::logic`
    // (eframe's docs of `App::logic`). Training must advance there, not in drawing.
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Training(Box::new(TrainingSetup::xor_default()))],
        ..Default::default()
    };
    let mut app = NotebookApp::new(AppState::new(lesson, Box::new(NoDialogs)));
    app.state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: mlp_notebook::app::training::TrainAction::Play,
    }));
    let version = app.state.training(0).expect("a training cell").version;
    let ctx = egui::Context::default();
    let mut frame = eframe::Frame::_new_kittest();
    for _ in 0..3 {
        eframe::App::logic(&mut app, &ctx, &mut frame);
    }
    let c = app.state.training(0).expect("a training cell");
    assert!(c.version > version, "no step was taken without drawing");
    assert!(ctx.has_requested_repaint(), "a playing cell asks for the next frame");
}

#[test]
fn drawing_the_settings_never_changes_a_lesson_the_file_allows() {
    // Each value is valid in a lesson file (points up to 100,000, any noise >= 0, shares with a
    // sum below 1, a learning rate > 0, dropout below 1), but outside what the settings' widgets
    // reach by dragging (5000 points, noise 2, validation 0.9, lr 10, dropout 0.9). Showing them
    // must neither change them nor mark the lesson modified.
    let text = r#"
title = "Wide values"
[[cells]]
kind = "training"
data = { generator = "moons", points = 6000, noise = 3.0, seed = 1 }
split = { validation = 0.95, seed = 2 }
hidden = [4]
optimizer = { kind = "sgd", lr = 20.0 }
dropout = 0.95
epochs = 5
"#;
    let lesson = mlp_notebook::lesson::parse_lesson(text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    let before = match &lesson.cells[0] {
        Cell::Training(t) => (**t).clone(),
        _ => unreachable!("one training cell"),
    };
    let app = NotebookApp::new(AppState::new(lesson, Box::new(NoDialogs)));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    // Open the collapsed "Training" group too, so that every setting is drawn.
    h.get_by_label("Training").click();
    h.run();
    assert!(h.query_by_label("Dropout").is_some(), "the Training group is open");
    for _ in 0..3 {
        h.step();
    }
    assert!(!h.state().state.doc.dirty, "drawing marked the lesson modified");
    assert_eq!(cell(&h).setup, before);
    assert!(!h.state().state.window_title().starts_with('*'));
}
