//! Training: optimizers on one parameter by hand, schedules, clipping, the trainer (batches,
//! shuffling, splits, L2, dropout, early stopping, the stop on NaN), initialisers, the gradient
//! check and the summary.

use mlp_notebook::nn::csv::{BadRows, CsvOptions, import};
use mlp_notebook::nn::data::{Dataset, Scaler, Scaling, Task, split3};
use mlp_notebook::nn::datasets::{BuiltinSet, Generator, generate};
use mlp_notebook::nn::gradcheck::{check_gradients, gradcheck};
use mlp_notebook::nn::init::{Init, init_layer, init_network};
use mlp_notebook::nn::schedule::{Schedule, clip_global_norm};
use mlp_notebook::nn::summary::{summary_rows, summary_text};
use mlp_notebook::nn::trace::{backward, forward, loss_of};
use mlp_notebook::nn::train::{EarlyStopping, NonFiniteAt, StopReason, TrainConfig, Trainer, evaluate};
use mlp_notebook::nn::{
    Activation, Gradients, Layer, LayerGrads, Loss, LossKind, Matrix, Network, Optimizer, OptimizerConfig,
    OptimizerKind, Vector,
};

fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs().max(1.0)
}

macro_rules! assert_close {
    ($got:expr, $want:expr, $tol:expr) => {{
        let (g, w): (f64, f64) = ($got, $want);
        assert!(close(g, w, $tol), "{} = {g}, expected {w}", stringify!($got));
    }};
}

/// One input, one identity unit: `o = w x + b`.
fn unit(w: f64, b: f64) -> Network {
    Network::new(
        1,
        vec![Layer {
            activation: Activation::Identity,
            weights: Matrix::from_element(1, 1, w),
            bias: Vector::from_element(1, b),
        }],
    )
    .unwrap()
}

/// Gradients for [`unit`], given by hand.
fn grads(gw: f64, gb: f64) -> Gradients {
    Gradients {
        loss: 0.0,
        layers: vec![LayerGrads {
            weights: Matrix::from_element(1, 1, gw),
            bias: Vector::from_element(1, gb),
            ..LayerGrads::default()
        }],
        input: Matrix::zeros(1, 1),
    }
}

fn wb(net: &Network) -> (f64, f64) {
    (net.layers()[0].weights[(0, 0)], net.layers()[0].bias[0])
}

fn config(kind: OptimizerKind, lr: f64) -> OptimizerConfig {
    OptimizerConfig {
        lr,
        ..OptimizerConfig::defaults(kind)
    }
}

// ---------------------------------------------------------------------------------------------
// Optimizers, by hand on one parameter.
// ---------------------------------------------------------------------------------------------

/// SGD lr 0.1, momentum 0.9, dampening 0.5; w = 1 with gradients 2 then 1; b = 0 with -1, -1.
/// Step 1: buf = g = 2 (no dampening on the first step; with it, buf would be 1):
///         w = 1 - 0.1·2 = 0.8;            b: buf = -1, b = 0 + 0.1 = 0.1.
/// Step 2: buf = 0.9·2 + (1 - 0.5)·1 = 2.3, w = 0.8 - 0.23 = 0.57;
///         b: buf = 0.9·(-1) + 0.5·(-1) = -1.4, b = 0.1 + 0.14 = 0.24.
#[test]
fn sgd_momentum_has_no_dampening_on_the_first_step() {
    let mut net = unit(1.0, 0.0);
    let mut opt = Optimizer::new(OptimizerConfig {
        momentum: 0.9,
        dampening: 0.5,
        ..config(OptimizerKind::Sgd, 0.1)
    });
    opt.step(&mut net, &grads(2.0, -1.0));
    let (w, b) = wb(&net);
    assert_close!(w, 0.8, 1e-15);
    assert_close!(b, 0.1, 1e-15);
    opt.step(&mut net, &grads(1.0, -1.0));
    let (w, b) = wb(&net);
    assert_close!(w, 0.57, 1e-15);
    assert_close!(b, 0.24, 1e-15);
}

/// Nesterov, lr 0.1, momentum 0.9; w = 1, gradients 2 then 1.
/// Step 1: buf = 2, g = 2 + 0.9·2 = 3.8, w = 1 - 0.38 = 0.62.
/// Step 2: buf = 0.9·2 + 1 = 2.8, g = 1 + 0.9·2.8 = 3.52, w = 0.62 - 0.352 = 0.268.
#[test]
fn sgd_nesterov_by_hand() {
    let mut net = unit(1.0, 0.0);
    let mut opt = Optimizer::new(OptimizerConfig {
        momentum: 0.9,
        nesterov: true,
        ..config(OptimizerKind::Sgd, 0.1)
    });
    opt.step(&mut net, &grads(2.0, 0.0));
    assert_close!(wb(&net).0, 0.62, 1e-15);
    opt.step(&mut net, &grads(1.0, 0.0));
    assert_close!(wb(&net).0, 0.268, 1e-15);
}

/// SGD lr 0.1 with coupled weight decay 0.1: g = 2 + 0.1·1 = 2.1, w = 1 - 0.21 = 0.79; the bias
/// decays too (torch applies weight_decay to every parameter it is given): g = 0 + 0.1·1, b = 0.99.
#[test]
fn sgd_weight_decay_is_coupled() {
    let mut net = unit(1.0, 1.0);
    let mut opt = Optimizer::new(OptimizerConfig {
        weight_decay: 0.1,
        ..config(OptimizerKind::Sgd, 0.1)
    });
    opt.step(&mut net, &grads(2.0, 0.0));
    assert_close!(wb(&net).0, 0.79, 1e-15);
    assert_close!(wb(&net).1, 0.99, 1e-15);
}

/// lr 0.1, betas (0.9, 0.999), eps 1e-8, weight decay 0.1, w = 1, the gradient 2 both steps.
///
/// AdamW (decoupled): step 1: w = 1·(1 - 0.1·0.1) = 0.99; m = 0.2, v = 0.004; m^ = 0.2/0.1 = 2,
/// sqrt(v^) = sqrt(0.004/0.001) = 2; w = 0.99 - 0.1·2/(2 + 1e-8) = 0.89 + 5e-10.
/// Step 2: w = 0.99 w = 0.8811 + 4.95e-10; m = 0.18 + 0.2 = 0.38, v = 0.003996 + 0.004 = 0.007996;
/// m^ = 0.38/0.19 = 2, v^ = 0.007996/0.001999 = 4; w = 0.8811 + 4.95e-10 - (0.1 - 5e-10)
/// = 0.7811 + 9.95e-10.
///
/// Adam (coupled L2): step 1: g = 2 + 0.1·1 = 2.1, m = 0.21, v = 0.00441, m^ = 2.1 = sqrt(v^);
/// w = 1 - 0.1·2.1/(2.1 + 1e-8) = 0.9 + 4.76e-10. Step 2: g = 2 + 0.1 w = 2.09; m = 0.189 + 0.209
/// = 0.398, v = 0.00440559 + 0.0043681 = 0.00877369; m^ = 0.398/0.19 = 2.0947368,
/// sqrt(v^) = sqrt(0.00877369/0.001999) = 2.0950033; w = 0.9 - 0.1·0.9998728 = 0.8000127.
/// Adam's normalisation cancels most of the coupled decay; AdamW's decay survives.
#[test]
fn adam_couples_weight_decay_and_adamw_decouples_it() {
    let run = |kind| {
        let mut net = unit(1.0, 0.0);
        let mut opt = Optimizer::new(OptimizerConfig {
            weight_decay: 0.1,
            ..config(kind, 0.1)
        });
        let mut ws = Vec::new();
        for _ in 0..2 {
            opt.step(&mut net, &grads(2.0, 0.0));
            ws.push(wb(&net).0);
        }
        ws
    };
    let adamw = run(OptimizerKind::Adamw);
    assert_close!(adamw[0], 0.89 + 5e-10, 1e-15);
    assert_close!(adamw[1], 0.7811 + 9.95e-10, 1e-15);
    let adam = run(OptimizerKind::Adam);
    assert_close!(adam[0], 0.9 + 4.76e-10, 1e-12);
    assert_close!(adam[1], 0.8000127, 1e-7);
}

/// Adam's bias correction and eps after it: one step moves w by lr·m^/(sqrt(v^) + eps)
/// = lr·g/(|g| + eps), so a tiny gradient 1e-8 moves w by lr/2 (eps inside the square root,
/// or eps before the correction, would give a different step).
#[test]
fn adam_first_step_is_lr_times_sign_softened_by_eps() {
    let mut net = unit(1.0, 0.0);
    let mut opt = Optimizer::new(config(OptimizerKind::Adam, 0.1));
    opt.step(&mut net, &grads(1e-8, 0.0));
    // m^ = 1e-8, sqrt(v^) = 1e-8, w = 1 - 0.1·1e-8/(1e-8 + 1e-8) = 0.95.
    assert_close!(wb(&net).0, 0.95, 1e-12);
    // A zero gradient leaves the bias at 0 (0 / (0 + eps)).
    assert_eq!(wb(&net).1, 0.0);
}

/// RMSprop lr 0.26, alpha 0.99, eps 0.25 (large, to tell where it goes), w = 1, g = 0.1 twice.
/// Step 1: sq = 0.01·0.01 = 1e-4, sqrt = 0.01, w = 1 - 0.26·0.1/(0.01 + 0.25) = 0.9
/// (eps inside the root would give 1 - 0.026/sqrt(0.2501) = 0.948).
/// Step 2: sq = 0.99e-4 + 1e-4 = 1.99e-4, sqrt = 0.0141067, w = 0.9 - 0.026/0.2641067 = 0.801555.
#[test]
fn rmsprop_adds_eps_outside_the_square_root() {
    let mut net = unit(1.0, 0.0);
    let mut opt = Optimizer::new(OptimizerConfig {
        alpha: 0.99,
        eps: 0.25,
        ..config(OptimizerKind::Rmsprop, 0.26)
    });
    opt.step(&mut net, &grads(0.1, 0.0));
    assert_close!(wb(&net).0, 0.9, 1e-15);
    opt.step(&mut net, &grads(0.1, 0.0));
    assert_close!(wb(&net).0, 0.801555, 1e-6);
}

/// A tensor whose size changes (an input added between steps) starts again like a new torch
/// parameter: fresh moments and its own t = 1, so its first Adam step is lr·g/(|g| + eps) ≈ lr
/// per element. The bias keeps its state: after five gradients of 1, m = 1 - 0.9^5 = 0.40951 and
/// v = 1 - 0.999^5 = 0.00499; a sixth gradient of 4 gives m = 0.768559, v = 0.020985,
/// m^ = 0.768559/(1 - 0.9^6) = 1.640261, sqrt(v^) = sqrt(0.020985/(1 - 0.999^6)) = 1.872500,
/// a step of 0.1·1.640261/1.872500 = 0.0875974: b = -0.5 - 0.0875974 = -0.5875974.
#[test]
fn a_resized_tensor_starts_with_fresh_optimizer_state() {
    let mut net = unit(1.0, 0.0);
    let mut opt = Optimizer::new(config(OptimizerKind::Adam, 0.1));
    for _ in 0..5 {
        opt.step(&mut net, &grads(1.0, 1.0));
    }
    // Constant gradient 1: each step is lr·m^/sqrt(v^) = 0.1 (up to eps): w = 1 - 0.5.
    assert_close!(wb(&net).0, 0.5, 1e-7);
    // Add an input: the weights become 1 x 2 (new state); the bias keeps its state.
    let mut wide = Network::new(
        2,
        vec![Layer {
            activation: Activation::Identity,
            weights: Matrix::from_row_slice(1, 2, &[0.5, 0.0]),
            bias: net.layers()[0].bias.clone(),
        }],
    )
    .unwrap();
    let g = Gradients {
        layers: vec![LayerGrads {
            weights: Matrix::from_row_slice(1, 2, &[4.0, -3.0]),
            bias: Vector::from_element(1, 4.0),
            ..LayerGrads::default()
        }],
        ..grads(0.0, 0.0)
    };
    opt.step(&mut wide, &g);
    let w = &wide.layers()[0].weights;
    assert_close!(w[(0, 0)], 0.4, 1e-7);
    assert_close!(w[(0, 1)], 0.1, 1e-7);
    assert_close!(wide.layers()[0].bias[0], -0.5875974, 1e-7);
}

// ---------------------------------------------------------------------------------------------
// Schedules and clipping.
// ---------------------------------------------------------------------------------------------

/// StepLR(step_size 3, gamma 0.1) from 1: 1, 1, 1, 0.1, 0.1, 0.1, 0.01.
/// ExponentialLR(gamma 0.5) from 0.8: 0.8, 0.4, 0.2, 0.1 (exact: powers of two).
/// CosineAnnealingLR(t_max 4, eta_min 0.1) from 0.5: 0.1 + 0.4 (1 + cos(pi e/4))/2 =
/// 0.5, 0.1 + 0.2 (1 + 0.7071068) = 0.4414214, 0.3, 0.1585786, 0.1, then it stays at eta_min.
#[test]
fn schedules_by_hand() {
    let step = Schedule::Step {
        step_size: 3,
        gamma: 0.1,
    };
    for (e, want) in [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01].into_iter().enumerate() {
        assert_close!(step.lr(1.0, e), want, 1e-15);
    }
    let exp = Schedule::Exponential { gamma: 0.5 };
    let lrs: Vec<f64> = (0..4).map(|e| exp.lr(0.8, e)).collect();
    assert_eq!(lrs, vec![0.8, 0.4, 0.2, 0.1]);
    let cos = Schedule::Cosine { t_max: 4, eta_min: 0.1 };
    for (e, want) in [0.5, 0.4414214, 0.3, 0.1585786, 0.1, 0.1].into_iter().enumerate() {
        assert_close!(cos.lr(0.5, e), want, 1e-7);
    }
    assert_eq!(Schedule::Constant.lr(0.3, 99), 0.3);
}

/// The trainer steps the schedule once per epoch: StepLR(2, 0.5) from 0.1 records
/// 0.1, 0.1, 0.05, 0.05, 0.025.
#[test]
fn the_trainer_follows_the_schedule_per_epoch() {
    let mut t = trainer(
        unit(0.0, 0.0),
        line_data(4),
        None,
        0.1,
        TrainConfig {
            epochs: 5,
            schedule: Schedule::Step {
                step_size: 2,
                gamma: 0.5,
            },
            ..TrainConfig::default()
        },
    );
    t.run();
    let lrs: Vec<f64> = t.history().iter().map(|r| r.lr).collect();
    assert_eq!(lrs, vec![0.1, 0.1, 0.05, 0.05, 0.025]);
}

/// Gradients (3, 4) have norm 5; clipped to 1 they become (3, 4)/(5 + 1e-6) ≈ (0.6, 0.8), as
/// torch's clip_grad_norm_. Gradients already inside the norm are left exactly as they were.
#[test]
fn clipping_by_global_norm_by_hand() {
    let mut g = Gradients {
        layers: vec![LayerGrads {
            weights: Matrix::from_row_slice(1, 2, &[3.0, 0.0]),
            bias: Vector::from_element(1, 0.0),
            ..LayerGrads::default()
        }],
        ..Gradients::default()
    };
    g.layers.push(LayerGrads {
        weights: Matrix::zeros(1, 1),
        bias: Vector::from_element(1, 4.0),
        ..LayerGrads::default()
    });
    assert_eq!(g.global_norm(), 5.0);
    let before = clip_global_norm(&mut g, 1.0);
    assert_eq!(before, 5.0);
    assert_eq!(g.layers[0].weights[(0, 0)], 3.0 * (1.0 / (5.0 + 1e-6)));
    assert_eq!(g.layers[1].bias[0], 4.0 * (1.0 / (5.0 + 1e-6)));
    assert_close!(g.layers[0].weights[(0, 0)], 0.6, 2e-7);
    assert_close!(g.layers[1].bias[0], 0.8, 2e-7);
    let mut small = grads(0.3, 0.4);
    clip_global_norm(&mut small, 1.0);
    assert_eq!(wb_grads(&small), (0.3, 0.4));
}

fn wb_grads(g: &Gradients) -> (f64, f64) {
    (g.layers[0].weights[(0, 0)], g.layers[0].bias[0])
}

// ---------------------------------------------------------------------------------------------
// The trainer.
// ---------------------------------------------------------------------------------------------

/// x = 1, 2, ..., n and y = 2x: one feature, one target.
fn line_data(n: usize) -> Dataset {
    let x: Vec<f64> = (1..=n).map(|i| i as f64).collect();
    let y: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
    dataset(&x, &y)
}

fn dataset(x: &[f64], y: &[f64]) -> Dataset {
    Dataset {
        x: Matrix::from_row_slice(1, x.len(), x),
        y: Matrix::from_row_slice(1, y.len(), y),
        feature_names: vec!["x".into()],
        class_names: vec![],
    }
}

fn trainer(net: Network, train: Dataset, val: Option<Dataset>, lr: f64, config: TrainConfig) -> Trainer {
    trainer_with(
        net,
        Loss::new(LossKind::Mse),
        train,
        val,
        OptimizerConfig::sgd(lr),
        config,
    )
}

fn trainer_with(
    net: Network,
    loss: Loss,
    train: Dataset,
    val: Option<Dataset>,
    opt: OptimizerConfig,
    config: TrainConfig,
) -> Trainer {
    Trainer::new(net, loss, opt, train, val, config).expect("the data fit the network")
}

/// 10 samples: full batch 1 step per epoch, batches of 3 take 4 (3 + 3 + 3 + 1), batches of 1
/// take 10, a batch larger than the data 1. With lr 0 nothing moves, so every epoch's loss is the
/// batch losses averaged by batch size: (1 + 4 + ... + 100) / 10 = 385 / 10 = 38.5 for
/// w = 1, b = 0 (residual -x), whatever the batches.
#[test]
fn steps_per_epoch_follow_the_batch_size() {
    for (batch_size, steps) in [(None, 1), (Some(3), 4), (Some(1), 10), (Some(20), 1)] {
        let mut t = trainer(
            unit(1.0, 0.0),
            line_data(10),
            None,
            0.0,
            TrainConfig {
                epochs: 3,
                batch_size,
                ..TrainConfig::default()
            },
        );
        t.run();
        assert_eq!(t.optimizer().t, 3 * steps, "batch size {batch_size:?}");
        assert_eq!(t.history().len(), 3);
        for r in t.history() {
            assert_close!(r.loss, 38.5, 1e-14);
        }
        assert_eq!(t.stopped(), Some(&StopReason::Finished));
    }
}

#[test]
fn run_steps_trains_in_bounded_slices() {
    let mut t = trainer(
        unit(1.0, 0.0),
        line_data(10),
        None,
        0.001,
        TrainConfig {
            epochs: 2,
            batch_size: Some(3),
            ..TrainConfig::default()
        },
    );
    t.run_steps(3);
    assert_eq!((t.optimizer().t, t.history().len()), (3, 0));
    t.run_steps(3);
    assert_eq!((t.optimizer().t, t.history().len()), (6, 1));
    t.run_steps(100);
    assert_eq!((t.optimizer().t, t.history().len()), (8, 2));
    assert!(t.is_done());
}

/// Mini-batch SGD visits the samples in a seeded order: the same seed gives the same weights,
/// another seed other weights; without shuffling the seed does not matter.
#[test]
fn shuffling_is_reproducible_for_a_seed() {
    let train = |seed, shuffle| {
        let mut t = trainer(
            unit(0.0, 0.0),
            line_data(10),
            None,
            0.002,
            TrainConfig {
                epochs: 3,
                batch_size: Some(2),
                shuffle,
                seed,
                ..TrainConfig::default()
            },
        );
        t.run();
        (t.net().clone(), t.history().to_vec())
    };
    assert_eq!(train(1, true), train(1, true));
    assert_ne!(train(1, true).0, train(2, true).0);
    assert_eq!(train(1, false), train(2, false));
    assert_ne!(train(1, true).0, train(1, false).0);
}

/// CSV: regression targets must be finite numbers too; every bad cell is named by line and
/// column (line 3 is blank and not a row).
#[test]
fn csv_targets_must_be_finite_numbers() {
    let opts = CsvOptions {
        has_header: true,
        target_column: 2,
        task: Task::Regression,
        bad_rows: BadRows::Report,
    };
    let d = import("a,b,y\n1,2,3\n\n4,5,6.5\n", &opts).unwrap().data;
    assert_eq!(d.x, Matrix::from_column_slice(2, 2, &[1.0, 2.0, 4.0, 5.0]));
    assert_eq!(d.y.as_slice(), &[3.0, 6.5]);
    let e = import("a,b,y\n1,2,3\n\n4,5,nan\n7,8,x\n", &opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        "2 rows could not be read:\n\
         line 4, column 3 (y): 'nan' is not a finite number\n\
         line 5, column 3 (y): 'x' is not a number"
    );
}

/// 10 samples, 25 % for validation: 2.5 rounds (half away from zero) to 3 validation samples,
/// so 7 train (Keras: train = floor(0.75 · 10) = 7).
#[test]
fn a_half_sample_rounds_up_into_the_validation_split() {
    let s = split3(&line_data(10), 0.25, 0.0, 1).unwrap();
    assert_eq!(
        (s.train.len(), s.validation.map(|v| v.len()), s.test),
        (7, Some(3), None)
    );
}

/// y = 2x + 1 on 21 points in [-1, 1], one identity unit, full-batch SGD lr 0.1: gradient
/// descent on a convex quadratic with a small step, so every epoch's loss is below the last,
/// and w, b approach 2, 1.
#[test]
fn loss_decreases_on_a_simple_problem() {
    let x: Vec<f64> = (-10..=10).map(|i| f64::from(i) / 10.0).collect();
    let y: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
    let mut t = trainer(
        unit(0.0, 0.0),
        dataset(&x, &y),
        None,
        0.1,
        TrainConfig {
            epochs: 300,
            ..TrainConfig::default()
        },
    );
    t.run();
    let losses: Vec<f64> = t.history().iter().map(|r| r.loss).collect();
    assert!(losses.windows(2).all(|w| w[1] < w[0]), "{losses:?}");
    assert!(losses[299] < 1e-6 * losses[0], "{} -> {}", losses[0], losses[299]);
    let (w, b) = wb(t.net());
    assert_close!(w, 2.0, 1e-3);
    assert_close!(b, 1.0, 1e-3);
}

/// Two identity units in a row, w1 = 2, w2 = 3, zero biases; x = 1, y = 6, so the output 6 is
/// exact and the data loss and its gradients are 0. With l2 = 0.1 the loss is
/// 0.1 (2^2 + 3^2) = 1.3 and the gradients are 2·0.1·w = 0.4 and 0.6 (weights only, as Keras'
/// kernel regulariser): SGD lr 0.5 gives w1 = 2 - 0.2 = 1.8, w2 = 3 - 0.3 = 2.7, biases 0.
#[test]
fn l2_adds_l2_sum_w_squared_to_the_loss() {
    let layer = |w| Layer {
        activation: Activation::Identity,
        weights: Matrix::from_element(1, 1, w),
        bias: Vector::zeros(1),
    };
    let net = Network::new(1, vec![layer(2.0), layer(3.0)]).unwrap();
    let mut t = trainer(
        net,
        dataset(&[1.0], &[6.0]),
        None,
        0.5,
        TrainConfig {
            epochs: 1,
            l2: 0.1,
            ..TrainConfig::default()
        },
    );
    t.run();
    assert_close!(t.history()[0].loss, 1.3, 1e-15);
    assert_close!(t.net().layers()[0].weights[(0, 0)], 1.8, 1e-15);
    assert_close!(t.net().layers()[1].weights[(0, 0)], 2.7, 1e-15);
    assert_eq!(t.net().layers()[0].bias[0], 0.0);
    assert_eq!(t.net().layers()[1].bias[0], 0.0);
}

/// Inverted dropout with p = 0.2 on the hidden unit of 1 -> 1 -> 1 identity units (weights 1,
/// biases 0), x = 1, mae against y = -10, lr 0 (nothing moves): the output is the mask m, so each
/// training step's loss is |m + 10| = m + 10, with m = 0 (dropped) or 1/(1 - 0.2) = 1.25 (kept,
/// scaled). Over 3000 one-sample epochs about 80 % are kept and the mean of m is about 1.
/// Evaluation uses no mask: the validation loss is |1 + 10| = 11 every time.
#[test]
fn inverted_dropout_scales_kept_units_and_only_trains() {
    let layer = || Layer {
        activation: Activation::Identity,
        weights: Matrix::from_element(1, 1, 1.0),
        bias: Vector::zeros(1),
    };
    let run = |layers: Vec<Layer>, dropout: f64| {
        let data = dataset(&[1.0], &[-10.0]);
        let mut t = trainer_with(
            Network::new(1, layers).unwrap(),
            Loss::new(LossKind::Mae),
            data.clone(),
            Some(data),
            OptimizerConfig::sgd(0.0),
            TrainConfig {
                epochs: 3000,
                dropout,
                seed: 5,
                ..TrainConfig::default()
            },
        );
        t.run();
        t.history().to_vec()
    };
    let history = run(vec![layer(), layer()], 0.2);
    let scale = 1.0 / (1.0 - 0.2);
    let masks: Vec<f64> = history.iter().map(|r| r.loss - 10.0).collect();
    for m in &masks {
        assert!(*m == 0.0 || close(*m, scale, 1e-15), "mask value {m}");
    }
    let kept = masks.iter().filter(|m| **m != 0.0).count() as f64 / masks.len() as f64;
    let mean = masks.iter().sum::<f64>() / masks.len() as f64;
    // Binomial(3000, 0.8): the kept fraction's standard deviation is 0.0073, the mean's 0.009.
    assert!((kept - 0.8).abs() < 0.03, "kept {kept}");
    assert!((mean - 1.0).abs() < 0.04, "mean mask {mean}");
    assert!(history.iter().all(|r| r.val_loss == Some(11.0)));
    // No dropout: every loss is 11. The output layer is never dropped: a single layer keeps all.
    assert!(run(vec![layer(), layer()], 0.0).iter().all(|r| r.loss == 11.0));
    assert!(run(vec![layer()], 0.5).iter().all(|r| r.loss == 11.0));
}

/// One identity unit from w = b = 0, trained on x = 1, y = 1 (mse, SGD lr 0.05, full batch),
/// validated on x = 1, y = 0.5. The gradient is 2(o - 1) for w and b alike, so each epoch
/// o <- o - 0.2 (o - 1): o_k = 1 - 0.8^k = 0.2, 0.36, 0.488, 0.5904, 0.67232, ..., w = b = o/2.
/// Validation loss (o_k - 0.5)^2 = 0.09, 0.0196, 0.000144, 0.00817, 0.0297, ...: best at epoch 3,
/// then rising.
fn early_stopping_run(patience: usize, min_delta: f64, restore_best: bool) -> Trainer {
    let mut t = trainer(
        unit(0.0, 0.0),
        dataset(&[1.0], &[1.0]),
        Some(dataset(&[1.0], &[0.5])),
        0.05,
        TrainConfig {
            epochs: 50,
            early_stopping: Some(EarlyStopping {
                patience,
                min_delta,
                restore_best,
            }),
            ..TrainConfig::default()
        },
    );
    t.run();
    t
}

#[test]
fn early_stopping_as_keras() {
    let vals = [0.09, 0.0196, 0.000144, 0.00817216, 0.0296942];
    // patience 2: epoch 4 waits 1, epoch 5 waits 2 >= 2 and stops; epoch 3's weights come back.
    let t = early_stopping_run(2, 0.0, true);
    assert_eq!(
        t.stopped(),
        Some(&StopReason::EarlyStopped {
            epoch: 5,
            best_epoch: 3
        })
    );
    assert_eq!(t.history().len(), 5);
    for (r, v) in t.history().iter().zip(vals) {
        assert_close!(r.val_loss.unwrap_or(f64::NAN), v, 1e-6);
    }
    let (w, b) = wb(t.net());
    assert_close!(w, 0.244, 1e-14);
    assert_close!(b, 0.244, 1e-14);
    // min_delta 0.02: epoch 2 improves (0.0196 < 0.09 - 0.02), epoch 3 does not
    // (0.000144 is not below 0.0196 - 0.02), so epochs 3 and 4 wait and it stops after 4,
    // restoring epoch 2: w = b = 0.36 / 2 = 0.18.
    let t = early_stopping_run(2, 0.02, true);
    assert_eq!(
        t.stopped(),
        Some(&StopReason::EarlyStopped {
            epoch: 4,
            best_epoch: 2
        })
    );
    assert_close!(wb(t.net()).0, 0.18, 1e-14);
    // Without restore_best the last weights stay: o_5 / 2 = 0.33616.
    let t = early_stopping_run(2, 0.0, false);
    assert_close!(wb(t.net()).0, 0.33616, 1e-14);
    // Patience 100 never stops within 6 epochs; restore_best still goes back to epoch 3 at the
    // end (documented: Keras would keep epoch 6's weights).
    let mut t = trainer(
        unit(0.0, 0.0),
        dataset(&[1.0], &[1.0]),
        Some(dataset(&[1.0], &[0.5])),
        0.05,
        TrainConfig {
            epochs: 6,
            early_stopping: Some(EarlyStopping {
                patience: 100,
                min_delta: 0.0,
                restore_best: true,
            }),
            ..TrainConfig::default()
        },
    );
    assert_eq!(t.run(), &StopReason::Finished);
    assert_close!(wb(t.net()).0, 0.244, 1e-14);
    // Patience 0 stops at the first epoch that does not improve (epoch 4).
    let t = early_stopping_run(0, 0.0, true);
    assert_eq!(
        t.stopped(),
        Some(&StopReason::EarlyStopped {
            epoch: 4,
            best_epoch: 3
        })
    );
}

/// One identity unit, w = 1, b = 0, x = 1, y = 0, mse, SGD lr 1e100. Each step's gradient is
/// 2o for w and b alike:
/// epoch 1: o = 1, loss 1; w1 = 1 - 2e100, b1 = -2e100.
/// epoch 2: o = w1 + b1 = -4e100, loss 1.6e201 (finite); w2 = w1 + 8e200, b2 = b1 + 8e200.
/// epoch 3: o = 1.6e201, loss 2.56e402 = inf: stop, keeping w2 and b2 (finite).
#[test]
fn a_non_finite_loss_stops_training_and_keeps_the_last_finite_parameters() {
    let mut t = trainer(
        unit(1.0, 0.0),
        dataset(&[1.0], &[0.0]),
        None,
        1e100,
        TrainConfig {
            epochs: 10,
            ..TrainConfig::default()
        },
    );
    let reason = t.run().clone();
    assert_eq!(
        reason,
        StopReason::NonFinite {
            epoch: 3,
            step: 1,
            at: NonFiniteAt::Loss
        }
    );
    assert_eq!(
        reason.to_string(),
        "stopped at epoch 3, step 1: the loss became NaN or infinite; the last finite parameters were kept (try a smaller learning rate)"
    );
    let (w1, b1) = (1.0 - 1e100 * 2.0, 0.0 - 1e100 * 2.0);
    let g = 2.0 * (w1 + b1);
    let (w2, b2) = (w1 - 1e100 * g, b1 - 1e100 * g);
    assert_close!(w2, 8e200, 1e-15);
    assert_eq!(wb(t.net()), (w2, b2));
    assert_eq!(t.history().len(), 2);
}

/// An update that overflows (lr = MAX/1.5, gradient 2: the step is infinite) is undone: the
/// weights before it are kept.
#[test]
fn an_overflowing_update_is_undone() {
    let mut t = trainer(
        unit(1.0, 0.0),
        dataset(&[1.0], &[0.0]),
        None,
        f64::MAX / 1.5,
        TrainConfig::default(),
    );
    assert_eq!(
        t.run(),
        &StopReason::NonFinite {
            epoch: 1,
            step: 1,
            at: NonFiniteAt::Weights { layer: 1 }
        }
    );
    assert_eq!(wb(t.net()), (1.0, 0.0));
    assert!(t.history().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Initialisers.
// ---------------------------------------------------------------------------------------------

const RANDOM_KINDS: [Init; 8] = [
    Init::Uniform { low: -0.1, high: 0.3 },
    Init::Normal { mean: 1.0, std: 0.5 },
    Init::XavierUniform,
    Init::XavierNormal,
    Init::HeUniform,
    Init::HeNormal,
    Init::Lecun,
    Init::SmallIntegers { k: 2 },
];

/// The same seed gives the same network; another seed gives other weights in every layer, and
/// no layer of one seed reappears anywhere in the other (3-4-4-4-4-2 has four 4 x 4 layers).
#[test]
fn every_initialiser_is_reproducible_and_seeds_differ() {
    let widths = [3, 4, 4, 4, 4, 2];
    let make = |init, seed| init_network(&widths, Activation::Relu, Activation::Identity, init, seed).unwrap();
    for init in RANDOM_KINDS {
        assert_eq!(make(init, 7), make(init, 7), "{init:?}");
        let (a, b) = (make(init, 7), make(init, 8));
        for la in a.layers() {
            for lb in b.layers() {
                assert_ne!(
                    la.weights, lb.weights,
                    "{init:?}: a layer of seed 7 reappears in seed 8"
                );
            }
        }
    }
    for init in [Init::Zeros, Init::Constant(0.25)] {
        assert_eq!(make(init, 7), make(init, 8));
    }
    let c = make(Init::Constant(0.25), 1);
    assert!(
        c.layers()
            .iter()
            .all(|l| l.weights.iter().chain(l.bias.iter()).all(|v| *v == 0.25))
    );
    let z = make(Init::Zeros, 1);
    assert!(
        z.layers()
            .iter()
            .all(|l| l.weights.iter().chain(l.bias.iter()).all(|v| *v == 0.0))
    );
}

/// Adding a layer at the end does not change the layers before it.
#[test]
fn adding_a_layer_keeps_the_earlier_weights() {
    let a = init_network(
        &[3, 4, 2],
        Activation::Tanh,
        Activation::Identity,
        Init::XavierNormal,
        3,
    )
    .unwrap();
    let b = init_network(
        &[3, 4, 5, 2],
        Activation::Tanh,
        Activation::Identity,
        Init::XavierNormal,
        3,
    )
    .unwrap();
    assert_eq!(a.layers()[0], b.layers()[0]);
    // The first layer is init_layer with the same seed.
    assert_eq!(a.layers()[0], init_layer(3, 4, Activation::Tanh, Init::XavierNormal, 3));
}

/// k = 3 on 300 x 400 = 120,000 draws: integers in [-3, 3], each of the 7 values about 1/7 of the
/// time (standard deviation of a share: 0.001).
#[test]
fn small_integers_are_uniform_integers_in_range() {
    let l = init_layer(400, 300, Activation::Relu, Init::SmallIntegers { k: 3 }, 11);
    let mut counts = [0usize; 7];
    for v in l.weights.iter() {
        assert!(v.fract() == 0.0 && v.abs() <= 3.0, "{v}");
        counts[(*v + 3.0) as usize] += 1;
    }
    for c in counts {
        let share = c as f64 / l.weights.len() as f64;
        assert!((share - 1.0 / 7.0).abs() < 0.006, "{counts:?}");
    }
    assert!(l.bias.iter().all(|b| *b == 0.0));
}

/// 300 units x 400 inputs (fan_in 400, fan_out 300): the sample mean and variance of 120,000
/// draws against the formulas (the variance estimate's relative spread is about 0.4 %).
/// Uniform(-a, a) has variance a^2/3.
#[test]
fn spreads_match_their_formulas() {
    let (fi, fo) = (400.0, 300.0);
    let xavier = 6.0f64 / (fi + fo);
    let he = 6.0f64 / fi;
    let cases: [(Init, f64, f64, Option<f64>); 7] = [
        (Init::XavierUniform, 0.0, xavier / 3.0, Some(xavier.sqrt())),
        (Init::XavierNormal, 0.0, 2.0 / (fi + fo), None),
        (Init::HeUniform, 0.0, he / 3.0, Some(he.sqrt())),
        (Init::HeNormal, 0.0, 2.0 / fi, None),
        (Init::Lecun, 0.0, 1.0 / fi, None),
        (Init::Uniform { low: -0.1, high: 0.3 }, 0.1, 0.4 * 0.4 / 12.0, None),
        (Init::Normal { mean: 1.0, std: 0.5 }, 1.0, 0.25, None),
    ];
    for (init, mean, var, bound) in cases {
        let l = init_layer(400, 300, Activation::Relu, init, 2);
        let n = l.weights.len() as f64;
        let m = l.weights.sum() / n;
        let v = l.weights.iter().map(|w| (w - m).powi(2)).sum::<f64>() / n;
        assert!((m - mean).abs() < 4.0 * (var / n).sqrt(), "{init:?}: mean {m}");
        assert!((v / var - 1.0).abs() < 0.03, "{init:?}: variance {v}, formula {var}");
        if let Some(a) = bound {
            let amax = l.weights.amax();
            assert!(amax <= a && amax > 0.999 * a, "{init:?}: max |w| {amax}, bound {a}");
        }
    }
    // Fan-based kinds start biases at 0; uniform and normal fill them too.
    assert!(
        init_layer(4, 3, Activation::Relu, Init::HeNormal, 1)
            .bias
            .iter()
            .all(|b| *b == 0.0)
    );
    assert!(
        init_layer(4, 3, Activation::Relu, Init::Normal { mean: 1.0, std: 0.5 }, 1)
            .bias
            .iter()
            .all(|b| *b != 0.0)
    );
}

#[test]
fn initialiser_names_parse() {
    assert_eq!(Init::from_name("he-normal", None), Some(Init::HeNormal));
    assert_eq!(Init::from_name("glorot-uniform", None), Some(Init::XavierUniform));
    assert_eq!(
        Init::from_name("small-integers", Some(3.0)),
        Some(Init::SmallIntegers { k: 3 })
    );
    assert_eq!(
        Init::from_name("small-integers", None),
        Some(Init::SmallIntegers { k: 2 })
    );
    assert_eq!(Init::from_name("random", None), None);
    for name in Init::NAMES {
        assert!(Init::from_name(name, None).is_some(), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Gradient check and summary.
// ---------------------------------------------------------------------------------------------

/// 2-3-2 tanh/sigmoid, mse, 3 samples, weights from a seed: smooth everywhere.
fn smooth() -> (Network, Matrix, Matrix, Loss) {
    let net = init_network(
        &[2, 3, 2],
        Activation::Tanh,
        Activation::Sigmoid,
        Init::Normal { mean: 0.0, std: 0.8 },
        4,
    )
    .unwrap();
    let x = Matrix::from_column_slice(2, 3, &[0.5, -1.0, 1.5, 0.2, -0.3, 0.8]);
    let y = Matrix::from_column_slice(2, 3, &[1.0, 0.0, 0.0, 1.0, 0.5, 0.5]);
    (net, x, y, Loss::new(LossKind::Mse))
}

#[test]
fn gradient_check_reports_a_tiny_worst_error_on_a_smooth_net() {
    let (net, x, y, loss) = smooth();
    let c = gradcheck(&net, &x, &y, &loss, 1e-6);
    assert_eq!(c.params.len(), net.param_count());
    assert_eq!(c.params[0].name, "W1[1,1]");
    assert_eq!(c.params[2].name, "b1[1]");
    let worst = c.worst().expect("a worst parameter");
    assert!(worst.rel_error < 1e-6, "{worst:?}");
    assert!(c.params.iter().all(|p| p.rel_error <= worst.rel_error));
}

/// A gradient off by 1e-3 in one place (a perturbed copy of backprop's) is found and named.
#[test]
fn gradient_check_finds_a_wrong_gradient() {
    let (net, x, y, loss) = smooth();
    let mut wrong = backward(&net, &forward(&net, &x), &y, &loss);
    wrong.layers[1].weights[(0, 2)] += 1e-3;
    let c = check_gradients(&net, &x, &y, &loss, &wrong, 1e-6);
    let worst = c.worst().expect("a worst parameter");
    assert_eq!(worst.name, "W2[1,3]");
    assert!(worst.rel_error > 1e-4, "{worst:?}");
    assert!(
        c.params
            .iter()
            .filter(|p| p.name != "W2[1,3]")
            .all(|p| p.rel_error < 1e-6)
    );
    // A gradient of the wrong shape counts as the worst possible error, not a panic.
    let mut short = wrong.clone();
    short.layers.pop();
    assert!(
        check_gradients(&net, &x, &y, &loss, &short, 1e-6)
            .worst()
            .is_some_and(|p| p.rel_error.is_nan())
    );
}

/// At a ReLU kink backprop uses relu'(0) = 0 while the central difference sees half a slope:
/// z1 = 1·0 + 0 = 0, output 3 relu(z1), y = 1, sse_half. Nudging b1 by ±h gives losses
/// 0.5 (3h - 1)^2 and 0.5, so the difference quotient is (4.5h^2 - 3h)/2h ≈ -1.5; backprop says 0.
#[test]
fn gradient_check_flags_a_kink() {
    let net = Network::new(
        1,
        vec![
            Layer {
                activation: Activation::Relu,
                weights: Matrix::from_element(1, 1, 1.0),
                bias: Vector::zeros(1),
            },
            Layer {
                activation: Activation::Identity,
                weights: Matrix::from_element(1, 1, 3.0),
                bias: Vector::zeros(1),
            },
        ],
    )
    .unwrap();
    let x = Matrix::zeros(1, 1);
    let y = Matrix::from_element(1, 1, 1.0);
    let c = gradcheck(&net, &x, &y, &Loss::new(LossKind::SseHalf), 1e-6);
    let worst = c.worst().expect("a worst parameter");
    assert_eq!(worst.name, "b1[1]");
    assert_eq!(worst.backprop, 0.0);
    assert_close!(worst.numeric, -1.5, 1e-5);
    assert_eq!(worst.rel_error, 1.0);
    assert_close!(loss_of(&net, &x, &y, &Loss::new(LossKind::SseHalf)), 0.5, 0.0);
}

/// 3-4-4-4-4-4-4-2: layer 1 has 4·3 + 4 = 16, layers 2-6 have 4·4 + 4 = 20 each, layer 7 has
/// 2·4 + 2 = 10: 16 + 5·20 + 10 = 126.
#[test]
fn summary_counts_parameters_by_hand() {
    let net = init_network(
        &[3, 4, 4, 4, 4, 4, 4, 2],
        Activation::Relu,
        Activation::Identity,
        Init::SmallIntegers { k: 2 },
        7,
    )
    .unwrap();
    let rows = summary_rows(&net);
    let params: Vec<usize> = rows.iter().map(|r| r.params).collect();
    assert_eq!(params, vec![16, 20, 20, 20, 20, 20, 10]);
    assert_eq!(rows[0].weights_shape, "4 x 3");
    assert_eq!(rows[6].output_shape, "(None, 2)");
    assert_eq!(rows[6].activation, "identity");
    assert_eq!(rows[0].name, "layer 1 (dense)");
    assert_eq!(net.param_count(), 126);
    let text = summary_text(&net, Some("Seven layers"));
    assert!(text.starts_with("Model: \"Seven layers\"\n"), "{text}");
    assert!(text.contains("Total params: 126 (1008 bytes as f64)\n"), "{text}");
    assert!(text.contains("Trainable params: 126\n"), "{text}");
}

/// A validation loss of NaN never counts as an improvement (Keras starts from best = +inf and
/// `NaN < best` is false): with a NaN validation input and patience 3, the waits are 1, 2, 3 and
/// training stops after epoch 3, with no best epoch to go back to (the stop names the last).
#[test]
fn early_stopping_never_takes_a_nan_loss_as_best() {
    let mut t = trainer(
        unit(0.0, 0.0),
        dataset(&[1.0], &[1.0]),
        Some(dataset(&[f64::NAN], &[0.5])),
        0.05,
        TrainConfig {
            epochs: 50,
            early_stopping: Some(EarlyStopping {
                patience: 3,
                min_delta: 0.0,
                restore_best: true,
            }),
            ..TrainConfig::default()
        },
    );
    let reason = t.run().clone();
    assert_eq!(
        reason,
        StopReason::EarlyStopped {
            epoch: 3,
            best_epoch: 3
        }
    );
    assert_eq!(t.history().len(), 3);
    assert!(t.history().iter().all(|r| r.val_loss.is_some_and(f64::is_nan)));
}

// ---------------------------------------------------------------------------------------------
// The trainer on generated and shipped data; its checks, live settings and divergence reports.
// ---------------------------------------------------------------------------------------------

fn adam(lr: f64) -> OptimizerConfig {
    OptimizerConfig {
        lr,
        ..OptimizerConfig::defaults(OptimizerKind::Adam)
    }
}

/// XOR from four noisy clusters (noise 0.2: a point crosses an axis with probability
/// P(Z > 5) ~ 3e-7), 2-4-1 tanh with a sigmoid output and bce, full-batch Adam lr 0.05: every
/// training point is classified correctly within 300 epochs. The four noise-free points are
/// XOR's truth table, and the trained net gets it right too.
#[test]
fn xor_reaches_full_training_accuracy() {
    let data = generate(Generator::Xor, 200, 0.2, 1, None).unwrap();
    let net = init_network(
        &[2, 4, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Init::XavierUniform,
        3,
    )
    .unwrap();
    let loss = Loss::new(LossKind::Bce);
    let config = TrainConfig {
        epochs: 300,
        seed: 1,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(net, loss, adam(0.05), data.clone(), None, config).unwrap();
    assert_eq!(t.run(), &StopReason::Finished);
    let (_, acc) = evaluate(t.net(), &data, &loss);
    assert_eq!(acc, 1.0, "last epoch {:?}", t.history().last());
    let table = generate(Generator::Xor, 4, 0.0, 0, None).unwrap();
    assert_eq!(evaluate(t.net(), &table, &loss).1, 1.0);
}

/// Digits through the lesson pipeline: the shipped set (read by `nn::csv`), a seeded 80/20 split, standardised with
/// the training rows' statistics, 64-64-32-10 ReLU with softmax and cross-entropy, Adam 1e-3,
/// batches of 32: at least 95 % of the held-out images right after 20 epochs.
#[test]
fn digits_reach_95_percent_on_the_test_split() {
    let all = BuiltinSet::Digits.load().unwrap();
    // 1797 images of 8 x 8 pixels, ten classes (one-hot rows).
    assert_eq!((all.x.nrows(), all.len(), all.y.nrows()), (64, 1797, 10));
    let s = split3(&all, 0.0, 0.2, 0).unwrap();
    let (mut train, mut test) = (s.train, s.test.unwrap());
    // 0.2 x 1797 = 359.4 rounds to 359 test images; 1797 - 359 = 1438 train.
    assert_eq!((train.len(), test.len()), (1438, 359));
    let scaler = Scaler::fit(&train, Scaling::Standardise);
    scaler.apply(&mut train).unwrap();
    scaler.apply(&mut test).unwrap();
    let net = init_network(
        &[64, 64, 32, 10],
        Activation::Relu,
        Activation::Softmax,
        Init::HeUniform,
        0,
    )
    .unwrap();
    let loss = Loss::new(LossKind::CrossEntropy);
    let config = TrainConfig {
        epochs: 20,
        batch_size: Some(32),
        seed: 0,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(net, loss, adam(1e-3), train, None, config).unwrap();
    assert_eq!(t.run(), &StopReason::Finished);
    let (test_loss, acc) = evaluate(t.net(), &test, &loss);
    eprintln!("digits after 20 epochs: test accuracy {acc:.4}, test loss {test_loss:.4}");
    assert!(acc >= 0.95, "test accuracy {acc:.4}, loss {test_loss:.4}");
    // 1438 training images in batches of 32: 45 steps per epoch.
    assert_eq!((t.steps_per_epoch(), t.steps_done()), (45, 20 * 45));
}

/// Moons, 2-16-16-1 ReLU with a sigmoid output and bce (whose loss is bounded), SGD with a
/// learning rate of 1e150: the weights grow until a value overflows. Training stops naming a
/// layer, and every kept weight is finite.
#[test]
fn a_huge_learning_rate_stops_naming_a_layer() {
    let data = generate(Generator::Moons, 100, 0.1, 0, None).unwrap();
    let net = init_network(
        &[2, 16, 16, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Init::HeUniform,
        0,
    )
    .unwrap();
    let mut t = Trainer::new(
        net,
        Loss::new(LossKind::Bce),
        OptimizerConfig::sgd(1e150),
        data,
        None,
        TrainConfig {
            epochs: 100,
            ..TrainConfig::default()
        },
    )
    .unwrap();
    let reason = t.run().clone();
    let StopReason::NonFinite { at, .. } = reason else {
        panic!("expected a NaN stop, got {reason:?}")
    };
    eprintln!("{reason}");
    let layer = at.layer().unwrap_or_else(|| panic!("{at} names no layer"));
    assert!((1..=3).contains(&layer), "{at}");
    assert!(reason.to_string().contains(&format!("layer {layer}'s")), "{reason}");
    for l in t.net().layers() {
        assert!(l.weights.iter().chain(l.bias.iter()).all(|v| v.is_finite()));
    }
    assert!(!t.last_gradients().unwrap().is_finite() || matches!(at, NonFiniteAt::Weights { .. }));
}

/// Two identity units in a row (1 -> 1 -> 1), lr 0.
/// (a) w1 = w2 = 1e200, x = 1: z1 = 1e200, z2 = 1e400 = inf: layer 2's values.
/// (b) x = 1e300, w1 = 1e-300 (z1 = 1), w2 = 1e10 (z2 = 1e10), y = 0, mse: the loss 1e20 and
///     dL/dW2 = 2e10 * 1 are finite, but delta1 = 1e10 * 2e10 = 2e20 and
///     dL/dW1 = 2e20 * 1e300 = inf: layer 1's gradients.
#[test]
fn the_stop_names_the_layer_where_values_blew_up() {
    let chain = |w1: f64, w2: f64| {
        let layer = |w| Layer {
            activation: Activation::Identity,
            weights: Matrix::from_element(1, 1, w),
            bias: Vector::zeros(1),
        };
        Network::new(1, vec![layer(w1), layer(w2)]).unwrap()
    };
    let stop = |net, x: f64| {
        let mut t = trainer(net, dataset(&[x], &[0.0]), None, 0.0, TrainConfig::default());
        t.run().clone()
    };
    let at = |r: StopReason| match r {
        StopReason::NonFinite { at, .. } => at,
        other => panic!("{other:?}"),
    };
    assert_eq!(at(stop(chain(1e200, 1e200), 1.0)), NonFiniteAt::Values { layer: 2 });
    assert_eq!(
        at(stop(chain(1e-300, 1e10), 1e300)),
        NonFiniteAt::Gradients { layer: 1 }
    );
    assert_eq!(NonFiniteAt::Gradients { layer: 3 }.to_string(), "layer 3's gradients");
    assert_eq!(
        NonFiniteAt::Weights { layer: 2 }.to_string(),
        "layer 2's weights after the update"
    );
}

fn three_class_data() -> Dataset {
    Dataset {
        x: Matrix::from_row_slice(2, 3, &[0.0, 1.0, 2.0, 1.0, 0.0, 1.0]),
        y: Matrix::from_column_slice(3, 3, &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
        feature_names: vec!["a".into(), "b".into()],
        class_names: vec!["p".into(), "q".into(), "r".into()],
    }
}

/// Trainer::new checks the data against the network and the loss, with a message.
#[test]
fn the_trainer_rejects_data_that_do_not_fit() {
    let make = |widths: &[usize], out: Activation, loss: LossKind, data: Dataset, config: TrainConfig| {
        let net = init_network(widths, Activation::Relu, out, Init::HeUniform, 0).unwrap();
        Trainer::new(net, Loss::new(loss), adam(0.01), data, None, config)
            .err()
            .map(|e| e.to_string())
    };
    let ce = |widths: &[usize], data| {
        make(
            widths,
            Activation::Softmax,
            LossKind::CrossEntropy,
            data,
            TrainConfig::default(),
        )
    };
    assert_eq!(ce(&[2, 4, 3], three_class_data()), None);
    assert_eq!(
        ce(&[3, 4, 3], three_class_data()).unwrap(),
        "the training set has 2 feature(s), but the network has 3 input(s)"
    );
    assert_eq!(
        ce(&[2, 4, 2], three_class_data()).unwrap(),
        "the training set has 3 target row(s), but the network's output layer has 2 unit(s) (the data have 3 classes: one unit per class)"
    );
    let mut not_one_hot = three_class_data();
    not_one_hot.y[(1, 2)] = 1.0;
    assert_eq!(
        ce(&[2, 4, 3], not_one_hot).unwrap(),
        "the cross_entropy loss does not fit the training set's targets: it needs one-hot targets (each sample's targets in [0, 1], summing to 1); sample 3 sums to 2"
    );
    assert_eq!(
        make(
            &[2, 3],
            Activation::Identity,
            LossKind::CrossEntropy,
            three_class_data(),
            TrainConfig::default()
        )
        .unwrap(),
        "the cross_entropy loss needs a softmax output layer, but layer 1 is identity"
    );
    let two = generate(Generator::Moons, 10, 0.1, 0, None).unwrap();
    assert_eq!(
        make(
            &[2, 2],
            Activation::Softmax,
            LossKind::CrossEntropy,
            two.clone(),
            TrainConfig::default()
        )
        .unwrap(),
        "the training set has 1 target row(s), but the network's output layer has 2 unit(s) (two classes are one 0/1 target row: use one sigmoid unit with bce)"
    );
    let mut out_of_range = two.clone();
    out_of_range.y[(0, 3)] = 2.0;
    assert_eq!(
        make(
            &[2, 1],
            Activation::Sigmoid,
            LossKind::Bce,
            out_of_range,
            TrainConfig::default()
        )
        .unwrap(),
        "the bce loss does not fit the training set's targets: it needs targets from 0 to 1; target 4 is 2"
    );
    let empty = two.select(&[]);
    assert_eq!(
        make(
            &[2, 1],
            Activation::Sigmoid,
            LossKind::Bce,
            empty,
            TrainConfig::default()
        )
        .unwrap(),
        "the training set has no samples"
    );
    let bad_dropout = TrainConfig {
        dropout: 1.0,
        ..TrainConfig::default()
    };
    assert_eq!(
        make(&[2, 1], Activation::Sigmoid, LossKind::Bce, two.clone(), bad_dropout).unwrap(),
        "dropout must be at least 0 and below 1, got 1"
    );
    // The validation set is checked too.
    let net = init_network(&[2, 1], Activation::Relu, Activation::Sigmoid, Init::HeUniform, 0).unwrap();
    let e = Trainer::new(
        net,
        Loss::new(LossKind::Bce),
        adam(0.01),
        two,
        Some(three_class_data()),
        TrainConfig::default(),
    )
    .err()
    .unwrap();
    assert!(
        e.to_string().starts_with("the validation set has 3 target row(s)"),
        "{e}"
    );
}

/// lr 0, one identity unit w = 1, b = 0 on line_data(10) (x = 1..10, y = 2x): the residual is
/// -x, so a full batch's loss is mean(x^2) = 385 / 10 = 38.5.
#[test]
fn the_trainer_reports_its_last_step() {
    let mut t = trainer(unit(1.0, 0.0), line_data(10), None, 0.0, TrainConfig::default());
    assert_eq!((t.last_step_loss(), t.steps_done()), (None, 0));
    assert!(t.last_gradients().is_none());
    t.step();
    assert_close!(t.last_step_loss().unwrap(), 38.5, 1e-15);
    assert_eq!(t.steps_done(), 1);
    // dL/dw = mean(2 (w x - y) x) = mean(-2 x^2) = -77; dL/db = mean(-2 x) = -11.
    let g = t.last_gradients().unwrap();
    assert_close!(g.layers[0].weights[(0, 0)], -77.0, 1e-14);
    assert_close!(g.layers[0].bias[0], -11.0, 1e-14);
}

/// Settings changed mid-run keep the optimizer's state: Adam stopped after 2 steps, given the
/// same settings again and run 2 more, ends where 4 uninterrupted steps end (a fresh Adam would
/// redo its bias correction and land elsewhere). A new batch size waits for the next epoch.
#[test]
fn live_settings_keep_the_optimizer_state() {
    let config = TrainConfig {
        epochs: 10,
        batch_size: Some(3),
        ..TrainConfig::default()
    };
    let make = || {
        trainer_with(
            unit(0.5, 0.0),
            Loss::new(LossKind::Mse),
            line_data(10),
            None,
            adam(0.01),
            config.clone(),
        )
    };
    let mut straight = make();
    straight.run_steps(4);
    let mut paused = make();
    paused.run_steps(2);
    paused.set_optimizer(adam(0.01)).unwrap();
    paused.set_config(config.clone()).unwrap();
    paused.set_base_lr(0.01).unwrap();
    paused.run_steps(2);
    assert_eq!(wb(paused.net()), wb(straight.net()));
    let mut fresh = make();
    fresh.run_steps(2);
    // Another kind and back: Adam's moments and step count start again.
    fresh.set_optimizer(OptimizerConfig::sgd(0.01)).unwrap();
    fresh.set_optimizer(adam(0.01)).unwrap();
    assert_eq!(fresh.optimizer().t, 0);
    fresh.run_steps(2);
    assert_ne!(wb(fresh.net()), wb(straight.net()));

    // 10 samples in batches of 3: 4 steps per epoch. After 2 steps the batch size becomes 5:
    // this epoch still takes 4 steps, the next ones 2.
    let mut t = make();
    t.run_steps(2);
    t.set_config(TrainConfig {
        batch_size: Some(5),
        ..config.clone()
    })
    .unwrap();
    assert_eq!(t.steps_per_epoch(), 4);
    t.run_steps(2);
    assert_eq!((t.history().len(), t.steps_per_epoch()), (1, 2));
    t.run_steps(2);
    assert_eq!((t.history().len(), t.steps_done()), (2, 6));
    // A learning rate change applies at once, scaled by the schedule; bad values are refused.
    t.set_base_lr(0.5).unwrap();
    assert_eq!(t.optimizer().config.lr, 0.5);
    assert!(t.set_base_lr(f64::NAN).is_err());
    assert!(
        t.set_config(TrainConfig {
            batch_size: Some(0),
            ..config
        })
        .is_err()
    );
}

/// More epochs resume a trainer that finished its epochs.
#[test]
fn more_epochs_resume_a_finished_trainer() {
    let mut t = trainer(
        unit(0.0, 0.0),
        line_data(4),
        None,
        0.001,
        TrainConfig {
            epochs: 2,
            ..TrainConfig::default()
        },
    );
    assert_eq!(t.run(), &StopReason::Finished);
    t.set_epochs(5).unwrap();
    assert!(!t.is_done());
    assert_eq!(t.run(), &StopReason::Finished);
    assert_eq!((t.history().len(), t.steps_done()), (5, 5));
}
