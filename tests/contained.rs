//! A lesson reads only its own folder: network files by `path`, CSV data and Markdown images
//! are refused outside it (absolute paths, `..`, links), with one message that tells nothing
//! about the file; the command line allows them only with `--allow-outside-paths`; images load
//! only from the folder and only as regular files of bounded size, anything else shows its alt
//! text.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mlp_notebook::app::files::{NoDialogs, read_document, read_lesson_image};
use mlp_notebook::app::{AppState, Command, LabCommand};
use mlp_notebook::lesson::Lesson;
use mlp_notebook::window::NotebookApp;
use mlp_notebook::window::images::decode_png;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

const OUTSIDE: &str = "the lesson tried to read outside its folder";

const NETWORK: &str = "format_version = 1\ninputs = 1\nloss = \"mse\"\nx = [[3]]\ny = [[1]]\n\n[[layers]]\nunits = 1\nactivation = \"identity\"\nweights = [[2]]\nbias = [-1]\n";

/// `root/lesson/` and `root/secret/` (with a network file and a CSV file in it).
fn folders() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let lesson = root.path().join("lesson");
    std::fs::create_dir_all(lesson.join("networks")).unwrap();
    std::fs::create_dir_all(root.path().join("secret")).unwrap();
    std::fs::write(lesson.join("networks/net.toml"), NETWORK).unwrap();
    std::fs::write(root.path().join("secret/net.toml"), NETWORK).unwrap();
    std::fs::write(root.path().join("secret/data.csv"), points_csv()).unwrap();
    (root, lesson)
}

fn points_csv() -> String {
    "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n2,1,y\n".to_string()
}

/// A lesson file in `dir` with one network cell read from `path`.
fn lesson_naming(dir: &Path, path: &str) -> PathBuf {
    let file = dir.join("lesson.toml");
    let text = format!("format_version = 2\ntitle = \"paths\"\n\n[[cells]]\nkind = \"network\"\npath = {path:?}\n");
    std::fs::write(&file, text).unwrap();
    file
}

fn cli(args: &[&str]) -> (i32, String) {
    let out = Process::new(env!("CARGO_BIN_EXE_mlp-notebook"))
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_window_opens_a_network_inside_the_folder_and_refuses_one_outside() {
    let (root, lesson) = folders();
    let inside = lesson_naming(&lesson, "networks/net.toml");
    assert!(read_document(&inside).is_ok());
    let secret = root.path().join("secret/net.toml").display().to_string();
    for path in ["../secret/net.toml", secret.as_str(), "networks/../../secret/net.toml"] {
        let file = lesson_naming(&lesson, path);
        let e = read_document(&file).unwrap_err();
        assert!(e.contains(OUTSIDE) && e.contains(path), "{path}: {e}");
    }
}

#[test]
fn errors_about_files_outside_are_no_oracle() {
    // A file outside that is not a network file (here: a secret of five words) and a file that
    // does not exist get the same message: nothing from the file, not even whether it exists.
    let (root, lesson) = folders();
    std::fs::write(root.path().join("secret/shadow"), "root:secret:1:2:3").unwrap();
    let there = read_document(&lesson_naming(&lesson, "../secret/shadow")).unwrap_err();
    std::fs::remove_file(root.path().join("secret/shadow")).unwrap();
    let gone = read_document(&lesson_naming(&lesson, "../secret/shadow")).unwrap_err();
    assert_eq!(there, gone);
    // The place named is the `path` key's in the lesson (line 6), never a place in the file.
    assert!(
        there.starts_with("line 6, column 8: ") && !there.contains("line 1"),
        "{there}"
    );
}

#[test]
fn the_command_line_refuses_outside_paths_unless_told() {
    let (_root, lesson) = folders();
    let file = lesson_naming(&lesson, "../secret/net.toml");
    let f = file.to_str().unwrap();
    for cmd in [vec!["lint", f], vec!["solve", f], vec!["worksheet", f]] {
        let (code, text) = cli(&cmd);
        assert_eq!(code, 2, "{cmd:?}: {text}");
        assert!(
            text.contains(OUTSIDE) && text.contains("--allow-outside-paths"),
            "{cmd:?}: {text}"
        );
    }
    let (code, text) = cli(&["lint", f, "--allow-outside-paths"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("no problems (1 cell: 1 network"), "{text}");
}

#[test]
fn a_training_cell_refuses_csv_data_outside_the_folder() {
    let (_root, lesson) = folders();
    let file = lesson.join("lab.toml");
    std::fs::write(
        &file,
        "format_version = 2\ntitle = \"lab\"\n\n[[cells]]\nkind = \"training\"\nobserve = \"watch\"\nhidden = [4]\nepochs = 10\nbatch_size = 4\n\
         data = { csv = \"../secret/data.csv\", target = \"kind\", task = \"classification\" }\n",
    )
    .unwrap();
    let mut s = AppState::new(Lesson::builtin(), Box::new(NoDialogs));
    s.apply(Command::OpenPath(file.clone()));
    assert_eq!(s.doc.file.as_deref(), Some(file.as_path()), "{:?}", s.session.message);
    let e = s.training(0).unwrap().error.clone().expect("the data are refused");
    assert!(e.contains(OUTSIDE) && e.contains("../secret/data.csv"), "{e}");
}

#[test]
fn a_csv_the_user_picks_outside_the_folder_is_read_in_that_session() {
    let (root, lesson) = folders();
    let file = lesson.join("lab.toml");
    std::fs::write(
        &file,
        "format_version = 2\ntitle = \"lab\"\n\n[[cells]]\nkind = \"training\"\nobserve = \"watch\"\nhidden = [4]\nepochs = 10\nbatch_size = 4\n\
         data = { generator = \"xor\", points = 40, noise = 0.1, seed = 0 }\n",
    )
    .unwrap();
    let mut s = AppState::new(Lesson::builtin(), Box::new(NoDialogs));
    s.apply(Command::OpenPath(file.clone()));
    let csv = root.path().join("secret/data.csv");
    s.apply(Command::Lab(LabCommand::ImportCsvPath { cell: 0, path: csv }));
    s.apply(Command::Lab(LabCommand::FinishCsvImport(true)));
    let c = s.training(0).unwrap();
    assert_eq!(c.error, None);
    // Six rows, all read from the file the user chose.
    assert_eq!(c.data.as_ref().unwrap().total, 6);
}

/// A PNG image of `w x h` pixels, all one colour.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    let pixels: Vec<u8> = (0..w * h).flat_map(|_| [10u8, 20, 30]).collect();
    writer.write_image_data(&pixels).unwrap();
    drop(writer);
    bytes
}

#[test]
fn images_are_read_only_from_the_lesson_folder() {
    let (root, lesson) = folders();
    std::fs::create_dir(lesson.join("img")).unwrap();
    std::fs::write(lesson.join("img/dot.png"), png(2, 1)).unwrap();
    std::fs::write(root.path().join("secret/dot.png"), png(2, 1)).unwrap();
    let file = lesson.join("l.toml");
    let image = decode_png(&read_lesson_image(Some(&file), "img/dot.png").unwrap()).unwrap();
    assert_eq!(image.size, [2, 1]);
    // RGB (10, 20, 30) becomes opaque RGBA.
    assert_eq!(image.pixels[1].to_srgba_unmultiplied(), [10, 20, 30, 255]);
    for name in ["../secret/dot.png", "/dev/zero", "img/../../secret/dot.png"] {
        let e = read_lesson_image(Some(&file), name).unwrap_err();
        assert!(e.contains(OUTSIDE), "{name}: {e}");
    }
    // A lesson not saved anywhere has no folder to read from.
    assert!(read_lesson_image(None, "img/dot.png").is_err());
}

#[test]
fn images_over_the_limits_are_refused() {
    let (_root, lesson) = folders();
    let file = lesson.join("l.toml");
    let big = std::fs::File::create(lesson.join("big.png")).unwrap();
    big.set_len(mlp_notebook::app::files::IMAGE_LIMIT as u64 + 1).unwrap();
    let e = read_lesson_image(Some(&file), "big.png").unwrap_err();
    assert!(
        e.contains(&format!("limit is {} bytes", mlp_notebook::app::files::IMAGE_LIMIT)),
        "{e}"
    );
    // 5000 x 5000 pixels decode to 100 MB, over the 64 MiB limit: refused from the header.
    let e = decode_png(&png(5000, 5000)).unwrap_err();
    assert!(e.contains("5000 x 5000 pixels") && e.contains("64 MiB"), "{e}");
    let e = decode_png(b"GIF89a not a png").unwrap_err();
    assert!(e.contains("not a PNG"), "{e}");
}

#[cfg(unix)]
#[test]
fn an_image_named_by_a_pipe_or_a_link_out_is_refused() {
    let (root, lesson) = folders();
    let file = lesson.join("l.toml");
    std::os::unix::fs::symlink(root.path().join("secret/net.toml"), lesson.join("out.png")).unwrap();
    let e = read_lesson_image(Some(&file), "out.png").unwrap_err();
    assert!(e.contains(OUTSIDE), "{e}");
    assert!(
        Process::new("mkfifo")
            .arg(lesson.join("pipe.png"))
            .status()
            .unwrap()
            .success()
    );
    let e = read_lesson_image(Some(&file), "pipe.png").unwrap_err();
    assert!(e.contains("not a regular file"), "{e}");
}

fn page_with(text: &str, file: Option<PathBuf>) -> Harness<'static, NotebookApp> {
    let mut state = AppState::new(Lesson::builtin(), Box::new(NoDialogs));
    let lesson_text =
        format!("format_version = 2\ntitle = \"pictures\"\n\n[[cells]]\nkind = \"text\"\ntext = {text:?}\n");
    match &file {
        Some(f) => {
            std::fs::write(f, lesson_text).unwrap();
            state.apply(Command::OpenPath(f.clone()));
            assert_eq!(state.doc.file.as_ref(), Some(f));
        }
        None => {
            let (lesson, _) =
                mlp_notebook::lesson::parse_any(&lesson_text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
            state = AppState::new(lesson, Box::new(NoDialogs));
        }
    }
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .with_max_steps(8)
        .build_eframe(|_| app);
    h.run();
    h
}

#[test]
fn a_refused_image_shows_its_alt_text() {
    let mut h = page_with(
        "Before ![the zero device](file:///dev/zero) and ![a web picture](https://example.org/a.png) after.",
        None,
    );
    h.run();
    let text: Vec<String> = h
        .query_all_by(|n| n.value().is_some())
        .filter_map(|n| n.accesskit_node().value())
        .collect();
    let all = text.join(" ");
    assert!(
        all.contains("the zero device") && all.contains("a web picture"),
        "{all}"
    );
    // Nothing was asked of a loader for those addresses.
    let ctx = h.ctx.clone();
    assert!(ctx.try_load_image("file:///dev/zero", Default::default()).is_err());
}

#[test]
fn an_image_in_the_lesson_folder_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dot.png"), png(3, 2)).unwrap();
    let h = page_with("A dot: ![a dot](dot.png)", Some(dir.path().join("pictures.toml")));
    let ctx = h.ctx.clone();
    match ctx.try_load_image("lesson-image://dot.png", Default::default()) {
        Ok(egui::load::ImagePoll::Ready { image }) => assert_eq!(image.size, [3, 2]),
        Ok(egui::load::ImagePoll::Pending { .. }) => panic!("still loading"),
        Err(e) => panic!("not loaded: {e}"),
    }
    // The same name is refused when it leads out of the folder.
    assert!(
        ctx.try_load_image("lesson-image://../dot.png", Default::default())
            .is_err()
    );
}
