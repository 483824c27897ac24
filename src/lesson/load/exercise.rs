//! The second pass for an exercise cell: the network it reads, its sample, `ask` and
//! `solve_for` checked against that network as written, and its answer computed once to make
//! sure it is a finite number that can be typed (for an exact tolerance).

use super::check::Checker;
use super::raw::RawCell;
use crate::lesson::answer::Answer;
use crate::lesson::compute::Computed;
use crate::lesson::exercise::{Exercise, SolveFor, Tolerance};
use crate::lesson::file::ExerciseFile;
use crate::lesson::policy::MAX_POINTS;
use crate::lesson::reference::Reference;
use crate::nn::doc::NetworkDoc;
use crate::nn::numfmt::NumberFormat;

impl Checker<'_, '_, '_> {
    /// An exercise cell, with every problem listed. `None` if it has any.
    pub(super) fn exercise(&mut self, c: &RawCell<'_>, f: &ExerciseFile) -> Option<Exercise> {
        let p = c.prefix(Some(&f.id));
        let before = self.out.list.len();
        let net = self.exercise_network(c, f, &p);
        let sample = f.sample.unwrap_or(1);
        if sample == 0 {
            self.out.push(
                c.raw.at("sample"),
                format!("{p}sample 0 does not exist: samples are numbered from 1, as the window shows them"),
            );
        }
        if f.prompt.trim().is_empty() {
            self.out.push(c.raw.at("prompt"), format!("{p}the prompt is empty"));
        }
        let ask = f.ask.parse::<Reference>().map_err(|m| {
            self.out.push(c.raw.at("ask"), format!("{p}ask {m}"));
        });
        let solve = self.solve_for(c, f, &p);
        let (Some(net), Ok(ask), Ok(solve_for)) = (net, ask, solve) else {
            return None;
        };
        let ex = Exercise {
            id: f.id.clone(),
            network: self.nets[net].id.clone(),
            network_named: f.network.is_some(),
            sample,
            prompt: f.prompt.clone(),
            ask,
            solve_for,
            tolerance: f.tolerance,
            hints: f.hints.clone(),
            points: f.points.unwrap_or(1),
            grading: f.grading,
        };
        if ex.points > MAX_POINTS {
            self.out.push(
                c.raw.at("points"),
                format!("{p}points is {}; the limit is {MAX_POINTS}", ex.points),
            );
        }
        for m in ex.grading.map(|g| g.validate(false)).unwrap_or_default() {
            self.out.push(c.raw.at("grading"), format!("{p}{m}"));
        }
        // Against the network as written. A network that failed to load was reported already;
        // a layer it does not have is reported now too, not only once the network is fixed.
        let Some(doc) = self.nets[net].doc.clone() else {
            let layers = self.nets[net].layers_written;
            let refs = std::iter::once(("ask", ex.ask)).chain(ex.solve_for.as_ref().map(|s| ("solve_for", s.param)));
            for (key, r) in refs {
                if let Some(m) = layers.and_then(|n| r.check_layer(n)) {
                    self.out.push(c.raw.at(key), format!("{p}{key} {m}"));
                }
            }
            return None;
        };
        self.check_references(c, &ex, &doc, net, &p);
        if self.out.list.len() != before {
            return None;
        }
        self.check_answer(c, &ex, doc, &p);
        (self.out.list.len() == before).then_some(ex)
    }

    /// The position in [`Checker::nets`] of the network the exercise reads: the one it names,
    /// else the nearest network cell above it.
    fn exercise_network(&mut self, c: &RawCell<'_>, f: &ExerciseFile, p: &str) -> Option<usize> {
        match &f.network {
            Some(id) => {
                let found = self.nets.iter().position(|e| &e.id == id);
                if found.is_none() {
                    let ids: Vec<&str> = self.nets.iter().map(|e| e.id.as_str()).collect();
                    let known = if ids.is_empty() {
                        "the lesson has no network cell".to_string()
                    } else {
                        format!("network cells: {}", ids.join(", "))
                    };
                    self.out.push(
                        c.raw.at("network"),
                        format!("{p}no network cell has id '{id}'; {known}"),
                    );
                }
                found
            }
            None => {
                let found = self.nets.iter().rposition(|e| e.n < c.n);
                if found.is_none() {
                    self.out.push(
                        c.raw.span(),
                        format!("{p}no network cell above this exercise: add one, or name one with network = \"id\""),
                    );
                }
                found
            }
        }
    }

    /// `solve_for` and `equals`, which come together; `Err` once the problem is listed.
    fn solve_for(&mut self, c: &RawCell<'_>, f: &ExerciseFile, p: &str) -> Result<Option<SolveFor>, ()> {
        match (&f.solve_for, f.equals) {
            (None, None) => Ok(None),
            (Some(_), None) => {
                self.out.push(
                    c.raw.at("solve_for"),
                    format!("{p}solve_for needs equals = the value the question must take"),
                );
                Err(())
            }
            (None, Some(_)) => {
                self.out.push(
                    c.raw.at("equals"),
                    format!("{p}equals needs solve_for = the value to find"),
                );
                Err(())
            }
            (Some(s), Some(eq)) => match s.parse::<Reference>() {
                Ok(r) if r.is_settable() => Ok(Some(SolveFor { param: r, equals: eq })),
                Ok(r) => {
                    self.out.push(
                        c.raw.at("solve_for"),
                        format!(
                            "{p}solve_for '{r}' cannot be set: name one weight layers[l].weights[i][j], bias layers[l].bias[i], input x[i] or target y[i]"
                        ),
                    );
                    Err(())
                }
                Err(m) => {
                    self.out.push(c.raw.at("solve_for"), format!("{p}solve_for {m}"));
                    Err(())
                }
            },
        }
    }

    /// The sample, `ask` and `solve_for` against network `net` (its document `doc`).
    fn check_references(&mut self, c: &RawCell<'_>, ex: &Exercise, doc: &NetworkDoc, net: usize, p: &str) {
        let mut s = ex.sample_index();
        if s >= doc.batch() {
            let b = doc.batch();
            self.out.push(
                c.raw.at("sample"),
                format!(
                    "{p}sample {} does not exist; network '{}' has {b} sample{}",
                    ex.sample,
                    self.nets[net].id,
                    if b == 1 { "" } else { "s" }
                ),
            );
            s = 0;
        }
        for m in ex.ask.check(&doc.net, doc.batch(), s) {
            self.out.push(c.raw.at("ask"), format!("{p}ask {m}"));
        }
        // A value the network does not show yet (`taught`): the stepper and the matrix view
        // would not lead the student to it.
        let (taught, needed) = (self.nets[net].taught, ex.ask.target.taught_needed());
        if taught < needed {
            self.out.push(
                c.raw.at("ask"),
                format!(
                    "{p}ask {} needs the {} taught, but network '{}' shows only the {} (taught = \"{}\"); \
                     set its taught to \"{}\" or ask on another network",
                    ex.ask,
                    needed.text(),
                    self.nets[net].id,
                    taught.text(),
                    taught.name(),
                    needed.name()
                ),
            );
        }
        if let Some(sf) = &ex.solve_for {
            for m in sf.param.check(&doc.net, doc.batch(), s) {
                self.out.push(c.raw.at("solve_for"), format!("{p}solve_for {m}"));
            }
        }
    }

    /// The answer on the network as written (its passes computed once per network): it must
    /// exist, be finite and, for an exact tolerance, be typeable.
    fn check_answer(&mut self, c: &RawCell<'_>, ex: &Exercise, doc: NetworkDoc, p: &str) {
        let computed = self
            .computed
            .entry(ex.network.clone())
            .or_insert_with(|| Computed::new(doc));
        match ex.answer(computed) {
            Err(m) => {
                let at = if ex.solve_for.is_some() { "solve_for" } else { "ask" };
                self.out.push(c.raw.at(at), format!("{p}{m}"));
            }
            Ok(a) if a.entries().iter().any(|v| !v.is_finite()) => self.out.push(
                c.raw.at("ask"),
                format!(
                    "{p}the answer {} is not a finite number: the network gives NaN or infinity here",
                    a.to_text()
                ),
            ),
            Ok(a) if ex.tolerance == Some(Tolerance::Exact) && !typeable(&a) => self.out.push(
                c.raw.at("tolerance"),
                format!(
                    "{p}tolerance is exact but the answer {} cannot be typed exactly; give {{ rel = 0.001 }} or {{ abs = ... }}",
                    a.to_text()
                ),
            ),
            Ok(_) => {}
        }
    }
}

/// Whether every entry, written with 6 significant digits, passes as exact.
fn typeable(a: &Answer) -> bool {
    a.entries().iter().all(|v| {
        NumberFormat::Answer
            .fmt(*v)
            .parse::<f64>()
            .is_ok_and(|t| Tolerance::Exact.passes(t, *v))
    })
}
