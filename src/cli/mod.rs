//! The command line: subcommands over the engine.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// MLP Notebook: learn multilayer perceptrons by touching every number.
#[derive(Parser, Debug)]
#[command(name = "mlp-notebook", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A lesson or network file to open in the window.
    pub file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Forward and backward pass on the file's x and y.
    Trace { file: PathBuf },
}

/// Runs a subcommand; exit code 2 on bad input.
pub fn run(cmd: Command) -> ExitCode {
    let _ = cmd;
    ExitCode::SUCCESS
}
