//! Finished evaluations of `calibrate` and `sensitivity` on disk, so that Ctrl-C keeps
//! them, `--resume` continues, and `--shard I/N` + `gigsim merge` split a design over
//! machines.
//!
//! An evaluation is one design point (a calibration candidate, a sensitivity design
//! row) run with every replicate. Each batch of finished evaluations is written as one
//! small JSON file, atomically (temporary name, then rename), so a command killed at
//! any moment leaves only whole batches. The folder layout mirrors that of run and
//! sweep (see [`super::shard`]):
//!
//! ```text
//! DIR/partial/search.json           the study the evaluations belong to (no --shard)
//! DIR/partial/PARTIAL.txt           a note: these are not results
//! DIR/partial/eval-NNNNNNN.json     a batch of evaluations, NNNNNNN its first index
//! DIR/parts/…                       the same, for a shard (--shard I/N)
//! DIR/SHARD.json                    a complete shard, written last
//! ```
//!
//! Numbers that decide output files are stored as the bits of their `f64`, so a
//! resumed or merged study writes the same bytes as one that ran straight through.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::OutputError;
use super::atomic::write_file;
use super::manifest::{GIT_COMMIT, VERSION, fingerprint};
use super::parts::sync_dir;
use super::shard::{Difference, Machine, read_json, write_json};
use crate::runner::Shard;

/// The identity file of a folder of evaluations.
pub const SEARCH_FILE: &str = "search.json";

/// What decides the evaluations of a calibrate or sensitivity study: the build, the
/// scenario (its text, so `merge` can rebuild it), the flags, the parameter and targets
/// files and the command's settings. Two shards merge, and a folder resumes, only when
/// their records agree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchRecord {
    /// The gigsim version that evaluated it.
    pub gigsim_version: String,
    /// The commit it was built from.
    pub git_commit: String,
    /// `calibrate` or `sensitivity`.
    pub command: String,
    /// The scenario file as given.
    pub scenario_file: String,
    /// Scenario name.
    pub scenario_name: String,
    /// The scenario file's text.
    pub scenario_text: String,
    /// FNV-1a hash of the resolved scenario (after `--seed` and `--replicates`).
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replicates per evaluation.
    pub replicates: u32,
    /// The parameter file as given.
    pub params_file: String,
    /// Its text.
    pub params_text: String,
    /// The targets file as given (calibrate; empty for sensitivity).
    pub targets_file: String,
    /// Its text.
    pub targets_text: String,
    /// Calibrate: evaluations in all (0 for sensitivity).
    pub budget: usize,
    /// Sensitivity: `morris` or `sobol` (empty for calibrate).
    pub method: String,
    /// Sensitivity: trajectories or base samples (0 for calibrate).
    pub samples: usize,
    /// Sensitivity: the outputs (empty for calibrate).
    pub metrics: Vec<String>,
    /// The evaluations that `--shard` splits: calibrate's Sobol start points,
    /// sensitivity's design points.
    pub points: u32,
}

impl SearchRecord {
    /// A record of this build for `command`; the caller fills the rest.
    pub fn new(command: &str) -> SearchRecord {
        SearchRecord {
            gigsim_version: VERSION.into(),
            git_commit: GIT_COMMIT.into(),
            command: command.into(),
            scenario_file: String::new(),
            scenario_name: String::new(),
            scenario_text: String::new(),
            scenario_hash: String::new(),
            seed: 0,
            replicates: 0,
            params_file: String::new(),
            params_text: String::new(),
            targets_file: String::new(),
            targets_text: String::new(),
            budget: 0,
            method: String::new(),
            samples: 0,
            metrics: Vec::new(),
            points: 0,
        }
    }

    /// A short fingerprint of the whole record (in the finished folder's manifest, so
    /// `--resume` on a finished folder can tell it is the same study).
    pub fn fingerprint(&self) -> String {
        fingerprint(&serde_json::to_vec(self).expect("records serialize"))
    }

    /// The fields in which `other` differs from `self`, in words a researcher knows.
    pub fn differences(&self, other: &SearchRecord) -> Vec<Difference> {
        let hash = |t: &str| fingerprint(t.as_bytes());
        let pairs = vec![
            ("gigsim version", &self.gigsim_version, &other.gigsim_version),
            ("git commit", &self.git_commit, &other.git_commit),
            ("command", &self.command, &other.command),
            ("scenario file", &self.scenario_file, &other.scenario_file),
            ("parameter file", &self.params_file, &other.params_file),
            ("targets file", &self.targets_file, &other.targets_file),
            ("--method", &self.method, &other.method),
        ];
        let mut out: Vec<(&'static str, String, String)> =
            pairs.into_iter().map(|(w, l, r)| (w, l.clone(), r.clone())).collect();
        out.extend([
            ("seed", self.seed.to_string(), other.seed.to_string()),
            ("replicates", self.replicates.to_string(), other.replicates.to_string()),
            ("--budget", self.budget.to_string(), other.budget.to_string()),
            ("--samples", self.samples.to_string(), other.samples.to_string()),
            ("--metrics", self.metrics.join(","), other.metrics.join(",")),
            ("design points", self.points.to_string(), other.points.to_string()),
            (
                "parameter file (hash)",
                hash(&self.params_text),
                hash(&other.params_text),
            ),
            (
                "targets file (hash)",
                hash(&self.targets_text),
                hash(&other.targets_text),
            ),
            (
                "resolved scenario (hash)",
                self.scenario_hash.clone(),
                other.scenario_hash.clone(),
            ),
        ]);
        out.into_iter()
            .filter(|(_, l, r)| l != r)
            .map(|(what, left, right)| Difference { what, left, right })
            .collect()
    }
}

/// The layout version of evaluation folders and their markers (another is refused).
pub const SEARCH_FORMAT: u32 = 1;

/// `search.json`: which study and shard the evaluations in a folder belong to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchIdentity {
    /// Layout version ([`SEARCH_FORMAT`]).
    pub format: u32,
    /// The shard (`None` without `--shard`).
    pub shard: Option<Shard>,
    /// The study.
    pub search: SearchRecord,
}

/// `SHARD.json` of a calibrate or sensitivity shard: every evaluation of the shard is
/// in its parts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchShardMarker {
    /// Layout version ([`SEARCH_FORMAT`]).
    pub format: u32,
    /// Which shard.
    pub shard: Shard,
    /// The study.
    pub search: SearchRecord,
    /// The design indices this shard evaluated (i mod N = I).
    pub indices: Vec<u32>,
    /// Threads used.
    pub threads: usize,
    /// Where it ran.
    pub machine: Machine,
    /// When the command that completed it started (UTC).
    pub started_utc: String,
    /// When it completed (UTC).
    pub finished_utc: String,
    /// Wall time of that command, seconds.
    pub wall_seconds: f64,
}

/// The design indices of `points` that `shard` evaluates: i mod N = I.
pub fn shard_indices(points: u32, shard: Shard) -> Vec<u32> {
    (0..points).filter(|i| i % shard.count == shard.index).collect()
}

/// A batch file as written: evaluations, each with its design index.
#[derive(Serialize)]
struct BatchOut<'a, T> {
    items: &'a [(u32, T)],
}

/// A batch file as read.
#[derive(Deserialize)]
struct BatchIn<T> {
    items: Vec<(u32, T)>,
}

/// A folder of finished evaluations.
pub struct EvaluationStore {
    dir: PathBuf,
}

impl EvaluationStore {
    /// The store in `dir` (which exists).
    pub fn at(dir: &Path) -> EvaluationStore {
        EvaluationStore { dir: dir.to_path_buf() }
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a batch of finished evaluations (atomically; the folder is synced, so the
    /// batch survives a crash of the machine once this returns).
    pub fn save<T: Serialize>(&self, items: &[(u32, T)]) -> Result<(), OutputError> {
        let Some((first, _)) = items.first() else {
            return Ok(());
        };
        let path = self.dir.join(format!("eval-{first:07}.json"));
        let json = serde_json::to_vec(&BatchOut { items }).expect("evaluations serialize");
        write_file(&path, &json)?;
        sync_dir(&self.dir)
    }

    /// Every evaluation in the folder, by design index (a later file's copy of an
    /// index replaces an earlier one's: the last write wins, as on disk).
    pub fn load<T: DeserializeOwned>(&self) -> Result<BTreeMap<u32, T>, OutputError> {
        let mut files: Vec<(u32, PathBuf)> = std::fs::read_dir(&self.dir)
            .map_err(|e| OutputError::Read {
                path: self.dir.clone(),
                source: e,
            })?
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let first = name.strip_prefix("eval-")?.strip_suffix(".json")?.parse().ok()?;
                Some((first, e.path()))
            })
            .collect();
        files.sort();
        let mut out = BTreeMap::new();
        for (_, path) in files {
            let batch: BatchIn<T> = read_json(&path)?.ok_or_else(|| OutputError::Parts {
                path: path.clone(),
                message: "vanished while it was read".into(),
            })?;
            out.extend(batch.items);
        }
        Ok(out)
    }
}

/// Reads `search.json` of a parts folder (`None` when there is none).
pub fn read_identity(parts: &Path) -> Result<Option<SearchIdentity>, OutputError> {
    read_json(&parts.join(SEARCH_FILE))
}

/// Writes `search.json` into a parts folder.
pub fn write_identity(parts: &Path, identity: &SearchIdentity) -> Result<(), OutputError> {
    write_json(&parts.join(SEARCH_FILE), identity)
}

/// An `f64` as stored: its bits, so NaN and every last digit survive.
pub fn bits(v: f64) -> u64 {
    v.to_bits()
}

/// An `f64` back from its stored bits.
pub fn from_bits(b: u64) -> f64 {
    f64::from_bits(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_round_trip_and_later_files_win() {
        let tmp = tempfile::tempdir().unwrap();
        let store = EvaluationStore::at(tmp.path());
        let a = vec![bits(f64::NAN), bits(0.1 + 0.2)];
        let b = vec![bits(1.0)];
        store.save(&[(0, a.clone()), (3, b)]).unwrap();
        store.save(&[(3, a.clone())]).unwrap();
        let back: BTreeMap<u32, Vec<u64>> = store.load().unwrap();
        assert_eq!(back.len(), 2);
        assert!(from_bits(back[&0][0]).is_nan());
        assert_eq!(from_bits(back[&0][1]), 0.1 + 0.2);
        assert_eq!(back[&3], a);
    }

    #[test]
    fn shards_split_the_design_exactly_once() {
        let mut all: Vec<u32> = (0..3)
            .flat_map(|i| shard_indices(10, Shard { index: i, count: 3 }))
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        assert_eq!(shard_indices(10, Shard { index: 1, count: 3 }), vec![1, 4, 7]);
    }

    #[test]
    fn differences_name_the_setting() {
        let a = SearchRecord::new("sensitivity");
        let mut b = a.clone();
        assert!(a.differences(&b).is_empty());
        b.samples = 8;
        b.params_text = "x".into();
        let d: Vec<_> = a.differences(&b).iter().map(|d| d.what).collect();
        assert_eq!(d, vec!["--samples", "parameter file (hash)"]);
        assert_ne!(a.fingerprint(), b.fingerprint());
    }
}
