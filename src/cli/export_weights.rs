//! `mlp-notebook export FILE --to safetensors|npz -o OUT`: a network file's weights for PyTorch
//! or NumPy. safetensors keeps PyTorch's state_dict names for a `Sequential` (`0.weight`,
//! `0.bias`, `2.weight`, ...; `out x in`, float64) and the activations, loss, input count and
//! scaling as metadata, so `import` (and the window) reopen it whole; `.npz` holds `W1`, `b1`,
//! ... for `np.load`. Without `--to` the format follows OUT's extension.

use super::{CliError, emit, load};
use crate::bridge::weights::WeightFormat;
use crate::files;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// The formats `export` writes weights in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WeightsTo {
    Safetensors,
    Npz,
}

impl WeightsTo {
    fn format(self) -> WeightFormat {
        match self {
            WeightsTo::Safetensors => WeightFormat::Safetensors,
            WeightsTo::Npz => WeightFormat::Npz,
        }
    }
}

#[derive(Args, Debug)]
pub struct ExportWeightsArgs {
    /// A network file (.json or .toml) or a reference case; `-` reads standard input.
    pub file: PathBuf,
    /// The format (default: from OUT's extension).
    #[arg(long)]
    pub to: Option<WeightsTo>,
    /// The file to write (the weights are binary: they are not printed).
    #[arg(short, long, value_name = "OUT")]
    pub out: PathBuf,
}

pub fn run(a: &ExportWeightsArgs) -> Result<(), CliError> {
    let shown = a.out.display().to_string();
    let format = match a.to {
        Some(t) => t.format(),
        None => WeightFormat::from_file_name(&shown).ok_or_else(|| {
            CliError::bad(format!(
                "-o {shown}: unknown file type; give --to safetensors or --to npz, or a name ending in .safetensors or .npz"
            ))
        })?,
    };
    let doc = load(&a.file)?;
    let bytes = format.write(&doc).map_err(|e| CliError::failed(e.to_string()))?;
    files::write_atomic(&a.out, &bytes).map_err(|e| CliError::failed(e.to_string()))?;
    emit(&format!(
        "wrote {} ({} layers, {} bytes)\n",
        shown,
        doc.net.len(),
        bytes.len()
    ))
}
