//! Folder-level chart tests: synthetic compare and sweep folders (those commands are
//! not on this branch yet), degenerate inputs, missing tables, PNG size and formats, and
//! a real `gigsim run` folder.

mod fixtures;

use std::path::{Path, PathBuf};

use fixtures::*;
use gigsim::output::charts::figure::{Layer, Panel};
use gigsim::output::charts::{
    Chart, ChartFile, ChartFormat, ChartStyle, Inputs, charts_for, render_folder, skipped_charts,
};
use gigsim::output::columns::HEADLINE;

fn style() -> ChartStyle {
    ChartStyle::default()
}

fn stems(files: &[ChartFile]) -> Vec<String> {
    files.iter().map(|f| f.stem.clone()).collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "{} is not a PNG", path.display());
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

fn charts_of(dir: &Path) -> Vec<Chart> {
    charts_for(&Inputs::read(dir).unwrap())
}

fn chart<'a>(charts: &'a [Chart], stem: &str) -> &'a Chart {
    charts
        .iter()
        .find(|c| c.stem == stem)
        .unwrap_or_else(|| panic!("no chart {stem}"))
}

fn no_data(panel: &Panel) -> Option<&str> {
    panel.no_data.as_deref()
}

/// Every drawn chart has its files, an SVG with text, and no NaN anywhere.
fn check_drawn(files: &[ChartFile], style: &ChartStyle) {
    for f in files {
        assert!(f.svg.starts_with("<svg") && f.svg.contains("<text"), "{}", f.stem);
        assert!(
            !f.svg.contains("NaN") && !f.svg.contains("\"inf") && !f.svg.contains("\"-inf"),
            "{} has a non-finite coordinate",
            f.stem
        );
        assert_eq!(f.files.len(), style.formats.len(), "{}", f.stem);
        for path in &f.files {
            assert!(path.is_file(), "{}", path.display());
            if path.extension().is_some_and(|e| e == "png") {
                let expected = (
                    (f64::from(style.width) * style.scale).round() as u32,
                    (f64::from(style.height) * style.scale).round() as u32,
                );
                assert_eq!(png_size(path), expected, "{}", path.display());
            }
        }
    }
}

fn cleanup(dir: &Path) {
    if std::env::var_os("GIGSIM_KEEP_CHARTS").is_none() {
        let _ = std::fs::remove_dir_all(dir);
    } else {
        eprintln!("kept {}", dir.display());
    }
}

#[test]
fn compare_folder_draws_every_compare_chart() {
    let dir = compare_folder("compare", 4, 400);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    let mut expected = vec!["compare_wage_cdf".to_string(), "compare_lorenz".into()];
    expected.extend(HEADLINE.iter().map(|m| format!("compare_{m}")));
    expected.extend(["compare_replicate_spread".into(), "compare_winners_losers".into()]);
    assert_eq!(stems(&files), expected);
    check_drawn(&files, &style());
    for f in &files {
        assert!(
            f.svg.contains("base") || f.stem == "compare_winners_losers",
            "{}",
            f.stem
        );
        assert!(f.svg.contains("flat_bonus"), "{} lacks a variant", f.stem);
        assert!(f.svg.contains("synthetic"), "{} title lacks the scenario", f.stem);
    }
    let lorenz = files.iter().find(|f| f.stem == "compare_lorenz").unwrap();
    assert!(lorenz.svg.contains("Gini") && lorenz.svg.contains("95% CI"));
    cleanup(&dir);
}

#[test]
fn variants_keep_their_colour_in_every_compare_chart() {
    let dir = compare_folder("colours", 3, 200);
    let charts = charts_of(&dir);
    let color_of = |c: &Chart, label: &str| {
        c.figure
            .legend
            .iter()
            .find(|e| e.label.starts_with(label))
            .map(|e| e.color)
    };
    let cdf = chart(&charts, "compare_wage_cdf");
    let lorenz = chart(&charts, "compare_lorenz");
    let wl = chart(&charts, "compare_winners_losers");
    assert_eq!(color_of(cdf, "flat_bonus"), color_of(lorenz, "flat_bonus"));
    assert_eq!(color_of(cdf, "flat_bonus"), color_of(wl, "flat_bonus"));
    assert_ne!(color_of(cdf, "base"), color_of(cdf, "fee_cut"));
    cleanup(&dir);
}

/// The points of the winners-and-losers chart for one variant, by decile (1-based).
fn decile_points(c: &Chart, color: plotters::style::RGBColor) -> Vec<(f64, f64)> {
    c.figure.panels[0]
        .layers
        .iter()
        .find_map(|l| match l {
            Layer::Points { points, color: c, .. } if *c == color => Some(points.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn winners_and_losers_show_a_transfer_from_top_to_bottom() {
    let dir = compare_folder("winners", 3, 500);
    let charts = charts_of(&dir);
    let wl = chart(&charts, "compare_winners_losers");
    let fee_cut = wl.figure.legend.iter().find(|e| e.label == "fee_cut").unwrap().color;
    let bonus = wl.figure.legend.iter().find(|e| e.label == "flat_bonus").unwrap().color;
    // fee_cut: +5% for everyone, so every decile gains and the richest gain most.
    let cut = decile_points(wl, fee_cut);
    assert_eq!(cut.len(), 10);
    assert!(cut.iter().all(|p| p.1 >= 0.0), "{cut:?}");
    assert!(cut[9].1 > cut[0].1);
    // flat_bonus: +$20 and -8%: the poor gain, the rich lose.
    let b = decile_points(wl, bonus);
    assert!(b[1].1 > 0.0 && b[9].1 < 0.0, "{b:?}");
    // Points sit in their decile's slot, dodged by variant.
    assert!(
        cut.iter()
            .zip(&b)
            .all(|(c, b)| (c.0.round() - b.0.round()).abs() < 1e-9 && c.0 < b.0)
    );
    let whiskers = wl.figure.panels[0]
        .layers
        .iter()
        .filter(|l| matches!(l, Layer::Whiskers { items, .. } if items.len() == 10))
        .count();
    assert_eq!(whiskers, 2, "a CI per decile per variant");
    cleanup(&dir);
}

#[test]
fn sweep_of_one_key_draws_metric_lines_with_ci_bands() {
    let dir = sweep_folder(
        "sweep1",
        &["platform.fee.worker_percent"],
        &[&[0.0, 5.0, 10.0, 20.0]],
        3,
    );
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    assert_eq!(
        stems(&files),
        HEADLINE.iter().map(|m| format!("sweep_{m}")).collect::<Vec<_>>()
    );
    check_drawn(&files, &style());
    let charts = charts_of(&dir);
    for c in &charts {
        let layers = &c.figure.panels[0].layers;
        assert!(
            layers
                .iter()
                .any(|l| matches!(l, Layer::Band { points, .. } if points.len() == 4)),
            "{}",
            c.stem
        );
        assert!(c.figure.panels[0].x.label.contains("platform.fee.worker_percent"));
    }
    cleanup(&dir);
}

#[test]
fn sweep_of_two_keys_draws_heat_maps_with_values_in_small_grids() {
    let small = sweep_folder(
        "sweep2",
        &["platform.fee.worker_percent", "demand.noise_sigma"],
        &[&[0.0, 10.0, 20.0], &[0.1, 0.2]],
        2,
    );
    let files = render_folder(&small, &small.join("charts"), &style()).unwrap();
    check_drawn(&files, &style());
    let cells = |dir: &Path| -> Vec<usize> {
        charts_of(dir)
            .iter()
            .map(|c| {
                c.figure.panels[0]
                    .layers
                    .iter()
                    .map(|l| match l {
                        Layer::Cells { cells } => {
                            cells.iter().filter(|c| c.text.is_some()).count() * 1000 + cells.len()
                        }
                        _ => 0,
                    })
                    .sum()
            })
            .collect()
    };
    assert!(cells(&small).iter().all(|&n| n == 6 * 1000 + 6), "{:?}", cells(&small));
    let net = files.iter().find(|f| f.stem == "sweep_worker_net_cents").unwrap();
    assert!(net.svg.contains("$401k"), "cell values printed");
    let values: Vec<f64> = (0..9).map(f64::from).collect();
    let big = sweep_folder("sweep2big", &["a.x", "b.y"], &[&values, &values], 2);
    assert!(cells(&big).iter().all(|&n| n == 81), "no text in a 9 x 9 grid");
    render_folder(&big, &big.join("charts"), &style()).unwrap();
    cleanup(&small);
    cleanup(&big);
}

#[test]
fn sweep_with_a_single_point_and_one_replicate_still_draws() {
    let dir = sweep_folder("sweep-single", &["platform.fee.worker_percent"], &[&[10.0]], 1);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    check_drawn(&files, &style());
    for c in charts_of(&dir) {
        let layers = &c.figure.panels[0].layers;
        assert!(
            !layers.iter().any(|l| matches!(l, Layer::Band { .. })),
            "no band without a CI"
        );
        assert!(
            layers
                .iter()
                .any(|l| matches!(l, Layer::Points { points, .. } if points.len() == 1))
        );
    }
    cleanup(&dir);
}

#[test]
fn sweep_of_three_keys_falls_back_to_bars_per_point() {
    let dir = sweep_folder("sweep3", &["a.x", "b.y", "c.z"], &[&[1.0, 2.0], &[1.0], &[3.0, 4.0]], 2);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    check_drawn(&files, &style());
    let c = &charts_of(&dir)[0];
    assert!(
        c.figure.panels[0]
            .layers
            .iter()
            .any(|l| matches!(l, Layer::Rects { .. }))
    );
    cleanup(&dir);
}

/// A run folder whose workers are given.
fn run_folder(
    name: &str,
    replicates: u32,
    workers: Vec<Worker>,
    metric: impl Fn(usize, u32, &str) -> Option<f64>,
) -> PathBuf {
    let dir = temp_dir(name);
    write_manifest(
        &dir,
        "run",
        &["base"],
        &[],
        replicates,
        "[charts]\nwidth = 800\nheight = 520\n",
    );
    write_runs(&dir, &["base"], replicates, metric);
    write_summary(&dir, &["base"], plausible_metric);
    write_daily(&dir, &["base"], replicates, 5);
    write_workers(&dir, &[("base", workers)]);
    dir
}

const RUN_STEMS: [&str; 7] = [
    "net_income",
    "hourly_wage",
    "wage_cdf",
    "lorenz",
    "replicate_spread",
    "daily_tasks",
    "ratings",
];

#[test]
fn one_worker_one_replicate_draws_every_run_chart() {
    let mut w = workers(0, 1, 3);
    w[0].net_cents = 12_345;
    w[0].paid_seconds = 7200;
    w[0].tasks_done = 10;
    let dir = run_folder("one-worker", 1, w, plausible_metric);
    let style = ChartStyle::of_folder(&dir).unwrap();
    assert_eq!((style.width, style.height), (800, 520));
    let files = render_folder(&dir, &dir.join("charts"), &style).unwrap();
    assert_eq!(stems(&files), RUN_STEMS);
    check_drawn(&files, &style);
    let lorenz = files.iter().find(|f| f.stem == "lorenz").unwrap();
    assert!(lorenz.svg.contains("one replicate: no CI"));
    cleanup(&dir);
}

#[test]
fn nobody_paid_gives_no_data_panels_not_panics() {
    let mut w = workers(0, 50, 4);
    for x in &mut w {
        x.net_cents = 0;
        x.paid_seconds = 0;
        x.unpaid_seconds = 100;
        x.rating = None;
    }
    let dir = run_folder("nobody-paid", 2, w, |_, _, m| {
        (m != "median_hourly_wage" && m != "gini_net_income").then_some(0.0)
    });
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    check_drawn(&files, &style());
    let charts = charts_of(&dir);
    for stem in ["net_income", "hourly_wage", "wage_cdf", "lorenz", "ratings"] {
        let msg = no_data(&chart(&charts, stem).figure.panels[0]).unwrap_or_else(|| panic!("{stem} has data"));
        assert!(msg.starts_with("No data"), "{stem}: {msg}");
    }
    let spread = chart(&charts, "replicate_spread");
    assert!(spread.figure.panels.iter().all(|p| p.no_data.is_some()));
    let svg = &files.iter().find(|f| f.stem == "net_income").unwrap().svg;
    assert!(svg.contains("No data: no worker earned anything"));
    cleanup(&dir);
}

#[test]
fn equal_incomes_draw_a_flat_lorenz_curve_and_a_single_bar() {
    let mut w = workers(0, 300, 5);
    for x in &mut w {
        x.net_cents = 10_000;
        x.paid_seconds = 3600 * 5;
        x.tasks_done = 3;
    }
    let dir = run_folder("equal", 1, w, plausible_metric);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    check_drawn(&files, &style());
    let charts = charts_of(&dir);
    let net = chart(&charts, "net_income");
    let bars: usize = net.figure.panels[0]
        .layers
        .iter()
        .map(|l| match l {
            Layer::Rects { rects, .. } => rects.iter().filter(|r| r[3] > 0.0).count(),
            _ => 0,
        })
        .sum();
    assert_eq!(bars, 1, "all in one bin");
    let lorenz = chart(&charts, "lorenz");
    let curve = lorenz.figure.panels[0]
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::Line {
                points, dashed: false, ..
            } => Some(points.clone()),
            _ => None,
        })
        .next()
        .unwrap();
    assert!(
        curve.iter().all(|(x, y)| (x - y).abs() < 1e-9),
        "equal incomes lie on the diagonal"
    );
    cleanup(&dir);
}

#[test]
fn wide_income_spread_switches_to_a_log_axis_and_says_so() {
    let mut w = workers(0, 2000, 6);
    for (i, x) in w.iter_mut().enumerate() {
        x.net_cents = if i % 50 == 0 { 5_000_000 } else { 1_000 + i as i64 };
    }
    let dir = run_folder("log-axis", 1, w, plausible_metric);
    let charts = charts_of(&dir);
    let net = chart(&charts, "net_income");
    assert!(net.figure.panels[0].x.label.contains("log scale"));
    assert!(net.caption.contains("logarithmic"));
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    check_drawn(&files, &style());
    let svg = &files.iter().find(|f| f.stem == "net_income").unwrap().svg;
    assert!(
        svg.contains("$10,000") || svg.contains("$1,000"),
        "log ticks in dollars"
    );
    cleanup(&dir);
}

#[test]
fn missing_tables_skip_their_charts_and_say_why() {
    let dir = run_folder("no-workers", 2, workers(0, 10, 1), plausible_metric);
    std::fs::remove_file(dir.join("workers.parquet")).unwrap();
    std::fs::remove_file(dir.join("daily.parquet")).unwrap();
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    assert_eq!(stems(&files), vec!["replicate_spread"]);
    let skipped = skipped_charts(&dir).unwrap();
    assert_eq!(skipped.len(), 2);
    assert!(skipped[0].contains("workers.parquet") && skipped[1].contains("daily.parquet"));
    cleanup(&dir);
}

#[test]
fn png_scale_multiplies_pixels_and_formats_choose_files() {
    let dir = compare_folder("scale", 2, 50);
    let hi_dpi = ChartStyle {
        width: 600,
        height: 400,
        formats: vec![ChartFormat::Png],
        scale: 2.0,
    };
    let files = render_folder(&dir, &dir.join("png2x"), &hi_dpi).unwrap();
    check_drawn(&files, &hi_dpi);
    assert!(
        files
            .iter()
            .all(|f| f.files.len() == 1 && f.svg.contains("viewBox=\"0 0 600 400\""))
    );
    let none = ChartStyle {
        formats: Vec::new(),
        ..style()
    };
    let files = render_folder(&dir, &dir.join("nothing"), &none).unwrap();
    assert!(files.iter().all(|f| f.files.is_empty() && !f.svg.is_empty()));
    assert!(!dir.join("nothing").exists());
    // No temporary file is left behind.
    let leftovers = std::fs::read_dir(dir.join("png2x"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".gigsim-tmp-")
        })
        .count();
    assert_eq!(leftovers, 0);
    cleanup(&dir);
}

#[test]
fn merged_folder_is_charted_by_what_it_holds() {
    let dir = compare_folder("merge", 2, 50);
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        text.replace("\"command\": \"compare\"", "\"command\": \"merge\""),
    )
    .unwrap();
    let charts = charts_of(&dir);
    assert!(charts.iter().any(|c| c.stem == "compare_winners_losers"));
    cleanup(&dir);
}

#[test]
fn a_folder_without_a_manifest_is_an_error_not_a_panic() {
    let dir = temp_dir("no-manifest");
    let err = render_folder(&dir, &dir.join("charts"), &style()).unwrap_err();
    assert!(err.to_string().contains("manifest.json"), "{err}");
    std::fs::write(dir.join("manifest.json"), "{}").unwrap();
    let err = render_folder(&dir, &dir.join("charts"), &style()).unwrap_err();
    assert!(err.to_string().contains("not a gigsim manifest"), "{err}");
    cleanup(&dir);
}

#[test]
fn real_run_folder_draws_all_run_charts() {
    let (dir, out) = real_run_folder("real-run", 3);
    let style = ChartStyle::of_folder(&out).unwrap();
    let files = render_folder(&out, &out.join("charts"), &style).unwrap();
    assert_eq!(stems(&files), RUN_STEMS);
    check_drawn(&files, &style);
    for f in &files {
        assert!(f.svg.contains("baseline"), "{} names the scenario", f.stem);
        assert!(!f.caption.is_empty() && !f.title.is_empty());
    }
    cleanup(&dir);
}

/// Speed on a large folder: 200,000 workers × 2 replicates. Ignored by default (it
/// writes ~20 MB of Parquet); run with
/// `cargo test --release --test charts -- --ignored --nocapture large`.
#[test]
#[ignore]
fn large_run_folder_charts_in_about_a_second() {
    let dir = temp_dir("large");
    write_manifest(&dir, "run", &["base"], &[], 2, "");
    write_runs(&dir, &["base"], 2, plausible_metric);
    write_summary(&dir, &["base"], plausible_metric);
    write_daily(&dir, &["base"], 2, 365);
    let all: Vec<Worker> = (0..2).flat_map(|r| workers(r, 200_000, 11)).collect();
    write_workers(&dir, &[("base", all)]);
    let started = std::time::Instant::now();
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "render_folder on 400,000 worker rows: {elapsed:?} for {} charts",
        files.len()
    );
    assert_eq!(files.len(), RUN_STEMS.len());
    assert!(elapsed.as_secs_f64() < 5.0, "charting took {elapsed:?}");
    cleanup(&dir);
    // A comparison of three variants of the same size joins 400,000 workers per variant.
    let dir = compare_folder("large-compare", 2, 200_000);
    let started = std::time::Instant::now();
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    eprintln!(
        "render_folder on 3 variants x 400,000 worker rows: {:?} for {} charts",
        started.elapsed(),
        files.len()
    );
    cleanup(&dir);
}
