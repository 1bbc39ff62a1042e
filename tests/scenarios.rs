//! Every built-in scenario in `scenarios/` is valid and runs (one replicate each, every
//! variant), with the books balanced.

mod common;

use common::*;

#[test]
fn every_built_in_scenario_checks_and_runs() {
    let files = toml_files("scenarios");
    assert!(files.len() >= 13, "{files:?}");
    let tmp = tempfile::tempdir().unwrap();
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.lines().take(3).all(|l| l.starts_with('#')),
            "{name} starts with a comment saying what it is"
        );
        let check = gigsim()
            .args(["check", file.to_str().unwrap(), "--quiet"])
            .output()
            .unwrap();
        assert!(check.status.success(), "{name}: {}", stderr(&check));
        let command = if text.contains("[[variants]]") {
            "compare"
        } else {
            "run"
        };
        let out = tmp.path().join(&name);
        let o = gigsim()
            .args([
                command,
                file.to_str().unwrap(),
                "--replicates",
                "1",
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_books(&out);
        // The scenarios written to show a behaviour draw the chart that shows it.
        let shows: &[&str] = match name.as_str() {
            "multihoming" => &["compare_platforms", "compare_income_by_platforms"],
            "ai_labelling" | "delivery" | "clickworker" | "gig_behaviours" => {
                &["compare_cold_start", "compare_earnings_by_experience"]
            }
            _ => &[],
        };
        for stem in shows {
            assert!(
                out.join("charts").join(format!("{stem}.svg")).is_file(),
                "{name} draws {stem}"
            );
        }
    }
}
