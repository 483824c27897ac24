//! The [`Answer`] a student gives or the engine computes: a number, a vector or a matrix, and
//! how it is written ([`NumberFormat::Answer`]). The base vocabulary of `lesson`'s checking
//! modules: it depends on nothing else in `lesson` (the order is answer, reference, mistakes
//! and solve, exercise).

use crate::nn::numfmt::NumberFormat;
use serde::{Deserialize, Serialize};

/// An answer: a number, a vector, or a matrix written as rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "a number, a list of numbers (a vector) or a list of rows of numbers (a matrix)"
)]
pub enum Answer {
    Scalar(f64),
    Vector(Vec<f64>),
    Matrix(Vec<Vec<f64>>),
}

impl Answer {
    /// Every entry, row by row.
    pub fn entries(&self) -> Vec<f64> {
        match self {
            Answer::Scalar(v) => vec![*v],
            Answer::Vector(v) => v.clone(),
            Answer::Matrix(rows) => rows.iter().flatten().copied().collect(),
        }
    }

    /// `(rows, columns)`: a number is 1 x 1, a vector of n is n x 1 (a column). Ragged rows
    /// are an error.
    pub fn grid(&self) -> Result<(usize, usize), String> {
        match self {
            Answer::Scalar(_) => Ok((1, 1)),
            Answer::Vector(v) => Ok((v.len(), 1)),
            Answer::Matrix(rows) => {
                let c = rows.first().map_or(0, Vec::len);
                match rows.iter().position(|r| r.len() != c) {
                    Some(r) => Err(format!("row {} has {} numbers but row 1 has {c}", r + 1, rows[r].len())),
                    None => Ok((rows.len(), c)),
                }
            }
        }
    }

    /// Whether every entry is a whole number.
    pub fn is_integer(&self) -> bool {
        self.entries().iter().all(|v| v.fract() == 0.0)
    }

    /// Every entry through `f`, same shape.
    pub fn map(&self, f: impl Fn(f64) -> f64) -> Answer {
        match self {
            Answer::Scalar(v) => Answer::Scalar(f(*v)),
            Answer::Vector(v) => Answer::Vector(v.iter().map(|x| f(*x)).collect()),
            Answer::Matrix(rows) => Answer::Matrix(rows.iter().map(|r| r.iter().map(|x| f(*x)).collect()).collect()),
        }
    }

    /// Entry by entry `f(self, other)`, if both have the same shape.
    pub fn zip(&self, other: &Answer, f: impl Fn(f64, f64) -> f64) -> Option<Answer> {
        match (self, other) {
            (Answer::Scalar(a), Answer::Scalar(b)) => Some(Answer::Scalar(f(*a, *b))),
            (Answer::Vector(a), Answer::Vector(b)) if a.len() == b.len() => {
                Some(Answer::Vector(a.iter().zip(b).map(|(x, y)| f(*x, *y)).collect()))
            }
            (Answer::Matrix(a), Answer::Matrix(b))
                if a.len() == b.len() && a.iter().zip(b).all(|(r, s)| r.len() == s.len()) =>
            {
                Some(Answer::Matrix(
                    a.iter()
                        .zip(b)
                        .map(|(r, s)| r.iter().zip(s).map(|(x, y)| f(*x, *y)).collect())
                        .collect(),
                ))
            }
            _ => None,
        }
    }

    /// The transpose of a matrix (`None` for numbers, vectors and ragged rows).
    pub fn transpose(&self) -> Option<Answer> {
        let Answer::Matrix(rows) = self else { return None };
        let (r, c) = self.grid().ok()?;
        Some(Answer::Matrix(
            (0..c).map(|j| (0..r).map(|i| rows[i][j]).collect()).collect(),
        ))
    }

    /// Written as a lesson or a submission writes it: `3`, `[1, 2]`, `[[1, 2], [3, 4]]`.
    pub fn to_text(&self) -> String {
        let list = |v: &[f64]| {
            format!(
                "[{}]",
                v.iter()
                    .map(|x| NumberFormat::Answer.fmt(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        match self {
            Answer::Scalar(v) => NumberFormat::Answer.fmt(*v),
            Answer::Vector(v) => list(v),
            Answer::Matrix(rows) => format!("[{}]", rows.iter().map(|r| list(r)).collect::<Vec<_>>().join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_written_as_the_key_writes_them() {
        // Whole numbers in full, others to 6 significant digits without trailing zeros:
        // 1/3 = 0.333333..., 0.1 + 0.2 = 0.30000000000000004 reads 0.3.
        assert_eq!(Answer::Scalar(0.5).to_text(), "0.5");
        assert_eq!(Answer::Vector(vec![3.0, -0.5]).to_text(), "[3, -0.5]");
        assert_eq!(
            Answer::Matrix(vec![vec![1.0 / 3.0, 0.1 + 0.2], vec![-2.0, 0.25]]).to_text(),
            "[[0.333333, 0.3], [-2, 0.25]]"
        );
    }
}
