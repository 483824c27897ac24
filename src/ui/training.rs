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
use crate::nn::numfmt::NumberFormat;
use crate::nn::train::StopReason;
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
    // A wide cell above (a matrix of 64 columns) can make the page wider than what is visible
    // of it; the lab is laid out in the visible width, so nothing of it hides under a panel.
    let visible = ui.clip_rect().right() - ui.max_rect().left() - 8.0;
    if visible > 200.0 && visible < ui.max_rect().width() {
        ui.set_max_width(visible);
    }
    // Wrapped: a long data summary must not widen the page past the window (everything below
    // would be laid out for the wider page, under the stepper panel).
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Training lab").heading());
        ui.weak(data_summary(cell));
    });
    if !cell.setup.observe.is_empty() {
        super::markdown::markdown_ui(ui, md, &cell.setup.observe);
    }
    if controls_ui(ui, cell, &mut |a| send(out, a)) {
        out.push(Command::Lab(LabCommand::SaveTrained { cell: Some(ci) }));
    }
    if let Some(n) = &cell.notice {
        let diverged = matches!(
            cell.stopped(),
            Some(StopReason::NonFinite { .. } | StopReason::Diverged { .. })
        );
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
    let settings = |ui: &mut Ui, out: &mut Vec<Command>| {
        ui.set_width(SETTINGS_WIDTH);
        ui.set_max_width(SETTINGS_WIDTH);
        // Collect the changed setup first: `out` is also lent to the data settings.
        let mut changed: Option<TrainingSetup> = None;
        super::train_settings::settings_ui(ui, ci, cell, &mut |s| changed = Some(s), out);
        if let Some(s) = changed {
            out.push(Command::Lab(LabCommand::Train {
                cell: ci,
                action: TrainAction::Set(Box::new(s)),
            }));
        }
    };
    // The settings beside the plots where both fit; in a narrow (or zoomed) window the plots
    // go under the settings rather than past the page's edge.
    if ui.available_width() >= SETTINGS_WIDTH + train_plots::MIN_PLOT_WIDTH + 24.0 {
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| settings(ui, out));
            ui.separator();
            ui.vertical(|ui| train_plots::plots_ui(ui, ci, cell, view, out));
        });
    } else {
        ui.vertical(|ui| settings(ui, out));
        ui.separator();
        train_plots::plots_ui(ui, ci, cell, view, out);
    }
}

/// Width of the Play / Pause button.
const PLAY_WIDTH: f32 = 52.0;

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

/// The lab's buttons, speed and status; returns whether "Save trained network..." was clicked.
fn controls_ui(ui: &mut Ui, cell: &TrainCell, send: &mut dyn FnMut(TrainAction)) -> bool {
    let mut save_trained = false;
    let ready = cell.trainer.is_some();
    let done = cell.stopped().is_some();
    ui.horizontal_wrapped(|ui| {
        // Play and Pause take the same width, so the buttons after them stay put.
        if cell.running {
            if ui
                .add(egui::Button::new("Pause").min_size(egui::vec2(PLAY_WIDTH, 0.0)))
                .on_hover_text("Stop after the current slice of steps (a large step stops part-way and goes on at the next Step, Epoch or Play)")
                .clicked()
            {
                send(TrainAction::Pause);
            }
        } else if ui
            .add_enabled(
                ready && !done,
                egui::Button::new("Play").min_size(egui::vec2(PLAY_WIDTH, 0.0)),
            )
            .on_hover_text("Train continuously, a few milliseconds per frame")
            .clicked()
        {
            send(TrainAction::Play);
        }
        if super::action_button(ui, ready && !done, "Step", "Train on one mini-batch") {
            send(TrainAction::Step);
        }
        if super::action_button(ui, ready && !done, "Epoch", "Train to the end of the current epoch") {
            send(TrainAction::Epoch);
        }
        if super::action_button(ui, ready, "Reset", "Back to the same initial weights; curves cleared") {
            send(TrainAction::Reset);
        }
        if super::action_button(
            ui,
            cell.data.is_some(),
            "Re-initialise",
            "New initial weights from the next seed; curves cleared",
        ) {
            send(TrainAction::Reinit);
        }
        ui.separator();
        if super::action_button(
            ui,
            !cell.history().is_empty(),
            "Keep run",
            "Keep this run's curves and start over, to compare with the next run",
        ) {
            send(TrainAction::KeepRun);
        }
        if super::action_button(ui, !cell.runs.is_empty(), "Clear kept runs", "Forget the kept runs") {
            send(TrainAction::ClearRuns);
        }
        ui.separator();
        let trained = cell.trainer.as_ref().is_some_and(|t| t.steps_done() > 0);
        save_trained = super::action_button(
            ui,
            trained,
            "Save trained network...",
            "Save this network as trained, with its input scaling, as a network file: mlp-notebook trace and the window then predict as this cell does",
        );
        ui.separator();
        speed_ui(ui, cell, send);
    });
    status_ui(ui, cell);
    save_trained
}

/// The fastest the speed slider names in steps per second; its top end means "as fast as the
/// frame budget allows".
const FASTEST: f64 = 1000.0;

/// Room for the speed label, slider and value.
const SPEED_WIDTH: f32 = 260.0;

/// The speed of playing: steps per second from slow motion (half a step a second) to as fast
/// as possible (the slider's top end).
fn speed_ui(ui: &mut Ui, cell: &TrainCell, send: &mut dyn FnMut(TrainAction)) {
    // The slider and its value are one unit that the wrapping row cannot break: start a new
    // row when they do not fit (else they stick out of the cell and widen the page).
    if ui.available_size_before_wrap().x < SPEED_WIDTH {
        ui.end_row();
    }
    let label = ui.label("Speed");
    let mut v = cell.speed.unwrap_or(FASTEST).min(FASTEST);
    let r = ui
        .add(
            egui::Slider::new(&mut v, 0.5..=FASTEST)
                .logarithmic(true)
                .custom_formatter(|v, _| {
                    if v >= FASTEST {
                        "fastest".into()
                    } else {
                        format!("{} steps/s", NumberFormat::Trimmed(2).fmt(v))
                    }
                }),
        )
        .labelled_by(label.id)
        .on_hover_text("Steps per second while playing: slow motion to watch each step, or as fast as possible");
    if r.changed() {
        send(TrainAction::Speed((v < FASTEST).then_some(v)));
    }
}

/// The status line: one line of fixed height whatever it says (a part that does not fit is
/// cut with an ellipsis, and whole on hover), so the controls below it never move while
/// training plays. Numbers beyond a readable range are in scientific notation.
fn status_ui(ui: &mut Ui, cell: &TrainCell) {
    let epochs = cell.trainer.as_ref().map_or(cell.setup.epochs, |t| t.config().epochs);
    let mut parts = vec![RichText::new(format!("Epoch {} of {epochs}", cell.history().len())).strong()];
    if let Some(t) = &cell.trainer {
        parts.push(format!("step {} ({} per epoch)", t.steps_done(), t.steps_per_epoch()).into());
    }
    if let (Some(t), Some(_)) = (&cell.trainer, cell.until_epoch) {
        parts.push(format!("epoch {:.0}% done", 100.0 * t.epoch_progress()).into());
    }
    // A step of a large network goes on over several frames: what it is doing, how far (the
    // speed in steps a second means nothing then).
    let progress = cell.trainer.as_ref().and_then(|t| t.step_progress());
    if let Some((what, done)) = progress {
        parts.push(format!("this step: {what}, {:.0}%", 100.0 * done).into());
    }
    if cell.running && progress.is_none() {
        parts.push(format!("{:.0} steps/s", cell.steps_per_second).into());
        if let Some(left) = cell.time_left() {
            parts.push(human_seconds(left).into());
        }
    }
    let num = |v: f64| NumberFormat::PLOT.fmt(v);
    if let Some(r) = cell.history().last() {
        parts.push(format!("loss {}", num(r.loss)).into());
        if let Some(v) = r.val_loss {
            parts.push(format!("validation loss {}", num(v)).into());
        }
        if let Some(a) = r.accuracy {
            parts.push(format!("accuracy {:.1}%", 100.0 * a).into());
        }
        if let Some(a) = r.val_accuracy {
            parts.push(format!("validation accuracy {:.1}%", 100.0 * a).into());
        }
    }
    let height = ui.spacing().interact_size.y;
    let size = egui::vec2(ui.available_width(), height);
    ui.allocate_ui_with_layout(size, egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_height(height);
        // A cut label shows its whole text on hover (egui does that for truncated labels).
        for p in parts {
            ui.add(egui::Label::new(p).truncate());
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
