//! The preview of a CSV text (the import dialog's table): [`inspect`] guesses the header, the
//! target column and the task; [`column_index`] finds a column by name.

use super::text::{Num, Record, column_names, is_number, number, records, sniff_delimiter};
use super::{CsvError, CsvPreview, GUESS_MAX_CLASSES, PREVIEW_ROWS};
use crate::nn::data::Task;

/// Whether the first record is a header: one of its cells is not a number while the second
/// record's cell in that column is. With one record only: when none of its cells is a number.
fn looks_like_header(recs: &[Record], decimal_comma: bool) -> bool {
    match recs {
        [] => false,
        [only] => !only.cells.iter().any(|c| is_number(c, decimal_comma)),
        [first, second, ..] => first
            .cells
            .iter()
            .zip(&second.cells)
            .any(|(h, d)| !is_number(h, decimal_comma) && is_number(d, decimal_comma)),
    }
}

/// Guesses the layout of a CSV text: delimiter, header, column names, the first rows, the target
/// column (the last) and the task.
pub fn inspect(text: &str) -> CsvPreview {
    let delimiter = sniff_delimiter(text);
    let recs = records(text, delimiter);
    let has_header = looks_like_header(&recs, delimiter == ';');
    preview(recs, delimiter, has_header)
}

/// [`inspect`] with the header decided by the caller (the dialog's "First row is a header").
pub fn inspect_with(text: &str, has_header: bool) -> CsvPreview {
    let delimiter = sniff_delimiter(text);
    preview(records(text, delimiter), delimiter, has_header)
}

/// The preview of records already split, with the header decided.
fn preview(recs: Vec<Record>, delimiter: char, has_header: bool) -> CsvPreview {
    let columns = column_names(&recs, has_header);
    let data = &recs[usize::from(has_header).min(recs.len())..];
    let target_column = columns.len().saturating_sub(1);
    let targets: Vec<&str> = data
        .iter()
        .filter_map(|r| r.cells.get(target_column))
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    CsvPreview {
        delimiter,
        has_header,
        rows: data.iter().take(PREVIEW_ROWS).map(|r| r.cells.clone()).collect(),
        total_rows: data.len(),
        target_column,
        task: guess_task(&targets, delimiter == ';'),
        columns,
    }
}

/// Classification for labels that are not all numbers, or few distinct integers that repeat
/// (see [`super::CsvPreview::task`]); regression otherwise.
fn guess_task(targets: &[&str], decimal_comma: bool) -> Task {
    let mut values = Vec::with_capacity(targets.len());
    for t in targets {
        match number(t, decimal_comma) {
            Num::Finite(v) => values.push(v),
            _ => return Task::Classification,
        }
    }
    if values.is_empty() || values.iter().any(|v| v.fract() != 0.0) {
        return Task::Regression;
    }
    values.sort_by(f64::total_cmp);
    values.dedup();
    if values.len() <= GUESS_MAX_CLASSES && values.len() < targets.len() {
        Task::Classification
    } else {
        Task::Regression
    }
}

/// The 0-based index of the column named `name` (the header's cells, or "column N").
pub fn column_index(preview: &CsvPreview, name: &str) -> Result<usize, CsvError> {
    preview
        .columns
        .iter()
        .position(|c| c == name)
        .ok_or_else(|| CsvError::NoColumnNamed {
            name: name.to_string(),
            columns: preview.columns.join(", "),
        })
}
