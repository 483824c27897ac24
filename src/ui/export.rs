//! The File > Export as... dialog: which cell, which script, how many steps; Export asks where
//! to write it.

use crate::app::export::{ExportCommand, ExportDialog, MAX_STEPS};
use crate::app::{AppState, CellState, Command};
use crate::bridge::ScriptKind;

/// The dialog, drawn while it is open.
pub fn export_dialog_ui(ctx: &egui::Context, state: &AppState, d: &ExportDialog, out: &mut Vec<Command>) {
    let send = |out: &mut Vec<Command>, c| out.push(Command::Export(c));
    let mut open = true;
    egui::Window::new("Export as")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.set_max_width(420.0);
            ui.label("Write a cell as a Python script that runs outside the app and gives the same numbers.");
            ui.add_space(6.0);
            let cells = state.exportable_cells();
            let current = cells
                .iter()
                .find(|c| c.0 == d.cell)
                .map_or_else(|| format!("Cell {}", d.cell + 1), |c| c.1.clone());
            egui::ComboBox::from_label("Cell")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for (i, label) in &cells {
                        if ui.selectable_label(*i == d.cell, label).clicked() {
                            send(out, ExportCommand::SetCell(*i));
                        }
                    }
                });
            ui.add_space(4.0);
            ui.label("Script");
            for kind in ScriptKind::ALL {
                if ui.radio(d.kind == kind, kind.label()).clicked() {
                    send(out, ExportCommand::SetKind(kind));
                }
            }
            ui.add_space(4.0);
            let network = matches!(state.doc.cells.get(d.cell), Some(CellState::Network(_)));
            if network {
                ui.horizontal(|ui| {
                    let label = ui.label("Optimizer steps");
                    let mut steps = d.steps;
                    let r = ui
                        .add(egui::DragValue::new(&mut steps).range(0..=MAX_STEPS))
                        .labelled_by(label.id);
                    if r.changed() {
                        send(out, ExportCommand::SetSteps(steps));
                    }
                });
                ui.weak(if d.steps == 0 {
                    "0: the script makes one forward and backward pass and prints every z, a, delta and gradient \
                     (as mlp-notebook trace --json does)."
                } else {
                    "The script runs this many full-batch steps of the cell's optimizer and prints the losses and \
                     the trained weights (as mlp-notebook train --steps N --json does)."
                });
            } else {
                ui.weak(
                    "The script trains on the cell's data, split and scaled as here, for the cell's epochs and \
                     batch size; only the shuffle order differs (the script says so).",
                );
            }
            if d.kind == ScriptKind::Keras {
                ui.weak("Where Keras computes differently from PyTorch (Adam's epsilon, for one), the script says so.");
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if ui.button("Export...").clicked() {
                    send(out, ExportCommand::Write);
                }
                if ui.button("Cancel").clicked() {
                    send(out, ExportCommand::Close);
                }
            });
        });
    if !open {
        send(out, ExportCommand::Close);
    }
}
