//! Application state, commands, undo history, file access and the eframe glue.

use std::path::PathBuf;
use std::process::ExitCode;

/// Opens the window (on `file` if given, else on the built-in lesson).
pub fn run_window(file: Option<PathBuf>) -> ExitCode {
    let _ = file;
    eprintln!("the window is being built; use a subcommand (see --help)");
    ExitCode::SUCCESS
}
