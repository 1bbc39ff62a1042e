//! `manifest.json`: what produced a folder of results — gigsim version and commit, the
//! resolved scenario, seed, plan, command line, threads and wall time, and for a merged
//! folder the shards it was made from — so a table can always be traced back and
//! reproduced.

use serde::{Deserialize, Serialize};

use super::shard::Machine;

/// The gigsim version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit gigsim was built from ("unknown" outside a git checkout).
pub const GIT_COMMIT: &str = env!("GIGSIM_GIT_COMMIT");

/// The manifest of a results folder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// gigsim version.
    pub gigsim_version: String,
    /// Git commit of the build.
    pub git_commit: String,
    /// The command whose results the folder holds (run, compare or sweep); a folder made
    /// by `gigsim merge` has the command its shards ran, and lists them in `merged_from`.
    pub command: String,
    /// The full command line.
    pub command_line: Vec<String>,
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
    /// For a sweep: the swept dotted keys, in the order of the `sweep.csv` columns.
    #[serde(default)]
    pub sweep_params: Vec<String>,
    /// Runs in the plan.
    pub runs: u32,
    /// Hash of the resolved scenario (FNV-1a, 64 bits, hex).
    pub scenario_hash: String,
    /// Threads used.
    pub threads: usize,
    /// When the command started (UTC).
    pub started_utc: String,
    /// Wall time, seconds.
    pub wall_seconds: f64,
    /// The resolved scenario (every default filled in), as TOML.
    pub resolved_scenario: String,
    /// For a folder made by `gigsim merge`: the shards, in shard order (empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<MergedShard>,
}

/// A shard a merged folder was made from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MergedShard {
    /// The shard folder as given to merge.
    pub dir: String,
    /// `I/N`.
    pub shard: String,
    /// Runs in the shard.
    pub runs: u32,
    /// Where it ran.
    pub machine: Machine,
    /// Threads it used.
    pub threads: usize,
    /// When it completed (UTC).
    pub finished_utc: String,
    /// Its wall time, seconds.
    pub wall_seconds: f64,
}

/// FNV-1a 64-bit hash of bytes, as 16 hex digits: a stable fingerprint of a resolved
/// scenario (not a security measure).
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_fnv1a() {
        assert_eq!(fingerprint(b""), "cbf29ce484222325");
        assert_eq!(fingerprint(b"a"), "af63dc4c8601ec8c");
    }
}
