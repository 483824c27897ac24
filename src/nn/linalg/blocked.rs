//! The register-blocked product for everything above the tiny loops. Safe Rust except for two
//! audited `unsafe` calls of the `#[target_feature]` copies of the tile loop and the short
//! product (in the `simd_isa!` macro, each `#[allow(unsafe_code)]` against the crate-wide
//! deny), made only through an `Isa` value that exists after the CPU was found to have the
//! features.
//!
//! C is computed in tiles of `8 MV x NR` (16 x 8 with AVX-512, 8 x 4 with AVX2, 8 x 2
//! otherwise; 8 rows for products of at most 8 rows; one column for products of one column,
//! and a product of one row is computed as its transpose) held in registers while `k` runs
//! through chunks of [`KC`]. Only the tile loop is compiled per instruction set (one function
//! per tile shape: the compiler keeps a tile's accumulators in registers only when the
//! function holds that one loop); the copy for the CPU is picked at run time. `op(A)` is read
//! in place when its columns are contiguous and its rows fill whole tiles, and a panel of
//! `op(B)` when it is whole; otherwise they are copied (zero-padded) into per-thread buffers,
//! allocated on a thread's first product and reused after, so a warm product allocates
//! nothing. Products of at most 8 rows and depth `SHORT_K` (a narrow first layer over a grid)
//! skip the tiles: one pass over the columns, one vector per column.
//!
//! Every element of C adds its products `op(A)[i, p] op(B)[p, j]` in order of `p` within each
//! chunk of [`KC`], starting from zero, and no fused multiply-add is used, so the result does
//! not depend on the CPU; with `alpha = 1`, `beta = 0` and `k <= KC` it is exactly the sum in
//! order of `p`, the same as the tiny loops give.

use super::Operand;
#[cfg(target_arch = "x86_64")]
use crate::nn::fastmath::{SimdLevel, simd_level};
use std::cell::RefCell;

/// Depth of a chunk of `k`: a `16 x KC` block of A is 32 KiB, a `KC x 8` panel of B 16 KiB.
pub(super) const KC: usize = 256;

/// The per-thread copies of `op(A)` and of a panel of `op(B)`.
#[derive(Default)]
struct Buffers {
    a: Vec<f64>,
    b: Vec<f64>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// `C = alpha op(A) op(B) + beta C` (`beta == 0` ignores the old C).
pub(super) fn gemm(alpha: f64, a: Operand, b: Operand, beta: f64, c: &mut [f64], mkn: (usize, usize, usize)) {
    BUFFERS.with(|cell| {
        // A product never runs inside another on the same thread; should it ever, fresh
        // buffers keep it correct.
        let mut own = Buffers::default();
        let mut guard = cell.try_borrow_mut();
        let bufs = match guard.as_deref_mut() {
            Ok(b) => b,
            Err(_) => &mut own,
        };
        // One row of C: compute its transpose, one column, `C^T = op(B)^T op(A)^T` (a tile
        // of one row would waste all but one of its rows).
        let (a, b, mkn) = match mkn {
            (1, k, n) if n > 1 => (b.transpose(), a.transpose(), (n, k, 1)),
            _ => (a, b, mkn),
        };
        #[cfg(target_arch = "x86_64")]
        match simd_level() {
            SimdLevel::Avx512 => run(Avx512(()), alpha, a, b, beta, c, mkn, bufs),
            SimdLevel::Avx2 => run(Avx2(()), alpha, a, b, beta, c, mkn, bufs),
            SimdLevel::Baseline => run(Baseline, alpha, a, b, beta, c, mkn, bufs),
        }
        // Other targets (ARM, the browser) run the portable tiles: the same sums in the same
        // order as every x86 copy, so the same numbers.
        #[cfg(not(target_arch = "x86_64"))]
        run(Baseline, alpha, a, b, beta, c, mkn, bufs)
    })
}

/// Most numbers in a tile (`8 MV x NR`).
const TILE: usize = 128;

/// Where a tile reads `op(B)`: element `(p, q)` of the panel is `panel[p * pstride + q * qstride]`.
type Panel<'a> = (&'a [f64], usize, usize);

/// The shape of the tiles of one product.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `8 MV x NR`.
    Wide,
    /// `8 x NR`, for products of at most 8 rows.
    Narrow,
    /// `8 MV x 1`, for products of one column.
    Column,
}

/// The tile product for one instruction set: `out[q * mr + r] = sum_p block[p * stride + r]
/// panel[p * pstride + q]`, in order of `p < kc`, for the `mr` rows and `nr` columns of a tile
/// of the given [`Shape`].
trait Isa: Copy {
    const MV: usize;
    const NR: usize;
    fn tile(self, shape: Shape, a: (&[f64], usize), b: Panel, kc: usize, out: &mut [f64; TILE]);
    /// The whole of a short product (see [`short`]).
    fn short(self, a8: &[f64], b: Panel, mkn: (usize, usize, usize), c: &mut [f64]);
}

/// AVX-512: 16 x 8 tiles. Only made after the CPU was found to have AVX-512.
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
struct Avx512(());

/// AVX2: 8 x 4 tiles. Only made after the CPU was found to have AVX2 and FMA.
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
struct Avx2(());

/// Baseline x86-64 (SSE2) and other targets: 8 x 2 tiles.
#[derive(Clone, Copy)]
struct Baseline;

/// Implements [`Isa`] for a SIMD level: every tile shape and the short product compiled in a copy
/// with `$features` enabled, called only through a value that proves the CPU has them.
macro_rules! simd_isa {
    ($ty:ty, $features:literal, mv = $mv:literal, nr = $nr:literal,
     wide = ($wm:literal, $wn:literal), narrow = ($nm:literal, $nn:literal), column = ($cm:literal, $cn:literal)) => {
        impl Isa for $ty {
            const MV: usize = $mv;
            const NR: usize = $nr;
            #[inline]
            fn tile(self, shape: Shape, a: (&[f64], usize), b: Panel, kc: usize, out: &mut [f64; TILE]) {
                #[cfg(target_arch = "x86_64")]
                {
                    // One function per tile shape: the compiler keeps each tile's accumulators
                    // in registers only when the function holds that one loop.
                    #[target_feature(enable = $features)]
                    fn wide(a: (&[f64], usize), b: Panel, kc: usize, out: &mut [f64; TILE]) {
                        tile::<$wm, $wn>(a, b, kc, out);
                    }
                    #[target_feature(enable = $features)]
                    fn narrow(a: (&[f64], usize), b: Panel, kc: usize, out: &mut [f64; TILE]) {
                        tile::<$nm, $nn>(a, b, kc, out);
                    }
                    #[target_feature(enable = $features)]
                    fn column(a: (&[f64], usize), b: Panel, kc: usize, out: &mut [f64; TILE]) {
                        tile::<$cm, $cn>(a, b, kc, out);
                    }
                    // SAFETY: a value of this type exists only after `simd_level` found these
                    // features on this CPU; the tile functions are safe code.
                    #[allow(unsafe_code)]
                    unsafe {
                        match shape {
                            Shape::Wide => wide(a, b, kc, out),
                            Shape::Narrow => narrow(a, b, kc, out),
                            Shape::Column => column(a, b, kc, out),
                        }
                    }
                }
                #[cfg(not(target_arch = "x86_64"))]
                match shape {
                    Shape::Wide => tile::<$wm, $wn>(a, b, kc, out),
                    Shape::Narrow => tile::<$nm, $nn>(a, b, kc, out),
                    Shape::Column => tile::<$cm, $cn>(a, b, kc, out),
                }
            }

            #[inline]
            fn short(self, a8: &[f64], b: Panel, mkn: (usize, usize, usize), c: &mut [f64]) {
                #[cfg(target_arch = "x86_64")]
                {
                    #[target_feature(enable = $features)]
                    fn imp(a8: &[f64], b: Panel, mkn: (usize, usize, usize), c: &mut [f64]) {
                        short(a8, b, mkn, c);
                    }
                    // SAFETY: as for `tile`; `imp` itself is safe code.
                    #[allow(unsafe_code)]
                    unsafe {
                        imp(a8, b, mkn, c)
                    }
                }
                #[cfg(not(target_arch = "x86_64"))]
                short(a8, b, mkn, c);
            }
        }
    };
}

simd_isa!(
    Avx512,
    "avx512f,avx2,fma",
    mv = 2,
    nr = 8,
    wide = (2, 8),
    narrow = (1, 8),
    column = (2, 1)
);
simd_isa!(
    Avx2,
    "avx2,fma",
    mv = 1,
    nr = 4,
    wide = (1, 4),
    narrow = (1, 4),
    column = (1, 1)
);

impl Isa for Baseline {
    const MV: usize = 1;
    const NR: usize = 2;
    #[inline(never)]
    fn tile(self, shape: Shape, a: (&[f64], usize), b: Panel, kc: usize, out: &mut [f64; TILE]) {
        match shape {
            Shape::Wide | Shape::Narrow => tile::<1, 2>(a, b, kc, out),
            Shape::Column => tile::<1, 1>(a, b, kc, out),
        }
    }

    #[inline(never)]
    fn short(self, a8: &[f64], b: Panel, mkn: (usize, usize, usize), c: &mut [f64]) {
        short(a8, b, mkn, c);
    }
}

// Longer than 100 lines on purpose: this is the loop nest of a blocked GEMM (blocks of k, panels
// of op(B), tiles of op(A)), with the packing of each level beside the loop that uses it. Split
// into functions it would pass the same slices, strides and offsets back and forth, and the
// nest, which is what a reader has to follow, would no longer be visible on one screen.
#[allow(clippy::too_many_arguments)]
fn run<I: Isa>(
    isa: I,
    alpha: f64,
    a: Operand,
    b: Operand,
    beta: f64,
    c: &mut [f64],
    (m, k, n): (usize, usize, usize),
    bufs: &mut Buffers,
) {
    let shape = if n == 1 {
        Shape::Column
    } else if m <= 8 {
        Shape::Narrow
    } else {
        Shape::Wide
    };
    let mr = if shape == Shape::Narrow { 8 } else { 8 * I::MV };
    let nr = if shape == Shape::Column { 1 } else { I::NR };
    if k == 0 {
        for v in c.iter_mut() {
            *v = if beta == 0.0 { 0.0 } else { beta * *v };
        }
        return;
    }
    let (rsa, csa) = a.strides();
    let (rsb, csb) = b.strides();
    let a_in_place = !a.transposed && m % mr == 0;
    let mp = m.div_ceil(mr) * mr;
    let kc_max = KC.min(k);
    if (!a_in_place || m <= 8) && bufs.a.len() < (mp * kc_max).max(8 * k.min(SHORT_K)) {
        bufs.a.resize((mp * kc_max).max(8 * k.min(SHORT_K)), 0.0);
    }
    if bufs.b.len() < nr * kc_max {
        bufs.b.resize(nr * kc_max, 0.0);
    }
    if m <= 8 && k <= SHORT_K && alpha == 1.0 && beta == 0.0 {
        // A short product (a narrow layer over many samples): op(A) padded to 8 rows, then
        // one pass over the columns.
        let a8 = &mut bufs.a[..8 * k];
        for (p, col) in a8.chunks_exact_mut(8).enumerate() {
            for (l, v) in col.iter_mut().enumerate() {
                *v = if l < m { a.data[l * rsa + p * csa] } else { 0.0 };
            }
        }
        isa.short(&bufs.a[..8 * k], (b.data, rsb, csb), (m, k, n), c);
        return;
    }
    let mut out = [0.0; TILE];
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        let first = p0 == 0;
        if !a_in_place {
            // Row block `ib` of op(A), column `p` at `a[(ib kc + p) mr ..][.. mr]`, zero-padded.
            for (ib, block) in bufs.a[..mp * kc].chunks_exact_mut(mr * kc).enumerate() {
                let rows = mr.min(m - ib * mr);
                for (p, col) in block.chunks_exact_mut(mr).enumerate() {
                    let at = ib * mr * rsa + (p0 + p) * csa;
                    for (l, v) in col[..rows].iter_mut().enumerate() {
                        *v = a.data[at + l * rsa];
                    }
                    col[rows..].fill(0.0);
                }
            }
        }
        for j0 in (0..n).step_by(nr) {
            let cols = nr.min(n - j0);
            // The panel of op(B) (`kc x nr`): read in place when it is whole, else copied and
            // zero-padded.
            let panel: Panel = if cols == nr {
                (&b.data[p0 * rsb + j0 * csb..], rsb, csb)
            } else {
                let panel = &mut bufs.b[..kc * nr];
                if b.transposed {
                    for (p, row) in panel.chunks_exact_mut(nr).enumerate() {
                        row[..cols].copy_from_slice(&b.data[(p0 + p) * rsb + j0..][..cols]);
                        row[cols..].fill(0.0);
                    }
                } else {
                    for q in 0..nr {
                        if q < cols {
                            let src = &b.data[(j0 + q) * csb + p0..][..kc];
                            for (p, &v) in src.iter().enumerate() {
                                panel[p * nr + q] = v;
                            }
                        } else {
                            for p in 0..kc {
                                panel[p * nr + q] = 0.0;
                            }
                        }
                    }
                }
                (&bufs.b[..kc * nr], nr, 1)
            };
            for i0 in (0..m).step_by(mr) {
                let (block, stride): (&[f64], usize) = if a_in_place {
                    (&a.data[p0 * csa + i0..], csa)
                } else {
                    (&bufs.a[i0 * kc..][..mr * kc], mr)
                };
                isa.tile(shape, (block, stride), panel, kc, &mut out);
                let rows = mr.min(m - i0);
                for (q, tile_col) in out.chunks_exact(mr).take(cols).enumerate() {
                    let col = &mut c[(j0 + q) * m + i0..][..rows];
                    if first && beta == 0.0 && alpha == 1.0 {
                        col.copy_from_slice(&tile_col[..rows]);
                        continue;
                    }
                    for (cv, &v) in col.iter_mut().zip(tile_col) {
                        *cv = if !first {
                            *cv + alpha * v
                        } else if beta == 0.0 {
                            alpha * v
                        } else {
                            beta * *cv + alpha * v
                        };
                    }
                }
            }
        }
    }
}

/// One `8 MV x NR` tile over `kc` steps of `k`: column `p` of the block of A starts at
/// `block[p * stride]`, and element `(p, q)` of the panel of B is at `panel[p * pstride + q *
/// qstride]`. Index loops over
/// constant ranges, so the compiler unrolls them and keeps `acc` in registers (iterators over
/// the nested arrays make it vectorise across the wrong dimension).
#[inline(always)]
#[allow(clippy::needless_range_loop)]
fn tile<const MV: usize, const NR: usize>(
    (block, stride): (&[f64], usize),
    (panel, pstride, qstride): Panel,
    kc: usize,
    out: &mut [f64; TILE],
) {
    let mut acc = [[[0.0; 8]; MV]; NR];
    for p in 0..kc {
        let mut av = [[0.0; 8]; MV];
        for v in 0..MV {
            av[v] = block[p * stride + 8 * v..][..8].try_into().expect("8 rows");
        }
        for q in 0..NR {
            let bv = panel[p * pstride + q * qstride];
            for v in 0..MV {
                acc[q][v] = add_products(acc[q][v], av[v], bv);
            }
        }
    }
    // (A copy: writing through `acc` itself would keep it in memory inside the loop.)
    let whole: [[[f64; 8]; MV]; NR] = acc;
    for (o, &x) in out.iter_mut().zip(whole.as_flattened().as_flattened()) {
        *o = x;
    }
}

/// Products of at most 8 rows and [`SHORT_K`] depth (`z = W a` of a narrow layer) go column by
/// column through [`short`]: every column of C is one vector of 8 accumulated over `k`, with
/// no tiles to set up and store.
const SHORT_K: usize = 4;

/// `C = op(A) op(B)` for `m <= 8`: `a8` is op(A) padded to 8 rows (column `p` at
/// `a8[8 p ..][.. 8]`), element `(p, j)` of op(B) is at `b[p * pstride + j * qstride]`. Each
/// element adds its products in order of `p`, like the tiles.
#[inline(always)]
fn short(a8: &[f64], (b, pstride, qstride): Panel, (m, k, n): (usize, usize, usize), c: &mut [f64]) {
    for j in 0..n {
        let mut acc = [0.0; 8];
        for p in 0..k {
            let av: [f64; 8] = a8[8 * p..][..8].try_into().expect("8 rows");
            acc = add_products(acc, av, b[p * pstride + j * qstride]);
        }
        if m == 8 {
            let col: &mut [f64; 8] = (&mut c[8 * j..][..8]).try_into().expect("8 rows");
            *col = acc;
        } else {
            c[m * j..][..m].copy_from_slice(&acc[..m]);
        }
    }
}

/// `acc + a * b` for 8 lanes, written out so the compiler makes one vector multiply and one
/// vector add of it (a loop here gets vectorised across the wrong dimension). Not fused.
#[inline(always)]
fn add_products(acc: [f64; 8], a: [f64; 8], b: f64) -> [f64; 8] {
    [
        acc[0] + a[0] * b,
        acc[1] + a[1] * b,
        acc[2] + a[2] * b,
        acc[3] + a[3] * b,
        acc[4] + a[4] * b,
        acc[5] + a[5] * b,
        acc[6] + a[6] * b,
        acc[7] + a[7] * b,
    ]
}

#[cfg(test)]
mod tests;
