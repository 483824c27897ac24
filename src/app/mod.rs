//! Application state, commands, undo history and file access, free of any window crate.
//!
//! Data flow each frame: the window layer above lets the drawing code read [`AppState`] and
//! return [`Command`]s; [`AppState::apply`] applies them one by one (recording
//! undo, recomputing the traces of the network cell that changed). Nothing here needs a thread,
//! and nothing here names eframe, egui or rfd: the platform comes in through
//! [`files::Dialogs`].

pub mod analysis;
pub mod cell;
pub mod command;
pub mod document;
pub mod edit;
pub mod export;
pub mod files;
pub mod import;
pub mod lab;
pub mod path_prompt;
pub mod progress;
pub mod recovery;
pub mod remembered;
pub mod save_checks;
pub mod session;
pub mod share;
pub mod state;
pub mod student;
pub mod training;
pub mod undo;
pub mod weights;

pub use cell::NetCell;
pub use command::{
    CloseAnswer, Command, Convention, Edit, Hovered, LabCommand, NetCommand, NodeValue, PlotExport, ScreenArea,
    Selection, StepNav, StudentCommand,
};
pub use document::{BuiltIn, Document};
pub use session::{Message, Pending, Session, Settings, ViewSettings};
pub use state::{AppState, CellState};
