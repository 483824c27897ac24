//! The glossary against the shipped lessons and the engine.

use super::*;
use crate::lesson::{Cell, load, no_files};
use crate::nn::doc::Syntax;
use crate::nn::{Activation, LossKind, OptimizerKind};

/// What a student reads in a lesson: its text cells, prompts, hints and quiz options.
fn lesson_text(n: usize) -> String {
    let lesson = load(SHIPPED[n - 1].1, Syntax::Toml, &no_files).unwrap();
    lesson.meta.description.clone().unwrap_or_default() + &lesson.prose()
}

/// Whether `text` has `word` standing alone: where the word starts or ends with a letter,
/// digit or `_`, no such character right before or after it (so `elu` is not found in
/// `relu`, nor `m` in `sum`, but `[i,j]` is in `W1[i,j]`).
fn mentions(text: &str, word: &str) -> bool {
    let wordy = |c: char| c.is_alphanumeric() || c == '_';
    let (first, last) = (word.chars().next(), word.chars().next_back());
    let alone = |edge: Option<char>, next: Option<char>| !edge.is_some_and(wordy) || next.is_none_or(|c| !wordy(c));
    text.match_indices(word)
        .any(|(i, _)| alone(first, text[..i].chars().next_back()) && alone(last, text[i + word.len()..].chars().next()))
}

#[test]
fn every_entry_names_a_shipped_lesson_that_mentions_it() {
    let texts: Vec<String> = (1..=SHIPPED.len()).map(lesson_text).collect();
    let mut missing = Vec::new();
    for e in ENTRIES {
        assert!(
            (1..=SHIPPED.len()).contains(&e.lesson),
            "{}: lesson {} is not shipped",
            e.term,
            e.lesson
        );
        let text = &texts[e.lesson - 1];
        let said = std::iter::once(e.term)
            .chain(e.aka.iter().copied())
            .any(|w| mentions(text, w));
        if !said {
            missing.push(format!("{} (lesson {})", e.term, e.lesson));
        }
    }
    assert!(missing.is_empty(), "not mentioned by their lesson: {missing:?}");
}

#[test]
fn mentions_needs_the_word_alone() {
    assert!(mentions("the elu and", "elu"));
    assert!(!mentions("a relu unit", "elu"));
    assert!(!mentions("sum_i", "sum"));
    assert!(mentions("`m` and `v`", "m"));
    assert!(mentions("W1[i,j] is", "[i,j]"));
}

#[test]
fn every_activation_loss_and_optimizer_of_the_engine_has_an_entry() {
    for a in Activation::ALL {
        let e = lookup(a.name()).unwrap_or_else(|| panic!("no entry for {}", a.name()));
        assert_eq!(e.term, a.name());
        // The entry's formula is the engine's own.
        assert!(e.formula.starts_with(a.formula().0), "{}: {}", a.name(), e.formula);
    }
    for name in LossKind::NAMES {
        assert_eq!(lookup(name).map(|e| e.term), Some(name));
    }
    for k in OptimizerKind::ALL {
        assert_eq!(lookup(k.name()).map(|e| e.term), Some(k.name()));
    }
}

#[test]
fn terms_are_unique_and_every_field_is_filled() {
    for (i, e) in ENTRIES.iter().enumerate() {
        assert!(!e.line.is_empty() && !e.formula.is_empty(), "{}", e.term);
        assert!(ENTRIES[..i].iter().all(|o| o.term != e.term), "{} twice", e.term);
    }
}

#[test]
fn symbols_are_found_as_the_window_writes_them() {
    let term = |s: &str| lookup(s).map(|e| e.term);
    assert_eq!(term("δ3[2]"), Some("δ"));
    assert_eq!(term("dL/dW3"), Some("dL/dW"));
    assert_eq!(term("dL/dW3[1,2]"), Some("dL/dW"));
    assert_eq!(term("dL/dA2"), Some("dL/da"));
    assert_eq!(term("dL/da2"), Some("dL/da"));
    assert_eq!(term("dL/dx[1]"), Some("dL/dx"));
    assert_eq!(term("Z3"), Some("z"));
    assert_eq!(term("a0"), Some("a0"));
    assert_eq!(term("a2"), Some("a"));
    assert_eq!(term("X"), Some("x"));
    assert_eq!(term("W3^T"), Some("W"));
    assert_eq!(term("^T"), Some("^T"));
    assert_eq!(term("ᵀ"), Some("^T"));
    assert_eq!(term("m̂(W1[1,1])"), Some("m̂"));
    assert_eq!(term("β1"), Some("β1"));
    assert_eq!(term("B"), Some("B"));
    assert_eq!(term("b3"), Some("b"));
    assert_eq!(term("Loss:"), Some("L"));
    assert_eq!(term("Reduction:"), Some("reduction"));
    assert_eq!(term("Learning rate"), Some("lr"));
    assert_eq!(term("relu'"), Some("relu"));
    assert_eq!(term("g²"), Some("g"));
    assert_eq!(term("z_k"), Some("z"));
    assert_eq!(term("sum_j"), Some("sum_i"));
    assert_eq!(term("cross-entropy"), Some("cross_entropy"));
    assert_eq!(term("cross_entropy"), Some("cross_entropy"));
    assert_eq!(term("sse_half"), Some("sse_half"));
    assert_eq!(term("*"), Some("*"));
    assert_eq!(term("·"), Some("·"));
    assert_eq!(term("Show on nodes"), None);
    assert_eq!(term("42"), None);
    assert_eq!(term(""), None);
}

#[test]
fn search_filters_by_every_word() {
    let terms = |q: &str| search(q).into_iter().map(|e| e.term).collect::<Vec<_>>();
    assert_eq!(search("").len(), ENTRIES.len());
    // Only the names of m̂ and v̂ say "bias-corrected".
    assert_eq!(terms("Bias-Corrected"), ["m̂", "v̂"]);
    // Both words must match: Adam and its two running means (RMSprop's and momentum's
    // running means do not say Adam).
    assert_eq!(terms("adam running"), ["adam", "m", "v"]);
    assert!(terms("no such thing").is_empty());
}

/// Every symbol in the formulas the stepper shows for the shipped lessons' networks, and in
/// every optimizer's rule, has an entry; what has none is a plain word of the sentence.
#[test]
fn every_symbol_the_stepper_shows_has_an_entry() {
    const WORDS: [&str; 15] = [
        "if",
        "else",
        "with",
        "then",
        "summed",
        "over",
        "the",
        "forward",
        "pass",
        "again",
        "updated",
        "cancels",
        "dampening",
        "max",
        "one",
    ];
    let mut formulas: Vec<String> = OptimizerKind::ALL
        .into_iter()
        .map(|k| crate::nn::OptimizerConfig::defaults(k).formula().to_string())
        .collect();
    for (_, text) in SHIPPED {
        let lesson = load(text, Syntax::Toml, &no_files).unwrap();
        for c in &lesson.cells {
            if let Cell::Network(n) = c {
                let steps = crate::lesson::Computed::new(n.doc.clone()).steps(0);
                formulas.extend(steps.into_iter().map(|s| s.formula));
            }
        }
    }
    let mut unknown = std::collections::BTreeSet::new();
    for f in &formulas {
        for t in tokens(f) {
            let word = t.chars().next().is_some_and(|c| c.is_alphabetic()) || t == "*" || t == "·";
            if word && lookup(t).is_none() && !WORDS.contains(&t) {
                unknown.insert(t.to_string());
            }
        }
    }
    assert!(unknown.is_empty(), "symbols without an entry: {unknown:?}");
}

#[test]
fn formulas_split_into_symbols_and_back() {
    let f = "δ3 = dL/da3 * f'(z3),  f'(z) = 1 if z > 0";
    let t = tokens(f);
    assert_eq!(t.concat(), f);
    assert!(t.contains(&"δ3") && t.contains(&"dL/da3") && t.contains(&"*") && t.contains(&"f'"));
    let f = "dL/dW3 = δ3 a2^T   (dL/dW3[j,i] = δ3[j] a2[i], summed)";
    let t = tokens(f);
    assert_eq!(t.concat(), f);
    assert!(t.contains(&"dL/dW3[j,i]") && t.contains(&"^T") && t.contains(&"a2"));
    let f = "softmax with cross-entropy: a - y";
    assert_eq!(
        tokens(f),
        ["softmax", " ", "with", " ", "cross-entropy", ": ", "a", " - ", "y"]
    );
    let f = "m̂(W1[1,1]) <- W - lr m̂ / (√v̂ + ε)";
    let t = tokens(f);
    assert_eq!(t.concat(), f);
    assert!(t.contains(&"m̂") && t.contains(&"<-") && t.contains(&"v̂") && t.contains(&"ε"));
}
