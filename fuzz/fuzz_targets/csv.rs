//! CSV data: the preview's guesses, then the import with them (and with every row's problems
//! skipped), never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_notebook::nn::csv::{BadRows, CsvOptions, import, inspect};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let p = inspect(text);
        for bad_rows in [BadRows::Report, BadRows::Skip] {
            let opts = CsvOptions {
                has_header: p.has_header,
                target_column: p.target_column,
                task: p.task,
                bad_rows,
            };
            let _ = import(text, &opts);
        }
    }
});
