//! What the window shows, in words, for the browser test: when the page sets
//! `window.mlpReadout = true` before the app starts, every frame writes to `window.mlpShown` a
//! JSON text listing each widget drawn (its accessibility role, label, value and place on the
//! canvas in CSS pixels) as egui's screen-reader tree has it, plus the page title and the time
//! the last frame took. The test reads numbers there as a screen reader would, and clicks
//! where a widget is: it never recomputes what the app shows.

use crate::app::AppState;
use wasm_bindgen::JsValue;

/// Whether the page asked for the read-out.
pub fn wanted() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("mlpReadout")).ok())
        .is_some_and(|v| v.is_truthy())
}

/// When the page sets `window.mlpSpeedRequest`, times the engine's reference workloads
/// ([`crate::speed`]) in this frame and writes the JSON list of timings to
/// `window.mlpSpeedResult` (the frame is slow by the benchmark's length, on request only).
pub fn speed_if_asked() {
    let Some(w) = web_sys::window() else { return };
    let asked = js_sys::Reflect::get(&w, &JsValue::from_str("mlpSpeedRequest")).is_ok_and(|v| v.is_truthy());
    if !asked {
        return;
    }
    let _ = js_sys::Reflect::set(&w, &JsValue::from_str("mlpSpeedRequest"), &JsValue::FALSE);
    let result = crate::speed::run(web_time::Duration::from_millis(500))
        .and_then(|t| serde_json::to_string(&t).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| serde_json::json!({ "error": e }).to_string());
    let _ = js_sys::Reflect::set(&w, &JsValue::from_str("mlpSpeedResult"), &JsValue::from_str(&result));
}

/// Writes the read-out of the frame just drawn (`cpu`: the seconds the previous frame took).
pub fn publish(ctx: &egui::Context, state: &AppState, cpu: Option<f32>) {
    let zoom = ctx.zoom_factor();
    let ids: Vec<(egui::Id, egui::Rect)> = ctx.viewport(|v| {
        v.this_pass
            .widgets
            .layers()
            .flat_map(|(_, ws)| ws.iter().map(|w| (w.id, w.rect)))
            .collect()
    });
    let mut widgets = Vec::new();
    for (id, rect) in ids {
        if !ctx.has_accesskit_node(id) {
            continue;
        }
        let node = ctx.accesskit_node_builder(id, |n| {
            (
                format!("{:?}", n.role()),
                n.label().map(str::to_string),
                n.value().map(str::to_string),
                n.numeric_value(),
            )
        });
        let Some((role, label, value, num)) = node else {
            continue;
        };
        if label.is_none() && value.is_none() {
            continue;
        }
        widgets.push(serde_json::json!({
            "role": role,
            "label": label,
            "value": value,
            "num": num,
            "x": rect.center().x * zoom,
            "y": rect.center().y * zoom,
            "w": rect.width() * zoom,
            "h": rect.height() * zoom,
        }));
    }
    let shown = serde_json::json!({
        "title": state.window_title(),
        "message": state.session.message.as_ref().map(|m| m.text.clone()),
        "cpu_ms": cpu.map(|s| f64::from(s) * 1e3),
        "widgets": widgets,
    });
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &w,
            &JsValue::from_str("mlpShown"),
            &JsValue::from_str(&shown.to_string()),
        );
    }
}
