//! `gigsim plot`: redrawing the charts and report of a results folder from its tables.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

/// File names in `dir`, sorted.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A results folder of a small run, charts as SVG only so the test is quick.
fn results(tmp: &Path) -> std::path::PathBuf {
    let scenario = write_scenario(
        tmp,
        "s.toml",
        &small_scenario("[charts]\nformats = [\"svg\"]\nwidth = 640\nheight = 480\n"),
    );
    let out = tmp.join("out");
    let o = run_in(tmp, &["run", scenario.to_str().unwrap(), "--out", "out", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

#[test]
fn plot_redraws_the_charts_a_run_drew_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = results(tmp.path());
    let drawn = names(&out.join("charts"));
    assert!(
        !drawn.is_empty() && drawn.iter().all(|n| n.ends_with(".svg")),
        "{drawn:?}"
    );

    let o = run_in(tmp.path(), &["plot", "out", "--out", "again"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("drew {} charts", drawn.len())),
        "{}",
        stdout(&o)
    );
    let again = tmp.path().join("again");
    assert_eq!(names(&again.join("charts")), drawn);
    for name in &drawn {
        assert_eq!(
            std::fs::read(out.join("charts").join(name)).unwrap(),
            std::fs::read(again.join("charts").join(name)).unwrap(),
            "{name} differs when redrawn from the same tables"
        );
    }
    assert!(again.join("report.html").is_file());
    // Redrawing writes nothing else and leaves the results' tables alone.
    assert_eq!(
        names(&again),
        BTreeSet::from(["charts".to_string(), "report.html".to_string()])
    );
}

#[test]
fn plot_with_another_charts_section_changes_formats_and_size() {
    let tmp = tempfile::tempdir().unwrap();
    let out = results(tmp.path());
    let style = write_scenario(
        tmp.path(),
        "style.toml",
        "[charts]\nformats = [\"png\"]\nwidth = 400\nheight = 300\nscale = 1.0\n",
    );
    let o = run_in(tmp.path(), &["plot", "out", "--charts", style.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let charts = names(&out.join("charts"));
    let pngs: Vec<&String> = charts.iter().filter(|n| n.ends_with(".png")).collect();
    assert!(!pngs.is_empty(), "{charts:?}");
    let png = std::fs::read(out.join("charts").join(pngs[0])).unwrap();
    // The IHDR chunk holds width and height as big-endian u32 at bytes 16..24.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (400, 300), "{}", pngs[0]);
}

#[test]
fn plot_refuses_a_folder_that_is_not_results_and_a_file_without_charts() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = run_in(tmp.path(), &["plot", "empty"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a gigsim results folder"), "{}", stderr(&o));

    let out = results(tmp.path());
    let plain = write_scenario(tmp.path(), "plain.toml", &small_scenario(""));
    let o = run_in(
        tmp.path(),
        &["plot", out.to_str().unwrap(), "--charts", plain.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("has no [charts] section"), "{}", stderr(&o));

    let bad = write_scenario(tmp.path(), "bad.toml", "[charts]\nformats = [\"gif\"]\n");
    let o = run_in(
        tmp.path(),
        &["plot", out.to_str().unwrap(), "--charts", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml") && err.contains("charts.formats") && err.contains("gif"),
        "{err}"
    );
}
