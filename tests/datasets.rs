//! Data: the seeded generators, the shipped data sets, the lesson's `data = ...` spec, CSV import
//! (fixtures in tests/fixtures/csv), splits, scaling and the metrics.

use mlp_notebook::nn::csv::{BadRows, CsvError, CsvOptions, MAX_LISTED, import, inspect};
use mlp_notebook::nn::data::{DataError, Dataset, Scaler, Scaling, Task, split3};
use mlp_notebook::nn::datasets::{BuiltinSet, DataSpec, Generator, MAX_POINTS, SpecError, generate};
use mlp_notebook::nn::metrics::{confusion_matrix, dead_relu_fractions, gradient_norms, histogram, r2, rmse};
use mlp_notebook::nn::{Activation, Gradients, Layer, LayerGrads, Matrix, Network, Vector};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/csv/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn gen_(g: Generator, n: usize, noise: f64, seed: u64) -> Dataset {
    let classes = g.takes_classes().then_some(3);
    generate(g, n, noise, seed, classes).unwrap()
}

/// The classes of every sample, in order.
fn labels(d: &Dataset) -> Vec<usize> {
    (0..d.len()).map(|j| d.class_of(j).unwrap()).collect()
}

// ---------------------------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------------------------

/// Two-class generators: 2 features, ONE 0/1 target row, names "0" and "1"; blobs with 3 classes
/// three one-hot rows; blobs with 2 one row; the 1-D functions one feature, one value row, no
/// class names.
#[test]
fn every_generator_has_the_documented_shapes() {
    for g in Generator::ALL {
        let d = gen_(g, 101, 0.1, 0);
        assert_eq!(d.len(), 101, "{g:?}");
        assert_eq!(d.y.ncols(), 101, "{g:?}");
        match (g.task(), g) {
            (Task::Regression, _) => {
                assert_eq!((d.x.nrows(), d.y.nrows()), (1, 1), "{g:?}");
                assert!(d.class_names.is_empty(), "{g:?}");
            }
            (Task::Classification, Generator::Blobs) => {
                assert_eq!((d.x.nrows(), d.y.nrows()), (2, 3));
                assert_eq!(d.class_names, ["0", "1", "2"]);
                assert!(
                    d.y.column_iter()
                        .all(|c| c.sum() == 1.0 && c.iter().all(|v| *v == 0.0 || *v == 1.0))
                );
            }
            (Task::Classification, _) => {
                assert_eq!((d.x.nrows(), d.y.nrows()), (2, 1), "{g:?}");
                assert_eq!(d.class_names, ["0", "1"], "{g:?}");
                assert!(d.y.iter().all(|v| *v == 0.0 || *v == 1.0), "{g:?}");
            }
        }
        assert!(d.x.iter().chain(d.y.iter()).all(|v| v.is_finite()), "{g:?}");
        assert_eq!(Generator::from_name(g.name()), Some(g));
        assert!(!g.label().is_empty());
    }
    let two = generate(Generator::Blobs, 10, 0.1, 0, Some(2)).unwrap();
    assert_eq!(two.y.nrows(), 1);
    assert_eq!(labels(&two), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
}

/// The same seed gives the same points; another seed other points.
#[test]
fn generators_are_deterministic_for_a_seed() {
    for g in Generator::ALL {
        let a = gen_(g, 50, 0.2, 7);
        assert_eq!(a, gen_(g, 50, 0.2, 7), "{g:?}");
        assert_ne!(a.x, gen_(g, 50, 0.2, 8).x, "{g:?}");
    }
}

/// Sample j is class j mod k: of 101 two-class samples the 50 odd ones are class 1; of 100 blobs
/// in 3 classes, classes 0, 1, 2 get 34, 33, 33.
#[test]
fn classes_are_balanced() {
    for g in Generator::ALL
        .into_iter()
        .filter(|g| g.task() == Task::Classification && !g.takes_classes())
    {
        let d = gen_(g, 101, 0.3, 1);
        let ones = labels(&d).iter().filter(|c| **c == 1).count();
        assert_eq!(ones, 50, "{g:?}");
    }
    let d = generate(Generator::Blobs, 100, 0.3, 1, Some(3)).unwrap();
    let mut counts = [0; 3];
    labels(&d).iter().for_each(|c| counts[*c] += 1);
    assert_eq!(counts, [34, 33, 33]);
}

fn point(d: &Dataset, j: usize) -> (f64, f64) {
    (d.x[(0, j)], d.x[(1, j)])
}

/// Noise 0 puts every point on its curve.
#[test]
fn noise_zero_puts_points_on_their_curves() {
    let n = 200;
    // XOR: exactly the corners (±1, ±1), class 1 where the signs differ.
    let d = gen_(Generator::Xor, n, 0.0, 3);
    for j in 0..n {
        let (a, b) = point(&d, j);
        assert!(a.abs() == 1.0 && b.abs() == 1.0, "{a}, {b}");
        assert_eq!(d.class_of(j), Some(usize::from(a != b)));
    }
    // Circles: radius 1 (class 0) and 0.5 (class 1).
    let d = gen_(Generator::Circles, n, 0.0, 3);
    for j in 0..n {
        let (a, b) = point(&d, j);
        let want = if d.class_of(j) == Some(0) { 1.0 } else { 0.5 };
        assert!((a.hypot(b) - want).abs() < 1e-12, "{j}: radius {}", a.hypot(b));
    }
    // Moons: the upper half of the unit circle, and the lower half of the unit circle around
    // (1, 0.5).
    let d = gen_(Generator::Moons, n, 0.0, 3);
    for j in 0..n {
        let (a, b) = point(&d, j);
        if d.class_of(j) == Some(0) {
            assert!((a.hypot(b) - 1.0).abs() < 1e-12 && b >= 0.0, "{a}, {b}");
        } else {
            assert!(((a - 1.0).hypot(b - 0.5) - 1.0).abs() < 1e-12 && b <= 0.5, "{a}, {b}");
        }
    }
    // Spiral: point i of arm 0 has radius i / (n / 2); arm 1 is arm 0 turned by pi, so its
    // point i is the negative of arm 0's.
    let d = gen_(Generator::Spiral, n, 0.0, 3);
    for i in 0..n / 2 {
        let (a, b) = point(&d, 2 * i);
        let (c, e) = point(&d, 2 * i + 1);
        assert!((a.hypot(b) - i as f64 / (n / 2) as f64).abs() < 1e-12);
        assert!((a + c).abs() < 1e-12 && (b + e).abs() < 1e-12, "{i}");
    }
    // Blobs: every point of a class on its centre, on the circle of radius 2.
    let d = gen_(Generator::Blobs, n, 0.0, 3);
    for j in 0..n {
        let (a, b) = point(&d, j);
        assert_eq!(point(&d, j % 3), (a, b));
        assert!((a.hypot(b) - 2.0).abs() < 1e-12);
    }
    // The 1-D functions on [-3, 3].
    type Curve = (Generator, fn(f64) -> f64);
    let fs: [Curve; 4] = [
        (Generator::Line, |x| 2.0 * x + 1.0),
        (Generator::Sin, f64::sin),
        (Generator::Abs, f64::abs),
        (Generator::Step, |x| if x < 0.0 { 0.0 } else { 1.0 }),
    ];
    for (g, f) in fs {
        let d = gen_(g, n, 0.0, 3);
        for j in 0..n {
            let x = d.x[(0, j)];
            assert!((-3.0..3.0).contains(&x), "{g:?}: x = {x}");
            assert_eq!(d.y[(0, j)], f(x), "{g:?} at x = {x}");
        }
    }
}

/// The noise is Gaussian with the given standard deviation: 20,000 residuals of the line with
/// noise 0.5 have a mean within 0.02 of 0 (its standard error is 0.5 / sqrt(20000) = 0.0035)
/// and a standard deviation within 3 % of 0.5.
#[test]
fn noise_is_the_standard_deviation() {
    let d = gen_(Generator::Line, 20_000, 0.5, 11);
    let res: Vec<f64> = (0..d.len()).map(|j| d.y[(0, j)] - (2.0 * d.x[(0, j)] + 1.0)).collect();
    let mean = res.iter().sum::<f64>() / res.len() as f64;
    let std = (res.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / res.len() as f64).sqrt();
    assert!(mean.abs() < 0.02, "{mean}");
    assert!((std / 0.5 - 1.0).abs() < 0.03, "{std}");
}

#[test]
fn generator_parameters_are_checked() {
    let err = |g, n, noise, classes| generate(g, n, noise, 0, classes).unwrap_err().to_string();
    assert_eq!(
        err(Generator::Xor, 0, 0.1, None),
        "points must be from 1 to 100000, got 0"
    );
    assert!(err(Generator::Xor, MAX_POINTS + 1, 0.1, None).contains("got 100001"));
    assert!(generate(Generator::Xor, MAX_POINTS, 0.1, 0, None).is_ok());
    assert_eq!(
        err(Generator::Moons, 10, -1.0, None),
        "noise must be a finite number, 0 or more, got -1"
    );
    assert!(err(Generator::Moons, 10, f64::NAN, None).contains("got NaN"));
    assert_eq!(
        err(Generator::Blobs, 10, 0.1, None),
        "blobs needs classes = k (from 2 to 8)"
    );
    assert!(err(Generator::Blobs, 10, 0.1, Some(9)).contains("got 9"));
    assert!(err(Generator::Blobs, 10, 0.1, Some(1)).contains("got 1"));
    assert!(generate(Generator::Blobs, 10, 0.1, 0, Some(8)).is_ok());
    assert_eq!(
        err(Generator::Xor, 10, 0.1, Some(3)),
        "classes only applies to the blobs generator, not to xor"
    );
}

// ---------------------------------------------------------------------------------------------
// The lesson's data spec.
// ---------------------------------------------------------------------------------------------

#[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
struct Cell {
    data: DataSpec,
}

fn spec(toml_text: &str) -> Result<DataSpec, String> {
    toml::from_str::<Cell>(toml_text)
        .map(|c| c.data)
        .map_err(|e| e.to_string())
}

#[test]
fn data_specs_read_and_write_the_three_kinds() {
    let cases = [
        (
            r#"data = { generator = "xor", points = 200, noise = 0.1, seed = 1 }"#,
            DataSpec::Generated {
                generator: Generator::Xor,
                points: 200,
                noise: 0.1,
                seed: 1,
                classes: None,
            },
        ),
        (
            r#"data = { generator = "blobs", points = 90, noise = 0.5, seed = 2, classes = 3 }"#,
            DataSpec::Generated {
                generator: Generator::Blobs,
                points: 90,
                noise: 0.5,
                seed: 2,
                classes: Some(3),
            },
        ),
        // An integer noise is a number too.
        (
            r#"data = { generator = "sin", points = 50, noise = 0, seed = 4 }"#,
            DataSpec::Generated {
                generator: Generator::Sin,
                points: 50,
                noise: 0.0,
                seed: 4,
                classes: None,
            },
        ),
        (
            r#"data = { dataset = "breast_cancer" }"#,
            DataSpec::Builtin {
                dataset: BuiltinSet::BreastCancer,
            },
        ),
        (
            r#"data = { csv = "data/houses.csv", target = "price", task = "regression" }"#,
            DataSpec::Csv {
                csv: "data/houses.csv".into(),
                target: "price".into(),
                task: Task::Regression,
                header: true,
                skip_bad_rows: false,
            },
        ),
    ];
    for (text, want) in cases {
        let got = spec(text).unwrap();
        assert_eq!(got, want, "{text}");
        // Written back and read again, as TOML and as JSON.
        let cell = Cell { data: got };
        let again: Cell = toml::from_str(&toml::to_string(&cell).unwrap()).unwrap();
        assert_eq!(again, cell);
        let json = serde_json::to_string(&cell).unwrap();
        assert!(!json.contains("classes\":null"), "{json}");
        assert_eq!(serde_json::from_str::<Cell>(&json).unwrap(), cell);
    }
}

#[test]
fn data_spec_errors_say_what_is_wrong() {
    let cases = [
        (
            r#"data = { generator = "xor", pionts = 200, noise = 0.1, seed = 1 }"#,
            "unknown field `pionts`",
        ),
        (r#"data = { generator = "xor", points = 200, seed = 1 }"#, "needs noise"),
        (r#"data = { generator = "xor" }"#, "needs points, noise, seed"),
        (
            r#"data = { generator = "xr", points = 2, noise = 0.1, seed = 1 }"#,
            "unknown variant `xr`",
        ),
        (
            r#"data = { generator = "blobs", points = 20, noise = 0.1, seed = 1 }"#,
            "blobs needs classes",
        ),
        (
            r#"data = { generator = "moons", points = 0, noise = 0.1, seed = 1 }"#,
            "points must be from 1",
        ),
        (
            r#"data = { generator = "xor", points = 20, noise = 0.1, seed = 1, classes = 2 }"#,
            "classes only applies to the blobs generator",
        ),
        (r#"data = { dataset = "iris", generator = "xor" }"#, "exactly one of"),
        (
            r#"data = { dataset = "iris", points = 3 }"#,
            "points does not apply to a shipped data set",
        ),
        (r#"data = { dataset = "mnist" }"#, "unknown variant `mnist`"),
        (r#"data = { csv = "a.csv", target = "y" }"#, "csv data needs task"),
        (r#"data = { csv = "a.csv" }"#, "csv data needs target and task"),
        (r#"data = { }"#, "exactly one of"),
    ];
    for (text, want) in cases {
        let e = spec(text).unwrap_err();
        assert!(e.contains(want), "{text}: {e}");
    }
}

/// A CSV spec is built from the text the caller read, with the target named by its header.
#[test]
fn a_csv_spec_builds_from_the_callers_text() {
    let s = DataSpec::Csv {
        csv: "tab_regression.csv".into(),
        target: "y".into(),
        task: Task::Regression,
        header: true,
        skip_bad_rows: false,
    };
    assert_eq!(s.csv_path(), Some("tab_regression.csv"));
    let d = s.build(Some(&fixture("tab_regression.csv"))).unwrap();
    assert_eq!(d.y.as_slice(), &[1.0, 3.0, 5.5]);
    assert_eq!(
        s.build(None).unwrap_err(),
        SpecError::CsvText("tab_regression.csv".into())
    );
    let wrong = DataSpec::Csv {
        csv: "tab_regression.csv".into(),
        target: "z".into(),
        task: Task::Regression,
        header: true,
        skip_bad_rows: false,
    };
    let e = wrong
        .build(Some(&fixture("tab_regression.csv")))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "no column is named 'z'; the columns are: x, y");
}

// ---------------------------------------------------------------------------------------------
// The shipped data sets.
// ---------------------------------------------------------------------------------------------

/// Counted from the files here, independently of the importer: data rows are the non-blank
/// lines after the header, features the header's cells but the last, classes the distinct
/// last cells. (SOURCES.md: iris 150 x 4 in 3 classes, digits 1797 x 64 in 10, wine 178 x 13 in
/// 3, breast cancer 569 x 30 in 2.)
#[test]
fn shipped_sets_load_with_their_files_counts() {
    let sources = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/datasets/SOURCES.md")).unwrap();
    for set in BuiltinSet::ALL {
        let path = format!("{}/assets/datasets/{}.csv", env!("CARGO_MANIFEST_DIR"), set.name());
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let rows: Vec<&str> = lines.collect();
        let mut classes: Vec<&str> = rows.iter().map(|r| r.rsplit(',').next().unwrap()).collect();
        classes.sort_unstable();
        classes.dedup();

        let d = set.load().unwrap();
        assert_eq!(d.len(), rows.len(), "{set:?}");
        assert_eq!(d.x.nrows(), header.len() - 1, "{set:?}");
        assert_eq!(d.class_names.len(), classes.len(), "{set:?}");
        assert_eq!(
            d.y.nrows(),
            if classes.len() == 2 { 1 } else { classes.len() },
            "{set:?}"
        );
        assert_eq!(d.feature_names, header[..header.len() - 1], "{set:?}");
        // The first row's features, read by hand from the file.
        let first: Vec<f64> = rows[0]
            .split(',')
            .take(header.len() - 1)
            .map(|c| c.parse().unwrap())
            .collect();
        assert_eq!(d.x.column(0).iter().copied().collect::<Vec<_>>(), first, "{set:?}");
        let author = set.attribution().split(" (").next().unwrap().split(',').next().unwrap();
        assert!(sources.contains(author), "{set:?}: {author}");
        assert_eq!(BuiltinSet::from_name(set.name()), Some(set));
    }
    let expected = [
        (BuiltinSet::Iris, 150, 4, 3),
        (BuiltinSet::Digits, 1797, 64, 10),
        (BuiltinSet::Wine, 178, 13, 3),
        (BuiltinSet::BreastCancer, 569, 30, 2),
    ];
    for (set, n, f, k) in expected {
        let d = set.load().unwrap();
        assert_eq!((d.len(), d.x.nrows(), d.class_names.len()), (n, f, k), "{set:?}");
    }
    // Digits are sorted by value; iris keeps the file's order; breast cancer: malignant 0.
    assert_eq!(
        BuiltinSet::Digits.load().unwrap().class_names,
        (0..10).map(|d| d.to_string()).collect::<Vec<_>>()
    );
    let iris = BuiltinSet::Iris.load().unwrap();
    assert_eq!(iris.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(iris.y.column(0).as_slice(), &[1.0, 0.0, 0.0]);
    let bc = BuiltinSet::BreastCancer.load().unwrap();
    assert_eq!(bc.class_names, ["malignant", "benign"]);
}

// ---------------------------------------------------------------------------------------------
// CSV import.
// ---------------------------------------------------------------------------------------------

fn options(has_header: bool, target_column: usize, task: Task, bad_rows: BadRows) -> CsvOptions {
    CsvOptions {
        has_header,
        target_column,
        task,
        bad_rows,
    }
}

/// A header of names over numbers is found; the blank line is not a row; string labels make a
/// classification with one-hot rows in order of first appearance.
#[test]
fn csv_with_a_header_and_three_classes() {
    let text = fixture("header_three_classes.csv");
    let p = inspect(&text);
    assert!(p.has_header);
    assert_eq!(p.delimiter, ',');
    assert_eq!(p.columns, ["sepal", "petal", "species"]);
    assert_eq!((p.total_rows, p.target_column, p.task), (5, 2, Task::Classification));
    assert_eq!(p.rows[0], ["5.1", "1.4", "setosa"]);
    let got = import(&text, &options(true, 2, Task::Classification, BadRows::Report)).unwrap();
    let d = got.data;
    assert_eq!(
        d.x,
        Matrix::from_column_slice(2, 5, &[5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.5, 6.4, 4.5])
    );
    assert_eq!(d.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(labels(&d), [0, 1, 2, 0, 1]);
    assert_eq!(d.y.nrows(), 3);
    assert_eq!(got.target_name, "species");
    assert!(got.skipped.is_empty());
}

/// Only numbers in the first row: no header, columns named "column N"; 0/1 labels (integers,
/// two values, repeated) are guessed as classes and give ONE 0/1 row.
#[test]
fn csv_without_a_header() {
    let text = fixture("no_header_xor.csv");
    let p = inspect(&text);
    assert!(!p.has_header);
    assert_eq!(p.columns, ["column 1", "column 2", "column 3"]);
    assert_eq!((p.total_rows, p.task), (4, Task::Classification));
    let d = import(&text, &options(false, 2, Task::Classification, BadRows::Report))
        .unwrap()
        .data;
    assert_eq!(d.y, Matrix::from_row_slice(1, 4, &[0.0, 1.0, 1.0, 0.0]));
    assert_eq!(d.class_names, ["0", "1"]);
    assert_eq!(d.feature_names, ["column 1", "column 2"]);
    // The same text read as if it had a header loses its first row to the names.
    let d = import(&text, &options(true, 2, Task::Classification, BadRows::Report))
        .unwrap()
        .data;
    assert_eq!(d.len(), 3);
    assert_eq!(d.feature_names, ["0", "0"]);
}

/// Semicolons with decimal commas: 1,5 is 1.5.
#[test]
fn csv_with_semicolons_and_decimal_commas() {
    let text = fixture("semicolon_decimal_comma.csv");
    let p = inspect(&text);
    assert_eq!((p.delimiter, p.has_header), (';', true));
    let d = import(&text, &options(true, 2, Task::Classification, BadRows::Report))
        .unwrap()
        .data;
    assert_eq!(d.x, Matrix::from_row_slice(2, 3, &[1.5, 0.9, 1.7, 60.0, 20.0, 75.0]));
    assert_eq!(d.class_names, ["adult", "child"]);
    assert_eq!(d.y.as_slice(), &[0.0, 1.0, 0.0]);
}

/// Quoted labels keep their commas and doubled quotes.
#[test]
fn csv_with_quoted_labels() {
    let text = fixture("quoted_labels.csv");
    let d = import(&text, &options(true, 1, Task::Classification, BadRows::Report))
        .unwrap()
        .data;
    assert_eq!(d.class_names, ["New York, NY", "Paris", "Say \"hi\""]);
    assert_eq!(labels(&d), [0, 1, 0, 2]);
    assert_eq!(d.x.as_slice(), &[1.0, 2.0, 3.0, 4.0]);
}

/// Tabs; the targets 1, 3, 5.5 are not all integers, so regression is guessed.
#[test]
fn csv_with_tabs_for_regression() {
    let text = fixture("tab_regression.csv");
    let p = inspect(&text);
    assert_eq!((p.delimiter, p.task), ('\t', Task::Regression));
    let got = import(&text, &options(true, 1, Task::Regression, BadRows::Report)).unwrap();
    assert_eq!(got.data.x.as_slice(), &[0.0, 1.0, 2.0]);
    assert_eq!(got.data.y.as_slice(), &[1.0, 3.0, 5.5]);
    assert!(got.data.class_names.is_empty());
}

/// bad_rows.csv: line 3 has two cells, line 4 a word for a number, line 5 is blank (not a row),
/// line 6 an empty target, line 8 a NaN. Reported: every bad row, with line and column.
/// Skipped: the import keeps lines 2 and 7 and lists the four others.
#[test]
fn bad_rows_are_reported_or_skipped_by_line() {
    let text = fixture("bad_rows.csv");
    let want = [
        "line 3: 2 cells, but the header has 3",
        "line 4, column 2 (b): 'x' is not a number",
        "line 6, column 3 (label): the target is empty",
        "line 8, column 2 (b): 'nan' is not a finite number",
    ];
    let e = import(&text, &options(true, 2, Task::Classification, BadRows::Report)).unwrap_err();
    assert_eq!(e.to_string(), format!("4 rows could not be read:\n{}", want.join("\n")));
    let got = import(&text, &options(true, 2, Task::Classification, BadRows::Skip)).unwrap();
    let skipped: Vec<String> = got.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(skipped, want);
    assert_eq!(got.skipped.iter().map(|b| b.line).collect::<Vec<_>>(), [3, 4, 6, 8]);
    assert_eq!(got.data.x, Matrix::from_column_slice(2, 2, &[1.0, 2.0, 9.0, 10.0]));
    assert_eq!(got.data.class_names, ["cat", "dog"]);
    assert_eq!(got.data.y.as_slice(), &[0.0, 1.0]);
}

/// 60 bad rows: the first 50 are listed, then "and 10 more". Skipping them all leaves nothing:
/// that is an error too.
#[test]
fn long_lists_of_bad_rows_are_capped() {
    let mut text = String::from("a,b\n");
    for i in 0..60 {
        text.push_str(&format!("{i},x\n"));
    }
    text.push_str("1,2\n");
    let e = import(&text, &options(true, 0, Task::Regression, BadRows::Report)).unwrap_err();
    let CsvError::BadRows { rows, total, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!((rows.len(), *total), (MAX_LISTED, 60));
    let msg = e.to_string();
    assert!(
        msg.starts_with("60 rows could not be read:\nline 2, column 2 (b): 'x' is not a number\n"),
        "{msg}"
    );
    assert!(msg.contains("\nline 51, column 2 (b)"), "{msg}");
    assert!(!msg.contains("line 52,"), "{msg}");
    assert!(msg.ends_with("\nand 10 more"), "{msg}");
    let only_bad = "a,b\n1,x\n2,y\n";
    let e = import(only_bad, &options(true, 0, Task::Regression, BadRows::Skip)).unwrap_err();
    assert!(
        e.to_string().starts_with("every data row is malformed (2 rows):"),
        "{e}"
    );
}

/// Numeric labels are sorted by value (10 after 2), 1 and 1.0 are one class; one class only, a
/// missing column and an empty text are errors.
#[test]
fn csv_class_order_and_errors() {
    let d = import(
        "x,y\n0,10\n1,2\n2,1.0\n3,1\n",
        &options(true, 1, Task::Classification, BadRows::Report),
    )
    .unwrap()
    .data;
    assert_eq!(d.class_names, ["1.0", "2", "10"]);
    assert_eq!(labels(&d), [2, 1, 0, 0]);
    let opts = options(true, 1, Task::Classification, BadRows::Report);
    assert_eq!(
        import("x,y\n1,a\n2,a\n", &opts).unwrap_err().to_string(),
        "the target column 'y' holds only one class ('a'); classification needs two or more"
    );
    assert_eq!(
        import("x,y\n1,a\n", &options(true, 2, Task::Classification, BadRows::Report)).unwrap_err(),
        CsvError::NoColumn { column: 3, columns: 2 }
    );
    assert_eq!(import("\n \n", &opts).unwrap_err(), CsvError::Empty);
    assert_eq!(import("x,y\n", &opts).unwrap_err(), CsvError::NoRows);
}

// ---------------------------------------------------------------------------------------------
// Splits and scaling.
// ---------------------------------------------------------------------------------------------

/// x = the sample's index, so the pieces can be told apart.
fn indexed(n: usize) -> Dataset {
    let v: Vec<f64> = (0..n).map(|i| i as f64).collect();
    Dataset {
        x: Matrix::from_row_slice(1, n, &v),
        y: Matrix::from_row_slice(1, n, &v),
        feature_names: vec!["i".into()],
        class_names: vec![],
    }
}

fn ids(d: &Dataset) -> Vec<usize> {
    d.x.iter().map(|v| *v as usize).collect()
}

/// 100 samples, 20 % validation and 10 % test: 70, 20, 10, disjoint, together everything; a seed
/// gives one split, another seed another.
#[test]
fn three_way_splits_are_seeded_partitions() {
    let d = indexed(100);
    let s = split3(&d, 0.2, 0.1, 5).unwrap();
    let (va, te) = (s.validation.clone().unwrap(), s.test.clone().unwrap());
    assert_eq!((s.train.len(), va.len(), te.len()), (70, 20, 10));
    let mut all = [ids(&s.train), ids(&va), ids(&te)].concat();
    all.sort_unstable();
    assert_eq!(all, (0..100).collect::<Vec<_>>());
    assert_eq!(split3(&d, 0.2, 0.1, 5).unwrap(), s);
    assert_ne!(ids(&split3(&d, 0.2, 0.1, 6).unwrap().train), ids(&s.train));
    // No fraction, no piece; a tiny fraction still takes one sample.
    let s = split3(&d, 0.0, 0.0, 1).unwrap();
    assert_eq!((s.train.len(), s.validation, s.test), (100, None, None));
    let s = split3(&indexed(3), 0.1, 0.0, 1).unwrap();
    assert_eq!((s.train.len(), s.validation.map(|v| v.len())), (2, Some(1)));
    // Bad fractions.
    for (v, t) in [(0.6, 0.4), (-0.1, 0.0), (1.0, 0.0), (0.0, f64::NAN)] {
        assert!(matches!(split3(&d, v, t, 1), Err(DataError::Split(_))), "{v}, {t}");
    }
    assert!(
        split3(&indexed(2), 0.5, 0.4, 1)
            .unwrap_err()
            .to_string()
            .contains("leave none for training")
    );
}

/// The scaler is fitted on the training split: its offsets and scales are the training rows'
/// mean and population standard deviation (min and range for min-max), computed here by hand,
/// and the test rows are transformed with them (not with their own).
#[test]
fn scalers_are_fitted_on_the_training_split_only() {
    let mut d = indexed(40);
    // A second feature: i^2, and a constant third one.
    d.x = Matrix::from_fn(3, 40, |r, j| match r {
        0 => j as f64,
        1 => (j * j) as f64,
        _ => 7.0,
    });
    let s = split3(&d, 0.0, 0.25, 9).unwrap();
    let (mut train, mut test) = (s.train, s.test.unwrap());
    let stats = |row: Vec<f64>| {
        let n = row.len() as f64;
        let mean = row.iter().sum::<f64>() / n;
        let std = (row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        (mean, std)
    };
    let col = |d: &Dataset, r: usize| d.x.row(r).iter().copied().collect::<Vec<f64>>();
    let (m0, s0) = stats(col(&train, 0));
    let (m1, s1) = stats(col(&train, 1));
    let sc = Scaler::fit(&train, Scaling::Standardise);
    assert_eq!(sc.offset[..2], [m0, m1]);
    assert_eq!(sc.scale[..2], [s0, s1]);
    // The constant feature is shifted, not divided by 0.
    assert_eq!((sc.offset[2], sc.scale[2]), (7.0, 1.0));
    let raw_test = test.clone();
    sc.apply(&mut train).unwrap();
    sc.apply(&mut test).unwrap();
    for j in 0..test.len() {
        assert_eq!(test.x[(0, j)], (raw_test.x[(0, j)] - m0) / s0);
        assert_eq!(test.x[(1, j)], (raw_test.x[(1, j)] - m1) / s1);
        assert_eq!(test.x[(2, j)], 0.0);
    }
    let (m, s) = stats(col(&train, 1));
    assert!(m.abs() < 1e-12 && (s - 1.0).abs() < 1e-12, "{m} {s}");

    // Min-max: the training rows span [0, 1] exactly.
    let s = split3(&d, 0.0, 0.25, 9).unwrap();
    let (mut train, test) = (s.train, s.test.unwrap());
    let sc = Scaler::fit(&train, Scaling::MinMax);
    let row0 = col(&train, 0);
    let (lo, hi) = (
        row0.iter().copied().fold(f64::MAX, f64::min),
        row0.iter().copied().fold(f64::MIN, f64::max),
    );
    assert_eq!((sc.offset[0], sc.scale[0]), (lo, hi - lo));
    sc.apply(&mut train).unwrap();
    let row0 = col(&train, 0);
    assert_eq!(row0.iter().copied().fold(f64::MAX, f64::min), 0.0);
    assert_eq!(row0.iter().copied().fold(f64::MIN, f64::max), 1.0);
    assert_eq!(sc.unscale(0, 1.0), Some(hi));
    // None changes nothing; a scaler for 3 features refuses 1.
    let mut t2 = test.clone();
    Scaler::fit(&train, Scaling::None).apply(&mut t2).unwrap();
    assert_eq!(t2, test);
    assert_eq!(
        sc.apply(&mut indexed(3)).unwrap_err(),
        DataError::ScalerFeatures { fitted: 3, got: 1 }
    );
}

#[test]
fn scaling_names_in_files() {
    for (s, name) in [
        (Scaling::Standardise, "standardise"),
        (Scaling::MinMax, "min_max"),
        (Scaling::None, "none"),
    ] {
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{name}\""));
        assert_eq!(s.name(), name);
    }
    assert_eq!(
        serde_json::to_string(&Task::Classification).unwrap(),
        "\"classification\""
    );
}

// ---------------------------------------------------------------------------------------------
// Metrics.
// ---------------------------------------------------------------------------------------------

/// Three classes, five samples (true -> predicted): 0->0, 0->1, 1->1, 2->1, 2->2.
/// Confusion (rows true): [[1,1,0],[0,1,0],[0,1,1]]. Precision: class 0 1/1, class 1 1/3,
/// class 2 1/1; recall: 1/2, 1/1, 1/2; accuracy 3/5.
#[test]
fn confusion_matrix_precision_recall_by_hand() {
    let y = Matrix::from_column_slice(3, 5, &[1., 0., 0., 1., 0., 0., 0., 1., 0., 0., 0., 1., 0., 0., 1.]);
    let out = Matrix::from_column_slice(
        3,
        5,
        &[
            0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.5, 0.4, 0.2, 0.2, 0.6,
        ],
    );
    let c = confusion_matrix(&out, &y).unwrap();
    assert_eq!(c.counts, vec![vec![1, 1, 0], vec![0, 1, 0], vec![0, 1, 1]]);
    assert_eq!(c.precisions(), [1.0, 1.0 / 3.0, 1.0]);
    assert_eq!(c.recalls(), [0.5, 1.0, 0.5]);
    assert_eq!((c.total(), c.accuracy()), (5, 0.6));
    // One output row: threshold 0.5 (0.5 itself is class 1). Outputs 0.2, 0.7, 0.5, 0.4 against
    // 0, 1, 0, 1 predict 0, 1, 1, 0: [[1, 1], [1, 1]].
    let c = confusion_matrix(
        &Matrix::from_row_slice(1, 4, &[0.2, 0.7, 0.5, 0.4]),
        &Matrix::from_row_slice(1, 4, &[0.0, 1.0, 0.0, 1.0]),
    )
    .unwrap();
    assert_eq!(c.counts, vec![vec![1, 1], vec![1, 1]]);
    assert_eq!(c.precision(1), 0.5);
    // Never predicted and never present: 0/0 counts as 0.
    let c = confusion_matrix(
        &Matrix::from_row_slice(1, 2, &[0.1, 0.2]),
        &Matrix::from_row_slice(1, 2, &[0.0, 0.0]),
    )
    .unwrap();
    assert_eq!((c.precision(1), c.recall(1), c.recall(0)), (0.0, 0.0, 1.0));
    assert!(confusion_matrix(&Matrix::zeros(2, 3), &Matrix::zeros(3, 3)).is_err());
}

/// y = 1, 2, 3 and predictions 1, 2, 4: mean 2, SS_tot = 1 + 0 + 1 = 2, SS_res = 1, so
/// R² = 1 - 1/2 = 0.5 and RMSE = sqrt(1/3). Constant targets: 1 if hit exactly, else 0.
#[test]
fn r2_and_rmse_by_hand() {
    let y = Matrix::from_row_slice(1, 3, &[1.0, 2.0, 3.0]);
    let p = Matrix::from_row_slice(1, 3, &[1.0, 2.0, 4.0]);
    assert_eq!(r2(&p, &y).unwrap(), 0.5);
    assert_eq!(rmse(&p, &y).unwrap(), (1.0f64 / 3.0).sqrt());
    let c = Matrix::from_row_slice(1, 2, &[2.0, 2.0]);
    assert_eq!(r2(&c, &c).unwrap(), 1.0);
    assert_eq!(r2(&Matrix::from_row_slice(1, 2, &[2.0, 3.0]), &c).unwrap(), 0.0);
    // Two rows average: row 1 as above (0.5), row 2 exact (1): 0.75.
    let y2 = Matrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 5.0, 6.0, 7.0]);
    let p2 = Matrix::from_row_slice(2, 3, &[1.0, 2.0, 4.0, 5.0, 6.0, 7.0]);
    assert_eq!(r2(&p2, &y2).unwrap(), 0.75);
    assert!(rmse(&Matrix::zeros(1, 0), &Matrix::zeros(1, 0)).is_err());
}

/// 0..4 in 4 bins: edges 0, 1, 2, 3, 4; the last bin holds its right edge (3 and 4). Equal
/// values v get the range [v - 0.5, v + 0.5]; non-finite values are counted apart.
#[test]
fn histograms_by_hand() {
    let h = histogram(&[0.0, 1.0, 2.0, 3.0, 4.0], 4);
    assert_eq!(h.edges, [0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(h.counts, [1, 1, 1, 2]);
    let h = histogram(&[5.0, 5.0, 5.0], 2);
    assert_eq!((h.edges, h.counts), (vec![4.5, 5.0, 5.5], vec![0, 3]));
    let h = histogram(&[f64::NAN, f64::INFINITY, 1.0, 2.0], 1);
    assert_eq!((h.edges, h.counts, h.non_finite), (vec![1.0, 2.0], vec![2], 2));
    let h = histogram(&[], 0);
    assert_eq!((h.edges, h.counts), (vec![0.0, 1.0], vec![0]));
    let h = histogram(&[-f64::MAX, f64::MAX], 2);
    assert_eq!(h.counts, [1, 1]);
}

/// Layer 1: dW = [[3]], db = [4] gives sqrt(9 + 16) = 5; layer 2: dW = [[1, 2]], db = [2]
/// gives sqrt(1 + 4 + 4) = 3.
#[test]
fn gradient_norms_per_layer_by_hand() {
    let g = Gradients {
        loss: 0.0,
        layers: vec![
            LayerGrads {
                weights: Matrix::from_element(1, 1, 3.0),
                bias: Vector::from_element(1, 4.0),
                ..LayerGrads::default()
            },
            LayerGrads {
                weights: Matrix::from_row_slice(1, 2, &[1.0, 2.0]),
                bias: Vector::from_element(1, 2.0),
                ..LayerGrads::default()
            },
        ],
        input: Matrix::zeros(1, 1),
    };
    assert_eq!(gradient_norms(&g), [5.0, 3.0]);
}

/// One input, two ReLU units with w = (1, -1), b = (0, -1), then an identity output. On
/// x = 1, 2: unit 1's z = 1, 2 (alive), unit 2's z = -2, -3 (dead): half the layer is dead.
/// With x = -1 added unit 1 has z = -1 once but 1 and 2 too: still alive.
#[test]
fn dead_relu_units_by_hand() {
    let net = Network::new(
        1,
        vec![
            Layer {
                activation: Activation::Relu,
                weights: Matrix::from_column_slice(2, 1, &[1.0, -1.0]),
                bias: Vector::from_column_slice(&[0.0, -1.0]),
            },
            Layer {
                activation: Activation::Identity,
                weights: Matrix::from_row_slice(1, 2, &[1.0, 1.0]),
                bias: Vector::zeros(1),
            },
        ],
    )
    .unwrap();
    assert_eq!(
        dead_relu_fractions(&net, &Matrix::from_row_slice(1, 2, &[1.0, 2.0])),
        [Some(0.5), None]
    );
    assert_eq!(
        dead_relu_fractions(&net, &Matrix::from_row_slice(1, 3, &[1.0, 2.0, -1.0])),
        [Some(0.5), None]
    );
    // x = -1 alone: unit 1's z = -1 (dead), unit 2's z = 0 (dead: z <= 0).
    assert_eq!(
        dead_relu_fractions(&net, &Matrix::from_row_slice(1, 1, &[-1.0])),
        [Some(1.0), None]
    );
    assert_eq!(dead_relu_fractions(&net, &Matrix::zeros(1, 0)), [None, None]);
}
