//! The platform's file dialogs (through rfd) and the app's data folder (where eframe keeps
//! its settings), behind [`Dialogs`]: the one place the app reaches the desktop.
//!
//! Where no dialog can open (Linux without a desktop portal or zenity), rfd returns nothing at
//! once. A pick that comes back empty faster than a person could cancel a dialog
//! ([`NO_DIALOG`]) counts as unavailable, and the window then asks for the path itself.

use crate::app::files::Dialogs;
use std::cell::Cell;
use std::path::PathBuf;
use web_time::{Duration, Instant};

/// A dialog that returned nothing sooner than this never showed.
pub const NO_DIALOG: Duration = Duration::from_millis(250);

/// The platform's dialogs.
#[derive(Default)]
pub struct NativeDialogs {
    unavailable: Cell<bool>,
}

impl NativeDialogs {
    /// Runs one dialog and notes whether it could show at all.
    fn pick(&self, dialog: impl FnOnce() -> Option<PathBuf>) -> Option<PathBuf> {
        let start = Instant::now();
        let picked = dialog();
        self.unavailable.set(picked.is_none() && start.elapsed() < NO_DIALOG);
        picked
    }
}

impl Dialogs for NativeDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        self.pick(|| {
            rfd::FileDialog::new()
                .set_title("Open a lesson or network")
                .add_filter("Lessons and networks", &["toml", "json"])
                .add_filter("CSV data (for a training cell)", &["csv"])
                .add_filter("Weights from PyTorch or NumPy", &["safetensors", "npz"])
                .pick_file()
        })
    }
    fn pick_weights(&self) -> Option<PathBuf> {
        self.pick(|| {
            rfd::FileDialog::new()
                .set_title("Import weights")
                .add_filter("Weights from PyTorch or NumPy", &["safetensors", "npz"])
                .pick_file()
        })
    }
    fn pick_csv(&self) -> Option<PathBuf> {
        self.pick(|| {
            rfd::FileDialog::new()
                .set_title("Import a CSV data set")
                .add_filter("CSV", &["csv", "txt"])
                .pick_file()
        })
    }
    fn pick_export(&self, suggested_name: &str, extension: &str) -> Option<PathBuf> {
        self.pick(|| {
            rfd::FileDialog::new()
                .set_title("Export")
                .set_file_name(suggested_name)
                .add_filter(extension.to_uppercase(), &[extension])
                .save_file()
        })
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        progress_dir()
    }
    fn data_dir(&self) -> Option<PathBuf> {
        data_dir()
    }
    fn pick_save(&self, suggested_name: &str) -> Option<PathBuf> {
        self.pick(|| {
            rfd::FileDialog::new()
                .set_title("Save as")
                .set_file_name(suggested_name)
                .add_filter("TOML", &["toml"])
                .add_filter("JSON", &["json"])
                .save_file()
        })
    }
    fn unavailable(&self) -> bool {
        self.unavailable.get()
    }
}

/// The app's data folder (on Linux `$XDG_DATA_HOME/mlpnotebook` or
/// `~/.local/share/mlpnotebook`, as eframe places it).
pub fn data_dir() -> Option<PathBuf> {
    eframe::storage_dir("MLP Notebook")
}

/// Where the student's progress is saved: `progress` in the app's data folder.
pub fn progress_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("progress"))
}

#[cfg(test)]
mod tests {
    use super::{Dialogs as _, NO_DIALOG, NativeDialogs};
    use std::path::PathBuf;

    #[test]
    fn a_dialog_that_never_showed_is_unavailable_and_a_cancelled_one_is_not() {
        let d = NativeDialogs::default();
        assert_eq!(d.pick(|| None), None);
        assert!(d.unavailable(), "nothing, at once: no dialog could open");
        let later = || {
            std::thread::sleep(NO_DIALOG + std::time::Duration::from_millis(50));
            None
        };
        assert_eq!(d.pick(later), None);
        assert!(!d.unavailable(), "nothing after a while: the user cancelled");
        assert_eq!(d.pick(|| Some(PathBuf::from("a.toml"))), Some(PathBuf::from("a.toml")));
        assert!(!d.unavailable());
    }
}
