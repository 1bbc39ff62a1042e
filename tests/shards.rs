//! Shards, merge and resume: a study cut into shards and merged gives the same bytes as
//! a single run; merge refuses shards that do not make one study exactly once; resume
//! keeps complete work of the same study only.

mod common;

use std::path::Path;

use common::*;

const VARIANTS: &str = r#"
[[variants]]
name = "worker_fee"
set = { "platform.fee.worker_percent" = 15.0 }
"#;

/// The small scenario with a variant and 4 replicates: a plan of 8 runs.
fn study(dir: &Path) -> String {
    let text = small_scenario(VARIANTS).replace("replicates = 3", "replicates = 4");
    write_scenario(dir, "s.toml", &text).display().to_string()
}

fn ok(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = run_in(dir, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

fn refused(dir: &Path, args: &[&str]) -> String {
    let o = run_in(dir, args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    stderr(&o)
}

fn marker(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("SHARD.json")).unwrap()).unwrap()
}

#[test]
fn three_shards_merged_are_byte_identical_to_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = study(d);
    ok(d, &["compare", &s, "--out", "single", "--quiet"]);
    for i in 0..3 {
        let shard = format!("{i}/3");
        ok(
            d,
            &["compare", &s, "--shard", &shard, "--out", &format!("s{i}"), "--quiet"],
        );
    }
    for i in 0..3u64 {
        let sd = d.join(format!("s{i}"));
        assert!(table_bytes(&sd).is_empty(), "a shard folder holds no final tables");
        assert!(!sd.join("manifest.json").exists());
        let m = marker(&sd);
        let expected: Vec<u64> = (0..8).filter(|x| x % 3 == i).collect();
        let done: Vec<u64> = m["plan_indices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(done, expected, "shard {i} runs i mod 3 = {i}");
        assert_eq!(m["shard"]["index"], i);
        assert_eq!(m["study"]["seed"], 7);
        assert_eq!(m["study"]["command"], "compare");
        assert!(m["study"]["scenario_hash"].as_str().unwrap().len() == 16);
        assert!(m["study"]["git_commit"].is_string() && m["study"]["gigsim_version"].is_string());
        assert!(
            m["study"]["resolved_scenario"]
                .as_str()
                .unwrap()
                .contains("[platform.fee]")
        );
    }
    // Shards given in any order.
    let o = ok(d, &["merge", "s2", "s0", "s1", "--out", "merged"]);
    assert!(
        stdout(&o).contains("worker_fee") && stdout(&o).contains("results: merged"),
        "{}",
        stdout(&o)
    );
    let single = table_bytes(&d.join("single"));
    let merged = table_bytes(&d.join("merged"));
    assert!(single.contains_key("comparison.csv") && single.contains_key("workers.parquet"));
    assert_eq!(single.keys().collect::<Vec<_>>(), merged.keys().collect::<Vec<_>>());
    for (name, bytes) in &single {
        assert!(
            merged[name] == *bytes,
            "{name} differs between the merged shards and a single run"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("merged/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["command"], "compare");
    assert_eq!(manifest["runs"], 8);
    assert_eq!(manifest["merged_from"].as_array().unwrap().len(), 3);
    assert_eq!(manifest["merged_from"][1]["shard"], "1/3");
    assert_eq!(
        std::fs::read(d.join("merged/scenario.toml")).unwrap(),
        std::fs::read(d.join("single/scenario.toml")).unwrap()
    );
}

#[test]
fn sharded_sweep_with_chosen_tables_merges_to_the_same_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = write_scenario(d, "s.toml", &small_scenario("")).display().to_string();
    let sweep = [
        "sweep",
        s.as_str(),
        "--param",
        "platform.fee.worker_percent",
        "--values",
        "0:10:5",
        "--tables",
        "runs,daily",
        "--replicates",
        "2",
        "--quiet",
    ];
    let with = |extra: &[&'static str]| [&sweep[..], extra].concat();
    ok(d, &with(&["--out", "single"]));
    ok(d, &with(&["--shard", "0/2", "--out", "a"]));
    ok(d, &with(&["--shard", "1/2", "--out", "b"]));
    ok(d, &["merge", "a", "b", "--out", "merged", "--quiet"]);
    let single = table_bytes(&d.join("single"));
    assert!(single.contains_key("sweep.csv") && !single.contains_key("workers.parquet"));
    assert_eq!(single, table_bytes(&d.join("merged")));
}

#[test]
fn merge_refuses_shards_of_another_study_and_names_the_difference() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = study(d);
    ok(d, &["compare", &s, "--shard", "0/2", "--out", "a", "--quiet"]);
    ok(d, &["compare", &s, "--shard", "1/2", "--out", "b", "--quiet"]);
    ok(
        d,
        &[
            "compare", &s, "--shard", "1/2", "--out", "seed8", "--seed", "8", "--quiet",
        ],
    );
    let text = refused(d, &["merge", "a", "seed8", "--out", "m"]);
    assert!(text.contains("seed: 7 in a, 8 in seed8"), "{text}");
    // Another scenario: a variant changed.
    let other = write_scenario(
        d,
        "other.toml",
        &std::fs::read_to_string(&s).unwrap().replace("15.0", "16.0"),
    );
    let other = other.display().to_string();
    ok(d, &["compare", &other, "--shard", "1/2", "--out", "other", "--quiet"]);
    let text = refused(d, &["merge", "a", "other", "--out", "m"]);
    assert!(text.contains("resolved scenario (hash)"), "{text}");
    // Another gigsim build: the commit differs.
    std::fs::create_dir(d.join("build")).unwrap();
    std::fs::create_dir(d.join("build/parts")).unwrap();
    for entry in std::fs::read_dir(d.join("b/parts")).unwrap().flatten() {
        std::fs::copy(entry.path(), d.join("build/parts").join(entry.file_name())).unwrap();
    }
    let mut m = marker(&d.join("b"));
    m["study"]["git_commit"] = "0000000000000000000000000000000000000000".into();
    std::fs::write(d.join("build/SHARD.json"), serde_json::to_vec(&m).unwrap()).unwrap();
    let text = refused(d, &["merge", "a", "build", "--out", "m"]);
    assert!(text.contains("git commit") && text.contains("0000000000"), "{text}");
    // A different number of shards.
    ok(d, &["compare", &s, "--shard", "1/3", "--out", "of3", "--quiet"]);
    let text = refused(d, &["merge", "a", "of3", "--out", "m"]);
    assert!(text.contains("number of shards: 2 in a, 3 in of3"), "{text}");
    assert!(!d.join("m").exists(), "nothing is written when merge refuses");
    ok(d, &["merge", "a", "b", "--out", "m", "--quiet"]);
}

#[test]
fn merge_names_missing_and_duplicated_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = study(d);
    for i in 0..4 {
        ok(
            d,
            &[
                "compare",
                &s,
                "--shard",
                &format!("{i}/4"),
                "--out",
                &format!("s{i}"),
                "--quiet",
            ],
        );
    }
    let text = refused(d, &["merge", "s0", "s2", "--out", "m"]);
    assert!(text.contains("missing shards 1, 3 of 4"), "{text}");
    let text = refused(d, &["merge", "s0", "s1", "s3", "--out", "m"]);
    assert!(text.contains("missing shard 2 of 4"), "{text}");
    std::fs::create_dir(d.join("copy")).unwrap();
    std::fs::create_dir(d.join("copy/parts")).unwrap();
    for entry in std::fs::read_dir(d.join("s1/parts")).unwrap().flatten() {
        std::fs::copy(entry.path(), d.join("copy/parts").join(entry.file_name())).unwrap();
    }
    std::fs::copy(d.join("s1/SHARD.json"), d.join("copy/SHARD.json")).unwrap();
    let text = refused(d, &["merge", "s0", "s1", "s2", "s3", "copy", "--out", "m"]);
    assert!(text.contains("shard 1 of 4 is given 2 times: s1, copy"), "{text}");
    assert!(!d.join("m").exists());
}

#[test]
fn merge_refuses_an_incomplete_shard_and_a_non_empty_out_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = study(d);
    ok(d, &["compare", &s, "--shard", "0/2", "--out", "a", "--quiet"]);
    ok(d, &["compare", &s, "--shard", "1/2", "--out", "b", "--quiet"]);
    std::fs::rename(d.join("b/SHARD.json"), d.join("SHARD.json.kept")).unwrap();
    let text = refused(d, &["merge", "a", "b", "--out", "m"]);
    assert!(text.contains("b: shard 1/2 is incomplete"), "{text}");
    assert!(text.contains("--resume"), "{text}");
    std::fs::rename(d.join("SHARD.json.kept"), d.join("b/SHARD.json")).unwrap();
    // A shard whose parts lost a run is damaged, not complete.
    let parts = d.join("b/parts");
    let first = chunk_markers(&parts).remove(0);
    std::fs::rename(&first, d.join("chunk.kept")).unwrap();
    let text = refused(d, &["merge", "a", "b", "--out", "m"]);
    assert!(text.contains("damaged"), "{text}");
    std::fs::rename(d.join("chunk.kept"), &first).unwrap();
    std::fs::create_dir(d.join("m")).unwrap();
    std::fs::write(d.join("m/notes.txt"), "mine").unwrap();
    let text = refused(d, &["merge", "a", "b", "--out", "m"]);
    assert!(text.contains("--force"), "{text}");
    assert!(!d.join("m/runs.csv").exists());
    let text = refused(d, &["merge", "a", "b", "--out", "a", "--force"]);
    assert!(text.contains("one of the shard folders"), "{text}");
    ok(d, &["merge", "a", "b", "--out", "m", "--force", "--quiet"]);
    assert!(d.join("m/runs.csv").is_file());
    assert_eq!(std::fs::read_to_string(d.join("m/notes.txt")).unwrap(), "mine");
}

#[test]
fn resume_needs_out_and_refuses_work_of_another_study_or_shard() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = study(d);
    let text = refused(d, &["compare", &s, "--resume"]);
    assert!(text.contains("--resume needs --out"), "{text}");
    let text = refused(d, &["compare", &s, "--shard", "0/2"]);
    assert!(text.contains("--shard needs --out"), "{text}");
    let o = run_in(d, &["compare", &s, "--shard", "2/2", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("0 ≤ I < N"), "{}", stderr(&o));
    ok(d, &["compare", &s, "--shard", "0/2", "--out", "a", "--quiet"]);
    let text = refused(
        d,
        &["compare", &s, "--shard", "0/2", "--out", "a", "--resume", "--seed", "9"],
    );
    assert!(text.contains("seed: 9 in this command, 7 in the folder"), "{text}");
    let text = refused(d, &["compare", &s, "--shard", "1/2", "--out", "a", "--resume"]);
    assert!(text.contains("shard: 1/2 in this command, 0/2 in the folder"), "{text}");
    // Incomplete parts of another study.
    std::fs::remove_file(d.join("a/SHARD.json")).unwrap();
    let text = refused(
        d,
        &[
            "compare",
            &s,
            "--shard",
            "0/2",
            "--out",
            "a",
            "--resume",
            "--replicates",
            "5",
        ],
    );
    assert!(
        text.contains("part files of another study") && text.contains("replicates: 5"),
        "{text}"
    );
    // A finished single run of another study.
    ok(d, &["compare", &s, "--out", "full", "--quiet"]);
    let text = refused(d, &["compare", &s, "--out", "full", "--resume", "--seed", "3"]);
    assert!(text.contains("finished results of another study"), "{text}");
    let o = ok(d, &["compare", &s, "--out", "full", "--resume"]);
    assert!(stdout(&o).contains("nothing to resume"), "{}", stdout(&o));
}

#[test]
fn resume_keeps_complete_chunks_and_redoes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = study(d);
    ok(d, &["compare", &s, "--out", "single", "--quiet"]);
    ok(d, &["compare", &s, "--shard", "0/1", "--out", "a", "--quiet"]);
    let parts = d.join("a/parts");
    let markers = chunk_markers(&parts);
    assert_eq!(markers.len(), 8, "8 runs cut into 8 chunks");
    // The state a kill leaves: no completion marker, two chunks whose markers never got
    // written, a temporary file.
    std::fs::remove_file(d.join("a/SHARD.json")).unwrap();
    std::fs::remove_file(&markers[2]).unwrap();
    std::fs::remove_file(&markers[5]).unwrap();
    std::fs::write(parts.join(".chunk-0000009.runs.parquet.gigsim-tmp-1"), "half").unwrap();
    let before = mtimes(&parts);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = ok(d, &["compare", &s, "--shard", "0/1", "--out", "a", "--resume"]);
    assert!(
        stderr(&o).contains("6 of 8 runs complete and kept, 2 to run"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("shard 0/1 complete"), "{}", stdout(&o));
    let after = mtimes(&parts);
    for (name, time) in &before {
        if !name.starts_with("chunk-") || name.starts_with("chunk-0000002") || name.starts_with("chunk-0000005") {
            continue;
        }
        assert_eq!(after.get(name), Some(time), "{name} was kept as it was");
    }
    assert_ne!(
        after["chunk-0000002.runs.parquet"], before["chunk-0000002.runs.parquet"],
        "redone"
    );
    assert!(temp_files(d).is_empty(), "{:?}", temp_files(d));
    assert_eq!(chunk_markers(&parts).len(), 8);
    // A complete shard: resume does nothing.
    let o = ok(d, &["compare", &s, "--shard", "0/1", "--out", "a", "--resume"]);
    assert!(stdout(&o).contains("nothing to resume"), "{}", stdout(&o));
    assert_eq!(mtimes(&parts), after);
    ok(d, &["merge", "a", "--out", "merged", "--quiet"]);
    assert_eq!(table_bytes(&d.join("single")), table_bytes(&d.join("merged")));
}

#[test]
fn rerunning_a_complete_shard_needs_force_and_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let s = study(d);
    ok(d, &["compare", &s, "--shard", "0/2", "--out", "a", "--quiet"]);
    let text = refused(d, &["compare", &s, "--shard", "0/2", "--out", "a"]);
    assert!(text.contains("--force"), "{text}");
    assert_eq!(
        marker(&d.join("a"))["study"]["seed"],
        7,
        "a refused command leaves the shard as it was"
    );
    ok(
        d,
        &[
            "compare", &s, "--shard", "0/2", "--out", "a", "--force", "--seed", "9", "--quiet",
        ],
    );
    assert_eq!(marker(&d.join("a"))["study"]["seed"], 9);
    let parts = d.join("a/parts");
    let identity: serde_json::Value =
        serde_json::from_slice(&std::fs::read(parts.join("study.json")).unwrap()).unwrap();
    assert_eq!(identity["study"]["seed"], 9);
}
