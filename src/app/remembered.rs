//! What the app keeps in its data folder ([`Dialogs::data_dir`](super::files::Dialogs::data_dir))
//! for itself, written at once so that a killed app (kill -9, a crash, a flat battery) keeps it:
//! the student's name. The window's other settings are kept by the window layer between runs,
//! which writes them only every half minute and on a clean exit.
//!
//! The name is one line of text in [`NAME_FILE`], written atomically each time it is set; on
//! the next start it wins over the window's settings, being never older than them.

use super::command::{Command, StudentCommand};
use super::files;
use super::state::AppState;

/// The file, in the data folder, holding the student's name.
pub const NAME_FILE: &str = "student-name.txt";

impl AppState {
    /// Writes the student's name to the data folder now (it was just set).
    pub(super) fn save_student_name(&mut self) {
        let Some(dir) = self.session.dialogs.data_dir() else {
            return;
        };
        let text = format!("{}\n", self.session.settings.student);
        let written =
            files::create_dir_all(&dir).and_then(|()| files::write_bytes(&dir.join(NAME_FILE), text.as_bytes()));
        if let Err(e) = written {
            self.error(format!("Could not save your name: {e}"));
        }
    }

    /// On start: sets the name last set, from the data folder if one was saved there (it may
    /// be newer than the window's settings, which a killed app did not write), else `fallback`
    /// (the name in the window's settings).
    pub fn restore_student_name(&mut self, fallback: String) {
        let path = self.session.dialogs.data_dir().map(|d| d.join(NAME_FILE));
        let name = match path {
            Some(p) if files::exists(&p) => match files::read_text(&p) {
                Ok(text) => text.lines().next().unwrap_or("").to_string(),
                Err(e) => {
                    self.error(format!("Could not read your saved name: {e}"));
                    fallback
                }
            },
            _ => fallback,
        };
        self.apply(Command::Student(StudentCommand::SetStudent(name)));
    }
}
