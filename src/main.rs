//! Parses the command line, then runs a subcommand or opens the window. Nothing else.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = mlp_notebook::cli::Cli::parse();
    match cli.command {
        Some(cmd) => mlp_notebook::cli::run(cmd),
        None => mlp_notebook::window::run(cli.file),
    }
}
