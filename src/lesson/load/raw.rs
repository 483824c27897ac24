//! The first pass: the text parsed into tables ([`Raw`], TOML with spans or JSON values), and
//! each cell's table read into its file type with every bad key listed ([`read`], [`read_cell`]).

use super::{Problem, Problems, Span};
use crate::lesson::file::{CellFile, ExerciseFile, NetworkCellFile, PlotFile, TextFile};
use crate::lesson::quiz::Quiz;
use crate::lesson::training::TrainingFile;
use crate::nn::doc::Syntax;
use serde::de::{DeserializeOwned, IntoDeserializer as _};
use toml::de::{DeTable, DeValue};

/// One step of a path into a table: a key, or a position in an array (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step<'p> {
    Key(&'p str),
    At(usize),
}

/// A table of the file (the top level or a cell), in either syntax.
pub(super) enum Raw<'a> {
    Toml { table: DeTable<'a>, span: Span },
    Json(serde_json::Map<String, serde_json::Value>),
}

impl<'a> Raw<'a> {
    pub(super) fn span(&self) -> Option<Span> {
        match self {
            Raw::Toml { span, .. } => Some(span.clone()),
            Raw::Json(_) => None,
        }
    }

    pub(super) fn has(&self, key: &str) -> bool {
        match self {
            Raw::Toml { table, .. } => table.contains_key(key),
            Raw::Json(m) => m.contains_key(key),
        }
    }

    /// Where `key`'s value is written (for a `[header]` table: its header).
    fn value_span(&self, key: &str) -> Option<Span> {
        match self {
            Raw::Toml { table, .. } => table.get(key).map(|v| v.span()),
            Raw::Json(_) => None,
        }
    }

    /// Where `key`'s value is, else where the table starts.
    pub(super) fn at(&self, key: &str) -> Option<Span> {
        self.value_span(key).or_else(|| self.span())
    }

    /// Where a value inside the table is written, by its path of keys and array positions
    /// (`network`, `layers`, 1, `weights`): the deepest part of the path that exists (TOML only;
    /// JSON carries no positions).
    pub(super) fn at_path(&self, path: &[Step<'_>]) -> Option<Span> {
        let Raw::Toml { table, .. } = self else { return None };
        let Some((Step::Key(first), rest)) = path.split_first() else {
            return None;
        };
        let mut value = table.get(*first)?;
        let mut span = value.span();
        for step in rest {
            let next = match (value.get_ref(), step) {
                (DeValue::Table(t), Step::Key(k)) => t.get(*k),
                (DeValue::Array(a), Step::At(i)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(v) => {
                    value = v;
                    span = v.span();
                }
                None => break,
            }
        }
        Some(span)
    }

    pub(super) fn str_of(&self, key: &str) -> Option<String> {
        match self {
            Raw::Toml { table, .. } => table.get(key).and_then(|v| v.get_ref().as_str()).map(str::to_string),
            Raw::Json(m) => m.get(key).and_then(|v| v.as_str()).map(str::to_string),
        }
    }

    fn remove(&mut self, key: &str) {
        match self {
            Raw::Toml { table, .. } => {
                table.remove(key);
            }
            Raw::Json(m) => {
                m.remove(key);
            }
        }
    }

    /// The key whose text holds byte `pos`: the last key (or value) starting at or before it.
    /// A `[cells.network]` table's content follows its header, so this finds it too.
    fn key_at(&self, pos: usize) -> Option<String> {
        let Raw::Toml { table, .. } = self else { return None };
        table
            .iter()
            .map(|(k, v)| (k.span().start.min(v.span().start), k.get_ref().to_string()))
            .filter(|(start, _)| *start <= pos)
            .max_by_key(|(start, _)| *start)
            .map(|(_, k)| k)
    }

    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, (Option<Span>, String)> {
        match self {
            Raw::Toml { table, span } => {
                let v = toml::Spanned::new(span.clone(), DeValue::Table(table.clone()));
                T::deserialize(v.into_deserializer()).map_err(|e| (e.span(), e.message().to_string()))
            }
            Raw::Json(m) => {
                serde_json::from_value(serde_json::Value::Object(m.clone())).map_err(|e| (None, e.to_string()))
            }
        }
    }
}

/// serde's words for the file's: "unknown key 'x'; valid: a, b", "missing key 'x'".
fn tidy(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((name, tail)) = rest.split_once('`')
    {
        let valid: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        return if valid.is_empty() {
            format!("unknown key '{name}'")
        } else {
            format!("unknown key '{name}'; valid: {}", valid.join(", "))
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field `")
        && let Some((name, _)) = rest.split_once('`')
    {
        return format!("missing key '{name}'");
    }
    msg.trim_end_matches('\n').to_string()
}

/// Reads a table into `T`, listing every bad key (see the module comment). `None` if anything
/// was wrong.
pub(super) fn read<T: DeserializeOwned>(raw: &mut Raw<'_>, out: &mut Problems<'_>, prefix: &str) -> Option<T> {
    let mut set_aside: Vec<String> = Vec::new();
    loop {
        match raw.deserialize::<T>() {
            Ok(v) => return set_aside.is_empty().then_some(v),
            Err((span, msg)) => {
                let msg = tidy(&msg);
                if set_aside.iter().any(|k| msg == format!("missing key '{k}'")) {
                    return None;
                }
                out.push(span.clone().or_else(|| raw.span()), format!("{prefix}{msg}"));
                let key = msg
                    .strip_prefix("unknown key '")
                    .and_then(|r| r.split_once('\''))
                    .map(|(k, _)| k.to_string())
                    .or_else(|| span.and_then(|s| raw.key_at(s.start)));
                match key {
                    Some(k) if raw.has(&k) && !set_aside.contains(&k) => {
                        raw.remove(&k);
                        set_aside.push(k);
                    }
                    _ => return None,
                }
            }
        }
    }
}

/// A cell as read in the first pass.
pub(super) struct RawCell<'a> {
    /// 1-based position.
    pub(super) n: usize,
    pub(super) kind: String,
    pub(super) raw: Raw<'a>,
    pub(super) file: Option<CellFile>,
}

impl RawCell<'_> {
    pub(super) fn prefix(&self, id: Option<&str>) -> String {
        match id {
            Some(id) => format!("cell {} ({} {id}): ", self.n, self.kind),
            None => format!("cell {} ({}): ", self.n, self.kind),
        }
    }

    /// The id written in the file.
    pub(super) fn written_id(&self) -> Option<String> {
        self.raw.str_of("id")
    }
}

/// Each cell's place (TOML) and table (`None` if it is not a table).
pub(super) type RawCells<'a> = Vec<(Option<Span>, Option<Raw<'a>>)>;

/// Parses the text into the top-level table and the cells' tables.
pub(super) fn parse_tree<'a>(text: &'a str, syntax: Syntax, out: &mut Problems<'_>) -> Option<(Raw<'a>, RawCells<'a>)> {
    match syntax {
        Syntax::Toml => parse_toml(text, out),
        Syntax::Json => parse_json(text, out),
    }
}

fn parse_toml<'a>(text: &'a str, out: &mut Problems<'_>) -> Option<(Raw<'a>, RawCells<'a>)> {
    let root = match DeTable::parse(text) {
        Ok(r) => r,
        Err(e) => {
            out.push(e.span(), e.message().trim_end().to_string());
            return None;
        }
    };
    let span = root.span();
    let mut table = root.into_inner();
    let cells = table.remove("cells");
    let root = Raw::Toml { table, span };
    let list = match cells {
        None => {
            out.push(Some(0..0), "the lesson has no cells: add a [[cells]] table");
            Vec::new()
        }
        Some(c) => match c.get_ref().as_array() {
            Some(items) => items
                .iter()
                .map(|v| {
                    let raw = v.get_ref().as_table().map(|t| Raw::Toml {
                        table: t.clone(),
                        span: v.span(),
                    });
                    (Some(v.span()), raw)
                })
                .collect(),
            None => {
                out.push(Some(c.span()), "cells must be a list of tables: write [[cells]]");
                Vec::new()
            }
        },
    };
    Some((root, list))
}

fn parse_json<'a>(text: &str, out: &mut Problems<'_>) -> Option<(Raw<'a>, RawCells<'a>)> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.list.push(Problem {
                line: Some(e.line()),
                column: Some(e.column()),
                message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
            });
            return None;
        }
    };
    let serde_json::Value::Object(mut map) = value else {
        out.push(None, "a lesson is a JSON object with a title and cells");
        return None;
    };
    let cells = map.remove("cells");
    let list = match cells {
        None => {
            out.push(None, "the lesson has no cells: add a \"cells\" list");
            Vec::new()
        }
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::Object(m) => (None, Some(Raw::Json(m))),
                _ => (None, None),
            })
            .collect(),
        Some(_) => {
            out.push(None, "cells must be a list of objects");
            Vec::new()
        }
    };
    Some((Raw::Json(map), list))
}

/// Reads cell `n` (1-based) of the first pass: its kind, then its table as that kind's file
/// type. `None` (with the problem listed) if it is not a table or has no valid kind; a cell
/// whose keys are bad is kept with `file: None`, so the second pass still knows its id.
pub(super) fn read_cell<'a>(
    n: usize,
    span: Option<Span>,
    raw: Option<Raw<'a>>,
    out: &mut Problems<'_>,
) -> Option<RawCell<'a>> {
    let Some(mut raw) = raw else {
        out.push(span, format!("cell {n}: a cell must be a table with a kind"));
        return None;
    };
    let Some(kind) = raw.str_of("kind") else {
        out.push(
            raw.at("kind"),
            format!("cell {n}: no kind; valid: {}", CellFile::KINDS.join(", ")),
        );
        return None;
    };
    if !CellFile::KINDS.contains(&kind.as_str()) {
        out.push(
            raw.at("kind"),
            format!("cell {n}: unknown kind '{kind}'; valid: {}", CellFile::KINDS.join(", ")),
        );
        return None;
    }
    raw.remove("kind");
    let mut cell = RawCell {
        n,
        kind,
        raw,
        file: None,
    };
    let prefix = cell.prefix(cell.written_id().as_deref());
    let r = &mut cell.raw;
    cell.file = match cell.kind.as_str() {
        "text" => read::<TextFile>(r, out, &prefix).map(CellFile::Text),
        "network" => read::<NetworkCellFile>(r, out, &prefix).map(|f| CellFile::Network(Box::new(f))),
        "exercise" => read::<ExerciseFile>(r, out, &prefix).map(|f| CellFile::Exercise(Box::new(f))),
        "quiz" => read::<Quiz>(r, out, &prefix).map(|f| CellFile::Quiz(Box::new(f))),
        "plot" => read::<PlotFile>(r, out, &prefix).map(|f| CellFile::Plot(Box::new(f))),
        _ => read::<TrainingFile>(r, out, &prefix).map(|f| CellFile::Training(Box::new(f))),
    };
    Some(cell)
}
