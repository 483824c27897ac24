//! The ids of the page's cells: a network cell's id, the exercises reading a network, and a
//! new id not used yet.

use crate::app::state::{AppState, CellState};

impl AppState {
    /// The id of network cell `i`.
    pub fn net_id(&self, i: usize) -> Option<String> {
        self.net(i).map(|n| n.options.id.clone())
    }

    /// The ids of the exercises that read network `id`.
    pub(super) fn exercises_on(&self, id: &str) -> Vec<String> {
        self.doc
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Exercise(e) if e.exercise.network == id => Some(e.exercise.id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every id used by a cell of the page.
    pub(super) fn ids(&self) -> Vec<String> {
        self.doc
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Exercise(e) => Some(e.exercise.id.clone()),
                CellState::Quiz(q) => Some(q.quiz.id.clone()),
                CellState::Network(n) => Some(n.options.id.clone()),
                CellState::Training(t) => t.setup.id.clone(),
                _ => None,
            })
            .collect()
    }

    /// `base`, or `base-2`, `base-3`, ... whichever is not used yet.
    pub(super) fn unique_id(&self, base: &str) -> String {
        let ids = self.ids();
        let stem = base.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
        let stem = if stem.is_empty() { base } else { stem };
        if !ids.iter().any(|i| i == base) {
            return base.to_string();
        }
        (2..)
            .map(|k| format!("{stem}-{k}"))
            .find(|c| !ids.contains(c))
            .unwrap_or_else(|| base.to_string())
    }
}
