//! File > Export as...: a network cell or a training cell as a PyTorch, Keras or NumPy script
//! ([`crate::bridge`]). The dialog's state is an [`ExportDialog`]; [`ExportCommand`]s change it;
//! the script (and a large training cell's CSV beside it) is written through the `Dialogs`
//! trait, so on the web it is a download.

use super::path_prompt::PathFor;
use super::state::{AppState, CellState};
use crate::bridge::script::TrainingSource;
use crate::bridge::{self, Script, ScriptKind, Source};
use std::path::{Path, PathBuf};

/// The open export dialog.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportDialog {
    /// The cell exported (an index into the page's cells: a network or training cell).
    pub cell: usize,
    pub kind: ScriptKind,
    /// Full-batch steps a network's script runs (0: one traced pass).
    pub steps: usize,
}

/// What the dialog asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportCommand {
    /// Opens the dialog on the network cell the stepper shows (else the first cell that can
    /// be exported).
    Open,
    SetCell(usize),
    SetKind(ScriptKind),
    SetSteps(usize),
    /// Asks where, writes the script and closes the dialog.
    Write,
    /// Writes to this path (a typed path when no file dialog could open).
    WriteTo(PathBuf),
    Close,
}

impl AppState {
    /// The cells that can be exported, with their labels ("Cell 2: network 3-4-2").
    pub fn exportable_cells(&self) -> Vec<(usize, String)> {
        self.doc
            .cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c {
                CellState::Network(n) => {
                    let net = &n.doc.net;
                    let widths: Vec<String> = std::iter::once(net.inputs())
                        .chain(net.layers().iter().map(|l| l.units()))
                        .map(|w| w.to_string())
                        .collect();
                    Some((i, format!("Cell {}: network {}", i + 1, widths.join("-"))))
                }
                CellState::Training(t) => {
                    let hidden: Vec<String> = t.setup.hidden.iter().map(ToString::to_string).collect();
                    let shape = if hidden.is_empty() {
                        "no hidden layer".to_string()
                    } else {
                        format!("hidden {}", hidden.join("-"))
                    };
                    Some((i, format!("Cell {}: training ({shape})", i + 1)))
                }
                _ => None,
            })
            .collect()
    }

    pub(super) fn export_command(&mut self, c: ExportCommand) {
        match c {
            ExportCommand::Open => {
                if !self.edit_mode_allowed() {
                    return self.error(
                        "This is a graded lesson: exporting a cell as a script, which computes every value the \
                         exercises ask for, is off for students, as edit mode is.",
                    );
                }
                let cells = self.exportable_cells();
                let cell = self.active_net().or_else(|| cells.first().map(|c| c.0));
                match cell {
                    Some(cell) => {
                        self.session.export_dialog = Some(ExportDialog {
                            cell,
                            kind: ScriptKind::Pytorch,
                            steps: 0,
                        })
                    }
                    None => self.error("This page has no network or training cell to export."),
                }
            }
            ExportCommand::SetCell(cell) => self.with_dialog(|d| d.cell = cell),
            ExportCommand::SetKind(kind) => self.with_dialog(|d| d.kind = kind),
            ExportCommand::SetSteps(steps) => self.with_dialog(|d| d.steps = steps.min(MAX_STEPS)),
            ExportCommand::Close => self.session.export_dialog = None,
            ExportCommand::Write => {
                let Some(d) = self.session.export_dialog.clone() else {
                    return;
                };
                let name = d.kind.file_name(&self.export_stem(d.cell));
                match self.session.dialogs.pick_export(&name, "py") {
                    Some(p) => self.write_export(&d, &p),
                    None => self.dialog_gave_nothing(PathFor::Script, &name),
                }
            }
            ExportCommand::WriteTo(p) => {
                if let Some(d) = self.session.export_dialog.clone() {
                    self.write_export(&d, &p);
                }
            }
        }
    }

    fn with_dialog(&mut self, f: impl FnOnce(&mut ExportDialog)) {
        if let Some(d) = &mut self.session.export_dialog {
            f(d);
        }
    }

    /// The stem of the suggested file name: the lesson's file, else "network".
    fn export_stem(&self, cell: usize) -> String {
        let stem = self
            .doc
            .file
            .as_deref()
            .and_then(Path::file_stem)
            .map_or_else(|| "network".to_string(), |s| s.to_string_lossy().into_owned());
        format!("{stem}_cell{}", cell + 1)
    }

    /// The script of the dialog's cell, as the window holds it now (a network cell with the
    /// student's edits; a training cell from its settings and initial weights).
    pub fn export_script(&self, d: &ExportDialog, stem: &str) -> Result<Script, String> {
        let result = match self.doc.cells.get(d.cell) {
            Some(CellState::Network(n)) => bridge::export(d.kind, &Source::Network(&n.doc), d.steps, stem),
            Some(CellState::Training(t)) => {
                let read = t.reader();
                let source = TrainingSource::prepare(&t.setup, read.as_ref()).map_err(|e| e.to_string())?;
                bridge::export(d.kind, &Source::Training(Box::new(source)), 0, stem)
            }
            _ => return Err(format!("cell {} is neither a network nor a training cell", d.cell + 1)),
        };
        result.map_err(|e| e.to_string())
    }

    /// Writes the script to `path` (and a large data set beside it), then closes the dialog.
    fn write_export(&mut self, d: &ExportDialog, path: &Path) {
        let stem = path
            .file_stem()
            .map_or_else(|| "network".to_string(), |s| s.to_string_lossy().into_owned());
        let script = match self.export_script(d, &stem) {
            Ok(s) => s,
            Err(e) => return self.error(format!("Cannot export cell {} as {}: {e}", d.cell + 1, d.kind.label())),
        };
        if let Some((name, csv)) = &script.data_file {
            let beside = path.with_file_name(name);
            if let Err(e) = self.session.dialogs.write_bytes(&beside, csv.as_bytes()) {
                return self.error(format!("Could not save {}: {e}", beside.display()));
            }
        }
        match self.session.dialogs.write_bytes(path, script.text.as_bytes()) {
            Ok(()) => {
                self.session.export_dialog = None;
                let beside = script
                    .data_file
                    .map_or(String::new(), |(n, _)| format!(" (its data in {n} beside it)"));
                self.info(format!("Saved the {} to {}{beside}", d.kind.label(), path.display()));
            }
            Err(e) => self.error(format!("Could not save {}: {e}", path.display())),
        }
    }
}

/// The most steps the dialog offers (each is a full-batch pass in the script, not in the app).
pub const MAX_STEPS: usize = 100_000;
