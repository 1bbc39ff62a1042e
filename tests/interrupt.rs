//! Interruptions: Ctrl-C (SIGINT) and kill -9 in the middle of a run, sent to a child
//! process these tests start. An interrupted run writes no final tables, leaves earlier
//! results alone, keeps its finished runs plainly marked partial, leaves nothing that
//! resume or merge would take for complete, and `--resume` finishes it with the same
//! bytes as an uninterrupted run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::OnceLock;

use common::*;

/// The slow scenario's tables from one uninterrupted run, shared by the tests.
fn reference() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // In cargo's folder for test files (not a leaked temporary folder), made afresh.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interrupt-reference");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = write_scenario(&dir, "slow.toml", &slow_scenario());
        let o = run_in(&dir, &["run", path.to_str().unwrap(), "--out", "reference", "--quiet"]);
        assert!(o.status.success(), "{}", stderr(&o));
        dir.join("reference")
    })
}

/// Waits for the first complete chunk in `parts`, then sends `signal` to the child.
fn signal_after_first_chunk(child: &mut Child, parts: &Path, signal: libc::c_int) {
    signal_when(child, || !chunk_markers(parts).is_empty(), signal);
}

fn final_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = table_bytes(dir).into_keys().collect();
    if dir.join("manifest.json").exists() {
        names.push("manifest.json".into());
    }
    names
}

#[test]
fn ctrl_c_keeps_earlier_results_and_finished_runs_and_resume_completes_the_run() {
    let reference = reference();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Earlier results in the folder that will be reused with --force.
    let small = write_scenario(d, "small.toml", &small_scenario(""));
    let o = run_in(d, &["run", small.to_str().unwrap(), "--out", "res", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let res = d.join("res");
    let earlier = table_bytes(&res);
    let earlier_manifest = std::fs::read(res.join("manifest.json")).unwrap();

    let slow = write_scenario(d, "slow.toml", &slow_scenario());
    let slow = slow.to_str().unwrap();
    let mut child = spawn(d, &["run", slow, "--out", "res", "--force"]);
    signal_after_first_chunk(&mut child, &res.join("partial"), libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("interrupted") && message.contains("kept in") && message.contains("--resume"),
        "{message}"
    );
    assert_eq!(table_bytes(&res), earlier, "earlier results are untouched");
    assert_eq!(std::fs::read(res.join("manifest.json")).unwrap(), earlier_manifest);
    assert!(temp_files(d).is_empty(), "temporary files left: {:?}", temp_files(d));
    let partial = res.join("partial");
    assert!(
        std::fs::read_to_string(partial.join("PARTIAL.txt"))
            .unwrap()
            .contains("NOT results")
    );
    let kept = chunk_markers(&partial).len();
    assert!((1..8).contains(&kept), "{kept} of 8 chunks complete");

    let o = run_in(d, &["run", slow, "--out", "res", "--resume", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        table_bytes(&res),
        table_bytes(reference),
        "resumed tables equal an uninterrupted run"
    );
    assert!(!partial.exists(), "the parts are removed once the tables are written");
    assert!(temp_files(d).is_empty());
}

#[test]
fn kill_9_leaves_no_file_that_looks_complete_and_resume_finishes_the_run() {
    let reference = reference();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let slow = write_scenario(d, "slow.toml", &slow_scenario());
    let slow = slow.to_str().unwrap();
    let mut child = spawn(d, &["run", slow, "--out", "res"]);
    let partial = d.join("res/partial");
    signal_after_first_chunk(&mut child, &partial, libc::SIGKILL);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), None, "killed by a signal");
    let res = d.join("res");
    assert!(
        final_files(&res).is_empty(),
        "no final table or manifest: {:?}",
        final_files(&res)
    );
    // Every chunk with a marker has all its part files; anything else is a leftover
    // (temporary, or a part without marker) that resume removes.
    let markers = chunk_markers(&partial);
    assert!(
        (1..8).contains(&markers.len()),
        "{} of 8 chunks complete",
        markers.len()
    );
    for m in &markers {
        let stem = m.file_stem().unwrap().to_string_lossy().into_owned();
        for table in ["runs", "workers", "daily"] {
            assert!(
                partial.join(format!("{stem}.{table}.parquet")).is_file(),
                "{stem} lacks {table}"
            );
        }
    }

    let o = run_in(d, &["run", slow, "--out", "res", "--resume", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(table_bytes(&res), table_bytes(reference));
    assert!(temp_files(d).is_empty(), "{:?}", temp_files(d));
}

#[test]
fn a_shard_killed_midway_is_refused_by_merge_until_resumed() {
    let reference = reference();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let slow = write_scenario(d, "slow.toml", &slow_scenario());
    let slow = slow.to_str().unwrap();
    // Shard 1 was complete once, for another seed: running it again must not leave that
    // completion marker where the killed run's parts are.
    let o = run_in(
        d,
        &[
            "run",
            slow,
            "--shard",
            "1/2",
            "--out",
            "b",
            "--seed",
            "5",
            "--replicates",
            "2",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(d.join("b/SHARD.json").is_file());
    let o = run_in(d, &["run", slow, "--shard", "0/2", "--out", "a", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut child = spawn(d, &["run", slow, "--shard", "1/2", "--out", "b", "--force"]);
    let parts = d.join("b/parts");
    // Shard 1/2 has 8 runs in 8 chunks; wait for the first chunk of the new study (the
    // old study's parts share chunk names, and go when the new command starts).
    let new_study = || {
        std::fs::read_to_string(parts.join("study.json")).is_ok_and(|t| t.contains("\"seed\": 11"))
            && !chunk_markers(&parts).is_empty()
    };
    signal_when(&mut child, new_study, libc::SIGKILL);
    child.wait().unwrap();
    assert!(
        !d.join("b/SHARD.json").exists(),
        "a killed shard has no completion marker"
    );
    assert!(table_bytes(&d.join("b")).is_empty());
    let o = run_in(d, &["merge", "a", "b", "--out", "merged"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("shard 1/2 is incomplete"), "{}", stderr(&o));
    assert!(!d.join("merged").exists());

    let o = run_in(d, &["run", slow, "--shard", "1/2", "--out", "b", "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("complete and kept"), "{}", stderr(&o));
    let o = run_in(d, &["merge", "a", "b", "--out", "merged", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(table_bytes(&d.join("merged")), table_bytes(reference));
}

#[test]
fn two_ctrl_c_in_a_row_exit_with_130_and_no_tables() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let slow = write_scenario(d, "slow.toml", &slow_scenario());
    let mut child = spawn(d, &["run", slow.to_str().unwrap(), "--out", "res"]);
    signal_after_first_chunk(&mut child, &d.join("res/partial"), libc::SIGINT);
    // SAFETY: as above, a child of this test that has not been reaped.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(final_files(&d.join("res")).is_empty());
}

/// A market whose runs are quick but whose tables are large: most of the command's time
/// goes to writing the workers table, so a signal can arrive while the folder is
/// written.
fn wide_scenario() -> String {
    r#"
[simulation]
name = "wide"
days = 2
warmup_days = 0
replicates = 2
seed = 5

[workers]
count = 300000

[demand]
tasks_per_day = 30000.0
"#
    .to_string()
}

/// Whether the folder itself (not its parts) has begun to receive the final tables.
fn writing_tables(res: &Path) -> bool {
    std::fs::read_dir(res).is_ok_and(|d| {
        d.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            e.path().is_file() && (name.contains(".gigsim-tmp-") || name.ends_with(".parquet"))
        })
    })
}

#[test]
fn ctrl_c_while_the_tables_are_written_leaves_no_finished_looking_folder_and_resume_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let wide = write_scenario(d, "wide.toml", &wide_scenario());
    let wide = wide.to_str().unwrap();
    let o = run_in(d, &["run", wide, "--out", "reference", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));

    let res = d.join("res");
    let mut child = spawn(d, &["run", wide, "--out", "res", "--quiet", "--threads", "2"]);
    signal_when(&mut child, || writing_tables(&res), libc::SIGINT);
    let o = child.wait_with_output().unwrap();
    let message = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(130), "{message}");
    if res.join("manifest.json").exists() {
        // The signal came after the tables: they are complete, the charts are not.
        assert!(
            message.contains("drawing the charts") && message.contains("gigsim plot"),
            "{message}"
        );
    } else {
        assert!(
            message.contains("interrupted while writing") && message.contains("--resume"),
            "{message}"
        );
    }
    assert!(
        temp_files(&res).is_empty(),
        "temporary files left: {:?}",
        temp_files(&res)
    );

    let o = run_in(d, &["run", wide, "--out", "res", "--resume", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        table_bytes(&res) == table_bytes(&d.join("reference")),
        "the resumed folder's tables equal an uninterrupted run's"
    );
    assert!(res.join("manifest.json").exists());
}

#[test]
fn ctrl_c_without_out_prints_the_exact_command_that_resumes_it() {
    let reference = reference();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let slow = write_scenario(d, "slow.toml", &slow_scenario());
    let mut child = spawn(d, &["run", slow.to_str().unwrap()]);
    // The folder is output/<name>/<date-time>/: wait for its first complete chunk.
    let first_chunk = || {
        walk(&d.join("output")).iter().any(|p| {
            p.parent().is_some_and(|f| f.ends_with("partial")) && !chunk_markers(p.parent().unwrap()).is_empty()
        })
    };
    signal_when(&mut child, first_chunk, libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let message = stderr(&out);
    let command = message
        .split("To finish the rest: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no command in: {message}"))
        .trim();
    let words: Vec<&str> = command.split(' ').collect();
    assert!(words.ends_with(&["--resume"]), "{command}");
    let o = gigsim()
        .current_dir(d)
        .args(&words[1..])
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(o.status.success(), "`{command}` failed: {}", stderr(&o));
    let folder = words[words.iter().position(|w| *w == "--out").unwrap() + 1];
    assert_eq!(table_bytes(&d.join(folder)), table_bytes(reference));
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_second_run_into_a_folder_being_written_is_refused_with_the_first_ones_pid() {
    let reference = reference();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let slow = write_scenario(d, "slow.toml", &slow_scenario());
    let slow = slow.to_str().unwrap();
    let first = spawn(d, &["run", slow, "--out", "res"]);
    let res = d.join("res");
    let started = wait_until(120, || !chunk_markers(&res.join("partial")).is_empty());
    assert!(started, "the first run wrote no chunk");
    let o = run_in(d, &["run", slow, "--out", "res", "--force", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&first.id().to_string()), "{}", stderr(&o));
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success(), "the first run is unharmed: {}", stderr(&out));
    assert_eq!(table_bytes(&res), table_bytes(reference));
    assert!(!res.join(".gigsim.lock").exists(), "the lock file goes with its writer");
}
