//! Slice-wise maths for the hot paths: activations evaluated over whole buffers.
//!
//! Each function writes `out[i] = f(inp[i])`. They are accurate to a few ulp (well inside the
//! 1e-9 agreement with PyTorch that every shown number needs) and written so the compiler can
//! vectorise them.

/// `out[i] = tanh(inp[i])`.
pub fn tanh_slice(inp: &[f64], out: &mut [f64]) {
    for (o, &z) in out.iter_mut().zip(inp) {
        *o = z.tanh();
    }
}

/// `out[i] = 1 / (1 + exp(-inp[i]))`, without overflow for any finite input.
pub fn sigmoid_slice(inp: &[f64], out: &mut [f64]) {
    for (o, &z) in out.iter_mut().zip(inp) {
        *o = sigmoid(z);
    }
}

/// The logistic function, stable for large |z|.
#[inline]
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
