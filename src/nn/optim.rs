//! Optimizers exactly as `torch.optim`'s single-tensor implementations (`foreach=False`,
//! `maximize=False`, `amsgrad=False`, `centered=False`).
//!
//! Each weight matrix and each bias vector is one parameter tensor with its own state, including
//! its own step counter `t` (as torch's `state['step']`), which starts at 1. A tensor whose size
//! changes (a unit added or removed) starts again with fresh state and `t = 1`, as a new
//! parameter would in torch; the others keep theirs.
//! - SGD: `g = grad + wd p`; with momentum, `buf = g` at t = 1 (no dampening on the first step),
//!   then `buf = momentum buf + (1 - dampening) g`; nesterov uses `g + momentum buf`, else `buf`;
//!   `p -= lr g`.
//! - Adam: `g = grad + wd p` (coupled L2); `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`;
//!   `denom = sqrt(v) / sqrt(1 - b2^t) + eps` (eps after the bias correction);
//!   `p -= lr / (1 - b1^t) * m / denom`.
//! - AdamW: first `p *= 1 - lr wd` (decoupled), then Adam with `g = grad`.
//! - RMSprop: `g = grad + wd p`, `sq = alpha sq + (1 - alpha) g^2`, `avg = sqrt(sq) + eps`
//!   (eps outside the sqrt); with momentum `buf = momentum buf + g / avg`, `p -= lr buf`; else
//!   `p -= lr g / avg`.

use super::simd::{Simd, WithSimd, portable, vectorized};
use super::{Gradients, Network};
use serde::{Deserialize, Serialize};

/// Which optimizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerKind {
    Sgd,
    Adam,
    Adamw,
    Rmsprop,
}

impl OptimizerKind {
    pub const ALL: [OptimizerKind; 4] = [
        OptimizerKind::Sgd,
        OptimizerKind::Adam,
        OptimizerKind::Adamw,
        OptimizerKind::Rmsprop,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Adamw => "adamw",
            OptimizerKind::Rmsprop => "rmsprop",
        }
    }

    pub fn from_name(s: &str) -> Option<OptimizerKind> {
        OptimizerKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// An optimizer's settings; [`OptimizerConfig::defaults`] gives torch.optim's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizerConfig {
    pub kind: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub nesterov: bool,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub alpha: f64,
}

impl OptimizerConfig {
    /// torch.optim's defaults for `kind`.
    pub fn defaults(kind: OptimizerKind) -> OptimizerConfig {
        let base = OptimizerConfig {
            kind,
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            alpha: 0.99,
        };
        match kind {
            OptimizerKind::Sgd => base,
            OptimizerKind::Adam => base,
            OptimizerKind::Adamw => OptimizerConfig {
                weight_decay: 1e-2,
                ..base
            },
            OptimizerKind::Rmsprop => OptimizerConfig { lr: 1e-2, ..base },
        }
    }

    /// Plain SGD with a learning rate.
    pub fn sgd(lr: f64) -> OptimizerConfig {
        OptimizerConfig {
            lr,
            ..OptimizerConfig::defaults(OptimizerKind::Sgd)
        }
    }

    /// The update rule in symbols, for display.
    pub fn formula(&self) -> &'static str {
        match self.kind {
            OptimizerKind::Sgd if self.momentum == 0.0 && self.weight_decay == 0.0 => "W <- W - lr dL/dW",
            OptimizerKind::Sgd => "g = dL/dW + wd W; buf = momentum buf + (1 - dampening) g; W <- W - lr buf",
            OptimizerKind::Adam => "m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; W <- W - lr m̂ / (√v̂ + ε)",
            OptimizerKind::Adamw => "W <- W (1 - lr wd); then Adam with g = dL/dW",
            OptimizerKind::Rmsprop => "sq = α sq + (1-α) g²; W <- W - lr g / (√sq + ε)",
        }
    }

    /// Checks the settings; every problem is listed.
    pub fn validate(&self) -> Vec<String> {
        let mut e = Vec::new();
        let mut finite = |name: &str, v: f64| {
            if !v.is_finite() {
                e.push(format!("optimizer {name} must be a finite number, got {v}"));
            }
        };
        for (n, v) in [
            ("lr", self.lr),
            ("momentum", self.momentum),
            ("dampening", self.dampening),
            ("beta1", self.beta1),
            ("beta2", self.beta2),
            ("eps", self.eps),
            ("weight_decay", self.weight_decay),
            ("alpha", self.alpha),
        ] {
            finite(n, v);
        }
        if self.lr < 0.0 {
            e.push(format!("optimizer lr must not be negative, got {}", self.lr));
        }
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            e.push("nesterov momentum needs momentum > 0 and dampening 0 (as torch.optim)".into());
        }
        e
    }
}

/// Per-tensor state (step count, momentum buffer, first and second moments).
#[derive(Clone, Debug, Default, PartialEq)]
struct TensorState {
    /// Updates since this state was created (torch's `state['step']`).
    step: u64,
    /// The tensor's length when the state was created.
    len: usize,
    buf: Vec<f64>,
    m: Vec<f64>,
    v: Vec<f64>,
}

/// An optimizer with its state; [`Optimizer::step`] applies one update.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer {
    pub config: OptimizerConfig,
    /// Steps taken so far (each tensor also counts its own, for bias correction).
    pub t: u64,
    state: Vec<TensorState>,
}

impl Optimizer {
    pub fn new(config: OptimizerConfig) -> Optimizer {
        Optimizer {
            config,
            t: 0,
            state: Vec::new(),
        }
    }

    /// Forgets the state (momentum, moments, step count).
    pub fn reset(&mut self) {
        self.t = 0;
        self.state.clear();
    }

    /// Applies one update to every parameter of `net` from `grads`.
    pub fn step(&mut self, net: &mut Network, grads: &Gradients) {
        self.t += 1;
        let tensors = 2 * net.len();
        if self.state.len() != tensors {
            self.state = vec![TensorState::default(); tensors];
        }
        let c = self.config;
        for (i, ((w, b), g)) in net.params_mut().zip(&grads.layers).enumerate() {
            let (sw, sb) = self.state[2 * i..2 * i + 2].split_at_mut(1);
            update(&c, w, g.weights.as_slice(), &mut sw[0]);
            update(&c, b, g.bias.as_slice(), &mut sb[0]);
        }
    }
}

fn ensure(v: &mut Vec<f64>, n: usize) {
    if v.len() != n {
        v.clear();
        v.resize(n, 0.0);
    }
}

/// Runs an update loop over `n` elements, in the copy compiled for the CPU's vector
/// instructions when the tensor is large enough to repay choosing it (same results either way).
fn run_kernel<K: WithSimd<Output = ()>>(k: K, n: usize) {
    if n >= 64 {
        vectorized(k);
    } else {
        portable(k);
    }
}

/// `p -= lr (grad + wd p)` element by element (SGD without momentum).
struct SgdPlain<'a> {
    lr: f64,
    wd: f64,
    p: &'a mut [f64],
    grad: &'a [f64],
}

impl WithSimd for SgdPlain<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for (pv, &gv) in self.p.iter_mut().zip(self.grad) {
            *pv -= self.lr * (gv + self.wd * *pv);
        }
    }
}

/// The per-step constants of an Adam / AdamW update.
struct AdamStep {
    beta1: f64,
    beta2: f64,
    eps: f64,
    bc2_sqrt: f64,
    step_size: f64,
    decay: f64,
    wd: f64,
    decoupled: bool,
}

/// One Adam / AdamW step over a tensor, element by element exactly as torch's single-tensor
/// form (see the module comment), written as one loop over slices so it vectorises.
struct AdamElements<'a> {
    k: &'a AdamStep,
    p: &'a mut [f64],
    grad: &'a [f64],
    m: &'a mut [f64],
    v: &'a mut [f64],
}

impl WithSimd for AdamElements<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        adam_elements(self.k, self.p, self.grad, self.m, self.v);
    }
}

#[inline(always)]
fn adam_elements(k: &AdamStep, p: &mut [f64], grad: &[f64], m: &mut [f64], v: &mut [f64]) {
    for (((pv, &gv), mv), vv) in p.iter_mut().zip(grad).zip(m).zip(v) {
        let g = if k.decoupled {
            *pv *= k.decay;
            gv
        } else {
            gv + k.wd * *pv
        };
        *mv = k.beta1 * *mv + (1.0 - k.beta1) * g;
        *vv = k.beta2 * *vv + (1.0 - k.beta2) * g * g;
        let denom = vv.sqrt() / k.bc2_sqrt + k.eps;
        *pv -= k.step_size * *mv / denom;
    }
}

fn update(c: &OptimizerConfig, p: &mut [f64], grad: &[f64], s: &mut TensorState) {
    let n = p.len();
    if s.len != n || s.step == 0 {
        *s = TensorState {
            len: n,
            ..TensorState::default()
        };
    }
    s.step += 1;
    let t = s.step;
    let wd = c.weight_decay;
    match c.kind {
        OptimizerKind::Sgd => {
            // torch's `buf is None`: the first step with momentum (also when momentum is
            // switched on later) starts the buffer at g, without dampening.
            let first = s.buf.len() != n;
            if c.momentum != 0.0 {
                ensure(&mut s.buf, n);
            }
            if c.momentum == 0.0 {
                // The common case, as one vectorised loop: `p -= lr (grad + wd p)`.
                let grad = &grad[..n];
                run_kernel(SgdPlain { lr: c.lr, wd, p, grad }, n);
                return;
            }
            for i in 0..n {
                let mut g = grad[i] + wd * p[i];
                if c.momentum != 0.0 {
                    let b = if first {
                        g
                    } else {
                        c.momentum * s.buf[i] + (1.0 - c.dampening) * g
                    };
                    s.buf[i] = b;
                    g = if c.nesterov { g + c.momentum * b } else { b };
                }
                p[i] -= c.lr * g;
            }
        }
        OptimizerKind::Adam | OptimizerKind::Adamw => {
            ensure(&mut s.m, n);
            ensure(&mut s.v, n);
            let decoupled = c.kind == OptimizerKind::Adamw;
            let bc1 = 1.0 - c.beta1.powi(t as i32);
            let bc2_sqrt = (1.0 - c.beta2.powi(t as i32)).sqrt();
            let step_size = c.lr / bc1;
            let k = AdamStep {
                beta1: c.beta1,
                beta2: c.beta2,
                eps: c.eps,
                bc2_sqrt,
                step_size,
                // AdamW: `p *= 1 - lr wd` first, then `g = grad`; Adam: `g = grad + wd p`.
                decay: if decoupled { 1.0 - c.lr * wd } else { 1.0 },
                wd: if decoupled { 0.0 } else { wd },
                decoupled,
            };
            let (grad, m, v) = (&grad[..n], &mut s.m[..n], &mut s.v[..n]);
            run_kernel(AdamElements { k: &k, p, grad, m, v }, n);
        }
        OptimizerKind::Rmsprop => {
            ensure(&mut s.v, n);
            if c.momentum > 0.0 {
                ensure(&mut s.buf, n);
            }
            for i in 0..n {
                let g = grad[i] + wd * p[i];
                s.v[i] = c.alpha * s.v[i] + (1.0 - c.alpha) * g * g;
                let avg = s.v[i].sqrt() + c.eps;
                if c.momentum > 0.0 {
                    s.buf[i] = c.momentum * s.buf[i] + g / avg;
                    p[i] -= c.lr * s.buf[i];
                } else {
                    p[i] -= c.lr * g / avg;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every copy this CPU can run (AVX-512, AVX2, NEON, portable) gives the bits of the
    /// update written out element by element, for plain SGD and for Adam and AdamW.
    #[test]
    fn every_instruction_set_gives_the_same_updates() {
        let n = 301;
        let p0: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
        let g: Vec<f64> = (0..n).map(|i| (i as f64 * 0.11).cos() * 1e-2).collect();
        let m0: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).sin() * 1e-3).collect();
        let v0: Vec<f64> = (0..n).map(|i| (i as f64 * 0.3).cos().powi(2) * 1e-5).collect();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for level in crate::nn::simd::levels() {
            let (lr, wd) = (0.05, 1e-3);
            let mut p = p0.clone();
            level.run(SgdPlain {
                lr,
                wd,
                p: &mut p,
                grad: &g,
            });
            let want: Vec<f64> = p0.iter().zip(&g).map(|(&p, &g)| p - lr * (g + wd * p)).collect();
            assert_eq!(bits(&p), bits(&want), "SGD {level:?}");
            for decoupled in [false, true] {
                let k = AdamStep {
                    beta1: 0.9,
                    beta2: 0.999,
                    eps: 1e-8,
                    bc2_sqrt: (1.0 - 0.999f64.powi(3)).sqrt(),
                    step_size: 1e-3 / (1.0 - 0.9f64.powi(3)),
                    decay: 1.0 - 1e-3 * 1e-2,
                    wd: 1e-2,
                    decoupled,
                };
                let (mut p, mut m, mut v) = (p0.clone(), m0.clone(), v0.clone());
                level.run(AdamElements {
                    k: &k,
                    p: &mut p,
                    grad: &g,
                    m: &mut m,
                    v: &mut v,
                });
                let (mut wp, mut wm, mut wv) = (p0.clone(), m0.clone(), v0.clone());
                for i in 0..n {
                    let gi = if decoupled {
                        wp[i] *= k.decay;
                        g[i]
                    } else {
                        g[i] + k.wd * wp[i]
                    };
                    wm[i] = k.beta1 * wm[i] + (1.0 - k.beta1) * gi;
                    wv[i] = k.beta2 * wv[i] + (1.0 - k.beta2) * gi * gi;
                    wp[i] -= k.step_size * wm[i] / (wv[i].sqrt() / k.bc2_sqrt + k.eps);
                }
                assert_eq!(bits(&p), bits(&wp), "Adam p {decoupled} {level:?}");
                assert_eq!(bits(&m), bits(&wm), "Adam m {decoupled} {level:?}");
                assert_eq!(bits(&v), bits(&wv), "Adam v {decoupled} {level:?}");
            }
        }
    }
}
