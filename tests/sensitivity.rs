//! `gigsim sensitivity`: Morris and Sobol on a market where the answer is known.

mod common;

use common::*;

/// Platform fee revenue is linear in the requester fee (no pass-through, no demand
/// response, no minimum fee); `charts.scale` is a key the model never reads.
fn market() -> String {
    small_scenario("[platform.fee]\nrequester_percent = 20.0\nrequester_min_usd = 0.0\n")
}

const PARAMS: &str = "[[params]]\nkey = \"platform.fee.requester_percent\"\nlow = 5\nhigh = 30\n\
                      [[params]]\nkey = \"charts.scale\"\nlow = 0.5\nhigh = 2.0\n";

/// `gigsim sensitivity s.toml --params p.toml` on the fee revenue.
const SENSITIVITY: [&str; 6] = [
    "sensitivity",
    "s.toml",
    "--params",
    "p.toml",
    "--metrics",
    "platform_fee_cents",
];

/// A folder with the scenario `s.toml` and parameters `p.toml`.
fn setup(scenario: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write_scenario(tmp.path(), "s.toml", scenario);
    std::fs::write(tmp.path().join("p.toml"), PARAMS).unwrap();
    tmp
}

fn run(
    tmp: &std::path::Path,
    method: &str,
    samples: &str,
    threads: &str,
) -> Vec<std::collections::BTreeMap<String, String>> {
    write_scenario(tmp, "s.toml", &market());
    std::fs::write(tmp.join("p.toml"), PARAMS).unwrap();
    let out = format!("{method}-{threads}");
    search_ok(
        tmp,
        &SENSITIVITY,
        &[
            "--method",
            method,
            "--samples",
            samples,
            "--threads",
            threads,
            "--out",
            &out,
            "--quiet",
        ],
    );
    read_csv(&tmp.join(out).join("sensitivity.csv"))
}

fn index<'a>(
    rows: &'a [std::collections::BTreeMap<String, String>],
    param: &str,
    index: &str,
) -> &'a std::collections::BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["param"] == param && r["index"] == index)
        .unwrap()
}

#[test]
fn sobol_gives_the_linear_fee_all_the_variance_and_the_unread_key_none() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = run(tmp.path(), "sobol", "32", "2");
    assert_eq!(rows.len(), 4);
    for i in ["S1", "ST"] {
        let fee = index(&rows, "platform.fee.requester_percent", i);
        assert!(float(fee, "value") > 0.9, "{i} of the fee: {fee:?}");
        let unread = index(&rows, "charts.scale", i);
        assert!(
            float(unread, "ci_low") <= 0.0 && float(unread, "ci_high") >= 0.0,
            "{i} of a key the model never reads: {unread:?}"
        );
    }
}

#[test]
fn morris_ranks_the_fee_first_and_the_unread_key_at_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = run(tmp.path(), "morris", "8", "2");
    let fee = float(index(&rows, "platform.fee.requester_percent", "mu_star"), "value");
    let unread = index(&rows, "charts.scale", "mu_star");
    assert!(
        fee > 0.0 && float(unread, "value") == 0.0,
        "fee {fee}, unread {unread:?}"
    );
    assert!(float(unread, "ci_low") <= 0.0 && float(unread, "ci_high") >= 0.0);
}

#[test]
fn results_are_the_same_on_one_thread_and_two() {
    let tmp = tempfile::tempdir().unwrap();
    for method in ["morris", "sobol"] {
        assert_eq!(
            run(tmp.path(), method, "8", "1"),
            run(tmp.path(), method, "8", "2"),
            "{method}"
        );
    }
}

#[test]
fn unknown_metrics_and_bad_parameter_files_are_refused_before_any_run() {
    let tmp = setup(&market());
    let d = tmp.path();
    let refused = |flags: &[&str], says: &str| {
        let args = [
            &["sensitivity", "s.toml", "--params", "p.toml", "--out", "o"][..],
            flags,
        ]
        .concat();
        let o = run_in(d, &args);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{flags:?}: {}", stderr(&o));
        assert!(!d.join("o").exists(), "{flags:?} made the output folder");
    };
    refused(
        &["--method", "morris", "--metrics", "median_wage"],
        "unknown metric `median_wage`",
    );
    refused(&["--method", "sobol", "--tables", "runs"], "does not take --tables");
    refused(&["--method", "sobol", "--shard", "3/2"], "need 0 ≤ I < N");
    std::fs::write(
        d.join("p.toml"),
        "[[params]]\nkey = \"platform.fee.requester_percent\"\nlow = 30\nhigh = 5\n",
    )
    .unwrap();
    refused(&["--method", "sobol"], "params[1].low: 30 is not below high = 5");
}

/// Three shards of the design (one on one thread), merged, write the same
/// sensitivity.csv as one command, for both methods.
#[test]
fn sharded_and_merged_analyses_match_one_command_byte_for_byte() {
    let tmp = setup(&market());
    let d = tmp.path();
    for method in ["morris", "sobol"] {
        let flags = ["--method", method, "--samples", "8"];
        let whole = format!("{method}-whole");
        search_ok(d, &SENSITIVITY, &[&flags[..], &["--out", &whole, "--quiet"]].concat());
        let merged = shard_and_merge(d, &SENSITIVITY, &flags, 3, method);
        let files = ["sensitivity.csv", "scenario.toml"];
        assert_eq!(
            files_bytes(&merged, &files),
            files_bytes(&d.join(&whole), &files),
            "{method}"
        );
        assert!(merged.join("sensitivity.json").is_file() && merged.join("report.html").is_file());
    }
    // Shards of two methods are not one study.
    let o = run_in(d, &["merge", "morris-0", "sobol-1", "sobol-2", "--out", "bad"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--method: morris in morris-0, sobol in sobol-1"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("bad").exists());
}

/// Ctrl-C keeps the finished batches of design points, and `--resume` ends with the
/// sensitivity.csv of an uninterrupted analysis.
#[test]
fn an_interrupted_analysis_resumes_to_the_same_indices() {
    // Slow enough that Ctrl-C comes while batches remain: 24 points, 3 batches.
    let slow = market()
        .replace("days = 12", "days = 30")
        .replace("count = 120", "count = 800")
        .replace("tasks_per_day = 1500.0", "tasks_per_day = 20000.0");
    let tmp = setup(&slow);
    let d = tmp.path();
    let flags = ["--method", "morris", "--samples", "8", "--threads", "2", "--out", "res"];
    search_ok(
        d,
        &SENSITIVITY,
        &["--method", "morris", "--samples", "8", "--out", "whole", "--quiet"],
    );
    let partial = d.join("res/partial");
    let mut child = spawn(d, &[&SENSITIVITY[..], &flags].concat());
    signal_when(&mut child, || !evaluation_files(&partial).is_empty(), libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("evaluations finished and are kept"),
        "{}",
        stderr(&out)
    );
    assert!(!d.join("res/sensitivity.csv").exists());
    let kept = evaluation_files(&partial);
    assert!(!kept.is_empty() && !kept.contains(&16), "{kept:?}");
    let o = search_ok(d, &SENSITIVITY, &[&flags[..], &["--resume"]].concat());
    assert!(stderr(&o).contains("evaluations kept"), "{}", stderr(&o));
    let files = ["sensitivity.csv", "scenario.toml"];
    assert_eq!(
        files_bytes(&d.join("res"), &files),
        files_bytes(&d.join("whole"), &files)
    );
    assert!(!partial.exists());
}

/// The report page lists every index with its interval and shows the chart.
#[test]
fn the_report_shows_the_indices_and_the_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = run(tmp.path(), "sobol", "8", "2");
    let html = std::fs::read_to_string(tmp.path().join("sobol-2/report.html")).unwrap();
    for needle in [
        "Sobol indices by output",
        "platform.fee.requester_percent",
        "charts.scale",
        "<svg",
        "href=\"sensitivity.csv\"",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    for r in &rows {
        let ci = format!(
            "{} to {}",
            gigsim::units::three_digits(float(r, "ci_low")),
            gigsim::units::three_digits(float(r, "ci_high"))
        );
        assert!(html.contains(&ci), "report lacks the CI {ci} of {r:?}");
    }
    assert!(html.contains("id=\"sensitivity_sobol\""), "the chart is in the report");
}
