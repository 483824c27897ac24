//! Python text shared by the script generators: numbers that round-trip every bit, matrices as
//! nested lists, comments that cannot break out of their line.

use crate::nn::Matrix;

/// A bool as Python writes it.
pub fn boolean(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// An f64 as a Python float literal that parses back to the same bits: Rust writes the
/// shortest text that round-trips (`0.1`, `1e-8`, `-0.0`), and Python's `float()` and its
/// literals round correctly. The value must be finite (checked before any script is written).
pub fn float(v: f64) -> String {
    debug_assert!(v.is_finite());
    format!("{v:?}")
}

/// `[1.0, -0.5, 2.0]`.
pub fn list<'a>(values: impl IntoIterator<Item = &'a f64>) -> String {
    let items: Vec<String> = values.into_iter().map(|v| float(*v)).collect();
    format!("[{}]", items.join(", "))
}

/// Rows of numbers as a nested list, one row per line, each line indented by `indent` spaces.
pub fn rows<'a, R, I>(rows: R, indent: usize) -> String
where
    R: IntoIterator<Item = I>,
    I: IntoIterator<Item = &'a f64>,
{
    let pad = " ".repeat(indent + 4);
    let mut s = String::from("[\n");
    for r in rows {
        s.push_str(&pad);
        s.push_str(&list(r));
        s.push_str(",\n");
    }
    s.push_str(&" ".repeat(indent));
    s.push(']');
    s
}

/// A matrix as stored (`W` is `units x in`): one list per matrix row.
pub fn matrix(m: &Matrix, indent: usize) -> String {
    let owned: Vec<Vec<f64>> = m.row_iter().map(|r| r.iter().copied().collect()).collect();
    rows(owned.iter(), indent)
}

/// An engine batch (one column per sample) as one list per sample, as files and PyTorch hold it.
pub fn samples(m: &Matrix, indent: usize) -> String {
    let owned: Vec<Vec<f64>> = m.column_iter().map(|c| c.iter().copied().collect()).collect();
    rows(owned.iter(), indent)
}

/// Free text (a lesson's title) as one comment line's worth: no line breaks, no control
/// characters.
pub fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A Python string literal (double quotes, escaped).
pub fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_python_literals_that_round_trip() {
        assert_eq!(float(0.1), "0.1");
        assert_eq!(float(1.0), "1.0");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(1e-8), "1e-8");
        // 0.1 + 0.2 is not 0.3: the text keeps every digit needed.
        let v = 0.1 + 0.2;
        assert_eq!(float(v).parse::<f64>().unwrap().to_bits(), v.to_bits());
        assert_eq!(list(&[1.5, -2.0]), "[1.5, -2.0]");
    }

    #[test]
    fn samples_are_columns_written_as_rows() {
        // 2 units x 3 samples: sample 2 is the column [0.5, 4.0].
        let m = Matrix::from_row_slice(2, 3, &[1.0, 0.5, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(
            samples(&m, 0),
            "[\n    [1.0, 3.0],\n    [0.5, 4.0],\n    [2.0, 5.0],\n]"
        );
        assert_eq!(matrix(&m, 0), "[\n    [1.0, 0.5, 2.0],\n    [3.0, 4.0, 5.0],\n]");
        assert_eq!(comment_text("a\nb\"c"), "a b\"c");
        assert_eq!(string("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
    }
}
