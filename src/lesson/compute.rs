//! One computation of a network that every answer is read from: the forward trace, the
//! backward gradients and one step of the network's own optimizer, all by the engine
//! ([`crate::nn::trace`], [`crate::nn::optim`]). Nothing here computes a number itself.

use crate::nn::doc::NetworkDoc;
use crate::nn::steps::{ChainStep, UpdateInfo, chain_steps};
use crate::nn::trace::{backward, forward, loss_of};
use crate::nn::{ForwardTrace, Gradients, Network, Optimizer};

/// A network document with its forward pass, gradients and the network after one update.
#[derive(Clone, Debug, PartialEq)]
pub struct Computed {
    pub doc: NetworkDoc,
    pub fwd: ForwardTrace,
    /// Empty (no layers) when only the forward pass was run ([`Computed::forward_only`]); the
    /// loss is set either way.
    pub grads: Gradients,
    /// The network after one step of `doc.optimizer` from fresh optimizer state.
    pub after: Network,
    /// The loss of `after` on the same data.
    pub loss_after: f64,
}

impl Computed {
    /// Forward, backward and one optimizer step.
    pub fn new(doc: NetworkDoc) -> Computed {
        let fwd = forward(&doc.net, &doc.input());
        let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
        Computed::with_grads(doc, fwd, grads)
    }

    /// From a forward trace and gradients already computed (perhaps under a mistaken rule):
    /// takes the optimizer step from them.
    pub fn with_grads(doc: NetworkDoc, fwd: ForwardTrace, grads: Gradients) -> Computed {
        let after = step(&doc, &grads);
        let loss_after = loss_of(&after, &doc.input(), &doc.y, &doc.loss);
        Computed {
            doc,
            fwd,
            grads,
            after,
            loss_after,
        }
    }

    /// Only the forward pass and the loss (what `solve_for` needs when the question is a
    /// forward value): references to gradients fail on it.
    pub fn forward_only(doc: NetworkDoc) -> Computed {
        let fwd = forward(&doc.net, &doc.input());
        let n = doc.net.len();
        let out = &fwd.layers[n - 1];
        let grads = Gradients {
            loss: doc.loss.value(&out.z, &out.a, &doc.y),
            ..Gradients::default()
        };
        Computed {
            after: doc.net.clone(),
            loss_after: f64::NAN,
            doc,
            fwd,
            grads,
        }
    }

    /// The chain-rule steps for sample `sample` (0-based), update included.
    pub fn steps(&self, sample: usize) -> Vec<ChainStep> {
        if self.grads.layers.len() != self.doc.net.len() {
            return Vec::new();
        }
        chain_steps(
            &self.doc.net,
            &self.fwd,
            &self.grads,
            &self.doc.loss,
            &self.doc.y,
            sample,
            Some(UpdateInfo {
                optimizer: &self.doc.optimizer,
                after: &self.after,
                loss_after: self.loss_after,
            }),
        )
    }
}

/// One step of the document's optimizer, from fresh state, on a copy of its network.
pub fn step(doc: &NetworkDoc, grads: &Gradients) -> Network {
    let mut net = doc.net.clone();
    Optimizer::new(doc.optimizer).step(&mut net, grads);
    net
}
