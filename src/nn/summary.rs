//! A summary of a network like Keras' `model.summary()`.

use super::Network;

/// One row of the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// "layer 1 (dense)".
    pub name: String,
    /// Output shape, `(None, units)` as Keras writes it.
    pub output_shape: String,
    /// `units x in` of the weights.
    pub weights_shape: String,
    pub activation: &'static str,
    pub params: usize,
}

/// The rows, one per layer.
pub fn summary_rows(net: &Network) -> Vec<SummaryRow> {
    net.layers()
        .iter()
        .enumerate()
        .map(|(i, l)| SummaryRow {
            name: format!("layer {} (dense)", i + 1),
            output_shape: format!("(None, {})", l.units()),
            weights_shape: format!("{} x {}", l.units(), l.inputs()),
            activation: l.activation.name(),
            params: l.param_count(),
        })
        .collect()
}

/// The summary as a text table.
pub fn summary_text(net: &Network, name: Option<&str>) -> String {
    let rows = summary_rows(net);
    let mut s = String::new();
    s.push_str(&format!("Model: \"{}\"\n", name.unwrap_or("network")));
    let line = "-".repeat(78);
    s.push_str(&line);
    s.push('\n');
    s.push_str(&format!(
        "{:<22}{:<16}{:<14}{:<14}{:>12}\n",
        "Layer (type)", "Output shape", "Weights", "Activation", "Param #"
    ));
    s.push_str(&"=".repeat(78));
    s.push('\n');
    s.push_str(&format!(
        "{:<22}{:<16}{:<14}{:<14}{:>12}\n",
        "input",
        format!("(None, {})", net.inputs()),
        "",
        "",
        0
    ));
    for r in &rows {
        s.push_str(&format!(
            "{:<22}{:<16}{:<14}{:<14}{:>12}\n",
            r.name, r.output_shape, r.weights_shape, r.activation, r.params
        ));
    }
    s.push_str(&"=".repeat(78));
    s.push('\n');
    let total = net.param_count();
    s.push_str(&format!("Total params: {total} ({} bytes as f64)\n", total * 8));
    s.push_str(&format!("Trainable params: {total}\nNon-trainable params: 0\n"));
    s
}
