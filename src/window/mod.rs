//! The window: the eframe glue above [`crate::ui`] and [`crate::app`]. It owns the
//! [`AppState`], runs the frame's logic (training, dropped files, saving progress, screenshot
//! results) in [`eframe::App::logic`], which eframe calls even while the window is hidden, and
//! draws with [`crate::ui::app_ui`] in [`eframe::App::ui`], applying the commands it returns.
//!
//! Layering: `window -> ui -> app -> lesson -> nn`. Nothing below this module names eframe.
//! On the desktop, `desktop.rs` opens the native window ([`run`]) and `native.rs` holds the
//! platform's file dialogs and data folder behind [`crate::app::files::Dialogs`]; the rest of
//! this module (the frame itself) also compiles for the browser (wasm32), whose entry point is
//! not written yet.

// The desktop's dialogs and native window; a browser build brings its own entry point.
#[cfg(not(target_arch = "wasm32"))]
mod desktop;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use desktop::{initial_state, run};
pub mod screenshot;

use crate::app::{AppState, Command};
use egui_commonmark::CommonMarkCache;
use std::path::PathBuf;
use web_time::Duration;

/// The key under which settings are stored between runs.
pub const SETTINGS_KEY: &str = "mlp-notebook-settings";

/// The time training may take in one frame; the rest of a 60 Hz frame is for drawing
/// (a frame while training measures about 1 ms of drawing on top, see benches/ui_frame.rs).
pub const TRAIN_BUDGET: Duration = Duration::from_millis(5);

/// The window: the state, the markdown cache and what was last sent to the window.
pub struct NotebookApp {
    pub state: AppState,
    md: CommonMarkCache,
    shown_title: String,
    shown_dark: Option<bool>,
    shown_zoom: f32,
    close_sent: bool,
    shots: screenshot::Shots,
}

impl NotebookApp {
    pub fn new(state: AppState) -> NotebookApp {
        NotebookApp {
            state,
            md: CommonMarkCache::default(),
            shown_title: String::new(),
            shown_dark: None,
            shown_zoom: 1.0,
            close_sent: false,
            shots: screenshot::Shots::default(),
        }
    }

    /// Everything of a frame that is not drawing: the clock, dropped files, the close request,
    /// finished screenshots, a slice of training for the playing cells, saving answers and the
    /// recovery file of unsaved changes.
    /// eframe calls it before each frame and also while the window is hidden, so training goes
    /// on behind a minimised window.
    pub fn logic(&mut self, ctx: &egui::Context) {
        self.state.session.now = ctx.input(|i| i.time);
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
        if let Some(done) = self.shots.finished() {
            self.state.apply(done);
        }
        // Train playing cells for a slice of the frame; the frame then draws what they reached.
        if self.state.tick(TRAIN_BUDGET) {
            ctx.request_repaint();
        }
        // Answers are saved shortly after the last change; wake up to write a pending one.
        if let Some(wait) = self.state.save_progress_if_due() {
            ctx.request_repaint_after(Duration::from_secs_f64(wait.max(0.05)));
        }
        // Unsaved changes go to a recovery file every few seconds.
        if let Some(wait) = self.state.save_recovery_if_due() {
            ctx.request_repaint_after(Duration::from_secs_f64(wait.max(0.05)));
        }
    }

    /// Draws the window, applies the commands the drawing returned, then tells the window what
    /// changed (title, theme, zoom, closing) and takes a screenshot a plot export asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let commands = crate::ui::app_ui(ui, &self.state, &mut self.md);
        if !commands.is_empty() {
            // Draw the result of the commands at once rather than on the next input event.
            ctx.request_repaint();
        }
        for c in commands {
            self.state.apply(c);
        }
        if let Some((path, area)) = self.state.session.screenshot_request.take() {
            self.shots.request(&ctx, path, area);
        }
        self.sync_window(&ctx);
    }

    fn sync_window(&mut self, ctx: &egui::Context) {
        let v = &self.state.session.settings.view;
        if self.shown_dark != Some(v.dark) {
            ctx.set_theme(if v.dark { egui::Theme::Dark } else { egui::Theme::Light });
            self.shown_dark = Some(v.dark);
        }
        if (self.shown_zoom - v.zoom).abs() > 1e-3 {
            ctx.set_zoom_factor(v.zoom);
            self.shown_zoom = v.zoom;
        }
        let title = self.state.window_title();
        if title != self.shown_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.shown_title = title;
        }
        if self.state.session.close_now && !self.close_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            self.close_sent = true;
        }
    }
}

impl eframe::App for NotebookApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        NotebookApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        NotebookApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.state.session.settings);
        self.state.save_progress_now();
    }
}

impl Drop for NotebookApp {
    /// The last answers typed are written when the window closes.
    fn drop(&mut self) {
        self.state.save_progress_now();
    }
}
