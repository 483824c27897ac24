//! The PNG export of the lab's plots: each plot's title carries a button that sends the
//! rectangle where the plot was drawn, which the state crops from a screenshot.

use crate::app::{Command, LabCommand};
use egui::Ui;

/// A plot's title with its PNG export button. The button sends the rectangle of the plot
/// drawn just below it, which the state crops from a screenshot.
pub(in crate::ui) fn plot_title(ui: &mut Ui, title: &str, ci: usize, what: &str, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.strong(title);
        let id = egui::Id::unique(("plot rect", ci, what));
        let rect: Option<egui::Rect> = ui.data(|d| d.get_temp(id));
        if ui
            .small_button("PNG...")
            .on_hover_text(format!("Save the {} plot as a PNG image", title.to_lowercase()))
            .clicked()
            && let Some(rect) = rect
        {
            out.push(Command::Lab(LabCommand::ExportPlot {
                name: format!("{what}.png"),
                area: crate::app::ScreenArea {
                    min: [rect.min.x, rect.min.y],
                    max: [rect.max.x, rect.max.y],
                },
            }));
        }
    });
}

/// Keeps the rectangle of plot `what` of cell `ci`, drawn this frame, for the title's PNG button
/// of the next frame.
pub(in crate::ui) fn remember_rect(ui: &Ui, ci: usize, what: &str, rect: egui::Rect) {
    ui.data_mut(|d| d.insert_temp(egui::Id::unique(("plot rect", ci, what)), rect));
}
