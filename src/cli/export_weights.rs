//! `mlp-notebook export FILE --to safetensors|npz -o OUT` (the `export` command's weight
//! targets): a network's weights for PyTorch or NumPy. safetensors keeps PyTorch's state_dict
//! names for a `Sequential` (`0.weight`, `0.bias`, `2.weight`, ...; `out x in`, float64) and the
//! activations, loss, input count and scaling as metadata, so `import` (and the window) reopen
//! it whole; `.npz` holds `W1`, `b1`, ... for `np.load`. FILE is a network file, a reference
//! case, `-` (standard input) or a lesson (its network cell, `--cell N` to choose).

use super::export::{ExportArgs, pick_cell};
use super::{CliError, emit, load, parse_lesson_file};
use crate::bridge::weights::WeightFormat;
use crate::files;
use crate::lesson::Cell;
use crate::nn::doc::{NetworkDoc, Syntax};

/// Writes the weights of `args.file` (or of the lesson's network cell) to `-o`.
pub fn write(format: WeightFormat, args: &ExportArgs) -> Result<(), CliError> {
    let Some(out) = args.out.as_deref() else {
        return Err(CliError::bad(
            "-o OUT is needed: a weight file is binary and is not printed",
        ));
    };
    if args.steps != 0 {
        return Err(CliError::bad(
            "--steps is for scripts: a weight file holds the network as it is (train it first with `train --out`)",
        ));
    }
    let doc = network(args)?;
    let bytes = format.write(&doc).map_err(|e| CliError::failed(e.to_string()))?;
    files::write_atomic(out, &bytes).map_err(|e| CliError::failed(e.to_string()))?;
    emit(&format!(
        "wrote {} ({} layers, {} bytes)\n",
        out.display(),
        doc.net.len(),
        bytes.len()
    ))
}

/// The network a weight file is written from: the file itself, or a lesson's network cell.
fn network(args: &ExportArgs) -> Result<NetworkDoc, CliError> {
    let path = &args.file;
    if path.as_os_str() == "-" {
        return load(path);
    }
    let text = files::read_text(path).map_err(|e| CliError::bad(e.to_string()))?;
    let name = path.display().to_string();
    let syntax = files::syntax_for_path(path).unwrap_or_else(|| Syntax::guess(&name, &text));
    if !crate::lesson::is_lesson(&text, syntax) {
        if args.cell.is_some() {
            return Err(CliError::bad(format!("--cell: {name} is a network file, not a lesson")));
        }
        return Ok(files::parse_network(&name, &text)?);
    }
    let lesson = parse_lesson_file(path, &text, args.paths)?;
    let index = pick_cell(&lesson.cells, args.cell)?;
    match &lesson.cells[index] {
        Cell::Network(c) => Ok(c.doc.clone()),
        _ => Err(CliError::bad(format!(
            "cell {} is a training cell: its weights are made when it trains; save the trained network \
             (File > Save trained network... in the window) and export that file",
            index + 1
        ))),
    }
}
