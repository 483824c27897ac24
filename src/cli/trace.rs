//! `mlp-notebook trace FILE [--json]`: one forward and backward pass on the file's x and y.
//!
//! `--json` prints the `expected` object of the reference cases: `z`, `a` and `delta` as
//! `B x units` (one row per sample), `grad_weights` as `units x in`, `grad_bias` flat and
//! `grad_input` as `B x inputs`.

use super::json;
use super::{CliError, emit, load};
use crate::nn::numfmt::NumberFormat;
use crate::nn::trace::{ForwardTrace, backward, forward};
use crate::nn::{Gradients, Matrix};
use clap::Args;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct TraceArgs {
    /// A network file (.json or .toml) or a reference case; `-` reads standard input.
    pub file: PathBuf,
    /// Print JSON: {"loss", "layers": [{"z", "a", "delta", "grad_weights", "grad_bias"}], "grad_input"}.
    #[arg(long)]
    pub json: bool,
    /// Significant digits in the text report (default: integers as integers, else 4 decimals).
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u8).range(1..=17))]
    pub digits: Option<u8>,
}

pub fn run(args: &TraceArgs) -> Result<(), CliError> {
    let doc = load(&args.file)?;
    let fwd = forward(&doc.net, &doc.input());
    let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    let finite = all_finite(&fwd, &grads);
    if args.json {
        if !finite {
            return Err(non_finite());
        }
        return emit(&json::to_text(&trace_json(&fwd, &grads)));
    }
    let fmt = args.digits.map_or(NumberFormat::Auto, NumberFormat::Significant);
    let title = doc.name.as_deref().unwrap_or("network");
    let mut s = format!(
        "{title}: {} inputs, {} layers, loss {} ({}), batch of {}\n",
        doc.net.inputs(),
        doc.net.len(),
        doc.loss.kind.name(),
        doc.loss.reduction.name(),
        doc.batch()
    );
    s.push_str("Per-sample values have one row per sample; dL/dW is units x inputs, like the weights.\n");
    for (i, (lt, g)) in fwd.layers.iter().zip(&grads.layers).enumerate() {
        let n = i + 1;
        let layer = &doc.net.layers()[i];
        s.push_str(&format!(
            "\nlayer {n} ({}, {})\n",
            layer.activation.name(),
            units(layer.units())
        ));
        section(&mut s, &format!("z{n}"), &matrix_text(&lt.z, fmt, true));
        section(&mut s, &format!("a{n}"), &matrix_text(&lt.a, fmt, true));
        section(
            &mut s,
            &format!("delta{n} = dL/dz{n}"),
            &matrix_text(&g.delta, fmt, true),
        );
        section(&mut s, &format!("dL/dW{n}"), &matrix_text(&g.weights, fmt, false));
        section(&mut s, &format!("dL/db{n}"), &row_text(g.bias.iter(), fmt));
    }
    s.push('\n');
    section(&mut s, "dL/dx", &matrix_text(&grads.input, fmt, true));
    s.push_str(&format!("\nloss = {}\n", loss_text(grads.loss, args.digits)));
    emit(&s)?;
    if finite { Ok(()) } else { Err(non_finite()) }
}

/// The `expected` object of a reference case.
pub fn trace_json(fwd: &ForwardTrace, grads: &Gradients) -> Value {
    let layers: Vec<Value> = fwd
        .layers
        .iter()
        .zip(&grads.layers)
        .map(|(lt, g)| {
            json!({
                "z": json::samples(&lt.z),
                "a": json::samples(&lt.a),
                "delta": json::samples(&g.delta),
                "grad_weights": json::rows(&g.weights),
                "grad_bias": json::list(g.bias.iter()),
            })
        })
        .collect();
    json!({
        "loss": json::num(grads.loss),
        "layers": layers,
        "grad_input": json::samples(&grads.input),
    })
}

fn all_finite(fwd: &ForwardTrace, grads: &Gradients) -> bool {
    let m = |m: &Matrix| m.iter().all(|v| v.is_finite());
    grads.loss.is_finite()
        && m(&grads.input)
        && fwd.layers.iter().all(|l| m(&l.z) && m(&l.a))
        && grads
            .layers
            .iter()
            .all(|g| m(&g.delta) && m(&g.weights) && g.bias.iter().all(|v| v.is_finite()))
}

fn non_finite() -> CliError {
    CliError::failed(
        "the pass produced NaN or infinite values (the weights or inputs are too large for f64); JSON cannot hold them",
    )
}

/// The loss as text: full precision by default, so it can be compared with a hand calculation.
pub fn loss_text(v: f64, digits: Option<u8>) -> String {
    match digits {
        Some(d) => NumberFormat::Significant(d).fmt(v),
        None if v.is_finite() => format!("{v}"),
        None => NumberFormat::Auto.fmt(v),
    }
}

/// "1 unit", "4 units".
pub fn units(n: usize) -> String {
    if n == 1 { "1 unit".into() } else { format!("{n} units") }
}

/// Appends `name =` and the indented text below it.
pub fn section(s: &mut String, name: &str, body: &str) {
    s.push_str(&format!("  {name} =\n"));
    for line in body.lines() {
        s.push_str("    ");
        s.push_str(line);
        s.push('\n');
    }
}

/// A matrix as aligned rows; `samples = true` writes engine columns (samples) as rows.
pub fn matrix_text(m: &Matrix, fmt: NumberFormat, samples: bool) -> String {
    let (rows, cols) = if samples { (m.ncols(), m.nrows()) } else { m.shape() };
    let cell = |r: usize, c: usize| fmt.fmt(if samples { m[(c, r)] } else { m[(r, c)] });
    let cells: Vec<Vec<String>> = (0..rows).map(|r| (0..cols).map(|c| cell(r, c)).collect()).collect();
    let widths: Vec<usize> = (0..cols)
        .map(|c| cells.iter().map(|row| row[c].len()).max().unwrap_or(0))
        .collect();
    let mut s = String::new();
    for row in &cells {
        s.push('[');
        for (c, v) in row.iter().enumerate() {
            s.push_str(&format!(" {v:>w$}", w = widths[c]));
        }
        s.push_str(" ]\n");
    }
    s
}

/// A vector as one row.
pub fn row_text<'a>(values: impl Iterator<Item = &'a f64>, fmt: NumberFormat) -> String {
    let cells: Vec<String> = values.map(|v| fmt.fmt(*v)).collect();
    format!("[ {} ]\n", cells.join(" "))
}
