//! Worked solutions that teach: a student who copies the numbers a worked solution shows and
//! does the last line's arithmetic lands inside the exercise's tolerance, for every exercise of
//! every shipped lesson; the listed cases show every step; the window reveals one step per click.

use mlp_notebook::lesson::worked::{Worked, worked};
use mlp_notebook::lesson::{Answer, Cell, Exercise, Lesson};
use mlp_notebook::nn::Activation;
use mlp_notebook::nn::numfmt::NumberFormat;
use mlp_notebook::nn::steps::Line;
use std::path::{Path, PathBuf};

pub fn shipped_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

pub fn load_file(path: &Path) -> Lesson {
    let text = std::fs::read_to_string(path).unwrap();
    let resolve = |p: &str| Err(format!("no file {p}"));
    mlp_notebook::lesson::load(&text, mlp_notebook::nn::doc::Syntax::Toml, &resolve).unwrap()
}

fn shipped(name: &str) -> Lesson {
    load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons").join(name))
}

/// A calculator for the arithmetic a worked line writes: numbers, `+ - · * /`, `²`, brackets
/// `( ) [ ] | |`, `½`, `√x`, `e^x`, `ln x` and the activations (`sigmoid(z)`, `relu'(z)`).
struct Calc<'a> {
    s: &'a [char],
    i: usize,
}

impl Calc<'_> {
    fn eval(text: &str) -> Result<f64, String> {
        let chars: Vec<char> = text.chars().collect();
        let mut c = Calc { s: &chars, i: 0 };
        let v = c.expr()?;
        c.ws();
        if c.i != chars.len() {
            return Err(format!(
                "cannot read {text:?} from {}",
                chars[c.i..].iter().collect::<String>()
            ));
        }
        Ok(v)
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i] == ' ' {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<char> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, word: &str) -> bool {
        self.ws();
        let w: Vec<char> = word.chars().collect();
        if self.s[self.i..].starts_with(&w) {
            self.i += w.len();
            true
        } else {
            false
        }
    }
    fn expr(&mut self) -> Result<f64, String> {
        let mut v = self.term()?;
        loop {
            match self.peek() {
                Some('+') => {
                    self.i += 1;
                    v += self.term()?;
                }
                Some('-') => {
                    self.i += 1;
                    v -= self.term()?;
                }
                _ => return Ok(v),
            }
        }
    }
    fn term(&mut self) -> Result<f64, String> {
        let mut v = self.unary()?;
        loop {
            match self.peek() {
                Some('·' | '*') => {
                    self.i += 1;
                    v *= self.unary()?;
                }
                Some('/') => {
                    self.i += 1;
                    v /= self.unary()?;
                }
                _ => return Ok(v),
            }
        }
    }
    fn unary(&mut self) -> Result<f64, String> {
        if self.peek() == Some('-') {
            self.i += 1;
            return Ok(-self.unary()?);
        }
        let v = self.atom()?;
        if self.peek() == Some('²') {
            self.i += 1;
            return Ok(v * v);
        }
        Ok(v)
    }
    fn group(&mut self, close: char) -> Result<f64, String> {
        let v = self.expr()?;
        if self.peek() != Some(close) {
            return Err(format!("expected {close} at {}", self.i));
        }
        self.i += 1;
        Ok(v)
    }
    fn atom(&mut self) -> Result<f64, String> {
        match self.peek() {
            Some('(') => {
                self.i += 1;
                return self.group(')');
            }
            Some('[') => {
                self.i += 1;
                return self.group(']');
            }
            Some('|') => {
                self.i += 1;
                return Ok(self.group('|')?.abs());
            }
            Some('½') => {
                self.i += 1;
                return Ok(0.5);
            }
            Some('√') => {
                self.i += 1;
                return Ok(self.atom()?.sqrt());
            }
            Some(c) if c.is_ascii_digit() || c == '.' => return self.number(),
            _ => {}
        }
        if self.eat("e^") {
            return Ok(self.atom()?.exp());
        }
        if self.eat("ln ") {
            return Ok(self.atom()?.ln());
        }
        if self.eat("sign(") {
            return Ok(self.group(')')?.signum());
        }
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphabetic() || self.s[self.i] == '_') {
            self.i += 1;
        }
        let name: String = self.s[start..self.i].iter().collect();
        let act = Activation::from_name(&name).ok_or_else(|| format!("unknown function {name:?}"))?;
        let prime = self.eat("'");
        if !self.eat("(") {
            return Err(format!("expected ( after {name}"));
        }
        let z = self.group(')')?;
        let a = act.value(z);
        Ok(if prime { act.derivative(z, a) } else { a })
    }
    fn number(&mut self) -> Result<f64, String> {
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_digit() || self.s[self.i] == '.') {
            self.i += 1;
        }
        if self.i < self.s.len()
            && self.s[self.i] == 'e'
            && self.s.get(self.i + 1).is_some_and(|c| *c == '-' || c.is_ascii_digit())
        {
            self.i += 2;
            while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                self.i += 1;
            }
        }
        let t: String = self.s[start..self.i].iter().collect();
        t.parse().map_err(|e| format!("{t}: {e}"))
    }
}

/// The last stage of `line` as shown (numbers as the worked solution writes them), worked out;
/// a line with no stage is its shown result.
fn recompute(line: &Line) -> Result<f64, String> {
    let fmt = |v: f64| NumberFormat::Answer.fmt(v);
    match line.stages.last() {
        None => Calc::eval(&fmt(line.result)),
        Some(st) => {
            let one = Line {
                target: String::new(),
                stages: vec![st.clone()],
                result: 0.0,
                cell: line.cell,
            };
            let text = one.render_with(&fmt);
            let text = text.strip_prefix(" = ").and_then(|t| t.strip_suffix(" = 0")).unwrap();
            Calc::eval(text)
        }
    }
}

/// The answer a student gets by copying the last step's numbers: each entry from the last line
/// written for its cell.
fn copied_answer(w: &Worked, answer: &Answer) -> Result<Answer, String> {
    let step = w.steps.last().ok_or("no steps")?;
    if step.lines.is_empty() {
        return Err("no lines".into());
    }
    let mut got = answer.clone();
    let mut seen = std::collections::HashSet::new();
    for line in step.lines.iter().rev() {
        if !seen.insert(line.cell) {
            continue;
        }
        let v = recompute(line).map_err(|e| format!("{}: {e}", line.render(NumberFormat::Answer)))?;
        let (r, c) = line.cell;
        match &mut got {
            Answer::Scalar(x) => *x = v,
            Answer::Vector(x) => x[r] = v,
            Answer::Matrix(m) => {
                let cols = m[r].len();
                m[r][if c < cols { c } else { 0 }] = v;
            }
        }
    }
    Ok(got)
}

fn exercises(l: &Lesson) -> Vec<&Exercise> {
    l.cells
        .iter()
        .filter_map(|c| match c {
            Cell::Exercise(e) => Some(&**e),
            _ => None,
        })
        .collect()
}

/// Every exercise of every shipped lesson (on the file's networks and on a student's variant):
/// the last line of its worked solution, worked out from the numbers as shown, is an answer the
/// exercise accepts. Exercises whose answer is read or counted (no arithmetic line) and "solve
/// for" exercises (whose answer is the value found, stated) are counted apart.
#[test]
fn copying_a_worked_solution_lands_inside_the_tolerance() {
    let mut checked = 0;
    for path in shipped_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let l = load_file(&path);
        for ex in exercises(&l) {
            if ex.solve_for.is_some() {
                continue;
            }
            for student in [None, Some("Ada Lovelace")] {
                let c = l.computed_for(ex, student).unwrap();
                let answer = ex.answer(&c).unwrap();
                let w = worked(ex, &c).unwrap();
                let last = w.steps.last().unwrap();
                if last.lines.is_empty() {
                    assert!(!last.notes.is_empty(), "{name}: {}: an empty worked solution", ex.id);
                    continue;
                }
                let got = copied_answer(&w, &answer).unwrap_or_else(|e| panic!("{name}: {}: {e}", ex.id));
                let f = ex.check(&c, &got, 0).unwrap();
                assert!(
                    f.verdict.is_correct(),
                    "{name}: {} ({student:?}): copying the steps gives {got:?}, the answer is {answer:?}: {f:?}\n{}",
                    ex.id,
                    w.markdown()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

fn solution(lesson: &str, id: &str) -> (Worked, String) {
    let l = shipped(lesson);
    let ex = l.exercise(id).unwrap();
    let c = l.computed_for(ex, None).unwrap();
    let w = worked(ex, &c).unwrap();
    let md = w.markdown();
    (w, md)
}

/// 11 `sigmoid-grad-w1`: δ1 = -0.000976562 · 0.25 is written with 6 significant digits
/// (-0.000244141), not rounded to -0.0002 (which is 18% off the answer -0.000244140625).
#[test]
fn lesson_11s_tiny_gradient_keeps_its_digits() {
    let (_, md) = solution("11-initialisation-and-vanishing-gradients.toml", "sigmoid-grad-w1");
    assert!(md.contains("(-0.000976562) · 0.25 = -0.000244141"), "{md}");
    assert!(!md.contains("-0.0002 "), "{md}");
}

/// 03 `output`: every layer's z and a, 1 to 7, not only layer 7.
#[test]
fn lesson_03s_output_shows_every_layer() {
    let (w, md) = solution("03-seven-layers-by-hand.toml", "output");
    for k in 1..=7 {
        assert!(
            md.contains(&format!("Layer {k}: pre-activation z{k}")),
            "layer {k}\n{md}"
        );
        assert!(md.contains(&format!("Layer {k}: activation a{k}")), "layer {k}\n{md}");
    }
    assert_eq!(w.steps.len(), 14);
}

/// 04 `grad-w1`: the batch of 3 is worked sample by sample (the deltas of samples 2 and 3
/// derived too), then dL/dW1[1,1] is the sum of the three products.
#[test]
fn lesson_04s_batch_gradient_works_every_sample() {
    let (w, md) = solution("04-matrices-and-batches.toml", "grad-w1");
    for s in 1..=3 {
        assert!(
            w.steps
                .iter()
                .any(|st| st.sample.as_deref() == Some(&format!("Sample {s} of 3")) && st.title.contains("delta")),
            "sample {s}\n{md}"
        );
    }
    let last = w.steps.last().unwrap();
    assert!(last.title.contains("weight gradient"), "{md}");
    let line = last.lines[0].render(NumberFormat::Answer);
    assert_eq!(line.matches(" + ").count(), 2, "three products summed: {line}");
}

/// 06 `wrong-bce-delta`: the delta shows σ' cancelling the BCE denominator, and its last stage
/// is a - y with the numbers shown: 0.997527 - 0.
#[test]
fn lesson_06s_bce_delta_shows_the_cancellation() {
    let (w, md) = solution("06-loss-functions.toml", "wrong-bce-delta");
    let last = w.steps.last().unwrap();
    assert!(last.formula.contains("cancels"), "{md}");
    let line = last.lines[0].render(NumberFormat::Answer);
    // a = sigmoid(6) = 0.997527, y = 0: δ = a - y.
    assert!(line.ends_with("= (0.997527 - 0) = 0.997527"), "{line}");
}

/// 09 `adam-step`: m, v, m̂, v̂ and the division are put in with numbers. For w1: g = -2,
/// m = 0.1·(-2) = -0.2, v = 0.001·4 = 0.004, m̂ = -0.2/0.1 = -2, v̂ = 0.004/0.001 = 4,
/// w1 = 1 - 0.1·(-2)/(√4 + 1e-8) = 1.1.
#[test]
fn lesson_09s_adam_step_puts_every_number_in() {
    let (_, md) = solution("09-optimizers.toml", "adam-step");
    for want in [
        "m(W1[1,1]) = (1 - 0.9)·(-2) = -0.2",
        "v(W1[1,1]) = (1 - 0.999)·(-2)² = 0.004",
        "m̂(W1[1,1]) = (-0.2) / (1 - 0.9) = -2",
        "v̂(W1[1,1]) = 0.004 / (1 - 0.999) = 4",
        "W1[1,1] = 1 - 0.1·(-2) / (√4 + 1e-8) = 1.1",
        "m̂(W1[1,2]) = (-0.4) / (1 - 0.9) = -4",
    ] {
        assert!(md.contains(want), "missing {want}\n{md}");
    }
    assert!(!md.contains("dL/d = "), "{md}");
}

/// The calculator itself, on sums worked by hand.
#[test]
fn the_calculator_reads_worked_lines() {
    assert_eq!(Calc::eval("2·(8 - 5) / 3").unwrap(), 2.0);
    assert_eq!(Calc::eval("½·[(8 - 5)² + (38 - 2)²]").unwrap(), 652.5);
    assert_eq!(Calc::eval("relu(-1) + relu'(2)").unwrap(), 1.0);
    assert_eq!(Calc::eval("1 - 0.1·(-2) / (√4 + 0)").unwrap(), 1.1);
    assert_eq!(Calc::eval("|-3| + sign(-2)").unwrap(), 2.0);
    assert!((Calc::eval("e^0 / (e^0 + e^0)").unwrap() - 0.5).abs() < 1e-15);
    assert!(Calc::eval("1 updated by adam").is_err());
}
