//! Running a study into a results folder, as run, compare and sweep do: check flags, estimate, choose the
//! output folder (with `--resume`, check what it holds), run the plan — or one shard of
//! it — into part files, and then either mark the shard complete for `gigsim merge` or
//! finalize the folder. [`finalize`] (assemble the tables, summarize, compare, write the
//! manifest) is the one step a single-machine run and `merge` share, so both write the
//! same folder. Nothing touches a folder before the input is known to be good.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressState};

use super::options::Options;
use super::resume::{self, Start};
use super::terminal::progress;
use crate::error::Error;
use crate::estimate::{WorkEstimate, available_memory, check_memory};
use crate::output::atomic::{remove_temporaries, write_file};
use crate::output::charts::data::Folder;
use crate::output::charts::{ChartStyle, render_charts};
use crate::output::columns;
use crate::output::comparison::{Contrast, comparison_frame, contrasts, sweep_frame};
use crate::output::folder;
use crate::output::manifest::{GIT_COMMIT, Manifest, MergedShard, VERSION, fingerprint};
use crate::output::parts::{
    CHOSEN_TABLES, FoundChunk, PARTIAL_DIR, PartStore, RUN_TABLES, assemble, complete_chunks, sync_dir,
};
use crate::output::report::write_report_of;
use crate::output::shard::{
    FORMAT, Machine, PartsIdentity, SHARD_FILE, ShardMarker, StudyRecord, parts_dir, write_json,
};
use crate::output::summary::{SummaryRow, summarize, summary_frame};
use crate::output::tables::write_csv;
use crate::runner::{self, Outcome, PlanEntry, Shard};
use crate::scenario::Study;
use crate::units::{plural, three_digits};

/// `workers.csv` is skipped above this many rows unless `--tables` names workers.
pub const WORKERS_CSV_MAX_ROWS: usize = 1_000_000;

/// What a finished study leaves for the command that ran it.
pub struct Finished {
    /// The study.
    pub study: StudyRecord,
    /// The results folder.
    pub out: PathBuf,
    /// The summary rows.
    pub summary: Vec<SummaryRow>,
    /// Variants against the reference (compare and sweep).
    pub contrasts: Vec<Contrast>,
}

/// A shard whose runs are all in its folder, marked complete.
pub struct ShardDone {
    /// The shard folder.
    pub out: PathBuf,
    /// Which shard.
    pub shard: Shard,
    /// Runs in the shard.
    pub runs: usize,
    /// Of those, runs kept from an earlier, interrupted attempt (`--resume`).
    pub kept: usize,
}

/// How a run, compare or sweep ended.
pub enum Done {
    /// Every run is done and the folder's tables are written.
    Finished(Box<Finished>),
    /// A shard is complete; `gigsim merge` makes the tables.
    Shard(ShardDone),
    /// `--resume` found the work already complete in this folder; nothing was run.
    AlreadyComplete(PathBuf),
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
pub fn chosen_tables(flags: &Options) -> Result<Vec<&'static str>, Error> {
    let Some(list) = &flags.tables else {
        return Ok(CHOSEN_TABLES.to_vec());
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
pub fn apply_flags(study: &mut Study, flags: &Options) {
    for v in study.variants.iter_mut().chain(std::iter::once(study.written.as_mut())) {
        v.set_simulation(flags.seed, flags.replicates);
    }
}

/// Refuses a study with more runs than its 32-bit plan indices can number (a bigger
/// one would number runs twice).
pub fn check_plan_size(study: &Study) -> Result<(), Error> {
    let replicates = study.base().scenario.replicates;
    let runs = study.variants.len() as u64 * u64::from(replicates);
    if runs > u64::from(u32::MAX) {
        return Err(Error::TooBig(format!(
            "this study has {runs} runs ({} variants × {replicates} replicates); at most {} runs fit one \
             study: split it into several",
            study.variants.len(),
            u32::MAX
        )));
    }
    Ok(())
}

/// What the folders of this study record about it (parts, shard marker, manifest).
/// The study's size is checked first ([`check_plan_size`]).
pub fn study_record(study: &Study, extra: &Extra<'_>, tables: &[&str], tables_listed: bool) -> StudyRecord {
    let base = &study.base().scenario;
    let (sweep_params, sweep_values) = match extra {
        Extra::Sweep { params, values } => (params.to_vec(), values.to_vec()),
        _ => (Vec::new(), Vec::new()),
    };
    StudyRecord {
        gigsim_version: VERSION.into(),
        git_commit: GIT_COMMIT.into(),
        scenario_hash: fingerprint(study.identity_text().as_bytes()),
        command: extra.command().into(),
        scenario_file: study.file.clone(),
        scenario_name: base.name.clone(),
        seed: base.seed,
        replicates: base.replicates,
        variants: study.variants.iter().map(|v| v.name.clone()).collect(),
        sweep_params,
        sweep_values,
        plan_runs: study.variants.len() as u32 * base.replicates,
        tables: tables.iter().map(|t| t.to_string()).collect(),
        tables_listed,
        resolved_scenario: study.resolved_toml(),
    }
}

/// Runs every variant of `study` × its replicates (or, with `--shard`, the shard's
/// share of them) and writes the results.
pub fn execute(study: &Study, flags: &Options, extra: Extra<'_>) -> Result<Done, Error> {
    let started = Instant::now();
    let started_utc = folder::timestamp_iso();
    let base = &study.base().scenario;
    let tables = chosen_tables(flags)?;
    flags.check_out()?;
    let threads = flags.thread_count();
    let variants: Vec<usize> = (0..study.variants.len()).collect();
    check_plan_size(study)?;
    let estimate = WorkEstimate::of(study, &variants, base.replicates, threads);
    check_memory(&estimate, available_memory(), flags.ignore_memory_estimate).map_err(Error::TooBig)?;
    let record = study_record(study, &extra, &tables, flags.tables.is_some());
    let plan = runner::plan(study.variants.len(), base.replicates);
    let shard = flags.shard.unwrap_or(Shard::WHOLE);
    let entries = runner::shard_entries(&plan, shard);
    let chunks = runner::chunks(&entries, u64::from(base.workers.count));

    let (out, _lock) = folder::open_locked(flags.out.as_deref(), flags.force, flags.resume, &base.name)?;
    let identity = PartsIdentity {
        format: FORMAT,
        shard: flags.shard,
        study: record.clone(),
    };
    let kept = match resume::prepare(&out, &identity, &chunks, flags.resume, flags.force)? {
        Start::Complete => return Ok(Done::AlreadyComplete(out)),
        Start::Run(kept) => kept,
    };
    let parts = parts_dir(&out, flags.shard.is_some());
    let store = PartStore::new(&parts, record.variants.clone())?;
    let kept_firsts: BTreeSet<u32> = kept.iter().map(|c| c.first).collect();
    let kept_runs: usize = kept.iter().map(|c| c.marker.plan_indices.len()).sum();
    let todo: Vec<Vec<PlanEntry>> = chunks
        .into_iter()
        .filter(|c| c.first().is_some_and(|e| !kept_firsts.contains(&e.index)))
        .collect();
    if flags.resume && !flags.quiet {
        eprintln!(
            "resuming in {}: {kept_runs} of {} complete and kept, {} to run",
            out.display(),
            plural(entries.len() as u64, "run"),
            entries.len() - kept_runs
        );
    }
    let total_days: u64 = todo
        .iter()
        .flatten()
        .map(|e| u64::from(study.variants[e.variant as usize].scenario.days))
        .sum();
    let bar = progress_bar(total_days, flags.quiet, todo.iter().map(Vec::len).sum());
    let outcome = runner::execute(study, &todo, threads, &bar, crate::interrupt::flag(), &store);
    bar.finish_and_clear();
    let outcome = outcome.inspect_err(|_| remove_temporaries(&out))?;
    if let Outcome::Failed(message) = outcome {
        remove_temporaries(&out);
        return Err(Error::Run(format!(
            "{message}\nNo tables were written; the runs finished before it are kept in {}.",
            parts.display()
        )));
    }
    if outcome == Outcome::Interrupted {
        remove_temporaries(&out);
        let done: usize = complete_chunks(&parts)?
            .iter()
            .map(|c| c.marker.plan_indices.len())
            .sum();
        let state = match flags.shard {
            Some(s) => format!("; shard {s} is incomplete (no {SHARD_FILE}), so merge will not take it"),
            None => " (marked partial); no tables were written".to_string(),
        };
        return Err(Error::Interrupted(format!(
            "interrupted: {done} of {} runs finished and are kept in {}{state}. \
             To finish the rest: {}",
            entries.len(),
            parts.display(),
            resume_command(&out)
        )));
    }

    let found = complete_chunks(&parts)?;
    if let Some(shard) = flags.shard {
        let mut done: Vec<u32> = found
            .iter()
            .flat_map(|c| c.marker.plan_indices.iter().copied())
            .collect();
        done.sort_unstable();
        let expected: Vec<u32> = entries.iter().map(|e| e.index).collect();
        if done != expected {
            return Err(Error::Output(crate::output::OutputError::Parts {
                path: parts,
                message: format!("the parts do not hold exactly the runs of shard {shard}"),
            }));
        }
        let marker = ShardMarker {
            format: FORMAT,
            shard,
            study: record,
            plan_indices: done,
            threads,
            machine: Machine::this(),
            started_utc,
            finished_utc: folder::timestamp_iso(),
            wall_seconds: started.elapsed().as_secs_f64(),
        };
        write_json(&out.join(SHARD_FILE), &marker)?;
        sync_dir(&out)?;
        return Ok(Done::Shard(ShardDone {
            out,
            shard,
            runs: entries.len(),
            kept: kept_runs,
        }));
    }
    let finished = finalize(Finalize {
        out: &out,
        chunks: &found,
        study: &record,
        threads,
        started,
        started_utc,
        merged_from: Vec::new(),
        quiet: flags.quiet,
    })?;
    let _ = std::fs::remove_dir_all(out.join(PARTIAL_DIR));
    Ok(Done::Finished(Box::new(finished)))
}

/// Everything a results folder is written from, whether its runs were done by this
/// command or by the shards `merge` combines.
pub struct Finalize<'a> {
    /// The results folder (it exists).
    pub out: &'a Path,
    /// The complete chunks of every run of the plan, from one or more folders.
    pub chunks: &'a [FoundChunk],
    /// The study.
    pub study: &'a StudyRecord,
    /// Threads used (for the manifest).
    pub threads: usize,
    /// When the command started.
    pub started: Instant,
    /// When the command started (UTC), for the manifest.
    pub started_utc: String,
    /// For `merge`: the shards (for the manifest).
    pub merged_from: Vec<MergedShard>,
    /// No status line on the terminal while the folder is written.
    pub quiet: bool,
}

/// Writes a results folder from complete part files: the tables in plan order, the
/// summary, comparison.csv or sweep.csv, columns.md, scenario.toml, the charts and the
/// report, and the manifest last (an older manifest is removed first, so a folder whose
/// writing was cut short or failed has none). The tables' bytes depend only on the runs, never on how they were
/// chunked, sharded or resumed.
pub fn finalize(job: Finalize<'_>) -> Result<Finished, Error> {
    let Finalize {
        out,
        chunks,
        study,
        threads,
        started,
        started_utc,
        merged_from,
        quiet,
    } = job;
    let status = status_line("writing the tables", quiet);
    let manifest_path = out.join("manifest.json");
    match std::fs::remove_file(&manifest_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(crate::output::OutputError::write(&manifest_path, e).into());
        }
        _ => {}
    }
    let tables: Vec<&str> = CHOSEN_TABLES
        .iter()
        .copied()
        .filter(|t| study.tables.iter().any(|x| x == t))
        .collect();
    let listed_workers = study.tables_listed && tables.contains(&"workers");
    let csv = |table: &str, rows: usize| wants_csv(table, rows, listed_workers);
    let assembled =
        assemble(chunks, study.plan_runs as usize, out, &tables, &csv).inspect_err(|_| remove_temporaries(out))?;
    stop_if_interrupted(out, "the tables")?;
    let runs = assembled.runs;
    let mut written = assembled.files;
    let summary = summarize(&runs)?;
    write_csv(&out.join("summary.csv"), "summary", &mut summary_frame(&summary)?)?;
    let contrasts = match study.command.as_str() {
        "compare" => {
            let c = contrasts(&runs, &study.variants)?;
            write_csv(&out.join("comparison.csv"), "comparison", &mut comparison_frame(&c)?)?;
            written.push(out.join("comparison.csv"));
            c
        }
        "sweep" => {
            let c = contrasts(&runs, &study.variants)?;
            let mut frame = sweep_frame(&c, &study.sweep_params, &study.sweep_values)?;
            write_csv(&out.join("sweep.csv"), "sweep", &mut frame)?;
            written.push(out.join("sweep.csv"));
            c
        }
        _ => Vec::new(),
    };
    write_file(&out.join("columns.md"), columns::markdown(columns::TABLES).as_bytes())?;
    write_file(&out.join("scenario.toml"), study.resolved_scenario.as_bytes())?;
    remove_stale(out, &written);
    stop_if_interrupted(out, "the summary")?;
    let manifest = Manifest {
        gigsim_version: VERSION.into(),
        git_commit: GIT_COMMIT.into(),
        command: study.command.clone(),
        command_line: std::env::args().collect(),
        scenario_file: study.scenario_file.clone(),
        scenario_name: study.scenario_name.clone(),
        seed: study.seed,
        replicates: study.replicates,
        variants: study.variants.clone(),
        sweep_params: study.sweep_params.clone(),
        runs: study.plan_runs,
        scenario_hash: study.scenario_hash.clone(),
        threads,
        started_utc,
        wall_seconds: started.elapsed().as_secs_f64(),
        resolved_scenario: study.resolved_scenario.clone(),
        merged_from,
    };
    // Charts and the report are drawn from the tables just written and the manifest in
    // memory, as `gigsim plot` would from the folder; run and merge both get them. The
    // manifest is written last: a folder whose charts or report failed (a full disk) has
    // none, so it is not taken for finished, and `--resume` (or merge again) finishes it
    // from the parts without running anything.
    status.set_message("drawing the charts and the report");
    let folder = Folder::of(out, manifest.clone());
    let style = folder.scenario.charts.clone();
    let drawn = draw_charts_of(folder, &style);
    status.finish_and_clear();
    drawn.map_err(|e| unfinished(out, "the charts and the report", e))?;
    stop_if_interrupted(out, "the charts")?;
    write_json(&manifest_path, &manifest).map_err(|e| unfinished(out, "the manifest", e.into()))?;
    Ok(Finished {
        study: study.clone(),
        out: out.to_path_buf(),
        summary,
        contrasts,
    })
}

/// The command line that finishes an interrupted command in `out`: this one with
/// `--out` set to the folder (replacing any given) and `--resume`, quoted for a POSIX
/// shell.
pub fn resume_command(out: &Path) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut args = std::env::args();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => {
                args.next();
            }
            "--resume" | "--force" => {}
            a if a.starts_with("--out=") => {}
            _ => words.push(arg),
        }
    }
    words.push("--out".into());
    words.push(out.display().to_string());
    words.push("--resume".into());
    let quote = |w: &String| {
        if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
            w.clone()
        } else {
            format!("'{}'", w.replace('\'', "'\\''"))
        }
    };
    words.iter().map(quote).collect::<Vec<_>>().join(" ")
}

/// Stops writing a results folder when Ctrl-C (or SIGTERM) came while `stage` was
/// written: temporary files go, no manifest is written (so the folder is not taken for
/// finished results) and the runs stay in their parts, so the same command with
/// `--resume` (or `merge` again) writes the folder without running anything.
fn stop_if_interrupted(out: &Path, stage: &str) -> Result<(), Error> {
    if !crate::interrupt::requested() {
        return Ok(());
    }
    remove_temporaries(out);
    Err(Error::Interrupted(format!(
        "interrupted while writing {stage}: {} has no manifest and is not a finished result. \
         The runs are kept: `{}` (or merge again) writes the tables without running anything.",
        out.display(),
        resume_command(out)
    )))
}

/// Draws every chart of a finished results folder into `charts/` and writes
/// `report.html` beside the tables (charts are made from the tables alone).
pub fn draw_charts(out: &Path, style: &ChartStyle) -> Result<(), Error> {
    draw_charts_of(Folder::open(out)?, style)
}

/// [`draw_charts`] of a folder whose manifest is still in memory (see [`Folder::of`]).
fn draw_charts_of(folder: Folder, style: &ChartStyle) -> Result<(), Error> {
    let charts = render_charts(folder.clone(), &folder.dir.join("charts"), style)?;
    write_report_of(folder, &charts)?;
    Ok(())
}

/// A failure while the last files of a folder were written (charts, report, manifest):
/// one line saying what failed and the exact command that finishes the folder, since
/// the runs are kept in their parts and need not be run again.
fn unfinished(out: &Path, stage: &str, e: Error) -> Error {
    remove_temporaries(out);
    match e {
        Error::Output(source) => Error::Unfinished(format!(
            "{source}; while writing {stage} of {}, which has no manifest and is not a finished result. \
                 The runs are kept: free space (or fix the cause) and run `{}` to finish it without running anything",
            out.display(),
            resume_command(out)
        )),
        other => other,
    }
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
    // At most about 75 characters, so an 80-column terminal shows it on one line; the
    // rate has three significant digits, the rest are noise.
    progress(
        Some(total_days),
        quiet,
        "{spinner} {elapsed_precise} [{bar:20}] {percent:>3}%  {msg}, {rate} days/s, ~{eta} left",
        format!("0/{runs} runs"),
        |style| {
            style.with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&three_digits(state.per_sec()));
            })
        },
    )
}

/// A spinner with `message` while a finished study's tables, charts and report are
/// written (a second or two of silence otherwise), hidden when `quiet` or not on a
/// terminal.
pub fn status_line(message: &str, quiet: bool) -> ProgressBar {
    progress(None, quiet, "{spinner} {msg}", message.to_string(), |s| s)
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
