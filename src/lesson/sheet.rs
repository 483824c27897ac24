//! The network sheet: a layer laid out as on a by-hand worksheet, as blocks of numbers with
//! operators between them (forward `W3 · a2 + b3 = z3`, `relu(z) = a3`; backward `dL/da3`,
//! `δ3`, `dL/dW3`, `dL/db3`, `dL/da2`), in either convention, with the equations that head each
//! part. It draws nothing: the window's matrix view and the printable worksheet
//! ([`super::worksheet`]) render the same [`Block`]s.
//!
//! # Conventions
//! - [`Convention::Torch`]: `z = W a_prev + b`; `W` is `units x in`; a per-sample quantity is a
//!   column (one column per sample when several are laid out).
//! - [`Convention::Keras`]: `Z = A_prev W + b`; `W` is `in x units`; a sample is a row, the bias
//!   a row. Per-sample quantities are named in capitals (`Z3`, `dL/dA2`, `X`); Greek stays
//!   (`δ3`).
//! - Which samples a per-sample block shows is [`Samples`]. The rule is [`Samples::for_batch`]:
//!   a batch of 2 to [`WHOLE_BATCH_MAX`] samples is laid out whole, any other the chosen sample.
//!   A caller may ask for [`Samples::All`] instead: the window's Keras view does, because there
//!   the activations are the `B x units` matrices NumPy holds, with the stepped sample marked.
//! - Every block knows, for each element as shown, the engine's (row, column, sample) it comes
//!   from ([`Block::engine`]) and the way back ([`Block::position`]). Layers are 0-based in code
//!   (`l`), 1-based in names (`W3` is `layers[2]`).

mod block;

pub use block::{Block, Fill, Item, Naming, at};

use crate::nn::steps::Quantity;
use crate::nn::{ForwardTrace, Gradients, Matrix, Network, Vector};

/// How vectors and weights are laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Convention {
    /// PyTorch, and by hand: `z = W a_prev + b`, `W` is `units x in`, vectors are columns.
    #[default]
    Torch,
    /// Keras/NumPy: `Z = A_prev W + b`, `W` is `in x units`, rows are samples.
    Keras,
}

/// Batches up to this size are laid out whole ([`Samples::for_batch`]).
pub const WHOLE_BATCH_MAX: usize = 4;

/// Which samples a per-sample block shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Samples {
    /// The chosen sample only: a column (Keras: a row).
    One,
    /// Every sample: `units x B` (Keras: `B x units`), so the loss and the gradients, which sum
    /// over the batch, can be worked out in full.
    All,
}

impl Samples {
    /// The rule: a batch of 2 to [`WHOLE_BATCH_MAX`] samples whole, any other one sample.
    pub fn for_batch(batch: usize) -> Samples {
        if (2..=WHOLE_BATCH_MAX).contains(&batch) {
            Samples::All
        } else {
            Samples::One
        }
    }
}

/// What a sheet lays out: a network, its forward pass over the batch and its gradients.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    pub net: &'a Network,
    pub fwd: &'a ForwardTrace,
    pub grads: &'a Gradients,
}

/// How a sheet lays out a layer: the convention, the chosen sample and which samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub convention: Convention,
    /// The chosen sample (0-based): the one shown alone, or marked among all.
    pub sample: usize,
    pub samples: Samples,
}

/// `a2` -> `A2`, `dL/da2` -> `dL/dA2`, `x` -> `X`; `δ3` stays.
pub fn keras_name(name: &str) -> String {
    match name.rsplit_once("/d") {
        Some((head, tail)) => format!("{head}/d{}", keras_name(tail)),
        None => {
            let mut c = name.chars();
            c.next()
                .map(|f| std::iter::once(f.to_ascii_uppercase()).chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// The input of layer `l` (0-based): `a2` for layer 3, `x` for layer 1.
pub fn prev_name(l: usize) -> String {
    if l == 0 { "x".into() } else { format!("a{l}") }
}

impl Sheet {
    /// The layout a worksheet uses: [`Samples::for_batch`].
    pub fn for_batch(convention: Convention, sample: usize, batch: usize) -> Sheet {
        Sheet {
            convention,
            sample,
            samples: Samples::for_batch(batch),
        }
    }

    pub fn keras(self) -> bool {
        self.convention == Convention::Keras
    }

    /// A per-sample name in this convention: `z3` or `Z3`.
    fn name(self, name: &str) -> String {
        if self.keras() { keras_name(name) } else { name.into() }
    }

    /// A per-sample quantity (`units x B` in the engine), named like `z3`: the chosen sample, or
    /// every sample, as [`Sheet::samples`] says.
    pub fn per_sample<'a>(self, name: &str, m: &'a Matrix, q: Quantity) -> Block<'a> {
        match self.samples {
            Samples::One => Block::sample(self.name(name), m, self.sample, self.keras(), q),
            Samples::All => self.batch(name, m, q).with_mark(self.sample),
        }
    }

    /// Every sample of a per-sample quantity, whatever [`Sheet::samples`] says (the data).
    pub fn batch<'a>(self, name: &str, m: &'a Matrix, q: Quantity) -> Block<'a> {
        let note = if self.keras() {
            "one row per sample"
        } else {
            "one column per sample"
        };
        Block::batch(self.name(name), m, self.keras(), q).with_note(note)
    }

    /// A `units x in` matrix (weights or their gradient), `in x units` for Keras.
    pub fn params<'a>(self, name: &str, m: &'a Matrix, q: Quantity) -> Block<'a> {
        Block::params(name.into(), m, self.keras(), q)
    }

    /// A vector over a layer's units (a bias or its gradient): a column, a row for Keras.
    pub fn units<'a>(self, name: &str, v: &'a Vector, q: Quantity) -> Block<'a> {
        Block::units(name.into(), v, self.keras(), q)
    }

    /// Which samples the per-sample blocks show: `sample 2`, `all 3 samples as rows`.
    pub fn samples_text(self, batch: usize) -> String {
        match self.samples {
            Samples::One => format!("sample {}", self.sample + 1),
            Samples::All => format!(
                "all {batch} samples as {}",
                if self.keras() { "rows" } else { "columns" }
            ),
        }
    }

    /// The forward equations of layer `l`: `z3 = W3 a2 + b3`, `a3 = relu(z3)` (Keras:
    /// `Z3 = A2 W3 + b3`, `A3 = relu(Z3)`). Empty for a layer the network lacks.
    pub fn forward_equations(self, net: &Network, l: usize) -> Vec<String> {
        let Some(layer) = net.layers().get(l) else {
            return Vec::new();
        };
        let (k, act) = (l + 1, layer.activation.name());
        let (z, a, prev) = (
            self.name(&format!("z{k}")),
            self.name(&format!("a{k}")),
            self.name(&prev_name(l)),
        );
        let product = if self.keras() {
            format!("{prev} W{k}")
        } else {
            format!("W{k} {prev}")
        };
        vec![format!("{z} = {product} + b{k}"), format!("{a} = {act}({z})")]
    }

    /// The backward equations of layer `l`: `δ3 = dL/da3 * f'(z3)`, `dL/dW3`, `dL/db3` and,
    /// for a layer above the first or when `input_gradient`, `dL/da2` (`dL/dx`). With every
    /// sample laid out, `dL/db` is the sum of `δ` over the samples.
    pub fn backward_equations(self, l: usize, input_gradient: bool) -> Vec<String> {
        let k = l + 1;
        let (z, da, prev) = (
            self.name(&format!("z{k}")),
            self.name(&format!("dL/da{k}")),
            self.name(&prev_name(l)),
        );
        let (dw, dprev) = if self.keras() {
            (format!("{prev}^T δ{k}"), format!("δ{k} W{k}^T"))
        } else {
            (format!("δ{k} {prev}^T"), format!("W{k}^T δ{k}"))
        };
        let db = match (self.samples, self.keras()) {
            (Samples::One, _) => format!("δ{k}"),
            (Samples::All, true) => format!("column sums of δ{k}"),
            (Samples::All, false) => format!("row sums of δ{k}"),
        };
        let mut eqs = vec![
            format!("δ{k} = {da} * f'({z})"),
            format!("dL/dW{k} = {dw}"),
            format!("dL/db{k} = {db}"),
        ];
        if l > 0 || input_gradient {
            eqs.push(format!("dL/d{prev} = {dprev}"));
        }
        eqs
    }

    /// Layer `l`'s forward blocks: `W · a_prev + b = z`, `f(z) = a` (Keras: `A_prev · W`).
    /// The input of a layer above the first is copied from the layer below.
    pub fn forward<'a>(self, pass: Pass<'a>, l: usize) -> Vec<Item<'a>> {
        let (Some(layer), Some(lt)) = (pass.net.layers().get(l), pass.fwd.layers.get(l)) else {
            return Vec::new();
        };
        let k = l + 1;
        let prev_q = if l == 0 { Quantity::X } else { Quantity::A(l - 1) };
        let mut prev = self.per_sample(&prev_name(l), pass.fwd.input_of(l), prev_q);
        if l > 0 {
            prev = prev.copied(format!("copy from layer {l}"));
        }
        let w = self.params(&format!("W{k}"), &layer.weights, Quantity::W(l));
        let (first, second) = if self.keras() { (prev, w) } else { (w, prev) };
        vec![
            Item::B(first),
            Item::op("·"),
            Item::B(second),
            Item::op("+"),
            Item::B(self.units(&format!("b{k}"), &layer.bias, Quantity::B(l))),
            Item::op("="),
            Item::B(self.per_sample(&format!("z{k}"), &lt.z, Quantity::Z(l))),
            Item::op(format!("{}(z) =", layer.activation.name())),
            Item::B(self.per_sample(&format!("a{k}"), &lt.a, Quantity::A(l))),
        ]
    }

    /// Layer `l`'s backward blocks: `dL/da`, `δ`, `dL/dW`, `dL/db`, and the gradient of the
    /// layer's input when `l > 0` or `input_gradient` (`dL/dx`). Below the output layer,
    /// `dL/da` is copied from the layer above.
    pub fn backward<'a>(self, pass: Pass<'a>, l: usize, input_gradient: bool) -> Vec<Item<'a>> {
        let Some(g) = pass.grads.layers.get(l) else {
            return Vec::new();
        };
        let k = l + 1;
        let mut da = self.per_sample(&format!("dL/da{k}"), &g.da, Quantity::Da(l));
        if k < pass.grads.layers.len() {
            da = da.copied(format!("copy from layer {}", k + 1));
        }
        let mut items = vec![
            Item::B(da),
            Item::B(self.per_sample(&format!("δ{k}"), &g.delta, Quantity::Delta(l))),
            Item::B(self.params(&format!("dL/dW{k}"), &g.weights, Quantity::GradW(l))),
            Item::B(self.units(&format!("dL/db{k}"), &g.bias, Quantity::GradB(l))),
        ];
        let below = match l {
            0 if input_gradient => Some((&pass.grads.input, Quantity::GradX)),
            0 => None,
            _ => pass.grads.layers.get(l - 1).map(|b| (&b.da, Quantity::Da(l - 1))),
        };
        if let Some((m, q)) = below {
            items.push(Item::B(self.per_sample(&format!("dL/d{}", prev_name(l)), m, q)));
        }
        items
    }
}
