//! `gigsim check`: validate, print the resolved scenario, estimate the work.

use super::stdout::{put, say};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::estimate::{WorkEstimate, available_memory, check_memory, human_bytes};
use crate::pipeline::default_threads;
use crate::scenario;

/// Checks a scenario and prints it resolved with an estimate of the work.
pub fn check(args: &CheckArgs) -> Result<(), Error> {
    let study = scenario::load(&args.scenario)?;
    let replicates = args.replicates.unwrap_or(study.base().scenario.replicates);
    let threads = args.threads.unwrap_or_else(default_threads);
    let all: Vec<usize> = (0..study.variants.len()).collect();
    if !args.quiet {
        say(&format!(
            "# {} is valid. Resolved scenario (every default filled in):\n",
            study.file
        ))?;
        put(&study.resolved_toml())?;
        say("")?;
    }
    let names: Vec<&str> = study.variants.iter().map(|v| v.name.as_str()).collect();
    say(&format!("variants:     {} ({})", names.len(), names.join(", ")))?;
    let base = WorkEstimate::of(&study, &[0], replicates, threads);
    say(&format!("gigsim run ({replicates} replicates of base):\n{base}"))?;
    if study.variants.len() > 1 {
        let every = WorkEstimate::of(&study, &all, replicates, threads);
        say(&format!("gigsim compare (every variant):\n{every}"))?;
    }
    if let Some(mem) = available_memory() {
        say(&format!(
            "this machine: {} available, {threads} threads",
            human_bytes(mem)
        ))?;
        if let Err(refusal) = check_memory(&base, Some(mem), false) {
            eprintln!("warning: `gigsim run` will refuse this: {refusal}");
        }
    }
    Ok(())
}
