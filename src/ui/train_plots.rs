//! The training lab's plots: loss and accuracy curves (with kept runs overlaid), the decision
//! boundary of a 2-D classifier or the fitted curve of a 1-D problem, and the sections drawn by
//! [`super::train_analysis`] (evaluation, layers, activation functions).
//!
//! Plot options (log scale, per-step curve) are view state kept in egui's memory: they change
//! no number and are not saved with the lesson.

use super::theme;
use crate::app::analysis::BoundaryGrid;
use crate::app::training::TrainCell;
use crate::app::{Command, LabCommand, ViewSettings};
use crate::nn::data::Dataset;
use crate::nn::numfmt::NumberFormat;
use egui::{Color32, Ui};
use egui_plot::{Legend, Line, LineStyle, MarkerShape, Plot, PlotImage, PlotPoint, PlotPoints, Points};

/// The narrowest a main plot is drawn beside another.
pub const MIN_PLOT_WIDTH: f32 = 280.0;
/// Height of the main plots.
pub const PLOT_HEIGHT: f32 = 260.0;
/// How strongly the regions are coloured (1 = the class colour itself).
const REGION_STRENGTH: f32 = 0.55;
/// Cells per side of the decision-boundary picture.
pub const GRID: usize = 100;

/// A different marker per class, so class is never told by colour alone.
pub const MARKERS: [MarkerShape; 10] = [
    MarkerShape::Circle,
    MarkerShape::Square,
    MarkerShape::Diamond,
    MarkerShape::Up,
    MarkerShape::Cross,
    MarkerShape::Down,
    MarkerShape::Plus,
    MarkerShape::Asterisk,
    MarkerShape::Left,
    MarkerShape::Right,
];

#[derive(Clone, Copy, Default)]
struct PlotOptions {
    log: bool,
    per_step: bool,
}

/// Draws every plot of training cell `ci`.
pub fn plots_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, view: &ViewSettings, out: &mut Vec<Command>) {
    let opt_id = ui.make_persistent_id(("plot options", ci));
    let mut opts: PlotOptions = ui.data(|d| d.get_temp(opt_id)).unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut opts.log, "Log scale")
            .on_hover_text("Loss on a logarithmic axis: small losses stay visible");
        ui.checkbox(&mut opts.per_step, "Per step")
            .on_hover_text("Also draw the loss of every mini-batch");
        if super::action_button(
            ui,
            !cell.history().is_empty() || !cell.runs.is_empty(),
            "Export curves (CSV)...",
            "Write every epoch's figures, kept runs included, to a CSV file",
        ) {
            out.push(Command::Lab(LabCommand::ExportCurves { cell: ci }));
        }
    });
    ui.data_mut(|d| d.insert_temp(opt_id, opts));
    let width = ui.available_width();
    // Side by side when both fit at a readable size, else one under the other.
    let side_by_side = width >= 2.0 * MIN_PLOT_WIDTH + 12.0;
    let half = if side_by_side {
        (width - 12.0) / 2.0
    } else {
        width.max(160.0)
    };
    let two_d = cell.train_data().is_some_and(|d| d.x.nrows() == 2);
    let one_d = cell.train_data().is_some_and(|d| d.x.nrows() == 1);
    let second = |ui: &mut Ui, out: &mut Vec<Command>| {
        ui.set_width(half);
        if two_d {
            plot_title(ui, "Decision boundary (training points)", ci, "boundary", out);
            boundary_ui(ui, ci, cell, view, half);
        } else if one_d {
            plot_title(ui, "Fitted curve over the data", ci, "fit", out);
            fit_ui(ui, ci, cell, half);
        } else if cell.train_data().is_some_and(|d| !d.class_names.is_empty()) {
            plot_title(ui, "Accuracy per epoch", ci, "accuracy", out);
            accuracy_plot_ui(ui, ci, cell, half);
        }
    };
    if side_by_side {
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(half);
                plot_title(ui, "Loss per epoch", ci, "loss", out);
                loss_plot_ui(ui, ci, cell, opts, half);
            });
            ui.vertical(|ui| second(ui, out));
        });
    } else {
        plot_title(ui, "Loss per epoch", ci, "loss", out);
        loss_plot_ui(ui, ci, cell, opts, half);
        second(ui, out);
    }
    let classify = cell.train_data().is_some_and(|d| !d.class_names.is_empty());
    if classify && (two_d || one_d) {
        egui::CollapsingHeader::new("Accuracy")
            .id_salt(("acc section", ci))
            .show(ui, |ui| {
                plot_title(ui, "Accuracy per epoch", ci, "accuracy", out);
                accuracy_plot_ui(ui, ci, cell, width);
            });
    }
    super::train_analysis::analysis_ui(ui, ci, cell, view, out);
}

/// A plot's title with its PNG export button. The button sends the rectangle of the plot
/// drawn just below it, which the state crops from a screenshot.
pub(super) fn plot_title(ui: &mut Ui, title: &str, ci: usize, what: &str, out: &mut Vec<Command>) {
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

pub(super) fn remember_rect(ui: &Ui, ci: usize, what: &str, rect: egui::Rect) {
    ui.data_mut(|d| d.insert_temp(egui::Id::unique(("plot rect", ci, what)), rect));
}

/// `y` for drawing: log10 when the log scale is on (non-positive values are dropped).
fn y_of(v: f64, log: bool) -> Option<f64> {
    if !v.is_finite() || v.abs() > super::plot_range::PLACEABLE {
        None
    } else if log {
        (v > 0.0).then(|| v.log10())
    } else {
        Some(v)
    }
}

fn loss_plot_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, opts: PlotOptions, width: f32) {
    let labels = cell.run_labels();
    let log = opts.log;
    let mut plot = Plot::new(("loss curves", ci))
        .height(PLOT_HEIGHT)
        .width(width)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label(if log { "loss (log scale)" } else { "loss" })
        .allow_scroll(false)
        .label_formatter(move |pos| {
            let (name, p) = match pos {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name, position, ..
                } => (*plot_name, *position),
                egui_plot::HoverPosition::Elsewhere { position } => ("", *position),
            };
            let y = if log { 10f64.powf(p.y) } else { p.y };
            let head = if name.is_empty() {
                String::new()
            } else {
                format!("{name}\n")
            };
            Some(format!("{head}epoch {:.2}\nloss {}", p.x, NumberFormat::PLOT.fmt(y)))
        });
    if log {
        plot = plot.y_axis_formatter(|m, _| NumberFormat::PLOT.fmt(10f64.powf(m.value)));
    }
    // The curves, thinned for drawing; the plot's range comes from what is drawn.
    let of = |h: &[crate::nn::train::EpochRecord], val: bool| -> Vec<[f64; 2]> {
        let y = |r: &crate::nn::train::EpochRecord| if val { r.val_loss } else { Some(r.loss) };
        thin(
            h.iter()
                .filter_map(|r| Some([r.epoch as f64, y_of(y(r)?, log)?]))
                .collect(),
        )
    };
    let kept: Vec<Vec<[f64; 2]>> = cell.runs.iter().map(|run| of(&run.history, false)).collect();
    let per_step = if opts.per_step {
        thin(
            cell.step_losses
                .iter()
                .filter_map(|&[x, y]| Some([x, y_of(y, log)?]))
                .collect(),
        )
    } else {
        Vec::new()
    };
    let (train, val) = (of(cell.history(), false), of(cell.history(), true));
    let all: Vec<[f64; 2]> = kept
        .iter()
        .flatten()
        .chain(&per_step)
        .chain(&train)
        .chain(&val)
        .copied()
        .collect();
    let plot = super::plot_range::drawable_points(plot, &all);
    let resp = plot.show(ui, |p| {
        for (i, pts) in kept.into_iter().enumerate() {
            p.line(
                Line::new(labels[i].clone(), PlotPoints::from(pts))
                    .color(theme::class_color(i + 2))
                    .style(LineStyle::dashed_loose()),
            );
        }
        if !per_step.is_empty() {
            p.line(
                Line::new("batch loss (per step)", PlotPoints::from(per_step))
                    .color(Color32::from_gray(150))
                    .width(1.0),
            );
        }
        let current = labels.last().cloned().unwrap_or_default();
        p.line(
            Line::new(format!("training loss ({current})"), PlotPoints::from(train))
                .color(theme::positive(false))
                .width(2.0),
        );
        if !val.is_empty() {
            p.line(
                Line::new(format!("validation loss ({current})"), PlotPoints::from(val))
                    .color(theme::negative(false))
                    .width(2.0)
                    .style(LineStyle::dashed_dense()),
            );
        }
    });
    remember_rect(ui, ci, "loss", resp.response.rect);
}

fn accuracy_plot_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, width: f32) {
    let labels = cell.run_labels();
    let resp = Plot::new(("accuracy curves", ci))
        .height(PLOT_HEIGHT)
        .width(width)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .y_axis_label("accuracy (%)")
        .include_y(0.0)
        .include_y(100.0)
        .allow_scroll(false)
        .show(ui, |p| {
            for (i, run) in cell.runs.iter().enumerate() {
                let pts: Vec<[f64; 2]> = run
                    .history
                    .iter()
                    .filter_map(|r| Some([r.epoch as f64, 100.0 * r.val_accuracy.or(r.accuracy)?]))
                    .collect();
                p.line(
                    Line::new(labels[i].clone(), curve(pts))
                        .color(theme::class_color(i + 2))
                        .style(LineStyle::dashed_loose()),
                );
            }
            let h = cell.history();
            let train: Vec<[f64; 2]> = h
                .iter()
                .filter_map(|r| Some([r.epoch as f64, 100.0 * r.accuracy?]))
                .collect();
            p.line(
                Line::new("training accuracy", curve(train))
                    .color(theme::positive(false))
                    .width(2.0),
            );
            let val: Vec<[f64; 2]> = h
                .iter()
                .filter_map(|r| Some([r.epoch as f64, 100.0 * r.val_accuracy?]))
                .collect();
            if !val.is_empty() {
                p.line(
                    Line::new("validation accuracy", curve(val))
                        .color(theme::negative(false))
                        .width(2.0)
                        .style(LineStyle::dashed_dense()),
                );
            }
        });
    remember_rect(ui, ci, "accuracy", resp.response.rect);
}

/// The picture's colour for one grid point's outputs (`k` outputs per point).
fn output_color(out: &[f32], dark: bool) -> Color32 {
    let white = theme::plot_background(dark);
    if out.len() == 1 {
        // Sigmoid output: the probability of class 1 (blue) against class 0 (vermillion).
        // Pale at most (55%), so the data points on top stay visible.
        let p = out[0].clamp(0.0, 1.0);
        if p < 0.5 {
            white.lerp_to_gamma(theme::negative(dark), (1.0 - p * 2.0) * REGION_STRENGTH)
        } else {
            white.lerp_to_gamma(theme::positive(dark), (p - 0.5) * 2.0 * REGION_STRENGTH)
        }
    } else {
        let (k, &best) = out
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((0, &0.0));
        let k_n = out.len() as f32;
        // Confidence from 1/k (undecided, white) to 1 (the class colour).
        let t = ((best - 1.0 / k_n) / (1.0 - 1.0 / k_n)).clamp(0.0, 1.0);
        white.lerp_to_gamma(theme::class_color(k), (0.2 + 0.8 * t) * REGION_STRENGTH)
    }
}

/// The texture of one cell's decision boundary, for the figure it was made from.
#[derive(Clone)]
struct BoundaryTexture {
    /// The figure's address: a new figure, a new texture.
    made_from: usize,
    dark: bool,
    texture: egui::TextureHandle,
}

/// Draws the colours of the network's output over the input plane (the f32 picture path;
/// no number shown comes from it) and the data points on top.
fn boundary_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, view: &ViewSettings, width: f32) {
    let (Some(grid), Some(data)) = (cell.boundary(ui.input(|i| i.time)), cell.train_data()) else {
        return;
    };
    // Kept under the cell's uid, so the picture stays with its cell when cells move.
    let id = egui::Id::unique(("boundary texture", cell.uid()));
    let made_from = std::sync::Arc::as_ptr(&grid) as usize;
    let kept: Option<BoundaryTexture> = ui.data(|d| d.get_temp(id));
    let texture = match kept {
        Some(t) if t.made_from == made_from && t.dark == view.dark => t.texture,
        _ => {
            let image = boundary_image(&grid, view.dark);
            let name = format!("boundary {}", cell.uid());
            let texture = ui.ctx().load_texture(name, image, egui::TextureOptions::LINEAR);
            let t = BoundaryTexture {
                made_from,
                dark: view.dark,
                texture: texture.clone(),
            };
            ui.data_mut(|d| d.insert_temp(id, t));
            texture
        }
    };
    let e = grid.extent;
    let names = &data.feature_names;
    let resp = Plot::new(("boundary plot", ci))
        .height(PLOT_HEIGHT)
        .width(width)
        .legend(Legend::default())
        .x_axis_label(names.first().cloned().unwrap_or_else(|| "x1".into()))
        .y_axis_label(names.get(1).cloned().unwrap_or_else(|| "x2".into()))
        .allow_scroll(false)
        .show(ui, |p| {
            let center = PlotPoint::new((e[0][0] + e[0][1]) / 2.0, (e[1][0] + e[1][1]) / 2.0);
            let size = egui::vec2((e[0][1] - e[0][0]) as f32, (e[1][1] - e[1][0]) as f32);
            p.image(PlotImage::new("", texture.id(), center, size));
            class_points(p, data, "");
        });
    remember_rect(ui, ci, "boundary", resp.response.rect);
}

/// The data points of a 2-D data set, one series (colour and marker) per class.
pub fn class_points(p: &mut egui_plot::PlotUi<'_>, data: &Dataset, suffix: &str) {
    let k = if data.y.nrows() == 1 { 2 } else { data.y.nrows() };
    let mut per: Vec<Vec<[f64; 2]>> = vec![Vec::new(); k];
    for j in 0..data.len() {
        let class = if data.y.nrows() == 1 {
            usize::from(data.y[(0, j)] >= 0.5)
        } else {
            data.y.column(j).argmax().0
        };
        per[class].push([data.x[(0, j)], data.x[(1, j)]]);
    }
    for (c, pts) in per.into_iter().enumerate() {
        let name = data.class_names.get(c).cloned().unwrap_or_else(|| format!("class {c}"));
        let color = if k == 2 {
            if c == 1 {
                theme::positive(false)
            } else {
                theme::negative(false)
            }
        } else {
            theme::class_color(c)
        };
        let shape = MARKERS[c % MARKERS.len()];
        // A dark outline under each marker keeps it visible on a region of its own colour.
        p.points(
            // Unnamed: the legend shows the class colour, not the outline.
            Points::new("", PlotPoints::from(pts.clone()))
                .color(Color32::from_gray(20))
                .shape(shape)
                .radius(4.2)
                .filled(true),
        );
        p.points(
            Points::new(format!("{name}{suffix}"), PlotPoints::from(pts))
                .color(color)
                .shape(shape)
                .radius(3.0)
                .filled(true),
        );
    }
}

/// The network's outputs over the grid as a picture (row 0 at the top).
pub fn boundary_image(grid: &BoundaryGrid, dark: bool) -> egui::ColorImage {
    let n = grid.n;
    let pixels: Vec<Color32> = (0..n * n).map(|j| output_color(&grid.at(j), dark)).collect();
    egui::ColorImage::new([n, n], pixels)
}

/// One feature: the network's output as a curve over the data.
fn fit_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, width: f32) {
    let (Some(fit), Some(data)) = (cell.fit_curve(ui.input(|i| i.time)), cell.train_data()) else {
        return;
    };
    let curve = super::plot_range::placeable(fit.iter().copied());
    let pts = super::plot_range::placeable((0..data.len()).map(|j| [data.x[(0, j)], data.y[(0, j)]]));
    let all: Vec<[f64; 2]> = pts.iter().chain(&curve).copied().collect();
    let resp = super::plot_range::drawable_points(Plot::new(("fit plot", ci)), &all)
        .height(PLOT_HEIGHT)
        .width(width)
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

/// At most this many points per curve are drawn (a long run is thinned evenly).
pub const MAX_CURVE_POINTS: usize = 1000;

/// A curve's points for drawing: every k-th point so that at most [`MAX_CURVE_POINTS`] are
/// drawn, always with the last one (drawing thousands of epochs would cost more than training).
pub fn curve(points: Vec<[f64; 2]>) -> PlotPoints<'static> {
    PlotPoints::from(thin(points))
}

/// Every k-th point so that at most [`MAX_CURVE_POINTS`] are left, always with the last one.
pub fn thin(points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let n = points.len();
    if n <= MAX_CURVE_POINTS {
        return points;
    }
    let k = n.div_ceil(MAX_CURVE_POINTS);
    let mut out: Vec<[f64; 2]> = points.iter().step_by(k).copied().collect();
    if !(n - 1).is_multiple_of(k) {
        out.push(points[n - 1]);
    }
    out
}
