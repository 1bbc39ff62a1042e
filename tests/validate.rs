//! `gigsim validate`: moments against a targets file, exit 0 inside, 1 outside, 2 on
//! bad input (every broken targets file in `tests/targets/invalid/` is refused before
//! any work, naming the file and the key).

mod common;

use common::*;

fn targets(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("targets.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn every_invalid_targets_file_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path(), "s.toml", &small_scenario(""));
    let mut failures = Vec::new();
    for (file, stem, expect) in corpus("targets/invalid", 15) {
        let out_dir = tmp.path().join(format!("out-{stem}"));
        let o = gigsim()
            .args([
                "validate",
                scenario.to_str().unwrap(),
                "--targets",
                file.to_str().unwrap(),
            ])
            .args(["--out", out_dir.to_str().unwrap()])
            .output()
            .unwrap();
        let problems = refusal_problems(&o, &stem, &expect, &out_dir);
        if !problems.is_empty() {
            failures.push(format!("{stem}: {} — stderr: {}", problems.join(", "), stderr(&o)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn inside_exits_0_outside_exits_1_and_the_folder_has_the_validation() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path(), "s.toml", &small_scenario(""));
    // Bands every run meets (a share is in [0, 1]) and one none can (a Gini above 1).
    let meets = "[[moments]]\nname = \"share_never_paid\"\nlow = 0.0\nhigh = 1.0\nsource = \"by definition\"\n\
                 [[moments]]\nname = \"share_above_hourly_wage_paid\"\nthreshold = 0.0\nlow = 0.0\nhigh = 1.0\n";
    let out = tmp.path().join("inside");
    let o = run_in(
        tmp.path(),
        &[
            "validate",
            scenario.to_str().unwrap(),
            "--targets",
            targets(tmp.path(), meets).to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("2 of 2 moments inside"), "{}", stdout(&o));
    let header = std::fs::read_to_string(out.join("validation.csv")).unwrap();
    assert!(
        header.starts_with("moment,target,low,high,tolerance,mean,ci_low,ci_high,inside,ci_overlaps,source"),
        "{header}"
    );
    let rows = read_csv(&out.join("validation.csv"));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["source"], "by definition");
    assert_eq!(rows[1]["threshold"], "0.0");
    assert!(
        rows.iter()
            .all(|r| r["inside"] == "true" && r["target"].is_empty() && r["replicates"] == "3")
    );
    assert!(out.join("charts/validation.svg").exists() && out.join("charts/validation.png").exists());
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Validation against empirical targets") && report.contains("by definition"));

    let misses = format!("{meets}[[moments]]\nname = \"gini_net_income\"\ntarget = 1.5\ntolerance = 0.1\n");
    let out = tmp.path().join("outside");
    let o = run_in(
        tmp.path(),
        &[
            "validate",
            scenario.to_str().unwrap(),
            "--targets",
            targets(tmp.path(), &misses).to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 of 3 moments outside its target"),
        "{}",
        stderr(&o)
    );
    let rows = read_csv(&out.join("validation.csv"));
    assert_eq!(rows[2]["inside"], "false");
    assert_eq!(rows[2]["ci_overlaps"], "false");
    // A run folder made by `run` gets no validation chart and no note about it.
    let plain = tmp.path().join("plain");
    let o = run_in(
        tmp.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            plain.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert!(o.status.success());
    assert!(!plain.join("charts/validation.svg").exists());
    assert!(
        !std::fs::read_to_string(plain.join("report.html"))
            .unwrap()
            .contains("validation")
    );
}

#[test]
fn the_moments_are_the_same_from_the_tables_and_from_memory() {
    use gigsim::validate::{Context, Targets, evaluate_folder, evaluate_records};
    let tmp = tempfile::tempdir().unwrap();
    // Every moment defined: returns, exits, newcomers treated or not, ratings given.
    let text = small_scenario(
        "[unpaid]\nreturn_probability = 0.1\n[churn]\nexit_hazard_percent = 2.0\nentry_per_day = 3.0\ntreated_share = 0.5\n",
    )
    .replace("[requesters]\ncount = 15", "[requesters]\ncount = 15\nrating_probability = 0.5\nleniency = 0.5");
    let mut names = String::new();
    for m in gigsim::validate::MOMENTS {
        let threshold = if m.threshold { "threshold = 3.0\n" } else { "" };
        names.push_str(&format!(
            "[[moments]]\nname = \"{}\"\nlow = -1e9\nhigh = 1e9\n{threshold}",
            m.name
        ));
    }
    let targets = Targets::parse(&names, "t.toml".as_ref()).unwrap();
    let study = gigsim::scenario::parse(&text, "s.toml").unwrap();
    let out = tmp.path().join("out");
    let options = gigsim::pipeline::Options {
        out: Some(out.clone()),
        quiet: true,
        ..Default::default()
    };
    gigsim::pipeline::execute(&study, &options, gigsim::pipeline::Extra::Run).unwrap();
    let context = Context::of(&study.base().scenario);
    let from_files = evaluate_folder(&targets, &out, &context).unwrap();
    let records = gigsim::pipeline::simulate(&study, 1).unwrap();
    let from_memory = evaluate_records(&targets, &records, &context);
    for (a, b) in from_files.iter().zip(&from_memory) {
        let name = a.target.moment.name;
        assert_eq!(a.estimate.n, 3, "{name} is undefined in this market");
        let (x, y) = (a.estimate.mean, b.estimate.mean);
        assert!(
            (x - y).abs() <= 1e-9 * x.abs().max(1.0),
            "{name}: {x} from the tables, {y} in memory"
        );
    }
}

#[test]
fn a_table_a_moment_needs_cannot_be_left_out_and_shards_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path(), "s.toml", &small_scenario(""));
    let t = targets(
        tmp.path(),
        "[[moments]]\nname = \"share_tasks_rejected\"\nlow = 0\nhigh = 1\n",
    );
    let out = tmp.path().join("o");
    let o = run_in(
        tmp.path(),
        &[
            "validate",
            scenario.to_str().unwrap(),
            "--targets",
            t.to_str().unwrap(),
            "--tables",
            "runs",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--tables leaves out workers, which the moment `share_tasks_rejected`"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = run_in(
        tmp.path(),
        &[
            "validate",
            scenario.to_str().unwrap(),
            "--targets",
            t.to_str().unwrap(),
            "--shard",
            "0/2",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("takes no --shard"), "{}", stderr(&o));
}

/// The calibrated MTurk market validates in sample (README, docs/model-notes.md).
#[test]
fn mturk_2015_validates_against_hara_2018() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("v");
    let o = run_in(
        &root(),
        &[
            "validate",
            "scenarios/mturk_2015.toml",
            "--targets",
            "scenarios/targets/mturk_hara2018.toml",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_csv(&out.join("validation.csv"));
    assert_eq!(rows.len(), 6);
}
