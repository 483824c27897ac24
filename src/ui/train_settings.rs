//! The training lab's settings column: data, network, optimizer and training. The controls
//! edit a draft of the setup; when the draft differs at the end of the frame the whole new
//! setup is sent once, and the state decides what applies live.

use crate::app::training::TrainCell;
use crate::app::{Command, LabCommand};
use crate::lesson::training::{EarlyStoppingSpec, ScheduleSpec, TrainingSetup};
use crate::nn::data::Scaling;
use crate::nn::datasets::{BuiltinSet, DataSpec, Generator};
use crate::nn::numfmt::NumberFormat;
use crate::nn::{Activation, LossKind, OptimizerConfig, OptimizerKind};
use egui::Ui;

/// The settings column. `set` receives the whole new setup when a control changed it.
pub fn settings_ui(
    ui: &mut Ui,
    ci: usize,
    cell: &TrainCell,
    set: &mut dyn FnMut(TrainingSetup),
    out: &mut Vec<Command>,
) {
    let mut n = cell.setup.clone();
    let rows = cell.train_data().map_or(1, |d| d.len().max(1));
    egui::CollapsingHeader::new("Data")
        .id_salt(("train data", ci))
        .default_open(true)
        .show(ui, |ui| data_settings_ui(ui, ci, &mut n, out));
    egui::CollapsingHeader::new("Network")
        .id_salt(("train net", ci))
        .default_open(true)
        .show(ui, |ui| network_settings_ui(ui, ci, &mut n));
    egui::CollapsingHeader::new("Optimizer")
        .id_salt(("train opt", ci))
        .default_open(true)
        .show(ui, |ui| optimizer_settings_ui(ui, ci, &mut n));
    egui::CollapsingHeader::new("Training")
        .id_salt(("train cfg", ci))
        .default_open(false)
        .show(ui, |ui| training_settings_ui(ui, &mut n, rows));
    if n != cell.setup {
        set(n);
    }
}

/// A labelled combo box; returns the option chosen this frame, if another one was.
fn combo<T: Copy + PartialEq>(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    label: &str,
    current: T,
    options: &[T],
    name: impl Fn(T) -> String,
) -> Option<T> {
    let mut chosen = None;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        egui::ComboBox::from_id_salt(id)
            .width(170.0)
            .truncate()
            .selected_text(name(current))
            .show_ui(ui, |ui| {
                for &o in options {
                    if ui.selectable_label(o == current, name(o)).clicked() && o != current {
                        chosen = Some(o);
                    }
                }
            })
            .response
            .labelled_by(l.id);
    });
    chosen
}

/// A labelled number edited in place (drag or type); returns whether it changed.
fn number<T: egui::emath::Numeric>(
    ui: &mut Ui,
    label: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    speed: f64,
    hint: &str,
) -> bool {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::DragValue::new(value).range(range).speed(speed))
            .labelled_by(l.id)
            .on_hover_text(hint)
            .changed()
    })
    .inner
}

/// A learning-rate style number edited in place: drag speed relative to the value, shown
/// with 4 significant digits.
fn rate(ui: &mut Ui, label: &str, value: &mut f64, range: std::ops::RangeInclusive<f64>, hint: &str) -> bool {
    let speed = value.abs().max(1e-6) * 0.01;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(
            egui::DragValue::new(value)
                .range(range)
                .speed(speed)
                .custom_formatter(|v, _| NumberFormat::PLOT.fmt(v))
                .custom_parser(|t| t.trim().parse::<f64>().ok()),
        )
        .labelled_by(l.id)
        .on_hover_text(hint)
        .changed()
    })
    .inner
}

fn data_settings_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup, out: &mut Vec<Command>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Source {
        Gen(Generator),
        Set(BuiltinSet),
        Csv,
    }
    let current = match &n.data {
        DataSpec::Generated { generator, .. } => Source::Gen(*generator),
        DataSpec::Builtin { dataset } => Source::Set(*dataset),
        DataSpec::Csv { .. } => Source::Csv,
    };
    let mut options: Vec<Source> = Generator::ALL.iter().map(|&g| Source::Gen(g)).collect();
    options.extend(BuiltinSet::ALL.iter().map(|&b| Source::Set(b)));
    if current == Source::Csv {
        options.push(Source::Csv);
    }
    let name = |o: Source| match o {
        Source::Gen(g) => g.label().to_string(),
        Source::Set(b) => b.label().to_string(),
        Source::Csv => "CSV file".to_string(),
    };
    if let Some(choice) = combo(ui, ("data source", ci), "Data set", current, &options, name) {
        match choice {
            Source::Gen(generator) => {
                n.data = DataSpec::Generated {
                    generator,
                    points: 200,
                    noise: 0.1,
                    seed: 0,
                    classes: (generator == Generator::Blobs).then_some(3),
                }
            }
            Source::Set(dataset) => {
                n.data = DataSpec::Builtin { dataset };
                if n.scaling == Scaling::None {
                    n.scaling = Scaling::Standardise;
                }
            }
            Source::Csv => {}
        }
    }
    if ui
        .button("Import CSV...")
        .on_hover_text("Train on your own data: choose the target column, classification or regression")
        .clicked()
    {
        out.push(Command::Lab(LabCommand::ImportCsv { cell: ci }));
    }
    if let DataSpec::Generated {
        generator,
        points,
        noise,
        seed,
        classes,
    } = &mut n.data
    {
        number(ui, "Points", points, 10..=5000, 5.0, "How many points to generate");
        number(
            ui,
            "Noise",
            noise,
            0.0..=2.0,
            0.005,
            "Standard deviation of the Gaussian noise",
        );
        number(
            ui,
            "Data seed",
            seed,
            0..=u64::MAX,
            0.2,
            "The same seed gives the same points",
        );
        if *generator == Generator::Blobs {
            let mut k = classes.unwrap_or(3);
            if number(ui, "Classes", &mut k, 2..=8, 0.05, "How many blobs") {
                *classes = Some(k);
            }
        }
    }
    let split = &mut n.split;
    if number(
        ui,
        "Validation share",
        &mut split.validation,
        0.0..=0.9,
        0.005,
        "Fraction of rows held out to watch for overfitting",
    ) {
        split.validation = split.validation.min(0.95 - split.test);
    }
    if number(
        ui,
        "Test share",
        &mut split.test,
        0.0..=0.9,
        0.005,
        "Fraction of rows kept for the final evaluation",
    ) {
        split.test = split.test.min(0.95 - split.validation);
    }
    number(
        ui,
        "Split seed",
        &mut split.seed,
        0..=u64::MAX,
        0.2,
        "Seed of the shuffle before the split (and of the batches)",
    );
    let scalings = [Scaling::None, Scaling::Standardise, Scaling::MinMax];
    let scaling_name = |x: Scaling| {
        match x {
            Scaling::None => "none",
            Scaling::Standardise => "standardise",
            Scaling::MinMax => "min-max",
        }
        .to_string()
    };
    if let Some(v) = combo(ui, ("scaling", ci), "Scaling", n.scaling, &scalings, scaling_name) {
        n.scaling = v;
    }
}

fn network_settings_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    ui.horizontal(|ui| {
        let l = ui.label("Hidden layers");
        let id = ui.make_persistent_id(("hidden text", ci));
        let shown: String = n.hidden.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ");
        let mut text = ui.data(|d| d.get_temp::<String>(id)).unwrap_or(shown);
        let r = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(110.0))
            .labelled_by(l.id)
            .on_hover_text("Widths of the hidden layers, e.g. 8, 8 (empty: no hidden layer)");
        if r.has_focus() {
            ui.data_mut(|d| d.insert_temp(id, text.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(id));
        }
        let parsed: Result<Vec<usize>, _> = text
            .split([',', ' '])
            .filter(|t| !t.is_empty())
            .map(|t| t.parse::<usize>())
            .collect();
        match parsed {
            Ok(v) if v.iter().all(|&w| (1..=crate::lesson::training::MAX_WIDTH).contains(&w)) => {
                if r.lost_focus() {
                    n.hidden = v;
                }
            }
            _ => {
                ui.colored_label(ui.visuals().error_fg_color, "widths 1 to 1024, separated by commas");
            }
        }
    });
    let hidden_acts: Vec<Activation> = Activation::ALL
        .into_iter()
        .filter(|a| *a != Activation::Softmax)
        .collect();
    if let Some(a) = combo(ui, ("hidden act", ci), "Activation", n.activation, &hidden_acts, |a| {
        a.name().to_string()
    }) {
        n.activation = a;
    }
    let mut losses: Vec<Option<LossKind>> = vec![None];
    losses.extend(LossKind::NAMES.iter().filter_map(|k| LossKind::from_name(k)).map(Some));
    if let Some(l) = combo(ui, ("loss", ci), "Loss", n.loss, &losses, |l| {
        l.map_or("automatic".to_string(), |k| k.name().to_string())
    }) {
        n.loss = l;
        // The output activation follows a loss that needs one.
        if let Some(req) = l.and_then(LossKind::required_output) {
            n.output_activation = Some(req);
        } else if n
            .output_activation
            .is_some_and(|a| a == Activation::Softmax || a == Activation::Sigmoid)
        {
            n.output_activation = None;
        }
    }
    let mut outs: Vec<Option<Activation>> = vec![None];
    outs.extend(Activation::ALL.into_iter().map(Some));
    if let Some(a) = combo(ui, ("out act", ci), "Output", n.output_activation, &outs, |a| {
        a.map_or("automatic".to_string(), |a| a.name().to_string())
    }) {
        let needs = n.loss.and_then(LossKind::required_output);
        n.output_activation = a;
        if needs.is_some() && a != needs {
            // Keep the pair valid: a loss that needs another output falls back to automatic.
            n.loss = None;
        }
    }
    let inits = [
        "he_uniform",
        "he_normal",
        "xavier_uniform",
        "xavier_normal",
        "lecun",
        "uniform",
        "normal",
        "small_integers",
        "zeros",
    ];
    let cur = inits.iter().position(|k| *k == n.init.kind.replace('-', "_"));
    let idx: Vec<Option<usize>> = (0..inits.len()).map(Some).collect();
    let kind = n.init.kind.clone();
    if let Some(Some(i)) = combo(ui, ("init", ci), "Initialiser", cur, &idx, |i| {
        i.map_or(kind.clone(), |i| inits[i].replace('_', " "))
    }) {
        n.init.kind = inits[i].to_string();
        n.init.param = None;
    }
    number(
        ui,
        "Init seed",
        &mut n.init.seed,
        0..=u64::MAX,
        0.2,
        "The same seed gives the same initial weights",
    );
}

fn optimizer_settings_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    // SGD with momentum and Nesterov are offered as their own entries, as students name them.
    #[derive(Clone, Copy, PartialEq)]
    enum Choice {
        Sgd,
        Momentum,
        Nesterov,
        Other(OptimizerKind),
    }
    let o = &mut n.optimizer;
    let current = match o.kind {
        OptimizerKind::Sgd if o.nesterov => Choice::Nesterov,
        OptimizerKind::Sgd if o.momentum > 0.0 => Choice::Momentum,
        OptimizerKind::Sgd => Choice::Sgd,
        k => Choice::Other(k),
    };
    let options = [
        Choice::Sgd,
        Choice::Momentum,
        Choice::Nesterov,
        Choice::Other(OptimizerKind::Rmsprop),
        Choice::Other(OptimizerKind::Adam),
        Choice::Other(OptimizerKind::Adamw),
    ];
    let name = |c: Choice| match c {
        Choice::Sgd => "SGD".to_string(),
        Choice::Momentum => "SGD + momentum".to_string(),
        Choice::Nesterov => "SGD + Nesterov".to_string(),
        Choice::Other(OptimizerKind::Rmsprop) => "RMSprop".to_string(),
        Choice::Other(OptimizerKind::Adam) => "Adam".to_string(),
        Choice::Other(OptimizerKind::Adamw) => "AdamW".to_string(),
        Choice::Other(k) => k.name().to_string(),
    };
    if let Some(c) = combo(ui, ("optimizer", ci), "Optimizer", current, &options, name) {
        let kind = match c {
            Choice::Sgd | Choice::Momentum | Choice::Nesterov => OptimizerKind::Sgd,
            Choice::Other(k) => k,
        };
        *o = OptimizerConfig {
            lr: o.lr,
            ..OptimizerConfig::defaults(kind)
        };
        if matches!(c, Choice::Momentum | Choice::Nesterov) {
            o.momentum = 0.9;
            o.nesterov = c == Choice::Nesterov;
        }
    }
    rate(
        ui,
        "Learning rate",
        &mut o.lr,
        1e-7..=10.0,
        "Step size; takes effect at the next step",
    );
    match o.kind {
        OptimizerKind::Sgd => {
            if number(
                ui,
                "Momentum",
                &mut o.momentum,
                0.0..=0.999,
                0.005,
                "Fraction of the previous step kept",
            ) && o.momentum == 0.0
            {
                o.nesterov = false;
            }
        }
        OptimizerKind::Adam | OptimizerKind::Adamw => {
            number(
                ui,
                "beta1",
                &mut o.beta1,
                0.0..=0.999,
                0.001,
                "Decay of the mean of gradients",
            );
            number(
                ui,
                "beta2",
                &mut o.beta2,
                0.0..=0.99999,
                0.0001,
                "Decay of the mean of squared gradients",
            );
        }
        OptimizerKind::Rmsprop => {
            number(
                ui,
                "alpha",
                &mut o.alpha,
                0.0..=0.9999,
                0.001,
                "Decay of the mean of squared gradients",
            );
        }
    }
    if o.kind != OptimizerKind::Sgd {
        rate(
            ui,
            "eps",
            &mut o.eps,
            1e-12..=1.0,
            "Added to the denominator for stability",
        );
    }
    rate(
        ui,
        "Weight decay",
        &mut o.weight_decay,
        0.0..=1.0,
        "torch.optim's weight_decay",
    );
    schedule_ui(ui, ci, n);
}

fn schedule_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    let scheds = ["constant", "step", "exponential", "cosine"];
    let cur = match n.schedule {
        ScheduleSpec::Constant => 0,
        ScheduleSpec::Step { .. } => 1,
        ScheduleSpec::Exponential { .. } => 2,
        ScheduleSpec::Cosine { .. } => 3,
    };
    if let Some(i) = combo(ui, ("schedule", ci), "Schedule", cur, &[0, 1, 2, 3], |i| {
        scheds[i].to_string()
    }) {
        n.schedule = match i {
            1 => ScheduleSpec::Step {
                step_size: 50,
                gamma: 0.5,
            },
            2 => ScheduleSpec::Exponential { gamma: 0.99 },
            3 => ScheduleSpec::Cosine {
                t_max: n.epochs,
                eta_min: 0.0,
            },
            _ => ScheduleSpec::Constant,
        };
    }
    match &mut n.schedule {
        ScheduleSpec::Step { step_size, gamma } => {
            number(
                ui,
                "Every (epochs)",
                step_size,
                1..=100_000,
                0.2,
                "Epochs between rate drops",
            );
            number(ui, "gamma", gamma, 0.01..=1.0, 0.005, "Factor at each drop");
        }
        ScheduleSpec::Exponential { gamma } => {
            number(ui, "gamma", gamma, 0.5..=1.0, 0.001, "Factor per epoch");
        }
        ScheduleSpec::Cosine { t_max, .. } => {
            number(
                ui,
                "Period (epochs)",
                t_max,
                1..=100_000,
                0.2,
                "Epochs from the base rate to the minimum",
            );
        }
        ScheduleSpec::Constant => {}
    }
}

fn training_settings_ui(ui: &mut Ui, n: &mut TrainingSetup, rows: usize) {
    number(
        ui,
        "Epochs",
        &mut n.epochs,
        1..=crate::lesson::training::MAX_EPOCHS,
        1.0,
        "How many passes over the training rows",
    );
    let mut full = n.batch_size.is_none();
    if ui
        .checkbox(&mut full, "Full batch")
        .on_hover_text("One step per epoch on every training row (gradient descent)")
        .changed()
    {
        n.batch_size = if full { None } else { Some(32.min(rows)) };
    }
    if let Some(b) = &mut n.batch_size {
        number(
            ui,
            "Batch size",
            b,
            1..=rows,
            0.5,
            "Rows per step (1 = stochastic gradient descent); takes effect at the next epoch",
        );
    }
    rate(ui, "L2", &mut n.l2, 0.0..=10.0, "Adds l2 · sum W² to the loss");
    number(
        ui,
        "Dropout",
        &mut n.dropout,
        0.0..=0.9,
        0.005,
        "Probability of dropping each hidden unit while training",
    );
    let mut on = n.early_stopping.is_some();
    if ui
        .checkbox(&mut on, "Early stopping")
        .on_hover_text("Stop when the validation loss (else the training loss) has not improved for a while")
        .changed()
    {
        n.early_stopping = on.then_some(EarlyStoppingSpec {
            patience: 10,
            min_delta: 0.0,
            restore_best: true,
        });
    }
    if let Some(es) = &mut n.early_stopping {
        number(
            ui,
            "Patience",
            &mut es.patience,
            1..=10_000,
            0.2,
            "Epochs without improvement before stopping",
        );
        ui.checkbox(&mut es.restore_best, "Restore best weights")
            .on_hover_text("Go back to the weights of the best epoch when stopping");
    }
}
