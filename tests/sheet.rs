//! The network sheet, the one layout of a layer that the window's matrix view and the printed
//! worksheet both draw: on a network small enough to work out by hand, the two conventions give
//! blocks that are each other's transposes, hold the trace's numbers and find their way back to
//! the engine's indices.

use mlp_notebook::lesson::Computed;
use mlp_notebook::lesson::sheet::{Block, Convention, Fill, Item, Naming, Pass, Samples, Sheet};
use mlp_notebook::nn::doc::{Syntax, parse};
use mlp_notebook::nn::steps::Quantity;

/// Two inputs, three ReLU units, one identity output, a batch of two samples, half the summed
/// squared error.
const NET: &str = r#"
inputs = 2
loss = "sse_half"
x = [[1, 0], [0, 2]]
y = [[0], [6]]
[[layers]]
units = 3
activation = "relu"
weights = [[1, 2], [3, -1], [0, 1]]
bias = [0, 1, -1]
[[layers]]
units = 1
activation = "identity"
weights = [[1, -1, 2]]
bias = [0.5]
"#;

/// By hand, sample 1 is x = (1, 0) and sample 2 is x = (0, 2):
/// - z1 = W1 x + b1: sample 1 (1 + 0 + 0, 3 - 0 + 1, 0 + 0 - 1) = (1, 4, -1); sample 2
///   (0 + 4 + 0, 0 - 2 + 1, 0 + 2 - 1) = (4, -1, 1). a1 = relu(z1): (1, 4, 0) and (4, 0, 1).
/// - z2 = 1·a1[1] - a1[2] + 2·a1[3] + 0.5: sample 1 1 - 4 + 0 + 0.5 = -2.5; sample 2
///   4 - 0 + 2 + 0.5 = 6.5. With y = (0, 6): L = ((-2.5)² + 0.5²) / 2 = 3.25.
/// - δ2 = a2 - y = (-2.5, 0.5); dL/dW2 = Σ δ2 a1ᵀ = -2.5·(1, 4, 0) + 0.5·(4, 0, 1)
///   = (-0.5, -10, 0.5); dL/db2 = -2.5 + 0.5 = -2.
/// - dL/da1 = W2ᵀ δ2: (-2.5, 2.5, -5) and (0.5, -0.5, 1); δ1 = dL/da1 · relu'(z1):
///   (-2.5, 2.5, 0) and (0.5, 0, 1).
/// - dL/dW1 = Σ δ1 xᵀ = [[-2.5, 0], [2.5, 0], [0, 0]] + [[0, 1], [0, 0], [0, 2]]
///   = [[-2.5, 1], [2.5, 0], [0, 2]]; dL/db1 = (-2, 2.5, 1).
fn computed() -> Computed {
    let c = Computed::new(parse(NET, Syntax::Toml).unwrap());
    assert_eq!(c.grads.loss, 3.25);
    c
}

fn pass(c: &Computed) -> Pass<'_> {
    Pass {
        net: &c.doc.net,
        fwd: &c.fwd,
        grads: &c.grads,
    }
}

fn blocks<'a>(items: &'a [Item<'a>]) -> Vec<&'a Block<'a>> {
    items
        .iter()
        .filter_map(|it| match it {
            Item::B(b) => Some(b),
            Item::Op(_) => None,
        })
        .collect()
}

fn find<'a>(items: &'a [Item<'a>], q: Quantity) -> &'a Block<'a> {
    blocks(items)
        .into_iter()
        .find(|b| b.quantity == Some(q))
        .unwrap_or_else(|| panic!("no block of {q:?}"))
}

/// The block as shown, row by row.
fn grid(b: &Block<'_>) -> Vec<Vec<f64>> {
    (0..b.rows)
        .map(|r| (0..b.cols).map(|c| b.value(r, c)).collect())
        .collect()
}

fn sheet(convention: Convention, samples: Samples) -> Sheet {
    Sheet {
        convention,
        sample: 1,
        samples,
    }
}

/// The Keras block is the PyTorch one transposed, element for element and index for index.
fn assert_transposes(torch: &Block<'_>, keras: &Block<'_>) {
    assert_eq!((keras.rows, keras.cols), (torch.cols, torch.rows), "{}", torch.name);
    for r in 0..torch.rows {
        for c in 0..torch.cols {
            assert_eq!(keras.value(c, r).to_bits(), torch.value(r, c).to_bits());
            assert_eq!(keras.engine(c, r), torch.engine(r, c));
        }
    }
}

#[test]
fn every_sample_laid_out_the_conventions_are_transposes_holding_the_trace() {
    let c = computed();
    let (t, k) = (
        sheet(Convention::Torch, Samples::All),
        sheet(Convention::Keras, Samples::All),
    );
    let (tf, kf) = (t.forward(pass(&c), 0), k.forward(pass(&c), 0));
    let (tb, kb) = (t.backward(pass(&c), 0, false), k.backward(pass(&c), 0, false));
    // PyTorch: one column per sample, W is units x in.
    assert_eq!(grid(find(&tf, Quantity::Z(0))), [[1.0, 4.0], [4.0, -1.0], [-1.0, 1.0]]);
    assert_eq!(grid(find(&tf, Quantity::A(0))), [[1.0, 4.0], [4.0, 0.0], [0.0, 1.0]]);
    assert_eq!(grid(find(&tf, Quantity::W(0))), [[1.0, 2.0], [3.0, -1.0], [0.0, 1.0]]);
    assert_eq!(grid(find(&tf, Quantity::B(0))), [[0.0], [1.0], [-1.0]]);
    assert_eq!(
        grid(find(&tb, Quantity::Delta(0))),
        [[-2.5, 0.5], [2.5, 0.0], [0.0, 1.0]]
    );
    assert_eq!(
        grid(find(&tb, Quantity::GradW(0))),
        [[-2.5, 1.0], [2.5, 0.0], [0.0, 2.0]]
    );
    assert_eq!(grid(find(&tb, Quantity::GradB(0))), [[-2.0], [2.5], [1.0]]);
    // Keras: one row per sample, W is in x units, the bias a row.
    let z = find(&kf, Quantity::Z(0));
    assert_eq!(grid(z), [[1.0, 4.0, -1.0], [4.0, -1.0, 1.0]]);
    assert_eq!((z.name.as_str(), z.label(1, 2)), ("Z1", "Z1[2,3]".to_string()));
    assert!(z.marked(1, 0) && !z.marked(0, 0), "the chosen sample, 2, is marked");
    let w = find(&kf, Quantity::W(0));
    assert_eq!(grid(w), [[1.0, 3.0, 0.0], [2.0, -1.0, 1.0]]);
    assert_eq!(w.label(0, 1), "W1[1,2]");
    // W1[1,2] in Keras is input 1 into unit 2: PyTorch's W1[2,1] = 3.
    assert_eq!(w.engine(0, 1), (1, 0, 0));
    assert_eq!(grid(find(&kb, Quantity::GradB(0))), [[-2.0, 2.5, 1.0]]);
    assert_eq!(find(&kb, Quantity::Da(0)).name, "dL/dA1");
    assert_eq!(find(&kb, Quantity::Delta(0)).name, "δ1");
    // Every block of both passes of both layers, paired by what it shows.
    for l in 0..2 {
        let pairs = [
            (t.forward(pass(&c), l), k.forward(pass(&c), l)),
            (t.backward(pass(&c), l, true), k.backward(pass(&c), l, true)),
        ];
        for (ti, ki) in &pairs {
            assert_eq!(blocks(ti).len(), blocks(ki).len());
            for tb in blocks(ti) {
                assert_transposes(tb, find(ki, tb.quantity.unwrap()));
            }
        }
    }
    let kb2 = k.backward(pass(&c), 1, false);
    assert_eq!(grid(find(&kb2, Quantity::GradW(1))), [[-0.5], [-10.0], [0.5]]);
    assert_eq!(grid(find(&kb2, Quantity::GradB(1))), [[-2.0]]);
}

#[test]
fn one_sample_laid_out_is_a_column_or_a_row_named_for_its_sample() {
    let c = computed();
    let (t, k) = (
        sheet(Convention::Torch, Samples::One),
        sheet(Convention::Keras, Samples::One),
    );
    let (tf, kf) = (t.forward(pass(&c), 0), k.forward(pass(&c), 0));
    // Sample 2: z1 = (4, -1, 1), x = (0, 2).
    let (tz, kz) = (find(&tf, Quantity::Z(0)), find(&kf, Quantity::Z(0)));
    assert_eq!(grid(tz), [[4.0], [-1.0], [1.0]]);
    assert_eq!((tz.naming, tz.label(2, 0)), (Naming::Row, "z1[3]".to_string()));
    assert_eq!(grid(kz), [[4.0, -1.0, 1.0]]);
    assert_eq!(
        (kz.naming, kz.label(0, 2)),
        (Naming::SampleRow(1), "Z1[2,3]".to_string())
    );
    assert_transposes(tz, kz);
    assert_eq!(grid(find(&kf, Quantity::X)), [[0.0, 2.0]]);
    // Layer 2 reads a1 of sample 2 = (4, 0, 1), copied from layer 1.
    let layer2 = t.forward(pass(&c), 1);
    let a1 = find(&layer2, Quantity::A(0));
    assert_eq!(grid(a1), [[4.0], [0.0], [1.0]]);
    assert_eq!((a1.fill, a1.note.as_deref()), (Fill::Copy, Some("copy from layer 1")));
    assert_eq!(find(&tf, Quantity::W(0)).fill, Fill::Given);
    assert_eq!(tz.fill, Fill::Answer);
    // dL/dW sums over the batch whichever samples are laid out: -0.5, -10, 0.5.
    let tb = t.backward(pass(&c), 1, false);
    assert_eq!(grid(find(&tb, Quantity::GradW(1))), [[-0.5, -10.0, 0.5]]);
    // The first layer lays out dL/dx only when asked.
    assert!(
        blocks(&t.backward(pass(&c), 0, false))
            .iter()
            .all(|b| b.quantity != Some(Quantity::GradX))
    );
    let with_dx = t.backward(pass(&c), 0, true);
    assert_eq!(find(&with_dx, Quantity::GradX).name, "dL/dx");
}

#[test]
fn every_element_finds_its_way_back_to_the_engine() {
    let c = computed();
    for convention in [Convention::Torch, Convention::Keras] {
        for samples in [Samples::One, Samples::All] {
            let s = sheet(convention, samples);
            for l in 0..2 {
                for items in [s.forward(pass(&c), l), s.backward(pass(&c), l, true)] {
                    for b in blocks(&items) {
                        for r in 0..b.rows {
                            for col in 0..b.cols {
                                let (er, ec, es) = b.engine(r, col);
                                assert_eq!(b.position(er, ec, es), Some((r, col)), "{}", b.label(r, col));
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn the_equations_follow_the_convention_and_the_samples() {
    let c = computed();
    let net = &c.doc.net;
    let t = sheet(Convention::Torch, Samples::One);
    let k = sheet(Convention::Keras, Samples::All);
    assert_eq!(t.forward_equations(net, 1), ["z2 = W2 a1 + b2", "a2 = identity(z2)"]);
    assert_eq!(k.forward_equations(net, 0), ["Z1 = X W1 + b1", "A1 = relu(Z1)"]);
    assert_eq!(
        t.backward_equations(1, false),
        [
            "δ2 = dL/da2 * f'(z2)",
            "dL/dW2 = δ2 a1^T",
            "dL/db2 = δ2",
            "dL/da1 = W2^T δ2"
        ]
    );
    assert_eq!(
        k.backward_equations(0, true),
        [
            "δ1 = dL/dA1 * f'(Z1)",
            "dL/dW1 = X^T δ1",
            "dL/db1 = column sums of δ1",
            "dL/dX = δ1 W1^T"
        ]
    );
    assert_eq!(t.backward_equations(0, false).len(), 3, "no dL/dx unless asked");
    assert_eq!(t.samples_text(2), "sample 2");
    assert_eq!(k.samples_text(2), "all 2 samples as rows");
}

#[test]
fn batches_of_two_to_four_are_laid_out_whole() {
    let rule: Vec<Samples> = (1..=5).map(Samples::for_batch).collect();
    assert_eq!(
        rule,
        [Samples::One, Samples::All, Samples::All, Samples::All, Samples::One]
    );
}
