//! `gigsim run`: the scenario as written, every replicate.

use super::report::report_done;
use crate::cli::RunArgs;
use crate::error::Error;
use crate::pipeline::{Extra, apply_flags, execute};
use crate::scenario;
use crate::units::plural;

/// Runs variant "base" of a scenario.
pub fn run(args: &RunArgs) -> Result<(), Error> {
    let mut study = scenario::load(&args.scenario)?;
    apply_flags(&mut study, &args.flags.options());
    if study.variants.len() > 1 && !args.flags.quiet {
        eprintln!(
            "note: {} in the scenario not run by `run`; `gigsim compare` runs them all",
            plural(study.variants.len() as u64 - 1, "variant")
        );
    }
    study.variants.truncate(1);
    report_done(execute(&study, &args.flags.options(), Extra::Run)?, args.flags.quiet)
}
