//! The training lab at its edges, driven headless through egui_kittest: a blow-up (numbers in
//! scientific notation, plots that recover on Reset, a finite divergence noticed), the run
//! legend, and a layout that stays put while training plays.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::files::NoDialogs;
use mlp_notebook::app::training::{TrainAction, TrainCell};
use mlp_notebook::app::{AppState, Command, LabCommand};
use mlp_notebook::lesson::training::TrainingSetup;
use mlp_notebook::lesson::{Cell, Lesson};
use mlp_notebook::nn::datasets::{DataSpec, Generator};
use mlp_notebook::nn::train::StopReason;
use mlp_notebook::nn::{Activation, OptimizerConfig, OptimizerKind};
use mlp_notebook::window::NotebookApp;

/// A window with one training cell of `setup`, `width` points wide.
fn harness(setup: TrainingSetup, width: f32) -> Harness<'static, NotebookApp> {
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Training(Box::new(setup))],
        ..Default::default()
    };
    let app = NotebookApp::new(AppState::new(lesson, Box::new(NoDialogs)));
    let mut h = Harness::builder()
        .with_size(egui::vec2(width, 900.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

fn cell<'h>(h: &'h Harness<'_, NotebookApp>) -> &'h TrainCell {
    h.state().state.training(0).expect("a training cell")
}

fn act(h: &mut Harness<'_, NotebookApp>, action: TrainAction) {
    h.state_mut()
        .state
        .apply(Command::Lab(LabCommand::Train { cell: 0, action }));
    h.step();
    h.step();
}

fn click(h: &mut Harness<'_, NotebookApp>, label: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::Button, label).click();
    h.step();
    h.step();
}

/// The accessible text of the one label that starts with `prefix`.
fn label_starting(h: &Harness<'_, NotebookApp>, prefix: &str) -> String {
    let all: Vec<String> = h
        .query_all_by(|n| n.value().or_else(|| n.label()).is_some_and(|l| l.starts_with(prefix)))
        .filter_map(|n| n.accesskit_node().value().or_else(|| n.accesskit_node().label()))
        .collect();
    all.first()
        .cloned()
        .unwrap_or_else(|| panic!("no label starting with {prefix:?}"))
}

/// Every text painted in the last frame (plots paint their tick labels and axis titles).
fn painted_texts(h: &Harness<'_, NotebookApp>) -> Vec<String> {
    fn walk(s: &egui::Shape, out: &mut Vec<String>) {
        match s {
            egui::Shape::Text(t) => out.push(t.galley.text().to_string()),
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    out
}

/// Regression of y = 2x + 1 with plain SGD at learning rate 10 and a ReLU layer: every update
/// overshoots further, so the loss grows by orders of magnitude each epoch while staying finite
/// for a while (squares of numbers up to 1e154 fit in an f64).
fn blow_up_setup() -> TrainingSetup {
    let mut s = TrainingSetup::xor_default();
    s.data = DataSpec::Generated {
        generator: Generator::Line,
        points: 100,
        noise: 0.0,
        seed: 0,
        classes: None,
    };
    s.hidden = vec![8];
    s.activation = Activation::Relu;
    s.optimizer = OptimizerConfig {
        lr: 10.0,
        ..OptimizerConfig::defaults(OptimizerKind::Sgd)
    };
    s.epochs = 50;
    s
}

/// Item 1: a loss of 1e40 or more is written as 4 significant digits and an exponent, not as a
/// 40-digit number that wraps and spills out of the panel.
#[test]
fn a_blown_up_loss_is_written_in_scientific_notation() {
    let mut h = harness(blow_up_setup(), 1280.0);
    for _ in 0..8 {
        if cell(&h).stopped().is_some() {
            break;
        }
        act(&mut h, TrainAction::Epoch);
    }
    let last = cell(&h).history().last().expect("an epoch").loss;
    assert!(last.abs() > 1e20 || !last.is_finite(), "the loss blew up: {last}");
    let shown = label_starting(&h, "loss ");
    // "loss " + at most "-1.234e-300": 16 characters.
    assert!(shown.len() <= 16, "{shown:?} is short");
    if last.is_finite() {
        assert!(shown.contains('e'), "{shown:?} is in scientific notation");
    }
}

/// Item 2: after a blow-up the loss plot's axis titles and tick labels are painted again once
/// the run is Reset (the plot's stored axis widths no longer come from the blown-up run).
#[test]
fn the_loss_plot_has_its_axes_after_a_blow_up_and_reset() {
    let mut h = harness(blow_up_setup(), 1280.0);
    for _ in 0..8 {
        if cell(&h).stopped().is_some() {
            break;
        }
        act(&mut h, TrainAction::Epoch);
        h.step();
    }
    act(&mut h, TrainAction::Reset);
    act(&mut h, TrainAction::Step);
    h.step();
    let texts = painted_texts(&h);
    assert!(
        texts.iter().any(|t| t == "epoch"),
        "the x axis title is painted: {texts:?}"
    );
    assert!(texts.iter().any(|t| t == "loss"), "the y axis title is painted");
    // The fitted curve's axes too: x is the feature's name, y is "y".
    assert!(texts.iter().any(|t| t == "y"), "the fit plot's y axis title is painted");
}

/// Item 2, with a new data set instead of Reset.
#[test]
fn the_loss_plot_has_its_axes_after_a_blow_up_and_new_data() {
    let mut h = harness(blow_up_setup(), 1280.0);
    for _ in 0..8 {
        if cell(&h).stopped().is_some() {
            break;
        }
        act(&mut h, TrainAction::Epoch);
        h.step();
    }
    let mut s = cell(&h).setup.clone();
    s.data = DataSpec::Generated {
        generator: Generator::Sin,
        points: 100,
        noise: 0.1,
        seed: 0,
        classes: None,
    };
    s.optimizer.lr = 0.01;
    act(&mut h, TrainAction::Set(Box::new(s)));
    act(&mut h, TrainAction::Epoch);
    let texts = painted_texts(&h);
    assert!(texts.iter().any(|t| t == "epoch"), "the x axis title is painted");
    assert!(texts.iter().any(|t| t == "loss"), "the y axis title is painted");
}

/// Item 3: spiral, plain SGD at learning rate 10: the loss jumps far above its start and stays
/// there while staying finite. Training stops by itself, says it diverged and what to try, and
/// the weights are those of the last good epoch.
#[test]
fn a_finite_divergence_pauses_and_says_what_to_try() {
    let mut s = TrainingSetup::xor_default();
    s.data = DataSpec::Generated {
        generator: Generator::Spiral,
        points: 200,
        noise: 0.0,
        seed: 0,
        classes: None,
    };
    s.hidden = vec![16, 16];
    s.activation = Activation::Tanh;
    s.optimizer = OptimizerConfig {
        lr: 10.0,
        ..OptimizerConfig::defaults(OptimizerKind::Sgd)
    };
    s.epochs = 200;
    let mut h = harness(s, 1280.0);
    click(&mut h, "Play");
    for _ in 0..400 {
        if !cell(&h).running {
            break;
        }
        h.step();
    }
    let c = cell(&h);
    let Some(StopReason::Diverged {
        epoch,
        loss,
        start,
        kept_epoch,
    }) = c.stopped().cloned()
    else {
        panic!("training stopped as diverged, not {:?}", c.stopped())
    };
    assert!(loss.is_finite() && loss > 10.0 * start, "{loss} > 10 x {start}");
    assert!(epoch < 200, "stopped before the last epoch");
    assert!(
        kept_epoch + 3 <= epoch,
        "the last good epoch is before the 3 diverging ones"
    );
    // The three epochs after the kept one are all over 10 x the start.
    for r in &c.history()[kept_epoch..epoch] {
        assert!(r.loss > 10.0 * start, "epoch {} diverging", r.epoch);
    }
    assert!(!c.running, "paused");
    let notice = label_starting(&h, "Training paused");
    assert!(notice.contains("diverged"), "{notice}");
    assert!(notice.contains("smaller"), "says what to try: {notice}");
}

/// Item 4: after Keep run and a change of noise, the legend names only the noise, in words,
/// and each entry stays narrower than the narrowest plot (280 points), at 1024 points wide.
#[test]
fn kept_runs_are_named_by_what_differs_and_the_legend_fits_its_plot() {
    let mut h = harness(TrainingSetup::xor_default(), 1024.0);
    act(&mut h, TrainAction::Epoch);
    click(&mut h, "Keep run");
    let mut s = cell(&h).setup.clone();
    if let DataSpec::Generated { noise, .. } = &mut s.data {
        *noise = 0.05;
    }
    s.hidden = vec![8, 8];
    s.epochs = 300;
    act(&mut h, TrainAction::Set(Box::new(s)));
    act(&mut h, TrainAction::Epoch);
    assert_eq!(
        cell(&h).run_labels(),
        vec![
            "run 1: noise 0.2, hidden 4, 200 epochs",
            "current: noise 0.05, hidden 8-8, 300 epochs"
        ]
    );
    // The legend's entries are checkboxes named by their text.
    let entries: Vec<egui::Rect> = h
        .query_all_by(|n| n.role() == egui::accesskit::Role::CheckBox && n.label().is_some_and(|l| l.contains("run 1")))
        .map(|n| n.rect())
        .collect();
    assert!(!entries.is_empty(), "the kept run is in a legend");
    for r in &entries {
        assert!(r.width() <= 280.0, "a legend entry {r:?} fits the narrowest plot");
        assert!(r.right() <= 1024.0);
    }
}

/// Item 7: while training plays, the status line changes its text every frame (steps per
/// second, time left, the loss) but the controls below it do not move: the learning-rate
/// field stays where it was, frame after frame.
#[test]
fn the_learning_rate_field_stays_put_while_playing() {
    let mut s = TrainingSetup::xor_default();
    s.epochs = 100_000;
    let mut h = harness(s, 1024.0);
    let rect = |h: &Harness<'_, NotebookApp>| h.get_by_label("Learning rate").rect();
    let before = rect(&h);
    click(&mut h, "Play");
    let mut seen = vec![before];
    for _ in 0..30 {
        h.step();
        seen.push(rect(&h));
    }
    assert!(cell(&h).history().len() > 2, "trained several epochs while watched");
    assert!(cell(&h).running);
    for r in &seen {
        assert_eq!(*r, before, "the learning-rate field moved");
    }
}

/// Item 5: lesson 12's 10 x 10 confusion matrix fits beside the stepper panel at 1024 x 700:
/// the header row's last column ("9") ends left of the panel.
#[test]
fn lesson_12s_confusion_matrix_shows_its_last_column_at_1024() {
    use mlp_notebook::app::CellState;
    use mlp_notebook::lesson::parse_lesson;
    use mlp_notebook::nn::doc::Syntax;
    let lesson = parse_lesson(include_str!("../lessons/12-project-digits.toml"), Syntax::Toml).unwrap();
    let mut state = AppState::new(lesson, Box::new(NoDialogs));
    let ci = state
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, CellState::Training(_)))
        .expect("a training cell");
    state.apply(Command::Lab(LabCommand::Train {
        cell: ci,
        action: TrainAction::Epoch,
    }));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .with_max_steps(12)
        .build_eframe(|_| NotebookApp::new(state));
    h.run();
    while h.state().state.training(ci).is_some_and(|c| c.running) {
        h.step();
    }
    // The layers section too: side by side halves, and the page above holds a 64-column
    // matrix that makes the page wider than the window.
    for name in ["Layers", "Evaluation"] {
        h.get_all_by_label(name).next().unwrap().scroll_to_me();
        h.run();
        h.get_all_by_label(name).next().unwrap().click();
        h.run();
    }
    h.get_all_by_label("Confusion matrix").next().unwrap().scroll_to_me();
    h.run();
    let panel_left = h.get_by_label("Backprop stepper").rect().left();
    // The header row: the labels "0" to "9" side by side on one line.
    let digit = |d: usize| -> Vec<egui::Rect> {
        h.query_all_by(|n| n.label().or_else(|| n.value()).is_some_and(|l| l == d.to_string()))
            .map(|n| n.rect())
            .collect()
    };
    let zeros = digit(0);
    let nines = digit(9);
    let row = zeros
        .iter()
        .find_map(|z| {
            let on_row = |r: &&egui::Rect| (r.center().y - z.center().y).abs() < 1.0 && r.left() > z.left();
            let ones = digit(1);
            ones.iter().find(on_row)?;
            nines.iter().find(on_row).copied()
        })
        .expect("a header row of the digits 0 to 9");
    for l in ["Weights of layer 1", "Last gradients of layer 1"] {
        let r = h.get_all_by_label(l).next().unwrap().rect();
        assert!(r.right() <= panel_left, "{l:?} ({r:?}) ends left of the stepper panel");
    }
    assert!(
        row.right() <= panel_left,
        "the last column ({row:?}) ends left of the stepper panel (x = {panel_left})"
    );
}

/// Item 9: *Epoch* on a network whose epoch takes far longer than a frame trains in slices:
/// the click's frame returns with the epoch under way (shown as playing, so it can be paused),
/// and the following frames finish exactly that epoch, then stop.
#[test]
fn epoch_on_a_large_network_runs_in_slices_and_stops_at_its_end() {
    let mut s = TrainingSetup::xor_default();
    s.data = DataSpec::Generated {
        generator: Generator::Spiral,
        points: 2000,
        noise: 0.1,
        seed: 0,
        classes: None,
    };
    s.hidden = vec![256, 256];
    s.batch_size = Some(1);
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Training(Box::new(s))],
        ..Default::default()
    };
    let mut state = AppState::new(lesson, Box::new(NoDialogs));
    let epoch = |state: &mut AppState| {
        state.apply(Command::Lab(LabCommand::Train {
            cell: 0,
            action: TrainAction::Epoch,
        }))
    };
    epoch(&mut state);
    let c = state.training(0).unwrap();
    // 1600 training samples one at a time, two 256-unit layers: far more than one 5 ms slice.
    let per = c.trainer.as_ref().unwrap().steps_per_epoch();
    assert_eq!(per, 1600);
    assert!(c.history().is_empty(), "the epoch is not done in the click's frame");
    assert!(c.running, "it goes on in the next frames");
    assert!(c.trainer.as_ref().unwrap().steps_done() < per);
    let mut frames = 0;
    while state.training(0).unwrap().running {
        state.tick(std::time::Duration::from_millis(5));
        frames += 1;
        assert!(frames < 100_000);
    }
    let c = state.training(0).unwrap();
    assert_eq!(c.history().len(), 1, "exactly one epoch");
    assert_eq!(c.trainer.as_ref().unwrap().steps_done(), per);
    // Pausing in the middle of the next one stops it there.
    epoch(&mut state);
    state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: TrainAction::Pause,
    }));
    let done = state.training(0).unwrap().trainer.as_ref().unwrap().steps_done();
    state.tick(std::time::Duration::from_millis(5));
    assert_eq!(state.training(0).unwrap().trainer.as_ref().unwrap().steps_done(), done);
    assert_eq!(state.training(0).unwrap().history().len(), 1);
}

/// Item 6: a speed limit of 2 steps a second trains one step when Play is pressed and then
/// about two a second, however many frames are drawn; back to full speed it trains many steps
/// a frame. A learning rate changed mid-run is marked on the curves where it happened.
#[test]
fn the_speed_control_slows_playing_down_and_changes_are_marked() {
    let mut s = TrainingSetup::xor_default();
    s.epochs = 100_000;
    let mut h = harness(s, 1280.0);
    h.get_by_role_and_label(egui::accesskit::Role::Slider, "Speed");
    act(&mut h, TrainAction::Speed(Some(2.0)));
    let started = std::time::Instant::now();
    click(&mut h, "Play");
    for _ in 0..20 {
        h.step();
    }
    let secs = started.elapsed().as_secs_f64();
    let steps = cell(&h).trainer.as_ref().unwrap().steps_done();
    // One step at once, then 2 per second of wall time (plus one for rounding).
    assert!(
        steps >= 1 && steps as f64 <= 2.0 + 2.0 * secs,
        "{steps} steps in {secs} s"
    );
    act(&mut h, TrainAction::Speed(None));
    for _ in 0..5 {
        h.step();
    }
    let fast = cell(&h).trainer.as_ref().unwrap().steps_done();
    assert!(fast > steps + 5, "full speed trains several steps a frame: {fast}");
    // A change of the learning rate mid-run is marked at the step it took effect.
    let mut setup = cell(&h).setup.clone();
    setup.optimizer.lr = 0.2;
    act(&mut h, TrainAction::Set(Box::new(setup)));
    let marks = &cell(&h).marks;
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].what, "lr 0.05 to 0.2");
    assert!(marks[0].x > 0.0);
    // The mark is in the loss plot's legend, named by what changed.
    h.get_by_label("lr 0.05 to 0.2");
}
