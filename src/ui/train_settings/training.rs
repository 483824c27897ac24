//! The "Training" group: epochs, the batch size, regularisation and early stopping.

use super::{number, rate};
use crate::lesson::training::{EarlyStoppingSpec, TrainingSetup};
use egui::Ui;

pub(super) fn training_settings_ui(ui: &mut Ui, n: &mut TrainingSetup, rows: usize) {
    number(
        ui,
        "Epochs",
        &mut n.epochs,
        1..=crate::lesson::training::MAX_EPOCHS,
        1.0,
        "How many passes over the training rows",
    );
    let mut full = n.batch_size.is_none();
    let r = ui.checkbox(&mut full, "Full batch");
    let hint = "One step per epoch on every training row (gradient descent)";
    if super::super::glossary::hint_and_explain(r, hint, "Full batch").changed() {
        n.batch_size = if full { None } else { Some(32.min(rows)) };
    }
    if let Some(b) = &mut n.batch_size {
        number(
            ui,
            "Batch size",
            b,
            1..=rows,
            0.5,
            "Rows per step (1 = stochastic gradient descent); takes effect at the next epoch",
        );
    }
    rate(ui, "L2", &mut n.l2, 0.0..=10.0, "Adds l2 · sum W² to the loss");
    number(
        ui,
        "Dropout",
        &mut n.dropout,
        0.0..=0.9,
        0.005,
        "Probability of dropping each hidden unit while training",
    );
    let mut on = n.early_stopping.is_some();
    let r = ui.checkbox(&mut on, "Early stopping");
    let hint = "Stop when the validation loss (else the training loss) has not improved for a while";
    if super::super::glossary::hint_and_explain(r, hint, "Early stopping").changed() {
        n.early_stopping = on.then_some(EarlyStoppingSpec {
            patience: 10,
            min_delta: 0.0,
            restore_best: true,
        });
    }
    if let Some(es) = &mut n.early_stopping {
        number(
            ui,
            "Patience",
            &mut es.patience,
            1..=10_000,
            0.2,
            "Epochs without improvement before stopping",
        );
        ui.checkbox(&mut es.restore_best, "Restore best weights")
            .on_hover_text("Go back to the weights of the best epoch when stopping");
    }
}
