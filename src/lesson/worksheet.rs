//! Printable worksheets: a network laid out by hand, as HTML with print styles, with a
//! labelled empty box for every number to compute (`z1[2]`, `δ3[1]`, `dL/dW2[1,3]`, `new W1[1,1]`),
//! and the same page as an answer key with the boxes filled by the engine and the chain-rule
//! steps with the numbers put in under each block.
//!
//! - [`worksheet_html`]: one network (`network` lays it out with the blocks of
//!   [`super::sheet`], in the chosen [`Convention`]; `html` holds the page, writes the blocks
//!   and escapes; `markdown` renders prompts and worked solutions).
//! - [`lesson_worksheet_html`]: every network cell of a lesson (a student's variant if named),
//!   then every exercise and quiz as a numbered question; the key adds the answers and the worked
//!   solutions of [`super::worked`].
//!
//! Numbers come from [`Computed`] only and are written as the answer key writes them (whole
//! numbers exactly, others with up to 6 significant digits). No file IO here; every text is
//! escaped.

mod html;
mod markdown;
mod network;

/// The layout convention, the one the window's matrix view uses.
pub use super::sheet::Convention;
/// Text for HTML content and attribute values (worksheets, the gradebook's feedback pages).
pub use html::esc;

use super::answer::Answer;
use super::compute::Computed;
use super::exercise::Exercise;
use super::quiz::Quiz;
use super::reference::Shape;
use super::sheet::{Block, Fill, Item, Naming};
use super::worked::worked_solution;
use super::{Cell, Lesson};
use crate::nn::doc::NetworkDoc;
use crate::nn::numfmt::NumberFormat;
use html::{flow, page};
use markdown::{inline, markdown};
use std::fmt::Write as _;

/// What a worksheet shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorksheetOptions {
    /// The answer key: every box filled, with the working under each block.
    pub answers: bool,
    /// The sample laid out (0-based; past the batch, the last sample).
    pub sample: usize,
    /// The page's heading.
    pub title: String,
    /// The student's name, printed on the sheet (a blank line to write it on without one).
    pub student: Option<String>,
    pub convention: Convention,
}

impl WorksheetOptions {
    /// The student's name, trimmed; `None` for no name or an empty one.
    fn student(&self) -> Option<&str> {
        self.student.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

/// The heading, the kind of sheet and the name line.
fn header(opts: &WorksheetOptions, description: Option<&str>, out: &mut String) {
    let kind = if opts.answers { "Answer key" } else { "Worksheet" };
    let _ = writeln!(out, "<header><p class=\"kind\">{kind}</p><h1>{}</h1>", esc(&opts.title));
    if let Some(d) = description {
        let _ = writeln!(out, "<p>{}</p>", inline(d));
    }
    let name = match opts.student() {
        Some(s) => esc(s),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<div class=\"meta\"><span>Name: <span class=\"fillin\">{name}</span></span>\
         <span>Date: <span class=\"fillin\"></span></span></div>"
    );
    out.push_str(
        "<p>Given numbers are in thin cells. Write each number you compute in the box with its label; \
         dashed cells are for copying a value computed earlier.</p>\n</header>\n",
    );
}

/// The worksheet of one network (the document a student works on: pass a cell's
/// `doc_for(student)`), as a self-contained HTML page.
pub fn worksheet_html(doc: &NetworkDoc, options: &WorksheetOptions) -> String {
    let mut body = String::new();
    header(options, None, &mut body);
    network::network_html(
        &Computed::new(doc.clone()),
        options,
        crate::lesson::Taught::All,
        &mut body,
    );
    sheet_page(options, &body)
}

/// The page with the title and the kind of sheet on every printed page.
fn sheet_page(opts: &WorksheetOptions, body: &str) -> String {
    let kind = if opts.answers { "Answer key" } else { "Worksheet" };
    let running = match opts.student() {
        Some(s) => format!("{} · {s}", opts.title),
        None => opts.title.clone(),
    };
    page(&page_title(opts), &running, kind, body)
}

fn page_title(opts: &WorksheetOptions) -> String {
    let kind = if opts.answers { "answer key" } else { "worksheet" };
    match opts.student() {
        Some(s) => format!("{}: {kind} ({s})", opts.title),
        None => format!("{}: {kind}", opts.title),
    }
}

/// The worksheet of a whole lesson with the default options: the lesson's title, the first
/// sample, the PyTorch layout.
pub fn lesson_worksheet_html(lesson: &Lesson, student: Option<&str>, answers: bool) -> String {
    let opts = WorksheetOptions {
        answers,
        title: lesson.title.clone(),
        student: student.map(str::to_string),
        ..WorksheetOptions::default()
    };
    lesson_worksheet_html_with(lesson, &opts)
}

/// The worksheet of a whole lesson: every network cell (the student's variant when
/// `options.student` is set), then every exercise and quiz as a numbered question.
pub fn lesson_worksheet_html_with(lesson: &Lesson, options: &WorksheetOptions) -> String {
    let mut body = String::new();
    header(options, lesson.meta.description.as_deref(), &mut body);
    let student = options.student();
    let mut first = true;
    for cell in &lesson.cells {
        let Cell::Network(net) = cell else { continue };
        let class = if first { "net" } else { "net part" };
        first = false;
        let doc = net.doc_for(student);
        let name = doc.name.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
        let _ = writeln!(
            body,
            "<section class=\"{class}\">\n<h2>Network <code>{}</code>{}</h2>",
            esc(net.id()),
            esc(&name)
        );
        if let (Some(s), Some(_)) = (student, &net.options.variant) {
            let _ = writeln!(body, "<p>The weights of this network are {}'s own.</p>", esc(s));
        }
        network::network_html(&Computed::new(doc), options, net.options.taught, &mut body);
        body.push_str("</section>\n");
    }
    questions(lesson, options, first, &mut body);
    if first
        && !lesson
            .cells
            .iter()
            .any(|c| matches!(c, Cell::Exercise(_) | Cell::Quiz(_)))
    {
        body.push_str("<p>This lesson has no network cells and no questions.</p>\n");
    }
    sheet_page(options, &body)
}

/// Every exercise and quiz, numbered in lesson order.
fn questions(lesson: &Lesson, opts: &WorksheetOptions, no_network: bool, out: &mut String) {
    let any = lesson
        .cells
        .iter()
        .any(|c| matches!(c, Cell::Exercise(_) | Cell::Quiz(_)));
    if !any {
        return;
    }
    let class = if no_network { "questions" } else { "questions part" };
    let _ = writeln!(
        out,
        "<section class=\"{class}\">\n<h2>Questions</h2>\n<div class=\"qlist\">"
    );
    let mut number = 0;
    for cell in &lesson.cells {
        match cell {
            Cell::Exercise(ex) => {
                number += 1;
                exercise(lesson, ex, number, opts, out);
            }
            Cell::Quiz(q) => {
                number += 1;
                quiz(q, number, opts.answers, out);
            }
            _ => {}
        }
    }
    out.push_str("</div>\n</section>\n");
}

fn points(p: u32) -> String {
    if p == 1 {
        "1 point".into()
    } else {
        format!("{p} points")
    }
}

/// Answer blocks wider than this many columns take the page's whole width when printed (the
/// questions are set in two columns).
const NARROW_COLS: usize = 3;

fn exercise(lesson: &Lesson, ex: &Exercise, number: usize, opts: &WorksheetOptions, out: &mut String) {
    let wide = match (&ex.solve_for, lesson.network(&ex.network)) {
        (None, Some(n)) => matches!(ex.ask.shape(&n.doc.net, n.doc.batch()), Shape::Matrix(_, c) if c > NARROW_COLS),
        _ => false,
    };
    let _ = writeln!(
        out,
        "<div class=\"question{}\"><p><span class=\"qn\">{number}.</span> <em>({}; network <code>{}</code>{})</em></p>",
        if wide { " wide" } else { "" },
        points(ex.points),
        esc(&ex.network),
        match lesson.network(&ex.network) {
            Some(n) if n.doc.batch() > 1 => format!(", sample {}", ex.sample),
            _ => String::new(),
        }
    );
    markdown(&ex.prompt, out);
    let computed = lesson.computed_for(ex, opts.student());
    let answer = computed.as_ref().map_err(String::clone).and_then(|c| ex.answer(c));
    let (label, shape) = match (&ex.solve_for, lesson.network(&ex.network)) {
        (Some(sf), _) => (sf.param.label(), Shape::Scalar),
        (None, Some(n)) => (ex.ask.label(), ex.ask.shape(&n.doc.net, n.doc.batch())),
        (None, None) => (ex.ask.label(), Shape::Scalar),
    };
    let values = answer.as_ref().map(Answer::entries).unwrap_or_default();
    let (naming, shape) = match shape {
        Shape::Scalar => (Naming::Plain, (1, 1)),
        Shape::Vector(n) => (Naming::Row, (n, 1)),
        Shape::Matrix(r, c) => (Naming::RowCol, (r, c)),
    };
    let block = Block::from_values(label, naming, shape, values, Fill::Answer);
    flow(&[Item::B(block)], opts.answers, out);
    if opts.answers {
        let result = computed
            .and_then(|c| worked_solution(ex, &c))
            .and_then(|w| answer.map(|a| (a, w)));
        match result {
            Ok((a, worked)) => {
                let _ = writeln!(
                    out,
                    "<p class=\"key\">Answer: {} (tolerance: {})</p><div class=\"working\">",
                    esc(&a.to_text()),
                    esc(&ex.tolerance_for(&a).to_string())
                );
                markdown(&worked, out);
                out.push_str("</div>\n");
            }
            Err(m) => {
                let _ = writeln!(out, "<p class=\"key\">Error: {}</p>", esc(&m));
            }
        }
    } else if let Some(sf) = &ex.solve_for {
        let _ = writeln!(
            out,
            "<p>Find {} so that {} = {}.</p>",
            esc(&sf.param.label()),
            esc(&ex.ask.label()),
            esc(&NumberFormat::Answer.fmt(sf.equals))
        );
    }
    out.push_str("</div>\n");
}

fn quiz(q: &Quiz, number: usize, answers: bool, out: &mut String) {
    let _ = writeln!(
        out,
        "<div class=\"question\"><p><span class=\"qn\">{number}.</span> <em>({}; tick one)</em></p>",
        points(q.points)
    );
    markdown(&q.prompt, out);
    out.push_str("<ol>");
    for o in &q.options {
        let tick = if answers && o.correct { "✓" } else { "" };
        let _ = write!(out, "<li><span class=\"tick\">{tick}</span>{}", inline(&o.text));
        if answers {
            if o.correct {
                out.push_str(" <strong>(correct)</strong>");
            }
            if let Some(e) = &o.explain {
                let _ = write!(out, " — <em>{}</em>", inline(e));
            }
        }
        out.push_str("</li>");
    }
    out.push_str("</ol></div>\n");
}
