//! The "Data" group: the data set (generated, shipped or an imported CSV file), the
//! generator's parameters, the split and the feature scaling.

use super::{combo, number};
use crate::app::{Command, LabCommand};
use crate::lesson::training::TrainingSetup;
use crate::nn::data::Scaling;
use crate::nn::datasets::{BuiltinSet, DataSpec, Generator};
use egui::Ui;

/// Where the data come from, as the data set menu lists it.
#[derive(Clone, Copy, PartialEq)]
enum Source {
    Gen(Generator),
    Set(BuiltinSet),
    Csv,
}

pub(super) fn data_settings_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup, out: &mut Vec<Command>) {
    data_source_ui(ui, ci, n, out);
    generator_ui(ui, n);
    split_ui(ui, n);
    scaling_ui(ui, ci, n);
}

/// The data set menu and the CSV import button.
fn data_source_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup, out: &mut Vec<Command>) {
    let current = match &n.data {
        DataSpec::Generated { generator, .. } => Source::Gen(*generator),
        DataSpec::Builtin { dataset } => Source::Set(*dataset),
        DataSpec::Csv { .. } => Source::Csv,
    };
    let mut options: Vec<Source> = Generator::ALL.iter().map(|&g| Source::Gen(g)).collect();
    options.extend(BuiltinSet::ALL.iter().map(|&b| Source::Set(b)));
    if current == Source::Csv {
        options.push(Source::Csv);
    }
    let name = |o: Source| match o {
        Source::Gen(g) => g.label().to_string(),
        Source::Set(b) => b.label().to_string(),
        Source::Csv => "CSV file".to_string(),
    };
    if let Some(choice) = combo(ui, ("data source", ci), "Data set", current, &options, name) {
        match choice {
            Source::Gen(generator) => {
                n.data = DataSpec::Generated {
                    generator,
                    points: 200,
                    noise: 0.1,
                    seed: 0,
                    classes: (generator == Generator::Blobs).then_some(3),
                }
            }
            Source::Set(dataset) => {
                n.data = DataSpec::Builtin { dataset };
                if n.scaling == Scaling::None {
                    n.scaling = Scaling::Standardise;
                }
            }
            Source::Csv => {}
        }
    }
    if ui
        .button("Import CSV...")
        .on_hover_text("Train on your own data: choose the target column, classification or regression")
        .clicked()
    {
        out.push(Command::Lab(LabCommand::ImportCsv { cell: ci }));
    }
}

/// A generated set's points, noise, seed (and classes for blobs).
fn generator_ui(ui: &mut Ui, n: &mut TrainingSetup) {
    if let DataSpec::Generated {
        generator,
        points,
        noise,
        seed,
        classes,
    } = &mut n.data
    {
        number(
            ui,
            "Points",
            points,
            1..=crate::nn::datasets::MAX_POINTS,
            5.0,
            "How many points to generate",
        );
        number(
            ui,
            "Noise",
            noise,
            0.0..=100.0,
            0.005,
            "Standard deviation of the Gaussian noise",
        );
        number(
            ui,
            "Data seed",
            seed,
            0..=u64::MAX,
            0.2,
            "The same seed gives the same points",
        );
        if *generator == Generator::Blobs {
            let mut k = classes.unwrap_or(3);
            if number(ui, "Classes", &mut k, 2..=8, 0.05, "How many blobs") {
                *classes = Some(k);
            }
        }
    }
}

/// The validation and test shares and the split seed.
fn split_ui(ui: &mut Ui, n: &mut TrainingSetup) {
    let split = &mut n.split;
    if number(
        ui,
        "Validation share",
        &mut split.validation,
        0.0..=0.99,
        0.005,
        "Fraction of rows held out to watch for overfitting",
    ) {
        split.validation = split.validation.min(0.99 - split.test);
    }
    if number(
        ui,
        "Test share",
        &mut split.test,
        0.0..=0.99,
        0.005,
        "Fraction of rows kept for the final evaluation",
    ) {
        split.test = split.test.min(0.99 - split.validation);
    }
    number(
        ui,
        "Split seed",
        &mut split.seed,
        0..=u64::MAX,
        0.2,
        "Seed of the shuffle before the split (and of the batches)",
    );
}

/// The feature scaling menu.
fn scaling_ui(ui: &mut Ui, ci: usize, n: &mut TrainingSetup) {
    let scalings = [Scaling::None, Scaling::Standardise, Scaling::MinMax];
    let scaling_name = |x: Scaling| {
        match x {
            Scaling::None => "none",
            Scaling::Standardise => "standardise",
            Scaling::MinMax => "min-max",
        }
        .to_string()
    };
    if let Some(v) = combo(ui, ("scaling", ci), "Scaling", n.scaling, &scalings, scaling_name) {
        n.scaling = v;
    }
}
