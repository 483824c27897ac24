//! `mlp-notebook init --layers 3,4,4,2 ...`: prints a freshly initialised network file.
//!
//! The file holds one zero sample as `x` and zero targets as `y` (for cross-entropy, class 1
//! as a one-hot row, since its targets must sum to 1) and SGD with torch.optim's defaults, so
//! `init ... > net.toml` followed by `trace net.toml` works straight away.

use super::{CliError, args, emit};
use crate::nn::doc::{MAX_PARAMS, NetworkDoc, Syntax};
use crate::nn::init::{Init, init_network};
use crate::nn::{Activation, Loss, LossKind, Matrix, OptimizerConfig, OptimizerKind};
use clap::{Args, ValueEnum};

/// The largest `k` accepted for small-integers (weights in [-k, k]).
const MAX_SMALL_INTEGER: f64 = 1_000_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Toml,
    Json,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Widths, inputs first: 3,4,4,2 is 3 inputs, two hidden layers of 4, 2 outputs.
    #[arg(long, value_name = "WIDTHS", value_delimiter = ',', required = true)]
    pub layers: Vec<usize>,
    /// Activation of the hidden layers.
    #[arg(long, value_name = "NAME", default_value = "relu", value_parser = args::activation)]
    pub activation: Activation,
    /// Activation of the output layer.
    #[arg(long, value_name = "NAME", default_value = "identity", value_parser = args::activation)]
    pub output_activation: Activation,
    /// How to fill the weights: zeros, constant, uniform, normal, xavier-uniform, xavier-normal,
    /// he-uniform, he-normal, lecun, small-integers.
    #[arg(long, value_name = "NAME", default_value = "small-integers", value_parser = args::init_name)]
    pub init: String,
    /// The initialiser's one parameter: k for small-integers (default 2), the value for
    /// constant (0.1), the range r of uniform [-r, r] (0.1), the std of normal (0.1).
    #[arg(long, value_name = "K", value_parser = args::finite, allow_negative_numbers = true)]
    pub init_param: Option<f64>,
    /// Seed of the ChaCha8 stream; the same seed gives the same file on every machine.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The loss.
    #[arg(long, value_name = "NAME", default_value = "mse", value_parser = args::loss_kind)]
    pub loss: LossKind,
    /// The file syntax written to stdout.
    #[arg(long, value_enum, default_value_t = Format::Toml)]
    pub format: Format,
    /// A name stored in the file.
    #[arg(long)]
    pub name: Option<String>,
}

pub fn run(a: &InitArgs) -> Result<(), CliError> {
    let doc = build(a)?;
    let syntax = match a.format {
        Format::Toml => Syntax::Toml,
        Format::Json => Syntax::Json,
    };
    let text = doc
        .write(syntax)
        .map_err(|e| CliError::failed(format!("the network could not be written as text: {e}")))?;
    emit(&text)
}

/// The document `init` prints, validated as a file would be.
pub fn build(a: &InitArgs) -> Result<NetworkDoc, CliError> {
    let widths = &a.layers;
    let mut problems = Vec::new();
    if widths.len() < 2 {
        problems.push("--layers needs the input width and at least one layer, e.g. 3,4,2".to_string());
    }
    if widths.contains(&0) {
        problems.push(format!("--layers {}: every width must be at least 1", join(widths)));
    }
    let params = widths.windows(2).fold(0usize, |acc, w| {
        acc.saturating_add(w[1].saturating_mul(w[0].saturating_add(1)))
    });
    if params > MAX_PARAMS {
        problems.push(format!(
            "--layers {}: the network would have {params} parameters; the limit is {MAX_PARAMS}",
            join(widths)
        ));
    }
    let init = init_with_param(&a.init, a.init_param).unwrap_or_else(|p| {
        problems.push(p);
        Init::Zeros
    });
    if !problems.is_empty() {
        return Err(CliError::BadInput(problems));
    }
    let net = init_network(widths, a.activation, a.output_activation, init, a.seed).map_err(CliError::BadInput)?;
    let loss = Loss::new(a.loss);
    let (inputs, outputs) = (net.inputs(), net.outputs());
    let mut y = Matrix::zeros(outputs, 1);
    if a.loss == LossKind::CrossEntropy {
        y[(0, 0)] = 1.0;
    }
    let doc = NetworkDoc {
        name: a.name.clone(),
        net,
        loss,
        x: Matrix::zeros(inputs, 1),
        y,
        optimizer: OptimizerConfig::defaults(OptimizerKind::Sgd),
        case_steps: None,
        scaling: None,
    };
    // Check it as a file: a softmax output needs cross_entropy, bce a sigmoid output, ...
    doc.to_file().validate().map_err(|e| {
        // The file's problems, put in the command line's terms.
        let problems = e
            .problems
            .into_iter()
            .map(|p| {
                if p.contains("needs the cross_entropy loss") {
                    format!("{p} (add --loss cross_entropy)")
                } else {
                    p
                }
            })
            .collect();
        CliError::BadInput(problems)
    })?;
    Ok(doc)
}

fn init_with_param(name: &str, param: Option<f64>) -> Result<Init, String> {
    let bad = |what: &str| format!("--init-param for {name} must be {what}");
    if let Some(p) = param {
        match name {
            "small-integers" if !(p.fract() == 0.0 && (0.0..=MAX_SMALL_INTEGER).contains(&p)) => {
                return Err(bad(&format!("a whole number from 0 to {MAX_SMALL_INTEGER}, got {p}")));
            }
            "uniform" | "normal" if p < 0.0 => return Err(bad(&format!("0 or more, got {p}"))),
            "small-integers" | "uniform" | "normal" | "constant" => {}
            _ => {
                return Err(format!(
                    "--init-param is used by constant, uniform, normal and small-integers, not by {name}"
                ));
            }
        }
    }
    Init::from_name(name, param)
        .ok_or_else(|| format!("unknown initialiser '{name}'; valid: {}", Init::NAMES.join(", ")))
}

fn join(widths: &[usize]) -> String {
    widths.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
}
