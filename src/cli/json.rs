//! The JSON the subcommands print: `serde_json` values (objects keep the order their keys were
//! given in: the crate enables serde_json's `preserve_order`), written by
//! [`crate::nn::serialize::json_text`] with arrays of numbers on one line, as the reference cases are.
//! Floats are the shortest text that round-trips the f64. JSON has no NaN or infinity: such
//! values become `null` (the subcommands check for them before printing).

use crate::nn::Matrix;
use serde_json::Value;

/// A number, or `null` if it is not finite.
pub fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// A flat list of numbers.
pub fn list<'a>(values: impl IntoIterator<Item = &'a f64>) -> Value {
    Value::Array(values.into_iter().map(|v| num(*v)).collect())
}

/// A matrix as stored: one JSON row per matrix row.
pub fn rows(m: &Matrix) -> Value {
    Value::Array(m.row_iter().map(|r| list(r.iter())).collect())
}

/// An engine batch (one column per sample) as file rows (one row per sample).
pub fn samples(m: &Matrix) -> Value {
    Value::Array(m.column_iter().map(|c| list(c.iter())).collect())
}

/// `Some(v)` as a number, `None` as `null`.
pub fn opt(v: Option<f64>) -> Value {
    v.map_or(Value::Null, num)
}

/// The text, ending with a newline.
pub use crate::nn::serialize::json_text as to_text;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_ordered_keys_and_round_trip_floats() {
        let m = Matrix::from_row_slice(2, 3, &[1.0, 0.1, -2.5, 1e-8, 1.0 / 3.0, 0.0]);
        let j = json!({
            "loss": num(0.1 + 0.2),
            "w": rows(&m),
            "t": samples(&m),
            "none": opt(None),
            "name": "a \"b\", c",
            "names": ["W2[1,3]", "b1[2]"],
        });
        let text = to_text(&j);
        assert!(text.find("\"loss\"") < text.find("\"w\""), "{text}");
        assert!(text.contains("[1.0, 0.1, -2.5]"), "{text}");
        // Commas inside strings are left alone.
        assert!(text.contains(r#"["W2[1,3]", "b1[2]"]"#), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["loss"].as_f64(), Some(0.1 + 0.2));
        assert_eq!(back["w"][1][1].as_f64(), Some(1.0 / 3.0));
        assert_eq!(back["w"][1][0].as_f64(), Some(1e-8));
        // Transposed: sample 3 (the third column) is [-2.5, 0].
        assert_eq!(back["t"][2], json!([-2.5, 0.0]));
        assert!(back["none"].is_null());
        assert_eq!(back["name"], "a \"b\", c");
    }

    #[test]
    fn non_finite_numbers_are_null() {
        assert_eq!(to_text(&list(&[f64::NAN, f64::INFINITY])), "[null, null]\n");
    }
}
