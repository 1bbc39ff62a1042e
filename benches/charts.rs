//! Benchmark of drawing every chart of a large results folder: 200,000 workers × 2
//! replicates for `run`, and three variants of that size for `compare` (synthetic
//! tables from the chart tests' fixtures, so no simulation is timed).
//!
//! Run with `cargo bench --bench charts`; each figure is one `render_folder` call
//! (reading the Parquet tables, computing and drawing every chart as PNG and SVG).

#[path = "../tests/fixtures/mod.rs"]
mod fixtures;

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use fixtures::*;
use gigsim::output::charts::render_folder;

fn large_run(c: &mut Criterion) {
    let dir = temp_dir("bench-large-run");
    write_manifest(&dir, "run", &["base"], &[], 2, "");
    write_runs(&dir, &["base"], 2, plausible_metric);
    write_summary(&dir, &["base"], plausible_metric);
    write_daily(&dir, &["base"], 2, 365);
    let all: Vec<Worker> = (0..2).flat_map(|r| workers(r, 200_000, 11)).collect();
    write_workers(&dir, &[("base", all)]);
    let compare = compare_folder("bench-large-compare", 2, 200_000);
    let style = gigsim::scenario::defaults().charts;

    let mut g = c.benchmark_group("charts");
    g.sample_size(10).measurement_time(Duration::from_secs(40));
    g.bench_function("run_400k_workers", |b| {
        b.iter(|| render_folder(&dir, &dir.join("charts"), &style).unwrap())
    });
    g.bench_function("compare_3x400k_workers", |b| {
        b.iter(|| render_folder(&compare, &compare.join("charts"), &style).unwrap())
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&compare);
}

criterion_group!(benches, large_run);
criterion_main!(benches);
