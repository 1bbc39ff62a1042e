//! Property tests of the tables the binary writes, on random valid scenarios (every
//! section and option drawn, small sizes; see `scenario_gen`): each is run twice,
//! on one thread and on two, with the same seed, and
//! - both runs succeed and write byte-identical tables (the same seed gives the same
//!   tables, whatever the threads);
//! - every table has exactly its documented columns, `variant` and `replicate` first,
//!   and the design's contract columns in the contract's order;
//! - `runs` has one row per (variant, replicate), `workers` one row per registered
//!   worker per run (ids unique), `daily` one row per measured day per run;
//! - both book identities hold in every run and per worker, and workers add up to runs;
//! - the study cut into two shards and merged writes the same tables, and a sweep of
//!   the scenario balances its books.
//!
//! A case spawns gigsim twice (each writes tables, charts and a report), so there are
//! fewer cases than in the in-process `properties.rs`, which checks the model itself.

mod common;
mod scenario_gen;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;
use gigsim::output::columns::{self, Column};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use scenario_gen::{Tape, config, scenario, tapes};

/// Scenarios tried, each run twice through the binary.
const CASES: u32 = 24;

/// The columns the design's contract names, in its order (`/work/shared/design.md`).
const CONTRACT_RUNS: &[&str] = &[
    "variant",
    "replicate",
    "seed",
    "days",
    "workers_registered",
    "workers_active",
    "tasks_posted",
    "tasks_done",
    "tasks_unfilled",
    "hours_paid",
    "hours_unpaid",
    "requester_spend_cents",
    "worker_net_cents",
    "paid_out_cents",
    "pending_cents",
    "platform_fee_cents",
    "levy_cents",
    "processing_cents",
    "forfeited_cents",
    "gini_net_income",
    "top10_share_net_income",
    "share_never_paid",
    "mean_hourly_wage",
    "median_hourly_wage",
    "median_hourly_wage_all_time",
    "share_below_wage_floor",
];
const CONTRACT_WORKERS: &[&str] = &[
    "variant",
    "replicate",
    "worker_id",
    "entered_day",
    "exited_day",
    "first_task_day",
    "platforms_joined",
    "tasks_done",
    "tasks_rejected",
    "tasks_returned",
    "gross_cents",
    "fee_cents",
    "net_cents",
    "paid_out_cents",
    "pending_cents",
    "forfeited_cents",
    "paid_seconds",
    "unpaid_seconds",
    "idle_seconds",
    "hourly_wage",
    "hourly_wage_all_time",
    "rating",
    "reviews",
    "approval_rate",
];
const CONTRACT_DAILY: &[&str] = &[
    "variant",
    "replicate",
    "day",
    "demand_multiplier",
    "tasks_posted",
    "tasks_done",
    "tasks_unfilled",
    "workers_active",
    "entries",
    "exits",
    "mean_hourly_wage",
    "median_hourly_wage",
    "platform_fee_cents",
    "worker_net_cents",
];

fn fail(text: &str, what: String) -> TestCaseError {
    TestCaseError::fail(format!("{what}\n--- scenario ---\n{text}"))
}

fn header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().next().unwrap_or("").split(',').map(String::from).collect()
}

/// Whether `want` appears in `have` in the same order (other columns may sit between).
fn in_order(have: &[String], want: &[&str]) -> bool {
    let mut it = have.iter();
    want.iter().all(|w| it.any(|h| h == w))
}

fn check_columns<R>(
    text: &str,
    dir: &Path,
    table: &str,
    documented: &[Column<R>],
    contract: &[&str],
) -> Result<(), TestCaseError> {
    let have = header(&dir.join(format!("{table}.csv")));
    let names: Vec<&str> = documented.iter().map(|c| c.name).collect();
    if have != names {
        return Err(fail(
            text,
            format!("{table}.csv columns {have:?} are not the documented {names:?}"),
        ));
    }
    if !in_order(&have, contract) {
        return Err(fail(
            text,
            format!("{table}.csv lacks contract columns in order: {have:?}"),
        ));
    }
    Ok(())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "prop.toml", text);
    let study = gigsim::scenario::parse(text, "prop.toml").map_err(|e| fail(text, format!("invalid: {e}")))?;
    let command = if study.variants.len() > 1 { "compare" } else { "run" };
    for (out, threads) in [("one", "1"), ("two", "2")] {
        let o = run_in(
            dir.path(),
            &[
                command,
                path.to_str().unwrap(),
                "--out",
                out,
                "--threads",
                threads,
                "--quiet",
            ],
        );
        if !o.status.success() {
            return Err(fail(
                text,
                format!(
                    "gigsim {command} --threads {threads} failed ({:?}): {}",
                    o.status.code(),
                    stderr(&o)
                ),
            ));
        }
    }
    let one = dir.path().join("one");
    let a = table_bytes(&one);
    if a != table_bytes(&dir.path().join("two")) {
        return Err(fail(text, "one and two threads wrote different tables".into()));
    }
    // The same study in two shards, merged, writes the same tables.
    let scenario_arg = path.to_str().unwrap();
    for shard in ["0/2", "1/2"] {
        let out = format!("shard{}", &shard[..1]);
        let o = run_in(
            dir.path(),
            &[command, scenario_arg, "--shard", shard, "--out", &out, "--quiet"],
        );
        if !o.status.success() {
            return Err(fail(
                text,
                format!("gigsim {command} --shard {shard} failed: {}", stderr(&o)),
            ));
        }
    }
    let o = run_in(dir.path(), &["merge", "shard0", "shard1", "--out", "merged", "--quiet"]);
    if !o.status.success() {
        return Err(fail(text, format!("gigsim merge failed: {}", stderr(&o))));
    }
    if a != table_bytes(&dir.path().join("merged")) {
        return Err(fail(text, "two shards merged wrote other tables than one run".into()));
    }
    // A sweep of the scenario (one without variants) balances its books in every run.
    if command == "run" {
        let o = run_in(
            dir.path(),
            &[
                "sweep",
                scenario_arg,
                "--param",
                "requesters.rating_probability",
                "--values",
                "0.2,0.6",
                "--out",
                "swept",
                "--quiet",
            ],
        );
        if !o.status.success() {
            return Err(fail(text, format!("gigsim sweep failed: {}", stderr(&o))));
        }
        let swept = dir.path().join("swept");
        if !swept.join("sweep.csv").exists() {
            return Err(fail(text, "the sweep wrote no sweep.csv".into()));
        }
        std::panic::catch_unwind(|| assert_books(&swept)).map_err(|_| fail(text, "sweep: books".into()))?;
    }
    check_columns(text, &one, "runs", columns::RUNS, CONTRACT_RUNS)?;
    check_columns(text, &one, "workers", columns::WORKERS, CONTRACT_WORKERS)?;
    check_columns(text, &one, "daily", columns::DAILY, CONTRACT_DAILY)?;
    let several = study.base().scenario.platforms.len() > 1;
    if several {
        check_columns(
            text,
            &one,
            "worker_platforms",
            columns::WORKER_PLATFORMS,
            &["variant", "replicate"],
        )?;
        check_columns(
            text,
            &one,
            "platform_runs",
            columns::PLATFORM_RUNS,
            &["variant", "replicate"],
        )?;
    } else if one.join("worker_platforms.csv").exists() {
        return Err(fail(text, "worker_platforms.csv written for one platform".into()));
    }

    let sc = &study.base().scenario;
    let runs = read_csv(&one.join("runs.csv"));
    let variants: Vec<&str> = study.variants.iter().map(|v| v.name.as_str()).collect();
    let expected_runs: Vec<(String, String)> = variants
        .iter()
        .flat_map(|v| (0..sc.replicates).map(move |r| (v.to_string(), r.to_string())))
        .collect();
    let got_runs: Vec<(String, String)> = runs
        .iter()
        .map(|r| (r["variant"].clone(), r["replicate"].clone()))
        .collect();
    if got_runs != expected_runs {
        return Err(fail(
            text,
            format!("runs rows {got_runs:?}, expected {expected_runs:?}"),
        ));
    }
    let workers = read_csv(&one.join("workers.csv"));
    let mut per_run: BTreeMap<(String, String), BTreeSet<i64>> = BTreeMap::new();
    for w in &workers {
        let ids = per_run
            .entry((w["variant"].clone(), w["replicate"].clone()))
            .or_default();
        if !ids.insert(int(w, "worker_id")) {
            return Err(fail(
                text,
                format!("worker {} appears twice in one run", w["worker_id"]),
            ));
        }
    }
    let daily = read_csv(&one.join("daily.csv"));
    for r in &runs {
        let key = (r["variant"].clone(), r["replicate"].clone());
        let rows = per_run.get(&key).map_or(0, BTreeSet::len) as i64;
        if rows != int(r, "workers_registered") {
            return Err(fail(
                text,
                format!("{key:?}: {rows} worker rows for {} registered", r["workers_registered"]),
            ));
        }
        let days = daily
            .iter()
            .filter(|d| (d["variant"].clone(), d["replicate"].clone()) == key)
            .count() as i64;
        if days != int(r, "days") || days != i64::from(sc.days - sc.warmup_days) {
            return Err(fail(text, format!("{key:?}: {days} daily rows for {} days", r["days"])));
        }
    }
    // assert_books panics with the row; report it with the scenario.
    std::panic::catch_unwind(|| assert_books(&one)).map_err(|e| {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        fail(text, format!("books: {why}"))
    })?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { max_shrink_iters: 200, ..config(CASES) })]

    #[test]
    fn random_scenarios_write_complete_identical_tables(values in tapes()) {
        let text = scenario(&mut Tape::new(values));
        check(&text)?;
    }
}
