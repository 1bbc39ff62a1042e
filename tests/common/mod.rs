//! Synthetic results folders for chart and report tests: the tables `run`, `compare`
//! and `sweep` write (same column names and types), built from a seeded generator, so
//! charts of commands that do not exist yet on this branch can be drawn and checked,
//! and degenerate inputs (one worker, nobody paid) can be made on purpose.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use gigsim::output::columns::HEADLINE;
use gigsim::output::manifest::Manifest;
use gigsim::output::tables::write_parquet;
use polars::prelude::*;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal};

/// A fresh, empty folder under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gigsim-charts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One synthetic worker.
#[derive(Clone, Debug)]
pub struct Worker {
    pub replicate: u32,
    pub worker_id: u32,
    pub tasks_done: u32,
    pub net_cents: i64,
    pub paid_seconds: u64,
    pub unpaid_seconds: u64,
    pub rating: Option<f64>,
}

/// Workers of one replicate: log-normal incomes (median ~$150), some never paid.
pub fn workers(replicate: u32, count: u32, seed: u64) -> Vec<Worker> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (u64::from(replicate) << 32));
    let income = LogNormal::new(15_000.0f64.ln(), 0.9).unwrap();
    let wage = LogNormal::new(6.0f64.ln(), 0.4).unwrap();
    (0..count)
        .map(|id| {
            let paid = rng.random_bool(0.97);
            let net = if paid {
                income.sample(&mut rng).round() as i64
            } else {
                0
            };
            let hourly: f64 = wage.sample(&mut rng);
            let paid_seconds = if paid {
                ((net as f64 / 100.0) / hourly * 3600.0) as u64
            } else {
                0
            };
            Worker {
                replicate,
                worker_id: id,
                tasks_done: if paid { rng.random_range(1..500) } else { 0 },
                net_cents: net,
                paid_seconds,
                unpaid_seconds: (paid_seconds as f64 * rng.random_range(0.02..0.3)) as u64,
                rating: rng
                    .random_bool(0.9)
                    .then(|| (4.6 + rng.random_range(-1.0..0.4f64)).clamp(1.0, 5.0)),
            }
        })
        .collect()
}

/// Writes `workers.parquet` for (variant, workers) pairs, with the real column types.
pub fn write_workers(dir: &Path, rows: &[(&str, Vec<Worker>)]) {
    let mut variant = Vec::new();
    let mut replicate = Vec::new();
    let mut worker_id = Vec::new();
    let mut tasks_done = Vec::new();
    let mut net = Vec::new();
    let mut paid = Vec::new();
    let mut unpaid = Vec::new();
    let mut hourly: Vec<Option<f64>> = Vec::new();
    let mut hourly_all: Vec<Option<f64>> = Vec::new();
    let mut rating = Vec::new();
    for (name, ws) in rows {
        for w in ws {
            variant.push(name.to_string());
            replicate.push(w.replicate);
            worker_id.push(w.worker_id);
            tasks_done.push(w.tasks_done);
            net.push(w.net_cents);
            paid.push(w.paid_seconds);
            unpaid.push(w.unpaid_seconds);
            let usd = w.net_cents as f64 / 100.0;
            hourly.push((w.paid_seconds > 0).then(|| usd / (w.paid_seconds as f64 / 3600.0)));
            let worked = w.paid_seconds + w.unpaid_seconds;
            hourly_all.push((worked > 0).then(|| usd / (worked as f64 / 3600.0)));
            rating.push(w.rating);
        }
    }
    let n = variant.len();
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new("variant".into(), variant),
            Column::new("replicate".into(), replicate),
            Column::new("worker_id".into(), worker_id),
            Column::new("tasks_done".into(), tasks_done),
            Column::new("net_cents".into(), net),
            Column::new("paid_seconds".into(), paid),
            Column::new("unpaid_seconds".into(), unpaid),
            Column::new("hourly_wage".into(), hourly),
            Column::new("hourly_wage_all_time".into(), hourly_all),
            Column::new("rating".into(), rating),
        ],
    )
    .unwrap();
    write_parquet(&dir.join("workers.parquet"), "workers", &mut df).unwrap();
}

/// Writes `runs.parquet`: every headline metric per (variant, replicate), computed from
/// `metric(variant_index, replicate, metric_name)`.
pub fn write_runs(dir: &Path, variants: &[&str], replicates: u32, metric: impl Fn(usize, u32, &str) -> Option<f64>) {
    let mut variant = Vec::new();
    let mut replicate = Vec::new();
    let mut values: Vec<Vec<Option<f64>>> = vec![Vec::new(); HEADLINE.len()];
    for (v, name) in variants.iter().enumerate() {
        for r in 0..replicates {
            variant.push(name.to_string());
            replicate.push(r);
            for (k, m) in HEADLINE.iter().enumerate() {
                values[k].push(metric(v, r, m));
            }
        }
    }
    let n = variant.len();
    let mut cols = vec![
        Column::new("variant".into(), variant),
        Column::new("replicate".into(), replicate),
    ];
    for (k, m) in HEADLINE.iter().enumerate() {
        cols.push(Column::new((*m).into(), values[k].clone()));
    }
    let mut df = DataFrame::new(n, cols).unwrap();
    write_parquet(&dir.join("runs.parquet"), "runs", &mut df).unwrap();
}

/// Plausible headline metrics for variant `v`, replicate `r`.
pub fn plausible_metric(v: usize, r: u32, m: &str) -> Option<f64> {
    let jitter = (f64::from(r) * 0.37).sin() * 0.02;
    let shift = v as f64 * 0.05;
    Some(match m {
        "worker_net_cents" => 40_000_000.0 * (1.0 + shift + jitter),
        "platform_fee_cents" => 16_000_000.0 * (1.0 - shift + jitter),
        "gini_net_income" => 0.36 - shift * 0.3 + jitter * 0.1,
        "top10_share_net_income" => 0.24 - shift * 0.2 + jitter * 0.05,
        "median_hourly_wage" => 6.6 * (1.0 + shift + jitter),
        "median_hourly_wage_all_time" => 6.3 * (1.0 + shift + jitter),
        "share_below_wage_floor" => 0.6 - shift + jitter,
        "tasks_unfilled" => 20.0 + 10.0 * f64::from(r),
        "workers_active" => 1990.0 + f64::from(r),
        _ => return None,
    })
}

/// Writes `daily.parquet`: `days` days per (variant, replicate).
pub fn write_daily(dir: &Path, variants: &[&str], replicates: u32, days: u32) {
    let mut variant = Vec::new();
    let mut replicate = Vec::new();
    let mut day = Vec::new();
    let mut posted = Vec::new();
    let mut done = Vec::new();
    for name in variants {
        for r in 0..replicates {
            for d in 1..=days {
                variant.push(name.to_string());
                replicate.push(r);
                day.push(d);
                let base = 20_000.0 * (1.0 + 0.1 * (f64::from(d) * 0.9 + f64::from(r)).sin());
                posted.push(base as u64);
                done.push((base * 0.8) as u64);
            }
        }
    }
    let n = variant.len();
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new("variant".into(), variant),
            Column::new("replicate".into(), replicate),
            Column::new("day".into(), day),
            Column::new("tasks_posted".into(), posted),
            Column::new("tasks_done".into(), done),
        ],
    )
    .unwrap();
    write_parquet(&dir.join("daily.parquet"), "daily", &mut df).unwrap();
}

/// Writes `manifest.json`.
pub fn write_manifest(
    dir: &Path,
    command: &str,
    variants: &[&str],
    sweep_params: &[&str],
    replicates: u32,
    extra_toml: &str,
) {
    let resolved = format!(
        "[simulation]\nname = \"synthetic\"\ndescription = \"A synthetic market for chart tests.\"\nwage_floor_usd = 7.25\nmin_hours_for_wage = 1.0\n{extra_toml}"
    );
    let manifest = Manifest {
        gigsim_version: "0.1.0".into(),
        git_commit: "0123456789abcdef".into(),
        command: command.into(),
        command_line: vec!["gigsim".into(), command.into(), "synthetic.toml".into()],
        scenario_file: "synthetic.toml".into(),
        scenario_name: "synthetic".into(),
        seed: 1,
        replicates,
        variants: variants.iter().map(|v| v.to_string()).collect(),
        sweep_params: sweep_params.iter().map(|v| v.to_string()).collect(),
        runs: replicates * variants.len() as u32,
        scenario_hash: "0".into(),
        threads: 1,
        started_utc: "2026-11-23T00:00:00Z".into(),
        wall_seconds: 1.0,
        resolved_scenario: resolved,
    };
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

/// Writes `summary.csv` from the headline metrics (means only; enough for the report).
pub fn write_summary(dir: &Path, variants: &[&str], metric: impl Fn(usize, u32, &str) -> Option<f64>) {
    let mut text = String::from("variant,metric,mean,sd,ci_low,ci_high,n\n");
    for (v, name) in variants.iter().enumerate() {
        for m in HEADLINE {
            let x = metric(v, 0, m).unwrap_or(f64::NAN);
            text.push_str(&format!("{name},{m},{x},,{},{},3\n", x * 0.98, x * 1.02));
        }
    }
    std::fs::write(dir.join("summary.csv"), text).unwrap();
}

/// A compare folder: base and two policies over `replicates` × `count` workers. Policy
/// `flat_bonus` moves money from the top to the bottom; `fee_cut` raises everyone a bit.
pub fn compare_folder(name: &str, replicates: u32, count: u32) -> PathBuf {
    let dir = temp_dir(name);
    let variants = ["base", "fee_cut", "flat_bonus"];
    write_manifest(&dir, "compare", &variants, &[], replicates, "");
    write_runs(&dir, &variants, replicates, plausible_metric);
    write_summary(&dir, &variants, plausible_metric);
    write_daily(&dir, &variants, replicates, 30);
    let mut rows = Vec::new();
    let base: Vec<Worker> = (0..replicates).flat_map(|r| workers(r, count, 7)).collect();
    for (v, name) in variants.iter().enumerate() {
        let ws = base
            .iter()
            .map(|w| {
                let mut w = w.clone();
                if v == 1 {
                    w.net_cents = (w.net_cents as f64 * 1.05) as i64;
                } else if v == 2 && w.net_cents > 0 {
                    w.net_cents = (w.net_cents as f64 * 0.92) as i64 + 2_000;
                }
                w
            })
            .collect();
        rows.push((*name, ws));
    }
    write_workers(&dir, &rows);
    let mut text = String::from(
        "variant,metric,mean,ci_low,ci_high,n,diff_mean,diff_ci_low,diff_ci_high,diff_unpaired_ci_low,diff_unpaired_ci_high\n",
    );
    for (v, name) in variants.iter().enumerate() {
        for m in HEADLINE {
            let x = plausible_metric(v, 0, m).unwrap();
            let d = x - plausible_metric(0, 0, m).unwrap();
            if v == 0 {
                text.push_str(&format!(
                    "{name},{m},{x},{},{},{replicates},0,0,0,0,0\n",
                    x * 0.98,
                    x * 1.02
                ));
            } else {
                text.push_str(&format!(
                    "{name},{m},{x},{},{},{replicates},{d},{},{},{},{}\n",
                    x * 0.98,
                    x * 1.02,
                    d - d.abs() * 0.2,
                    d + d.abs() * 0.2,
                    d - d.abs() * 1.5,
                    d + d.abs() * 1.5
                ));
            }
        }
    }
    std::fs::write(dir.join("comparison.csv"), text).unwrap();
    dir
}

/// A sweep folder over the given keys and their value lists (a full grid).
pub fn sweep_folder(name: &str, keys: &[&str], values: &[&[f64]], replicates: u32) -> PathBuf {
    let dir = temp_dir(name);
    let mut grid: Vec<Vec<f64>> = vec![Vec::new()];
    for vals in values {
        grid = grid
            .into_iter()
            .flat_map(|prefix| {
                vals.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(*v);
                    p
                })
            })
            .collect();
    }
    let points: Vec<String> = grid
        .iter()
        .map(|p| {
            keys.iter()
                .zip(p)
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    let point_refs: Vec<&str> = points.iter().map(String::as_str).collect();
    write_manifest(&dir, "sweep", &point_refs, keys, replicates, "");
    let value_of = |i: usize, m: &str| -> f64 {
        let p = &grid[i];
        let fee = p.first().copied().unwrap_or(0.0);
        let other = p.get(1).copied().unwrap_or(0.0);
        let base = plausible_metric(0, 0, m).unwrap();
        base * (1.0 - fee / 100.0) * (1.0 + other / 50.0)
    };
    write_runs(&dir, &point_refs, replicates, |v, r, m| {
        Some(value_of(v, m) * (1.0 + 0.01 * f64::from(r)))
    });
    write_summary(&dir, &point_refs, |v, _, m| Some(value_of(v, m)));
    let mut text = String::from("point");
    for k in keys {
        text.push_str(&format!(",{k}"));
    }
    text.push_str(",metric,mean,ci_low,ci_high,n,diff_mean,diff_ci_low,diff_ci_high\n");
    for (i, p) in grid.iter().enumerate() {
        for m in HEADLINE {
            let x = value_of(i, m);
            let d = x - value_of(0, m);
            text.push_str(&format!("\"{}\"", points[i]));
            for v in p {
                text.push_str(&format!(",{v}"));
            }
            if replicates > 1 {
                text.push_str(&format!(
                    ",{m},{x},{},{},{replicates},{d},{},{}\n",
                    x * 0.97,
                    x * 1.03,
                    d - 0.01 * x,
                    d + 0.01 * x
                ));
            } else {
                text.push_str(&format!(",{m},{x},,,1,{d},,\n"));
            }
        }
    }
    std::fs::write(dir.join("sweep.csv"), text).unwrap();
    dir
}

/// A small scenario: the baseline with fewer workers, days and tasks.
pub fn small_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml")).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    let set = |t: &mut toml::Table, section: &str, key: &str, v: toml::Value| {
        t.get_mut(section)
            .unwrap()
            .as_table_mut()
            .unwrap()
            .insert(key.into(), v);
    };
    set(&mut table, "simulation", "days", 20.into());
    set(&mut table, "simulation", "warmup_days", 2.into());
    set(&mut table, "workers", "count", 150.into());
    set(&mut table, "demand", "tasks_per_day", 1500.0.into());
    let path = dir.join("small.toml");
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    path
}

/// Runs the real `gigsim run` on the small scenario; returns (temp dir, results folder).
pub fn real_run_folder(name: &str, replicates: u32) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let scenario = small_scenario(&dir);
    let out = dir.join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gigsim"))
        .args(["run", scenario.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(["--replicates", &replicates.to_string(), "--quiet"])
        .status()
        .unwrap();
    assert!(status.success(), "gigsim run failed");
    (dir, out)
}
