//! CSV import, for the window's "Import a CSV" dialog, lessons' CSV data and the command line's
//! `train --data`: [`inspect`] guesses the layout for a preview, [`import`] reads the text with
//! the options the user confirmed. (No file IO: the caller passes the file's text.)
//!
//! # Conventions
//! - Line numbers are the text's 1-based lines; a record that spans lines (a quoted cell with a
//!   line break) is numbered by the line it starts on. Column numbers are 1-based too.
//! - The delimiter is a comma, a semicolon or a tab, sniffed from the first lines (see
//!   [`sniff_delimiter`]). With semicolons a decimal comma (`1,5`) is read as `1.5`.
//! - Cells are trimmed. Double quotes enclose a cell that holds the delimiter, a line break or a
//!   quote (written `""`). Blank lines and a UTF-8 byte-order mark are ignored.
//! - Header: the first row is a header if one of its cells is not a number while the second
//!   row's cell in the same column is one ([`inspect`] guesses; [`CsvOptions::has_header`]
//!   decides). Without a header the columns are named "column 1", "column 2", ...
//! - Classification targets: numeric labels are sorted by value (`1` and `1.0` are one class,
//!   named as first written), other labels keep the order of their first appearance. Two
//!   classes give ONE target row of 0/1 (the second class is 1), so a sigmoid output with bce
//!   fits; three or more give one-hot rows, one per class. Regression targets are one row of
//!   numbers.
//! - Nothing is dropped silently: a bad row either fails the import ([`BadRows::Report`], every
//!   bad row listed, the first [`MAX_LISTED`] in full) or is skipped and listed in
//!   [`Imported::skipped`] ([`BadRows::Skip`]). A row is reported with its first problem.
//!
//! # Map
//! - `text.rs`: records, the delimiter, numbers (the conventions above in code).
//! - `preview.rs`: [`inspect`], [`inspect_with`], [`column_index`].
//! - `rows.rs`: [`import`], bad rows and class labels.

use super::data::{Dataset, Task};

mod preview;
mod rows;
mod text;

pub use preview::{column_index, inspect, inspect_with};
pub use rows::import;
pub use text::sniff_delimiter;

/// Data rows shown by a preview.
pub const PREVIEW_ROWS: usize = 10;
/// Bad rows listed in full in an error message; the rest are counted.
pub const MAX_LISTED: usize = 50;
/// The most classes a classification target may have.
pub const MAX_CLASSES: usize = 100;
/// The most distinct integer values for which [`inspect`] guesses classification.
pub const GUESS_MAX_CLASSES: usize = 20;

/// What [`inspect`] found, for the import dialog's preview.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvPreview {
    /// `,`, `;` or `\t`.
    pub delimiter: char,
    /// Whether the first row is taken as a header.
    pub has_header: bool,
    /// Column names: the header's cells, or "column 1", ... (an empty header cell is named so).
    pub columns: Vec<String>,
    /// The first [`PREVIEW_ROWS`] data rows, as written (after unquoting and trimming).
    pub rows: Vec<Vec<String>>,
    /// The number of data rows (records after the header, blank lines not counted).
    pub total_rows: usize,
    /// The guessed target column (0-based): the last one.
    pub target_column: usize,
    /// The guessed task: classification when the target column holds a non-number, or only
    /// integers with at most [`GUESS_MAX_CLASSES`] distinct values of which one repeats.
    pub task: Task,
}

/// What to do with a malformed row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BadRows {
    /// Fail the import and list every bad row.
    #[default]
    Report,
    /// Leave bad rows out and list them in [`Imported::skipped`].
    Skip,
}

/// How to read a CSV text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    pub has_header: bool,
    /// 0-based; every other column is a feature, in file order.
    pub target_column: usize,
    pub task: Task,
    pub bad_rows: BadRows,
}

/// One malformed row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based line of the text where the row starts.
    pub line: usize,
    /// 1-based column of the bad cell, if the problem is one cell.
    pub column: Option<usize>,
    /// The column's name, if the problem is one cell.
    pub column_name: Option<String>,
    /// What is wrong, e.g. "'abc' is not a number".
    pub problem: RowProblem,
}

/// What is wrong with a malformed row (its first problem). Shown as, e.g., "'abc' is not a
/// number"; the command line words the number problems its own way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// A quoted cell runs to the end of the text.
    Unclosed,
    /// The row has `cells` cells, but the header (`header`), or else the first row, has `width`.
    Width { cells: usize, width: usize, header: bool },
    /// The target cell is empty.
    EmptyTarget,
    /// A feature cell (or a regression target) is empty.
    EmptyCell,
    /// A cell, as written, that is not a number.
    NotNumber(String),
    /// A cell, as written, that reads as NaN or an infinity.
    NonFinite(String),
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowProblem::Unclosed => f.write_str("a quoted cell is not closed"),
            RowProblem::Width { cells, width, header } => {
                let from = if *header { "the header" } else { "the first row" };
                write!(f, "{cells} cells, but {from} has {width}")
            }
            RowProblem::EmptyTarget => f.write_str("the target is empty"),
            RowProblem::EmptyCell => f.write_str("the cell is empty"),
            RowProblem::NotNumber(cell) => write!(f, "'{cell}' is not a number"),
            RowProblem::NonFinite(cell) => write!(f, "'{cell}' is not a finite number"),
        }
    }
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(c) = self.column {
            write!(f, ", column {c}")?;
            if let Some(name) = &self.column_name {
                write!(f, " ({name})")?;
            }
        }
        write!(f, ": {}", self.problem)
    }
}

/// A successful import.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub data: Dataset,
    /// Rows left out with [`BadRows::Skip`], in file order (always empty with `Report`).
    pub skipped: Vec<BadRow>,
    /// The target column's name.
    pub target_name: String,
    pub delimiter: char,
}

/// Why an import failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CsvError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header row but no data rows")]
    NoRows,
    #[error("the file has {0} column(s); it needs a target column and at least one feature column")]
    TooFewColumns(usize),
    #[error("there is no column {column}: the file has {columns} columns")]
    NoColumn { column: usize, columns: usize },
    #[error("no column is named '{name}'; the columns are: {columns}")]
    NoColumnNamed { name: String, columns: String },
    #[error("{}", bad_rows_text(.rows, *.total, *.all_skipped))]
    BadRows {
        /// The first [`MAX_LISTED`] bad rows.
        rows: Vec<BadRow>,
        /// How many rows were bad in all.
        total: usize,
        /// True when skipping left no row at all.
        all_skipped: bool,
    },
    #[error("the target column '{name}' holds only one class ('{class}'); classification needs two or more")]
    OneClass { name: String, class: String },
    #[error(
        "the target column '{name}' has {count} different values; classification allows at most {MAX_CLASSES} (is it a regression target?)"
    )]
    TooManyClasses { name: String, count: usize },
    #[error(
        "the file has {rows} data rows and {columns} columns, {} numbers; the limit is {limit} numbers (rows x columns)",
        rows.saturating_mul(*columns)
    )]
    TooLarge { rows: usize, columns: usize, limit: usize },
}

fn bad_rows_text(rows: &[BadRow], total: usize, all_skipped: bool) -> String {
    let mut s = if all_skipped {
        format!("every data row is malformed ({total} rows):")
    } else if total == 1 {
        "1 row could not be read:".to_string()
    } else {
        format!("{total} rows could not be read:")
    };
    for r in rows {
        s.push('\n');
        s.push_str(&r.to_string());
    }
    if total > rows.len() {
        s.push_str(&format!("\nand {} more", total - rows.len()));
    }
    s
}
