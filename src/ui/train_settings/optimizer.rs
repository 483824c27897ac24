//! The "Optimizer" group: the optimizer (SGD with momentum and Nesterov as their own
//! entries), its numbers and the learning-rate schedule.

use super::{combo, number, rate};
use crate::lesson::training::{ScheduleSpec, TrainingSetup};
use crate::nn::{OptimizerConfig, OptimizerKind};
use egui::Ui;

/// The optimizer menu's entries. SGD with momentum and Nesterov are offered as their own
/// entries, as students name them.
#[derive(Clone, Copy, PartialEq)]
enum Choice {
    Sgd,
    Momentum,
    Nesterov,
    Other(OptimizerKind),
}

pub(super) fn optimizer_settings_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    optimizer_choice_ui(ui, ci, n);
    optimizer_numbers_ui(ui, n);
    schedule_ui(ui, ci, n);
}

/// The optimizer menu: a new choice keeps the learning rate and takes the rest from the
/// optimizer's defaults.
fn optimizer_choice_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
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
}

/// The learning rate and the numbers of the chosen optimizer.
fn optimizer_numbers_ui(ui: &mut Ui, n: &mut TrainingSetup) {
    let o = &mut n.optimizer;
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
