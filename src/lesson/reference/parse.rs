//! The text form of a reference: parsing (1-based, with a hint when an index is 0), the lesson
//! form (`Display`) and the window's short label.

use super::{Index, LayerQuantity, Reference, Target};
use std::fmt;

const HINT_ONE_BASED: &str = "indices start at 1, as the window shows W3[1,2]";

/// Reads `[N]` at the start of `s`; returns the 0-based number and the rest.
fn bracket<'a>(s: &'a str, whole: &str) -> Result<(usize, &'a str), String> {
    let inner = s.strip_prefix('[').ok_or_else(|| format!("'{whole}': expected '['"))?;
    let close = inner
        .find(']')
        .ok_or_else(|| format!("'{whole}': a '[' is not closed"))?;
    let digits = inner[..close].trim();
    if digits.contains(',') {
        return Err(format!(
            "'{whole}': write one index per bracket, [i][j], not [{digits}]"
        ));
    }
    let n: usize = match digits.parse() {
        Ok(n) => n,
        Err(_) if digits.starts_with('-') => {
            return Err(format!("'{whole}': index {digits} is negative; {HINT_ONE_BASED}"));
        }
        Err(_) => return Err(format!("'{whole}': '{digits}' is not an index (a whole number from 1)")),
    };
    if n == 0 {
        return Err(format!("'{whole}': index 0 does not exist; {HINT_ONE_BASED}"));
    }
    Ok((n - 1, &inner[close + 1..]))
}

impl std::str::FromStr for Reference {
    type Err = String;

    /// Parses the grammar in the module comment; the message names what is wrong.
    fn from_str(text: &str) -> Result<Reference, String> {
        let s = text.trim();
        let name_end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        let (name, mut rest) = s.split_at(name_end);
        let target = match name {
            "loss" => Target::Loss,
            "param_count" => Target::ParamCount,
            "output" => Target::Output,
            "x" => Target::X,
            "y" => Target::Y,
            "layers" => {
                let (l, r) = bracket(rest, s)?;
                let r = r
                    .strip_prefix('.')
                    .ok_or_else(|| format!("'{s}': expected '.' and a quantity after layers[{}]", l + 1))?;
                let q_end = r
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(r.len());
                let q = LayerQuantity::from_name(&r[..q_end]).ok_or_else(|| {
                    let names: Vec<&str> = LayerQuantity::ALL.iter().map(|q| q.name()).collect();
                    format!(
                        "'{s}': unknown layer quantity '{}'; valid: {}",
                        &r[..q_end],
                        names.join(", ")
                    )
                })?;
                rest = &r[q_end..];
                Target::Layer(l, q)
            }
            "" => {
                return Err(format!(
                    "'{s}' is not a reference; start with loss, output, x, y or layers[l]"
                ));
            }
            other => {
                return Err(format!(
                    "'{s}': unknown name '{other}'; valid: loss, param_count, output, x, y, layers[l].<quantity>"
                ));
            }
        };
        let mut idx = Vec::new();
        while !rest.is_empty() {
            let (n, r) = bracket(rest, s)?;
            idx.push(n);
            rest = r;
        }
        let rank = target.rank();
        let index = match (idx.as_slice(), rank) {
            ([], _) => Index::Whole,
            ([i], 1) => Index::One(*i),
            ([i, j], 2) => Index::Two(*i, *j),
            (_, 0) => return Err(format!("'{s}' is a number: it takes no index")),
            (_, 1) => return Err(format!("'{s}' is a vector: give one index [i] or none")),
            _ => {
                return Err(format!(
                    "'{s}' is a matrix: give two indices [i][j] (row = unit, column = input) or none"
                ));
            }
        };
        Ok(Reference { target, index })
    }
}

impl fmt::Display for Reference {
    /// The reference as written in a lesson (1-based).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.target {
            Target::Loss => f.write_str("loss")?,
            Target::ParamCount => f.write_str("param_count")?,
            Target::Output => f.write_str("output")?,
            Target::X => f.write_str("x")?,
            Target::Y => f.write_str("y")?,
            Target::Layer(l, q) => write!(f, "layers[{}].{}", l + 1, q.name())?,
        }
        match self.index {
            Index::Whole => Ok(()),
            Index::One(i) => write!(f, "[{}]", i + 1),
            Index::Two(i, j) => write!(f, "[{}][{}]", i + 1, j + 1),
        }
    }
}

impl Reference {
    /// A short name as the window writes it: `z1[2]`, `dL/dW3[1,2]`, `W1[1,2] after the update`.
    pub fn label(&self) -> String {
        let idx = match self.index {
            Index::Whole => String::new(),
            Index::One(i) => format!("[{}]", i + 1),
            Index::Two(i, j) => format!("[{},{}]", i + 1, j + 1),
        };
        match self.target {
            Target::Loss => "L".into(),
            Target::ParamCount => "the number of parameters".into(),
            Target::Output => format!("output{idx}"),
            Target::X => format!("x{idx}"),
            Target::Y => format!("y{idx}"),
            Target::Layer(l, q) => {
                let k = l + 1;
                match q {
                    LayerQuantity::Weights => format!("W{k}{idx}"),
                    LayerQuantity::Bias => format!("b{k}{idx}"),
                    LayerQuantity::Z => format!("z{k}{idx}"),
                    LayerQuantity::A => format!("a{k}{idx}"),
                    LayerQuantity::DlDa => format!("dL/da{k}{idx}"),
                    LayerQuantity::Delta => format!("δ{k}{idx}"),
                    LayerQuantity::GradWeights => format!("dL/dW{k}{idx}"),
                    LayerQuantity::GradBias => format!("dL/db{k}{idx}"),
                    LayerQuantity::NewWeights => format!("W{k}{idx} after the update"),
                    LayerQuantity::NewBias => format!("b{k}{idx} after the update"),
                    LayerQuantity::ParamCount => format!("the number of parameters of layer {k}"),
                    LayerQuantity::ZBatch => format!("Z{k}{idx}"),
                }
            }
        }
    }
}
