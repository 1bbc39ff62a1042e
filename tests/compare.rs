//! `compare` and `sweep`: paired differences, common random numbers, and refusals.

mod common;

use common::*;

const VARIANTS: &str = r#"
[[variants]]
name = "identical"
set = { "platform.fee.requester_percent" = 20.0 }

[[variants]]
name = "worker_fee"
set = { "platform.fee.worker_percent" = 15.0 }
"#;

#[test]
fn identical_variants_have_paired_differences_of_exactly_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(VARIANTS));
    let o = run_in(
        dir.path(),
        &["compare", path.to_str().unwrap(), "--out", "res", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let res = dir.path().join("res");
    let rows = read_csv(&res.join("comparison.csv"));
    assert_eq!(rows.len(), 3 * 9, "one row per variant and headline metric");
    for r in rows
        .iter()
        .filter(|r| r["variant"] == "identical" || r["variant"] == "base")
    {
        for col in ["diff_mean", "diff_ci_low", "diff_ci_high"] {
            let v = &r[col];
            assert!(v.is_empty() || v.parse::<f64>().unwrap() == 0.0, "{col} = {v} in {r:?}");
        }
    }
    for r in rows.iter().filter(|r| r["variant"] == "base") {
        // The reference against itself: no unpaired interval (it is not a second sample).
        assert!(
            r["diff_unpaired_ci_low"].is_empty() && r["diff_unpaired_ci_high"].is_empty(),
            "{r:?}"
        );
    }
    let fee = rows
        .iter()
        .find(|r| r["variant"] == "worker_fee" && r["metric"] == "worker_net_cents")
        .unwrap();
    assert!(
        !fee["diff_unpaired_ci_low"].is_empty(),
        "other variants keep it: {fee:?}"
    );
    assert!(float(fee, "diff_ci_high") < 0.0, "a worker fee lowers net pay: {fee:?}");
    assert_books(&res);
    // The same people in every variant of a replicate.
    let workers = read_csv(&res.join("workers.csv"));
    for replicate in ["0", "1", "2"] {
        let ids = |variant: &str| {
            workers
                .iter()
                .filter(|w| w["variant"] == variant && w["replicate"] == replicate)
                .map(|w| w["worker_id"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("base"), ids("worker_fee"));
        assert!(!ids("base").is_empty());
    }
}

#[test]
fn compare_needs_variants() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let o = run_in(dir.path(), &["compare", path.to_str().unwrap(), "--out", "res"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("[[variants]]"), "{}", stderr(&o));
    assert!(!dir.path().join("res").exists());
}

#[test]
fn run_runs_only_base_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(VARIANTS));
    let o = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("gigsim compare"), "{}", stderr(&o));
    let runs = read_csv(&dir.path().join("res/runs.csv"));
    assert!(runs.iter().all(|r| r["variant"] == "base"));
}

#[test]
fn sweep_of_two_keys_writes_a_grid() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            path.to_str().unwrap(),
            "--param",
            "platform.fee.worker_percent",
            "--values",
            "0:20:10",
            "--param",
            "workers.reservation_wage.median",
            "--values",
            "1,4",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("res/sweep.csv"));
    assert_eq!(rows.len(), 6 * 9, "one row per point and metric");
    let first = &rows[0];
    assert_eq!(
        first["point"],
        "platform.fee.worker_percent=0;workers.reservation_wage.median=1"
    );
    assert_eq!(float(first, "platform.fee.worker_percent"), 0.0);
    assert_eq!(float(first, "workers.reservation_wage.median"), 1.0);
    assert_eq!(float(first, "diff_mean"), 0.0);
    let last = rows.iter().rev().find(|r| r["metric"] == "worker_net_cents").unwrap();
    assert_eq!(float(last, "platform.fee.worker_percent"), 20.0);
    assert!(float(last, "diff_mean") < 0.0);
    let runs = read_csv(&dir.path().join("res/runs.csv"));
    assert_eq!(runs.len(), 6 * 3);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("res/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["command"], "sweep");
    assert_eq!(manifest["sweep_params"][1], "workers.reservation_wage.median");
}

#[test]
fn sweep_refuses_bad_parameters_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let p = path.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--param", "platform.matching", "--values", "1,2"],
            "platform.matching",
        ),
        (
            &["--param", "platform.fee.worker_pct", "--values", "1,2"],
            "unknown key `worker_pct`",
        ),
        (&["--param", "platform.fee.worker_percent", "--values", ""], "empty"),
        (
            &["--param", "platform.fee.worker_percent", "--values", "5:1:1"],
            "start must not exceed stop",
        ),
        (
            &["--param", "platform.fee.worker_percent", "--values", "50,150"],
            "sweep point platform.fee.worker_percent=150",
        ),
        (&["--param", "workers.count", "--values", "10.5"], "whole number"),
        (&["--param", "simulation.days", "--values", "10"], "paired"),
        (&["--param", "platform.fee.worker_percent"], "--values"),
    ];
    for (args, fragment) in cases {
        let mut all = vec!["sweep", p, "--out", "res"];
        all.extend_from_slice(args);
        let o = run_in(dir.path(), &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(fragment), "{args:?}: {}", stderr(&o));
        assert!(!dir.path().join("res").exists(), "{args:?} created the folder");
    }
}
