//! File > Import weights...: a weight file from PyTorch (`.safetensors`) or NumPy (`.npz`)
//! opened as an ordinary network (steppable, editable, saved as a network file). A file that
//! names its activations (the app's own safetensors) opens at once; otherwise a dialog asks for
//! each layer's activation (relu hidden and identity output to start with) and the loss.
//! Reading goes through [`super::files::Dialogs::read_bytes`], so a file picked or dropped in
//! the browser imports the same way.

use super::path_prompt::PathFor;
use super::{AppState, Pending};
use crate::bridge::weights::{Choices, Imported, MAX_WEIGHT_FILE_BYTES, WeightFormat};
use crate::lesson::{FileKind, Lesson};
use crate::nn::{Activation, Loss, LossKind};
use std::path::Path;

/// The import dialog's state: the file's layers and what the user has chosen so far.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightsImport {
    /// The file's name, as the dialog and the new network's title show it.
    pub name: String,
    pub imported: Imported,
    /// One per layer.
    pub activations: Vec<Activation>,
    pub loss: LossKind,
    /// Why the last "Open" failed (a loss that does not fit the output layer, say).
    pub error: Option<String>,
}

impl WeightsImport {
    fn new(name: String, imported: Imported) -> WeightsImport {
        WeightsImport {
            name,
            activations: imported.activations(),
            loss: imported.meta.loss.map_or(LossKind::Mse, |l| l.kind),
            imported,
            error: None,
        }
    }

    /// The layer sizes, `3-4-4-2`.
    pub fn sizes(&self) -> String {
        let mut sizes = vec![self.imported.inputs().to_string()];
        sizes.extend(self.imported.layers.iter().map(|l| l.weights.nrows().to_string()));
        sizes.join("-")
    }
}

/// What the import dialog can be asked.
#[derive(Clone, Debug, PartialEq)]
pub enum WeightsCommand {
    /// File > Import weights...: asks to save changes, then for the file.
    Import,
    /// Layer `layer` (0-based) takes `activation`.
    SetActivation {
        layer: usize,
        activation: Activation,
    },
    SetLoss(LossKind),
    /// Opens the network (`true`) or closes the dialog (`false`).
    Finish(bool),
}

/// Whether `path` names a weight file (by its extension).
pub fn is_weights(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| WeightFormat::from_file_name(&n.to_string_lossy()).is_some())
}

impl AppState {
    pub(super) fn weights_command(&mut self, cmd: WeightsCommand) {
        match cmd {
            WeightsCommand::Import => self.ask_then(Pending::ImportWeights),
            WeightsCommand::SetActivation { layer, activation } => {
                if let Some(d) = &mut self.session.weights_import
                    && let Some(a) = d.activations.get_mut(layer)
                {
                    *a = activation;
                    d.error = None;
                }
            }
            WeightsCommand::SetLoss(kind) => {
                if let Some(d) = &mut self.session.weights_import {
                    d.loss = kind;
                    d.error = None;
                }
            }
            WeightsCommand::Finish(false) => self.session.weights_import = None,
            WeightsCommand::Finish(true) => {
                let Some(d) = self.session.weights_import.take() else {
                    return;
                };
                let choices = Choices {
                    activations: Some(d.activations.clone()),
                    loss: Some(match d.imported.meta.loss {
                        Some(l) if l.kind == d.loss => l,
                        _ => Loss::new(d.loss),
                    }),
                };
                if let Err(e) = self.open_imported(&d.name, &d.imported, &choices) {
                    self.session.weights_import = Some(Box::new(WeightsImport {
                        error: Some(e),
                        ..d.as_ref().clone()
                    }));
                }
            }
        }
    }

    /// Asks for a weight file and imports it (the document's changes were saved or discarded).
    pub(super) fn pick_weights(&mut self) {
        match self.session.dialogs.pick_weights() {
            Some(p) => self.import_weights(&p),
            None => self.dialog_gave_nothing(PathFor::Open, ""),
        }
    }

    /// Reads a weight file: opens it at once when it names its activations, else opens the
    /// dialog that asks for them. A bad file is a message and the current work stays.
    pub(super) fn import_weights(&mut self, path: &Path) {
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string());
        let read = self
            .session
            .dialogs
            .read_bytes(path, MAX_WEIGHT_FILE_BYTES)
            .and_then(|bytes| {
                WeightFormat::guess(&name, &bytes)
                    .read(&bytes)
                    .map_err(|e| e.to_string())
            });
        match read {
            Err(e) => self.error(format!("Could not import {}:\n{e}", path.display())),
            Ok(imported) if imported.names_activations() => {
                if let Err(e) = self.open_imported(&name, &imported, &Choices::default()) {
                    self.error(format!("Could not import {}:\n{e}", path.display()));
                }
            }
            Ok(imported) => self.session.weights_import = Some(Box::new(WeightsImport::new(name, imported))),
        }
    }

    /// Opens the imported network as a network document (not yet saved: Save asks where).
    fn open_imported(&mut self, name: &str, imported: &Imported, choices: &Choices) -> Result<(), String> {
        let mut doc = imported.to_doc(choices).map_err(|e| e.to_string())?;
        let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().to_string());
        doc.name = doc.name.or(stem);
        let layers = doc.net.len();
        self.load_lesson(Lesson::from_network(doc), None, FileKind::Network);
        self.info(format!(
            "Imported {name}: {layers} layers. Save keeps it as a network file."
        ));
        Ok(())
    }
}
