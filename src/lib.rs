//! MLP Notebook: a desktop notebook in which students learn multilayer perceptrons by touching
//! every number.
//!
//! The crate is layered; each layer depends only on the ones below it:
//! - [`nn`]: the maths (network, traces, losses, optimizers, training, the network file format).
//!   No GUI crate, no file IO.
pub mod app;
pub mod cli;
pub mod nn;
