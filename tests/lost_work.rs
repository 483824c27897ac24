//! Nothing the user did is lost: a network cell read from a file keeps its edits on save, a
//! file changed by another program is not overwritten without asking, two windows on one
//! lesson keep each other's answers, and unsaved edits survive a crash as a recovery file.
//! Driven through `AppState` and, for the questions, the window (egui_kittest).

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mlp_notebook::app::files::Dialogs;
use mlp_notebook::app::save_checks::{SaveAnswer, SaveQuestion};
use mlp_notebook::app::{AppState, Command, Edit, NetCommand};
use mlp_notebook::lesson::Lesson;
use mlp_notebook::window::NotebookApp;
use std::path::{Path, PathBuf};

/// Dialogs that cancel, with the data folder (progress, name, recovery) in a folder of the test's.
struct TestDialogs(PathBuf);

impl Dialogs for TestDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        Some(self.0.join("progress"))
    }
    fn data_dir(&self) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

fn state_in(data: &Path) -> AppState {
    AppState::new(Lesson::builtin(), Box::new(TestDialogs(data.to_path_buf())))
}

fn harness(state: AppState, size: egui::Vec2) -> Harness<'static, NotebookApp> {
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

/// A lesson at `dir/lesson.toml` whose one network cell is read from `net_path` (relative to
/// the lesson), with the network File > New network starts from written there.
fn lesson_with_network_file(dir: &Path, net_path: &str) -> PathBuf {
    let net_file = dir.join(net_path);
    std::fs::create_dir_all(net_file.parent().unwrap()).unwrap();
    let doc = mlp_notebook::app::files::new_network_doc().unwrap();
    mlp_notebook::files::save_network(&net_file, &doc).unwrap();
    let lesson = dir.join("lesson.toml");
    std::fs::write(
        &lesson,
        format!("title = \"From a file\"\n\n[[cells]]\nkind = \"network\"\npath = \"{net_path}\"\n"),
    )
    .unwrap();
    lesson
}

/// Sets W1[1,1] of the first network cell to `value`.
fn edit_weight(s: &mut AppState, value: f64) {
    let cell = s.first_net().expect("a network cell");
    s.apply(Command::Net {
        cell,
        cmd: NetCommand::Edit(Edit::Weight {
            layer: 0,
            row: 0,
            col: 0,
            value,
        }),
    });
    assert!(s.doc.dirty);
}

fn w11(path: &Path) -> f64 {
    mlp_notebook::files::load_network(path).unwrap().net.layers()[0].weights[(0, 0)]
}

#[test]
fn an_edited_network_read_from_a_file_inside_the_folder_is_saved_to_that_file() {
    // Before: the lesson was written with `path = ...` only, the edit was dropped, and the
    // window said "Saved".
    let dir = tempfile::tempdir().unwrap();
    let lesson = lesson_with_network_file(dir.path(), "networks/x.toml");
    let net_file = dir.path().join("networks/x.toml");
    let mut s = state_in(dir.path());
    s.open_path(&lesson);
    assert_ne!(w11(&net_file), 0.625);
    edit_weight(&mut s, 0.625);
    s.apply(Command::Save);
    assert_eq!(s.session.save_question, None, "inside the lesson's folder: no question");
    assert!(!s.doc.dirty);
    assert_eq!(w11(&net_file), 0.625, "the edit is in the network's file");
    let text = std::fs::read_to_string(&lesson).unwrap();
    assert!(text.contains("path = \"networks/x.toml\""), "{text}");
    let shown = s.session.message.as_ref().unwrap().text.clone();
    assert!(shown.contains("networks/x.toml"), "{shown}");
    // Reopened, the lesson shows the edit.
    let mut again = state_in(dir.path());
    again.open_path(&lesson);
    assert_eq!(
        again.net(again.first_net().unwrap()).unwrap().doc.net.layers()[0].weights[(0, 0)],
        0.625
    );
}

#[test]
fn a_lesson_naming_a_network_file_outside_its_folder_is_refused_and_the_file_left_alone() {
    // A lesson reads only its own folder, so a network outside it can be neither shown, edited
    // nor written back: the lesson is refused on opening with the reason.
    let root = tempfile::tempdir().unwrap();
    let lesson_dir = root.path().join("lesson");
    std::fs::create_dir_all(&lesson_dir).unwrap();
    let lesson = lesson_with_network_file(&lesson_dir, "../shared/x.toml");
    let net_file = root.path().join("shared/x.toml");
    let original = std::fs::read_to_string(&net_file).unwrap();
    let mut s = state_in(root.path());
    s.open_path(&lesson);
    let shown = s.session.message.as_ref().expect("a message").text.clone();
    assert!(shown.contains("outside its folder"), "{shown}");
    assert_ne!(s.doc.file.as_deref(), Some(lesson.as_path()));
    s.apply(Command::Save);
    assert_eq!(std::fs::read_to_string(&net_file).unwrap(), original);
}

#[test]
fn a_network_file_another_lesson_in_the_folder_names_is_written_only_when_the_user_says() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = lesson_with_network_file(dir.path(), "networks/x.toml");
    let net_file = dir.path().join("networks/x.toml");
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        "title = \"Other\"\n\n[[cells]]\nkind = \"network\"\npath = \"networks/x.toml\"\n",
    )
    .unwrap();
    let original = std::fs::read_to_string(&net_file).unwrap();
    let mut s = state_in(dir.path());
    s.open_path(&lesson);
    edit_weight(&mut s, 0.625);
    s.apply(Command::Save);
    match &s.session.save_question {
        Some(SaveQuestion::NetworkFilesShared {
            files,
            outside,
            shared_with,
            ..
        }) => {
            assert_eq!(files, &["networks/x.toml"]);
            assert!(!outside);
            assert_eq!(shared_with, &["other.toml"]);
        }
        q => panic!("no question about the shared file: {q:?}"),
    }
    assert_eq!(std::fs::read_to_string(&net_file).unwrap(), original);
    s.apply(Command::SaveAnswer(SaveAnswer::WriteNetworkFiles));
    assert_eq!(w11(&net_file), 0.625);
    assert!(!s.doc.dirty);
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    // Two windows on one file: the other one saved after this one opened it.
    let dir = tempfile::tempdir().unwrap();
    let lesson = lesson_with_network_file(dir.path(), "x.toml");
    let mut s = state_in(dir.path());
    s.open_path(&lesson);
    edit_weight(&mut s, 0.625);
    let theirs = "title = \"Their version\"\n\n[[cells]]\nkind = \"text\"\ntext = \"theirs\"\n";
    std::fs::write(&lesson, theirs).unwrap();

    s.apply(Command::Save);
    assert!(matches!(
        s.session.save_question,
        Some(SaveQuestion::ChangedOnDisk { .. })
    ));
    assert_eq!(std::fs::read_to_string(&lesson).unwrap(), theirs, "not overwritten yet");
    s.apply(Command::SaveAnswer(SaveAnswer::Cancel));
    assert_eq!(std::fs::read_to_string(&lesson).unwrap(), theirs);
    assert!(s.doc.dirty);

    // Reload: their version is shown, the edit here is dropped (the user chose it).
    s.apply(Command::Save);
    s.apply(Command::SaveAnswer(SaveAnswer::Reload));
    assert_eq!(s.doc.title, "Their version");
    assert!(!s.doc.dirty);

    // A file only touched (same content, new time) is not a change.
    let mut s = state_in(dir.path());
    s.open_path(&lesson);
    std::fs::write(&lesson, theirs).unwrap();
    s.apply(Command::Save);
    assert_eq!(s.session.save_question, None);

    // Overwrite: ours replaces theirs, and the next save asks nothing.
    let mut s = state_in(dir.path());
    s.open_path(&lesson);
    s.doc.title = "Mine".into();
    s.doc.dirty = true;
    std::fs::write(&lesson, theirs.replace("theirs", "theirs, again")).unwrap();
    s.apply(Command::Save);
    s.apply(Command::SaveAnswer(SaveAnswer::Overwrite));
    assert!(std::fs::read_to_string(&lesson).unwrap().contains("Mine"));
    s.apply(Command::Save);
    assert_eq!(s.session.save_question, None);
}

#[test]
fn the_changed_on_disk_question_is_answered_with_the_keyboard_or_the_mouse() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = lesson_with_network_file(dir.path(), "x.toml");
    let mut s = state_in(dir.path());
    s.open_path(&lesson);
    edit_weight(&mut s, 0.625);
    let theirs = "title = \"Their version\"\n\n[[cells]]\nkind = \"text\"\ntext = \"theirs\"\n";
    std::fs::write(&lesson, theirs).unwrap();
    let mut h = harness(s, egui::vec2(1024.0, 700.0));
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    assert!(h.query_by_label("The file changed on disk").is_some());
    // Escape cancels.
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label("The file changed on disk").is_none());
    assert_eq!(std::fs::read_to_string(&lesson).unwrap(), theirs);
    // Asked again; Overwrite writes ours.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label("Overwrite").click();
    h.run();
    assert!(h.query_by_label("The file changed on disk").is_none());
    assert!(!h.state().state.doc.dirty);
    assert_eq!(w11(&dir.path().join("x.toml")), 0.625);
    assert!(!std::fs::read_to_string(&lesson).unwrap().contains("Their version"));
}

/// The state of exercise `id`.
fn exercise<'s>(s: &'s AppState, id: &str) -> &'s mlp_notebook::app::student::ExerciseState {
    s.doc
        .cells
        .iter()
        .find_map(|c| match c {
            mlp_notebook::app::CellState::Exercise(e) if e.exercise.id == id => Some(e),
            _ => None,
        })
        .expect("exercise")
}

/// Sends `action` to exercise `id` and writes the progress.
fn act(s: &mut AppState, id: &str, action: mlp_notebook::app::student::ExerciseAction) {
    let cell = s
        .doc
        .cells
        .iter()
        .position(|c| matches!(c, mlp_notebook::app::CellState::Exercise(e) if e.exercise.id == id))
        .expect("exercise");
    s.apply(Command::Student(mlp_notebook::app::StudentCommand::Exercise {
        cell,
        action,
    }));
    s.save_progress_now();
}

/// Types `text` into the first entry of exercise `id` and writes the progress.
fn answer(s: &mut AppState, id: &str, text: &str) {
    let text = text.into();
    act(
        s,
        id,
        mlp_notebook::app::student::ExerciseAction::Type { row: 0, col: 0, text },
    );
}

/// Presses Check on exercise `id` and writes the progress.
fn check(s: &mut AppState, id: &str) {
    act(s, id, mlp_notebook::app::student::ExerciseAction::Check);
}

/// A window on lesson 2 whose progress goes to `dir` (several such windows share one file).
fn window_on_lesson_2(dir: &Path) -> AppState {
    let lesson = mlp_notebook::lesson::parse_lesson(
        include_str!("../lessons/02-one-neuron.toml"),
        mlp_notebook::nn::doc::Syntax::Toml,
    )
    .unwrap();
    AppState::new(lesson, Box::new(TestDialogs(dir.to_path_buf())))
}

fn entry(s: &AppState, id: &str) -> String {
    exercise(s, id).entries[0][0].clone()
}

#[test]
fn two_windows_on_one_lesson_keep_each_others_answers() {
    // Both open the lesson before either writes; each answers a different exercise. Before,
    // the second write replaced the whole file and the first window's answer was gone.
    let dir = tempfile::tempdir().unwrap();
    let open = || window_on_lesson_2(dir.path());
    let (mut a, mut b) = (open(), open());
    answer(&mut a, "z-of-the-neuron", "1.5");
    answer(&mut b, "a-of-the-neuron", "0.25");
    // A changes its answer again; B's answer stays on disk.
    answer(&mut a, "z-of-the-neuron", "1.75");
    let c = open();
    assert_eq!(entry(&c, "z-of-the-neuron"), "1.75");
    assert_eq!(entry(&c, "a-of-the-neuron"), "0.25");
    // The same exercise answered in both: the later writer's answer stands (it typed last),
    // and the file stays valid.
    answer(&mut b, "z-of-the-neuron", "2");
    let c = open();
    assert_eq!(entry(&c, "z-of-the-neuron"), "2");
    assert_eq!(entry(&c, "a-of-the-neuron"), "0.25");
}

#[test]
fn checks_made_in_two_windows_on_one_exercise_all_count() {
    // A student with two windows on one lesson checks the same exercise twice in each. Before,
    // the later writer's count replaced the other's (2 in the file for 4 checks), so a second
    // window bought a graded lesson's attempts again. Now the file holds 2 + 2 = 4, with the
    // answer the later window typed.
    let dir = tempfile::tempdir().unwrap();
    let open = || window_on_lesson_2(dir.path());
    let attempts = |s: &AppState| exercise(s, "z-of-the-neuron").attempts;
    let (mut a, mut b) = (open(), open());
    for (s, texts) in [(&mut a, ["7", "8"]), (&mut b, ["9", "10"])] {
        for text in texts {
            answer(s, "z-of-the-neuron", text);
            check(s, "z-of-the-neuron");
        }
    }
    assert_eq!((attempts(&a), attempts(&b)), (2, 2));
    let c = open();
    assert_eq!(entry(&c, "z-of-the-neuron"), "10");
    assert_eq!(attempts(&c), 4);
    // A third check in A adds one more: B's two are not counted twice.
    check(&mut a, "z-of-the-neuron");
    assert_eq!(attempts(&open()), 5);
}

#[test]
fn writers_of_one_progress_file_take_turns() {
    // Eight threads each read, merge and write 25 times under the lock: every write sees the
    // one before, so the file always parses and the counter in it reaches 8 x 25.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    std::fs::write(&file, "0").unwrap();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..25 {
                    mlp_notebook::app::files::with_lock(&file, || {
                        let n: u32 = std::fs::read_to_string(&file).unwrap().trim().parse().unwrap();
                        mlp_notebook::app::files::write_bytes(&file, (n + 1).to_string().as_bytes())
                    })
                    .unwrap();
                }
            });
        }
    });
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "200");
}

#[test]
fn unsaved_changes_survive_a_crash_and_are_offered_on_the_next_start() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lesson = lesson_with_network_file(dir.path(), "networks/x.toml");
    let net_file = dir.path().join("networks/x.toml");
    let before = std::fs::read_to_string(&net_file).unwrap();

    // A window edits and, 5 seconds later, keeps a recovery file; then it is killed (forgotten:
    // no destructor, no save).
    let mut s = state_in(data.path());
    s.open_path(&lesson);
    s.session.now = 100.0;
    edit_weight(&mut s, 0.625);
    s.save_recovery_if_due();
    let recovery = data.path().join("recovery");
    let kept = || {
        mlp_notebook::app::files::list_dir(&recovery)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .count()
    };
    assert_eq!(kept(), 1, "written at the first change");
    edit_weight(&mut s, 0.75);
    s.session.now = 103.0;
    assert_eq!(s.save_recovery_if_due(), Some(2.0), "the next write is due in 2 s");
    s.session.now = 105.0;
    s.save_recovery_if_due();

    // While that window runs, a second one does not offer its changes.
    let mut other = state_in(data.path());
    other.offer_recovery();
    assert!(
        other.session.restore_offer.is_none(),
        "a live window's changes are not offered"
    );
    std::mem::forget(s);
    // The process did not end, so its lock is held: a forgotten window still looks alive. Stand
    // in for the kernel releasing it at kill -9 by taking the lock's file away.
    for p in mlp_notebook::app::files::list_dir(&recovery) {
        if p.extension().is_some_and(|e| e == "lock") {
            std::fs::remove_file(p).unwrap();
        }
    }

    // The next start offers them.
    let mut s = state_in(data.path());
    s.offer_recovery();
    let offer = s.session.restore_offer.as_ref().expect("offered");
    assert_eq!(offer.record.title, "From a file");
    assert!(offer.age < 60);
    let mut h = harness(s, egui::vec2(1024.0, 700.0));
    assert!(h.query_by_label("Restore unsaved changes?").is_some());
    h.get_by_label("Restore").click();
    h.run();
    assert!(h.query_by_label("Restore unsaved changes?").is_none());
    let st = &h.state().state;
    assert!(st.doc.dirty, "restored as unsaved changes");
    assert_eq!(st.doc.file.as_deref(), Some(lesson.as_path()));
    let n = st.net(st.first_net().unwrap()).unwrap();
    assert_eq!(n.doc.net.layers()[0].weights[(0, 0)], 0.75, "the last kept edit");
    assert_eq!(n.options.path.as_deref(), Some("networks/x.toml"));
    assert_eq!(
        std::fs::read_to_string(&net_file).unwrap(),
        before,
        "nothing written yet"
    );
    assert_eq!(kept(), 1, "the restored changes are kept under this window's own file");

    // Saving writes them and removes the recovery file.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!h.state().state.doc.dirty);
    assert_eq!(w11(&net_file), 0.75);
    assert_eq!(kept(), 0, "a clean save removes it");
}

#[test]
fn discarding_the_changes_removes_the_recovery_file_and_escape_asks_later() {
    let data = tempfile::tempdir().unwrap();
    let mut s = state_in(data.path());
    edit_weight(&mut s, 0.625);
    s.save_recovery_if_due();
    let recovery = data.path().join("recovery");
    let kept = || {
        mlp_notebook::app::files::list_dir(&recovery)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .count()
    };
    assert_eq!(kept(), 1);
    // "Discard changes" in the unsaved-changes question removes it.
    s.apply(Command::OpenBuiltin);
    s.apply(Command::CloseAnswer(mlp_notebook::app::CloseAnswer::Discard));
    assert!(!s.doc.dirty);
    assert_eq!(kept(), 0);

    // Left behind by a crash: Escape answers "Later" (kept, not offered again in this run),
    // "Discard them" deletes it.
    edit_weight(&mut s, 0.5);
    s.save_recovery_if_due();
    std::mem::forget(s);
    for p in mlp_notebook::app::files::list_dir(&recovery) {
        if p.extension().is_some_and(|e| e == "lock") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let mut s = state_in(data.path());
    s.offer_recovery();
    let mut h = harness(s, egui::vec2(1280.0, 800.0));
    assert!(h.query_by_label("Restore unsaved changes?").is_some());
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label("Restore unsaved changes?").is_none());
    assert_eq!(kept(), 1);
    let mut s = state_in(data.path());
    s.offer_recovery();
    let mut h = harness(s, egui::vec2(1280.0, 800.0));
    h.get_by_label("Discard them").click();
    h.run();
    assert_eq!(kept(), 0);
    assert!(!h.state().state.doc.dirty);
}
