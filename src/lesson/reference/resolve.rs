//! Shapes, the fit of a reference to a network, and its value in one computed pass.

use super::super::answer::Answer;
use super::super::compute::Computed;
use super::{Index, LayerQuantity, Reference, Shape, Target};
use crate::nn::{Matrix, Network};

impl Reference {
    /// The shape of the whole quantity (before the index) for `net`. A layer the network does
    /// not have (an instructor removed it; `check` says so) reads as a single number.
    fn whole_shape(&self, net: &Network, batch: usize) -> Shape {
        match self.target {
            Target::Loss | Target::ParamCount => Shape::Scalar,
            Target::Output | Target::Y => Shape::Vector(net.outputs()),
            Target::X => Shape::Vector(net.inputs()),
            Target::Layer(_, LayerQuantity::ParamCount) => Shape::Scalar,
            Target::Layer(l, q) => match net.layers().get(l) {
                None => Shape::Scalar,
                Some(layer) if q == LayerQuantity::ZBatch => Shape::Matrix(layer.units(), batch),
                Some(layer) if q.rank() == 2 => Shape::Matrix(layer.units(), layer.inputs()),
                Some(layer) => Shape::Vector(layer.units()),
            },
        }
    }

    /// The shape of the value this reference names in `net` with `batch` samples.
    pub fn shape(&self, net: &Network, batch: usize) -> Shape {
        match self.index {
            Index::Whole => self.whole_shape(net, batch),
            _ => Shape::Scalar,
        }
    }

    /// The one check that needs only the number of layers: a layer the network does not have
    /// (also made on a network whose other problems keep it from loading).
    pub fn check_layer(&self, layers: usize) -> Option<String> {
        match self.target {
            Target::Layer(l, _) if l >= layers => Some(format!(
                "'{self}': layer {} does not exist; the network has {layers} layer{}",
                l + 1,
                if layers == 1 { "" } else { "s" }
            )),
            _ => None,
        }
    }

    /// Every reason this reference does not fit a network of this shape with `batch` samples
    /// when read for sample `sample` (0-based). Empty when it fits.
    pub fn check(&self, net: &Network, batch: usize, sample: usize) -> Vec<String> {
        let mut e = Vec::new();
        if let Some(m) = self.check_layer(net.len()) {
            e.push(m);
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
        match (self.index, self.whole_shape(net, batch)) {
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
                if j >= c && matches!(self.target, Target::Layer(_, LayerQuantity::ZBatch)) {
                    e.push(format!(
                        "'{self}': column {} is out of range; the batch has {c} sample{} (one column per sample)",
                        j + 1,
                        if c == 1 { "" } else { "s" }
                    ));
                } else if j >= c {
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
                    LayerQuantity::ZBatch => matrix(&c.fwd.layers[l].z),
                }
            }
        })
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
