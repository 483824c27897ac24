//! Saving a plot as PNG: the window takes a screenshot, crops the plot's area from it and
//! writes the file; the outcome comes back as a message on a later frame.

use crate::app::{Command, ScreenArea};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Screenshots asked for and not yet reported.
#[derive(Default)]
pub struct Shots {
    /// The outcome of the last export, written by the screenshot callback.
    result: Arc<Mutex<Option<Result<PathBuf, String>>>>,
}

impl Shots {
    /// Asks the window for a screenshot; its callback crops `area` and writes `path`.
    pub fn request(&self, ctx: &egui::Context, path: PathBuf, area: ScreenArea) {
        let ppp = ctx.pixels_per_point();
        let slot = self.result.clone();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image| {
            let r = save_png(&image, area, ppp, &path)
                .map(|()| path.clone())
                .map_err(|e| format!("Could not save {}: {e}", path.display()));
            if let Ok(mut s) = slot.lock() {
                *s = Some(r);
            }
            repaint.request_repaint();
        });
    }

    /// The message for a finished export, once.
    pub fn finished(&self) -> Option<Command> {
        let done = self.result.lock().ok().and_then(|mut r| r.take())?;
        Some(match done {
            Ok(path) => Command::ShowInfo(format!("Saved the plot to {}", path.display())),
            Err(e) => Command::ShowError(e),
        })
    }
}

/// Saves the part `area` (in points) of a screenshot as a PNG file.
pub fn save_png(image: &egui::ColorImage, area: ScreenArea, pixels_per_point: f32, path: &Path) -> Result<(), String> {
    let crop = crop(image, area, pixels_per_point).ok_or("the plot is outside the window")?;
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, crop.size[0] as u32, crop.size[1] as u32);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        let raw: Vec<u8> = crop.pixels.iter().flat_map(|c| c.to_srgba_unmultiplied()).collect();
        w.write_image_data(&raw).map_err(|e| e.to_string())?;
    }
    crate::app::files::write_bytes(path, &bytes)
}

/// The pixels of `area` (in points), or `None` if it lies outside the image.
pub fn crop(image: &egui::ColorImage, area: ScreenArea, ppp: f32) -> Option<egui::ColorImage> {
    let [w, h] = image.size;
    let x0 = ((area.min[0] * ppp).floor().max(0.0) as usize).min(w);
    let y0 = ((area.min[1] * ppp).floor().max(0.0) as usize).min(h);
    let x1 = ((area.max[0] * ppp).ceil().max(0.0) as usize).min(w);
    let y1 = ((area.max[1] * ppp).ceil().max(0.0) as usize).min(h);
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let pixels = (y0..y1)
        .flat_map(|y| image.pixels[y * w + x0..y * w + x1].iter().copied())
        .collect();
    Some(egui::ColorImage::new([x1 - x0, y1 - y0], pixels))
}
