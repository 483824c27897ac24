//! The HTML pieces of a worksheet: escaping, the page around the content (inline CSS with print
//! rules), blocks of numbers as on a by-hand worksheet (given cells, labelled boxes to fill in,
//! dashed cells to copy a value into), and the chain-rule steps with the numbers put in.

use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::{ChainStep, Line, StepKind, Tok};
use std::fmt::Write as _;

/// At most this many rows of a block are laid out (a worksheet is for layers a person can do by
/// hand); the rest are counted in a note.
pub const MAX_ROWS: usize = 16;
/// At most this many columns of a block are laid out.
pub const MAX_COLS: usize = 8;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// What a block's cells hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// A number of the problem, always written.
    Given,
    /// A value computed in an earlier block, copied here (dashed, unlabelled; written in the key).
    Copy,
    /// A value to compute: a labelled box, empty on the worksheet, filled in the key.
    Answer,
}

/// How the cells of a block are labelled (1-based, as shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `z3[r]` (a column).
    Row,
    /// `b3[c]` (a row).
    Col,
    /// `W3[r,c]`.
    RowCol,
    /// `Z3[s,c]`: one row of a samples-as-rows matrix, for sample `s` (0-based).
    SampleRow(usize),
    /// `L`: a single number.
    Plain,
}

/// One block of numbers: a title with its shape over a grid.
pub struct Block {
    /// `W3`, `dL/dW3`, `new W3`.
    pub name: String,
    pub naming: Naming,
    pub rows: usize,
    pub cols: usize,
    /// Row by row, as shown (`rows * cols`).
    pub values: Vec<f64>,
    pub fill: Fill,
    /// A line under the title: `copy from layer 2`.
    pub note: Option<String>,
}

impl Block {
    /// A block whose element (row, column), as shown, is `value(r, c)`.
    pub fn new(
        name: impl Into<String>,
        naming: Naming,
        (rows, cols): (usize, usize),
        value: impl Fn(usize, usize) -> f64,
        fill: Fill,
    ) -> Block {
        let values = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .map(|(r, c)| value(r, c))
            .collect();
        Block {
            name: name.into(),
            naming,
            rows,
            cols,
            values,
            fill,
            note: None,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Block {
        self.note = Some(note.into());
        self
    }

    /// The label of element (r, c): `z3[2]`, `dL/dW2[1,3]`.
    pub fn label(&self, r: usize, c: usize) -> String {
        match self.naming {
            Naming::Row => format!("{}[{}]", self.name, r + 1),
            Naming::Col => format!("{}[{}]", self.name, c + 1),
            Naming::RowCol => format!("{}[{},{}]", self.name, r + 1, c + 1),
            Naming::SampleRow(s) => format!("{}[{},{}]", self.name, s + 1, c + 1),
            Naming::Plain => self.name.clone(),
        }
    }

    /// Writes the block; `show` writes the values of answer and copy cells (the key).
    pub fn write(&self, show: bool, out: &mut String) {
        let class = match self.fill {
            Fill::Given => "given",
            Fill::Copy => "copy",
            Fill::Answer => "answer",
        };
        let _ = write!(
            out,
            "<div class=\"block {class}\"><div class=\"bt\">{}",
            esc(&self.name)
        );
        if self.naming != Naming::Plain {
            let _ = write!(out, " <span class=\"shape\">({} x {})</span>", self.rows, self.cols);
        }
        out.push_str("</div>");
        out.push_str("<table class=\"grid\">");
        let (rows, cols) = (self.rows.min(MAX_ROWS), self.cols.min(MAX_COLS));
        for r in 0..rows {
            out.push_str("<tr>");
            for c in 0..cols {
                let v = self.values.get(r * self.cols + c).copied().unwrap_or(f64::NAN);
                let text = if self.fill == Fill::Given || show {
                    NumberFormat::Answer.fmt(v)
                } else {
                    String::new()
                };
                match self.fill {
                    Fill::Given => {
                        let _ = write!(out, "<td class=\"g\">{}</td>", esc(&text));
                    }
                    Fill::Copy => {
                        let _ = write!(out, "<td class=\"cp\">{}</td>", esc(&text));
                    }
                    Fill::Answer => {
                        let _ = write!(
                            out,
                            "<td class=\"ans\"><span class=\"lbl\">{}</span><span class=\"val\">{}</span></td>",
                            esc(&self.label(r, c)),
                            esc(&text)
                        );
                    }
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</table>");
        if let Some(n) = &self.note {
            let _ = write!(out, "<div class=\"bn\">{}</div>", esc(n));
        }
        let mut cut = Vec::new();
        if self.rows > rows {
            cut.push(format!("first {rows} of {} rows", self.rows));
        }
        if self.cols > cols {
            cut.push(format!("first {cols} of {} columns", self.cols));
        }
        if !cut.is_empty() {
            let _ = write!(out, "<div class=\"bn\">{}</div>", cut.join(", "));
        }
        out.push_str("</div>");
    }
}

/// A block or an operator between blocks.
pub enum Item {
    B(Block),
    Op(String),
}

pub fn op(s: impl Into<String>) -> Item {
    Item::Op(s.into())
}

/// Writes items left to right in a row that wraps where the page ends; an operator stays on the
/// line of the block after it.
pub fn flow(items: &[Item], show: bool, out: &mut String) {
    out.push_str("<div class=\"flow\">");
    let mut open = false;
    for it in items {
        match it {
            Item::B(b) => {
                b.write(show, out);
                if open {
                    out.push_str("</div>");
                    open = false;
                }
            }
            Item::Op(s) => {
                if !open {
                    out.push_str("<div class=\"pair\">");
                    open = true;
                }
                let _ = write!(out, "<div class=\"op\">{}</div>", esc(s));
            }
        }
    }
    if open {
        out.push_str("</div>");
    }
    out.push_str("</div>\n");
}

/// A step's line with the numbers put in, written with [`NumberFormat::Answer`]; a negative number is put in
/// parentheses except right after an opening one (as the stepper writes it).
pub fn line_text(line: &Line) -> String {
    let mut s = line.target.clone();
    for st in &line.stages {
        s.push_str(" = ");
        for tok in st {
            match tok {
                Tok::T(x) => s.push_str(x),
                Tok::N(v) if s.ends_with('(') || *v >= 0.0 || v.is_nan() => s.push_str(&NumberFormat::Answer.fmt(*v)),
                Tok::N(v) => {
                    let _ = write!(s, "({})", NumberFormat::Answer.fmt(*v));
                }
            }
        }
    }
    s.push_str(" = ");
    s.push_str(&NumberFormat::Answer.fmt(line.result));
    s
}

/// Whether a step's line is for an entry the blocks lay out (the first [`MAX_ROWS`] units and
/// [`MAX_COLS`] inputs; an update's bias lines sit in the column after the weights).
fn shown(line: &Line, step: &ChainStep) -> bool {
    let (r, c) = line.cell;
    let bias = step.kind == StepKind::Update && c == step.result.ncols();
    r < MAX_ROWS && (c < MAX_COLS || bias)
}

/// The chain-rule steps under a block of the answer key.
pub fn working(steps: &[&ChainStep], out: &mut String) {
    if steps.is_empty() {
        return;
    }
    out.push_str("<div class=\"working\">");
    for step in steps {
        let _ = write!(
            out,
            "<div class=\"step\"><p class=\"st\">{}: <code>{}</code></p><ul>",
            esc(&step.title),
            esc(&step.formula)
        );
        let mut omitted = step.omitted;
        for l in &step.lines {
            if shown(l, step) {
                let _ = write!(out, "<li><code>{}</code></li>", esc(&line_text(l)));
            } else {
                omitted += 1;
            }
        }
        if omitted > 0 {
            let _ = write!(out, "<li>({omitted} more lines, for entries not laid out)</li>");
        }
        out.push_str("</ul></div>");
    }
    out.push_str("</div>\n");
}

/// The page: a self-contained HTML document with inline CSS (print rules included).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

/// Black on white, meaning never carried by colour: given numbers sit in thin grey cells,
/// boxes to fill in have a thick black border and a label, cells to copy into are dashed.
const CSS: &str = include_str!("page.css");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn answer_boxes_are_labelled_and_empty_on_the_worksheet() {
        let b = Block::new("z3", Naming::Row, (2, 1), |r, _| r as f64 + 0.5, Fill::Answer);
        let mut blank = String::new();
        b.write(false, &mut blank);
        assert!(blank.contains("<span class=\"lbl\">z3[2]</span><span class=\"val\"></span>"));
        assert!(!blank.contains("1.5"));
        let mut key = String::new();
        b.write(true, &mut key);
        assert!(key.contains("<span class=\"val\">1.5</span>"));
    }
}
