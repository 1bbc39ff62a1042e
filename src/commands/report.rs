//! What run, compare, sweep and merge print when a study is finished: the headline
//! results, or the paired differences against the reference, and the folder.

use super::stdout::{put, say};
use crate::error::Error;
use crate::output::comparison::Contrast;
use crate::output::shard::SHARD_FILE;
use crate::output::summary::{format_change, format_value, headline_text, metric_label};
use crate::pipeline::{Done, Finished};
use crate::units::plural;

/// Reports how a run, compare or sweep ended, unless `quiet`.
pub fn report_done(done: Done, quiet: bool) -> Result<(), Error> {
    if quiet {
        return Ok(());
    }
    match done {
        Done::Finished(f) => report(&f),
        Done::Shard(s) => {
            let kept = if s.kept > 0 {
                format!(" ({} kept from the interrupted attempt)", s.kept)
            } else {
                String::new()
            };
            say(&format!(
                "shard {} complete: {}{kept} in {} ({SHARD_FILE} written).\n\
                 When every shard is complete: gigsim merge <shard folders> --out <results folder>",
                s.shard,
                plural(s.runs as u64, "run"),
                s.out.display()
            ))
        }
        Done::AlreadyComplete(out) => say(&format!(
            "nothing to resume: {} already holds the complete results of this study",
            out.display()
        )),
    }
}

/// Prints a finished study's headline results and folder, as run, compare, sweep and
/// merge do.
pub fn report(done: &Finished) -> Result<(), Error> {
    let study = &done.study;
    let replicates = plural(study.replicates, "replicate");
    let variants = study.variants.len() as u64;
    let (shape, note, body) = match study.command.as_str() {
        "compare" => (
            format!("{} × {replicates}", plural(variants, "variant")),
            "differences are paired against base (95% CI)",
            contrast_text(&done.contrasts),
        ),
        "sweep" => (
            format!("{} × {replicates}", plural(variants, "point")),
            "differences are paired against the first point (95% CI)",
            contrast_text(&done.contrasts),
        ),
        _ => (
            replicates,
            "mean and 95% CI across replicates",
            headline_text(&done.summary),
        ),
    };
    let separator = if study.command == "run" { "," } else { ";" };
    say(&format!("{} — {shape}{separator} {note}:", study.scenario_name))?;
    put(&body)?;
    say(&format!("results: {}", done.out.display()))
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
    for metric in metrics {
        out.push_str(&format!("  {}\n", metric_label(metric)));
        for r in rows.iter().filter(|r| r.metric == metric) {
            let diff = match (r.variant == reference, r.diff.ci_low, r.diff.ci_high) {
                (true, _, _) => "(reference)".to_string(),
                (false, Some(lo), Some(hi)) => format!(
                    "{}  [{} to {}]",
                    format_change(metric, r.diff.mean),
                    format_change(metric, lo),
                    format_change(metric, hi)
                ),
                _ => format_change(metric, r.diff.mean),
            };
            let level = format_value(metric, r.level.mean);
            out.push_str(&format!("    {:<width$} {level:>16}   {diff}\n", r.variant));
        }
    }
    out
}
