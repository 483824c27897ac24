//! The training lab's analysis sections in the window, driven headless through egui_kittest:
//! open a section by its header, then check the figures shown against the engine's own
//! (nn::metrics on the same split, the cell's per-epoch extras).

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::training::{TrainAction, TrainCell};
use mlp_notebook::app::{AppState, CellState, Command, LabCommand};
use mlp_notebook::nn::Activation;
use mlp_notebook::nn::metrics::confusion_matrix;
use mlp_notebook::nn::numfmt::NumberFormat;
use mlp_notebook::nn::trace::forward;
use mlp_notebook::window::NotebookApp;

/// How the window writes figures: 4 significant digits.
fn g(v: f64) -> String {
    NumberFormat::Significant(4).fmt(v)
}

/// The built-in lesson with a training cell inserted (the default XOR setup), then only that
/// cell kept so the page is short; `setup` may change it before `epochs` epochs are trained.
fn harness(
    epochs: usize,
    setup: impl FnOnce(&mut mlp_notebook::lesson::training::TrainingSetup),
) -> Harness<'static, NotebookApp> {
    let mut state = AppState::builtin_headless();
    state.apply(Command::Lab(LabCommand::InsertTrainingCell));
    state.doc.cells.retain(|c| matches!(c, CellState::Training(_)));
    let mut s = train_cell(&state).setup.clone();
    setup(&mut s);
    state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: TrainAction::Set(Box::new(s)),
    }));
    for _ in 0..epochs {
        state.apply(Command::Lab(LabCommand::Train {
            cell: 0,
            action: TrainAction::Epoch,
        }));
        // *Epoch* trains in slices of frames: give it the frames it needs.
        while train_cell(&state).until_epoch.is_some() {
            state.tick(std::time::Duration::from_millis(5));
        }
    }
    window(state)
}

/// The window on `state`, drawn once.
fn window(state: AppState) -> Harness<'static, NotebookApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_max_steps(12)
        .build_eframe(|_| NotebookApp::new(state));
    h.run();
    h
}

fn train_cell(state: &AppState) -> &TrainCell {
    match state.doc.cells.first() {
        Some(CellState::Training(t)) => t,
        _ => panic!("no training cell"),
    }
}

fn cell<'h>(h: &'h Harness<'_, NotebookApp>) -> &'h TrainCell {
    train_cell(&h.state().state)
}

/// Opens a collapsing section by its header (scrolled into view first, as a user would).
fn open(h: &mut Harness<'_, NotebookApp>, header: &str) {
    h.get_by_label(header).scroll_to_me();
    h.run();
    h.get_by_label(header).click();
    h.run();
}

/// The accuracy as the engine computes it on `split`: "38 of 40" and the percentage.
fn expected_accuracy(c: &TrainCell, split: &str) -> String {
    let data = c.data.as_ref().unwrap();
    let d = match split {
        "test" => data.test.as_ref().unwrap(),
        "validation" => data.validation.as_ref().unwrap(),
        _ => &data.train,
    };
    let out = forward(c.net().unwrap(), &d.x);
    let cm = confusion_matrix(out.output(), &d.y).unwrap();
    let right: usize = (0..cm.classes()).map(|k| cm.counts[k][k]).sum();
    assert_eq!(cm.total(), d.len());
    format!(
        "Accuracy on the {split} split: {}% ({right} of {} right)",
        g(100.0 * cm.accuracy()),
        d.len()
    )
}

#[test]
fn evaluation_shows_the_validation_accuracy_when_there_is_no_test_split() {
    // The default setup holds 20% out for validation and has no test split.
    let mut h = harness(3, |_| {});
    assert!(h.query_by_label("Confusion matrix").is_none(), "closed at first");
    open(&mut h, "Evaluation");
    let want = expected_accuracy(cell(&h), "validation");
    h.get_by_label(&want);
    h.get_by_label("Confusion matrix");
    h.get_by_label("precision");
}

#[test]
fn evaluation_uses_the_test_split_and_layers_show_the_epoch_figures() {
    let mut h = harness(4, |s| {
        s.split.test = 0.25;
        s.hidden = vec![8, 6];
        s.activation = Activation::Relu;
        s.init.kind = "he_uniform".into();
    });
    open(&mut h, "Evaluation");
    let want = expected_accuracy(cell(&h), "test");
    h.get_by_label(&want);

    open(&mut h, "Layers");
    let c = cell(&h);
    assert_eq!(c.extras.len(), 4);
    let last = c.extras.last().unwrap();
    let net = c.net().unwrap();
    h.get_by_label("After epoch 4:");
    for (l, layer) in net.layers().iter().enumerate() {
        let mut text = format!("layer {}: gradient norm {}", l + 1, g(last.grad_norms[l]));
        // ReLU hidden layers also report their dead units; the sigmoid output does not.
        if layer.activation == Activation::Relu {
            let f = last.dead[l].expect("a ReLU layer has a dead fraction");
            let units = layer.units();
            text.push_str(&format!(
                ", dead ReLU units {}% ({} of {units})",
                g(100.0 * f),
                (f * units as f64).round() as usize
            ));
        } else {
            assert_eq!(last.dead[l], None);
        }
        h.get_by_label(&text);
    }
    h.get_by_label("Gradient norm per layer");
    h.get_by_label("Dead ReLU units per layer");
}

#[test]
fn activation_section_reports_the_share_of_dead_relu_inputs() {
    let mut h = harness(2, |s| {
        s.hidden = vec![8];
        s.activation = Activation::Relu;
    });
    open(&mut h, "Activation function");
    let c = cell(&h);
    let t = forward(c.net().unwrap(), &c.data.as_ref().unwrap().train.x);
    let z = &t.layers[0].z;
    let dead = z.iter().filter(|&&v| v <= 0.0).count();
    let want = format!(
        "{}% of layer 1's z values on the training data are <= 0 ({dead} of {}): there ReLU outputs 0 and passes \
         no gradient (dead).",
        g(100.0 * dead as f64 / z.len() as f64),
        z.len()
    );
    h.get_by_label(&want);
}

#[test]
fn hidden_units_draw_one_picture_per_unit() {
    let mut h = harness(1, |s| s.hidden = vec![3, 2]);
    open(&mut h, "Hidden units");
    for (l, units) in [(1, 3), (2, 2)] {
        for u in 1..=units {
            // The picture, named for screen readers.
            h.get_by_label(&format!("layer {l}, unit {u}"));
        }
    }
    // Captions under the pictures: units 1 and 2 in both layers, unit 3 in layer 1 only.
    assert_eq!(h.query_all_by_label("unit 1").count(), 2);
    assert_eq!(h.query_all_by_label("unit 3").count(), 1);
    assert!(
        h.query_by_label("layer 3, unit 1").is_none(),
        "the output layer has no picture"
    );
}

#[test]
fn many_unit_pictures_wrap_into_rows_inside_the_window() {
    // 32 pictures of about 60 points are wider than the plots' column: they must wrap, not
    // run off the page where no one can see them.
    let mut h = harness(1, |s| s.hidden = vec![32]);
    open(&mut h, "Hidden units");
    let width = 1400.0; // the harness window
    let mut rows = std::collections::BTreeSet::new();
    for u in 1..=32 {
        let r = h.get_by_label(&format!("layer 1, unit {u}")).rect();
        assert!(r.max.x <= width, "unit {u} is drawn at x = {} to {}", r.min.x, r.max.x);
        rows.insert(r.min.y as i64);
    }
    assert!(rows.len() > 1, "32 pictures fit one row of a 1400-point window?");
}

#[test]
fn softmax_output_is_explained_not_plotted() {
    use mlp_notebook::nn::datasets::{DataSpec, Generator};
    let mut h = harness(1, |s| {
        s.data = DataSpec::Generated {
            generator: Generator::Blobs,
            points: 120,
            noise: 0.5,
            seed: 0,
            classes: Some(3),
        };
    });
    open(&mut h, "Activation function");
    h.get_by_label("Activation of layer 1: tanh");
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Layer to plot")
        .click();
    h.run();
    h.get_by_label("layer 2 (output, 3 softmax units)").click();
    h.run();
    assert!(
        h.query_by_label("Activation of layer 2: softmax").is_none(),
        "no curve for softmax"
    );
    // The sentence that says why softmax is not drawn.
    h.get_by_label_contains("Softmax has no single curve");
}

/// Dialogs whose "save as" answers a file in a folder of the test's.
struct ExportTo(std::path::PathBuf);

impl mlp_notebook::app::files::Dialogs for ExportTo {
    fn pick_open(&self) -> Option<std::path::PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<std::path::PathBuf> {
        None
    }
    fn pick_export(&self, name: &str, _: &str) -> Option<std::path::PathBuf> {
        Some(self.0.join(name))
    }
}

/// Item 8: the loss plot's PNG is drawn afresh at the size chosen (1600 x 1000), not cropped
/// from the screen: the file has that size, its title row, the tick labels left of the plot
/// and under it (with the axis titles) hold dark text on the light background, and the curve
/// is in it.
#[test]
fn png_export_draws_the_plot_at_the_chosen_size_with_its_axes() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::new(
        mlp_notebook::lesson::Lesson::builtin(),
        Box::new(ExportTo(dir.path().to_path_buf())),
    );
    state.apply(Command::Lab(LabCommand::InsertTrainingCell));
    state.doc.cells.retain(|c| matches!(c, CellState::Training(_)));
    for _ in 0..3 {
        state.apply(Command::Lab(LabCommand::Train {
            cell: 0,
            action: TrainAction::Epoch,
        }));
        while train_cell(&state).until_epoch.is_some() {
            state.tick(std::time::Duration::from_millis(5));
        }
    }
    let mut h = window(state);
    // The "PNG..." menu on the row of the title "Loss per epoch", then its first size.
    let title = h.get_by_label("Loss per epoch").rect();
    h.get_all_by_label("PNG...")
        .find(|b| (b.rect().center().y - title.center().y).abs() < 8.0)
        .expect("the loss plot's PNG menu")
        .click();
    h.run();
    h.get_by_label("1600 x 1000 pixels...").click();
    h.run();
    let path = dir.path().join("loss.png");
    assert!(
        h.query_by_label_contains(&format!("Saved the plot to {}", path.display()))
            .is_some(),
        "the window says where it saved"
    );
    let image = mlp_notebook::window::images::decode_png(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(image.size, [1600, 1000]);
    let [w, hgt] = image.size;
    // Dark pixels (text, axes) in a band of the picture, given as fractions of its size.
    let dark_in = |x0: f32, x1: f32, y0: f32, y1: f32| {
        let (xa, xb) = ((x0 * w as f32) as usize, (x1 * w as f32) as usize);
        let (ya, yb) = ((y0 * hgt as f32) as usize, (y1 * hgt as f32) as usize);
        (ya..yb)
            .flat_map(|y| (xa..xb).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let c = image.pixels[y * w + x];
                c.r() < 100 && c.g() < 100 && c.b() < 100
            })
            .count()
    };
    let background = image.pixels[w * 2 + 2];
    assert!(
        background.r() > 200 && background.g() > 200,
        "a light background: {background:?}"
    );
    // The title, across the top.
    assert!(dark_in(0.0, 1.0, 0.0, 0.07) > 200, "the title is drawn");
    // The y axis's tick labels and title, left of the plot.
    assert!(dark_in(0.0, 0.08, 0.15, 0.85) > 200, "the y tick labels are drawn");
    // The x axis's tick labels and its title ("epoch"), under the plot.
    assert!(dark_in(0.1, 0.9, 0.88, 1.0) > 200, "the x tick labels are drawn");
    // The curve: pixels of a colour (not grey) inside the plot.
    let coloured = image.pixels[(0.1 * hgt as f32) as usize * w..(0.85 * hgt as f32) as usize * w]
        .iter()
        .filter(|c| c.r().abs_diff(c.b()) > 80 || c.g().abs_diff(c.b()) > 80)
        .count();
    assert!(coloured > 500, "the curves are drawn ({coloured} coloured pixels)");

    // The decision boundary's menu (right of its title, on the same row) at another size.
    let title = h.get_by_label("Decision boundary (training points)").rect();
    h.get_all_by_label("PNG...")
        .filter(|b| (b.rect().center().y - title.center().y).abs() < 8.0 && b.rect().min.x > title.max.x)
        .min_by_key(|b| b.rect().min.x as i64)
        .expect("the boundary plot's PNG menu")
        .click();
    h.run();
    h.get_by_label("1200 x 800 pixels...").click();
    h.run();
    let image =
        mlp_notebook::window::images::decode_png(&std::fs::read(dir.path().join("boundary.png")).unwrap()).unwrap();
    assert_eq!(image.size, [1200, 800]);
}

#[test]
fn figures_stay_with_their_cell_when_cells_move() {
    // Two training cells at the same weights' version (set, then one step each) but different
    // validation splits (50 and 100 of 200 points), so their evaluations differ.
    let mut state = AppState::builtin_headless();
    state.apply(Command::Lab(LabCommand::InsertTrainingCell));
    state.apply(Command::Lab(LabCommand::InsertTrainingCell));
    state.doc.cells.retain(|c| matches!(c, CellState::Training(_)));
    for (cell, validation) in [(0, 0.25), (1, 0.5)] {
        let mut s = match &state.doc.cells[cell] {
            CellState::Training(t) => t.setup.clone(),
            _ => unreachable!("only training cells are left"),
        };
        s.split.validation = validation;
        state.apply(Command::train(cell, TrainAction::Set(Box::new(s))));
        state.apply(Command::train(cell, TrainAction::Step));
    }
    let version = |s: &AppState, i: usize| match &s.doc.cells[i] {
        CellState::Training(t) => t.version,
        _ => unreachable!(),
    };
    assert_eq!(version(&state, 0), version(&state, 1));
    let mut h = window(state);
    for i in 0..2 {
        h.get_all_by_label("Evaluation")
            .nth(i)
            .expect("two sections")
            .scroll_to_me();
        h.run();
        h.get_all_by_label("Evaluation").nth(i).expect("two sections").click();
        h.run();
    }
    let shown = |h: &Harness<'_, NotebookApp>| -> Vec<String> {
        let mut v: Vec<String> = h
            .query_all_by(|n| {
                n.value()
                    .is_some_and(|v| v.starts_with("Accuracy on the validation split"))
            })
            .filter_map(|n| n.accesskit_node().value())
            .collect();
        // The accessibility tree can list one label twice (same text, same place).
        v.dedup();
        v
    };
    let each = |h: &Harness<'_, NotebookApp>, i: usize| match &h.state().state.doc.cells[i] {
        CellState::Training(t) => expected_accuracy(t, "validation"),
        _ => unreachable!(),
    };
    let before = shown(&h);
    assert_eq!(before, vec![each(&h, 0), each(&h, 1)]);
    assert!(before[1].contains("of 100 right"), "{before:?}");
    // Move the second cell first: each evaluation moves with its cell.
    h.state_mut()
        .state
        .apply(Command::Page(mlp_notebook::app::edit::PageEdit::Move {
            from: 1,
            to: 0,
        }));
    h.run();
    let after = shown(&h);
    assert_eq!(after, vec![each(&h, 0), each(&h, 1)]);
    assert_eq!(after, vec![before[1].clone(), before[0].clone()]);
}
