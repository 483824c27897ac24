//! The PNG export of the lab's plots: each plot's title carries a menu of sizes; the chosen
//! one sends [`LabCommand::ExportPlot`], and the window draws the plot afresh at that size
//! with [`export_plot_ui`] (title, tick labels, axis titles, legend), off the screen.

use super::{PlotOptions, boundary::boundary_ui, fit::fit_ui, loss::accuracy_plot_ui, loss::loss_plot_ui};
use crate::app::training::TrainCell;
use crate::app::{Command, LabCommand, PlotExport, ViewSettings};
use egui::Ui;

/// The sizes offered, in pixels (drawn at twice the screen's scale: text and lines as on a
/// screen of twice the resolution).
pub const EXPORT_SIZES: [[u32; 2]; 3] = [[1600, 1000], [1200, 800], [3200, 2000]];

/// The scale (pixels per point) of an exported plot of `size` pixels: 2, or more for a large
/// picture, so the plot is laid out at about 800 points wide whatever the size.
pub fn export_scale(size: [u32; 2]) -> f32 {
    (size[0] as f32 / 800.0).max(1.0)
}

/// A plot's title with its PNG export menu (one entry per size).
pub(in crate::ui) fn plot_title(ui: &mut Ui, title: &str, ci: usize, what: &str, out: &mut Vec<Command>) {
    plot_title_with(ui, title, ci, what, PlotOptions::default(), out);
}

/// [`plot_title`] for the loss plot, whose export keeps the options shown.
pub(in crate::ui) fn plot_title_with(
    ui: &mut Ui,
    title: &str,
    ci: usize,
    what: &str,
    opts: PlotOptions,
    out: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.strong(title);
        ui.menu_button("PNG...", |ui| {
            for size in EXPORT_SIZES {
                let label = format!("{} x {} pixels...", size[0], size[1]);
                if ui
                    .button(label)
                    .on_hover_text(format!(
                        "Save the {} plot as a PNG image of this size, with its axes, legend and title",
                        title.to_lowercase()
                    ))
                    .clicked()
                {
                    out.push(Command::Lab(LabCommand::ExportPlot(PlotExport {
                        cell: ci,
                        what: what.to_string(),
                        title: title.to_string(),
                        size,
                        log: opts.log,
                        per_step: opts.per_step,
                    })));
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(format!("Save the {} plot as a PNG image", title.to_lowercase()));
    });
}

/// The title of one of the analysis sections' small plots with its PNG export button: the
/// button sends the rectangle of the plot drawn just below it, which the window crops from a
/// screenshot (at the screen's size).
pub(in crate::ui) fn small_plot_title(ui: &mut Ui, title: &str, ci: usize, what: &str, out: &mut Vec<Command>) {
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
            out.push(Command::Lab(LabCommand::ExportArea {
                name: format!("{what}.png"),
                area: crate::app::ScreenArea {
                    min: [rect.min.x, rect.min.y],
                    max: [rect.max.x, rect.max.y],
                },
            }));
        }
    });
}

/// Keeps the rectangle of plot `what` of cell `ci`, drawn this frame, for the small plots'
/// PNG button of the next frame.
pub(in crate::ui) fn remember_rect(ui: &Ui, ci: usize, what: &str, rect: egui::Rect) {
    ui.data_mut(|d| d.insert_temp(egui::Id::unique(("plot rect", ci, what)), rect));
}

/// Draws the plot `e` asks for, filling `ui`: its title (with the data's name) above the plot,
/// the plot as the lab draws it (tick labels, axis titles, legend). Returns false if the cell
/// has no such plot.
pub fn export_plot_ui(ui: &mut Ui, cell: &TrainCell, view: &ViewSettings, e: &PlotExport) -> bool {
    let data = super::super::training::describe_data(&cell.setup.data);
    ui.heading(format!("{}: {data}", e.title));
    ui.add_space(4.0);
    let size = ui.available_size();
    let opts = PlotOptions {
        log: e.log,
        per_step: e.per_step,
    };
    match e.what.as_str() {
        "loss" => loss_plot_ui(ui, e.cell, cell, opts, size),
        "accuracy" => accuracy_plot_ui(ui, e.cell, cell, size),
        "boundary" if cell.train_data().is_some_and(|d| d.x.nrows() == 2) => boundary_ui(ui, e.cell, cell, view, size),
        "fit" if cell.train_data().is_some_and(|d| d.x.nrows() == 1) => fit_ui(ui, e.cell, cell, size),
        _ => return false,
    }
    true
}
