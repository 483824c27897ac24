//! Parses the command line, then runs a subcommand or opens the window. Nothing else.

//! In the browser (wasm32) there is no command line: `main` starts the page.

#[cfg(not(target_arch = "wasm32"))]
use clap::Parser as _;

#[cfg(target_arch = "wasm32")]
fn main() {
    mlp_notebook::window::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let cli = mlp_notebook::cli::Cli::parse();
    match cli.command {
        Some(cmd) => mlp_notebook::cli::run(cmd),
        None => mlp_notebook::window::run(cli.file),
    }
}
