//! Application state, commands, undo history, file access and the eframe glue.
//!
//! Data flow each frame: [`crate::ui::app_ui`] reads [`AppState`] and returns [`Command`]s;
//! [`AppState::apply`] applies them one by one (recording undo, recomputing the traces of the
//! network cell that changed). Nothing here needs a thread.

pub mod cell;
pub mod command;
pub mod edit;
pub mod files;
pub mod import;
pub mod lab;
pub mod progress;
pub mod state;
pub mod student;
pub mod training;
pub mod undo;

pub use cell::NetCell;
pub use command::{CloseAnswer, Command, Convention, Edit, NodeValue, Selection, StepNav};
pub use state::{AppState, CellState, Message, Pending, Settings, ViewSettings};

use crate::lesson::Lesson;
use egui_commonmark::CommonMarkCache;
use std::path::PathBuf;
use std::process::ExitCode;

/// The key under which settings are stored between runs.
pub const SETTINGS_KEY: &str = "mlp-notebook-settings";

/// The window: the state, the markdown cache and what was last sent to the window.
pub struct NotebookApp {
    pub state: AppState,
    md: CommonMarkCache,
    shown_title: String,
    shown_dark: Option<bool>,
    shown_zoom: f32,
    close_sent: bool,
    /// The outcome of a plot export, written by the screenshot callback.
    shot_result: ShotSlot,
}

type ShotSlot = std::sync::Arc<std::sync::Mutex<Option<Result<PathBuf, String>>>>;

/// The time training may take in one frame; the rest of a 60 Hz frame is for drawing
/// (a frame while training measures about 1 ms of drawing on top, see benches/ui_frame.rs).
pub const TRAIN_BUDGET: std::time::Duration = std::time::Duration::from_millis(5);

impl NotebookApp {
    pub fn new(state: AppState) -> NotebookApp {
        NotebookApp {
            state,
            md: CommonMarkCache::default(),
            shown_title: String::new(),
            shown_dark: None,
            shown_zoom: 1.0,
            close_sent: false,
            shot_result: ShotSlot::default(),
        }
    }

    /// One frame: read input, draw, apply the commands, then tell the window what changed.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.state.now = ctx.input(|i| i.time);
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for p in dropped {
            self.state.apply(Command::OpenPath(p));
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.state.request_close() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        self.screenshots(&ctx);
        // Train playing cells for a slice of the frame, then draw what they reached.
        if self.state.tick(TRAIN_BUDGET) {
            ctx.request_repaint();
        }
        let commands = crate::ui::app_ui(ui, &self.state, &mut self.md);
        if !commands.is_empty() {
            // Draw the result of the commands at once rather than on the next input event.
            ctx.request_repaint();
        }
        for c in commands {
            self.state.apply(c);
        }
        // Answers are saved at most once a second; wake up to write a pending change.
        if let Some(wait) = self.state.save_progress_if_due() {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait.max(0.05)));
        }
        self.sync_window(&ctx);
    }

    /// Takes a screenshot when a plot is to be saved; the callback crops and writes it, and
    /// the result is shown as a message on a later frame.
    fn screenshots(&mut self, ctx: &egui::Context) {
        let done = self.shot_result.lock().ok().and_then(|mut r| r.take());
        match done {
            Some(Ok(path)) => self
                .state
                .apply(Command::ShowInfo(format!("Saved the plot to {}", path.display()))),
            Some(Err(e)) => self.state.apply(Command::ShowError(e)),
            None => {}
        }
        if let Some((path, rect)) = self.state.screenshot_request.take() {
            let ppp = ctx.pixels_per_point();
            let slot = self.shot_result.clone();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                let r = lab::save_png(&image, rect, ppp, &path)
                    .map(|()| path.clone())
                    .map_err(|e| format!("Could not save {}: {e}", path.display()));
                if let Ok(mut s) = slot.lock() {
                    *s = Some(r);
                }
                repaint.request_repaint();
            });
        }
    }

    fn sync_window(&mut self, ctx: &egui::Context) {
        let v = &self.state.settings.view;
        if self.shown_dark != Some(v.dark) {
            ctx.set_theme(if v.dark { egui::Theme::Dark } else { egui::Theme::Light });
            self.shown_dark = Some(v.dark);
        }
        if (self.shown_zoom - v.zoom).abs() > 1e-3 {
            ctx.set_zoom_factor(v.zoom);
            self.shown_zoom = v.zoom;
        }
        let file = self
            .state
            .file
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().to_string());
        let title = format!(
            "{}{}{} - MLP Notebook",
            if self.state.dirty { "* " } else { "" },
            self.state.title,
            file.map(|f| format!(" ({f})")).unwrap_or_default()
        );
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }
        if self.state.close_now && !self.close_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            self.close_sent = true;
        }
    }
}

impl eframe::App for NotebookApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        NotebookApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.state.settings);
        self.state.save_progress_now();
    }
}

impl Drop for NotebookApp {
    /// The last answers typed are written when the window closes.
    fn drop(&mut self) {
        self.state.save_progress_now();
    }
}

/// Opens the window (on `file` if given, else on the built-in lesson).
pub fn run_window(file: Option<PathBuf>) -> ExitCode {
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
            let mut state = AppState::new(Lesson::builtin(), Box::new(files::NativeDialogs));
            if let Some(storage) = cc.storage
                && let Some(s) = eframe::get_value::<Settings>(storage, SETTINGS_KEY)
            {
                let student = s.student.clone();
                state.settings = Settings {
                    student: String::new(),
                    ..s
                };
                // The built-in lesson is rebuilt with the student's variants.
                state.apply(Command::SetStudent(student));
            }
            if let Some(f) = &file {
                state.open_path(f);
            }
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
