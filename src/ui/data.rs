//! The data table: every sample's inputs and targets, editable, with the shown sample chosen
//! by a radio button. Cross-entropy targets are chosen as a class (the one-hot row follows).

use super::CellCtx;
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
pub fn data_ui(ui: &mut Ui, cx: &mut CellCtx<'_>) {
    let CellCtx {
        ci,
        cell,
        view,
        ref mut out,
        ..
    } = *cx;
    let b = cell.doc.batch();
    // Wrapped: on a narrow page the sentence goes on the next line rather than widening it.
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Data").strong());
        ui.weak(format!(
            "{b} sample(s); rows are samples. The diagram and stepper show the selected sample."
        ));
    });
    egui::Grid::new(("data", ci)).spacing([3.0, 2.0]).show(ui, |ui| {
        header_row_ui(ui, cell);
        for s in 0..b.min(MAX_ROWS) {
            sample_row_ui(ui, ci, cell, s, view, out);
        }
    });
    if b > MAX_ROWS {
        ui.weak(format!("(first {MAX_ROWS} of {b} samples)"));
    }
    shape_buttons_ui(ui, ci, cell, out);
}

/// Asks for `edit` on network cell `ci`.
fn edit(out: &mut Vec<Command>, ci: usize, edit: Edit) {
    out.push(Command::Net {
        cell: ci,
        cmd: NetCommand::Edit(edit),
    })
}

/// The column names: `x[i]`, then `y[j]` (or one class column for cross-entropy).
fn header_row_ui(ui: &mut Ui, cell: &NetCell) {
    let (ins, outs) = (cell.doc.x.nrows(), cell.doc.y.nrows());
    ui.label("");
    for i in 0..ins.min(MAX_COLS) {
        ui.label(RichText::new(format!("x[{}]", i + 1)).monospace());
    }
    ui.label("  ");
    if cell.doc.loss.kind == LossKind::CrossEntropy {
        ui.label("class (one-hot y)");
    } else {
        for j in 0..outs.min(MAX_COLS) {
            ui.label(RichText::new(format!("y[{}]", j + 1)).monospace());
        }
    }
    ui.end_row();
}

/// Sample `s`: the radio button that shows it, its inputs and its targets.
fn sample_row_ui(ui: &mut Ui, ci: usize, cell: &NetCell, s: usize, view: &ViewSettings, out: &mut Vec<Command>) {
    let fmt = view.number_format;
    let (ins, outs) = (cell.doc.x.nrows(), cell.doc.y.nrows());
    let kind = cell.doc.loss.kind;
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
                ci,
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
                        edit(out, ci, Edit::TargetClass { sample: s, class: c });
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
                    ci,
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

/// The buttons that add or remove samples, inputs and a hidden layer.
fn shape_buttons_ui(ui: &mut Ui, ci: usize, cell: &NetCell, out: &mut Vec<Command>) {
    let b = cell.doc.batch();
    let ins = cell.doc.x.nrows();
    ui.horizontal_wrapped(|ui| {
        if action_button(ui, true, "Add sample", "Append a copy of the selected sample") {
            edit(out, ci, Edit::AddSample { from: cell.sample });
        }
        if action_button(ui, b > 1, "Remove sample", "Remove the selected sample") {
            edit(out, ci, Edit::RemoveSample { sample: cell.sample });
        }
        if action_button(ui, true, "Add input", "Add an input (zero weights from it)") {
            edit(out, ci, Edit::AddInput);
        }
        if action_button(ui, ins > 1, "Remove input", "Remove the last input") {
            edit(out, ci, Edit::RemoveInput { index: ins - 1 });
        }
        let hint = "Insert a layer of 4 ReLU units just before the output layer";
        if action_button(ui, true, "Add hidden layer", hint) {
            edit(
                out,
                ci,
                Edit::InsertLayer {
                    index: cell.doc.net.len() - 1,
                },
            );
        }
    });
}
