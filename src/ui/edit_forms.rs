//! Edit mode's smaller forms: a quiz's options, a network cell's lesson options, a plot.
//! Each sends the whole edited cell ([`PageEdit::Replace`]).

use super::edit::{check_id, multiline, page, text_field};
use crate::app::Command;
use crate::app::edit::PageEdit;
use crate::lesson::plot::{Plot, PlotOf};
use crate::lesson::quiz::{Quiz, QuizOption};
use crate::lesson::{Cell, Lock, NetworkCell, Show, Taught};
use crate::nn::{Activation, LossKind};
use egui::{RichText, Ui};

/// The form of quiz cell `ci`.
pub fn quiz_form_ui(ui: &mut Ui, ci: usize, q: &Quiz, out: &mut Vec<Command>) {
    let send = |out: &mut Vec<Command>, q: Quiz| {
        page(
            out,
            PageEdit::Replace {
                cell: ci,
                with: Box::new(Cell::Quiz(Box::new(q))),
            },
        )
    };
    egui::CollapsingHeader::new(RichText::new("Quiz settings").strong())
        .id_salt(("quiz form", ci))
        .default_open(true)
        .show(ui, |ui| {
            if let Some(id) = text_field(ui, &format!("quiz id {ci}"), "Id", &q.id, 160.0, check_id) {
                send(out, Quiz { id, ..q.clone() });
            }
            if let Some(prompt) = multiline(ui, ("quiz prompt", ci), "Question (Markdown)", &q.prompt) {
                send(out, Quiz { prompt, ..q.clone() });
            }
            ui.horizontal(|ui| {
                let mut points = q.points;
                let l = ui.label("Points");
                if ui
                    .add(egui::DragValue::new(&mut points).range(0..=100))
                    .labelled_by(l.id)
                    .changed()
                {
                    send(out, Quiz { points, ..q.clone() });
                }
            });
            for (k, o) in q.options.iter().enumerate() {
                ui.separator();
                ui.horizontal(|ui| {
                    let mut correct = o.correct;
                    if ui
                        .checkbox(&mut correct, format!("Option {} is correct", k + 1))
                        .changed()
                    {
                        let mut n = q.clone();
                        n.options[k].correct = correct;
                        send(out, n);
                    }
                    if ui
                        .add_enabled(q.options.len() > 2, egui::Button::new("Remove option").small())
                        .clicked()
                    {
                        let mut n = q.clone();
                        n.options.remove(k);
                        send(out, n);
                    }
                });
                if let Some(text) = multiline(ui, ("quiz opt", ci, k), &format!("Option {}", k + 1), &o.text) {
                    let mut n = q.clone();
                    n.options[k].text = text;
                    send(out, n);
                }
                let explain = o.explain.clone().unwrap_or_default();
                if let Some(e) = multiline(ui, ("quiz why", ci, k), "Explanation", &explain) {
                    let mut n = q.clone();
                    n.options[k].explain = (!e.is_empty()).then_some(e);
                    send(out, n);
                }
            }
            if ui.button("Add option").clicked() {
                let mut n = q.clone();
                n.options.push(QuizOption {
                    text: "Another option".into(),
                    correct: false,
                    explain: None,
                });
                send(out, n);
            }
        });
}

/// A network cell's name and lesson options: locks, the value on the nodes, the stepper, a
/// variant per student.
pub fn network_options_ui(ui: &mut Ui, ci: usize, nc: NetworkCell, out: &mut Vec<Command>) {
    let name = nc.doc.name.clone().unwrap_or_default();
    if let Some(name) = text_field(ui, &format!("net name {ci}"), "Network name", &name, 240.0, |t| {
        (!t.trim().is_empty())
            .then_some(())
            .ok_or("a network needs a name".into())
    }) {
        page(out, PageEdit::RenameNetwork { cell: ci, name });
    }
    let send = |out: &mut Vec<Command>, n: NetworkCell| {
        page(
            out,
            PageEdit::Replace {
                cell: ci,
                with: Box::new(Cell::Network(Box::new(n))),
            },
        )
    };
    egui::CollapsingHeader::new(RichText::new("Network settings for students").strong())
        .id_salt(("net form", ci))
        .default_open(false)
        .show(ui, |ui| {
            if let Some(id) = text_field(ui, &format!("net id {ci}"), "Id", &nc.options.id, 160.0, check_id) {
                let mut n = nc.clone();
                n.options.id = id;
                n.options.id_named = true;
                send(out, n);
            }
            ui.horizontal_wrapped(|ui| {
                ui.label("Lock:");
                for l in Lock::ALL {
                    let mut on = nc.options.lock.contains(&l);
                    if ui
                        .checkbox(&mut on, l.text())
                        .on_hover_text("Students see it but cannot change it")
                        .changed()
                    {
                        let mut n = nc.clone();
                        n.options.lock.retain(|x| *x != l);
                        if on {
                            n.options.lock.push(l);
                        }
                        send(out, n);
                    }
                }
            });
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("Show students:");
                egui::ComboBox::from_id_salt(("taught", ci))
                    .selected_text(nc.options.taught.text())
                    .show_ui(ui, |ui| {
                        for t in Taught::ALL {
                            if ui.selectable_label(nc.options.taught == t, t.text()).clicked() && nc.options.taught != t {
                                let mut n = nc.clone();
                                n.options.taught = t;
                                send(out, n);
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id)
                    .on_hover_text(
                        "Only what the lesson has taught so far: the forward pass hides the loss, the backward blocks and \"Apply update\"",
                    );
            });
            ui.horizontal(|ui| {
                ui.label("Value on the nodes:");
                for s in [Show::Z, Show::A, Show::Delta] {
                    if ui.radio(nc.options.show == s, s.name()).clicked() && nc.options.show != s {
                        let mut n = nc.clone();
                        n.options.show = s;
                        send(out, n);
                    }
                }
                let mut hide = nc.options.hide_answers;
                if ui
                    .checkbox(&mut hide, "Hide answers until solved")
                    .on_hover_text("Values an unanswered exercise asks for (and what follows from them) show as ?")
                    .changed()
                {
                    let mut n = nc.clone();
                    n.options.hide_answers = hide;
                    send(out, n);
                }
                let mut stepper = nc.options.stepper;
                if ui.checkbox(&mut stepper, "Offer the backprop stepper").changed() {
                    let mut n = nc.clone();
                    n.options.stepper = stepper;
                    send(out, n);
                }
            });
            variant_ui(ui, &nc, &mut |n| send(out, n));
        });
}

/// Per-student variants: each student's own small-integer weights in [-k, k].
fn variant_ui(ui: &mut Ui, nc: &NetworkCell, send: &mut dyn FnMut(NetworkCell)) {
    use crate::lesson::variant::{MAX_K, Variant};
    ui.horizontal(|ui| {
        let mut on = nc.options.variant.is_some();
        if ui
            .checkbox(&mut on, "Each student gets their own weights")
            .on_hover_text("Small integers in [-k, k] drawn from the student's name; biases and data stay as they are")
            .changed()
        {
            let mut n = nc.clone();
            n.options.variant = on.then_some(Variant::SmallIntegers { k: 2 });
            send(n);
        }
        if let Some(v) = nc.options.variant {
            let mut k = v.k();
            let l = ui.label("Weights from -k to k, k =");
            if ui
                .add(egui::DragValue::new(&mut k).range(1..=MAX_K))
                .labelled_by(l.id)
                .changed()
            {
                let mut n = nc.clone();
                n.options.variant = Some(Variant::SmallIntegers { k });
                send(n);
            }
        }
    });
}

/// The form of plot cell `ci`: an activation or a loss.
pub fn plot_form_ui(ui: &mut Ui, ci: usize, p: &Plot, out: &mut Vec<Command>) {
    let send = |out: &mut Vec<Command>, p: Plot| {
        page(
            out,
            PageEdit::Replace {
                cell: ci,
                with: Box::new(Cell::Plot(Box::new(p))),
            },
        )
    };
    ui.horizontal_wrapped(|ui| {
        ui.label("Plot:");
        let current = match &p.of {
            PlotOf::Activation(a) => format!("activation {}", a.name()),
            PlotOf::Loss(k) => format!("loss {}", k.name()),
            PlotOf::Data(_) => "a data set".to_string(),
        };
        egui::ComboBox::from_id_salt(("plot of", ci))
            .selected_text(current)
            .show_ui(ui, |ui| {
                for a in Activation::ALL {
                    if ui.button(format!("activation {}", a.name())).clicked() {
                        send(
                            out,
                            Plot {
                                of: PlotOf::Activation(a),
                                range: None,
                            },
                        );
                    }
                }
                for n in LossKind::NAMES {
                    if let Some(k) = LossKind::from_name(n)
                        && ui.button(format!("loss {n}")).clicked()
                    {
                        send(
                            out,
                            Plot {
                                of: PlotOf::Loss(k),
                                range: None,
                            },
                        );
                    }
                }
            })
            .response
            .accessible_name("plot of");
    });
}
