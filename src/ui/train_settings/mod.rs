//! The training lab's settings column: data, network, optimizer and training. The controls
//! edit a draft of the setup; when the draft differs at the end of the frame the whole new
//! setup is sent once, and the state decides what applies live.
//!
//! One file per group: `data.rs`, `network.rs`, `optimizer.rs` (with the schedule) and
//! `training.rs`; the labelled controls they share are here.

mod data;
mod network;
mod optimizer;
mod training;

use crate::app::Command;
use crate::app::training::TrainCell;
use crate::lesson::training::TrainingSetup;
use data::data_settings_ui;
use egui::Ui;
use network::network_settings_ui;
use optimizer::optimizer_settings_ui;
use training::training_settings_ui;

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
        let l = super::glossary::label(ui, label);
        egui::ComboBox::from_id_salt(id)
            .width(170.0)
            .truncate()
            .selected_text(name(current))
            .show_ui(ui, |ui| {
                for &o in options {
                    let r = ui.selectable_label(o == current, name(o));
                    if super::glossary::explain(r, &name(o)).clicked() && o != current {
                        chosen = Some(o);
                    }
                }
            })
            .response
            .labelled_by(l.id);
    });
    chosen
}

/// A labelled number edited in place (drag or type); returns whether it changed. The range
/// bounds what dragging and typing reach; a value the file gave outside it is shown as it is and
/// never changed by drawing (drawing must not change the document).
fn number<T: egui::emath::Numeric>(
    ui: &mut Ui,
    label: &str,
    value: &mut T,
    range: std::ops::RangeInclusive<T>,
    speed: f64,
    hint: &str,
) -> bool {
    ui.horizontal(|ui| {
        let l = super::glossary::label(ui, label);
        ui.add(
            egui::DragValue::new(value)
                .range(range)
                .clamp_existing_to_range(false)
                .speed(speed),
        )
        .labelled_by(l.id)
        .on_hover_text(hint)
        .changed()
    })
    .inner
}

/// A learning-rate style number edited in place: drag speed relative to the value, shown
/// with 4 significant digits; a value outside the range is kept, as in [`number`].
fn rate(ui: &mut Ui, label: &str, value: &mut f64, range: std::ops::RangeInclusive<f64>, hint: &str) -> bool {
    let speed = value.abs().max(1e-6) * 0.01;
    ui.horizontal(|ui| {
        let l = super::glossary::label(ui, label);
        ui.add(
            egui::DragValue::new(value)
                .range(range)
                .clamp_existing_to_range(false)
                .speed(speed)
                .custom_formatter(|v, _| crate::nn::numfmt::NumberFormat::PLOT.fmt(v))
                .custom_parser(|t| t.trim().parse::<f64>().ok()),
        )
        .labelled_by(l.id)
        .on_hover_text(hint)
        .changed()
    })
    .inner
}
