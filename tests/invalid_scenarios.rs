//! Every broken scenario in `tests/scenarios/invalid/` is refused before any work, by
//! `run` and by `compare` alike: exit code 2, a message naming the file, the key and
//! what is allowed, no panic, and no output folder created.

mod common;

use common::*;

#[test]
fn every_invalid_scenario_is_refused_with_its_message() {
    let corpus = root().join("tests/scenarios/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "the corpus has {} files", files.len());
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for file in &files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let expect = std::fs::read_to_string(file.with_extension("expect"))
            .unwrap_or_else(|_| panic!("{stem}.expect is missing"));
        for command in ["run", "compare"] {
            let out_dir = tmp.path().join(format!("out-{command}-{stem}"));
            let o = gigsim()
                .args([command, file.to_str().unwrap(), "--out", out_dir.to_str().unwrap()])
                .output()
                .unwrap();
            let err = stderr(&o);
            let mut problems = Vec::new();
            if o.status.code() != Some(2) {
                problems.push(format!("exit code {:?}", o.status.code()));
            }
            if err.contains("panicked") {
                problems.push("panicked".into());
            }
            if out_dir.exists() {
                problems.push("created the output folder".into());
            }
            if !err.contains(&format!("{stem}.toml")) {
                problems.push("message does not name the file".into());
            }
            for fragment in expect.lines().filter(|l| !l.is_empty()) {
                if !err.contains(fragment) {
                    problems.push(format!("message lacks `{fragment}`"));
                }
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{command} {stem}: {}\n    stderr: {}",
                    problems.join("; "),
                    err.trim()
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
