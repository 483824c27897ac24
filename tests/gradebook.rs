//! The gradebook on the command line: `check` over files and folders with a status per file
//! (unreadable, wrong lesson, lesson changed, duplicate student, no name; with a roster: not on
//! roster, look-alikes, students without a submission), the CSV layouts (generic, Canvas,
//! Moodle) with formula prefixes neutralised, control characters escaped in the table,
//! feedback pages, the item analysis, and `solve`'s notice on a graded lesson.
//!
//! The lessons: tests/fixtures/lessons/tiny.toml (answers derived in tests/lesson_check.rs:
//! z1 = (6, 0, -3), δ1 = (3, 0, 0), batch dL/dW = 20, sample 2's z = 6, the file's output 5)
//! and tests/fixtures/grading/policy.toml (z = 3, dL/dW = [[3, 6]], see tests/grading.rs).

use std::path::Path;
use std::process::Command;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_mlp-notebook"))
        .args(args)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// A tiny-lesson submission by `student` with z1 = `z1` (and sample 2 right).
fn tiny_sub(student: &str, z1: &str) -> String {
    format!(
        r#"{{ "lesson": "Tiny by hand", "student": {}, "answers": {{ "z1": {{ "value": {z1} }}, "second-sample": {{ "value": 6 }} }} }}"#,
        serde_json::to_string(student).unwrap()
    )
}

/// The table's rows (before the first empty line) as cells split on two spaces or more.
fn rows(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect()
        })
        .collect()
}

fn row<'a>(rows: &'a [Vec<String>], student: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == student)
        .unwrap_or_else(|| panic!("no row {student}: {rows:?}"))
}

/// Issue 8: empty, truncated and corrupt files are rows with their reason; another lesson's
/// submission, a lesson changed since (version 0.9 against 1.0), two files of one student and
/// a file without a name are flagged; exit code 2 with every problem on stderr. A folder
/// stands for its .json files.
#[test]
fn every_file_gets_a_row_and_a_status() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a-empty.json", "");
    write(
        d,
        "b-truncated.json",
        "{ \"lesson\": \"Tiny by hand\", \"student\": \"Tr",
    );
    write(d, "c-corrupt.json", "\u{0}\u{1}PK garbage");
    write(
        d,
        "d-other.json",
        &tiny_sub("Otto", "[6, 0, -3]").replace("Tiny by hand", "Another lesson"),
    );
    write(
        d,
        "e-changed.json",
        &tiny_sub("Vera", "[6, 0, -3]").replace(
            "\"lesson\": \"Tiny by hand\"",
            "\"lesson\": \"Tiny by hand\", \"lesson_version\": \"0.9\"",
        ),
    );
    write(d, "f-grace.json", &tiny_sub("Grace Hopper", "[6, 0, -3]"));
    write(d, "g-grace-again.json", &tiny_sub("grace hopper ", "[6, 0, 3]"));
    write(d, "h-noname.json", &tiny_sub("  ", "[6, 0, -3]"));
    write(d, "i-ok.json", &tiny_sub("Ada", "[6, 0, -3]"));
    write(d, "notes.txt", "not a submission");
    let out = run(&["check", &fixture("lessons/tiny.toml"), &d.to_string_lossy()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let r = rows(&out.stdout);
    let status = |file: &str| -> String {
        let f = d.join(file).to_string_lossy().into_owned();
        r.iter()
            .find(|row| row[1] == f)
            .unwrap_or_else(|| panic!("{file}: {r:?}"))[2]
            .clone()
    };
    assert_eq!(status("a-empty.json"), "unreadable: the file is empty");
    let t = status("b-truncated.json");
    assert!(
        t.starts_with("unreadable: line 1, column ") && t.contains(": the file ends early (truncated?): EOF"),
        "{t}"
    );
    assert!(
        status("c-corrupt.json").starts_with("unreadable: line 1, column 1"),
        "{}",
        status("c-corrupt.json")
    );
    assert_eq!(status("d-other.json"), "wrong lesson");
    assert_eq!(status("e-changed.json"), "lesson changed");
    assert_eq!(status("f-grace.json"), "duplicate student");
    assert_eq!(status("g-grace-again.json"), "duplicate student");
    assert_eq!(status("h-noname.json"), "no name");
    assert_eq!(status("i-ok.json"), "ok");
    // 9 .json files, the .txt left out; a header and the "(out of)" line.
    assert_eq!(r.len(), 11, "{r:?}");
    // Still graded: Otto's z1 is right, the look-alike Grace's z1[3] = 3 is not -3.
    assert_eq!(row(&r, "Otto")[3], "1 correct");
    assert_eq!(row(&r, "(no name)")[3], "1 correct");
    assert!(
        out.stderr
            .contains("d-other.json: the submission is for the lesson 'Another lesson'"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("e-changed.json: the lesson changed since the student began: version 0.9, now 1.0")
    );
    assert!(
        out.stderr.contains("8 of 9 submissions not graded cleanly"),
        "{}",
        out.stderr
    );
}

/// A newline or an escape sequence in a name cannot print a fake row: the id is normalised
/// (control characters out, the newline a space) and every cell is escaped (a file name with a
/// newline shows `\n`). The CSV neutralises formula prefixes with a leading quote.
#[test]
fn names_cannot_forge_rows_or_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let evil = write(
        d,
        "evil\nrow.json",
        &tiny_sub("Eve\u{1b}[2J\nFake  1 correct", "[6, 0, -3]"),
    );
    let formula = write(
        d,
        "formula.json",
        &tiny_sub("=HYPERLINK(\"http://x\",\"y\")", "[6, 0, -3]"),
    );
    let at = write(d, "at.json", &tiny_sub("@SUM(A1)", "[6, 0, -3]"));
    let csv = d.join("g.csv");
    let out = run(&[
        "check",
        &fixture("lessons/tiny.toml"),
        &evil,
        &formula,
        &at,
        "--csv",
        &csv.to_string_lossy(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}'));
    // Header, (out of), three students.
    assert_eq!(rows(&out.stdout).len(), 5, "{}", out.stdout);
    assert!(out.stdout.contains("Eve[2J Fake 1 correct"), "{}", out.stdout);
    assert!(out.stdout.contains("evil\\nrow.json"), "{}", out.stdout);
    let book = std::fs::read_to_string(&csv).unwrap();
    assert!(book.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "{book}");
    assert!(book.contains("\"'@SUM(A1)\""), "{book}");
    // Header and three records (the file name's newline is inside a quoted cell).
    assert_eq!(book.matches("\r\n").count(), 4, "{book}");
}

/// The roster: s1 Ada (submitted as her name), s2 Grace (submitted as "grace hopper": a
/// look-alike, not mapped), s3 Alan (no submission); "Mallory" is not on the roster; the
/// roster's own empty and duplicate ids are problems. Canvas and Moodle files get only the
/// rows graded cleanly (Ada: z1 and sample 2 right, 2 of 9).
#[test]
fn the_roster_maps_ids_and_lists_who_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let roster = write(
        d,
        "roster.csv",
        "id,name,email\ns1,Ada Lovelace,ada@example.org\ns2,Grace Hopper,\ns3,Alan Turing,alan@example.org\n,Nobody,\ns1,Ada again,\n",
    );
    let ada = write(d, "ada.json", &tiny_sub("Ada Lovelace", "[6, 0, -3]"));
    let grace = write(d, "grace.json", &tiny_sub("grace hopper", "[6, 0, -3]"));
    let mallory = write(d, "mallory.json", &tiny_sub("Mallory", "[6, 0, -3]"));
    let lesson = fixture("lessons/tiny.toml");
    let canvas = d.join("canvas.csv");
    let out = run(&[
        "check",
        &lesson,
        &ada,
        &grace,
        &mallory,
        "--roster",
        &roster,
        "--csv",
        &canvas.to_string_lossy(),
        "--format",
        "canvas",
    ]);
    assert_eq!(out.code, 2);
    let r = rows(&out.stdout);
    assert_eq!(row(&r, "s1")[2], "ok");
    assert_eq!(row(&r, "grace hopper")[2], "looks like roster id s2");
    assert_eq!(row(&r, "Mallory")[2], "not on roster");
    assert_eq!(row(&r, "s2")[1..3], ["-", "no submission"]);
    assert_eq!(row(&r, "s3")[1..3], ["-", "no submission"]);
    assert!(out.stderr.contains("roster.csv:5: the id is empty"), "{}", out.stderr);
    assert!(
        out.stderr.contains("roster.csv:6: id 's1' is already on line 2"),
        "{}",
        out.stderr
    );
    let book = std::fs::read_to_string(&canvas).unwrap();
    assert_eq!(
        book.lines().collect::<Vec<_>>(),
        [
            "\"Student\",\"ID\",\"SIS User ID\",\"SIS Login ID\",\"Section\",\"Tiny by hand\"",
            "\"Points Possible\",\"\",\"\",\"\",\"\",9",
            "\"Ada Lovelace\",\"\",\"s1\",\"ada@example.org\",\"\",2",
        ]
    );
    let moodle = d.join("moodle.csv");
    run(&[
        "check",
        &lesson,
        &ada,
        "--roster",
        &roster,
        "--csv",
        &moodle.to_string_lossy(),
        "--format",
        "moodle",
    ]);
    let book = std::fs::read_to_string(&moodle).unwrap();
    let lines: Vec<&str> = book.lines().collect();
    assert_eq!(
        lines[0],
        "\"ID number\",\"Email address\",\"Full name\",\"Tiny by hand\",\"Feedback\""
    );
    assert!(
        lines[1].starts_with("\"s1\",\"ada@example.org\",\"Ada Lovelace\",2,\"z1: correct (1/1); delta1: blank (0/2);"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 2);
}

/// Feedback pages: Ada's (z1 = [6, 1, -3]: wrong, as in the summary test; sample 2 right, 1 of
/// 9 points) lists her answer, the verdict and, for tiny (no policy), the right
/// answer; a name with HTML in it is escaped. On the policy lesson, "grad-w" never shows its
/// worked solution, so its right answer is not on the page; z's is.
#[test]
fn feedback_pages_escape_and_follow_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ada = write(d, "ada.json", &tiny_sub("Ada", "[6, 1, -3]"));
    let html = write(d, "html.json", &tiny_sub("<script>x</script>", "[6, 0, -3]"));
    let fb = d.join("feedback");
    let out = run(&[
        "check",
        &fixture("lessons/tiny.toml"),
        &ada,
        &html,
        "--feedback",
        &fb.to_string_lossy(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page = std::fs::read_to_string(fb.join("Ada.html")).unwrap();
    assert!(
        page.contains("Feedback for <strong>Ada</strong>: 1 of 9 points."),
        "{page}"
    );
    assert!(page.contains("Your answer: <code>[6, 1, -3]</code>"), "{page}");
    assert!(page.contains("Verdict: wrong"), "{page}");
    assert!(page.contains("Right answer: <code>[6, 0, -3]</code>"), "{page}");
    assert!(
        page.contains("Hint: Row j of W1 holds the weights into unit j."),
        "{page}"
    );
    let names: Vec<String> = std::fs::read_dir(&fb)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let other = names.iter().find(|n| *n != "Ada.html").unwrap();
    let page = std::fs::read_to_string(fb.join(other)).unwrap();
    assert!(
        page.contains("&lt;script&gt;x&lt;/script&gt;") && !page.contains("<script>"),
        "{page}"
    );
    let sub = r#"{ "lesson": "Graded neuron", "student": "Kurt", "answers": {
        "z": { "value": 2, "attempts": 1 }, "grad-w": { "value": [[1, 2]], "attempts": 1 } } }"#;
    let kurt = write(d, "kurt.json", sub);
    let fb2 = d.join("fb2");
    run(&[
        "check",
        &fixture("grading/policy.toml"),
        &kurt,
        "--feedback",
        &fb2.to_string_lossy(),
    ]);
    let page = std::fs::read_to_string(fb2.join("Kurt.html")).unwrap();
    assert!(page.contains("Right answer: <code>3</code>"), "{page}");
    assert!(!page.contains("Right answer: <code>[[3, 6]]</code>"), "{page}");
}

/// The item analysis over three students: z1 right, right, and [6, 1, -3] (wrong: z1[2] = 0,
/// and no mistake gives 1 there); sample 2 right three times; δ1 blank three times.
#[test]
fn the_summary_shares_each_verdict_per_item() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = write(d, "a.json", &tiny_sub("A", "[6, 0, -3]"));
    let b = write(d, "b.json", &tiny_sub("B", "[6, 0, -3]"));
    let c = write(d, "c.json", &tiny_sub("C", "[6, 1, -3]"));
    let csv = d.join("s.csv");
    let out = run(&[
        "check",
        &fixture("lessons/tiny.toml"),
        &a,
        &b,
        &c,
        "--summary",
        "--csv",
        &csv.to_string_lossy(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.stdout.split("Item analysis:\n").nth(1).unwrap();
    let r = rows(text);
    assert_eq!(r[0][..3], ["item", "graded", "correct"]);
    // z1: 2 of 3 correct (67%), 1 of 3 wrong (33%), the wrong answer once.
    assert_eq!(row(&r, "z1")[1..7], ["3", "67%", "0%", "33%", "0%", "0%"]);
    assert_eq!(row(&r, "z1")[7], "[6, 1, -3] (x1)");
    assert_eq!(row(&r, "delta1")[1..7], ["3", "0%", "0%", "0%", "100%", "0%"]);
    let book = std::fs::read_to_string(&csv).unwrap();
    assert!(
        book.contains("\"z1\",3,66.7,0.0,33.3,0.0,0.0,\"\",\"[6, 1, -3] (x1)\""),
        "{book}"
    );
}

/// A graded lesson's key says it is the instructor's; an ungraded one does not.
#[test]
fn solve_says_a_graded_lessons_key_is_the_instructors() {
    let out = run(&["solve", &fixture("grading/policy.toml")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("> **Instructor's key.**"), "{}", out.stdout);
    assert!(out.stdout.contains("**Answer:** z1[1] = 3"), "{}", out.stdout);
    let out = run(&["solve", &fixture("lessons/tiny.toml")]);
    assert!(!out.stdout.contains("Instructor's key"));
}
