//! Folder-level chart tests: synthetic compare and sweep folders (those commands are
//! not on this branch yet), degenerate inputs, missing tables, PNG size and formats, and
//! a real `gigsim run` folder.

mod fixtures;

use std::path::{Path, PathBuf};

use fixtures::*;
use gigsim::output::charts::figure::{Layer, Panel, Scale};
use gigsim::output::charts::{
    Chart, ChartFile, ChartFormat, ChartStyle, Inputs, charts_for, inapplicable_charts, known_stems, render_folder,
    skipped_charts,
};
use gigsim::output::columns::HEADLINE;

fn style() -> ChartStyle {
    gigsim::scenario::defaults().charts
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
        // Only known stems are cleaned up when a redraw stops drawing them.
        assert!(known_stems().contains(&f.stem), "{} is not in known_stems", f.stem);
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
        for panel in &c.figure.panels {
            assert!(
                panel
                    .layers
                    .iter()
                    .any(|l| matches!(l, Layer::Band { points, .. } if points.len() == 4)),
                "{}",
                c.stem
            );
            assert!(panel.x.label.contains("platform.fee.worker_percent"));
        }
    }
    // A `_percent` key is written as 20 for 20%, and its ticks say so.
    let net = files.iter().find(|f| f.stem == "sweep_worker_net_cents").unwrap();
    assert!(
        net.svg.contains("\n20%\n") && !net.svg.contains("\n20\n"),
        "percent ticks"
    );
    cleanup(&dir);
}

/// The paired test printed beside a sweep found an effect that per-point unpaired
/// bands hid: the main (first) panel is the paired change from the first point with
/// its paired CI (sweep.csv's diff columns), clearly titled, and the unpaired levels
/// come second under their own title.
#[test]
fn sweep_charts_lead_with_the_paired_change_from_the_first_point() {
    let dir = sweep_folder("sweep-paired", &["platform.fee.levy_percent"], &[&[0.0, 3.0, 6.0]], 3);
    let charts = charts_of(&dir);
    let net = charts.iter().find(|c| c.stem == "sweep_worker_net_cents").unwrap();
    assert_eq!(net.figure.panels.len(), 2, "{:?}", net.figure.panels);
    let (main, level) = (&net.figure.panels[0], &net.figure.panels[1]);
    assert!(
        main.title
            .as_deref()
            .unwrap()
            .contains("Paired change from the first point"),
        "{:?}",
        main.title
    );
    assert!(
        level.title.as_deref().unwrap().contains("unpaired"),
        "{:?}",
        level.title
    );
    // The fixture's paired CI is the change ± 1% of the level; the unpaired one ± 3%.
    let band = |p: &Panel| {
        p.layers
            .iter()
            .find_map(|l| match l {
                Layer::Band { points, .. } => Some(points.clone()),
                _ => None,
            })
            .unwrap()
    };
    let (paired, unpaired) = (band(main), band(level));
    for (p, u) in paired.iter().zip(&unpaired) {
        assert!((p.2 - p.1) < (u.2 - u.1) / 2.0, "paired {p:?} against unpaired {u:?}");
    }
    // The first point against itself: no change, its band centred on 0.
    assert!((paired[0].1 + paired[0].2).abs() < 1e-6, "{paired:?}");
    // Axis labels read as the key table names the key, with its unit.
    assert_eq!(main.x.label, "Levy for a welfare fund, % (platform.fee.levy_percent)");
    assert!(net.caption.contains("paired change"), "{}", net.caption);
    cleanup(&dir);
}

/// A metric that is 0 at every point (no task ever unfilled) is not drawn as flat
/// lines: the chart says why.
#[test]
fn a_sweep_metric_that_is_zero_everywhere_is_not_drawn() {
    let dir = sweep_folder("sweep-zero", &["platform.fee.levy_percent"], &[&[0.0, 3.0]], 3);
    let csv = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    let zeroed: Vec<String> = csv
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            if cells.get(2) == Some(&"tasks_unfilled") {
                format!("{},{},tasks_unfilled,0,0,0,3,0,0,0", cells[0], cells[1])
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(dir.join("sweep.csv"), zeroed.join("\n") + "\n").unwrap();
    let charts = charts_of(&dir);
    let unfilled = charts.iter().find(|c| c.stem == "sweep_tasks_unfilled").unwrap();
    let why = unfilled.figure.panels[0].no_data.as_deref().unwrap_or_default();
    assert!(why.contains("0 at every point"), "{:?}", unfilled.figure.panels[0]);
    let net = charts.iter().find(|c| c.stem == "sweep_worker_net_cents").unwrap();
    assert!(net.figure.panels[0].no_data.is_none());
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
    let small_charts = charts_of(&small);
    let heat = chart(&small_charts, "sweep_worker_net_cents");
    let names = |a: &Scale| match a {
        Scale::Categories(names) => names.clone(),
        _ => Vec::new(),
    };
    assert_eq!(names(&heat.figure.panels[0].x.scale), ["0%", "10%", "20%"]);
    assert_eq!(names(&heat.figure.panels[0].y.scale), ["0.2", "0.1"]);
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

/// A scenario whose requesters rate nothing (MTurk's baseline) has only the drawn start
/// ratings, a spike at 5 on a 1–5 axis: the ratings chart is skipped with the reason.
#[test]
fn ratings_are_not_drawn_when_nobody_rates() {
    let dir = temp_dir("no-ratings");
    write_manifest(
        &dir,
        "run",
        &["base"],
        &[],
        2,
        "[requesters]\nrating_probability = 0.0\n",
    );
    write_runs(&dir, &["base"], 2, plausible_metric);
    write_summary(&dir, &["base"], plausible_metric);
    write_daily(&dir, &["base"], 2, 5);
    write_workers(&dir, &[("base", workers(0, 50, 4))]);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    let expected: Vec<&str> = RUN_STEMS.iter().copied().filter(|s| *s != "ratings").collect();
    assert_eq!(stems(&files), expected);
    let notes = inapplicable_charts(&dir).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("rating chart is not drawn") && n.contains("rating_probability is 0")),
        "{notes:?}"
    );
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
    // The baseline has workers with experience, but no newcomers, one platform, and
    // requesters who rate nothing (MTurk has no star ratings).
    let mut expected: Vec<&str> = RUN_STEMS.iter().copied().filter(|s| *s != "ratings").collect();
    expected.push("earnings_by_experience");
    assert_eq!(stems(&files), expected);
    assert_eq!(inapplicable_charts(&out).unwrap().len(), 3);
    check_drawn(&files, &style);
    for f in &files {
        assert!(f.svg.contains("baseline"), "{} names the scenario", f.stem);
        assert!(!f.caption.is_empty() && !f.title.is_empty());
    }
    cleanup(&dir);
}

/// Workers with a history: in each replicate, 300 incumbents and 100 who arrive from
/// day 10 to 29 of a 40-day run with 10 days of warm-up and start 2 days after
/// arrival (those arriving on day 10 arrived in the warm-up). Pay per paid hour is
/// $10 + experience / 100 (experience 0 to 900 tasks); odd ids join two platforms,
/// work twice the hours and earn twice as much.
fn history_workers(replicates: u32, first_task_after: u32) -> Vec<Worker> {
    let mut out = Vec::new();
    for r in 0..replicates {
        for id in 0..400u32 {
            let experience = (id % 10) * 100;
            let joined = 1 + id % 2;
            let wage = 10.0 + f64::from(experience) / 100.0;
            let paid_seconds = 36_000 * u64::from(joined);
            let entered_day = if id < 300 { 0 } else { 10 + id % 20 };
            out.push(Worker {
                replicate: r,
                worker_id: id,
                tasks_done: 50,
                net_cents: (wage * 10.0 * f64::from(joined) * 100.0).round() as i64,
                paid_seconds,
                unpaid_seconds: 600,
                rating: Some(4.7),
                history: Some(History {
                    entered_day,
                    exited_day: None,
                    first_task_day: Some(if id < 300 { 1 } else { entered_day + first_task_after }),
                    platforms_joined: joined,
                    experience_tasks: experience,
                }),
            });
        }
    }
    out
}

const TWO_PLATFORMS: &str =
    "days = 40\nwarmup_days = 10\n[[platforms]]\nname = \"upwork\"\n[[platforms]]\nname = \"fiverr\"\n";

/// Books per (variant, replicate, platform): upwork pays $20,000 net with $2,500 fees
/// in 900 paid hours; fiverr $10,000 with $2,500 in 500 hours, and in variant 1 its fees
/// rise by half and its workers' net falls by a tenth.
fn books(v: usize, r: u32, p: usize) -> (i64, i64, u64) {
    let jitter = i64::from(r) * 1_000;
    match (v, p) {
        (_, 0) => (2_000_000 + jitter, 250_000, 900 * 3600),
        (0, _) => (1_000_000 + jitter, 250_000, 500 * 3600),
        _ => (900_000 + jitter * 9 / 10, 375_000, 450 * 3600),
    }
}

/// The points (or line) of the layer drawn in `color`.
fn line_points(panel: &Panel, color: plotters::style::RGBColor, dashed_wanted: bool) -> Vec<(f64, f64)> {
    panel
        .layers
        .iter()
        .find_map(|l| match l {
            Layer::Line {
                points,
                color: c,
                dashed,
                ..
            } if *c == color && *dashed == dashed_wanted => Some(points.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

#[test]
fn run_folder_with_newcomers_and_two_platforms_draws_the_behaviour_charts() {
    let dir = temp_dir("behaviour-run");
    write_manifest(&dir, "run", &["base"], &[], 2, TWO_PLATFORMS);
    write_runs(&dir, &["base"], 2, plausible_metric);
    write_summary(&dir, &["base"], plausible_metric);
    write_workers(&dir, &[("base", history_workers(2, 2))]);
    write_platform_tables(&dir, &["base"], 2, &["upwork", "fiverr"], books);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    let mut expected: Vec<&str> = RUN_STEMS.iter().copied().filter(|s| *s != "daily_tasks").collect();
    expected.extend([
        "cold_start",
        "earnings_by_experience",
        "income_by_platforms",
        "platforms",
    ]);
    assert_eq!(stems(&files), expected);
    check_drawn(&files, &style());
    assert!(inapplicable_charts(&dir).unwrap().is_empty());
    let charts = charts_of(&dir);

    // Every newcomer who arrived after the warm-up starts 2 days after arriving.
    let cold = chart(&charts, "cold_start");
    assert!(
        cold.figure.subtitle.as_deref().unwrap().starts_with("190 newcomers"),
        "{:?}",
        cold.figure.subtitle
    );
    let curve = line_points(
        &cold.figure.panels[0],
        gigsim::output::charts::theme::variant_color(0),
        false,
    );
    assert!(curve.iter().filter(|p| p.0 < 2.0).all(|p| p.1 == 0.0), "{curve:?}");
    assert!(curve.contains(&(2.0, 1.0)));
    assert_eq!(curve.last().unwrap().1, 1.0);
    assert!(
        cold.figure.panels[0]
            .layers
            .iter()
            .any(|l| matches!(l, Layer::RefLine { at, vertical: true, .. } if *at == 2.0))
    );

    // Ten experience groups; pay rises from $10 to $19 an hour: +90%.
    let exp = chart(&charts, "earnings_by_experience");
    let sub = exp.figure.subtitle.as_deref().unwrap();
    assert!(
        sub.contains("+90%") && sub.contains("$19.00/h") && sub.contains("$10.00/h"),
        "{sub}"
    );
    match &exp.figure.panels[0].y.scale {
        gigsim::output::charts::figure::Scale::Categories(names) => {
            assert_eq!(names.len(), 10);
            assert_eq!(names[0], "0 (n=80)");
            assert_eq!(names[9], "900 (n=80)");
        }
        other => panic!("{other:?}"),
    }
    assert!(exp.caption.contains("Cook et al."));
    // The pay axis starts near the lowest pay ($10), not at $0 with half the panel empty.
    match exp.figure.panels[0].x.scale {
        gigsim::output::charts::figure::Scale::Linear { lo, hi } => assert!(lo > 5.0 && hi < 25.0, "{lo} to {hi}"),
        ref other => panic!("{other:?}"),
    }

    // Two platforms earn twice as much.
    let inc = chart(&charts, "income_by_platforms");
    let sub = inc.figure.subtitle.as_deref().unwrap();
    // Medians: one platform $14 an hour for 10 hours; two platforms $15 for 20 hours.
    assert!(
        sub.contains("1 platform $140, 2 platforms $300 (+114% on 2 platforms against 1)"),
        "{sub}"
    );

    // Fees over pay plus fees: 11.1% on upwork, 20.0% on fiverr.
    let pl = chart(&charts, "platforms");
    let sub = pl.figure.subtitle.as_deref().unwrap();
    assert!(sub.contains("upwork 11.1%") && sub.contains("fiverr 20.0%"), "{sub}");
    assert_eq!(pl.figure.panels.len(), 2, "money and hours");
    cleanup(&dir);
}

#[test]
fn compare_folder_shows_where_a_fee_change_moves_income() {
    let dir = temp_dir("behaviour-compare");
    let variants = ["base", "fiverr_fee_up"];
    write_manifest(&dir, "compare", &variants, &[], 3, TWO_PLATFORMS);
    write_runs(&dir, &variants, 3, plausible_metric);
    write_summary(&dir, &variants, plausible_metric);
    write_workers(
        &dir,
        &[
            ("base", history_workers(3, 2)),
            ("fiverr_fee_up", history_workers(3, 4)),
        ],
    );
    write_platform_tables(&dir, &variants, 3, &["upwork", "fiverr"], books);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    check_drawn(&files, &style());
    let all = stems(&files);
    for stem in [
        "compare_cold_start",
        "compare_earnings_by_experience",
        "compare_income_by_platforms",
        "compare_platforms",
    ] {
        assert!(all.contains(&stem.to_string()), "{stem} in {all:?}");
    }
    let charts = charts_of(&dir);
    let fee_up = gigsim::output::charts::theme::variant_color(1);

    // The variant's newcomers start on day 4, base's on day 2: half by day 2 and 4.
    let cold = chart(&charts, "compare_cold_start");
    let labels: Vec<&str> = cold.figure.legend.iter().map(|e| e.label.as_str()).collect();
    assert!(
        labels.contains(&"base: half by day 2, 100% within 7 days"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"fiverr_fee_up: half by day 4, 100% within 7 days"),
        "{labels:?}"
    );
    let curve = line_points(&cold.figure.panels[0], fee_up, false);
    assert!(curve.contains(&(4.0, 1.0)) && curve.contains(&(3.0, 0.0)), "{curve:?}");

    // Per platform: upwork unchanged; fiverr's fees +50%, its workers' net about -10%,
    // its hours -10%.
    let pl = chart(&charts, "compare_platforms");
    assert_eq!(pl.figure.panels.len(), 2);
    assert_eq!(pl.figure.panels[0].title.as_deref(), Some("upwork"));
    let points = |panel: &Panel| {
        panel
            .layers
            .iter()
            .find_map(|l| match l {
                Layer::Points { points, color, .. } if *color == fee_up => Some(points.clone()),
                _ => None,
            })
            .unwrap()
    };
    let upwork = points(&pl.figure.panels[0]);
    assert_eq!(upwork.len(), 3);
    assert!(upwork.iter().all(|p| p.1.abs() < 1e-12), "{upwork:?}");
    let fiverr = points(&pl.figure.panels[1]);
    assert!((fiverr[0].1 + 0.1).abs() < 0.002, "net {fiverr:?}");
    assert!((fiverr[1].1 - 0.5).abs() < 1e-12, "fees {fiverr:?}");
    assert!((fiverr[2].1 + 0.1).abs() < 1e-12, "hours {fiverr:?}");
    assert_eq!(
        pl.figure.legend.iter().map(|e| e.label.as_str()).collect::<Vec<_>>(),
        vec!["fiverr_fee_up"],
        "base is the reference, not a series"
    );
    cleanup(&dir);
}

#[test]
fn behaviour_charts_skip_with_a_reason_when_they_do_not_apply() {
    // Workers with a history, but nobody arrives and everyone is on one platform.
    let mut w = history_workers(1, 2);
    for x in &mut w {
        let h = x.history.as_mut().unwrap();
        h.entered_day = 0;
        h.platforms_joined = 1;
    }
    let dir = temp_dir("behaviour-none");
    write_manifest(&dir, "run", &["base"], &[], 1, "days = 40\nwarmup_days = 10\n");
    write_runs(&dir, &["base"], 1, plausible_metric);
    write_summary(&dir, &["base"], plausible_metric);
    write_workers(&dir, &[("base", w)]);
    let files = render_folder(&dir, &dir.join("charts"), &style()).unwrap();
    let all = stems(&files);
    assert!(all.contains(&"earnings_by_experience".to_string()));
    for absent in ["cold_start", "income_by_platforms", "platforms"] {
        assert!(!all.contains(&absent.to_string()), "{absent}");
    }
    let notes = inapplicable_charts(&dir).unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("no worker arrived after the warm-up"));
    assert!(notes[1].contains("one platform"));
    assert!(skipped_charts(&dir).unwrap().iter().all(|n| !n.contains("cold-start")));
    cleanup(&dir);

    // A folder from before the behaviours: no history columns, so the charts are left
    // out and the report says the folder is too old for them.
    let old = run_folder("behaviour-old", 1, workers(0, 50, 2), plausible_metric);
    let all = stems(&render_folder(&old, &old.join("charts"), &style()).unwrap());
    assert_eq!(all, RUN_STEMS);
    let skipped = skipped_charts(&old).unwrap();
    assert!(
        skipped
            .iter()
            .any(|n| n.contains("cold-start") && n.contains("older gigsim")),
        "{skipped:?}"
    );
    assert!(skipped.iter().any(|n| n.contains("earnings-by-experience")));
    cleanup(&old);
}

#[test]
fn equal_experience_gives_a_no_data_panel() {
    let mut w = history_workers(1, 2);
    for x in &mut w {
        x.history.as_mut().unwrap().experience_tasks = 7;
    }
    let dir = temp_dir("behaviour-flat");
    write_manifest(&dir, "run", &["base"], &[], 1, "days = 40\nwarmup_days = 10\n");
    write_runs(&dir, &["base"], 1, plausible_metric);
    write_summary(&dir, &["base"], plausible_metric);
    write_workers(&dir, &[("base", w)]);
    let charts = charts_of(&dir);
    let exp = chart(&charts, "earnings_by_experience");
    let msg = no_data(&exp.figure.panels[0]).unwrap();
    assert!(msg.contains("same number of tasks before the run (7)"), "{msg}");
    check_drawn(&render_folder(&dir, &dir.join("charts"), &style()).unwrap(), &style());
    cleanup(&dir);
}

/// Whether a panel has a line of `color` drawn dashed (`Some(true)`), solid, or none.
fn line_dashed(panel: &Panel, color: plotters::style::RGBColor) -> Option<bool> {
    panel.layers.iter().find_map(|l| match l {
        Layer::Line { color: c, dashed, .. } if *c == color => Some(*dashed),
        _ => None,
    })
}

/// Identical variants used to draw identical Lorenz curves, only the last visible: a
/// curve on an earlier one is now dashed, earlier ones wider, and the note says so.
#[test]
fn coinciding_lorenz_curves_are_dashed_and_named() {
    let dir = compare_folder_with("same-lorenz", 2, 300, |_, _| {});
    let charts = charts_of(&dir);
    let lorenz = chart(&charts, "compare_lorenz");
    let panel = &lorenz.figure.panels[0];
    let widths: Vec<(f64, bool)> = panel
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::Line {
                width, dashed, color, ..
            } if *color != gigsim::output::charts::theme::MUTED => Some((*width, *dashed)),
            _ => None,
        })
        .collect();
    assert_eq!(widths.len(), 3, "{widths:?}");
    assert!(!widths[0].1 && widths[1].1 && widths[2].1, "{widths:?}");
    assert!(widths[0].0 > widths[1].0, "the first curve is wider: {widths:?}");
    let note = lorenz.figure.subtitle.as_deref().unwrap_or("");
    assert!(note.contains("All 3 curves coincide"), "{note}");
    assert!(
        lorenz.caption.contains("All 3 curves coincide"),
        "the report says so too"
    );
    // fee_cut scales base's incomes by 1.05 (the same Lorenz curve), flat_bonus adds a
    // bonus (a flatter one): only fee_cut lies on an earlier curve.
    let dir2 = compare_folder("distinct-lorenz", 2, 300);
    let charts = charts_of(&dir2);
    let lorenz = chart(&charts, "compare_lorenz");
    let note = lorenz.figure.subtitle.as_deref().unwrap_or("");
    assert!(note.starts_with("1 curve lies on an earlier one"), "{note}");
    let panel = &lorenz.figure.panels[0];
    let dashed = [0, 1, 2].map(|v| line_dashed(panel, theme_color(v)));
    assert_eq!(dashed, [Some(false), Some(true), Some(false)]);
    cleanup(&dir);
    cleanup(&dir2);
}

/// Two filled histograms blended into a colour in neither legend swatch: all worked
/// time is now an outline only, dashed (with a note) when it equals paid time.
#[test]
fn hourly_wage_draws_all_worked_time_as_an_outline() {
    let hourly = |unpaid: bool, name: &str| {
        let mut w = workers(0, 400, 5);
        if !unpaid {
            w.iter_mut().for_each(|w| w.unpaid_seconds = 0);
        }
        let dir = run_folder(name, 1, w, plausible_metric);
        let charts = charts_of(&dir);
        let c = chart(&charts, "hourly_wage").clone();
        cleanup(&dir);
        c
    };
    for unpaid in [true, false] {
        let c = hourly(unpaid, if unpaid { "wage-outline" } else { "wage-same" });
        let panel = &c.figure.panels[0];
        let filled = panel.layers.iter().filter(|l| matches!(l, Layer::Rects { .. })).count();
        assert_eq!(filled, 1, "only paid time is filled");
        let all_time = theme_color(1);
        assert_eq!(line_dashed(panel, all_time), Some(!unpaid));
        let note = c.figure.subtitle.as_deref().unwrap_or("");
        assert_eq!(note.contains("coincide"), !unpaid, "{note}");
        assert_eq!(c.caption.contains("coincide"), !unpaid, "{}", c.caption);
    }
}

/// Posted and done equal every day drew one line over the other with blended bands:
/// done is now dashed without its own band, and the note says the lines coincide.
#[test]
fn daily_tasks_say_when_posted_and_done_coincide() {
    for share in [1.0, 0.8] {
        let dir = run_folder(&format!("daily-{share}"), 3, workers(0, 50, 2), plausible_metric);
        write_daily_done(&dir, &["base"], 3, 5, share);
        let charts = charts_of(&dir);
        let c = chart(&charts, "daily_tasks");
        let panel = &c.figure.panels[0];
        let same = share == 1.0;
        assert_eq!(line_dashed(panel, theme_color(1)), Some(same));
        let bands = panel.layers.iter().filter(|l| matches!(l, Layer::Band { .. })).count();
        assert_eq!(bands, if same { 1 } else { 2 });
        let note = c.figure.subtitle.as_deref().unwrap_or("");
        assert_eq!(note.contains("coincide"), same, "{note}");
        assert_eq!(c.caption.contains("coincide"), same, "{}", c.caption);
        cleanup(&dir);
    }
}

fn theme_color(i: usize) -> plotters::style::RGBColor {
    gigsim::output::charts::theme::variant_color(i)
}
