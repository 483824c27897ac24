//! The fitted curve of a 1-D problem: the network's output over the training data.

use super::remember_rect;
use crate::app::training::TrainCell;
use crate::ui::theme;
use egui::{Color32, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};

/// One feature: the network's output as a curve over the data.
pub(super) fn fit_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, size: egui::Vec2) {
    let (Some(fit), Some(data)) = (cell.fit_curve(ui.input(|i| i.time)), cell.train_data()) else {
        return;
    };
    let curve = crate::ui::plot_range::placeable(fit.iter().copied());
    let pts = crate::ui::plot_range::placeable((0..data.len()).map(|j| [data.x[(0, j)], data.y[(0, j)]]));
    let all: Vec<[f64; 2]> = pts.iter().chain(&curve).copied().collect();
    let resp = crate::ui::plot_range::drawable_points(
        crate::ui::plot_range::tick_axes(Plot::new(("fit plot", ci, cell.generation))),
        &all,
    )
    .height(size.y)
    .width(size.x)
    .legend(Legend::default())
    .x_axis_label(data.feature_names.first().cloned().unwrap_or_else(|| "x".into()))
    .y_axis_label("y")
    .allow_scroll(false)
    .show(ui, |p| {
        p.points(
            Points::new("training data", PlotPoints::from(pts))
                .color(Color32::from_gray(140))
                .radius(2.0),
        );
        p.line(
            Line::new("network output", PlotPoints::from(curve))
                .color(theme::positive(false))
                .width(2.5),
        );
    });
    remember_rect(ui, ci, "fit", resp.response.rect);
}
