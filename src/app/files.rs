//! The app's one files module: every read, write and file dialog goes through here, so tests
//! never open a dialog and a web build has one place to change.
//!
//! Reading and writing go through [`Dialogs`] too: on the desktop its default methods reach the
//! disk; in the browser the window's implementation keeps progress in the page's storage, turns a
//! write into a download and serves files the student picked or dropped from memory.

use crate::lesson::{FileKind, Lesson, parse_any_with};
use crate::nn::doc::{NetworkDoc, Syntax};
use crate::nn::{Activation, Loss, LossKind, Matrix, OptimizerConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads a text file by path (a training cell's data file); made by [`Dialogs::text_reader`].
pub type TextReader = Arc<dyn Fn(&Path) -> Result<String, String> + Send + Sync>;

/// File dialogs, the app's data folder and the files themselves. The window uses its native
/// dialogs (or the browser's); tests use [`NoDialogs`] or a stub, and the disk.
pub trait Dialogs {
    fn pick_open(&self) -> Option<PathBuf>;
    fn pick_save(&self, suggested_name: &str) -> Option<PathBuf>;
    /// A CSV data file to import.
    fn pick_csv(&self) -> Option<PathBuf> {
        None
    }
    /// A weight file to import (.safetensors or .npz).
    fn pick_weights(&self) -> Option<PathBuf> {
        None
    }
    /// Where to write an export (a plot's PNG, curves as CSV); `extension` without the dot.
    fn pick_export(&self, _suggested_name: &str, _extension: &str) -> Option<PathBuf> {
        None
    }
    /// Whether the last pick returned nothing because no dialog could open (as opposed to the
    /// user cancelling it): the window then asks for the path itself.
    fn unavailable(&self) -> bool {
        false
    }
    /// The folder the student's progress is saved in; `None` saves nothing (tests give a
    /// temporary folder).
    fn progress_dir(&self) -> Option<PathBuf> {
        None
    }
    /// Reads a text file (with the size limit, as UTF-8).
    fn read_text(&self, path: &Path) -> Result<String, String> {
        crate::files::read_text(path).map_err(|e| e.to_string())
    }
    /// Reads a binary file of at most `limit` bytes (weight files).
    fn read_bytes(&self, path: &Path, limit: usize) -> Result<Vec<u8>, String> {
        crate::files::read_bytes(path, limit).map_err(|e| e.to_string())
    }
    /// Writes a file atomically, making its folder if needed.
    fn write_bytes(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        crate::files::write_atomic(path, bytes).map_err(|e| e.to_string())
    }
    /// Whether `path` names a file that can be read.
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
    /// A reader for the files a lesson names (training data), kept by the cells that read them.
    fn text_reader(&self) -> TextReader {
        Arc::new(|p: &Path| crate::files::read_text(p).map_err(|e| e.to_string()))
    }
    /// Keeps a file that came without a path (dropped on a web page, picked in the browser)
    /// where [`Dialogs::read_text`] finds it, and returns that path; `None` where files always
    /// have a path (the desktop).
    fn keep(&self, _name: &str, _bytes: &[u8]) -> Option<PathBuf> {
        None
    }
    /// The address of the page the app runs in (without query or fragment), which a link to a
    /// lesson starts with; `None` off the web, where no such link can be made.
    fn page_address(&self) -> Option<String> {
        None
    }
    /// The app's data folder: the student's name as last set, recovery files of unsaved
    /// edits. `None` keeps nothing (tests give a temporary folder).
    fn data_dir(&self) -> Option<PathBuf> {
        None
    }
    /// Runs `f` while holding an exclusive lock on `path` (through `PATH.lock` beside it), so
    /// that two windows writing the same file take turns: each reads, merges and writes in one
    /// go.
    fn with_lock(&self, path: &Path, f: &mut dyn FnMut() -> Result<(), String>) -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_dir_all(dir)?;
        }
        with_lock(path, f)
    }
}

/// No dialogs: every request is cancelled.
pub struct NoDialogs;

impl Dialogs for NoDialogs {
    fn pick_open(&self) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
}

/// How a lesson at `lesson_file` names the data file `path`: relative to the lesson's folder
/// (with `/`, on every system) when the file is inside it, so the lesson carries to another
/// machine with its folder; otherwise the full path (which only the user who picked the file
/// can read: a lesson opened later refuses it, as it refuses any file outside its folder).
pub fn path_in_lesson(lesson_file: Option<&Path>, path: &Path) -> String {
    if let Some(dir) = lesson_file.and_then(Path::parent)
        && let Ok(inside) = canonical(path).strip_prefix(canonical(dir))
    {
        let parts: Vec<String> = inside
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        return parts.join("/");
    }
    canonical(path).to_string_lossy().to_string()
}

/// Reads a text file (with the size limit, as UTF-8).
pub fn read_text(path: &Path) -> Result<String, String> {
    crate::files::read_text(path).map_err(|e| e.to_string())
}

/// The most bytes an image file in a lesson may have.
pub const IMAGE_LIMIT: usize = 8 << 20;

/// Reads an image a lesson at `lesson_file` names in its Markdown: only a regular file inside
/// the lesson's folder (links resolved), at most [`IMAGE_LIMIT`] bytes. A lesson with no file
/// (new, or built in) has no folder and reads no image.
pub fn read_lesson_image(lesson_file: Option<&Path>, name: &str) -> Result<Vec<u8>, String> {
    let dir = lesson_file
        .and_then(Path::parent)
        .ok_or_else(|| format!("{name}: the lesson is not saved in a folder, so it shows no image files"))?;
    crate::files::read_bytes_inside(&folder_of(dir), name, IMAGE_LIMIT).map_err(|e| e.to_string())
}

/// A file's folder as a path that can be opened (`""` for a bare file name is the current one).
fn folder_of(dir: &Path) -> PathBuf {
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    }
}

/// Reads a file that a lesson at `lesson_file` names (a network file or CSV data) with `read`:
/// inside the lesson's folder, or a file the user chose themselves in this session (`picked`,
/// canonical paths). Anything else is refused: the lesson tried to read outside its folder.
pub fn read_named(
    read: &dyn Fn(&Path) -> Result<String, String>,
    lesson_file: Option<&Path>,
    picked: &[PathBuf],
    name: &str,
) -> Result<String, String> {
    let p = Path::new(name);
    if p.is_absolute() && picked.contains(&canonical(p)) {
        return read(p);
    }
    match lesson_file.and_then(Path::parent) {
        Some(dir) => {
            let path = crate::files::resolve_inside(&folder_of(dir), name).map_err(|e| e.to_string())?;
            read(&path)
        }
        None => Err(crate::files::FileError::Outside { path: name.to_string() }.to_string()),
    }
}

/// Whether `path` names something on disk.
pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// Creates folder `dir` and its parents.
pub fn create_dir_all(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// The canonical form of `path`, or `path` itself when it cannot be resolved.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

pub use crate::files::FileLock;

/// A file as it was on disk: enough to notice that another program changed it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiskStamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
    hash: u64,
}

/// The stamp of the file at `path`, `None` when it cannot be read.
pub fn disk_stamp(path: &Path) -> Option<DiskStamp> {
    let meta = std::fs::metadata(path).ok()?;
    let bytes = std::fs::read(path).ok()?;
    Some(DiskStamp {
        modified: meta.modified().ok(),
        len: meta.len(),
        hash: crate::lesson::variant::fnv1a64(&bytes),
    })
}

/// Whether the file at `path` changed since `since` was taken: its modification time or length
/// differ and so does its content (a file touched but not changed is the same file). A file
/// that is gone or unreadable has not changed in a way a save would overwrite.
pub fn changed_on_disk(path: &Path, since: &DiskStamp) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.modified().ok() == since.modified && meta.len() == since.len {
        return false;
    }
    disk_stamp(path).is_some_and(|now| now.hash != since.hash || now.len != since.len)
}

/// Whether `path` (which may not exist yet) is inside folder `dir`, after resolving links.
pub fn is_inside(dir: &Path, path: &Path) -> bool {
    let resolved = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => canonical(path),
    };
    resolved.starts_with(canonical(dir))
}

/// Runs `f` while holding an exclusive lock on `path` (through `PATH.lock` beside it), so that
/// two windows writing the same file take turns: each reads, merges and writes in one go.
pub fn with_lock<T>(path: &Path, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let _lock = crate::files::lock_beside(path).map_err(|e| e.to_string())?;
    f()
}

/// An exclusive lock on `PATH.lock`, waiting for it (see [`crate::files::lock_beside`]).
pub fn lock_beside(path: &Path) -> Result<FileLock, String> {
    crate::files::lock_beside(path).map_err(|e| e.to_string())
}

/// The lock on `PATH.lock` if no one holds it now, else `None`.
pub fn try_lock_beside(path: &Path) -> Option<FileLock> {
    crate::files::try_lock_beside(path).ok().flatten()
}

/// Removes a file and its `.lock` file (errors ignored: it may be gone already).
pub fn remove_with_lock(path: &Path) {
    let _ = std::fs::remove_file(path);
    let mut lock = path.as_os_str().to_owned();
    lock.push(".lock");
    let _ = std::fs::remove_file(PathBuf::from(lock));
}

/// The files in folder `dir` (none when it cannot be read).
pub fn list_dir(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    out
}

/// Seconds since 1970 (UTC), from the system clock.
pub fn unix_now() -> u64 {
    web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Nanoseconds since 1970, for names that do not repeat.
pub fn unix_now_nanos() -> u128 {
    web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// The other lesson files in folder `dir` (besides `lesson`) that name network file `named`
/// (the text `"named"` appears in them): by their file names.
pub fn lessons_naming(dir: &Path, named: &str, lesson: &Path) -> Vec<String> {
    let quoted = format!("\"{named}\"");
    let this = canonical(lesson);
    list_dir(dir)
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml") || e.eq_ignore_ascii_case("json"))
                && canonical(p) != this
                && crate::files::read_text(p).is_ok_and(|t| t.contains(&quoted) && t.contains("cells"))
        })
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .collect()
}

/// Reads a network file (`None` when it cannot be read or is not a valid network).
pub fn read_network(path: &Path) -> Option<NetworkDoc> {
    crate::files::load_network(path).ok()
}

/// Writes a network file, JSON or TOML by its extension, atomically.
pub fn write_network(path: &Path, doc: &NetworkDoc) -> Result<(), String> {
    crate::files::save_network(path, doc).map_err(|e| e.to_string())
}

/// Writes bytes atomically (exports).
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::files::write_atomic(path, bytes).map_err(|e| e.to_string())
}

/// Reads a lesson or network file; the error lists every problem with its line and column.
pub fn read_document(files: &dyn Dialogs, path: &Path) -> Result<(Lesson, FileKind), String> {
    let text = files.read_text(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // Network files a lesson names by `path` are read from its folder, and only from there.
    let resolve = |p: &str| read_named(&|q: &Path| files.read_text(q), Some(path), &[], p);
    parse_any_with(&text, Syntax::guess(&name, &text), &resolve).map_err(|e| e.to_string())
}

/// Writes the lesson (or its one network, for a network file) atomically. A lesson that cannot
/// be written as text is an error and the file is not touched.
pub fn write_document(files: &dyn Dialogs, path: &Path, lesson: &Lesson, kind: FileKind) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let syntax = if name.to_ascii_lowercase().ends_with(".json") {
        Syntax::Json
    } else {
        Syntax::Toml
    };
    let single = match (&kind, lesson.cells.as_slice()) {
        (FileKind::Network, [crate::lesson::Cell::Network(d)]) => Some(d),
        _ => None,
    };
    let text = match single {
        Some(doc) => doc.write(syntax),
        None => lesson.write(syntax),
    }
    // The caller names the file ("Could not save PATH: ...").
    .map_err(|e| format!("the file is left as it was: {e}"))?;
    files.write_bytes(path, text.as_bytes())
}

/// The network File > New network starts from: 2 inputs, 3 ReLU units, 1 identity output,
/// small integer weights, one sample.
pub fn new_network_doc() -> Result<NetworkDoc, String> {
    let net = crate::nn::init::init_network(
        &[2, 3, 1],
        Activation::Relu,
        Activation::Identity,
        crate::nn::init::Init::SmallIntegers { k: 2 },
        1,
    )
    .map_err(|e| e.join("; "))?;
    Ok(NetworkDoc {
        name: Some("New network".into()),
        net,
        loss: Loss::new(LossKind::SseHalf),
        x: Matrix::from_column_slice(2, 1, &[1.0, 2.0]),
        y: Matrix::from_column_slice(1, 1, &[1.0]),
        optimizer: OptimizerConfig::sgd(0.01),
        case_steps: None,
        scaling: None,
    })
}
