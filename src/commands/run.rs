//! `gigsim run`: the scenario as written, every replicate.

use super::execute::{Extra, apply_flags, execute};
use crate::cli::RunArgs;
use crate::error::Error;
use crate::output::summary::headline_text;
use crate::scenario;

/// Runs variant "base" of a scenario.
pub fn run(args: &RunArgs) -> Result<(), Error> {
    let mut study = scenario::load(&args.scenario)?;
    apply_flags(&mut study, &args.flags);
    if study.variants.len() > 1 && !args.flags.quiet {
        eprintln!(
            "note: {} variant(s) in the scenario are not run by `run`; `gigsim compare` runs them all",
            study.variants.len() - 1
        );
    }
    study.variants.truncate(1);
    let done = execute(&study, &args.flags, Extra::Run)?;
    if !args.flags.quiet {
        println!(
            "{} — {} replicate(s), mean and 95% CI across replicates:",
            study.base().scenario.name,
            study.base().scenario.replicates
        );
        print!("{}", headline_text(&done.summary));
        println!("results: {}", done.out.display());
    }
    Ok(())
}
