//! The backprop stepper: controls, the current step's formula in symbols and with the numbers
//! put in, the list of steps, "Apply update" with the learning rate, and the loss plot.

use super::visibility::{BLANK_HINT, blanked, line_blanked, line_text, step_blanked};
use crate::app::{Command, Edit, NetCell, NetCommand, StepNav, ViewSettings};
use crate::nn::OptimizerKind;
use egui::{RichText, Ui};

/// Draws the stepper of network cell `ci`.
pub fn stepper_ui(ui: &mut Ui, ci: usize, cell: &NetCell, view: &ViewSettings, out: &mut Vec<Command>) {
    let fmt = view.number_format;
    // Only the steps of what the lesson has taught so far.
    let total = cell.offered_steps();
    let taught = cell.options.taught;
    ui.label(
        RichText::new(if taught.backward() {
            "Backprop stepper"
        } else {
            "Stepper"
        })
        .heading(),
    );
    // The network in view, by name: the page moves the panel to whichever one that is.
    let name = cell.doc.name.clone().unwrap_or_else(|| "Network".into());
    ui.label(RichText::new(format!("Network in view: {name}")).strong());
    ui.horizontal_wrapped(|ui| {
        let nav = |ui: &mut Ui, text: &str, hint: &str, nav: StepNav, out: &mut Vec<Command>| {
            if ui.button(text).on_hover_text(hint).clicked() {
                out.push(Command::Net {
                    cell: ci,
                    cmd: NetCommand::Step(nav),
                });
            }
        };
        nav(ui, "First step", "Go to the first step (Home)", StepNav::First, out);
        nav(ui, "Previous step", "Go back one step (Left arrow)", StepNav::Prev, out);
        nav(ui, "Next step", "Go forward one step (Right arrow)", StepNav::Next, out);
        nav(ui, "Last step", "Go to the last step (End)", StepNav::Last, out);
        if ui
            .add_enabled(cell.step.is_some(), egui::Button::new("Reset stepper"))
            .on_hover_text("Leave the stepper: every value is shown live again (Escape)")
            .clicked()
        {
            out.push(Command::Net {
                cell: ci,
                cmd: NetCommand::Step(StepNav::Reset),
            });
        }
        let mut reveal = cell.reveal_all;
        if ui
            .checkbox(&mut reveal, "Reveal all")
            .on_hover_text("Show every value, even of steps not reached yet")
            .changed()
        {
            out.push(Command::Net {
                cell: ci,
                cmd: NetCommand::RevealAll(reveal),
            });
        }
    });
    match cell.current_step() {
        None => {
            let what = match taught {
                crate::lesson::Taught::Forward => "the forward pass, layer by layer",
                crate::lesson::Taught::Loss => "the forward pass, then the loss",
                crate::lesson::Taught::Backward => {
                    "the forward pass, the loss, then backpropagation from the output back"
                }
                crate::lesson::Taught::All => {
                    "the forward pass, the loss, backpropagation from the output back, then the update"
                }
            };
            ui.label(format!(
                "{total} steps: {what}. Press \"First step\" (or the right arrow key) to start; values of steps not reached yet are blank so you can work them out by hand first."
            ));
        }
        Some(step) => {
            let i = cell.step.unwrap_or(0);
            ui.label(RichText::new(format!("Step {} of {total}: {}", i + 1, step.title)).strong());
            super::glossary::formula_ui(ui, &step.formula);
            super::legend::stepper_key_ui(ui);
            egui::ScrollArea::vertical()
                .id_salt(("step lines", ci))
                .max_height(260.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    for line in &step.lines {
                        let text = line_text(cell, i, step, line, fmt);
                        let r = ui.label(RichText::new(text).monospace());
                        if r.hovered() {
                            // The values this line is computed from light up on the page.
                            out.push(Command::Hover(Some(crate::app::Hovered {
                                cell: ci,
                                quantity: step.writes,
                                row: line.cell.0,
                                col: line.cell.1,
                                sample: cell.sample,
                                step: Some(i),
                            })));
                        }
                        if line_blanked(cell, i, step, line) {
                            r.on_hover_text(BLANK_HINT);
                        }
                    }
                    if step.omitted > 0 {
                        ui.weak(format!("... and {} more elements", step.omitted));
                    }
                });
        }
    }
    ui.separator();
    // The optimizer step only once the lesson has taught it.
    if taught.update() {
        update_ui(ui, ci, cell, view, out);
        ui.separator();
    }
    ui.collapsing("All steps", |ui| {
        egui::ScrollArea::vertical()
            .id_salt(("step list", ci))
            .max_height(200.0)
            .show(ui, |ui| {
                for (i, s) in cell.steps.iter().enumerate().take(total) {
                    let reached = cell.reveal_all || cell.step.is_some_and(|c| i <= c) || cell.step.is_none();
                    let summary = if reached && s.result.len() <= 4 && !step_blanked(cell, i, s) {
                        let vals: Vec<String> = s.result.iter().map(|v| fmt.fmt(*v)).collect();
                        format!("{}. {}  = [{}]", i + 1, s.title, vals.join(", "))
                    } else {
                        format!("{}. {}", i + 1, s.title)
                    };
                    if ui.selectable_label(cell.step == Some(i), summary).clicked() {
                        out.push(Command::Net {
                            cell: ci,
                            cmd: NetCommand::Step(StepNav::Goto(i)),
                        });
                    }
                }
            });
    });
}

/// "Apply update", the learning rate and optimizer beside it, and the loss after each update.
fn update_ui(ui: &mut Ui, ci: usize, cell: &NetCell, view: &ViewSettings, out: &mut Vec<Command>) {
    let fmt = view.number_format;
    ui.horizontal_wrapped(|ui| {
        let asked = cell.update_asked();
        if ui
            .add_enabled(!asked, egui::Button::new("Apply update"))
            .on_hover_text("Take one optimizer step on this network (undo with Ctrl+Z)")
            .on_disabled_hover_text(format!("Waits: {}.", crate::app::cell::UPDATE_ASKED))
            .clicked()
        {
            out.push(Command::Net {
                cell: ci,
                cmd: NetCommand::Edit(Edit::ApplyUpdate),
            });
        }
        let label = super::glossary::label(ui, "Learning rate");
        let mut lr = cell.doc.optimizer.lr;
        let r = ui
            .add(
                egui::DragValue::new(&mut lr)
                    .speed(0.0005)
                    .range(0.0..=10.0)
                    .max_decimals(6),
            )
            .labelled_by(label.id)
            .on_hover_text("lr in W <- W - lr dL/dW");
        if r.changed() && lr != cell.doc.optimizer.lr {
            out.push(Command::Net {
                cell: ci,
                cmd: NetCommand::Edit(Edit::LearningRate(lr)),
            });
        }
        let ol = super::glossary::label(ui, "Optimizer");
        egui::ComboBox::from_id_salt(("optimizer", ci))
            .selected_text(cell.doc.optimizer.kind.name())
            .show_ui(ui, |ui| {
                for k in OptimizerKind::ALL {
                    let r = ui.selectable_label(k == cell.doc.optimizer.kind, k.name());
                    if super::glossary::explain(r, k.name()).clicked() && k != cell.doc.optimizer.kind {
                        out.push(Command::Net {
                            cell: ci,
                            cmd: NetCommand::Edit(Edit::Optimizer(k)),
                        });
                    }
                }
            })
            .response
            .labelled_by(ol.id);
    });
    if cell.update_asked() {
        ui.weak(format!("Apply update waits: {}.", crate::app::cell::UPDATE_ASKED));
    }
    let h = &cell.loss_history;
    // Both numbers are answers of the stepper's steps: blank until those steps are reached.
    let last_step = cell.steps.len().saturating_sub(1);
    let reached = |i: usize| cell.reveal_all || cell.step.is_none_or(|c| c >= i);
    let loss_step = cell
        .steps
        .iter()
        .position(|s| s.kind == crate::nn::steps::StepKind::Loss)
        .unwrap_or(0);
    let loss_blank = blanked(cell, crate::nn::steps::Quantity::Loss, 0, 0, cell.sample);
    let now = if reached(loss_step) && !loss_blank {
        fmt.fmt(cell.grads.loss)
    } else {
        "?".into()
    };
    let after = match cell.steps.last() {
        Some(s) if reached(last_step) && !step_blanked(cell, last_step, s) => fmt.fmt(s.result[(0, 0)]),
        _ => "?".into(),
    };
    ui.label(format!(
        "Loss now: {now}   updates applied: {}   loss after the next update: {after}",
        h.len().saturating_sub(1)
    ));
    if loss_blank {
        ui.weak(format!(
            "The loss plot is hidden until the exercises on this network are answered ({BLANK_HINT})."
        ));
        return;
    }
    let points = super::plot_range::placeable(h.iter().enumerate().map(|(i, v)| [i as f64, *v]));
    let plot = super::plot_range::drawable_points(egui_plot::Plot::new(("loss plot", ci)), &points);
    plot.height(130.0)
        .x_axis_label("updates applied")
        .y_axis_label("loss")
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .show(ui, |p| {
            p.line(egui_plot::Line::new(
                "loss",
                egui_plot::PlotPoints::from(points.clone()),
            ));
            p.points(egui_plot::Points::new("loss after update", egui_plot::PlotPoints::from(points)).radius(3.0));
        });
}

/// The panel when no network cell is in view: says so, and offers nothing to step or update.
pub fn no_network_ui(ui: &mut Ui) {
    // As wide as the stepper it replaces, so the page beside it does not move.
    ui.set_min_width(ui.available_width());
    ui.label(RichText::new("Backprop stepper").heading());
    ui.label("No network in view: there is no network to step.");
    ui.weak("Scroll to a network cell to step through its forward pass and backpropagation here.");
}
