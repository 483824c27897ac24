//! Plot cells: an activation with its derivative, a loss against the prediction (target 1)
//! with its derivative, or a data set's points. The window draws them; this is the data.

use super::file::PlotFile;
use super::training::check_data;
use crate::nn::datasets::DataSpec;
use crate::nn::{Activation, LossKind};

/// What a plot shows.
#[derive(Clone, Debug, PartialEq)]
pub enum PlotOf {
    Activation(Activation),
    Loss(LossKind),
    Data(DataSpec),
}

/// A plot cell, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    pub of: PlotOf,
    /// The x range written in the file, if any.
    pub range: Option<(f64, f64)>,
}

impl Plot {
    /// The x range to draw: the file's, else [-6, 6] for activations and [0, 1] (the
    /// prediction) for losses.
    pub fn x_range(&self) -> (f64, f64) {
        self.range.unwrap_or(match self.of {
            PlotOf::Loss(LossKind::Bce | LossKind::CrossEntropy) => (0.01, 0.99),
            PlotOf::Loss(_) => (-2.0, 4.0),
            _ => (-6.0, 6.0),
        })
    }

    pub fn to_file(&self) -> PlotFile {
        let mut f = PlotFile {
            activation: None,
            loss: None,
            range: self.range.map(|(a, b)| [a, b]),
            data: None,
        };
        match &self.of {
            PlotOf::Activation(a) => f.activation = Some(a.name().into()),
            PlotOf::Loss(l) => f.loss = Some(l.name().into()),
            PlotOf::Data(d) => f.data = Some(d.clone()),
        }
        f
    }
}

impl PlotFile {
    /// Validates the plot; every problem is listed.
    pub fn validate(&self) -> Result<Plot, Vec<String>> {
        let mut e = Vec::new();
        let given = [self.activation.is_some(), self.loss.is_some(), self.data.is_some()];
        if given.iter().filter(|g| **g).count() != 1 {
            e.push("a plot shows one thing: give exactly one of activation, loss or data".into());
        }
        let mut of = None;
        if let Some(a) = &self.activation {
            match Activation::from_name(a) {
                Some(act) => of = Some(PlotOf::Activation(act)),
                None => e.push(format!(
                    "activation '{a}' is unknown; valid: {}",
                    Activation::valid_names()
                )),
            }
        }
        if let Some(l) = &self.loss {
            match LossKind::from_name(l) {
                Some(k) => of = Some(PlotOf::Loss(k)),
                None => e.push(format!("loss '{l}' is unknown; valid: {}", LossKind::NAMES.join(", "))),
            }
        }
        if let Some(d) = &self.data {
            match check_data(d) {
                Ok(()) => of = Some(PlotOf::Data(d.clone())),
                Err(m) => e.push(format!("data: {m}")),
            }
        }
        if let Some([a, b]) = self.range
            && !(a.is_finite() && b.is_finite() && a < b)
        {
            e.push(format!(
                "range [{a}, {b}] must be two finite numbers, the first below the second"
            ));
        }
        match of {
            Some(of) if e.is_empty() => Ok(Plot {
                of,
                range: self.range.map(|[a, b]| (a, b)),
            }),
            _ => Err(e),
        }
    }
}
