//! The shipped tabular sets: [`BuiltinSet`], embedded in the binary.

use super::super::csv::{BadRows, CsvOptions, import, inspect_with};
use super::super::data::{DataError, Dataset, Task};
use serde::{Deserialize, Serialize};

/// A data set shipped with the app (see assets/datasets/SOURCES.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuiltinSet {
    Iris,
    Digits,
    Wine,
    BreastCancer,
}

impl BuiltinSet {
    pub const ALL: [BuiltinSet; 4] = [
        BuiltinSet::Iris,
        BuiltinSet::Digits,
        BuiltinSet::Wine,
        BuiltinSet::BreastCancer,
    ];

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinSet::Iris => "iris",
            BuiltinSet::Digits => "digits",
            BuiltinSet::Wine => "wine",
            BuiltinSet::BreastCancer => "breast_cancer",
        }
    }

    pub fn from_name(name: &str) -> Option<BuiltinSet> {
        BuiltinSet::ALL.into_iter().find(|b| b.name() == name)
    }

    /// A human label for menus.
    pub fn label(self) -> &'static str {
        match self {
            BuiltinSet::Iris => "Iris flowers (4 measurements, 3 species)",
            BuiltinSet::Digits => "Handwritten digits (8x8 pixels, 10 digits)",
            BuiltinSet::Wine => "Wine (13 measurements, 3 cultivars)",
            BuiltinSet::BreastCancer => "Breast cancer (30 measurements, malignant or benign)",
        }
    }

    /// Where the data come from, in one line (from assets/datasets/SOURCES.md).
    pub fn attribution(self) -> &'static str {
        match self {
            BuiltinSet::Iris => "R. A. Fisher (1936), UCI Machine Learning Repository \"Iris\", CC BY 4.0",
            BuiltinSet::Digits => {
                "E. Alpaydin, C. Kaynak (1998), UCI Machine Learning Repository \"Optical Recognition of Handwritten Digits\" (test part), CC BY 4.0"
            }
            BuiltinSet::Wine => "M. Forina et al., UCI Machine Learning Repository \"Wine\", CC BY 4.0",
            BuiltinSet::BreastCancer => {
                "W. H. Wolberg et al., UCI Machine Learning Repository \"Breast Cancer Wisconsin (Diagnostic)\", CC BY 4.0"
            }
        }
    }

    /// The shipped CSV text (a header row; the class label is the last column).
    pub fn csv_text(self) -> &'static str {
        match self {
            BuiltinSet::Iris => include_str!("../../../assets/datasets/iris.csv"),
            BuiltinSet::Digits => include_str!("../../../assets/datasets/digits.csv"),
            BuiltinSet::Wine => include_str!("../../../assets/datasets/wine.csv"),
            BuiltinSet::BreastCancer => include_str!("../../../assets/datasets/breast_cancer.csv"),
        }
    }

    /// Parses the shipped CSV: every column but the last is a feature, the last the class.
    pub fn load(self) -> Result<Dataset, DataError> {
        let text = self.csv_text();
        let columns = inspect_with(text, true).columns.len();
        let opts = CsvOptions {
            has_header: true,
            target_column: columns.saturating_sub(1),
            task: Task::Classification,
            bad_rows: BadRows::Report,
        };
        import(text, &opts).map(|i| i.data).map_err(|e| DataError::Builtin {
            name: self.name(),
            message: e.to_string(),
        })
    }
}
