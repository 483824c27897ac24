//! The lesson as given to this student: the network cells as loaded (for checking and for
//! the answers' shapes), the student's variants put in, and the blanks refreshed.

use super::{Blank, ExerciseState, QuizState};
use crate::app::cell::NetCell;
use crate::app::progress::lesson_key;
use crate::app::state::{AppState, CellState};
use crate::lesson::reference::Shape;
use crate::lesson::{Exercise, NetworkCell};
use crate::nn::doc::NetworkDoc;
use std::collections::HashMap;

impl AppState {
    /// The exercise cell at `cell`, if it is one.
    pub fn exercise(&self, cell: usize) -> Option<&ExerciseState> {
        match self.doc.cells.get(cell) {
            Some(CellState::Exercise(e)) => Some(e),
            _ => None,
        }
    }

    /// The quiz cell at `cell`, if it is one.
    pub fn quiz(&self, cell: usize) -> Option<&QuizState> {
        match self.doc.cells.get(cell) {
            Some(CellState::Quiz(q)) => Some(q),
            _ => None,
        }
    }

    /// The student's name or id, if set.
    pub fn student_name(&self) -> Option<&str> {
        Some(self.session.settings.student.trim()).filter(|s| !s.is_empty())
    }

    /// The network `student` works on for the cell `id`, as the lesson gave it.
    pub fn given_doc(&self, id: &str) -> Option<NetworkDoc> {
        if let Some(n) = self.student.given.get(id) {
            return Some(n.doc_for(self.student_name()));
        }
        // A network cell added after loading: as it is now.
        self.doc.cells.iter().find_map(|c| match c {
            CellState::Network(n) if n.options.id == id => Some(n.doc.clone()),
            _ => None,
        })
    }

    /// Whether the live network cell `id` differs from the network the lesson gave.
    pub fn network_edited(&self, id: &str) -> bool {
        let live = self.doc.cells.iter().find_map(|c| match c {
            CellState::Network(n) if n.options.id == id => Some(&n.doc),
            _ => None,
        });
        match (live, self.given_doc(id)) {
            (Some(live), Some(given)) => *live != given,
            _ => false,
        }
    }

    /// The answer's shape for an exercise, from the network it reads.
    pub(super) fn shape_for(&self, ex: &Exercise) -> Shape {
        match (&ex.solve_for, self.given_doc(&ex.network)) {
            (None, Some(doc)) => ex.ask.shape(&doc.net, doc.batch()),
            _ => Shape::Scalar,
        }
    }

    /// The state for a lesson's exercise cell.
    pub(in crate::app) fn exercise_state(&self, ex: Exercise) -> ExerciseState {
        let shape = self.shape_for(&ex);
        ExerciseState::new(ex, shape)
    }

    /// After a lesson is loaded: remember its networks as given, put in the student's variants,
    /// restore saved progress and blank what unanswered exercises ask for.
    pub(in crate::app) fn lesson_loaded(&mut self) {
        self.student.given = self.networks_with(|_, n| n.doc.clone());
        self.put_in_variants();
        self.fix_exercise_shapes();
        self.student.lesson_key = lesson_key(&self.lesson(), self.doc.file.as_deref());
        self.student.unsaved = false;
        self.student.unreadable = false;
        self.student.saved_at = None;
        self.restore_progress();
        // Another lesson's answers were just saved: the Lessons menu counts again.
        self.student.shipped_counts = None;
        self.refresh_blanks();
        self.refresh_grade();
    }

    /// Leaving edit mode: the networks as the instructor left them (edited, added, reshaped)
    /// become the lesson's networks as given, so "Preview as student" checks answers against
    /// them, as the saved file will.
    pub(in crate::app) fn adopt_networks_as_given(&mut self) {
        self.student.given = self.networks_with(|s, n| s.doc_to_save(n));
        self.fix_exercise_shapes();
        self.refresh_blanks();
    }

    /// Every network cell of the page by id, with the document `doc` picks.
    fn networks_with(&self, doc: impl Fn(&AppState, &NetCell) -> NetworkDoc) -> HashMap<String, NetworkCell> {
        self.doc
            .cells
            .iter()
            .filter_map(|c| match c {
                CellState::Network(n) => Some((
                    n.options.id.clone(),
                    NetworkCell {
                        options: n.options.clone(),
                        doc: doc(self, n),
                    },
                )),
                _ => None,
            })
            .collect()
    }

    /// Gives each exercise cell the answer shape of the network it reads, as given.
    fn fix_exercise_shapes(&mut self) {
        for i in 0..self.doc.cells.len() {
            let shape = match self.exercise(i) {
                Some(e) => self.shape_for(&e.exercise),
                None => continue,
            };
            if let Some(CellState::Exercise(e)) = self.doc.cells.get_mut(i)
                && e.shape != shape
            {
                **e = ExerciseState::new(e.exercise.clone(), shape);
            }
        }
    }

    /// Network cells with a variant show the student's variant (the file's without a name).
    pub(super) fn put_in_variants(&mut self) {
        let student = self.student_name().map(str::to_string);
        for c in &mut self.doc.cells {
            let CellState::Network(n) = c else { continue };
            let Some(given) = self.student.given.get(&n.options.id) else {
                continue;
            };
            if given.options.variant.is_none() {
                continue;
            }
            let doc = given.doc_for(student.as_deref());
            if n.doc != doc {
                let mut fresh = NetCell::new(doc);
                fresh.options = n.options.clone();
                **n = fresh;
            }
        }
    }

    /// The document to save for network cell `n`: the file's own network when the cell shows
    /// the student's unedited variant (a name typed to try a lesson is not saved into it).
    pub fn doc_to_save(&self, n: &NetCell) -> NetworkDoc {
        match self.student.given.get(&n.options.id) {
            Some(g) if g.options.variant.is_some() && n.doc == g.doc_for(self.student_name()) => g.doc.clone(),
            _ => n.doc.clone(),
        }
    }

    /// Shows (or blanks again) the values unanswered exercises ask for, in every network cell
    /// (instructors preparing a lesson, tests of the networks themselves).
    pub fn set_reveal_answers(&mut self, on: bool) {
        self.session.reveal_answers = on;
        self.refresh_blanks();
    }

    /// Recomputes which values each network cell keeps blank. A graded exercise's value stays
    /// blank until it is answered even in a network the lesson keeps live (`hide_answers =
    /// false`); there only ungraded practice shows its values all along.
    pub(in crate::app) fn refresh_blanks(&mut self) {
        // (blank, whether a lesson's live network may show it)
        let mut per_net: HashMap<String, Vec<(Blank, bool)>> = HashMap::new();
        // An instructor in edit mode sees every value.
        if !self.session.reveal_answers && !self.session.edit_mode {
            for c in &self.doc.cells {
                let CellState::Exercise(e) = c else { continue };
                if e.reveals() {
                    continue;
                }
                let Some(doc) = self.given_doc(&e.exercise.network) else {
                    continue;
                };
                if let Some(b) = Blank::of(&e.exercise, &doc) {
                    per_net
                        .entry(e.exercise.network.clone())
                        .or_default()
                        .push((b, e.is_practice()));
                }
            }
        }
        for c in &mut self.doc.cells {
            if let CellState::Network(n) = c {
                let live = !n.options.hide_answers;
                let blanks: Vec<Blank> = per_net
                    .remove(&n.options.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|&(_, practice)| !(live && practice))
                    .map(|(b, _)| b)
                    .collect();
                if n.blanks != blanks {
                    n.blanks = blanks;
                }
            }
        }
    }
}
