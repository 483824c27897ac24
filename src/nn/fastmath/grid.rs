//! A picture-only forward pass in f32, for the decision-boundary heatmap.
//!
//! The heatmap needs the network's output at every pixel (40,000 for a 200 x 200 picture) every
//! frame, and nothing else: no trace, no gradient, and no 1e-9 agreement with PyTorch (a colour
//! cannot show a difference of 1e-5). So this path uses f32 (twice the numbers per vector
//! instruction) and lays each block of samples out feature by feature, so every loop runs along
//! the samples. **Never use it for a number that is shown or checked**: those come from the f64
//! passes in [`crate::nn::trace`].
//!
//! Samples are stored feature by feature: in a [`FeatureMajor32`] with `s` samples, feature `f`
//! of sample `j` is `data[f * s + j]`; the output uses the same layout.

use crate::nn::simd::{Simd, WithSimd, vectorized};
use crate::nn::{Activation, Network};

/// A batch of samples in f32, stored feature by feature (`data[f * samples + j]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeatureMajor32 {
    pub features: usize,
    pub samples: usize,
    pub data: Vec<f32>,
}

impl FeatureMajor32 {
    /// The samples of a column-per-sample f64 matrix (`features x samples`), rounded to f32.
    pub fn from_columns(x: &crate::nn::Matrix) -> FeatureMajor32 {
        let (features, samples) = x.shape();
        let mut data = vec![0.0; features * samples];
        for (j, col) in x.column_iter().enumerate() {
            for (f, &v) in col.iter().enumerate() {
                data[f * samples + j] = v as f32;
            }
        }
        FeatureMajor32 {
            features,
            samples,
            data,
        }
    }
}

/// Reusable buffers for [`forward_f32`]: nothing is allocated once they have their sizes.
#[derive(Clone, Debug, Default)]
pub struct GridBuffers {
    /// Every layer's weights (row by row) and then biases, in f32.
    params: Vec<f32>,
    /// Two blocks of activations, ping-pong.
    a: Vec<f32>,
    b: Vec<f32>,
}

/// Samples per block: a block's widest layer stays in the core's L1 cache.
const BLOCK: usize = 256;

/// The network's outputs for every sample of `x`, in f32, into `out` (`outputs x samples`,
/// feature by feature; resized as needed).
///
/// # Panics
/// If `x.features` is not the network's input count.
pub fn forward_f32(net: &Network, x: &FeatureMajor32, out: &mut Vec<f32>, bufs: &mut GridBuffers) {
    assert_eq!(
        x.features,
        net.inputs(),
        "forward_f32: the network has {} inputs",
        net.inputs()
    );
    let widest = net.layers().iter().map(|l| l.units()).fold(net.inputs(), usize::max);
    out.resize(net.outputs() * x.samples, 0.0);
    bufs.params.clear();
    for l in net.layers() {
        // Row by row: `w[u * inputs + i]`.
        for u in 0..l.units() {
            bufs.params.extend(l.weights.row(u).iter().map(|&w| w as f32));
        }
        bufs.params.extend(l.bias.iter().map(|&b| b as f32));
    }
    bufs.a.resize(widest * BLOCK, 0.0);
    bufs.b.resize(widest * BLOCK, 0.0);
    vectorized(Forward {
        net,
        x,
        out,
        params: &bufs.params,
        a: &mut bufs.a,
        b: &mut bufs.b,
    });
}

struct Forward<'a> {
    net: &'a Network,
    x: &'a FeatureMajor32,
    out: &'a mut [f32],
    params: &'a [f32],
    a: &'a mut [f32],
    b: &'a mut [f32],
}

impl WithSimd for Forward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Forward {
            net,
            x,
            out,
            params,
            mut a,
            mut b,
        } = self;
        let s = x.samples;
        let n_layers = net.len();
        for j0 in (0..s).step_by(BLOCK) {
            let blk = BLOCK.min(s - j0);
            // The block's input, feature by feature, into `a`.
            for f in 0..x.features {
                a[f * blk..][..blk].copy_from_slice(&x.data[f * s + j0..][..blk]);
            }
            let mut offset = 0;
            for (li, layer) in net.layers().iter().enumerate() {
                let (ins, units) = (layer.inputs(), layer.units());
                let w = &params[offset..offset + units * ins];
                let bias = &params[offset + units * ins..offset + units * ins + units];
                offset += units * ins + units;
                for u in 0..units {
                    let z = &mut b[u * blk..][..blk];
                    z.fill(bias[u]);
                    for i in 0..ins {
                        let wv = w[u * ins + i];
                        for (zv, &av) in z.iter_mut().zip(&a[i * blk..][..blk]) {
                            *zv += wv * av;
                        }
                    }
                }
                activate(layer.activation, &mut b[..units * blk], units, blk);
                if li + 1 == n_layers {
                    for u in 0..units {
                        out[u * s + j0..][..blk].copy_from_slice(&b[u * blk..][..blk]);
                    }
                }
                std::mem::swap(&mut a, &mut b);
            }
        }
    }
}

/// Applies an activation in place to `units` rows of `blk` samples.
#[inline(always)]
fn activate(act: Activation, z: &mut [f32], units: usize, blk: usize) {
    match act {
        Activation::Identity => {}
        Activation::Relu => z.iter_mut().for_each(|v| *v = v.max(0.0)),
        Activation::Tanh => z.iter_mut().for_each(|v| *v = tanh_f32(*v)),
        Activation::Sigmoid => z.iter_mut().for_each(|v| *v = sigmoid_f32(*v)),
        Activation::Softmax => {
            for j in 0..blk {
                let m = (0..units).map(|u| z[u * blk + j]).fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0;
                for u in 0..units {
                    let e = exp_f32(z[u * blk + j] - m);
                    z[u * blk + j] = e;
                    sum += e;
                }
                for u in 0..units {
                    z[u * blk + j] /= sum;
                }
            }
        }
        other => z.iter_mut().for_each(|v| *v = other.value(f64::from(*v)) as f32),
    }
}

/// `(e^r - 1, 2^k)` with `x = k ln 2 + r`, for `x` in `[-87, 88]` (f32's range); the Taylor series
/// to `r^7` is within 5e-9 of `e^r - 1`, below f32's rounding.
#[inline(always)]
fn expm1_parts(x: f32) -> (f32, f32) {
    const LN2_HI: f32 = 6.931_457_5e-1;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const SHIFT: f32 = 12_582_912.0; // 1.5 * 2^23
    let x = x.clamp(-87.0, 88.0);
    let t = x * std::f32::consts::LOG2_E + SHIFT;
    let k = t - SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let scale = f32::from_bits(t.to_bits().wrapping_add(127) << 23);
    let r2 = r * r;
    let q = (0.5 + r * (1.0 / 6.0)) + r2 * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0 + r * (1.0 / 5040.0)));
    (r + r2 * q, scale)
}

/// `e^x` in f32 (0 below -87).
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let (p, s) = expm1_parts(x);
    if x < -87.0 { 0.0 } else { s * p + s }
}

/// `tanh` in f32, within a few f32 ulp.
#[inline(always)]
pub fn tanh_f32(z: f32) -> f32 {
    let (p, s) = expm1_parts(2.0 * z.abs().min(9.0));
    let em = s * p + (s - 1.0);
    (em / (em + 2.0)).copysign(z)
}

/// The logistic function in f32, stable for any finite input.
#[inline(always)]
pub fn sigmoid_f32(z: f32) -> f32 {
    let e = exp_f32(-z.abs());
    let num = if z >= 0.0 { 1.0 } else { e };
    num / (1.0 + e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::init::{Init, init_network};
    use crate::nn::trace::forward;

    #[test]
    fn f32_functions_are_close_to_f64() {
        for i in -40_000..=40_000 {
            let z = i as f64 * 5e-4;
            let zf = z as f32;
            assert!((f64::from(tanh_f32(zf)) - z.tanh()).abs() < 2e-7, "tanh {z}");
            assert!(
                (f64::from(sigmoid_f32(zf)) - 1.0 / (1.0 + (-z).exp())).abs() < 2e-7,
                "sigmoid {z}"
            );
        }
        assert_eq!(tanh_f32(-0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(tanh_f32(1e4), 1.0);
        assert_eq!(sigmoid_f32(-1e4), 0.0);
        assert_eq!(sigmoid_f32(1e4), 1.0);
    }

    /// The picture path agrees with the exact f64 forward pass to what a colour can show.
    #[test]
    fn forward_f32_matches_the_f64_pass() {
        for (widths, hidden, output) in [
            (vec![2, 8, 8, 1], Activation::Tanh, Activation::Sigmoid),
            (vec![2, 16, 16, 3], Activation::Relu, Activation::Softmax),
            (vec![3, 5, 2], Activation::Gelu, Activation::Identity),
        ] {
            let net = init_network(&widths, hidden, output, Init::XavierUniform, 4).unwrap();
            let n = 700;
            let x = crate::nn::Matrix::from_fn(widths[0], n, |i, j| ((i * 31 + j * 17) % 97) as f64 / 48.0 - 1.0);
            let exact = forward(&net, &x);
            let mut out = Vec::new();
            forward_f32(
                &net,
                &FeatureMajor32::from_columns(&x),
                &mut out,
                &mut GridBuffers::default(),
            );
            let k = net.outputs();
            for j in 0..n {
                for o in 0..k {
                    let d = (f64::from(out[o * n + j]) - exact.output()[(o, j)]).abs();
                    assert!(d < 1e-5, "{widths:?} output {o} sample {j}: off by {d}");
                }
            }
        }
    }

    /// Every copy this CPU can run (AVX-512, AVX2, NEON, portable) gives the same f32 bits:
    /// the picture does not depend on the CPU.
    #[test]
    fn every_instruction_set_gives_the_same_picture() {
        let net = init_network(
            &[2, 8, 8, 3],
            Activation::Tanh,
            Activation::Softmax,
            Init::XavierUniform,
            9,
        )
        .unwrap();
        let n = 600;
        let x = crate::nn::Matrix::from_fn(2, n, |i, j| ((i * 37 + j * 13) % 101) as f64 / 25.0 - 2.0);
        let x = FeatureMajor32::from_columns(&x);
        // The dispatched pass (the widest level), which also leaves the f32 weights in `bufs`.
        let (mut want, mut bufs) = (Vec::new(), GridBuffers::default());
        forward_f32(&net, &x, &mut want, &mut bufs);
        for level in crate::nn::simd::levels() {
            let (mut a, mut b) = (vec![0.0; 8 * BLOCK], vec![0.0; 8 * BLOCK]);
            let mut got = vec![f32::NAN; 3 * n];
            level.run(Forward {
                net: &net,
                x: &x,
                out: &mut got,
                params: &bufs.params,
                a: &mut a,
                b: &mut b,
            });
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{level:?}");
        }
    }
}
