//! Exercises and answer checking: the [`Tolerance`] an [`Answer`] is checked with, and the
//! [`Feedback`] it gets (correct, close, a recognised mistake, or wrong with the next hint),
//! entry by entry for vectors and matrices.
//!
//! Every expected value is read from one [`Computed`] pass by a [`Reference`]; the mistakes
//! are recomputed by [`super::mistakes`] under the mistaken rule.

use super::answer::Answer;
use super::compute::Computed;
use super::mistakes::{Mistake, MistakeKind, mistakes};
use super::policy::GradingPolicy;
use super::precision::agrees_as_typed;
use super::reference::Reference;
use super::solve::solve_for;
use crate::nn::numfmt::NumberFormat;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Relative slack for the engine's own rounding, in every tolerance: an "exact" answer of 0.3
/// accepts the engine's 0.30000000000000004.
pub const FLOAT_SLACK: f64 = 1e-9;

/// How close an answer must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    /// The same number (up to [`FLOAT_SLACK`]): for whole-number answers.
    Exact,
    /// Within `abs` of the answer, or within `rel` times its size; either passes.
    Within { abs: Option<f64>, rel: Option<f64> },
}

impl Tolerance {
    /// The default: exact when every entry of the answer is a whole number, else rel 1e-3.
    pub fn default_for(expected: &Answer) -> Tolerance {
        if expected.is_integer() {
            Tolerance::Exact
        } else {
            Tolerance::Within {
                abs: None,
                rel: Some(1e-3),
            }
        }
    }

    fn limit(&self, want: f64, times: f64) -> f64 {
        let slack = FLOAT_SLACK * want.abs().max(1.0);
        match *self {
            Tolerance::Exact => slack,
            Tolerance::Within { abs, rel } => {
                let a = abs.map_or(0.0, |a| a * times);
                let r = rel.map_or(0.0, |r| r * times * want.abs());
                slack.max(a).max(r)
            }
        }
    }

    /// Whether `got` passes for `want`.
    pub fn passes(&self, got: f64, want: f64) -> bool {
        (got - want).abs() <= self.limit(want, 1.0)
    }

    /// Whether `got` is within 10 times the tolerance (a rounding slip). Never for exact.
    pub fn close(&self, got: f64, want: f64) -> bool {
        (got - want).abs() <= self.limit(want, 10.0)
    }

    /// Checks the numbers; every problem is listed.
    pub fn validate(&self) -> Vec<String> {
        let mut e = Vec::new();
        if let Tolerance::Within { abs, rel } = *self {
            if abs.is_none() && rel.is_none() {
                e.push("tolerance table needs abs, rel or both".into());
            }
            for (name, v) in [("abs", abs), ("rel", rel)] {
                if let Some(v) = v
                    && !(v.is_finite() && v >= 0.0)
                {
                    e.push(format!("tolerance {name} must be a finite number, 0 or more, not {v}"));
                }
            }
        }
        e
    }
}

/// The table form of a tolerance as read; unknown keys are refused.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToleranceTable {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    abs: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rel: Option<f64>,
}

impl Serialize for Tolerance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Tolerance::Exact => s.serialize_str("exact"),
            Tolerance::Within { abs, rel } => ToleranceTable { abs, rel }.serialize(s),
        }
    }
}

// By hand, like the network format's loss: `"exact"` or a table, each with its own message.
impl<'de> Deserialize<'de> for Tolerance {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tolerance, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Tolerance;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"exact\" or a table such as { abs = 0.01 }, { rel = 0.001 } or both")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Tolerance, E> {
                match v {
                    "exact" => Ok(Tolerance::Exact),
                    other => Err(E::custom(format!(
                        "unknown tolerance '{other}'; write \"exact\", {{ abs = 0.01 }}, {{ rel = 0.001 }} or both in one table"
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Tolerance, A::Error> {
                let t = ToleranceTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                let tol = Tolerance::Within { abs: t.abs, rel: t.rel };
                match tol.validate().into_iter().next() {
                    Some(m) => Err(serde::de::Error::custom(m)),
                    None => Ok(tol),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerance::Exact => f.write_str("exact"),
            Tolerance::Within { abs, rel } => {
                let mut parts = Vec::new();
                if let Some(a) = abs {
                    parts.push(format!("within {} (absolute)", NumberFormat::Answer.fmt(*a)));
                }
                if let Some(r) = rel {
                    parts.push(format!("within {} relative", NumberFormat::Answer.fmt(*r)));
                }
                f.write_str(&parts.join(" or "))
            }
        }
    }
}

/// What the student is told.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Correct,
    /// Every entry within 10 times the tolerance, some not within it: a rounding slip. Not
    /// counted as correct.
    Close,
    /// The answer is what a known mistake gives.
    Mistake {
        kind: MistakeKind,
        explanation: String,
    },
    /// Wrong; the next hint not shown yet, if any.
    Wrong {
        hint: Option<String>,
    },
    /// The answer cannot be compared (wrong shape, ragged rows, a value that is not finite).
    Unreadable(String),
}

impl Verdict {
    pub fn is_correct(&self) -> bool {
        matches!(self, Verdict::Correct)
    }

    /// One line for the student.
    pub fn message(&self) -> String {
        match self {
            Verdict::Correct => "Correct.".into(),
            Verdict::Close => "Close: check your rounding (within 10 times the tolerance, not within it).".into(),
            Verdict::Mistake { kind, explanation } => format!("{}: {explanation}", kind.title()),
            Verdict::Wrong { hint: Some(h) } => format!("Not yet. Hint: {h}"),
            Verdict::Wrong { hint: None } => "Not yet. Try \"Show worked solution\".".into(),
            Verdict::Unreadable(m) => m.clone(),
        }
    }
}

/// The verdict and which entries fail.
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    pub verdict: Verdict,
    /// Entries that do not pass, 1-based `(row, column)` of the expected shape (a vector's
    /// entry `i` is `(i, 1)`); empty when the verdict is correct or the answer unreadable.
    pub wrong_entries: Vec<(usize, usize)>,
}

/// `got`'s entries in `want`'s order if the shapes agree: the same rows and columns, where a
/// number is 1 x 1 and a vector of n is n x 1 (a column), so a 1 x n row given for an n x 1
/// column is not the same answer. A transposed shape is named in the message.
fn align(want: &Answer, got: &Answer) -> Result<Vec<f64>, String> {
    let (wr, wc) = want.grid()?;
    let (gr, gc) = got.grid()?;
    if (wr, wc) == (gr, gc) {
        Ok(got.entries())
    } else {
        let transposed = if (wr, wc) == (gc, gr) {
            " (rows and columns swapped)"
        } else {
            ""
        };
        Err(format!(
            "The answer is {}, but {} is expected{transposed}",
            shape_text(gr, gc, got),
            shape_text(wr, wc, want)
        ))
    }
}

/// Whether `got` is what the mistaken value `m` gives: within the tolerance the right answer
/// has (for an exact exercise, the tolerance the mistaken value would have on its own: exact
/// for whole numbers, else rel 1e-3), or `m` written to the precision `got` was typed to
/// ([`agrees_as_typed`]: -3.667, -3.67 or -3.666 for -11/3, not -3.5 nor -4). A rounding slip
/// away from a mistaken value is not that mistake: its value does not match the one typed.
fn recognised(tol: Tolerance, mistaken: &Answer, got: f64, m: f64) -> bool {
    let tol = match tol {
        Tolerance::Exact => Tolerance::default_for(mistaken),
        t => t,
    };
    tol.passes(got, m) || agrees_as_typed(got, m)
}

fn shape_text(r: usize, c: usize, a: &Answer) -> String {
    match a {
        Answer::Scalar(_) => "a number".into(),
        Answer::Vector(_) => format!("a vector of {r}"),
        Answer::Matrix(_) => format!("a {r} x {c} matrix"),
    }
}

/// Compares `given` with `expected` under `tol`; `candidates` are the values known mistakes
/// give (tried in order), `hint` the next hint.
pub fn compare(
    expected: &Answer,
    given: &Answer,
    tol: Tolerance,
    candidates: &[Mistake],
    hint: Option<&str>,
) -> Feedback {
    let unreadable = |m: String| Feedback {
        verdict: Verdict::Unreadable(m),
        wrong_entries: Vec::new(),
    };
    if let Err(m) = given.grid() {
        return unreadable(format!("The answer's rows differ in length: {m}."));
    }
    if let Some(k) = given.entries().iter().position(|v| !v.is_finite()) {
        return unreadable(format!("Entry {} of the answer is not a finite number.", k + 1));
    }
    let want = expected.entries();
    let cols = expected.grid().map_or(1, |(_, c)| c.max(1));
    let got = match align(expected, given) {
        Ok(g) => g,
        Err(m) => {
            // A transposed matrix has another shape: compare it with the mistakes directly.
            for c in candidates {
                if let Ok(g) = align(&c.value, given)
                    && g.iter()
                        .zip(c.value.entries())
                        .all(|(x, w)| recognised(tol, &c.value, *x, w))
                {
                    return Feedback {
                        verdict: Verdict::Mistake {
                            kind: c.kind,
                            explanation: c.explanation.clone(),
                        },
                        wrong_entries: Vec::new(),
                    };
                }
            }
            return unreadable(format!("{m}."));
        }
    };
    let entry = |k: usize| (k / cols + 1, k % cols + 1);
    let wrong: Vec<usize> = (0..want.len()).filter(|&k| !tol.passes(got[k], want[k])).collect();
    let wrong_entries: Vec<(usize, usize)> = wrong.iter().map(|&k| entry(k)).collect();
    if wrong.is_empty() {
        return Feedback {
            verdict: Verdict::Correct,
            wrong_entries,
        };
    }
    if wrong.iter().all(|&k| tol.close(got[k], want[k])) {
        return Feedback {
            verdict: Verdict::Close,
            wrong_entries,
        };
    }
    for c in candidates {
        let Ok(m) = align(expected, &c.value).map(|_| c.value.entries()) else {
            continue;
        };
        // Every entry is right under the correct rule or the mistaken one, and the entries that
        // are wrong are right under the mistaken one.
        if wrong.iter().all(|&k| recognised(tol, &c.value, got[k], m[k])) {
            return Feedback {
                verdict: Verdict::Mistake {
                    kind: c.kind,
                    explanation: c.explanation.clone(),
                },
                wrong_entries,
            };
        }
    }
    Feedback {
        verdict: Verdict::Wrong {
            hint: hint.map(str::to_string),
        },
        wrong_entries,
    }
}

/// "Which value of `param` makes the question equal `equals`?"
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolveFor {
    pub param: Reference,
    pub equals: f64,
}

/// An exercise, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    pub id: String,
    /// The id of the network cell the exercise reads (resolved when the lesson was loaded).
    pub network: String,
    /// Whether the file names the network (else it is the nearest network cell above).
    pub network_named: bool,
    /// Which sample of the batch, 1-based as written.
    pub sample: usize,
    pub prompt: String,
    pub ask: Reference,
    pub solve_for: Option<SolveFor>,
    /// `None`: the default for the answer ([`Tolerance::default_for`]).
    pub tolerance: Option<Tolerance>,
    pub hints: Vec<String>,
    pub points: u32,
    /// This exercise's grading policy as written, over the lesson's ([`super::Lesson::policy`]).
    pub grading: Option<GradingPolicy>,
}

impl Exercise {
    /// The sample as the engine counts it (0-based).
    pub fn sample_index(&self) -> usize {
        self.sample.saturating_sub(1)
    }

    /// The expected answer, computed by the engine from `c` (solving for the missing value if
    /// the exercise asks for one).
    pub fn answer(&self, c: &Computed) -> Result<Answer, String> {
        let s = self.sample_index();
        match &self.solve_for {
            Some(sf) => solve_for(&c.doc, s, &sf.param, &self.ask, sf.equals).map(|r| Answer::Scalar(r.value)),
            None => self.ask.resolve(c, s),
        }
    }

    /// The tolerance in force for `expected`.
    pub fn tolerance_for(&self, expected: &Answer) -> Tolerance {
        self.tolerance.unwrap_or_else(|| Tolerance::default_for(expected))
    }

    /// The values the mistakes the engine can reproduce would give here.
    pub fn mistakes(&self, c: &Computed, expected: &Answer) -> Vec<Mistake> {
        let tol = self.tolerance_for(expected);
        let all = match &self.solve_for {
            Some(sf) => vec![Mistake {
                kind: MistakeKind::WrongSign,
                explanation: format!(
                    "{} has the right size but the wrong sign: move the other terms across with their signs",
                    sf.param.label()
                ),
                value: expected.map(|v| -v),
            }],
            None => mistakes(&self.ask, c, self.sample_index()),
        };
        // A mistake only counts where its value would not itself pass as correct, nor as the
        // value of a mistake tried before it (the first rule giving a number names it).
        let differs = |a: &Answer, b: &Answer| match (a.grid(), b.grid()) {
            (Ok(x), Ok(y)) if x == y => a.entries().iter().zip(b.entries()).any(|(g, w)| !tol.passes(*g, w)),
            _ => true,
        };
        let mut kept: Vec<Mistake> = Vec::new();
        for m in all {
            if differs(&m.value, expected) && kept.iter().all(|k| differs(&m.value, &k.value)) {
                kept.push(m);
            }
        }
        kept
    }

    /// Checks `given` against the engine; `hints_shown` hints were shown already (the next one
    /// comes with a wrong answer).
    pub fn check(&self, c: &Computed, given: &Answer, hints_shown: usize) -> Result<Feedback, String> {
        let expected = self.answer(c)?;
        let tol = self.tolerance_for(&expected);
        let candidates = self.mistakes(c, &expected);
        Ok(compare(
            &expected,
            given,
            tol,
            &candidates,
            self.hints.get(hints_shown).map(String::as_str),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rel 1e-3 of 2: within 0.002 passes, within 0.02 is close, further is wrong.
    #[test]
    fn tolerance_and_close() {
        let t = Tolerance::Within {
            abs: None,
            rel: Some(1e-3),
        };
        assert!(t.passes(2.0019, 2.0));
        assert!(!t.passes(2.0021, 2.0) && t.close(2.0021, 2.0));
        assert!(!t.close(2.021, 2.0));
        let both = Tolerance::Within {
            abs: Some(0.1),
            rel: Some(1e-3),
        };
        assert!(both.passes(0.05, 0.0));
        assert!(Tolerance::Exact.passes(0.1 + 0.2, 0.3) && !Tolerance::Exact.passes(3.001, 3.0));
        assert!(!Tolerance::Exact.close(3.001, 3.0));
    }

    #[test]
    fn a_vector_is_checked_entry_by_entry() {
        let want = Answer::Vector(vec![1.0, 2.0, 3.0]);
        let f = compare(
            &want,
            &Answer::Vector(vec![1.0, 5.0, 3.0]),
            Tolerance::Exact,
            &[],
            Some("h"),
        );
        assert_eq!(f.wrong_entries, vec![(2, 1)]);
        assert_eq!(f.verdict, Verdict::Wrong { hint: Some("h".into()) });
        let f = compare(&want, &Answer::Vector(vec![1.0, 2.0]), Tolerance::Exact, &[], None);
        assert!(
            matches!(f.verdict, Verdict::Unreadable(ref m) if m.contains("vector of 3")),
            "{f:?}"
        );
        // A 3 x 1 column (the vector's shape) is the same answer; a 1 x 3 row is not (issue 7:
        // it used to score full marks).
        let f = compare(
            &want,
            &Answer::Matrix(vec![vec![1.0], vec![2.0], vec![3.0]]),
            Tolerance::Exact,
            &[],
            None,
        );
        assert_eq!(f.verdict, Verdict::Correct);
        let f = compare(
            &want,
            &Answer::Matrix(vec![vec![1.0, 2.0, 3.0]]),
            Tolerance::Exact,
            &[],
            None,
        );
        assert_eq!(
            f.verdict,
            Verdict::Unreadable(
                "The answer is a 1 x 3 matrix, but a vector of 3 is expected (rows and columns swapped).".into()
            )
        );
    }
}
