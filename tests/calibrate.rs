//! `gigsim calibrate`: recovery of known parameters, bad parameter files refused before
//! any run, and results that do not depend on the number of threads.

mod common;

use common::*;
use gigsim::calibrate::{Evaluator, Params, calibrate};
use gigsim::validate::{Context, Targets, evaluate_records};

/// A market where workers' time is short, so a higher reservation wage leaves more
/// tasks unfilled and raises the paid wage, and returns are their own moment.
fn market(reservation: f64, returns: f64) -> String {
    format!(
        r#"
[simulation]
name = "recovery"
days = 12
warmup_days = 2
replicates = 4
seed = 5
[workers]
count = 300
reservation_wage = {{ dist = "lognormal", median = {reservation}, sigma = 0.8, max = 100.0 }}
[requesters]
count = 20
[demand]
tasks_per_day = 20000.0
[unpaid]
return_probability = {returns}
"#
    )
}

const PARAMS: &str = "[[params]]\nkey = \"workers.reservation_wage.median\"\nlow = 0.5\nhigh = 8.0\nlog = true\n\
                      [[params]]\nkey = \"unpaid.return_probability\"\nlow = 0.0\nhigh = 0.4\n";

/// Targets made by running the market at known values; calibrate, started from the
/// whole box, finds each value within 10% of its range.
#[test]
fn calibrate_recovers_known_parameters() {
    let truth = gigsim::scenario::parse(&market(2.0, 0.1), "truth.toml").unwrap();
    let records = gigsim::pipeline::simulate(&truth, 2).unwrap();
    let context = Context::of(&truth.base().scenario);
    let probe = "[[moments]]\nname = \"share_tasks_returned\"\nlow = 0\nhigh = 1\n\
                 [[moments]]\nname = \"share_tasks_unfilled\"\nlow = 0\nhigh = 1\n\
                 [[moments]]\nname = \"median_hourly_wage_paid\"\nlow = 0\nhigh = 100\n";
    let probe = Targets::parse(probe, "probe.toml".as_ref()).unwrap();
    let means: Vec<f64> = evaluate_records(&probe, &records, &context)
        .iter()
        .map(|c| c.estimate.mean)
        .collect();
    let targets = format!(
        "[[moments]]\nname = \"share_tasks_returned\"\ntarget = {}\ntolerance = 0.005\n\
         [[moments]]\nname = \"share_tasks_unfilled\"\ntarget = {}\ntolerance = 0.005\n\
         [[moments]]\nname = \"median_hourly_wage_paid\"\ntarget = {}\ntolerance = 0.1\n",
        means[0], means[1], means[2]
    );
    let targets = Targets::parse(&targets, "t.toml".as_ref()).unwrap();
    // Started from elsewhere: the scenario as written is far from the truth.
    let study = gigsim::scenario::parse(&market(6.0, 0.3), "start.toml").unwrap();
    let params = Params::parse(PARAMS, "p.toml".as_ref(), &study).unwrap();
    let bar = indicatif::ProgressBar::hidden();
    let evaluator = Evaluator {
        study: &study,
        targets: &targets,
        params: &params,
        threads: 2,
        progress: &bar,
    };
    let result = calibrate(&evaluator, 40, 5, |_, _| {}).unwrap();
    let best = &result.evaluations[result.best];
    assert_eq!(result.evaluations.len(), 40);
    for (p, (found, truth)) in params.params.iter().zip(best.values.iter().zip([2.0, 0.1])) {
        let miss = (p.position(*found) - p.position(truth)).abs();
        assert!(
            miss < 0.1,
            "{}: found {found}, truth {truth} ({miss:.3} of the range)",
            p.key
        );
    }
}

#[test]
fn every_invalid_parameter_file_is_refused_before_any_run() {
    let corpus = root().join("tests/params/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "the corpus has {} files", files.len());
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path(), "s.toml", &market(2.0, 0.1));
    let targets = tmp.path().join("t.toml");
    std::fs::write(
        &targets,
        "[[moments]]\nname = \"share_tasks_returned\"\ntarget = 0.1\ntolerance = 0.01\n",
    )
    .unwrap();
    let mut failures = Vec::new();
    for file in &files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let expect = std::fs::read_to_string(file.with_extension("expect")).unwrap();
        let out = tmp.path().join(format!("out-{stem}"));
        let o = gigsim()
            .args([
                "calibrate",
                scenario.to_str().unwrap(),
                "--targets",
                targets.to_str().unwrap(),
            ])
            .args(["--params", file.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        let err = stderr(&o);
        let mut problems = Vec::new();
        if o.status.code() != Some(2) {
            problems.push(format!("exit code {:?}", o.status.code()));
        }
        if out.exists() {
            problems.push("created the output folder".into());
        }
        if !err.contains(&format!("{stem}.toml")) {
            problems.push("message does not name the file".into());
        }
        for fragment in expect.lines().filter(|l| !l.is_empty()) {
            if !err.contains(fragment) {
                problems.push(format!("message lacks `{fragment}`"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{stem}: {} — stderr: {err}", problems.join(", ")));
        }
    }
    // A budget of 0 is refused the same way.
    let params = tmp.path().join("p.toml");
    std::fs::write(&params, PARAMS).unwrap();
    let out = tmp.path().join("out-budget");
    let o = gigsim()
        .args([
            "calibrate",
            scenario.to_str().unwrap(),
            "--targets",
            targets.to_str().unwrap(),
        ])
        .args([
            "--params",
            params.to_str().unwrap(),
            "--budget",
            "0",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    if o.status.code() != Some(2) || !stderr(&o).contains("--budget 0") || out.exists() {
        failures.push(format!("budget 0: {:?} {}", o.status.code(), stderr(&o)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn calibration_files_are_the_same_on_one_thread_and_two() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path(), "s.toml", &market(2.0, 0.1));
    let targets = tmp.path().join("t.toml");
    std::fs::write(
        &targets,
        "[[moments]]\nname = \"share_tasks_returned\"\ntarget = 0.12\ntolerance = 0.01\n\
         [[moments]]\nname = \"median_hourly_wage_paid\"\ntarget = 11.0\ntolerance = 0.5\n",
    )
    .unwrap();
    let params = tmp.path().join("p.toml");
    std::fs::write(&params, PARAMS).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out{threads}"));
        let o = gigsim()
            .args([
                "calibrate",
                scenario.to_str().unwrap(),
                "--targets",
                targets.to_str().unwrap(),
            ])
            .args([
                "--params",
                params.to_str().unwrap(),
                "--budget",
                "16",
                "--threads",
                threads,
            ])
            .args(["--out", out.to_str().unwrap(), "--quiet"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let csv = std::fs::read(out.join("calibration.csv")).unwrap();
        let best = std::fs::read_to_string(out.join("best.toml")).unwrap();
        outputs.push((csv, best));
    }
    assert_eq!(outputs[0], outputs[1]);
    // best.toml is a scenario gigsim runs as it is.
    let best = tmp.path().join("out1/best.toml");
    let o = gigsim()
        .args(["check", best.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}
