//! The engine of MLP Notebook (`src/nn`) compiled on its own, under the main crate's name so the
//! engine's integration tests read the same paths (`mlp_notebook::nn::...`). See Cargo.toml.

#[path = "../src/nn/mod.rs"]
pub mod nn;
