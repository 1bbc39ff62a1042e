//! `gigsim compare`: every variant on the same replicates, with paired differences.

use super::execute::{Extra, apply_flags, execute, report};
use crate::cli::RunArgs;
use crate::error::Error;
use crate::output::comparison::Contrast;
use crate::output::summary::format_value;
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
    apply_flags(&mut study, &args.flags);
    if let Some(done) = execute(&study, &args.flags, Extra::Compare)?.finished(args.flags.quiet) {
        if !args.flags.quiet {
            report(&done);
        }
    }
    Ok(())
}

/// The contrasts as a table for the terminal, one block per metric; the first variant
/// is the reference.
pub fn contrast_text(rows: &[Contrast]) -> String {
    let mut out = String::new();
    let Some(reference) = rows.first().map(|r| r.variant.as_str()) else {
        return out;
    };
    let mut metrics: Vec<&str> = Vec::new();
    for r in rows {
        if !metrics.contains(&r.metric.as_str()) {
            metrics.push(&r.metric);
        }
    }
    let width = rows.iter().map(|r| r.variant.len()).max().unwrap_or(4).max(7);
    let signed = |metric: &str, v: f64| format!("{}{}", if v >= 0.0 { "+" } else { "" }, format_value(metric, v));
    for metric in metrics {
        out.push_str(&format!("  {metric}\n"));
        for r in rows.iter().filter(|r| r.metric == metric) {
            let diff = match (r.variant == reference, r.diff.ci_low, r.diff.ci_high) {
                (true, _, _) => "(reference)".to_string(),
                (false, Some(lo), Some(hi)) => format!(
                    "{}  [{} to {}]",
                    signed(metric, r.diff.mean),
                    format_value(metric, lo),
                    format_value(metric, hi)
                ),
                _ => signed(metric, r.diff.mean),
            };
            let level = format_value(metric, r.level.mean);
            out.push_str(&format!("    {:<width$} {level:>16}   {diff}\n", r.variant));
        }
    }
    out
}
