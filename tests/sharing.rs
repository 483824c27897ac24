//! What the browser build relies on, tested on the desktop: lessons carried in links, stored
//! answers and settings that cannot be read kept aside with a message, and files that arrive as
//! bytes (dropped on a page) opened through the app's `Dialogs`.

use eframe::Storage as _;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mlp_notebook::app::files::Dialogs;
use mlp_notebook::app::share::{Start, decode_inline, start_from};
use mlp_notebook::app::{AppState, Command};
use mlp_notebook::lesson::{Lesson, parse_lesson};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::window::{NotebookApp, SETTINGS_KEY, starting_state};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ONE_NEURON: &str = include_str!("../lessons/02-one-neuron.toml");

/// Dialogs that cancel, with progress in a folder of the test's, a page address, and files
/// that arrive without a path kept in memory (as in the browser).
struct PageDialogs {
    progress: Option<PathBuf>,
    kept: RefCell<BTreeMap<PathBuf, Vec<u8>>>,
}

impl PageDialogs {
    fn new(progress: Option<PathBuf>) -> PageDialogs {
        PageDialogs {
            progress,
            kept: RefCell::default(),
        }
    }
}

impl Dialogs for PageDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        self.progress.clone()
    }
    fn page_address(&self) -> Option<String> {
        Some("https://course.example/mlp/".into())
    }
    fn keep(&self, name: &str, bytes: &[u8]) -> Option<PathBuf> {
        let p = PathBuf::from(name);
        self.kept.borrow_mut().insert(p.clone(), bytes.to_vec());
        Some(p)
    }
    fn read_text(&self, path: &Path) -> Result<String, String> {
        match self.kept.borrow().get(path) {
            Some(b) => String::from_utf8(b.clone()).map_err(|e| e.to_string()),
            None => mlp_notebook::files::read_text(path).map_err(|e| e.to_string()),
        }
    }
}

fn message(s: &AppState) -> String {
    s.session.message.as_ref().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn copy_link_makes_a_link_that_opens_the_same_lesson() {
    let lesson = parse_lesson(ONE_NEURON, Syntax::Toml).unwrap();
    let app = NotebookApp::new(AppState::new(lesson, Box::new(PageDialogs::new(None))));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .build_eframe(|_| app);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Copy link to this lesson").click();
    // The frame that handles the click copies the link.
    h.step();
    let shown = message(&h.state().state);
    assert!(shown.starts_with("Copied a link to this lesson"), "{shown}");
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .expect("the link is copied");
    let (page, fragment) = copied.split_once('#').unwrap();
    assert_eq!(page, "https://course.example/mlp/");
    let Ok(Some(Start::Inline(text))) = start_from("", fragment) else {
        panic!("not an inline link: {copied}")
    };
    let mut other = AppState::builtin_headless();
    other.open_inline(&text);
    assert_eq!(other.doc.title, "One neuron");
    assert_eq!(other.lesson(), h.state().state.lesson());
}

#[test]
fn a_desktop_has_no_link_to_copy_and_says_so() {
    let mut s = AppState::builtin_headless();
    assert!(!s.can_link());
    s.apply(Command::CopyLessonLink);
    assert!(message(&s).contains("only in the browser"), "{}", message(&s));
    assert_eq!(s.session.clipboard, None);
}

#[test]
fn an_inline_lesson_that_does_not_load_leaves_the_page_as_it_was() {
    let mut s = AppState::builtin_headless();
    let before = s.lesson();
    assert!(decode_inline("").is_err(), "an empty link is not a lesson");
    s.open_inline("title = 3\n[[cells]]\n");
    assert!(
        message(&s).starts_with("The lesson in this link cannot be opened"),
        "{}",
        message(&s)
    );
    assert_eq!(s.lesson(), before);
}

#[test]
fn damaged_saved_answers_are_kept_aside_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = parse_lesson(ONE_NEURON, Syntax::Toml).unwrap();
    let probe = AppState::new(lesson.clone(), Box::new(PageDialogs::new(None)));
    let file = mlp_notebook::app::progress::progress_file(dir.path(), &probe.student.lesson_key);
    std::fs::write(&file, "{ \"format_version\": 1, \"exercises\": [").unwrap();
    let s = AppState::new(lesson, Box::new(PageDialogs::new(Some(dir.path().to_path_buf()))));
    let shown = message(&s);
    assert!(
        shown.starts_with("Your saved answers for this lesson could not be read"),
        "{shown}"
    );
    let aside = file.with_extension("unreadable.json");
    assert!(shown.contains(&aside.display().to_string()), "{shown}");
    assert_eq!(
        std::fs::read_to_string(&aside).unwrap(),
        "{ \"format_version\": 1, \"exercises\": ["
    );
    // The lesson's own file starts afresh: the next start reads it and says nothing.
    let again = AppState::new(
        parse_lesson(ONE_NEURON, Syntax::Toml).unwrap(),
        Box::new(PageDialogs::new(Some(dir.path().to_path_buf()))),
    );
    assert_eq!(message(&again), "");
}

/// eframe's storage, in memory.
#[derive(Default)]
struct Store(BTreeMap<String, String>);

impl eframe::Storage for Store {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn settings_that_cannot_be_read_are_kept_aside_at_the_next_save() {
    let mut store = Store::default();
    store.set_string(SETTINGS_KEY, "(view: (zoom: \"big\"".into());
    let (state, raw) = starting_state(Box::new(PageDialogs::new(None)), Some(&store));
    assert!(
        message(&state).starts_with("Your settings could not be read"),
        "{}",
        message(&state)
    );
    assert_eq!(state.session.settings, mlp_notebook::app::Settings::default());
    let mut app = NotebookApp::new(state).keep_unreadable_settings(raw);
    eframe::App::save(&mut app, &mut store);
    assert_eq!(
        store
            .get_string(mlp_notebook::window::UNREADABLE_SETTINGS_KEY)
            .as_deref(),
        Some("(view: (zoom: \"big\"")
    );
    // The settings in use replace them; read back, they are the defaults.
    let (again, raw) = starting_state(Box::new(PageDialogs::new(None)), Some(&store));
    assert_eq!(raw, None);
    assert_eq!(message(&again), "");
}

#[test]
fn stored_settings_come_back() {
    let mut store = Store::default();
    let mut s = AppState::builtin_headless();
    s.apply(Command::SetDark(true));
    s.apply(Command::SetZoom(1.5));
    let mut app = NotebookApp::new(s);
    eframe::App::save(&mut app, &mut store);
    let (back, raw) = starting_state(Box::new(PageDialogs::new(None)), Some(&store));
    assert_eq!(raw, None);
    assert!(back.session.settings.view.dark);
    assert_eq!(back.session.settings.view.zoom, 1.5);
}

#[test]
fn a_file_that_arrives_as_bytes_opens_through_the_dialogs() {
    let mut s = AppState::new(Lesson::builtin(), Box::new(PageDialogs::new(None)));
    s.open_bytes("neuron.toml", ONE_NEURON.as_bytes(), None);
    assert_eq!(s.doc.title, "One neuron");
    let before = s.lesson();
    s.open_bytes("broken.toml", b"title = [", None);
    assert!(message(&s).starts_with("Could not open broken.toml"), "{}", message(&s));
    assert_eq!(s.lesson(), before, "a bad file leaves the page as it was");
    s.open_bytes("latin1.toml", &[0x74, 0xe9, 0x74], None);
    assert!(message(&s).starts_with("Could not open latin1.toml"), "{}", message(&s));
    // On the desktop a file always has a path: bytes alone cannot be kept.
    let mut desktop = AppState::builtin_headless();
    desktop.open_bytes("neuron.toml", ONE_NEURON.as_bytes(), None);
    assert!(
        message(&desktop).contains("came without a place"),
        "{}",
        message(&desktop)
    );
}

#[test]
fn damaged_answers_and_damaged_settings_are_both_named() {
    let dir = tempfile::tempdir().unwrap();
    let probe = AppState::builtin_headless();
    let file = mlp_notebook::app::progress::progress_file(dir.path(), &probe.student.lesson_key);
    std::fs::write(&file, "not json").unwrap();
    let mut store = Store::default();
    store.set_string(SETTINGS_KEY, "(view:".into());
    let (s, _) = starting_state(Box::new(PageDialogs::new(Some(dir.path().to_path_buf()))), Some(&store));
    let shown = message(&s);
    assert!(
        shown.starts_with("Your saved answers for this lesson could not be read"),
        "{shown}"
    );
    assert!(shown.contains("\nYour settings could not be read"), "{shown}");
}
