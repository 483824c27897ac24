//! Matrix products for the hot paths, with free transposes, and the small buffer helpers the
//! passes share.
//!
//! [`gemm`] computes `C = alpha * op(A) * op(B) + beta * C` on column-major nalgebra matrices, and
//! [`gemm_slices`] the same on column-major slices (a block of a batch's columns). Which kernel
//! runs depends on the shape and the CPU, never on anything else:
//! - Products whose `op(A)` is small (at most [`SMALL_A`] numbers: the by-hand networks, narrow
//!   layers, output layers) use plain loops, a few nanoseconds per call instead of a blocked
//!   kernel's packing overhead, compiled for AVX-512 or AVX2 when the CPU has it. For each output
//!   the products are added in order of `k`, exactly as a person would.
//! - Larger products go to the `gemm` crate (faer's kernels, about 100 GFLOP/s on one core with
//!   AVX-512) on CPUs with AVX-512, and to `matrixmultiply` (the kernel nalgebra uses, AVX2 + FMA
//!   by run-time detection) on others, where it is the faster of the two.
//!
//! Nothing here allocates once warm: the `gemm` crate keeps one packing buffer per thread,
//! sized on first use, and [`ensure_shape`] reuses a matrix's storage.

use super::{Matrix, Vector};

/// Whether an operand is used as stored or transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// As stored.
    N,
    /// Transposed.
    T,
}

/// Products whose `op(A)` has at most this many numbers use the plain loops, when the whole
/// product is small too or `op(A)` has at most [`SMALL_ROWS`] rows.
pub const SMALL_A: usize = 1024;
/// The stack buffer for `op(A)` in the loops, its rows padded to a multiple of 8.
const SMALL_A_PACKED: usize = 2048;
/// See [`SMALL_A`].
pub const SMALL_ROWS: usize = 16;
/// Multiply-adds below which a product always uses the plain loops (if `op(A)` is small).
const SMALL_PRODUCT: usize = 1 << 14;

/// `C = alpha * op(A) * op(B) + beta * C`. With `beta == 0` the old contents of `C` are ignored.
///
/// # Panics
/// If the shapes do not agree. Callers pass matrices whose shapes the network validated.
pub fn gemm(alpha: f64, a: &Matrix, ta: Op, b: &Matrix, tb: Op, beta: f64, c: &mut Matrix) {
    let c_rows = c.nrows();
    assert!(
        c.ncols() == dims(b.nrows(), b.ncols(), tb).1,
        "gemm shape mismatch: op(B) has {} columns, C has {}",
        dims(b.nrows(), b.ncols(), tb).1,
        c.ncols()
    );
    gemm_slices(
        alpha,
        a.as_slice(),
        a.nrows(),
        ta,
        b.as_slice(),
        b.nrows(),
        tb,
        beta,
        c.as_mut_slice(),
        c_rows,
    );
}

/// [`gemm`] on column-major slices: `a` has `a_rows` rows (and `a.len() / a_rows` columns), and
/// likewise `b` and `c`. Used by the forward pass on blocks of a batch's columns.
///
/// # Panics
/// If the shapes do not agree.
#[allow(clippy::too_many_arguments)]
pub fn gemm_slices(
    alpha: f64,
    a: &[f64],
    a_rows: usize,
    ta: Op,
    b: &[f64],
    b_rows: usize,
    tb: Op,
    beta: f64,
    c: &mut [f64],
    c_rows: usize,
) {
    let cols = |len: usize, rows: usize| if rows == 0 { 0 } else { len / rows };
    let (m, k) = dims(a_rows, cols(a.len(), a_rows), ta);
    let (k2, n) = dims(b_rows, cols(b.len(), b_rows), tb);
    let c_cols = cols(c.len(), c_rows);
    assert!(
        k == k2 && c_rows == m && c_cols == n,
        "gemm shape mismatch: ({m} x {k}) * ({k2} x {n}) into ({c_rows} x {c_cols})"
    );
    if m == 0 || n == 0 {
        return;
    }
    let a = Operand::new(a, a_rows, ta);
    let b = Operand::new(b, b_rows, tb);
    if m * k <= SMALL_A && (m <= SMALL_ROWS || m * n * k <= SMALL_PRODUCT) {
        small::gemm(alpha, a, b, beta, c, (m, k, n));
    } else {
        large_gemm(alpha, a, b, beta, c, (m, k, n));
    }
}

/// `(rows, cols)` of `op(M)` for a stored `rows x cols` matrix.
fn dims(rows: usize, cols: usize, op: Op) -> (usize, usize) {
    match op {
        Op::N => (rows, cols),
        Op::T => (cols, rows),
    }
}

/// `op(M)` of a column-major slice: element `(i, j)` of `op(M)` is `data[i * rs + j * cs]`.
#[derive(Clone, Copy)]
struct Operand<'a> {
    data: &'a [f64],
    /// Leading dimension (rows) of the stored matrix.
    ld: usize,
    transposed: bool,
}

impl<'a> Operand<'a> {
    fn new(data: &'a [f64], rows: usize, op: Op) -> Self {
        Operand {
            data,
            ld: rows,
            transposed: op == Op::T,
        }
    }

    /// Row and column strides of `op(M)`.
    fn strides(self) -> (usize, usize) {
        if self.transposed { (self.ld, 1) } else { (1, self.ld) }
    }
}

/// The blocked kernels, for products too large for the loops.
fn large_gemm(alpha: f64, a: Operand, b: Operand, beta: f64, c: &mut [f64], (m, k, n): (usize, usize, usize)) {
    let (rsa, csa) = a.strides();
    let (rsb, csb) = b.strides();
    let (rsa, csa, rsb, csb) = (rsa as isize, csa as isize, rsb as isize, csb as isize);
    // The products below read only inside the slices: every index `i * rs + j * cs` with
    // `i < rows`, `j < cols` of the operand is below its length, which `gemm_slices` checked.
    let (ap, bp, cp) = (a.data.as_ptr(), b.data.as_ptr(), c.as_mut_ptr());
    #[cfg(target_arch = "x86_64")]
    if super::fastmath::simd_level() == super::fastmath::SimdLevel::Avx512 {
        // SAFETY: as above, the pointers and strides describe live slices whose shapes were
        // checked; `c` is borrowed mutably, so it aliases neither `a` nor `b`; one thread.
        // The `gemm` crate's `alpha` scales the old C and its `beta` the product.
        #[allow(unsafe_code)]
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                cp,
                m as isize,
                1,
                beta != 0.0,
                ap,
                csa,
                rsa,
                bp,
                csb,
                rsb,
                beta,
                alpha,
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
        return;
    }
    // SAFETY: as above (matrixmultiply takes BLAS's alpha and beta).
    #[allow(unsafe_code)]
    unsafe {
        matrixmultiply::dgemm(m, k, n, alpha, ap, rsa, csa, bp, rsb, csb, beta, cp, 1, m as isize);
    }
}

/// The register-blocked loops for small `op(A)`.
mod small {
    use super::Operand;

    /// Rows of C per register block (one AVX-512 register of f64).
    const MR: usize = 8;
    /// Columns of C per register block.
    const NR: usize = 4;

    /// `C = alpha op(A) op(B) + beta C` with `op(A)` packed column-major with its rows padded
    /// to a multiple of [`MR`] (so every register block is full; the padding rows are zeros and
    /// never stored), in a buffer on the stack.
    pub(super) fn gemm(alpha: f64, a: Operand, b: Operand, beta: f64, c: &mut [f64], mkn: (usize, usize, usize)) {
        let (m, k, _) = mkn;
        let mp = m.div_ceil(MR) * MR;
        if !a.transposed && mp == m {
            dispatch(alpha, &a.data[..m * k], b, beta, c, mkn);
        } else if mp * k <= 64 {
            packed::<64>(alpha, a, b, beta, c, mkn);
        } else if mp * k <= 512 {
            packed::<512>(alpha, a, b, beta, c, mkn);
        } else {
            packed::<{ super::SMALL_A_PACKED }>(alpha, a, b, beta, c, mkn);
        }
    }

    fn packed<const N: usize>(alpha: f64, a: Operand, b: Operand, beta: f64, c: &mut [f64], mkn: (usize, usize, usize)) {
        let (m, k, _) = mkn;
        let mp = m.div_ceil(MR) * MR;
        let mut buf = [0.0; N];
        let (rs, cs) = a.strides();
        for (p, col) in buf[..mp * k].chunks_exact_mut(mp).enumerate() {
            for (i, v) in col[..m].iter_mut().enumerate() {
                *v = a.data[i * rs + p * cs];
            }
        }
        dispatch(alpha, &buf[..mp * k], b, beta, c, mkn);
    }

    /// Runs [`body`] compiled for the best instruction set of this CPU.
    fn dispatch(alpha: f64, at: &[f64], b: Operand, beta: f64, c: &mut [f64], mkn: (usize, usize, usize)) {
        #[cfg(target_arch = "x86_64")]
        {
            use crate::nn::fastmath::{SimdLevel, simd_level};
            #[target_feature(enable = "avx512f,avx2,fma")]
            fn avx512(alpha: f64, at: &[f64], b: Operand, beta: f64, c: &mut [f64], mkn: (usize, usize, usize)) {
                body(alpha, at, b, beta, c, mkn)
            }
            #[target_feature(enable = "avx2,fma")]
            fn avx2(alpha: f64, at: &[f64], b: Operand, beta: f64, c: &mut [f64], mkn: (usize, usize, usize)) {
                body(alpha, at, b, beta, c, mkn)
            }
            match simd_level() {
                // SAFETY: `simd_level` reported that this CPU has the features the copy was
                // compiled for; the copy itself is safe code.
                #[allow(unsafe_code)]
                SimdLevel::Avx512 => return unsafe { avx512(alpha, at, b, beta, c, mkn) },
                #[allow(unsafe_code)]
                SimdLevel::Avx2 => return unsafe { avx2(alpha, at, b, beta, c, mkn) },
                SimdLevel::Baseline => {}
            }
        }
        body(alpha, at, b, beta, c, mkn)
    }

    /// Blocks of [`NR`] columns, then the remaining columns one at a time.
    #[inline(always)]
    fn body(alpha: f64, at: &[f64], b: Operand, beta: f64, c: &mut [f64], (m, k, n): (usize, usize, usize)) {
        let full = n - n % NR;
        for j in (0..full).step_by(NR) {
            block::<NR>(alpha, at, b, beta, c, (m, k), j);
        }
        for j in full..n {
            block::<1>(alpha, at, b, beta, c, (m, k), j);
        }
    }

    /// Columns `j .. j + W` of C, [`MR`] rows at a time, accumulated in registers: each element
    /// starts at `beta * C` (or 0 when `beta == 0`) and adds `A[i, p] * (alpha B[p, j])` for
    /// `p = 0, 1, ...` in order, exactly as the plain triple loop does.
    #[inline(always)]
    fn block<const W: usize>(
        alpha: f64,
        at: &[f64],
        b: Operand,
        beta: f64,
        c: &mut [f64],
        (m, k): (usize, usize),
        j: usize,
    ) {
        let (rsb, csb) = b.strides();
        let mp = at.len() / k.max(1);
        for i0 in (0..m).step_by(MR) {
            let rows = (m - i0).min(MR);
            let mut acc = [[0.0; MR]; W];
            if beta != 0.0 {
                for (q, accq) in acc.iter_mut().enumerate() {
                    let col = &c[(j + q) * m + i0..][..rows];
                    for (x, &cv) in accq.iter_mut().zip(col) {
                        *x = beta * cv;
                    }
                }
            }
            for p in 0..k {
                let a: &[f64; MR] = at[p * mp + i0..][..MR].try_into().expect("MR rows");
                for (q, accq) in acc.iter_mut().enumerate() {
                    let bv = alpha * b.data[p * rsb + (j + q) * csb];
                    for (x, &av) in accq.iter_mut().zip(a) {
                        *x += av * bv;
                    }
                }
            }
            for (q, accq) in acc.iter().enumerate() {
                c[(j + q) * m + i0..][..rows].copy_from_slice(&accq[..rows]);
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
pub fn ensure_shape(m: &mut Matrix, rows: usize, cols: usize) {
    if m.nrows() != rows || m.ncols() != cols {
        let mut data: Vec<f64> = std::mem::replace(m, Matrix::zeros(0, 0)).data.into();
        data.clear();
        data.resize(rows * cols, 0.0);
        *m = Matrix::from_vec(rows, cols, data);
    }
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
