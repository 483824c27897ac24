//! Seeded generators: [`Generator`], [`check_params`] and [`generate`] (conventions in the
//! parent module).

use super::super::Matrix;
use super::super::data::{DataError, Dataset, Task};
use super::super::init::Stream;
use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};

/// The most points a generator makes.
pub const MAX_POINTS: usize = 100_000;
/// The class counts blobs accepts.
pub const BLOB_CLASSES: std::ops::RangeInclusive<usize> = 2..=8;

/// A data set generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generator {
    /// Four Gaussian clusters at the corners (±1, ±1); class 1 where the corner's signs differ
    /// (XOR of `x1 > 0` and `x2 > 0`). With noise 0 these are the four rows of XOR's table.
    Xor,
    /// Two concentric circles: class 0 on radius 1, class 1 on radius 0.5.
    Circles,
    /// Two interleaving half circles (scikit-learn's make_moons): class 0 is
    /// `(cos t, sin t)`, class 1 is `(1 - cos t, 0.5 - sin t)`, `t` uniform in [0, pi].
    Moons,
    /// Two interleaved spiral arms in about [-1, 1]^2: point `i` of an arm has radius
    /// `r = i / (n / 2)` and angle `3 pi r` (plus pi for class 1).
    Spiral,
    /// `k` Gaussian clusters with centres evenly spaced on the circle of radius 2.
    Blobs,
    /// Regression: `y = 2x + 1`.
    Line,
    /// Regression: `y = sin x`.
    Sin,
    /// Regression: `y = |x|`.
    Abs,
    /// Regression: `y = 0` for `x < 0`, `1` for `x >= 0`.
    Step,
}

impl Generator {
    pub const ALL: [Generator; 9] = [
        Generator::Xor,
        Generator::Circles,
        Generator::Moons,
        Generator::Spiral,
        Generator::Blobs,
        Generator::Line,
        Generator::Sin,
        Generator::Abs,
        Generator::Step,
    ];

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Generator::Xor => "xor",
            Generator::Circles => "circles",
            Generator::Moons => "moons",
            Generator::Spiral => "spiral",
            Generator::Blobs => "blobs",
            Generator::Line => "line",
            Generator::Sin => "sin",
            Generator::Abs => "abs",
            Generator::Step => "step",
        }
    }

    pub fn from_name(name: &str) -> Option<Generator> {
        Generator::ALL.into_iter().find(|g| g.name() == name)
    }

    /// A human label for menus.
    pub fn label(self) -> &'static str {
        match self {
            Generator::Xor => "XOR (four clusters)",
            Generator::Circles => "Circles (inner and outer)",
            Generator::Moons => "Two moons",
            Generator::Spiral => "Spiral (two arms)",
            Generator::Blobs => "Blobs (k clusters)",
            Generator::Line => "Line y = 2x + 1",
            Generator::Sin => "y = sin x",
            Generator::Abs => "y = |x|",
            Generator::Step => "Step function",
        }
    }

    pub fn task(self) -> Task {
        match self {
            Generator::Line | Generator::Sin | Generator::Abs | Generator::Step => Task::Regression,
            _ => Task::Classification,
        }
    }

    /// Whether the generator takes a class count (only blobs).
    pub fn takes_classes(self) -> bool {
        self == Generator::Blobs
    }
}

/// Checks a generator's parameters.
pub fn check_params(generator: Generator, points: usize, noise: f64, classes: Option<usize>) -> Result<(), DataError> {
    if !(1..=MAX_POINTS).contains(&points) {
        return Err(DataError::Points {
            got: points,
            max: MAX_POINTS,
        });
    }
    if !noise.is_finite() || noise < 0.0 {
        return Err(DataError::Noise(noise));
    }
    match (generator.takes_classes(), classes) {
        (true, None) => Err(DataError::MissingClasses),
        (true, Some(k)) if !BLOB_CLASSES.contains(&k) => Err(DataError::Classes(k)),
        (false, Some(_)) => Err(DataError::UnexpectedClasses(generator.name())),
        _ => Ok(()),
    }
}

/// Makes `points` samples with the given noise and seed (`classes` for blobs only).
pub fn generate(
    generator: Generator,
    points: usize,
    noise: f64,
    seed: u64,
    classes: Option<usize>,
) -> Result<Dataset, DataError> {
    check_params(generator, points, noise, classes)?;
    let mut s = Stream::new(seed);
    let n = points;
    Ok(match generator {
        Generator::Xor => two_class(
            n,
            |j, s| {
                // Corners in an order that alternates the class: (-,-) 0, (-,+) 1, (+,+) 0, (+,-) 1.
                let (cx, cy) = [(-1.0, -1.0), (-1.0, 1.0), (1.0, 1.0), (1.0, -1.0)][j % 4];
                (cx + noise * s.normal(), cy + noise * s.normal())
            },
            &mut s,
        ),
        Generator::Circles => two_class(
            n,
            |j, s| {
                let r = if j % 2 == 0 { 1.0 } else { 0.5 };
                let a = TAU * s.uniform();
                (r * a.cos() + noise * s.normal(), r * a.sin() + noise * s.normal())
            },
            &mut s,
        ),
        Generator::Moons => two_class(
            n,
            |j, s| {
                let t = PI * s.uniform();
                let (x, y) = if j % 2 == 0 {
                    (t.cos(), t.sin())
                } else {
                    (1.0 - t.cos(), 0.5 - t.sin())
                };
                (x + noise * s.normal(), y + noise * s.normal())
            },
            &mut s,
        ),
        Generator::Spiral => two_class(
            n,
            |j, s| {
                let r = (j / 2) as f64 / (n / 2).max(1) as f64;
                let a = 3.0 * PI * r + (j % 2) as f64 * PI;
                (r * a.cos() + noise * s.normal(), r * a.sin() + noise * s.normal())
            },
            &mut s,
        ),
        Generator::Blobs => blobs(n, classes.unwrap_or(2), noise, &mut s),
        Generator::Line => function(n, noise, &mut s, |x| 2.0 * x + 1.0),
        Generator::Sin => function(n, noise, &mut s, f64::sin),
        Generator::Abs => function(n, noise, &mut s, f64::abs),
        Generator::Step => function(n, noise, &mut s, |x| if x < 0.0 { 0.0 } else { 1.0 }),
    })
}

/// The two-class spiral (see [`Generator::Spiral`]).
pub fn spiral(points: usize, noise: f64, seed: u64) -> Result<Dataset, DataError> {
    generate(Generator::Spiral, points, noise, seed, None)
}

fn names(prefix: &str, k: usize) -> Vec<String> {
    (1..=k).map(|i| format!("{prefix}{i}")).collect()
}

/// Sample `j` of class `j mod 2` at `point(j, stream)`; one 0/1 target row.
fn two_class(n: usize, mut point: impl FnMut(usize, &mut Stream) -> (f64, f64), s: &mut Stream) -> Dataset {
    let mut x = Matrix::zeros(2, n);
    let mut y = Matrix::zeros(1, n);
    for j in 0..n {
        let (a, b) = point(j, s);
        x[(0, j)] = a;
        x[(1, j)] = b;
        y[(0, j)] = (j % 2) as f64;
    }
    Dataset {
        x,
        y,
        feature_names: names("x", 2),
        class_names: vec!["0".into(), "1".into()],
    }
}

fn blobs(n: usize, k: usize, noise: f64, s: &mut Stream) -> Dataset {
    let mut x = Matrix::zeros(2, n);
    let mut y = Matrix::zeros(if k == 2 { 1 } else { k }, n);
    for j in 0..n {
        let c = j % k;
        let a = TAU * c as f64 / k as f64;
        x[(0, j)] = 2.0 * a.cos() + noise * s.normal();
        x[(1, j)] = 2.0 * a.sin() + noise * s.normal();
        if k == 2 {
            y[(0, j)] = c as f64;
        } else {
            y[(c, j)] = 1.0;
        }
    }
    Dataset {
        x,
        y,
        feature_names: names("x", 2),
        class_names: (0..k).map(|c| c.to_string()).collect(),
    }
}

/// `x` uniform in [-3, 3), `y = f(x) + noise N(0, 1)`.
fn function(n: usize, noise: f64, s: &mut Stream, f: impl Fn(f64) -> f64) -> Dataset {
    let mut x = Matrix::zeros(1, n);
    let mut y = Matrix::zeros(1, n);
    for j in 0..n {
        let v = -3.0 + 6.0 * s.uniform();
        x[(0, j)] = v;
        y[(0, j)] = f(v) + noise * s.normal();
    }
    Dataset {
        x,
        y,
        feature_names: vec!["x".into()],
        class_names: Vec::new(),
    }
}
