//! Data sets for lessons: seeded generators ([`generate`]), the shipped tabular sets
//! ([`BuiltinSet`], embedded in the binary) and [`DataSpec`], the `data = ...` value of a lesson's
//! training cell.
//!
//! # Conventions
//! - Every generator draws from [`Stream::new(seed)`](super::init::Stream) (ChaCha8), so a seed
//!   gives the same points on every machine. `noise` is the standard deviation of Gaussian noise
//!   added to each coordinate (classification) or to `y` (regression); noise 0 puts every point
//!   exactly on its curve.
//! - Samples alternate between classes (sample `j` is class `j mod k`), so the classes are
//!   balanced to within one sample.
//! - Two-class generators give ONE target row of 0/1 (sigmoid output, bce) and class names
//!   "0", "1"; blobs with `k > 2` classes give `k` one-hot rows and names "0" .. "k-1".
//!   Regression generators give one row of values, one feature "x" in [-3, 3], no class names.
//! - The shipped sets keep their file's class names: iris and wine have three classes (one-hot),
//!   digits ten (one-hot, sorted 0..9), breast cancer two (one 0/1 row: malignant 0, benign 1,
//!   as scikit-learn).
//!
//! # Parts
//! - `generators.rs`: [`Generator`], [`check_params`], [`generate`].
//! - `builtin.rs`: [`BuiltinSet`], the shipped CSV files and their attribution.
//! - `spec.rs`: [`DataSpec`] (read from a lesson, built into a [`Dataset`](super::data::Dataset)) and [`SpecError`].

mod builtin;
mod generators;
mod spec;

pub use builtin::BuiltinSet;
pub use generators::{BLOB_CLASSES, Generator, MAX_POINTS, check_params, generate, spiral};
pub use spec::{DataSpec, SpecError};
