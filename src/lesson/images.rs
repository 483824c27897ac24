//! Which images a lesson's Markdown may show: only files in the lesson's own folder, named by a
//! relative path that does not climb out of it (`img/net.png`, `./a.png`). Every other image
//! (`file:///dev/zero`, `/etc/x.png`, `../secret.png`, `http://...`, `data:...`) is shown as
//! its alt text. [`local_images_only`] rewrites the Markdown so; the window then reads the
//! images that are left with a size limit, after resolving links against the folder (the read
//! is the files layer's, the decision here needs no file system).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;

/// The address scheme the window's image loader answers to: the viewer prefixes it to every
/// image address that names no scheme of its own.
pub const SCHEME: &str = "lesson-image://";

/// Whether a Markdown image address names a file in the lesson's folder: relative, no scheme,
/// no drive, and no `..` that leaves the folder.
pub fn is_local(dest: &str) -> bool {
    let dest = dest.trim();
    if dest.is_empty() || dest.contains("://") || dest.contains('\\') || dest.starts_with('/') {
        return false;
    }
    // `data:`, `javascript:`, `C:` ...: a scheme or a drive before the first slash.
    if dest.split('/').next().is_some_and(|first| first.contains(':')) {
        return false;
    }
    let mut depth = 0usize;
    for part in dest.split('/') {
        match part {
            "" | "." => {}
            ".." => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => depth += 1,
        }
    }
    depth > 0
}

/// `markdown` with every image that [`is_local`] refuses replaced by its alt text (escaped, so
/// it reads as written). Text without images is returned as it is, without parsing.
pub fn local_images_only(markdown: &str) -> Cow<'_, str> {
    if !markdown.contains("![") {
        return Cow::Borrowed(markdown);
    }
    // (byte range of the image in the source, its alt text) for each refused image.
    let mut refused: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut open: Option<(std::ops::Range<usize>, String, bool)> = None;
    for (event, range) in Parser::new_ext(markdown, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) if open.is_none() => {
                open = Some((range, String::new(), is_local(&dest_url)));
            }
            Event::End(TagEnd::Image) => {
                if let Some((range, alt, local)) = open.take()
                    && !local
                {
                    refused.push((range, alt));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt, _)) = &mut open {
                    alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    if refused.is_empty() {
        return Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (range, alt) in refused {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        out.push_str(&escape(&alt));
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    Cow::Owned(out)
}

/// Text with every Markdown punctuation character escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_paths_inside_the_folder_are_local() {
        for ok in ["a.png", "img/net.png", "./img/a.png", "img/../b.png", "a%20b.png"] {
            assert!(is_local(ok), "{ok}");
        }
        for bad in [
            "file:///dev/zero",
            "/etc/passwd",
            "../secret.png",
            "img/../../x.png",
            "http://example.org/a.png",
            "https://example.org/a.png",
            "data:image/png;base64,AAAA",
            "C:/Windows/a.png",
            "..\\x.png",
            "",
            ".",
            "img/..",
        ] {
            assert!(!is_local(bad), "{bad}");
        }
    }

    #[test]
    fn refused_images_become_their_alt_text() {
        let md = "See ![a *net*](file:///dev/zero) and ![ok](img/a.png) and ![web](http://x.org/p.png).";
        assert_eq!(local_images_only(md), "See a net and ![ok](img/a.png) and web.");
        // Punctuation in the alt text is escaped so it is shown as written.
        assert_eq!(local_images_only("![a_b*](/x.png)"), "a\\_b\\*");
    }

    #[test]
    fn text_with_only_local_images_is_not_copied() {
        assert!(matches!(local_images_only("plain *text*"), Cow::Borrowed(_)));
        assert!(matches!(local_images_only("![x](a.png)"), Cow::Borrowed(_)));
    }
}
