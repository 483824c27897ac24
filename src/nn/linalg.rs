//! Matrix products for the hot paths, with free transposes, and the small buffer helpers the
//! passes share.
//!
//! [`gemm`] computes `C = alpha * op(A) * op(B) + beta * C` on column-major nalgebra matrices, and
//! [`gemm_slices`] the same on column-major slices (a block of a batch's columns). Which kernel
//! runs depends on the shape and the CPU, never on the values. With `alpha = 1` and `beta = 0`
//! (what every caller in the engine passes) both give the same numbers; with other factors they
//! may differ in the last bits, since the loops scale each term (`a * (alpha * b)`) while the
//! blocked kernel scales the finished sum (`beta * c + alpha * sum`):
//! - Tiny products (at most `TINY` multiply-adds: the by-hand networks) use plain loops that
//!   add the products for each output in order of `k`, as a person would, in a few nanoseconds.
//! - Larger products use the register-blocked kernel in `linalg/blocked.rs` (its tile loop
//!   compiled for AVX-512, AVX2, SSE, NEON or the portable target and chosen at run time
//!   through [`crate::nn::simd`], in safe code; the README's speed table gives its GFLOP/s per
//!   level on the 784-128-64-10 shapes, beside OpenBLAS's). For `k` up to its chunk of 256 and `alpha = 1`, `beta = 0` it adds
//!   in the same order as the loops, so it gives exactly their results, on every CPU.
//!
//! The `gemm` crate (faer's kernels) and `matrixmultiply` were measured against it: on this
//! machine's shapes they were about 25% faster and as fast respectively, but both allocate
//! their packing buffers on every call, and a training step must allocate nothing. Nothing
//! here allocates once warm: the blocked kernel's buffers are per thread, sized on first use,
//! and [`ensure_shape`] reuses a matrix's storage.

use super::{Matrix, Vector};

mod blocked;

/// Whether an operand is used as stored or transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// As stored.
    N,
    /// Transposed.
    T,
}

/// Products of at most this many multiply-adds use the plain loops.
const TINY: usize = 128;

/// `C = alpha * op(A) * op(B) + beta * C`. With `beta == 0` the old contents of `C` are ignored.
///
/// # Panics
/// If the shapes do not agree. Callers pass matrices whose shapes the network validated.
pub fn gemm(alpha: f64, a: &Matrix, ta: Op, b: &Matrix, tb: Op, beta: f64, c: &mut Matrix) {
    let a = Operand::new(a.as_slice(), a.nrows(), a.ncols(), ta);
    let b = Operand::new(b.as_slice(), b.nrows(), b.ncols(), tb);
    let (m, n) = c.shape();
    product(alpha, a, b, beta, c.as_mut_slice(), m, n);
}

/// [`gemm`] on column-major slices with the given `(rows, cols)` of each stored operand. Used
/// by the forward pass on blocks of a batch's columns.
///
/// # Panics
/// If the shapes do not agree or a slice's length is not `rows * cols`.
#[allow(clippy::too_many_arguments)]
pub fn gemm_slices(
    alpha: f64,
    a: &[f64],
    a_shape: (usize, usize),
    ta: Op,
    b: &[f64],
    b_shape: (usize, usize),
    tb: Op,
    beta: f64,
    c: &mut [f64],
    c_shape: (usize, usize),
) {
    let a = Operand::new(a, a_shape.0, a_shape.1, ta);
    let b = Operand::new(b, b_shape.0, b_shape.1, tb);
    product(alpha, a, b, beta, c, c_shape.0, c_shape.1);
}

/// Checks the shapes and picks the kernel.
fn product(alpha: f64, a: Operand, b: Operand, beta: f64, c: &mut [f64], c_rows: usize, c_cols: usize) {
    let (m, k) = a.dims();
    let (k2, n) = b.dims();
    assert!(
        k == k2 && c_rows == m && c_cols == n && c.len() == m * n,
        "gemm shape mismatch: ({m} x {k}) * ({k2} x {n}) into ({c_rows} x {c_cols})"
    );
    if m == 0 || n == 0 {
        return;
    }
    if m * k * n <= TINY {
        tiny_gemm(alpha, a, b, beta, c, (m, k, n));
    } else {
        blocked::gemm(alpha, a, b, beta, c, (m, k, n));
    }
}

/// `op(M)` of a column-major slice: element `(i, j)` of `op(M)` is `data[i * rs + j * cs]`.
#[derive(Clone, Copy)]
struct Operand<'a> {
    data: &'a [f64],
    /// Rows and columns of the stored matrix (`rows` is its leading dimension).
    rows: usize,
    cols: usize,
    transposed: bool,
}

impl<'a> Operand<'a> {
    fn new(data: &'a [f64], rows: usize, cols: usize, op: Op) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "gemm operand: {rows} x {cols} needs {} numbers",
            rows * cols
        );
        Operand {
            data,
            rows,
            cols,
            transposed: op == Op::T,
        }
    }

    /// `(rows, cols)` of `op(M)`.
    fn dims(self) -> (usize, usize) {
        if self.transposed {
            (self.cols, self.rows)
        } else {
            (self.rows, self.cols)
        }
    }

    /// `op(M)^T`.
    fn transpose(self) -> Self {
        Operand {
            transposed: !self.transposed,
            ..self
        }
    }

    /// Row and column strides of `op(M)`.
    fn strides(self) -> (usize, usize) {
        if self.transposed {
            (self.rows, 1)
        } else {
            (1, self.rows)
        }
    }
}

/// The plain loops for tiny products: for each element of C, start at `beta * C` (or 0 when
/// `beta == 0`) and add `op(A)[i, p] * (alpha op(B)[p, j])` for `p = 0, 1, ...` in order, as a
/// person does on a worksheet.
fn tiny_gemm(alpha: f64, a: Operand, b: Operand, beta: f64, c: &mut [f64], (m, k, n): (usize, usize, usize)) {
    let (rsb, csb) = b.strides();
    for (j, col) in c.chunks_exact_mut(m).take(n).enumerate() {
        if a.transposed {
            // Row i of op(A) is column i of the stored A: a contiguous dot product.
            for (cv, arow) in col.iter_mut().zip(a.data.chunks_exact(k)) {
                let mut acc = if beta == 0.0 { 0.0 } else { beta * *cv };
                for (p, &av) in arow.iter().enumerate() {
                    acc += av * (alpha * b.data[p * rsb + j * csb]);
                }
                *cv = acc;
            }
        } else {
            // Four rows of C at a time, accumulated in registers, column by column of A.
            let full = m - m % 4;
            for i0 in (0..full).step_by(4) {
                let mut acc = [0.0; 4];
                if beta != 0.0 {
                    for (x, &cv) in acc.iter_mut().zip(&col[i0..i0 + 4]) {
                        *x = beta * cv;
                    }
                }
                for p in 0..k {
                    let bv = alpha * b.data[p * rsb + j * csb];
                    let a4: &[f64; 4] = a.data[p * m + i0..][..4].try_into().expect("4 rows");
                    for (x, &av) in acc.iter_mut().zip(a4) {
                        *x += av * bv;
                    }
                }
                col[i0..i0 + 4].copy_from_slice(&acc);
            }
            for (i, cv) in col.iter_mut().enumerate().skip(full) {
                let mut acc = if beta == 0.0 { 0.0 } else { beta * *cv };
                for p in 0..k {
                    acc += a.data[p * m + i] * (alpha * b.data[p * rsb + j * csb]);
                }
                *cv = acc;
            }
        }
    }
}

/// Adds `bias` to every column of `m` (one column per sample).
pub fn add_bias_columns(m: &mut Matrix, bias: &Vector) {
    let rows = m.nrows();
    add_bias_slice(m.as_mut_slice(), rows, bias.as_slice());
}

/// Adds `bias` (`rows` long) to every column of the column-major slice `m`.
pub fn add_bias_slice(m: &mut [f64], rows: usize, bias: &[f64]) {
    if rows == 0 {
        return;
    }
    let bias = &bias[..rows];
    for col in m.chunks_exact_mut(rows) {
        for (v, bv) in col.iter_mut().zip(bias) {
            *v += bv;
        }
    }
}

/// Sums the columns of `m` into `out` (the bias gradient: delta summed over the batch).
pub fn sum_columns_into(m: &Matrix, out: &mut Vector) {
    let rows = m.nrows();
    let o = out.as_mut_slice();
    o.fill(0.0);
    if rows == 0 {
        return;
    }
    let o = &mut o[..rows];
    for col in m.as_slice().chunks_exact(rows) {
        for (ov, v) in o.iter_mut().zip(col) {
            *ov += v;
        }
    }
}

/// Gives `m` the shape `rows x cols` (zero-filled) if its shape differs, reusing its storage
/// when it is large enough, so steady-state loops never allocate, even when the batch size
/// alternates (a last, partial mini-batch).
#[inline]
pub fn ensure_shape(m: &mut Matrix, rows: usize, cols: usize) {
    if m.nrows() != rows || m.ncols() != cols {
        reshape(m, rows, cols);
    }
}

#[cold]
fn reshape(m: &mut Matrix, rows: usize, cols: usize) {
    let mut data: Vec<f64> = std::mem::replace(m, Matrix::zeros(0, 0)).data.into();
    data.clear();
    data.resize(rows * cols, 0.0);
    *m = Matrix::from_vec(rows, cols, data);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel (loops with and without a transposed copy, blocked) agrees with nalgebra's
    /// product for all four transpose combinations, with `alpha` and `beta`.
    #[test]
    fn gemm_matches_nalgebra_for_all_transposes_and_kernels() {
        let shapes = [
            (3, 4, 2),
            (4, 4, 1),
            (10, 32, 7),
            (16, 16, 300),
            (40, 50, 30),
            (1, 8, 500),
            (130, 70, 90),
        ];
        for &(m, k, n) in &shapes {
            let a = Matrix::from_fn(m, k, |i, j| (i as f64) - 0.5 * (j as f64) + 0.25);
            let b = Matrix::from_fn(k, n, |i, j| ((i * j) % 7) as f64 * 0.1 - 0.3);
            let expected = &a * &b;
            let at = a.transpose();
            let bt = b.transpose();
            for (aa, ta) in [(&a, Op::N), (&at, Op::T)] {
                for (bb, tb) in [(&b, Op::N), (&bt, Op::T)] {
                    let mut c = Matrix::from_element(m, n, 7.0);
                    gemm(2.0, aa, ta, bb, tb, 0.5, &mut c);
                    let want = &expected * 2.0 + Matrix::from_element(m, n, 3.5);
                    let err = (&c - &want).amax() / want.amax().max(1.0);
                    assert!(err < 1e-14, "{m}x{k}x{n} {ta:?}{tb:?}: {err}");
                    let mut c = Matrix::from_element(m, n, f64::NAN);
                    gemm(1.0, aa, ta, bb, tb, 0.0, &mut c);
                    let err = (&c - &expected).amax() / expected.amax().max(1.0);
                    assert!(err < 1e-14, "{m}x{k}x{n} {ta:?}{tb:?} beta 0: {err}");
                }
            }
        }
    }

    /// The blocked kernel gives exactly the in-order sums of the loops (`k` up to one chunk),
    /// for every transpose and for shapes with partial tiles, single rows and single columns;
    /// beyond one chunk it agrees to rounding.
    #[test]
    fn blocked_kernel_equals_the_in_order_loops() {
        let shapes = [
            (3, 4, 2),
            (16, 16, 100),
            (130, 70, 90),
            (64, 128, 33),
            (1, 40, 300),
            (37, 9, 1),
            (8, 2, 257),
        ];
        for &(m, k, n) in shapes.iter().chain(&[(20, 600, 9)]) {
            let a = Matrix::from_fn(m, k, |i, j| ((3 * i + 7 * j) as f64 * 0.37).sin());
            let b = Matrix::from_fn(k, n, |i, j| ((5 * i + j) as f64 * 0.11).cos());
            let (at, bt) = (a.transpose(), b.transpose());
            for (aa, ta) in [(&a, Op::N), (&at, Op::T)] {
                for (bb, tb) in [(&b, Op::N), (&bt, Op::T)] {
                    let oa = Operand::new(aa.as_slice(), aa.nrows(), aa.ncols(), ta);
                    let ob = Operand::new(bb.as_slice(), bb.nrows(), bb.ncols(), tb);
                    let mut loops = Matrix::zeros(m, n);
                    tiny_gemm(1.0, oa, ob, 0.0, loops.as_mut_slice(), (m, k, n));
                    let mut tiles = Matrix::from_element(m, n, f64::NAN);
                    blocked::gemm(1.0, oa, ob, 0.0, tiles.as_mut_slice(), (m, k, n));
                    if k <= blocked::KC {
                        assert_eq!(tiles, loops, "{m}x{k}x{n} {ta:?}{tb:?}");
                    } else {
                        assert!((&tiles - &loops).amax() < 1e-12, "{m}x{k}x{n} {ta:?}{tb:?}");
                    }
                }
            }
        }
    }

    /// The loops add the products in order of k, as a worksheet does: 0.1 + 0.2 + 0.3 in f64.
    #[test]
    fn small_products_add_in_order() {
        let a = Matrix::from_row_slice(1, 3, &[1.0, 1.0, 1.0]);
        let b = Matrix::from_column_slice(3, 1, &[0.1, 0.2, 0.3]);
        let mut c = Matrix::zeros(1, 1);
        gemm(1.0, &a, Op::N, &b, Op::N, 0.0, &mut c);
        assert_eq!(c[0], (0.1 + 0.2) + 0.3);
    }

    #[test]
    fn ensure_shape_reuses_storage_and_zero_fills() {
        let mut m = Matrix::from_element(4, 8, 3.0);
        let ptr = m.as_ptr();
        ensure_shape(&mut m, 4, 5);
        assert_eq!(m.shape(), (4, 5));
        assert!(m.iter().all(|&v| v == 0.0));
        ensure_shape(&mut m, 8, 4);
        assert_eq!(m.as_ptr(), ptr, "a shape that fits reuses the buffer");
    }
}
