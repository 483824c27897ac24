//! The window: the eframe glue above [`crate::ui`] and [`crate::app`]. It owns the
//! [`AppState`], runs the frame's logic (training, dropped files, saving progress, screenshot
//! results) in [`eframe::App::logic`], which eframe calls even while the window is hidden, and
//! draws with [`crate::ui::app_ui`] in [`eframe::App::ui`], applying the commands it returns.
//!
//! Layering: `window -> ui -> app -> lesson -> nn`. Nothing below this module names eframe.
//! On the desktop, `desktop.rs` opens the native window ([`run`]) and `native.rs` holds the
//! platform's file dialogs and data folder behind [`crate::app::files::Dialogs`]; in the
//! browser (wasm32), `web/` starts the same [`NotebookApp`] on the page's canvas, with the
//! browser's storage, downloads and file picker behind the same trait.

// The desktop's dialogs and native window, or the browser's page: one or the other is built.
#[cfg(not(target_arch = "wasm32"))]
mod desktop;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use desktop::{initial_state, run};
pub mod images;
pub mod plot_png;
pub mod screenshot;
#[cfg(target_arch = "wasm32")]
pub mod web;

use crate::app::files::Dialogs;
use crate::app::{AppState, Command, Settings};
use crate::lesson::Lesson;
use egui_commonmark::CommonMarkCache;
use web_time::Duration;

/// The key under which settings are stored between runs.
pub const SETTINGS_KEY: &str = "mlp-notebook-settings";

/// The time training may take in one frame; the rest of a 60 Hz frame is for drawing
/// (a frame while training measures about 1 ms of drawing on top, see benches/ui_frame.rs).
pub const TRAIN_BUDGET: Duration = Duration::from_millis(5);

/// Where settings that could not be read are kept (they are never silently dropped).
pub const UNREADABLE_SETTINGS_KEY: &str = "mlp-notebook-settings.unreadable";

/// The state a window starts with: the built-in lesson and the settings remembered in
/// `storage` (the student's name rebuilds the lesson with their variants). Stored settings that
/// cannot be read (damaged, or written by another version) come back as their text, for
/// [`NotebookApp::keep_unreadable_settings`], and a message says so.
pub fn starting_state(dialogs: Box<dyn Dialogs>, storage: Option<&dyn eframe::Storage>) -> (AppState, Option<String>) {
    let mut state = AppState::new(Lesson::builtin(), dialogs);
    state.doc.builtin = Some(crate::app::BuiltIn::SevenLayers);
    let Some(raw) = storage.and_then(|s| s.get_string(SETTINGS_KEY)) else {
        return (state, None);
    };
    match ron::from_str::<Settings>(&raw) {
        Ok(s) => {
            let student = s.student.clone();
            state.session.settings = Settings {
                student: String::new(),
                ..s
            };
            // The name last set (written at once, so newer than the settings after a kill).
            state.restore_student_name(student);
            (state, None)
        }
        Err(e) => {
            state.restore_student_name(String::new());
            let text = format!(
                "Your settings could not be read ({e}); the defaults are used. What was stored is kept under '{UNREADABLE_SETTINGS_KEY}'."
            );
            // A message about the lesson's saved answers, from opening it, stays in view too.
            let earlier = state.session.message.take().filter(|m| m.is_error).map(|m| m.text);
            let text = earlier.map_or(text.clone(), |m| format!("{m}\n{text}"));
            state.apply(Command::ShowError(text));
            (state, Some(raw))
        }
    }
}

/// The window: the state, the markdown cache and what was last sent to the window.
pub struct NotebookApp {
    pub state: AppState,
    md: CommonMarkCache,
    shown_title: String,
    shown_dark: Option<bool>,
    shown_zoom: f32,
    close_sent: bool,
    shots: screenshot::Shots,
    /// Stored settings that could not be read, written aside at the next save.
    unreadable_settings: Option<String>,
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
            unreadable_settings: None,
        }
    }

    /// Keeps stored settings that could not be read: the next save writes them under
    /// [`UNREADABLE_SETTINGS_KEY`] before the settings in use replace them.
    pub fn keep_unreadable_settings(mut self, raw: Option<String>) -> NotebookApp {
        self.unreadable_settings = raw;
        self
    }

    /// Everything of a frame that is not drawing: the clock, dropped files, the close request,
    /// finished screenshots, a slice of training for the playing cells, saving answers and the
    /// recovery file of unsaved changes.
    /// eframe calls it before each frame and also while the window is hidden, so training goes
    /// on behind a minimised window.
    pub fn logic(&mut self, ctx: &egui::Context) {
        self.state.session.now = ctx.input(|i| i.time);
        // A desktop's dropped file is opened by its path; the page reads a dropped file's bytes
        // (web/mod.rs).
        #[cfg(not(target_arch = "wasm32"))]
        for p in ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect::<Vec<_>>()
        }) {
            self.state.apply(Command::OpenPath(p));
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.state.request_close() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        if let Some(done) = self.shots.finished() {
            self.state.apply(done);
        }
        // Train playing cells for a slice of the frame; the frame then draws what they reached.
        // Once a frame: eframe calls `logic` again for each extra pass of a frame egui runs
        // again (a layout that changed), and the frame's work is spent by then.
        if ctx.current_pass_index() == 0 && self.state.tick(TRAIN_BUDGET) {
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
        images::LessonImages::install(&ctx, self.state.doc.file.as_deref());
        let commands = crate::ui::app_ui(ui, &self.state, &mut self.md);
        if !commands.is_empty() {
            // Draw the result of the commands at once rather than on the next input event.
            ctx.request_repaint();
        }
        for c in commands {
            self.state.apply(c);
        }
        if let Some(link) = self.state.session.clipboard.take() {
            ctx.copy_text(link);
        }
        if let Some((path, area)) = self.state.session.screenshot_request.take() {
            self.shots.request(&ctx, path, area);
        }
        // A lab plot is drawn afresh at the size asked for, off the screen.
        if let Some((path, e)) = self.state.session.plot_request.take() {
            let done = plot_png::render(&self.state, &e).and_then(|img| plot_png::encode(&img));
            self.state.apply(match done {
                Ok(bytes) => Command::WritePicture { path, bytes },
                Err(err) => Command::ShowError(format!("Could not save {}: {err}", path.display())),
            });
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
        if let Some(raw) = self.unreadable_settings.take() {
            storage.set_string(UNREADABLE_SETTINGS_KEY, raw);
        }
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
