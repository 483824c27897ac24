//! The integration tests, as one binary: each module is one area of the app, tested through the
//! library, the command line or the window (egui_kittest). `tests/alloc.rs` stays a binary of its
//! own because it replaces the global allocator.

mod authoring;
mod bounds;
mod bridge;
mod cli;
mod contained;
mod course;
mod datasets;
mod edit_mode;
mod engine;
mod export;
mod format;
mod gradebook;
mod grading;
mod guide;
mod lab;
mod lesson_check;
mod lesson_format;
mod lesson_grade;
mod lint;
mod lost_work;
mod mistakes;
mod refcases;
mod robustness;
mod robustness_edits;
mod sharing;
mod sheet;
mod text_claims;
mod training;
mod training_pieces;
mod ui;
mod ui_exercises;
mod ui_export;
mod ui_glossary;
mod ui_grading;
mod ui_keyboard;
mod ui_lab;
mod ui_stepper;
mod ui_students;
mod ui_training;
mod ui_training_analysis;
mod ui_weights;
mod worked_steps;
mod worksheet;
