//! Records to a [`Dataset`]: [`import`] checks every row (bad rows reported or skipped) and
//! turns the target column into target rows (class labels or numbers).

use super::text::{Num, Record, column_names, number, records, sniff_delimiter};
use super::{BadRow, BadRows, CsvError, CsvOptions, Imported, MAX_CLASSES, MAX_LISTED, RowProblem};
use crate::nn::Matrix;
use crate::nn::data::{Dataset, Task};
use crate::nn::doc::MAX_DATA_NUMBERS;
use std::collections::HashMap;

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
    // Bounded before anything is allocated from the shape: 100,000 header columns over 100,000
    // short rows would ask for 80 GB.
    if data.len().saturating_mul(width) > MAX_DATA_NUMBERS {
        return Err(CsvError::TooLarge {
            rows: data.len(),
            columns: width,
            limit: MAX_DATA_NUMBERS,
        });
    }
    let mut feats: Vec<f64> = Vec::with_capacity(data.len() * (width - 1));
    let mut targets: Vec<&str> = Vec::with_capacity(data.len());
    let mut bad: Vec<BadRow> = Vec::new();
    for r in data {
        match read_row(r, &names, opts, decimal_comma) {
            Ok(row_feats) => {
                feats.extend_from_slice(&row_feats);
                targets.push(&r.cells[tc]);
            }
            Err(b) => bad.push(b),
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
    let x = Matrix::from_column_slice(width - 1, targets.len(), &feats);
    let target_name = names[tc].clone();
    let (y, class_names) = match opts.task {
        Task::Regression => (values(&targets, decimal_comma), Vec::new()),
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

/// A data row's features in file order, or its first problem. A classification target is
/// only checked for being there; a regression target must be a finite number like a feature.
fn read_row(r: &Record, names: &[String], opts: &CsvOptions, decimal_comma: bool) -> Result<Vec<f64>, BadRow> {
    let width = names.len();
    let whole_row = |problem| BadRow {
        line: r.line,
        column: None,
        column_name: None,
        problem,
    };
    if r.unclosed {
        return Err(whole_row(RowProblem::Unclosed));
    }
    if r.cells.len() != width {
        return Err(whole_row(RowProblem::Width {
            cells: r.cells.len(),
            width,
            header: opts.has_header,
        }));
    }
    let tc = opts.target_column;
    let mut feats = Vec::with_capacity(width - 1);
    for (c, cell) in r.cells.iter().enumerate() {
        let problem = match number(cell, decimal_comma) {
            _ if c == tc && cell.is_empty() => RowProblem::EmptyTarget,
            _ if c == tc && opts.task == Task::Classification => continue,
            Num::Finite(v) => {
                if c != tc {
                    feats.push(v);
                }
                continue;
            }
            Num::Empty => RowProblem::EmptyCell,
            Num::NonFinite => RowProblem::NonFinite(cell.clone()),
            Num::NotNumber => RowProblem::NotNumber(cell.clone()),
        };
        return Err(BadRow {
            line: r.line,
            column: Some(c + 1),
            column_name: Some(names[c].clone()),
            problem,
        });
    }
    Ok(feats)
}

/// Regression targets: one row of numbers (every one was checked by [`read_row`]).
fn values(targets: &[&str], decimal_comma: bool) -> Matrix {
    let vals: Vec<f64> = targets
        .iter()
        .map(|t| match number(t, decimal_comma) {
            Num::Finite(v) => v,
            _ => f64::NAN,
        })
        .collect();
    Matrix::from_row_slice(1, vals.len(), &vals)
}

/// Class labels to targets: the class list (see the module's conventions) and the `1 x N` (two
/// classes) or `k x N` one-hot matrix.
fn classes(labels: &[&str], target: &str, decimal_comma: bool) -> Result<(Matrix, Vec<String>), CsvError> {
    let (names, index) = class_index(labels, decimal_comma);
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

/// The classes in order and each label's class: numeric labels sorted by value (named as first
/// written), other labels in order of first appearance.
fn class_index(labels: &[&str], decimal_comma: bool) -> (Vec<String>, Vec<usize>) {
    let nums: Option<Vec<f64>> = labels
        .iter()
        .map(|l| match number(l, decimal_comma) {
            Num::Finite(v) => Some(v),
            _ => None,
        })
        .collect();
    if let Some(vals) = nums {
        let mut distinct = vals.clone();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let index: Vec<usize> = vals.iter().map(|v| distinct.partition_point(|d| d < v)).collect();
        let mut names = vec![String::new(); distinct.len()];
        for (&k, l) in index.iter().zip(labels).rev() {
            names[k] = l.to_string();
        }
        return (names, index);
    }
    let mut names: Vec<String> = Vec::new();
    let mut lookup: HashMap<&str, usize> = HashMap::new();
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
