//! Reading the text: records (cells, quotes, line numbers), the sniffed delimiter, numbers with
//! an optional decimal comma, and column names. The conventions are in [`super`].

/// One record: its cells and the line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Record {
    pub(super) line: usize,
    pub(super) cells: Vec<String>,
    /// A quoted cell ran to the end of the text.
    pub(super) unclosed: bool,
}

/// Splits the text into records (blank lines left out).
pub(super) fn records(text: &str, delim: char) -> Vec<Record> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut line = 1;
    let mut rec = Record {
        line,
        cells: Vec::new(),
        unclosed: false,
    };
    let mut cell = String::new();
    // Whether the cell was quoted, and where its closing quote was (after it only spaces count).
    let (mut quoted, mut in_quotes, mut after_quote) = (false, false, false);
    let mut chars = text.chars().peekable();
    let finish_cell = |cell: &mut String, quoted: bool, rec: &mut Record| {
        let c = std::mem::take(cell);
        rec.cells.push(if quoted { c } else { c.trim().to_string() });
    };
    while let Some(ch) = chars.next() {
        if in_quotes {
            if ch == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    in_quotes = false;
                    after_quote = true;
                }
            } else if ch == '\r' && chars.peek() == Some(&'\n') {
                // A Windows line break inside a quoted cell is kept as one '\n'.
            } else {
                if ch == '\n' {
                    line += 1;
                }
                cell.push(ch);
            }
            continue;
        }
        match ch {
            '"' if !quoted && cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
                in_quotes = true;
            }
            c if c == delim => {
                finish_cell(&mut cell, quoted, &mut rec);
                (quoted, after_quote) = (false, false);
            }
            '\r' => {}
            '\n' => {
                finish_cell(&mut cell, quoted, &mut rec);
                let blank = !quoted && rec.cells.len() == 1 && rec.cells[0].is_empty();
                (quoted, after_quote) = (false, false);
                let next = Record {
                    line: line + 1,
                    cells: Vec::new(),
                    unclosed: false,
                };
                let done = std::mem::replace(&mut rec, next);
                if !blank {
                    out.push(done);
                }
                line += 1;
            }
            c if after_quote && c.is_whitespace() => {}
            c => cell.push(c),
        }
    }
    if in_quotes || quoted || !cell.trim().is_empty() || !rec.cells.is_empty() {
        rec.unclosed = in_quotes;
        finish_cell(&mut cell, quoted, &mut rec);
        let blank = rec.cells.len() == 1 && rec.cells[0].is_empty() && !quoted;
        if !blank {
            out.push(rec);
        }
    }
    out
}

/// Guesses the delimiter from the first 20 non-blank lines (quotes respected on each line): of
/// comma, semicolon and tab, the one found the same number of times (at least once) on every
/// line, the most often; ties go to tab, then semicolon, then comma. If none is consistent, the
/// most frequent on the first line; a comma when there is none.
pub fn sniff_delimiter(text: &str) -> char {
    let lines: Vec<&str> = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let count = |line: &str, d: char| {
        let mut in_q = false;
        line.chars()
            .filter(|&c| {
                if c == '"' {
                    in_q = !in_q;
                }
                !in_q && c == d
            })
            .count()
    };
    let candidates = ['\t', ';', ','];
    let Some(first) = lines.first() else {
        return ',';
    };
    let mut best: Option<(usize, char)> = None;
    for d in candidates {
        let n = count(first, d);
        if n > 0 && lines.iter().all(|l| count(l, d) == n) && best.is_none_or(|(b, _)| n > b) {
            best = Some((n, d));
        }
    }
    if let Some((_, d)) = best {
        return d;
    }
    let mut best = (0, ',');
    for d in candidates {
        let n = count(first, d);
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

/// A cell read as a number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Num {
    Finite(f64),
    NonFinite,
    Empty,
    NotNumber,
}

/// Reads a cell as a number; with `decimal_comma`, `1,5` is 1.5 (a cell with one comma and no point).
pub(super) fn number(cell: &str, decimal_comma: bool) -> Num {
    let t = cell.trim();
    if t.is_empty() {
        return Num::Empty;
    }
    let parsed = match t.parse::<f64>() {
        Ok(v) => Some(v),
        Err(_) if decimal_comma && t.matches(',').count() == 1 && !t.contains('.') => {
            t.replace(',', ".").parse::<f64>().ok()
        }
        Err(_) => None,
    };
    match parsed {
        Some(v) if v.is_finite() => Num::Finite(v),
        Some(_) => Num::NonFinite,
        None => Num::NotNumber,
    }
}

pub(super) fn is_number(cell: &str, decimal_comma: bool) -> bool {
    matches!(number(cell, decimal_comma), Num::Finite(_))
}

/// The columns' names: the header's cells, or "column N" (also for an empty header cell).
pub(super) fn column_names(recs: &[Record], has_header: bool) -> Vec<String> {
    let width = recs.first().map_or(0, |r| r.cells.len());
    (0..width)
        .map(|i| match recs.first() {
            Some(h) if has_header && !h.cells[i].is_empty() => h.cells[i].clone(),
            _ => format!("column {}", i + 1),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<(usize, Vec<String>)> {
        records(text, ',').into_iter().map(|r| (r.line, r.cells)).collect()
    }

    /// Quotes hold delimiters, doubled quotes and line breaks; blank lines are skipped but
    /// counted, and a record is numbered by its first line.
    #[test]
    fn records_respect_quotes_and_count_lines() {
        let got = cells("a, \"b,c\" ,d\n\n\"x\"\"y\",\"two\nlines\",z\r\nlast,1,2");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b,c".into(), "d".into()]),
                (3, vec!["x\"y".into(), "two\nlines".into(), "z".into()]),
                (5, vec!["last".into(), "1".into(), "2".into()]),
            ]
        );
        let open = records("a,b\n1,\"oops\n", ',');
        assert!(open[1].unclosed);
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;x\n"), ';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), '\t');
        assert_eq!(sniff_delimiter("a,b\n1,2\n"), ',');
        assert_eq!(sniff_delimiter("\"x;y\",b\n1,2\n"), ',');
        assert_eq!(sniff_delimiter("single\n1\n"), ',');
    }

    #[test]
    fn numbers_and_decimal_commas() {
        assert_eq!(number(" 1.5 ", false), Num::Finite(1.5));
        assert_eq!(number("1,5", true), Num::Finite(1.5));
        assert_eq!(number("1,5", false), Num::NotNumber);
        assert_eq!(number("nan", false), Num::NonFinite);
        assert_eq!(number("", false), Num::Empty);
    }
}
