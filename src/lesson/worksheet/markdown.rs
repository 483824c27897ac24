//! The Markdown of prompts, quiz options and worked solutions on a worksheet, rendered by
//! pulldown-cmark with the extensions the window's viewer uses (tables, task lists,
//! strikethrough, footnotes, definition lists), so paper and screen agree: `*italic*`, `1.`
//! lists, links and fenced code print as such.
//!
//! Two changes to CommonMark's HTML keep a worksheet safe and its outline intact: raw HTML in
//! the text is escaped and printed as text, and a link or image whose address is not http,
//! https, mailto or relative keeps its text but loses the address (no `javascript:`). A heading
//! inside a prompt is a bold paragraph: the sheet's own headings stay the only ones.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_DEFINITION_LIST
}

/// Whether a link's address may be printed: http, https, mailto, or no scheme (relative, `#`).
fn safe_url(url: &str) -> bool {
    let url = url.trim();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if url[i..].starts_with(':') => {
            matches!(url[..i].to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// The events of `text` with raw HTML as text, unsafe links and images without their
/// address, and headings as bold paragraphs.
fn events(text: &str) -> impl Iterator<Item = Event<'_>> {
    // Whether each open link or image is kept, so its end is kept or dropped with it.
    let mut kept: Vec<bool> = Vec::new();
    Parser::new_ext(text, options()).flat_map(move |e| -> Vec<Event<'_>> {
        match e {
            Event::Html(h) | Event::InlineHtml(h) => vec![Event::Text(h)],
            Event::Start(Tag::Heading { .. }) => vec![Event::Start(Tag::Paragraph), Event::Start(Tag::Strong)],
            Event::End(TagEnd::Heading(_)) => vec![Event::End(TagEnd::Strong), Event::End(TagEnd::Paragraph)],
            Event::Start(Tag::Link { ref dest_url, .. }) | Event::Start(Tag::Image { ref dest_url, .. }) => {
                let safe = safe_url(dest_url);
                kept.push(safe);
                if safe { vec![e] } else { Vec::new() }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if kept.pop().unwrap_or(true) {
                    vec![e]
                } else {
                    Vec::new()
                }
            }
            other => vec![other],
        }
    })
}

/// `text` as HTML blocks (paragraphs, lists, quotes, code), appended to `out`.
pub fn markdown(text: &str, out: &mut String) {
    pulldown_cmark::html::push_html(out, events(text));
}

/// `text` as inline HTML, for a quiz option or a line that sits inside another element:
/// paragraphs are not wrapped in `<p>` (two paragraphs are joined by a line break).
pub fn inline(text: &str) -> String {
    let mut first = true;
    let events = events(text).filter_map(|e| match e {
        Event::Start(Tag::Paragraph) if first => {
            first = false;
            None
        }
        Event::Start(Tag::Paragraph) => Some(Event::HardBreak),
        Event::End(TagEnd::Paragraph) => None,
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        let mut out = String::new();
        markdown(text, &mut out);
        out
    }

    #[test]
    fn inline_code_bold_and_escapes() {
        assert_eq!(
            inline("use `z < 0` **now**"),
            "use <code>z &lt; 0</code> <strong>now</strong>"
        );
        assert_eq!(inline("a ` b ** c"), "a ` b ** c");
        assert_eq!(inline("one\n\ntwo"), "one<br />\ntwo");
    }

    #[test]
    fn italic_lists_links_and_code_are_html() {
        assert_eq!(md("a *dense* layer"), "<p>a <em>dense</em> layer</p>\n");
        assert_eq!(md("1. one\n2. two"), "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n");
        assert_eq!(
            md("see [PyTorch](https://pytorch.org)"),
            "<p>see <a href=\"https://pytorch.org\">PyTorch</a></p>\n"
        );
        assert_eq!(
            md("```python\nz = w @ x\n```"),
            "<pre><code class=\"language-python\">z = w @ x\n</code></pre>\n"
        );
        assert_eq!(md("# Title"), "<p><strong>Title</strong></p>\n");
    }

    #[test]
    fn raw_html_and_script_links_stay_text() {
        let html = md("<script>alert(1)</script>\n\nhi <b>there</b> [x](javascript:alert(1))");
        assert!(
            !html.contains("<script") && !html.contains("<b>") && !html.contains("href"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("hi &lt;b&gt;there&lt;/b&gt; x"), "{html}");
        assert!(safe_url("#notes") && safe_url("page.html") && safe_url("MAILTO:a@b.c"));
        assert!(!safe_url(" JavaScript:alert(1)") && !safe_url("data:text/html,x"));
    }
}
