//! The decision boundary of a 2-D classifier: the picture of the network's outputs over the
//! input plane (kept as a texture per cell) with the data points on top.

use super::remember_rect;
use crate::app::ViewSettings;
use crate::app::analysis::BoundaryGrid;
use crate::app::training::TrainCell;
use crate::nn::data::Dataset;
use crate::ui::theme;
use egui::{Color32, Ui};
use egui_plot::{Legend, MarkerShape, Plot, PlotImage, PlotPoint, PlotPoints, Points};

/// How strongly the regions are coloured (1 = the class colour itself).
const REGION_STRENGTH: f32 = 0.55;

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
    /// The figure it was made from (held, so a freed allocation's reused address cannot pass
    /// for it): a new figure, a new texture.
    made_from: std::sync::Arc<BoundaryGrid>,
    dark: bool,
    texture: egui::TextureHandle,
}

/// Draws the colours of the network's output over the input plane (the f32 picture path;
/// no number shown comes from it) and the data points on top.
pub(super) fn boundary_ui(ui: &mut Ui, ci: usize, cell: &TrainCell, view: &ViewSettings, size: egui::Vec2) {
    let (Some(grid), Some(data)) = (cell.boundary(ui.input(|i| i.time)), cell.train_data()) else {
        return;
    };
    // Kept under the cell's uid, so the picture stays with its cell when cells move.
    let id = egui::Id::unique(("boundary texture", cell.uid()));
    let kept: Option<BoundaryTexture> = ui.data(|d| d.get_temp(id));
    let texture = match kept {
        Some(t) if std::sync::Arc::ptr_eq(&t.made_from, &grid) && t.dark == view.dark => t.texture,
        _ => {
            let image = boundary_image(&grid, view.dark);
            let name = format!("boundary {}", cell.uid());
            let texture = ui.ctx().load_texture(name, image, egui::TextureOptions::LINEAR);
            let t = BoundaryTexture {
                made_from: grid.clone(),
                dark: view.dark,
                texture: texture.clone(),
            };
            ui.data_mut(|d| d.insert_temp(id, t));
            texture
        }
    };
    let e = grid.extent;
    let names = &data.feature_names;
    let resp = crate::ui::plot_range::tick_axes(Plot::new(("boundary plot", ci, cell.generation)))
        .height(size.y)
        .width(size.x)
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
