//! The training lab's settings column: data, network, optimizer and training. Each control
//! sends the whole changed setup; the state decides what applies live.

use crate::app::Command;
use crate::app::training::TrainCell;
use crate::lesson::training::{EarlyStoppingSpec, ScheduleSpec, TrainingSetup};
use crate::nn::data::Scaling;
use crate::nn::datasets::{BuiltinSet, DataSpec, Generator};
use crate::nn::{Activation, LossKind, OptimizerConfig, OptimizerKind};
use egui::Ui;

/// The settings column. `set` receives the whole new setup.
pub fn settings_ui(
    ui: &mut Ui,
    ci: usize,
    cell: &TrainCell,
    set: &mut dyn FnMut(TrainingSetup),
    out: &mut Vec<Command>,
) {
    let s = &cell.setup;
    egui::CollapsingHeader::new("Data")
        .id_salt(("train data", ci))
        .default_open(true)
        .show(ui, |ui| data_settings_ui(ui, ci, s, set, out));
    egui::CollapsingHeader::new("Network")
        .id_salt(("train net", ci))
        .default_open(true)
        .show(ui, |ui| network_settings_ui(ui, ci, s, set));
    egui::CollapsingHeader::new("Optimizer")
        .id_salt(("train opt", ci))
        .default_open(true)
        .show(ui, |ui| optimizer_settings_ui(ui, ci, s, set));
    egui::CollapsingHeader::new("Training")
        .id_salt(("train cfg", ci))
        .default_open(false)
        .show(ui, |ui| training_settings_ui(ui, ci, cell, set));
}

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

/// A labelled number; returns the new value when it was changed.
fn number<T: egui::emath::Numeric>(
    ui: &mut Ui,
    label: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
    speed: f64,
    hint: &str,
) -> Option<T> {
    let mut v = value;
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let r = ui
            .add(egui::DragValue::new(&mut v).range(range).speed(speed))
            .labelled_by(l.id)
            .on_hover_text(hint);
        changed = r.changed();
    });
    (changed && v != value).then_some(v)
}

/// A learning-rate style number: logarithmic drag, many digits.
fn rate(ui: &mut Ui, label: &str, value: f64, range: std::ops::RangeInclusive<f64>, hint: &str) -> Option<f64> {
    let mut v = value;
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let r = ui
            .add(
                egui::DragValue::new(&mut v)
                    .range(range)
                    .speed(value.abs().max(1e-6) * 0.01)
                    .custom_formatter(|v, _| super::train_plots::fmt_g(v))
                    .custom_parser(|t| t.trim().parse::<f64>().ok()),
            )
            .labelled_by(l.id)
            .on_hover_text(hint);
        changed = r.changed();
    });
    (changed && v != value).then_some(v)
}

fn data_settings_ui(
    ui: &mut Ui,
    ci: usize,
    s: &TrainingSetup,
    set: &mut dyn FnMut(TrainingSetup),
    out: &mut Vec<Command>,
) {
    #[derive(Clone, Copy, PartialEq)]
    enum Source {
        Gen(Generator),
        Set(BuiltinSet),
        Csv,
    }
    let current = match &s.data {
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
        let mut n = s.clone();
        n.data = match choice {
            Source::Gen(generator) => DataSpec::Generated {
                generator,
                points: 200,
                noise: 0.1,
                seed: 0,
                classes: (generator == Generator::Blobs).then_some(3),
            },
            Source::Set(dataset) => DataSpec::Builtin { dataset },
            Source::Csv => s.data.clone(),
        };
        if matches!(n.data, DataSpec::Builtin { .. }) && n.scaling == Scaling::None {
            n.scaling = Scaling::Standardise;
        }
        set(n);
    }
    if ui
        .button("Import CSV...")
        .on_hover_text("Train on your own data: choose the target column, classification or regression")
        .clicked()
    {
        out.push(Command::ImportCsv { cell: ci });
    }
    if let DataSpec::Generated {
        generator,
        points,
        noise,
        seed,
        classes,
    } = &s.data
    {
        let with = |f: &dyn Fn(&mut DataSpec)| {
            let mut n = s.clone();
            f(&mut n.data);
            n
        };
        if let Some(v) = number(ui, "Points", *points, 10..=5000, 5.0, "How many points to generate") {
            set(with(&|d| {
                if let DataSpec::Generated { points, .. } = d {
                    *points = v;
                }
            }));
        }
        if let Some(v) = number(
            ui,
            "Noise",
            *noise,
            0.0..=2.0,
            0.005,
            "Standard deviation of the Gaussian noise",
        ) {
            set(with(&|d| {
                if let DataSpec::Generated { noise, .. } = d {
                    *noise = v;
                }
            }));
        }
        if let Some(v) = number(
            ui,
            "Data seed",
            *seed,
            0..=u64::MAX,
            0.2,
            "The same seed gives the same points",
        ) {
            set(with(&|d| {
                if let DataSpec::Generated { seed, .. } = d {
                    *seed = v;
                }
            }));
        }
        if *generator == Generator::Blobs
            && let Some(v) = number(ui, "Classes", classes.unwrap_or(3), 2..=8, 0.05, "How many blobs")
        {
            set(with(&|d| {
                if let DataSpec::Generated { classes, .. } = d {
                    *classes = Some(v);
                }
            }));
        }
    }
    if let Some(v) = number(
        ui,
        "Validation share",
        s.split.validation,
        0.0..=0.9,
        0.005,
        "Fraction of rows held out to watch for overfitting",
    ) {
        let mut n = s.clone();
        n.split.validation = v.min(0.95 - n.split.test);
        set(n);
    }
    if let Some(v) = number(
        ui,
        "Test share",
        s.split.test,
        0.0..=0.9,
        0.005,
        "Fraction of rows kept for the final evaluation",
    ) {
        let mut n = s.clone();
        n.split.test = v.min(0.95 - n.split.validation);
        set(n);
    }
    if let Some(v) = number(
        ui,
        "Split seed",
        s.split.seed,
        0..=u64::MAX,
        0.2,
        "Seed of the shuffle before the split (and of the batches)",
    ) {
        let mut n = s.clone();
        n.split.seed = v;
        set(n);
    }
    let scalings = [Scaling::None, Scaling::Standardise, Scaling::MinMax];
    if let Some(v) = combo(ui, ("scaling", ci), "Scaling", s.scaling, &scalings, |x| {
        match x {
            Scaling::None => "none",
            Scaling::Standardise => "standardise",
            Scaling::MinMax => "min-max",
        }
        .to_string()
    }) {
        let mut n = s.clone();
        n.scaling = v;
        set(n);
    }
}

fn network_settings_ui(ui: &mut Ui, ci: usize, s: &TrainingSetup, set: &mut dyn FnMut(TrainingSetup)) {
    ui.horizontal(|ui| {
        let l = ui.label("Hidden layers");
        let id = ui.make_persistent_id(("hidden text", ci));
        let shown: String = s.hidden.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ");
        let mut text = ui.data(|d| d.get_temp::<String>(id)).unwrap_or_else(|| shown.clone());
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
                if r.lost_focus() && v != s.hidden {
                    let mut n = s.clone();
                    n.hidden = v;
                    set(n);
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
    if let Some(a) = combo(ui, ("hidden act", ci), "Activation", s.activation, &hidden_acts, |a| {
        a.name().to_string()
    }) {
        let mut n = s.clone();
        n.activation = a;
        set(n);
    }
    let mut losses: Vec<Option<LossKind>> = vec![None];
    losses.extend(LossKind::NAMES.iter().filter_map(|n| LossKind::from_name(n)).map(Some));
    if let Some(l) = combo(ui, ("loss", ci), "Loss", s.loss, &losses, |l| {
        l.map_or("automatic".to_string(), |k| k.name().to_string())
    }) {
        let mut n = s.clone();
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
        set(n);
    }
    let mut outs: Vec<Option<Activation>> = vec![None];
    outs.extend(Activation::ALL.into_iter().map(Some));
    if let Some(a) = combo(ui, ("out act", ci), "Output", s.output_activation, &outs, |a| {
        a.map_or("automatic".to_string(), |a| a.name().to_string())
    }) {
        let needs = s.loss.and_then(LossKind::required_output);
        let mut n = s.clone();
        n.output_activation = a;
        if needs.is_some() && a != needs {
            // Keep the pair valid: a loss that needs another output falls back to automatic.
            n.loss = None;
        }
        set(n);
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
    let cur = inits.iter().position(|k| *k == s.init.kind.replace('-', "_"));
    let idx: Vec<Option<usize>> = (0..inits.len()).map(Some).collect();
    if let Some(Some(i)) = combo(ui, ("init", ci), "Initialiser", cur, &idx, |i| {
        i.map_or(s.init.kind.clone(), |i| inits[i].replace('_', " "))
    }) {
        let mut n = s.clone();
        n.init.kind = inits[i].to_string();
        n.init.param = None;
        set(n);
    }
    if let Some(v) = number(
        ui,
        "Init seed",
        s.init.seed,
        0..=u64::MAX,
        0.2,
        "The same seed gives the same initial weights",
    ) {
        let mut n = s.clone();
        n.init.seed = v;
        set(n);
    }
}

fn optimizer_settings_ui(ui: &mut Ui, ci: usize, s: &TrainingSetup, set: &mut dyn FnMut(TrainingSetup)) {
    let o = s.optimizer;
    // SGD with momentum and Nesterov are offered as their own entries, as students name them.
    #[derive(Clone, Copy, PartialEq)]
    enum Choice {
        Sgd,
        Momentum,
        Nesterov,
        Other(OptimizerKind),
    }
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
        let mut cfg = OptimizerConfig {
            lr: o.lr,
            ..OptimizerConfig::defaults(kind)
        };
        if matches!(c, Choice::Momentum | Choice::Nesterov) {
            cfg.momentum = 0.9;
            cfg.nesterov = c == Choice::Nesterov;
        }
        let mut n = s.clone();
        n.optimizer = cfg;
        set(n);
    }
    let mut with = |f: &dyn Fn(&mut OptimizerConfig)| {
        let mut n = s.clone();
        f(&mut n.optimizer);
        set(n);
    };
    if let Some(v) = rate(
        ui,
        "Learning rate",
        o.lr,
        1e-7..=10.0,
        "Step size; takes effect at the next step",
    ) {
        with(&|c| c.lr = v);
    }
    match o.kind {
        OptimizerKind::Sgd => {
            if let Some(v) = number(
                ui,
                "Momentum",
                o.momentum,
                0.0..=0.999,
                0.005,
                "Fraction of the previous step kept",
            ) {
                with(&|c| {
                    c.momentum = v;
                    if v == 0.0 {
                        c.nesterov = false;
                    }
                });
            }
        }
        OptimizerKind::Adam | OptimizerKind::Adamw => {
            if let Some(v) = number(
                ui,
                "beta1",
                o.beta1,
                0.0..=0.999,
                0.001,
                "Decay of the mean of gradients",
            ) {
                with(&|c| c.beta1 = v);
            }
            if let Some(v) = number(
                ui,
                "beta2",
                o.beta2,
                0.0..=0.99999,
                0.0001,
                "Decay of the mean of squared gradients",
            ) {
                with(&|c| c.beta2 = v);
            }
        }
        OptimizerKind::Rmsprop => {
            if let Some(v) = number(
                ui,
                "alpha",
                o.alpha,
                0.0..=0.9999,
                0.001,
                "Decay of the mean of squared gradients",
            ) {
                with(&|c| c.alpha = v);
            }
        }
    }
    if o.kind != OptimizerKind::Sgd
        && let Some(v) = rate(ui, "eps", o.eps, 1e-12..=1.0, "Added to the denominator for stability")
    {
        with(&|c| c.eps = v);
    }
    if let Some(v) = rate(
        ui,
        "Weight decay",
        o.weight_decay,
        0.0..=1.0,
        "torch.optim's weight_decay",
    ) {
        with(&|c| c.weight_decay = v);
    }
    let scheds = ["constant", "step", "exponential", "cosine"];
    let cur = match s.schedule {
        ScheduleSpec::Constant => 0,
        ScheduleSpec::Step { .. } => 1,
        ScheduleSpec::Exponential { .. } => 2,
        ScheduleSpec::Cosine { .. } => 3,
    };
    if let Some(i) = combo(ui, ("schedule", ci), "Schedule", cur, &[0, 1, 2, 3], |i| {
        scheds[i].to_string()
    }) {
        let mut n = s.clone();
        n.schedule = match i {
            1 => ScheduleSpec::Step {
                step_size: 50,
                gamma: 0.5,
            },
            2 => ScheduleSpec::Exponential { gamma: 0.99 },
            3 => ScheduleSpec::Cosine {
                t_max: s.epochs,
                eta_min: 0.0,
            },
            _ => ScheduleSpec::Constant,
        };
        set(n);
    }
    match s.schedule {
        ScheduleSpec::Step { step_size, gamma } => {
            if let Some(v) = number(
                ui,
                "Every (epochs)",
                step_size,
                1..=100_000,
                0.2,
                "Epochs between rate drops",
            ) {
                let mut n = s.clone();
                n.schedule = ScheduleSpec::Step { step_size: v, gamma };
                set(n);
            }
            if let Some(v) = number(ui, "gamma", gamma, 0.01..=1.0, 0.005, "Factor at each drop") {
                let mut n = s.clone();
                n.schedule = ScheduleSpec::Step { step_size, gamma: v };
                set(n);
            }
        }
        ScheduleSpec::Exponential { gamma } => {
            if let Some(v) = number(ui, "gamma", gamma, 0.5..=1.0, 0.001, "Factor per epoch") {
                let mut n = s.clone();
                n.schedule = ScheduleSpec::Exponential { gamma: v };
                set(n);
            }
        }
        ScheduleSpec::Cosine { t_max, eta_min } => {
            if let Some(v) = number(
                ui,
                "Period (epochs)",
                t_max,
                1..=100_000,
                0.2,
                "Epochs from the base rate to the minimum",
            ) {
                let mut n = s.clone();
                n.schedule = ScheduleSpec::Cosine { t_max: v, eta_min };
                set(n);
            }
        }
        ScheduleSpec::Constant => {}
    }
}

fn training_settings_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, set: &mut dyn FnMut(TrainingSetup)) {
    let s = &cell.setup;
    if let Some(v) = number(
        ui,
        "Epochs",
        s.epochs,
        1..=crate::lesson::training::MAX_EPOCHS,
        1.0,
        "How many passes over the training rows",
    ) {
        let mut n = s.clone();
        n.epochs = v;
        set(n);
    }
    let rows = cell.train_data().map_or(1, |d| d.len().max(1));
    let full = s.batch_size.is_none();
    ui.horizontal(|ui| {
        let mut f = full;
        if ui
            .checkbox(&mut f, "Full batch")
            .on_hover_text("One step per epoch on every training row (gradient descent)")
            .changed()
        {
            let mut n = s.clone();
            n.batch_size = if f { None } else { Some(32.min(rows)) };
            set(n);
        }
    });
    if let Some(b) = s.batch_size
        && let Some(v) = number(
            ui,
            "Batch size",
            b,
            1..=rows,
            0.5,
            "Rows per step (1 = stochastic gradient descent); takes effect at the next epoch",
        )
    {
        let mut n = s.clone();
        n.batch_size = Some(v);
        set(n);
    }
    if let Some(v) = rate(ui, "L2", s.l2, 0.0..=10.0, "Adds l2 · sum W² to the loss") {
        let mut n = s.clone();
        n.l2 = v;
        set(n);
    }
    if let Some(v) = number(
        ui,
        "Dropout",
        s.dropout,
        0.0..=0.9,
        0.005,
        "Probability of dropping each hidden unit while training",
    ) {
        let mut n = s.clone();
        n.dropout = v;
        set(n);
    }
    ui.horizontal(|ui| {
        let mut on = s.early_stopping.is_some();
        if ui
            .checkbox(&mut on, "Early stopping")
            .on_hover_text("Stop when the validation loss (else the training loss) has not improved for a while")
            .changed()
        {
            let mut n = s.clone();
            n.early_stopping = on.then_some(EarlyStoppingSpec {
                patience: 10,
                min_delta: 0.0,
                restore_best: true,
            });
            set(n);
        }
    });
    if let Some(es) = s.early_stopping {
        if let Some(v) = number(
            ui,
            "Patience",
            es.patience,
            1..=10_000,
            0.2,
            "Epochs without improvement before stopping",
        ) {
            let mut n = s.clone();
            n.early_stopping = Some(EarlyStoppingSpec { patience: v, ..es });
            set(n);
        }
        ui.horizontal(|ui| {
            let mut r = es.restore_best;
            if ui
                .checkbox(&mut r, "Restore best weights")
                .on_hover_text("Go back to the weights of the best epoch when stopping")
                .changed()
            {
                let mut n = s.clone();
                n.early_stopping = Some(EarlyStoppingSpec { restore_best: r, ..es });
                set(n);
            }
        });
    }
    let _ = ci;
}
