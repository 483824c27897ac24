//! `mlp-notebook summary FILE`: the layers and their parameter counts, like Keras'
//! `model.summary()`, plus the loss and optimizer the file names.

use super::{CliError, emit, load};
use crate::nn::summary::summary_text;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SummaryArgs {
    /// A network file (.json or .toml) or a reference case; `-` reads standard input.
    pub file: PathBuf,
}

pub fn run(args: &SummaryArgs) -> Result<(), CliError> {
    let doc = load(&args.file)?;
    let mut s = summary_text(&doc.net, doc.name.as_deref());
    s.push_str(&format!(
        "Loss: {} ({})   Optimizer: {} (lr {:?})   Data: {} sample(s)\n",
        doc.loss.kind.name(),
        doc.loss.reduction.name(),
        doc.optimizer.kind.name(),
        doc.optimizer.lr,
        doc.batch()
    ));
    emit(&s)
}
