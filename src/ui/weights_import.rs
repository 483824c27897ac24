//! The weight import dialog: a weight file that does not say which activations its layers use
//! (PyTorch's state dict keeps only the Linear layers' tensors) gets one choice per layer, relu
//! hidden and identity output to start with, and a loss; "Open" opens it as a network.

use crate::app::Command;
use crate::app::weights::{WeightsCommand, WeightsImport};
use crate::nn::{Activation, LossKind};
use egui::{RichText, Ui};

/// Draws the dialog for `d`.
pub fn weights_import_ui(ctx: &egui::Context, d: &WeightsImport, out: &mut Vec<Command>) {
    egui::Modal::new(egui::Id::unique("weights import")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Import weights");
        ui.label(format!(
            "{}: {} layers ({}). The file keeps the weights and biases but not the activations: choose one per layer.",
            d.name,
            d.imported.layers.len(),
            d.sizes()
        ));
        ui.add_space(4.0);
        egui::Grid::new("weights import layers").striped(true).show(ui, |ui| {
            ui.label(RichText::new("Layer").strong());
            ui.label(RichText::new("Weights").strong());
            ui.label(RichText::new("Activation").strong());
            ui.end_row();
            let last = d.activations.len().saturating_sub(1);
            for (i, (layer, act)) in d.imported.layers.iter().zip(&d.activations).enumerate() {
                let label = ui.label(if i == last {
                    format!("Layer {} (output)", i + 1)
                } else {
                    format!("Layer {}", i + 1)
                });
                ui.label(format!(
                    "W{} {} x {}",
                    i + 1,
                    layer.weights.nrows(),
                    layer.weights.ncols()
                ));
                activation_ui(ui, i, i == last, *act, out).labelled_by(label.id);
                ui.end_row();
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Loss");
            let names = LossKind::NAMES;
            egui::ComboBox::from_id_salt("weights import loss")
                .selected_text(d.loss.name())
                .show_ui(ui, |ui| {
                    for n in names {
                        if let Some(kind) = LossKind::from_name(n)
                            && ui.selectable_label(d.loss.name() == n, n).clicked()
                        {
                            out.push(Command::Weights(WeightsCommand::SetLoss(kind)));
                        }
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text("The loss the stepper and training use (mse for a regression output)");
        });
        if let Some(e) = &d.error {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button("Open").clicked() {
                out.push(Command::Weights(WeightsCommand::Finish(true)));
            }
            if ui.button("Cancel").clicked() {
                out.push(Command::Weights(WeightsCommand::Finish(false)));
            }
        });
    });
}

/// One layer's activation as a drop-down (softmax only on the output layer).
fn activation_ui(
    ui: &mut Ui,
    layer: usize,
    output: bool,
    current: Activation,
    out: &mut Vec<Command>,
) -> egui::Response {
    egui::ComboBox::from_id_salt(("weights import activation", layer))
        .selected_text(current.name())
        .show_ui(ui, |ui| {
            for a in Activation::ALL {
                if a == Activation::Softmax && !output {
                    continue;
                }
                if ui.selectable_label(a == current, a.name()).clicked() {
                    out.push(Command::Weights(WeightsCommand::SetActivation { layer, activation: a }));
                }
            }
        })
        .response
        .on_hover_text(format!("Layer {}'s activation", layer + 1))
}
