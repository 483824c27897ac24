//! [`CellCtx`]: what every widget of one network cell draws with and sends to, passed down
//! instead of a long list of arguments (and instead of flags hidden in egui's memory).

use crate::app::{Command, Hovered, NetCell, NetCommand, ViewSettings};
use crate::nn::steps::Source;

/// One network cell being drawn.
pub struct CellCtx<'a> {
    /// The cell's index on the page.
    pub ci: usize,
    pub cell: &'a NetCell,
    pub view: &'a ViewSettings,
    /// Edit mode: values offer "Ask for this value".
    pub edit_mode: bool,
    /// Where the commands go.
    pub out: &'a mut Vec<Command>,
    /// What the value under the pointer is computed from (highlighted), if it is in this cell.
    pub sources: &'a [Source],
}

impl CellCtx<'_> {
    /// Sends `cmd` for this cell.
    pub fn send(&mut self, cmd: NetCommand) {
        self.out.push(Command::Net { cell: self.ci, cmd });
    }

    /// Says that element (`row`, `col`) of `quantity` for `sample` is under the pointer.
    pub fn hover(&mut self, quantity: crate::nn::steps::Quantity, row: usize, col: usize, sample: usize) {
        self.out.push(Command::Hover(Some(Hovered {
            cell: self.ci,
            quantity,
            row,
            col,
            sample,
            step: None,
        })));
    }
}
