//! The training cell: a data set, a network shape and its hyperparameters, as written in a
//! lesson file ([`TrainingFile`]) and validated once into engine types ([`TrainingSetup`]).
//!
//! The keys are the ones in docs/lesson-format.md ("training"). A setup is what the window's
//! training lab edits; [`TrainingSetup::to_file`] writes it back. [`prepare`] turns the data
//! description into split and scaled data sets; [`TrainingSetup::build_network`] draws the
//! initial weights. No file IO: a CSV data set is read through the caller's `read` function.
//!
//! # Parts
//! - `file.rs`: the file form ([`TrainingFile`], [`SplitSpec`], [`InitSpec`], ...) and the
//!   validated [`TrainingSetup`], with [`TrainingSetup::to_file`].
//! - `validate.rs`: [`TrainingFile::validate`] and [`check_data`].
//! - `setup.rs`: [`prepare`], [`load_data`], [`csv_spec`] and the setup's choices (loss, output,
//!   network, engine configuration, the default cell).

mod file;
mod setup;
mod validate;

pub use file::{EarlyStoppingSpec, InitSpec, ScheduleSpec, SplitSpec, TrainingFile, TrainingSetup, init_from_spec};
pub use setup::{Prepared, csv_spec, load_data, prepare};
pub use validate::check_data;

/// Hidden layers wider than this are refused (the window draws every unit's heatmap).
pub const MAX_WIDTH: usize = 1024;
/// At most this many hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 16;
/// At most this many epochs.
pub const MAX_EPOCHS: usize = 100_000;
/// A training cell's network has at most this many parameters (the window draws its decision
/// boundary through it on a grid of 10,000 points).
pub const MAX_TRAIN_PARAMS: usize = 200_000;
/// An epoch (and a full-batch step, and the evaluation of every row) costs rows x parameters
/// multiply-adds; over this it would hold the window for seconds, so it is refused.
pub const MAX_EPOCH_WORK: usize = 200_000_000;
