//! Parses the command line, then runs a subcommand or opens the window. Nothing else.

//! In the browser (wasm32) there is no command line: `main` starts the page.

#[cfg(not(target_arch = "wasm32"))]
use clap::Parser as _;

#[cfg(all(target_arch = "wasm32", feature = "gui"))]
fn main() {
    mlp_notebook::window::web::start();
}

/// A browser build without the window has nothing to show.
#[cfg(all(target_arch = "wasm32", not(feature = "gui")))]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let cli = mlp_notebook::cli::Cli::parse();
    match cli.command {
        Some(cmd) => mlp_notebook::cli::run(cmd),
        None => open_window(cli.file),
    }
}

#[cfg(all(not(target_arch = "wasm32"), feature = "gui"))]
fn open_window(file: Option<std::path::PathBuf>) -> std::process::ExitCode {
    mlp_notebook::window::run(file)
}

/// Built without the `gui` feature: only the subcommands are there.
#[cfg(all(not(target_arch = "wasm32"), not(feature = "gui")))]
fn open_window(_file: Option<std::path::PathBuf>) -> std::process::ExitCode {
    eprintln!(
        "error: this mlp-notebook was built without its window (the `gui` feature); \
         give a subcommand (see --help), or build it with default features to open the window"
    );
    std::process::ExitCode::from(2)
}
