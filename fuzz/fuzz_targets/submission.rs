//! Submissions (JSON): parsing never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_notebook::lesson::Submission;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Submission::parse(text);
    }
});
