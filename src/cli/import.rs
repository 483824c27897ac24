//! `mlp-notebook import FILE [--activations relu,relu,identity] [--loss mse] [--x ROWS --y ROWS]`:
//! a weight file written by PyTorch (`safetensors`, a `Sequential` of `Linear` layers) or NumPy
//! (`.npz` with `W1`, `b1`, ...) printed as a network file (TOML, or JSON with `--json`), ready
//! for `trace`, `train` and the window.
//!
//! Without metadata in the file the hidden layers are relu and the output identity unless
//! `--activations` says otherwise; the file's own metadata (the app's safetensors files) is
//! taken as it is, and the flags override it. The samples default to one sample of zeros.

use super::{CliError, emit};
use crate::bridge::weights::{Choices, MAX_WEIGHT_FILE_BYTES, WeightFormat};
use crate::files;
use crate::nn::doc::{NetworkDoc, Samples, Syntax};
use crate::nn::{Loss, LossKind, Reduction};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A .safetensors file (PyTorch's state_dict of a Sequential) or an .npz (W1, b1, W2, ...).
    pub file: PathBuf,
    /// One activation per layer, comma separated (default: the file's, else relu hidden and
    /// identity output).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = super::args::activation)]
    pub activations: Option<Vec<crate::nn::Activation>>,
    /// The loss (default: the file's, else mse).
    #[arg(long, value_parser = super::args::loss_kind)]
    pub loss: Option<LossKind>,
    /// The loss's reduction (default: the loss's own: sum for sse_half, mean for the rest).
    #[arg(long, value_parser = ["mean", "sum"], requires = "loss")]
    pub reduction: Option<String>,
    /// Samples as JSON rows, e.g. [[1, 2, 3], [0, 1, 0]] (default: one sample of zeros).
    #[arg(long, value_name = "ROWS")]
    pub x: Option<String>,
    /// Targets as JSON rows, one per sample (default: zeros).
    #[arg(long, value_name = "ROWS", requires = "x")]
    pub y: Option<String>,
    /// Print JSON instead of TOML.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &ImportArgs) -> Result<(), CliError> {
    let doc = import(a)?;
    let syntax = if a.json { Syntax::Json } else { Syntax::Toml };
    let text = doc.write(syntax).map_err(|e| CliError::failed(e.to_string()))?;
    emit(&text)
}

/// The network document of `a.file` with the flags applied.
pub fn import(a: &ImportArgs) -> Result<NetworkDoc, CliError> {
    let shown = a.file.display().to_string();
    let bytes = files::read_bytes(&a.file, MAX_WEIGHT_FILE_BYTES).map_err(|e| CliError::bad(e.to_string()))?;
    let format = WeightFormat::guess(&shown, &bytes);
    let imported = format
        .read(&bytes)
        .map_err(|e| CliError::bad(format!("{shown}: {e}")))?;
    let loss = a.loss.map(|kind| Loss {
        kind,
        reduction: match a.reduction.as_deref() {
            Some("sum") => Reduction::Sum,
            Some(_) => Reduction::Mean,
            None => kind.default_reduction(),
        },
    });
    let choices = Choices {
        activations: a.activations.clone(),
        loss,
    };
    let doc = imported
        .to_doc(&choices)
        .map_err(|e| CliError::bad(format!("{shown}: {e}")))?;
    if a.x.is_none() {
        return Ok(doc);
    }
    // With samples, the whole file goes through the network file's checks once more.
    let mut file = doc.to_file();
    file.x = parse_rows("--x", a.x.as_deref())?;
    file.y = parse_rows("--y", a.y.as_deref())?;
    Ok(file.validate()?)
}

fn parse_rows(flag: &str, text: Option<&str>) -> Result<Option<Samples>, CliError> {
    text.map(|t| {
        serde_json::from_str::<Samples>(t)
            .map_err(|e| CliError::bad(format!("{flag}: {}", crate::nn::doc::json_message(&e))))
    })
    .transpose()
}
