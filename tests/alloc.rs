//! A warm training step allocates nothing: a counting global allocator watches every
//! allocation this test's thread makes while the engine trains.
//!
//! Each check builds its buffers, takes a few warm-up steps (the first step shapes the buffers,
//! the optimizer state and the matrix kernels' per-thread packing buffer), then counts the
//! allocations of many more steps, which must be exactly zero.

use mlp_notebook::nn::data::Dataset;
use mlp_notebook::nn::fastmath::grid::{FeatureMajor32, GridBuffers, forward_f32};
use mlp_notebook::nn::init::{Init, Stream, init_network};
use mlp_notebook::nn::trace::{ForwardTrace, forward_into};
use mlp_notebook::nn::train::{EarlyStopping, StepBuffers, TrainConfig, Trainer, train_step};
use mlp_notebook::nn::{Activation, Loss, LossKind, Matrix, Network, Optimizer, OptimizerConfig, OptimizerKind};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the allocations (and reallocations) of each thread, so
/// tests running in parallel do not disturb each other's counts.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the allocator can run while the thread's locals are being destroyed.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards to `System` with the arguments it was given, so `System`'s
// guarantees hold unchanged; the counter is a plain thread-local cell that never allocates.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded as received.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded as received.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

fn net(widths: &[usize], hidden: Activation, output: Activation) -> Network {
    init_network(widths, hidden, output, Init::HeUniform, 3).expect("valid widths")
}

fn adam() -> OptimizerConfig {
    OptimizerConfig {
        lr: 1e-3,
        ..OptimizerConfig::defaults(OptimizerKind::Adam)
    }
}

fn uniform(rows: usize, cols: usize, s: &mut Stream) -> Matrix {
    Matrix::from_fn(rows, cols, |_, _| 2.0 * s.uniform() - 1.0)
}

fn one_hot(classes: usize, cols: usize, s: &mut Stream) -> Matrix {
    let mut y = Matrix::zeros(classes, cols);
    for j in 0..cols {
        y[(s.below(classes as u64) as usize, j)] = 1.0;
    }
    y
}

/// Runs 5 warm-up steps, then asserts that `steps` more allocate nothing.
fn assert_steps_allocate_nothing(name: &str, steps: usize, mut step: impl FnMut(usize)) {
    for i in 0..5 {
        step(i);
    }
    let n = allocations_in(|| (5..5 + steps).for_each(&mut step));
    assert_eq!(n, 0, "{name}: {n} allocations in {steps} warm steps");
}

/// The seven-layer by-hand network, batch 1, mse, SGD (the `w1_step` benchmark).
#[test]
fn by_hand_network_step_allocates_nothing() {
    let mut network = net(&[3, 4, 4, 4, 4, 4, 4, 2], Activation::Relu, Activation::Identity);
    let mut s = Stream::new(1);
    let xs: Vec<Matrix> = (0..8).map(|_| uniform(3, 1, &mut s)).collect();
    let ys: Vec<Matrix> = (0..8).map(|_| uniform(2, 1, &mut s)).collect();
    let mut opt = Optimizer::new(OptimizerConfig::sgd(0.01));
    let loss = Loss::new(LossKind::Mse);
    let mut bufs = StepBuffers::default();
    assert_steps_allocate_nothing("w1", 500, |i| {
        train_step(&mut network, &mut opt, &xs[i % 8], &ys[i % 8], &loss, &mut bufs);
    });
    let mut trace = ForwardTrace::default();
    assert_steps_allocate_nothing("w1 forward", 500, |i| forward_into(&network, &xs[i % 8], &mut trace));
}

/// A digits-shaped network, batch 32, softmax + cross-entropy, Adam (the `w2_epoch` step).
#[test]
fn digits_shaped_adam_step_allocates_nothing() {
    let mut network = net(&[64, 64, 32, 10], Activation::Relu, Activation::Softmax);
    let mut s = Stream::new(2);
    let xs: Vec<Matrix> = (0..4).map(|_| uniform(64, 32, &mut s)).collect();
    let ys: Vec<Matrix> = (0..4).map(|_| one_hot(10, 32, &mut s)).collect();
    let loss = Loss::new(LossKind::CrossEntropy);
    for config in [adam(), OptimizerConfig::defaults(OptimizerKind::Adamw)] {
        let mut opt = Optimizer::new(config);
        let mut bufs = StepBuffers::default();
        assert_steps_allocate_nothing("w2 step", 100, |i| {
            train_step(&mut network, &mut opt, &xs[i % 4], &ys[i % 4], &loss, &mut bufs);
        });
    }
}

/// Full-batch tanh + sigmoid + bce (the `w3_step` benchmark), and the forward passes over a
/// grid, in blocks of samples (the `w4_grid` benchmarks).
#[test]
fn spiral_step_and_grid_forward_allocate_nothing() {
    let mut network = net(&[2, 16, 16, 16, 1], Activation::Tanh, Activation::Sigmoid);
    let mut s = Stream::new(3);
    let x = uniform(2, 1000, &mut s);
    let y = Matrix::from_fn(1, 1000, |_, j| (j % 2) as f64);
    let mut opt = Optimizer::new(OptimizerConfig::sgd(0.1));
    let loss = Loss::new(LossKind::Bce);
    let mut bufs = StepBuffers::default();
    assert_steps_allocate_nothing("w3", 20, |_| {
        train_step(&mut network, &mut opt, &x, &y, &loss, &mut bufs);
    });
    let grid_net = net(&[2, 8, 8, 1], Activation::Tanh, Activation::Sigmoid);
    let grid = uniform(2, 5_000, &mut s);
    let mut trace = ForwardTrace::default();
    assert_steps_allocate_nothing("w4 grid forward", 3, |_| forward_into(&grid_net, &grid, &mut trace));
    let grid32 = FeatureMajor32::from_columns(&grid);
    let (mut out, mut bufs) = (Vec::new(), GridBuffers::default());
    assert_steps_allocate_nothing("w4 grid forward in f32", 3, |_| {
        forward_f32(&grid_net, &grid32, &mut out, &mut bufs)
    });
}

/// A synthetic ten-class data set of 200 samples: batches of 32 and a last batch of 8.
fn data(seed: u64) -> Dataset {
    let mut s = Stream::new(seed);
    Dataset {
        x: uniform(64, 200, &mut s),
        y: one_hot(10, 200, &mut s),
        feature_names: (0..64).map(|i| format!("f{i}")).collect(),
        class_names: (0..10).map(|i| i.to_string()).collect(),
    }
}

/// A `Trainer` with shuffled mini-batches (including the partial last batch, whose different
/// width must reuse the buffers): steady-state steps allocate nothing, with and without
/// dropout, L2 and gradient clipping.
#[test]
fn trainer_steady_state_steps_allocate_nothing() {
    let plain = TrainConfig {
        epochs: 1000,
        batch_size: Some(32),
        shuffle: true,
        seed: 4,
        ..TrainConfig::default()
    };
    let regularised = TrainConfig {
        dropout: 0.2,
        l2: 1e-4,
        clip_norm: Some(1.0),
        early_stopping: Some(EarlyStopping {
            patience: 1000,
            min_delta: 0.0,
            restore_best: false,
        }),
        ..plain.clone()
    };
    for (name, config) in [("plain", plain), ("dropout, l2, clipping", regularised)] {
        let network = net(&[64, 64, 32, 10], Activation::Relu, Activation::Softmax);
        let loss = Loss::new(LossKind::CrossEntropy);
        let mut t = Trainer::new(network, loss, adam(), data(5), None, config).expect("the data fit the network");
        // Two epochs of warm-up: every batch width has been seen, the history has room.
        t.run_steps(14);
        // Steps 2..6 of the third epoch: none closes an epoch.
        let n = allocations_in(|| t.run_steps(5));
        assert_eq!(n, 0, "{name}: {n} allocations in 5 mini-batch steps");
        // Whole epochs of steps (the benchmark's loop), last partial batch included.
        t.train_epoch_steps();
        let n = allocations_in(|| {
            for _ in 0..3 {
                t.train_epoch_steps();
            }
        });
        assert_eq!(n, 0, "{name}: {n} allocations in 3 epochs of steps");
        assert!(t.stopped().is_none(), "{name}: {:?}", t.stopped());
    }
}

#[test]
fn a_file_over_the_value_limit_is_refused_before_it_is_parsed() {
    // A network file just under the 32 MiB size limit whose `x` holds 8.4 million samples
    // ([1] is two values: the bracket and the number's separator): telling a lesson from a
    // network used to parse the whole text into a TOML table first (millions of allocations,
    // 1.3 GB in the window) before the value limit refused it. Now the limit comes first:
    // the refusal costs a handful of allocations (its message).
    use mlp_notebook::lesson::parse_any;
    use mlp_notebook::nn::doc::{MAX_FILE_BYTES, Syntax};
    let samples = (MAX_FILE_BYTES - 200) / 4;
    let text = format!(
        "format_version = 1\ninputs = 1\nloss = \"mse\"\nx = [{}]\n\n[[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[1]]\nbias = [0]\n",
        vec!["[1]"; samples].join(",")
    );
    let mut result = None;
    let n = allocations_in(|| result = Some(parse_any(&text, Syntax::Toml)));
    let e = result.unwrap().unwrap_err();
    assert!(e.to_string().contains("checked before reading it"), "{e}");
    assert!(n < 20, "{n} allocations to refuse it");
}
