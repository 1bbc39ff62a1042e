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

fn run(
    tmp: &std::path::Path,
    method: &str,
    samples: &str,
    threads: &str,
) -> Vec<std::collections::BTreeMap<String, String>> {
    let scenario = write_scenario(tmp, "s.toml", &market());
    let params = tmp.join("p.toml");
    std::fs::write(&params, PARAMS).unwrap();
    let out = tmp.join(format!("{method}-{threads}"));
    let o = gigsim()
        .args([
            "sensitivity",
            scenario.to_str().unwrap(),
            "--params",
            params.to_str().unwrap(),
        ])
        .args([
            "--method",
            method,
            "--samples",
            samples,
            "--threads",
            threads,
            "--metrics",
            "platform_fee_cents",
        ])
        .args(["--out", out.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    read_csv(&out.join("sensitivity.csv"))
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
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path(), "s.toml", &market());
    let params = tmp.path().join("p.toml");
    std::fs::write(&params, PARAMS).unwrap();
    let out = tmp.path().join("o");
    let o = gigsim()
        .args([
            "sensitivity",
            scenario.to_str().unwrap(),
            "--params",
            params.to_str().unwrap(),
        ])
        .args([
            "--method",
            "morris",
            "--metrics",
            "median_wage",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown metric `median_wage`"), "{}", stderr(&o));
    std::fs::write(
        &params,
        "[[params]]\nkey = \"platform.fee.requester_percent\"\nlow = 30\nhigh = 5\n",
    )
    .unwrap();
    let o = gigsim()
        .args([
            "sensitivity",
            scenario.to_str().unwrap(),
            "--params",
            params.to_str().unwrap(),
        ])
        .args(["--method", "sobol", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("params[1].low: 30 is not below high = 5"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}
