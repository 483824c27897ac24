//! Network files in TOML: parsing and validation never panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_notebook::nn::doc::{Syntax, parse};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse(text, Syntax::Toml);
    }
});
