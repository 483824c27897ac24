//! Worked solutions and the answer key, as Markdown: the chain-rule steps that lead to an
//! exercise's answer (from [`crate::nn::steps::chain_steps`], with the numbers put in), and a
//! whole lesson's answers with those steps.

use super::compute::Computed;
use super::exercise::Exercise;
use super::reference::{Index, LayerQuantity, Reference, Target};
use super::{Cell, Lesson};
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::{ChainStep, Line, StepKind};
use std::fmt::Write as _;

/// The steps that compute `t`, in order: (kind, 0-based layer of the step).
fn steps_for(t: Target, n: usize) -> Vec<(StepKind, Option<usize>)> {
    let da = |l: usize| {
        if l + 1 == n {
            (StepKind::Da, Some(l))
        } else {
            (StepKind::DaPrev, Some(l + 1))
        }
    };
    let delta = |l: usize| vec![da(l), (StepKind::Delta, Some(l))];
    match t {
        Target::Loss => vec![(StepKind::Loss, None)],
        Target::Output => vec![(StepKind::Z, Some(n - 1)), (StepKind::A, Some(n - 1))],
        Target::Layer(l, q) => match q {
            LayerQuantity::Z => vec![(StepKind::Z, Some(l))],
            LayerQuantity::A => vec![(StepKind::Z, Some(l)), (StepKind::A, Some(l))],
            LayerQuantity::DlDa => vec![da(l)],
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

fn step_markdown(step: &ChainStep, lines: &[&Line], out: &mut String) {
    let _ = writeln!(out, "**{}**\n\n`{}`\n", step.title, step.formula);
    for l in lines {
        let _ = writeln!(out, "- `{}`", l.render(NumberFormat::Answer));
    }
    if step.omitted > 0 {
        let _ = writeln!(out, "- ({} more lines in the stepper)", step.omitted);
    }
    out.push('\n');
}

/// The steps leading to `r` in `c`, as Markdown.
fn steps_markdown(r: &Reference, c: &Computed, sample: usize, out: &mut String) {
    let net = &c.doc.net;
    match r.target {
        Target::ParamCount | Target::Layer(_, LayerQuantity::ParamCount) => {
            let layers: Vec<usize> = match r.target {
                Target::Layer(l, _) => vec![l],
                _ => (0..net.len()).collect(),
            };
            for l in &layers {
                let layer = &net.layers()[*l];
                let _ = writeln!(
                    out,
                    "- Layer {}: {} x {} weights + {} biases = {}",
                    l + 1,
                    layer.units(),
                    layer.inputs(),
                    layer.units(),
                    layer.param_count()
                );
            }
            if layers.len() > 1 {
                let _ = writeln!(out, "- Together: {}", net.param_count());
            }
            out.push('\n');
            return;
        }
        Target::X | Target::Y | Target::Layer(_, LayerQuantity::Weights | LayerQuantity::Bias) => {
            let v = r.resolve(c, sample).map(|a| a.to_text()).unwrap_or_default();
            let _ = writeln!(out, "Read from the network: {} = {v}\n", r.label());
            return;
        }
        _ => {}
    }
    let steps = c.steps(sample);
    let inputs = match r.target {
        Target::Layer(l, _) => net.layers()[l].inputs(),
        _ => 0,
    };
    for (kind, layer) in steps_for(r.target, net.len()) {
        if let Some(step) = steps.iter().find(|s| s.kind == kind && s.layer == layer) {
            let last = kind == StepKind::Update || steps_for(r.target, net.len()).last() == Some(&(kind, layer));
            let lines: Vec<&Line> = step
                .lines
                .iter()
                .filter(|l| if last { keep(l, step, r, inputs) } else { keep_row(l, r) })
                .collect();
            step_markdown(step, &lines, out);
        }
    }
}

/// Lines of a step before the last: the row the question is about.
fn keep_row(line: &Line, r: &Reference) -> bool {
    match r.index {
        Index::Whole => true,
        Index::One(i) | Index::Two(i, _) => line.cell.0 == i,
    }
}

/// The worked solution of `ex` on `c` as Markdown, ending with the answer.
pub fn worked_solution(ex: &Exercise, c: &Computed) -> Result<String, String> {
    let answer = ex.answer(c)?;
    let s = ex.sample_index();
    let mut out = String::new();
    if c.doc.batch() > 1 && !matches!(ex.ask.target, Target::Loss | Target::ParamCount) {
        let _ = writeln!(out, "Sample {} of {}.\n", ex.sample, c.doc.batch());
    }
    match &ex.solve_for {
        Some(sf) => {
            let mut d = c.doc.clone();
            let v = answer.entries().first().copied().unwrap_or(f64::NAN);
            sf.param.set(&mut d, s, v)?;
            let _ = writeln!(
                out,
                "We need the value of {} that makes {} = {}. Write {} with {} as the unknown and solve for it; \
                 the engine checks by running the network again with the value found.\n",
                sf.param.label(),
                ex.ask.label(),
                NumberFormat::Answer.fmt(sf.equals),
                ex.ask.label(),
                sf.param.label()
            );
            let _ = writeln!(out, "With {} = {}:\n", sf.param.label(), NumberFormat::Answer.fmt(v));
            steps_markdown(&ex.ask, &Computed::new(d), s, &mut out);
            let _ = writeln!(
                out,
                "**Answer:** {} = {}",
                sf.param.label(),
                NumberFormat::Answer.fmt(v)
            );
        }
        None => {
            steps_markdown(&ex.ask, c, s, &mut out);
            let _ = writeln!(out, "**Answer:** {} = {}", ex.ask.label(), answer.to_text());
        }
    }
    Ok(out)
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
