//! `gigsim validate`: run the scenario as written, then check its moments against a
//! targets file and say which lie inside their bands.

use std::fmt::Write as _;

use super::stdout::say;
use crate::cli::ValidateArgs;
use crate::error::Error;
use crate::output::charts::ChartStyle;
use crate::pipeline::{Done, Extra, apply_flags, draw_charts, execute};
use crate::scenario;
use crate::units::{plural, three_digits};
use crate::validate::{Check, Context, Targets, evaluate_folder, tables_needed, write_validation};

/// Runs and validates a scenario.
pub fn validate(args: &ValidateArgs) -> Result<(), Error> {
    // Everything the user gave is checked before any work starts.
    let targets = Targets::load(&args.targets)?;
    let options = args.flags.options();
    if options.shard.is_some() {
        return Err(Error::Usage(
            "validate runs every replicate into one folder, so it takes no --shard; \
             run the shards with `gigsim run --shard`, merge them, and validate the merged runs \
             on one machine"
                .into(),
        ));
    }
    if let Some(tables) = &options.tables {
        for table in tables_needed(&targets) {
            if !tables.iter().any(|t| t.trim() == table.name()) {
                let moment = targets
                    .moments
                    .iter()
                    .find(|t| t.moment.tables().contains(&table))
                    .map_or("", |t| t.moment.name);
                return Err(Error::Usage(format!(
                    "--tables leaves out {0}, which the moment `{moment}` is computed from; add {0} to --tables",
                    table.name()
                )));
            }
        }
    }
    let mut study = scenario::load(&args.scenario)?;
    apply_flags(&mut study, &options);
    if study.variants.len() > 1 && !options.quiet {
        eprintln!(
            "note: {} in the scenario not run by `validate`, which checks the scenario as written",
            plural(study.variants.len() as u64 - 1, "variant")
        );
    }
    study.variants.truncate(1);
    let out = match execute(&study, &options, Extra::Run)? {
        Done::Finished(f) => f.out,
        Done::AlreadyComplete(out) => out,
        Done::Shard(_) => unreachable!("--shard is refused above"),
    };
    let checks = evaluate_folder(&targets, &out, &Context::of(&study.base().scenario))?;
    write_validation(&out, &checks)?;
    // The charts and report again, now with the validation chart and section.
    draw_charts(&out, &ChartStyle::of_folder(&out)?)?;
    let outside = checks.iter().filter(|c| !c.inside).count();
    if !options.quiet {
        say(&format!(
            "{}\n{} of {} inside their targets (mean over {}, 95% CI). Results: {}",
            table(&checks),
            checks.len() - outside,
            plural(checks.len() as u64, "moment"),
            plural(study.base().scenario.replicates, "replicate"),
            out.display()
        ))?;
    }
    if outside > 0 {
        return Err(Error::OutsideTargets(format!(
            "{} of {} outside {}: see {}",
            outside,
            plural(checks.len() as u64, "moment"),
            if outside == 1 { "its target" } else { "their targets" },
            out.join("validation.csv").display()
        )));
    }
    Ok(())
}

/// The checks as aligned text: moment, band, simulated mean with CI, verdict.
fn table(checks: &[Check]) -> String {
    let rows: Vec<[String; 4]> = checks
        .iter()
        .map(|c| {
            let band = match (c.around(), c.range()) {
                (Some((t, tol)), _) => format!("{} ± {}", three_digits(t), three_digits(tol)),
                (_, Some((l, h))) => format!("{} to {}", three_digits(l), three_digits(h)),
                _ => String::new(),
            };
            let e = &c.estimate;
            let simulated = match (e.ci_low, e.ci_high) {
                (Some(l), Some(h)) => format!("{} ({} to {})", three_digits(e.mean), three_digits(l), three_digits(h)),
                _ => three_digits(e.mean),
            };
            let name = match c.target.threshold {
                Some(t) => format!("{} > {}", c.target.moment.name, three_digits(t)),
                None => c.target.moment.name.to_string(),
            };
            [
                name,
                band,
                simulated,
                if c.inside { "inside" } else { "OUTSIDE" }.into(),
            ]
        })
        .collect();
    let header = ["moment", "target", "simulated (95% CI)", ""].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for r in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "  {:<w0$}  {:<w1$}  {:<w2$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        let _ = writeln!(text, "{}", line.trim_end());
    }
    text.trim_end().to_string()
}
