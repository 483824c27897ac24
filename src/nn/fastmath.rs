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
//! any x86-64 CPU and any other target. The slice functions pick, at run time, a copy compiled
//! for AVX-512 or AVX2 when the CPU has it (the default target is baseline x86-64 with SSE2).

/// `ln 2` split so that `k * LN2_HI` is exact for the `k` used here (fdlibm's constants).
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
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

/// Defines a public slice function `out[i] = f(inp[i])` that runs a copy of the loop compiled
/// for AVX-512 or AVX2 when the CPU has it, and the baseline copy otherwise.
macro_rules! slice_fn {
    ($(#[$doc:meta])* $name:ident => $f:ident) => {
        $(#[$doc])*
        pub fn $name(inp: &[f64], out: &mut [f64]) {
            #[inline(always)]
            fn body(inp: &[f64], out: &mut [f64]) {
                for (o, &z) in out.iter_mut().zip(inp) {
                    *o = $f(z);
                }
            }
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx2,fma")]
                fn avx512(inp: &[f64], out: &mut [f64]) {
                    body(inp, out)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2(inp: &[f64], out: &mut [f64]) {
                    body(inp, out)
                }
                match simd_level() {
                    // SAFETY: `simd_level` reported that this CPU has the features the copy
                    // was compiled for; the copy itself is safe code.
                    #[allow(unsafe_code)]
                    SimdLevel::Avx512 => return unsafe { avx512(inp, out) },
                    #[allow(unsafe_code)]
                    SimdLevel::Avx2 => return unsafe { avx2(inp, out) },
                    SimdLevel::Baseline => {}
                }
            }
            body(inp, out)
        }
    };
}

/// Which copy of a vectorised loop this CPU can run.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SimdLevel {
    Avx512,
    Avx2,
    Baseline,
}

/// The best [`SimdLevel`] of this CPU (the detection is cached by the standard library).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn simd_level() -> SimdLevel {
    if std::arch::is_x86_feature_detected!("avx512f") {
        SimdLevel::Avx512
    } else if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        SimdLevel::Avx2
    } else {
        SimdLevel::Baseline
    }
}

slice_fn! {
    /// `out[i] = tanh(inp[i])` (see [`tanh`]).
    tanh_slice => tanh
}

slice_fn! {
    /// `out[i] = 1 / (1 + e^-inp[i])` (see [`sigmoid`]).
    sigmoid_slice => sigmoid
}

slice_fn! {
    /// `out[i] = e^inp[i]` (see [`exp`]).
    exp_slice => exp
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

    /// The dispatched slice loops give exactly the scalar functions' bits, whichever copy runs.
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
}
