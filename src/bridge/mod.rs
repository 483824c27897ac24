//! The bridge to other tools, as text and bytes in and out (no file IO, no GUI crate; uses
//! `nn` and `lesson` only):
//!
//! - scripts a student can run: a network or a training cell written out for PyTorch, Keras 3
//!   or plain NumPy. [`script`]: what can be exported ([`script::Source`]), the script kinds and
//!   the one entry point [`script::export`], with the checks that refuse what a script cannot
//!   reproduce; [`numpy`], [`pytorch`], [`keras`]: one generator per tool; [`py`]: Python text
//!   shared by the generators (floats that round-trip, matrices as lists); [`training`]: a
//!   training cell's data, split and scaling as the scripts take them.
//! - weight files: [`weights`], what they share ([`weights::Imported`] layers, their metadata,
//!   the user's [`weights::Choices`], [`weights::WeightsError`]); [`safetensors`], PyTorch's
//!   `state_dict` of a `Sequential` (`0.weight`, `0.bias`, ...); [`npz`], NumPy's `np.savez`
//!   with `W1`, `b1`, ...
//!
//! Every script follows the lesson conventions (see [`crate::nn`]): layers numbered from 1,
//! `W1` is `units x in`, `z1 = W1 a0 + b1`, `a1 = f(z1)`, `delta1 = dL/dz1`.

pub mod keras;
pub mod npz;
pub mod numpy;
pub mod py;
pub mod pytorch;
pub mod safetensors;
pub mod script;
pub mod training;
pub mod weights;

pub use script::{ExportError, Script, ScriptKind, Source, export};
