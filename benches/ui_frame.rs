//! One full frame of the window with the built-in seven-layer lesson open, headless through
//! egui's own context: layout, drawing and tessellation (what the CPU does before the GPU).
//! Target: under 4 ms per frame, so the window keeps 60 frames per second with room to spare.

use criterion::{Criterion, criterion_group, criterion_main};
use mlp_notebook::app::{AppState, Command, LabCommand, NetCommand, StepNav};
use mlp_notebook::window::NotebookApp;

fn input(t: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0))),
        time: Some(t),
        ..Default::default()
    }
}

fn frame(ctx: &egui::Context, app: &mut NotebookApp, t: f64) -> usize {
    let out = ctx.run_ui(input(t), |ui| {
        let c = ui.ctx().clone();
        app.logic(&c);
        app.ui(ui)
    });
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
        app.state.apply(Command::Net {
            cell,
            cmd: NetCommand::Step(StepNav::Goto(32)),
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
                app.state.apply(Command::Net {
                    cell,
                    cmd: NetCommand::Edit(mlp_notebook::app::Edit::Bias {
                        layer: 0,
                        unit: 0,
                        value: v % 5.0,
                    }),
                });
            }
            t += 1.0 / 60.0;
            frame(&ctx, &mut app, t)
        })
    });
}

/// A page with one training cell (two moons, 2-8-8-1 tanh, Adam): what a frame costs while it
/// trains. Target: under 8 ms of CPU per frame during live training with the decision boundary.
fn bench_training(c: &mut Criterion) {
    use mlp_notebook::app::training::TrainAction;
    use mlp_notebook::lesson::training::TrainingSetup;
    use mlp_notebook::lesson::{Cell, Lesson};
    use mlp_notebook::nn::datasets::{DataSpec, Generator};
    let mut setup = TrainingSetup::xor_default();
    setup.data = DataSpec::Generated {
        generator: Generator::Moons,
        points: 400,
        noise: 0.15,
        seed: 0,
        classes: None,
    };
    setup.hidden = vec![8, 8];
    setup.epochs = 100_000_000;
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Training(Box::new(setup))],
        ..Default::default()
    };
    let ctx = egui::Context::default();
    let mut app = NotebookApp::new(AppState::new(lesson, Box::new(mlp_notebook::app::files::NoDialogs)));
    let mut t = 0.0;
    for _ in 0..5 {
        t += 1.0 / 60.0;
        frame(&ctx, &mut app, t);
    }
    // Drawing only: one mini-batch step per frame changes the weights, so the decision boundary
    // (100 x 100 grid) and every curve are redrawn, but training takes no budget.
    c.bench_function("ui_frame_training_draw", |b| {
        b.iter(|| {
            app.state.apply(Command::Lab(LabCommand::Train {
                cell: 0,
                action: TrainAction::Step,
            }));
            t += 1.0 / 60.0;
            frame(&ctx, &mut app, t)
        })
    });
    // The whole frame while playing: the training slice (6 ms budget) plus drawing.
    app.state.apply(Command::Lab(LabCommand::Train {
        cell: 0,
        action: TrainAction::Play,
    }));
    c.bench_function("ui_frame_training_playing", |b| {
        b.iter(|| {
            t += 1.0 / 60.0;
            frame(&ctx, &mut app, t)
        })
    });
}

/// A press of Check: the answer checked, then the whole lesson graded again (the top bar's
/// count is the grade of the submission the window would export), on each shipped lesson's
/// first exercise; the lesson with the most exercises and the largest networks is the bound.
/// Target: well under one frame (16 ms), since it happens on a click.
fn bench_check(c: &mut Criterion) {
    use mlp_notebook::app::StudentCommand;
    use mlp_notebook::app::student::ExerciseAction;
    use mlp_notebook::lesson::shipped::SHIPPED;
    let mut group = c.benchmark_group("check_and_regrade");
    for (i, (title, text)) in SHIPPED.iter().enumerate() {
        // Lessons 03 (12 exercises, seven layers) and 12 (64-input digits networks).
        if ![2, 11].contains(&i) {
            continue;
        }
        let Ok(lesson) = mlp_notebook::lesson::parse_lesson(text, mlp_notebook::nn::doc::Syntax::Toml) else {
            continue;
        };
        let mut s = AppState::new(lesson, Box::new(mlp_notebook::app::files::NoDialogs));
        let Some(cell) = s
            .doc
            .cells
            .iter()
            .position(|c| matches!(c, mlp_notebook::app::CellState::Exercise(_)))
        else {
            continue;
        };
        let (rows, cols) = {
            let e = s.exercise(cell).expect("an exercise");
            (e.entries.len(), e.entries.first().map_or(1, Vec::len))
        };
        for row in 0..rows {
            for col in 0..cols {
                s.apply(Command::Student(StudentCommand::Exercise {
                    cell,
                    action: ExerciseAction::Type {
                        row,
                        col,
                        text: "1".into(),
                    },
                }));
            }
        }
        group.bench_function(*title, |b| {
            b.iter(|| {
                s.apply(Command::Student(StudentCommand::Exercise {
                    cell,
                    action: ExerciseAction::Check,
                }));
                s.score().points
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_training, bench_check);
criterion_main!(benches);
