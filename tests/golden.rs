//! Golden summaries: the `summary.csv` of small fixed scenarios is kept in the
//! repository, so any change of results is seen and made on purpose. To accept new
//! results, run `GIGSIM_BLESS=1 cargo test --release --test golden` and say why in the
//! commit message.

mod common;

use common::*;

fn check_golden(name: &str) {
    let scenario = root().join(format!("tests/golden/{name}.toml"));
    let golden = root().join(format!("tests/golden/{name}.summary.csv"));
    let dir = tempfile::tempdir().unwrap();
    let o = gigsim()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            dir.path().join("r").to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read_to_string(dir.path().join("r/summary.csv")).unwrap();
    if std::env::var("GIGSIM_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&golden, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|_| panic!("{} is missing: run with GIGSIM_BLESS=1 once", golden.display()));
    assert_eq!(
        got, want,
        "results of {name} changed; if on purpose, regenerate with GIGSIM_BLESS=1"
    );
    assert_books(&dir.path().join("r"));
}

#[test]
fn board_summary_is_unchanged() {
    check_golden("board");
}

#[test]
fn search_summary_is_unchanged() {
    check_golden("search");
}
