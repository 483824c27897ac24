//! Saving a plot as PNG: the window takes a screenshot, crops the plot's area from it and
//! writes the file; the outcome comes back as a message on a later frame.

use crate::app::{Command, ScreenArea};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where a picture goes and its PNG, or why it could not be made.
type Outcome = Result<(PathBuf, Vec<u8>), String>;

/// Screenshots asked for and not yet reported.
#[derive(Default)]
pub struct Shots {
    /// The outcome of the last export (where to and the PNG, or why not), written by the
    /// screenshot callback.
    result: Arc<Mutex<Option<Outcome>>>,
}

impl Shots {
    /// Asks the window for a screenshot; its callback crops `area` and writes `path`.
    pub fn request(&self, ctx: &egui::Context, path: PathBuf, area: ScreenArea) {
        let ppp = ctx.pixels_per_point();
        let slot = self.result.clone();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image| {
            let r = png_of(&image, area, ppp)
                .map(|bytes| (path.clone(), bytes))
                .map_err(|e| format!("Could not save {}: {e}", path.display()));
            if let Ok(mut s) = slot.lock() {
                *s = Some(r);
            }
            repaint.request_repaint();
        });
    }

    /// A finished export, once: the command that writes the picture (or shows why not).
    pub fn finished(&self) -> Option<Command> {
        let done = self.result.lock().ok().and_then(|mut r| r.take())?;
        Some(match done {
            Ok((path, bytes)) => Command::WritePicture { path, bytes },
            Err(e) => Command::ShowError(e),
        })
    }
}

/// The part `area` (in points) of a screenshot as a PNG file's bytes.
pub fn png_of(image: &egui::ColorImage, area: ScreenArea, pixels_per_point: f32) -> Result<Vec<u8>, String> {
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
    Ok(bytes)
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
