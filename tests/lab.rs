//! The training lab's state, without a window: the buttons, live hyperparameter changes,
//! divergence, kept runs, the curves export, the CSV import flow and lesson round trips.

use mlp_notebook::app::edit::PageEdit;
use mlp_notebook::app::files::NoDialogs;
use mlp_notebook::app::training::{TrainAction, TrainCell, curves_csv};
use mlp_notebook::app::{AppState, CellState, Command, LabCommand, NetCommand, ScreenArea};
use mlp_notebook::lesson::training::TrainingSetup;
use mlp_notebook::lesson::{Cell, Lesson, parse_lesson};
use mlp_notebook::nn::datasets::{DataSpec, Generator};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::{OptimizerConfig, OptimizerKind};
use mlp_notebook::window::screenshot::crop;
use std::time::Duration;

fn lab_state(setup: TrainingSetup) -> AppState {
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Text("# Lab".into()), Cell::Training(Box::new(setup))],
        ..Default::default()
    };
    AppState::new(lesson, Box::new(NoDialogs))
}

fn cell(s: &AppState) -> &TrainCell {
    s.training(1).expect("cell 1 is a training cell")
}

/// Applies `action`; *Epoch* is then given frames until its epoch is done (it trains in slices).
fn act(s: &mut AppState, action: TrainAction) {
    let epoch = action == TrainAction::Epoch;
    s.apply(Command::Lab(LabCommand::Train { cell: 1, action }));
    while epoch && cell(s).until_epoch.is_some() {
        s.tick(std::time::Duration::from_millis(5));
    }
}

#[test]
fn step_epoch_reset_and_reinit() {
    let mut s = lab_state(TrainingSetup::xor_default());
    let c = cell(&s);
    // 200 points, 20% validation: 160 training rows in batches of 32 = 5 steps per epoch.
    assert_eq!(c.train_data().unwrap().len(), 160);
    let t = c.trainer.as_ref().unwrap();
    assert_eq!(t.steps_per_epoch(), 5);
    let w0 = c.net().unwrap().clone();

    act(&mut s, TrainAction::Step);
    let c = cell(&s);
    assert_eq!(c.trainer.as_ref().unwrap().steps_done(), 1);
    assert_eq!(c.step_losses.len(), 1);
    assert!(c.history().is_empty(), "one step is not an epoch");
    assert_ne!(c.net().unwrap(), &w0, "a step changes the weights");

    act(&mut s, TrainAction::Epoch);
    let c = cell(&s);
    assert_eq!(c.history().len(), 1, "Epoch finishes the epoch under way");
    assert_eq!(c.trainer.as_ref().unwrap().steps_done(), 5);
    assert_eq!(c.extras.len(), 1);
    act(&mut s, TrainAction::Epoch);
    assert_eq!(cell(&s).history().len(), 2);
    assert_eq!(cell(&s).step_losses.len(), 10);

    act(&mut s, TrainAction::Reset);
    let c = cell(&s);
    assert!(c.history().is_empty() && c.step_losses.is_empty());
    assert_eq!(c.net().unwrap(), &w0, "Reset goes back to the same initial weights");

    act(&mut s, TrainAction::Reinit);
    let c = cell(&s);
    assert_eq!(c.setup.init.seed, 1);
    assert_ne!(c.net().unwrap(), &w0, "Re-initialise draws new weights");
}

#[test]
fn play_trains_in_slices_and_pause_stops() {
    // 100,000 epochs of 5 steps: no machine finishes them in one 20 ms slice (the default 200
    // epochs, 1,000 steps of a 2-4-1 network, can finish inside it on a fast machine).
    let mut setup = TrainingSetup::xor_default();
    setup.epochs = 100_000;
    let mut s = lab_state(setup);
    act(&mut s, TrainAction::Play);
    assert!(cell(&s).running);
    // One slice of 20 ms trains at least one step and returns while still playing.
    assert!(s.tick(Duration::from_millis(20)));
    let steps = cell(&s).trainer.as_ref().unwrap().steps_done();
    assert!(steps >= 1);
    assert!(cell(&s).steps_per_second > 0.0);
    act(&mut s, TrainAction::Pause);
    assert!(!s.tick(Duration::from_millis(20)), "a paused cell does not train");
    assert_eq!(cell(&s).trainer.as_ref().unwrap().steps_done(), steps);
}

#[test]
fn xor_lab_learns_to_full_training_accuracy() {
    let mut s = lab_state(TrainingSetup::xor_default());
    act(&mut s, TrainAction::Play);
    while s.tick(Duration::from_millis(50)) {}
    let c = cell(&s);
    assert_eq!(c.history().len(), 200);
    let last = c.history().last().unwrap();
    // Four noisy clusters (noise 0.2 around corners 2 apart) are separable: every training
    // point is classified right by the end.
    assert_eq!(last.accuracy, Some(1.0), "{last:?}");
    assert!(c.notice.as_deref().unwrap_or("").contains("finished"));
}

#[test]
fn learning_rate_changes_live_without_a_reset() {
    let mut s = lab_state(TrainingSetup::xor_default());
    act(&mut s, TrainAction::Epoch);
    let w = cell(&s).net().unwrap().clone();
    let mut setup = cell(&s).setup.clone();
    setup.optimizer.lr = 0.001;
    act(&mut s, TrainAction::Set(Box::new(setup)));
    let c = cell(&s);
    assert_eq!(c.history().len(), 1, "the run goes on");
    assert_eq!(c.net().unwrap(), &w, "the weights are kept");
    assert_eq!(c.trainer.as_ref().unwrap().optimizer().config.lr, 0.001);
    assert!(s.doc.dirty, "a changed setting is part of the lesson");
    // A change of the network's shape starts over.
    let mut setup = cell(&s).setup.clone();
    setup.hidden = vec![3];
    act(&mut s, TrainAction::Set(Box::new(setup)));
    let c = cell(&s);
    assert!(c.history().is_empty());
    assert_eq!(c.net().unwrap().widths(), vec![2, 3, 1]);
}

#[test]
fn a_huge_learning_rate_pauses_with_the_layer_and_finite_weights() {
    let mut setup = TrainingSetup::xor_default();
    setup.data = DataSpec::Generated {
        generator: Generator::Line,
        points: 100,
        noise: 0.1,
        seed: 0,
        classes: None,
    };
    setup.hidden = vec![8];
    setup.activation = mlp_notebook::nn::Activation::Relu;
    setup.optimizer = OptimizerConfig {
        lr: 1e6,
        ..OptimizerConfig::defaults(OptimizerKind::Sgd)
    };
    let mut s = lab_state(setup);
    act(&mut s, TrainAction::Play);
    while s.tick(Duration::from_millis(50)) {}
    let c = cell(&s);
    let notice = c.notice.clone().unwrap_or_default();
    assert!(!c.running, "training paused");
    assert!(
        notice.contains("layer") && notice.contains("smaller learning rate"),
        "{notice}"
    );
    for l in c.net().unwrap().layers() {
        assert!(l.weights.iter().chain(l.bias.iter()).all(|v| v.is_finite()));
    }
}

#[test]
fn kept_runs_are_labelled_with_what_differed_and_exported() {
    let mut s = lab_state(TrainingSetup::xor_default());
    act(&mut s, TrainAction::Epoch);
    act(&mut s, TrainAction::Epoch);
    act(&mut s, TrainAction::KeepRun);
    let mut setup = cell(&s).setup.clone();
    setup.optimizer.lr = 0.5;
    act(&mut s, TrainAction::Set(Box::new(setup)));
    act(&mut s, TrainAction::Epoch);
    let c = cell(&s);
    assert_eq!(c.runs.len(), 1);
    let labels = c.run_labels();
    assert_eq!(
        labels,
        vec!["run 1: lr 0.05".to_string(), "current: lr 0.5".to_string()]
    );
    let csv = curves_csv(c);
    let lines: Vec<&str> = csv.lines().collect();
    // A header, two epochs of the kept run, one of the current run.
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("run,label,epoch,loss"));
    let loss_kept: f64 = lines[1].split(',').nth(3).unwrap().parse().unwrap();
    assert_eq!(loss_kept, c.runs[0].history[0].loss);
    let cur: Vec<&str> = lines[3].split(',').collect();
    assert_eq!(cur[0], "0");
    assert_eq!(cur[3].parse::<f64>().unwrap(), c.history()[0].loss);
}

#[test]
fn csv_import_reports_bad_rows_then_skips_them_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pets.csv");
    // Line 4 has a word where a number belongs.
    std::fs::write(
        &path,
        "weight,height,kind\n1,2,cat\n3,4,dog\n5,tall,cat\n7,8,dog\n9,10,cat\n2,1,dog\n",
    )
    .unwrap();
    let mut s = lab_state(TrainingSetup::xor_default());
    s.apply(Command::OpenPath(path.clone()));
    let d = s.session.csv_import.clone().expect("a CSV opens the import dialog");
    assert_eq!(d.cell, 1);
    assert_eq!(d.target_name(), "kind");
    s.apply(Command::Lab(LabCommand::FinishCsvImport(true)));
    let d = s.session.csv_import.clone().expect("the dialog stays open");
    let e = d.error.clone().unwrap();
    assert!(e.contains("line 4"), "{e}");
    assert!(
        matches!(cell(&s).setup.data, DataSpec::Generated { .. }),
        "nothing changed"
    );
    let mut o = d.options;
    o.bad_rows = mlp_notebook::nn::csv::BadRows::Skip;
    s.apply(Command::Lab(LabCommand::SetCsvImport(Box::new(d.with_options(o)))));
    s.apply(Command::Lab(LabCommand::FinishCsvImport(true)));
    assert!(s.session.csv_import.is_none());
    let msg = s.session.message.clone().unwrap().text;
    assert!(msg.contains("skipped 1 bad row(s) at line(s) 4"), "{msg}");
    assert!(matches!(cell(&s).setup.data, DataSpec::Csv { .. }));
}

#[test]
fn a_csv_with_a_bad_row_imported_with_skip_trains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pets.csv");
    std::fs::write(&path, "a,b,kind\n1,2,x\n3,4,y\n5,?,x\n7,8,y\n9,10,x\n2,1,y\n").unwrap();
    let mut s = lab_state(TrainingSetup::xor_default());
    s.apply(Command::Lab(LabCommand::ImportCsvPath {
        cell: 1,
        path: path.clone(),
    }));
    let d = s.session.csv_import.clone().unwrap();
    let mut o = d.options;
    o.bad_rows = mlp_notebook::nn::csv::BadRows::Skip;
    s.apply(Command::Lab(LabCommand::SetCsvImport(Box::new(d.with_options(o)))));
    s.apply(Command::Lab(LabCommand::FinishCsvImport(true)));
    let c = cell(&s);
    assert_eq!(c.error, None);
    // Five good rows of six: the skipped row stays out when the file is read again.
    assert_eq!(c.data.as_ref().unwrap().total, 5);
    assert!(matches!(
        c.setup.data,
        DataSpec::Csv {
            skip_bad_rows: true,
            ..
        }
    ));
}

#[test]
fn a_lesson_with_a_training_cell_round_trips() {
    let text = r#"
title = "Lab"
[[cells]]
kind = "training"
id = "moons"
observe = "Watch."
data = { generator = "moons", points = 120, noise = 0.1, seed = 3 }
split = { validation = 0.25, seed = 2 }
scaling = "standardise"
hidden = [6, 6]
activation = "tanh"
optimizer = { kind = "sgd", lr = 0.1, momentum = 0.9 }
epochs = 50
batch_size = 16
l2 = 0.001
early_stopping = { patience = 5 }
schedule = { kind = "step", step_size = 10, gamma = 0.5 }
"#;
    let l = parse_lesson(text, Syntax::Toml).unwrap();
    let Cell::Training(t) = &l.cells[0] else {
        panic!("not a training cell")
    };
    assert_eq!(t.hidden, vec![6, 6]);
    assert_eq!(t.optimizer.momentum, 0.9);
    assert_eq!(t.batch_size, Some(16));
    for syntax in [Syntax::Toml, Syntax::Json] {
        assert_eq!(parse_lesson(&l.write(syntax).unwrap(), syntax).unwrap(), l);
    }
    // The window keeps the setup: saving gives the same lesson.
    let s = AppState::new(l.clone(), Box::new(NoDialogs));
    assert!(matches!(s.doc.cells[0], CellState::Training(_)));
    assert_eq!(s.lesson(), l);
}

#[test]
fn bad_training_cells_list_every_problem() {
    let text = r#"
title = "Lab"
[[cells]]
kind = "training"
data = { generator = "moons", points = 10, noise = 0.1, seed = 3 }
hidden = [0]
activation = "nope"
epochs = 0
"#;
    let e = parse_lesson(text, Syntax::Toml).unwrap_err().to_string();
    for needle in [
        "hidden layer 1 has 0 units",
        "unknown activation 'nope'",
        "epochs must be",
    ] {
        assert!(e.contains(needle), "missing {needle:?} in {e}");
    }
}

#[test]
fn crop_takes_the_plot_area_in_pixels() {
    // A 4x3 image whose pixel (x, y) has red = x and green = y.
    let px: Vec<egui::Color32> = (0..3)
        .flat_map(|y| (0..4).map(move |x| egui::Color32::from_rgb(x, y, 0)))
        .collect();
    let img = egui::ColorImage::new([4, 3], px);
    // Points (1, 1)-(2, 2) at 1 pixel per point: pixels x 1..2, y 1..2.
    let c = crop(
        &img,
        ScreenArea {
            min: [1.0, 1.0],
            max: [2.0, 2.0],
        },
        1.0,
    )
    .unwrap();
    assert_eq!(c.size, [1, 1]);
    assert_eq!(c.pixels[0], egui::Color32::from_rgb(1, 1, 0));
    // At 2 pixels per point the same points are pixels 2..4 x 2..3 (clipped to the image).
    let c = crop(
        &img,
        ScreenArea {
            min: [1.0, 1.0],
            max: [2.0, 2.0],
        },
        2.0,
    )
    .unwrap();
    assert_eq!(c.size, [2, 1]);
    assert_eq!(
        c.pixels,
        vec![egui::Color32::from_rgb(2, 2, 0), egui::Color32::from_rgb(3, 2, 0)]
    );
    assert!(
        crop(
            &img,
            ScreenArea {
                min: [9.0, 9.0],
                max: [10.0, 10.0]
            },
            1.0
        )
        .is_none()
    );
}

#[test]
fn long_curves_are_thinned_for_drawing_but_keep_their_ends() {
    use mlp_notebook::ui::train_plots::{MAX_CURVE_POINTS, curve};
    let pts: Vec<[f64; 2]> = (0..2500).map(|i| [i as f64, (i * i) as f64]).collect();
    let c = curve(pts);
    let drawn = c.points();
    // 2500 points with every 3rd kept: 0, 3, ..., 2499 is 834 points (2499 = 3 * 833).
    assert_eq!(drawn.len(), 834);
    assert!(drawn.len() <= MAX_CURVE_POINTS);
    assert_eq!((drawn[0].x, drawn[833].x), (0.0, 2499.0));
    let short: Vec<[f64; 2]> = (0..10).map(|i| [i as f64, 0.0]).collect();
    assert_eq!(curve(short).points().len(), 10);
}

#[test]
fn a_changed_setting_is_undone_and_redone() {
    let mut s = lab_state(TrainingSetup::xor_default());
    let mut setup = cell(&s).setup.clone();
    setup.hidden = vec![7];
    act(&mut s, TrainAction::Set(Box::new(setup)));
    assert_eq!(cell(&s).net().unwrap().widths(), vec![2, 7, 1]);
    s.apply(Command::Undo);
    assert_eq!(cell(&s).setup.hidden, vec![4]);
    assert_eq!(cell(&s).net().unwrap().widths(), vec![2, 4, 1]);
    s.apply(Command::Redo);
    assert_eq!(cell(&s).setup.hidden, vec![7]);
    // Buttons (Step, Play) change no setting and leave no undo step.
    act(&mut s, TrainAction::Step);
    s.apply(Command::Undo);
    assert_eq!(cell(&s).setup.hidden, vec![4]);
}

#[test]
fn a_copy_of_a_training_cell_shares_its_data_and_starts_from_the_same_weights() {
    // Undo snapshots of the page copy every cell: the digits set is not read again nor held
    // twice, and the copy starts over from the setup's initial weights.
    let mut setup = TrainingSetup::xor_default();
    setup.data = DataSpec::Builtin {
        dataset: mlp_notebook::nn::datasets::BuiltinSet::Digits,
    };
    setup.hidden = vec![16];
    let mut s = lab_state(setup);
    act(&mut s, TrainAction::Epoch);
    let original = cell(&s);
    assert!(original.trainer.as_ref().unwrap().steps_done() > 0);
    let copy = original.clone();
    assert!(std::sync::Arc::ptr_eq(
        original.data.as_ref().unwrap(),
        copy.data.as_ref().unwrap()
    ));
    assert_eq!(copy.initial, original.initial, "the same initial weights");
    assert_eq!(copy.trainer.as_ref().unwrap().steps_done(), 0, "a fresh start");
    assert_eq!(copy.error, None);
}

#[test]
fn training_commands_leave_the_stepper_on_its_network() {
    // Two networks, then a training cell. The student steps through the second network; Play
    // on the training cell must not move the stepper back to the first one.
    let net = Lesson::builtin()
        .cells
        .into_iter()
        .find(|c| matches!(c, Cell::Network(_)))
        .expect("the built-in lesson has a network");
    let lesson = Lesson {
        title: "two networks".into(),
        cells: vec![net.clone(), net, Cell::Training(Box::new(TrainingSetup::xor_default()))],
        ..Default::default()
    };
    let mut s = AppState::new(lesson, Box::new(NoDialogs));
    s.apply(Command::Net {
        cell: 1,
        cmd: NetCommand::Step(mlp_notebook::app::StepNav::Next),
    });
    assert_eq!(s.active_net(), Some(1));
    s.apply(Command::Lab(LabCommand::Train {
        cell: 2,
        action: TrainAction::Play,
    }));
    assert_eq!(s.active_net(), Some(1), "Play moved the stepper to another network");
    s.apply(Command::Lab(LabCommand::Train {
        cell: 2,
        action: TrainAction::Pause,
    }));
    assert_eq!(s.active_net(), Some(1));
}

#[test]
fn undoing_a_page_edit_keeps_what_training_cells_learned() {
    let mut s = lab_state(TrainingSetup::xor_default());
    act(&mut s, TrainAction::Epoch);
    act(&mut s, TrainAction::KeepRun);
    act(&mut s, TrainAction::Epoch);
    let trained = cell(&s).net().expect("a network").clone();
    let epoch = cell(&s).epoch();
    // Keep run put the first epoch aside and started again from the same weights.
    assert_eq!(epoch, 1);
    let untrained = TrainCell::new(
        TrainingSetup::xor_default(),
        std::sync::Arc::new(|_: &str| Err(String::new())),
    );
    assert_ne!(Some(&trained), untrained.net(), "two epochs changed the weights");
    let same = |s: &AppState| {
        let c = cell(s);
        assert_eq!(c.epoch(), epoch);
        assert_eq!(c.net(), Some(&trained));
        assert_eq!(c.runs.len(), 1, "the kept run is still there");
    };
    // A title change and its undo and redo leave the training cell as it was.
    s.apply(Command::Page(PageEdit::SetTitle("Renamed".into())));
    s.apply(Command::Undo);
    assert_eq!(s.doc.title, "lab");
    same(&s);
    s.apply(Command::Redo);
    assert_eq!(s.doc.title, "Renamed");
    same(&s);
    // Removing the training cell and undoing brings it back trained.
    s.apply(Command::Page(PageEdit::Remove(1)));
    assert!(s.training(1).is_none());
    s.apply(Command::Undo);
    same(&s);
    // Moving it and undoing keeps it too.
    s.apply(Command::Page(PageEdit::Move { from: 1, to: 0 }));
    assert!(s.training(0).is_some());
    s.apply(Command::Undo);
    same(&s);
}

#[test]
fn an_imported_csv_beside_the_lesson_is_saved_relative_and_the_import_undoes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let csv = dir.path().join("data").join("points.csv");
    std::fs::write(&csv, "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n2,1,y\n").unwrap();
    let lesson_file = dir.path().join("lesson.toml");
    let mut s = lab_state(TrainingSetup::xor_default());
    s.apply(Command::SaveTo(lesson_file.clone()));
    s.apply(Command::Lab(LabCommand::ImportCsvPath { cell: 1, path: csv }));
    s.apply(Command::Lab(LabCommand::FinishCsvImport(true)));
    match &cell(&s).setup.data {
        DataSpec::Csv { csv, .. } => assert_eq!(csv, "data/points.csv"),
        other => panic!("not imported: {other:?}"),
    }
    assert!(s.doc.dirty);
    s.apply(Command::Save);
    let text = std::fs::read_to_string(&lesson_file).unwrap();
    assert!(text.contains("\"data/points.csv\""), "{text}");
    assert!(
        !text.contains(&dir.path().display().to_string()),
        "an absolute path was saved:\n{text}"
    );
    // The saved lesson reads its data from beside it: 6 rows, 20% validation = 1, 5 to train.
    s.apply(Command::OpenPath(lesson_file));
    assert!(cell(&s).error.is_none(), "{:?}", cell(&s).error);
    assert_eq!(cell(&s).train_data().map(|d| d.len()), Some(5));
    // The import is one undo step, like any changed setting.
    let mut s = lab_state(TrainingSetup::xor_default());
    s.apply(Command::Lab(LabCommand::ImportCsvPath {
        cell: 1,
        path: dir.path().join("data").join("points.csv"),
    }));
    s.apply(Command::Lab(LabCommand::FinishCsvImport(true)));
    assert!(matches!(cell(&s).setup.data, DataSpec::Csv { .. }));
    s.apply(Command::Undo);
    assert!(
        matches!(cell(&s).setup.data, DataSpec::Generated { .. }),
        "undo takes the import back"
    );
}

#[test]
fn run_labels_name_the_data_and_layers_in_words() {
    // XOR's default data, then two moons with a wider network: the labels say what changed as
    // a student reads it, not as the program's internals print it.
    let mut s = lab_state(TrainingSetup::xor_default());
    act(&mut s, TrainAction::Epoch);
    act(&mut s, TrainAction::KeepRun);
    let mut setup = cell(&s).setup.clone();
    setup.data = DataSpec::Generated {
        generator: Generator::Moons,
        points: 100,
        noise: 0.1,
        seed: 7,
        classes: None,
    };
    setup.hidden = vec![8, 8];
    act(&mut s, TrainAction::Set(Box::new(setup)));
    let labels = cell(&s).run_labels();
    // Only what differs, each as a person writes it: the data set by its name (XOR), the
    // points, noise and seed of the generated data, and the hidden layers.
    assert_eq!(
        labels,
        vec![
            "run 1: XOR, 200 points, noise 0.2, data seed 0, hidden 4".to_string(),
            "current: Two moons, 100 points, noise 0.1, data seed 7, hidden 8-8".to_string(),
        ]
    );
    assert!(labels.iter().all(|l| !l.contains('{') && !l.contains("Generated")));
}
