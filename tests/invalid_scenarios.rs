//! Every broken scenario in `tests/scenarios/invalid/` is refused before any work, by
//! `run` and by `compare` alike: exit code 2, a message naming the file, the key and
//! what is allowed, no panic, and no output folder created.

mod common;

use common::*;

#[test]
fn every_invalid_scenario_is_refused_with_its_message() {
    let files = corpus("scenarios/invalid", 50);
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (file, stem, expect) in &files {
        for command in ["run", "compare"] {
            let out_dir = tmp.path().join(format!("out-{command}-{stem}"));
            let o = gigsim()
                .args([command, file.to_str().unwrap(), "--out", out_dir.to_str().unwrap()])
                .output()
                .unwrap();
            let problems = refusal_problems(&o, stem, expect, &out_dir);
            if !problems.is_empty() {
                failures.push(format!(
                    "{command} {stem}: {}\n    stderr: {}",
                    problems.join("; "),
                    stderr(&o).trim()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
