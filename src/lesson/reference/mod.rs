//! References: the names of the numbers an exercise asks for (`layers[2].delta[1]`), parsed into
//! a typed [`Reference`] and resolved against one [`Computed`] pass of a network.
//!
//! Grammar (every index 1-based, as the window shows `W3[1,2]`):
//!
//! ```text
//! reference := "loss" | "param_count"
//!            | ("output" | "x" | "y") index?
//!            | "layers[" L "]." quantity index? index?
//! quantity  := weights | bias | z | a | dl_da | delta | grad_weights | grad_bias
//!            | new_weights | new_bias | param_count | Z
//! index     := "[" N "]"
//! ```
//!
//! In the typed form every index is 0-based (`Index::One(0)` is `[1]`), as in the engine.
//! Matrices (`weights`, `grad_weights`, `new_weights`) take two indices (row = unit, column =
//! input) or none; vectors take one or none; per-sample vectors (`x`, `y`, `output`, `z`, `a`,
//! `dl_da`, `delta`) are read for the exercise's sample. `Z` is the whole batch's pre-activation,
//! `units x B` (one column per sample, as the engine and PyTorch's `W X`; Keras' `X W` is its
//! transpose).
//!
//! # Parts
//! - `parse.rs`: the text form: parsing ([`Reference`]'s `FromStr`), `Display` and
//!   [`Reference::label`].
//! - `resolve.rs`: shapes, [`Reference::check`] against a network and [`Reference::resolve`].
//! - `settable.rs`: the numbers `solve_for` may name ([`Reference::get`], [`Reference::set`]).

mod parse;
mod resolve;
mod settable;

use std::fmt;

/// A quantity of one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerQuantity {
    Weights,
    Bias,
    Z,
    A,
    DlDa,
    Delta,
    GradWeights,
    GradBias,
    NewWeights,
    NewBias,
    ParamCount,
    /// The pre-activations of every sample of the batch, `units x B`.
    ZBatch,
}

impl LayerQuantity {
    pub const ALL: [LayerQuantity; 12] = [
        LayerQuantity::Weights,
        LayerQuantity::Bias,
        LayerQuantity::Z,
        LayerQuantity::A,
        LayerQuantity::DlDa,
        LayerQuantity::Delta,
        LayerQuantity::GradWeights,
        LayerQuantity::GradBias,
        LayerQuantity::NewWeights,
        LayerQuantity::NewBias,
        LayerQuantity::ParamCount,
        LayerQuantity::ZBatch,
    ];

    /// The name in a reference.
    pub fn name(self) -> &'static str {
        match self {
            LayerQuantity::Weights => "weights",
            LayerQuantity::Bias => "bias",
            LayerQuantity::Z => "z",
            LayerQuantity::A => "a",
            LayerQuantity::DlDa => "dl_da",
            LayerQuantity::Delta => "delta",
            LayerQuantity::GradWeights => "grad_weights",
            LayerQuantity::GradBias => "grad_bias",
            LayerQuantity::NewWeights => "new_weights",
            LayerQuantity::NewBias => "new_bias",
            LayerQuantity::ParamCount => "param_count",
            LayerQuantity::ZBatch => "Z",
        }
    }

    fn from_name(s: &str) -> Option<LayerQuantity> {
        LayerQuantity::ALL.into_iter().find(|q| q.name() == s)
    }

    /// How many indices pick one number: 2 for matrices, 1 for vectors, 0 for numbers.
    pub fn rank(self) -> usize {
        match self {
            LayerQuantity::Weights | LayerQuantity::GradWeights | LayerQuantity::NewWeights | LayerQuantity::ZBatch => {
                2
            }
            LayerQuantity::ParamCount => 0,
            _ => 1,
        }
    }
}

/// What a reference names, before any index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Loss,
    ParamCount,
    Output,
    X,
    Y,
    /// A quantity of layer `.0` (0-based: `Layer(0, _)` is `layers[1]`).
    Layer(usize, LayerQuantity),
}

impl Target {
    /// How many indices pick one number.
    pub fn rank(self) -> usize {
        match self {
            Target::Loss | Target::ParamCount => 0,
            Target::Output | Target::X | Target::Y => 1,
            Target::Layer(_, q) => q.rank(),
        }
    }

    /// How much of a network a lesson must have taught (its network cell's `taught`) for a
    /// student to meet this value there: the loss with the loss, gradients with
    /// backpropagation, the weights after an update with everything.
    pub fn taught_needed(self) -> crate::lesson::Taught {
        use crate::lesson::Taught;
        match self {
            Target::Loss => Taught::Loss,
            Target::Layer(_, LayerQuantity::NewWeights | LayerQuantity::NewBias) => Taught::All,
            t if t.needs_backward() => Taught::Backward,
            _ => Taught::Forward,
        }
    }

    /// Whether the value needs the backward pass (or the update after it).
    pub fn needs_backward(self) -> bool {
        matches!(
            self,
            Target::Layer(
                _,
                LayerQuantity::DlDa
                    | LayerQuantity::Delta
                    | LayerQuantity::GradWeights
                    | LayerQuantity::GradBias
                    | LayerQuantity::NewWeights
                    | LayerQuantity::NewBias
            )
        )
    }
}

/// Which entry: all of them, or one (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Index {
    Whole,
    One(usize),
    Two(usize, usize),
}

/// A parsed reference such as `layers[1].weights[2][3]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    pub target: Target,
    pub index: Index,
}

/// The shape of a value: a number, a vector of `n`, a `rows x cols` matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Scalar,
    Vector(usize),
    Matrix(usize, usize),
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Scalar => f.write_str("a number"),
            Shape::Vector(n) => write!(f, "a vector of {n}"),
            Shape::Matrix(r, c) => write!(f, "a {r} x {c} matrix"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Matrix, Network};

    fn parse(s: &str) -> Result<Reference, String> {
        s.parse()
    }

    #[test]
    fn parses_every_form_one_based() {
        assert_eq!(
            parse("layers[2].weights[1][3]").unwrap(),
            Reference {
                target: Target::Layer(1, LayerQuantity::Weights),
                index: Index::Two(0, 2)
            }
        );
        assert_eq!(parse(" output[2] ").unwrap().index, Index::One(1));
        assert_eq!(parse("loss").unwrap().target, Target::Loss);
        for s in [
            "layers[3].dl_da[2]",
            "x",
            "y[1]",
            "layers[1].param_count",
            "layers[1].new_bias",
        ] {
            assert_eq!(parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn a_layer_the_network_lacks_has_a_scalar_shape_and_a_problem() {
        // 2 inputs, one layer of 3 units: layer 2 does not exist.
        let layer = crate::nn::Layer {
            activation: crate::nn::Activation::Relu,
            weights: Matrix::zeros(3, 2),
            bias: crate::nn::Vector::zeros(3),
        };
        let net = Network::new(2, vec![layer]).unwrap();
        assert_eq!(parse("layers[1].weights").unwrap().shape(&net, 1), Shape::Matrix(3, 2));
        assert_eq!(parse("layers[2].weights").unwrap().shape(&net, 1), Shape::Scalar);
        // Z of a batch of 4: one column per sample.
        assert_eq!(parse("layers[1].Z").unwrap().shape(&net, 4), Shape::Matrix(3, 4));
        assert!(!parse("layers[2].z").unwrap().check(&net, 1, 0).is_empty());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parse("layers[0].z[1]").unwrap_err().contains("indices start at 1"));
        assert!(parse("layers[1].z[0]").unwrap_err().contains("W3[1,2]"));
        assert!(parse("layers[1].weights[1]").unwrap_err().contains("two indices"));
        assert!(parse("layers[1].weights[1,2]").unwrap_err().contains("[i][j]"));
        assert!(parse("loss[1]").unwrap_err().contains("takes no index"));
        assert!(
            parse("layers[1].zz")
                .unwrap_err()
                .contains("unknown layer quantity 'zz'")
        );
        assert!(parse("lost").unwrap_err().contains("unknown name 'lost'"));
        assert!(parse("layers[1].z[1").unwrap_err().contains("not closed"));
        assert!(parse("z[1]").is_err());
    }
}
