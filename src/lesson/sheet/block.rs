//! One block of a sheet: a named grid of numbers in the shape it is shown, how its elements are
//! labelled, what a reader of a worksheet does with it ([`Fill`]), and for every element as shown
//! the engine's (row, column, sample) it comes from. A block reads its numbers where the engine
//! keeps them, so laying out a large batch copies nothing.

use crate::nn::steps::Quantity;
use crate::nn::{Matrix, Vector};

/// Element (`r`, `c`) of `m`, or NaN outside it: a block can always write something.
pub fn at(m: &Matrix, r: usize, c: usize) -> f64 {
    if r < m.nrows() && c < m.ncols() {
        m[(r, c)]
    } else {
        f64::NAN
    }
}

/// How the elements of a block are labelled (1-based, as shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `z3[r]` (a column).
    Row,
    /// `b3[c]` (a row).
    Col,
    /// `W3[r,c]`.
    RowCol,
    /// `Z3[s,c]`: the one row of sample `s` (0-based) of a samples-as-rows matrix.
    SampleRow(usize),
    /// `L`: a single number.
    Plain,
}

/// What a block's numbers are to the reader of a worksheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// A number of the problem (data, weights, biases), always written.
    Given,
    /// A value computed in an earlier block, repeated here to work with.
    Copy,
    /// A value to compute.
    Answer,
}

impl Fill {
    /// The data and the parameters are given; everything the passes compute is to be computed.
    pub fn of(q: Quantity) -> Fill {
        match q {
            Quantity::X | Quantity::Y | Quantity::W(_) | Quantity::B(_) => Fill::Given,
            _ => Fill::Answer,
        }
    }
}

/// Where a block's numbers are, as the engine holds them.
#[derive(Clone, Debug)]
enum Source<'a> {
    /// A `units x in` matrix (weights or their gradient): element (unit, input).
    Params(&'a Matrix),
    /// A per-sample quantity, `units x B`, every sample laid out: element (unit, sample).
    Batch(&'a Matrix),
    /// One sample's column of a `units x B` quantity.
    Sample(&'a Matrix, usize),
    /// A vector over a layer's units (a bias or its gradient).
    Units(&'a Vector),
    /// Numbers given row by row as shown (`rows x cols`), such as an exercise's answer.
    Values(Vec<f64>),
}

/// One block of numbers: a title with its shape over a grid.
#[derive(Clone, Debug)]
pub struct Block<'a> {
    /// `W3`, `dL/dW3`, `new W3`, `Z3`.
    pub name: String,
    pub naming: Naming,
    /// The shape as shown.
    pub rows: usize,
    pub cols: usize,
    /// What the block shows, for the window's blanks and highlights; `None` for numbers that are
    /// no quantity of the network (an exercise's answer).
    pub quantity: Option<Quantity>,
    pub fill: Fill,
    /// A line under the title: `copy from layer 2`, `one row per sample`.
    pub note: Option<String>,
    source: Source<'a>,
    /// Shown transposed from the engine's layout (the Keras convention).
    transposed: bool,
    /// The sample emphasised in a block of every sample (the one the stepper shows).
    mark: Option<usize>,
}

impl<'a> Block<'a> {
    fn from_source(name: String, source: Source<'a>, transposed: bool, quantity: Quantity) -> Block<'a> {
        let (rows, cols, naming) = match &source {
            Source::Params(m) | Source::Batch(m) => (m.nrows(), m.ncols(), Naming::RowCol),
            Source::Sample(m, _) => (m.nrows(), 1, Naming::Row),
            Source::Units(v) => (v.len(), 1, Naming::Row),
            // Given numbers carry their own shape: see `Block::from_values`.
            Source::Values(_) => (0, 0, Naming::Plain),
        };
        let (rows, cols, naming) = match (transposed, naming, &source) {
            (false, _, _) => (rows, cols, naming),
            (true, Naming::Row, Source::Sample(_, s)) => (cols, rows, Naming::SampleRow(*s)),
            (true, Naming::Row, _) => (cols, rows, Naming::Col),
            (true, _, _) => (cols, rows, naming),
        };
        Block {
            name,
            naming,
            rows,
            cols,
            quantity: Some(quantity),
            fill: Fill::of(quantity),
            note: None,
            source,
            transposed,
            mark: None,
        }
    }

    /// A `units x in` matrix, shown `in x units` when `transposed`.
    pub(super) fn params(name: String, m: &'a Matrix, transposed: bool, q: Quantity) -> Block<'a> {
        Block::from_source(name, Source::Params(m), transposed, q)
    }

    /// Every sample of a `units x B` quantity, one row per sample when `transposed`.
    pub(super) fn batch(name: String, m: &'a Matrix, transposed: bool, q: Quantity) -> Block<'a> {
        Block::from_source(name, Source::Batch(m), transposed, q)
    }

    /// Sample `s` of a `units x B` quantity: a column, or a row when `transposed`.
    pub(super) fn sample(name: String, m: &'a Matrix, s: usize, transposed: bool, q: Quantity) -> Block<'a> {
        Block::from_source(name, Source::Sample(m, s), transposed, q)
    }

    /// A vector over units: a column, or a row when `transposed`.
    pub(super) fn units(name: String, v: &'a Vector, transposed: bool, q: Quantity) -> Block<'a> {
        Block::from_source(name, Source::Units(v), transposed, q)
    }

    /// A block of numbers given row by row as shown (`rows x cols`; missing ones read NaN).
    pub fn from_values(
        name: impl Into<String>,
        naming: Naming,
        (rows, cols): (usize, usize),
        values: Vec<f64>,
        fill: Fill,
    ) -> Block<'static> {
        Block {
            name: name.into(),
            naming,
            rows,
            cols,
            quantity: None,
            fill,
            note: None,
            source: Source::Values(values),
            transposed: false,
            mark: None,
        }
    }

    /// The same block with another fill.
    pub fn with_fill(mut self, fill: Fill) -> Self {
        self.fill = fill;
        self
    }

    /// The same block with a line under its title.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// A value computed earlier, repeated here: `note` says where from.
    pub fn copied(self, note: impl Into<String>) -> Self {
        self.with_fill(Fill::Copy).with_note(note)
    }

    /// Emphasises sample `s` in a block of every sample.
    pub(super) fn with_mark(mut self, s: usize) -> Self {
        self.mark = Some(s);
        self
    }

    /// The engine's (row, column, sample) of element (`r`, `c`) as shown: (unit, input, 0) for a
    /// parameter matrix, (unit, 0, sample) for a per-sample quantity, (unit, 0, 0) for a vector
    /// over units; (`r`, `c`, 0) for given numbers.
    pub fn engine(&self, r: usize, c: usize) -> (usize, usize, usize) {
        let (a, b) = if self.transposed { (c, r) } else { (r, c) };
        match self.source {
            Source::Params(_) => (a, b, 0),
            Source::Batch(_) => (a, 0, b),
            Source::Sample(_, s) => (a, 0, s),
            Source::Units(_) => (a, 0, 0),
            Source::Values(_) => (r, c, 0),
        }
    }

    /// Where the engine's element (`row`, `col`, `sample`) is shown, the way back from
    /// [`Block::engine`]; `None` when this block does not show it.
    pub fn position(&self, row: usize, col: usize, sample: usize) -> Option<(usize, usize)> {
        let (a, b) = match self.source {
            Source::Params(_) => (row, col),
            Source::Batch(_) => (row, sample),
            Source::Sample(_, s) if s == sample => (row, 0),
            Source::Sample(..) => return None,
            Source::Units(_) => (row, 0),
            Source::Values(_) => return (row < self.rows && col < self.cols).then_some((row, col)),
        };
        let (r, c) = if self.transposed { (b, a) } else { (a, b) };
        (r < self.rows && c < self.cols).then_some((r, c))
    }

    /// Element (`r`, `c`) as shown; NaN outside the block.
    pub fn value(&self, r: usize, c: usize) -> f64 {
        if r >= self.rows || c >= self.cols {
            return f64::NAN;
        }
        let (u, i, s) = self.engine(r, c);
        match &self.source {
            Source::Params(m) => at(m, u, i),
            Source::Batch(m) | Source::Sample(m, _) => at(m, u, s),
            Source::Units(v) => v.get(u).copied().unwrap_or(f64::NAN),
            Source::Values(v) => v.get(r * self.cols + c).copied().unwrap_or(f64::NAN),
        }
    }

    /// Whether element (`r`, `c`) belongs to the emphasised sample.
    pub fn marked(&self, r: usize, c: usize) -> bool {
        matches!(self.source, Source::Batch(_)) && self.mark == Some(self.engine(r, c).2)
    }

    /// The label of element (`r`, `c`): `z3[2]`, `dL/dW2[1,3]`, `Z3[2,1]`, `L`.
    pub fn label(&self, r: usize, c: usize) -> String {
        match self.naming {
            Naming::Row => format!("{}[{}]", self.name, r + 1),
            Naming::Col => format!("{}[{}]", self.name, c + 1),
            Naming::RowCol => format!("{}[{},{}]", self.name, r + 1, c + 1),
            Naming::SampleRow(s) => format!("{}[{},{}]", self.name, s + 1, c + 1),
            Naming::Plain => self.name.clone(),
        }
    }
}

/// A block, or an operator between blocks (`·`, `+`, `=`, `relu(z) =`).
#[derive(Clone, Debug)]
pub enum Item<'a> {
    B(Block<'a>),
    Op(String),
}

impl Item<'_> {
    pub fn op(s: impl Into<String>) -> Item<'static> {
        Item::Op(s.into())
    }
}
