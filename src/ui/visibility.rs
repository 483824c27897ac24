//! What the student may see: while stepping, quantities written by steps not yet reached are
//! blank; values unanswered exercises ask for are blank until answered (the cell's `blanks`,
//! kept by `app::student`); reads and writes of the current step are highlighted.

use crate::app::{Hovered, NetCell};
use crate::nn::Activation;
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::{ChainStep, Line, Quantity, Source, StepKind, Tok, sources};

/// How a value should be drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Plain,
    Read,
    Written,
}

/// Whether `q` is shown (not blank) in `cell` now.
pub fn visible(cell: &NetCell, q: Quantity) -> bool {
    let Some(cur) = cell.step else { return true };
    if cell.reveal_all {
        return true;
    }
    match cell.first_write(q) {
        Some(i) => i <= cur,
        None => true,
    }
}

/// How the current step touches `q`.
pub fn mark(cell: &NetCell, q: Quantity) -> Mark {
    match cell.current_step() {
        Some(s) if s.writes == q => Mark::Written,
        Some(s) if s.reads.contains(&q) => Mark::Read,
        _ => Mark::Plain,
    }
}

/// Why a value blanked for an exercise is blank (hover text).
pub const BLANK_HINT: &str = "answer the exercise below first";

/// The first step of the chain whose value an unanswered exercise asks for. That value and
/// every value computed after it are blank: a later value would give the answer away (with the
/// squared error, `dL/da = 2 (a - y)` gives `a`), as the stepper blanks the steps not reached.
pub fn exercise_step(cell: &NetCell) -> Option<usize> {
    cell.blanks
        .iter()
        .filter(|b| !b.after_update)
        .filter_map(|b| cell.first_write(b.q))
        .min()
}

/// Whether element (`row`, `col`) of `q` (engine indices: (unit, input) or (unit, 0)) for
/// `sample` is blank because an unanswered exercise asks for it or for a value it comes from.
pub fn blanked(cell: &NetCell, q: Quantity, row: usize, col: usize, sample: usize) -> bool {
    if cell
        .blanks
        .iter()
        .any(|b| !b.after_update && b.covers(q, row, col, sample))
    {
        return true;
    }
    matches!((exercise_step(cell), cell.first_write(q)), (Some(e), Some(w)) if w > e)
}

/// Whether element (`row`, `col`) of `q` for `sample` is shown: reached by the stepper and not
/// kept blank for an unanswered exercise.
pub fn visible_at(cell: &NetCell, q: Quantity, row: usize, col: usize, sample: usize) -> bool {
    visible(cell, q) && !blanked(cell, q, row, col, sample)
}

/// Whether a line of step `i` (for the cell's sample) is blank for an unanswered exercise.
/// The update steps and the loss after them come after every other step; their lines are the
/// values after the update.
pub fn line_blanked(cell: &NetCell, i: usize, step: &ChainStep, line: &Line) -> bool {
    let (r, c) = line.cell;
    let any_before = exercise_step(cell).is_some();
    let after = |cover: bool| {
        cell.blanks
            .iter()
            .any(|b| b.after_update && (!cover || b.covers(step.writes, r, c, cell.sample)))
    };
    match step.kind {
        StepKind::Update => any_before || after(true),
        StepKind::LossAfter => any_before || after(false),
        _ => {
            cell.blanks
                .iter()
                .any(|b| !b.after_update && b.covers(step.writes, r, c, cell.sample))
                || exercise_step(cell).is_some_and(|e| i > e)
        }
    }
}

/// Whether any line of step `i` is blank for an unanswered exercise.
pub fn step_blanked(cell: &NetCell, i: usize, step: &ChainStep) -> bool {
    step.lines.iter().any(|l| line_blanked(cell, i, step, l))
}

/// A step's line as shown: with the numbers put in, or, when an exercise asks for its value,
/// only the formula in symbols and `?` (the numbers put in would give the answer away).
pub fn line_text(cell: &NetCell, i: usize, step: &ChainStep, line: &Line, fmt: NumberFormat) -> String {
    if !line_blanked(cell, i, step, line) {
        return line.render(fmt);
    }
    let symbolic = line
        .stages
        .first()
        .filter(|st| st.iter().all(|t| matches!(t, Tok::T(_))))
        .map(|st| {
            st.iter()
                .map(|t| match t {
                    Tok::T(s) => s.as_str(),
                    Tok::N(_) => "",
                })
                .collect::<String>()
        });
    match symbolic {
        Some(s) => format!("{} = {s} = ?", line.target),
        None => format!("{} = ?", line.target),
    }
}

/// The values the value under the pointer is computed from, when it is in network cell `ci`:
/// the elements its step reads (a stepper line's own step, else the step that first writes it).
/// Empty for a given value (`x`, `y`, a weight) or a value in another cell.
pub fn hover_sources(hovered: Option<Hovered>, ci: usize, cell: &NetCell) -> Vec<Source> {
    let Some(h) = hovered.filter(|h| h.cell == ci) else {
        return Vec::new();
    };
    let Some(step) = h
        .step
        .or_else(|| cell.first_write(h.quantity))
        .and_then(|i| cell.steps.get(i))
    else {
        return Vec::new();
    };
    let softmax = step
        .layer
        .and_then(|l| cell.doc.net.layers().get(l))
        .is_some_and(|l| l.activation == Activation::Softmax);
    // Softmax mixes the units: each `a` reads every `z`, and so does `δ` unless it is fused
    // with cross-entropy (`a - y`, read element by element).
    let all_units = softmax
        && (step.kind == StepKind::A
            || (step.kind == StepKind::Delta && step.reads.iter().any(|q| matches!(q, Quantity::Da(_)))));
    sources(step, h.row, h.col, h.sample, all_units)
}

/// Whether element (`row`, `col`) of `q` for `sample` is among `sources`.
pub fn is_source(sources: &[Source], q: Quantity, row: usize, col: usize, sample: usize) -> bool {
    sources.iter().any(|s| s.covers(q, row, col, sample))
}
