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

/// A large network (2-256-256-256-256-1, about 198,000 multiply-adds a sample) on XOR's 160
/// training rows as one full batch: one step is 3 x 198k x 160, about 95 million multiply-adds,
/// more than a frame may do ([`FRAME_WORK`], 20 million). *Step* and *Epoch* go on over several
/// frames, no frame does more than its work, the status line says how far the step is, and
/// Pause stops it part-way.
#[test]
fn a_large_full_batch_step_runs_over_frames_within_each_frames_work() {
    use mlp_notebook::app::training::FRAME_WORK;
    let mut h = harness();
    let mut setup = cell(&h).setup.clone();
    setup.hidden = vec![256; 4];
    setup.batch_size = None;
    setup.epochs = 3;
    h.state_mut().state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: mlp_notebook::app::training::TrainAction::Set(Box::new(setup)),
    }));
    h.step();
    let t = cell(&h).trainer.as_ref().unwrap();
    assert_eq!(t.steps_per_epoch(), 1, "the full batch");
    let per_step = 3 * t.sample_cost() * 160;
    assert!(per_step > 4 * FRAME_WORK, "a step is {per_step}");

    h.get_by_role_and_label(egui::accesskit::Role::Button, "Step").click();
    let mut frames = 0;
    let mut saw_progress = false;
    while cell(&h).running || frames == 0 {
        h.step();
        frames += 1;
        let c = cell(&h);
        assert!(
            c.frame_work <= FRAME_WORK,
            "frame {frames} did {} of work",
            c.frame_work
        );
        // A frame trains first, then draws (the click of the first frame is applied after its
        // drawing): the status line shows the step as the frame's training left it.
        if frames > 1 && c.trainer.as_ref().unwrap().in_step() {
            // The gradients over the batch, then the epoch's end (validation, dead units).
            let s = label_starting(&h, "this step: ");
            assert!(s.ends_with('%'), "{s}");
            saw_progress |= s.starts_with("this step: computing the gradients, ");
        }
        assert!(frames < 40, "the step never ended");
    }
    assert!(saw_progress, "the step showed its progress");
    assert!(frames >= 5, "a step of {per_step} took {frames} frames");
    assert_eq!(cell(&h).trainer.as_ref().unwrap().steps_done(), 1);
    // The one step was the epoch's only one: the epoch closed with it.
    assert_eq!(cell(&h).history().len(), 1);

    // Pause part-way: no more work, the step stays under way. (A click is several frames of
    // events in the harness, so the pause is sent as the button sends it.)
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Step").click();
    h.step();
    assert!(cell(&h).trainer.as_ref().unwrap().in_step());
    assert!(cell(&h).running, "a step under way shows as playing, so Pause stops it");
    h.state_mut().state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: mlp_notebook::app::training::TrainAction::Pause,
    }));
    let work = cell(&h).trainer.as_ref().unwrap().work_done();
    for _ in 0..5 {
        h.step();
    }
    assert!(!cell(&h).running);
    assert!(cell(&h).trainer.as_ref().unwrap().in_step(), "the step waits part-way");
    assert_eq!(
        cell(&h).trainer.as_ref().unwrap().work_done(),
        work,
        "paused means no work"
    );
    assert_eq!(cell(&h).trainer.as_ref().unwrap().steps_done(), 1);

    // Epoch: the rest of this step, then the epoch's end (validation, dead units) in pieces.
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Epoch").click();
    let mut frames = 0;
    while cell(&h).running || frames == 0 {
        h.step();
        frames += 1;
        assert!(
            cell(&h).frame_work <= FRAME_WORK,
            "frame {frames} did {}",
            cell(&h).frame_work
        );
        assert!(frames < 40, "the epoch never ended");
    }
    assert_eq!(cell(&h).history().len(), 2);
    assert_eq!(cell(&h).trainer.as_ref().unwrap().steps_done(), 2);
    assert_eq!(label_starting(&h, "Epoch "), "Epoch 2 of 3");
}
