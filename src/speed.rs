//! The engine's speed on three reference workloads of `benches/engine.rs` (the same networks,
//! data and seeds), timed in-process with the platform's clock, so the desktop
//! (`mlp-notebook speed`) and the browser page (`window.mlpSpeed()` in `window/web`) run the very
//! same code and their times can be set side by side. Criterion (`cargo bench`) stays the
//! reference for the desktop; this exists because criterion does not run in a browser.
//!
//! - `w1_step`: the seven-layer net 3-4-4-4-4-4-4-2, batch 1, mse: forward + backward + SGD;
//! - `w3_step`: spiral, 1000 points, 2-16-16-16-1 tanh + sigmoid, BCE, one full-batch SGD step;
//! - `w4_grid`: 2-8-8-1 tanh + sigmoid over a 200 x 200 grid, the picture-only f32 path.

use crate::nn::datasets::spiral;
use crate::nn::fastmath::grid::{FeatureMajor32, GridBuffers, forward_f32};
use crate::nn::init::{Init, Stream, init_network};
use crate::nn::train::{StepBuffers, train_step};
use crate::nn::{Activation, Loss, LossKind, Matrix, Network, Optimizer, OptimizerConfig};
use std::hint::black_box;
use web_time::{Duration, Instant};

/// One workload's time: the median over rounds of the mean time of one run, in seconds.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Timing {
    pub name: &'static str,
    pub seconds: f64,
    pub rounds: usize,
    /// The vector instructions the engine ran with (`crate::nn::simd::level`, e.g. `avx2`).
    pub simd: &'static str,
}

/// Times `run` for about `budget`: rounds of repeated calls, long enough for the clock.
fn time(name: &'static str, budget: Duration, mut run: impl FnMut()) -> Timing {
    // Warm up, and find how many calls make a round of about 5 ms.
    let start = Instant::now();
    let mut calls = 0usize;
    while start.elapsed() < Duration::from_millis(20) || calls == 0 {
        run();
        calls += 1;
    }
    let per_round = (calls / 4).max(1);
    let mut rounds = Vec::new();
    let start = Instant::now();
    while start.elapsed() < budget || rounds.len() < 5 {
        let t = Instant::now();
        for _ in 0..per_round {
            run();
        }
        rounds.push(t.elapsed().as_secs_f64() / per_round as f64);
    }
    rounds.sort_by(f64::total_cmp);
    Timing {
        name,
        seconds: rounds[rounds.len() / 2],
        rounds: rounds.len(),
        simd: crate::nn::simd::level().name(),
    }
}

fn net(widths: &[usize], hidden: Activation, output: Activation, init: Init) -> Result<Network, String> {
    init_network(widths, hidden, output, init, 0).map_err(|e| e.join("; "))
}

/// Times the three workloads, about `budget` each.
pub fn run(budget: Duration) -> Result<Vec<Timing>, String> {
    let mut out = Vec::new();

    let mut w1 = init_network(
        &[3, 4, 4, 4, 4, 4, 4, 2],
        Activation::Relu,
        Activation::Identity,
        Init::HeUniform,
        1,
    )
    .map_err(|e| e.join("; "))?;
    let mut s = Stream::new(2);
    let mut uniform = |rows| Matrix::from_fn(rows, 1, |_, _| -1.0 + 2.0 * s.uniform());
    let xs: Vec<Matrix> = (0..256).map(|_| uniform(3)).collect();
    let ys: Vec<Matrix> = (0..256).map(|_| uniform(2)).collect();
    let (mse, mut sgd, mut bufs, mut i) = (
        Loss::new(LossKind::Mse),
        Optimizer::new(OptimizerConfig::sgd(0.01)),
        StepBuffers::default(),
        0,
    );
    out.push(time("w1_step", budget, || {
        i = (i + 1) & 255;
        black_box(train_step(&mut w1, &mut sgd, &xs[i], &ys[i], &mse, &mut bufs));
    }));

    let data = spiral(1000, 0.02, 0).map_err(|e| e.to_string())?;
    let mut w3 = net(
        &[2, 16, 16, 16, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Init::XavierUniform,
    )?;
    let (bce, mut sgd, mut bufs) = (
        Loss::new(LossKind::Bce),
        Optimizer::new(OptimizerConfig::sgd(0.1)),
        StepBuffers::default(),
    );
    out.push(time("w3_step", budget, || {
        black_box(train_step(&mut w3, &mut sgd, &data.x, &data.y, &bce, &mut bufs));
    }));

    let w4 = net(
        &[2, 8, 8, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Init::XavierUniform,
    )?;
    let res = 200;
    let at = |i: usize| -1.0 + 2.0 * i as f64 / (res - 1) as f64;
    let grid = Matrix::from_fn(2, res * res, |r, j| if r == 0 { at(j % res) } else { at(j / res) });
    let g32 = FeatureMajor32::from_columns(&grid);
    let (mut pixels, mut bufs) = (Vec::new(), GridBuffers::default());
    out.push(time("w4_grid", budget, || {
        forward_f32(&w4, black_box(&g32), &mut pixels, &mut bufs);
        black_box(pixels.first().copied());
    }));
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_workload_runs_and_takes_some_time() {
        let t = super::run(web_time::Duration::from_millis(1)).unwrap();
        let names: Vec<&str> = t.iter().map(|t| t.name).collect();
        assert_eq!(names, ["w1_step", "w3_step", "w4_grid"]);
        assert!(t.iter().all(|t| t.seconds > 0.0 && t.rounds >= 5), "{t:?}");
    }
}
