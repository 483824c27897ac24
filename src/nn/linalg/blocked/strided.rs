//! The AVX-512 copy of the blocked product: tiles of 16 x 8 that read `op(A)` in place when its
//! columns are contiguous and its rows fill whole tiles, and a panel of `op(B)` in place when it
//! is whole (AVX-512 broadcasts a number of B straight from memory), copying only the rest.
//! On an AVX-512 core this was measured faster than packing both operands (the parent module's
//! path, which is faster with AVX2's 16 registers): by about 20 % on the small products of the
//! 2-16-16-16-1 and 64-64-32-10 networks, 8 % on 784-128-64-10. The same sums in the same
//! order as every other copy.

use super::{Buffers, KC, Operand, SHORT_K, Short, add_products};
use crate::nn::simd::{Simd, WithSimd};

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

/// One tile (see [`tile`]) as a kernel for one instruction set.
struct Tile<'a, 'b, const MV: usize, const NR: usize> {
    a: (&'a [f64], usize),
    b: Panel<'a>,
    kc: usize,
    out: &'b mut [f64; TILE],
}

impl<const MV: usize, const NR: usize> WithSimd for Tile<'_, '_, MV, NR> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        tile::<MV, NR>(self.a, self.b, self.kc, self.out);
    }
}

/// One `8 MV x NR` tile in the copy for `S`: a function of its own for every shape and level
/// (the portable copy is called, not inlined, for the same reason).
#[inline(always)]
fn tile_at<S: Simd, const MV: usize, const NR: usize>(simd: S, t: Tile<'_, '_, MV, NR>) {
    #[inline(never)]
    fn portable<const MV: usize, const NR: usize>(t: Tile<'_, '_, MV, NR>) {
        tile::<MV, NR>(t.a, t.b, t.kc, t.out);
    }
    if S::IS_SCALAR {
        portable(t);
    } else {
        simd.vectorize(t);
    }
}

// Longer than 100 lines on purpose: this is the loop nest of a blocked GEMM (blocks of k, panels
// of op(B), tiles of op(A)), with the packing of each level beside the loop that uses it. Split
// into functions it would pass the same slices, strides and offsets back and forth, and the
// nest, which is what a reader has to follow, would no longer be visible on one screen.
//
// Not inlined into the dispatch: the loop nest is compiled once per level for the portable
// target, and only the tiles and the short product run in `S`'s copy.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(super) fn run<S: Simd, const MV: usize, const NR: usize>(
    simd: S,
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
    let mr = if shape == Shape::Narrow { 8 } else { 8 * MV };
    let nr = if shape == Shape::Column { 1 } else { NR };
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
        simd.vectorize(Short {
            a8: &bufs.a[..8 * k],
            b: (b.data, rsb, csb),
            mkn: (m, k, n),
            c,
        });
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
                let (a, b, out) = ((block, stride), panel, &mut out);
                match shape {
                    Shape::Wide => tile_at(simd, Tile::<MV, NR> { a, b, kc, out }),
                    Shape::Narrow => tile_at(simd, Tile::<1, NR> { a, b, kc, out }),
                    Shape::Column => tile_at(simd, Tile::<MV, 1> { a, b, kc, out }),
                }
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
