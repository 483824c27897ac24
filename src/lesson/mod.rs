//! Lessons: notebooks of cells (text, live networks), as plain data, with their file format.
//!
//! A lesson file (TOML or JSON) holds a title and a list of cells; a network cell holds a
//! network document in the engine's own schema ([`crate::nn::doc::NetworkFile`]). The lessons
//! issue extends the cell kinds with exercises, quizzes, training and plots. A bare network
//! file opens as a one-cell lesson. Depends on `nn` only; no GUI crate here.

use crate::nn::doc::{self, DocError, NetworkDoc, NetworkFile, Syntax};
use serde::{Deserialize, Serialize};

/// The lesson format version this build writes.
pub const LESSON_FORMAT_VERSION: u32 = 1;

/// The built-in lesson, embedded at build time.
pub const BUILTIN_SEVEN_LAYERS: &str = include_str!("../../lessons/01-seven-layers-by-hand.toml");

/// One cell of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Markdown text.
    Text(String),
    /// A live, editable network.
    Network(Box<NetworkDoc>),
}

/// A lesson: a title and its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub title: String,
    pub cells: Vec<Cell>,
}

/// What a file held, so it can be saved back in the same form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Lesson,
    Network,
}

/// A cell as written in a lesson file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CellFile {
    Text { text: String },
    Network { network: Box<NetworkFile> },
}

/// A lesson file exactly as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format_version: Option<u32>,
    pub title: String,
    pub cells: Vec<CellFile>,
}

impl Lesson {
    /// The built-in "Seven layers by hand" lesson.
    pub fn builtin() -> Lesson {
        // The embedded file is checked by a test; should it ever fail, fall back to an
        // explanation instead of a panic.
        parse_lesson(BUILTIN_SEVEN_LAYERS, Syntax::Toml).unwrap_or_else(|e| Lesson {
            title: "Built-in lesson failed to load".into(),
            cells: vec![Cell::Text(format!("The built-in lesson has errors:\n\n{e}"))],
        })
    }

    /// A lesson holding one network.
    pub fn from_network(doc: NetworkDoc) -> Lesson {
        Lesson {
            title: doc.name.clone().unwrap_or_else(|| "Network".into()),
            cells: vec![Cell::Network(Box::new(doc))],
        }
    }

    /// The lesson as its file form.
    pub fn to_file(&self) -> LessonFile {
        LessonFile {
            format_version: Some(LESSON_FORMAT_VERSION),
            title: self.title.clone(),
            cells: self
                .cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => CellFile::Text { text: t.clone() },
                    Cell::Network(d) => CellFile::Network {
                        network: Box::new(d.to_file()),
                    },
                })
                .collect(),
        }
    }

    /// Writes the lesson as text.
    pub fn write(&self, syntax: Syntax) -> String {
        let f = self.to_file();
        match syntax {
            Syntax::Toml => toml::to_string(&f).unwrap_or_default(),
            Syntax::Json => {
                let v = serde_json::to_value(&f).unwrap_or(serde_json::Value::Null);
                let mut s = String::new();
                doc::write_json(&v, 0, &mut s);
                s.push('\n');
                s
            }
        }
    }
}

/// Parses a lesson file; every problem is listed, prefixed with its cell number.
pub fn parse_lesson(text: &str, syntax: Syntax) -> Result<Lesson, DocError> {
    let file: LessonFile = match syntax {
        Syntax::Toml => toml::from_str(text).map_err(|e| DocError {
            problems: vec![doc::toml_message(text, &e)],
        })?,
        Syntax::Json => serde_json::from_str(text).map_err(|e| DocError {
            problems: vec![doc::json_message(&e)],
        })?,
    };
    if let Some(v) = file.format_version
        && v > LESSON_FORMAT_VERSION
    {
        return Err(DocError {
            problems: vec![format!(
                "lesson format_version {v} is newer than this app reads ({LESSON_FORMAT_VERSION})"
            )],
        });
    }
    let mut problems = Vec::new();
    let mut cells = Vec::new();
    for (i, c) in file.cells.iter().enumerate() {
        match c {
            CellFile::Text { text } => cells.push(Cell::Text(text.clone())),
            CellFile::Network { network } => match network.validate() {
                Ok(d) => cells.push(Cell::Network(Box::new(d))),
                Err(e) => problems.extend(e.problems.iter().map(|p| format!("cell {}: {p}", i + 1))),
            },
        }
    }
    if problems.is_empty() {
        Ok(Lesson {
            title: file.title,
            cells,
        })
    } else {
        Err(DocError { problems })
    }
}

/// Reads either a lesson file or a network file (or a reference case) from text.
pub fn parse_any(text: &str, syntax: Syntax) -> Result<(Lesson, FileKind), DocError> {
    let is_lesson = match syntax {
        Syntax::Toml => text
            .parse::<toml::Table>()
            .map(|t| t.contains_key("cells"))
            .unwrap_or(false),
        Syntax::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(|v| v.get("cells").is_some())
            .unwrap_or(false),
    };
    if is_lesson {
        parse_lesson(text, syntax).map(|l| (l, FileKind::Lesson))
    } else {
        doc::parse(text, syntax).map(|d| (Lesson::from_network(d), FileKind::Network))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lesson_loads_with_its_seven_layer_network() {
        let l = parse_lesson(BUILTIN_SEVEN_LAYERS, Syntax::Toml).unwrap();
        let nets: Vec<&NetworkDoc> = l
            .cells
            .iter()
            .filter_map(|c| match c {
                Cell::Network(d) => Some(d.as_ref()),
                Cell::Text(_) => None,
            })
            .collect();
        assert_eq!(nets.len(), 1);
        assert_eq!(nets[0].net.widths(), vec![3, 4, 4, 4, 4, 4, 4, 2]);
    }

    #[test]
    fn lesson_round_trips_through_toml_and_json() {
        let l = Lesson::builtin();
        for syntax in [Syntax::Toml, Syntax::Json] {
            let back = parse_lesson(&l.write(syntax), syntax).unwrap();
            assert_eq!(back, l);
        }
    }

    #[test]
    fn errors_name_the_cell() {
        let text = "title = \"t\"\n[[cells]]\nkind = \"network\"\n[cells.network]\ninputs = 2\nlayers = []\n";
        let e = parse_lesson(text, Syntax::Toml).unwrap_err();
        assert!(e.problems[0].starts_with("cell 1: "), "{e}");
    }
}
