//! The command line: subcommands over the engine.
//!
//! - [`trace`]: `trace FILE [--json]`, one forward and backward pass on the file's x and y.
//! - [`train`]: `train FILE --steps N`, full-batch optimizer steps; with `--data CSV --epochs E`
//!   it hands over to [`train_data`], mini-batch training on a CSV data set.
//! - [`summary`], [`gradcheck`], [`init`]: a Keras-like summary, a finite-difference check, and
//!   a freshly initialised network file.
//! - [`lint`], [`solve`], [`check`]: a lesson's problems with line and column, its answer key
//!   with worked solutions, and grading students' submissions.
//! - [`export`]: a network or a training cell as a PyTorch, Keras or NumPy script.
//! - [`worksheet`]: a printable worksheet (HTML) of a lesson or network, or its answer key.
//! - [`import`], [`export_weights`]: weight files for PyTorch (safetensors) and NumPy (.npz),
//!   read into a network file and written from one (through [`crate::bridge`]).
//! - [`args`]: value parsers shared by the flags; [`json`]: the JSON the subcommands print.
//!
//! Shapes on the command line follow the files: samples are rows (`B x units`), weights are
//! `units x in`. The engine stores samples as columns; the transposition happens here.
//!
//! Exit codes: 0 success; 1 a value became NaN or infinite (or the output could not be
//! written); 2 bad input (unreadable or invalid file, bad flag values), with every problem
//! printed to stderr as `error: FILE: line L, column C: ...`.

pub mod args;
pub mod check;
pub mod export;
pub mod export_weights;
pub mod gradcheck;
pub mod import;
pub mod init;
pub mod json;
pub mod lint;
pub mod solve;
pub mod summary;
pub mod trace;
pub mod train;
pub mod train_data;
pub mod worksheet;

use crate::files;
use crate::lesson::{self, Lesson};
use crate::nn::doc::{DocError, NetworkDoc, Syntax};
use clap::{Parser, Subcommand};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The exit codes, for `--help`.
pub const EXIT_CODES: &str = "Exit codes: 0 success; 1 a loss, gradient or weight became NaN or infinite \
(training stops and says where), or the output could not be written; 2 bad input (unreadable or invalid file, \
bad flag values), with every problem listed on stderr.";

/// MLP Notebook: learn multilayer perceptrons by touching every number.
///
/// Without a subcommand it opens the window (on FILE if given).
#[derive(Parser, Debug)]
#[command(name = "mlp-notebook", version, about, args_conflicts_with_subcommands = true, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A lesson or network file to open in the window.
    pub file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Forward and backward pass on the file's x and y: every z, a, delta and gradient.
    Trace(trace::TraceArgs),
    /// Train: full-batch optimizer steps (--steps), or mini-batches on a CSV (--data).
    Train(Box<train::TrainArgs>),
    /// A table of the layers and their parameter counts, like Keras' model.summary().
    Summary(summary::SummaryArgs),
    /// Compare every backprop gradient with central finite differences.
    Gradcheck(gradcheck::GradcheckArgs),
    /// Print a freshly initialised network file (TOML by default) to stdout.
    Init(init::InitArgs),
    /// Check a lesson file: every problem as FILE:LINE:COLUMN: message (exit code 2 if any).
    Lint(lint::LintArgs),
    /// Print a lesson's answer key with worked solutions, as Markdown.
    Solve(solve::SolveArgs),
    /// Grade submissions against a lesson: a table of points per exercise (and --csv).
    Check(check::CheckArgs),
    /// A network, or a lesson's network or training cell, as a PyTorch, Keras or NumPy script;
    /// or a network's weights for PyTorch (.safetensors) or NumPy (.npz).
    Export(export::ExportArgs),
    /// A printable worksheet (HTML) of a lesson or network laid out by hand; --answers for the key.
    Worksheet(worksheet::WorksheetArgs),
    /// Print a network file (TOML) of a weight file from PyTorch (.safetensors) or NumPy (.npz).
    Import(import::ImportArgs),
    /// Time the engine on three reference workloads (w1 step, w3 step, w4 grid) as the browser
    /// page does, one JSON line each: {"name", "seconds", "rounds"}.
    Speed,
}

/// Why a subcommand failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CliError {
    /// Bad input: every problem found (exit code 2).
    BadInput(Vec<String>),
    /// A computation produced NaN or infinity, or output failed (exit code 1).
    Failed(Vec<String>),
}

impl CliError {
    pub fn bad(problem: impl Into<String>) -> CliError {
        CliError::BadInput(vec![problem.into()])
    }

    pub fn failed(problem: impl Into<String>) -> CliError {
        CliError::Failed(vec![problem.into()])
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Failed(_) => 1,
        }
    }

    pub fn problems(&self) -> &[String] {
        match self {
            CliError::BadInput(p) | CliError::Failed(p) => p,
        }
    }
}

impl From<DocError> for CliError {
    fn from(e: DocError) -> Self {
        CliError::BadInput(e.problems)
    }
}

/// Prints the engine's times on the reference workloads (see [`crate::speed`]).
fn speed() -> Result<(), CliError> {
    let timings = crate::speed::run(std::time::Duration::from_millis(500)).map_err(CliError::failed)?;
    for t in timings {
        println!(
            "{}",
            serde_json::to_string(&t).map_err(|e| CliError::failed(e.to_string()))?
        );
    }
    Ok(())
}

/// Runs a subcommand and turns its result into an exit code, printing every problem.
pub fn run(cmd: Command) -> ExitCode {
    let result = match cmd {
        Command::Trace(a) => trace::run(&a),
        Command::Train(a) => train::run(&a),
        Command::Summary(a) => summary::run(&a),
        Command::Gradcheck(a) => gradcheck::run(&a),
        Command::Init(a) => init::run(&a),
        Command::Lint(a) => lint::run(&a),
        Command::Solve(a) => solve::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Worksheet(a) => worksheet::run(&a),
        Command::Export(a) => export::run(&a),
        Command::Import(a) => import::run(&a),
        Command::Speed => speed(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = io::stderr().lock();
            for p in e.problems() {
                let _ = writeln!(err, "error: {p}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Loads a network file, or standard input for `-`.
pub fn load(path: &Path) -> Result<NetworkDoc, CliError> {
    if path.as_os_str() == "-" {
        let text = files::read_limited(io::stdin().lock(), "-").map_err(|e| CliError::bad(e.to_string()))?;
        return Ok(files::parse_network("-", &text)?);
    }
    Ok(files::load_network(path)?)
}

/// Where the files a lesson names may be read from: its own folder, or (for an instructor who
/// trusts the lesson) anywhere. Flattened into every subcommand that reads a lesson.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct LessonPaths {
    /// Let the lesson read files outside its own folder (network files by `path`): absolute
    /// paths, `..` and links that lead out. Without it such a lesson is refused, as in the window.
    #[arg(long)]
    pub allow_outside_paths: bool,
}

impl LessonPaths {
    /// Reads a file the lesson at `lesson` names as `name`.
    pub fn read(self, lesson: &Path, name: &str) -> Result<String, String> {
        let dir = match lesson.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let read = if self.allow_outside_paths {
            files::read_text(&dir.join(name))
        } else {
            files::read_inside(dir, name)
        };
        read.map_err(|e| match e {
            files::FileError::Outside { .. } => format!("{e}; --allow-outside-paths lets it"),
            _ => e.to_string(),
        })
    }
}

/// Reads a lesson file; the network files it names are read from its folder (`paths`). Every
/// problem is listed as `FILE:LINE:COLUMN: message` (or `FILE: message` where the place is
/// unknown).
pub fn read_lesson(path: &Path, paths: LessonPaths) -> Result<Lesson, CliError> {
    let text = files::read_text(path).map_err(|e| CliError::bad(e.to_string()))?;
    parse_lesson_file(path, &text, paths)
}

/// [`read_lesson`] for text already read from `path`.
pub fn parse_lesson_file(path: &Path, text: &str, paths: LessonPaths) -> Result<Lesson, CliError> {
    parse_lesson_with(path, text, paths, lesson::load)
}

/// [`parse_lesson_file`] with lint's checks too (`lint` reads the data files and samples the
/// students' variants).
pub fn lint_lesson_file(path: &Path, text: &str, paths: LessonPaths) -> Result<Lesson, CliError> {
    parse_lesson_with(path, text, paths, lesson::load::lint)
}

type Loader = fn(&str, Syntax, lesson::load::Resolver<'_>) -> Result<Lesson, lesson::load::LessonError>;

fn parse_lesson_with(path: &Path, text: &str, paths: LessonPaths, load: Loader) -> Result<Lesson, CliError> {
    let name = path.display().to_string();
    let resolve = |p: &str| paths.read(path, p);
    let syntax = files::syntax_for_path(path).unwrap_or_else(|| Syntax::guess(&name, text));
    load(text, syntax, &resolve).map_err(|e| {
        CliError::BadInput(
            e.problems
                .iter()
                .map(|p| match (p.line, p.column) {
                    (Some(l), Some(c)) => format!("{name}:{l}:{c}: {}", p.message),
                    _ => format!("{name}: {}", p.message),
                })
                .collect(),
        )
    })
}

/// Checks before any work that `--out` names a file type we can write.
pub fn check_out_path(out: Option<&Path>) -> Result<(), CliError> {
    match out {
        Some(p) if files::syntax_for_path(p).is_none() => Err(CliError::bad(format!(
            "--out {}: unknown file type; give a name ending in .json or .toml",
            p.display()
        ))),
        _ => Ok(()),
    }
}

/// Writes a network file for `--out`.
pub fn save(path: &Path, doc: &NetworkDoc) -> Result<(), CliError> {
    files::save_network(path, doc).map_err(|e| match e {
        files::FileError::UnknownExtension { .. } => CliError::bad(e.to_string()),
        _ => CliError::failed(e.to_string()),
    })
}

/// Prints `text` to stdout. A closed pipe (`| head`) ends the output quietly.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failed(format!("cannot write to stdout: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_file_without_a_subcommand_opens_the_window() {
        let cli = Cli::try_parse_from(["mlp-notebook", "lesson.toml"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.file, Some(PathBuf::from("lesson.toml")));
        let cli = Cli::try_parse_from(["mlp-notebook", "trace", "net.json", "--json"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Trace(ref a)) if a.json && a.file == Path::new("net.json")));
        assert!(cli.file.is_none());
    }

    #[test]
    fn data_flags_need_data_and_steps_exclude_it() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["mlp-notebook", "train", "n.toml"], args].concat());
        assert!(parse(&["--epochs", "3"]).is_err());
        assert!(parse(&["--data", "d.csv"]).is_err());
        assert!(parse(&["--data", "d.csv", "--epochs", "3", "--steps", "2"]).is_err());
        assert!(parse(&["--data", "d.csv", "--epochs", "3", "--min-delta", "0.1"]).is_err());
        assert!(
            parse(&[
                "--data",
                "d.csv",
                "--epochs",
                "3",
                "--early-stopping",
                "2",
                "--restore-best"
            ])
            .is_ok()
        );
        assert!(parse(&["--steps", "2", "--nesterov", "--momentum", "0.9"]).is_ok());
    }

    #[test]
    fn optimizer_flags_switch_kind_from_defaults() {
        use crate::nn::{OptimizerConfig, OptimizerKind};
        let file = OptimizerConfig {
            eps: 0.5,
            ..OptimizerConfig::sgd(0.3)
        };
        let same = train::OptimizerFlags {
            momentum: Some(0.9),
            ..Default::default()
        };
        let c = same.apply(file).unwrap();
        assert_eq!((c.kind, c.lr, c.momentum, c.eps), (OptimizerKind::Sgd, 0.3, 0.9, 0.5));
        let switch = train::OptimizerFlags {
            optimizer: Some(OptimizerKind::Adamw),
            beta2: Some(0.99),
            ..Default::default()
        };
        let c = switch.apply(file).unwrap();
        let d = OptimizerConfig::defaults(OptimizerKind::Adamw);
        assert_eq!(c, OptimizerConfig { beta2: 0.99, ..d });
    }
}
