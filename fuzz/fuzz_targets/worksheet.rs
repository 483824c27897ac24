//! Worksheets: any lesson that loads (TOML) renders to HTML with no script in it (raw HTML in
//! the lesson's Markdown is escaped), as a worksheet and as an answer key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_notebook::lesson::worksheet::{Convention, WorksheetOptions, lesson_worksheet_html_with};
use mlp_notebook::lesson::{load, no_files};
use mlp_notebook::nn::doc::Syntax;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(lesson) = load(text, Syntax::Toml, &no_files) else {
        return;
    };
    for (answers, convention) in [(false, Convention::Torch), (true, Convention::Keras)] {
        let options = WorksheetOptions {
            answers,
            sample: 0,
            title: lesson.title.clone(),
            student: Some("<script>x</script>".into()),
            convention,
        };
        let html = lesson_worksheet_html_with(&lesson, &options).to_ascii_lowercase();
        assert!(!html.contains("<script"), "a script in the worksheet");
    }
});
