//! Numbers as a person writes them: a whole number without `.0` (`2`, not `2.0`), so saved
//! files look like the ones written by hand and read back to the same f64.

use serde::Serializer;
use serde::ser::Serialize;

struct Num(f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Exact below 2^53; -0.0 keeps its sign as a float.
        let whole = self.0.fract() == 0.0 && self.0.abs() < 9.0e15 && !(self.0 == 0.0 && self.0.is_sign_negative());
        if whole {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

struct Row<'a>(&'a [f64]);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|&v| Num(v)))
    }
}

pub fn row<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
    Row(v).serialize(s)
}

pub fn rows<S: Serializer>(v: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|r| Row(r)))
}

pub fn opt_row<S: Serializer>(v: &Option<Vec<f64>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(r) => s.serialize_some(&Row(r)),
        None => s.serialize_none(),
    }
}
