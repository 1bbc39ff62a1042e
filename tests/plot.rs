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
fn plot_removes_the_chart_files_it_no_longer_draws_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let out = results(tmp.path());
    let charts = out.join("charts");
    let svgs = names(&charts);
    // A chart a compare would draw, left by an earlier command into the same folder, and
    // files gigsim never writes: a note, a chart in another format, a copy by hand.
    let theirs = ["notes.txt", "net_income.pdf", "net_income_copy.svg", "mine.png"];
    for name in theirs.iter().chain(&["compare_lorenz.svg"]) {
        std::fs::write(charts.join(name), "kept?").unwrap();
    }
    let style = write_scenario(
        tmp.path(),
        "style.toml",
        "[charts]\nformats = [\"png\"]\nwidth = 400\nheight = 300\n",
    );
    let o = run_in(tmp.path(), &["plot", "out", "--charts", style.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pngs: BTreeSet<String> = svgs.iter().map(|n| n.replace(".svg", ".png")).collect();
    let expected: BTreeSet<String> = pngs.iter().cloned().chain(theirs.map(String::from)).collect();
    assert_eq!(names(&charts), expected, "the SVGs of the first drawing are stale");
    for name in theirs {
        assert_eq!(std::fs::read_to_string(charts.join(name)).unwrap(), "kept?", "{name}");
    }
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
