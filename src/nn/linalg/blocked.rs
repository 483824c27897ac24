//! The register-blocked product for everything above the tiny loops, in safe Rust.
//!
//! For each chunk of [`KC`] steps of `k`, `op(A)` is copied (zero-padded) into column-major
//! micro-panels of `MR` rows, and each panel of `NR` columns of `op(B)` into rows of `NR`
//! numbers, so the tile loop reads both operands in order without one bounds check. A tile of
//! `MR x NR` of C is held in vector registers: 8 x 6 with AVX2, 8 x 4 with NEON, 4 x 4 with
//! SSE, 8 x 2 in the portable copy (chosen in [`Product`]). AVX-512 runs `blocked/strided.rs`
//! instead (16 x 8 tiles reading the operands in place where it can: faster there, measured);
//! products of at most
//! one vector of rows use tiles of one vector. Tiles are written with `pulp`'s vector types
//! for the instruction set that [`crate::nn::simd`] picks, and only the tile loop is compiled
//! per instruction set, one function per tile shape (the compiler keeps a tile's accumulators
//! in registers only when the function holds that one loop); the loop nest and the packing
//! around it are compiled once per level for the portable target. Products of one column read
//! `op(A)` in place where they can (a copy would cost as much as the product), with tiles of
//! 8 or 16 rows; a product of one row is computed as its transpose. Products of at most 8 rows
//! and depth `SHORT_K` (a narrow first layer over a grid) skip the tiles: one pass over the
//! columns, one vector per column. The buffers are per thread, allocated on a thread's first
//! product and reused after, so a warm product allocates nothing.
//!
//! Every element of C adds its products `op(A)[i, p] op(B)[p, j]` in order of `p` within each
//! chunk of [`KC`], starting from zero, and no fused multiply-add is used, so the result does
//! not depend on the CPU or the tile shape; with `alpha = 1`, `beta = 0` and `k <= KC` it is
//! exactly the sum in order of `p`, the same as the tiny loops give.

use super::Operand;
use crate::nn::simd::{Simd, WithSimd, vectorized};
use std::cell::RefCell;

/// Depth of a chunk of `k`: a `16 x KC` micro-panel of A is 32 KiB, a `KC x 8` panel of B 16 KiB.
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
        vectorized(Product {
            alpha,
            a,
            b,
            beta,
            c,
            mkn,
            bufs,
        })
    })
}

/// One product, handed to the dispatch to learn the CPU's instruction set `S`; [`run`] then
/// runs with the tile shape for `S`.
struct Product<'a, 'b> {
    alpha: f64,
    a: Operand<'a>,
    b: Operand<'a>,
    beta: f64,
    c: &'b mut [f64],
    mkn: (usize, usize, usize),
    bufs: &'b mut Buffers,
}

impl WithSimd for Product<'_, '_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Product {
            alpha,
            a,
            b,
            beta,
            c,
            mkn,
            bufs,
        } = self;
        // The tile takes most of the vector registers, leaving room for a column of A, the
        // broadcast number of B and a product before it is added (no fused multiply-add):
        // 16 x 8 is 16 of AVX-512's 32 registers (8 lanes, in place: `strided.rs`), 8 x 6 is 12
        // of AVX2's 16 (4 lanes), 8 x 4 is 16 of NEON's 32 and 4 x 4 is 8 of SSE's 16 (2
        // lanes); the portable copy holds 8 x 2 numbers.
        if S::F64_LANES >= 8 {
            strided::run::<S, 2, 8>(simd, alpha, a, b, beta, c, mkn, bufs);
        } else if S::F64_LANES == 4 {
            run::<S, 2, 6>(simd, alpha, a, b, beta, c, mkn, bufs);
        } else if S::F64_LANES == 2 && S::REGISTER_COUNT >= 32 {
            run::<S, 4, 4>(simd, alpha, a, b, beta, c, mkn, bufs);
        } else if S::F64_LANES == 2 {
            run::<S, 2, 4>(simd, alpha, a, b, beta, c, mkn, bufs);
        } else {
            run::<S, 8, 2>(simd, alpha, a, b, beta, c, mkn, bufs);
        }
    }
}

/// Most numbers in a tile.
const TILE: usize = 256;

/// Where a column tile reads `op(B)`: element `(p, q)` is `panel[p * pstride + q * qstride]`.
type Panel<'a> = (&'a [f64], usize, usize);

/// One packed tile (see [`packed_tile`]) as a kernel for one instruction set.
struct Packed<'a, 'b, const MV: usize, const NR: usize> {
    a: &'a [f64],
    b: &'a [f64],
    out: &'b mut [f64],
}

impl<const MV: usize, const NR: usize> WithSimd for Packed<'_, '_, MV, NR> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        if S::IS_SCALAR {
            // One lane: eight rows as arrays, which the compiler vectorises for whatever the
            // target has (SSE2, NEON, wasm's SIMD128).
            portable_tile::<NR>(self.a, self.b, self.out);
        } else {
            packed_tile::<S, MV, NR>(simd, self.a, self.b, self.out);
        }
    }
}

/// One column tile (see [`column_tile`]) as a kernel for one instruction set.
struct Column<'a, 'b, const MV: usize> {
    a: (&'a [f64], usize),
    b: Panel<'a>,
    kc: usize,
    out: &'b mut [f64; TILE],
}

impl<const MV: usize> WithSimd for Column<'_, '_, MV> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        column_tile::<MV>(self.a, self.b, self.kc, self.out);
    }
}

/// Runs a tile kernel in the copy for `S`: a function of its own for every shape and level
/// (the compiler keeps a tile's accumulators in registers only when the function holds that
/// one loop; the portable copy is called, not inlined, for the same reason).
#[inline(always)]
fn tile_at<S: Simd, K: WithSimd<Output = ()>>(simd: S, k: K) {
    #[inline(never)]
    fn portable<K: WithSimd<Output = ()>>(k: K) {
        k.with_simd(pulp::Scalar::new());
    }
    if S::IS_SCALAR {
        portable(k);
    } else {
        simd.vectorize(k);
    }
}

/// The whole of a short product (see [`short`]) as a kernel.
struct Short<'a, 'b> {
    a8: &'a [f64],
    b: Panel<'a>,
    mkn: (usize, usize, usize),
    c: &'b mut [f64],
}

impl WithSimd for Short<'_, '_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        short(self.a8, self.b, self.mkn, self.c);
    }
}

/// Stores a finished tile (`rows x cols` of `out`, column `q` at `out[q * mr ..]`) into C at
/// `(i0, j0)`: `C = tile` on the first chunk of `k` with `alpha = 1`, `beta = 0`, else scaled
/// and added.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn store(
    out: &[f64],
    mr: usize,
    (rows, cols): (usize, usize),
    c: &mut [f64],
    m: usize,
    (i0, j0): (usize, usize),
    (alpha, beta, first): (f64, f64, bool),
) {
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

// The loop nest of a blocked GEMM (blocks of k, panels of op(B), tiles of op(A)), with the
// packing of each level beside the loop that uses it.
//
// Not inlined into the dispatch: the loop nest is compiled once per level for the portable
// target, and only the tiles and the short product run in `S`'s copy.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn run<S: Simd, const MV: usize, const NR: usize>(
    simd: S,
    alpha: f64,
    a: Operand,
    b: Operand,
    beta: f64,
    c: &mut [f64],
    (m, k, n): (usize, usize, usize),
    bufs: &mut Buffers,
) {
    if k == 0 {
        for v in c.iter_mut() {
            *v = if beta == 0.0 { 0.0 } else { beta * *v };
        }
        return;
    }
    let (rsa, csa) = a.strides();
    let (rsb, csb) = b.strides();
    if m <= 8 && k <= SHORT_K && alpha == 1.0 && beta == 0.0 {
        // A short product (a narrow layer over many samples): op(A) padded to 8 rows, then
        // one pass over the columns.
        if bufs.a.len() < 8 * k {
            bufs.a.resize(8 * k, 0.0);
        }
        let a8 = &mut bufs.a[..8 * k];
        for (p, col) in a8.chunks_exact_mut(8).enumerate() {
            for (l, v) in col.iter_mut().enumerate() {
                *v = if l < m { a.data[l * rsa + p * csa] } else { 0.0 };
            }
        }
        simd.vectorize(Short {
            a8: &bufs.a[..8 * k],
            b: (b.data, rsb, csb),
            mkn: (m, k, n),
            c,
        });
        return;
    }
    if n == 1 {
        // One column: 8 or 16 rows at a time against one column of B, op(A) read in place.
        if S::F64_LANES >= 8 {
            column::<S, 2>(simd, alpha, a, b, beta, c, (m, k), bufs);
        } else {
            column::<S, 1>(simd, alpha, a, b, beta, c, (m, k), bufs);
        }
        return;
    }
    // Products of few rows use tiles of one vector of rows (the portable tile is 8 rows).
    let lanes = S::F64_LANES;
    let narrow = !S::IS_SCALAR && m <= lanes;
    let mr = if narrow { lanes } else { MV * lanes };
    let mp = m.div_ceil(mr) * mr;
    let kc_max = KC.min(k);
    if bufs.a.len() < mp * kc_max {
        bufs.a.resize(mp * kc_max, 0.0);
    }
    if bufs.b.len() < NR * kc_max {
        bufs.b.resize(NR * kc_max, 0.0);
    }
    let mut out = [0.0; TILE];
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        let first = p0 == 0;
        // Row block `ib` of op(A), column `p` at `a[(ib kc + p) mr ..][.. mr]`, zero-padded.
        for (ib, block) in bufs.a[..mp * kc].chunks_exact_mut(mr * kc).enumerate() {
            let rows = mr.min(m - ib * mr);
            if a.transposed {
                // Row `i` of op(A) is contiguous in `p`.
                for l in 0..mr {
                    if l < rows {
                        let src = &a.data[(ib * mr + l) * rsa + p0..][..kc];
                        for (p, &v) in src.iter().enumerate() {
                            block[p * mr + l] = v;
                        }
                    } else {
                        for p in 0..kc {
                            block[p * mr + l] = 0.0;
                        }
                    }
                }
            } else {
                for (p, col) in block.chunks_exact_mut(mr).enumerate() {
                    let at = ib * mr + (p0 + p) * csa;
                    col[..rows].copy_from_slice(&a.data[at..][..rows]);
                    col[rows..].fill(0.0);
                }
            }
        }
        for j0 in (0..n).step_by(NR) {
            let cols = NR.min(n - j0);
            // The panel of op(B) (`kc x NR`, row `p` at `panel[p NR ..][.. NR]`), zero-padded.
            let panel = &mut bufs.b[..kc * NR];
            if b.transposed {
                for (p, row) in panel.chunks_exact_mut(NR).enumerate() {
                    row[..cols].copy_from_slice(&b.data[(p0 + p) * rsb + j0..][..cols]);
                    row[cols..].fill(0.0);
                }
            } else {
                for q in 0..NR {
                    if q < cols {
                        let src = &b.data[(j0 + q) * csb + p0..][..kc];
                        for (p, &v) in src.iter().enumerate() {
                            panel[p * NR + q] = v;
                        }
                    } else {
                        for p in 0..kc {
                            panel[p * NR + q] = 0.0;
                        }
                    }
                }
            }
            let panel = &bufs.b[..kc * NR];
            for i0 in (0..m).step_by(mr) {
                let (a, b) = (&bufs.a[i0 * kc..][..mr * kc], panel);
                let out = &mut out[..mr * NR];
                if narrow {
                    tile_at(simd, Packed::<1, NR> { a, b, out });
                } else {
                    tile_at(simd, Packed::<MV, NR> { a, b, out });
                }
                let rows = mr.min(m - i0);
                store(out, mr, (rows, cols), c, m, (i0, j0), (alpha, beta, first));
            }
        }
    }
}

/// One `MV` vectors x `NR` tile of packed operands: `a` holds `kc` columns of `MV` vectors of
/// rows, `b` `kc` rows of `NR` numbers; the finished tile goes to `out` column by column.
/// Every element adds its products in order of `p`, a multiply then an add (not fused).
#[inline(always)]
fn packed_tile<S: Simd, const MV: usize, const NR: usize>(simd: S, a: &[f64], b: &[f64], out: &mut [f64]) {
    let zero = simd.splat_f64s(0.0);
    let mut acc = [[zero; MV]; NR];
    let (a, _) = S::as_simd_f64s(a);
    let (a, _) = a.as_chunks::<MV>();
    let (b, _) = b.as_chunks::<NR>();
    for (ap, bp) in a.iter().zip(b) {
        for q in 0..NR {
            let bq = simd.splat_f64s(bp[q]);
            for v in 0..MV {
                acc[q][v] = simd.add_f64s(acc[q][v], simd.mul_f64s(ap[v], bq));
            }
        }
    }
    let (out, _) = S::as_mut_simd_f64s(out);
    for (o, x) in out.iter_mut().zip(acc.as_flattened()) {
        *o = *x;
    }
}

/// [`packed_tile`] for the portable copy: 8 rows (`MV = 8` of one lane) as `[f64; 8]` arrays,
/// the same products and sums in the same order.
#[inline(always)]
#[allow(clippy::needless_range_loop)]
fn portable_tile<const NR: usize>(a: &[f64], b: &[f64], out: &mut [f64]) {
    let mut acc = [[0.0; 8]; NR];
    let (a, _) = a.as_chunks::<8>();
    let (b, _) = b.as_chunks::<NR>();
    for (ap, bp) in a.iter().zip(b) {
        for q in 0..NR {
            acc[q] = add_products(acc[q], *ap, bp[q]);
        }
    }
    // (A copy: writing through `acc` itself would keep it in memory inside the loop.)
    let whole: [[f64; 8]; NR] = acc;
    for (o, &x) in out.iter_mut().zip(whole.as_flattened()) {
        *o = x;
    }
}

/// A product of one column: tiles of `8 MV x 1`, op(A) read in place when its columns are
/// contiguous and its rows fill whole tiles, else copied (zero-padded).
#[allow(clippy::too_many_arguments)]
fn column<S: Simd, const MV: usize>(
    simd: S,
    alpha: f64,
    a: Operand,
    b: Operand,
    beta: f64,
    c: &mut [f64],
    (m, k): (usize, usize),
    bufs: &mut Buffers,
) {
    let mr = 8 * MV;
    let (rsa, csa) = a.strides();
    let (rsb, csb) = b.strides();
    let a_in_place = !a.transposed && m % mr == 0;
    let mp = m.div_ceil(mr) * mr;
    let kc_max = KC.min(k);
    if !a_in_place && bufs.a.len() < mp * kc_max {
        bufs.a.resize(mp * kc_max, 0.0);
    }
    let mut out = [0.0; TILE];
    for p0 in (0..k).step_by(KC) {
        let kc = KC.min(k - p0);
        let first = p0 == 0;
        if !a_in_place {
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
        let panel: Panel = (&b.data[p0 * rsb..], rsb, csb);
        for i0 in (0..m).step_by(mr) {
            let (block, stride): (&[f64], usize) = if a_in_place {
                (&a.data[p0 * csa + i0..], csa)
            } else {
                (&bufs.a[i0 * kc..][..mr * kc], mr)
            };
            tile_at(
                simd,
                Column::<MV> {
                    a: (block, stride),
                    b: panel,
                    kc,
                    out: &mut out,
                },
            );
            let rows = mr.min(m - i0);
            store(&out, mr, (rows, 1), c, m, (i0, 0), (alpha, beta, first));
        }
    }
}

/// One `8 MV x 1` tile over `kc` steps of `k`: column `p` of the block of A starts at
/// `block[p * stride]`, and element `p` of the column of B is at `panel[p * pstride]`. Index
/// loops over constant ranges, so the compiler unrolls them and keeps `acc` in registers
/// (iterators over the nested arrays make it vectorise across the wrong dimension).
#[inline(always)]
#[allow(clippy::needless_range_loop)]
fn column_tile<const MV: usize>(
    (block, stride): (&[f64], usize),
    (panel, pstride, _): Panel,
    kc: usize,
    out: &mut [f64; TILE],
) {
    let mut acc = [[0.0; 8]; MV];
    for p in 0..kc {
        let bv = panel[p * pstride];
        for v in 0..MV {
            let av: [f64; 8] = block[p * stride + 8 * v..][..8].try_into().expect("8 rows");
            acc[v] = add_products(acc[v], av, bv);
        }
    }
    // (A copy: writing through `acc` itself would keep it in memory inside the loop.)
    let whole: [[f64; 8]; MV] = acc;
    for (o, &x) in out.iter_mut().zip(whole.as_flattened()) {
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

mod strided;
#[cfg(test)]
mod tests;
