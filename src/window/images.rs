//! The page's image loader: Markdown images under `lesson-image://NAME` (the only scheme the
//! viewer is given; see [`crate::lesson::images`]) are read from the open lesson's folder by
//! [`crate::app::files::read_lesson_image`] (regular files inside the folder, at most
//! [`crate::app::files::IMAGE_LIMIT`] bytes) and decoded as PNG with a bound on the decoded
//! size. No other loader of files or of the network is installed, so any other address fails
//! and the viewer shows the alt text instead.

use crate::lesson::images::SCHEME;
use egui::load::{ImageLoadResult, ImageLoader, ImagePoll, LoadError, SizeHint};
use egui::mutex::Mutex;
use egui::{ColorImage, Context};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The most memory a decoded image may take (4096 x 4096 RGBA).
pub const DECODED_LIMIT: usize = 64 << 20;

type Entry = Result<Arc<ColorImage>, String>;

/// Reads images from the folder of the lesson the window shows.
#[derive(Default)]
pub struct LessonImages {
    /// The open lesson's file; `None` (a new or built-in lesson) reads no image.
    lesson: Arc<Mutex<Option<PathBuf>>>,
    cache: Mutex<HashMap<String, Entry>>,
}

impl LessonImages {
    pub const ID: &'static str = concat!(module_path!(), "::LessonImages");

    /// Installs the loader (once) and points it at `lesson`'s folder; a new folder forgets the
    /// images read from the last one.
    pub fn install(ctx: &Context, lesson: Option<&std::path::Path>) {
        let shared = ctx.data_mut(|d| d.get_temp::<Arc<Mutex<Option<PathBuf>>>>(egui::Id::unique(Self::ID)));
        let shared = match shared {
            Some(s) => s,
            None => {
                let loader = LessonImages::default();
                let s = loader.lesson.clone();
                ctx.add_image_loader(Arc::new(loader));
                ctx.data_mut(|d| d.insert_temp(egui::Id::unique(Self::ID), s.clone()));
                s
            }
        };
        let changed = {
            let mut cur = shared.lock();
            let changed = cur.as_deref() != lesson;
            if changed {
                *cur = lesson.map(PathBuf::from);
            }
            changed
        };
        if changed {
            ctx.forget_all_images();
        }
    }

    fn read(&self, name: &str) -> Entry {
        let lesson = self.lesson.lock().clone();
        let bytes = crate::app::files::read_lesson_image(lesson.as_deref(), name)?;
        decode_png(&bytes).map_err(|e| format!("{name}: {e}"))
    }
}

/// Decodes a PNG file to RGBA, refusing images over [`DECODED_LIMIT`] before allocating them.
pub fn decode_png(bytes: &[u8]) -> Result<Arc<ColorImage>, String> {
    let limits = png::Limits { bytes: DECODED_LIMIT };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("not a PNG image the page can show ({e})"))?;
    let (w, h) = reader.info().size();
    let (w, h) = (w as usize, h as usize);
    if w.saturating_mul(h).saturating_mul(4) > DECODED_LIMIT {
        return Err(format!(
            "the image is {w} x {h} pixels; the limit is {} MiB decoded",
            DECODED_LIMIT >> 20
        ));
    }
    let size = reader.output_buffer_size().ok_or("the image is too large")?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("damaged PNG image ({e})"))?;
    let pixels = &buf[..info.buffer_size()];
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => pixels.to_vec(),
        png::ColorType::Rgb => pixels.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::GrayscaleAlpha => pixels.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => return Err("indexed colours were not expanded".into()),
    };
    let (w, h) = (info.width as usize, info.height as usize);
    if rgba.len() != w * h * 4 {
        return Err("damaged PNG image (its pixels do not fill it)".into());
    }
    Ok(Arc::new(ColorImage::from_rgba_unmultiplied([w, h], &rgba)))
}

impl ImageLoader for LessonImages {
    fn id(&self) -> &str {
        Self::ID
    }

    fn load(&self, _ctx: &Context, uri: &str, _size_hint: SizeHint) -> ImageLoadResult {
        let Some(name) = uri.strip_prefix(SCHEME) else {
            return Err(LoadError::NotSupported);
        };
        let entry = {
            let mut cache = self.cache.lock();
            cache.entry(uri.to_string()).or_insert_with(|| self.read(name)).clone()
        };
        match entry {
            Ok(image) => Ok(ImagePoll::Ready { image }),
            Err(e) => Err(LoadError::Loading(e)),
        }
    }

    fn forget(&self, uri: &str) {
        self.cache.lock().remove(uri);
    }

    fn forget_all(&self) {
        self.cache.lock().clear();
    }

    fn byte_size(&self) -> usize {
        self.cache
            .lock()
            .values()
            .map(|e| e.as_ref().map_or(0, |i| i.pixels.len() * 4))
            .sum()
    }
}
