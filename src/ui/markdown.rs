//! Markdown as the page shows it: images only from the lesson's own folder (read by the
//! window's loader under the `lesson-image://` scheme); every other image is its alt text
//! ([`crate::lesson::images`] decides which). Code blocks at the top level of the text are drawn
//! here, monospace in a frame and selectable: the Markdown viewer's own code block puts a copy
//! button with a glyph the app's fonts do not have (an empty box on screen).

use crate::lesson::images::{SCHEME, local_images_only};
use egui::{RichText, Ui};
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Shows `text` as Markdown.
pub fn markdown_ui(ui: &mut Ui, md: &mut CommonMarkCache, text: &str) {
    let text = local_images_only(text);
    for part in split_code_blocks(&text) {
        match part {
            Part::Markdown(m) => {
                if !m.trim().is_empty() {
                    CommonMarkViewer::new()
                        .default_implicit_uri_scheme(SCHEME)
                        .show(ui, md, m);
                }
            }
            Part::Code(code) => {
                egui::Frame::group(ui.style())
                    .fill(ui.visuals().extreme_bg_color)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.add(egui::Label::new(RichText::new(code.trim_end_matches('\n')).monospace()).wrap());
                    });
            }
        }
    }
}

/// A piece of a Markdown text: Markdown to hand to the viewer, or a top-level code block's text.
#[derive(Debug, PartialEq)]
enum Part<'a> {
    Markdown(&'a str),
    Code(String),
}

/// `text` cut at its top-level code blocks (fenced or indented; one inside a list or a quote
/// stays with its Markdown).
fn split_code_blocks(text: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0usize, 0usize);
    let mut code: Option<String> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) if depth == 0 => {
                parts.push(Part::Markdown(&text[from..range.start]));
                code = Some(String::new());
                depth += 1;
            }
            Event::End(TagEnd::CodeBlock) if depth == 1 && code.is_some() => {
                parts.push(Part::Code(code.take().unwrap_or_default()));
                from = range.end;
                depth -= 1;
            }
            Event::Text(t) => {
                if let Some(c) = code.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    parts.push(Part::Markdown(&text[from..]));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_code_blocks_are_cut_out_and_nested_ones_stay() {
        let text = "Intro.\n\n```python\nmodel = Sequential()\nmodel.fit(x)\n```\n\nAfter.\n\n- item\n\n      indented in a list\n";
        let parts = split_code_blocks(text);
        assert_eq!(parts[0], Part::Markdown("Intro.\n\n"));
        assert_eq!(parts[1], Part::Code("model = Sequential()\nmodel.fit(x)\n".into()));
        let Part::Markdown(rest) = &parts[2] else {
            panic!("{parts:?}")
        };
        assert!(rest.contains("After.") && rest.contains("indented in a list"), "{rest}");
        assert_eq!(parts.len(), 3);
    }

    #[test]
    fn text_without_code_is_one_part() {
        assert_eq!(split_code_blocks("Just *text*."), vec![Part::Markdown("Just *text*.")]);
    }
}
