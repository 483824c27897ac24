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

#[test]
fn png_export_saves_the_plot_cropped_from_the_window_screenshot() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::new(
        mlp_notebook::lesson::Lesson::builtin(),
        Box::new(ExportTo(dir.path().to_path_buf())),
    );
    state.apply(Command::Lab(LabCommand::InsertTrainingCell));
    state.doc.cells.retain(|c| matches!(c, CellState::Training(_)));
    state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: TrainAction::Epoch,
    }));
    while train_cell(&state).until_epoch.is_some() {
        state.tick(std::time::Duration::from_millis(5));
    }
    let mut h = window(state);
    // The "PNG..." button on the row of the title "Loss per epoch".
    let title = h.get_by_label("Loss per epoch").rect();
    let button = || {
        h.get_all_by_label("PNG...")
            .find(|b| (b.rect().center().y - title.center().y).abs() < 8.0)
            .expect("the loss plot's PNG button")
    };
    let plot = button().rect();
    button().click();
    // One frame applies the click, the next asks the window for a screenshot.
    let mut callbacks = Vec::new();
    for _ in 0..3 {
        h.step();
        for vp in h.output().viewport_output.values() {
            for c in &vp.commands {
                if let egui::ViewportCommand::Screenshot(cb) = c {
                    callbacks.push(cb.clone());
                }
            }
        }
    }
    assert_eq!(callbacks.len(), 1, "one screenshot asked for");
    // The backend's part, by hand: a screenshot where every pixel encodes its own position.
    let ppp = h.ctx.pixels_per_point();
    let (w, hgt) = ((1400.0 * ppp) as usize, (1000.0 * ppp) as usize);
    let pixels = (0..hgt)
        .flat_map(|y| {
            (0..w).map(move |x| {
                egui::Color32::from_rgb((x % 256) as u8, (y % 256) as u8, (x / 256 + 8 * (y / 256)) as u8)
            })
        })
        .collect();
    let shot = std::sync::Arc::new(egui::ColorImage::new([w, hgt], pixels));
    callbacks.pop().unwrap().complete(shot);
    h.run();
    let path = dir.path().join("loss.png");
    assert!(
        h.query_by_label_contains(&format!("Saved the plot to {}", path.display()))
            .is_some(),
        "the window says where it saved"
    );
    // The file is the plot below its title: it starts under the PNG button and is as wide as
    // the plot; each pixel is the screenshot's pixel at that place.
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (pw, ph) = (info.width as usize, info.height as usize);
    assert!(pw > 200 && ph > 100, "{pw} x {ph}");
    let pixel = |x: usize, y: usize| &buf[(y * pw + x) * 4..(y * pw + x) * 4 + 3];
    let x0 = pixel(0, 0)[0] as usize + 256 * (pixel(0, 0)[2] as usize % 8);
    let y0 = pixel(0, 0)[1] as usize + 256 * (pixel(0, 0)[2] as usize / 8);
    assert!(
        y0 as f32 >= plot.max.y * ppp - 1.0,
        "the crop starts below the title row ({y0})"
    );
    for (x, y) in [(0, 0), (pw - 1, 0), (0, ph - 1), (pw - 1, ph - 1), (pw / 2, ph / 3)] {
        let (sx, sy) = (x0 + x, y0 + y);
        assert_eq!(
            pixel(x, y),
            &[(sx % 256) as u8, (sy % 256) as u8, (sx / 256 + 8 * (sy / 256)) as u8],
            "pixel ({x}, {y})"
        );
    }
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
