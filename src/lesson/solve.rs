//! "Solve for the missing value": the value of one parameter (a weight, a bias, an input or a
//! target) that makes a question equal a given number, found with the engine by re-running the
//! network for trial values.
//!
//! The question is evaluated on a grid of trial values around the current one, in windows of
//! growing width (10, 100, ... times the current size, up to a million); the first window with
//! a root must hold exactly one, which is refined by bisection and a final secant step, and
//! snapped to a whole number (or 6 decimals) when that is as good. No root, several, or a flat
//! stretch where every value works are errors.
//!
//! The search runs the network up to [`MAX_PASSES`] times, so its cost is bounded before it
//! starts: a network whose passes would exceed [`MAX_SOLVE_WORK`] in all is refused with the
//! limit named (a lint problem), rather than holding the window or `lint` for minutes.

use super::answer::Answer;
use super::compute::Computed;
use super::reference::Reference;
use crate::nn::doc::NetworkDoc;
use crate::nn::numfmt::NumberFormat;

/// Trial values per window.
const GRID: usize = 200;
/// Windows of trial values, each 10 times wider than the last.
const WINDOWS: i32 = 6;
/// Bisection steps at most.
const REFINE: usize = 200;
/// The most passes of the network a search may run: every window's grid, then the refining.
pub const MAX_PASSES: usize = WINDOWS as usize * (GRID + 1) + REFINE + 2;
/// The most work a search may do, in numbers touched: passes x (samples x (parameters + inputs)
/// plus the copy of the network and its data each pass makes). About two seconds.
pub const MAX_SOLVE_WORK: u64 = 2_000_000_000;

/// The work [`solve_for`] may do on `doc`, counted as [`MAX_SOLVE_WORK`] counts it.
pub fn solve_work(doc: &NetworkDoc) -> u64 {
    let samples = doc.x.ncols() as u64;
    let params = doc.net.param_count() as u64;
    let pass = samples.saturating_mul(params + doc.net.inputs() as u64);
    let copy = params + (doc.x.len() + doc.y.len()) as u64;
    (MAX_PASSES as u64).saturating_mul(pass.saturating_add(copy))
}

/// The value found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Solved {
    pub value: f64,
    /// The parameter's value in the file, where the search started.
    pub start: f64,
}

/// Evaluates `ask - equals` with `param` set to `v`.
struct Problem<'a> {
    doc: &'a NetworkDoc,
    sample: usize,
    param: &'a Reference,
    ask: &'a Reference,
    equals: f64,
}

impl Problem<'_> {
    fn f(&self, v: f64) -> Result<f64, String> {
        let mut d = self.doc.clone();
        self.param.set(&mut d, self.sample, v)?;
        let c = if self.ask.target.needs_backward() {
            Computed::new(d)
        } else {
            Computed::forward_only(d)
        };
        match self.ask.resolve(&c, self.sample)? {
            Answer::Scalar(x) => Ok(x - self.equals),
            _ => Err(format!(
                "'{}' names more than one number; solve_for needs a question with one number, e.g. '{}[1]'",
                self.ask, self.ask
            )),
        }
    }

    fn zero_tol(&self) -> f64 {
        1e-12 * self.equals.abs().max(1.0)
    }
}

/// Finds the value of `param` (a settable reference) that makes `ask` equal `equals`, for
/// sample `sample` (0-based).
pub fn solve_for(
    doc: &NetworkDoc,
    sample: usize,
    param: &Reference,
    ask: &Reference,
    equals: f64,
) -> Result<Solved, String> {
    if !param.is_settable() {
        return Err(format!(
            "solve_for '{param}' cannot be set: name one weight layers[l].weights[i][j], bias layers[l].bias[i], input x[i] or target y[i]"
        ));
    }
    if !equals.is_finite() {
        return Err(format!("equals must be a finite number, not {equals}"));
    }
    let work = solve_work(doc);
    if work > MAX_SOLVE_WORK {
        return Err(format!(
            "solve_for would run the network up to {MAX_PASSES} times on {} samples and {} parameters, \
             {work} numbers in all; the limit is {MAX_SOLVE_WORK}: give this exercise a smaller network or batch",
            doc.x.ncols(),
            doc.net.param_count()
        ));
    }
    let p = Problem {
        doc,
        sample,
        param,
        ask,
        equals,
    };
    let start = param.get(doc, sample)?;
    let scale = start.abs().max(1.0);
    let mut last = (start, start);
    for power in 1..=WINDOWS {
        let r = scale * 10f64.powi(power);
        let (lo, hi) = (start - r, start + r);
        last = (lo, hi);
        let xs: Vec<f64> = (0..=GRID).map(|i| lo + (hi - lo) * i as f64 / GRID as f64).collect();
        let fs = xs.iter().map(|&x| p.f(x)).collect::<Result<Vec<f64>, String>>()?;
        let sites = root_sites(&xs, &fs, p.zero_tol());
        match sites.as_slice() {
            [] => continue,
            [Site::Flat(a, b)] => {
                return Err(format!(
                    "every value of {} from {} to {} makes {} equal {}: the answer is not unique",
                    param.label(),
                    NumberFormat::Answer.fmt(*a),
                    NumberFormat::Answer.fmt(*b),
                    ask.label(),
                    NumberFormat::Answer.fmt(equals)
                ));
            }
            [one] => {
                let value = refine(&p, *one)?;
                return Ok(Solved { value, start });
            }
            [first, second, ..] => {
                return Err(format!(
                    "more than one value of {} makes {} equal {} (near {} and near {}): the answer is not unique",
                    param.label(),
                    ask.label(),
                    NumberFormat::Answer.fmt(equals),
                    NumberFormat::Answer.fmt(first.mid()),
                    NumberFormat::Answer.fmt(second.mid())
                ));
            }
        }
    }
    Err(format!(
        "no value of {} from {} to {} makes {} equal {}",
        param.label(),
        NumberFormat::Answer.fmt(last.0),
        NumberFormat::Answer.fmt(last.1),
        ask.label(),
        NumberFormat::Answer.fmt(equals)
    ))
}

#[derive(Clone, Copy, Debug)]
enum Site {
    /// A sign change between two grid values.
    Bracket(f64, f64),
    /// A grid value where the function is zero.
    Point(f64),
    /// Several grid values in a row where it is zero.
    Flat(f64, f64),
}

impl Site {
    fn mid(self) -> f64 {
        match self {
            Site::Bracket(a, b) | Site::Flat(a, b) => 0.5 * (a + b),
            Site::Point(a) => a,
        }
    }
}

fn root_sites(xs: &[f64], fs: &[f64], tol: f64) -> Vec<Site> {
    let mut sites = Vec::new();
    let mut i = 0;
    while i < xs.len() {
        if fs[i].abs() <= tol {
            let mut j = i;
            while j + 1 < xs.len() && fs[j + 1].abs() <= tol {
                j += 1;
            }
            sites.push(if j > i {
                Site::Flat(xs[i], xs[j])
            } else {
                Site::Point(xs[i])
            });
            i = j + 1;
            continue;
        }
        if i + 1 < xs.len()
            && fs[i + 1].abs() > tol
            && fs[i].is_finite()
            && fs[i + 1].is_finite()
            && fs[i].signum() != fs[i + 1].signum()
        {
            sites.push(Site::Bracket(xs[i], xs[i + 1]));
        }
        i += 1;
    }
    sites
}

/// Bisection inside a bracket, then a secant step, then the nearest whole number or 6-decimal
/// value if it is at least as good.
fn refine(p: &Problem<'_>, site: Site) -> Result<f64, String> {
    let (mut lo, mut hi) = match site {
        Site::Point(x) => return Ok(x),
        Site::Bracket(a, b) | Site::Flat(a, b) => (a, b),
    };
    let mut flo = p.f(lo)?;
    let mut fhi = p.f(hi)?;
    for _ in 0..REFINE {
        if (hi - lo).abs() <= 1e-14 * lo.abs().max(1.0) {
            break;
        }
        let mid = 0.5 * (lo + hi);
        let fm = p.f(mid)?;
        if fm.abs() <= p.zero_tol() {
            lo = mid;
            hi = mid;
            flo = fm;
            fhi = fm;
            break;
        }
        if fm.signum() == flo.signum() {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
            fhi = fm;
        }
    }
    let mut best = if flo.abs() <= fhi.abs() { (lo, flo) } else { (hi, fhi) };
    if fhi != flo {
        let secant = lo - flo * (hi - lo) / (fhi - flo);
        if secant.is_finite()
            && let Ok(fs) = p.f(secant)
            && fs.abs() < best.1.abs()
        {
            best = (secant, fs);
        }
    }
    for snapped in [best.0.round(), (best.0 * 1e6).round() / 1e6] {
        if (snapped - best.0).abs() <= 1e-9 * best.0.abs().max(1.0)
            && let Ok(fs) = p.f(snapped)
            && fs.abs() <= best.1.abs().max(p.zero_tol())
        {
            best = (snapped, fs);
            break;
        }
    }
    if best.1.abs() > 1e-6 * p.equals.abs().max(1.0) {
        return Err(format!(
            "{} jumps across {} near {} = {}: no value makes it equal exactly",
            p.ask.label(),
            NumberFormat::Answer.fmt(p.equals),
            p.param.label(),
            NumberFormat::Answer.fmt(best.0)
        ));
    }
    Ok(best.0)
}
