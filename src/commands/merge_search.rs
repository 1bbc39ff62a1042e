//! `gigsim merge` of calibrate and sensitivity shards: every shard is checked first —
//! complete, of the same study and gigsim build, together covering the design exactly
//! once — then their evaluations go into the merged folder's `partial/` as if one
//! command had made them, and the same code as that command finishes the study
//! (calibrate: the Nelder–Mead refinement; sensitivity: the indices). The files are
//! then the same bytes as a single command's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::merge::{read_shards, shard_set_problems, uncovered};
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

super::merge::impl_marker!(SearchShardMarker, search);

type Found = super::merge::Found<SearchShardMarker>;

/// Merges calibrate or sensitivity shards into one results folder.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let shards: Vec<Found> = read_shards(&args.shards, SEARCH_FORMAT, |dir| {
        read_identity(&dir.join(SHARD_PARTS_DIR))
            .ok()
            .flatten()
            .and_then(|i| i.shard)
    })?;
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
    let given: Vec<(u32, &Path)> = shards.iter().map(|s| (s.marker.shard.index, s.dir.as_path())).collect();
    problems.extend(shard_set_problems(count, &given));
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
    uncovered(problems, count, "design")
}

/// Whether two paths name the same folder (false when either does not exist).
pub fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
