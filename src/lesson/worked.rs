//! Worked solutions and the answer key, as Markdown: the chain-rule steps that lead to an
//! exercise's answer (from [`crate::nn::steps::chain_steps`], with the numbers put in), and a
//! whole lesson's answers with those steps.

use super::compute::Computed;
use super::exercise::Exercise;
use super::reference::{Index, LayerQuantity, Reference, Target};
use super::{Cell, Lesson};
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::{ChainStep, Line, Quantity, StepKind};
use std::fmt::Write as _;

/// The forward steps up to and including layer `upto` (0-based): `z` then `a` of each layer.
fn forward_to(upto: usize) -> Vec<(StepKind, Option<usize>)> {
    (0..=upto)
        .flat_map(|l| [(StepKind::Z, Some(l)), (StepKind::A, Some(l))])
        .collect()
}

/// The backward steps from the output down to `dL/da` of layer `l`: the output's `dL/da`, then
/// for each layer above `l` its delta and the `dL/da` it passes back.
fn backward_to(l: usize, n: usize) -> Vec<(StepKind, Option<usize>)> {
    let mut v = vec![(StepKind::Da, Some(n - 1))];
    for k in (l + 1..n).rev() {
        v.push((StepKind::Delta, Some(k)));
        v.push((StepKind::DaPrev, Some(k)));
    }
    v
}

/// Every step a student works through to reach `t` in a network of `n` layers, in order: the
/// forward pass as far as needed, then the backward pass from the output down to the layer
/// asked about: (kind, 0-based layer of the step).
fn steps_for(t: Target, n: usize) -> Vec<(StepKind, Option<usize>)> {
    let full = || forward_to(n - 1);
    let delta = |l: usize| [full(), backward_to(l, n), vec![(StepKind::Delta, Some(l))]].concat();
    match t {
        Target::Loss => [full(), vec![(StepKind::Loss, None)]].concat(),
        Target::Output => full(),
        Target::Layer(l, q) => match q {
            LayerQuantity::Z | LayerQuantity::ZBatch => [
                if l > 0 { forward_to(l - 1) } else { Vec::new() },
                vec![(StepKind::Z, Some(l))],
            ]
            .concat(),
            LayerQuantity::A => forward_to(l),
            LayerQuantity::DlDa => [full(), backward_to(l, n)].concat(),
            LayerQuantity::Delta => delta(l),
            LayerQuantity::GradWeights => [delta(l), vec![(StepKind::GradW, Some(l))]].concat(),
            LayerQuantity::GradBias => [delta(l), vec![(StepKind::GradB, Some(l))]].concat(),
            LayerQuantity::NewWeights => {
                [delta(l), vec![(StepKind::GradW, Some(l)), (StepKind::Update, Some(l))]].concat()
            }
            LayerQuantity::NewBias => {
                [delta(l), vec![(StepKind::GradB, Some(l)), (StepKind::Update, Some(l))]].concat()
            }
            LayerQuantity::Weights | LayerQuantity::Bias | LayerQuantity::ParamCount => Vec::new(),
        },
        Target::ParamCount | Target::X | Target::Y => Vec::new(),
    }
}

/// Whether the step is one of the whole batch (the loss, the gradients and the update sum over
/// every sample); the steps before it are per sample.
fn batch_step(kind: StepKind) -> bool {
    matches!(
        kind,
        StepKind::Loss | StepKind::GradW | StepKind::GradB | StepKind::Update
    )
}

/// At most this many samples of a batch are worked one by one (the gradient lines write out at
/// most 8 terms of a batch sum); a larger batch works its exercise's sample.
pub const MAX_WORKED_SAMPLES: usize = 8;

/// Whether a step's line is part of the answer to `r`. Update steps hold the weights (column <
/// inputs) then the biases (column = inputs).
fn keep(line: &Line, step: &ChainStep, r: &Reference, inputs: usize) -> bool {
    let (row, col) = line.cell;
    if step.kind == StepKind::Update {
        let bias = matches!(r.target, Target::Layer(_, LayerQuantity::NewBias));
        if bias != (col == inputs) {
            return false;
        }
        return match r.index {
            Index::Whole => true,
            Index::One(i) => row == i,
            Index::Two(i, j) => (row, col) == (i, j),
        };
    }
    match r.index {
        Index::Whole => true,
        Index::One(i) => row == i,
        Index::Two(i, j) if step.kind == StepKind::GradW => (row, col) == (i, j),
        Index::Two(i, _) => row == i,
    }
}

/// Lines of a step before the last: all of them, but only the row asked about for a step that
/// writes into the layer asked about.
fn keep_row(line: &Line, step: &ChainStep, r: &Reference) -> bool {
    let layer = match r.target {
        Target::Layer(l, _) => l,
        _ => return true,
    };
    let same = match step.writes {
        Quantity::Z(k) | Quantity::A(k) | Quantity::Da(k) | Quantity::Delta(k) => k == layer,
        _ => false,
    };
    match r.index {
        Index::One(i) | Index::Two(i, _) if same => line.cell.0 == i,
        _ => true,
    }
}

/// One step of a worked solution, with its lines (the numbers put in), for the window to reveal
/// one at a time and for the tests to recompute.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkedStep {
    /// "Sample 2 of 3" when the step belongs to one sample of a batch.
    pub sample: Option<String>,
    pub title: String,
    pub formula: String,
    pub lines: Vec<Line>,
    /// Lines written out as text (parameter counts, values read from the network).
    pub notes: Vec<String>,
    pub omitted: usize,
}

impl WorkedStep {
    /// The step as Markdown; the sample is named when it differs from the step before's.
    fn markdown(&self, before: Option<&WorkedStep>, out: &mut String) {
        if let Some(s) = &self.sample
            && before.and_then(|b| b.sample.as_ref()) != Some(s)
        {
            let _ = writeln!(out, "*{s}*\n");
        }
        if !self.title.is_empty() {
            let _ = writeln!(out, "**{}**\n", self.title);
        }
        if !self.formula.is_empty() {
            let _ = writeln!(out, "`{}`\n", self.formula);
        }
        for n in &self.notes {
            let _ = writeln!(out, "- {n}");
        }
        for l in &self.lines {
            let _ = writeln!(out, "- `{}`", l.render(NumberFormat::Answer));
        }
        if self.omitted > 0 {
            let _ = writeln!(out, "- ({} more lines in the stepper)", self.omitted);
        }
        out.push('\n');
    }
}

/// A worked solution: what is asked, every step, and the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Worked {
    pub intro: String,
    pub steps: Vec<WorkedStep>,
    pub answer: String,
}

impl Worked {
    /// The parts the window reveals one per click: the introduction with the first step, each
    /// further step, and the answer with the last step.
    pub fn parts(&self) -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for (i, st) in self.steps.iter().enumerate() {
            let mut s = if i == 0 { self.intro.clone() } else { String::new() };
            st.markdown(i.checked_sub(1).map(|j| &self.steps[j]), &mut s);
            parts.push(s);
        }
        let answer = format!("**Answer:** {}\n", self.answer);
        match parts.last_mut() {
            Some(last) => last.push_str(&answer),
            None => parts.push(format!("{}{answer}", self.intro)),
        }
        parts
    }

    pub fn markdown(&self) -> String {
        self.parts().concat()
    }
}

/// The steps leading to `r` in `c`.
fn worked_steps(r: &Reference, c: &Computed, sample: usize) -> Vec<WorkedStep> {
    let net = &c.doc.net;
    let note = |notes: Vec<String>| WorkedStep {
        sample: None,
        title: String::new(),
        formula: String::new(),
        lines: Vec::new(),
        notes,
        omitted: 0,
    };
    match r.target {
        Target::ParamCount | Target::Layer(_, LayerQuantity::ParamCount) => {
            let layers: Vec<usize> = match r.target {
                Target::Layer(l, _) => vec![l],
                _ => (0..net.len()).collect(),
            };
            let mut notes: Vec<String> = layers
                .iter()
                .map(|l| {
                    let layer = &net.layers()[*l];
                    format!(
                        "Layer {}: {} x {} weights + {} biases = {} · {} + {} = {}",
                        l + 1,
                        layer.units(),
                        layer.inputs(),
                        layer.units(),
                        layer.units(),
                        layer.inputs(),
                        layer.units(),
                        layer.param_count()
                    )
                })
                .collect();
            if layers.len() > 1 {
                let sum: Vec<String> = layers
                    .iter()
                    .map(|l| net.layers()[*l].param_count().to_string())
                    .collect();
                notes.push(format!("Together: {} = {}", sum.join(" + "), net.param_count()));
            }
            return vec![note(notes)];
        }
        Target::X | Target::Y | Target::Layer(_, LayerQuantity::Weights | LayerQuantity::Bias) => {
            let v = r.resolve(c, sample).map(|a| a.to_text()).unwrap_or_default();
            return vec![note(vec![format!("Read from the network: {} = {v}", r.label())])];
        }
        _ => {}
    }
    let inputs = match r.target {
        Target::Layer(l, _) => net.layers()[l].inputs(),
        _ => 0,
    };
    let plan = steps_for(r.target, net.len());
    let batch = c.doc.batch();
    let whole_batch = plan.iter().any(|(k, _)| batch_step(*k));
    let z_batch = match r.target {
        Target::Layer(l, LayerQuantity::ZBatch) => Some(l),
        _ => None,
    };
    let samples: Vec<usize> = if (whole_batch || z_batch.is_some()) && batch > 1 && batch <= MAX_WORKED_SAMPLES {
        (0..batch).collect()
    } else {
        vec![sample]
    };
    let mut out = Vec::new();
    let per_sample: Vec<Vec<ChainStep>> = samples.iter().map(|s| c.steps(*s)).collect();
    for (si, steps) in samples.iter().zip(&per_sample) {
        for (i, (kind, layer)) in plan.iter().enumerate() {
            if batch_step(*kind) || (z_batch.is_some() && *kind == StepKind::Z && *layer == z_batch) {
                continue;
            }
            let Some(step) = steps.iter().find(|s| s.kind == *kind && s.layer == *layer) else {
                continue;
            };
            let last = i + 1 == plan.len();
            let lines: Vec<Line> = step
                .lines
                .iter()
                .filter(|l| {
                    if last {
                        keep(l, step, r, inputs)
                    } else {
                        keep_row(l, step, r)
                    }
                })
                .cloned()
                .collect();
            out.push(WorkedStep {
                sample: (batch > 1).then(|| format!("Sample {} of {batch}", si + 1)),
                title: step.title.clone(),
                formula: step.formula.clone(),
                lines,
                notes: Vec::new(),
                omitted: step.omitted,
            });
        }
    }
    if let Some(l) = z_batch {
        out.push(z_batch_step(r, l, &samples, &per_sample));
        return out;
    }
    let Some(steps) = per_sample.first() else {
        return out;
    };
    for (kind, layer) in &plan {
        if !batch_step(*kind) {
            continue;
        }
        let Some(step) = steps.iter().find(|s| s.kind == *kind && s.layer == *layer) else {
            continue;
        };
        // The gradient, the update and the loss keep the entries asked about.
        let lines: Vec<Line> = step
            .lines
            .iter()
            .filter(|l| keep(l, step, r, inputs))
            .cloned()
            .collect();
        let mut notes = Vec::new();
        if batch > MAX_WORKED_SAMPLES && *kind != StepKind::Update {
            notes.push(format!(
                "The other {} samples of the batch are worked the same way as sample {}.",
                batch - 1,
                sample + 1
            ));
        }
        out.push(WorkedStep {
            sample: (batch > 1).then(|| format!("The whole batch of {batch}")),
            title: step.title.clone(),
            formula: step.formula.clone(),
            lines,
            notes,
            omitted: step.omitted,
        });
    }
    out
}

/// The last step of `layers[l].Z`: each sample's z as one column of the batch's matrix.
fn z_batch_step(r: &Reference, l: usize, samples: &[usize], per_sample: &[Vec<ChainStep>]) -> WorkedStep {
    let k = l + 1;
    let prev = if l == 0 { "X".to_string() } else { format!("A{l}") };
    let mut lines = Vec::new();
    let mut omitted = 0;
    for (s, steps) in samples.iter().zip(per_sample) {
        let Some(step) = steps.iter().find(|st| st.kind == StepKind::Z && st.layer == Some(l)) else {
            continue;
        };
        omitted += step.omitted;
        for line in &step.lines {
            let row = line.cell.0;
            let wanted = match r.index {
                Index::Two(i, j) => row == i && *s == j,
                _ => true,
            };
            if wanted {
                let mut line = line.clone();
                line.target = format!("Z{k}[{},{}]", row + 1, s + 1);
                line.cell = (row, *s);
                lines.push(line);
            }
        }
    }
    WorkedStep {
        sample: None,
        title: format!("Layer {k}: Z{k} of the whole batch"),
        formula: format!("Z{k} = W{k} {prev} + b{k}: column s is z{k} of sample s (units x samples)"),
        lines,
        notes: Vec::new(),
        omitted,
    }
}

/// The worked solution of `ex` on `c`, step by step, ending with the answer.
pub fn worked(ex: &Exercise, c: &Computed) -> Result<Worked, String> {
    let answer = ex.answer(c)?;
    let s = ex.sample_index();
    let mut intro = String::new();
    let per_sample = !matches!(
        ex.ask.target,
        Target::Loss | Target::ParamCount | Target::Layer(_, LayerQuantity::ZBatch)
    ) && !matches!(
        ex.ask.target,
        Target::Layer(
            _,
            LayerQuantity::GradWeights
                | LayerQuantity::GradBias
                | LayerQuantity::NewWeights
                | LayerQuantity::NewBias
                | LayerQuantity::ParamCount
        )
    );
    if c.doc.batch() > 1 && per_sample {
        let _ = writeln!(intro, "Sample {} of {}.\n", ex.sample, c.doc.batch());
    }
    match &ex.solve_for {
        Some(sf) => {
            let mut d = c.doc.clone();
            let v = answer.entries().first().copied().unwrap_or(f64::NAN);
            sf.param.set(&mut d, s, v)?;
            let _ = writeln!(
                intro,
                "We need the value of {} that makes {} = {}. Write {} with {} as the unknown and solve for it; \
                 the engine checks by running the network again with the value found.\n",
                sf.param.label(),
                ex.ask.label(),
                NumberFormat::Answer.fmt(sf.equals),
                ex.ask.label(),
                sf.param.label()
            );
            let _ = writeln!(intro, "With {} = {}:\n", sf.param.label(), NumberFormat::Answer.fmt(v));
            Ok(Worked {
                intro,
                steps: worked_steps(&ex.ask, &Computed::new(d), s),
                answer: format!("{} = {}", sf.param.label(), NumberFormat::Answer.fmt(v)),
            })
        }
        None => Ok(Worked {
            intro,
            steps: worked_steps(&ex.ask, c, s),
            answer: format!("{} = {}", ex.ask.label(), answer.to_text()),
        }),
    }
}

/// The worked solution of `ex` on `c` as Markdown, ending with the answer.
pub fn worked_solution(ex: &Exercise, c: &Computed) -> Result<String, String> {
    worked(ex, c).map(|w| w.markdown())
}

fn quote(text: &str, out: &mut String) {
    for line in text.trim().lines() {
        let _ = writeln!(out, "> {line}");
    }
    out.push('\n');
}

fn plural(n: u32, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The answer key of a lesson as Markdown: every exercise's answer with its worked solution and
/// every quiz's correct options, on `student`'s variant networks (the file's without a name).
pub fn answer_key(lesson: &Lesson, student: Option<&str>) -> String {
    let mut out = format!("# Answer key: {}\n\n", lesson.title);
    if let Some(s) = student.map(str::trim).filter(|s| !s.is_empty()) {
        let _ = writeln!(out, "For {s} (networks with variants are that student's).\n");
    }
    // Saturating: a lesson in memory may hold points the loader would refuse (over 1000 each).
    let max: u32 = lesson
        .cells
        .iter()
        .map(|c| match c {
            Cell::Exercise(e) => e.points,
            Cell::Quiz(q) => q.points,
            _ => 0,
        })
        .fold(0u32, u32::saturating_add);
    let _ = writeln!(out, "Total: {}.\n", plural(max, "point"));
    for cell in &lesson.cells {
        match cell {
            Cell::Exercise(ex) => {
                let _ = writeln!(out, "## Exercise `{}` ({})\n", ex.id, plural(ex.points, "point"));
                quote(&ex.prompt, &mut out);
                let result = lesson
                    .computed_for(ex, student)
                    .and_then(|c| Ok((ex.answer(&c)?, worked_solution(ex, &c)?)));
                match result {
                    Ok((answer, worked)) => {
                        let tol = ex.tolerance_for(&answer);
                        let asked = match &ex.solve_for {
                            Some(sf) => format!(
                                "`{}` (so that `{}` = {})",
                                sf.param,
                                ex.ask,
                                NumberFormat::Answer.fmt(sf.equals)
                            ),
                            None => format!("`{}`", ex.ask),
                        };
                        let _ = writeln!(out, "Asked: {asked} on network `{}`; tolerance: {tol}.\n", ex.network);
                        out.push_str(&worked);
                        out.push('\n');
                    }
                    Err(m) => {
                        let _ = writeln!(out, "**Error:** {m}\n");
                    }
                }
            }
            Cell::Quiz(q) => {
                let _ = writeln!(out, "## Quiz `{}` ({})\n", q.id, plural(q.points, "point"));
                quote(&q.prompt, &mut out);
                for (i, o) in q.options.iter().enumerate() {
                    let mark = if o.correct { " **(correct)**" } else { "" };
                    let _ = write!(out, "{}. {}{mark}", i + 1, o.text);
                    if let Some(e) = &o.explain {
                        let _ = write!(out, " — {e}");
                    }
                    out.push('\n');
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two quizzes of u32::MAX points: the total stops at u32::MAX instead of wrapping (or
    /// panicking with overflow checks).
    #[test]
    fn the_keys_total_never_wraps() {
        let quiz = |id: &str| {
            Cell::Quiz(Box::new(crate::lesson::Quiz {
                id: id.into(),
                prompt: "p".into(),
                points: u32::MAX,
                options: Vec::new(),
                grading: None,
            }))
        };
        let l = Lesson {
            title: "t".into(),
            cells: vec![quiz("a"), quiz("b")],
            ..Lesson::default()
        };
        assert!(answer_key(&l, None).contains(&format!("Total: {} points.", u32::MAX)));
    }
}
