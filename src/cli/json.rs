//! The JSON the subcommands print: keys in the order they are given, arrays of numbers on one
//! line (as the reference cases are written), floats as the shortest text that round-trips the
//! f64 (serde_json's writer). JSON has no NaN or infinity: such values are written `null`, and
//! the subcommands check for them before printing.

use crate::nn::Matrix;

/// A JSON value whose objects keep their key order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(u64),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    /// A flat list of numbers.
    pub fn list<'a>(values: impl IntoIterator<Item = &'a f64>) -> Json {
        Json::Arr(values.into_iter().map(|v| Json::Num(*v)).collect())
    }

    /// A matrix as stored: one JSON row per matrix row.
    pub fn rows(m: &Matrix) -> Json {
        Json::Arr(m.row_iter().map(|r| Json::list(r.iter())).collect())
    }

    /// An engine batch (one column per sample) as file rows (one row per sample).
    pub fn samples(m: &Matrix) -> Json {
        Json::Arr(m.column_iter().map(|c| Json::list(c.iter())).collect())
    }

    /// `Some(v)` as a number, `None` as `null`.
    pub fn opt(v: Option<f64>) -> Json {
        v.map_or(Json::Null, Json::Num)
    }

    /// The text, ending with a newline.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        self.write(0, &mut s);
        s.push('\n');
        s
    }

    fn is_flat(&self) -> bool {
        match self {
            Json::Arr(items) => items.iter().all(|i| !matches!(i, Json::Arr(_) | Json::Obj(_))),
            Json::Obj(_) => false,
            _ => true,
        }
    }

    fn write(&self, indent: usize, out: &mut String) {
        let pad = "  ".repeat(indent + 1);
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::Num(v) => out.push_str(&number(*v)),
            Json::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())),
            Json::Arr(items) if self.is_flat() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(indent + 1, out);
                }
                out.push(']');
            }
            Json::Arr(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(&pad);
                    item.write(indent + 1, out);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str(&"  ".repeat(indent));
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push_str("{\n");
                for (i, (k, v)) in fields.iter().enumerate() {
                    out.push_str(&pad);
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push_str(": ");
                    v.write(indent + 1, out);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                out.push_str(&"  ".repeat(indent));
                out.push('}');
            }
        }
    }
}

/// The shortest text that parses back to exactly `v` (`null` for NaN and infinities).
fn number(v: f64) -> String {
    if v.is_finite() {
        serde_json::to_string(&v).unwrap_or_else(|_| "null".into())
    } else {
        "null".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_ordered_keys_and_round_trip_floats() {
        let m = Matrix::from_row_slice(2, 3, &[1.0, 0.1, -2.5, 1e-8, 1.0 / 3.0, 0.0]);
        let j = Json::Obj(vec![
            ("loss", Json::Num(0.1 + 0.2)),
            ("w", Json::rows(&m)),
            ("t", Json::samples(&m)),
            ("none", Json::opt(None)),
            ("name", Json::Str("a \"b\"".into())),
        ]);
        let text = j.to_text();
        assert!(text.find("\"loss\"") < text.find("\"w\""), "{text}");
        assert!(text.contains("[1.0, 0.1, -2.5]"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["loss"].as_f64(), Some(0.1 + 0.2));
        assert_eq!(back["w"][1][1].as_f64(), Some(1.0 / 3.0));
        assert_eq!(back["w"][1][0].as_f64(), Some(1e-8));
        // Transposed: sample 3 (the third column) is [-2.5, 0].
        assert_eq!(back["t"][2], serde_json::json!([-2.5, 0.0]));
        assert!(back["none"].is_null());
        assert_eq!(back["name"], "a \"b\"");
    }

    #[test]
    fn non_finite_numbers_are_null() {
        assert_eq!(Json::list(&[f64::NAN, f64::INFINITY]).to_text(), "[null, null]\n");
    }
}
