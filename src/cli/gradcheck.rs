//! `mlp-notebook gradcheck FILE [--json] [--eps H]`: every parameter's backprop gradient next
//! to its central finite difference `(L(p + h) - L(p - h)) / 2h`, with the relative error
//! `|bp - fd| / max(|bp|, |fd|, 1e-8)` and the worst one. Exit code 0 whatever the errors are:
//! a large error at a kink (ReLU at 0, MAE at a == y) is a lesson, not a failure.

use super::json;
use super::{CliError, args, emit, load};
use crate::nn::gradcheck::{GradCheck, gradcheck};
use clap::Args;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct GradcheckArgs {
    /// A network file (.json or .toml) or a reference case; `-` reads standard input.
    pub file: PathBuf,
    /// Print JSON: {"h", "params": [{"name", "backprop", "numeric", "rel_error"}], "worst"}.
    #[arg(long)]
    pub json: bool,
    /// The finite-difference step h.
    #[arg(long = "eps", value_name = "H", default_value = "1e-6", value_parser = args::positive, allow_negative_numbers = true)]
    pub h: f64,
}

pub fn run(a: &GradcheckArgs) -> Result<(), CliError> {
    let doc = load(&a.file)?;
    let check = gradcheck(&doc.net, &doc.input(), &doc.y, &doc.loss, a.h);
    if a.json {
        return emit(&json::to_text(&check_json(&check, a.h)));
    }
    let name_w = check.params.iter().map(|p| p.name.len()).max().unwrap_or(0).max(9);
    let mut s = format!(
        "{:<name_w$}  {:>21}  {:>21}  {:>10}\n",
        "parameter", "backprop", "finite difference", "rel. error"
    );
    for p in &check.params {
        s.push_str(&format!(
            "{:<name_w$}  {:>21.12e}  {:>21.12e}  {:>10.2e}\n",
            p.name, p.backprop, p.numeric, p.rel_error
        ));
    }
    match check.worst() {
        Some(w) => s.push_str(&format!(
            "\nworst: {} with relative error {:.3e} (h = {:e}, {} parameters)\n",
            w.name,
            w.rel_error,
            a.h,
            check.params.len()
        )),
        None => s.push_str("\nno parameters\n"),
    }
    emit(&s)
}

fn check_json(c: &GradCheck, h: f64) -> Value {
    let params: Vec<Value> = c
        .params
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "backprop": json::num(p.backprop),
                "numeric": json::num(p.numeric),
                "rel_error": json::num(p.rel_error),
            })
        })
        .collect();
    let worst = c.worst().map_or(
        Value::Null,
        |w| json!({ "name": w.name, "rel_error": json::num(w.rel_error) }),
    );
    json!({ "h": json::num(h), "params": params, "worst": worst })
}
