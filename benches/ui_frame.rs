//! One full frame of the window with the built-in seven-layer lesson open, headless through
//! egui's own context: layout, drawing and tessellation (what the CPU does before the GPU).
//! Target: under 4 ms per frame, so the window keeps 60 frames per second with room to spare.

use criterion::{Criterion, criterion_group, criterion_main};
use mlp_notebook::app::{AppState, Command, NotebookApp, StepNav};

fn input(t: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0))),
        time: Some(t),
        ..Default::default()
    }
}

fn frame(ctx: &egui::Context, app: &mut NotebookApp, t: f64) -> usize {
    let out = ctx.run_ui(input(t), |ui| app.ui(ui));
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    prims.len()
}

fn bench(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = NotebookApp::new(AppState::builtin_headless());
    let mut t = 0.0;
    // Warm up: fonts, layout caches.
    for _ in 0..5 {
        t += 1.0 / 60.0;
        frame(&ctx, &mut app, t);
    }
    c.bench_function("ui_frame", |b| {
        b.iter(|| {
            t += 1.0 / 60.0;
            frame(&ctx, &mut app, t)
        })
    });
    // A frame while stepping (highlights, step lines, blanks).
    if let Some(cell) = app.state.first_net() {
        app.state.apply(Command::Step {
            cell,
            nav: StepNav::Goto(32),
        });
    }
    c.bench_function("ui_frame_stepping", |b| {
        b.iter(|| {
            t += 1.0 / 60.0;
            frame(&ctx, &mut app, t)
        })
    });
    // A frame after an edit: the forward and backward passes and every step are recomputed.
    c.bench_function("ui_frame_after_edit", |b| {
        let mut v = 0.0;
        b.iter(|| {
            v += 1.0;
            if let Some(cell) = app.state.first_net() {
                app.state.apply(Command::Edit {
                    cell,
                    edit: mlp_notebook::app::Edit::Bias {
                        layer: 0,
                        unit: 0,
                        value: v % 5.0,
                    },
                });
            }
            t += 1.0 / 60.0;
            frame(&ctx, &mut app, t)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
