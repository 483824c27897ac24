//! A lab plot as a PNG picture at a chosen size, drawn afresh rather than cropped from the
//! screen: the plot is laid out by egui in a context of its own (the size asked for, in the
//! light theme, at [`crate::ui::train_plots::export_scale`] pixels per point) exactly as the
//! lab draws it (title, tick labels, axis titles, legend), tessellated into triangles, and the
//! triangles are filled in software (no GPU, so it works the same in tests and on any
//! machine). Colours are blended as egui's painters do: premultiplied sRGB, textures (the
//! font atlas, the decision boundary's picture) sampled bilinearly.

use crate::app::{AppState, PlotExport};
use egui::epaint::{ClippedPrimitive, Primitive, Vertex};
use egui::{Color32, ColorImage, TextureId};
use std::collections::HashMap;

/// Draws plot `e` of its training cell and returns the picture, or why not.
pub fn render(state: &AppState, e: &PlotExport) -> Result<ColorImage, String> {
    let cell = state
        .training(e.cell)
        .ok_or_else(|| "that training cell is gone".to_string())?;
    let [w, h] = e.size;
    if w == 0 || h == 0 || w > 8192 || h > 8192 {
        return Err(format!("{w} x {h} is not a size a picture can have here"));
    }
    let ppp = crate::ui::train_plots::export_scale(e.size);
    let ctx = egui::Context::default();
    ctx.set_theme(egui::Theme::Light);
    let view = crate::app::ViewSettings {
        dark: false,
        ..state.session.settings.view.clone()
    };
    let points = egui::vec2(w as f32 / ppp, h as f32 / ppp);
    let mut found = true;
    let mut textures: HashMap<TextureId, ColorImage> = HashMap::new();
    let mut last = None;
    // The first pass lays out and loads fonts; the second draws with everything measured.
    for _ in 0..2 {
        let mut input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, points)),
            ..Default::default()
        };
        input
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .native_pixels_per_point = Some(ppp);
        let mut out = ctx.run_ui(input, |ui| {
            let frame = egui::Frame::central_panel(ui.style()).inner_margin(16.0);
            egui::CentralPanel::default().frame(frame).show(ui, |ui| {
                found = crate::ui::train_plots::export_plot_ui(ui, cell, &view, e);
            });
        });
        for (id, deltas) in &out.textures_delta.set {
            for delta in deltas.iter() {
                apply_delta(&mut textures, *id, delta);
            }
        }
        // Applied here (and nothing of this context is drawn elsewhere).
        out.textures_delta.clear();
        last = Some(out);
    }
    if !found {
        return Err(format!("the cell has no {} plot", e.what));
    }
    let out = last.ok_or("nothing was drawn")?;
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    let background = ctx.style_of(egui::Theme::Light).visuals.panel_fill;
    Ok(rasterize(&prims, &textures, [w as usize, h as usize], ppp, background))
}

/// The picture as a PNG file's bytes.
pub fn encode(image: &ColorImage) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, image.size[0] as u32, image.size[1] as u32);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        let raw: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_srgba_unmultiplied()).collect();
        w.write_image_data(&raw).map_err(|e| e.to_string())?;
    }
    Ok(bytes)
}

/// Sets a texture, or a patch of it, as egui's painters do.
fn apply_delta(textures: &mut HashMap<TextureId, ColorImage>, id: TextureId, delta: &egui::epaint::ImageDelta) {
    let egui::ImageData::Color(img) = &delta.image;
    match delta.pos {
        None => {
            textures.insert(id, (**img).clone());
        }
        Some([x0, y0]) => {
            if let Some(t) = textures.get_mut(&id) {
                let [tw, th] = t.size;
                for y in 0..img.size[1] {
                    for x in 0..img.size[0] {
                        let (tx, ty) = (x0 + x, y0 + y);
                        if tx < tw && ty < th {
                            t.pixels[ty * tw + tx] = img.pixels[y * img.size[0] + x];
                        }
                    }
                }
            }
        }
    }
}

/// Fills the triangles of `prims` (in points) into a picture of `size` pixels.
fn rasterize(
    prims: &[ClippedPrimitive],
    textures: &HashMap<TextureId, ColorImage>,
    size: [usize; 2],
    ppp: f32,
    background: Color32,
) -> ColorImage {
    let mut px = vec![premul(background); size[0] * size[1]];
    for p in prims {
        let Primitive::Mesh(mesh) = &p.primitive else { continue };
        let tex = textures.get(&mesh.texture_id);
        let clip = [
            (p.clip_rect.min.x * ppp).floor().max(0.0) as usize,
            (p.clip_rect.min.y * ppp).floor().max(0.0) as usize,
            ((p.clip_rect.max.x * ppp).ceil().max(0.0) as usize).min(size[0]),
            ((p.clip_rect.max.y * ppp).ceil().max(0.0) as usize).min(size[1]),
        ];
        for t in mesh.indices.chunks_exact(3) {
            let v = [t[0], t[1], t[2]].map(|i| mesh.vertices[i as usize]);
            triangle(&mut px, size[0], clip, v, tex, ppp);
        }
    }
    let pixels = px
        .iter()
        .map(|c| {
            Color32::from_rgba_premultiplied(
                c[0].round().clamp(0.0, 255.0) as u8,
                c[1].round().clamp(0.0, 255.0) as u8,
                c[2].round().clamp(0.0, 255.0) as u8,
                c[3].round().clamp(0.0, 255.0) as u8,
            )
        })
        .collect();
    ColorImage::new(size, pixels)
}

fn premul(c: Color32) -> [f32; 4] {
    c.to_array().map(f32::from)
}

/// Fills one triangle (pixel centres inside it, within `clip`), blending "over" in
/// premultiplied colour: vertex colour times the texture's sample.
fn triangle(px: &mut [[f32; 4]], width: usize, clip: [usize; 4], v: [Vertex; 3], tex: Option<&ColorImage>, ppp: f32) {
    let p = v.map(|v| [v.pos.x * ppp, v.pos.y * ppp]);
    let area = (p[1][0] - p[0][0]) * (p[2][1] - p[0][1]) - (p[2][0] - p[0][0]) * (p[1][1] - p[0][1]);
    if area.abs() < 1e-12 {
        return;
    }
    let x0 = (p.iter().map(|q| q[0]).fold(f32::INFINITY, f32::min).floor().max(0.0) as usize).max(clip[0]);
    let y0 = (p.iter().map(|q| q[1]).fold(f32::INFINITY, f32::min).floor().max(0.0) as usize).max(clip[1]);
    let x1 = (p.iter().map(|q| q[0]).fold(f32::NEG_INFINITY, f32::max).ceil().max(0.0) as usize).min(clip[2]);
    let y1 = (p.iter().map(|q| q[1]).fold(f32::NEG_INFINITY, f32::max).ceil().max(0.0) as usize).min(clip[3]);
    let colors = v.map(|v| premul(v.color));
    for y in y0..y1 {
        for x in x0..x1 {
            let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
            let w0 = ((p[1][0] - cx) * (p[2][1] - cy) - (p[2][0] - cx) * (p[1][1] - cy)) / area;
            let w1 = ((p[2][0] - cx) * (p[0][1] - cy) - (p[0][0] - cx) * (p[2][1] - cy)) / area;
            let w2 = 1.0 - w0 - w1;
            if w0 < 0.0 || w1 < 0.0 || w2 < 0.0 {
                continue;
            }
            let w = [w0, w1, w2];
            let mut c = [0.0f32; 4];
            for (k, ck) in c.iter_mut().enumerate() {
                *ck = w[0] * colors[0][k] + w[1] * colors[1][k] + w[2] * colors[2][k];
            }
            if let Some(t) = tex {
                let u = w[0] * v[0].uv.x + w[1] * v[1].uv.x + w[2] * v[2].uv.x;
                let s = w[0] * v[0].uv.y + w[1] * v[1].uv.y + w[2] * v[2].uv.y;
                let texel = sample(t, u, s);
                for k in 0..4 {
                    c[k] *= texel[k] / 255.0;
                }
            }
            let dst = &mut px[y * width + x];
            let keep = 1.0 - c[3] / 255.0;
            for k in 0..4 {
                dst[k] = c[k] + dst[k] * keep;
            }
        }
    }
}

/// The texture's premultiplied colour at `(u, v)` (0 to 1), bilinear.
fn sample(t: &ColorImage, u: f32, v: f32) -> [f32; 4] {
    let [w, h] = t.size;
    if w == 0 || h == 0 {
        return [255.0; 4];
    }
    let x = (u * w as f32 - 0.5).clamp(0.0, (w - 1) as f32);
    let y = (v * h as f32 - 0.5).clamp(0.0, (h - 1) as f32);
    let (xi, yi) = (x.floor() as usize, y.floor() as usize);
    let (xj, yj) = ((xi + 1).min(w - 1), (yi + 1).min(h - 1));
    let (fx, fy) = (x - xi as f32, y - yi as f32);
    let at = |x: usize, y: usize| premul(t.pixels[y * w + x]);
    let (a, b, c, d) = (at(xi, yi), at(xj, yi), at(xi, yj), at(xj, yj));
    let mut out = [0.0; 4];
    for k in 0..4 {
        let top = a[k] + (b[k] - a[k]) * fx;
        let bottom = c[k] + (d[k] - c[k]) * fx;
        out[k] = top + (bottom - top) * fy;
    }
    out
}
