//! Charts of a results folder, drawn only from the files in it, so the same code serves
//! `run`, `compare`, `sweep`, merged shards and a later `gigsim plot DIR`.
//!
//! The pipeline: [`data`] reads the manifest and the columns charts need; [`catalog`]
//! lists every chart with its file stem and says which apply to the folder (and why the
//! others do not); a chart family ([`income`], [`runs`], [`behaviour`], [`sweep`])
//! computes each as a plain [`figure::Figure`], for the one variant of a `run` or the
//! many of a `compare` alike (numbers from [`stats`], text from [`crate::units`]); [`draw`]
//! renders a figure on plotters' PNG or SVG backend in the look of [`theme`]. Every
//! chart is also rendered to an SVG string for `report.html`, whatever formats
//! `[charts]` asks for.

pub mod behaviour;
pub mod catalog;
pub mod data;
pub mod draw;
pub mod figure;
pub mod glyphs;
pub mod income;
pub mod runs;
pub mod search;
pub mod stats;
pub mod sweep;
pub mod theme;
pub mod validation;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use plotters::prelude::*;
use rayon::prelude::*;

use self::catalog::{Entry, Family};
pub use self::catalog::{known_stems, metric_info};
use self::data::{CsvTable, Daily, Folder, FolderKind, Platforms, Runs, VariantWorkers, Workers};
use self::figure::{Figure, LegendEntry, Panel};
use self::theme::Theme;
use crate::output::OutputError;
use crate::output::atomic::write_file;
use crate::output::columns::HEADLINE;
pub use crate::scenario::{ChartFormat, ChartStyle};

impl ChartStyle {
    /// The style a results folder was written with (its scenario's `[charts]`).
    pub fn of_folder(results: &Path) -> Result<ChartStyle, OutputError> {
        Ok(Folder::open(results)?.scenario.charts)
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
    /// A chart with its names and nothing in it yet; the title is the figure's too.
    pub fn new(stem: impl Into<String>, title: String, caption: impl Into<String>) -> Chart {
        Chart {
            stem: stem.into(),
            caption: caption.into(),
            figure: Figure {
                title: title.clone(),
                subtitle: None,
                legend: Vec::new(),
                panels: Vec::new(),
                columns: 1,
            },
            title,
        }
    }

    /// The chart with a note under the title, a legend and its panels, one to a row.
    pub fn with(mut self, subtitle: Option<String>, legend: Vec<LegendEntry>, panels: Vec<Panel>) -> Chart {
        self.figure.subtitle = subtitle;
        self.figure.legend = legend;
        self.figure.panels = panels;
        self
    }

    /// The chart with `columns` panels to a row.
    pub fn in_columns(mut self, columns: usize) -> Chart {
        self.figure.columns = columns;
        self
    }

    /// The chart as one panel saying why there is nothing to show, in place of axes
    /// that empty data would give no range.
    pub fn no_data(self, message: impl Into<String>) -> Chart {
        self.with(None, Vec::new(), vec![Panel::empty(message)])
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
    /// `validation.csv`, written by `gigsim validate`.
    pub validation: Option<CsvTable>,
}

impl Inputs {
    /// Reads a results folder (only the columns charts use).
    pub fn read(results: &Path) -> Result<Inputs, OutputError> {
        Inputs::of(Folder::open(results)?)
    }

    /// Reads the tables of `folder` (only the columns charts use).
    pub fn of(mut folder: Folder) -> Result<Inputs, OutputError> {
        let runs = Runs::read(&mut folder)?;
        let workers = read_if(&mut folder, "workers.parquet", Workers::read)?;
        let daily = read_if(&mut folder, "daily.parquet", Daily::read)?;
        let sweep = if folder.kind == FolderKind::Sweep && folder.has("sweep.csv") {
            Some(CsvTable::read(&folder.path("sweep.csv"))?)
        } else {
            None
        };
        let platforms = if folder.kind != FolderKind::Sweep {
            read_if(&mut folder, "platform_runs.parquet", Platforms::read)?
        } else {
            None
        };
        let validation = if folder.has("validation.csv") {
            Some(CsvTable::read(&folder.path("validation.csv"))?)
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
            validation,
        })
    }
}

/// A table read when its file is in the folder.
fn read_if<T>(
    folder: &mut Folder,
    file: &str,
    read: impl FnOnce(&mut Folder) -> Result<T, OutputError>,
) -> Result<Option<T>, OutputError> {
    if folder.has(file) {
        read(folder).map(Some)
    } else {
        Ok(None)
    }
}

/// The workers of a variant the table has no rows for.
static NO_WORKERS: LazyLock<VariantWorkers> = LazyLock::new(VariantWorkers::default);

/// What one catalog entry is drawn from: the folder's tables, the variants it shows,
/// and for an entry drawn per headline metric, the metric.
pub struct Scope<'a> {
    /// The folder's tables.
    pub inputs: &'a Inputs,
    /// The chart drawn.
    pub entry: &'static Entry,
    /// The headline metric, for an entry drawn once per metric.
    pub metric: Option<&'static str>,
    /// The variants shown, in plan order: `run` its one, `compare` every variant with
    /// runs (base first).
    pub variants: Vec<usize>,
    /// Whether variants are compared: each is named and has its palette colour, where a
    /// run's chart gives its palette to the series of its one variant.
    pub compare: bool,
}

impl<'a> Scope<'a> {
    /// The scope of `entry` in `inputs`.
    pub fn new(inputs: &'a Inputs, entry: &'static Entry, metric: Option<&'static str>) -> Scope<'a> {
        let compare = inputs.folder.kind == FolderKind::Compare;
        let variants = if compare {
            (0..inputs.folder.variants.len())
                .filter(|&v| inputs.runs.replicates_of(v) > 0)
                .collect()
        } else {
            vec![0]
        };
        Scope {
            inputs,
            entry,
            metric,
            variants,
            compare,
        }
    }

    /// Manifest and scenario facts.
    pub fn folder(&self) -> &'a Folder {
        &self.inputs.folder
    }

    /// The name of variant `v`.
    pub fn name(&self, v: usize) -> &'a str {
        &self.inputs.folder.variants[v]
    }

    /// The workers of variant `v` (none when the table has no rows for it).
    pub fn workers(&self, v: usize) -> &'a VariantWorkers {
        self.inputs
            .workers
            .as_ref()
            .and_then(|w| w.by_variant.get(v))
            .unwrap_or(&NO_WORKERS)
    }

    /// The rows `rows` takes from each variant's workers, for the variants with any.
    pub fn rows<T>(&self, rows: impl Fn(&VariantWorkers) -> Vec<T>) -> Vec<(usize, Vec<T>)> {
        self.variants
            .iter()
            .map(|&v| (v, rows(self.workers(v))))
            .filter(|(_, r)| !r.is_empty())
            .collect()
    }

    /// The replicates behind the chart (the most any of its variants has).
    pub fn replicates(&self) -> usize {
        let runs = &self.inputs.runs;
        self.variants.iter().map(|&v| runs.replicates_of(v)).max().unwrap_or(0)
    }

    /// The chart of this entry, titled `what` and the scenario (and in a run, the
    /// variant when it is not base).
    pub fn chart(&self, what: &str, caption: impl Into<String>) -> Chart {
        let folder = self.folder();
        let scenario = &folder.manifest.scenario_name;
        let title = match self.name(self.variants[0]) {
            v if folder.kind == FolderKind::Run && v != "base" => format!("{what} — {scenario} ({v})"),
            _ => format!("{what} — {scenario}"),
        };
        let stem = self.entry.stem_in(folder.kind);
        let stem = match self.metric {
            Some(m) => stem.replace("<metric>", m),
            None => stem,
        };
        Chart::new(stem, title, caption)
    }
}

/// The charts that apply to a folder's command, computed but not drawn.
pub fn charts_for(inputs: &Inputs) -> Vec<Chart> {
    catalog::plan(&inputs.folder, inputs.workers.as_ref(), inputs.daily.as_ref())
        .into_iter()
        .filter(|(_, applies)| applies.is_ok())
        .flat_map(|(entry, _)| {
            let metrics: Vec<Option<&'static str>> = if entry.per_metric() {
                HEADLINE.iter().copied().map(Some).collect()
            } else {
                vec![None]
            };
            metrics
                .into_iter()
                .map(|m| family_chart(&Scope::new(inputs, entry, m)))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn family_chart(s: &Scope) -> Chart {
    match s.entry.family {
        Family::NetIncome => income::net_income(s),
        Family::HourlyWage => income::hourly_wage(s),
        Family::WageCdf => income::wage_cdf(s),
        Family::Lorenz => income::lorenz(s),
        Family::Ratings => income::ratings(s),
        Family::WinnersLosers => income::winners_losers(s),
        Family::ReplicateSpread => runs::replicate_spread(s),
        Family::Metric => runs::metric_bars(s),
        Family::DailyTasks => runs::daily_tasks(s),
        Family::ColdStart => behaviour::cold_start_chart(s),
        Family::Experience => behaviour::earnings_by_experience(s),
        Family::IncomeByPlatforms => behaviour::income_by_platforms(s),
        Family::Platforms => behaviour::platforms(s),
        Family::Sweep => sweep::chart(s),
        Family::Validation => validation::chart(s),
    }
}

/// The report's notes on the charts a folder does not get: first those it cannot have
/// because a table (or a column an older gigsim did not write) is missing (`--tables`
/// can leave out `workers`, `daily` and the platform tables), then those that do not
/// apply to its scenario (no newcomers, one platform). Reads only the columns that
/// decide it.
pub fn skip_notes(results: &Path) -> Result<(Vec<String>, Vec<String>), OutputError> {
    skip_notes_of(Folder::open(results)?)
}

/// [`skip_notes`] of a folder already described (see [`Folder::of`]).
pub fn skip_notes_of(mut folder: Folder) -> Result<(Vec<String>, Vec<String>), OutputError> {
    let (workers, daily) = if folder.kind == FolderKind::Sweep {
        (None, None)
    } else {
        (
            read_if(&mut folder, "workers.parquet", Workers::read_history)?,
            read_if(&mut folder, "daily.parquet", Daily::read)?,
        )
    };
    let plan = catalog::plan(&folder, workers.as_ref(), daily.as_ref());
    Ok((catalog::notes(&plan, true), catalog::notes(&plan, false)))
}

/// Charts that a folder cannot have because a table or column is missing, with the
/// reason (the first half of [`skip_notes`]).
pub fn skipped_charts(results: &Path) -> Result<Vec<String>, OutputError> {
    Ok(skip_notes(results)?.0)
}

/// Charts that do not apply to a folder's scenario, with the reason (the second half of
/// [`skip_notes`]).
pub fn inapplicable_charts(results: &Path) -> Result<Vec<String>, OutputError> {
    Ok(skip_notes(results)?.1)
}

/// Reads `results`, draws every chart that applies to its command into `charts_dir`
/// (created if needed; files written under a temporary name and renamed into place),
/// removes chart files of an earlier drawing that this one did not write, and returns
/// what was drawn, in report order.
pub fn render_folder(results: &Path, charts_dir: &Path, style: &ChartStyle) -> Result<Vec<ChartFile>, OutputError> {
    render_charts(Folder::open(results)?, charts_dir, style)
}

/// [`render_folder`] of a folder already described (see [`Folder::of`]).
pub fn render_charts(folder: Folder, charts_dir: &Path, style: &ChartStyle) -> Result<Vec<ChartFile>, OutputError> {
    if !theme::register_fonts() {
        return Err(OutputError::Chart {
            path: folder.dir.clone(),
            message: "the bundled DejaVu Sans font does not parse; the build is broken".into(),
        });
    }
    let inputs = Inputs::of(folder)?;
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
                let bytes = png_bytes(&chart.figure, style).map_err(|m| fail(&path, m))?;
                write_file(&path, &bytes)?;
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
    let mut out = String::new();
    draw_on(
        SVGBackend::with_string(&mut out, (style.width, style.height)),
        figure,
        style,
        1.0,
    )?;
    Ok(out)
}

/// A figure as a PNG file at `width × scale` by `height × scale` pixels (text through
/// [`glyphs::Glyphs`], which spaces letters as the SVG does).
pub fn render_png(figure: &Figure, style: &ChartStyle, path: &Path) -> Result<(), String> {
    let bytes = png_bytes(figure, style)?;
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A figure encoded as PNG in memory. Encoding here rather than in plotters' bitmap
/// backend (which saves to a path) lets the file be written like every other file
/// (atomically, and with a readable error such as "No space left on device" instead of
/// the encoder's Debug text).
pub fn png_bytes(figure: &Figure, style: &ChartStyle) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let (w, h, rgb) = render_rgb(figure, style)?;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&rgb, w, h, image::ColorType::Rgb8)
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    Ok(out)
}

/// A figure as RGB pixels (`width × scale` by `height × scale`, 3 bytes a pixel), for
/// checks that need no file.
pub fn render_rgb(figure: &Figure, style: &ChartStyle) -> Result<(u32, u32, Vec<u8>), String> {
    let (w, h) = png_size(style);
    let mut buffer = vec![0u8; w as usize * h as usize * 3];
    draw_on(
        glyphs::Glyphs(BitMapBackend::with_buffer(&mut buffer, (w, h))),
        figure,
        style,
        style.scale,
    )?;
    Ok((w, h, buffer))
}

/// Draws a figure on a backend at `scale` pixels per unit of the `[charts]` size.
fn draw_on<DB: DrawingBackend>(backend: DB, figure: &Figure, style: &ChartStyle, scale: f64) -> Result<(), String> {
    theme::register_fonts();
    let root = backend.into_drawing_area();
    draw::draw_figure(&root, figure, &Theme::new(style.width, style.height, scale))?;
    root.present().map_err(|e| e.to_string())
}

fn png_size(style: &ChartStyle) -> (u32, u32) {
    let w = (f64::from(style.width) * style.scale).round().max(1.0) as u32;
    let h = (f64::from(style.height) * style.scale).round().max(1.0) as u32;
    (w, h)
}
