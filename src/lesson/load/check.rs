//! The second pass: the cells checked against each other and against the engine ([`Checker`]):
//! unique ids, network cells (locks, variants, the network written in the cell or read by
//! path), and the other cells' own validation placed at the key it names. Exercises are checked
//! in `exercise.rs`.

use super::raw::{Raw, RawCell, Step};
use super::{Problems, Resolver, Span};
use crate::lesson::compute::Computed;
use crate::lesson::file::{CellFile, HeaderFile, NetworkCellFile};
use crate::lesson::variant::{MAX_K, Variant};
use crate::lesson::{Cell, Lesson, LessonMeta, Lock, NetworkCell, NetworkOptions, Show, Taught};
use crate::nn::doc::{self, NetworkDoc, Syntax};
use std::collections::HashMap;

/// A network cell's id and its document (if it loaded).
pub(super) struct NetEntry {
    pub(super) n: usize,
    pub(super) id: String,
    pub(super) doc: Option<NetworkDoc>,
    /// What the lesson has taught of it (everything if the cell did not load).
    pub(super) taught: Taught,
    /// How many layers the cell's own `[cells.network]` writes (references are checked against
    /// it when the network has other problems).
    pub(super) layers_written: Option<usize>,
    /// The cell's per-student variant, if it loaded with one.
    pub(super) variant: Option<Variant>,
}

/// The second pass: cells checked against each other and the engine.
pub(super) struct Checker<'o, 't, 'r> {
    pub(super) out: &'o mut Problems<'t>,
    pub(super) resolve: Resolver<'r>,
    /// Also run lint's checks (data files read, variants sampled: `lint.rs`).
    pub(super) lint: bool,
    /// Lint's sample of students' variant networks, computed once per network id.
    pub(super) variant_runs: HashMap<String, Vec<(String, Computed)>>,
    /// The network cells in file order.
    pub(super) nets: Vec<NetEntry>,
    /// Each network's passes, computed once for all the exercises on it.
    pub(super) computed: HashMap<String, Computed>,
}

impl<'o, 't, 'r> Checker<'o, 't, 'r> {
    pub(super) fn new(out: &'o mut Problems<'t>, resolve: Resolver<'r>, lint: bool) -> Self {
        Checker {
            out,
            resolve,
            lint,
            variant_runs: HashMap::new(),
            nets: Vec::new(),
            computed: HashMap::new(),
        }
    }

    /// Checks every cell; the lesson, if the header was read (the caller still checks that no
    /// problem was listed).
    pub(super) fn check(mut self, header: Option<HeaderFile>, cells: &[RawCell<'_>]) -> Option<Lesson> {
        let mut built = self.networks(cells);
        self.check_ids(cells);
        let mut out_cells = Vec::new();
        for c in cells {
            out_cells.extend(self.cell(c, &mut built));
        }
        let h = header?;
        Some(Lesson {
            title: h.title,
            meta: LessonMeta {
                author: h.author,
                version: h.version,
                description: h.description,
                grading: h.grading,
            },
            cells: out_cells,
        })
    }

    /// Network cells first, since exercises anywhere may name them: each one's id (written, or
    /// `netK` for the K-th) goes into [`Checker::nets`]; the valid ones are returned by position.
    fn networks(&mut self, cells: &[RawCell<'_>]) -> HashMap<usize, NetworkCell> {
        let mut built: HashMap<usize, NetworkCell> = HashMap::new();
        for (k, c) in cells.iter().filter(|c| c.kind == "network").enumerate() {
            let id = c.written_id().unwrap_or_else(|| format!("net{}", k + 1));
            let cell = match &c.file {
                Some(CellFile::Network(f)) => self.network_cell(c, f, id.clone()),
                _ => None,
            };
            let layers_written = match &c.file {
                Some(CellFile::Network(f)) => f.network.as_ref().map(|n| n.layers.len()),
                _ => None,
            };
            self.nets.push(NetEntry {
                n: c.n,
                id,
                doc: cell.as_ref().map(|x| x.doc.clone()),
                taught: cell.as_ref().map_or(Taught::All, |x| x.options.taught),
                layers_written,
                variant: cell.as_ref().and_then(|x| x.options.variant),
            });
            if let Some(x) = cell {
                built.insert(c.n, x);
            }
        }
        built
    }

    /// One cell checked (a network cell is taken from `built`); `None` if it has a problem.
    fn cell(&mut self, c: &RawCell<'_>, built: &mut HashMap<usize, NetworkCell>) -> Option<Cell> {
        match c.file.as_ref()? {
            CellFile::Text(t) => Some(Cell::Text(t.text.clone())),
            CellFile::Network(_) => built.remove(&c.n).map(|x| Cell::Network(Box::new(x))),
            CellFile::Exercise(f) => {
                let ex = self.exercise(c, f)?;
                if self.lint {
                    self.lint_exercise(c, &ex, &c.prefix(Some(&ex.id)));
                }
                Some(Cell::Exercise(Box::new(ex)))
            }
            CellFile::Quiz(q) => {
                let p = c.prefix(Some(&q.id));
                let e = q.validate();
                for m in &e {
                    self.out.push(c.raw.span(), format!("{p}{m}"));
                }
                if e.is_empty() && self.lint {
                    self.lint_quiz(c, q, &p);
                }
                e.is_empty().then(|| Cell::Quiz(q.clone()))
            }
            CellFile::Plot(f) => match f.validate() {
                Ok(p) => Some(Cell::Plot(Box::new(p))),
                Err(e) => {
                    for m in e {
                        self.out
                            .push(at_named_key(&c.raw, &m), format!("{}{m}", c.prefix(None)));
                    }
                    None
                }
            },
            CellFile::Training(t) => match t.validate() {
                Ok(s) => {
                    if self.lint {
                        self.lint_data(c, &s, &c.prefix(t.id.as_deref()));
                    }
                    Some(Cell::Training(Box::new(s)))
                }
                Err(e) => {
                    let p = c.prefix(t.id.as_deref());
                    for m in e {
                        self.out.push(at_named_key(&c.raw, &m), format!("{p}{m}"));
                    }
                    None
                }
            },
        }
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
            if !valid_id(&id) {
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

    /// A network cell: its options and its network, with every problem listed. `None` if any.
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
        let taught = match f.taught.as_deref() {
            None => Taught::All,
            Some(s) => Taught::from_name(s).unwrap_or_else(|| {
                self.out.push(
                    c.raw.at("taught"),
                    format!("{p}unknown taught '{s}'; valid: forward, loss, backward, all"),
                );
                Taught::All
            }),
        };
        let variant = self.variant(c, f, &p);
        let doc = self.network_doc(c, f, &p)?;
        (self.out.list.len() == before).then(|| NetworkCell {
            options: NetworkOptions {
                id,
                id_named: f.id.is_some(),
                lock,
                show,
                taught,
                stepper: f.stepper.unwrap_or(true),
                hide_answers: f.hide_answers.unwrap_or(true),
                variant,
                path: f.path.clone(),
            },
            doc,
        })
    }

    /// The cell's `variant`, if it has a valid one (`p` is the cell's message prefix).
    fn variant(&mut self, c: &RawCell<'_>, f: &NetworkCellFile, p: &str) -> Option<Variant> {
        let v = f.variant.as_ref()?;
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
    }

    /// The cell's network: its `[cells.network]` table, or the file named by `path` (read with
    /// the resolver), validated; every problem listed at the key.
    fn network_doc(&mut self, c: &RawCell<'_>, f: &NetworkCellFile, p: &str) -> Option<NetworkDoc> {
        match (&f.path, &f.network) {
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
                        let at = c.raw.at_path(&network_place(&m)).or_else(|| c.raw.at("network"));
                        self.out.push(at, format!("{p}network: {m}"));
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
        }
    }
}

/// Where in a `[cells.network]` table the network's problem `message` lies, as a path for
/// [`Raw::at_path`]: `layer 2: weights row 3 ...` is that row of layer 2's `weights`, `layer 2:
/// bias ...` its bias, `layer 2: ...` the layer, `x row 3: ...` that row of `x`, `y ...` the
/// targets; anything else the table itself.
fn network_place(message: &str) -> Vec<Step<'static>> {
    let row = |n: &str| {
        n.split([' ', ':'])
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
    };
    let mut path = vec![Step::Key("network")];
    if let Some(rest) = message.strip_prefix("layer ") {
        let (n, what) = rest.split_once(':').unwrap_or((rest, ""));
        let what = what.trim_start();
        if let Some(i) = row(n) {
            path.extend([Step::Key("layers"), Step::At(i)]);
            let key = what.split([' ', ':']).next().unwrap_or_default();
            if let Some(k) = ["weights", "bias", "units", "activation"]
                .into_iter()
                .find(|k| *k == key)
            {
                path.push(Step::Key(k));
                if let Some(r) = what.strip_prefix("weights row ").and_then(row) {
                    path.push(Step::At(r));
                }
            }
        }
        return path;
    }
    for key in ["x", "y", "loss", "inputs", "scaling", "optimizer"] {
        if message.strip_prefix(key).is_some_and(|r| r.starts_with([' ', ':'])) {
            path.push(Step::Key(key));
            if let Some(r) = message
                .strip_prefix(key)
                .and_then(|r| r.strip_prefix(" row "))
                .and_then(row)
            {
                path.push(Step::At(r));
            }
            break;
        }
    }
    path
}

/// Ids are letters, digits, `-` and `_`, at least one of them.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Where a validation message belongs: the key it starts with (`epochs must be ...`,
/// `split.validation ...`, `loss: ...`), else the cell.
fn at_named_key(raw: &Raw<'_>, message: &str) -> Option<Span> {
    let first = message.split([' ', ':', '.']).next().unwrap_or_default();
    if raw.has(first) { raw.at(first) } else { raw.span() }
}
