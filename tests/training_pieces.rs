//! A training step in pieces of bounded work (`Trainer::advance`): a full batch cut into chunks
//! of samples gives the step of the whole batch (by hand, and against the one-piece step),
//! every piece stays within its budget, and the initial loss, the validation and the dead
//! units are counted in pieces too.

use mlp_notebook::nn::data::Dataset;
use mlp_notebook::nn::datasets::{Generator, generate};
use mlp_notebook::nn::init::{Init, init_network};
use mlp_notebook::nn::train::{TrainConfig, Trainer};
use mlp_notebook::nn::{Activation, Layer, Loss, LossKind, Matrix, Network, OptimizerConfig, OptimizerKind, Vector};

/// `o = w x + b`, one input, one identity unit.
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

fn sgd(lr: f64) -> OptimizerConfig {
    OptimizerConfig {
        lr,
        ..OptimizerConfig::defaults(OptimizerKind::Sgd)
    }
}

/// w = b = 0, x = (1, 2), y = (1, 3), MSE (mean), SGD lr 0.1, one full batch cut into one
/// sample a chunk (the piece limit is one sample's step: 3 passes x 2 multiply-adds).
/// o = (0, 0), L = ((0-1)^2 + (0-3)^2) / 2 = 5;
/// dL/dw = (2·(0-1)·1 + 2·(0-3)·2) / 2 = -7, dL/db = (2·(0-1) + 2·(0-3)) / 2 = -4;
/// w = 0 + 0.1·7 = 0.7, b = 0 + 0.1·4 = 0.4.
#[test]
fn a_full_batch_in_chunks_of_one_sample_takes_the_whole_batch_step() {
    let data = Dataset {
        x: Matrix::from_row_slice(1, 2, &[1.0, 2.0]),
        y: Matrix::from_row_slice(1, 2, &[1.0, 3.0]),
        feature_names: vec!["x".into()],
        class_names: vec![],
    };
    let config = TrainConfig {
        epochs: 1,
        shuffle: false,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(unit(0.0, 0.0), Loss::new(LossKind::Mse), sgd(0.1), data, None, config).unwrap();
    // One sample's forward pass: 1 weight + 1 bias.
    assert_eq!(t.sample_cost(), 2);
    t.set_piece_limit(Some(6));
    // First call: the initial loss (2 samples x 2 = 4), then the first chunk (6) does not fit.
    let a = t.advance(6);
    assert_eq!((a.work, a.stepped), (4, false));
    assert!(t.in_step(), "the step has begun");
    // Second call: the first sample's chunk; the weights are not touched yet.
    let a = t.advance(6);
    assert_eq!((a.work, a.stepped), (6, false));
    let (what, done) = t.step_progress().expect("a step under way");
    assert_eq!((what, done), ("computing the gradients", 0.5));
    assert_eq!(t.net().layers()[0].weights[(0, 0)], 0.0);
    // Nothing fits in a budget of 5 when the call may not go over it.
    assert_eq!(t.advance_within(5).work, 0);
    // Third call: the second chunk (6) and the update (4 per parameter x 2), over the budget
    // because a call always does one piece.
    let a = t.advance(6);
    assert_eq!((a.work, a.stepped), (6 + 8, true));
    assert!(!t.in_step());
    let l = t.net().layers()[0].clone();
    assert!((l.weights[(0, 0)] - 0.7).abs() < 1e-15, "w = {}", l.weights[(0, 0)]);
    assert!((l.bias[0] - 0.4).abs() < 1e-15, "b = {}", l.bias[0]);
    assert_eq!(t.last_step_loss(), Some(5.0));
    assert_eq!(t.history().len(), 1);
    assert_eq!(t.history()[0].loss, 5.0);
    assert_eq!(t.work_done(), 4 + 6 + 14);
}

/// Three blobs, 2-32-32-3 ReLU/softmax with L2, full batch, a validation set: trained with
/// pieces of at most a few samples, every figure matches the one-piece run up to rounding.
#[test]
fn pieces_give_the_one_piece_run_up_to_rounding() {
    let data = generate(Generator::Blobs, 120, 0.5, 2, Some(3)).unwrap();
    let idx: Vec<usize> = (0..data.len()).collect();
    let (train, val) = (data.select(&idx[..90]), data.select(&idx[90..]));
    let make = || {
        let net = init_network(
            &[2, 32, 32, 3],
            Activation::Relu,
            Activation::Softmax,
            Init::HeUniform,
            5,
        )
        .unwrap();
        let config = TrainConfig {
            epochs: 4,
            l2: 1e-3,
            seed: 9,
            ..TrainConfig::default()
        };
        let opt = OptimizerConfig {
            lr: 0.01,
            ..OptimizerConfig::defaults(OptimizerKind::Adam)
        };
        let mut t = Trainer::new(
            net,
            Loss::new(LossKind::CrossEntropy),
            opt,
            train.clone(),
            Some(val.clone()),
            config,
        )
        .unwrap();
        t.track_dead_units(true);
        t
    };
    let mut whole = make();
    whole.run();
    let mut pieces = make();
    let limit = 7 * pieces.sample_cost();
    pieces.set_piece_limit(Some(limit));
    let mut calls = 0;
    while !pieces.is_done() {
        let a = pieces.advance_within(2 * limit);
        // A call that may not go over its budget does at most its budget; one that does
        // nothing is given the forced piece.
        assert!(a.work <= 2 * limit, "{} over {}", a.work, 2 * limit);
        if a.work == 0 {
            let a = pieces.advance(2 * limit);
            assert!(a.work <= 3 * 7 * pieces.sample_cost() + 4 * pieces.sample_cost());
        }
        calls += 1;
    }
    // 4 epochs of one full-batch step each, 90 samples in chunks of 2 (3 x 7 per piece) and
    // the validation and dead units in chunks of 7: many calls per step.
    assert!(calls > 4 * 20, "{calls} calls");
    assert_eq!(whole.history().len(), 4);
    assert_eq!(pieces.history().len(), 4);
    let near = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    for (a, b) in pieces.history().iter().zip(whole.history()) {
        assert!(near(a.loss, b.loss), "{a:?} vs {b:?}");
        assert!(near(a.val_loss.unwrap(), b.val_loss.unwrap()), "{a:?} vs {b:?}");
        assert!(near(a.accuracy.unwrap(), b.accuracy.unwrap()), "{a:?} vs {b:?}");
        assert!(near(a.val_accuracy.unwrap(), b.val_accuracy.unwrap()), "{a:?} vs {b:?}");
    }
    for (a, b) in pieces.net().layers().iter().zip(whole.net().layers()) {
        for (x, y) in a.weights.iter().zip(b.weights.iter()) {
            assert!(near(*x, *y), "{x} vs {y}");
        }
        for (x, y) in a.bias.iter().zip(b.bias.iter()) {
            assert!(near(*x, *y), "{x} vs {y}");
        }
    }
    // The dead units, counted in pieces, are those of one forward pass over the training set.
    let want = mlp_notebook::nn::metrics::dead_relu_fractions(whole.net(), &train.x);
    assert_eq!(whole.dead_units(), want.as_slice());
    let got = mlp_notebook::nn::metrics::dead_relu_fractions(pieces.net(), &train.x);
    assert_eq!(pieces.dead_units(), got.as_slice());
    assert_eq!(pieces.dead_units().len(), 3);
    assert_eq!(pieces.dead_units()[2], None, "the softmax layer is not ReLU");
}
