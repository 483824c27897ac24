//! What the weight files have in common: the layers read from a file ([`Imported`]), what the
//! file says about itself ([`Meta`]), the choices a user makes where it says nothing
//! ([`Choices`]), and every way a file can be wrong ([`WeightsError`]).
//!
//! # Conventions
//! - A layer's weight matrix is `units x in` (PyTorch's `nn.Linear.weight`, the app's `W`), its
//!   bias has `units` entries. Files store matrices row-major (C order), one row per unit.
//! - Layers are numbered from 1 in messages (`W1`, "layer 1"), as everywhere in the app; the
//!   tensors keep the names the file gives them (`0.weight`, `W1`).
//! - Bytes in, bytes out: nothing here opens a file.

use crate::nn::data::Scaler;
use crate::nn::doc::{LayerSpec, NetworkDoc, NetworkFile, loss_to_spec, scaling_to_spec};
use crate::nn::{Activation, Loss, LossKind, Matrix, Vector};

/// Weight files larger than this are refused before anything is read from them: the largest
/// network the app opens ([`crate::nn::doc::MAX_PARAMS`] parameters) as float64 is 40 MB.
pub const MAX_WEIGHT_FILE_BYTES: usize = 48 * 1024 * 1024;

/// Everything that can be wrong with a weight file, each naming the tensor concerned.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WeightsError {
    #[error("the file is {got} bytes; the limit for a weight file is {limit} bytes")]
    TooLarge { got: u64, limit: usize },
    #[error("not a {format} file: {reason}")]
    Format { format: &'static str, reason: String },
    #[error("the file holds no weights")]
    Empty,
    #[error("unknown tensor '{name}': {expected}")]
    UnknownKey { name: String, expected: &'static str },
    #[error("tensor {name} holds {dtype} values; only floating-point weights (F64, F32, F16, BF16) can be read")]
    NotFloat { name: String, dtype: String },
    #[error("tensor {name} at {place} is {value}, not a finite number")]
    NotFinite { name: String, place: String, value: f64 },
    #[error("tensor {name} has shape {shape}, but {reason}")]
    Shape {
        name: String,
        shape: String,
        reason: String,
    },
    #[error("{name} has no {missing}")]
    Missing { name: String, missing: String },
    #[error("the network has {got} parameters; the limit is {limit}")]
    TooManyParams { got: usize, limit: usize },
    #[error("metadata '{key}': {reason}")]
    Metadata { key: String, reason: String },
    #[error("{0}")]
    Choice(String),
    #[error("{}", .0.join("; "))]
    Network(Vec<String>),
    #[error("cannot write the file: {0}")]
    Write(String),
}

/// A tensor's shape as messages write it: `[4, 3]`.
pub fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("[{}]", dims.join(", "))
}

/// One dense layer as read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    /// `units x in`.
    pub weights: Matrix,
    /// `units`.
    pub bias: Vector,
}

/// What a file says about the network besides its weights (our own files say all of it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub name: Option<String>,
    /// One per layer.
    pub activations: Option<Vec<Activation>>,
    pub loss: Option<Loss>,
    pub scaling: Option<Scaler>,
}

/// The layers of a weight file, checked to chain, with what the file says about them.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub layers: Vec<Dense>,
    pub meta: Meta,
}

/// What the user chooses where the file says nothing (or to override what it says).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Choices {
    /// One per layer; `None` takes the file's, else relu hidden and identity output.
    pub activations: Option<Vec<Activation>>,
    /// `None` takes the file's, else mse.
    pub loss: Option<Loss>,
}

impl Imported {
    /// The number of inputs (the first layer's columns).
    pub fn inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.weights.ncols())
    }

    /// The activations the file names, else relu on hidden layers and identity on the output
    /// (a `Sequential` of `Linear` and `ReLU` modules, the commonest there is).
    pub fn activations(&self) -> Vec<Activation> {
        self.meta
            .activations
            .clone()
            .unwrap_or_else(|| default_activations(self.layers.len()))
    }

    /// Whether the file says which activations its layers use.
    pub fn names_activations(&self) -> bool {
        self.meta.activations.is_some()
    }

    /// The network document: these weights with the chosen (or the file's, or the default)
    /// activations and loss, checked by the network file's own validation. Its samples are one
    /// sample of zeros with zero targets, as a network file without `x` gets.
    pub fn to_doc(&self, choices: &Choices) -> Result<NetworkDoc, WeightsError> {
        let activations = choices.activations.clone().unwrap_or_else(|| self.activations());
        if activations.len() != self.layers.len() {
            return Err(WeightsError::Choice(format!(
                "{} activations given but the file has {} layers (one activation per layer: {})",
                activations.len(),
                self.layers.len(),
                default_activations(self.layers.len())
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
        let loss = choices.loss.or(self.meta.loss).unwrap_or(Loss::new(LossKind::Mse));
        let file = NetworkFile {
            format_version: Some(crate::nn::doc::FORMAT_VERSION),
            name: self.meta.name.clone(),
            inputs: self.inputs(),
            loss: Some(loss_to_spec(&loss)),
            x: None,
            y: None,
            optimizer: None,
            scaling: self.meta.scaling.as_ref().map(scaling_to_spec),
            layers: self
                .layers
                .iter()
                .zip(&activations)
                .map(|(l, a)| LayerSpec {
                    units: l.weights.nrows(),
                    activation: a.name().into(),
                    weights: l.weights.row_iter().map(|r| r.iter().copied().collect()).collect(),
                    bias: Some(l.bias.iter().copied().collect()),
                })
                .collect(),
        };
        file.validate().map_err(|e| WeightsError::Network(e.problems))
    }
}

/// Relu on every hidden layer, identity on the output.
pub fn default_activations(layers: usize) -> Vec<Activation> {
    (0..layers)
        .map(|i| {
            if i + 1 == layers {
                Activation::Identity
            } else {
                Activation::Relu
            }
        })
        .collect()
}

/// Parses `relu,relu,identity` (spaces allowed), naming a bad entry with the valid names.
pub fn parse_activations(text: &str) -> Result<Vec<Activation>, String> {
    text.split(',')
        .map(str::trim)
        .map(|n| {
            Activation::from_name(n)
                .ok_or_else(|| format!("unknown activation '{n}'; valid: {}", Activation::valid_names()))
        })
        .collect()
}

/// Checks the layers chain (each layer's columns are the previous layer's rows, each bias as
/// long as its layer's rows) and stay within the parameter limit. `names` gives each layer's
/// weight and bias tensor names for the messages.
pub fn check_chain(layers: &[Dense], names: &[(String, String)]) -> Result<(), WeightsError> {
    if layers.is_empty() {
        return Err(WeightsError::Empty);
    }
    let mut params = 0usize;
    for (i, l) in layers.iter().enumerate() {
        let (w, b) = &names[i];
        if l.bias.len() != l.weights.nrows() {
            return Err(WeightsError::Shape {
                name: b.clone(),
                shape: shape_text(&[l.bias.len()]),
                reason: format!(
                    "{w} has shape {} ({} units): the bias needs {} entries",
                    shape_text(&[l.weights.nrows(), l.weights.ncols()]),
                    l.weights.nrows(),
                    l.weights.nrows()
                ),
            });
        }
        if i > 0 {
            let prev = &layers[i - 1].weights;
            if l.weights.ncols() != prev.nrows() {
                return Err(WeightsError::Shape {
                    name: w.clone(),
                    shape: shape_text(&[l.weights.nrows(), l.weights.ncols()]),
                    reason: format!(
                        "{} has shape {} ({} units): layer {} needs {} columns",
                        names[i - 1].0,
                        shape_text(&[prev.nrows(), prev.ncols()]),
                        prev.nrows(),
                        i + 1,
                        prev.nrows()
                    ),
                });
            }
        }
        params = params.saturating_add(l.weights.len() + l.bias.len());
    }
    if params > crate::nn::doc::MAX_PARAMS {
        return Err(WeightsError::TooManyParams {
            got: params,
            limit: crate::nn::doc::MAX_PARAMS,
        });
    }
    Ok(())
}

/// Refuses a file over [`MAX_WEIGHT_FILE_BYTES`].
pub fn check_size(bytes: &[u8]) -> Result<(), WeightsError> {
    if bytes.len() > MAX_WEIGHT_FILE_BYTES {
        return Err(WeightsError::TooLarge {
            got: bytes.len() as u64,
            limit: MAX_WEIGHT_FILE_BYTES,
        });
    }
    Ok(())
}

/// Builds a `rows x cols` matrix from row-major values, refusing a value that is not finite
/// (named by its row and column, counted from 1).
pub fn matrix_from_row_major(name: &str, rows: usize, cols: usize, values: &[f64]) -> Result<Matrix, WeightsError> {
    finite(name, values, cols)?;
    Ok(Matrix::from_fn(rows, cols, |r, c| values[r * cols + c]))
}

/// A vector, refusing a value that is not finite.
pub fn vector(name: &str, values: Vec<f64>) -> Result<Vector, WeightsError> {
    finite(name, &values, 0)?;
    Ok(Vector::from_vec(values))
}

/// The first value that is not finite, as an error (`cols = 0` for a vector: its index).
fn finite(name: &str, values: &[f64], cols: usize) -> Result<(), WeightsError> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(WeightsError::NotFinite {
            name: name.into(),
            place: match (i.checked_div(cols), i.checked_rem(cols)) {
                (Some(r), Some(c)) => format!("row {}, column {}", r + 1, c + 1),
                _ => format!("entry {}", i + 1),
            },
            value: values[i],
        }),
    }
}

/// A network document's layers as [`Dense`] layers, for writing.
pub fn layers_of(doc: &NetworkDoc) -> Vec<Dense> {
    doc.net
        .layers()
        .iter()
        .map(|l| Dense {
            weights: l.weights.clone(),
            bias: l.bias.clone(),
        })
        .collect()
}

/// A network document's own facts, for writing beside its weights.
pub fn meta_of(doc: &NetworkDoc) -> Meta {
    Meta {
        name: doc.name.clone(),
        activations: Some(doc.net.layers().iter().map(|l| l.activation).collect()),
        loss: Some(doc.loss),
        scaling: doc.scaling.clone(),
    }
}

/// The weight file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightFormat {
    /// PyTorch's state dict (`0.weight`, `0.bias`, ...), with the app's metadata.
    Safetensors,
    /// NumPy's `np.savez` (`W1`, `b1`, ...).
    Npz,
}

impl WeightFormat {
    pub const ALL: [WeightFormat; 2] = [WeightFormat::Safetensors, WeightFormat::Npz];

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            WeightFormat::Safetensors => "safetensors",
            WeightFormat::Npz => "npz",
        }
    }

    /// From a file name's extension.
    pub fn from_file_name(name: &str) -> Option<WeightFormat> {
        let lower = name.to_ascii_lowercase();
        WeightFormat::ALL
            .into_iter()
            .find(|f| lower.ends_with(&format!(".{}", f.extension())))
    }

    /// From the file name, else from the bytes: a zip archive (`PK\x03\x04`, or the empty
    /// archive's `PK\x05\x06`) is an `.npz`, anything else is read as safetensors.
    pub fn guess(name: &str, bytes: &[u8]) -> WeightFormat {
        WeightFormat::from_file_name(name).unwrap_or(
            if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
                WeightFormat::Npz
            } else {
                WeightFormat::Safetensors
            },
        )
    }

    /// Reads a file of this format.
    pub fn read(self, bytes: &[u8]) -> Result<Imported, WeightsError> {
        match self {
            WeightFormat::Safetensors => super::safetensors::read(bytes),
            WeightFormat::Npz => super::npz::read(bytes),
        }
    }

    /// Writes `doc` in this format.
    pub fn write(self, doc: &NetworkDoc) -> Result<Vec<u8>, WeightsError> {
        match self {
            WeightFormat::Safetensors => super::safetensors::write(doc),
            WeightFormat::Npz => super::npz::write(doc),
        }
    }
}
