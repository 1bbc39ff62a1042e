//! What `calibrate` and `sensitivity` share around their search: the output folder and
//! its evaluations on disk (fresh, resumed or a shard's), the messages when Ctrl-C
//! stops them, the completion marker of a shard, and the manifest written last.
//! `merge` starts the same session from the shards' evaluations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::cli::RunFlags;
use crate::error::Error;
use crate::output::OutputError;
use crate::output::atomic::{remove_temporaries, write_file};
use crate::output::evaluations::{
    EvaluationStore, SEARCH_FORMAT, SearchIdentity, SearchRecord, SearchShardMarker, read_identity, write_identity,
};
use crate::output::folder;
use crate::output::lock::FolderLock;
use crate::output::manifest::fingerprint;
use crate::output::parts::{PARTIAL_DIR, sync_dir};
use crate::output::shard::{Machine, SHARD_FILE, describe, parts_dir, read_json, write_json};
use crate::pipeline::{Options, PARTIAL_NOTE, PARTIAL_NOTE_FILE, resume_command};
use crate::runner::Shard;
use crate::scenario::{self, Study};

/// The manifest of a finished calibrate or sensitivity folder, written last.
#[derive(Serialize, Deserialize)]
pub struct SearchManifest {
    /// gigsim version.
    pub gigsim_version: String,
    /// Git commit of the build.
    pub git_commit: String,
    /// `calibrate` or `sensitivity`.
    pub command: String,
    /// The command line that wrote the folder.
    pub command_line: Vec<String>,
    /// The scenario file as given.
    pub scenario_file: String,
    /// The parameter file as given.
    pub params_file: String,
    /// The targets file as given (calibrate).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub targets_file: String,
    /// Master seed.
    pub seed: u64,
    /// Replicates per evaluation.
    pub replicates: u32,
    /// Fingerprint of the study ([`SearchRecord::fingerprint`]).
    pub identity: String,
    /// Threads used by the last command.
    pub threads: usize,
    /// When the last command started (UTC).
    pub started_utc: String,
    /// Its wall time, seconds.
    pub wall_seconds: f64,
    /// For `merge`: the shard folders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// What the command found (budget, best loss; method, design points …).
    #[serde(flatten)]
    pub results: BTreeMap<String, serde_json::Value>,
}

/// A command's hold on its output folder and the evaluations in it.
pub struct Session {
    /// The output folder.
    pub out: PathBuf,
    /// Its evaluations (`partial/`, or `parts/` for a shard).
    pub store: EvaluationStore,
    /// The shard, with `--shard`.
    pub shard: Option<Shard>,
    /// The study.
    pub record: SearchRecord,
    /// When the command started.
    pub started: Instant,
    /// When the command started (UTC).
    pub started_utc: String,
    /// Shard folders, for `merge`.
    pub merged_from: Vec<String>,
    manifest: &'static str,
    _lock: FolderLock,
}

/// How a session starts.
pub enum Opened {
    /// `--resume` found the folder already finished (or the shard complete).
    Complete(PathBuf),
    /// Work to do, with the evaluations kept from an earlier attempt in its store.
    Ready(Box<Session>),
}

/// The scenario as a calibrate or sensitivity study runs it: the file, `--seed` and
/// `--replicates` applied, the base variant only.
pub fn study_of(path: &Path, options: &Options) -> Result<Study, Error> {
    let mut study = scenario::load(path)?;
    crate::pipeline::apply_flags(&mut study, options);
    study.variants.truncate(1);
    Ok(study)
}

/// The text of a file already read and checked (for the study's record).
pub fn text_of(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| {
        OutputError::Read {
            path: path.into(),
            source,
        }
        .into()
    })
}

/// The record of a study: build, scenario and its hash, seed and replicates; the
/// command fills its own files and settings.
pub fn record_of(command: &str, study: &Study) -> SearchRecord {
    let base = &study.base().scenario;
    let mut r = SearchRecord::new(command);
    r.scenario_file = study.file.clone();
    r.scenario_name = base.name.clone();
    r.scenario_text = study.text.clone();
    r.scenario_hash = fingerprint(study.identity_text().as_bytes());
    r.seed = base.seed;
    r.replicates = base.replicates;
    r
}

/// The study of a record, rebuilt from the scenario text it carries (for `merge`);
/// refused when it no longer resolves to the same scenario.
pub fn rebuild_study(record: &SearchRecord) -> Result<Study, Error> {
    let mut study = scenario::parse(&record.scenario_text, &record.scenario_file)?;
    let options = Options {
        seed: Some(record.seed),
        replicates: Some(record.replicates),
        ..Options::default()
    };
    crate::pipeline::apply_flags(&mut study, &options);
    study.variants.truncate(1);
    if fingerprint(study.identity_text().as_bytes()) != record.scenario_hash {
        return Err(Error::Usage(format!(
            "cannot merge: the scenario recorded in the shards ({}) no longer resolves to the scenario they ran; \
             merge with the gigsim build that ran them",
            record.scenario_file
        )));
    }
    Ok(study)
}

/// The options of a calibrate or sensitivity command (`command`), which writes `writes`
/// and not run tables, so `--tables` is refused; `--resume` and `--shard` need `--out`.
pub fn options(command: &str, flags: &RunFlags, writes: &str) -> Result<Options, Error> {
    let options = flags.options();
    let why = format!("it writes {writes}, not run tables");
    Options::refuse(command, &[(options.tables.is_some(), "--tables")], &why)?;
    options.check_out()?;
    Ok(options)
}

/// Opens the output folder of a calibrate or sensitivity command (`manifest` names its
/// finished folder's manifest): a fresh start, or with `--resume` the evaluations of
/// the same study kept (exit 2 when the folder holds another study's).
pub fn open(options: &Options, record: SearchRecord, manifest: &'static str) -> Result<Opened, Error> {
    options.check_out()?;
    let (out, lock) = folder::open_locked(
        options.out.as_deref(),
        options.force,
        options.resume,
        &record.scenario_name,
    )?;
    let identity = SearchIdentity {
        format: SEARCH_FORMAT,
        shard: options.shard,
        search: record,
    };
    if options.resume && finished(&out, &identity, manifest)? {
        return Ok(Opened::Complete(out));
    }
    Session::start(out, lock, identity, options.resume, options.force, manifest).map(|s| Opened::Ready(Box::new(s)))
}

/// With `--resume`: whether `out` holds this study already finished (its manifest, or
/// for a shard its `SHARD.json`); exit 2 when it holds another study's.
fn finished(out: &Path, identity: &SearchIdentity, manifest: &str) -> Result<bool, Error> {
    let refuse = |diffs: String| {
        Error::Usage(format!(
            "cannot resume in {}: it holds the work of another study or gigsim build:\n{diffs}\n\
             Resume with the same scenario, files, flags and gigsim build, or run without --resume \
             (with --force) to start over.",
            out.display()
        ))
    };
    let unreadable = |e: OutputError| Error::Usage(format!("--resume: {e}"));
    if let Some(shard) = identity.shard {
        let Some(marker) = read_json::<SearchShardMarker>(&out.join(SHARD_FILE)).map_err(unreadable)? else {
            return Ok(false);
        };
        let mut diffs = describe(
            &identity.search.differences(&marker.search),
            "this command",
            "the folder",
        );
        if marker.shard != shard {
            diffs.insert_str(
                0,
                &format!("  shard: {shard} in this command, {} in the folder\n", marker.shard),
            );
        }
        return if diffs.is_empty() { Ok(true) } else { Err(refuse(diffs)) };
    }
    if parts_dir(out, false).exists() {
        return Ok(false);
    }
    #[derive(Deserialize)]
    struct Identity {
        identity: Option<String>,
    }
    match read_json::<Identity>(&out.join(manifest)).map_err(unreadable)? {
        Some(m) if m.identity.as_deref() == Some(identity.search.fingerprint().as_str()) => Ok(true),
        Some(_) => Err(refuse(format!("  {manifest}: the finished results of another study"))),
        None => Ok(false),
    }
}

impl Session {
    /// Prepares the parts folder of `out` for `identity`: with `resume`, keeps what it
    /// holds of the same study (exit 2 for another's); otherwise, or when it holds
    /// nothing, starts afresh, removing an earlier attempt's marker, manifest and
    /// evaluations first (so the folder never looks finished while this runs).
    pub fn start(
        out: PathBuf,
        lock: FolderLock,
        identity: SearchIdentity,
        resume: bool,
        force: bool,
        manifest: &'static str,
    ) -> Result<Session, Error> {
        let sharded = identity.shard.is_some();
        let parts = parts_dir(&out, sharded);
        let found = if resume {
            read_identity(&parts).map_err(|e| Error::Usage(format!("--resume: {e}")))?
        } else {
            None
        };
        match found {
            Some(found) => {
                let mut diffs = describe(
                    &identity.search.differences(&found.search),
                    "this command",
                    "the folder",
                );
                if found.shard != identity.shard || found.format != identity.format {
                    let name = |s: Option<Shard>| s.map_or("none".to_string(), |s| s.to_string());
                    diffs.insert_str(
                        0,
                        &format!(
                            "  shard: {} in this command, {} in the folder\n",
                            name(identity.shard),
                            name(found.shard)
                        ),
                    );
                }
                if !diffs.is_empty() {
                    return Err(Error::Usage(format!(
                        "cannot resume in {}: its evaluations belong to another study or gigsim build:\n{}\n\
                         Resume with the same scenario, files, flags and gigsim build, or run without --resume \
                         (with --force) to start over.",
                        out.display(),
                        diffs.trim_end()
                    )));
                }
            }
            None => {
                if resume && folder::is_non_empty(&out) && !force {
                    return Err(OutputError::NotEmpty { path: out }.into());
                }
                for file in [out.join(SHARD_FILE), out.join(manifest)] {
                    match std::fs::remove_file(&file) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(OutputError::write(&file, e).into());
                        }
                        _ => {}
                    }
                }
                match std::fs::remove_dir_all(&parts) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(OutputError::write(&parts, e).into());
                    }
                    _ => {}
                }
                folder::create(&parts)?;
                write_identity(&parts, &identity)?;
                if !sharded {
                    write_file(&parts.join(PARTIAL_NOTE_FILE), PARTIAL_NOTE.as_bytes())?;
                }
            }
        }
        Ok(Session {
            out,
            store: EvaluationStore::at(&parts),
            shard: identity.shard,
            record: identity.search,
            started: Instant::now(),
            started_utc: folder::timestamp_iso(),
            merged_from: Vec::new(),
            manifest,
            _lock: lock,
        })
    }

    /// The evaluations kept in the store.
    pub fn kept<T: DeserializeOwned>(&self) -> Result<BTreeMap<u32, T>, Error> {
        Ok(self.store.load()?)
    }

    /// The note that `kept` of `total` evaluations were not run again: merged from the
    /// shards, or kept from an interrupted attempt.
    pub fn kept_note(&self, kept: usize, total: usize) -> String {
        if self.merged_from.is_empty() {
            format!(
                "resuming in {}: {kept} of {total} evaluations kept from the interrupted attempt",
                self.out.display()
            )
        } else {
            format!(
                "merged {kept} evaluations from {} shards into {}",
                self.merged_from.len(),
                self.out.display()
            )
        }
    }

    /// Turns an interruption (Ctrl-C, SIGTERM) into the message that says what is kept
    /// and how to go on; other errors pass through, temporary files removed.
    pub fn stopped(&self, e: Error, total: usize) -> Error {
        remove_temporaries(&self.out);
        match e {
            Error::Interrupted(_) => {
                let done = self.store.load::<serde_json::Value>().map(|m| m.len()).unwrap_or(0);
                let state = match self.shard {
                    Some(s) => format!("; shard {s} is incomplete (no {SHARD_FILE}), so merge will not take it"),
                    None => " (marked partial); no results were written".into(),
                };
                Error::Interrupted(format!(
                    "interrupted: {done} of {total} evaluations finished and are kept in {}{state}. To finish the rest: {}",
                    self.store.dir().display(),
                    resume_command(&self.out)
                ))
            }
            other => other,
        }
    }

    /// Marks a shard complete: every index of `indices` is in its store.
    pub fn finish_shard(self, indices: Vec<u32>, threads: usize) -> Result<PathBuf, Error> {
        let shard = self.shard.expect("a shard session");
        let marker = SearchShardMarker {
            format: SEARCH_FORMAT,
            shard,
            search: self.record.clone(),
            indices,
            threads,
            machine: Machine::this(),
            started_utc: self.started_utc.clone(),
            finished_utc: folder::timestamp_iso(),
            wall_seconds: self.started.elapsed().as_secs_f64(),
        };
        write_json(&self.out.join(SHARD_FILE), &marker)?;
        sync_dir(&self.out)?;
        Ok(self.out.clone())
    }

    /// The manifest of the finished folder, with the command's `results`.
    pub fn manifest(&self, threads: usize, results: BTreeMap<String, serde_json::Value>) -> SearchManifest {
        let r = &self.record;
        SearchManifest {
            gigsim_version: r.gigsim_version.clone(),
            git_commit: r.git_commit.clone(),
            command: r.command.clone(),
            command_line: std::env::args().collect(),
            scenario_file: r.scenario_file.clone(),
            params_file: r.params_file.clone(),
            targets_file: r.targets_file.clone(),
            seed: r.seed,
            replicates: r.replicates,
            identity: r.fingerprint(),
            threads,
            started_utc: self.started_utc.clone(),
            wall_seconds: self.started.elapsed().as_secs_f64(),
            merged_from: self.merged_from.clone(),
            results,
        }
    }

    /// Writes the manifest last, then removes the evaluations (the folder's results
    /// now hold them).
    pub fn finish(self, manifest: &SearchManifest) -> Result<PathBuf, Error> {
        write_json(&self.out.join(self.manifest), manifest)?;
        let _ = std::fs::remove_dir_all(self.out.join(PARTIAL_DIR));
        Ok(self.out.clone())
    }
}
