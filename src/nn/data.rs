//! In-memory data sets: CSV parsing (from text), one-hot labels, standardisation, splits, and
//! the two-class spiral used by lessons and benchmarks.
//!
//! A [`Dataset`] stores one column per sample, like every batch in the engine: `x` is
//! `features x N`, `y` is `outputs x N`.

use super::Matrix;
use super::init::Stream;

/// Samples and targets, one column per sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub x: Matrix,
    pub y: Matrix,
    pub feature_names: Vec<String>,
    /// Class names for a classification set (one output per class); empty for regression.
    pub class_names: Vec<String>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.x.ncols()
    }

    pub fn is_empty(&self) -> bool {
        self.x.ncols() == 0
    }

    /// The samples at `idx`, in that order.
    pub fn select(&self, idx: &[usize]) -> Dataset {
        Dataset {
            x: self.x.select_columns(idx),
            y: self.y.select_columns(idx),
            feature_names: self.feature_names.clone(),
            class_names: self.class_names.clone(),
        }
    }

    /// Splits off the last `fraction` of a seeded shuffle as a validation set
    /// (`seed = None` keeps the file's order).
    pub fn split(&self, fraction: f64, seed: Option<u64>) -> (Dataset, Dataset) {
        let mut idx: Vec<usize> = (0..self.len()).collect();
        if let Some(s) = seed {
            shuffle(&mut idx, s);
        }
        let n_val = ((self.len() as f64) * fraction.clamp(0.0, 1.0)).round() as usize;
        let cut = self.len() - n_val;
        (self.select(&idx[..cut]), self.select(&idx[cut..]))
    }

    /// Per-feature mean and standard deviation (population, as scikit-learn's StandardScaler).
    pub fn feature_stats(&self) -> Vec<(f64, f64)> {
        let n = self.len().max(1) as f64;
        self.x
            .row_iter()
            .map(|r| {
                let mean = r.sum() / n;
                let var = r.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                (mean, var.sqrt())
            })
            .collect()
    }

    /// Standardises features with given statistics (a zero spread leaves the feature centred).
    pub fn standardise_with(&mut self, stats: &[(f64, f64)]) {
        for (mut r, &(m, s)) in self.x.row_iter_mut().zip(stats) {
            let s = if s > 0.0 { s } else { 1.0 };
            r.iter_mut().for_each(|v| *v = (*v - m) / s);
        }
    }
}

/// Fisher-Yates with the engine's fixed stream, so a seed gives the same order everywhere.
pub fn shuffle(idx: &mut [usize], seed: u64) {
    let mut s = Stream::new(seed);
    shuffle_with(idx, &mut s);
}

/// Fisher-Yates with a given stream.
pub fn shuffle_with(idx: &mut [usize], s: &mut Stream) {
    for i in (1..idx.len()).rev() {
        let j = s.below(i as u64 + 1) as usize;
        idx.swap(i, j);
    }
}

/// How the CSV's target column is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The last column holds class labels: one-hot encoded, classes in order of appearance
    /// (numeric labels sorted numerically).
    Classes,
    /// The last `n` columns are numeric targets.
    Values(usize),
}

/// Parses a CSV text with a header row. Errors give the line number (1-based).
pub fn parse_csv(text: &str, target: Target) -> Result<Dataset, String> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or("the CSV file is empty")?;
    let names: Vec<String> = header.split(',').map(|s| s.trim().to_string()).collect();
    let n_targets = match target {
        Target::Classes => 1,
        Target::Values(n) => n,
    };
    if names.len() <= n_targets {
        return Err(format!(
            "line 1: the header has {} columns; it needs features and {n_targets} target column(s)",
            names.len()
        ));
    }
    let n_feat = names.len() - n_targets;
    let mut feats: Vec<f64> = Vec::new();
    let mut targets: Vec<Vec<String>> = Vec::new();
    // The file line (1-based) of each sample, for messages about its targets.
    let mut target_lines: Vec<usize> = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != names.len() {
            errors.push(format!(
                "line {}: {} columns, the header has {}",
                i + 1,
                cells.len(),
                names.len()
            ));
            continue;
        }
        for (c, cell) in cells[..n_feat].iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => feats.push(v),
                _ => {
                    errors.push(format!(
                        "line {}, column {} ({}): '{cell}' is not a finite number",
                        i + 1,
                        c + 1,
                        names[c]
                    ));
                    feats.push(0.0);
                }
            }
        }
        targets.push(cells[n_feat..].iter().map(|s| s.to_string()).collect());
        target_lines.push(i + 1);
        if errors.len() > 20 {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let n = targets.len();
    if n == 0 {
        return Err("the CSV file has a header but no rows".into());
    }
    let x = Matrix::from_column_slice(n_feat, n, &feats);
    let (y, class_names) = match target {
        Target::Classes => {
            let mut classes: Vec<String> = Vec::new();
            for t in &targets {
                if !classes.contains(&t[0]) {
                    classes.push(t[0].clone());
                }
            }
            if classes.iter().all(|c| c.parse::<f64>().is_ok()) {
                classes.sort_by(|a, b| {
                    a.parse::<f64>()
                        .unwrap_or(0.0)
                        .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
                });
            }
            let mut y = Matrix::zeros(classes.len(), n);
            for (j, t) in targets.iter().enumerate() {
                if let Some(k) = classes.iter().position(|c| *c == t[0]) {
                    y[(k, j)] = 1.0;
                }
            }
            (y, classes)
        }
        Target::Values(k) => {
            let mut y = Matrix::zeros(k, n);
            for (j, (t, line)) in targets.iter().zip(&target_lines).enumerate() {
                for (r, cell) in t.iter().enumerate() {
                    match cell.parse::<f64>() {
                        Ok(v) if v.is_finite() => y[(r, j)] = v,
                        _ => errors.push(format!(
                            "line {line}, column {} ({}): target '{cell}' is not a finite number",
                            n_feat + r + 1,
                            names[n_feat + r]
                        )),
                    }
                }
            }
            if !errors.is_empty() {
                return Err(errors.join("\n"));
            }
            (y, Vec::new())
        }
    };
    Ok(Dataset {
        x,
        y,
        feature_names: names[..n_feat].to_vec(),
        class_names,
    })
}

/// The two-class spiral: `n` points (half per class) on two interleaved arms with Gaussian
/// noise, in roughly [-1, 1]^2; targets are 0 or 1 (one output).
pub fn spiral(n: usize, noise: f64, seed: u64) -> Dataset {
    let mut s = Stream::new(seed);
    let mut x = Matrix::zeros(2, n);
    let mut y = Matrix::zeros(1, n);
    for j in 0..n {
        let class = j % 2;
        let t = (j / 2) as f64 / (n / 2).max(1) as f64;
        let r = t;
        let angle = 3.0 * std::f64::consts::PI * t + class as f64 * std::f64::consts::PI;
        x[(0, j)] = r * angle.cos() + noise * s.normal();
        x[(1, j)] = r * angle.sin() + noise * s.normal();
        y[(0, j)] = class as f64;
    }
    Dataset {
        x,
        y,
        feature_names: vec!["x1".into(), "x2".into()],
        class_names: vec![],
    }
}

/// Accuracy of outputs against targets (both `K x N`): arg-max per column for several outputs,
/// threshold 0.5 for one.
pub fn accuracy(out: &Matrix, y: &Matrix) -> f64 {
    let n = out.ncols();
    if n == 0 {
        return 0.0;
    }
    let correct = (0..n)
        .filter(|&j| {
            if out.nrows() == 1 {
                (out[(0, j)] >= 0.5) == (y[(0, j)] >= 0.5)
            } else {
                out.column(j).argmax().0 == y.column(j).argmax().0
            }
        })
        .count();
    correct as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_one_hot_and_errors() {
        let d = parse_csv("a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n", Target::Classes).unwrap();
        assert_eq!(d.x.shape(), (2, 3));
        assert_eq!(d.class_names, vec!["cat", "dog"]);
        assert_eq!(d.y.column(1).as_slice(), &[0.0, 1.0]);
        let e = parse_csv("a,b,label\n1,x,cat\n", Target::Classes).unwrap_err();
        assert!(e.contains("line 2, column 2 (b)"), "{e}");
    }

    #[test]
    fn split_is_a_partition() {
        let d = spiral(100, 0.0, 1);
        let (tr, va) = d.split(0.2, Some(3));
        assert_eq!((tr.len(), va.len()), (80, 20));
    }
}
