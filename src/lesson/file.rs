//! The lesson file exactly as written: serde types that mirror the TOML (or JSON), one per cell
//! kind, and [`Lesson::to_file`] back from the validated form. Unknown keys are refused
//! everywhere. Saving writes the keys in the order of these structs, one cell after another.

use super::exercise::Tolerance;
use super::policy::GradingPolicy;
use super::quiz::Quiz;
use super::training::TrainingFile;
use super::{Cell, LESSON_FORMAT_VERSION, Lesson, NetworkCell, Show, Taught};
use crate::nn::datasets::DataSpec;
use crate::nn::doc::NetworkFile;
use serde::{Deserialize, Serialize};

/// The top-level keys as read (everything but the cells).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_version: Option<u32>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The lesson's grading policy (`[grading]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingPolicy>,
}

/// A lesson file, as written when saving (reading goes cell by cell, see `load`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LessonFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format_version: Option<u32>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingPolicy>,
    pub cells: Vec<CellFile>,
}

/// A cell as written; `kind` names the variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CellFile {
    Text(TextFile),
    Network(Box<NetworkCellFile>),
    Exercise(Box<ExerciseFile>),
    Quiz(Box<Quiz>),
    Plot(Box<PlotFile>),
    Training(Box<TrainingFile>),
}

impl CellFile {
    /// The kinds, as written.
    pub const KINDS: [&'static str; 6] = ["text", "network", "exercise", "quiz", "plot", "training"];
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextFile {
    pub text: String,
}

/// `variant = { init = "small_integers", k = 2 }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantFile {
    pub init: String,
    pub k: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkCellFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lock: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taught: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stepper: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide_answers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<VariantFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Box<NetworkFile>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseFile {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<usize>,
    pub prompt: String,
    pub ask: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solve_for: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Tolerance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    /// This exercise's grading policy, over the lesson's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingPolicy>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlotFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataSpec>,
}

impl NetworkCell {
    /// The cell as written: the path if it came from one (the network itself is then not
    /// written), else the network inline.
    pub fn to_file(&self) -> NetworkCellFile {
        let o = &self.options;
        NetworkCellFile {
            id: o.id_named.then(|| o.id.clone()),
            lock: o.lock.iter().map(|l| l.name().to_string()).collect(),
            show: (o.show != Show::A).then(|| o.show.name().to_string()),
            taught: (o.taught != Taught::All).then(|| o.taught.name().to_string()),
            stepper: (!o.stepper).then_some(false),
            hide_answers: (!o.hide_answers).then_some(false),
            variant: o.variant.map(|v| VariantFile {
                init: v.init_name().into(),
                k: v.k(),
            }),
            path: o.path.clone(),
            network: match o.path {
                Some(_) => None,
                // Inside a lesson the lesson's own format_version is the one that counts.
                None => Some(Box::new(NetworkFile {
                    format_version: None,
                    ..self.doc.to_file()
                })),
            },
        }
    }
}

impl Lesson {
    /// The lesson as its file form (format version [`LESSON_FORMAT_VERSION`]).
    pub fn to_file(&self) -> LessonFile {
        LessonFile {
            format_version: Some(LESSON_FORMAT_VERSION),
            title: self.title.clone(),
            author: self.meta.author.clone(),
            version: self.meta.version.clone(),
            description: self.meta.description.clone(),
            grading: self.meta.grading,
            cells: self.cells.iter().map(Cell::to_file).collect(),
        }
    }
}

impl Cell {
    /// The cell as written.
    pub fn to_file(&self) -> CellFile {
        match self {
            Cell::Text(t) => CellFile::Text(TextFile { text: t.clone() }),
            Cell::Network(n) => CellFile::Network(Box::new(n.to_file())),
            Cell::Exercise(e) => CellFile::Exercise(Box::new(ExerciseFile {
                id: e.id.clone(),
                network: e.network_named.then(|| e.network.clone()),
                sample: (e.sample != 1).then_some(e.sample),
                prompt: e.prompt.clone(),
                ask: e.ask.to_string(),
                solve_for: e.solve_for.map(|s| s.param.to_string()),
                equals: e.solve_for.map(|s| s.equals),
                tolerance: e.tolerance,
                hints: e.hints.clone(),
                points: Some(e.points),
                grading: e.grading,
            })),
            Cell::Quiz(q) => CellFile::Quiz(q.clone()),
            Cell::Plot(p) => CellFile::Plot(Box::new(p.to_file())),
            Cell::Training(t) => CellFile::Training(Box::new(t.to_file())),
        }
    }
}
