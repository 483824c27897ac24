//! The engine's answer to each exercise, for edit mode's exercise form: computed here (a
//! forward, backward and update pass is not free on a large network), kept in the exercise's
//! state with the exercise and the network it was computed on, and computed again only when
//! either changed.

use super::ExerciseState;
use crate::app::state::{AppState, CellState};
use crate::lesson::compute::Computed;
use crate::lesson::{Answer, Exercise};
use crate::nn::doc::NetworkDoc;

/// The engine's answer to an exercise on a network, or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineAnswer {
    exercise: Exercise,
    doc: NetworkDoc,
    pub answer: Result<Answer, String>,
}

impl EngineAnswer {
    /// The answer to `exercise` on `doc`.
    pub fn compute(exercise: &Exercise, doc: &NetworkDoc) -> EngineAnswer {
        let computed = Computed::new(doc.clone());
        EngineAnswer {
            exercise: exercise.clone(),
            doc: doc.clone(),
            answer: exercise.answer(&computed).map_err(|e| e.to_string()),
        }
    }

    fn is_for(&self, exercise: &Exercise, doc: &NetworkDoc) -> bool {
        self.exercise == *exercise && self.doc == *doc
    }
}

impl AppState {
    /// In edit mode, brings every exercise's engine answer up to date with the exercise and its
    /// network as the page has them now (a student never sees it, so nothing is computed
    /// outside edit mode).
    pub(in crate::app) fn refresh_engine_answers(&mut self) {
        if !self.session.edit_mode {
            return;
        }
        let docs: Vec<(String, NetworkDoc)> = self
            .doc
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Network(n) => Some((n.options.id.clone(), n.doc.clone())),
                _ => None,
            })
            .collect();
        for c in &mut self.doc.cells {
            let CellState::Exercise(e) = c else { continue };
            let ExerciseState { exercise, engine, .. } = &mut **e;
            let Some((_, doc)) = docs.iter().find(|(id, _)| *id == exercise.network) else {
                *engine = None;
                continue;
            };
            if !engine.as_ref().is_some_and(|k| k.is_for(exercise, doc)) {
                *engine = Some(EngineAnswer::compute(exercise, doc));
            }
        }
    }
}
