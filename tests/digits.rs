//! The `w2_epoch` workload learns: the shipped digits set (1797 8x8 images, standardised with the
//! training set's statistics, 80/20 split), a 64-64-32-10 ReLU network with softmax and
//! cross-entropy, Adam lr 1e-3, shuffled mini-batches of 32, 50 epochs: at least 96.5% of the
//! held-out images are classified correctly (the peers reach about 97%).

use mlp_notebook::nn::data::{Target, parse_csv};
use mlp_notebook::nn::init::{Init, init_network};
use mlp_notebook::nn::train::{StopReason, TrainConfig, Trainer, evaluate};
use mlp_notebook::nn::{Activation, Loss, LossKind, OptimizerConfig, OptimizerKind};

#[test]
fn digits_network_reaches_96_5_percent_on_held_out_images() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/datasets/digits.csv");
    let text = std::fs::read_to_string(path).expect("digits.csv ships with the project");
    let all = parse_csv(&text, Target::Classes).expect("digits.csv parses");
    assert_eq!((all.x.nrows(), all.len(), all.y.nrows()), (64, 1797, 10));
    let (mut train, mut test) = all.split(0.2, Some(0));
    let stats = train.feature_stats();
    train.standardise_with(&stats);
    test.standardise_with(&stats);
    assert_eq!((train.len(), test.len()), (1438, 359));

    let net = init_network(
        &[64, 64, 32, 10],
        Activation::Relu,
        Activation::Softmax,
        Init::HeUniform,
        0,
    )
    .expect("valid widths");
    let loss = Loss::new(LossKind::CrossEntropy);
    let adam = OptimizerConfig {
        lr: 1e-3,
        ..OptimizerConfig::defaults(OptimizerKind::Adam)
    };
    let config = TrainConfig {
        epochs: 50,
        batch_size: Some(32),
        shuffle: true,
        seed: 0,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(net, loss, adam, train, None, config).expect("the data fit the network");
    assert_eq!(*trainer.run(), StopReason::Finished);
    assert_eq!(trainer.history.len(), 50);

    let (test_loss, test_accuracy) = evaluate(&trainer.net, &test, &loss);
    let last = trainer.history.last().expect("50 epochs");
    eprintln!("digits after 50 epochs: test accuracy {test_accuracy:.4}, test loss {test_loss:.4}");
    assert!(
        test_accuracy >= 0.965,
        "test accuracy {test_accuracy:.4} (loss {test_loss:.4}); last training epoch: {last:?}"
    );
}
