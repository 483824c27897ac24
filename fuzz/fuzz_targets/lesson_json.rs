//! Lesson files in JSON: loading (parsing, every check against the engine) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_notebook::lesson::{load, no_files};
use mlp_notebook::nn::doc::Syntax;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load(text, Syntax::Json, &no_files);
    }
});
