//! CSV import for the window's "Import a CSV" dialog: [`inspect`] guesses the layout for a
//! preview, [`import`] reads the text with the options the user confirmed. (No file IO: the
//! caller passes the file's text.)
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

use super::Matrix;
use super::data::{Dataset, Task};

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
    pub problem: String,
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

/// One record: its cells and the line it starts on.
#[derive(Clone, Debug, PartialEq)]
struct Record {
    line: usize,
    cells: Vec<String>,
    /// A quoted cell ran to the end of the text.
    unclosed: bool,
}

/// Splits the text into records (blank lines left out).
fn records(text: &str, delim: char) -> Vec<Record> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut line = 1;
    let mut rec = Record {
        line,
        cells: Vec::new(),
        unclosed: false,
    };
    let mut cell = String::new();
    // Whether the cell was quoted, and where its closing quote was (after it only spaces count).
    let (mut quoted, mut in_quotes, mut after_quote) = (false, false, false);
    let mut chars = text.chars().peekable();
    let finish_cell = |cell: &mut String, quoted: bool, rec: &mut Record| {
        let c = std::mem::take(cell);
        rec.cells.push(if quoted { c } else { c.trim().to_string() });
    };
    while let Some(ch) = chars.next() {
        if in_quotes {
            if ch == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    in_quotes = false;
                    after_quote = true;
                }
            } else if ch == '\r' && chars.peek() == Some(&'\n') {
                // A Windows line break inside a quoted cell is kept as one '\n'.
            } else {
                if ch == '\n' {
                    line += 1;
                }
                cell.push(ch);
            }
            continue;
        }
        match ch {
            '"' if !quoted && cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
                in_quotes = true;
            }
            c if c == delim => {
                finish_cell(&mut cell, quoted, &mut rec);
                (quoted, after_quote) = (false, false);
            }
            '\r' => {}
            '\n' => {
                finish_cell(&mut cell, quoted, &mut rec);
                let blank = !quoted && rec.cells.len() == 1 && rec.cells[0].is_empty();
                (quoted, after_quote) = (false, false);
                let next = Record {
                    line: line + 1,
                    cells: Vec::new(),
                    unclosed: false,
                };
                let done = std::mem::replace(&mut rec, next);
                if !blank {
                    out.push(done);
                }
                line += 1;
            }
            c if after_quote && c.is_whitespace() => {}
            c => cell.push(c),
        }
    }
    if in_quotes || quoted || !cell.trim().is_empty() || !rec.cells.is_empty() {
        rec.unclosed = in_quotes;
        finish_cell(&mut cell, quoted, &mut rec);
        let blank = rec.cells.len() == 1 && rec.cells[0].is_empty() && !quoted;
        if !blank {
            out.push(rec);
        }
    }
    out
}

/// Guesses the delimiter from the first 20 non-blank lines (quotes respected on each line): of
/// comma, semicolon and tab, the one found the same number of times (at least once) on every
/// line, the most often; ties go to tab, then semicolon, then comma. If none is consistent, the
/// most frequent on the first line; a comma when there is none.
pub fn sniff_delimiter(text: &str) -> char {
    let lines: Vec<&str> = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let count = |line: &str, d: char| {
        let mut in_q = false;
        line.chars()
            .filter(|&c| {
                if c == '"' {
                    in_q = !in_q;
                }
                !in_q && c == d
            })
            .count()
    };
    let candidates = ['\t', ';', ','];
    let Some(first) = lines.first() else {
        return ',';
    };
    let mut best: Option<(usize, char)> = None;
    for d in candidates {
        let n = count(first, d);
        if n > 0 && lines.iter().all(|l| count(l, d) == n) && best.is_none_or(|(b, _)| n > b) {
            best = Some((n, d));
        }
    }
    if let Some((_, d)) = best {
        return d;
    }
    let mut best = (0, ',');
    for d in candidates {
        let n = count(first, d);
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

/// A cell read as a number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Num {
    Finite(f64),
    NonFinite,
    Empty,
    NotNumber,
}

fn number(cell: &str, decimal_comma: bool) -> Num {
    let t = cell.trim();
    if t.is_empty() {
        return Num::Empty;
    }
    let parsed = match t.parse::<f64>() {
        Ok(v) => Some(v),
        Err(_) if decimal_comma && t.matches(',').count() == 1 && !t.contains('.') => {
            t.replace(',', ".").parse::<f64>().ok()
        }
        Err(_) => None,
    };
    match parsed {
        Some(v) if v.is_finite() => Num::Finite(v),
        Some(_) => Num::NonFinite,
        None => Num::NotNumber,
    }
}

fn is_number(cell: &str, decimal_comma: bool) -> bool {
    matches!(number(cell, decimal_comma), Num::Finite(_))
}

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

fn column_names(recs: &[Record], has_header: bool) -> Vec<String> {
    let width = recs.first().map_or(0, |r| r.cells.len());
    (0..width)
        .map(|i| match recs.first() {
            Some(h) if has_header && !h.cells[i].is_empty() => h.cells[i].clone(),
            _ => format!("column {}", i + 1),
        })
        .collect()
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

/// Reads a CSV text into a [`Dataset`] (see the module's conventions).
pub fn import(text: &str, opts: &CsvOptions) -> Result<Imported, CsvError> {
    let delimiter = sniff_delimiter(text);
    let decimal_comma = delimiter == ';';
    let recs = records(text, delimiter);
    if recs.is_empty() {
        return Err(CsvError::Empty);
    }
    let names = column_names(&recs, opts.has_header);
    let width = names.len();
    if width < 2 {
        return Err(CsvError::TooFewColumns(width));
    }
    let tc = opts.target_column;
    if tc >= width {
        return Err(CsvError::NoColumn {
            column: tc + 1,
            columns: width,
        });
    }
    let data = &recs[usize::from(opts.has_header)..];
    if data.is_empty() {
        return Err(CsvError::NoRows);
    }
    let width_from = if opts.has_header {
        "the header has"
    } else {
        "the first row has"
    };
    let mut feats: Vec<f64> = Vec::with_capacity(data.len() * (width - 1));
    let mut targets: Vec<&str> = Vec::with_capacity(data.len());
    let mut bad: Vec<BadRow> = Vec::new();
    for r in data {
        let row_problem = |problem: String| BadRow {
            line: r.line,
            column: None,
            column_name: None,
            problem,
        };
        if r.unclosed {
            bad.push(row_problem("a quoted cell is not closed".into()));
            continue;
        }
        if r.cells.len() != width {
            bad.push(row_problem(format!(
                "{} cells, but {width_from} {width}",
                r.cells.len()
            )));
            continue;
        }
        let cell_problem = |c: usize, problem: String| BadRow {
            line: r.line,
            column: Some(c + 1),
            column_name: Some(names[c].clone()),
            problem,
        };
        let mut row_bad = None;
        let mut row_feats = Vec::with_capacity(width - 1);
        for (c, cell) in r.cells.iter().enumerate() {
            let num = number(cell, decimal_comma);
            let problem = match num {
                _ if c == tc && cell.is_empty() => Some("the target is empty".to_string()),
                _ if c == tc && opts.task == Task::Classification => None,
                Num::Finite(v) => {
                    if c != tc {
                        row_feats.push(v);
                    }
                    None
                }
                Num::Empty => Some("the cell is empty".to_string()),
                Num::NonFinite => Some(format!("'{cell}' is not a finite number")),
                Num::NotNumber => Some(format!("'{cell}' is not a number")),
            };
            if let Some(p) = problem {
                row_bad = Some(cell_problem(c, p));
                break;
            }
        }
        match row_bad {
            Some(b) => bad.push(b),
            None => {
                feats.extend_from_slice(&row_feats);
                targets.push(&r.cells[tc]);
            }
        }
    }
    let total_bad = bad.len();
    if total_bad > 0 && (opts.bad_rows == BadRows::Report || targets.is_empty()) {
        bad.truncate(MAX_LISTED);
        return Err(CsvError::BadRows {
            rows: bad,
            total: total_bad,
            all_skipped: opts.bad_rows == BadRows::Skip,
        });
    }
    let n = targets.len();
    let x = Matrix::from_column_slice(width - 1, n, &feats);
    let target_name = names[tc].clone();
    let (y, class_names) = match opts.task {
        Task::Regression => {
            let vals: Vec<f64> = targets
                .iter()
                .map(|t| match number(t, decimal_comma) {
                    Num::Finite(v) => v,
                    // Every regression target was checked above.
                    _ => f64::NAN,
                })
                .collect();
            (Matrix::from_row_slice(1, n, &vals), Vec::new())
        }
        Task::Classification => classes(&targets, &target_name, decimal_comma)?,
    };
    let feature_names = names
        .iter()
        .enumerate()
        .filter(|&(c, _)| c != tc)
        .map(|(_, s)| s.clone())
        .collect();
    Ok(Imported {
        data: Dataset {
            x,
            y,
            feature_names,
            class_names,
        },
        skipped: bad,
        target_name,
        delimiter,
    })
}

/// Class labels to targets: the class list (see the module's conventions) and the `1 x N` (two
/// classes) or `k x N` one-hot matrix.
fn classes(labels: &[&str], target: &str, decimal_comma: bool) -> Result<(Matrix, Vec<String>), CsvError> {
    let nums: Option<Vec<f64>> = labels
        .iter()
        .map(|l| match number(l, decimal_comma) {
            Num::Finite(v) => Some(v),
            _ => None,
        })
        .collect();
    let (names, index): (Vec<String>, Vec<usize>) = match nums {
        Some(vals) => {
            let mut distinct = vals.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let index: Vec<usize> = vals.iter().map(|v| distinct.partition_point(|d| d < v)).collect();
            let mut names = vec![String::new(); distinct.len()];
            for (&k, l) in index.iter().zip(labels).rev() {
                names[k] = l.to_string();
            }
            (names, index)
        }
        None => {
            let mut names: Vec<String> = Vec::new();
            let mut lookup: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
            let index = labels
                .iter()
                .map(|l| {
                    *lookup.entry(l).or_insert_with(|| {
                        names.push(l.to_string());
                        names.len() - 1
                    })
                })
                .collect();
            (names, index)
        }
    };
    match names.len() {
        1 => {
            return Err(CsvError::OneClass {
                name: target.to_string(),
                class: names[0].clone(),
            });
        }
        k if k > MAX_CLASSES => {
            return Err(CsvError::TooManyClasses {
                name: target.to_string(),
                count: k,
            });
        }
        _ => {}
    }
    let n = index.len();
    let y = if names.len() == 2 {
        Matrix::from_fn(1, n, |_, j| index[j] as f64)
    } else {
        Matrix::from_fn(names.len(), n, |r, j| f64::from(u8::from(index[j] == r)))
    };
    Ok((y, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<(usize, Vec<String>)> {
        records(text, ',').into_iter().map(|r| (r.line, r.cells)).collect()
    }

    /// Quotes hold delimiters, doubled quotes and line breaks; blank lines are skipped but
    /// counted, and a record is numbered by its first line.
    #[test]
    fn records_respect_quotes_and_count_lines() {
        let got = cells("a, \"b,c\" ,d\n\n\"x\"\"y\",\"two\nlines\",z\r\nlast,1,2");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b,c".into(), "d".into()]),
                (3, vec!["x\"y".into(), "two\nlines".into(), "z".into()]),
                (5, vec!["last".into(), "1".into(), "2".into()]),
            ]
        );
        let open = records("a,b\n1,\"oops\n", ',');
        assert!(open[1].unclosed);
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;x\n"), ';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), '\t');
        assert_eq!(sniff_delimiter("a,b\n1,2\n"), ',');
        assert_eq!(sniff_delimiter("\"x;y\",b\n1,2\n"), ',');
        assert_eq!(sniff_delimiter("single\n1\n"), ',');
    }

    #[test]
    fn numbers_and_decimal_commas() {
        assert_eq!(number(" 1.5 ", false), Num::Finite(1.5));
        assert_eq!(number("1,5", true), Num::Finite(1.5));
        assert_eq!(number("1,5", false), Num::NotNumber);
        assert_eq!(number("nan", false), Num::NonFinite);
        assert_eq!(number("", false), Num::Empty);
    }
}
