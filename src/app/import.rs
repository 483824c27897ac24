//! The CSV import dialog's state: the file, a preview of its first rows and the options the
//! user chooses (header, target column, task, what to do with bad rows). Importing checks the
//! whole file; a malformed row is reported with its line number and the dialog stays open, so
//! the user can choose to skip bad rows or fix the file.

use crate::nn::csv::{BadRows, CsvOptions, CsvPreview, Imported, import, inspect, inspect_with};
use std::path::PathBuf;

/// The open import dialog.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvImport {
    /// The training cell the data is for.
    pub cell: usize,
    pub path: PathBuf,
    pub text: String,
    pub preview: CsvPreview,
    pub options: CsvOptions,
    /// Why the last attempt failed (every bad row with its line), shown in the dialog.
    pub error: Option<String>,
}

impl CsvImport {
    /// A dialog on `text`, with the guessed header, target column and task.
    pub fn new(cell: usize, path: PathBuf, text: String) -> CsvImport {
        let preview = inspect(&text);
        let options = CsvOptions {
            has_header: preview.has_header,
            target_column: preview.target_column,
            task: preview.task,
            bad_rows: BadRows::Report,
        };
        CsvImport {
            cell,
            path,
            text,
            preview,
            options,
            error: None,
        }
    }

    /// The same dialog with new options (the preview follows the header choice).
    pub fn with_options(&self, options: CsvOptions) -> CsvImport {
        let mut n = self.clone();
        if options.has_header != self.options.has_header {
            n.preview = inspect_with(&self.text, options.has_header);
        }
        n.options = CsvOptions {
            target_column: options.target_column.min(n.preview.columns.len().saturating_sub(1)),
            ..options
        };
        n.error = None;
        n
    }

    /// Reads the whole file with the chosen options.
    pub fn run(&self) -> Result<Imported, String> {
        import(&self.text, &self.options).map_err(|e| e.to_string())
    }

    /// The target column's name.
    pub fn target_name(&self) -> String {
        self.preview
            .columns
            .get(self.options.target_column)
            .cloned()
            .unwrap_or_default()
    }
}
