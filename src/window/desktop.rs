//! The desktop window: the state it starts with (the built-in lesson, the remembered settings,
//! a file named on the command line) and eframe's native run loop.

use super::native::NativeDialogs;
use super::{NotebookApp, SETTINGS_KEY};
use crate::app::{AppState, Settings};
use crate::lesson::Lesson;
use std::path::PathBuf;
use std::process::ExitCode;

/// The state the window starts with: the built-in lesson, the settings remembered in
/// `storage` (the student's name rebuilds the lesson with their variants), then `file`.
pub fn initial_state(storage: Option<&dyn eframe::Storage>, file: Option<&std::path::Path>) -> AppState {
    let mut state = AppState::new(Lesson::builtin(), Box::new(NativeDialogs::default()));
    let mut student = String::new();
    if let Some(storage) = storage
        && let Some(s) = eframe::get_value::<Settings>(storage, SETTINGS_KEY)
    {
        student = s.student.clone();
        state.session.settings = Settings {
            student: String::new(),
            ..s
        };
    }
    // The name the student last set (written at once, so newer than the settings after a kill).
    state.restore_student_name(student);
    if let Some(f) = file {
        state.open_path(f);
    }
    // Unsaved changes a window left behind (a crash, kill -9) are offered.
    state.offer_recovery();
    state
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
            let state = initial_state(cc.storage, file.as_deref());
            Ok(Box::new(NotebookApp::new(state)))
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
