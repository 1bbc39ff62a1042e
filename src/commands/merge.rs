//! `gigsim merge`: the shards of a study, run on several machines (`--shard I/N`), made
//! into the folder a single-machine run would have written. Every shard is checked
//! first — complete, of the same study and gigsim build, together covering the plan
//! exactly once — and the folder is then written by the same [`finalize`] step as a run,
//! so the tables, summary and comparison or sweep are the same bytes. Shards of
//! calibrate and sensitivity are merged by `merge_search`.

use super::stdout::say;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::merge_search::{is_search_shard, same_folder};
use super::report::report;
use crate::cli::MergeArgs;
use crate::error::Error;
use crate::output::folder;
use crate::output::manifest::MergedShard;
use crate::output::parts::{FoundChunk, complete_chunks, summarize_indices};
use crate::output::shard::{
    FORMAT, PartsIdentity, SHARD_FILE, STUDY_FILE, ShardMarker, describe, parts_dir, read_json,
};
use crate::pipeline::{Finalize, finalize};
use crate::runner::{self, Shard};
use crate::units::plural;
use serde::de::DeserializeOwned;

/// A shard folder and its completion marker.
pub struct Found<M> {
    /// The folder.
    pub dir: PathBuf,
    /// Its `SHARD.json`.
    pub marker: M,
}

/// A completion marker (`SHARD.json`) of some command's shards.
pub trait Marker: DeserializeOwned {
    /// Its layout version.
    fn format(&self) -> u32;
    /// The gigsim version that wrote it.
    fn version(&self) -> &str;
    /// Which shard it marks.
    fn shard(&self) -> Shard;
}

/// Implements [`Marker`] for a marker type whose study record is the field `$record`.
macro_rules! impl_marker {
    ($t:ty, $record:ident) => {
        impl $crate::commands::merge::Marker for $t {
            fn format(&self) -> u32 {
                self.format
            }
            fn version(&self) -> &str {
                &self.$record.gigsim_version
            }
            fn shard(&self) -> $crate::runner::Shard {
                self.shard
            }
        }
    };
}
pub(super) use impl_marker;

impl_marker!(ShardMarker, study);

/// Merges shard folders into one results folder.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    if args.shards.iter().any(|d| is_search_shard(d)) {
        return super::merge_search::merge(args);
    }
    let started = Instant::now();
    let started_utc = folder::timestamp_iso();
    let shards: Vec<Found<ShardMarker>> = read_shards(&args.shards, FORMAT, parts_shard)?;
    check_same_study(&shards)?;
    check_coverage(&shards)?;
    let chunks = shard_chunks(&shards)?;
    warn_about_machines(&shards, args.quiet);

    let study = &shards[0].marker.study;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let out = folder::choose(args.out.as_deref(), args.force, &study.scenario_name, &cwd)?;
    for s in &shards {
        if same_folder(&out, &s.dir) {
            return Err(Error::Usage(format!(
                "--out {} is one of the shard folders: a shard folder holds part files only; choose another --out",
                out.display()
            )));
        }
    }
    folder::open(&out)?;
    let _lock = crate::output::lock::lock(&out)?;
    let merged_from = shards
        .iter()
        .map(|s| MergedShard {
            dir: s.dir.display().to_string(),
            shard: s.marker.shard.to_string(),
            runs: s.marker.plan_indices.len() as u32,
            machine: s.marker.machine.clone(),
            threads: s.marker.threads,
            finished_utc: s.marker.finished_utc.clone(),
            wall_seconds: s.marker.wall_seconds,
        })
        .collect();
    let done = finalize(Finalize {
        out: &out,
        chunks: &chunks,
        study,
        threads: 1,
        started,
        started_utc,
        merged_from,
        quiet: args.quiet,
    })?;
    if !args.quiet {
        say(&format!(
            "merged {} of {}",
            plural(shards.len() as u64, "shard"),
            plural(study.plan_runs, "run")
        ))?;
        report(&done)?;
    }
    Ok(())
}

/// Reads every shard's `SHARD.json` (layout version `format`), in shard order; a folder
/// without one is an incomplete shard (or no shard at all: `parts_shard` reads which
/// shard its parts say it is), and every such folder is named.
pub fn read_shards<M: Marker>(
    dirs: &[PathBuf],
    format: u32,
    parts_shard: impl Fn(&Path) -> Option<Shard>,
) -> Result<Vec<Found<M>>, Error> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            problems.push(format!("{}: no such folder", dir.display()));
            continue;
        }
        match read_json::<M>(&dir.join(SHARD_FILE)) {
            Ok(Some(marker)) if marker.format() == format => found.push(Found {
                dir: dir.clone(),
                marker,
            }),
            Ok(Some(marker)) => problems.push(format!(
                "{}: written in layout version {} by gigsim {}; this gigsim reads version {format}",
                dir.display(),
                marker.format(),
                marker.version()
            )),
            Ok(None) => problems.push(match parts_shard(dir) {
                Some(shard) => format!(
                    "{}: shard {shard} is incomplete (no {SHARD_FILE}: its command was interrupted, failed or is still running)",
                    dir.display()
                ),
                None => format!(
                    "{}: not a complete shard folder (no {SHARD_FILE}; shard folders are written by run, compare, sweep, calibrate or sensitivity with --shard I/N --out)",
                    dir.display()
                ),
            }),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Usage(format!(
            "cannot merge:\n  {}\nFinish an incomplete shard by running its command again with --resume, then merge.",
            problems.join("\n  ")
        )));
    }
    found.sort_by_key(|s| s.marker.shard().index);
    Ok(found)
}

/// The shard that the parts of a run, compare or sweep folder belong to.
fn parts_shard(dir: &Path) -> Option<Shard> {
    read_json::<PartsIdentity>(&parts_dir(dir, true).join(STUDY_FILE))
        .ok()
        .flatten()
        .and_then(|i| i.shard)
}

/// Refuses shards of different studies, builds or shard counts, naming what differs.
fn check_same_study(shards: &[Found<ShardMarker>]) -> Result<(), Error> {
    let first = &shards[0];
    let mut problems = Vec::new();
    for s in &shards[1..] {
        let diffs = first.marker.study.differences(&s.marker.study, true);
        if !diffs.is_empty() {
            problems.push(describe(
                &diffs,
                &first.dir.display().to_string(),
                &s.dir.display().to_string(),
            ));
        }
        if s.marker.shard.count != first.marker.shard.count {
            problems.push(format!(
                "  number of shards: {} in {}, {} in {}",
                first.marker.shard.count,
                first.dir.display(),
                s.marker.shard.count,
                s.dir.display()
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "cannot merge: these shards are not of one study:\n{}\n\
         Merge only shards run by the same gigsim build with the same scenario, seed, replicates and flags.",
        problems.join("\n")
    )))
}

/// Refuses a set of shards that does not cover the plan exactly once: names missing
/// and duplicated shards, and shards whose runs are not those of their index.
fn check_coverage(shards: &[Found<ShardMarker>]) -> Result<(), Error> {
    let count = shards[0].marker.shard.count;
    let study = &shards[0].marker.study;
    let given: Vec<(u32, &Path)> = shards.iter().map(|s| (s.marker.shard.index, s.dir.as_path())).collect();
    let mut problems = shard_set_problems(count, &given);
    let plan = runner::plan(study.variants.len(), study.replicates);
    for s in shards {
        let expected: Vec<u32> = runner::shard_entries(&plan, s.marker.shard)
            .iter()
            .map(|e| e.index)
            .collect();
        if s.marker.plan_indices != expected {
            problems.push(format!(
                "{}: its {SHARD_FILE} lists other runs than shard {} of a plan of {} runs",
                s.dir.display(),
                s.marker.shard,
                plan.len()
            ));
        }
    }
    uncovered(problems, count, "plan")
}

/// Refuses a set of `count` shards with coverage `problems` (none: accepted), saying
/// how to give each shard of the `whole` (plan, design) once.
pub fn uncovered(problems: Vec<String>, count: u32, whole: &str) -> Result<(), Error> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "cannot merge: the shards do not cover the {whole} exactly once:\n  {}\n\
         Give each shard folder 0 to {} once (run the missing ones with --shard I/{count}).",
        problems.join("\n  "),
        count - 1
    )))
}

/// What is wrong with a set of shards of `count` (`given`: index and folder of each):
/// missing shards and shards given more than once.
pub fn shard_set_problems(count: u32, given: &[(u32, &Path)]) -> Vec<String> {
    let mut by_index: BTreeMap<u32, Vec<&Path>> = BTreeMap::new();
    for (index, dir) in given {
        by_index.entry(*index).or_default().push(dir);
    }
    let mut problems = Vec::new();
    let missing: Vec<usize> = (0..count)
        .filter(|i| !by_index.contains_key(i))
        .map(|i| i as usize)
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "missing shard{} {} of {count}",
            if missing.len() == 1 { "" } else { "s" },
            summarize_indices(&missing)
        ));
    }
    for (index, dirs) in &by_index {
        if dirs.len() > 1 {
            let list: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            problems.push(format!(
                "shard {index} of {count} is given {} times: {}",
                dirs.len(),
                list.join(", ")
            ));
        }
    }
    problems
}

/// The complete chunks of every shard, checked against the runs its marker lists.
fn shard_chunks(shards: &[Found<ShardMarker>]) -> Result<Vec<FoundChunk>, Error> {
    let mut all = Vec::new();
    for s in shards {
        let parts = parts_dir(&s.dir, true);
        let chunks = complete_chunks(&parts)?;
        let mut held: Vec<u32> = chunks.iter().flat_map(|c| c.marker.plan_indices.clone()).collect();
        held.sort_unstable();
        if held != s.marker.plan_indices {
            let listed: BTreeSet<u32> = s.marker.plan_indices.iter().copied().collect();
            let present: BTreeSet<u32> = held.iter().copied().collect();
            let absent: Vec<usize> = listed.difference(&present).map(|&i| i as usize).collect();
            let extra: Vec<usize> = present.difference(&listed).map(|&i| i as usize).collect();
            return Err(Error::Usage(format!(
                "cannot merge: shard {} in {} is damaged: its parts miss runs [{}] and hold runs it should not [{}]; \
                 run it again (without --resume, with --force)",
                s.marker.shard,
                s.dir.display(),
                summarize_indices(&absent),
                summarize_indices(&extra)
            )));
        }
        all.extend(chunks);
    }
    Ok(all)
}

/// Warns when shards ran on different machine types, whose floating-point results may
/// differ in the last bits.
fn warn_about_machines(shards: &[Found<ShardMarker>], quiet: bool) {
    let first = &shards[0].marker.machine;
    let others: Vec<String> = shards
        .iter()
        .filter(|s| !s.marker.machine.same_type(first))
        .map(|s| {
            let m = &s.marker.machine;
            format!("{} ({}, {}, {})", s.dir.display(), m.arch, m.cpu, m.libc)
        })
        .collect();
    if !others.is_empty() && !quiet {
        eprintln!(
            "warning: shards ran on different machine types: {} ({}, {}, {}) and {}.\n\
             Results are identical on one machine type; other CPUs or C libraries may differ in the last bits.",
            shards[0].dir.display(),
            first.arch,
            first.cpu,
            first.libc,
            others.join(", ")
        );
    }
}
