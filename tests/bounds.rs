//! Valid but huge files are refused with a message that names the limit, never an abort or a
//! freeze. Every input is generated here (no large file is kept in the repository), each just
//! over its limit.

use mlp_notebook::lesson::{self, no_files};
use mlp_notebook::nn::csv::{BadRows, CsvError, CsvOptions, import};
use mlp_notebook::nn::data::Task;
use mlp_notebook::nn::doc::{self, MAX_ACTIVATIONS, MAX_DATA_NUMBERS, MAX_STRING_BYTES, Syntax};

fn lesson_problems(text: &str) -> String {
    match lesson::load(text, Syntax::Toml, &no_files) {
        Ok(_) => panic!("the lesson loaded"),
        Err(e) => e
            .problems
            .iter()
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn a_csv_of_many_columns_and_many_short_rows_is_refused_before_allocating() {
    // 100,000 header columns over 100,000 rows of one cell (889 KB): rows x columns is 10^10,
    // 80 GB of numbers, refused from the shape.
    let mut text = (0..100_000).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",");
    text.push('\n');
    text.push_str(&"1\n".repeat(100_000));
    let opts = CsvOptions {
        has_header: true,
        target_column: 0,
        task: Task::Regression,
        bad_rows: BadRows::Report,
    };
    let e = import(&text, &opts).unwrap_err();
    assert_eq!(
        e,
        CsvError::TooLarge {
            rows: 100_000,
            columns: 100_000,
            limit: MAX_DATA_NUMBERS
        }
    );
    assert!(
        e.to_string().contains("10000000000 numbers; the limit is 10000000"),
        "{e}"
    );
}

/// A network file: 1 input, a hidden layer of `units` ReLU units, one output, `samples` samples.
fn wide_network(units: usize, samples: usize) -> String {
    let ones = |n: usize| vec!["1"; n].join(",");
    format!(
        "{{\"format_version\": 1, \"inputs\": 1, \"loss\": \"mse\", \"x\": [{x}], \"y\": [{x}],
          \"layers\": [
            {{\"units\": {units}, \"activation\": \"relu\", \"weights\": [{w1}], \"bias\": [{b1}]}},
            {{\"units\": 1, \"activation\": \"identity\", \"weights\": [[{w2}]], \"bias\": [0]}}]}}",
        x = vec!["[1]"; samples].join(","),
        w1 = vec!["[1]"; units].join(","),
        b1 = ones(units),
        w2 = ones(units),
    )
}

#[test]
fn a_network_whose_passes_need_too_much_memory_is_refused() {
    // 101 samples through 1 + 100,000 + 1 units: 10,100,202 activations, just over 10^7.
    let e = doc::parse(&wide_network(100_000, 101), Syntax::Json).unwrap_err();
    assert_eq!(
        e.problems,
        vec![format!(
            "101 samples through 100002 units (the inputs and every layer's) make 10100202 activations per pass; \
             the limit is {MAX_ACTIVATIONS} (1.0 times over): give fewer samples or smaller layers"
        )]
    );
    // 99 samples fit: 9,900,198 activations.
    assert!(doc::parse(&wide_network(100_000, 99), Syntax::Json).is_ok());
}

#[test]
fn a_huge_text_cell_is_refused_before_parsing() {
    let text = format!(
        "format_version = 2\ntitle = \"t\"\n\n[[cells]]\nkind = \"text\"\ntext = \"\"\"\n{}\"\"\"\n",
        "word word word\n".repeat(MAX_STRING_BYTES / 15 + 1)
    );
    let e = lesson_problems(&text);
    assert!(
        e.starts_with("line 6: a string of ")
            && e.ends_with(&format!("the limit is {MAX_STRING_BYTES} bytes per string")),
        "{e}"
    );
}

#[test]
fn an_x_of_too_many_values_is_refused_before_parsing() {
    // x = [[1],[1],...] just under the 32 MiB file limit: 16.8 million values to parse.
    let samples = (doc::MAX_FILE_BYTES - 200) / 4;
    let text = format!(
        "format_version = 1\ninputs = 1\nloss = \"mse\"\nx = [{}]\n\n[[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[1]]\nbias = [0]\n",
        vec!["[1]"; samples].join(",")
    );
    assert!(text.len() <= doc::MAX_FILE_BYTES);
    let e = doc::parse(&text, Syntax::Toml).unwrap_err();
    assert_eq!(
        e.problems,
        vec![format!(
            "the file holds more than {max} values (numbers, strings and arrays); the limit is {max}, checked before reading it",
            max = doc::MAX_VALUES
        )]
    );
}

#[test]
fn a_solve_for_too_costly_to_search_is_a_lint_problem() {
    // 500 samples through 1-1000-1 (3001 parameters): 1408 passes x (500 x 3002 + 3001 + 1000)
    // = 2,119,041,408 numbers, over 2 x 10^9.
    let ones = |n: usize| vec!["1"; n].join(", ");
    let text = format!(
        "format_version = 2\ntitle = \"t\"\n\n[[cells]]\nkind = \"network\"\nid = \"n\"\n\n[cells.network]\ninputs = 1\nloss = \"mse\"\n\
         x = [{x}]\ny = [{x}]\n\n[[cells.network.layers]]\nunits = 1000\nactivation = \"relu\"\nweights = [{w1}]\nbias = [{b1}]\n\n\
         [[cells.network.layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[{w2}]]\nbias = [0]\n\n\
         [[cells]]\nkind = \"exercise\"\nid = \"e\"\nnetwork = \"n\"\nprompt = \"p\"\nask = \"layers[2].z[1]\"\nsolve_for = \"layers[2].bias[1]\"\nequals = 7\n",
        x = vec!["[1]"; 500].join(", "),
        w1 = vec!["[1]"; 1000].join(", "),
        b1 = ones(1000),
        w2 = ones(1000),
    );
    let e = lesson_problems(&text);
    assert!(
        e.contains(
            "solve_for would run the network up to 1408 times on 500 samples and 3001 parameters, 2119041408 numbers in all; \
             the limit is 2000000000"
        ),
        "{e}"
    );
}

fn training_lesson(data: &str, hidden: &str) -> String {
    format!(
        "format_version = 2\ntitle = \"t\"\n\n[[cells]]\nkind = \"training\"\nobserve = \"o\"\ndata = {data}\nhidden = {hidden}\nepochs = 1\nbatch_size = 32\n"
    )
}

#[test]
fn a_training_cell_at_the_limits_is_refused_with_the_limit_named() {
    // 16 hidden layers of 1024 units on moons (2 inputs, 1 output):
    // 1024*3 + 15*1024*1025 + 1025 = 15,748,097 parameters.
    let widest = format!("[{}]", vec!["1024"; 16].join(", "));
    let e = lesson_problems(&training_lesson(
        "{ generator = \"moons\", points = 5000, noise = 0.1, seed = 0 }",
        &widest,
    ));
    assert!(
        e.contains("the network would have 15748097 parameters (2-1024-") && e.ends_with("allows at most 200000"),
        "{e}"
    );
    // 100,000 points through 2-300-300-1 (900 + 90,300 + 301 = 91,501 parameters): an epoch
    // is 9,150,100,000 multiply-adds, 45.8 times the limit.
    let e = lesson_problems(&training_lesson(
        "{ generator = \"moons\", points = 100000, noise = 0.1, seed = 0 }",
        "[300, 300]",
    ));
    assert!(
        e.contains(
            "an epoch of 100000 rows through 91501 parameters is 9150100000 multiply-adds; the limit is 200000000 (45.8 times over)"
        ),
        "{e}"
    );
}
