//! The CSV import dialog: a preview of the file's first rows, whether the first row is a
//! header, the target column, classification or regression, and what to do with bad rows.
//! A failed import keeps the dialog open with every bad row and its line number.

use crate::app::import::CsvImport;
use crate::app::{Command, LabCommand};
use crate::nn::csv::{BadRows, CsvOptions};
use crate::nn::data::Task;
use egui::{RichText, Ui};

/// Draws the dialog for `d`.
pub fn csv_import_ui(ctx: &egui::Context, d: &CsvImport, out: &mut Vec<Command>) {
    egui::Modal::new(egui::Id::unique("csv import")).show(ctx, |ui| {
        ui.set_max_width(720.0);
        ui.heading("Import a CSV data set");
        summary_ui(ui, d);
        header_and_target_ui(ui, d, out);
        task_ui(ui, d, out);
        bad_rows_ui(ui, d, out);
        ui.label(RichText::new("Preview").strong());
        preview_ui(ui, d);
        ui.weak(
            "Feature scaling (standardise or min-max, fitted on the training rows only) is set in the training cell.",
        );
        if let Some(e) = &d.error {
            error_ui(ui, e);
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui.button("Import").clicked() {
                out.push(Command::Lab(LabCommand::FinishCsvImport(true)));
            }
            if ui.button("Cancel").clicked() {
                out.push(Command::Lab(LabCommand::FinishCsvImport(false)));
            }
        });
    });
}

/// Asks for the dialog with options `o` (the preview follows them).
fn set(out: &mut Vec<Command>, d: &CsvImport, o: CsvOptions) {
    out.push(Command::Lab(LabCommand::SetCsvImport(Box::new(d.with_options(o)))))
}

/// The file's name, its row and column counts and its delimiter.
fn summary_ui(ui: &mut Ui, d: &CsvImport) {
    let name = d
        .path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().to_string());
    let delim = match d.preview.delimiter {
        '\t' => "tab".to_string(),
        c => format!("'{c}'"),
    };
    ui.label(format!(
        "{name}: {} data rows, {} columns, separated by {delim}",
        d.preview.total_rows,
        d.preview.columns.len()
    ));
}

/// Whether the first row is a header, and the target column.
fn header_and_target_ui(ui: &mut Ui, d: &CsvImport, out: &mut Vec<Command>) {
    let o = d.options;
    let mut header = o.has_header;
    if ui
        .checkbox(&mut header, "The first row is a header (column names)")
        .changed()
    {
        set(
            out,
            d,
            CsvOptions {
                has_header: header,
                ..o
            },
        );
    }
    ui.horizontal(|ui| {
        let l = ui.label("Target column (what to predict)");
        egui::ComboBox::from_id_salt("csv target")
            .selected_text(d.target_name())
            .show_ui(ui, |ui| {
                for (i, c) in d.preview.columns.iter().enumerate() {
                    if ui.selectable_label(i == o.target_column, c).clicked() && i != o.target_column {
                        set(out, d, CsvOptions { target_column: i, ..o });
                    }
                }
            })
            .response
            .labelled_by(l.id);
    });
}

/// Classification or regression.
fn task_ui(ui: &mut Ui, d: &CsvImport, out: &mut Vec<Command>) {
    let o = d.options;
    ui.horizontal(|ui| {
        ui.label("Task");
        for (t, label, hint) in [
            (
                Task::Classification,
                "Classification",
                "The target holds class labels (one-hot encoded)",
            ),
            (Task::Regression, "Regression", "The target is a number to predict"),
        ] {
            if ui.radio(o.task == t, label).on_hover_text(hint).clicked() && o.task != t {
                set(out, d, CsvOptions { task: t, ..o });
            }
        }
    });
}

/// Stop at a malformed row, or skip it.
fn bad_rows_ui(ui: &mut Ui, d: &CsvImport, out: &mut Vec<Command>) {
    let o = d.options;
    ui.horizontal(|ui| {
        ui.label("Bad rows");
        for (b, label, hint) in [
            (
                BadRows::Report,
                "Stop and list them",
                "Import nothing if a row is malformed; fix the file",
            ),
            (
                BadRows::Skip,
                "Skip them",
                "Leave malformed rows out; they are listed after the import",
            ),
        ] {
            if ui.radio(o.bad_rows == b, label).on_hover_text(hint).clicked() && o.bad_rows != b {
                set(out, d, CsvOptions { bad_rows: b, ..o });
            }
        }
    });
}

/// Why the last import failed (every bad row with its line).
fn error_ui(ui: &mut Ui, e: &str) {
    ui.separator();
    ui.label(RichText::new("The file was not imported:").color(ui.visuals().error_fg_color));
    egui::ScrollArea::vertical()
        .id_salt("csv errors")
        .max_height(140.0)
        .show(ui, |ui| {
            ui.label(RichText::new(e).monospace().color(ui.visuals().error_fg_color));
        });
}

fn preview_ui(ui: &mut Ui, d: &CsvImport) {
    egui::ScrollArea::both()
        .id_salt("csv preview")
        .max_height(220.0)
        .show(ui, |ui| {
            egui::Grid::new("csv preview grid").striped(true).show(ui, |ui| {
                for (i, c) in d.preview.columns.iter().enumerate() {
                    let t = RichText::new(c).strong();
                    ui.label(if i == d.options.target_column { t.underline() } else { t });
                }
                ui.end_row();
                for row in &d.preview.rows {
                    for cell in row {
                        ui.label(RichText::new(cell).monospace());
                    }
                    ui.end_row();
                }
            });
        });
}
