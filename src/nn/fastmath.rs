//! Slice-wise maths for the hot paths: `exp`, `expm1`, `tanh` and the logistic function written
//! so the compiler vectorises them, and evaluated over whole buffers.
//!
//! # Accuracy
//! Every function here stays within a few units in the last place of the exact value (relative
//! error below 1e-15 for `exp`, `expm1`, `tanh` and the logistic function, except where the
//! value is subnormal or flushed to zero), far inside the 1e-9 agreement with PyTorch that every number shown to a student
//! needs. The unit tests compare them with the standard library over `|z|` up to 1e4, tiny `z`
//! and signed zeros. Finite input never gives NaN; NaN input is not propagated (it gives a finite
//! number), which the engine never relies on.
//!
//! # Why not `f64::tanh`
//! The platform's scalar `tanh` is an opaque library call of roughly 20 ns; a decision-boundary
//! picture needs hundreds of thousands per frame. The forms below are branchless (range
//! reduction `x = k ln 2 + r`, a polynomial for `e^r - 1`, `2^k` built from bits), so a loop over
//! a slice becomes SIMD code.
//!
//! # Same answer everywhere
//! No fused multiply-add is used and the slice loops evaluate exactly the scalar functions, so
//! a value is bit-for-bit the same whether it comes from [`tanh`] or from [`tanh_slice`], on
//! any CPU and any target. The slice functions run in the copy compiled for the CPU's vector
//! instructions (AVX-512, AVX2, NEON or none), picked at run time by [`crate::nn::simd`].
//!
//! [`grid`] is the one f32 path: a picture-only forward pass for the decision-boundary heatmap.

pub mod grid;

use super::simd::{Simd, WithSimd, vectorized};

/// `ln 2` split so that `k * LN2_HI` is exact for the `k` used here (fdlibm's constants).
const LN2_HI: f64 = 0.693_147_180_369_123_8; // bits 0x3fe62e42fee00000
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10; // bits 0x3dea39ef35793c76
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// `1.5 * 2^52`: adding it rounds to an integer and leaves that integer in the low mantissa bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;
/// Below this, `exp` is flushed to zero (exp(-708.39) is the smallest normal number).
const EXP_MIN: f64 = -708.0;
/// Above this `exp` overflows.
const EXP_MAX: f64 = 709.0;
/// `tanh(20) = 1 - 8.5e-18`, which rounds to 1; clamping keeps `expm1` finite.
const TANH_SAT: f64 = 20.0;

/// `e^r - 1` for `|r| <= ln(2) / 2`: the Taylor series to `r^13`, whose remainder is below
/// 1.2e-17 relative. Evaluated as `r + r^2 q(r)` with `q` of degree 11 by Estrin's scheme
/// (pairs, then powers `r^2`, `r^4`, `r^8`), so the dependency chain is short and a CPU can
/// overlap many elements.
#[inline(always)]
fn expm1_poly(r: f64) -> f64 {
    const C: [f64; 12] = [
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let p01 = C[0] + C[1] * r;
    let p23 = C[2] + C[3] * r;
    let p45 = C[4] + C[5] * r;
    let p67 = C[6] + C[7] * r;
    let p89 = C[8] + C[9] * r;
    let pab = C[10] + C[11] * r;
    let p03 = p01 + p23 * r2;
    let p47 = p45 + p67 * r2;
    let p8b = p89 + pab * r2;
    let q = (p03 + p47 * r4) + p8b * r8;
    r + r2 * q
}

/// Splits `x` (already clamped to `[EXP_MIN, EXP_MAX]`) into `r` and `2^k` with
/// `x = k ln 2 + r`, `|r| <= ln(2) / 2 + tiny`.
#[inline(always)]
fn reduce(x: f64) -> (f64, f64) {
    let t = x * LOG2_E + SHIFT;
    let k = t - SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // The low bits of `t` hold `k` (two's complement); adding the bias and shifting it into the
    // exponent field gives 2^k exactly, for -1022 <= k <= 1023.
    let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    (r, scale)
}

/// `e^x`, relative error below 1e-15; 0 below -708, `f64::MAX`-ish above 709 (never infinite).
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let xc = x.clamp(EXP_MIN, EXP_MAX);
    let (r, s) = reduce(xc);
    let e = s * expm1_poly(r) + s;
    if x < EXP_MIN { 0.0 } else { e }
}

/// `e^x - 1`, accurate also for tiny `x`; for `x` in `[-708, 709]` (clamped outside).
#[inline(always)]
pub fn expm1(x: f64) -> f64 {
    let (r, s) = reduce(x.clamp(EXP_MIN, EXP_MAX));
    s * expm1_poly(r) + (s - 1.0)
}

/// `tanh(z) = sign(z) (e^{2|z|} - 1) / (e^{2|z|} + 1)`, relative error below 1e-15;
/// `tanh(-0) = -0`, exactly ±1 for `|z| >= 20`.
#[inline(always)]
pub fn tanh(z: f64) -> f64 {
    let a = z.abs().min(TANH_SAT);
    let em = expm1(2.0 * a);
    (em / (em + 2.0)).copysign(z)
}

/// The logistic function `1 / (1 + e^-z)`, stable for any finite `z`: with `e = e^{-|z|}` it is
/// `1 / (1 + e)` for `z >= 0` and `e / (1 + e)` below.
#[inline(always)]
pub fn sigmoid(z: f64) -> f64 {
    let e = exp(-z.abs());
    let num = if z >= 0.0 { 1.0 } else { e };
    num / (1.0 + e)
}

/// A function of one number, named by a type so a loop over it is compiled into each copy.
trait Unary {
    fn apply(z: f64) -> f64;
}

/// `out[i] = U::apply(inp[i])`, run through [`vectorized`].
struct Map<'a, U: Unary> {
    inp: &'a [f64],
    out: &'a mut [f64],
    f: std::marker::PhantomData<U>,
}

impl<U: Unary> WithSimd for Map<'_, U> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for (o, &z) in self.out.iter_mut().zip(self.inp) {
            *o = U::apply(z);
        }
    }
}

/// Defines a public slice function `out[i] = f(inp[i])`, run through [`vectorized`].
macro_rules! slice_fn {
    ($(#[$doc:meta])* $name:ident => $f:ident, $marker:ident) => {
        struct $marker;
        impl Unary for $marker {
            #[inline(always)]
            fn apply(z: f64) -> f64 {
                $f(z)
            }
        }
        $(#[$doc])*
        pub fn $name(inp: &[f64], out: &mut [f64]) {
            vectorized(Map::<$marker> { inp, out, f: std::marker::PhantomData });
        }
    };
}

/// Whether every number in `v` is finite (no NaN, no infinity), checked with integer masks so
/// the loop vectorises.
pub fn all_finite(v: &[f64]) -> bool {
    const EXP: u64 = 0x7ff0_0000_0000_0000;
    v.chunks(64)
        .all(|c| c.iter().fold(0u64, |bad, x| bad | u64::from(x.to_bits() & EXP == EXP)) == 0)
}

slice_fn! {
    /// `out[i] = tanh(inp[i])` (see [`tanh`]).
    tanh_slice => tanh, TanhFn
}

slice_fn! {
    /// `out[i] = 1 / (1 + e^-inp[i])` (see [`sigmoid`]).
    sigmoid_slice => sigmoid, SigmoidFn
}

slice_fn! {
    /// `out[i] = e^inp[i]` (see [`exp`]).
    exp_slice => exp, ExpFn
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test points: a dense grid over [-25, 25], powers of ten from 1e-300 to 1e4 and their
    /// negatives, signed zeros, and the ends of the f64 range.
    fn points() -> Vec<f64> {
        let mut v: Vec<f64> = (-50_000..=50_000).map(|i| i as f64 * 5e-4).collect();
        for e in -300..=4 {
            for m in [1.0, 1.7, 3.3, 7.9] {
                let x = m * 10f64.powi(e);
                v.push(x);
                v.push(-x);
            }
        }
        v.extend([0.0, -0.0, 1e4, -1e4, 709.5, -709.5, 745.0, -745.0, f64::MAX, f64::MIN]);
        v.extend([f64::MIN_POSITIVE, -f64::MIN_POSITIVE, 5e-324, -5e-324]);
        v
    }

    fn rel(got: f64, want: f64) -> f64 {
        if got == want { 0.0 } else { ((got - want) / want).abs() }
    }

    #[test]
    fn tanh_matches_std_to_a_few_ulp() {
        let mut worst = (0.0, 0.0);
        for z in points() {
            let (got, want) = (tanh(z), z.tanh());
            assert!(got.is_finite(), "tanh({z}) = {got}");
            assert!((got - want).abs() <= 1e-15, "tanh({z}) = {got}, std {want}");
            let r = rel(got, want);
            if r > worst.0 {
                worst = (r, z);
            }
        }
        assert!(worst.0 < 1e-15, "worst relative error {} at {}", worst.0, worst.1);
        assert_eq!(tanh(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(1e4), 1.0);
        assert_eq!(tanh(-1e4), -1.0);
        assert_eq!(tanh(1e-300), 1e-300);
    }

    #[test]
    fn exp_and_expm1_match_std() {
        for x in points() {
            let got = exp(x);
            assert!(got.is_finite(), "exp({x}) = {got}");
            if (-700.0..=700.0).contains(&x) {
                let want = x.exp();
                assert!(rel(got, want) < 1e-15, "exp({x}) = {got}, std {want}");
                let (g1, w1) = (expm1(x), x.exp_m1());
                assert!(rel(g1, w1) < 1e-15, "expm1({x}) = {g1}, std {w1}");
            }
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-1e4), 0.0);
        assert_eq!(expm1(0.0), 0.0);
    }

    #[test]
    fn sigmoid_matches_the_stable_std_form() {
        let reference = |z: f64| {
            if z >= 0.0 {
                1.0 / (1.0 + (-z).exp())
            } else {
                let e = z.exp();
                e / (1.0 + e)
            }
        };
        for z in points() {
            let (got, want) = (sigmoid(z), reference(z));
            assert!(got.is_finite(), "sigmoid({z}) = {got}");
            assert!((got - want).abs() <= 1e-15, "sigmoid({z}) = {got}, std {want}");
            if want > 1e-300 {
                assert!(rel(got, want) < 1e-15, "sigmoid({z}) = {got}, std {want}");
            }
        }
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(1e4), 1.0);
        assert_eq!(sigmoid(-1e4), 0.0);
    }

    /// The split of ln 2 is fdlibm's, bit for bit, and sums to ln 2.
    #[test]
    fn ln2_split_is_exact() {
        assert_eq!(LN2_HI.to_bits(), 0x3fe6_2e42_fee0_0000);
        assert_eq!(LN2_LO.to_bits(), 0x3dea_39ef_3579_3c76);
        assert_eq!(LN2_HI + LN2_LO, std::f64::consts::LN_2);
    }

    #[test]
    fn all_finite_finds_every_non_finite_value() {
        let mut v = vec![1.0; 300];
        assert!(all_finite(&v));
        assert!(all_finite(&[]));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for i in [0, 63, 64, 299] {
                v[i] = bad;
                assert!(!all_finite(&v), "{bad} at {i}");
                v[i] = f64::MAX;
                assert!(all_finite(&v));
            }
        }
    }

    /// The dispatched slice loops give exactly the scalar functions' bits.
    #[test]
    fn slices_equal_scalars_bit_for_bit() {
        let inp = points();
        let mut out = vec![0.0; inp.len()];
        for (slice, scalar) in [
            (tanh_slice as fn(&[f64], &mut [f64]), tanh as fn(f64) -> f64),
            (sigmoid_slice, sigmoid),
            (exp_slice, exp),
        ] {
            slice(&inp, &mut out);
            for (&z, &o) in inp.iter().zip(&out) {
                assert_eq!(o.to_bits(), scalar(z).to_bits(), "at {z}");
            }
        }
    }

    /// Every copy this CPU can run (AVX-512, AVX2, NEON, portable) gives the scalar
    /// functions' bits.
    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        fn check<U: Unary>(inp: &[f64], scalar: fn(f64) -> f64) {
            for level in crate::nn::simd::levels() {
                let mut got = vec![f64::NAN; inp.len()];
                level.run(Map::<U> {
                    inp,
                    out: &mut got,
                    f: std::marker::PhantomData,
                });
                for (&z, g) in inp.iter().zip(&got) {
                    assert_eq!(g.to_bits(), scalar(z).to_bits(), "{level:?} at {z}");
                }
            }
        }
        let inp = points();
        check::<TanhFn>(&inp, tanh);
        check::<SigmoidFn>(&inp, sigmoid);
        check::<ExpFn>(&inp, exp);
    }
}
