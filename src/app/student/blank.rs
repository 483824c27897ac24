//! Values kept blank in a network cell: what an unanswered exercise asks for stays hidden
//! there until it is answered or its worked solution shown.

use crate::lesson::Exercise;
use crate::lesson::reference::{Index, LayerQuantity, Target};
use crate::nn::doc::NetworkDoc;
use crate::nn::steps::Quantity;

/// A value an unanswered exercise asks for: blank in its network cell until answered.
/// `None` in a field matches every row, column or sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blank {
    pub q: Quantity,
    /// Row and column as the engine indexes the quantity: (unit, input) for weights and their
    /// gradient, (unit, 0) for per-unit values; the update step's bias lines are column
    /// `inputs`.
    pub row: Option<usize>,
    pub col: Option<usize>,
    pub sample: Option<usize>,
    /// The value after the update: only the update step's lines are blank, not the weights.
    pub after_update: bool,
}

impl Blank {
    /// Whether this blank covers element (row, col) of `q` for `sample`.
    pub fn covers(&self, q: Quantity, row: usize, col: usize, sample: usize) -> bool {
        self.q == q
            && self.row.is_none_or(|r| r == row)
            && self.col.is_none_or(|c| c == col)
            && self.sample.is_none_or(|s| s == sample)
    }

    /// The blank for what `ex` asks, in a network of `layers` layers with `inputs` inputs to
    /// layer `l` (for the update step's bias lines). `None` when the answer is not a value the
    /// network cell shows (the input, weights, counts) or is solved for.
    pub fn of(ex: &Exercise, doc: &NetworkDoc) -> Option<Blank> {
        if ex.solve_for.is_some() {
            return None;
        }
        let (row, col) = match ex.ask.index {
            Index::Whole => (None, None),
            Index::One(i) => (Some(i), Some(0)),
            Index::Two(i, j) => (Some(i), Some(j)),
        };
        let sample = Some(ex.sample_index());
        let blank = |q, sample| Blank {
            q,
            row,
            col,
            sample,
            after_update: false,
        };
        let last = doc.net.len().checked_sub(1)?;
        Some(match ex.ask.target {
            Target::Loss => Blank {
                row: None,
                col: None,
                ..blank(Quantity::Loss, None)
            },
            Target::Output => blank(Quantity::A(last), sample),
            Target::Layer(l, q) => match q {
                LayerQuantity::Z => blank(Quantity::Z(l), sample),
                // Z[i][j] is unit i of sample j: the per-sample z's row i, in sample j.
                LayerQuantity::ZBatch => match ex.ask.index {
                    Index::Two(i, j) => Blank {
                        row: Some(i),
                        col: Some(0),
                        ..blank(Quantity::Z(l), Some(j))
                    },
                    _ => blank(Quantity::Z(l), None),
                },
                LayerQuantity::A => blank(Quantity::A(l), sample),
                LayerQuantity::DlDa => blank(Quantity::Da(l), sample),
                LayerQuantity::Delta => blank(Quantity::Delta(l), sample),
                LayerQuantity::GradWeights => blank(Quantity::GradW(l), None),
                LayerQuantity::GradBias => blank(Quantity::GradB(l), None),
                LayerQuantity::NewWeights => Blank {
                    after_update: true,
                    ..blank(Quantity::W(l), None)
                },
                LayerQuantity::NewBias => Blank {
                    after_update: true,
                    col: Some(doc.net.layers().get(l)?.inputs()),
                    ..blank(Quantity::W(l), None)
                },
                _ => return None,
            },
            _ => return None,
        })
    }
}
