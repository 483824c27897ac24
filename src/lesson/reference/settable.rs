//! The references `solve_for` may name (a weight, a bias, an input or a target of the sample):
//! read and written in a network document.

use super::{Index, LayerQuantity, Reference, Target};
use crate::nn::doc::NetworkDoc;

impl Reference {
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
