//! The session: what the window shows around the document and what is remembered between
//! runs (settings, recent files, the student's name), messages, the unsaved-changes question,
//! edit mode, the stepper's network, the clock, open dialogs. None of it is saved with the lesson
//! or undone.

use super::command::{Convention, NodeValue};
use super::files::Dialogs;
use super::import::CsvImport;
use crate::nn::numfmt::NumberFormat;
use std::path::{Path, PathBuf};

/// Recent files remembered.
pub const RECENT_LIMIT: usize = 8;

/// View settings, remembered between runs. A setting missing from what an older build stored
/// takes its default (the container-level `serde(default)`), so adding one never resets the rest.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    pub node_value: NodeValue,
    pub number_format: NumberFormat,
    pub convention: Convention,
    pub dark: bool,
    pub zoom: f32,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            node_value: NodeValue::A,
            number_format: NumberFormat::Auto,
            convention: Convention::Torch,
            dark: false,
            zoom: 1.0,
        }
    }
}

/// What is remembered between runs (besides the window size, which eframe keeps); missing
/// fields take their defaults, as in [`ViewSettings`].
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub view: ViewSettings,
    pub recent: Vec<PathBuf>,
    /// The student's name or id: it picks their variant networks and goes into submissions.
    pub student: String,
}

/// A message shown in the window until dismissed.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

/// What to do once the unsaved-changes question is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    Close,
    Open(Option<PathBuf>),
    New,
    /// File > New lesson... with this title.
    NewLesson(String),
    Builtin,
    /// A lesson of the shipped curriculum (`lesson::shipped::SHIPPED`).
    Shipped(usize),
    /// File > Import weights...: ask for a weight file.
    ImportWeights,
}

/// The window's state around the document.
pub struct Session {
    pub settings: Settings,
    pub message: Option<Message>,
    /// Waiting for the answer to "save changes?".
    pub pending: Option<Pending>,
    /// Waiting for the answer to "start this lesson over?".
    pub confirm_start_over: bool,
    /// Set when the window may close now (the glue sends the close command).
    pub close_now: bool,
    pub show_shortcuts: bool,
    /// File > New lesson...: the title typed so far, while the dialog is open.
    pub new_lesson_title: Option<String>,
    /// The cell edit mode just made and points at (drawn highlighted); `None` once another
    /// change of the page moves the cells.
    pub selected_cell: Option<usize>,
    /// The cell the page scrolls to on its next frame.
    pub scroll_to_cell: Option<usize>,
    pub show_about: bool,
    /// Help > Glossary is open.
    pub show_glossary: bool,
    /// File > Export as...: the open dialog.
    pub export_dialog: Option<super::export::ExportDialog>,
    /// The network cell the stepper panel and the arrow keys act on.
    pub active: Option<usize>,
    /// No network cell is in view (only text, exercises or a training lab): the stepper panel
    /// says so and the stepper's keys do nothing, rather than act on a network off screen.
    /// Acting on a network cell clears it.
    pub no_net_in_view: bool,
    /// The network cell whose stepper just moved: the page scrolls its diagram into view (so
    /// the step's highlights are on screen), then the page clears it.
    pub scroll_to_net: Option<usize>,
    /// The value under the pointer (a diagram node, a matrix cell, a stepper line): the values it
    /// was computed from are highlighted.
    pub hovered: Option<super::command::Hovered>,
    /// How many documents were opened in this window: a new one starts at the page's top.
    pub opened: u64,
    /// The current time in seconds (from egui's input), for coalescing undo steps.
    pub now: f64,
    /// Edit mode: the instructor's tools on every cell (off: the page as a student sees it).
    pub edit_mode: bool,
    /// The CSV import dialog, while open.
    pub csv_import: Option<Box<CsvImport>>,
    /// The weight import dialog (each layer's activation), while open.
    pub weights_import: Option<Box<super::weights::WeightsImport>>,
    /// A plot to draw and save as PNG (the window draws it): (file, which plot and how).
    pub plot_request: Option<(PathBuf, super::command::PlotExport)>,
    /// A small plot to save as PNG once the window has taken a screenshot: (file, area in
    /// points).
    pub screenshot_request: Option<(PathBuf, super::ScreenArea)>,
    /// Show the values exercises ask for in network cells even while unanswered (instructors,
    /// tests); students see them blank until answered.
    pub reveal_answers: bool,
    /// A question the save under way asks before it writes.
    pub save_question: Option<super::save_checks::SaveQuestion>,
    /// What to do once the save under way succeeds (closing, opening another file).
    pub after_save: Option<Pending>,
    /// The recovery file this window writes while there are unsaved changes.
    pub(super) recovery: Option<super::recovery::Active>,
    /// A recovery file left behind by a window that ended without saving, offered on start.
    pub restore_offer: Option<super::recovery::Offer>,
    /// Recovery files not to offer again in this run ("Later", or unreadable).
    pub recovery_skipped: Vec<PathBuf>,
    /// Asking for a file's path because the platform's dialog could not open.
    pub path_prompt: Option<super::path_prompt::PathPrompt>,
    /// Text for the window to put on the clipboard (a link to the lesson).
    pub clipboard: Option<String>,
    /// The lesson's file and the files the user chose in this session: what lessons may read.
    pub(super) access: super::lab::Access,
    pub(super) dialogs: Box<dyn Dialogs>,
}

impl Session {
    /// A fresh session with default settings and the file dialogs `dialogs`.
    pub fn new(dialogs: Box<dyn Dialogs>) -> Session {
        Session {
            settings: Settings::default(),
            message: None,
            pending: None,
            confirm_start_over: false,
            close_now: false,
            show_shortcuts: false,
            new_lesson_title: None,
            selected_cell: None,
            scroll_to_cell: None,
            show_about: false,
            show_glossary: false,
            export_dialog: None,
            active: None,
            no_net_in_view: false,
            scroll_to_net: None,
            hovered: None,
            opened: 0,
            now: 0.0,
            edit_mode: false,
            csv_import: None,
            weights_import: None,
            plot_request: None,
            screenshot_request: None,
            reveal_answers: false,
            path_prompt: None,
            clipboard: None,
            access: Default::default(),
            save_question: None,
            recovery: None,
            restore_offer: None,
            recovery_skipped: Vec::new(),
            after_save: None,
            dialogs,
        }
    }

    /// Puts `path` first in the recent files.
    pub fn remember(&mut self, path: &Path) {
        let recent = &mut self.settings.recent;
        recent.retain(|p| p != path);
        recent.insert(0, path.to_path_buf());
        recent.truncate(RECENT_LIMIT);
    }
}
