//! The pipeline shared by run, compare and sweep: check flags, estimate, choose the
//! output folder, run the plan into part files, assemble the tables, summarize, and
//! write the manifest — never touching a folder before the input is known to be good.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::RunFlags;
use crate::error::Error;
use crate::estimate::{WorkEstimate, available_memory, human_bytes};
use crate::output::atomic::{remove_temporaries, write_file};
use crate::output::charts::{ChartStyle, render_folder};
use crate::output::columns;
use crate::output::comparison::{Contrast, comparison_frame, contrasts, sweep_frame};
use crate::output::folder;
use crate::output::manifest::{GIT_COMMIT, Manifest, VERSION, fingerprint};
use crate::output::parts::{CHOSEN_TABLES, PARTIAL_DIR, PartStore, RUN_TABLES, assemble, complete_chunks};
use crate::output::report::write_report;
use crate::output::summary::{SummaryRow, summarize, summary_frame};
use crate::output::tables::write_csv;
use crate::runner::{self, Outcome, Shard};
use crate::scenario::Study;

/// `workers.csv` is skipped above this many rows unless `--tables` names workers.
pub const WORKERS_CSV_MAX_ROWS: usize = 1_000_000;

/// What a finished study leaves for the command that ran it.
pub struct Finished {
    /// The results folder.
    pub out: PathBuf,
    /// The summary rows.
    pub summary: Vec<SummaryRow>,
    /// Variants against the reference (compare and sweep).
    pub contrasts: Vec<Contrast>,
}

/// Which command's tables to add beside the per-run tables and the summary.
pub enum Extra<'a> {
    /// `run`: nothing more.
    Run,
    /// `compare`: `comparison.csv`.
    Compare,
    /// `sweep`: `sweep.csv`, with the swept keys and each point's values.
    Sweep {
        /// Swept dotted keys.
        params: &'a [String],
        /// Values of the keys at each point, in plan order.
        values: &'a [Vec<f64>],
    },
}

impl Extra<'_> {
    fn command(&self) -> &'static str {
        match self {
            Extra::Run => "run",
            Extra::Compare => "compare",
            Extra::Sweep { .. } => "sweep",
        }
    }
}

/// Tables chosen with `--tables` (all by default), checked against the known ones.
pub fn chosen_tables(flags: &RunFlags) -> Result<Vec<&'static str>, Error> {
    let Some(list) = &flags.tables else {
        return Ok(RUN_TABLES.to_vec());
    };
    let mut out = Vec::new();
    for name in list {
        let name = name.trim();
        match CHOSEN_TABLES.iter().find(|t| **t == name) {
            Some(t) => out.push(*t),
            None => {
                return Err(Error::Usage(format!(
                    "--tables: unknown table `{name}`; choose from {}",
                    CHOSEN_TABLES.join(", ")
                )));
            }
        }
    }
    Ok(out)
}

/// Whether a table also gets a CSV file: always, except `workers` above
/// [`WORKERS_CSV_MAX_ROWS`] rows unless `--tables` names it (Parquet is always written).
pub fn wants_csv(table: &str, rows: usize, workers_listed: bool) -> bool {
    table != "workers" || rows <= WORKERS_CSV_MAX_ROWS || workers_listed
}

/// Applies `--seed` and `--replicates` to every variant.
pub fn apply_flags(study: &mut Study, flags: &RunFlags) {
    for v in study.variants.iter_mut().chain(std::iter::once(study.written.as_mut())) {
        if let Some(seed) = flags.seed {
            v.scenario.seed = seed;
            v.raw.simulation.seed = seed as i64;
        }
        if let Some(r) = flags.replicates {
            v.scenario.replicates = r;
            v.raw.simulation.replicates = i64::from(r);
        }
    }
}

/// Runs every variant of `study` × its replicates and writes the results.
pub fn execute(study: &Study, flags: &RunFlags, extra: Extra<'_>) -> Result<Finished, Error> {
    let command = extra.command();
    let started = Instant::now();
    let started_utc = folder::timestamp_iso();
    let base = &study.base().scenario;
    let replicates = base.replicates;
    let tables = chosen_tables(flags)?;
    let threads = flags.threads.map_or_else(super::check::default_threads, |t| t as usize);
    let variants: Vec<usize> = (0..study.variants.len()).collect();
    let estimate = WorkEstimate::of(study, &variants, replicates, threads);
    if let Some(available) = available_memory() {
        if estimate.peak_bytes > available && !flags.ignore_memory_estimate {
            return Err(Error::TooBig(format!(
                "this run needs about {} of memory but the machine has {} available:\n{estimate}\n\
                 Use fewer --threads or workers, or pass --ignore-memory-estimate to run anyway.",
                human_bytes(estimate.peak_bytes),
                human_bytes(available)
            )));
        }
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let out = folder::choose(flags.out.as_deref(), flags.force, &base.name, &cwd)?;
    folder::create(&out)?;
    let partial = out.join(PARTIAL_DIR);
    let names: Vec<String> = study.variants.iter().map(|v| v.name.clone()).collect();
    let store = PartStore::new(&partial, names.clone())?;
    write_file(&partial.join("PARTIAL.txt"), PARTIAL_NOTE.as_bytes())?;

    let plan = runner::plan(study.variants.len(), replicates);
    let entries = runner::shard_entries(&plan, Shard::WHOLE);
    let chunks = runner::chunks(&entries, u64::from(base.workers.count));
    let total_days: u64 = entries
        .iter()
        .map(|e| u64::from(study.variants[e.variant as usize].scenario.days))
        .sum();
    let bar = progress_bar(total_days, flags.quiet, plan.len());
    let outcome = runner::execute(study, &chunks, threads, &bar, crate::interrupt::flag(), &store);
    bar.finish_and_clear();
    let outcome = outcome.inspect_err(|_| remove_temporaries(&out))?;
    if outcome == Outcome::Interrupted {
        remove_temporaries(&out);
        let done: usize = complete_chunks(&partial)?
            .iter()
            .map(|c| c.marker.plan_indices.len())
            .sum();
        return Err(Error::Interrupted(format!(
            "interrupted: {done} of {} runs finished and are kept in {} (marked partial); no tables were written",
            plan.len(),
            partial.display()
        )));
    }

    let found = complete_chunks(&partial)?;
    let listed_workers = flags
        .tables
        .as_ref()
        .is_some_and(|t| t.iter().any(|x| x.trim() == "workers"));
    let csv = |table: &str, rows: usize| wants_csv(table, rows, listed_workers);
    let assembled = assemble(&found, plan.len(), &out, &tables, &csv).inspect_err(|_| remove_temporaries(&out))?;
    let runs = assembled.runs;
    let mut written = assembled.files;
    let summary = summarize(&runs)?;
    write_csv(&out.join("summary.csv"), "summary", &mut summary_frame(&summary)?)?;
    let contrasts = match &extra {
        Extra::Run => Vec::new(),
        Extra::Compare => {
            let c = contrasts(&runs, &names)?;
            write_csv(&out.join("comparison.csv"), "comparison", &mut comparison_frame(&c)?)?;
            written.push(out.join("comparison.csv"));
            c
        }
        Extra::Sweep { params, values } => {
            let c = contrasts(&runs, &names)?;
            write_csv(&out.join("sweep.csv"), "sweep", &mut sweep_frame(&c, params, values)?)?;
            written.push(out.join("sweep.csv"));
            c
        }
    };
    write_file(&out.join("columns.md"), columns::markdown(columns::TABLES).as_bytes())?;
    let resolved = study.resolved_toml();
    write_file(&out.join("scenario.toml"), resolved.as_bytes())?;
    let manifest = Manifest {
        gigsim_version: VERSION.into(),
        git_commit: GIT_COMMIT.into(),
        command: command.into(),
        command_line: std::env::args().collect(),
        scenario_file: study.file.clone(),
        scenario_name: base.name.clone(),
        seed: base.seed,
        replicates,
        variants: names,
        sweep_params: match &extra {
            Extra::Sweep { params, .. } => params.to_vec(),
            _ => Vec::new(),
        },
        runs: plan.len() as u32,
        scenario_hash: fingerprint(study.identity_text().as_bytes()),
        threads,
        started_utc,
        wall_seconds: started.elapsed().as_secs_f64(),
        resolved_scenario: resolved,
    };
    let json = serde_json::to_vec_pretty(&manifest).expect("a manifest serializes");
    write_file(&out.join("manifest.json"), &json)?;
    draw_charts(&out, &ChartStyle::from(&study.base().raw.charts))?;
    remove_stale(&out, &written);
    let _ = std::fs::remove_dir_all(&partial);
    Ok(Finished {
        out,
        summary,
        contrasts,
    })
}

const PARTIAL_NOTE: &str = "This folder holds the finished runs of a gigsim command that has not completed.\n\
These files are NOT results. Run the same command with --out pointing at the folder above\n\
and --resume to finish the remaining runs; the final tables are written only then.\n";

/// Draws every chart of a finished results folder into `charts/` and writes
/// `report.html` beside the tables (charts are made from the tables alone).
pub fn draw_charts(out: &Path, style: &ChartStyle) -> Result<(), Error> {
    let charts = render_folder(out, &out.join("charts"), style)?;
    write_report(out, &charts)?;
    Ok(())
}

/// Removes tables a previous run left in a reused folder (`--force`) that this run did
/// not write, so a folder never mixes the tables of two runs.
fn remove_stale(out: &Path, written: &[PathBuf]) {
    let known = RUN_TABLES.iter().chain(["comparison", "sweep"].iter());
    for table in known {
        for ext in ["parquet", "csv"] {
            let path = out.join(format!("{table}.{ext}"));
            if !written.contains(&path) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn progress_bar(total_days: u64, quiet: bool, runs: usize) -> ProgressBar {
    let bar = ProgressBar::new(total_days);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} [{bar:32}] {percent:>3}%  {msg}  ~{eta} left")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(format!("0/{runs} runs"));
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_worker_tables_skip_csv_unless_asked() {
        assert!(wants_csv("workers", WORKERS_CSV_MAX_ROWS, false));
        assert!(!wants_csv("workers", WORKERS_CSV_MAX_ROWS + 1, false));
        assert!(wants_csv("workers", WORKERS_CSV_MAX_ROWS + 1, true));
        assert!(wants_csv("daily", 50_000_000, false));
    }
}
