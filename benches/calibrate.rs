//! Calibration and sensitivity throughput: evaluations per second, and what an
//! evaluation costs beyond its runs (building the candidate's scenario, computing the
//! moments and the loss). The "runs only" bench simulates exactly the runs of the same
//! candidates, so the gap between the two is the overhead (issue 18: under 5%).
//!
//!   cargo bench --bench calibrate

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gigsim::calibrate::{Evaluator, Params, Stage, sobol_points};
use gigsim::validate::Targets;

const SCENARIO: &str = r#"
[simulation]
name = "bench"
days = 15
warmup_days = 2
replicates = 4
seed = 3
[workers]
count = 400
[requesters]
count = 30
[demand]
tasks_per_day = 6000.0
[unpaid]
return_probability = 0.1
"#;

const PARAMS: &str = "[[params]]\nkey = \"workers.reservation_wage.median\"\nlow = 0.5\nhigh = 8.0\nlog = true\n\
                      [[params]]\nkey = \"unpaid.return_probability\"\nlow = 0.0\nhigh = 0.4\n";

const TARGETS: &str = "[[moments]]\nname = \"share_tasks_returned\"\ntarget = 0.1\ntolerance = 0.01\n\
                       [[moments]]\nname = \"median_hourly_wage_paid\"\ntarget = 6.0\ntolerance = 0.5\n\
                       [[moments]]\nname = \"share_above_hourly_wage_all_time\"\nthreshold = 7.25\nlow = 0.0\nhigh = 0.1\n";

/// Candidates per iteration.
const CANDIDATES: usize = 8;

fn evaluations(c: &mut Criterion) {
    let study = gigsim::scenario::parse(SCENARIO, "bench.toml").unwrap();
    let params = Params::parse(PARAMS, "p.toml".as_ref(), &study).unwrap();
    let targets = Targets::parse(TARGETS, "t.toml".as_ref()).unwrap();
    let points = sobol_points(CANDIDATES, 2, 3);
    let bar = indicatif::ProgressBar::hidden();
    let evaluator = Evaluator {
        study: &study,
        targets: &targets,
        params: &params,
        threads: 1,
        progress: &bar,
    };
    let mut group = c.benchmark_group("calibrate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CANDIDATES as u64));
    group.bench_function("evaluations", |b| {
        b.iter(|| evaluator.evaluate(Stage::Sobol, &points).unwrap())
    });
    // The same runs, without building candidates one by one or computing moments.
    let named: Vec<(String, Vec<(String, toml::Value)>)> = points
        .iter()
        .enumerate()
        .map(|(i, u)| (format!("p{i}"), params.overrides(u)))
        .collect();
    let batch = study.with_points(&named, "bench").unwrap();
    group.bench_function("runs_only", |b| {
        b.iter(|| gigsim::pipeline::simulate(&batch, 1).unwrap())
    });
    group.finish();
}

criterion_group!(benches, evaluations);
criterion_main!(benches);
