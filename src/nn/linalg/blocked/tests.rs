//! Tests of the blocked product against the sum in order of `k`.

use super::*;
use crate::nn::linalg::Op;

/// `C = op(A) op(B)`, each element summed in order of `k` (the reference).
fn in_order(a: Operand, b: Operand, (m, k, n): (usize, usize, usize)) -> Vec<f64> {
    let ((rsa, csa), (rsb, csb)) = (a.strides(), b.strides());
    let mut c = vec![0.0; m * n];
    for j in 0..n {
        for i in 0..m {
            let mut acc = 0.0;
            for p in 0..k {
                acc += a.data[i * rsa + p * csa] * b.data[p * rsb + j * csb];
            }
            c[j * m + i] = acc;
        }
    }
    c
}

/// Every copy this CPU can run (AVX-512, AVX2, NEON, portable) gives exactly the in-order sums,
/// for every tile shape and transpose.
#[test]
fn every_instruction_set_gives_the_in_order_sums() {
    let shapes = [
        (16, 16, 8),
        (33, 70, 21),
        (8, 2, 37),
        (5, 9, 13),
        (1, 30, 17),
        (19, 12, 1),
        (64, 256, 16),
    ];
    for &(m, k, n) in &shapes {
        let a: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.61).sin()).collect();
        let b: Vec<f64> = (0..k * n).map(|i| (i as f64 * 0.23).cos()).collect();
        for ta in [Op::N, Op::T] {
            for tb in [Op::N, Op::T] {
                let (ar, ac) = if ta == Op::N { (m, k) } else { (k, m) };
                let (br, bc) = if tb == Op::N { (k, n) } else { (n, k) };
                let oa = Operand::new(&a, ar, ac, ta);
                let ob = Operand::new(&b, br, bc, tb);
                let want = in_order(oa, ob, (m, k, n));
                let mut bufs = Buffers::default();
                for level in crate::nn::simd::levels() {
                    let mut c = vec![f64::NAN; m * n];
                    level.run(Product {
                        alpha: 1.0,
                        a: oa,
                        b: ob,
                        beta: 0.0,
                        c: &mut c,
                        mkn: (m, k, n),
                        bufs: &mut bufs,
                    });
                    assert_eq!(c, want, "{level:?} {m}x{k}x{n} {ta:?}{tb:?}");
                }
            }
        }
    }
}
