//! The training lab's commands at the level of the whole window: inserting a training cell,
//! the CSV import flow (File > Open or a dropped `.csv` file goes here too), exporting curves
//! and plots, and [`AppState::tick`], which trains every playing cell for a slice of a frame.

use super::LabCommand;
use super::files;
use super::import::CsvImport;
use super::path_prompt::PathFor;
use super::state::{AppState, CellState};
use super::training::{ReadFn, TrainAction, TrainCell, curves_csv};
use crate::lesson::training::TrainingSetup;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Whether a path names a CSV file.
pub fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// What the files a lesson names may be: in the folder of the lesson's file (as it is now, so
/// a lesson saved to a new folder reads from there), or files the user chose themselves in this
/// session (canonical paths), wherever they are. Shared by the session and every cell's reader.
pub type Access = Arc<RwLock<Readable>>;

#[derive(Debug, Default)]
pub struct Readable {
    pub lesson_file: Option<PathBuf>,
    pub picked: Vec<PathBuf>,
}

/// Reads a data file named in a lesson: from the lesson's folder, or one the user picked.
pub fn reader(access: &Access, read: files::TextReader) -> ReadFn {
    let access = access.clone();
    Arc::new(move |name: &str| {
        let (file, picked) = match access.read() {
            Ok(a) => (a.lesson_file.clone(), a.picked.clone()),
            Err(_) => (None, Vec::new()),
        };
        files::read_named(&*read, file.as_deref(), &picked, name)
    })
}

impl AppState {
    fn train_mut(&mut self, cell: usize) -> Option<&mut TrainCell> {
        match self.doc.cells.get_mut(cell) {
            Some(CellState::Training(t)) => Some(t),
            _ => None,
        }
    }

    /// The training cell at `cell`, if it is one.
    pub fn training(&self, cell: usize) -> Option<&TrainCell> {
        match self.doc.cells.get(cell) {
            Some(CellState::Training(t)) => Some(t),
            _ => None,
        }
    }

    /// Trains every playing cell for at most `budget` in all; returns whether any still plays
    /// (the window then asks for another frame).
    pub fn tick(&mut self, budget: Duration) -> bool {
        for i in 0..self.doc.cells.len() {
            if let Some(t) = self.train_mut(i) {
                t.begin_frame();
            }
        }
        let playing: Vec<usize> = (0..self.doc.cells.len())
            .filter(|&i| self.training(i).is_some_and(|t| t.running))
            .collect();
        if playing.is_empty() {
            return false;
        }
        let each = budget / playing.len() as u32;
        let mut any = false;
        for i in playing {
            if let Some(t) = self.train_mut(i) {
                any |= t.tick(each);
            }
        }
        any
    }

    pub(super) fn lab_command(&mut self, c: LabCommand) {
        match c {
            LabCommand::Train { cell, action } => {
                let changes_setup = matches!(action, TrainAction::Set(_) | TrainAction::Reinit);
                let Some(before) = self.training(cell).map(|t| t.setup.clone()) else {
                    return;
                };
                if let Some(t) = self.train_mut(cell) {
                    t.apply(action);
                }
                // A changed setting is part of the lesson: undoable and saved.
                if changes_setup && self.training(cell).is_some_and(|t| t.setup != before) {
                    self.push_training_undo(cell, before);
                    self.doc.dirty = true;
                }
            }
            LabCommand::InsertTrainingCell => {
                let read = reader(&self.session.access, self.session.dialogs.text_reader());
                self.doc.cells.push(CellState::Training(Box::new(TrainCell::new(
                    TrainingSetup::xor_default(),
                    read,
                ))));
                self.doc.dirty = true;
                self.doc.history.lose_clean_point();
                self.info("Added a training cell at the end of the page: XOR with a small network.");
            }
            LabCommand::ImportCsv { cell } => match self.session.dialogs.pick_csv() {
                Some(p) => self.import_from(cell, &p),
                None => self.dialog_gave_nothing(PathFor::Csv { cell }, ""),
            },
            LabCommand::ImportCsvPath { cell, path } => self.import_from(cell, &path),
            LabCommand::SetCsvImport(d) => self.session.csv_import = Some(d),
            LabCommand::FinishCsvImport(ok) => self.finish_import(ok),
            LabCommand::ExportCurves { cell } => self.export_curves(cell),
            LabCommand::SaveTrained { cell } => self.save_trained(cell),
            LabCommand::SaveTrainedTo { cell, path } => self.save_trained_to(cell, &path),
            LabCommand::ExportPlot(e) => {
                let name = format!("{}.png", e.what);
                match self.session.dialogs.pick_export(&name, "png") {
                    Some(p) => self.session.plot_request = Some((p, e)),
                    None => self.dialog_gave_nothing(PathFor::Plot(e), &name),
                }
            }
            LabCommand::ExportArea { name, area } => match self.session.dialogs.pick_export(&name, "png") {
                Some(p) => self.session.screenshot_request = Some((p, area)),
                None => self.dialog_gave_nothing(PathFor::Area { area }, &name),
            },
        }
    }

    /// A CSV opened from File > Open or dropped on the window: it goes to the first training
    /// cell (one is added if the page has none).
    pub(super) fn open_csv(&mut self, path: &Path) {
        let cell = match (0..self.doc.cells.len()).find(|&i| self.training(i).is_some()) {
            Some(i) => i,
            None => {
                self.lab_command(LabCommand::InsertTrainingCell);
                self.doc.cells.len() - 1
            }
        };
        self.import_from(cell, path);
    }

    fn import_from(&mut self, cell: usize, path: &Path) {
        match self.session.dialogs.read_text(path) {
            Ok(text) => {
                // The user chose this file: the lesson may read it from now on in this session.
                if let Ok(mut a) = self.session.access.write() {
                    a.picked.push(files::canonical(path));
                }
                self.session.csv_import = Some(Box::new(CsvImport::new(cell, path.to_path_buf(), text)));
            }
            Err(e) => self.error(format!("Could not read {}: {e}", path.display())),
        }
    }

    fn finish_import(&mut self, ok: bool) {
        let Some(dialog) = self.session.csv_import.take() else {
            return;
        };
        if !ok {
            return;
        }
        match dialog.run() {
            Ok(imported) => {
                let skipped = imported.skipped.len();
                let stored = files::path_in_lesson(self.doc.file.as_deref(), &dialog.path);
                let spec = crate::lesson::training::csv_spec(&stored, &dialog.target_name(), dialog.options);
                let Some(t) = self.training(dialog.cell) else { return };
                let mut setup = t.setup.clone();
                setup.data = spec;
                if setup.scaling == crate::nn::data::Scaling::None {
                    setup.scaling = crate::nn::data::Scaling::Standardise;
                }
                if setup.split.validation == 0.0 && setup.split.test == 0.0 {
                    setup.split.validation = 0.2;
                }
                // The file's classes decide the loss and output: clear choices made for other data.
                setup.loss = None;
                setup.output_activation = None;
                // A setting like any other: undoable, and the lesson is changed.
                self.lab_command(LabCommand::Train {
                    cell: dialog.cell,
                    action: TrainAction::Set(Box::new(setup)),
                });
                let mut msg = format!(
                    "Imported {} rows from {} (target '{}')",
                    imported.data.len(),
                    dialog.path.display(),
                    dialog.target_name()
                );
                if skipped > 0 {
                    let lines: Vec<String> = imported.skipped.iter().take(10).map(|b| b.line.to_string()).collect();
                    msg.push_str(&format!(
                        "; skipped {skipped} bad row(s) at line(s) {}{}",
                        lines.join(", "),
                        if skipped > 10 { ", ..." } else { "" }
                    ));
                }
                self.info(msg);
            }
            Err(e) => {
                // Keep the dialog open with the reasons, so nothing is lost and the user decides.
                let mut d = dialog;
                d.error = Some(e);
                self.session.csv_import = Some(d);
            }
        }
    }

    fn export_curves(&mut self, cell: usize) {
        if self.training(cell).is_none() {
            return;
        }
        match self.session.dialogs.pick_export("curves.csv", "csv") {
            Some(p) => self.export_curves_to(cell, &p),
            None => self.dialog_gave_nothing(PathFor::Curves { cell }, "curves.csv"),
        }
    }

    /// Writes training cell `cell`'s curves (kept runs included) to `p` as CSV.
    pub(super) fn export_curves_to(&mut self, cell: usize, p: &Path) {
        let Some(t) = self.training(cell) else { return };
        let text = curves_csv(t);
        match self.session.dialogs.write_bytes(p, text.as_bytes()) {
            Ok(()) => self.info(format!("Saved the curves to {}", p.display())),
            Err(e) => self.error(format!("Could not save {}: {e}", p.display())),
        }
    }
}

/// Samples a saved trained network keeps as its `x` and `y` (the first training rows).
const SAVED_SAMPLES: usize = 10;

impl AppState {
    /// The first training cell whose network has trained (File > Save trained network).
    pub fn first_trained(&self) -> Option<usize> {
        (0..self.doc.cells.len()).find(|&i| self.training(i).is_some_and(has_trained))
    }

    fn save_trained(&mut self, cell: Option<usize>) {
        let Some(cell) = cell.or_else(|| self.first_trained()) else {
            return self.error("No training cell has trained yet: press Play or Step first.");
        };
        match self.session.dialogs.pick_export("trained.toml", "toml") {
            Some(p) => self.save_trained_to(cell, &p),
            None => self.dialog_gave_nothing(PathFor::Trained { cell }, "trained.toml"),
        }
    }

    /// Writes training cell `cell`'s network as a network file (TOML, or JSON by the name).
    pub(super) fn save_trained_to(&mut self, cell: usize, p: &Path) {
        let written = self
            .training(cell)
            .ok_or_else(|| "that cell is not a training cell".to_string())
            .and_then(trained_doc)
            .and_then(|doc| {
                let syntax = crate::nn::doc::Syntax::guess(&p.to_string_lossy(), "");
                doc.write(syntax).map_err(|e| e.to_string())
            })
            .and_then(|text| self.session.dialogs.write_bytes(p, text.as_bytes()));
        match written {
            Ok(()) => self.info(format!(
                "Saved the trained network to {} (with its input scaling): mlp-notebook trace and the window predict as this cell does.",
                p.display()
            )),
            Err(e) => self.error(format!("Could not save {}: {e}", p.display())),
        }
    }
}

/// Whether the cell's network took at least one step.
fn has_trained(t: &TrainCell) -> bool {
    t.trainer.as_ref().is_some_and(|tr| tr.steps_done() > 0)
}

/// A training cell's trained network as a network document: the network, its loss and
/// optimizer, the scaling fitted on the training rows, and the first training rows as samples
/// in their original units, so the file predicts what the cell predicts.
pub fn trained_doc(t: &TrainCell) -> Result<crate::nn::doc::NetworkDoc, String> {
    use crate::nn::data::Scaling;
    let net = t
        .net()
        .filter(|_| has_trained(t))
        .ok_or("this cell has not trained yet: press Play or Step first")?;
    let data = t.data.as_ref().ok_or("this cell has no data")?;
    let scaler = &data.scaler;
    let raw = t.raw_train_data()?;
    let n = raw.len().min(SAVED_SAMPLES);
    Ok(crate::nn::doc::NetworkDoc {
        name: Some("Trained network".into()),
        net: net.clone(),
        loss: t.loss,
        x: raw.x.columns(0, n).into_owned(),
        y: raw.y.columns(0, n).into_owned(),
        optimizer: t.setup.optimizer,
        case_steps: None,
        scaling: (scaler.scaling != Scaling::None).then(|| scaler.clone()),
    })
}
