//! The bridge to PyTorch, Keras and NumPy: files they read and write, as bytes in and bytes out
//! (no file IO, no GUI crate; uses `nn` and `lesson` only).
//!
//! - [`weights`]: what the weight files share: [`weights::Imported`] layers, their metadata,
//!   the user's [`weights::Choices`] and [`weights::WeightsError`].
//! - [`safetensors`]: PyTorch's `state_dict` of a `Sequential` (`0.weight`, `0.bias`, ...).
//! - [`npz`]: NumPy's `np.savez` with `W1`, `b1`, ...

pub mod npz;
pub mod safetensors;
pub mod weights;
