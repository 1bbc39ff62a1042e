//! `gigsim merge` of calibrate and sensitivity shards: every shard is checked first —
//! complete, of the same study and gigsim build, together covering the design exactly
//! once — then their evaluations go into the merged folder's `partial/` as if one
//! command had made them, and the same code as that command finishes the study
//! (calibrate: the Nelder–Mead refinement; sensitivity: the indices). The files are
//! then the same bytes as a single command's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::search::{Session, rebuild_study};
use super::{calibrate, sensitivity};
use crate::calibrate::{Params, StoredEvaluation};
use crate::cli::MergeArgs;
use crate::error::Error;
use crate::output::evaluations::{
    EvaluationStore, SEARCH_FILE, SEARCH_FORMAT, SearchIdentity, SearchShardMarker, read_identity, shard_indices,
};
use crate::output::folder;
use crate::output::parts::summarize_indices;
use crate::output::shard::{SHARD_FILE, SHARD_PARTS_DIR, describe, read_json};
use crate::pipeline::default_threads;
use crate::validate::Targets;

/// Whether `dir` is a shard folder of calibrate or sensitivity (complete or not).
pub fn is_search_shard(dir: &Path) -> bool {
    let marker = read_json::<serde_json::Value>(&dir.join(SHARD_FILE)).ok().flatten();
    marker.is_some_and(|m| m.get("search").is_some()) || dir.join(SHARD_PARTS_DIR).join(SEARCH_FILE).is_file()
}

/// A shard folder and its marker.
struct Found {
    dir: PathBuf,
    marker: SearchShardMarker,
}

/// Merges calibrate or sensitivity shards into one results folder.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let shards = read_shards(&args.shards)?;
    check_shards(&shards)?;
    // Every evaluation, read and checked against its shard's list before any output.
    let mut all: BTreeMap<u32, serde_json::Value> = BTreeMap::new();
    for s in &shards {
        let held: BTreeMap<u32, serde_json::Value> = EvaluationStore::at(&s.dir.join(SHARD_PARTS_DIR)).load()?;
        let listed: Vec<u32> = s.marker.indices.clone();
        let present: Vec<u32> = held.keys().copied().filter(|i| listed.contains(i)).collect();
        if present != listed {
            let absent: Vec<usize> = listed
                .iter()
                .filter(|i| !held.contains_key(i))
                .map(|&i| i as usize)
                .collect();
            return Err(Error::Usage(format!(
                "cannot merge: shard {} in {} is damaged: its parts miss evaluations [{}]; \
                 run it again (without --resume, with --force)",
                s.marker.shard,
                s.dir.display(),
                summarize_indices(&absent)
            )));
        }
        all.extend(held.into_iter().filter(|(i, _)| listed.contains(i)));
    }
    let record = shards[0].marker.search.clone();
    let study = rebuild_study(&record)?;
    let params = Params::parse(&record.params_text, record.params_file.as_ref(), &study)?;
    let out = folder::choose(
        args.out.as_deref(),
        args.force,
        &record.scenario_name,
        &std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    )?;
    for s in &shards {
        if same_folder(&out, &s.dir) {
            return Err(Error::Usage(format!(
                "--out {} is one of the shard folders: choose another --out",
                out.display()
            )));
        }
    }
    let (out, lock) = folder::open_locked(Some(&out), true, false, &record.scenario_name)?;
    let identity = SearchIdentity {
        format: SEARCH_FORMAT,
        shard: None,
        search: record.clone(),
    };
    let threads = default_threads();
    let manifest = if record.command == "calibrate" {
        calibrate::MANIFEST
    } else {
        sensitivity::MANIFEST
    };
    let mut session = Session::start(out, lock, identity, false, args.force, manifest)?;
    session.merged_from = shards.iter().map(|s| s.dir.display().to_string()).collect();
    let items: Vec<(u32, serde_json::Value)> = all.into_iter().collect();
    session.store.save(&items)?;
    if record.command == "calibrate" {
        // Checked now, so a damaged record fails before any run.
        for (i, v) in &items {
            serde_json::from_value::<StoredEvaluation>(v.clone())
                .map_err(|e| Error::Usage(format!("cannot merge: evaluation {i} is unreadable: {e}")))?;
        }
        let targets = Targets::parse(&record.targets_text, record.targets_file.as_ref())?;
        let job = calibrate::Job {
            study,
            targets,
            params,
            budget: record.budget,
        };
        calibrate::run(&job, session, threads, args.quiet)
    } else {
        let job = sensitivity::Job::of_record(&record, study, params)?;
        sensitivity::run(&job, session, threads, args.quiet)
    }
}

/// Reads every shard's `SHARD.json`, in shard order; every incomplete folder is named.
fn read_shards(dirs: &[PathBuf]) -> Result<Vec<Found>, Error> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            problems.push(format!("{}: no such folder", dir.display()));
            continue;
        }
        match read_json::<SearchShardMarker>(&dir.join(SHARD_FILE)) {
            Ok(Some(marker)) if marker.format == SEARCH_FORMAT => found.push(Found {
                dir: dir.clone(),
                marker,
            }),
            Ok(Some(marker)) => problems.push(format!(
                "{}: written in layout version {} by gigsim {}; this gigsim reads version {SEARCH_FORMAT}",
                dir.display(),
                marker.format,
                marker.search.gigsim_version
            )),
            Ok(None) => {
                let shard = read_identity(&dir.join(SHARD_PARTS_DIR))
                    .ok()
                    .flatten()
                    .and_then(|i| i.shard);
                problems.push(match shard {
                    Some(s) => format!(
                        "{}: shard {s} is incomplete (no {SHARD_FILE}: its command was interrupted, failed or is still running)",
                        dir.display()
                    ),
                    None => format!(
                        "{}: not a complete shard folder (no {SHARD_FILE}; shard folders are written with --shard I/N --out)",
                        dir.display()
                    ),
                });
            }
            Err(e) => problems.push(format!(
                "{e} (a folder of run, compare or sweep cannot be merged with calibrate or sensitivity shards)"
            )),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Usage(format!(
            "cannot merge:\n  {}\nFinish an incomplete shard by running its command again with --resume, then merge.",
            problems.join("\n  ")
        )));
    }
    found.sort_by_key(|s| s.marker.shard.index);
    Ok(found)
}

/// Refuses shards of different studies or shard counts, and a set that does not cover
/// the design exactly once.
fn check_shards(shards: &[Found]) -> Result<(), Error> {
    let first = &shards[0];
    let count = first.marker.shard.count;
    let mut problems = Vec::new();
    for s in &shards[1..] {
        let diffs = first.marker.search.differences(&s.marker.search);
        if !diffs.is_empty() {
            problems.push(describe(
                &diffs,
                &first.dir.display().to_string(),
                &s.dir.display().to_string(),
            ));
        }
        if s.marker.shard.count != count {
            problems.push(format!(
                "  number of shards: {count} in {}, {} in {}",
                first.dir.display(),
                s.marker.shard.count,
                s.dir.display()
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Usage(format!(
            "cannot merge: these shards are not of one study:\n{}\n\
             Merge only shards run by the same gigsim build with the same scenario, files, seed, replicates and flags.",
            problems.join("\n")
        )));
    }
    let mut by_index: BTreeMap<u32, Vec<&Path>> = BTreeMap::new();
    for s in shards {
        by_index.entry(s.marker.shard.index).or_default().push(&s.dir);
    }
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
    for s in shards {
        if s.marker.indices != shard_indices(s.marker.search.points, s.marker.shard) {
            problems.push(format!(
                "{}: its {SHARD_FILE} lists other evaluations than shard {} of a design of {}",
                s.dir.display(),
                s.marker.shard,
                s.marker.search.points
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "cannot merge: the shards do not cover the design exactly once:\n  {}\n\
         Give each shard folder 0 to {} once (run the missing ones with --shard I/{count}).",
        problems.join("\n  "),
        count - 1
    )))
}

/// Whether two paths name the same folder (false when either does not exist).
pub fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
