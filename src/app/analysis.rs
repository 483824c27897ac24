//! What the training lab's plots and analysis sections show, computed from a training cell's
//! current network: the evaluation (confusion matrix, or R² and RMSE), every layer's z values,
//! the hidden units' outputs over the input plane, the decision boundary's outputs, the fitted
//! curve of a 1-D problem, and histograms of a layer's weights and gradients.
//!
//! The figures live in the cell ([`Analysis`], one per [`TrainCell`]) and are keyed by the
//! cell's `version` (it changes whenever the weights do), so a figure belongs to its cell
//! wherever the cell moves on the page. Drawing asks for a figure with the current time; while
//! the cell trains, a figure is recomputed at most every [`REFRESH_SECONDS`], otherwise as soon
//! as the weights changed. Drawing keeps only the textures it makes from these numbers.
//!
//! Every shown number comes from an f64 forward pass ([`crate::nn::trace::forward`]) and
//! [`crate::nn::metrics`]; only the decision boundary's picture uses the f32 grid pass
//! ([`crate::nn::fastmath::grid`]), which no number is read from.

use super::training::TrainCell;
use crate::lesson::training::Prepared;
use crate::nn::data::Dataset;
use crate::nn::fastmath::grid::{FeatureMajor32, GridBuffers, forward_f32};
use crate::nn::metrics::{ConfusionMatrix, Histogram, confusion_matrix, histogram, r2, rmse};
use crate::nn::trace::forward;
use crate::nn::{Activation, Matrix, Network};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// While training runs, figures are recomputed at most this often (seconds).
pub const REFRESH_SECONDS: f64 = 0.25;
/// At most this many z values per layer are kept to mark on the activation curve.
pub const MAX_Z_POINTS: usize = 300;
/// Below this |f'(z)| a unit counts as saturated.
pub const SATURATED_SLOPE: f64 = 0.05;
/// Grid points per side of a hidden unit's picture.
pub const UNIT_SIDE: usize = 28;
/// At most this many hidden units get a picture.
pub const MAX_UNIT_PICTURES: usize = 64;
/// Grid points per side of the decision boundary's picture.
pub const BOUNDARY_SIDE: usize = 100;
/// The most work (multiply-adds) the decision boundary's picture may take: a large network
/// gets a coarser picture (down to [`MIN_BOUNDARY_SIDE`] a side), so redrawing it while
/// training does not hold a frame for long.
pub const BOUNDARY_WORK: u64 = 4 * super::training::FRAME_WORK;
/// The coarsest decision boundary's picture, in grid points a side.
pub const MIN_BOUNDARY_SIDE: usize = 8;

/// Grid points a side of the decision boundary's picture of `net`: [`BOUNDARY_SIDE`], or
/// fewer so the picture costs at most [`BOUNDARY_WORK`] (never under [`MIN_BOUNDARY_SIDE`]).
pub fn boundary_side(net: &Network) -> usize {
    let cost: u64 = net.layers().iter().map(|l| (l.units() * (l.inputs() + 1)) as u64).sum();
    let side = (BOUNDARY_WORK as f64 / cost.max(1) as f64).sqrt() as usize;
    side.clamp(MIN_BOUNDARY_SIDE, BOUNDARY_SIDE)
}

/// Points on the fitted curve of a 1-D problem.
pub const FIT_POINTS: usize = 200;
/// Bins of the weight and gradient histograms.
pub const HISTOGRAM_BINS: usize = 24;

/// The evaluation's figures, on the split [`evaluation_split`] picks.
#[derive(Clone, Debug, PartialEq)]
pub enum Evaluation {
    Classes { cm: ConfusionMatrix, names: Vec<String> },
    Regression { r2: f64, rmse: f64 },
    Failed(String),
}

/// One layer's z values on the training data.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerZ {
    /// `(z, a)` of an even sample of at most [`MAX_Z_POINTS`] of the units' values.
    pub samples: Vec<[f64; 2]>,
    pub lo: f64,
    pub hi: f64,
    /// Every value (units x samples).
    pub count: usize,
    /// Values where |f'(z)| < [`SATURATED_SLOPE`] (for ReLU: z <= 0, dead).
    pub low_slope: usize,
}

/// One hidden unit's output `a` over the input plane, [`UNIT_SIDE`] points a side, row by row
/// from the top.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitGrid {
    pub layer: usize,
    pub unit: usize,
    pub values: Vec<f64>,
    pub lo: f64,
    pub hi: f64,
    /// The largest finite |a| of the unit's layer over the plane (the colour scale).
    pub layer_max: f64,
}

/// The hidden units' outputs (the first [`MAX_UNIT_PICTURES`]) and how many were left out.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitGrids {
    pub units: Vec<UnitGrid>,
    pub more: usize,
    /// "x1 across, x2 up", with the features' names.
    pub axes: String,
}

/// The network's outputs over the input plane for the decision boundary's picture: `outputs`
/// holds `k` outputs per grid point, output-major (`outputs[r * n * n + j]`), points row by row
/// from the top.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryGrid {
    pub extent: [[f64; 2]; 2],
    pub n: usize,
    pub k: usize,
    pub outputs: Vec<f32>,
}

impl BoundaryGrid {
    /// The `k` outputs at grid point `j`.
    pub fn at(&self, j: usize) -> Vec<f32> {
        let nn = self.n * self.n;
        (0..self.k)
            .map(|r| self.outputs.get(r * nn + j).copied().unwrap_or(0.0))
            .collect()
    }
}

/// A figure kept with the weights' version it was made from.
struct Kept<T> {
    version: u64,
    key: u64,
    time: f64,
    value: Arc<T>,
}

#[derive(Default)]
struct Kepts {
    evaluation: Option<Kept<Evaluation>>,
    z: Option<Kept<Vec<LayerZ>>>,
    units: Option<Kept<UnitGrids>>,
    boundary: Option<Kept<BoundaryGrid>>,
    fit: Option<Kept<Vec<[f64; 2]>>>,
    /// Histograms by (layer, gradients rather than weights).
    histograms: HashMap<(usize, bool), Kept<Histogram>>,
    /// A figure older than the weights was handed out (training is running).
    behind: bool,
}

/// A training cell's figures. A copy of a cell (an undo snapshot) starts with none.
#[derive(Default)]
pub struct Analysis {
    kept: Mutex<Kepts>,
}

impl Clone for Analysis {
    fn clone(&self) -> Self {
        Analysis::default()
    }
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis").finish_non_exhaustive()
    }
}

/// The value kept in `slot` if it is fresh enough, else a new one from `make`.
fn get<T>(
    slot: &mut Option<Kept<T>>,
    behind: &mut bool,
    (version, running, now): (u64, bool, f64),
    key: u64,
    make: impl FnOnce() -> T,
) -> Arc<T> {
    if let Some(k) = slot.as_ref()
        && k.key == key
    {
        if k.version == version {
            return k.value.clone();
        }
        if running && now - k.time < REFRESH_SECONDS {
            *behind = true;
            return k.value.clone();
        }
    }
    let value = Arc::new(make());
    *slot = Some(Kept {
        version,
        key,
        time: now,
        value: value.clone(),
    });
    value
}

impl TrainCell {
    fn when(&self, now: f64) -> (u64, bool, f64) {
        (self.version, self.running, now)
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kepts> {
        // A panic while computing a figure leaves nothing half-written worth keeping.
        self.analysis.kept.lock().unwrap_or_else(|e| {
            let mut g = e.into_inner();
            *g = Kepts::default();
            g
        })
    }

    /// Whether a figure handed out since the last call is older than the weights (the window
    /// then asks for a frame after [`REFRESH_SECONDS`]).
    pub fn analysis_behind(&self) -> bool {
        std::mem::take(&mut self.kept().behind)
    }

    /// The evaluation on [`evaluation_split`], or `None` before there is a network and data.
    pub fn evaluation(&self, now: f64) -> Option<Arc<Evaluation>> {
        let (net, data) = (self.net()?, self.data.as_ref()?);
        let when = self.when(now);
        let k = &mut *self.kept();
        Some(get(&mut k.evaluation, &mut k.behind, when, 0, || {
            evaluate(net, evaluation_split(data).1)
        }))
    }

    /// Every layer's z values on the training data.
    pub fn layer_z(&self, now: f64) -> Option<Arc<Vec<LayerZ>>> {
        let (net, data) = (self.net()?, self.data.as_ref()?);
        let when = self.when(now);
        let k = &mut *self.kept();
        Some(get(&mut k.z, &mut k.behind, when, 0, || layer_z(net, &data.train)))
    }

    /// The hidden units' outputs over the input plane (2-D data only).
    pub fn unit_grids(&self, now: f64) -> Option<Arc<UnitGrids>> {
        let (net, data) = (self.net()?, self.data.as_ref()?);
        if data.train.x.nrows() != 2 {
            return None;
        }
        let when = self.when(now);
        let k = &mut *self.kept();
        Some(get(&mut k.units, &mut k.behind, when, 0, || {
            unit_grids(net, &data.train)
        }))
    }

    /// The network's outputs over the plane of the training data (2-D data only).
    pub fn boundary(&self, now: f64) -> Option<Arc<BoundaryGrid>> {
        let (net, data) = (self.net()?, self.train_data()?);
        if data.x.nrows() != 2 {
            return None;
        }
        let when = self.when(now);
        let k = &mut *self.kept();
        Some(get(&mut k.boundary, &mut k.behind, when, 0, || {
            boundary_grid(net, extent(&data.x), boundary_side(net))
        }))
    }

    /// The network's output as a curve of [`FIT_POINTS`] over the range of the one feature.
    pub fn fit_curve(&self, now: f64) -> Option<Arc<Vec<[f64; 2]>>> {
        let (net, data) = (self.net()?, self.train_data()?);
        let when = self.when(now);
        let k = &mut *self.kept();
        Some(get(&mut k.fit, &mut k.behind, when, 0, || fit_curve(net, &data.x)))
    }

    /// The histogram of layer `l`'s weights, or of its last gradients (`None` before the first
    /// step).
    pub fn layer_histogram(&self, now: f64, l: usize, gradients: bool) -> Option<Arc<Histogram>> {
        let values: &[f64] = if gradients {
            self.trainer
                .as_ref()?
                .last_gradients()?
                .layers
                .get(l)?
                .weights
                .as_slice()
        } else {
            self.net()?.layers().get(l)?.weights.as_slice()
        };
        let when = self.when(now);
        let k = &mut *self.kept();
        let mut slot = k.histograms.remove(&(l, gradients));
        let h = get(&mut slot, &mut k.behind, when, 0, || histogram(values, HISTOGRAM_BINS));
        if let Some(s) = slot {
            k.histograms.insert((l, gradients), s);
        }
        Some(h)
    }
}

/// The split the evaluation is computed on: test, else validation, else training.
pub fn evaluation_split(data: &Prepared) -> (&'static str, &Dataset) {
    if let Some(t) = data.test.as_ref().filter(|d| !d.is_empty()) {
        ("test", t)
    } else if let Some(v) = data.validation.as_ref().filter(|d| !d.is_empty()) {
        ("validation", v)
    } else {
        ("training", &data.train)
    }
}

/// The evaluation of `net` on `d`.
pub fn evaluate(net: &Network, d: &Dataset) -> Evaluation {
    let t = forward(net, &d.x);
    let out = t.output();
    if d.class_names.is_empty() {
        match (r2(out, &d.y), rmse(out, &d.y)) {
            (Ok(r2), Ok(rmse)) => Evaluation::Regression { r2, rmse },
            (Err(e), _) | (_, Err(e)) => Evaluation::Failed(e.to_string()),
        }
    } else {
        match confusion_matrix(out, &d.y) {
            Ok(cm) => {
                let names = (0..cm.classes())
                    .map(|k| d.class_names.get(k).cloned().unwrap_or_else(|| format!("class {k}")))
                    .collect();
                Evaluation::Classes { cm, names }
            }
            Err(e) => Evaluation::Failed(e.to_string()),
        }
    }
}

/// Every layer's z values on the training data (one f64 forward pass).
pub fn layer_z(net: &Network, train: &Dataset) -> Vec<LayerZ> {
    let t = forward(net, &train.x);
    net.layers()
        .iter()
        .zip(&t.layers)
        .map(|(layer, lt)| {
            let act = layer.activation;
            let (zs, as_) = (lt.z.as_slice(), lt.a.as_slice());
            let stride = zs.len().div_ceil(MAX_Z_POINTS).max(1);
            let samples = (0..zs.len())
                .step_by(stride)
                .filter(|&i| zs[i].is_finite() && as_[i].is_finite())
                .map(|i| [zs[i], as_[i]])
                .collect();
            let finite = zs.iter().copied().filter(|v| v.is_finite());
            let lo = finite.clone().fold(f64::INFINITY, f64::min);
            let hi = finite.fold(f64::NEG_INFINITY, f64::max);
            let low_slope = zs
                .iter()
                .zip(as_)
                .filter(|&(&z, &a)| match act {
                    Activation::Relu => z <= 0.0,
                    _ => act.derivative(z, a).abs() < SATURATED_SLOPE,
                })
                .count();
            LayerZ {
                samples,
                lo,
                hi,
                count: zs.len(),
                low_slope,
            }
        })
        .collect()
}

/// Every hidden unit's output over the plane of `train` (the first [`MAX_UNIT_PICTURES`]),
/// from an f64 forward pass.
pub fn unit_grids(net: &Network, train: &Dataset) -> UnitGrids {
    let grid = grid_points(extent(&train.x), UNIT_SIDE);
    let t = forward(net, &grid);
    let hidden = net.len().saturating_sub(1);
    let total: usize = net.layers()[..hidden].iter().map(|l| l.units()).sum();
    let mut units = Vec::new();
    'layers: for l in 0..hidden {
        let a = &t.layers[l].a;
        let layer_max = a.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
        for u in 0..a.nrows() {
            if units.len() >= MAX_UNIT_PICTURES {
                break 'layers;
            }
            let values: Vec<f64> = a.row(u).iter().copied().collect();
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            units.push(UnitGrid {
                layer: l,
                unit: u,
                values,
                lo,
                hi,
                layer_max,
            });
        }
    }
    let more = total - units.len();
    let name = |i: usize| {
        train
            .feature_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("x{}", i + 1))
    };
    let axes = format!("{} across, {} up", name(0), name(1));
    UnitGrids { units, more, axes }
}

/// The network's outputs over an `n x n` grid of `e` (the f32 picture pass).
pub fn boundary_grid(net: &Network, e: [[f64; 2]; 2], n: usize) -> BoundaryGrid {
    let x = FeatureMajor32::from_columns(&grid_points(e, n));
    let mut outputs = Vec::new();
    let mut bufs = GridBuffers::default();
    forward_f32(net, &x, &mut outputs, &mut bufs);
    BoundaryGrid {
        extent: e,
        n,
        k: net.outputs(),
        outputs,
    }
}

/// The network's output at [`FIT_POINTS`] evenly spaced points over the range of `x` (one
/// feature), as `[x, output]`.
pub fn fit_curve(net: &Network, x: &Matrix) -> Vec<[f64; 2]> {
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (-1.0, 1.0)
    };
    let n = FIT_POINTS;
    let xs = Matrix::from_fn(1, n, |_, j| lo + (hi - lo) * j as f64 / (n - 1) as f64);
    let t = forward(net, &xs);
    let out = t.output();
    (0..n).map(|j| [xs[(0, j)], out[(0, j)]]).collect()
}

/// `[min, max]` of each of the first two features, widened by 10% (the pictures' extent).
pub fn extent(x: &Matrix) -> [[f64; 2]; 2] {
    let mut e = [[f64::INFINITY, f64::NEG_INFINITY]; 2];
    for col in x.column_iter() {
        for f in 0..2.min(col.len()) {
            e[f][0] = e[f][0].min(col[f]);
            e[f][1] = e[f][1].max(col[f]);
        }
    }
    for r in &mut e {
        if !r[0].is_finite() || !r[1].is_finite() {
            *r = [-1.0, 1.0];
        }
        // At least 0.1, and a thousandth of the values' size so that it cannot round away.
        let pad = ((r[1] - r[0]) * 0.1).max(0.1).max(r[0].abs().max(r[1].abs()) * 1e-3);
        r[0] -= pad;
        r[1] += pad;
    }
    e
}

/// The grid's points, feature-major, row by row from the top (largest x2) down.
pub fn grid_points(e: [[f64; 2]; 2], n: usize) -> Matrix {
    let mut x = Matrix::zeros(2, n * n);
    for r in 0..n {
        let x2 = e[1][1] - (r as f64 + 0.5) / n as f64 * (e[1][1] - e[1][0]);
        for c in 0..n {
            let x1 = e[0][0] + (c as f64 + 0.5) / n as f64 * (e[0][1] - e[0][0]);
            x[(0, r * n + c)] = x1;
            x[(1, r * n + c)] = x2;
        }
    }
    x
}
