//! The report of a results folder: self-contained (no script, no external load, fonts
//! embedded), every chart inline, the headline table with CIs and paired differences,
//! and links to exactly the files that are there.

mod fixtures;

use std::path::Path;

use fixtures::*;
use gigsim::output::charts::{ChartStyle, render_folder};
use gigsim::output::columns::HEADLINE;
use gigsim::output::report::write_report;

fn report_of(dir: &Path, style: &ChartStyle) -> (String, usize) {
    let charts = render_folder(dir, &dir.join("charts"), style).unwrap();
    let path = write_report(dir, &charts).unwrap();
    assert_eq!(path, dir.join("report.html"));
    (std::fs::read_to_string(path).unwrap(), charts.len())
}

/// Nothing in the page makes the browser fetch anything: no script, no external
/// style sheet, no `src`, and every `url(` is a data URL.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    for forbidden in ["<script", "<link", " src=", "<img", "<iframe", "@import"] {
        assert!(!html.contains(forbidden), "report contains {forbidden}");
    }
    let urls = html.matches("url(").count();
    assert_eq!(urls, html.matches("url(data:").count(), "every url() is a data URL");
    // Both bundled fonts, as TrueType (base64 of 00 01 00 00 starts "AAEAAA").
    assert_eq!(html.matches("src: url(data:font/ttf;base64,AAEAAA").count(), 2);
    assert!(html.contains("font-family: \"DejaVu Sans\""));
    assert!(html.contains("@media print") && html.contains("break-inside: avoid"));
}

#[test]
fn compare_report_has_every_chart_paired_differences_and_present_files_only() {
    let dir = compare_folder("report-compare", 3, 200);
    let (html, charts) = report_of(&dir, &gigsim::scenario::defaults().charts);
    assert_self_contained(&html);
    assert_eq!(html.matches("<figure class=\"chart\"").count(), charts);
    assert_eq!(html.matches("<svg role=\"img\"").count(), charts);
    assert_eq!(html.matches("<figcaption>").count(), charts);
    assert!(
        html.contains("font-family=\"DejaVu Sans, sans-serif\""),
        "SVG text names the embedded font"
    );
    // Headline table from comparison.csv: every metric, every variant, base as reference.
    for m in HEADLINE {
        assert!(html.contains(&format!("<code>{m}</code>")), "{m}");
    }
    assert_eq!(html.matches("<td>reference</td>").count(), HEADLINE.len());
    assert!(html.contains("95% CI, unpaired"));
    assert!(html.contains("class=\"sig\""), "significant differences are marked");
    // The fixture's paired CI for share_below_wage_floor of fee_cut: diff -0.05.
    assert!(html.contains("−5.0 pp"));
    // Links: tables that exist, and none that do not.
    for present in [
        "runs.parquet",
        "workers.parquet",
        "daily.parquet",
        "comparison.csv",
        "summary.csv",
    ] {
        assert!(html.contains(&format!("<a href=\"{present}\">")), "{present}");
    }
    for absent in ["workers.csv", "sweep.csv", "scenario.toml"] {
        assert!(!html.contains(&format!("<a href=\"{absent}\">")), "{absent}");
    }
    assert!(html.contains("<a href=\"charts/compare_lorenz.png\">PNG</a>"));
    assert!(html.contains("gigsim compare synthetic.toml") && html.contains("0123456789ab"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_inlines_svg_even_when_only_png_is_written() {
    let dir = sweep_folder(
        "report-sweep",
        &["platform.fee.worker_percent"],
        &[&[0.0, 10.0, 20.0]],
        2,
    );
    let png_only = ChartStyle {
        formats: vec![gigsim::output::charts::ChartFormat::Png],
        ..gigsim::scenario::defaults().charts
    };
    let (html, charts) = report_of(&dir, &png_only);
    assert_self_contained(&html);
    assert_eq!(charts, HEADLINE.len());
    assert_eq!(html.matches("<svg role=\"img\"").count(), charts);
    assert!(!html.contains(".svg\">SVG</a>"));
    // Sweep table: the swept key as a column, the first point as the reference.
    assert!(html.contains("<th><code>platform.fee.worker_percent</code></th>"));
    assert!(html.contains("Swept keys"));
    assert_eq!(html.matches("<td>reference</td>").count(), HEADLINE.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_report_shows_summary_description_and_skipped_charts() {
    let (tmp, out) = real_run_folder("report-run", 2);
    std::fs::remove_file(out.join("daily.parquet")).unwrap();
    let _ = std::fs::remove_file(out.join("daily.csv"));
    let style = ChartStyle::of_folder(&out).unwrap();
    let (html, charts) = report_of(&out, &style);
    assert_self_contained(&html);
    assert_eq!(
        charts, 6,
        "daily chart skipped, ratings not applicable, earnings by experience added"
    );
    assert!(html.contains("A small MTurk-like micro-task market"));
    assert!(html.contains("The daily tasks chart is not drawn"));
    assert!(html.contains("The cold-start chart is not drawn: no worker arrived after the warm-up"));
    assert!(html.contains("the scenario has one platform"));
    assert!(
        html.contains("The rating chart is not drawn: requesters rate no work"),
        "{html}"
    );
    assert!(html.contains("95% CI") && html.contains("<code class=\"metric-code\">gini_net_income</code>"));
    assert!(html.contains("<a href=\"workers.csv\">") && html.contains("<a href=\"scenario.toml\">"));
    assert!(!html.contains("<a href=\"daily.parquet\">"));
    let _ = std::fs::remove_dir_all(&tmp);
}
