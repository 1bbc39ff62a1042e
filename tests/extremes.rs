//! Markets at the edges run and report sensibly through the binary: no demand, no
//! workers, one worker, a 100% fee, a gate nobody passes, demand far above supply,
//! nobody working. Each writes every table with balanced books, and its charts and
//! report, where an empty distribution is drawn as "No data", not a crash. And sums
//! that could outgrow 64 bits fail loudly instead of wrapping.

mod common;

use std::path::Path;

use common::*;

/// A small board market; `extra` TOML is appended (sections it names replace nothing
/// here, so it may add any section).
fn market(workers: &str, demand: &str, extra: &str) -> String {
    format!(
        r#"
[simulation]
name = "edge"
days = 6
replicates = 2
seed = 4

[workers]
{workers}

[requesters]
count = 5

[demand]
{demand}

[[tasks.categories]]
name = "only"
share = 1.0
pay_usd = {{ dist = "fixed", value = 0.25 }}
duration_seconds = {{ dist = "fixed", value = 60.0 }}
batch_size = {{ dist = "fixed", value = 4.0 }}

[charts]
formats = ["svg"]

{extra}
"#
    )
}

const FULL_TIME: &str = "count = 20\nhours_per_day = { dist = \"fixed\", value = 2.0 }\ndays_per_week = { dist = \"fixed\", value = 7.0 }\nreservation_wage = { dist = \"fixed\", value = 0.0 }";

/// Runs a scenario into `dir/out` and checks what every extreme must give: exit 0,
/// every table, balanced books, charts and a report. Returns the folder.
fn run_ok(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = write_scenario(dir, &format!("{name}.toml"), text);
    let out = dir.join(name);
    let o = run_in(
        dir,
        &["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"],
    );
    assert!(o.status.success(), "{name}: {}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
    for f in ["runs.csv", "workers.csv", "daily.csv", "summary.csv", "report.html"] {
        assert!(out.join(f).is_file(), "{name}: {f} missing");
    }
    assert_books(&out);
    let charts: Vec<_> = std::fs::read_dir(out.join("charts"))
        .unwrap_or_else(|e| panic!("{name}: no charts folder: {e}"))
        .flatten()
        .collect();
    assert!(!charts.is_empty(), "{name}: no charts");
    for c in &charts {
        assert!(c.metadata().unwrap().len() > 200, "{name}: {:?} is empty", c.path());
    }
    out
}

fn sum(rows: &[std::collections::BTreeMap<String, String>], col: &str) -> i64 {
    rows.iter().map(|r| int(r, col)).sum()
}

fn chart_text(out: &Path, stem: &str) -> String {
    std::fs::read_to_string(out.join("charts").join(format!("{stem}.svg"))).unwrap()
}

#[test]
fn no_demand_runs_and_charts_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_ok(dir.path(), "no-demand", &market(FULL_TIME, "tasks_per_day = 0.0", ""));
    let runs = read_csv(&out.join("runs.csv"));
    for col in [
        "tasks_posted",
        "tasks_done",
        "requester_spend_cents",
        "worker_net_cents",
    ] {
        assert_eq!(sum(&runs, col), 0, "{col}");
    }
    let workers = read_csv(&out.join("workers.csv"));
    assert_eq!(workers.len(), 2 * 20);
    // Everyone was available and found nothing: all of their time is idle.
    assert!(
        workers
            .iter()
            .all(|w| int(w, "idle_seconds") > 0 && int(w, "paid_seconds") == 0)
    );
    assert!(chart_text(&out, "net_income").contains("No data"));
    assert!(chart_text(&out, "hourly_wage").contains("No data"));
}

#[test]
fn no_workers_and_one_worker_run() {
    let dir = tempfile::tempdir().unwrap();
    // Nobody and no newcomers: refused, naming the key, rather than run empty.
    let path = write_scenario(
        dir.path(),
        "nobody.toml",
        &market("count = 0", "tasks_per_day = 200.0", ""),
    );
    let o = gigsim()
        .args(["run", path.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("workers.count") && stderr(&o).contains("entry_per_day"),
        "{}",
        stderr(&o)
    );
    // Nobody at first but newcomers arriving: a market that fills up.
    let text = market("count = 0", "tasks_per_day = 200.0", "[churn]\nentry_per_day = 2.0");
    let out = run_ok(dir.path(), "newcomers", &text);
    let runs = read_csv(&out.join("runs.csv"));
    assert!(sum(&runs, "tasks_posted") > 0);
    assert!(sum(&runs, "tasks_done") > 0, "the newcomers work");

    let one = FULL_TIME.replace("count = 20", "count = 1");
    let out = run_ok(dir.path(), "one", &market(&one, "tasks_per_day = 200.0", ""));
    let workers = read_csv(&out.join("workers.csv"));
    assert_eq!(workers.len(), 2, "one row per worker per run");
    assert!(workers.iter().all(|w| int(w, "tasks_done") > 0));
}

#[test]
fn a_full_fee_leaves_workers_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = market(
        FULL_TIME,
        "tasks_per_day = 300.0",
        "[platform.fee]\nworker_percent = 100.0\nrequester_percent = 0.0\nrequester_min_usd = 0.0",
    );
    let out = run_ok(dir.path(), "full-fee", &text);
    let runs = read_csv(&out.join("runs.csv"));
    assert!(sum(&runs, "tasks_done") > 0);
    assert_eq!(sum(&runs, "worker_net_cents"), 0);
    assert_eq!(sum(&runs, "platform_fee_cents"), sum(&runs, "requester_spend_cents"));
    for r in &runs {
        assert_eq!(float(r, "share_below_wage_floor"), 1.0);
        assert_eq!(float(r, "median_hourly_wage"), 0.0);
    }
    let workers = read_csv(&out.join("workers.csv"));
    assert!(
        workers
            .iter()
            .all(|w| int(w, "net_cents") == 0 && int(w, "fee_cents") == int(w, "gross_cents"))
    );
}

#[test]
fn a_gate_nobody_passes_leaves_gated_work_unfilled() {
    let dir = tempfile::tempdir().unwrap();
    for matching in ["board", "search", "dispatch"] {
        let text = market(
            FULL_TIME,
            "tasks_per_day = 300.0",
            &format!(
                "[platform]\nmatching = \"{matching}\"\n[platform.visibility]\nopen_share = 0.0\nmin_reviews = 1000000000"
            ),
        );
        let out = run_ok(dir.path(), &format!("gate-{matching}"), &text);
        let runs = read_csv(&out.join("runs.csv"));
        assert!(sum(&runs, "tasks_posted") > 0, "{matching}");
        assert_eq!(sum(&runs, "tasks_done"), 0, "{matching}");
        assert_eq!(sum(&runs, "tasks_unfilled"), sum(&runs, "tasks_posted"), "{matching}");
        assert!(chart_text(&out, "net_income").contains("No data"), "{matching}");
    }
}

#[test]
fn demand_far_above_supply_keeps_everyone_busy() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_ok(dir.path(), "flood", &market(FULL_TIME, "tasks_per_day = 500000.0", ""));
    let runs = read_csv(&out.join("runs.csv"));
    let (posted, done, unfilled) = (
        sum(&runs, "tasks_posted"),
        sum(&runs, "tasks_done"),
        sum(&runs, "tasks_unfilled"),
    );
    assert!(done > 0 && unfilled > posted * 9 / 10, "{posted} {done} {unfilled}");
    assert!(posted - unfilled >= done, "tasks taken are at least tasks done");
    let workers = read_csv(&out.join("workers.csv"));
    assert_eq!(sum(&workers, "idle_seconds"), 0, "nobody idles while work is left");
}

#[test]
fn nobody_working_runs() {
    let dir = tempfile::tempdir().unwrap();
    let idle = "count = 10\ndays_per_week = { dist = \"fixed\", value = 0.0 }";
    let out = run_ok(dir.path(), "holiday", &market(idle, "tasks_per_day = 100.0", ""));
    let workers = read_csv(&out.join("workers.csv"));
    assert_eq!(workers.len(), 20);
    assert!(
        workers
            .iter()
            .all(|w| int(w, "paid_seconds") + int(w, "unpaid_seconds") + int(w, "idle_seconds") == 0)
    );
    let zero_hours = "count = 10\nhours_per_day = { dist = \"fixed\", value = 0.0 }";
    run_ok(dir.path(), "no-hours", &market(zero_hours, "tasks_per_day = 100.0", ""));
}
