//! Lessons in a page address, so an instructor can put one link in a course page:
//! `?lesson=03` opens shipped lesson 3, `?url=lessons/mine.toml` a lesson file hosted next to
//! the app (a relative address, so the same site), and `#lesson=...` carries a small lesson
//! inline: its TOML text, deflated and written in base64url (RFC 4648, no padding), made by
//! "Copy link to this lesson" ([`inline_fragment`]).
//!
//! Everything in an address is untrusted: a bad or oversized one is an error with a message for
//! the student, never a panic, and the window then keeps the default lesson.

use super::state::AppState;
use crate::lesson::shipped::SHIPPED;
use crate::nn::doc::Syntax;

/// The longest inline lesson an address may carry, in base64url characters (browsers take far
/// longer addresses; course pages and chat messages do not).
pub const MAX_INLINE_CHARS: usize = 64 * 1024;
/// The largest lesson text an inline link may unpack to (bytes): a small deflated text cannot
/// expand into more than this.
pub const MAX_INLINE_TEXT: usize = 1024 * 1024;

/// What a page address asks to open.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    /// Shipped lesson `i` (0-based; `?lesson=03` is 2).
    Shipped(usize),
    /// A lesson file at this relative address on the same site.
    Url(String),
    /// A lesson's text carried in the address.
    Inline(String),
}

/// What the address's query (after `?`, without it) and fragment (after `#`, without it) ask
/// to open: `Ok(None)` when neither names a lesson. The fragment wins over the query.
pub fn start_from(query: &str, fragment: &str) -> Result<Option<Start>, String> {
    if let Some(v) = fragment.strip_prefix("lesson=") {
        return decode_inline(v).map(|t| Some(Start::Inline(t)));
    }
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value)?;
        match key {
            "lesson" => return shipped_index(&value).map(|i| Some(Start::Shipped(i))),
            "url" => return same_site(&value).map(|u| Some(Start::Url(u))),
            _ => {}
        }
    }
    Ok(None)
}

/// `03` or `3` to the index of a shipped lesson.
fn shipped_index(value: &str) -> Result<usize, String> {
    let n = SHIPPED.len();
    match value.trim().parse::<usize>() {
        Ok(k) if (1..=n).contains(&k) => Ok(k - 1),
        _ => Err(format!(
            "The link asks for lesson '{}', but the lessons are numbered 01 to {n:02}.",
            shown(value)
        )),
    }
}

/// A relative address of a `.toml` or `.json` file: it can only name a file on the app's own
/// site (no scheme, no `//host`, no backslashes that some browsers read as slashes).
fn same_site(value: &str) -> Result<String, String> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    let absolute = v.starts_with("//") || v.contains('\\') || v.split('/').next().is_some_and(|s| s.contains(':'));
    if v.is_empty() || absolute || v.chars().any(char::is_control) {
        return Err(format!(
            "The link names the lesson file '{}'; only a file next to the app can be opened from a link, by a relative address such as lessons/mine.toml.",
            shown(value)
        ));
    }
    if !(path.ends_with(".toml") || path.ends_with(".json")) {
        return Err(format!(
            "The link names '{}', which is not a lesson file (.toml or .json).",
            shown(value)
        ));
    }
    Ok(v.to_string())
}

/// The fragment (without `#`) that carries `lesson_text` inline, or why it cannot.
pub fn inline_fragment(lesson_text: &str) -> Result<String, String> {
    let packed = miniz_oxide::deflate::compress_to_vec(lesson_text.as_bytes(), 9);
    let encoded = base64url_encode(&packed);
    if encoded.len() > MAX_INLINE_CHARS {
        return Err(format!(
            "This lesson is too large for a link ({} characters; the limit is {MAX_INLINE_CHARS}). Host its file next to the app and link it with ?url=.",
            encoded.len()
        ));
    }
    Ok(format!("lesson={encoded}"))
}

/// The lesson text an inline link carries.
pub fn decode_inline(encoded: &str) -> Result<String, String> {
    let bad = |why: &str| format!("The lesson in this link cannot be read: {why}. Ask for the link again.");
    if encoded.len() > MAX_INLINE_CHARS {
        return Err(format!(
            "The lesson in this link is too large ({} characters; the limit is {MAX_INLINE_CHARS}).",
            encoded.len()
        ));
    }
    let packed =
        base64url_decode(encoded).ok_or_else(|| bad("it is cut short or has characters a link never carries"))?;
    let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INLINE_TEXT).map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            format!("The lesson in this link unpacks to more than {MAX_INLINE_TEXT} bytes.")
        } else {
            bad("it is damaged")
        }
    })?;
    String::from_utf8(text).map_err(|_| bad("it is not text"))
}

impl AppState {
    /// Opens a lesson carried in a link (the default lesson stays when it cannot be read).
    pub fn open_inline(&mut self, text: &str) {
        match crate::lesson::parse_any(text, Syntax::guess("lesson.toml", text)) {
            Ok((lesson, kind)) => {
                self.load_lesson(lesson, None, kind);
                self.info(format!("Opened '{}' from the link.", self.doc.title));
            }
            Err(e) => self.error(format!("The lesson in this link cannot be opened:\n{e}")),
        }
    }

    /// Whether a link to the lesson can be made (in the browser).
    pub fn can_link(&self) -> bool {
        self.session.dialogs.page_address().is_some()
    }

    /// Puts a link that carries the lesson shown on the clipboard (the window copies it).
    pub(super) fn copy_lesson_link(&mut self) {
        let Some(page) = self.session.dialogs.page_address() else {
            return self.error("A link to a lesson can be made only in the browser version of the app.");
        };
        let link = self
            .lesson()
            .write(Syntax::Toml)
            .map_err(|e| format!("This lesson cannot be written as text: {e}"))
            .and_then(|text| inline_fragment(&text));
        match link {
            Ok(fragment) => {
                let link = format!("{page}#{fragment}");
                self.info(format!(
                    "Copied a link to this lesson ({} characters): whoever opens it gets this page as it is now.",
                    link.len()
                ));
                self.session.clipboard = Some(link);
            }
            Err(e) => self.error(e),
        }
    }
}

/// A value as shown in a message: at most 60 characters, control characters dropped.
fn shown(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).collect();
    match clean.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &clean[..i]),
        None => clean,
    }
}

/// `%XX` escapes and `+` (a space in a query) decoded; bad escapes or non-UTF-8 are an error.
fn percent_decode(value: &str) -> Result<String, String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                let b = hex
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| "The link's address has a broken %-escape.".to_string())?;
                out.push(b);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "The link's address is not text.".to_string())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 section 5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &b)| n | (u32::from(b) << (16 - 8 * k)));
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * k)) as usize & 63]));
        }
    }
    out
}

/// The bytes of base64url text (padding `=` allowed at the end); `None` if it is not base64url.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            n |= v << (18 - 6 * k);
        }
        for k in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * k)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_rfc_4648_test_vectors() {
        // RFC 4648 section 10, without padding; the last two show the URL-safe letters
        // (0xfb 0xff is "+/8" in standard base64, "-_8" in base64url).
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64url_encode(plain.as_bytes()), coded);
            assert_eq!(base64url_decode(coded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zm8="), Some(b"fo".to_vec()));
        assert_eq!(base64url_decode("Zm9v+"), None, "'+' is standard base64, not base64url");
        assert_eq!(base64url_decode("Z"), None, "one character cannot hold a byte");
    }

    #[test]
    fn addresses_name_shipped_lessons_same_site_files_and_inline_lessons() {
        assert_eq!(start_from("lesson=03", ""), Ok(Some(Start::Shipped(2))));
        assert_eq!(start_from("x=1&lesson=5", ""), Ok(Some(Start::Shipped(4))));
        assert_eq!(start_from("", ""), Ok(None));
        assert_eq!(start_from("lang=en", "top"), Ok(None));
        assert_eq!(
            start_from("url=lessons%2Fmine.toml", ""),
            Ok(Some(Start::Url("lessons/mine.toml".into())))
        );
        let frag = inline_fragment("title = \"Tiny\"\n").unwrap();
        assert_eq!(
            start_from("lesson=03", &frag),
            Ok(Some(Start::Inline("title = \"Tiny\"\n".into())))
        );
    }

    #[test]
    fn bad_addresses_are_messages_that_say_what_was_wrong() {
        let past = format!("lesson={}", SHIPPED.len() + 1);
        for q in [
            past.as_str(),
            "lesson=0",
            "lesson=x",
            "lesson=",
            "lesson=99999999999999999999999",
        ] {
            let e = start_from(q, "").unwrap_err();
            assert!(e.contains(&format!("numbered 01 to {:02}", SHIPPED.len())), "{q}: {e}");
        }
        for u in [
            "https://evil.example/a.toml",
            "//evil.example/a.toml",
            "javascript:alert(1)//.toml",
            "..\\a.toml",
            "",
        ] {
            let e = start_from(&format!("url={u}"), "").unwrap_err();
            assert!(e.contains("only a file next to the app"), "{u}: {e}");
        }
        assert!(
            start_from("url=notes.txt", "")
                .unwrap_err()
                .contains("not a lesson file")
        );
        assert!(start_from("url=%zz.toml", "").unwrap_err().contains("%-escape"));
        assert!(start_from("url=%ff.toml", "").unwrap_err().contains("not text"));
        for f in ["lesson=", "lesson=!!!!", "lesson=Zm9vYmFy", "lesson=A"] {
            let e = start_from("", f).unwrap_err();
            assert!(e.contains("cannot be read"), "{f}: {e}");
        }
        let long = format!("lesson={}", "A".repeat(MAX_INLINE_CHARS + 1));
        assert!(start_from("", &long).unwrap_err().contains("too large"));
    }

    #[test]
    fn an_inline_link_that_unpacks_past_the_limit_is_refused_before_it_fills_memory() {
        // 2 MB of one letter deflates to a few kilobytes, well under the address limit.
        let bomb = base64url_encode(&miniz_oxide::deflate::compress_to_vec(
            &vec![b'a'; 2 * MAX_INLINE_TEXT],
            9,
        ));
        assert!(bomb.len() < MAX_INLINE_CHARS, "{}", bomb.len());
        let e = decode_inline(&bomb).unwrap_err();
        assert!(e.contains("more than"), "{e}");
        // Not UTF-8 inside a well-formed link.
        let latin1 = base64url_encode(&miniz_oxide::deflate::compress_to_vec(&[0xe9, 0x74, 0xe9], 9));
        assert!(decode_inline(&latin1).unwrap_err().contains("not text"));
    }

    proptest::proptest! {
        /// Whatever a link holds, reading it gives a lesson to open or a message: no panic.
        #[test]
        fn any_address_is_a_start_or_a_message(
            query in ".{0,80}",
            fragment in ".{0,80}",
            packed in "lesson=[A-Za-z0-9_=-]{0,300}",
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let _ = start_from(&query, &fragment);
            let _ = start_from("", &packed);
            let _ = start_from("", &format!("lesson={}", base64url_encode(&bytes)));
            proptest::prop_assert_eq!(base64url_decode(&base64url_encode(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn every_shipped_lesson_fits_in_an_inline_link_and_comes_back_unchanged() {
        for (title, text) in SHIPPED {
            let frag = inline_fragment(text).unwrap_or_else(|e| panic!("{title}: {e}"));
            let back = decode_inline(frag.strip_prefix("lesson=").unwrap()).unwrap();
            assert_eq!(back, text, "{title}");
        }
    }
}
