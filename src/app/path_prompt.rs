//! When the platform's file dialog cannot open (on Linux without a desktop portal or zenity it
//! returns at once with nothing), the window asks for the file's path itself: the request that
//! wanted a file is kept as a [`PathFor`] and carried out with the typed path. Never a silent
//! no-op.

use super::command::{LabCommand, StudentCommand};
use super::state::AppState;
use std::path::{Path, PathBuf};

/// What a typed path is for.
#[derive(Clone, Debug, PartialEq)]
pub enum PathFor {
    /// A lesson, network or CSV file to open.
    Open,
    /// Where to save the lesson.
    SaveAs,
    /// A CSV file for training cell `cell`.
    Csv {
        cell: usize,
    },
    /// Where to write the worksheet (or its answer key).
    Worksheet {
        answers: bool,
    },
    /// Where to write the student's submission.
    Submission,
    /// Where to write training cell `cell`'s curves.
    Curves {
        cell: usize,
    },
    /// Where to save a plot's picture.
    Plot(super::command::PlotExport),
    Area {
        area: super::ScreenArea,
    },
    /// Where to write the export dialog's script.
    Script,
    /// Where to save training cell `cell`'s trained network.
    Trained {
        cell: usize,
    },
}

impl PathFor {
    /// What the prompt asks, in a few words.
    pub fn question(&self) -> &'static str {
        match self {
            PathFor::Open => "Open which file?",
            PathFor::SaveAs => "Save the lesson as which file?",
            PathFor::Csv { .. } => "Import which CSV file?",
            PathFor::Worksheet { answers: false } => "Write the worksheet to which file?",
            PathFor::Worksheet { answers: true } => "Write the answer key to which file?",
            PathFor::Submission => "Write your submission to which file?",
            PathFor::Curves { .. } => "Write the curves to which file?",
            PathFor::Plot(_) | PathFor::Area { .. } => "Save the plot to which file?",
            PathFor::Script => "Write the script to which file?",
            PathFor::Trained { .. } => "Save the trained network to which file?",
        }
    }
}

/// The open "type a path" prompt.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPrompt {
    pub purpose: PathFor,
    /// The path as typed so far (starts as the suggested name in the lesson's folder, or in the
    /// working folder).
    pub text: String,
}

impl AppState {
    /// After a file dialog returned nothing: if it could not open at all, asks for the path in
    /// the window instead (starting from `suggested`); a dialog the user cancelled is left be.
    pub(super) fn dialog_gave_nothing(&mut self, purpose: PathFor, suggested: &str) {
        if !self.session.dialogs.unavailable() {
            return;
        }
        let dir: PathBuf = self
            .doc
            .file
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let text = if suggested.is_empty() {
            format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR)
        } else {
            dir.join(suggested).display().to_string()
        };
        self.session.path_prompt = Some(PathPrompt { purpose, text });
    }

    /// The prompt's text changed.
    pub(super) fn set_path_text(&mut self, text: String) {
        if let Some(p) = &mut self.session.path_prompt {
            p.text = text;
        }
    }

    /// Closes the prompt; with `ok`, carries out what it was for with the typed path.
    pub(super) fn finish_path(&mut self, ok: bool) {
        let Some(prompt) = self.session.path_prompt.take() else {
            return;
        };
        if !ok {
            // A close or an open waiting for this save does not happen.
            self.session.after_save = None;
            return;
        }
        let typed = prompt.text.trim();
        if typed.is_empty() {
            self.error("No file named: type the file's path.");
            self.session.path_prompt = Some(prompt);
            return;
        }
        let path = PathBuf::from(typed);
        match prompt.purpose {
            PathFor::Open => self.open_path(&path),
            PathFor::SaveAs => {
                self.save_to(&path);
            }
            PathFor::Csv { cell } => self.lab_command(LabCommand::ImportCsvPath { cell, path }),
            PathFor::Worksheet { answers } => self.export_worksheet(answers, Some(path)),
            PathFor::Submission => self.student_command(StudentCommand::ExportSubmissionTo(path)),
            PathFor::Curves { cell } => self.export_curves_to(cell, &path),
            PathFor::Plot(p) => self.session.plot_request = Some((path, p)),
            PathFor::Area { area } => self.session.screenshot_request = Some((path, area)),
            PathFor::Script => self.export_command(super::export::ExportCommand::WriteTo(path)),
            PathFor::Trained { cell } => self.save_trained_to(cell, &path),
        }
    }
}
