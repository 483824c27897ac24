//! Documents as text, for files and the command line: pretty JSON with arrays of numbers on one
//! line (as the reference cases are written) and TOML.
//!
//! Writing either is a `Result`: a document that cannot be written faithfully is refused, never
//! turned into an empty or `null` text that would be saved over a file. A number that is not
//! finite is refused before anything is written, with where it is: JSON has no NaN or infinity
//! (serde_json would write `null`), and the readers of lessons and networks refuse them in TOML.

use serde::Serialize;
use serde_json::Value;

mod finite;

use finite::check_finite;

/// Why a document could not be written as text.
#[derive(Debug, thiserror::Error)]
pub enum SerializeError {
    /// A number that is not finite; `path` counts from 1, as lesson references do
    /// (`cells[3].network.x[1][2]`).
    #[error("{path} is {value}, and only finite numbers can be saved")]
    NotFinite { path: String, value: f64 },
    #[error("could not write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("could not write TOML: {0}")]
    Toml(#[from] toml::ser::Error),
    /// An error a type's own `Serialize` gave while its numbers were checked.
    #[error("could not write the document: {0}")]
    Other(String),
}

/// `v` as pretty JSON ending with a newline: objects one key a line, arrays of plain values on
/// one line. Floats are the shortest text that round-trips the f64.
pub fn pretty_json<T: Serialize + ?Sized>(v: &T) -> Result<String, SerializeError> {
    check_finite(v)?;
    Ok(json_text(&serde_json::to_value(v)?))
}

/// `v` as TOML.
pub fn toml_text<T: Serialize + ?Sized>(v: &T) -> Result<String, SerializeError> {
    check_finite(v)?;
    Ok(toml::to_string(v)?)
}

/// A JSON value as [`pretty_json`] writes it. A `Value` holds only finite numbers, so this
/// cannot fail.
pub fn json_text(v: &Value) -> String {
    let mut s = String::new();
    write_json(v, 0, &mut s);
    s.push('\n');
    s
}

fn write_json(v: &Value, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    match v {
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, val)) in map.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                write_json(val, indent + 1, out);
                if i + 1 < map.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
        Value::Array(items) if items.iter().all(|x| !x.is_array() && !x.is_object()) => {
            let items: Vec<String> = items.iter().map(Value::to_string).collect();
            out.push('[');
            out.push_str(&items.join(", "));
            out.push(']');
        }
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, val) in items.iter().enumerate() {
                out.push_str(&pad);
                write_json(val, indent + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        // Scalars: `Value`'s Display is serde_json's compact text.
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Layer {
        weights: Vec<Vec<f64>>,
        bias: Option<Vec<f64>>,
    }

    #[derive(Serialize)]
    struct Doc {
        name: String,
        layers: Vec<Layer>,
        notes: BTreeMap<String, f64>,
    }

    fn doc(w: f64, note: f64) -> Doc {
        Doc {
            name: "n".into(),
            layers: vec![
                Layer {
                    weights: vec![vec![1.0]],
                    bias: None,
                },
                Layer {
                    weights: vec![vec![0.5, 2.0], vec![-1.0, w]],
                    bias: Some(vec![0.25]),
                },
            ],
            notes: BTreeMap::from([("lr".to_string(), note)]),
        }
    }

    #[test]
    fn arrays_of_numbers_stay_on_one_line() {
        let text = pretty_json(&doc(3.0, 0.1)).unwrap();
        assert!(
            text.contains("\"weights\": [\n        [0.5, 2.0],\n        [-1.0, 3.0]\n      ]"),
            "{text}"
        );
        assert!(text.contains("\"bias\": null") && text.ends_with("}\n"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["notes"]["lr"], 0.1);
    }

    /// The second layer's entry (2, 2), counted from 1, is not finite: neither format writes.
    #[test]
    fn a_number_that_is_not_finite_is_refused_with_where_it_is() {
        for e in [
            pretty_json(&doc(f64::NAN, 0.1)).unwrap_err(),
            toml_text(&doc(f64::NAN, 0.1)).unwrap_err(),
        ] {
            assert_eq!(
                e.to_string(),
                "layers[2].weights[2][2] is NaN, and only finite numbers can be saved"
            );
        }
        let e = pretty_json(&doc(1.0, f64::NEG_INFINITY)).unwrap_err();
        assert_eq!(e.to_string(), "notes.lr is -inf, and only finite numbers can be saved");
    }

    /// serde_json refuses a map whose keys are not strings or numbers; the error is returned.
    #[test]
    fn a_serializer_error_is_returned() {
        let m = BTreeMap::from([(vec![1, 2], 1.0)]);
        assert!(
            matches!(pretty_json(&m), Err(SerializeError::Json(_))),
            "{:?}",
            pretty_json(&m)
        );
    }
}
