//! Loading a lesson: text to a validated [`Lesson`], with **every** problem listed and, for
//! TOML, placed at its line and column.
//!
//! TOML is parsed once into toml's spanned tree ([`DeTable`]); each cell is read on its own into
//! its file type, so one broken cell does not hide the others. A serde error inside a cell is
//! recorded at its span, the key it belongs to is set aside and the cell read again, until no
//! error is left: every bad key of a cell is listed. Then the cells are checked against each
//! other and against the engine: ids, network references, references in `ask` and
//! `solve_for`, answers that are not finite, `solve_for` without a unique solution.
//!
//! JSON lessons are read the same way from `serde_json` values, which carry no positions:
//! their problems name the cell (and syntax errors their line and column).

use super::compute::Computed;
use super::exercise::{Answer, Exercise, SolveFor, Tolerance, fmt_number};
use super::file::{CellFile, ExerciseFile, HeaderFile, NetworkCellFile, PlotFile, TextFile};
use super::quiz::Quiz;
use super::reference::Reference;
use super::training::TrainingFile;
use super::variant::{MAX_K, Variant};
use super::{Cell, LESSON_FORMAT_VERSION, Lesson, LessonMeta, Lock, NetworkCell, NetworkOptions, Show};
use crate::nn::doc::{self, DocError, MAX_FILE_BYTES, NetworkDoc, Syntax};
use serde::de::{DeserializeOwned, IntoDeserializer as _};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Reads a file named in a lesson (a network's `path`), relative to the lesson file; the
/// window and the command line pass one, so this module does no file IO.
pub type Resolver<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// A resolver for lessons not read from a file: every path is refused.
pub fn no_files(path: &str) -> Result<String, String> {
    Err(format!(
        "cannot read '{path}': files named in a lesson are read relative to the lesson file, and this lesson was not read from one"
    ))
}

/// One problem, at its line and column (1-based, the column in characters) when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Everything wrong with a lesson file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LessonError {
    pub problems: Vec<Problem>,
}

impl From<LessonError> for DocError {
    fn from(e: LessonError) -> DocError {
        DocError {
            problems: e.problems.iter().map(Problem::to_string).collect(),
        }
    }
}

type Span = Range<usize>;

/// The problems found so far, placed in the text.
struct Problems<'t> {
    text: &'t str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn push(&mut self, span: Option<Span>, message: impl Into<String>) {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = line_col(self.text, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        self.list.push(Problem {
            line,
            column,
            message: message.into(),
        });
    }
}

/// The 1-based line and column (in characters) of byte `at`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A table of the file (the top level or a cell), in either syntax.
enum Raw<'a> {
    Toml { table: DeTable<'a>, span: Span },
    Json(serde_json::Map<String, serde_json::Value>),
}

impl<'a> Raw<'a> {
    fn span(&self) -> Option<Span> {
        match self {
            Raw::Toml { span, .. } => Some(span.clone()),
            Raw::Json(_) => None,
        }
    }

    fn has(&self, key: &str) -> bool {
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
    fn at(&self, key: &str) -> Option<Span> {
        self.value_span(key).or_else(|| self.span())
    }

    fn str_of(&self, key: &str) -> Option<String> {
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
fn read<T: DeserializeOwned>(raw: &mut Raw<'_>, out: &mut Problems<'_>, prefix: &str) -> Option<T> {
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
struct RawCell<'a> {
    /// 1-based position.
    n: usize,
    kind: String,
    raw: Raw<'a>,
    file: Option<CellFile>,
}

impl RawCell<'_> {
    fn prefix(&self, id: Option<&str>) -> String {
        match id {
            Some(id) => format!("cell {} ({} {id}): ", self.n, self.kind),
            None => format!("cell {} ({}): ", self.n, self.kind),
        }
    }

    /// The id written in the file.
    fn written_id(&self) -> Option<String> {
        self.raw.str_of("id")
    }
}

/// Each cell's place (TOML) and table (`None` if it is not a table).
type RawCells<'a> = Vec<(Option<Span>, Option<Raw<'a>>)>;

/// Parses the text into the top-level table and the cells' tables.
fn parse_tree<'a>(text: &'a str, syntax: Syntax, out: &mut Problems<'_>) -> Option<(Raw<'a>, RawCells<'a>)> {
    match syntax {
        Syntax::Toml => {
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
        Syntax::Json => {
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
    }
}

/// Reads and validates a lesson. `resolve` reads the network files the lesson names by path.
pub fn load(text: &str, syntax: Syntax, resolve: Resolver<'_>) -> Result<Lesson, LessonError> {
    let mut out = Problems { text, list: Vec::new() };
    if text.len() > MAX_FILE_BYTES {
        out.push(
            None,
            format!("the file is {} bytes; the limit is {MAX_FILE_BYTES} bytes", text.len()),
        );
        return Err(LessonError { problems: out.list });
    }
    let Some((mut root, raw_cells)) = parse_tree(text, syntax, &mut out) else {
        return Err(LessonError { problems: out.list });
    };
    let header = read::<HeaderFile>(&mut root, &mut out, "");
    if let Some(v) = header.as_ref().and_then(|h| h.format_version)
        && !(1..=LESSON_FORMAT_VERSION).contains(&v)
    {
        out.push(
            root.at("format_version"),
            format!("lesson format_version {v}: this app reads versions 1 to {LESSON_FORMAT_VERSION}"),
        );
        return Err(LessonError { problems: out.list });
    }
    let mut cells = Vec::new();
    for (i, (span, raw)) in raw_cells.into_iter().enumerate() {
        let n = i + 1;
        let Some(mut raw) = raw else {
            out.push(span, format!("cell {n}: a cell must be a table with a kind"));
            continue;
        };
        let Some(kind) = raw.str_of("kind") else {
            out.push(
                raw.at("kind"),
                format!("cell {n}: no kind; valid: {}", CellFile::KINDS.join(", ")),
            );
            continue;
        };
        if !CellFile::KINDS.contains(&kind.as_str()) {
            out.push(
                raw.at("kind"),
                format!("cell {n}: unknown kind '{kind}'; valid: {}", CellFile::KINDS.join(", ")),
            );
            continue;
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
            "text" => read::<TextFile>(r, &mut out, &prefix).map(CellFile::Text),
            "network" => read::<NetworkCellFile>(r, &mut out, &prefix).map(|f| CellFile::Network(Box::new(f))),
            "exercise" => read::<ExerciseFile>(r, &mut out, &prefix).map(|f| CellFile::Exercise(Box::new(f))),
            "quiz" => read::<Quiz>(r, &mut out, &prefix).map(|f| CellFile::Quiz(Box::new(f))),
            "plot" => read::<PlotFile>(r, &mut out, &prefix).map(|f| CellFile::Plot(Box::new(f))),
            _ => read::<TrainingFile>(r, &mut out, &prefix).map(|f| CellFile::Training(Box::new(f))),
        };
        cells.push(cell);
    }
    let lesson = Checker {
        out: &mut out,
        resolve,
        nets: Vec::new(),
        computed: HashMap::new(),
    }
    .check(header, &cells);
    match lesson {
        Some(l) if out.list.is_empty() => Ok(l),
        _ => {
            // In the order of the file; problems without a place keep theirs, after the others.
            out.list
                .sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.column.unwrap_or(0)));
            Err(LessonError { problems: out.list })
        }
    }
}

/// A network cell's id and its document (if it loaded).
struct NetEntry {
    n: usize,
    id: String,
    doc: Option<NetworkDoc>,
}

/// The second pass: cells checked against each other and the engine.
struct Checker<'o, 't, 'r> {
    out: &'o mut Problems<'t>,
    resolve: Resolver<'r>,
    nets: Vec<NetEntry>,
    computed: HashMap<String, Computed>,
}

impl Checker<'_, '_, '_> {
    fn check(mut self, header: Option<HeaderFile>, cells: &[RawCell<'_>]) -> Option<Lesson> {
        // Network ids first: exercises anywhere may name them.
        let mut built: HashMap<usize, NetworkCell> = HashMap::new();
        for (k, c) in cells.iter().filter(|c| c.kind == "network").enumerate() {
            let id = c.written_id().unwrap_or_else(|| format!("net{}", k + 1));
            let cell = match &c.file {
                Some(CellFile::Network(f)) => self.network_cell(c, f, id.clone()),
                _ => None,
            };
            self.nets.push(NetEntry {
                n: c.n,
                id,
                doc: cell.as_ref().map(|x| x.doc.clone()),
            });
            if let Some(x) = cell {
                built.insert(c.n, x);
            }
        }
        self.check_ids(cells);
        let mut out_cells = Vec::new();
        for c in cells {
            let cell = match &c.file {
                None => None,
                Some(CellFile::Text(t)) => Some(Cell::Text(t.text.clone())),
                Some(CellFile::Network(_)) => built.remove(&c.n).map(|x| Cell::Network(Box::new(x))),
                Some(CellFile::Exercise(f)) => self.exercise(c, f).map(|e| Cell::Exercise(Box::new(e))),
                Some(CellFile::Quiz(q)) => {
                    let p = c.prefix(Some(&q.id));
                    let e = q.validate();
                    for m in &e {
                        self.out.push(c.raw.span(), format!("{p}{m}"));
                    }
                    e.is_empty().then(|| Cell::Quiz(q.clone()))
                }
                Some(CellFile::Plot(f)) => match f.validate() {
                    Ok(p) => Some(Cell::Plot(Box::new(p))),
                    Err(e) => {
                        for m in e {
                            self.out
                                .push(at_named_key(&c.raw, &m), format!("{}{m}", c.prefix(None)));
                        }
                        None
                    }
                },
                Some(CellFile::Training(t)) => match t.validate() {
                    Ok(s) => Some(Cell::Training(Box::new(s))),
                    Err(e) => {
                        let p = c.prefix(t.id.as_deref());
                        for m in e {
                            self.out.push(at_named_key(&c.raw, &m), format!("{p}{m}"));
                        }
                        None
                    }
                },
            };
            out_cells.extend(cell);
        }
        let h = header?;
        Some(Lesson {
            title: h.title,
            meta: LessonMeta {
                author: h.author,
                version: h.version,
                description: h.description,
            },
            cells: out_cells,
        })
    }

    /// Ids: letters, digits, '-' and '_', unique in the lesson.
    fn check_ids(&mut self, cells: &[RawCell<'_>]) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut count = 0;
        for c in cells {
            if c.kind == "network" {
                count += 1;
            }
            let id = match c.written_id() {
                Some(id) => id,
                None if c.kind == "network" => format!("net{count}"),
                None => continue,
            };
            let p = c.prefix(Some(&id));
            if id.is_empty()
                || !id
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
            {
                self.out.push(
                    c.raw.at("id"),
                    format!("{p}id '{id}' may hold only letters, digits, '-' and '_'"),
                );
            }
            match seen.get(&id) {
                Some(first) => self.out.push(
                    c.raw.at("id"),
                    format!("{p}id '{id}' is already used by cell {first}; ids must be unique"),
                ),
                None => {
                    seen.insert(id, c.n);
                }
            }
        }
    }

    fn network_cell(&mut self, c: &RawCell<'_>, f: &NetworkCellFile, id: String) -> Option<NetworkCell> {
        let p = c.prefix(Some(&id));
        let before = self.out.list.len();
        let mut lock = Vec::new();
        for name in &f.lock {
            match Lock::from_name(name) {
                Some(l) => lock.push(l),
                None => self.out.push(
                    c.raw.at("lock"),
                    format!("{p}unknown lock '{name}'; valid: {}", Lock::NAMES.join(", ")),
                ),
            }
        }
        let show = match f.show.as_deref() {
            None => Show::A,
            Some(s) => Show::from_name(s).unwrap_or_else(|| {
                self.out
                    .push(c.raw.at("show"), format!("{p}unknown show '{s}'; valid: z, a, delta"));
                Show::A
            }),
        };
        let variant = f.variant.as_ref().and_then(|v| {
            if v.init != "small_integers" {
                self.out.push(
                    c.raw.at("variant"),
                    format!("{p}unknown variant init '{}'; valid: small_integers", v.init),
                );
                return None;
            }
            if !(1..=MAX_K).contains(&v.k) {
                self.out.push(
                    c.raw.at("variant"),
                    format!("{p}variant k must be 1 to {MAX_K}, not {}", v.k),
                );
                return None;
            }
            Some(Variant::SmallIntegers { k: v.k })
        });
        let doc = match (&f.path, &f.network) {
            (Some(_), Some(_)) => {
                self.out.push(
                    c.raw.at("path"),
                    format!("{p}give either path or [cells.network], not both"),
                );
                None
            }
            (None, None) => {
                self.out.push(
                    c.raw.span(),
                    format!("{p}no network: add a [cells.network] table or path = \"file.toml\""),
                );
                None
            }
            (None, Some(net)) => match net.validate() {
                Ok(d) => Some(d),
                Err(e) => {
                    for m in e.problems {
                        self.out.push(c.raw.at("network"), format!("{p}network: {m}"));
                    }
                    None
                }
            },
            (Some(path), None) => match (self.resolve)(path) {
                Err(m) => {
                    self.out.push(c.raw.at("path"), format!("{p}{m}"));
                    None
                }
                Ok(text) => match doc::parse(&text, Syntax::guess(path, &text)) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        for m in e.problems {
                            self.out
                                .push(c.raw.at("path"), format!("{p}network file '{path}': {m}"));
                        }
                        None
                    }
                },
            },
        };
        let doc = doc?;
        (self.out.list.len() == before).then(|| NetworkCell {
            options: NetworkOptions {
                id,
                id_named: f.id.is_some(),
                lock,
                show,
                stepper: f.stepper.unwrap_or(true),
                hide_answers: f.hide_answers.unwrap_or(true),
                variant,
                path: f.path.clone(),
            },
            doc,
        })
    }

    fn exercise(&mut self, c: &RawCell<'_>, f: &ExerciseFile) -> Option<Exercise> {
        let p = c.prefix(Some(&f.id));
        let before = self.out.list.len();
        let net = match &f.network {
            Some(id) => {
                let found = self.nets.iter().position(|e| &e.id == id);
                if found.is_none() {
                    let ids: Vec<&str> = self.nets.iter().map(|e| e.id.as_str()).collect();
                    let known = if ids.is_empty() {
                        "the lesson has no network cell".to_string()
                    } else {
                        format!("network cells: {}", ids.join(", "))
                    };
                    self.out.push(
                        c.raw.at("network"),
                        format!("{p}no network cell has id '{id}'; {known}"),
                    );
                }
                found
            }
            None => {
                let found = self.nets.iter().rposition(|e| e.n < c.n);
                if found.is_none() {
                    self.out.push(
                        c.raw.span(),
                        format!("{p}no network cell above this exercise: add one, or name one with network = \"id\""),
                    );
                }
                found
            }
        };
        let sample = f.sample.unwrap_or(1);
        if sample == 0 {
            self.out.push(
                c.raw.at("sample"),
                format!("{p}sample 0 does not exist: samples are numbered from 1, as the window shows them"),
            );
        }
        if f.prompt.trim().is_empty() {
            self.out.push(c.raw.at("prompt"), format!("{p}the prompt is empty"));
        }
        let ask = f.ask.parse::<Reference>().map_err(|m| {
            self.out.push(c.raw.at("ask"), format!("{p}ask {m}"));
        });
        let solve = match (&f.solve_for, f.equals) {
            (None, None) => Ok(None),
            (Some(_), None) => {
                self.out.push(
                    c.raw.at("solve_for"),
                    format!("{p}solve_for needs equals = the value the question must take"),
                );
                Err(())
            }
            (None, Some(_)) => {
                self.out.push(
                    c.raw.at("equals"),
                    format!("{p}equals needs solve_for = the value to find"),
                );
                Err(())
            }
            (Some(s), Some(eq)) => match s.parse::<Reference>() {
                Ok(r) if r.is_settable() => Ok(Some(SolveFor { param: r, equals: eq })),
                Ok(r) => {
                    self.out.push(
                        c.raw.at("solve_for"),
                        format!(
                            "{p}solve_for '{r}' cannot be set: name one weight layers[l].weights[i][j], bias layers[l].bias[i], input x[i] or target y[i]"
                        ),
                    );
                    Err(())
                }
                Err(m) => {
                    self.out.push(c.raw.at("solve_for"), format!("{p}solve_for {m}"));
                    Err(())
                }
            },
        };
        let (Some(net), Ok(ask), Ok(solve_for)) = (net, ask, solve) else {
            return None;
        };
        let ex = Exercise {
            id: f.id.clone(),
            network: self.nets[net].id.clone(),
            network_named: f.network.is_some(),
            sample,
            prompt: f.prompt.clone(),
            ask,
            solve_for,
            tolerance: f.tolerance,
            hints: f.hints.clone(),
            points: f.points.unwrap_or(1),
        };
        // Against the network as written (a network that failed to load was reported already).
        let doc = self.nets[net].doc.clone()?;
        let mut s = ex.sample_index();
        if s >= doc.batch() {
            let b = doc.batch();
            self.out.push(
                c.raw.at("sample"),
                format!(
                    "{p}sample {sample} does not exist; network '{}' has {b} sample{}",
                    self.nets[net].id,
                    if b == 1 { "" } else { "s" }
                ),
            );
            s = 0;
        }
        for m in ex.ask.check(&doc.net, doc.batch(), s) {
            self.out.push(c.raw.at("ask"), format!("{p}ask {m}"));
        }
        if let Some(sf) = &ex.solve_for {
            for m in sf.param.check(&doc.net, doc.batch(), s) {
                self.out.push(c.raw.at("solve_for"), format!("{p}solve_for {m}"));
            }
        }
        if self.out.list.len() != before {
            return None;
        }
        let key = self.nets[net].id.clone();
        let computed = self.computed.entry(key).or_insert_with(|| Computed::new(doc));
        match ex.answer(computed) {
            Err(m) => {
                let at = if ex.solve_for.is_some() { "solve_for" } else { "ask" };
                self.out.push(c.raw.at(at), format!("{p}{m}"));
            }
            Ok(a) if a.entries().iter().any(|v| !v.is_finite()) => self.out.push(
                c.raw.at("ask"),
                format!(
                    "{p}the answer {} is not a finite number: the network gives NaN or infinity here",
                    a.to_text()
                ),
            ),
            Ok(a) if ex.tolerance == Some(Tolerance::Exact) && !typeable(&a) => self.out.push(
                c.raw.at("tolerance"),
                format!(
                    "{p}tolerance is exact but the answer {} cannot be typed exactly; give {{ rel = 0.001 }} or {{ abs = ... }}",
                    a.to_text()
                ),
            ),
            Ok(_) => {}
        }
        (self.out.list.len() == before).then_some(ex)
    }
}

/// Where a validation message belongs: the key it starts with (`epochs must be ...`,
/// `split.validation ...`, `loss: ...`), else the cell.
fn at_named_key(raw: &Raw<'_>, message: &str) -> Option<Span> {
    let first = message.split([' ', ':', '.']).next().unwrap_or_default();
    if raw.has(first) { raw.at(first) } else { raw.span() }
}

/// Whether every entry, written with 6 significant digits, passes as exact.
fn typeable(a: &Answer) -> bool {
    a.entries().iter().all(|v| {
        fmt_number(*v)
            .parse::<f64>()
            .is_ok_and(|t| Tolerance::Exact.passes(t, *v))
    })
}
