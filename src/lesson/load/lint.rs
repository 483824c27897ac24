//! What `mlp-notebook lint` checks beyond loading (the loader runs it when asked, so every
//! problem still comes with its line, in one run):
//! - the data files training cells name are read and turned into a data set, as the window
//!   will (a missing or unreadable CSV is a problem, not a surprise in class);
//! - exercises and quizzes on a network with per-student variants are tried on a sample of
//!   [`SAMPLE_STUDENTS`] student ids (`student 1` to `student 50`, fixed so a report can be
//!   reproduced by typing the id in the window): an exercise whose answer is 0 for a student,
//!   or (a number) always the same one of the values the student is given (an input, a target,
//!   a weight or a bias of their network: a copy, not a computation), and a quiz whose option marked correct quotes a number of the
//!   network as written that a student's network does not have.
//!
//! Exercises with `solve_for` are left out of the sample (each would be a search per student).

use super::check::Checker;
use super::raw::{RawCell, Step};
use crate::lesson::compute::Computed;
use crate::lesson::exercise::Exercise;
use crate::lesson::quiz::Quiz;
use crate::lesson::training::{TrainingSetup, load_data};
use crate::lesson::variant::variant_doc;

/// How many student ids lint tries each variant network with.
pub const SAMPLE_STUDENTS: usize = 50;

/// The `k`-th student id of the sample (1-based).
pub fn sample_student(k: usize) -> String {
    format!("student {k}")
}

impl Checker<'_, '_, '_> {
    /// The training cell's data, read and built as the window would.
    pub(super) fn lint_data(&mut self, c: &RawCell<'_>, s: &TrainingSetup, p: &str) {
        let resolve = self.resolve;
        if let Err(m) = load_data(&s.data, &|path: &str| resolve(path)) {
            let at = c
                .raw
                .at_path(&[Step::Key("data"), Step::Key("csv")])
                .or_else(|| c.raw.at("data"));
            let what = s
                .data
                .csv_path()
                .map_or_else(|| "data".to_string(), |f| format!("data '{f}'"));
            self.out.push(at, format!("{p}{what}: {m}"));
        }
    }

    /// The variant networks of sample students for network `net` (position in `nets`), each
    /// computed once; empty when the network has no variant or did not load.
    fn sampled(&mut self, net: usize) -> &[(String, Computed)] {
        let e = &self.nets[net];
        if !self.variant_runs.contains_key(&e.id) {
            let runs = match (&e.doc, &e.variant) {
                (Some(doc), Some(v)) => (1..=SAMPLE_STUDENTS)
                    .map(|k| {
                        let s = sample_student(k);
                        let d = variant_doc(doc, Some(v), Some(&s), &e.id);
                        (s, Computed::new(d))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            self.variant_runs.insert(e.id.clone(), runs);
        }
        &self.variant_runs[&self.nets[net].id]
    }

    /// An exercise on a variant network: its answer for each sample student is not 0, and not
    /// (a number) the same given value for every student.
    pub(super) fn lint_exercise(&mut self, c: &RawCell<'_>, ex: &Exercise, p: &str) {
        if ex.solve_for.is_some() {
            return;
        }
        let Some(net) = self.nets.iter().position(|e| e.id == ex.network) else {
            return;
        };
        let s = ex.sample_index();
        let mut zero: Vec<&str> = Vec::new();
        // The given values every nonzero answer has equalled so far (`None` before the first).
        let mut always: Option<Vec<String>> = None;
        let mut first_copy: Option<(&str, f64)> = None;
        for (student, comp) in self.sampled(net) {
            let Ok(a) = ex.answer(comp) else { continue };
            let v = a.entries();
            if v.iter().all(|x| *x == 0.0) {
                zero.push(student);
            } else if let [x] = v[..] {
                let names = given_values(comp, s, x);
                first_copy = first_copy.or(Some((student, x)));
                always = Some(match always {
                    None => names,
                    Some(before) => before.into_iter().filter(|n| names.contains(n)).collect(),
                });
            } else {
                always = Some(Vec::new());
            }
        }
        let n = SAMPLE_STUDENTS;
        let mut found = Vec::new();
        if let Some(first) = zero.first() {
            found.push(format!(
                "{p}the answer is 0 for {} of {n} sampled students (first '{first}'): the exercise asks for nothing to work out; change the network, the sample or what it asks",
                zero.len()
            ));
        }
        if let (Some(name), Some((student, x))) = (always.as_ref().and_then(|a| a.first()), first_copy) {
            found.push(format!(
                "{p}the answer is {name} as given for every sampled student whose answer is not 0 (for '{student}' it is {x}): the student can copy it from the network; ask for a value they must compute"
            ));
        }
        for m in found {
            self.out.push(c.raw.at("ask"), m);
        }
    }

    /// A quiz below a variant network: a number its option marked correct quotes from that
    /// network as written (a z, a, delta, output, loss or gradient) must be the same number
    /// for every sample student, or the quiz is wrong for some of them.
    pub(super) fn lint_quiz(&mut self, c: &RawCell<'_>, q: &Quiz, p: &str) {
        let Some(net) = self.nets.iter().rposition(|e| e.n < c.n) else {
            return;
        };
        let Some(doc) = self.nets[net].doc.clone() else { return };
        if self.nets[net].variant.is_none() {
            return;
        }
        let written = named_values(&Computed::new(doc));
        for (k, o) in q.options.iter().enumerate().filter(|(_, o)| o.correct) {
            for (number, tol) in quoted_numbers(&o.text) {
                let Some((i, name)) = written
                    .iter()
                    .enumerate()
                    .find(|(_, (_, v))| (v - number).abs() <= tol)
                    .map(|(i, (n, _))| (i, n.clone()))
                else {
                    continue;
                };
                let differs = self.sampled(net).iter().find_map(|(student, comp)| {
                    let v = named_values(comp).get(i).map(|(_, v)| *v)?;
                    ((v - number).abs() > tol).then(|| (student.clone(), v))
                });
                if let Some((student, v)) = differs {
                    self.out.push(
                        c.raw.at("options"),
                        format!(
                            "{p}option {} is marked correct and says {number}, which is {name} of the network as written; for '{student}' {name} is {v}, so the option is wrong for that student",
                            k + 1
                        ),
                    );
                    return;
                }
            }
        }
    }
}

/// The names of the values the student is given (`x[2]`, `y[1]` of sample `s`, `W1[2,1]`,
/// `b2[1]`, 1-based as the window shows them) that equal `v`.
fn given_values(c: &Computed, s: usize, v: f64) -> Vec<String> {
    let d = &c.doc;
    let mut out = Vec::new();
    let x = d.input();
    for (m, name) in [(&*x, "x"), (&d.y, "y")] {
        if s < m.ncols() {
            out.extend(
                (0..m.nrows())
                    .filter(|&r| m[(r, s)] == v)
                    .map(|r| format!("{name}[{}]", r + 1)),
            );
        }
    }
    for (l, layer) in d.net.layers().iter().enumerate() {
        let w = &layer.weights;
        for r in 0..w.nrows() {
            out.extend(
                (0..w.ncols())
                    .filter(|&k| w[(r, k)] == v)
                    .map(|k| format!("W{}[{},{}]", l + 1, r + 1, k + 1)),
            );
        }
        out.extend(
            (0..layer.bias.len())
                .filter(|&r| layer.bias[r] == v)
                .map(|r| format!("b{}[{}]", l + 1, r + 1)),
        );
    }
    out
}

/// Every value of a computed network a quiz might quote, named as the window names them, in a
/// fixed order (so the same index names the same value in every variant): per layer and
/// sample z, a and delta, then per layer dL/dW and dL/db, then the loss.
fn named_values(c: &Computed) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let batch = c.doc.batch();
    let sample = |s: usize| {
        if batch > 1 {
            format!(" of sample {}", s + 1)
        } else {
            String::new()
        }
    };
    for (l, t) in c.fwd.layers.iter().enumerate() {
        let delta = c.grads.layers.get(l).map(|g| &g.delta);
        for s in 0..t.z.ncols() {
            for r in 0..t.z.nrows() {
                let at = format!("[{}]{}", r + 1, sample(s));
                out.push((format!("z{}{at}", l + 1), t.z[(r, s)]));
                out.push((format!("a{}{at}", l + 1), t.a[(r, s)]));
                if let Some(d) = delta {
                    out.push((format!("δ{}{at}", l + 1), d[(r, s)]));
                }
            }
        }
    }
    for (l, g) in c.grads.layers.iter().enumerate() {
        for r in 0..g.weights.nrows() {
            for k in 0..g.weights.ncols() {
                out.push((format!("dL/dW{}[{},{}]", l + 1, r + 1, k + 1), g.weights[(r, k)]));
            }
        }
        for r in 0..g.bias.len() {
            out.push((format!("dL/db{}[{}]", l + 1, r + 1), g.bias[r]));
        }
    }
    out.push(("the loss".into(), c.grads.loss));
    out
}

/// The numbers a text states as values, each with the tolerance its written digits allow (half
/// a unit of the last digit): a number with a decimal point or a sign, or one right after `=`,
/// `≈`, "is" or "equals". Numbers that count or name things ("layer 2", "W1", "3 units") are
/// not values and are left out.
fn quoted_numbers(text: &str) -> Vec<(f64, f64)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (matches!(chars[i], '-' | '−') && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        let glued = i > 0 && (chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '[' | '_' | ',' | '.'));
        if !starts || glued {
            i += 1;
            continue;
        }
        let begin = i;
        i += 1;
        while i < chars.len()
            && (chars[i].is_ascii_digit() || (chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        if i < chars.len() && (chars[i].is_alphabetic() || chars[i] == '[') {
            continue;
        }
        let written: String = chars[begin..i].iter().collect::<String>().replace('−', "-");
        let Ok(v) = written.parse::<f64>() else { continue };
        let before: String = chars[..begin].iter().collect::<String>();
        let before = before.trim_end();
        let stated = written.contains('.')
            || written.starts_with('-')
            || before.ends_with('=')
            || before.ends_with('≈')
            || before.ends_with(" is")
            || before.ends_with(" equals");
        if stated {
            let decimals = written.split_once('.').map_or(0, |(_, d)| d.len());
            out.push((v, 0.5 * 10f64.powi(-(decimals as i32)) + 1e-12));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quoted_numbers;

    #[test]
    fn only_numbers_stated_as_values_are_quoted() {
        let got = quoted_numbers("Layer 2 has 3 units; z = 4 and a is 0.25, W1[1,2] stays, δ ≈ −1.5, x2 = 7");
        // 4 (after =), 0.25 (decimal, ± 0.005), −1.5 (sign), 7 (after =); not 2, 3, 1, 2.
        let values: Vec<f64> = got.iter().map(|g| g.0).collect();
        assert_eq!(values, [4.0, 0.25, -1.5, 7.0]);
        assert!((got[1].1 - 0.005).abs() < 1e-9);
        assert!((got[0].1 - 0.5).abs() < 1e-9);
    }
}
