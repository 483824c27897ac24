//! In-memory data sets: the [`Dataset`] type, seeded shuffles and splits ([`split3`]), feature
//! scaling fitted on the training split ([`Scaler`]) and accuracy. CSV text becomes a
//! [`Dataset`] in `nn::csv` (which depends on this module, not the reverse).
//!
//! # Conventions
//! - A [`Dataset`] stores one column per sample, like every batch in the engine: `x` is
//!   `features x N`, `y` is `outputs x N`.
//! - Classification targets: two classes are ONE row of 0/1 (for a sigmoid output and bce; the
//!   second class name is 1), three or more are one-hot rows, one per class. `class_names` lists
//!   the classes in target order; it is empty for regression, where `y` holds the values.
//! - Seeded shuffles use the engine's ChaCha8 stream ([`super::init::Stream`]), so a seed gives
//!   the same order on every machine.

use super::Matrix;
use super::init::Stream;
use serde::{Deserialize, Serialize};

/// What a data set's targets are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Class labels: one 0/1 row for two classes, one-hot rows for more.
    Classification,
    /// Numbers to predict.
    Regression,
}

impl Task {
    pub const ALL: [Task; 2] = [Task::Classification, Task::Regression];

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        }
    }
}

/// A problem with a data set, its parameters, a split or a scaling.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("points must be from 1 to {max}, got {got}")]
    Points { got: usize, max: usize },
    #[error("noise must be a finite number, 0 or more, got {0}")]
    Noise(f64),
    #[error("blobs needs classes = k with k from 2 to 8, got {0}")]
    Classes(usize),
    #[error("blobs needs classes = k (from 2 to 8)")]
    MissingClasses,
    #[error("classes only applies to the blobs generator, not to {0}")]
    UnexpectedClasses(&'static str),
    #[error("{0}")]
    Split(String),
    #[error("the scaler was fitted on {fitted} features, but the data has {got}")]
    ScalerFeatures { fitted: usize, got: usize },
    #[error("the shipped data set {name} could not be read: {message}")]
    Builtin { name: &'static str, message: String },
}

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

    /// The task the targets are for: classification when there are class names.
    pub fn task(&self) -> Task {
        if self.class_names.is_empty() {
            Task::Regression
        } else {
            Task::Classification
        }
    }

    /// The class (0-based) of sample `j`: the 0/1 target thresholded at 0.5 for one target row,
    /// the arg-max of the one-hot column otherwise. `None` for regression or `j` out of range.
    pub fn class_of(&self, j: usize) -> Option<usize> {
        if self.class_names.is_empty() || j >= self.y.ncols() || self.y.nrows() == 0 {
            return None;
        }
        Some(if self.y.nrows() == 1 {
            usize::from(self.y[(0, j)] >= 0.5)
        } else {
            self.y.column(j).argmax().0
        })
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

/// A data set split three ways; `validation` and `test` are `None` when their fraction is 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Splits {
    pub train: Dataset,
    pub validation: Option<Dataset>,
    pub test: Option<Dataset>,
}

/// Splits `data` after a seeded shuffle: the first samples of the shuffled order train, the next
/// `validation` fraction validates, the last `test` fraction tests.
///
/// A fraction `f > 0` takes `max(1, round(f N))` samples; 0 takes none (`None`). Fractions must
/// be in [0, 1) with a sum below 1, and at least one sample must be left for training.
pub fn split3(data: &Dataset, validation: f64, test: f64, seed: u64) -> Result<Splits, DataError> {
    for (name, f) in [("validation", validation), ("test", test)] {
        if !(0.0..1.0).contains(&f) {
            return Err(DataError::Split(format!(
                "the {name} fraction must be at least 0 and below 1, got {f}"
            )));
        }
    }
    if validation + test >= 1.0 {
        return Err(DataError::Split(format!(
            "the validation and test fractions add up to {}; they must leave samples for training",
            validation + test
        )));
    }
    let n = data.len();
    let count = |f: f64| {
        if f > 0.0 {
            ((n as f64 * f).round() as usize).max(1)
        } else {
            0
        }
    };
    let (n_val, n_test) = (count(validation), count(test));
    if n_val + n_test >= n {
        return Err(DataError::Split(format!(
            "{n} samples: {n_val} for validation and {n_test} for testing leave none for training"
        )));
    }
    let mut idx: Vec<usize> = (0..n).collect();
    shuffle(&mut idx, seed);
    let n_train = n - n_val - n_test;
    let part = |range: std::ops::Range<usize>| (!range.is_empty()).then(|| data.select(&idx[range]));
    Ok(Splits {
        train: data.select(&idx[..n_train]),
        validation: part(n_train..n_train + n_val),
        test: part(n_train + n_val..n),
    })
}

/// How features are scaled before training.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// `(x - mean) / std` with the population standard deviation (scikit-learn's StandardScaler).
    Standardise,
    /// `(x - min) / (max - min)`, into [0, 1] on the training split (MinMaxScaler).
    MinMax,
    /// The features as they are.
    #[default]
    None,
}

impl Scaling {
    pub const ALL: [Scaling; 3] = [Scaling::Standardise, Scaling::MinMax, Scaling::None];

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Scaling::Standardise => "standardise",
            Scaling::MinMax => "min_max",
            Scaling::None => "none",
        }
    }

    /// A human label for menus.
    pub fn label(self) -> &'static str {
        match self {
            Scaling::Standardise => "Standardise (mean 0, std 1)",
            Scaling::MinMax => "Min-max (into [0, 1])",
            Scaling::None => "None",
        }
    }
}

/// A fitted feature scaling: feature `i` becomes `(x - offset[i]) / scale[i]`.
///
/// Fit it on the training split only and apply it to every split, so no statistic of the
/// validation or test samples leaks into training. A constant feature (zero spread) gets
/// `scale = 1`, so it is only shifted (to 0) and nothing is divided by zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Scaler {
    pub scaling: Scaling,
    /// Subtracted from each feature (the mean, the minimum, or 0).
    pub offset: Vec<f64>,
    /// Each feature is divided by this after the shift (the std, max - min, or 1); never 0.
    pub scale: Vec<f64>,
}

impl Scaler {
    /// Fits the scaling to `train`'s features. Non-finite values are ignored; a feature with no
    /// finite value gets offset 0 and scale 1.
    pub fn fit(train: &Dataset, scaling: Scaling) -> Scaler {
        let mut offset = Vec::with_capacity(train.x.nrows());
        let mut scale = Vec::with_capacity(train.x.nrows());
        for row in train.x.row_iter() {
            let vals: Vec<f64> = row.iter().copied().filter(|v| v.is_finite()).collect();
            let (o, s) = match scaling {
                _ if vals.is_empty() => (0.0, 1.0),
                Scaling::Standardise => {
                    let n = vals.len() as f64;
                    let mean = vals.iter().sum::<f64>() / n;
                    let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                    (mean, var.sqrt())
                }
                Scaling::MinMax => {
                    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    (lo, hi - lo)
                }
                Scaling::None => (0.0, 1.0),
            };
            offset.push(o);
            scale.push(if s > 0.0 && s.is_finite() { s } else { 1.0 });
        }
        Scaler { scaling, offset, scale }
    }

    /// Scales `data`'s features in place.
    pub fn apply(&self, data: &mut Dataset) -> Result<(), DataError> {
        self.apply_matrix(&mut data.x)
    }

    /// Scales a `features x N` matrix in place (a grid of points for a picture, say).
    pub fn apply_matrix(&self, x: &mut Matrix) -> Result<(), DataError> {
        if x.nrows() != self.offset.len() {
            return Err(DataError::ScalerFeatures {
                fitted: self.offset.len(),
                got: x.nrows(),
            });
        }
        for (mut r, (&o, &s)) in x.row_iter_mut().zip(self.offset.iter().zip(&self.scale)) {
            r.iter_mut().for_each(|v| *v = (*v - o) / s);
        }
        Ok(())
    }

    /// Maps scaled values of feature `i` back to the original units (`None` if `i` is out of
    /// range).
    pub fn unscale(&self, i: usize, v: f64) -> Option<f64> {
        Some(v * self.scale.get(i)? + self.offset.get(i)?)
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
