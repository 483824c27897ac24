//! Markdown as the page shows it: images only from the lesson's own folder (read by the
//! window's loader under the `lesson-image://` scheme); every other image is its alt text
//! ([`crate::lesson::images`] decides which).

use crate::lesson::images::{SCHEME, local_images_only};
use egui::Ui;
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

/// Shows `text` as Markdown.
pub fn markdown_ui(ui: &mut Ui, md: &mut CommonMarkCache, text: &str) {
    CommonMarkViewer::new()
        .default_implicit_uri_scheme(SCHEME)
        .show(ui, md, &local_images_only(text));
}
