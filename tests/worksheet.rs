//! Worksheets and answer keys: every number to compute has one labelled empty box on the
//! worksheet and none of the engine's values; the key fills every box from the engine and adds
//! the working; the page is well formed and escaped; the command line writes it.

use mlp_notebook::lesson::worksheet::{
    Convention, WorksheetOptions, lesson_worksheet_html, lesson_worksheet_html_with, worksheet_html,
};
use mlp_notebook::lesson::{Computed, Lesson, parse_lesson};
use mlp_notebook::nn::doc::{NetworkDoc, Syntax};
use mlp_notebook::nn::numfmt::NumberFormat;
use std::path::Path;
use std::process::{Command, Stdio};

/// A number as answers and answer keys write it.
fn fmt_number(v: f64) -> String {
    NumberFormat::Answer.fmt(v)
}

fn seven_lesson() -> Lesson {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/03-seven-layers-by-hand.toml");
    parse_lesson(&std::fs::read_to_string(path).unwrap(), Syntax::Toml).unwrap()
}

fn seven() -> NetworkDoc {
    seven_lesson().network("seven").unwrap().doc_for(None)
}

fn sheet(doc: &NetworkDoc, answers: bool) -> String {
    let opts = WorksheetOptions {
        answers,
        title: "Seven layers".into(),
        ..WorksheetOptions::default()
    };
    worksheet_html(doc, &opts)
}

/// How many answer boxes are labelled exactly `label`.
fn boxes(html: &str, label: &str) -> usize {
    html.matches(&format!("<span class=\"lbl\">{label}</span>")).count()
}

/// How many answer boxes have a label starting with `prefix`.
fn boxes_starting(html: &str, prefix: &str) -> usize {
    html.matches(&format!("<span class=\"lbl\">{prefix}")).count()
}

/// Checks that every tag opened is closed in order (void elements aside).
fn assert_balanced(html: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("every tag ends");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "a '<' that starts no tag: <{tag}>");
        if matches!(name.as_str(), "meta" | "br" | "hr" | "img" | "input") {
            continue;
        }
        if tag.starts_with('/') {
            let open = stack.pop().unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "never closed: {stack:?}");
}

/// The 3-4-4-4-4-4-4-2 network has one box per unit for z, a, dL/da and δ of each layer (26
/// each), one per weight for dL/dW and the new W, one per unit for dL/db and the new b, and one
/// for the loss; the worksheet leaves every one empty.
#[test]
fn the_blank_worksheet_has_a_labelled_empty_box_for_every_number() {
    let doc = seven();
    let html = sheet(&doc, false);
    let widths = doc.net.widths();
    assert_eq!(widths, vec![3, 4, 4, 4, 4, 4, 4, 2]);
    let units: usize = widths[1..].iter().sum();
    let weights: usize = widths.windows(2).map(|w| w[0] * w[1]).sum();
    assert_eq!((units, weights), (26, 3 * 4 + 5 * 4 * 4 + 4 * 2));
    for (prefix, count) in [
        ("z", units),
        ("a", units),
        ("δ", units),
        ("dL/da", units),
        ("dL/dW", weights),
        ("dL/db", units),
        ("new W", weights),
        ("new b", units),
    ] {
        assert_eq!(boxes_starting(&html, prefix), count, "{prefix}");
    }
    assert_eq!(boxes(&html, "L"), 1);
    for k in 1..widths.len() {
        for j in 1..=widths[k] {
            for q in ["z", "a", "δ", "dL/da", "dL/db", "new b"] {
                assert_eq!(boxes(&html, &format!("{q}{k}[{j}]")), 1, "{q}{k}[{j}]");
            }
            for i in 1..=widths[k - 1] {
                for q in ["dL/dW", "new W"] {
                    assert_eq!(boxes(&html, &format!("{q}{k}[{j},{i}]")), 1, "{q}{k}[{j},{i}]");
                }
            }
        }
    }
    let all = boxes_starting(&html, "");
    assert_eq!(all, 4 * units + units + 2 * weights + units + 1);
    assert_eq!(
        html.matches("<span class=\"val\"></span>").count(),
        all,
        "every box is empty"
    );
    assert_eq!(
        html.matches("<td class=\"cp\"></td>").count(),
        html.matches("<td class=\"cp\"").count()
    );
    assert_balanced(&html);
}

/// Values the engine computes are on the key and not on the worksheet. By hand (the lesson's
/// hints give a6 = (28, 0, 0, 10)): a7 = W7 a6 = (28 - 20, 28 + 10) = (8, 38); with y = (5, 2)
/// the errors are (3, 36) and L = (9 + 1296) / 2 = 652.5; δ7 = (3, 36); dL/dW7[2,1] = 36·28 =
/// 1008; the new W7[2,1] = 1 - 0.0001·1008 = 0.8992 and W7[1,1] = 1 - 0.0001·3·28 = 0.9916.
#[test]
fn the_key_fills_every_box_from_the_engine_and_the_worksheet_none() {
    let doc = seven();
    let c = Computed::new(doc.clone());
    assert_eq!(c.grads.loss, 652.5);
    assert_eq!(c.grads.layers[6].weights[(1, 0)], 1008.0);
    let new_w = &c.after.layers()[6].weights;
    let distinctive = [
        fmt_number(c.grads.loss),
        fmt_number(c.grads.layers[6].weights[(1, 0)]),
        fmt_number(new_w[(1, 0)]),
        fmt_number(new_w[(0, 0)]),
    ];
    assert_eq!(distinctive, ["652.5", "1008", "0.8992", "0.9916"]);
    let blank = sheet(&doc, false);
    let key = sheet(&doc, true);
    for v in &distinctive {
        assert!(!blank.contains(v.as_str()), "{v} on the worksheet");
        assert!(
            key.contains(&format!("<span class=\"val\">{v}</span>")),
            "{v} not in a box of the key"
        );
    }
    assert!(key.contains("<span class=\"lbl\">L</span><span class=\"val\">652.5</span>"));
    assert!(key.contains("<span class=\"lbl\">z7[2]</span><span class=\"val\">38</span>"));
    assert!(key.contains("<span class=\"lbl\">new W7[2,1]</span><span class=\"val\">0.8992</span>"));
    assert_eq!(
        key.matches("<span class=\"val\"></span>").count(),
        0,
        "every box is filled"
    );
    // The chain-rule steps with the numbers put in: z1[1] = W1 row 1 · x + b1[1].
    assert!(
        key.contains("<code>z1[1] = 2·0 + 1·(-1) + (-2)·0 + 0 = -1</code>"),
        "z1[1] working"
    );
    assert!(
        key.contains("<code>dL/dW7[2,1] = 36·28 = 1008</code>"),
        "dL/dW7[2,1] working"
    );
    assert!(
        key.contains("<code>W7[2,1] = 1 - 0.0001·1008 = 0.8992</code>"),
        "update working"
    );
    assert!(!blank.contains("class=\"working\""));
    assert_balanced(&key);
}

/// The lesson sheet: its network, then its 12 exercises as numbered questions with answer boxes
/// of the asked shape; the key adds each answer and worked solution.
#[test]
fn the_lesson_sheet_numbers_every_exercise_and_the_key_solves_them() {
    let lesson = seven_lesson();
    let blank = lesson_worksheet_html(&lesson, None, false);
    let key = lesson_worksheet_html(&lesson, None, true);
    assert_balanced(&blank);
    assert_balanced(&key);
    assert!(blank.contains("Network <code>seven</code>"));
    for n in 1..=12 {
        assert!(
            blank.contains(&format!("<span class=\"qn\">{n}.</span>")),
            "question {n}"
        );
    }
    assert!(!blank.contains("<span class=\"qn\">13.</span>"));
    // The questions on dL/dW7 (2 x 4) and on dL/dW7[1,1] have their own 8 + 1 boxes besides the network's.
    assert_eq!(boxes_starting(&blank, "dL/dW7["), 8 + 8 + 1);
    assert!(!blank.contains("652.5") && !blank.contains("Answer:"));
    assert!(
        key.contains("Answer: 652.5 (tolerance: within 0.001 (absolute))"),
        "loss answer"
    );
    assert!(key.contains("Answer: [3, 36]"), "delta7 answer");
    assert!(key.contains("<strong>Answer:</strong> δ7 = [3, 36]"), "worked solution");
    assert_eq!(key.matches("<span class=\"val\"></span>").count(), 0);
}

/// Every title, prompt, option and name is escaped.
#[test]
fn text_is_escaped() {
    let text = r#"
title = "<script>alert(1)</script> & more"
description = "a <b>bold</b> claim"
[[cells]]
kind = "network"
id = "n"
variant = { init = "small_integers", k = 2 }
[cells.network]
name = "<i>net</i>"
inputs = 2
loss = "sse_half"
x = [[1, 2]]
y = [[1]]
[[cells.network.layers]]
units = 1
activation = "identity"
weights = [[1, 1]]
bias = [3]
[[cells]]
kind = "exercise"
id = "z"
prompt = "Is `z < 0`? <img src=x onerror=alert(1)>"
ask = "layers[1].z[1]"
[[cells]]
kind = "quiz"
id = "q"
prompt = "Pick <one>"
[[cells.options]]
text = "a <tag>"
correct = true
explain = "because <reasons>"
[[cells.options]]
text = "b"
"#;
    let lesson = parse_lesson(text, Syntax::Toml).unwrap();
    for answers in [false, true] {
        let html = lesson_worksheet_html(&lesson, Some("<Ada>"), answers);
        assert_balanced(&html);
        for raw in [
            "<script>",
            "<b>bold",
            "<i>net",
            "<img",
            "<one>",
            "<tag>",
            "<reasons>",
            "<Ada>",
        ] {
            assert!(!html.contains(raw), "{raw} not escaped");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(html.contains("<code>z &lt; 0</code>"));
        assert!(html.contains("&lt;Ada&gt;"));
    }
    // The variant: Ada's own weights, and her answer z = w1·1 + w2·2 + 3.
    let key = lesson_worksheet_html(&lesson, Some("Ada"), true);
    let doc = lesson.network("n").unwrap().doc_for(Some("Ada"));
    let w = &doc.net.layers()[0].weights;
    let z = w[(0, 0)] + 2.0 * w[(0, 1)] + 3.0;
    assert!(key.contains(&format!("Answer: {}", fmt_number(z))), "Ada's answer");
    assert!(key.contains("The weights of this network are Ada's own."));
}

/// In the Keras layout the sample is a row (`Z1[1,j]`) and W is `in x units`.
#[test]
fn the_keras_layout_transposes() {
    let doc = seven();
    let opts = WorksheetOptions {
        title: "k".into(),
        convention: Convention::Keras,
        ..WorksheetOptions::default()
    };
    let html = worksheet_html(&doc, &opts);
    assert_eq!(boxes_starting(&html, "Z"), 26);
    assert_eq!(boxes(&html, "Z1[1,4]"), 1);
    assert!(html.contains("W1 <span class=\"shape\">(3 x 4)</span>"));
    assert_eq!(boxes(&html, "dL/dW1[3,4]"), 1);
    let lesson = seven_lesson();
    let key = lesson_worksheet_html_with(&lesson, &WorksheetOptions { answers: true, ..opts });
    assert!(key.contains("<span class=\"lbl\">Z7[1,2]</span><span class=\"val\">38</span>"));
    assert_balanced(&key);
}

/// The window's "Export worksheet" lays the lesson out in the convention the matrix view shows.
/// Before, it always wrote the PyTorch layout. By hand (the lesson's hints give a6 = (28, 0, 0, 10)):
/// a7 = W7 a6 = (8, 38), so the Keras key holds Z7[1,2] = 38, one sample's row.
#[test]
fn the_windows_export_follows_the_chosen_convention() {
    use mlp_notebook::app::{AppState, Command, Convention};
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::builtin_headless();
    let export = |state: &mut AppState, name: &str| {
        let path = dir.path().join(name);
        state.apply(Command::ExportWorksheet {
            answers: true,
            to: Some(path.clone()),
        });
        std::fs::read_to_string(path).unwrap()
    };
    state.apply(Command::SetConvention(Convention::Keras));
    let keras = export(&mut state, "keras.html");
    // W1 is in x units = 3 x 4, W7 4 x 2; the sample is a row.
    assert!(
        keras.contains("W1 <span class=\"shape\">(3 x 4)</span>"),
        "W1 as in x units"
    );
    assert!(
        keras.contains("W7 <span class=\"shape\">(4 x 2)</span>"),
        "W7 as in x units"
    );
    assert!(keras.contains("Z7 <span class=\"shape\">(1 x 2)</span>"), "z7 as a row");
    assert!(!keras.contains("W1 <span class=\"shape\">(4 x 3)</span>"));
    assert!(keras.contains("<span class=\"lbl\">Z7[1,2]</span><span class=\"val\">38</span>"));
    assert_eq!(boxes(&keras, "z7[2]"), 0);
    assert_balanced(&keras);
    state.apply(Command::SetConvention(Convention::Torch));
    let torch = export(&mut state, "torch.html");
    assert!(torch.contains("W1 <span class=\"shape\">(4 x 3)</span>"));
    assert!(torch.contains("<span class=\"lbl\">z7[2]</span><span class=\"val\">38</span>"));
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-notebook"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_writes_a_worksheet_or_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/03-seven-layers-by-hand.toml");
    let lesson = lesson.to_str().unwrap();
    let out = dir.path().join("key.html");
    let (code, stdout, stderr) = run(&["worksheet", lesson, "--answers", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("652.5"));

    let net = dir.path().join("tiny.toml");
    std::fs::write(
        &net,
        "inputs = 1\nx = [[2]]\ny = [[1]]\n[[layers]]\nunits = 1\nactivation = \"relu\"\nweights = [[3]]\nbias = [1]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["worksheet", net.to_str().unwrap(), "--student", "Ada"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("<h1>tiny</h1>") && stdout.contains("Ada"));
    assert_eq!(boxes(&stdout, "z1[1]"), 1);

    let missing = dir.path().join("missing.toml");
    let (code, stdout, stderr) = run(&["worksheet", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("error:") && stderr.contains("missing.toml"), "{stderr}");
}

/// Every shipped lesson gives a well-formed worksheet and a key with every box filled.
#[test]
fn every_shipped_lesson_has_a_worksheet_and_a_key() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let lesson = parse_lesson(&text, Syntax::Toml).unwrap();
        let blank = lesson_worksheet_html(&lesson, Some("Ada Lovelace"), false);
        let key = lesson_worksheet_html(&lesson, Some("Ada Lovelace"), true);
        assert_balanced(&blank);
        assert_balanced(&key);
        let name = path.display();
        assert_eq!(
            key.matches("<span class=\"val\"></span>").count(),
            0,
            "{name}: an empty box in the key"
        );
        assert!(!key.contains("Error:"), "{name}: an exercise failed");
        count += 1;
    }
    assert!(count >= 12);
}

#[test]
fn a_small_batch_is_laid_out_whole_and_a_large_one_by_sample() {
    // Lesson 08's first network: w = 1, b = 0, samples x = 1 and 2 with targets 3 and 6, MSE.
    // By hand: z = (1, 2); L = ((1-3)^2 + (2-6)^2) / 2 = 10; dL/da = (a - y) = (-2, -4);
    // dL/dw = (-2)·1 + (-4)·2 = -10.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/08-gradient-descent.toml");
    let lesson = parse_lesson(&std::fs::read_to_string(path).unwrap(), Syntax::Toml).unwrap();
    let doc = lesson.network("lr-small").unwrap().doc_for(None);
    assert_eq!(doc.batch(), 2);
    let key = sheet(&doc, true);
    let blank = sheet(&doc, false);
    for (label, value) in [
        ("z1[1,1]", "1"),
        ("z1[1,2]", "2"),
        ("L", "10"),
        ("δ1[1,2]", "-4"),
        ("dL/dW1[1,1]", "-10"),
    ] {
        assert_eq!(boxes(&blank, label), 1, "{label} has a box");
        assert!(
            key.contains(&format!(
                "<span class=\"lbl\">{label}</span><span class=\"val\">{value}</span>"
            )),
            "{label} = {value} in the key"
        );
    }
    assert!(blank.contains("a batch of 2 samples, all laid out"));
    // In the Keras convention a sample is a row: sample 2's values are row 2. Greek stays.
    let opts = WorksheetOptions {
        answers: true,
        convention: Convention::Keras,
        ..WorksheetOptions::default()
    };
    let keras = worksheet_html(&doc, &opts);
    // δ1 is 2 x 1 (one row per sample): dL/db1 = -2 + (-4) sums its column, as the formula says.
    assert!(keras.contains("dL/db1 = column sums of δ1"));
    assert!(keras.contains("<code>dL/db</code> (the column sums of <code>δ</code>)"));
    assert!(!keras.contains("row sums"));
    for (label, value) in [("Z1[2,1]", "2"), ("δ1[2,1]", "-4")] {
        assert!(
            keras.contains(&format!(
                "<span class=\"lbl\">{label}</span><span class=\"val\">{value}</span>"
            )),
            "{label} = {value} in the Keras key"
        );
    }
    // Five samples are too many for a page: one sample is laid out, as before.
    let mut big = doc.clone();
    big.x = mlp_notebook::nn::Matrix::from_fn(1, 5, |_, j| j as f64);
    big.y = mlp_notebook::nn::Matrix::from_fn(1, 5, |_, j| 2.0 * j as f64);
    let big_sheet = sheet(&big, false);
    assert!(big_sheet.contains("sample 1 of a batch of 5"));
    assert_eq!(boxes(&big_sheet, "z1[1]"), 1);
    assert_eq!(boxes_starting(&big_sheet, "z1[1,"), 0);
}

/// A prompt is printed as the window shows it: `*italic*`, a `1.` list, a link and fenced code
/// become HTML, while raw HTML and a `javascript:` link stay harmless text.
#[test]
fn prompts_print_their_markdown() {
    let text = r#"
title = "Markdown"
[[cells]]
kind = "network"
id = "n"
[cells.network]
inputs = 1
loss = "sse_half"
x = [[1]]
y = [[1]]
[[cells.network.layers]]
units = 1
activation = "identity"
weights = [[2]]
bias = [0]
[[cells]]
kind = "exercise"
id = "z"
prompt = """
A *dense* layer, as in [PyTorch](https://pytorch.org):

1. multiply,
2. add.

```python
z = w * x + b
```

<script>alert(1)</script>

Then [not a link](javascript:alert(1)).
"""
ask = "layers[1].z[1]"
"#;
    let lesson = parse_lesson(text, Syntax::Toml).unwrap();
    for answers in [false, true] {
        let html = lesson_worksheet_html(&lesson, None, answers);
        assert_balanced(&html);
        assert!(html.contains("A <em>dense</em> layer"), "{html}");
        assert!(html.contains("<a href=\"https://pytorch.org\">PyTorch</a>"), "{html}");
        assert!(
            html.contains("<ol>\n<li>multiply,</li>\n<li>add.</li>\n</ol>"),
            "{html}"
        );
        assert!(
            html.contains("<pre><code class=\"language-python\">z = w * x + b\n</code></pre>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("Then not a link."), "{html}");
        assert!(!html.contains("<script") && !html.contains("javascript:"), "{html}");
    }
}

/// The page as printed: every page carries the lesson's title and the kind of sheet at its top
/// and "Page N of M" at its foot (CSS `@page` margin boxes, which Chromium prints); no part of
/// the network is forced onto a page of its own, blocks and questions are not split, the
/// questions are set in two columns with a wide answer across both.
#[test]
fn printed_pages_carry_the_title_the_kind_and_page_numbers_and_are_packed() {
    let lesson = seven_lesson();
    for (answers, kind) in [(false, "Worksheet"), (true, "Answer key")] {
        let html = lesson_worksheet_html(&lesson, None, answers);
        let at_page = &html[html.rfind("@page {").expect("a page rule")..];
        assert!(
            at_page.contains("@top-left { content: \"Seven layers by hand\";"),
            "{at_page}"
        );
        assert!(
            at_page.contains(&format!("@top-right {{ content: \"{kind}\";")),
            "{at_page}"
        );
        assert!(at_page.contains("@bottom-center { content: \"Page \" counter(page) \" of \" counter(pages);"));
        assert!(!html.contains("break-before: page"), "no part forced onto a new page");
        assert!(html.contains(".block { break-inside: avoid;"));
        assert!(html.contains(".question { margin: .7em 0; break-inside: avoid;"));
        assert!(html.contains(".qlist { columns: 2;"));
        assert!(html.contains("<div class=\"qlist\">"));
    }
    // The whole gradient dL/dW7 (2 x 4) is wider than a column; dL/dW7[1,1] is not.
    let blank = lesson_worksheet_html(&lesson, None, false);
    assert_eq!(blank.matches("<div class=\"question wide\">").count(), 1);
    // A student's sheet names them at the top of every page; a title cannot leave its string.
    let mut odd = lesson.clone();
    odd.title = "Quotes \" and </style> tags".into();
    let html = lesson_worksheet_html(&odd, Some("Ada"), false);
    assert!(html.contains("@top-left { content: \"Quotes \\22  and \\3c /style\\3e  tags · Ada\";"));
    assert_eq!(html.matches("</style>").count(), 1);
}
