//! [`DataSpec`], a lesson training cell's `data = ...` value: which kind it is (generated,
//! shipped or a CSV file), read from the file with every missing or misplaced key named, and
//! built into a [`Dataset`] ([`SpecError`] when it cannot be).

use super::{BuiltinSet, Generator, check_params, generate};
use crate::nn::csv::{BadRows, CsvError, CsvOptions, column_index, import, inspect_with};
use crate::nn::data::{DataError, Dataset, Task};
use serde::{Deserialize, Serialize};

/// Why a [`DataSpec`] could not be built.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SpecError {
    /// A generator's parameters or a shipped set.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A CSV spec was built without the file's text.
    #[error("the csv data needs the text of {0}")]
    CsvText(String),
    /// The CSV text could not be read.
    #[error(transparent)]
    Csv(#[from] CsvError),
}

/// A training cell's `data = ...`: generated, shipped, or a CSV file (see the lesson format).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DataSpec {
    Generated {
        generator: Generator,
        points: usize,
        noise: f64,
        seed: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        classes: Option<usize>,
    },
    Builtin {
        dataset: BuiltinSet,
    },
    /// `csv` is a path relative to the lesson file; `target` a header name.
    Csv {
        csv: String,
        target: String,
        task: Task,
        /// `header = false`: the file has no header row; `target` is then "column N".
        #[serde(skip_serializing_if = "is_true")]
        header: bool,
        /// `skip_bad_rows = true`: malformed rows are left out (as chosen in the import dialog).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        skip_bad_rows: bool,
    },
}

fn is_true(b: &bool) -> bool {
    *b
}

impl DataSpec {
    /// The data in a few words, as people read them: `moons, 200 points, noise 0.1, seed 1`,
    /// `iris`, `points.csv (target kind)`.
    pub fn describe(&self) -> String {
        match self {
            DataSpec::Generated {
                generator,
                points,
                noise,
                seed,
                classes,
            } => {
                let k = classes.map(|k| format!(", {k} classes")).unwrap_or_default();
                format!("{}, {points} points{k}, noise {noise}, seed {seed}", generator.name())
            }
            DataSpec::Builtin { dataset } => dataset.name().to_string(),
            DataSpec::Csv { csv, target, .. } => format!("{csv} (target {target})"),
        }
    }

    /// The task the data are for.
    pub fn task(&self) -> Task {
        match self {
            DataSpec::Generated { generator, .. } => generator.task(),
            DataSpec::Builtin { .. } => Task::Classification,
            DataSpec::Csv { task, .. } => *task,
        }
    }

    /// The CSV file's path as written, for the caller to read.
    pub fn csv_path(&self) -> Option<&str> {
        match self {
            DataSpec::Csv { csv, .. } => Some(csv),
            _ => None,
        }
    }

    /// Builds the data set. A CSV spec needs the file's text (read by the caller: this module
    /// does no file IO); the file needs a header row naming the target column, and a bad row
    /// fails the build with every bad row listed.
    pub fn build(&self, csv_text: Option<&str>) -> Result<Dataset, SpecError> {
        match self {
            DataSpec::Generated {
                generator,
                points,
                noise,
                seed,
                classes,
            } => Ok(generate(*generator, *points, *noise, *seed, *classes)?),
            DataSpec::Builtin { dataset } => Ok(dataset.load()?),
            DataSpec::Csv {
                csv,
                target,
                task,
                header,
                skip_bad_rows,
            } => {
                let text = csv_text.ok_or_else(|| SpecError::CsvText(csv.clone()))?;
                let target_column = column_index(&inspect_with(text, *header), target)?;
                let opts = CsvOptions {
                    has_header: *header,
                    target_column,
                    task: *task,
                    bad_rows: if *skip_bad_rows { BadRows::Skip } else { BadRows::Report },
                };
                Ok(import(text, &opts)?.data)
            }
        }
    }
}

/// Every key a `data = ...` table may have, to tell which kind it is and what is missing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    generator: Option<Generator>,
    points: Option<usize>,
    noise: Option<f64>,
    seed: Option<u64>,
    classes: Option<usize>,
    dataset: Option<BuiltinSet>,
    csv: Option<String>,
    target: Option<String>,
    task: Option<Task>,
    header: Option<bool>,
    skip_bad_rows: Option<bool>,
}

impl RawSpec {
    fn into_spec(self) -> Result<DataSpec, String> {
        let kinds = [self.generator.is_some(), self.dataset.is_some(), self.csv.is_some()];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err("data needs exactly one of generator = NAME, dataset = NAME or csv = \"FILE\"".into());
        }
        let present = |keys: &[(&'static str, bool)]| -> Vec<&'static str> {
            keys.iter().filter(|(_, p)| *p).map(|(k, _)| *k).collect()
        };
        let refuse = |kind: &str, extra: Vec<&str>| -> Result<(), String> {
            if extra.is_empty() {
                Ok(())
            } else {
                Err(format!("{} does not apply to {kind}", extra.join(", ")))
            }
        };
        if let Some(generator) = self.generator {
            refuse(
                "a generated data set",
                present(&[
                    ("target", self.target.is_some()),
                    ("task", self.task.is_some()),
                    ("header", self.header.is_some()),
                    ("skip_bad_rows", self.skip_bad_rows.is_some()),
                ]),
            )?;
            let missing: Vec<&str> = [
                ("points", self.points.is_none()),
                ("noise", self.noise.is_none()),
                ("seed", self.seed.is_none()),
            ]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(k, _)| *k)
            .collect();
            let (Some(points), Some(noise), Some(seed)) = (self.points, self.noise, self.seed) else {
                return Err(format!(
                    "generator = \"{}\" needs {} (e.g. points = 200, noise = 0.1, seed = 0)",
                    generator.name(),
                    missing.join(", ")
                ));
            };
            check_params(generator, points, noise, self.classes).map_err(|e| e.to_string())?;
            return Ok(DataSpec::Generated {
                generator,
                points,
                noise,
                seed,
                classes: self.classes,
            });
        }
        let not_generated = [
            ("points", self.points.is_some()),
            ("noise", self.noise.is_some()),
            ("seed", self.seed.is_some()),
            ("classes", self.classes.is_some()),
        ];
        if let Some(dataset) = self.dataset {
            let mut extra = present(&not_generated);
            extra.extend(present(&[
                ("target", self.target.is_some()),
                ("task", self.task.is_some()),
                ("header", self.header.is_some()),
                ("skip_bad_rows", self.skip_bad_rows.is_some()),
            ]));
            refuse("a shipped data set", extra)?;
            return Ok(DataSpec::Builtin { dataset });
        }
        refuse("a csv file", present(&not_generated))?;
        let missing: Vec<&str> = [("target", self.target.is_none()), ("task", self.task.is_none())]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(k, _)| *k)
            .collect();
        match (self.csv, self.target, self.task) {
            (Some(csv), Some(target), Some(task)) => Ok(DataSpec::Csv {
                csv,
                target,
                task,
                header: self.header.unwrap_or(true),
                skip_bad_rows: self.skip_bad_rows.unwrap_or(false),
            }),
            _ => Err(format!(
                "csv data needs {} (target = \"column name\", task = \"classification\" or \"regression\")",
                missing.join(" and ")
            )),
        }
    }
}

impl<'de> Deserialize<'de> for DataSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawSpec::deserialize(d)?.into_spec().map_err(serde::de::Error::custom)
    }
}
