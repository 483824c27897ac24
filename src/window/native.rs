//! The platform's file dialogs (through rfd) and the app's data folder (where eframe keeps
//! its settings), behind [`Dialogs`]: the one place the app reaches the desktop.

use crate::app::files::Dialogs;
use std::path::PathBuf;

/// The platform's dialogs.
pub struct NativeDialogs;

impl Dialogs for NativeDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Open a lesson or network")
            .add_filter("Lessons and networks", &["toml", "json"])
            .add_filter("CSV data (for a training cell)", &["csv"])
            .pick_file()
    }
    fn pick_csv(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Import a CSV data set")
            .add_filter("CSV", &["csv", "txt"])
            .pick_file()
    }
    fn pick_export(&self, suggested_name: &str, extension: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Export")
            .set_file_name(suggested_name)
            .add_filter(extension.to_uppercase(), &[extension])
            .save_file()
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        progress_dir()
    }
    fn pick_save(&self, suggested_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Save as")
            .set_file_name(suggested_name)
            .add_filter("TOML", &["toml"])
            .add_filter("JSON", &["json"])
            .save_file()
    }
}

/// Where the student's progress is saved: `progress` in the app's data folder (on Linux
/// `$XDG_DATA_HOME/mlpnotebook` or `~/.local/share/mlpnotebook`, as eframe places it).
pub fn progress_dir() -> Option<PathBuf> {
    eframe::storage_dir("MLP Notebook").map(|d| d.join("progress"))
}
