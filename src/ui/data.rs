//! The data table: every sample's inputs and targets, editable, with the shown sample chosen
//! by a radio button. Cross-entropy targets are chosen as a class (the one-hot row follows).

use super::theme;
use crate::app::{Command, Edit, NetCell, ViewSettings};
use crate::nn::LossKind;
use egui::{RichText, Ui};

/// The data table: every sample's inputs and targets, editable, with the shown sample marked.
pub fn data_ui(ui: &mut Ui, ci: usize, cell: &NetCell, view: &ViewSettings, out: &mut Vec<Command>) {
    let fmt = view.number_format;
    let b = cell.doc.batch();
    let (ins, outs) = (cell.doc.x.nrows(), cell.doc.y.nrows());
    let ce = cell.doc.loss.kind == LossKind::CrossEntropy;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Data").strong());
        ui.weak(format!(
            "{b} sample(s); rows are samples. The diagram and stepper show the selected sample."
        ));
    });
    egui::Grid::new(("data", ci)).spacing([3.0, 2.0]).show(ui, |ui| {
        ui.label("");
        for i in 0..ins.min(32) {
            ui.label(RichText::new(format!("x[{}]", i + 1)).monospace());
        }
        ui.label("  ");
        if ce {
            ui.label("class (one-hot y)");
        } else {
            for j in 0..outs.min(32) {
                ui.label(RichText::new(format!("y[{}]", j + 1)).monospace());
            }
        }
        ui.end_row();
        for s in 0..b.min(64) {
            if ui.radio(s == cell.sample, format!("sample {}", s + 1)).clicked() {
                out.push(Command::SetSample { cell: ci, sample: s });
            }
            for i in 0..ins.min(32) {
                let v = cell.doc.x[(i, s)];
                let mut local = v;
                let name = format!("x[{},{}]", s + 1, i + 1);
                let r = ui
                    .add_sized(
                        [theme::CELL_WIDTH, 20.0],
                        egui::DragValue::new(&mut local)
                            .speed(0.05)
                            .custom_formatter(move |x, _| fmt.fmt(x)),
                    )
                    .accessible_name(&name)
                    .on_hover_text(format!("input {} of sample {}", i + 1, s + 1));
                if r.changed() && local != v && local.is_finite() {
                    out.push(Command::Edit {
                        cell: ci,
                        edit: Edit::Input {
                            sample: s,
                            index: i,
                            value: local,
                        },
                    });
                }
            }
            ui.label("");
            if ce {
                let cur = cell.doc.y.column(s).argmax().0;
                let label = format!("class of sample {}", s + 1);
                egui::ComboBox::from_id_salt(("class", ci, s))
                    .selected_text(format!("{}", cur + 1))
                    .show_ui(ui, |ui| {
                        for c in 0..outs {
                            if ui.selectable_label(c == cur, format!("{}", c + 1)).clicked() && c != cur {
                                out.push(Command::Edit {
                                    cell: ci,
                                    edit: Edit::TargetClass { sample: s, class: c },
                                });
                            }
                        }
                    })
                    .response
                    .accessible_name(label);
            } else {
                for j in 0..outs.min(32) {
                    let v = cell.doc.y[(j, s)];
                    let mut local = v;
                    let name = format!("y[{},{}]", s + 1, j + 1);
                    let mut dv = egui::DragValue::new(&mut local)
                        .speed(0.05)
                        .custom_formatter(move |x, _| fmt.fmt(x));
                    if cell.doc.loss.kind == LossKind::Bce {
                        dv = dv.range(0.0..=1.0);
                    }
                    let r = ui
                        .add_sized([theme::CELL_WIDTH, 20.0], dv)
                        .accessible_name(&name)
                        .on_hover_text(format!("target {} of sample {}", j + 1, s + 1));
                    if r.changed() && local != v && local.is_finite() {
                        out.push(Command::Edit {
                            cell: ci,
                            edit: Edit::Target {
                                sample: s,
                                index: j,
                                value: local,
                            },
                        });
                    }
                }
            }
            ui.end_row();
        }
    });
    ui.horizontal(|ui| {
        if ui
            .button("Add sample")
            .on_hover_text("Append a copy of the selected sample")
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::AddSample { from: cell.sample },
            });
        }
        if ui
            .add_enabled(b > 1, egui::Button::new("Remove sample"))
            .on_hover_text("Remove the selected sample")
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::RemoveSample { sample: cell.sample },
            });
        }
        if ui
            .button("Add input")
            .on_hover_text("Add an input (zero weights from it)")
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::AddInput,
            });
        }
        if ui
            .add_enabled(ins > 1, egui::Button::new("Remove input"))
            .on_hover_text("Remove the last input")
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::RemoveInput { index: ins - 1 },
            });
        }
        if ui
            .button("Add hidden layer")
            .on_hover_text("Insert a layer of 4 ReLU units just before the output layer")
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::InsertLayer {
                    index: cell.doc.net.len() - 1,
                },
            });
        }
    });
}
