//! The engine's answer to each exercise, for edit mode's exercise form: computed here (a
//! forward, backward and update pass is not free on a large network), kept in the exercise's
//! state with the exercise and the network it was computed on, and computed again only when
//! either changed.

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
        let cells = &self.doc.cells;
        let doc_of = |id: &str| {
            cells.iter().find_map(|c| match c {
                CellState::Network(n) if n.options.id == id => Some(&n.doc),
                _ => None,
            })
        };
        // Read first (a network is only cloned for an answer that must be computed again),
        // then write.
        let stale: Vec<(usize, Option<EngineAnswer>)> = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let CellState::Exercise(e) = c else { return None };
                match doc_of(&e.exercise.network) {
                    None => e.engine.is_some().then_some((i, None)),
                    Some(doc) if e.engine.as_ref().is_some_and(|k| k.is_for(&e.exercise, doc)) => None,
                    Some(doc) => Some((i, Some(EngineAnswer::compute(&e.exercise, doc)))),
                }
            })
            .collect();
        for (i, answer) in stale {
            if let Some(CellState::Exercise(e)) = self.doc.cells.get_mut(i) {
                e.engine = answer;
            }
        }
    }
}
