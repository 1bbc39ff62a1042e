//! What an output folder holds before a run, compare or sweep writes into it, and what
//! to do about it: a fresh start (stale part files and completion markers of an earlier
//! attempt removed first, so nothing old can pass for new work), or with `--resume` the
//! complete chunks of the same study kept — after checking that the folder's parts come
//! from the same resolved scenario, seed, replicates, shard and gigsim build.

use std::path::Path;

use crate::error::Error;
use crate::output::OutputError;
use crate::output::folder;
use crate::output::manifest::Manifest;
use crate::output::parts::{FoundChunk, has_chunks, keep_complete};
use crate::output::shard::{
    PartsIdentity, SHARD_FILE, STUDY_FILE, ShardMarker, describe, parts_dir, read_json, write_json,
};
use crate::runner::PlanEntry;

/// The note in a run's `partial/` folder.
pub const PARTIAL_NOTE: &str = "This folder holds the finished runs of a gigsim command that has not completed.\n\
These files are NOT results. Run the same command with --out pointing at the folder above\n\
and --resume to finish the remaining runs; the final tables are written only then.\n";

/// The name of the note in a run's parts folder.
pub const PARTIAL_NOTE_FILE: &str = "PARTIAL.txt";

/// What the command does next.
#[derive(Debug)]
pub enum Start {
    /// Run every chunk except these complete ones, kept from an earlier attempt.
    Run(Vec<FoundChunk>),
    /// `--resume` found the work already complete.
    Complete,
}

/// Prepares `out` for the study and shard of `identity`, whose runs are cut into
/// `chunks`: checks and keeps what `--resume` may reuse, removes what it may not, and
/// writes the parts folder's `study.json` (and `PARTIAL.txt` for a run without
/// `--shard`). Without `resume`, `out` was chosen by the usual folder rules (a non-empty
/// folder only with `--force`).
pub fn prepare(
    out: &Path,
    identity: &PartsIdentity,
    chunks: &[Vec<PlanEntry>],
    resume: bool,
    force: bool,
) -> Result<Start, Error> {
    let sharded = identity.shard.is_some();
    let parts = parts_dir(out, sharded);
    let kept = if resume {
        match resumable(out, identity, chunks, force)? {
            Some(Start::Complete) => return Ok(Start::Complete),
            Some(Start::Run(kept)) => kept,
            None => {
                start_over(out, &parts, sharded)?;
                Vec::new()
            }
        }
    } else {
        start_over(out, &parts, sharded)?;
        Vec::new()
    };
    folder::create(&parts)?;
    write_json(&parts.join(STUDY_FILE), identity)?;
    if !sharded {
        crate::output::atomic::write_file(&parts.join(PARTIAL_NOTE_FILE), PARTIAL_NOTE.as_bytes())?;
    }
    Ok(Start::Run(kept))
}

/// Removes an earlier attempt's completion marker (first, so the folder never looks
/// complete while this command runs) and its parts folder.
fn start_over(out: &Path, parts: &Path, sharded: bool) -> Result<(), Error> {
    folder::create(out)?;
    if sharded {
        let marker = out.join(SHARD_FILE);
        match std::fs::remove_file(&marker) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(OutputError::write(&marker, e).into()),
            _ => {}
        }
    }
    match std::fs::remove_dir_all(parts) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::write(parts, e).into()),
        _ => Ok(()),
    }
}

/// With `--resume`: the complete work in `out` that this study may keep, `None` when
/// the folder holds nothing to resume (a fresh start), or an error (exit 2) when it
/// holds work of another study or shard.
fn resumable(
    out: &Path,
    identity: &PartsIdentity,
    chunks: &[Vec<PlanEntry>],
    force: bool,
) -> Result<Option<Start>, Error> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!("--resume: {} is not a folder", out.display())));
    }
    let sharded = identity.shard.is_some();
    let parts = parts_dir(out, sharded);
    let unreadable = |e: OutputError| Error::Usage(format!("--resume: {e}"));
    let refuse = |what: &str, diffs: &str| {
        Error::Usage(format!(
            "cannot resume in {}: it holds {what} of another study or gigsim build:\n{diffs}\n\
             Resume with the same scenario, flags and gigsim build, or run without --resume \
             (with --force) to start over.",
            out.display()
        ))
    };
    if let Some(shard) = identity.shard
        && let Some(marker) = read_json::<ShardMarker>(&out.join(SHARD_FILE)).map_err(unreadable)?
    {
        let mut diffs = describe(
            &identity.study.differences(&marker.study, false),
            "this command",
            "the folder",
        );
        if marker.shard != shard {
            diffs.insert_str(
                0,
                &format!("  shard: {shard} in this command, {} in the folder\n", marker.shard),
            );
        }
        if diffs.is_empty() {
            return Ok(Some(Start::Complete));
        }
        return Err(refuse("a complete shard", diffs.trim_end()));
    }
    if let Some(found) = read_json::<PartsIdentity>(&parts.join(STUDY_FILE)).map_err(unreadable)? {
        let mut diffs = describe(
            &identity.study.differences(&found.study, false),
            "this command",
            "the folder",
        );
        if found.shard != identity.shard {
            let name = |s: Option<crate::runner::Shard>| s.map_or("none".to_string(), |s| s.to_string());
            diffs.insert_str(
                0,
                &format!(
                    "  shard: {} in this command, {} in the folder\n",
                    name(identity.shard),
                    name(found.shard)
                ),
            );
        }
        if found.format != identity.format {
            diffs.push_str(&format!(
                "\n  layout version: {} in this command, {} in the folder",
                identity.format, found.format
            ));
        }
        if !diffs.is_empty() {
            return Err(refuse("part files", diffs.trim_end()));
        }
        let kept = keep_complete(&parts, chunks, &[STUDY_FILE, PARTIAL_NOTE_FILE])?;
        return Ok(Some(Start::Run(kept)));
    }
    if has_chunks(&parts) {
        return Err(Error::Usage(format!(
            "cannot resume in {}: {} holds part files but no {STUDY_FILE}, so gigsim cannot tell which study \
             they belong to; run without --resume (with --force) to start over",
            out.display(),
            parts.display()
        )));
    }
    if !sharded && let Some(manifest) = read_json::<Manifest>(&out.join("manifest.json")).map_err(unreadable)? {
        let s = &identity.study;
        let same = (
            &manifest.gigsim_version,
            &manifest.git_commit,
            &manifest.command,
            &manifest.scenario_hash,
        ) == (&s.gigsim_version, &s.git_commit, &s.command, &s.scenario_hash);
        if same {
            return Ok(Some(Start::Complete));
        }
        return Err(Error::Usage(format!(
            "cannot resume in {}: it holds the finished results of another study or gigsim build \
                 (see its manifest.json); choose another --out, or run without --resume and with --force \
                 to replace them",
            out.display()
        )));
    }
    if folder::is_non_empty(out) && !force && !parts.exists() {
        return Err(OutputError::NotEmpty { path: out.into() }.into());
    }
    Ok(None)
}
