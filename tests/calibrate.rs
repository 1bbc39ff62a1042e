//! `gigsim calibrate`: recovery of known parameters, bad parameter files refused before
//! any run, results that do not depend on the number of threads, on sharding and
//! merging or on an interruption and `--resume`, and the report page.

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

const TARGETS: &str = "[[moments]]\nname = \"share_tasks_returned\"\ntarget = 0.12\ntolerance = 0.01\n\
                       [[moments]]\nname = \"median_hourly_wage_paid\"\ntarget = 11.0\ntolerance = 0.5\n";

/// The files whose bytes must not depend on how a calibration was run.
const OUTPUTS: [&str; 4] = ["calibration.csv", "best.toml", "validation.csv", "scenario.toml"];

/// A folder with the scenario `s.toml`, targets `t.toml` and parameters `p.toml`.
fn setup(scenario: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write_scenario(tmp.path(), "s.toml", scenario);
    std::fs::write(tmp.path().join("t.toml"), TARGETS).unwrap();
    std::fs::write(tmp.path().join("p.toml"), PARAMS).unwrap();
    tmp
}

/// `gigsim calibrate` on the files of [`setup`], with the parameter file `params`.
fn calibrate_with(params: &str) -> [&str; 6] {
    ["calibrate", "s.toml", "--targets", "t.toml", "--params", params]
}

const CALIBRATE: [&str; 6] = ["calibrate", "s.toml", "--targets", "t.toml", "--params", "p.toml"];

#[test]
fn every_invalid_parameter_file_is_refused_before_any_run() {
    let tmp = setup(&market(2.0, 0.1));
    let d = tmp.path();
    let mut failures = Vec::new();
    for (file, stem, expect) in corpus("params/invalid", 15) {
        let out = format!("out-{stem}");
        let o = run_in(
            d,
            &[&calibrate_with(file.to_str().unwrap())[..], &["--out", &out]].concat(),
        );
        let problems = refusal_problems(&o, &stem, &expect, &d.join(&out));
        if !problems.is_empty() {
            failures.push(format!("{stem}: {} — stderr: {}", problems.join(", "), stderr(&o)));
        }
    }
    // A budget of 0, --tables and a --shard without --out are refused the same way.
    for (flags, says) in [
        (&["--budget", "0", "--out", "out-x"][..], "--budget 0"),
        (&["--tables", "runs", "--out", "out-x"][..], "does not take --tables"),
        (&["--shard", "0/2"][..], "--shard needs --out"),
        (&["--resume"][..], "--resume needs --out"),
    ] {
        let o = run_in(d, &[&CALIBRATE[..], flags].concat());
        if o.status.code() != Some(2) || !stderr(&o).contains(says) || d.join("out-x").exists() {
            failures.push(format!("{flags:?}: {:?} {}", o.status.code(), stderr(&o)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn calibration_files_are_the_same_on_one_thread_and_two() {
    let tmp = setup(&market(2.0, 0.1));
    let d = tmp.path();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = format!("out{threads}");
        search_ok(
            d,
            &CALIBRATE,
            &["--budget", "16", "--threads", threads, "--out", &out, "--quiet"],
        );
        outputs.push(files_bytes(&d.join(out), &OUTPUTS));
    }
    assert_eq!(outputs[0], outputs[1]);
    // best.toml is a scenario gigsim runs as it is.
    let o = run_in(d, &["check", "out1/best.toml", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Two shards of the Sobol start, merged (which runs the Nelder–Mead refinement), write
/// the same files as one command; so do three shards of a budget the start uses up.
#[test]
fn sharded_and_merged_calibrations_match_one_command_byte_for_byte() {
    let tmp = setup(&market(2.0, 0.1));
    let d = tmp.path();
    for (budget, count) in [("16", 2), ("5", 3)] {
        let whole = format!("whole-{budget}");
        search_ok(d, &CALIBRATE, &["--budget", budget, "--out", &whole, "--quiet"]);
        let merged = shard_and_merge(d, &CALIBRATE, &["--budget", budget], count, &format!("shard-{budget}"));
        assert_eq!(
            files_bytes(&merged, &OUTPUTS),
            files_bytes(&d.join(&whole), &OUTPUTS),
            "budget {budget}, {count} shards"
        );
        assert!(merged.join("calibration.json").is_file() && !merged.join("partial").exists());
        // A shard holds evaluations only, never results.
        assert!(!d.join(format!("shard-{budget}-0/calibration.csv")).exists());
    }
    // Shards of other studies, or a set with one missing, are refused.
    search_ok(
        d,
        &CALIBRATE,
        &["--budget", "12", "--shard", "1/2", "--out", "other", "--quiet"],
    );
    let o = run_in(d, &["merge", "shard-16-0", "other", "--out", "bad"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--budget: 16 in shard-16-0, 12 in other"),
        "{}",
        stderr(&o)
    );
    let o = run_in(d, &["merge", "shard-16-0", "--out", "bad"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing shard 1 of 2"), "{}", stderr(&o));
    assert!(!d.join("bad").exists());
}

/// A market slow enough that Ctrl-C surely comes while evaluations remain.
fn slow_market() -> String {
    market(2.0, 0.1)
        .replace("days = 12", "days = 30")
        .replace("count = 300", "count = 800")
        .replace("replicates = 4", "replicates = 2")
}

/// Ctrl-C in the Nelder–Mead stage keeps the finished evaluations (Sobol and
/// Nelder–Mead), and `--resume` ends with the files of an uninterrupted calibration.
#[test]
fn an_interrupted_calibration_resumes_to_the_same_files() {
    let tmp = setup(&slow_market());
    let d = tmp.path();
    search_ok(d, &CALIBRATE, &["--budget", "24", "--out", "whole", "--quiet"]);
    // 12 Sobol points (indices 0–11), then one file per Nelder–Mead evaluation.
    let partial = d.join("res/partial");
    let mut child = spawn(d, &[&CALIBRATE[..], &["--budget", "24", "--out", "res"]].concat());
    signal_when(&mut child, || evaluation_files(&partial).contains(&13), libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("--resume"), "{}", stderr(&out));
    assert!(!d.join("res/calibration.csv").exists() && !d.join("res/calibration.json").exists());
    assert!(temp_files(d).is_empty(), "{:?}", temp_files(d));
    let kept = evaluation_files(&partial);
    assert!(
        kept.contains(&0) && kept.contains(&13) && !kept.contains(&23),
        "{kept:?}"
    );
    let o = search_ok(d, &CALIBRATE, &["--budget", "24", "--out", "res", "--resume"]);
    assert!(stderr(&o).contains("evaluations kept"), "{}", stderr(&o));
    assert_eq!(
        files_bytes(&d.join("res"), &OUTPUTS),
        files_bytes(&d.join("whole"), &OUTPUTS)
    );
    assert!(!partial.exists(), "the evaluations go once the results are written");
    // Resuming a finished folder runs nothing; resuming it as another study is refused.
    let o = search_ok(d, &CALIBRATE, &["--budget", "24", "--out", "res", "--resume"]);
    assert!(stdout(&o).contains("nothing to resume"), "{}", stdout(&o));
    let o = run_in(
        d,
        &[&CALIBRATE[..], &["--budget", "20", "--out", "res", "--resume"]].concat(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// The report page shows the best point's parameters and loss, its moments and every
/// chart, and links the files.
#[test]
fn the_report_shows_the_best_point_and_the_charts() {
    let tmp = setup(&market(2.0, 0.1));
    let d = tmp.path();
    search_ok(d, &CALIBRATE, &["--budget", "6", "--out", "res", "--quiet"]);
    let html = std::fs::read_to_string(d.join("res/report.html")).unwrap();
    let rows = read_csv(&d.join("res/calibration.csv"));
    let best = rows
        .iter()
        .min_by(|a, b| float(a, "loss").total_cmp(&float(b, "loss")))
        .unwrap();
    for needle in [
        "Best point: loss",
        "workers.reservation_wage.median",
        "unpaid.return_probability",
        "Moments of the best point",
        "median_hourly_wage_paid",
        "id=\"calibration_convergence\"",
        "id=\"calibration_parameters\"",
        "id=\"validation\"",
        "href=\"calibration.csv\"",
        "href=\"best.toml\"",
        "<svg",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    let best_loss = float(best, "loss");
    assert!(
        html.contains(&format!("Best point: loss {}", three(best_loss))),
        "the report's loss is the best row's ({best_loss})"
    );
    for chart in ["calibration_convergence", "calibration_parameters", "validation"] {
        assert!(
            d.join(format!("res/charts/{chart}.svg")).is_file() || d.join(format!("res/charts/{chart}.png")).is_file(),
            "{chart}"
        );
    }
}

/// Three significant digits, as the report writes numbers.
fn three(v: f64) -> String {
    gigsim::units::three_digits(v)
}
