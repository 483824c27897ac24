//! The training lab cell: the controls (play, pause, step, epoch, reset, re-initialise), the
//! status line, the settings (data, network, optimizer, training) and the plots.
//!
//! Every change of a setting is sent as the whole new setup ([`TrainAction::Set`]); the state
//! decides what takes effect live and what starts over.

use super::train_plots;
use crate::app::training::{TrainAction, TrainCell};
use crate::app::{Command, LabCommand, ViewSettings};
use crate::lesson::training::TrainingSetup;
use crate::nn::datasets::DataSpec;
use egui::{RichText, Ui};

/// Draws training cell `ci`.
pub fn training_ui(
    ui: &mut Ui,
    ci: usize,
    cell: &TrainCell,
    view: &ViewSettings,
    md: &mut egui_commonmark::CommonMarkCache,
    out: &mut Vec<Command>,
) {
    let send =
        |out: &mut Vec<Command>, action: TrainAction| out.push(Command::Lab(LabCommand::Train { cell: ci, action }));
    ui.horizontal(|ui| {
        ui.label(RichText::new("Training lab").heading());
        ui.weak(data_summary(cell));
    });
    if !cell.setup.observe.is_empty() {
        super::markdown::markdown_ui(ui, md, &cell.setup.observe);
    }
    controls_ui(ui, ci, cell, out);
    if let Some(n) = &cell.notice {
        let diverged = matches!(cell.stopped(), Some(crate::nn::train::StopReason::NonFinite { .. }));
        let color = if diverged {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().text_color()
        };
        ui.label(RichText::new(n).color(color));
    }
    if let Some(e) = &cell.error {
        ui.label(RichText::new(format!("Cannot train: {e}")).color(ui.visuals().error_fg_color));
    }
    ui.separator();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(SETTINGS_WIDTH);
            ui.set_max_width(SETTINGS_WIDTH);
            // Collect the changed setup first: `out` is also lent to the data settings.
            let mut changed: Option<TrainingSetup> = None;
            super::train_settings::settings_ui(ui, ci, cell, &mut |s| changed = Some(s), out);
            if let Some(s) = changed {
                send(out, TrainAction::Set(Box::new(s)));
            }
        });
        ui.separator();
        ui.vertical(|ui| train_plots::plots_ui(ui, ci, cell, view, out));
    });
}

/// Width of the settings column.
const SETTINGS_WIDTH: f32 = 290.0;

/// "iris: 150 rows, 4 features, 3 classes · train 120, validation 30, test 0".
fn data_summary(cell: &TrainCell) -> String {
    let Some(d) = &cell.data else {
        return String::new();
    };
    let kind = if d.train.class_names.is_empty() {
        "regression".to_string()
    } else {
        format!("{} classes", d.train.class_names.len().max(2))
    };
    format!(
        "{}: {} rows, {} features, {kind}  ·  train {}, validation {}, test {}",
        describe_data(&cell.setup.data),
        d.total,
        d.train.x.nrows(),
        d.train.len(),
        d.validation.as_ref().map_or(0, |v| v.len()),
        d.test.as_ref().map_or(0, |v| v.len()),
    )
}

/// A data description for people.
pub fn describe_data(d: &DataSpec) -> String {
    match d {
        DataSpec::Generated { generator, .. } => generator.label().to_string(),
        DataSpec::Builtin { dataset } => dataset.label().to_string(),
        DataSpec::Csv { csv, .. } => csv.clone(),
    }
}

fn controls_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, out: &mut Vec<Command>) {
    let send =
        |out: &mut Vec<Command>, action: TrainAction| out.push(Command::Lab(LabCommand::Train { cell: ci, action }));
    let ready = cell.trainer.is_some();
    let done = cell.stopped().is_some();
    ui.horizontal_wrapped(|ui| {
        if cell.running {
            if ui
                .button("Pause")
                .on_hover_text("Stop after the current slice of steps")
                .clicked()
            {
                send(out, TrainAction::Pause);
            }
        } else if super::action_button(
            ui,
            ready && !done,
            "Play",
            "Train continuously, a few milliseconds per frame",
        ) {
            send(out, TrainAction::Play);
        }
        if super::action_button(ui, ready && !done, "Step", "Train on one mini-batch") {
            send(out, TrainAction::Step);
        }
        if super::action_button(ui, ready && !done, "Epoch", "Train to the end of the current epoch") {
            send(out, TrainAction::Epoch);
        }
        if super::action_button(ui, ready, "Reset", "Back to the same initial weights; curves cleared") {
            send(out, TrainAction::Reset);
        }
        if super::action_button(
            ui,
            cell.data.is_some(),
            "Re-initialise",
            "New initial weights from the next seed; curves cleared",
        ) {
            send(out, TrainAction::Reinit);
        }
        ui.separator();
        if super::action_button(
            ui,
            !cell.history().is_empty(),
            "Keep run",
            "Keep this run's curves and start over, to compare with the next run",
        ) {
            send(out, TrainAction::KeepRun);
        }
        if super::action_button(ui, !cell.runs.is_empty(), "Clear kept runs", "Forget the kept runs") {
            send(out, TrainAction::ClearRuns);
        }
        ui.separator();
        let trained = cell.trainer.as_ref().is_some_and(|t| t.steps_done() > 0);
        if super::action_button(
            ui,
            trained,
            "Save trained network...",
            "Save this network as trained, with its input scaling, as a network file: mlp-notebook trace and the window then predict as this cell does",
        ) {
            out.push(Command::Lab(LabCommand::SaveTrained { cell: Some(ci) }));
        }
    });
    ui.horizontal_wrapped(|ui| {
        let epochs = cell.trainer.as_ref().map_or(cell.setup.epochs, |t| t.config().epochs);
        let status = format!("Epoch {} of {epochs}", cell.history().len());
        ui.label(RichText::new(status).strong())
            .on_hover_text("Epochs completed");
        if let Some(t) = &cell.trainer {
            ui.label(format!("step {} ({} per epoch)", t.steps_done(), t.steps_per_epoch()));
        }
        if cell.running {
            ui.label(format!("{:.0} steps/s", cell.steps_per_second));
            if let Some(left) = cell.time_left() {
                ui.label(human_seconds(left));
            }
        }
        if let Some(r) = cell.history().last() {
            ui.label(format!("loss {:.4}", r.loss));
            if let Some(v) = r.val_loss {
                ui.label(format!("validation loss {v:.4}"));
            }
            if let Some(a) = r.accuracy {
                ui.label(format!("accuracy {:.1}%", 100.0 * a));
            }
            if let Some(a) = r.val_accuracy {
                ui.label(format!("validation accuracy {:.1}%", 100.0 * a));
            }
        }
    });
}

/// "about 12 s left", for the time training still needs.
fn human_seconds(s: f64) -> String {
    if s < 1.0 {
        "under a second left".into()
    } else if s < 120.0 {
        format!("about {s:.0} s left")
    } else {
        format!("about {:.0} min left", s / 60.0)
    }
}
