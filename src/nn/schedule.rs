//! Learning-rate schedules (as torch.optim.lr_scheduler, stepped once per epoch) and gradient
//! clipping by global norm (as `torch.nn.utils.clip_grad_norm_`).

use super::Gradients;
use serde::{Deserialize, Serialize};

/// How the learning rate changes with the epoch (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    /// The base rate throughout.
    #[default]
    Constant,
    /// `lr = base * gamma^(floor(epoch / step_size))` (StepLR).
    Step { step_size: usize, gamma: f64 },
    /// `lr = base * gamma^epoch` (ExponentialLR).
    Exponential { gamma: f64 },
    /// `lr = eta_min + (base - eta_min) (1 + cos(pi epoch / t_max)) / 2` (CosineAnnealingLR),
    /// then `eta_min` after `t_max` (torch's formula would rise again: one half-period only).
    Cosine { t_max: usize, eta_min: f64 },
}

impl Schedule {
    /// The learning rate for `epoch` given the base rate.
    pub fn lr(&self, base: f64, epoch: usize) -> f64 {
        match *self {
            Schedule::Constant => base,
            Schedule::Step { step_size, gamma } => base * gamma.powi((epoch / step_size.max(1)) as i32),
            Schedule::Exponential { gamma } => base * gamma.powi(epoch as i32),
            Schedule::Cosine { t_max, eta_min } => {
                let t = epoch.min(t_max.max(1)) as f64 / t_max.max(1) as f64;
                eta_min + (base - eta_min) * (1.0 + (std::f64::consts::PI * t).cos()) / 2.0
            }
        }
    }
}

/// Scales the gradients so their global L2 norm is at most `max_norm`, as
/// `clip_grad_norm_` (factor `max_norm / (norm + 1e-6)`, applied only when it is below 1).
/// Returns the norm before clipping.
pub fn clip_global_norm(grads: &mut Gradients, max_norm: f64) -> f64 {
    let norm = grads.global_norm();
    let coef = max_norm / (norm + 1e-6);
    if coef < 1.0 {
        grads.scale(coef);
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: StepLR(step 2, gamma 0.5) from 0.1 gives 0.1, 0.1, 0.05, 0.05, 0.025;
    /// cosine with t_max 4 is base at 0, the midpoint at 2 and eta_min at 4.
    #[test]
    fn schedules_by_hand() {
        let s = Schedule::Step {
            step_size: 2,
            gamma: 0.5,
        };
        let lrs: Vec<f64> = (0..5).map(|e| s.lr(0.1, e)).collect();
        assert_eq!(lrs, vec![0.1, 0.1, 0.05, 0.05, 0.025]);
        let c = Schedule::Cosine { t_max: 4, eta_min: 0.0 };
        assert_eq!(c.lr(1.0, 0), 1.0);
        assert!((c.lr(1.0, 2) - 0.5).abs() < 1e-15);
        assert!(c.lr(1.0, 4).abs() < 1e-15);
        assert!((Schedule::Exponential { gamma: 0.9 }.lr(1.0, 2) - 0.81).abs() < 1e-15);
    }
}
