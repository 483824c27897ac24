//! The matrix view of the selected layer: the network sheet's blocks and equations
//! ([`crate::lesson::sheet`]), the same ones a printed worksheet lays out, in either the PyTorch
//! convention (`z = W a_prev + b`, W is `units x in`, the shown sample's vectors are columns) or
//! the Keras/NumPy one (`Z = A_prev W + b`, W is `in x units`, every sample a row, the shown
//! one in bold). Weights and biases the lesson does not lock are editable here.

use super::CellCtx;
use super::action_button;
use super::blocks::{EditFn, Item, flow_ui};
use crate::app::{Command, Convention, Edit, NetCommand, Selection};
use crate::lesson::Lock;
use crate::lesson::sheet::{Item as SheetItem, Pass, Samples, Sheet};
use crate::nn::Activation;
use crate::nn::data::Scaling;
use crate::nn::steps::Quantity;
use egui::{RichText, Ui};

/// The selected layer's header (layer choice, activation, structure buttons) and its blocks.
pub fn matrix_ui(ui: &mut Ui, cx: &mut CellCtx<'_>) {
    let CellCtx {
        ci, cell, ref mut out, ..
    } = *cx;
    let n = cell.doc.net.len();
    let l = cell.selected_layer.min(n - 1);
    let k = l + 1;
    let layer = &cell.doc.net.layers()[l];
    ui.horizontal_wrapped(|ui| {
        ui.label("Layer:");
        for i in 0..n {
            if ui
                .selectable_label(i == l, format!("{}", i + 1))
                .accessible_name(format!("Layer {}", i + 1))
                .on_hover_text(format!("Show layer {} in the matrix view", i + 1))
                .clicked()
            {
                out.push(Command::Net {
                    cell: ci,
                    cmd: NetCommand::SelectLayer(i),
                });
            }
        }
        ui.separator();
        let label = super::glossary::explain(ui.label(format!("Activation of layer {k}:")), layer.activation.name());
        egui::ComboBox::from_id_salt(("act", ci))
            .selected_text(layer.activation.name())
            .show_ui(ui, |ui| {
                for a in Activation::ALL {
                    if a == Activation::Softmax && k != n {
                        continue;
                    }
                    let r = ui.selectable_label(a == layer.activation, a.name());
                    if super::glossary::explain(r, a.name()).clicked() && a != layer.activation {
                        out.push(Command::Net {
                            cell: ci,
                            cmd: NetCommand::Edit(Edit::Activation {
                                layer: l,
                                activation: a,
                            }),
                        });
                    }
                }
            })
            .response
            .labelled_by(label.id);
        ui.separator();
        let edit = |out: &mut Vec<Command>, edit: Edit| {
            out.push(Command::Net {
                cell: ci,
                cmd: NetCommand::Edit(edit),
            })
        };
        if action_button(
            ui,
            true,
            "Add unit",
            &format!("Add a unit to layer {k} (zero weights in and out)"),
        ) {
            edit(out, Edit::AddUnit { layer: l });
        }
        let units = layer.units();
        if action_button(
            ui,
            units > 1,
            "Remove unit",
            &format!("Remove the last unit of layer {k}"),
        ) {
            edit(
                out,
                Edit::RemoveUnit {
                    layer: l,
                    unit: units - 1,
                },
            );
        }
        let hint = format!("Insert a layer of 4 ReLU units before layer {k}");
        if action_button(ui, true, "Insert layer before", &hint) {
            edit(out, Edit::InsertLayer { index: l });
        }
        let hint = "Remove this hidden layer (the next layer's weights from it are reset to zeros)";
        if action_button(ui, k < n, "Remove layer", hint) {
            edit(out, Edit::RemoveLayer { index: l });
        }
    });
    ui.weak(format!(
        "{}    {}",
        layer.activation.formula().0,
        layer.activation.formula().1
    ));
    ui.add_space(4.0);
    if l == 0 {
        scaling_step(ui, cx);
    }
    layer_blocks(ui, cx, l);
}

/// The input scaling a saved network carries, as the step before layer 1: for the shown sample,
/// each input's raw x, the fitted offset and scale, and the a0 layer 1 takes. Read-only: it is
/// what the network was trained with.
fn scaling_step(ui: &mut Ui, cx: &CellCtx<'_>) {
    let cell = cx.cell;
    let Some(s) = &cell.doc.scaling else { return };
    let (offset, scale, formula) = match s.scaling {
        Scaling::MinMax => ("min", "range", "a0 = (x - min) / range"),
        _ => ("mean", "std", "a0 = (x - mean) / std"),
    };
    let sample = cell.sample.min(cell.doc.batch().saturating_sub(1));
    let raw = cell.doc.x.column(sample).clone_owned();
    let mut scaled = crate::nn::Matrix::from_column_slice(raw.len(), 1, raw.as_slice());
    if s.apply_matrix(&mut scaled).is_err() {
        return;
    }
    ui.label(
        RichText::new(format!(
            "Input scaling ({}, fitted on the training rows), before layer 1:  {formula}",
            s.scaling.name()
        ))
        .italics(),
    );
    let fmt = cx.view.number_format;
    egui::Grid::new(("scaling step", cx.ci))
        .striped(true)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            for h in ["input", "x", offset, scale, "a0"] {
                ui.strong(h);
            }
            ui.end_row();
            for i in 0..raw.len() {
                ui.label(format!("{}", i + 1));
                for v in [raw[i], s.offset[i], s.scale[i], scaled[(i, 0)]] {
                    ui.monospace(fmt.fmt(v));
                }
                ui.end_row();
            }
        });
    ui.add_space(6.0);
}

/// What the window lays out: the shown sample, as a column; in the Keras convention every
/// sample as a row with the shown one marked (the `B x units` matrices NumPy holds), whatever the
/// batch size.
fn window_sheet(convention: Convention, sample: usize) -> Sheet {
    let samples = match convention {
        Convention::Torch => Samples::One,
        Convention::Keras => Samples::All,
    };
    Sheet {
        convention,
        sample,
        samples,
    }
}

/// The forward blocks (`W a_prev + b = z`, then `a`) and the backward blocks of layer `l`.
fn layer_blocks(ui: &mut Ui, cx: &mut CellCtx<'_>, l: usize) {
    let (cell, fmt, convention) = (cx.cell, cx.view.number_format, cx.view.convention);
    let k = l + 1;
    let sheet = window_sheet(convention, cell.sample);
    let pass = Pass {
        net: &cell.doc.net,
        fwd: &cell.fwd,
        grads: &cell.grads,
    };
    let keras = if sheet.keras() { " (Keras/NumPy)" } else { "" };
    let heading = format!("Forward, {}{keras}:", sheet.samples_text(cell.doc.batch()));
    equations_ui(ui, &heading, &sheet.forward_equations(&cell.doc.net, l));
    // What is selected in the diagram, as (unit, input) of this layer's weights, the unit of
    // this layer, or the unit of the layer below.
    let (w_sel, unit_sel, prev_sel) = match cell.selection {
        Some(Selection::Edge { layer, from, to }) if layer == l => (Some((to, from)), Some((to, 0)), Some((from, 0))),
        Some(Selection::Node { column, unit }) if column == k => (None, Some((unit, 0)), None),
        Some(Selection::Node { column, unit }) if column == l => (None, None, Some((unit, 0))),
        _ => (None, None, None),
    };
    let prev_q = if l == 0 { Quantity::X } else { Quantity::A(l - 1) };
    let scaled = l == 0 && cell.doc.scaling.is_some();
    let mut items: Vec<Item<'_>> = sheet
        .forward(pass, l)
        .into_iter()
        .map(|it| {
            // With an input scaling, layer 1 takes the scaled inputs a0, not x.
            let it = match it {
                SheetItem::B(mut b) if scaled && b.quantity == Some(Quantity::X) => {
                    b.name = "a0".into();
                    SheetItem::B(b.copied("x scaled, from the step above"))
                }
                other => other,
            };
            let it = Item::from(it);
            let q = it.quantity();
            let selected = match q {
                Some(q) if q == prev_q => prev_sel,
                Some(Quantity::W(_)) => w_sel,
                Some(_) => unit_sel,
                None => None,
            };
            // A value the lesson locks is shown read-only.
            let edit = match q {
                Some(Quantity::W(_)) if !cell.locked(Lock::Weights) => Some(weight_edit(l)),
                Some(Quantity::B(_)) if !cell.locked(Lock::Biases) => Some(bias_edit(l)),
                _ => None,
            };
            it.select(selected, cell.sample).editable(edit)
        })
        .collect();
    let taught = cell.options.taught;
    if k == cell.doc.net.len() && taught.loss() {
        let y = sheet.per_sample("y", &cell.doc.y, Quantity::Y);
        items.extend([Item::Op("vs".into()), Item::from(y)]);
    }
    flow_ui(ui, cx, items, fmt);
    // Backpropagation only once the lesson has taught it.
    if !taught.backward() {
        return;
    }
    ui.add_space(6.0);
    equations_ui(ui, "Backward:", &sheet.backward_equations(l, true));
    let items = sheet.backward(pass, l, true).into_iter().map(Item::from).collect();
    flow_ui(ui, cx, items, fmt);
}

/// A heading and its equations, each equation whole: a narrow page breaks the line between two
/// equations, never inside one.
fn equations_ui(ui: &mut Ui, heading: &str, equations: &[String]) {
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Label::new(RichText::new(heading).italics()).extend());
        let last = equations.len().saturating_sub(1);
        for (i, e) in equations.iter().enumerate() {
            let text = if i < last { format!("{e},") } else { e.clone() };
            ui.add(egui::Label::new(RichText::new(text).italics()).extend());
        }
    });
}

/// Editing W(l+1)'s element, by the engine's (unit, input).
fn weight_edit(l: usize) -> EditFn<'static> {
    Box::new(move |row, col, value| Edit::Weight {
        layer: l,
        row,
        col,
        value,
    })
}

/// Editing b(l+1)'s element, by the engine's unit.
fn bias_edit(l: usize) -> EditFn<'static> {
    Box::new(move |unit, _, value| Edit::Bias { layer: l, unit, value })
}
