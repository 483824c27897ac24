//! The maths: a dense multilayer perceptron in f64, its forward and backward traces, losses,
//! optimizers, initialisers, training and the network file format.
//!
//! No GUI crate and no file IO live here; everything is deterministic for a given seed.
//!
//! # Conventions (owned by this module, used everywhere)
//! - Layers are numbered from 1 for people ("layer 3", `W3`, `z3`); in code `layers[0]` is layer 1.
//!   `a0` is the input `x`.
//! - A layer's weights are `units x in`: row `j` holds the weights into unit `j` (PyTorch's
//!   `nn.Linear.weight`, the by-hand worksheets). For one sample `z = W a_prev + b`, `a = f(z)`.
//! - Batches are stored with **one column per sample**: `x` is `inputs x B`, every `z`, `a`,
//!   `dL/da` and `delta` is `units x B` (nalgebra is column-major, so a sample is contiguous).
//!   Files and the command line's JSON use rows as samples (`B x units`), as PyTorch does; the
//!   conversion happens only in [`doc`] and at the command line.
//! - Losses follow PyTorch's reductions (see [`loss`]); `relu'(0) = 0`, `leaky_relu'(0) = 0.01`.
//! - Optimizers follow `torch.optim`'s single-tensor implementations (see [`optim`]).
//!
//! # Map
//! - [`activation`]: each activation's value and derivative side by side, with its formula.
//! - [`loss`]: each loss's value and `dL/da` side by side, and its reduction.
//! - [`network`]: [`Network`], [`Layer`], validated shapes.
//! - [`trace`]: forward and backward passes into reusable buffers; [`Gradients`] are a value.
//! - [`steps`]: the ordered chain-rule steps that the stepper and worked solutions show.
//! - [`optim`], [`schedule`]: torch.optim-exact optimizers, learning-rate schedules, clipping.
//! - [`init`]: seeded, reproducible initialisers (ChaCha8).
//! - [`train`]: mini-batch training in bounded slices, early stopping, dropout.
//! - [`gradcheck`], [`summary`]: finite-difference checks and a Keras-like summary.
//! - [`doc`]: the network file format (JSON or TOML), parsed from text with every error listed.
//! - [`data`]: in-memory data sets, seeded splits, feature scaling fitted on the training split.
//! - [`datasets`]: seeded generators (xor, circles, moons, spiral, blobs, 1-D functions), the
//!   shipped sets (iris, digits, wine, breast cancer) and a lesson's `data = ...` spec.
//! - [`csv`]: CSV import with a preview (delimiter and header guessed, bad rows by line).
//! - [`metrics`]: confusion matrix, precision and recall, R², RMSE, histograms, gradient norms
//!   per layer, dead ReLU units.
//! - [`numfmt`]: how numbers are written, one [`numfmt::NumberFormat`] per place that shows one.
//! - [`serialize`]: documents as pretty JSON or TOML text, refusing what a file cannot hold.
//! - [`linalg`], [`fastmath`]: the matrix products and slice-wise maths the hot paths use;
//!   [`simd`]: the one run-time choice of vector instructions they run with.

pub mod activation;
pub mod csv;
pub mod data;
pub mod datasets;
pub mod doc;
pub mod fastmath;
pub mod gradcheck;
pub mod init;
pub mod linalg;
pub mod loss;
pub mod metrics;
pub mod network;
pub mod numfmt;
pub mod optim;
pub mod schedule;
pub mod serialize;
pub mod simd;
pub mod steps;
pub mod summary;
pub mod trace;
pub mod train;

pub use activation::Activation;
pub use loss::{Loss, LossKind, Reduction};
pub use network::{Layer, Network};
pub use optim::{Optimizer, OptimizerConfig, OptimizerKind};
pub use trace::{ForwardTrace, Gradients, LayerGrads, LayerTrace};

/// The matrix type used throughout: dynamically sized, f64, column-major.
pub type Matrix = nalgebra::DMatrix<f64>;
/// The vector type used for biases.
pub type Vector = nalgebra::DVector<f64>;
