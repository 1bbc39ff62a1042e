//! Charts of a results folder, drawn only from the files in it, so the same code serves
//! `run`, `compare`, `sweep`, merged shards and a later `gigsim plot DIR`.
//!
//! The pipeline: [`data`] reads the manifest and the columns charts need; [`run`],
//! [`compare`] and [`sweep`] compute each chart as a plain [`figure::Figure`] (numbers
//! from [`stats`]); [`draw`] renders a figure on plotters' PNG or SVG backend in the
//! look of [`theme`]. Every chart is also rendered to an SVG string for `report.html`,
//! whatever formats `[charts]` asks for.
//!
//! File stems (stable; `charts/<stem>.png` and `.svg`):
//! - run: `net_income`, `hourly_wage`, `wage_cdf`, `lorenz`, `replicate_spread`,
//!   `daily_tasks`, `ratings` (those from `workers` or `daily` only when the table is in
//!   the folder), then the behaviour charts of [`behaviour`] where they apply:
//!   `cold_start` (newcomers), `earnings_by_experience`, `income_by_platforms` and
//!   `platforms` (several platforms);
//! - compare: `compare_wage_cdf`, `compare_lorenz`, `compare_<metric>` per headline
//!   metric, `compare_replicate_spread`, `compare_winners_losers`, then
//!   `compare_cold_start`, `compare_earnings_by_experience`,
//!   `compare_income_by_platforms` and `compare_platforms` where they apply;
//! - sweep: `sweep_<metric>` per headline metric (a line chart for one swept key, a heat
//!   map for two, bars per point otherwise).

pub mod behaviour;
pub mod compare;
pub mod data;
pub mod draw;
pub mod figure;
pub mod run;
pub mod stats;
pub mod sweep;
pub mod theme;
pub mod units;

use std::path::{Path, PathBuf};

use plotters::prelude::*;
use rayon::prelude::*;

use self::data::{CsvTable, Daily, Folder, FolderKind, Platforms, Runs, Workers};
use self::figure::{Figure, LegendEntry, Panel};
use self::theme::Theme;
use self::units::TickFormat;
use crate::output::OutputError;
use crate::output::atomic::{TEMP_MARKER, write_file};
use crate::output::columns::HEADLINE;
pub use crate::scenario::{ChartFormat, ChartStyle};

impl ChartStyle {
    /// The style a results folder was written with (its scenario's `[charts]`).
    pub fn of_folder(results: &Path) -> Result<ChartStyle, OutputError> {
        Ok(Folder::open(results)?.charts)
    }
}

/// A chart as computed from the tables, before drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// File stem, stable across versions (e.g. `net_income`).
    pub stem: String,
    /// Title, as in the figure.
    pub title: String,
    /// One line saying what the chart shows, for the report.
    pub caption: String,
    /// The figure.
    pub figure: Figure,
}

impl Chart {
    /// A chart of one panel (the title is the figure's too).
    pub fn single(
        stem: String,
        title: String,
        caption: String,
        subtitle: Option<String>,
        legend: Vec<LegendEntry>,
        panel: Panel,
    ) -> Chart {
        Chart {
            stem,
            caption,
            figure: Figure {
                title: title.clone(),
                subtitle,
                legend,
                panels: vec![panel],
                columns: 1,
            },
            title,
        }
    }
}

/// A chart that was drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartFile {
    /// File stem (e.g. `net_income`).
    pub stem: String,
    /// Title.
    pub title: String,
    /// One line saying what the chart shows.
    pub caption: String,
    /// The files written (PNG and/or SVG, as `[charts]` asks).
    pub files: Vec<PathBuf>,
    /// The chart as an SVG document at `width × height`, for the report.
    pub svg: String,
}

/// Everything charts read from a folder.
pub struct Inputs {
    /// Manifest and scenario facts.
    pub folder: Folder,
    /// The runs table.
    pub runs: Runs,
    /// The workers table, when written.
    pub workers: Option<Workers>,
    /// The daily table, when written.
    pub daily: Option<Daily>,
    /// `sweep.csv`, for sweeps.
    pub sweep: Option<CsvTable>,
    /// `platform_runs` (and hours from `worker_platforms`), with several platforms.
    pub platforms: Option<Platforms>,
}

impl Inputs {
    /// Reads a results folder (only the columns charts use).
    pub fn read(results: &Path) -> Result<Inputs, OutputError> {
        let mut folder = Folder::open(results)?;
        let runs = Runs::read(&mut folder)?;
        let workers = if folder.has("workers.parquet") {
            Some(Workers::read(&mut folder)?)
        } else {
            None
        };
        let daily = if folder.has("daily.parquet") {
            Some(Daily::read(&mut folder)?)
        } else {
            None
        };
        let sweep = if folder.kind == FolderKind::Sweep && folder.has("sweep.csv") {
            Some(CsvTable::read(&folder.path("sweep.csv"))?)
        } else {
            None
        };
        let platforms = if folder.kind != FolderKind::Sweep && folder.has("platform_runs.parquet") {
            Some(Platforms::read(&mut folder)?)
        } else {
            None
        };
        Ok(Inputs {
            folder,
            runs,
            workers,
            daily,
            sweep,
            platforms,
        })
    }
}

/// The charts that apply to a folder's command, computed but not drawn.
pub fn charts_for(inputs: &Inputs) -> Vec<Chart> {
    match inputs.folder.kind {
        FolderKind::Run => {
            let mut out = run::charts(inputs);
            out.extend(behaviour::charts(inputs, false));
            out
        }
        FolderKind::Compare => {
            let mut out = compare::charts(inputs);
            out.extend(behaviour::charts(inputs, true));
            out
        }
        FolderKind::Sweep => sweep::charts(inputs),
    }
}

/// Charts that a folder cannot have because a table (or a column an older gigsim did
/// not write) is missing, with the reason, for the report (`--tables` can leave out
/// `workers`, `daily` and the platform tables).
pub fn skipped_charts(results: &Path) -> Result<Vec<String>, OutputError> {
    let mut folder = Folder::open(results)?;
    let mut out = Vec::new();
    let workers_charts = match folder.kind {
        FolderKind::Run => {
            "net income, hourly wage, wage CDF, Lorenz curve, rating, cold-start, earnings-by-experience and income-by-platforms charts"
        }
        FolderKind::Compare => {
            "wage CDF, Lorenz, winners-and-losers, cold-start, earnings-by-experience and income-by-platforms charts"
        }
        FolderKind::Sweep => "",
    };
    if !workers_charts.is_empty() && !folder.has("workers.parquet") {
        out.push(format!(
            "The {workers_charts} are not drawn: this folder has no workers.parquet (the run chose fewer --tables)."
        ));
    }
    if folder.kind == FolderKind::Run && !folder.has("daily.parquet") {
        out.push(
            "The daily tasks chart is not drawn: this folder has no daily.parquet (the run chose fewer --tables)."
                .into(),
        );
    }
    if folder.kind == FolderKind::Sweep && !folder.has("sweep.csv") {
        out.push("The sweep charts are not drawn: this folder has no sweep.csv.".into());
    }
    if let Some(applies) = behaviour_applicability(&mut folder)? {
        out.extend(applies.missing());
    }
    Ok(out)
}

/// Behaviour charts that do not apply to a folder's scenario (no newcomers, one
/// platform), with the reason, for the report.
pub fn inapplicable_charts(results: &Path) -> Result<Vec<String>, OutputError> {
    let mut folder = Folder::open(results)?;
    Ok(behaviour_applicability(&mut folder)?.map_or_else(Vec::new, |a| a.not_applicable()))
}

/// Which behaviour charts a run or compare folder gets, read from the few columns that
/// decide it (`None` for sweeps, which have none).
fn behaviour_applicability(folder: &mut Folder) -> Result<Option<behaviour::Applicability>, OutputError> {
    if folder.kind == FolderKind::Sweep {
        return Ok(None);
    }
    let workers = if folder.has("workers.parquet") {
        Some(Workers::read_history(folder)?)
    } else {
        None
    };
    let daily = if folder.has("daily.parquet") {
        Some(Daily::read(folder)?)
    } else {
        None
    };
    let has_platform_runs = folder.has("platform_runs.parquet");
    Ok(Some(behaviour::applicability(
        folder,
        workers.as_ref(),
        daily.as_ref(),
        has_platform_runs,
    )))
}

/// Every file stem gigsim draws a chart under, for any folder: with `.png` and `.svg`,
/// the only files in `charts/` that [`render_folder`] treats as its own.
pub fn known_stems() -> Vec<String> {
    const RUN: [&str; 7] = [
        "net_income",
        "hourly_wage",
        "wage_cdf",
        "lorenz",
        "replicate_spread",
        "daily_tasks",
        "ratings",
    ];
    const BEHAVIOUR: [&str; 4] = [
        "cold_start",
        "earnings_by_experience",
        "income_by_platforms",
        "platforms",
    ];
    const COMPARE: [&str; 4] = [
        "compare_wage_cdf",
        "compare_lorenz",
        "compare_replicate_spread",
        "compare_winners_losers",
    ];
    let mut out: Vec<String> = RUN
        .iter()
        .chain(&BEHAVIOUR)
        .chain(&COMPARE)
        .map(|s| s.to_string())
        .collect();
    out.extend(BEHAVIOUR.iter().map(|s| format!("compare_{s}")));
    out.extend(HEADLINE.iter().map(|m| format!("compare_{m}")));
    out.extend(HEADLINE.iter().map(|m| format!("sweep_{m}")));
    out
}

/// Reads `results`, draws every chart that applies to its command into `charts_dir`
/// (created if needed; files written under a temporary name and renamed into place),
/// removes chart files of an earlier drawing that this one did not write, and returns
/// what was drawn, in report order.
pub fn render_folder(results: &Path, charts_dir: &Path, style: &ChartStyle) -> Result<Vec<ChartFile>, OutputError> {
    if !theme::register_fonts() {
        return Err(OutputError::Chart {
            path: results.to_path_buf(),
            message: "the bundled DejaVu Sans font does not parse; the build is broken".into(),
        });
    }
    let inputs = Inputs::read(results)?;
    let charts = charts_for(&inputs);
    if !style.formats.is_empty() {
        std::fs::create_dir_all(charts_dir).map_err(|e| OutputError::create_dir(charts_dir, e))?;
    }
    let drawn = charts
        .par_iter()
        .map(|chart| render_chart(chart, charts_dir, style))
        .collect::<Result<Vec<ChartFile>, OutputError>>()?;
    remove_stale(charts_dir, &drawn)?;
    Ok(drawn)
}

/// Removes the chart files in `charts_dir` that gigsim could have written (a known stem
/// with `.png` or `.svg`) but `drawn` did not: after `gigsim plot` with fewer formats,
/// or on tables that no longer give a chart, an old file would pass for a current one.
/// Anything else in the folder is the user's and stays, as do symlinks, which gigsim
/// never makes. Runs only after every chart was drawn, so a failed redraw keeps the old
/// set whole.
fn remove_stale(charts_dir: &Path, drawn: &[ChartFile]) -> Result<(), OutputError> {
    let written: std::collections::HashSet<&Path> = drawn.iter().flat_map(|c| &c.files).map(PathBuf::as_path).collect();
    for stem in known_stems() {
        for ext in ["png", "svg"] {
            let path = charts_dir.join(format!("{stem}.{ext}"));
            let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if !ours || written.contains(path.as_path()) {
                continue;
            }
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(OutputError::Chart {
                        message: format!("cannot remove the stale chart {}: {e}", path.display()),
                        path,
                    });
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Draws one chart: the SVG string always, and the files `style` asks for.
pub fn render_chart(chart: &Chart, charts_dir: &Path, style: &ChartStyle) -> Result<ChartFile, OutputError> {
    let fail = |path: &Path, message: String| OutputError::Chart {
        path: path.to_path_buf(),
        message,
    };
    let svg = render_svg(&chart.figure, style).map_err(|m| fail(&charts_dir.join(&chart.stem), m))?;
    let mut files = Vec::new();
    for format in &style.formats {
        match format {
            ChartFormat::Svg => {
                let path = charts_dir.join(format!("{}.svg", chart.stem));
                write_file(&path, svg.as_bytes())?;
                files.push(path);
            }
            ChartFormat::Png => {
                let path = charts_dir.join(format!("{}.png", chart.stem));
                // The bitmap encoder picks the format from the extension, so the
                // temporary name keeps `.png` at its end (and the marker that
                // `remove_temporaries` looks for).
                let temp = charts_dir.join(format!(".{}{TEMP_MARKER}{}.png", chart.stem, std::process::id()));
                let drawn = render_png(&chart.figure, style, &temp);
                if let Err(m) = drawn {
                    let _ = std::fs::remove_file(&temp);
                    return Err(fail(&path, m));
                }
                std::fs::rename(&temp, &path).map_err(|e| OutputError::write(&path, e))?;
                files.push(path);
            }
        }
    }
    Ok(ChartFile {
        stem: chart.stem.clone(),
        title: chart.title.clone(),
        caption: chart.caption.clone(),
        files,
        svg,
    })
}

/// A figure as an SVG document at `width × height`.
pub fn render_svg(figure: &Figure, style: &ChartStyle) -> Result<String, String> {
    theme::register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (style.width, style.height)).into_drawing_area();
        draw::draw_figure(&root, figure, &Theme::new(style.width, style.height, 1.0))?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A figure as a PNG file at `width × scale` by `height × scale` pixels.
pub fn render_png(figure: &Figure, style: &ChartStyle, path: &Path) -> Result<(), String> {
    theme::register_fonts();
    let (w, h) = png_size(style);
    let root = BitMapBackend::new(path, (w, h)).into_drawing_area();
    draw::draw_figure(&root, figure, &Theme::new(style.width, style.height, style.scale))?;
    root.present().map_err(|e| e.to_string())
}

/// A figure as RGB pixels (`width × scale` by `height × scale`, 3 bytes a pixel), for
/// checks that need no file.
pub fn render_rgb(figure: &Figure, style: &ChartStyle) -> Result<(u32, u32, Vec<u8>), String> {
    theme::register_fonts();
    let (w, h) = png_size(style);
    let mut buffer = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
        draw::draw_figure(&root, figure, &Theme::new(style.width, style.height, style.scale))?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok((w, h, buffer))
}

fn png_size(style: &ChartStyle) -> (u32, u32) {
    let w = (f64::from(style.width) * style.scale).round().max(1.0) as u32;
    let h = (f64::from(style.height) * style.scale).round().max(1.0) as u32;
    (w, h)
}

/// How a headline metric reads in charts: a short name, the axis description with its
/// unit, the tick format, and the factor from table units to axis units (cents → US$).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricInfo {
    /// Short name for titles.
    pub name: &'static str,
    /// Axis description with the unit.
    pub axis: &'static str,
    /// Tick format.
    pub format: TickFormat,
    /// Multiply table values by this for the axis.
    pub factor: f64,
}

/// How `metric` reads in charts.
pub fn metric_info(metric: &str) -> MetricInfo {
    let info = |name, axis, format, factor| MetricInfo {
        name,
        axis,
        format,
        factor,
    };
    match metric {
        "worker_net_cents" => info(
            "Workers' net income",
            "Net income of all workers, US$",
            TickFormat::Money,
            0.01,
        ),
        "platform_fee_cents" => info("Platform fees", "Platform fees, US$", TickFormat::Money, 0.01),
        "gini_net_income" => info(
            "Gini of net income",
            "Gini coefficient (0 = equal)",
            TickFormat::Number,
            1.0,
        ),
        "top10_share_net_income" => info(
            "Top 10% share of net income",
            "Share of net income to the top 10%, %",
            TickFormat::Percent,
            1.0,
        ),
        "median_hourly_wage" => info(
            "Median hourly wage, paid time",
            "US$ per paid hour",
            TickFormat::Money,
            1.0,
        ),
        "median_hourly_wage_all_time" => info(
            "Median hourly wage, all worked time",
            "US$ per worked hour",
            TickFormat::Money,
            1.0,
        ),
        "share_below_wage_floor" => info(
            "Share below the wage floor",
            "Share of workers, %",
            TickFormat::Percent,
            1.0,
        ),
        "tasks_unfilled" => info("Tasks unfilled", "Tasks", TickFormat::Number, 1.0),
        "workers_active" => info("Active workers", "Workers", TickFormat::Number, 1.0),
        "share_never_paid" => info("Share never paid", "Share of workers, %", TickFormat::Percent, 1.0),
        _ => info("Metric", "Value", TickFormat::Number, 1.0),
    }
}

/// A title naming the scenario, and the variant when it is not base.
pub fn title(what: &str, folder: &Folder, variant: Option<&str>) -> String {
    match variant {
        Some(v) if v != "base" => format!("{what} — {} ({v})", folder.manifest.scenario_name),
        _ => format!("{what} — {}", folder.manifest.scenario_name),
    }
}
