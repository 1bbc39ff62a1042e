//! Benchmarks of the hot paths: a whole baseline run, the matching step of `board` and
//! `search` markets from 1,000 to 1,000,000 workers with visibility weights on, the
//! behaviours' cost, and (`machine/*`) how fast this machine reads random cache lines,
//! which bounds matching at scale.
//!
//! Run with `cargo bench --bench market`; throughput is reported in tasks per second
//! (one core: criterion runs on the calling thread).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gigsim::model::market::Market;
use gigsim::runner::run_one;
use gigsim::scenario::{self, Study};

fn baseline() -> Study {
    scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/baseline.toml"
    )))
    .unwrap()
}

/// One replicate of the baseline scenario, start to finish (without writing tables).
fn baseline_run(c: &mut Criterion) {
    let study = baseline();
    let tasks = run_one(&study, 0, 0).run.tasks_done;
    let mut g = c.benchmark_group("baseline");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(tasks));
    g.bench_function("run", |b| b.iter(|| black_box(run_one(&study, 0, 0))));
    g.finish();
}

/// A market of `workers` where demand is steady (no noise, no weekly cycle) and below
/// supply, so every task posted is matched: ten tasks per worker per day.
fn steady(matching: &str, workers: u32) -> Study {
    let text = format!(
        r#"
[simulation]
name = "bench"
days = 36500
[workers]
count = {workers}
reservation_wage = {{ dist = "lognormal", median = 1.0, sigma = 0.5 }}
hours_per_day = {{ dist = "fixed", value = 4.0 }}
days_per_week = {{ dist = "fixed", value = 7.0 }}
initial_rating = {{ dist = "uniform", low = 3.0, high = 5.0 }}
[requesters]
count = {requesters}
rating_probability = 0.3
[demand]
tasks_per_day = {tasks}
weekday_factors = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
noise_sigma = 0.0
[platform]
matching = "{matching}"
[platform.visibility]
rating_exponent = 2.0
open_share = 0.7
min_rating = 4.0
[[tasks.categories]]
name = "micro"
share = 1.0
pay_usd = {{ dist = "lognormal", median = 0.1, sigma = 0.5, min = 0.02, max = 2.0 }}
duration_seconds = {{ dist = "lognormal", median = 40.0, sigma = 0.4, min = 10.0, max = 300.0 }}
batch_size = {{ dist = "lognormal", median = 20.0, sigma = 0.8, min = 1.0, max = 500.0 }}
"#,
        requesters = (workers / 20).max(10),
        tasks = workers * 10,
    );
    scenario::parse(&text, "bench.toml").unwrap()
}

/// The matching step alone (tasks meet workers, work is done and paid), per day, from
/// a thousand to a million workers: the cost per task grows only with cache misses.
fn matching(c: &mut Criterion) {
    let mut g = c.benchmark_group("matching");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    for matching in ["board", "search"] {
        for workers in [1_000u32, 10_000, 100_000, 1_000_000] {
            let study = steady(matching, workers);
            let sc = &study.base().scenario;
            let mut market = Market::new(sc, 0, 1.0);
            let mut day = 0;
            // Warm up: reputations and balances settle.
            for _ in 0..3 {
                day += 1;
                market.step(day);
            }
            g.throughput(Throughput::Elements(u64::from(workers) * 10));
            g.bench_with_input(BenchmarkId::new(matching, workers), &workers, |b, _| {
                b.iter_custom(|iters| {
                    let mut spent = Duration::ZERO;
                    for _ in 0..iters {
                        day += 1;
                        let multiplier = market.open_day(day);
                        let start = Instant::now();
                        market.match_day(day);
                        spent += start.elapsed();
                        assert_eq!(market.today().tasks_posted, u64::from(workers) * 10);
                        market.close_day(day, multiplier);
                    }
                    spent
                })
            });
        }
    }
    g.finish();
}

/// The baseline's own matching step (its demand, its workers), for the first target.
fn baseline_matching(c: &mut Criterion) {
    let study = baseline();
    let sc = &study.base().scenario;
    let mut market = Market::new(sc, 0, 1.0);
    let mut day = 0;
    let mut g = c.benchmark_group("baseline");
    g.sample_size(20);
    // Throughput counts tasks actually done: the mean per day of one whole replicate.
    let mut probe = Market::new(sc, 0, 1.0);
    let done: u64 = (1..=sc.days)
        .map(|day| {
            probe.step(day);
            probe.today().tasks_done
        })
        .sum();
    g.throughput(Throughput::Elements(done / u64::from(sc.days)));
    g.bench_function("matching_day", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                day += 1;
                if day > sc.days {
                    market = Market::new(sc, 0, 1.0);
                    day = 1;
                }
                let multiplier = market.open_day(day);
                let start = Instant::now();
                market.match_day(day);
                spent += start.elapsed();
                market.close_day(day, multiplier);
            }
            spent
        })
    });
    g.finish();
}

/// A whole run of a plain market against the same market with every behaviour on
/// (learning, switching costs, returns, scams, churn with arrivals, tools, taxes,
/// payout delays): the behaviours should cost at most half the plain throughput.
fn behaviours(c: &mut Criterion) {
    const ALL_ON: &str = r#"
[learning]
exponent = 0.15
accuracy_gain = 0.05
[switching]
category_percent = 40.0
requester_percent = 10.0
batch_stay = 0.95
[unpaid]
return_probability = 0.03
[churn]
exit_patience_days = 10
entry_per_day = 50.0
[tools]
share = 0.2
hours = 4.0
[taxes]
self_employment_percent = 15.3
"#;
    let plain = baseline_text(20_000);
    let mut all_on = plain.clone();
    all_on.push_str(ALL_ON);
    all_on = all_on.replace("rejecting_share = 0.0", "rejecting_share = 0.05");
    let mut g = c.benchmark_group("behaviours");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (name, text) in [("plain", plain), ("all_on", all_on)] {
        let study = scenario::parse(&text, "bench.toml").unwrap();
        let tasks = run_one(&study, 0, 0).run.tasks_done;
        g.throughput(Throughput::Elements(tasks));
        g.bench_function(name, |b| b.iter(|| black_box(run_one(&study, 0, 0))));
    }
    g.finish();
}

/// The baseline scenario scaled to `workers`, 30 days, one replicate.
fn baseline_text(workers: u32) -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml")).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    let sim = table["simulation"].as_table_mut().unwrap();
    sim.insert("days".into(), toml::Value::Integer(30));
    sim.insert("warmup_days".into(), toml::Value::Integer(0));
    let w = table["workers"].as_table_mut().unwrap();
    w.insert("count".into(), toml::Value::Integer(i64::from(workers)));
    let d = table["demand"].as_table_mut().unwrap();
    d.insert("tasks_per_day".into(), toml::Value::Float(f64::from(workers) * 10.0));
    let r = table["requesters"].as_table_mut().unwrap();
    r.insert("rejecting_share".into(), toml::Value::Float(0.0));
    toml::to_string(&table).unwrap()
}

/// What the machine itself allows: independent reads of random cache lines from a table
/// that fits the core's cache (1 MB) and from one that does not (64 MB, like the state
/// of a few hundred thousand workers). Matching at scale costs a few random lines per
/// task, so the second figure divided by those lines bounds its tasks per second.
fn machine(c: &mut Criterion) {
    const READS: u64 = 1 << 20;
    let mut g = c.benchmark_group("machine");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Elements(READS));
    for megabytes in [1usize, 64] {
        let lines = vec![[1u64; 8]; megabytes << 14];
        g.bench_function(format!("random_lines_{megabytes}mb"), |b| {
            b.iter(|| {
                let mut rng = gigsim::rng::SplitMix64::new(7);
                let mut sum = 0u64;
                for _ in 0..READS {
                    sum = sum.wrapping_add(lines[gigsim::rng::index(rng.bits(), lines.len())][0]);
                }
                black_box(sum)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, baseline_run, baseline_matching, matching, behaviours, machine);
criterion_main!(benches);
