//! What ties part files to a study, so that resumed runs and merged shards are checked
//! before anything is reused: `study.json` (written in the parts folder before the first
//! run) says which study and shard the parts belong to; `SHARD.json` (written last, by
//! rename, when every run of a shard is in its parts) marks a shard complete and carries
//! everything `gigsim merge` needs to write the same folder as a single-machine run.
//!
//! A shard folder (`--shard I/N --out DIR`) holds:
//!
//! ```text
//! DIR/SHARD.json                      completion marker (absent: the shard is incomplete)
//! DIR/parts/study.json                the study and shard these parts belong to
//! DIR/parts/chunk-NNNNNNN.<table>.parquet   one file per table per chunk of runs
//! DIR/parts/chunk-NNNNNNN.json        chunk marker, written after its part files
//! ```
//!
//! and never final tables. A run without `--shard` keeps its parts in `DIR/partial/`
//! (with `PARTIAL.txt`) until its final tables are written, then removes them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::OutputError;
use super::atomic::write_file;
use crate::runner::Shard;

/// The completion marker of a shard folder.
pub const SHARD_FILE: &str = "SHARD.json";

/// The identity of the parts in a parts folder.
pub const STUDY_FILE: &str = "study.json";

/// The parts folder of a shard folder.
pub const SHARD_PARTS_DIR: &str = "parts";

/// The version of the layout and of these records; merge refuses other versions.
pub const FORMAT: u32 = 1;

/// A study as the folders of its runs need it: what decides the results (build, resolved
/// scenario and its hash, seed, replicates, variants or sweep points) and how its folder
/// is written (command, tables). Two shards merge only when their records agree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudyRecord {
    /// gigsim version of the build that ran it.
    pub gigsim_version: String,
    /// Git commit of that build.
    pub git_commit: String,
    /// FNV-1a hash of the resolved scenario and every variant's overrides (the plan).
    pub scenario_hash: String,
    /// The command: run, compare or sweep.
    pub command: String,
    /// The scenario file as given.
    pub scenario_file: String,
    /// Scenario name.
    pub scenario_name: String,
    /// Master seed.
    pub seed: u64,
    /// Replicates per variant.
    pub replicates: u32,
    /// Variant names in plan order (for a sweep, the points).
    pub variants: Vec<String>,
    /// For a sweep: the swept dotted keys.
    pub sweep_params: Vec<String>,
    /// For a sweep: each point's values of the swept keys, in plan order.
    pub sweep_values: Vec<Vec<f64>>,
    /// Runs in the whole plan (all shards).
    pub plan_runs: u32,
    /// Tables written (`--tables`, or all).
    pub tables: Vec<String>,
    /// Whether `--tables` was given (it decides whether a big `workers.csv` is written).
    pub tables_listed: bool,
    /// The resolved scenario (every default filled in, variants included), as TOML.
    pub resolved_scenario: String,
}

/// One field in which two study records differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// What differs, in words a researcher knows.
    pub what: &'static str,
    /// Its value in the first record.
    pub left: String,
    /// Its value in the second record.
    pub right: String,
}

impl StudyRecord {
    /// The fields in which `other` differs from `self`, in the order a researcher would
    /// look for the cause: build, command, seed, replicates, variants, sweep, tables,
    /// then the resolved scenario itself (its hash). `with_tables` includes the choice
    /// of tables, which decides the final folder but not the runs.
    pub fn differences(&self, other: &StudyRecord, with_tables: bool) -> Vec<Difference> {
        let mut out = Vec::new();
        let mut check = |what: &'static str, left: String, right: String| {
            if left != right {
                out.push(Difference { what, left, right });
            }
        };
        check(
            "gigsim version",
            self.gigsim_version.clone(),
            other.gigsim_version.clone(),
        );
        check("git commit", self.git_commit.clone(), other.git_commit.clone());
        check("command", self.command.clone(), other.command.clone());
        check("seed", self.seed.to_string(), other.seed.to_string());
        check("replicates", self.replicates.to_string(), other.replicates.to_string());
        check("variants", self.variants.join(", "), other.variants.join(", "));
        check(
            "swept keys",
            self.sweep_params.join(", "),
            other.sweep_params.join(", "),
        );
        check(
            "sweep values",
            format!("{:?}", self.sweep_values),
            format!("{:?}", other.sweep_values),
        );
        check(
            "runs in the plan",
            self.plan_runs.to_string(),
            other.plan_runs.to_string(),
        );
        if with_tables {
            check("tables", self.tables.join(","), other.tables.join(","));
            check(
                "--tables given",
                self.tables_listed.to_string(),
                other.tables_listed.to_string(),
            );
        }
        check(
            "resolved scenario (hash)",
            self.scenario_hash.clone(),
            other.scenario_hash.clone(),
        );
        out
    }
}

/// Lists differences as indented lines naming where each value comes from.
pub fn describe(differences: &[Difference], left: &str, right: &str) -> String {
    differences
        .iter()
        .map(|d| format!("  {}: {} in {left}, {} in {right}", d.what, d.left, d.right))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `study.json`: which study and shard the parts of a folder belong to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartsIdentity {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// The shard (`None` for a run without `--shard`).
    pub shard: Option<Shard>,
    /// The study.
    pub study: StudyRecord,
}

/// The machine a shard ran on: results are identical on one machine type, and may
/// differ in the last bits on other CPUs or C libraries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// Host name.
    pub host: String,
    /// CPU architecture (x86_64, aarch64, …).
    pub arch: String,
    /// CPU model, from `/proc/cpuinfo` where there is one.
    pub cpu: String,
    /// C library and version (glibc x.y on GNU/Linux).
    pub libc: String,
}

impl Machine {
    /// This machine.
    pub fn this() -> Machine {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "unknown".into());
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name") || l.starts_with("Model"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        Machine {
            host,
            arch: std::env::consts::ARCH.into(),
            cpu,
            libc: libc_version(),
        }
    }

    /// Whether results of the two machines are expected to be bit-identical (same CPU
    /// model, architecture and C library; the host does not matter).
    pub fn same_type(&self, other: &Machine) -> bool {
        (&self.arch, &self.cpu, &self.libc) == (&other.arch, &other.cpu, &other.libc)
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn libc_version() -> String {
    // SAFETY: gnu_get_libc_version returns a pointer to a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(libc::gnu_get_libc_version()) };
    format!("glibc {}", version.to_string_lossy())
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn libc_version() -> String {
    format!("{} {}", std::env::consts::OS, std::env::consts::FAMILY)
}

/// `SHARD.json`: a complete shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardMarker {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// Which shard.
    pub shard: Shard,
    /// The study.
    pub study: StudyRecord,
    /// The plan indices this shard ran (i mod N = I), all of them in its parts.
    pub plan_indices: Vec<u32>,
    /// Threads used.
    pub threads: usize,
    /// Where it ran.
    pub machine: Machine,
    /// When the (last) command that completed it started (UTC).
    pub started_utc: String,
    /// When it completed (UTC).
    pub finished_utc: String,
    /// Wall time of that command, seconds.
    pub wall_seconds: f64,
}

/// Writes a JSON record atomically (temporary name, then rename).
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), OutputError> {
    let json = serde_json::to_vec_pretty(value).expect("records serialize");
    write_file(path, &json)
}

/// Reads a JSON record; `None` when the file does not exist.
pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, OutputError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(OutputError::Read {
                path: path.into(),
                source: e,
            });
        }
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| OutputError::Parts {
            path: path.into(),
            message: format!("not a gigsim record this version can read: {e}"),
        })
}

/// The parts folder of an output folder: `DIR/parts` for a shard, `DIR/partial` for a
/// run without `--shard`.
pub fn parts_dir(out: &Path, sharded: bool) -> PathBuf {
    if sharded {
        out.join(SHARD_PARTS_DIR)
    } else {
        out.join(super::parts::PARTIAL_DIR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> StudyRecord {
        StudyRecord {
            gigsim_version: "0.1.0".into(),
            git_commit: "abc".into(),
            scenario_hash: "0011".into(),
            command: "sweep".into(),
            scenario_file: "s.toml".into(),
            scenario_name: "s".into(),
            seed: u64::MAX - 3,
            replicates: 3,
            variants: vec!["a".into(), "b".into()],
            sweep_params: vec!["platform.fee.worker_percent".into()],
            sweep_values: vec![vec![0.1 + 0.2], vec![1.0 / 3.0]],
            plan_runs: 6,
            tables: vec!["runs".into()],
            tables_listed: true,
            resolved_scenario: "[simulation]\n".into(),
        }
    }

    #[test]
    fn records_survive_json_bit_for_bit() {
        let marker = ShardMarker {
            format: FORMAT,
            shard: Shard { index: 1, count: 3 },
            study: record(),
            plan_indices: vec![1, 4],
            threads: 2,
            machine: Machine::this(),
            started_utc: "x".into(),
            finished_utc: "y".into(),
            wall_seconds: 0.25,
        };
        let back: ShardMarker = serde_json::from_slice(&serde_json::to_vec_pretty(&marker).unwrap()).unwrap();
        assert_eq!(back, marker);
        assert_eq!(back.study.sweep_values[0][0].to_bits(), (0.1f64 + 0.2).to_bits());
        assert_eq!(back.study.seed, u64::MAX - 3);
    }

    #[test]
    fn differences_name_what_differs() {
        let a = record();
        let mut b = record();
        assert!(a.differences(&b, true).is_empty());
        b.seed = 8;
        b.scenario_hash = "0022".into();
        b.tables = vec!["runs".into(), "daily".into()];
        let d = a.differences(&b, false);
        assert_eq!(
            d.iter().map(|d| d.what).collect::<Vec<_>>(),
            vec!["seed", "resolved scenario (hash)"]
        );
        assert_eq!(a.differences(&b, true).len(), 3);
        let text = describe(&d, "s0", "s1");
        assert!(
            text.contains(&format!("seed: {} in s0, 8 in s1", u64::MAX - 3)),
            "{text}"
        );
    }

    #[test]
    fn machine_types_ignore_the_host() {
        let a = Machine::this();
        let mut b = a.clone();
        b.host = "elsewhere".into();
        assert!(a.same_type(&b));
        b.cpu = "another CPU".into();
        assert!(!a.same_type(&b));
    }
}
