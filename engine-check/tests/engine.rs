//! The engine's integration tests of the main package, run here without the GUI stack.

#[path = "../../tests/engine.rs"]
mod engine;
#[path = "../../tests/refcases.rs"]
mod refcases;
