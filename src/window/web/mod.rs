//! The browser's page: [`start`] runs the same [`NotebookApp`] as the desktop on the page's
//! canvas (`<canvas id="mlp-canvas">`), with the browser's files ([`files::WebFiles`]), the
//! lesson the page address names ([`crate::app::share`]), a panic message shown on the page
//! and, for the browser test, a read-out of what the window shows ([`readout`]).
//!
//! Everything runs on the page's one thread: training takes its slice of each frame as on the
//! desktop.

pub mod files;
pub mod readout;

use super::{NotebookApp, SETTINGS_KEY};
use crate::app::share::{self, Start};
use crate::app::{Command, Settings};
use files::{SharedInbox, WebFiles};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

/// The id of the canvas the app draws on.
pub const CANVAS_ID: &str = "mlp-canvas";
/// The id of the element a panic's message is shown in.
pub const PANIC_ID: &str = "mlp-panic";

/// Starts the app on the page. Called by the binary's `main` in the browser.
pub fn start() {
    install_panic_hook();
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = run().await {
            show_failure(&format!("The app could not start: {e}"));
        }
    });
}

/// Shows a panic's message on the page (a panic stops the app: the page says so instead of
/// freezing). eframe's own hook, installed after this one, logs it to the console and calls it.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        show_failure(&format!(
            "The app stopped because of an error in it (please report it with what you did just before):\n\n{info}\n\nReload the page to start again; your answers were saved as you typed."
        ));
    }));
}

/// Writes `text` into the page's failure box and shows it.
fn show_failure(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = document.get_element_by_id(PANIC_ID) {
        el.set_text_content(Some(text));
        let _ = el.remove_attribute("hidden");
    }
}

async fn run() -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no page")?;
    let canvas: web_sys::HtmlCanvasElement = document
        .get_element_by_id(CANVAS_ID)
        .ok_or_else(|| format!("the page has no <canvas id=\"{CANVAS_ID}\">"))?
        .dyn_into()
        .map_err(|_| format!("#{CANVAS_ID} is not a canvas"))?;
    let runner = eframe::WebRunner::new();
    runner
        .start(
            canvas,
            eframe::WebOptions::default(),
            Box::new(|cc| {
                let inbox = SharedInbox::default();
                inbox.borrow_mut().ctx = Some(cc.egui_ctx.clone());
                cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
                let (state, unreadable) = super::starting_state(Box::new(WebFiles::new(inbox.clone())), cc.storage);
                // Kept aside at once: a page may be closed before eframe's next save.
                if let Some(raw) = unreadable {
                    eframe::web::storage::local_storage_set(super::UNREADABLE_SETTINGS_KEY, &raw);
                }
                let app = NotebookApp::new(state);
                let mut page = Page::new(app, inbox);
                page.open_address();
                if readout::wanted() {
                    cc.egui_ctx.enable_accesskit();
                }
                Ok(Box::new(page))
            }),
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
    if let Some(loading) = document.get_element_by_id("mlp-loading") {
        loading.remove();
    }
    Ok(())
}

/// The app on the page: the window's [`NotebookApp`] plus what only a page has.
struct Page {
    app: NotebookApp,
    inbox: SharedInbox,
    /// The settings last written to the browser's storage.
    stored: Option<Settings>,
    /// The page title last set.
    title: String,
    /// The address fragment last acted on (an inline link opened on the same page).
    fragment: String,
}

impl Page {
    fn new(app: NotebookApp, inbox: SharedInbox) -> Page {
        let stored = Some(app.state.session.settings.clone());
        Page {
            app,
            inbox,
            stored,
            title: String::new(),
            fragment: String::new(),
        }
    }

    /// Opens what the page address names: `?lesson=`, `?url=` or `#lesson=`. A bad address
    /// says why and the default lesson stays.
    fn open_address(&mut self) {
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return;
        };
        let query = location.search().unwrap_or_default();
        let fragment = location.hash().unwrap_or_default();
        self.fragment = fragment.clone();
        let query = query.strip_prefix('?').unwrap_or(&query);
        let fragment = fragment.strip_prefix('#').unwrap_or(&fragment);
        match share::start_from(query, fragment) {
            Ok(None) => {}
            Ok(Some(start)) => self.open(start),
            Err(e) => self
                .app
                .state
                .apply(Command::ShowError(format!("{e} The default lesson is open."))),
        }
    }

    fn open(&mut self, start: Start) {
        match start {
            Start::Shipped(i) => self.app.state.apply(Command::OpenShipped(i)),
            Start::Inline(text) => self.app.state.open_inline(&text),
            Start::Url(url) => self.fetch(url),
        }
    }

    /// Fetches a lesson file from the app's site; it opens when it arrives.
    fn fetch(&self, url: String) {
        let inbox = self.inbox.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let got = fetch_bytes(&url).await;
            let mut inbox = inbox.borrow_mut();
            match got {
                Ok(bytes) => {
                    let name = url.rsplit('/').next().unwrap_or(&url).to_string();
                    inbox.files.push(files::Arrived { name, bytes });
                }
                Err(e) => inbox.errors.push(format!(
                    "The lesson file {url} could not be loaded: {e}. The default lesson is open."
                )),
            }
            if let Some(ctx) = &inbox.ctx {
                ctx.request_repaint();
            }
        });
    }

    /// Opens what arrived (picked files, fetched lessons), reacts to a changed address fragment
    /// and keeps the settings stored.
    fn page_logic(&mut self, ctx: &egui::Context) {
        for f in ctx.input(|i| i.raw.dropped_files.clone()) {
            let inbox = self.inbox.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = f.path().display().to_string();
                let read = f.bytes_async().await;
                let mut inbox = inbox.borrow_mut();
                match read {
                    Ok(bytes) => inbox.files.push(files::Arrived { name, bytes }),
                    Err(e) => inbox
                        .errors
                        .push(format!("Could not read the dropped file {name}: {e}")),
                }
                if let Some(ctx) = &inbox.ctx {
                    ctx.request_repaint();
                }
            });
        }
        let (arrived, errors) = {
            let mut inbox = self.inbox.borrow_mut();
            (std::mem::take(&mut inbox.files), std::mem::take(&mut inbox.errors))
        };
        for f in arrived {
            self.app.state.open_bytes(&f.name, &f.bytes, None);
        }
        for e in errors {
            self.app.state.apply(Command::ShowError(e));
        }
        let fragment = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        if fragment != self.fragment {
            self.fragment = fragment.clone();
            if let Some(v) = fragment.strip_prefix("#lesson=") {
                match share::decode_inline(v) {
                    Ok(text) => self.app.state.open_inline(&text),
                    Err(e) => self.app.state.apply(Command::ShowError(e)),
                }
            }
        }
        let settings = &self.app.state.session.settings;
        if self.stored.as_ref() != Some(settings)
            && let Ok(text) = ron::ser::to_string(settings)
        {
            eframe::web::storage::local_storage_set(SETTINGS_KEY, &text);
            self.stored = Some(settings.clone());
        }
    }

    fn sync_title(&mut self) {
        let title = self.app.state.window_title();
        if title != self.title
            && let Some(document) = web_sys::window().and_then(|w| w.document())
        {
            document.set_title(&title);
            self.title = title;
        }
    }
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let js = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    if !response.ok() {
        return Err(format!(
            "the site answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().map_err(js)?)
        .await
        .map_err(js)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    if bytes.len() > crate::nn::doc::MAX_FILE_BYTES {
        return Err(format!(
            "it is {} bytes; the limit is {}",
            bytes.len(),
            crate::nn::doc::MAX_FILE_BYTES
        ));
    }
    Ok(bytes)
}

impl eframe::App for Page {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.page_logic(ctx);
        // Training takes its slice (TRAIN_BUDGET) here, as on the desktop.
        self.app.logic(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui);
        self.sync_title();
        if readout::wanted() {
            readout::speed_if_asked();
            readout::publish(ui.ctx(), &self.app.state, frame.info().cpu_usage);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::App::save(&mut self.app, storage);
    }
}
