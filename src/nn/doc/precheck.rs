//! Limits checked on the raw text of a network or lesson file before it is parsed, so that a
//! valid but huge file is refused in one quick pass instead of after gigabytes of parsing: no
//! single string (a text cell, a prompt) over [`MAX_STRING_BYTES`], and no more than
//! [`MAX_VALUES`] values in all, counted as the separators and brackets that hold them (a
//! TOML parser keeps a few hundred bytes for every value and array it reads).
//!
//! The scan knows strings (`"..."` with escapes, TOML's `'...'`, `"""..."""` and `'''...'''`)
//! and TOML comments, so brackets and commas inside them are not counted. It reads JSON and
//! TOML alike and never fails on text a parser would refuse: the parser says what is wrong.

use super::{MAX_DATA_NUMBERS, MAX_PARAMS};

/// The longest string a file may hold (a text cell of about 15,000 lines).
pub const MAX_STRING_BYTES: usize = 1 << 20;
/// The most values (numbers, strings, arrays) a file may hold: a network at both limits.
pub const MAX_VALUES: usize = MAX_PARAMS + MAX_DATA_NUMBERS;

/// Checks the text's strings and its count of values against the limits; the message names
/// the limit (and the line of a string that is too long).
pub fn precheck(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let mut values = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                let quote = b[i];
                let triple = b[i..].starts_with(&[quote; 3]);
                let start = i;
                i = string_end(b, i, quote, triple);
                let len = i - start;
                if len > MAX_STRING_BYTES {
                    let line = 1 + b[..start].iter().filter(|&&c| c == b'\n').count();
                    return Err(format!(
                        "line {line}: a string of {len} bytes; the limit is {MAX_STRING_BYTES} bytes per string"
                    ));
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b',' | b'[' | b'{' => {
                values += 1;
                if values > MAX_VALUES {
                    return Err(format!(
                        "the file holds more than {MAX_VALUES} values (numbers, strings and arrays); the limit is \
                         {MAX_VALUES}, checked before reading it"
                    ));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// The index just past the string that opens at `i` (or the end of the text if it is not closed).
fn string_end(b: &[u8], i: usize, quote: u8, triple: bool) -> usize {
    let escapes = quote == b'"';
    let mut j = i + if triple { 3 } else { 1 };
    while j < b.len() {
        let c = b[j];
        if escapes && c == b'\\' {
            j += 2;
            continue;
        }
        if c == quote {
            if !triple {
                return j + 1;
            }
            if b[j..].starts_with(&[quote; 3]) {
                // A closing triple quote may be followed by up to two more quotes of the string.
                let mut k = j + 3;
                while k < b.len() && b[k] == quote && k < j + 5 {
                    k += 1;
                }
                return k;
            }
        }
        if c == b'\n' && !triple {
            return j;
        }
        j += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_pass() {
        assert_eq!(
            precheck("a = [1, 2, [3]]\ns = \"x, [y]\" # c, [d]\nt = '''[,]'''"),
            Ok(())
        );
    }

    #[test]
    fn a_long_string_is_refused_with_its_line() {
        let text = format!("a = 1\nb = 2\ntext = \"\"\"\n{}\"\"\"\n", "w".repeat(MAX_STRING_BYTES));
        let e = precheck(&text).unwrap_err();
        // The string opens on line 3; its length counts the quotes: 3 + 1 + 2^20 + 3.
        assert_eq!(
            e,
            format!(
                "line 3: a string of {} bytes; the limit is {MAX_STRING_BYTES} bytes per string",
                MAX_STRING_BYTES + 7
            )
        );
    }

    #[test]
    fn commas_and_brackets_in_strings_and_comments_do_not_count() {
        // A comment over the limit, then strings under the string limit that hold more than the
        // values' limit between them: 30 x 200,000 x 3 = 18 million.
        let mut text = format!("# {}\n", ",[{".repeat(MAX_VALUES));
        let part = ",[{".repeat(200_000);
        for i in 0..30 {
            text.push_str(&format!("s{i} = '{part}'\nt{i} = \"{part}\"\n"));
        }
        assert_eq!(precheck(&text), Ok(()));
    }

    #[test]
    fn too_many_values_are_refused() {
        // x = [[1],[1],...]: two values per sample (the comma and the bracket), one more "[".
        let samples = MAX_VALUES / 2 + 1;
        let text = format!("x = [{}]", vec!["[1]"; samples].join(","));
        let e = precheck(&text).unwrap_err();
        assert!(e.contains(&format!("more than {MAX_VALUES} values")), "{e}");
    }
}
