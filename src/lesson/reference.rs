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
//!            | new_weights | new_bias | param_count
//! index     := "[" N "]"
//! ```
//!
//! In the typed form every index is 0-based (`Index::One(0)` is `[1]`), as in the engine.
//! Matrices (`weights`, `grad_weights`, `new_weights`) take two indices (row = unit, column =
//! input) or none; vectors take one or none; per-sample vectors (`x`, `y`, `output`, `z`, `a`,
//! `dl_da`, `delta`) are read for the exercise's sample.

use super::answer::Answer;
use super::compute::Computed;
use crate::nn::doc::NetworkDoc;
use crate::nn::{Matrix, Network};
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
}

impl LayerQuantity {
    pub const ALL: [LayerQuantity; 11] = [
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
        }
    }

    fn from_name(s: &str) -> Option<LayerQuantity> {
        LayerQuantity::ALL.into_iter().find(|q| q.name() == s)
    }

    /// How many indices pick one number: 2 for matrices, 1 for vectors, 0 for numbers.
    pub fn rank(self) -> usize {
        match self {
            LayerQuantity::Weights | LayerQuantity::GradWeights | LayerQuantity::NewWeights => 2,
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

const HINT_ONE_BASED: &str = "indices start at 1, as the window shows W3[1,2]";

/// Reads `[N]` at the start of `s`; returns the 0-based number and the rest.
fn bracket<'a>(s: &'a str, whole: &str) -> Result<(usize, &'a str), String> {
    let inner = s.strip_prefix('[').ok_or_else(|| format!("'{whole}': expected '['"))?;
    let close = inner
        .find(']')
        .ok_or_else(|| format!("'{whole}': a '[' is not closed"))?;
    let digits = inner[..close].trim();
    if digits.contains(',') {
        return Err(format!(
            "'{whole}': write one index per bracket, [i][j], not [{digits}]"
        ));
    }
    let n: usize = match digits.parse() {
        Ok(n) => n,
        Err(_) if digits.starts_with('-') => {
            return Err(format!("'{whole}': index {digits} is negative; {HINT_ONE_BASED}"));
        }
        Err(_) => return Err(format!("'{whole}': '{digits}' is not an index (a whole number from 1)")),
    };
    if n == 0 {
        return Err(format!("'{whole}': index 0 does not exist; {HINT_ONE_BASED}"));
    }
    Ok((n - 1, &inner[close + 1..]))
}

impl std::str::FromStr for Reference {
    type Err = String;

    /// Parses the grammar in the module comment; the message names what is wrong.
    fn from_str(text: &str) -> Result<Reference, String> {
        let s = text.trim();
        let name_end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        let (name, mut rest) = s.split_at(name_end);
        let target = match name {
            "loss" => Target::Loss,
            "param_count" => Target::ParamCount,
            "output" => Target::Output,
            "x" => Target::X,
            "y" => Target::Y,
            "layers" => {
                let (l, r) = bracket(rest, s)?;
                let r = r
                    .strip_prefix('.')
                    .ok_or_else(|| format!("'{s}': expected '.' and a quantity after layers[{}]", l + 1))?;
                let q_end = r
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(r.len());
                let q = LayerQuantity::from_name(&r[..q_end]).ok_or_else(|| {
                    let names: Vec<&str> = LayerQuantity::ALL.iter().map(|q| q.name()).collect();
                    format!(
                        "'{s}': unknown layer quantity '{}'; valid: {}",
                        &r[..q_end],
                        names.join(", ")
                    )
                })?;
                rest = &r[q_end..];
                Target::Layer(l, q)
            }
            "" => {
                return Err(format!(
                    "'{s}' is not a reference; start with loss, output, x, y or layers[l]"
                ));
            }
            other => {
                return Err(format!(
                    "'{s}': unknown name '{other}'; valid: loss, param_count, output, x, y, layers[l].<quantity>"
                ));
            }
        };
        let mut idx = Vec::new();
        while !rest.is_empty() {
            let (n, r) = bracket(rest, s)?;
            idx.push(n);
            rest = r;
        }
        let rank = target.rank();
        let index = match (idx.as_slice(), rank) {
            ([], _) => Index::Whole,
            ([i], 1) => Index::One(*i),
            ([i, j], 2) => Index::Two(*i, *j),
            (_, 0) => return Err(format!("'{s}' is a number: it takes no index")),
            (_, 1) => return Err(format!("'{s}' is a vector: give one index [i] or none")),
            _ => {
                return Err(format!(
                    "'{s}' is a matrix: give two indices [i][j] (row = unit, column = input) or none"
                ));
            }
        };
        Ok(Reference { target, index })
    }
}

impl fmt::Display for Reference {
    /// The reference as written in a lesson (1-based).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.target {
            Target::Loss => f.write_str("loss")?,
            Target::ParamCount => f.write_str("param_count")?,
            Target::Output => f.write_str("output")?,
            Target::X => f.write_str("x")?,
            Target::Y => f.write_str("y")?,
            Target::Layer(l, q) => write!(f, "layers[{}].{}", l + 1, q.name())?,
        }
        match self.index {
            Index::Whole => Ok(()),
            Index::One(i) => write!(f, "[{}]", i + 1),
            Index::Two(i, j) => write!(f, "[{}][{}]", i + 1, j + 1),
        }
    }
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

impl Reference {
    /// A short name as the window writes it: `z1[2]`, `dL/dW3[1,2]`, `W1[1,2] after the update`.
    pub fn label(&self) -> String {
        let idx = match self.index {
            Index::Whole => String::new(),
            Index::One(i) => format!("[{}]", i + 1),
            Index::Two(i, j) => format!("[{},{}]", i + 1, j + 1),
        };
        match self.target {
            Target::Loss => "L".into(),
            Target::ParamCount => "the number of parameters".into(),
            Target::Output => format!("output{idx}"),
            Target::X => format!("x{idx}"),
            Target::Y => format!("y{idx}"),
            Target::Layer(l, q) => {
                let k = l + 1;
                match q {
                    LayerQuantity::Weights => format!("W{k}{idx}"),
                    LayerQuantity::Bias => format!("b{k}{idx}"),
                    LayerQuantity::Z => format!("z{k}{idx}"),
                    LayerQuantity::A => format!("a{k}{idx}"),
                    LayerQuantity::DlDa => format!("dL/da{k}{idx}"),
                    LayerQuantity::Delta => format!("δ{k}{idx}"),
                    LayerQuantity::GradWeights => format!("dL/dW{k}{idx}"),
                    LayerQuantity::GradBias => format!("dL/db{k}{idx}"),
                    LayerQuantity::NewWeights => format!("W{k}{idx} after the update"),
                    LayerQuantity::NewBias => format!("b{k}{idx} after the update"),
                    LayerQuantity::ParamCount => format!("the number of parameters of layer {k}"),
                }
            }
        }
    }

    /// The shape of the whole quantity (before the index) for `net`. A layer the network does
    /// not have (an instructor removed it; `check` says so) reads as a single number.
    fn whole_shape(&self, net: &Network) -> Shape {
        match self.target {
            Target::Loss | Target::ParamCount => Shape::Scalar,
            Target::Output | Target::Y => Shape::Vector(net.outputs()),
            Target::X => Shape::Vector(net.inputs()),
            Target::Layer(_, LayerQuantity::ParamCount) => Shape::Scalar,
            Target::Layer(l, q) => match net.layers().get(l) {
                None => Shape::Scalar,
                Some(layer) if q.rank() == 2 => Shape::Matrix(layer.units(), layer.inputs()),
                Some(layer) => Shape::Vector(layer.units()),
            },
        }
    }

    /// The shape of the value this reference names in `net`.
    pub fn shape(&self, net: &Network) -> Shape {
        match self.index {
            Index::Whole => self.whole_shape(net),
            _ => Shape::Scalar,
        }
    }

    /// Every reason this reference does not fit a network of this shape with `batch` samples
    /// when read for sample `sample` (0-based). Empty when it fits.
    pub fn check(&self, net: &Network, batch: usize, sample: usize) -> Vec<String> {
        let mut e = Vec::new();
        if let Target::Layer(l, _) = self.target
            && l >= net.len()
        {
            e.push(format!(
                "'{self}': layer {} does not exist; the network has {} layer{}",
                l + 1,
                net.len(),
                if net.len() == 1 { "" } else { "s" }
            ));
            return e;
        }
        let per_sample = matches!(
            self.target,
            Target::Output
                | Target::X
                | Target::Y
                | Target::Layer(
                    _,
                    LayerQuantity::Z | LayerQuantity::A | LayerQuantity::DlDa | LayerQuantity::Delta
                )
        );
        if per_sample && sample >= batch {
            e.push(format!(
                "sample {} does not exist; the network has {batch} sample{}",
                sample + 1,
                if batch == 1 { "" } else { "s" }
            ));
        }
        let what = match self.target {
            Target::Output | Target::Y => "the output layer has".to_string(),
            Target::X => "the network has".to_string(),
            Target::Layer(l, _) => format!("layer {} has", l + 1),
            Target::Loss | Target::ParamCount => String::new(),
        };
        match (self.index, self.whole_shape(net)) {
            (Index::One(i), Shape::Vector(n)) if i >= n => {
                let unit = if self.target == Target::X { "input" } else { "unit" };
                e.push(format!(
                    "'{self}': index {} is out of range; {what} {n} {unit}{}",
                    i + 1,
                    if n == 1 { "" } else { "s" }
                ));
            }
            (Index::Two(i, j), Shape::Matrix(r, c)) => {
                if i >= r {
                    e.push(format!(
                        "'{self}': row {} is out of range; {what} {r} unit{} (one row per unit)",
                        i + 1,
                        if r == 1 { "" } else { "s" }
                    ));
                }
                if j >= c {
                    e.push(format!(
                        "'{self}': column {} is out of range; the weights have {c} column{} (one per input of the layer)",
                        j + 1,
                        if c == 1 { "" } else { "s" }
                    ));
                }
            }
            _ => {}
        }
        e
    }

    /// The value in `c` for sample `sample` (0-based).
    pub fn resolve(&self, c: &Computed, sample: usize) -> Result<Answer, String> {
        let net = &c.doc.net;
        let problems = self.check(net, c.doc.batch(), sample);
        if let Some(p) = problems.into_iter().next() {
            return Err(p);
        }
        if self.target.needs_backward() && c.grads.layers.len() != net.len() {
            return Err(format!("'{self}' needs the backward pass, which was not run"));
        }
        let s = sample;
        let col = |m: &Matrix| m.column(s).iter().copied().collect::<Vec<f64>>();
        let vector = |v: Vec<f64>| pick_vector(v, self.index);
        let matrix = |m: &Matrix| pick_matrix(m, self.index);
        Ok(match self.target {
            Target::Loss => Answer::Scalar(c.grads.loss),
            Target::ParamCount => Answer::Scalar(net.param_count() as f64),
            Target::Output => vector(col(c.fwd.output())),
            Target::X => vector(col(&c.doc.x)),
            Target::Y => vector(col(&c.doc.y)),
            Target::Layer(l, q) => {
                let layer = &net.layers()[l];
                match q {
                    LayerQuantity::Weights => matrix(&layer.weights),
                    LayerQuantity::Bias => vector(layer.bias.iter().copied().collect()),
                    LayerQuantity::Z => vector(col(&c.fwd.layers[l].z)),
                    LayerQuantity::A => vector(col(&c.fwd.layers[l].a)),
                    LayerQuantity::DlDa => vector(col(&c.grads.layers[l].da)),
                    LayerQuantity::Delta => vector(col(&c.grads.layers[l].delta)),
                    LayerQuantity::GradWeights => matrix(&c.grads.layers[l].weights),
                    LayerQuantity::GradBias => vector(c.grads.layers[l].bias.iter().copied().collect()),
                    LayerQuantity::NewWeights => matrix(&c.after.layers()[l].weights),
                    LayerQuantity::NewBias => vector(c.after.layers()[l].bias.iter().copied().collect()),
                    LayerQuantity::ParamCount => Answer::Scalar(layer.param_count() as f64),
                }
            }
        })
    }

    /// Whether this reference names one number that can be set: a weight, a bias, an input or
    /// a target of the sample (what `solve_for` may name).
    pub fn is_settable(&self) -> bool {
        matches!(
            (self.target, self.index),
            (Target::Layer(_, LayerQuantity::Weights), Index::Two(..))
                | (Target::Layer(_, LayerQuantity::Bias), Index::One(_))
                | (Target::X | Target::Y, Index::One(_))
        )
    }

    /// The current value of a settable reference.
    pub fn get(&self, doc: &NetworkDoc, sample: usize) -> Result<f64, String> {
        if let Some(p) = self.check(&doc.net, doc.batch(), sample).into_iter().next() {
            return Err(p);
        }
        match (self.target, self.index) {
            (Target::Layer(l, LayerQuantity::Weights), Index::Two(i, j)) => Ok(doc.net.layers()[l].weights[(i, j)]),
            (Target::Layer(l, LayerQuantity::Bias), Index::One(i)) => Ok(doc.net.layers()[l].bias[i]),
            (Target::X, Index::One(i)) => Ok(doc.x[(i, sample)]),
            (Target::Y, Index::One(i)) => Ok(doc.y[(i, sample)]),
            _ => Err(self.not_settable()),
        }
    }

    fn not_settable(&self) -> String {
        format!("'{self}' cannot be solved for: name one weight, bias, input x[i] or target y[i]")
    }

    /// Sets a settable reference to `v`.
    pub fn set(&self, doc: &mut NetworkDoc, sample: usize, v: f64) -> Result<(), String> {
        if let Some(p) = self.check(&doc.net, doc.batch(), sample).into_iter().next() {
            return Err(p);
        }
        match (self.target, self.index) {
            (Target::Layer(l, LayerQuantity::Weights), Index::Two(i, j)) => doc.net.weights_mut(l)[(i, j)] = v,
            (Target::Layer(l, LayerQuantity::Bias), Index::One(i)) => doc.net.bias_mut(l)[i] = v,
            (Target::X, Index::One(i)) => doc.x[(i, sample)] = v,
            (Target::Y, Index::One(i)) => doc.y[(i, sample)] = v,
            _ => return Err(self.not_settable()),
        }
        Ok(())
    }
}

fn pick_vector(v: Vec<f64>, index: Index) -> Answer {
    match index {
        Index::One(i) => Answer::Scalar(v[i]),
        _ => Answer::Vector(v),
    }
}

fn pick_matrix(m: &Matrix, index: Index) -> Answer {
    match index {
        Index::Two(i, j) => Answer::Scalar(m[(i, j)]),
        _ => Answer::Matrix(m.row_iter().map(|r| r.iter().copied().collect()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(parse("layers[1].weights").unwrap().shape(&net), Shape::Matrix(3, 2));
        assert_eq!(parse("layers[2].weights").unwrap().shape(&net), Shape::Scalar);
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
