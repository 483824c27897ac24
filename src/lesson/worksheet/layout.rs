//! How a layer's quantities are laid out: PyTorch (the sample's vectors are columns, `W` is
//! `units x in`) or Keras/NumPy (the sample is a row, `W` is `in x units`), as the window's
//! matrix view lays them out. Names follow the window: `z3`, `dL/da2`; Keras writes per-sample
//! quantities in capitals (`Z3`, `dL/dA2`).

use super::html::{Block, Fill, Item, Naming};
use crate::nn::{Matrix, Vector};

/// How per-sample quantities and parameters are shown.
#[derive(Clone, Copy)]
pub struct Lay {
    pub keras: bool,
    /// The sample laid out (0-based), and the one the answer key's working is written for.
    pub sample: usize,
    /// Every sample laid out (a small batch): per-sample quantities are `units x B` blocks,
    /// one column (Keras: one row) per sample, so the loss and the gradients can be worked out
    /// in full.
    pub whole_batch: bool,
}

/// Batches up to this size are laid out whole on a worksheet.
pub const WHOLE_BATCH_MAX: usize = 4;

fn at(m: &Matrix, r: usize, c: usize) -> f64 {
    if r < m.nrows() && c < m.ncols() {
        m[(r, c)]
    } else {
        f64::NAN
    }
}

/// `a2` -> `A2`, `dL/da2` -> `dL/dA2`, `x` -> `X`; `δ3` stays.
pub fn keras_name(name: &str) -> String {
    match name.rsplit_once("/d") {
        Some((head, tail)) => format!("{head}/d{}", keras_name(tail)),
        None => {
            let mut c = name.chars();
            c.next()
                .map(|f| std::iter::once(f.to_ascii_uppercase()).chain(c).collect())
                .unwrap_or_default()
        }
    }
}

impl Lay {
    /// The sample's column of a `units x B` quantity: a column, or a row for Keras.
    pub fn per_sample(self, name: &str, m: &Matrix, fill: Fill) -> Item {
        if self.whole_batch {
            return self.batch(name, m, fill);
        }
        let (units, s) = (m.nrows(), self.sample);
        Item::B(if self.keras {
            Block::new(
                keras_name(name),
                Naming::SampleRow(s),
                (1, units),
                |_, c| at(m, c, s),
                fill,
            )
        } else {
            Block::new(name, Naming::Row, (units, 1), |r, _| at(m, r, s), fill)
        })
    }

    /// A `units x in` matrix, transposed for Keras.
    pub fn params(self, name: &str, m: &Matrix, fill: Fill) -> Item {
        let (u, i) = m.shape();
        Item::B(if self.keras {
            Block::new(name, Naming::RowCol, (i, u), |r, c| at(m, c, r), fill)
        } else {
            Block::new(name, Naming::RowCol, (u, i), |r, c| at(m, r, c), fill)
        })
    }

    /// A whole batch (`units x B` in the engine): one column per sample, or one row for Keras.
    pub fn batch(self, name: &str, m: &Matrix, fill: Fill) -> Item {
        let (units, b) = m.shape();
        Item::B(if self.keras {
            Block::new(keras_name(name), Naming::RowCol, (b, units), |r, c| at(m, c, r), fill)
                .with_note("one row per sample")
        } else {
            Block::new(name, Naming::RowCol, (units, b), |r, c| at(m, r, c), fill).with_note("one column per sample")
        })
    }

    /// A vector over a layer's units: a column, or a row for Keras.
    pub fn units(self, name: &str, v: &Vector, fill: Fill) -> Item {
        let n = v.len();
        let get = |k: usize| v.get(k).copied().unwrap_or(f64::NAN);
        Item::B(if self.keras {
            Block::new(name, Naming::Col, (1, n), |_, c| get(c), fill)
        } else {
            Block::new(name, Naming::Row, (n, 1), |r, _| get(r), fill)
        })
    }
}

pub fn with_note(item: Item, note: String) -> Item {
    match item {
        Item::B(b) => Item::B(b.with_note(note)),
        other => other,
    }
}

/// `a2`, or `x` for layer 1's input.
pub fn prev_name(l: usize) -> String {
    if l == 0 { "x".into() } else { format!("a{l}") }
}
