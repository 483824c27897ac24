//! The network: a stack of dense layers with validated shapes.
//!
//! Layer `l` (1-based for people) has `units` rows of weights, each as long as the previous
//! layer's unit count (or the input count for layer 1). Once a [`Network`] exists its shapes
//! agree, so no later arithmetic can fail on them; structural edits keep them agreeing.
//! Softmax is only on the output layer. A [`Network`] never lends out a `&mut Layer`: values
//! change through views and slices that keep their shape ([`Network::weights_mut`],
//! [`Network::bias_mut`], [`Network::params_mut`]), everything else through its checked methods.

use super::{Activation, Matrix, Vector};
use nalgebra::{DMatrixViewMut, DVectorViewMut};

/// One dense layer: `z = W a_prev + b`, `a = f(z)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub activation: Activation,
    /// `units x in`: row `j` holds the weights into unit `j`.
    pub weights: Matrix,
    /// `units`.
    pub bias: Vector,
}

impl Layer {
    /// A layer of zeros.
    pub fn zeros(inputs: usize, units: usize, activation: Activation) -> Layer {
        Layer {
            activation,
            weights: Matrix::zeros(units, inputs),
            bias: Vector::zeros(units),
        }
    }

    pub fn units(&self) -> usize {
        self.weights.nrows()
    }

    pub fn inputs(&self) -> usize {
        self.weights.ncols()
    }

    pub fn param_count(&self) -> usize {
        self.weights.len() + self.bias.len()
    }
}

/// A multilayer perceptron: at least one layer, shapes that chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    inputs: usize,
    layers: Vec<Layer>,
}

/// Why a structural edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("a network needs at least one layer")]
    LastLayer,
    #[error("a layer needs at least one unit")]
    LastUnit,
    #[error("a network needs at least one input")]
    LastInput,
    #[error("layer {0} does not exist")]
    NoSuchLayer(usize),
    #[error("softmax is only allowed on the output layer")]
    SoftmaxHidden,
}

impl Network {
    /// Builds a network, checking that the shapes chain. Errors name the layer (1-based).
    pub fn new(inputs: usize, layers: Vec<Layer>) -> Result<Network, Vec<String>> {
        let mut errors = Vec::new();
        if inputs == 0 {
            errors.push("the network needs at least one input".to_string());
        }
        if layers.is_empty() {
            errors.push("the network has no layers: it needs at least one".to_string());
        }
        let mut prev = inputs;
        for (i, l) in layers.iter().enumerate() {
            let n = i + 1;
            if l.units() == 0 {
                errors.push(format!("layer {n}: needs at least one unit"));
            }
            if l.inputs() != prev {
                let what = if i == 0 {
                    format!("the network has {prev} inputs")
                } else {
                    format!("layer {i} has {prev} units")
                };
                errors.push(format!("layer {n}: weights have {} columns but {what}", l.inputs()));
            }
            if l.bias.len() != l.units() {
                errors.push(format!(
                    "layer {n}: bias has {} entries but the layer has {} units",
                    l.bias.len(),
                    l.units()
                ));
            }
            if l.activation == Activation::Softmax && n != layers.len() {
                errors.push(format!("layer {n}: softmax is only allowed on the output layer"));
            }
            prev = l.units();
        }
        if errors.is_empty() {
            Ok(Network { inputs, layers })
        } else {
            Err(errors)
        }
    }

    pub fn inputs(&self) -> usize {
        self.inputs
    }

    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, Layer::units)
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The weights of layer `index` (0-based), to change their values. A view cannot change
    /// its shape, and the activation is not reachable through it: structural edits and
    /// [`Network::set_activation`] are the only ways to those.
    ///
    /// # Panics
    /// If there is no layer `index`, as indexing [`Network::layers`] would.
    pub fn weights_mut(&mut self, index: usize) -> DMatrixViewMut<'_, f64> {
        self.layers[index].weights.as_view_mut()
    }

    /// The bias of layer `index` (0-based), to change its values (see [`Network::weights_mut`]).
    ///
    /// # Panics
    /// If there is no layer `index`.
    pub fn bias_mut(&mut self, index: usize) -> DVectorViewMut<'_, f64> {
        self.layers[index].bias.as_view_mut()
    }

    /// Every layer's weights and bias as slices (the weights column by column), for optimizers:
    /// values change, lengths cannot.
    pub fn params_mut(&mut self) -> impl Iterator<Item = (&mut [f64], &mut [f64])> {
        self.layers
            .iter_mut()
            .map(|l| (l.weights.as_mut_slice(), l.bias.as_mut_slice()))
    }

    pub fn len(&self) -> usize {
        self.layers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// The unit counts, input first: `[3, 4, 4, 2]`.
    pub fn widths(&self) -> Vec<usize> {
        std::iter::once(self.inputs)
            .chain(self.layers.iter().map(Layer::units))
            .collect()
    }

    pub fn param_count(&self) -> usize {
        self.layers.iter().map(Layer::param_count).sum()
    }

    /// Sets a layer's activation (softmax only on the output layer).
    pub fn set_activation(&mut self, index: usize, act: Activation) -> Result<(), EditError> {
        if index >= self.layers.len() {
            return Err(EditError::NoSuchLayer(index + 1));
        }
        if act == Activation::Softmax && index + 1 != self.layers.len() {
            return Err(EditError::SoftmaxHidden);
        }
        self.layers[index].activation = act;
        Ok(())
    }

    /// Inserts a layer of `units` zero-weight units at `index` (0 = before the first layer);
    /// the layer after it gets zero weights from the new units.
    pub fn insert_layer(&mut self, index: usize, units: usize, act: Activation) -> Result<(), EditError> {
        if index > self.layers.len() {
            return Err(EditError::NoSuchLayer(index + 1));
        }
        if units == 0 {
            return Err(EditError::LastUnit);
        }
        if act == Activation::Softmax && index != self.layers.len() {
            return Err(EditError::SoftmaxHidden);
        }
        let fan_in = if index == 0 {
            self.inputs
        } else {
            self.layers[index - 1].units()
        };
        if index == self.layers.len()
            && let Some(last) = self.layers.last_mut()
            && last.activation == Activation::Softmax
        {
            last.activation = Activation::Identity;
        }
        self.layers.insert(index, Layer::zeros(fan_in, units, act));
        if let Some(next) = self.layers.get_mut(index + 1) {
            next.weights = Matrix::zeros(next.units(), units);
        }
        Ok(())
    }

    /// Removes layer `index`; the next layer's weights are reset to zeros of the right width.
    pub fn remove_layer(&mut self, index: usize) -> Result<Layer, EditError> {
        if index >= self.layers.len() {
            return Err(EditError::NoSuchLayer(index + 1));
        }
        if self.layers.len() == 1 {
            return Err(EditError::LastLayer);
        }
        let removed = self.layers.remove(index);
        let fan_in = if index == 0 {
            self.inputs
        } else {
            self.layers[index - 1].units()
        };
        if let Some(next) = self.layers.get_mut(index) {
            next.weights = Matrix::zeros(next.units(), fan_in);
        }
        Ok(removed)
    }

    /// Appends a unit to layer `index` (zero weights in and out).
    pub fn add_unit(&mut self, index: usize) -> Result<(), EditError> {
        let l = self.layers.get_mut(index).ok_or(EditError::NoSuchLayer(index + 1))?;
        let units = l.units();
        l.weights = l.weights.clone().insert_row(units, 0.0);
        l.bias = l.bias.clone().insert_row(units, 0.0);
        if let Some(next) = self.layers.get_mut(index + 1) {
            next.weights = next.weights.clone().insert_column(units, 0.0);
        }
        Ok(())
    }

    /// Removes unit `unit` of layer `index` with its weights in and out.
    pub fn remove_unit(&mut self, index: usize, unit: usize) -> Result<(), EditError> {
        let l = self.layers.get_mut(index).ok_or(EditError::NoSuchLayer(index + 1))?;
        if l.units() <= 1 {
            return Err(EditError::LastUnit);
        }
        let unit = unit.min(l.units() - 1);
        l.weights = l.weights.clone().remove_row(unit);
        l.bias = l.bias.clone().remove_row(unit);
        if let Some(next) = self.layers.get_mut(index + 1) {
            next.weights = next.weights.clone().remove_column(unit);
        }
        Ok(())
    }

    /// Appends an input (zero weights from it).
    pub fn add_input(&mut self) {
        self.inputs += 1;
        let l = &mut self.layers[0];
        l.weights = l.weights.clone().insert_column(self.inputs - 1, 0.0);
    }

    /// Removes input `i` and its weights.
    pub fn remove_input(&mut self, i: usize) -> Result<(), EditError> {
        if self.inputs <= 1 {
            return Err(EditError::LastInput);
        }
        let i = i.min(self.inputs - 1);
        self.inputs -= 1;
        let l = &mut self.layers[0];
        l.weights = l.weights.clone().remove_column(i);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        Network::new(
            2,
            vec![
                Layer::zeros(2, 3, Activation::Relu),
                Layer::zeros(3, 1, Activation::Identity),
            ],
        )
        .unwrap()
    }

    #[test]
    fn shape_errors_name_the_layer() {
        let errs = Network::new(
            3,
            vec![
                Layer::zeros(3, 4, Activation::Relu),
                Layer::zeros(5, 2, Activation::Identity),
            ],
        )
        .unwrap_err();
        assert_eq!(errs, vec!["layer 2: weights have 5 columns but layer 1 has 4 units"]);
        assert!(Network::new(3, vec![]).is_err());
    }

    #[test]
    fn structural_edits_keep_shapes_chained() {
        let mut n = net();
        n.add_unit(0).unwrap();
        assert_eq!(n.widths(), vec![2, 4, 1]);
        assert_eq!(n.layers()[1].inputs(), 4);
        n.remove_unit(0, 1).unwrap();
        n.insert_layer(1, 5, Activation::Tanh).unwrap();
        assert_eq!(n.widths(), vec![2, 3, 5, 1]);
        n.remove_layer(0).unwrap();
        assert_eq!(n.widths(), vec![2, 5, 1]);
        n.add_input();
        assert_eq!(n.layers()[0].inputs(), 3);
        assert!(Network::new(n.inputs(), n.layers().to_vec()).is_ok());
        assert_eq!(n.set_activation(0, Activation::Softmax), Err(EditError::SoftmaxHidden));
    }
}
