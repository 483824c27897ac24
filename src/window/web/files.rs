//! Files in the browser, behind [`Dialogs`]: the student's progress in the page's local
//! storage, files picked with the browser's file picker or dropped on the page kept in memory
//! (under their name), and every write of a file the student asked for (save, export,
//! worksheet, submission) as a download of that name.
//!
//! A pick is asynchronous in the browser: `pick_open` starts the picker and returns nothing;
//! the file, once read, arrives in [`Inbox`] and the page opens it on the next frame.

use crate::app::files::{Dialogs, TextReader};
use crate::nn::doc::MAX_FILE_BYTES;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast as _;

/// The folder progress files are kept in (a prefix of local-storage keys).
pub const PROGRESS_DIR: &str = "progress";
/// What every local-storage key of the app starts with.
pub const STORAGE_PREFIX: &str = "mlp-notebook/";

/// A file read in the browser and not yet opened.
pub struct Arrived {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Files and messages that arrived since the last frame, and the context to wake.
#[derive(Default)]
pub struct Inbox {
    pub files: Vec<Arrived>,
    pub errors: Vec<String>,
    pub ctx: Option<egui::Context>,
}

impl Inbox {
    fn wake(&self) {
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint();
        }
    }
}

/// Shared between the page and its [`WebFiles`].
pub type SharedInbox = Rc<RefCell<Inbox>>;

/// Files by path, held in memory (picked or dropped files).
type Memory = Arc<Mutex<BTreeMap<PathBuf, Vec<u8>>>>;

/// The browser's files.
pub struct WebFiles {
    memory: Memory,
    inbox: SharedInbox,
}

impl WebFiles {
    pub fn new(inbox: SharedInbox) -> WebFiles {
        WebFiles {
            memory: Memory::default(),
            inbox,
        }
    }

    /// Opens the browser's file picker; the file arrives in the inbox.
    fn pick(&self, title: &str, filters: &[(&str, &[&str])]) {
        let mut dialog = rfd::AsyncFileDialog::new().set_title(title);
        for (name, ext) in filters {
            dialog = dialog.add_filter(*name, ext);
        }
        let inbox = self.inbox.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(handle) = dialog.pick_file().await {
                let name = handle.file_name();
                let bytes = handle.read().await;
                let mut inbox = inbox.borrow_mut();
                inbox.files.push(Arrived { name, bytes });
                inbox.wake();
            }
        });
    }
}

/// The local-storage key of a progress file, if `path` is one.
fn storage_key(path: &Path) -> Option<String> {
    let name = path.strip_prefix(PROGRESS_DIR).ok()?;
    Some(format!("{STORAGE_PREFIX}{PROGRESS_DIR}/{}", name.display()))
}

fn local_storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| "the browser's storage is not available (private mode or blocked by the browser)".to_string())
}

fn text_of(path: &Path, bytes: &[u8]) -> Result<String, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{}: the file is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
            path.display(),
            bytes.len()
        ));
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn read_memory(memory: &Memory, path: &Path) -> Result<String, String> {
    let memory = memory
        .lock()
        .map_err(|_| "the page's files are unavailable".to_string())?;
    match memory.get(path) {
        Some(bytes) => text_of(path, bytes),
        None => Err(format!(
            "{}: not available in the browser; open it with File > Open or drop it on the page",
            path.display()
        )),
    }
}

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let js = |e: wasm_bindgen::JsValue| format!("the download could not start: {e:?}");
    let window = web_sys::window().ok_or("no browser window")?;
    let document = window.document().ok_or("no page")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(js)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The download has its own copy of the blob once started.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

impl Dialogs for WebFiles {
    fn pick_open(&self) -> Option<PathBuf> {
        self.pick(
            "Open a lesson, network or CSV",
            &[("Lessons, networks and CSV data", &["toml", "json", "csv"])],
        );
        None
    }
    fn pick_weights(&self) -> Option<PathBuf> {
        self.pick(
            "Import weights",
            &[("Weights from PyTorch or NumPy", &["safetensors", "npz"])],
        );
        None
    }
    fn pick_csv(&self) -> Option<PathBuf> {
        self.pick("Import a CSV data set", &[("CSV", &["csv", "txt"])]);
        None
    }
    /// A save is a download: the "path" is the file's name.
    fn pick_save(&self, suggested_name: &str) -> Option<PathBuf> {
        Some(PathBuf::from(suggested_name))
    }
    fn pick_export(&self, suggested_name: &str, _extension: &str) -> Option<PathBuf> {
        Some(PathBuf::from(suggested_name))
    }
    fn progress_dir(&self) -> Option<PathBuf> {
        Some(PathBuf::from(PROGRESS_DIR))
    }
    fn read_text(&self, path: &Path) -> Result<String, String> {
        match storage_key(path) {
            Some(key) => local_storage()?
                .get_item(&key)
                .map_err(|e| format!("{}: cannot read the browser's storage: {e:?}", path.display()))?
                .ok_or_else(|| format!("{}: no such file", path.display())),
            None => read_memory(&self.memory, path),
        }
    }
    fn read_bytes(&self, path: &Path, limit: usize) -> Result<Vec<u8>, String> {
        let memory = self
            .memory
            .lock()
            .map_err(|_| "the page's files are unavailable".to_string())?;
        match memory.get(path) {
            Some(bytes) if bytes.len() > limit => Err(format!(
                "{}: the file is {} bytes; the limit is {limit} bytes",
                path.display(),
                bytes.len()
            )),
            Some(bytes) => Ok(bytes.clone()),
            None => Err(format!(
                "{}: not available in the browser; pick it with File > Import weights or drop it on the page",
                path.display()
            )),
        }
    }
    fn write_bytes(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        if let Some(key) = storage_key(path) {
            let text = text_of(path, bytes)?;
            return local_storage()?
                .set_item(&key, &text)
                .map_err(|e| format!("the browser's storage refused it (full?): {e:?}"));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "download".into());
        download(&name, bytes)?;
        // A saved lesson opened from a picked file reads back as saved.
        if let Ok(mut memory) = self.memory.lock()
            && let Some(kept) = memory.get_mut(path)
        {
            *kept = bytes.to_vec();
        }
        Ok(())
    }
    fn exists(&self, path: &Path) -> bool {
        match storage_key(path) {
            Some(key) => local_storage().is_ok_and(|s| s.get_item(&key).ok().flatten().is_some()),
            None => self.memory.lock().is_ok_and(|m| m.contains_key(path)),
        }
    }
    fn text_reader(&self) -> TextReader {
        let memory = self.memory.clone();
        Arc::new(move |p: &Path| read_memory(&memory, p))
    }
    fn keep(&self, name: &str, bytes: &[u8]) -> Option<PathBuf> {
        // Only the name: a path some browsers pass along is not one this page can read.
        let name = Path::new(name).file_name()?.to_string_lossy().to_string();
        let path = PathBuf::from(name);
        self.memory.lock().ok()?.insert(path.clone(), bytes.to_vec());
        Some(path)
    }
    /// The page is one thread and its storage has no locks: the write happens in one go.
    fn with_lock(&self, _path: &Path, f: &mut dyn FnMut() -> Result<(), String>) -> Result<(), String> {
        f()
    }
    fn page_address(&self) -> Option<String> {
        let location = web_sys::window()?.location();
        Some(format!("{}{}", location.origin().ok()?, location.pathname().ok()?))
    }
}
