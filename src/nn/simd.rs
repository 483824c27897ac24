//! The one run-time choice of vector instructions for the engine's hot loops, on every target.
//!
//! A loop to speed up is written once, as plain scalar Rust, in a type implementing
//! [`WithSimd`] whose `with_simd` is `#[inline(always)]` (and so are the functions it calls).
//! [`vectorized`] runs it in a copy compiled for the best instruction set this CPU has, picked
//! at run time with the `pulp` crate's feature detection: AVX-512 (x86-64-v4), AVX2 with FMA
//! (x86-64-v3) or SSE4.2 (x86-64-v2) on x86-64, NEON on 64-bit ARM; the compiler vectorises the
//! loop for it. Elsewhere it runs the portable copy (SSE2 on x86-64; the browser's wasm32, with
//! SIMD128 when the page is built with it). Every 64-bit ARM CPU has NEON, so there the portable
//! copy is NEON code as well. No code of this crate is `unsafe`: `pulp` proves the CPU's
//! features before it calls a copy.
//!
//! # Capping the level: `MLP_SIMD`
//! The environment variable `MLP_SIMD` caps the level, so that the copy a student's laptop
//! runs can be measured and tested on a wider CPU: `portable` (also `scalar`), `sse`, `avx2`,
//! `avx512` (also `neon` on ARM, which is its widest). The engine runs the widest level this CPU
//! has that is not above the cap; an unknown value caps nothing. It is read once, on the first
//! vectorised loop of the process (the one environment read in `nn`, which does no file IO);
//! [`level`] tells which level runs and [`cap_note`] what the variable said.
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
use std::sync::OnceLock;

/// The environment variable that caps the level (see the module comment).
pub const CAP_VAR: &str = "MLP_SIMD";

/// Runs `k` in the copy compiled for the chosen instruction set ([`level`]: the best of this
/// CPU, capped by `MLP_SIMD`). The choice is made once, so a call costs a load and a branch.
#[inline]
pub fn vectorized<K: WithSimd>(k: K) -> K::Output {
    level().run(k)
}

/// Runs `k` in the portable copy: for loops too short to repay the choice of a copy (the
/// numbers are the same).
#[inline(always)]
pub fn portable<K: WithSimd>(k: K) -> K::Output {
    k.with_simd(pulp::Scalar::new())
}

/// One instruction set that a kernel can be run with; [`levels`] lists those of this CPU.
#[derive(Clone, Copy, Debug)]
pub enum Level {
    /// The portable copy (SSE2 on x86-64, NEON on 64-bit ARM, whatever the target has).
    Portable,
    /// SSE4.2 (x86-64-v2).
    #[cfg(target_arch = "x86_64")]
    Sse(pulp::x86::V2),
    /// AVX2 with FMA (x86-64-v3).
    #[cfg(target_arch = "x86_64")]
    Avx2(pulp::x86::V3),
    /// AVX-512 (x86-64-v4).
    #[cfg(target_arch = "x86_64")]
    Avx512(pulp::x86::V4),
    /// NEON on 64-bit ARM.
    #[cfg(target_arch = "aarch64")]
    Neon(pulp::aarch64::Neon),
}

impl Level {
    /// Runs `k` in this level's copy.
    #[inline(always)]
    pub fn run<K: WithSimd>(self, k: K) -> K::Output {
        match self {
            Level::Portable => portable(k),
            #[cfg(target_arch = "x86_64")]
            Level::Sse(s) => Simd::vectorize(s, k),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2(s) => Simd::vectorize(s, k),
            #[cfg(target_arch = "x86_64")]
            Level::Avx512(s) => Simd::vectorize(s, k),
            #[cfg(target_arch = "aarch64")]
            Level::Neon(s) => Simd::vectorize(s, k),
        }
    }

    /// The level's name, as `MLP_SIMD` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Portable => "portable",
            #[cfg(target_arch = "x86_64")]
            Level::Sse(_) => "sse",
            #[cfg(target_arch = "x86_64")]
            Level::Avx2(_) => "avx2",
            #[cfg(target_arch = "x86_64")]
            Level::Avx512(_) => "avx512",
            #[cfg(target_arch = "aarch64")]
            Level::Neon(_) => "neon",
        }
    }

    /// Rank in width: portable 0, SSE 1, AVX2 and NEON 2, AVX-512 3.
    fn rank(self) -> u8 {
        rank_of(self.name()).unwrap_or(0)
    }
}

/// The rank of a level's name (see [`Level::rank`]), or `None` for a name no level has.
fn rank_of(name: &str) -> Option<u8> {
    match name {
        "portable" | "scalar" => Some(0),
        "sse" => Some(1),
        "avx2" | "neon" => Some(2),
        "avx512" => Some(3),
        _ => None,
    }
}

/// Every level this CPU can run, the portable one first, narrowest to widest.
pub fn levels() -> Vec<Level> {
    #[allow(unused_mut)]
    let mut v = vec![Level::Portable];
    #[cfg(target_arch = "x86_64")]
    {
        v.extend(pulp::x86::V2::try_new().map(Level::Sse));
        v.extend(pulp::x86::V3::try_new().map(Level::Avx2));
        v.extend(pulp::x86::V4::try_new().map(Level::Avx512));
    }
    #[cfg(target_arch = "aarch64")]
    v.extend(pulp::aarch64::Neon::try_new().map(Level::Neon));
    v
}

/// The widest of `available` (ordered narrowest first) not above the cap `cap` (a value of
/// `MLP_SIMD`; `None`, or a name no level has, caps nothing).
fn choose(available: &[Level], cap: Option<&str>) -> Level {
    let cap = cap
        .and_then(|c| rank_of(c.trim().to_ascii_lowercase().as_str()))
        .unwrap_or(u8::MAX);
    available
        .iter()
        .copied()
        .rfind(|l| l.rank() <= cap)
        .unwrap_or(Level::Portable)
}

/// The level and what `MLP_SIMD` said, fixed on first use.
static CHOSEN: OnceLock<(Level, Option<String>)> = OnceLock::new();

fn chosen() -> &'static (Level, Option<String>) {
    CHOSEN.get_or_init(|| {
        let cap = std::env::var(CAP_VAR).ok();
        (choose(&levels(), cap.as_deref()), cap)
    })
}

/// The level [`vectorized`] runs: the widest of this CPU, capped by `MLP_SIMD`.
#[inline]
pub fn level() -> Level {
    chosen().0
}

/// What `MLP_SIMD` said, for a report: `None` when unset, else the value and whether it was
/// understood (e.g. `"avx2"` or `"avx3 (not a level: ignored)"`).
pub fn cap_note() -> Option<String> {
    chosen().1.as_ref().map(|c| {
        if rank_of(c.trim().to_ascii_lowercase().as_str()).is_some() {
            c.clone()
        } else {
            format!("{c} (not a level: ignored)")
        }
    })
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

    /// The dispatch runs the chosen level: the widest this CPU has unless `MLP_SIMD` caps it.
    /// The f64 lanes of each level are 8 for AVX-512, 4 for AVX2, 2 for SSE and NEON and 1
    /// for the portable copy.
    #[test]
    fn vectorized_runs_the_chosen_level() {
        let all = levels();
        let cap = std::env::var(CAP_VAR).ok();
        assert_eq!(vectorized(Lanes), choose(&all, cap.as_deref()).run(Lanes));
        assert_eq!(vectorized(Lanes), level().run(Lanes));
        if cap.is_none() {
            assert_eq!(level().name(), all.last().expect("portable is always there").name());
        }
        let lanes: Vec<usize> = all.iter().map(|l| l.run(Lanes)).collect();
        let want: Vec<usize> = all
            .iter()
            .map(|l| match l {
                Level::Portable => 1,
                #[cfg(target_arch = "x86_64")]
                Level::Sse(_) => 2,
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
            assert_eq!(all.len(), 4, "this CPU has AVX-512: all four x86-64 levels run");
        }
    }

    /// A cap picks the widest level not above it; no cap, or an unknown name, caps nothing;
    /// names are read without regard to case or surrounding spaces.
    #[test]
    fn the_cap_picks_the_widest_level_not_above_it() {
        let all = levels();
        let widest = all.last().expect("portable is always there").name();
        assert_eq!(choose(&all, None).name(), widest);
        assert_eq!(choose(&all, Some("avx3")).name(), widest);
        assert_eq!(choose(&all, Some("")).name(), widest);
        assert_eq!(choose(&all, Some("portable")).name(), "portable");
        assert_eq!(choose(&all, Some(" Scalar ")).name(), "portable");
        // Every level this CPU has is reachable by its own name.
        for l in &all {
            assert_eq!(choose(&all, Some(l.name())).name(), l.name());
            assert_eq!(choose(&all, Some(&l.name().to_uppercase())).name(), l.name());
        }
        // Without the capped level, the next narrower one runs.
        assert_eq!(choose(&all[..1], Some("avx512")).name(), "portable");
    }
}
