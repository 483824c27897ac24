//! File access for the command line and the window: reading text with a size limit, writing
//! atomically, and loading and saving network files.
//!
//! The engine ([`crate::nn`]) never touches the file system; this module is the one place that
//! does. Every error names the file it is about.
//!
//! Only regular files are read: a folder, a device (`/dev/tty`, `/dev/zero`) or a named pipe is
//! refused from its metadata before it is opened, and files are opened without blocking, so no
//! path can make a read wait forever or run without end.
//!
//! A lesson is a file students get from strangers, so the files it names (network files by
//! `path`, CSV data, Markdown images) are read with [`read_inside`]: the name is resolved against
//! the lesson's folder, symbolic links included, and anything that lands outside it is refused
//! with [`FileError::Outside`], whose message is the same whether or not the file exists.

use crate::nn::doc::{self, DocError, MAX_FILE_BYTES, NetworkDoc, Syntax};
use std::fs::{self, File};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Why a file could not be read or written. Each message starts with the file's name.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: cannot read: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}: the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge { path: String, size: u64, limit: usize },
    #[error("{path}: not a regular file ({what}); only regular files are read")]
    NotRegular { path: String, what: &'static str },
    #[error(
        "{path}: the lesson tried to read outside its folder; a lesson reads only files in its own folder \
         (open the file yourself, or copy it into the lesson's folder)"
    )]
    Outside { path: String },
    #[error("{path}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { path: String, offset: usize },
    #[error("{path}: cannot write: {source}")]
    Write { path: String, source: io::Error },
    #[error("{path}: unknown file type; network files end in .json or .toml")]
    UnknownExtension { path: String },
    #[error("{path}: not written, the file is left as it was: {source}")]
    NotWritten {
        path: String,
        source: crate::nn::serialize::SerializeError,
    },
}

/// How a path is written in messages.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Whether `path` is a folder.
pub fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

/// The entries of a folder (files and folders), unsorted.
pub fn list_dir(path: &Path) -> Result<Vec<PathBuf>, FileError> {
    let read_err = |source: io::Error| FileError::Read {
        path: shown(path),
        source,
    };
    fs::read_dir(path)
        .map_err(read_err)?
        .map(|e| e.map(|e| e.path()).map_err(read_err))
        .collect()
}

/// Creates a folder and its parents (an existing one is fine).
pub fn create_dir_all(path: &Path) -> Result<(), FileError> {
    fs::create_dir_all(path).map_err(|source| FileError::Write {
        path: shown(path),
        source,
    })
}

/// Reads a UTF-8 text file, refusing files over [`MAX_FILE_BYTES`] before reading them.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    let bytes = read_bytes(path, MAX_FILE_BYTES)?;
    utf8(bytes, &shown(path))
}

/// Reads a regular file of at most `limit` bytes: the metadata is checked before opening (a
/// folder, device or pipe is refused), the file is opened without blocking and checked again.
pub fn read_bytes(path: &Path, limit: usize) -> Result<Vec<u8>, FileError> {
    let name = shown(path);
    let read_err = |source: io::Error| {
        if source.kind() == io::ErrorKind::NotFound {
            FileError::NotFound { path: name.clone() }
        } else {
            FileError::Read {
                path: name.clone(),
                source,
            }
        }
    };
    regular(&fs::metadata(path).map_err(read_err)?, &name)?;
    let file = open_nonblocking(path).map_err(read_err)?;
    // The path may have been replaced between the check and the open.
    let meta = file.metadata().map_err(read_err)?;
    regular(&meta, &name)?;
    if meta.len() > limit as u64 {
        return Err(FileError::TooLarge {
            path: name,
            size: meta.len(),
            limit,
        });
    }
    read_up_to(file, &name, limit)
}

/// Refuses anything but a regular file, saying what it is.
fn regular(meta: &fs::Metadata, name: &str) -> Result<(), FileError> {
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a folder"
    } else if meta.file_type().is_symlink() {
        "a symbolic link"
    } else {
        "a device, pipe or socket"
    };
    Err(FileError::NotRegular {
        path: name.to_string(),
        what,
    })
}

/// Opens for reading; on Unix without blocking, so a named pipe with no writer cannot hang.
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

fn read_up_to(reader: impl io::Read, name: &str, limit: usize) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| FileError::Read {
            path: name.to_string(),
            source,
        })?;
    if bytes.len() > limit {
        return Err(FileError::TooLarge {
            path: name.to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn utf8(bytes: Vec<u8>, name: &str) -> Result<String, FileError> {
    String::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        path: name.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads the text file a lesson in `folder` names as `name` (see [`resolve_inside`]).
pub fn read_inside(folder: &Path, name: &str) -> Result<String, FileError> {
    let path = resolve_inside(folder, name)?;
    utf8(read_bytes(&path, MAX_FILE_BYTES)?, &shown(&path))
}

/// Reads a file of at most `limit` bytes that a lesson in `folder` names as `name` (images).
pub fn read_bytes_inside(folder: &Path, name: &str, limit: usize) -> Result<Vec<u8>, FileError> {
    read_bytes(&resolve_inside(folder, name)?, limit)
}

/// The file a lesson in `folder` names as `name`: a relative path (`/` or the system's
/// separator) resolved against the folder, every symbolic link followed. An absolute path, a
/// `..` that climbs out, or a link that leads out is [`FileError::Outside`], decided without
/// asking whether the target exists, so the message tells nothing about files outside. A name
/// that is missing inside the folder is [`FileError::NotFound`].
#[cfg(target_arch = "wasm32")]
pub fn resolve_inside(folder: &Path, name: &str) -> Result<PathBuf, FileError> {
    // A page has no folders to climb or links to follow: its files are the ones the student
    // picked or dropped, kept by name. The name alone decides.
    normalise(Path::new(name))
        .map(|relative| folder.join(relative))
        .ok_or_else(|| FileError::Outside { path: name.to_string() })
}

#[cfg(not(target_arch = "wasm32"))]
pub fn resolve_inside(folder: &Path, name: &str) -> Result<PathBuf, FileError> {
    let outside = || FileError::Outside { path: name.to_string() };
    let relative = normalise(Path::new(name)).ok_or_else(outside)?;
    let root = fs::canonicalize(folder).map_err(|source| FileError::Read {
        path: shown(folder),
        source,
    })?;
    let mut cur = root.clone();
    let mut hops = 0;
    for part in relative.components() {
        let next = cur.join(part);
        match fs::symlink_metadata(&next) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(FileError::NotFound { path: shown(&next) });
            }
            Err(source) => {
                return Err(FileError::Read {
                    path: shown(&next),
                    source,
                });
            }
            Ok(meta) if meta.file_type().is_symlink() => {
                hops += 1;
                if hops > 40 {
                    return Err(outside());
                }
                let target = fs::read_link(&next).map_err(|source| FileError::Read {
                    path: shown(&next),
                    source,
                })?;
                let joined = cur.join(target);
                match fs::canonicalize(&joined) {
                    Ok(c) if c.starts_with(&root) => cur = c,
                    Ok(_) => return Err(outside()),
                    // A link to nothing: missing if it points inside, refused if it points out.
                    Err(_) => {
                        return match normalise_absolute(&joined) {
                            Some(p) if p.starts_with(&root) => Err(FileError::NotFound { path: shown(&next) }),
                            _ => Err(outside()),
                        };
                    }
                }
            }
            Ok(_) => cur = next,
        }
    }
    Ok(cur)
}

/// `path` without `.` and with each `..` taking away the part before it; `None` when the path
/// is absolute (or has a drive) or climbs above where it starts.
fn normalise(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// An absolute path with `.` and `..` taken out lexically.
#[cfg(not(target_arch = "wasm32"))]
fn normalise_absolute(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// Reads at most [`MAX_FILE_BYTES`] from any reader (a file that grew, or standard input).
pub fn read_limited(reader: impl io::Read, name: &str) -> Result<String, FileError> {
    utf8(read_up_to(reader, name, MAX_FILE_BYTES)?, name)
}

/// Writes `bytes` to `path` so that a crash never leaves a half-written file: a temporary file
/// in the same folder is written, flushed and synced, then renamed over the target. A write
/// that fails (a full disk, a file-size limit) removes the temporary file and leaves the
/// target as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    ignore_file_size_signal();
    let write_err = |source: io::Error| FileError::Write {
        path: shown(path),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| write_err(io::Error::other("the path names no file")))?;
    let (tmp, mut file) = create_temp(&dir, &file_name.to_string_lossy()).map_err(write_err)?;
    let result = (|| {
        file.write_all(bytes)?;
        file.flush()?;
        // Keep the permissions of a file being replaced.
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        // Closed before the rename (Windows cannot rename an open file). In the browser's
        // build `File` is a stand-in without a destructor, which the lint notices.
        #[allow(clippy::drop_non_drop)]
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(write_err(e));
    }
    // Make the rename itself durable where the platform allows syncing a folder.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Makes a write past the file-size limit (`ulimit -f`) fail with an error instead of killing
/// the process: by default the kernel sends SIGXFSZ, which ends the program mid-write and leaves
/// the temporary file behind. Ignored once per process, before the first write.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(ignore_sigxfsz);
    }
}

/// Sets SIGXFSZ's disposition to "ignore", the one call this crate makes to the C library.
#[cfg(unix)]
#[allow(unsafe_code)]
fn ignore_sigxfsz() {
    // SAFETY: `signal` with `SIG_IGN` installs no handler (no Rust code runs in signal context)
    // and only changes how this process treats SIGXFSZ; a write past the limit then returns
    // EFBIG, which `write_atomic` reports. The previous disposition is not needed, and the
    // call cannot fail for a valid signal number.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Creates a new temporary file beside the target (never overwriting an existing one).
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last = None;
    for n in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("cannot create a temporary file")))
}

/// An exclusive lock on a file, held until dropped.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

/// Opens (creating it if missing) the lock file `PATH.lock` beside `path`.
fn open_lock_file(path: &Path) -> Result<(File, PathBuf), FileError> {
    let lock_path = lock_path(path);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| FileError::Write {
            path: shown(&lock_path),
            source,
        })?;
    Ok((file, lock_path))
}

/// Takes an exclusive advisory lock on `PATH.lock` beside `path` (created if missing), waiting
/// while another process holds it: writers of one file that all take it take turns. The lock
/// file stays; the lock ends when the returned value is dropped or the process ends (also on
/// kill -9, so a crash never leaves a file locked).
pub fn lock_beside(path: &Path) -> Result<FileLock, FileError> {
    let (file, lock_path) = open_lock_file(path)?;
    file.lock().map_err(|source| FileError::Write {
        path: shown(&lock_path),
        source,
    })?;
    Ok(FileLock { _file: file })
}

/// The lock on `PATH.lock` beside `path` if no other process (or open file) holds it now;
/// `Ok(None)` when one does.
pub fn try_lock_beside(path: &Path) -> Result<Option<FileLock>, FileError> {
    let (file, lock_path) = open_lock_file(path)?;
    let write_err = |source: io::Error| FileError::Write {
        path: shown(&lock_path),
        source,
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(FileLock { _file: file })),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(write_err(e)),
    }
}

/// `PATH.lock`.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// The syntax a network file is written in, from its extension (`.json` or `.toml`).
pub fn syntax_for_path(path: &Path) -> Option<Syntax> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "json" => Some(Syntax::Json),
        "toml" => Some(Syntax::Toml),
        _ => None,
    }
}

/// Parses network-file text read from `name` (a path or `-`); every problem is prefixed with
/// the name.
pub fn parse_network(name: &str, text: &str) -> Result<NetworkDoc, DocError> {
    doc::parse(text, Syntax::guess(name, text)).map_err(|e| e.in_file(name))
}

/// Reads, parses and validates a network file (or a reference case). Every problem is listed,
/// each prefixed with the file name.
pub fn load_network(path: &Path) -> Result<NetworkDoc, DocError> {
    let text = read_text(path).map_err(|e| DocError {
        problems: vec![e.to_string()],
    })?;
    parse_network(&shown(path), &text)
}

/// Writes a network file, JSON or TOML by the path's extension, atomically.
pub fn save_network(path: &Path, doc: &NetworkDoc) -> Result<(), FileError> {
    let syntax = syntax_for_path(path).ok_or_else(|| FileError::UnknownExtension { path: shown(path) })?;
    let text = doc.write(syntax).map_err(|source| FileError::NotWritten {
        path: shown(path),
        source,
    })?;
    write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, Layer, Loss, LossKind, Matrix, Network, OptimizerConfig, Vector};

    fn small_doc(loss: Loss) -> NetworkDoc {
        let layer = Layer {
            activation: Activation::Tanh,
            weights: Matrix::from_row_slice(2, 3, &[0.1, -0.2, 0.3, 1.0 / 3.0, 2.0, -0.0]),
            bias: Vector::from_vec(vec![1e-8, -7.5]),
        };
        NetworkDoc {
            name: Some("tiny".into()),
            net: Network::new(3, vec![layer]).unwrap(),
            loss,
            x: Matrix::from_column_slice(3, 2, &[1.0, 2.0, 3.0, 0.25, 0.5, 0.75]),
            y: Matrix::from_column_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]),
            optimizer: OptimizerConfig::sgd(0.1),
            case_steps: None,
            scaling: None,
        }
    }

    #[test]
    fn missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope.toml");
        let e = read_text(&p).unwrap_err().to_string();
        assert!(e.contains("nope.toml") && e.contains("no such file"), "{e}");
    }

    #[test]
    fn non_utf8_is_refused_with_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.toml");
        fs::write(&p, b"inputs = 1\n\xff\xfe").unwrap();
        let e = read_text(&p).unwrap_err().to_string();
        // "inputs = 1\n" is 11 bytes, so the first bad byte is at offset 11.
        assert!(
            e.contains("bad.toml") && e.contains("not UTF-8") && e.contains("offset 11"),
            "{e}"
        );
    }

    #[test]
    fn oversized_file_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.json");
        let f = File::create(&p).unwrap();
        f.set_len(MAX_FILE_BYTES as u64 + 1).unwrap();
        let e = read_text(&p).unwrap_err().to_string();
        assert!(
            e.contains(&format!("{} bytes", MAX_FILE_BYTES + 1)) && e.contains(&format!("limit is {MAX_FILE_BYTES}")),
            "{e}"
        );
    }

    #[test]
    fn write_atomic_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, b"first version, longer").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "second");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.txt")]);
    }

    #[test]
    fn write_atomic_into_a_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/folder/out.json");
        let e = write_atomic(&p, b"{}").unwrap_err().to_string();
        assert!(e.contains("out.json") && e.contains("cannot write"), "{e}");
    }

    #[test]
    fn networks_round_trip_exactly_in_both_syntaxes() {
        let dir = tempfile::tempdir().unwrap();
        for loss in [
            Loss::new(LossKind::Mse),
            Loss::new(LossKind::Huber { delta: 0.5 }),
            Loss {
                kind: LossKind::Mae,
                reduction: crate::nn::Reduction::Sum,
            },
        ] {
            let doc = small_doc(loss);
            for ext in ["json", "toml"] {
                let p = dir.path().join(format!("net.{ext}"));
                save_network(&p, &doc).unwrap();
                let back = load_network(&p).unwrap_or_else(|e| panic!("{ext} {loss:?}: {e}"));
                assert_eq!(back, doc, "{ext} {loss:?}");
            }
        }
    }

    #[test]
    fn unknown_extension_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("net.yaml");
        let e = save_network(&p, &small_doc(Loss::new(LossKind::Mse)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("net.yaml") && e.contains(".json or .toml"), "{e}");
        assert!(!p.exists());
    }

    #[test]
    fn load_errors_carry_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("broken.json");
        fs::write(&p, "{\n  \"inputs\": 2,\n  \"layers\": [\n").unwrap();
        let e = load_network(&p).unwrap_err();
        assert_eq!(e.problems.len(), 1);
        assert!(e.problems[0].starts_with(&format!("{}: line ", p.display())), "{e}");
    }

    /// A lesson's folder `lesson/` beside a folder `secret/` holding `net.toml`.
    fn lesson_and_secret() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let lesson = dir.path().join("lesson");
        fs::create_dir_all(lesson.join("networks")).unwrap();
        fs::create_dir_all(dir.path().join("secret")).unwrap();
        fs::write(lesson.join("networks/inside.toml"), "inside").unwrap();
        fs::write(dir.path().join("secret/net.toml"), "secret").unwrap();
        (dir, lesson)
    }

    #[test]
    fn a_lesson_reads_inside_its_folder() {
        let (_dir, lesson) = lesson_and_secret();
        assert_eq!(read_inside(&lesson, "networks/inside.toml").unwrap(), "inside");
        assert_eq!(
            read_inside(&lesson, "./networks/../networks/inside.toml").unwrap(),
            "inside"
        );
        let e = read_inside(&lesson, "networks/missing.toml").unwrap_err();
        assert!(matches!(e, FileError::NotFound { .. }), "{e}");
    }

    #[test]
    fn paths_out_of_the_folder_are_refused_with_one_message() {
        let (dir, lesson) = lesson_and_secret();
        let secret = dir.path().join("secret/net.toml");
        for name in [
            "../secret/net.toml".to_string(),
            "networks/../../secret/net.toml".to_string(),
            secret.display().to_string(),
            "/etc/passwd".to_string(),
        ] {
            let e = read_inside(&lesson, &name).unwrap_err();
            assert!(matches!(e, FileError::Outside { .. }), "{name}: {e}");
            assert_eq!(
                e.to_string(),
                format!(
                    "{name}: the lesson tried to read outside its folder; a lesson reads only files in its own \
                     folder (open the file yourself, or copy it into the lesson's folder)"
                )
            );
        }
        // No oracle: a file that does not exist outside gets the very same message.
        let there = read_inside(&lesson, "../secret/net.toml").unwrap_err().to_string();
        fs::remove_file(&secret).unwrap();
        let gone = read_inside(&lesson, "../secret/net.toml").unwrap_err().to_string();
        assert_eq!(there, gone);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_before_deciding() {
        use std::os::unix::fs::symlink;
        let (dir, lesson) = lesson_and_secret();
        let secret = dir.path().join("secret");
        symlink(secret.join("net.toml"), lesson.join("link.toml")).unwrap();
        symlink(&secret, lesson.join("linked-folder")).unwrap();
        symlink(secret.join("nothing.toml"), lesson.join("dangling-out.toml")).unwrap();
        symlink("networks/inside.toml", lesson.join("inner-link.toml")).unwrap();
        symlink("networks/nothing.toml", lesson.join("dangling-in.toml")).unwrap();
        for name in ["link.toml", "linked-folder/net.toml", "dangling-out.toml"] {
            let e = read_inside(&lesson, name).unwrap_err();
            assert!(matches!(e, FileError::Outside { .. }), "{name}: {e}");
        }
        assert_eq!(read_inside(&lesson, "inner-link.toml").unwrap(), "inside");
        let e = read_inside(&lesson, "dangling-in.toml").unwrap_err();
        assert!(matches!(e, FileError::NotFound { .. }), "{e}");
        // The lesson's own folder may be reached through a link.
        symlink(&lesson, dir.path().join("via-link")).unwrap();
        assert_eq!(
            read_inside(&dir.path().join("via-link"), "networks/inside.toml").unwrap(),
            "inside"
        );
    }

    #[test]
    fn a_folder_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_text(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a regular file (a folder)"), "{e}");
    }

    /// Runs `f` on another thread and fails if it does not finish within ten seconds (a read
    /// that blocks would otherwise hang the test run).
    #[cfg(unix)]
    fn within_ten_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the read returned instead of blocking")
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        for path in [fifo.clone(), PathBuf::from("/dev/zero"), PathBuf::from("/dev/null")] {
            let e = within_ten_seconds(move || read_text(&path).map_err(|e| e.to_string()));
            let e = e.unwrap_err();
            assert!(e.contains("not a regular file (a device, pipe or socket)"), "{e}");
        }
        // Named inside a lesson's folder, a pipe is refused the same way.
        let d = dir.path().to_path_buf();
        let e = within_ten_seconds(move || read_inside(&d, "pipe.toml").map_err(|e| e.to_string())).unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
    }
}
