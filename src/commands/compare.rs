//! `gigsim compare`: every variant on the same replicates, with paired differences.

use super::report::report_done;
use crate::cli::RunArgs;
use crate::error::Error;
use crate::pipeline::{Extra, apply_flags, execute};
use crate::scenario;

/// Runs every variant of a scenario and writes `comparison.csv`.
pub fn compare(args: &RunArgs) -> Result<(), Error> {
    let mut study = scenario::load(&args.scenario)?;
    if study.variants.len() < 2 {
        return Err(Error::Usage(format!(
            "{} has no [[variants]]: add at least one, e.g.\n\n[[variants]]\nname = \"high_fee\"\nset = {{ \"platform.fee.requester_percent\" = 30.0 }}\n\nor use `gigsim run` for the scenario alone",
            study.file
        )));
    }
    apply_flags(&mut study, &args.flags.options());
    report_done(
        execute(&study, &args.flags.options(), Extra::Compare)?,
        args.flags.quiet,
    )
}
