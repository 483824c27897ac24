//! Per-student variants of a network cell: `variant = { init = "small_integers", k = 2 }` gives
//! each student their own small-integer weights in [-k, k] (biases, data and everything else
//! as in the file), drawn by [`crate::nn::init`] from a seed made of the student's name and the
//! cell's id. The window and `mlp-notebook check` both call [`variant_doc`], so a student is
//! graded on the network they saw.
//!
//! The seed is FNV-1a (64-bit) of the student's id ([`super::student::student_id`]: trimmed,
//! whitespace runs made one space, control characters removed), a 0xFF byte (which UTF-8 never
//! contains, so "ab" + "c" and "a" + "bc" differ) and the cell id: a fixed function, unlike the
//! standard library's randomly keyed hasher.

use crate::nn::doc::NetworkDoc;
use crate::nn::init::{Init, init_network};
use crate::nn::{Activation, Network};

/// The largest `k` a lesson may ask for.
pub const MAX_K: i64 = 100;

/// How a network cell varies per student.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Weights drawn uniformly from the integers in [-k, k].
    SmallIntegers { k: i64 },
}

impl Variant {
    /// The `init` name in the file.
    pub fn init_name(&self) -> &'static str {
        match self {
            Variant::SmallIntegers { .. } => "small_integers",
        }
    }

    pub fn k(&self) -> i64 {
        match self {
            Variant::SmallIntegers { k } => *k,
        }
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The seed of `student`'s variant of the cell `cell_id`.
pub fn variant_seed(student: &str, cell_id: &str) -> u64 {
    let mut bytes = super::student::student_id(student).into_bytes();
    bytes.push(0xff);
    bytes.extend_from_slice(cell_id.as_bytes());
    fnv1a64(&bytes)
}

/// The network `student` works on: the file's own for no student (or an empty name), else
/// new weights from the student's seed with the file's activations, biases and data.
pub fn variant_doc(doc: &NetworkDoc, variant: Option<&Variant>, student: Option<&str>, cell_id: &str) -> NetworkDoc {
    let id = student.map(super::student::student_id).unwrap_or_default();
    let (Some(v), false) = (variant, id.is_empty()) else {
        return doc.clone();
    };
    let seed = variant_seed(&id, cell_id);
    let init = match v {
        Variant::SmallIntegers { k } => Init::SmallIntegers { k: *k },
    };
    let widths = doc.net.widths();
    let drawn = init_network(&widths, Activation::Identity, Activation::Identity, init, seed);
    let layers = match drawn {
        Ok(n) => n
            .layers()
            .iter()
            .zip(doc.net.layers())
            .map(|(new, old)| crate::nn::Layer {
                activation: old.activation,
                weights: new.weights.clone(),
                bias: old.bias.clone(),
            })
            .collect(),
        Err(_) => return doc.clone(),
    };
    match Network::new(doc.net.inputs(), layers) {
        Ok(net) => NetworkDoc { net, ..doc.clone() },
        Err(_) => doc.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a's published test vectors: "" and "a".
    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn seeds_separate_name_and_cell() {
        assert_ne!(variant_seed("ab", "c"), variant_seed("a", "bc"));
        assert_eq!(variant_seed(" Ada ", "n"), variant_seed("Ada", "n"));
        assert_eq!(variant_seed("Ada\n  Lovelace", "n"), variant_seed("Ada Lovelace", "n"));
        // The seed of an already-normalised name is FNV-1a of its bytes, 0xFF and the cell id,
        // as before normalisation was introduced.
        assert_eq!(variant_seed("Ada", "n"), fnv1a64(b"Ada\xffn"));
    }
}
