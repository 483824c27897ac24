//! The one run-time choice of vector instructions for the engine's hot loops, on every target.
//!
//! A loop to speed up is written once, as plain scalar Rust, in a type implementing
//! [`WithSimd`] whose `with_simd` is `#[inline(always)]` (and so are the functions it calls).
//! [`vectorized`] runs it in a copy compiled for the best instruction set this CPU has, picked
//! at run time by the `pulp` crate: AVX-512 (x86-64-v4) or AVX2 with FMA (x86-64-v3) on x86-64,
//! NEON on 64-bit ARM; the compiler vectorises the loop for it. Elsewhere, and on x86-64 CPUs
//! without AVX2, it runs the portable copy (SSE2 on x86-64; the browser's wasm32 without SIMD).
//! Every 64-bit ARM CPU has NEON, so there the portable copy is NEON code as well.
//! No code of this crate is `unsafe`: `pulp` proves the CPU's features before it calls a copy.
//!
//! # Same numbers in every copy
//! The loops use no fused multiply-add (Rust never contracts `a * b + c` into one, whatever
//! the instruction set), so a copy changes how many numbers one instruction handles, not the
//! arithmetic: every copy gives the same bits, which the tests check on every level this CPU
//! can run ([`levels`]).
//!
//! The matrix product ([`crate::nn::linalg`]) also reads the chosen level's vector width
//! (`S::F64_LANES`) to pick its tile shape.

pub use pulp::{Simd, WithSimd};

/// Runs `k` in the copy compiled for the best instruction set of this CPU (see the module
/// comment). The feature detection behind it is cached, so a call costs two relaxed loads.
#[inline]
pub fn vectorized<K: WithSimd>(k: K) -> K::Output {
    pulp::Arch::new().dispatch(k)
}

/// Runs `k` in the portable copy: for loops too short to repay the choice of a copy (the
/// numbers are the same).
#[inline(always)]
pub fn portable<K: WithSimd>(k: K) -> K::Output {
    k.with_simd(pulp::Scalar::new())
}

/// One instruction set that a kernel can be run with; [`levels`] lists those of this CPU.
#[cfg(test)]
#[derive(Clone, Copy, Debug)]
pub(crate) enum Level {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2(pulp::x86::V3),
    #[cfg(target_arch = "x86_64")]
    Avx512(pulp::x86::V4),
    #[cfg(target_arch = "aarch64")]
    Neon(pulp::aarch64::Neon),
}

#[cfg(test)]
impl Level {
    /// Runs `k` in this level's copy.
    pub(crate) fn run<K: WithSimd>(self, k: K) -> K::Output {
        match self {
            Level::Portable => portable(k),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2(s) => Simd::vectorize(s, k),
            #[cfg(target_arch = "x86_64")]
            Level::Avx512(s) => Simd::vectorize(s, k),
            #[cfg(target_arch = "aarch64")]
            Level::Neon(s) => Simd::vectorize(s, k),
        }
    }
}

/// Every level this CPU can run, the portable one first.
#[cfg(test)]
pub(crate) fn levels() -> Vec<Level> {
    #[allow(unused_mut)]
    let mut v = vec![Level::Portable];
    #[cfg(target_arch = "x86_64")]
    {
        v.extend(pulp::x86::V3::try_new().map(Level::Avx2));
        v.extend(pulp::x86::V4::try_new().map(Level::Avx512));
    }
    #[cfg(target_arch = "aarch64")]
    v.extend(pulp::aarch64::Neon::try_new().map(Level::Neon));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports the lanes of the copy it runs in.
    struct Lanes;
    impl WithSimd for Lanes {
        type Output = usize;
        #[inline(always)]
        fn with_simd<S: Simd>(self, _: S) -> usize {
            S::F64_LANES
        }
    }

    /// The dispatch picks the widest level this CPU has: the last of [`levels`], whose f64
    /// lanes are 8 for AVX-512, 4 for AVX2, 2 for NEON and 1 for the portable copy.
    #[test]
    fn vectorized_runs_the_widest_level_of_this_cpu() {
        let all = levels();
        let widest = *all.last().expect("the portable level is always there");
        assert_eq!(vectorized(Lanes), widest.run(Lanes));
        let lanes: Vec<usize> = all.iter().map(|l| l.run(Lanes)).collect();
        let want: Vec<usize> = all
            .iter()
            .map(|l| match l {
                Level::Portable => 1,
                #[cfg(target_arch = "x86_64")]
                Level::Avx2(_) => 4,
                #[cfg(target_arch = "x86_64")]
                Level::Avx512(_) => 8,
                #[cfg(target_arch = "aarch64")]
                Level::Neon(_) => 2,
            })
            .collect();
        assert_eq!(lanes, want);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512cd")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            assert_eq!(all.len(), 3, "this CPU has AVX-512: all three x86-64 levels run");
        }
    }
}
