//! Matrix products for the hot paths, with free transposes.
//!
//! `gemm` computes `C = alpha * op(A) * op(B) + beta * C` on column-major nalgebra matrices.
//! Large products go to `matrixmultiply` (the blocked kernel nalgebra itself uses) with strides,
//! so a transpose costs nothing and nothing is allocated; tiny ones (the by-hand networks) use a
//! plain loop, whose per-call cost is a few nanoseconds instead of a kernel's packing overhead.

use super::Matrix;

/// Whether an operand is used as stored or transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// As stored.
    N,
    /// Transposed.
    T,
}

/// Below this many multiply-adds a plain loop beats the blocked kernel.
const SMALL: usize = 4096;

fn dims(m: &Matrix, op: Op) -> (usize, usize) {
    match op {
        Op::N => (m.nrows(), m.ncols()),
        Op::T => (m.ncols(), m.nrows()),
    }
}

/// Row and column strides of `op(m)` for a column-major matrix.
fn strides(m: &Matrix, op: Op) -> (isize, isize) {
    let ld = m.nrows() as isize;
    match op {
        Op::N => (1, ld),
        Op::T => (ld, 1),
    }
}

/// `C = alpha * op(A) * op(B) + beta * C`. With `beta == 0` the old contents of `C` are ignored.
///
/// # Panics
/// If the shapes do not agree. Callers pass matrices whose shapes the network validated.
pub fn gemm(alpha: f64, a: &Matrix, ta: Op, b: &Matrix, tb: Op, beta: f64, c: &mut Matrix) {
    let (m, k) = dims(a, ta);
    let (k2, n) = dims(b, tb);
    assert!(
        k == k2 && c.nrows() == m && c.ncols() == n,
        "gemm shape mismatch: ({m} x {k}) * ({k2} x {n}) into ({} x {})",
        c.nrows(),
        c.ncols()
    );
    if m == 0 || n == 0 {
        return;
    }
    if m * n * k <= SMALL {
        small_gemm(alpha, a, ta, b, tb, beta, c, (m, k, n));
        return;
    }
    let (rsa, csa) = strides(a, ta);
    let (rsb, csb) = strides(b, tb);
    let rsc = 1isize;
    let csc = m as isize;
    let (ap, bp, cp) = (a.as_ptr(), b.as_ptr(), c.as_mut_ptr());
    // SAFETY: the pointers come from live nalgebra matrices whose shapes were checked above;
    // the strides describe exactly those column-major buffers (or their transposes), and `c`
    // is borrowed mutably, so it aliases neither `a` nor `b`.
    #[allow(unsafe_code)]
    unsafe {
        matrixmultiply::dgemm(m, k, n, alpha, ap, rsa, csa, bp, rsb, csb, beta, cp, rsc, csc);
    }
}

#[allow(clippy::too_many_arguments)]
fn small_gemm(
    alpha: f64,
    a: &Matrix,
    ta: Op,
    b: &Matrix,
    tb: Op,
    beta: f64,
    c: &mut Matrix,
    (m, k, n): (usize, usize, usize),
) {
    let a_s = a.as_slice();
    let b_s = b.as_slice();
    let (rsa, csa) = strides(a, ta);
    let (rsb, csb) = strides(b, tb);
    let (rsa, csa, rsb, csb) = (rsa as usize, csa as usize, rsb as usize, csb as usize);
    let c_s = c.as_mut_slice();
    for j in 0..n {
        let col = &mut c_s[j * m..(j + 1) * m];
        if beta == 0.0 {
            col.fill(0.0);
        } else if beta != 1.0 {
            col.iter_mut().for_each(|v| *v *= beta);
        }
        for p in 0..k {
            let bpj = alpha * b_s[p * rsb + j * csb];
            if bpj == 0.0 {
                continue;
            }
            for (i, cv) in col.iter_mut().enumerate() {
                *cv += a_s[i * rsa + p * csa] * bpj;
            }
        }
    }
}

/// Adds `bias` to every column of `m` (one column per sample).
pub fn add_bias_columns(m: &mut Matrix, bias: &super::Vector) {
    let rows = m.nrows();
    let b = bias.as_slice();
    for col in m.as_mut_slice().chunks_exact_mut(rows.max(1)) {
        for (v, bv) in col.iter_mut().zip(b) {
            *v += bv;
        }
    }
}

/// Sums the columns of `m` into `out` (the bias gradient: delta summed over the batch).
pub fn sum_columns_into(m: &Matrix, out: &mut super::Vector) {
    let rows = m.nrows();
    let o = out.as_mut_slice();
    o.fill(0.0);
    if rows == 0 {
        return;
    }
    for col in m.as_slice().chunks_exact(rows) {
        for (ov, v) in o.iter_mut().zip(col) {
            *ov += v;
        }
    }
}

/// Resizes `m` to `rows x cols` only if its shape differs (so steady-state loops never allocate).
pub fn ensure_shape(m: &mut Matrix, rows: usize, cols: usize) {
    if m.nrows() != rows || m.ncols() != cols {
        *m = Matrix::zeros(rows, cols);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &Matrix, b: &Matrix) -> Matrix {
        a * b
    }

    #[test]
    fn gemm_matches_nalgebra_for_all_transposes_small_and_large() {
        for &(m, k, n) in &[(3, 4, 2), (40, 50, 30)] {
            let a = Matrix::from_fn(m, k, |i, j| (i as f64) - 0.5 * (j as f64) + 0.25);
            let b = Matrix::from_fn(k, n, |i, j| (i * j) as f64 * 0.1 - 1.0);
            let expected = naive(&a, &b);
            let at = a.transpose();
            let bt = b.transpose();
            for (aa, ta) in [(&a, Op::N), (&at, Op::T)] {
                for (bb, tb) in [(&b, Op::N), (&bt, Op::T)] {
                    let mut c = Matrix::from_element(m, n, 7.0);
                    gemm(2.0, aa, ta, bb, tb, 0.5, &mut c);
                    let want = &expected * 2.0 + Matrix::from_element(m, n, 3.5);
                    assert!((c - want).amax() < 1e-9);
                }
            }
        }
    }
}
