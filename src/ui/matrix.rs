//! The matrix view of the selected layer, laid out as on a by-hand worksheet, in either the
//! PyTorch convention (`z = W a_prev + b`, W is `units x in`, vectors are columns) or the
//! Keras/NumPy one (`Z = A_prev W + b`, W is `in x units`, rows are samples).
//! Also the data table (x and y for every sample).

use super::theme;
use super::visibility::{Mark, mark, visible};
use crate::app::{Command, Convention, Edit, NetCell, ViewSettings};
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::Quantity;
use crate::nn::{Activation, LossKind, Matrix};
use egui::{RichText, Ui};

/// One block of numbers: a title with its shape, and a grid.
struct Block<'a> {
    /// `W3`.
    name: String,
    rows: usize,
    cols: usize,
    value: &'a dyn Fn(usize, usize) -> f64,
    /// Accessible name of an element: `W3[1,2]`.
    elem: &'a dyn Fn(usize, usize) -> String,
    /// Turns an edited element into a command; `None` = read-only.
    edit: Option<&'a dyn Fn(usize, usize, f64) -> Edit>,
    quantity: Option<Quantity>,
    /// Highlight this row (the shown sample in batch layouts).
    row_mark: Option<usize>,
}

/// A block or an operator between blocks.
enum Item<'a> {
    B(Block<'a>),
    Op(String),
}

impl Item<'_> {
    /// The width the item takes, for laying rows out before drawing them.
    fn width(&self) -> f32 {
        match self {
            Item::B(b) => {
                let cells = b.cols.min(64) as f32 * (theme::CELL_WIDTH + 3.0) + 12.0;
                let title = (b.name.chars().count() + 10) as f32 * 7.5;
                cells.max(title) + 8.0
            }
            Item::Op(s) => s.chars().count() as f32 * 10.0 + 12.0,
        }
    }
}

/// Draws items left to right, starting a new row where the next would not fit.
fn flow_ui(ui: &mut Ui, ci: usize, cell: &NetCell, items: Vec<Item<'_>>, fmt: NumberFormat, out: &mut Vec<Command>) {
    let avail = ui.available_width();
    let mut rows: Vec<Vec<Item<'_>>> = vec![Vec::new()];
    let mut used = 0.0;
    for it in items {
        let w = it.width();
        let row_empty = rows.last().is_none_or(Vec::is_empty);
        if !row_empty && used + w > avail {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += w;
        if let Some(r) = rows.last_mut() {
            r.push(it);
        }
    }
    for row in rows {
        ui.horizontal_top(|ui| {
            for it in row {
                match it {
                    Item::B(b) => block_ui(ui, ci, cell, b, fmt, out),
                    Item::Op(s) => op(ui, &s),
                }
            }
        });
    }
}

fn block_ui(ui: &mut Ui, ci: usize, cell: &NetCell, b: Block<'_>, fmt: NumberFormat, out: &mut Vec<Command>) {
    let dark = ui.visuals().dark_mode;
    let shown = b.quantity.is_none_or(|q| visible(cell, q));
    let m = b.quantity.map_or(Mark::Plain, |q| mark(cell, q));
    let fill = match m {
        Mark::Written => Some(theme::write_highlight(dark)),
        Mark::Read => Some(theme::read_highlight(dark)),
        Mark::Plain => None,
    };
    ui.vertical(|ui| {
        let title = format!("{} ({} x {})", b.name, b.rows, b.cols);
        ui.add(egui::Label::new(RichText::new(title).strong()).extend());
        let frame = egui::Frame::new()
            .fill(fill.unwrap_or(egui::Color32::TRANSPARENT))
            .inner_margin(3.0)
            .corner_radius(3.0)
            .stroke(ui.visuals().widgets.noninteractive.bg_stroke);
        frame.show(ui, |ui| {
            egui::Grid::new(("block", ci, b.name.as_str()))
                .spacing([3.0, 2.0])
                .show(ui, |ui| {
                    for r in 0..b.rows.min(64) {
                        for c in 0..b.cols.min(64) {
                            let v = (b.value)(r, c);
                            let name = (b.elem)(r, c);
                            let strong = b.row_mark == Some(r);
                            match b.edit {
                                Some(edit) if shown => {
                                    let mut local = v;
                                    let resp = ui
                                        .add_sized(
                                            [theme::CELL_WIDTH, 20.0],
                                            egui::DragValue::new(&mut local)
                                                .speed(0.05)
                                                .custom_formatter(move |x, _| fmt.fmt(x))
                                                .custom_parser(|s| {
                                                    s.trim().parse::<f64>().ok().filter(|x| x.is_finite())
                                                }),
                                        )
                                        .accessible_name(&name)
                                        .on_hover_text(format!("{name} = {}  (drag or type to change)", fmt.fmt(v)));
                                    if resp.changed() && local != v && local.is_finite() {
                                        out.push(Command::Edit {
                                            cell: ci,
                                            edit: edit(r, c, local),
                                        });
                                    }
                                }
                                _ => {
                                    let text = if shown { fmt.fmt(v) } else { "?".to_string() };
                                    let mut rt = RichText::new(text).monospace();
                                    if strong {
                                        rt = rt.strong();
                                    }
                                    let spoken = if shown { fmt.fmt(v) } else { "?".to_string() };
                                    ui.add_sized([theme::CELL_WIDTH, 20.0], egui::Label::new(rt))
                                        .accessible_name(format!("{name} = {spoken}"))
                                        .on_hover_text(format!(
                                            "{name} = {}",
                                            if shown { fmt.fmt(v) } else { "not reached yet".into() }
                                        ));
                                }
                            }
                        }
                        ui.end_row();
                    }
                });
        });
        if b.rows > 64 || b.cols > 64 {
            ui.weak("(first 64 rows and columns)");
        }
    });
}

fn op(ui: &mut Ui, s: &str) {
    ui.add_space(2.0);
    ui.vertical(|ui| {
        ui.add_space(24.0);
        ui.label(RichText::new(s).size(18.0));
    });
    ui.add_space(2.0);
}

fn at(m: &Matrix, r: usize, c: usize) -> f64 {
    if r < m.nrows() && c < m.ncols() {
        m[(r, c)]
    } else {
        f64::NAN
    }
}

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
                out.push(Command::SelectLayer { cell: ci, layer: i });
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
                        out.push(Command::Edit {
                            cell: ci,
                            edit: Edit::Activation {
                                layer: l,
                                activation: a,
                            },
                        });
                    }
                }
            })
            .response
            .labelled_by(label.id);
        ui.separator();
        if ui
            .button("Add unit")
            .on_hover_text(format!("Add a unit to layer {k} (zero weights in and out)"))
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::AddUnit { layer: l },
            });
        }
        if ui
            .add_enabled(layer.units() > 1, egui::Button::new("Remove unit"))
            .on_hover_text(format!("Remove the last unit of layer {k}"))
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::RemoveUnit {
                    layer: l,
                    unit: layer.units() - 1,
                },
            });
        }
        if ui
            .button("Insert layer before")
            .on_hover_text(format!("Insert a layer of 4 ReLU units before layer {k}"))
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::InsertLayer { index: l },
            });
        }
        if ui
            .add_enabled(k < n, egui::Button::new("Remove layer"))
            .on_hover_text("Remove this hidden layer (the next layer's weights from it are reset to zeros)")
            .clicked()
        {
            out.push(Command::Edit {
                cell: ci,
                edit: Edit::RemoveLayer { index: l },
            });
        }
    });
    ui.weak(format!(
        "{}    {}",
        layer.activation.formula().0,
        layer.activation.formula().1
    ));
    ui.add_space(4.0);
    match view.convention {
        Convention::Torch => torch_blocks(ui, ci, cell, l, view.number_format, out),
        Convention::Keras => keras_blocks(ui, ci, cell, l, view.number_format, out),
    }
}

fn prev_name(l: usize) -> String {
    if l == 0 { "x".into() } else { format!("a{l}") }
}

fn torch_blocks(ui: &mut Ui, ci: usize, cell: &NetCell, l: usize, fmt: NumberFormat, out: &mut Vec<Command>) {
    let k = l + 1;
    let layer = &cell.doc.net.layers()[l];
    let s = cell.sample;
    let (units, ins) = (layer.units(), layer.inputs());
    let input = cell.fwd.input_of(l);
    let lt = &cell.fwd.layers[l];
    let g = &cell.grads.layers[l];
    let pn = prev_name(l);
    let prev_q = if l == 0 { Quantity::X } else { Quantity::A(l - 1) };
    ui.label(
        RichText::new(format!(
            "Forward, sample {}:  z{k} = W{k} {pn} + b{k},  a{k} = {}(z{k})",
            s + 1,
            layer.activation.name()
        ))
        .italics(),
    );
    {
        let mut items: Vec<Item<'_>> = Vec::new();
        let wv = |r: usize, c: usize| layer.weights[(r, c)];
        let wn = |r: usize, c: usize| format!("W{k}[{},{}]", r + 1, c + 1);
        let we = |r: usize, c: usize, v: f64| Edit::Weight {
            layer: l,
            row: r,
            col: c,
            value: v,
        };
        items.push(Item::B(Block {
            name: format!("W{k}"),
            rows: units,
            cols: ins,
            value: &wv,
            elem: &wn,
            edit: Some(&we),
            quantity: Some(Quantity::W(l)),
            row_mark: None,
        }));
        items.push(Item::Op("·".to_string()));
        let av = |r: usize, _: usize| at(input, r, s);
        let an = |r: usize, _: usize| format!("{pn}[{}] (layer {k} input)", r + 1);
        items.push(Item::B(Block {
            name: pn.clone(),
            rows: ins,
            cols: 1,
            value: &av,
            elem: &an,
            edit: None,
            quantity: Some(prev_q),
            row_mark: None,
        }));
        items.push(Item::Op("+".to_string()));
        let bv = |r: usize, _: usize| layer.bias[r];
        let bn = |r: usize, _: usize| format!("b{k}[{}]", r + 1);
        let be = |r: usize, _: usize, v: f64| Edit::Bias {
            layer: l,
            unit: r,
            value: v,
        };
        items.push(Item::B(Block {
            name: format!("b{k}"),
            rows: units,
            cols: 1,
            value: &bv,
            elem: &bn,
            edit: Some(&be),
            quantity: Some(Quantity::B(l)),
            row_mark: None,
        }));
        items.push(Item::Op("=".to_string()));
        let zv = |r: usize, _: usize| at(&lt.z, r, s);
        let zn = |r: usize, _: usize| format!("z{k}[{}]", r + 1);
        items.push(Item::B(Block {
            name: format!("z{k}"),
            rows: units,
            cols: 1,
            value: &zv,
            elem: &zn,
            edit: None,
            quantity: Some(Quantity::Z(l)),
            row_mark: None,
        }));
        items.push(Item::Op(format!("{}(z) =", layer.activation.name())));
        let av2 = |r: usize, _: usize| at(&lt.a, r, s);
        let an2 = |r: usize, _: usize| format!("a{k}[{}]", r + 1);
        items.push(Item::B(Block {
            name: format!("a{k}"),
            rows: units,
            cols: 1,
            value: &av2,
            elem: &an2,
            edit: None,
            quantity: Some(Quantity::A(l)),
            row_mark: None,
        }));
        let yv = |r: usize, _: usize| at(&cell.doc.y, r, s);
        let yn = |r: usize, _: usize| format!("y[{}] (target)", r + 1);
        if k == cell.doc.net.len() {
            items.push(Item::Op("vs".to_string()));
            items.push(Item::B(Block {
                name: "y".into(),
                rows: units,
                cols: 1,
                value: &yv,
                elem: &yn,
                edit: None,
                quantity: Some(Quantity::Y),
                row_mark: None,
            }));
        }
        flow_ui(ui, ci, cell, items, fmt, out);
    }
    ui.add_space(6.0);
    ui.label(
        RichText::new(format!(
            "Backward: δ{k} = dL/da{k} * f'(z{k}),  dL/dW{k} = δ{k} {pn}^T,  dL/db{k} = δ{k},  dL/d{pn} = W{k}^T δ{k}"
        ))
        .italics(),
    );
    {
        let mut items: Vec<Item<'_>> = Vec::new();
        let dav = |r: usize, _: usize| at(&g.da, r, s);
        let dan = |r: usize, _: usize| format!("dL/da{k}[{}]", r + 1);
        items.push(Item::B(Block {
            name: format!("dL/da{k}"),
            rows: units,
            cols: 1,
            value: &dav,
            elem: &dan,
            edit: None,
            quantity: Some(Quantity::Da(l)),
            row_mark: None,
        }));
        let dv = |r: usize, _: usize| at(&g.delta, r, s);
        let dn = |r: usize, _: usize| format!("δ{k}[{}]", r + 1);
        items.push(Item::B(Block {
            name: format!("δ{k}"),
            rows: units,
            cols: 1,
            value: &dv,
            elem: &dn,
            edit: None,
            quantity: Some(Quantity::Delta(l)),
            row_mark: None,
        }));
        let gwv = |r: usize, c: usize| g.weights[(r, c)];
        let gwn = |r: usize, c: usize| format!("dL/dW{k}[{},{}]", r + 1, c + 1);
        items.push(Item::B(Block {
            name: format!("dL/dW{k}"),
            rows: units,
            cols: ins,
            value: &gwv,
            elem: &gwn,
            edit: None,
            quantity: Some(Quantity::GradW(l)),
            row_mark: None,
        }));
        let gbv = |r: usize, _: usize| g.bias[r];
        let gbn = |r: usize, _: usize| format!("dL/db{k}[{}]", r + 1);
        items.push(Item::B(Block {
            name: format!("dL/db{k}"),
            rows: units,
            cols: 1,
            value: &gbv,
            elem: &gbn,
            edit: None,
            quantity: Some(Quantity::GradB(l)),
            row_mark: None,
        }));
        let (pm, pq) = if l == 0 {
            (&cell.grads.input, Quantity::GradX)
        } else {
            (&cell.grads.layers[l - 1].da, Quantity::Da(l - 1))
        };
        let pv = |r: usize, _: usize| at(pm, r, s);
        let pnn = |r: usize, _: usize| format!("dL/d{pn}[{}]", r + 1);
        items.push(Item::B(Block {
            name: format!("dL/d{pn}"),
            rows: ins,
            cols: 1,
            value: &pv,
            elem: &pnn,
            edit: None,
            quantity: Some(pq),
            row_mark: None,
        }));
        flow_ui(ui, ci, cell, items, fmt, out);
    }
}

fn keras_blocks(ui: &mut Ui, ci: usize, cell: &NetCell, l: usize, fmt: NumberFormat, out: &mut Vec<Command>) {
    let k = l + 1;
    let layer = &cell.doc.net.layers()[l];
    let (units, ins) = (layer.units(), layer.inputs());
    let b = cell.doc.batch();
    let s = cell.sample;
    let input = cell.fwd.input_of(l);
    let lt = &cell.fwd.layers[l];
    let g = &cell.grads.layers[l];
    let pn = if l == 0 { "X".to_string() } else { format!("A{l}") };
    let prev_q = if l == 0 { Quantity::X } else { Quantity::A(l - 1) };
    ui.label(
        RichText::new(format!(
            "Forward, all {b} samples as rows (Keras/NumPy):  Z{k} = {pn} W{k} + b{k},  A{k} = {}(Z{k})",
            layer.activation.name()
        ))
        .italics(),
    );
    {
        let mut items: Vec<Item<'_>> = Vec::new();
        let av = |r: usize, c: usize| at(input, c, r);
        let an = |r: usize, c: usize| format!("{pn}[{},{}]", r + 1, c + 1);
        items.push(Item::B(Block {
            name: pn.clone(),
            rows: b,
            cols: ins,
            value: &av,
            elem: &an,
            edit: None,
            quantity: Some(prev_q),
            row_mark: Some(s),
        }));
        items.push(Item::Op("·".to_string()));
        let wv = |r: usize, c: usize| layer.weights[(c, r)];
        let wn = |r: usize, c: usize| format!("W{k}[{},{}]", r + 1, c + 1);
        let we = |r: usize, c: usize, v: f64| Edit::Weight {
            layer: l,
            row: c,
            col: r,
            value: v,
        };
        items.push(Item::B(Block {
            name: format!("W{k}"),
            rows: ins,
            cols: units,
            value: &wv,
            elem: &wn,
            edit: Some(&we),
            quantity: Some(Quantity::W(l)),
            row_mark: None,
        }));
        items.push(Item::Op("+".to_string()));
        let bv = |_: usize, c: usize| layer.bias[c];
        let bn = |_: usize, c: usize| format!("b{k}[{}]", c + 1);
        let be = |_: usize, c: usize, v: f64| Edit::Bias {
            layer: l,
            unit: c,
            value: v,
        };
        items.push(Item::B(Block {
            name: format!("b{k}"),
            rows: 1,
            cols: units,
            value: &bv,
            elem: &bn,
            edit: Some(&be),
            quantity: Some(Quantity::B(l)),
            row_mark: None,
        }));
        items.push(Item::Op("=".to_string()));
        let zv = |r: usize, c: usize| at(&lt.z, c, r);
        let zn = |r: usize, c: usize| format!("Z{k}[{},{}]", r + 1, c + 1);
        items.push(Item::B(Block {
            name: format!("Z{k}"),
            rows: b,
            cols: units,
            value: &zv,
            elem: &zn,
            edit: None,
            quantity: Some(Quantity::Z(l)),
            row_mark: Some(s),
        }));
        items.push(Item::Op(format!("{}(z) =", layer.activation.name())));
        let av2 = |r: usize, c: usize| at(&lt.a, c, r);
        let an2 = |r: usize, c: usize| format!("A{k}[{},{}]", r + 1, c + 1);
        items.push(Item::B(Block {
            name: format!("A{k}"),
            rows: b,
            cols: units,
            value: &av2,
            elem: &an2,
            edit: None,
            quantity: Some(Quantity::A(l)),
            row_mark: Some(s),
        }));
        flow_ui(ui, ci, cell, items, fmt, out);
    }
    ui.add_space(6.0);
    ui.label(
        RichText::new(format!(
            "Backward:  dL/dW{k} = {pn}^T δ{k}  (in x units),  dL/db{k} = column sums of δ{k}"
        ))
        .italics(),
    );
    {
        let mut items: Vec<Item<'_>> = Vec::new();
        let dv = |r: usize, c: usize| at(&g.delta, c, r);
        let dn = |r: usize, c: usize| format!("δ{k}[{},{}]", r + 1, c + 1);
        items.push(Item::B(Block {
            name: format!("δ{k}"),
            rows: b,
            cols: units,
            value: &dv,
            elem: &dn,
            edit: None,
            quantity: Some(Quantity::Delta(l)),
            row_mark: Some(s),
        }));
        let gwv = |r: usize, c: usize| g.weights[(c, r)];
        let gwn = |r: usize, c: usize| format!("dL/dW{k}[{},{}]", r + 1, c + 1);
        items.push(Item::B(Block {
            name: format!("dL/dW{k}"),
            rows: ins,
            cols: units,
            value: &gwv,
            elem: &gwn,
            edit: None,
            quantity: Some(Quantity::GradW(l)),
            row_mark: None,
        }));
        let gbv = |_: usize, c: usize| g.bias[c];
        let gbn = |_: usize, c: usize| format!("dL/db{k}[{}]", c + 1);
        items.push(Item::B(Block {
            name: format!("dL/db{k}"),
            rows: 1,
            cols: units,
            value: &gbv,
            elem: &gbn,
            edit: None,
            quantity: Some(Quantity::GradB(l)),
            row_mark: None,
        }));
        flow_ui(ui, ci, cell, items, fmt, out);
    }
}

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
