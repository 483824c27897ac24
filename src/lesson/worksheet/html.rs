//! The HTML pieces of a worksheet: escaping, the page around the content (inline CSS with print
//! rules), the blocks of a [`crate::lesson::sheet`] written as on a by-hand worksheet (given
//! cells, labelled boxes to fill in, dashed cells to copy a value into) and the chain-rule steps
//! with the numbers put in ([`Line::render_with`] and [`num`]). Prompts and worked solutions are
//! rendered by the `markdown` module beside it.

use crate::lesson::sheet::{Block, Fill, Item, Naming};
use crate::nn::numfmt::NumberFormat;
use crate::nn::steps::{ChainStep, Line, StepKind};
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

/// A number as the answer key writes it ([`NumberFormat::Answer`]: whole numbers exactly, others
/// with 6 significant digits), the same as worked solutions and `mlp-notebook solve`.
pub fn num(v: f64) -> String {
    NumberFormat::Answer.fmt(v)
}

/// Writes a block of the sheet: given numbers in thin cells, values to compute in labelled boxes,
/// copied values in dashed cells; `show` writes the values of answer and copy cells (the key).
pub fn write_block(b: &Block<'_>, show: bool, out: &mut String) {
    let class = match b.fill {
        Fill::Given => "given",
        Fill::Copy => "copy",
        Fill::Answer => "answer",
    };
    let _ = write!(out, "<div class=\"block {class}\"><div class=\"bt\">{}", esc(&b.name));
    if b.naming != Naming::Plain {
        let _ = write!(out, " <span class=\"shape\">({} x {})</span>", b.rows, b.cols);
    }
    out.push_str("</div>");
    out.push_str("<table class=\"grid\">");
    let (rows, cols) = (b.rows.min(MAX_ROWS), b.cols.min(MAX_COLS));
    for r in 0..rows {
        out.push_str("<tr>");
        for c in 0..cols {
            let v = b.value(r, c);
            let text = if b.fill == Fill::Given || show {
                num(v)
            } else {
                String::new()
            };
            match b.fill {
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
                        esc(&b.label(r, c)),
                        esc(&text)
                    );
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    if let Some(n) = &b.note {
        let _ = write!(out, "<div class=\"bn\">{}</div>", esc(n));
    }
    let mut cut = Vec::new();
    if b.rows > rows {
        cut.push(format!("first {rows} of {} rows", b.rows));
    }
    if b.cols > cols {
        cut.push(format!("first {cols} of {} columns", b.cols));
    }
    if !cut.is_empty() {
        let _ = write!(out, "<div class=\"bn\">{}</div>", cut.join(", "));
    }
    out.push_str("</div>");
}

pub fn op(s: impl Into<String>) -> Item<'static> {
    Item::Op(s.into())
}

/// Writes items left to right in a row that wraps where the page ends; an operator stays on the
/// line of the block after it.
pub fn flow(items: &[Item<'_>], show: bool, out: &mut String) {
    out.push_str("<div class=\"flow\">");
    let mut open = false;
    for it in items {
        match it {
            Item::B(b) => {
                write_block(b, show, out);
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
                let _ = write!(out, "<li><code>{}</code></li>", esc(&l.render_with(&num)));
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

/// The page: a self-contained HTML document with inline CSS (print rules included). Printed,
/// every page carries `running` (the lesson's title) at its top left, `kind` ("Worksheet" or
/// "Answer key") at its top right and "Page N of M" at its foot: CSS `@page` margin boxes.
pub fn page(title: &str, running: &str, kind: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}{}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title),
        margin_boxes(running, kind)
    )
}

/// The `@page` rule with the running header and the page numbers.
fn margin_boxes(running: &str, kind: &str) -> String {
    format!(
        "@page {{\n  @top-left {{ content: {}; font: 8pt \"DejaVu Sans\", Arial, sans-serif; }}\n  \
         @top-right {{ content: {}; font: bold 8pt \"DejaVu Sans\", Arial, sans-serif; text-transform: uppercase; letter-spacing: .08em; }}\n  \
         @bottom-center {{ content: \"Page \" counter(page) \" of \" counter(pages); font: 8pt \"DejaVu Sans\", Arial, sans-serif; }}\n}}\n",
        css_string(running),
        css_string(kind)
    )
}

/// Text as a CSS string literal: quotes and backslashes escaped, every character that could end
/// the string, the rule or the `<style>` element (`"`, `\`, `<`, `>`, `&`, line breaks and
/// other control characters) written as a CSS hex escape.
pub fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c.is_control() || matches!(c, '"' | '\\' | '<' | '>' | '&') {
            let _ = write!(out, "\\{:x} ", c as u32);
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Black on white, meaning never carried by colour: given numbers sit in thin grey cells,
/// boxes to fill in have a thick black border and a label, cells to copy into are dashed.
const CSS: &str = include_str!("page.css");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_cannot_leave_its_css_string() {
        // " is U+22, a backslash U+5C, < U+3C, > U+3E, a line break U+A: each a hex escape and a space.
        assert_eq!(
            css_string("a\"b\\c</style>\nd"),
            "\"a\\22 b\\5c c\\3c /style\\3e \\a d\""
        );
        assert_eq!(css_string("Über ReLU"), "\"Über ReLU\"");
    }

    #[test]
    fn escapes() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn answer_boxes_are_labelled_and_empty_on_the_worksheet() {
        let b = Block::from_values("z3", Naming::Row, (2, 1), vec![0.5, 1.5], Fill::Answer);
        let mut blank = String::new();
        write_block(&b, false, &mut blank);
        assert!(blank.contains("<span class=\"lbl\">z3[2]</span><span class=\"val\"></span>"));
        assert!(!blank.contains("1.5"));
        let mut key = String::new();
        write_block(&b, true, &mut key);
        assert!(key.contains("<span class=\"val\">1.5</span>"));
    }
}
