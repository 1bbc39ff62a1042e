//! Golden results: the `summary.csv` of small fixed scenarios, and a hash of every table
//! and chart file of every built-in scenario, are kept in the repository, so any change
//! of results or charts is seen and made on purpose (a restructuring must leave them
//! byte for byte as they were). To accept new results, run
//! `GIGSIM_BLESS=1 cargo test --release --test golden` and say why in the commit message.

mod common;

use common::*;

fn check_golden(name: &str) {
    let scenario = root().join(format!("tests/golden/{name}.toml"));
    let golden = root().join(format!("tests/golden/{name}.summary.csv"));
    let dir = tempfile::tempdir().unwrap();
    let o = gigsim()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            dir.path().join("r").to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read_to_string(dir.path().join("r/summary.csv")).unwrap();
    if std::env::var("GIGSIM_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&golden, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|_| panic!("{} is missing: run with GIGSIM_BLESS=1 once", golden.display()));
    assert_eq!(
        got, want,
        "results of {name} changed; if on purpose, regenerate with GIGSIM_BLESS=1"
    );
    assert_books(&dir.path().join("r"));
}

#[test]
fn board_summary_is_unchanged() {
    check_golden("board");
}

#[test]
fn search_summary_is_unchanged() {
    check_golden("search");
}

/// FNV-1a, 64 bits: enough to see that a file changed.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every CSV table, `columns.md`, `scenario.toml` and chart file under `dir`, with its hash.
fn hashes(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == "charts" {
                hashes(&path, &format!("{prefix}{name}/"), out);
            }
            continue;
        }
        let kept = [".csv", ".svg", ".png"].iter().any(|e| name.ends_with(e))
            || name == "columns.md"
            || name == "scenario.toml";
        if kept {
            out.push(format!("{prefix}{name} {:016x}", fnv1a(&std::fs::read(&path).unwrap())));
        }
    }
}

/// Every built-in scenario, run small (two replicates; the 200,000-worker one once, with
/// the runs and daily tables), gives the same tables and charts byte for byte.
#[test]
fn builtin_scenarios_give_the_same_tables_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let files = toml_files("scenarios");
    let mut got = Vec::new();
    for file in &files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).unwrap();
        let command = if text.contains("[[variants]]") {
            "compare"
        } else {
            "run"
        };
        let out = dir.path().join(&name);
        let mut args = vec![
            command,
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ];
        if name == "mturk_scale" {
            args.extend(["--replicates", "1", "--tables", "runs,daily"]);
        } else {
            args.extend(["--replicates", "2"]);
        }
        let o = gigsim().args(&args).output().unwrap();
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        hashes(&out, &format!("{name}/"), &mut got);
    }
    let golden = root().join("tests/golden/builtin.hashes");
    let got = got.join("\n") + "\n";
    if std::env::var("GIGSIM_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&golden, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|_| panic!("{} is missing: run with GIGSIM_BLESS=1 once", golden.display()));
    let changed: Vec<&str> = got.lines().filter(|l| !want.lines().any(|w| w == *l)).collect();
    let gone: Vec<&str> = want.lines().filter(|w| !got.lines().any(|l| l == *w)).collect();
    assert!(
        changed.is_empty() && gone.is_empty(),
        "built-in scenarios changed; if on purpose, regenerate with GIGSIM_BLESS=1 and say why.\n\
         new or changed: {changed:#?}\nno longer written or changed: {gone:#?}"
    );
}
