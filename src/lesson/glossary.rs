//! The glossary: every symbol and term the window shows, each with one line, its formula and
//! the shipped lesson that teaches it. Plain data; the window's Help > Glossary lists it with a
//! search, and its hovers (block headings, node values, the stepper's formula symbols, settings
//! labels) show an entry's line through [`lookup`], which accepts a symbol as the window writes
//! it (`δ3[2]`, `dL/dW3`, `Z2` in the Keras convention, `Loss:`).
//!
//! Lessons are numbered as in the Lessons menu, from 1 ([`super::shipped::SHIPPED`]); a test
//! checks that every entry's lesson exists and mentions the entry.

use super::shipped::SHIPPED;

/// One glossary entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The symbol or term as the window shows it: `δ`, `dL/dW`, `relu`, `reduction`.
    pub term: &'static str,
    /// Its name in words (empty when the term is a word already).
    pub name: &'static str,
    /// Other spellings the window and the lessons use (`delta`, `dL/dz`, `Learning rate`).
    pub aka: &'static [&'static str],
    /// What it is, in one line.
    pub line: &'static str,
    /// Its formula, in the symbols the window uses.
    pub formula: &'static str,
    /// The shipped lesson that teaches it, numbered from 1.
    pub lesson: usize,
}

impl Entry {
    /// `δ (delta)`, or the term alone.
    pub fn heading(&self) -> String {
        if self.name.is_empty() {
            self.term.to_string()
        } else {
            format!("{} ({})", self.term, self.name)
        }
    }

    /// The title of the lesson that teaches it.
    pub fn lesson_title(&self) -> &'static str {
        SHIPPED.get(self.lesson.wrapping_sub(1)).map_or("", |l| l.0)
    }

    /// The text a hover shows: the heading and the line, the formula, the lesson.
    pub fn hover_text(&self) -> String {
        format!(
            "{}: {}\n{}\nTaught in lesson {}: {}",
            self.heading(),
            self.line,
            self.formula,
            self.lesson,
            self.lesson_title()
        )
    }

    /// Whether the entry matches every word of a search (case-insensitive), in its term, name,
    /// other spellings, line or formula. An empty search matches everything.
    pub fn matches(&self, query: &str) -> bool {
        let hay = [self.term, self.name, self.line, self.formula]
            .into_iter()
            .chain(self.aka.iter().copied())
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        query.to_lowercase().split_whitespace().all(|w| hay.contains(w))
    }
}

mod entries;
pub use entries::ENTRIES;

/// Every entry.
pub fn entries() -> &'static [Entry] {
    ENTRIES
}

/// The entries matching every word of `query` ([`Entry::matches`]), in glossary order.
pub fn search(query: &str) -> Vec<&'static Entry> {
    ENTRIES.iter().filter(|e| e.matches(query)).collect()
}

/// The entry of a symbol or term as the window writes it: exactly (`a0`, `B`), else without
/// its indices and layer number (`δ3[2]` is `δ`, `dL/dW3` is `dL/dW`, `m̂(W1[1,1])` is `m̂`),
/// in lower case (`Z2` and `Loss:` are `z` and `loss`), or a Keras name (`dL/dA2` is `dL/da`).
pub fn lookup(shown: &str) -> Option<&'static Entry> {
    let exact = |s: &str| {
        ENTRIES
            .iter()
            .find(|e| e.term == s)
            .or_else(|| ENTRIES.iter().find(|e| e.aka.contains(&s)))
    };
    let s = shown.trim().trim_end_matches(':').trim();
    if s.is_empty() {
        return None;
    }
    if let Some(e) = exact(s) {
        return Some(e);
    }
    // `m̂(W1[1,1])`, `δ3[2]`, `relu(z)`: what comes before the first bracket.
    let s = s.split(['[', '(']).next().unwrap_or(s);
    // `W3^T` and `W3ᵀ`: the matrix, not the transpose.
    let s = s.trim_end_matches("^T").trim_end_matches('ᵀ');
    // `z3`, `dL/dW3`, `β1` (kept: an entry), `relu'` (the function).
    let s = s.trim_end_matches(['\'', '²']);
    if let Some(e) = exact(s) {
        return Some(e);
    }
    // `z_k`, `a_prev`: the symbol before its subscript.
    let s = match s.split_once('_') {
        Some((head, _)) if !head.is_empty() && exact(s).is_none() && !ENTRIES.iter().any(|e| e.term == s) => head,
        _ => s,
    };
    let bare = s.trim_end_matches(|c: char| c.is_ascii_digit());
    if bare.is_empty() {
        return None;
    }
    if let Some(e) = exact(bare) {
        return Some(e);
    }
    // `dL/dA2` -> `dL/da`, `Z2` -> `z`, `Learning rate` -> `learning rate`.
    let lowered = match bare.rsplit_once("/d") {
        Some((head, tail)) => format!("{head}/d{}", tail.to_lowercase()),
        None => bare.to_lowercase(),
    };
    exact(&lowered)
}

/// Splits a formula as the stepper shows it into pieces, each a symbol the glossary may know
/// (`dL/da3`, `W3[j,i]`, `m̂(W1[1,1])` is `m̂` and the rest, `*`, `·`, `^T`) or the text between.
/// Joined, the pieces give the formula back.
pub fn tokens(formula: &str) -> Vec<&str> {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '/' | '\'' | '\u{302}');
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = formula.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let piece_end = if is_word(c) {
            // A word, with the indices that follow it (`W3[j,i]`).
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                // `cross-entropy`, `one-hot`: a hyphen between letters stays in the word.
                let joins = d == '-'
                    && formula[..j].chars().next_back().is_some_and(char::is_alphabetic)
                    && formula[j + 1..].chars().next().is_some_and(char::is_alphabetic);
                if is_word(d) || joins {
                    end = j + d.len_utf8();
                    chars.next();
                } else if d == '[' {
                    let close = formula[j..].find(']').map_or(formula.len(), |k| j + k + 1);
                    while chars.peek().is_some_and(|&(k, _)| k < close) {
                        chars.next();
                    }
                    end = close;
                } else {
                    break;
                }
            }
            Some(end)
        } else if matches!(c, '*' | '·' | 'Σ' | 'η' | '√') {
            Some(i + c.len_utf8())
        } else if formula[i..].starts_with("^T") || formula[i..].starts_with("<-") {
            chars.next();
            Some(i + 2)
        } else {
            None
        };
        if let Some(end) = piece_end {
            if start < i {
                out.push(&formula[start..i]);
            }
            out.push(&formula[i..end]);
            start = end;
        }
    }
    if start < formula.len() {
        out.push(&formula[start..]);
    }
    out
}

#[cfg(test)]
mod tests;
