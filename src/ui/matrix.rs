//! The matrix view of the selected layer, laid out as on a by-hand worksheet, in either the
//! PyTorch convention (`z = W a_prev + b`, W is `units x in`, vectors are columns) or the
//! Keras/NumPy one (`Z = A_prev W + b`, W is `in x units`, rows are samples).

use super::action_button;
use super::blocks::{Item, Layout, flow_ui};
use crate::app::{Command, Convention, Edit, NetCell, NetCommand, Selection, ViewSettings};
use crate::lesson::Lock;
use crate::nn::Activation;
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::Quantity;
use egui::{RichText, Ui};

/// The selected layer's header (layer choice, activation, structure buttons) and its blocks.
pub fn matrix_ui(ui: &mut Ui, ci: usize, cell: &NetCell, view: &ViewSettings, out: &mut Vec<Command>) {
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
        let label = ui.label(format!("Activation of layer {k}:"));
        egui::ComboBox::from_id_salt(("act", ci))
            .selected_text(layer.activation.name())
            .show_ui(ui, |ui| {
                for a in Activation::ALL {
                    if a == Activation::Softmax && k != n {
                        continue;
                    }
                    if ui.selectable_label(a == layer.activation, a.name()).clicked() && a != layer.activation {
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
    layer_blocks(
        ui,
        ci,
        cell,
        l,
        view.number_format,
        view.convention == Convention::Keras,
        out,
    );
}

fn prev_name(l: usize) -> String {
    if l == 0 { "x".into() } else { format!("a{l}") }
}

/// The forward blocks (`W a_prev + b = z`, then `a`) and the backward blocks of layer `l`.
fn layer_blocks(
    ui: &mut Ui,
    ci: usize,
    cell: &NetCell,
    l: usize,
    fmt: NumberFormat,
    keras: bool,
    out: &mut Vec<Command>,
) {
    let k = l + 1;
    let layer = &cell.doc.net.layers()[l];
    let (lt, g) = (&cell.fwd.layers[l], &cell.grads.layers[l]);
    let lay = Layout {
        keras,
        sample: cell.sample,
        batch: cell.doc.batch(),
    };
    let act = layer.activation.name();
    let pn = prev_name(l);
    let prev_q = if l == 0 { Quantity::X } else { Quantity::A(l - 1) };
    let heading = if keras {
        let pk = pn.to_ascii_uppercase();
        format!(
            "Forward, all {} samples as rows (Keras/NumPy):  Z{k} = {pk} W{k} + b{k},  A{k} = {act}(Z{k})",
            lay.batch
        )
    } else {
        format!(
            "Forward, sample {}:  z{k} = W{k} {pn} + b{k},  a{k} = {act}(z{k})",
            cell.sample + 1
        )
    };
    ui.label(RichText::new(heading).italics());
    let w = lay.params(
        &format!("W{k}"),
        &layer.weights,
        Quantity::W(l),
        // A value the lesson locks is shown read-only.
        (!cell.locked(Lock::Weights)).then(|| -> Box<dyn Fn(usize, usize, f64) -> Edit> {
            Box::new(move |row, col, value| Edit::Weight {
                layer: l,
                row,
                col,
                value,
            })
        }),
    );
    // What is selected in the diagram, as (unit, input) of this layer's weights, the unit of
    // this layer, or the unit of the layer below.
    let (w_sel, unit_sel, prev_sel) = match cell.selection {
        Some(Selection::Edge { layer, from, to }) if layer == l => (Some((to, from)), Some((to, 0)), Some((from, 0))),
        Some(Selection::Node { column, unit }) if column == k => (None, Some((unit, 0)), None),
        Some(Selection::Node { column, unit }) if column == l => (None, None, Some((unit, 0))),
        _ => (None, None, None),
    };
    let w = w.select(w_sel, lay);
    let a_prev = lay.per_sample(&pn, cell.fwd.input_of(l), prev_q).select(prev_sel, lay);
    let mut items = if keras {
        vec![a_prev, op("·"), w]
    } else {
        vec![w, op("·"), a_prev]
    };
    items.extend([
        op("+"),
        lay.units_vector(
            &format!("b{k}"),
            &layer.bias,
            Quantity::B(l),
            (!cell.locked(Lock::Biases)).then(|| -> Box<dyn Fn(usize, f64) -> Edit> {
                Box::new(move |unit, value| Edit::Bias { layer: l, unit, value })
            }),
        )
        .select(unit_sel, lay),
        op("="),
        lay.per_sample(&format!("z{k}"), &lt.z, Quantity::Z(l))
            .select(unit_sel, lay),
        op(&format!("{act}(z) =")),
        lay.per_sample(&format!("a{k}"), &lt.a, Quantity::A(l))
            .select(unit_sel, lay),
    ]);
    if k == cell.doc.net.len() {
        items.extend([op("vs"), lay.per_sample("y", &cell.doc.y, Quantity::Y)]);
    }
    flow_ui(ui, ci, cell, items, fmt, out);
    ui.add_space(6.0);
    let heading = if keras {
        let pk = pn.to_ascii_uppercase();
        format!(
            "Backward:  dL/dW{k} = {pk}^T δ{k} (in x units),  dL/db{k} = column sums of δ{k},  dL/d{pk} = δ{k} W{k}^T"
        )
    } else {
        format!(
            "Backward:  δ{k} = dL/da{k} * f'(z{k}),  dL/dW{k} = δ{k} {pn}^T,  dL/db{k} = δ{k},  dL/d{pn} = W{k}^T δ{k}"
        )
    };
    ui.label(RichText::new(heading).italics());
    let (prev_grad, prev_grad_q) = if l == 0 {
        (&cell.grads.input, Quantity::GradX)
    } else {
        (&cell.grads.layers[l - 1].da, Quantity::Da(l - 1))
    };
    let items = vec![
        lay.per_sample(&format!("dL/da{k}"), &g.da, Quantity::Da(l)),
        lay.per_sample(&format!("δ{k}"), &g.delta, Quantity::Delta(l)),
        lay.params(&format!("dL/dW{k}"), &g.weights, Quantity::GradW(l), None),
        lay.units_vector(&format!("dL/db{k}"), &g.bias, Quantity::GradB(l), None),
        lay.per_sample(&format!("dL/d{pn}"), prev_grad, prev_grad_q),
    ];
    flow_ui(ui, ci, cell, items, fmt, out);
}

fn op(s: &str) -> Item<'static> {
    Item::Op(s.to_string())
}
