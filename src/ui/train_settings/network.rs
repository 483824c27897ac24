//! The "Network" group: the hidden layers' widths (typed as a list), the activations, the
//! loss and the initialiser. A loss that needs an output activation brings it along.

use super::{combo, number};
use crate::lesson::training::TrainingSetup;
use crate::nn::{Activation, LossKind};
use egui::Ui;

pub(super) fn network_settings_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    hidden_layers_ui(ui, ci, n);
    activations_and_loss_ui(ui, ci, n);
    init_ui(ui, ci, n);
}

/// The hidden widths as text ("8, 8"); the text is kept while the field has the focus and
/// applied when it loses it, if every width is valid.
fn hidden_layers_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    ui.horizontal(|ui| {
        let l = ui.label("Hidden layers");
        let id = ui.make_persistent_id(("hidden text", ci));
        let shown: String = n.hidden.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ");
        let mut text = ui.data(|d| d.get_temp::<String>(id)).unwrap_or(shown);
        let r = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(110.0))
            .labelled_by(l.id)
            .on_hover_text("Widths of the hidden layers, e.g. 8, 8 (empty: no hidden layer)");
        if r.has_focus() {
            ui.data_mut(|d| d.insert_temp(id, text.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(id));
        }
        let parsed: Result<Vec<usize>, _> = text
            .split([',', ' '])
            .filter(|t| !t.is_empty())
            .map(|t| t.parse::<usize>())
            .collect();
        match parsed {
            Ok(v) if v.iter().all(|&w| (1..=crate::lesson::training::MAX_WIDTH).contains(&w)) => {
                if r.lost_focus() {
                    n.hidden = v;
                }
            }
            _ => {
                ui.colored_label(ui.visuals().error_fg_color, "widths 1 to 1024, separated by commas");
            }
        }
    });
}

/// The hidden activation, the loss and the output activation, kept a valid pair.
fn activations_and_loss_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    let hidden_acts: Vec<Activation> = Activation::ALL
        .into_iter()
        .filter(|a| *a != Activation::Softmax)
        .collect();
    if let Some(a) = combo(ui, ("hidden act", ci), "Activation", n.activation, &hidden_acts, |a| {
        a.name().to_string()
    }) {
        n.activation = a;
    }
    let mut losses: Vec<Option<LossKind>> = vec![None];
    losses.extend(LossKind::NAMES.iter().filter_map(|k| LossKind::from_name(k)).map(Some));
    if let Some(l) = combo(ui, ("loss", ci), "Loss", n.loss, &losses, |l| {
        l.map_or("automatic".to_string(), |k| k.name().to_string())
    }) {
        n.loss = l;
        // The output activation follows a loss that needs one.
        if let Some(req) = l.and_then(LossKind::required_output) {
            n.output_activation = Some(req);
        } else if n
            .output_activation
            .is_some_and(|a| a == Activation::Softmax || a == Activation::Sigmoid)
        {
            n.output_activation = None;
        }
    }
    let mut outs: Vec<Option<Activation>> = vec![None];
    outs.extend(Activation::ALL.into_iter().map(Some));
    if let Some(a) = combo(ui, ("out act", ci), "Output", n.output_activation, &outs, |a| {
        a.map_or("automatic".to_string(), |a| a.name().to_string())
    }) {
        let needs = n.loss.and_then(LossKind::required_output);
        n.output_activation = a;
        if needs.is_some() && a != needs {
            // Keep the pair valid: a loss that needs another output falls back to automatic.
            n.loss = None;
        }
    }
}

/// The initialiser and its seed.
fn init_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    let inits = [
        "he_uniform",
        "he_normal",
        "xavier_uniform",
        "xavier_normal",
        "lecun",
        "uniform",
        "normal",
        "small_integers",
        "zeros",
    ];
    let cur = inits.iter().position(|k| *k == n.init.kind.replace('-', "_"));
    let idx: Vec<Option<usize>> = (0..inits.len()).map(Some).collect();
    let kind = n.init.kind.clone();
    if let Some(Some(i)) = combo(ui, ("init", ci), "Initialiser", cur, &idx, |i| {
        i.map_or(kind.clone(), |i| inits[i].replace('_', " "))
    }) {
        n.init.kind = inits[i].to_string();
        n.init.param = None;
    }
    number(
        ui,
        "Init seed",
        &mut n.init.seed,
        0..=u64::MAX,
        0.2,
        "The same seed gives the same initial weights",
    );
}
