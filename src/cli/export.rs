//! `mlp-notebook export FILE --to pytorch|keras|numpy|safetensors|npz [--steps N] [-o OUT]
//! [--cell N]`: a network file, a reference case, or a lesson's network or training cell as a
//! script, or a network's weights as a file for PyTorch or NumPy (see [`crate::bridge`]).
//! Without `-o` a script goes to stdout; a training cell whose data is too large to inline
//! needs `-o`, and its CSV is written beside the script. Weights are binary and need `-o`
//! (`export_weights.rs`); without `--to`, an OUT ending in .safetensors or .npz names the format.

use super::{CliError, EXIT_CODES, LessonPaths, emit, parse_lesson_file};
use crate::bridge::script::TrainingSource;
use crate::bridge::weights::WeightFormat;
use crate::bridge::{self, Script, ScriptKind, Source};
use crate::files;
use crate::lesson::Cell;
use crate::nn::doc::Syntax;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// What `--to` names. One match ([`Target::write`]) turns each into its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// A PyTorch script (.py): nn.Sequential, the exact weights, torch.optim.
    Pytorch,
    /// A Keras 3 script (.py): keras.Sequential of Dense layers, compile and fit.
    Keras,
    /// A NumPy script (.py): every pass written out layer by layer.
    Numpy,
    /// PyTorch's weight file: the state_dict of a Sequential, with the activations and loss.
    Safetensors,
    /// NumPy's np.savez archive: W1, b1, W2, ...
    Npz,
}

#[derive(Args, Debug)]
#[command(after_help = EXIT_CODES)]
pub struct ExportArgs {
    /// A network file (.json or .toml), a reference case, or a lesson.
    pub file: PathBuf,
    /// What to write (default: from OUT's extension, .safetensors or .npz).
    #[arg(long, value_enum)]
    pub to: Option<Target>,
    /// Full-batch optimizer steps the script runs on the network's x and y before printing
    /// `train --steps N --json`'s JSON; 0 (the default) prints `trace --json`'s.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub steps: usize,
    /// Write the script to this file (a training cell's large data set goes beside it as
    /// STEM_data.csv) instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// For a lesson: the cell to export, counted from 1 over all its cells (default: the first
    /// network or training cell).
    #[arg(long, value_name = "N")]
    pub cell: Option<usize>,
    #[command(flatten)]
    pub paths: LessonPaths,
}

impl Target {
    /// Writes the export of `args.file` to `-o` or stdout.
    fn write(self, args: &ExportArgs) -> Result<(), CliError> {
        match self {
            Target::Pytorch => write_script(ScriptKind::Pytorch, args),
            Target::Keras => write_script(ScriptKind::Keras, args),
            Target::Numpy => write_script(ScriptKind::Numpy, args),
            Target::Safetensors => super::export_weights::write(WeightFormat::Safetensors, args),
            Target::Npz => super::export_weights::write(WeightFormat::Npz, args),
        }
    }
}

pub fn run(args: &ExportArgs) -> Result<(), CliError> {
    let to = match args.to {
        Some(t) => t,
        None => match args
            .out
            .as_deref()
            .map(|o| WeightFormat::from_file_name(&o.display().to_string()))
        {
            Some(Some(WeightFormat::Safetensors)) => Target::Safetensors,
            Some(Some(WeightFormat::Npz)) => Target::Npz,
            _ => {
                return Err(CliError::bad(
                    "--to is needed: pytorch, keras or numpy for a script, safetensors or npz for the weights \
                     (or -o OUT ending in .safetensors or .npz)",
                ));
            }
        },
    };
    to.write(args)
}

/// The stem data files are named after: the output's, else the input's.
fn stem(args: &ExportArgs) -> String {
    args.out
        .as_deref()
        .unwrap_or(&args.file)
        .file_stem()
        .map_or_else(|| "network".into(), |s| s.to_string_lossy().into_owned())
}

fn write_script(kind: ScriptKind, args: &ExportArgs) -> Result<(), CliError> {
    let path = &args.file;
    let text = files::read_text(path).map_err(|e| CliError::bad(e.to_string()))?;
    let name = path.display().to_string();
    let syntax = files::syntax_for_path(path).unwrap_or_else(|| Syntax::guess(&name, &text));
    let stem = stem(args);
    let script = if crate::lesson::is_lesson(&text, syntax) {
        let lesson = parse_lesson_file(path, &text, args.paths)?;
        let index = pick_cell(&lesson.cells, args.cell)?;
        match &lesson.cells[index] {
            Cell::Network(c) => export(kind, &Source::Network(&c.doc), args.steps, &stem)?,
            Cell::Training(setup) => {
                let read = |p: &str| args.paths.read(path, p);
                let t = TrainingSource::prepare(setup, &read).map_err(|e| CliError::bad(format!("{name}: {e}")))?;
                export(kind, &Source::Training(Box::new(t)), args.steps, &stem)?
            }
            _ => unreachable_cell(index)?,
        }
    } else {
        if args.cell.is_some() {
            return Err(CliError::bad(format!("--cell: {name} is a network file, not a lesson")));
        }
        let doc = files::parse_network(&name, &text)?;
        export(kind, &Source::Network(&doc), args.steps, &stem)?
    };
    output(args.out.as_deref(), &script)
}

fn unreachable_cell(index: usize) -> Result<Script, CliError> {
    Err(CliError::bad(format!(
        "cell {} is neither a network nor a training cell",
        index + 1
    )))
}

fn export(kind: ScriptKind, source: &Source, steps: usize, stem: &str) -> Result<Script, CliError> {
    bridge::export(kind, source, steps, stem).map_err(|e| CliError::bad(e.to_string()))
}

/// The index of the cell `--cell` names (from 1), or of the first network or training cell.
pub fn pick_cell(cells: &[Cell], cell: Option<usize>) -> Result<usize, CliError> {
    let exportable: Vec<(usize, &str)> = cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Cell::Network(_) => Some((i, "network")),
            Cell::Training(_) => Some((i, "training")),
            _ => None,
        })
        .collect();
    let list = || {
        exportable
            .iter()
            .map(|(i, k)| format!("{} ({k})", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match cell {
        None => exportable
            .first()
            .map(|(i, _)| *i)
            .ok_or_else(|| CliError::bad("the lesson has no network or training cell to export")),
        Some(n) if exportable.iter().any(|(i, _)| i + 1 == n) => Ok(n - 1),
        Some(n) if exportable.is_empty() => Err(CliError::bad(format!(
            "--cell {n}: the lesson has no network or training cell to export"
        ))),
        Some(n) => Err(CliError::bad(format!(
            "--cell {n}: {}; the cells that can be exported are {}",
            if n == 0 || n > cells.len() {
                format!("the lesson has cells 1 to {}", cells.len())
            } else {
                "that cell is neither a network nor a training cell".to_string()
            },
            list()
        ))),
    }
}

/// Writes the script (and its data file beside it) to `out`, or prints it.
fn output(out: Option<&Path>, script: &Script) -> Result<(), CliError> {
    let Some(out) = out else {
        if let Some((name, _)) = &script.data_file {
            return Err(CliError::bad(format!(
                "the data set is too large to write into the script; give -o FILE so that {name} can be written beside it"
            )));
        }
        return emit(&script.text);
    };
    let write =
        |p: &Path, text: &str| files::write_atomic(p, text.as_bytes()).map_err(|e| CliError::failed(e.to_string()));
    if let Some((name, csv)) = &script.data_file {
        let dir = out.parent().unwrap_or(Path::new(""));
        write(&dir.join(name), csv)?;
    }
    write(out, &script.text)
}
