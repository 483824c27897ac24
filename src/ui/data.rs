//! The data table: every sample's inputs and targets, editable, with the shown sample chosen
//! by a radio button. Cross-entropy targets are chosen as a class (the one-hot row follows).

use super::action_button;
use super::blocks::number_ui;
use crate::app::{Command, Edit, NetCell, NetCommand, ViewSettings};
use crate::lesson::Lock;
use crate::nn::LossKind;
use egui::{RichText, Ui};

/// At most this many samples and columns are listed.
const MAX_ROWS: usize = 64;
const MAX_COLS: usize = 32;

/// The data table and the buttons that change the data's shape.
pub fn data_ui(ui: &mut Ui, ci: usize, cell: &NetCell, view: &ViewSettings, out: &mut Vec<Command>) {
    let fmt = view.number_format;
    let b = cell.doc.batch();
    let (ins, outs) = (cell.doc.x.nrows(), cell.doc.y.nrows());
    let kind = cell.doc.loss.kind;
    let edit = |out: &mut Vec<Command>, edit: Edit| {
        out.push(Command::Net {
            cell: ci,
            cmd: NetCommand::Edit(edit),
        })
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new("Data").strong());
        ui.weak(format!(
            "{b} sample(s); rows are samples. The diagram and stepper show the selected sample."
        ));
    });
    egui::Grid::new(("data", ci)).spacing([3.0, 2.0]).show(ui, |ui| {
        ui.label("");
        for i in 0..ins.min(MAX_COLS) {
            ui.label(RichText::new(format!("x[{}]", i + 1)).monospace());
        }
        ui.label("  ");
        if kind == LossKind::CrossEntropy {
            ui.label("class (one-hot y)");
        } else {
            for j in 0..outs.min(MAX_COLS) {
                ui.label(RichText::new(format!("y[{}]", j + 1)).monospace());
            }
        }
        ui.end_row();
        for s in 0..b.min(MAX_ROWS) {
            if ui.radio(s == cell.sample, format!("sample {}", s + 1)).clicked() {
                out.push(Command::Net {
                    cell: ci,
                    cmd: NetCommand::SetSample(s),
                });
            }
            for i in 0..ins.min(MAX_COLS) {
                let name = format!("x[{},{}]", s + 1, i + 1);
                let hint = format!("input {} of sample {}", i + 1, s + 1);
                // A value the lesson locks is shown greyed out and cannot be changed.
                let (changed, _) = ui
                    .add_enabled_ui(!cell.locked(Lock::Inputs), |ui| {
                        number_ui(ui, cell.doc.x[(i, s)], &name, &hint, fmt, None)
                    })
                    .inner;
                if let Some(value) = changed {
                    edit(
                        out,
                        Edit::Input {
                            sample: s,
                            index: i,
                            value,
                        },
                    );
                }
            }
            ui.label("");
            if kind == LossKind::CrossEntropy {
                let cur = cell.doc.y.column(s).argmax().0;
                egui::ComboBox::from_id_salt(("class", ci, s))
                    .selected_text(format!("{}", cur + 1))
                    .show_ui(ui, |ui| {
                        for c in 0..outs {
                            if ui.selectable_label(c == cur, format!("{}", c + 1)).clicked() && c != cur {
                                edit(out, Edit::TargetClass { sample: s, class: c });
                            }
                        }
                    })
                    .response
                    .accessible_name(format!("class of sample {}", s + 1));
            } else {
                // bce targets are probabilities.
                let range = (kind == LossKind::Bce).then_some(0.0..=1.0);
                for j in 0..outs.min(MAX_COLS) {
                    let name = format!("y[{},{}]", s + 1, j + 1);
                    let hint = format!("target {} of sample {}", j + 1, s + 1);
                    let (changed, _) = ui
                        .add_enabled_ui(!cell.locked(Lock::Targets), |ui| {
                            number_ui(ui, cell.doc.y[(j, s)], &name, &hint, fmt, range.clone())
                        })
                        .inner;
                    if let Some(value) = changed {
                        edit(
                            out,
                            Edit::Target {
                                sample: s,
                                index: j,
                                value,
                            },
                        );
                    }
                }
            }
            ui.end_row();
        }
    });
    if b > MAX_ROWS {
        ui.weak(format!("(first {MAX_ROWS} of {b} samples)"));
    }
    ui.horizontal(|ui| {
        if action_button(ui, true, "Add sample", "Append a copy of the selected sample") {
            edit(out, Edit::AddSample { from: cell.sample });
        }
        if action_button(ui, b > 1, "Remove sample", "Remove the selected sample") {
            edit(out, Edit::RemoveSample { sample: cell.sample });
        }
        if action_button(ui, true, "Add input", "Add an input (zero weights from it)") {
            edit(out, Edit::AddInput);
        }
        if action_button(ui, ins > 1, "Remove input", "Remove the last input") {
            edit(out, Edit::RemoveInput { index: ins - 1 });
        }
        let hint = "Insert a layer of 4 ReLU units just before the output layer";
        if action_button(ui, true, "Add hidden layer", hint) {
            edit(
                out,
                Edit::InsertLayer {
                    index: cell.doc.net.len() - 1,
                },
            );
        }
    });
}
