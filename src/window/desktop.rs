//! The desktop window: the state it starts with (the built-in lesson, the remembered settings,
//! a file named on the command line) and eframe's native run loop.

use super::NotebookApp;
use super::native::NativeDialogs;
use crate::app::AppState;
use std::path::PathBuf;
use std::process::ExitCode;

/// The state the window starts with: the built-in lesson, the settings remembered in
/// `storage` (the student's name rebuilds the lesson with their variants), then `file`.
/// Settings that cannot be read come back as their text (see [`super::starting_state`]).
pub fn initial_state(
    storage: Option<&dyn eframe::Storage>,
    file: Option<&std::path::Path>,
) -> (AppState, Option<String>) {
    let (mut state, unreadable) = super::starting_state(Box::new(NativeDialogs::default()), storage);
    if let Some(f) = file {
        state.open_path(f);
    }
    // Unsaved changes a window left behind (a crash, kill -9) are offered.
    state.offer_recovery();
    (state, unreadable)
}

/// Opens the window (on `file` if given, else on the built-in lesson).
pub fn run(file: Option<PathBuf>) -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("MLP Notebook")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        persist_window: true,
        ..Default::default()
    };
    let result = eframe::run_native(
        "MLP Notebook",
        options,
        Box::new(move |cc| {
            // Zoom is the app's own setting (View menu, Ctrl+Plus/Minus/0), remembered between runs.
            cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
            let (state, unreadable) = initial_state(cc.storage, file.as_deref());
            Ok(Box::new(NotebookApp::new(state).keep_unreadable_settings(unreadable)))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not open the window: {e}");
            ExitCode::from(1)
        }
    }
}
