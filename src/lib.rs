//! MLP Notebook: a desktop notebook in which students learn multilayer perceptrons by touching
//! every number.
//!
//! The crate is layered; each layer depends only on the ones below it:
//! - [`nn`]: the maths (network, traces, losses, optimizers, training, the network file format).
//!   No GUI crate, no file IO.
//! - [`lesson`]: lessons as plain data (text and network cells) and their file format.
//! - [`files`]: reading and writing files (size limits, atomic saves); used by `cli` and `app`.
//! - [`app`]: the window's state, commands, undo history and file access; no window crate.
//! - [`ui`]: drawing only; reads the state and emits commands.
//! - [`window`]: the eframe glue: runs the frame's logic, draws with `ui`, applies commands.
//! - [`cli`]: the `mlp-notebook` subcommands over `nn` and `lesson`.
//!
//! Dependency direction: `window -> ui -> app -> lesson -> nn`, `cli -> lesson -> nn`; `files`
//! is used by `app` and `cli`. Nothing in `nn` or `lesson` names a GUI crate, and `app` names
//! no eframe, egui or rfd.
//!
//! `ui` and `window` are built with the `gui` feature (on by default); without it the crate has
//! no GUI dependency at all.

pub mod app;
pub mod cli;
pub mod files;
pub mod lesson;
pub mod nn;
pub mod speed;
#[cfg(feature = "gui")]
pub mod ui;
#[cfg(feature = "gui")]
pub mod window;
