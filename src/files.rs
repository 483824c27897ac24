//! File access for the command line and the window: reading text with a size limit, writing
//! atomically, and loading and saving network files.
//!
//! The engine ([`crate::nn`]) never touches the file system; this module is the one place that
//! does. Every error names the file it is about.

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
    let file = File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if meta.is_dir() {
        return Err(FileError::Read {
            path: name,
            source: io::Error::other("it is a folder, not a file"),
        });
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(FileError::TooLarge {
            path: name,
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    read_limited(file, &name)
}

/// Reads at most [`MAX_FILE_BYTES`] from any reader (a file that grew, or standard input).
pub fn read_limited(reader: impl io::Read, name: &str) -> Result<String, FileError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| FileError::Read {
            path: name.to_string(),
            source,
        })?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            path: name.to_string(),
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| FileError::NotUtf8 {
        path: name.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Writes `bytes` to `path` so that a crash never leaves a half-written file: a temporary file
/// in the same folder is written, flushed and synced, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
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
}
