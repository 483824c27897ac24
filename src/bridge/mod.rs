//! The bridge to other tools: a network or a training cell written out as a script a student
//! can run in PyTorch, Keras 3 or plain NumPy. Plain logic: text in, text out, no file IO.
//!
//! - [`script`]: what can be exported ([`script::Source`]), the script kinds and the one entry
//!   point [`script::export`]; the checks that refuse what a script cannot reproduce.
//! - [`numpy`], [`pytorch`], [`keras`]: one generator per tool.
//! - [`py`]: Python text shared by the generators (floats that round-trip, matrices as lists).
//!
//! Every script follows the lesson conventions (see [`crate::nn`]): layers numbered from 1,
//! `W1` is `units x in`, `z1 = W1 a0 + b1`, `a1 = f(z1)`, `delta1 = dL/dz1`.

pub mod keras;
pub mod numpy;
pub mod py;
pub mod pytorch;
pub mod script;
pub mod training;

pub use script::{ExportError, Script, ScriptKind, Source, export};
