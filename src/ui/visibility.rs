//! What the stepper lets the student see: while stepping, quantities written by steps not yet
//! reached are blank; reads and writes of the current step are highlighted.

use crate::app::NetCell;
use crate::nn::steps::Quantity;

/// How a value should be drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Plain,
    Read,
    Written,
}

/// Whether `q` is shown (not blank) in `cell` now.
pub fn visible(cell: &NetCell, q: Quantity) -> bool {
    let Some(cur) = cell.step else { return true };
    if cell.reveal_all {
        return true;
    }
    match cell.first_write(q) {
        Some(i) => i <= cur,
        None => true,
    }
}

/// How the current step touches `q`.
pub fn mark(cell: &NetCell, q: Quantity) -> Mark {
    match cell.current_step() {
        Some(s) if s.writes == q => Mark::Written,
        Some(s) if s.reads.contains(&q) => Mark::Read,
        _ => Mark::Plain,
    }
}
