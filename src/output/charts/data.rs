//! Reading a results folder for charts and the report: the manifest, the scenario
//! values charts need (description, wage floor, `[charts]`), and only the columns of
//! `runs`, `workers` and `daily` that some chart uses, as plain vectors (null → NaN).
//! The CSV summaries are read as text, so the report shows exactly what the files say.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::output::OutputError;
use crate::output::columns::HEADLINE;
use crate::output::manifest::Manifest;
use crate::scenario::Scenario;

/// What kind of study a folder holds, which decides its charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderKind {
    /// One variant (`gigsim run`).
    Run,
    /// Several variants against base (`gigsim compare`).
    Compare,
    /// Points of a parameter grid (`gigsim sweep`).
    Sweep,
}

/// The manifest and scenario facts of a results folder.
#[derive(Clone, Debug)]
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The kind of study (for `merge`, inferred from what was merged).
    pub kind: FolderKind,
    /// The resolved scenario of the base, read leniently (a folder of another gigsim
    /// version may hold keys this one does not know).
    pub scenario: Scenario,
    /// Variant (or sweep point) names in plan order, base first.
    pub variants: Vec<String>,
    /// Where a report's links to this folder's files start from (empty when the report
    /// sits in the folder itself).
    pub link_base: PathBuf,
    /// The folder the report is written to (files there are linked relative to it).
    pub report_dir: PathBuf,
}

fn bad(path: &Path, message: impl Into<String>) -> OutputError {
    OutputError::Chart {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Reads `manifest.json` of a results folder.
pub fn read_manifest(dir: &Path) -> Result<Manifest, OutputError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| OutputError::Read {
        path: path.clone(),
        source: e,
    })?;
    serde_json::from_str(&text).map_err(|e| bad(&path, format!("not a gigsim manifest: {e}")))
}

impl Folder {
    /// Reads the manifest and the scenario facts of `dir`.
    pub fn open(dir: &Path) -> Result<Folder, OutputError> {
        Ok(Folder::of(dir, read_manifest(dir)?))
    }

    /// The folder `dir` described by `manifest`, before that is written: a study draws
    /// its charts and report from the manifest in memory, so `manifest.json` can be
    /// written last, as the mark of a finished folder.
    pub fn of(dir: &Path, manifest: Manifest) -> Folder {
        // A folder of another gigsim version may hold keys this one does not know:
        // read leniently, so old results can still be charted.
        let scenario = crate::scenario::parse_lenient(&manifest.resolved_scenario);
        let kind = match manifest.command.as_str() {
            "run" => FolderKind::Run,
            "compare" => FolderKind::Compare,
            "sweep" => FolderKind::Sweep,
            // A merge of shards holds whatever the sharded command wrote.
            _ if !manifest.sweep_params.is_empty() || dir.join("sweep.csv").exists() => FolderKind::Sweep,
            _ if manifest.variants.len() > 1 || dir.join("comparison.csv").exists() => FolderKind::Compare,
            _ => FolderKind::Run,
        };
        let mut variants = manifest.variants.clone();
        if variants.is_empty() {
            variants.push("base".into());
        }
        Folder {
            dir: dir.to_path_buf(),
            kind,
            scenario,
            variants,
            manifest,
            link_base: PathBuf::new(),
            report_dir: dir.to_path_buf(),
        }
    }

    /// Paid hours a worker needs for the wage metrics (`simulation.min_hours_for_wage`).
    pub fn min_hours_for_wage(&self) -> f64 {
        self.scenario.reporting.min_paid_seconds / 3600.0
    }

    /// Path of a file in the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Whether a file is in the folder.
    pub fn has(&self, name: &str) -> bool {
        self.dir.join(name).is_file()
    }

    /// The index of a variant in plan order.
    pub fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v == name)
    }
}

/// Reads only `columns` of a Parquet file.
pub(crate) fn read_columns(path: &Path, columns: &[&str]) -> Result<DataFrame, OutputError> {
    let file = File::open(path).map_err(|e| OutputError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    ParquetReader::new(file)
        .with_columns(Some(columns.iter().map(|c| c.to_string()).collect()))
        .finish()
        .map_err(|e| OutputError::table(&path.display().to_string(), e))
}

/// A numeric column as f64, null → NaN.
pub(crate) fn floats(df: &DataFrame, table: &str, name: &str) -> Result<Vec<f64>, OutputError> {
    let err = |e| OutputError::table(table, e);
    let col = df.column(name).map_err(err)?.cast(&DataType::Float64).map_err(err)?;
    let ca = col.f64().map_err(err)?;
    Ok(if ca.null_count() == 0 {
        ca.into_no_null_iter().collect()
    } else {
        ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect()
    })
}

/// An id column as u32 (ids and replicates are u32 in every table), null → u32::MAX.
pub(crate) fn ids(df: &DataFrame, table: &str, name: &str) -> Result<Vec<u32>, OutputError> {
    let err = |e| OutputError::table(table, e);
    let col = df.column(name).map_err(err)?.cast(&DataType::UInt32).map_err(err)?;
    Ok(col.u32().map_err(err)?.iter().map(|v| v.unwrap_or(u32::MAX)).collect())
}

/// The variant column as indices into `folder.variants`; names the manifest does not
/// list (a hand-edited folder) are appended so nothing is silently dropped.
fn variant_indices(df: &DataFrame, table: &str, variants: &mut Vec<String>) -> Result<Vec<usize>, OutputError> {
    let err = |e| OutputError::table(table, e);
    let names = df.column("variant").map_err(err)?.str().map_err(err)?.clone();
    let mut out = Vec::with_capacity(names.len());
    let mut last: Option<(&str, usize)> = None;
    for name in names.iter() {
        let name = name.unwrap_or("");
        let index = match last {
            Some((n, i)) if n == name => i,
            _ => match variants.iter().position(|v| v == name) {
                Some(i) => i,
                None => {
                    variants.push(name.to_string());
                    variants.len() - 1
                }
            },
        };
        last = Some((name, index));
        out.push(index);
    }
    Ok(out)
}

/// The `runs` table: each headline metric per run.
#[derive(Clone, Debug, Default)]
pub struct Runs {
    /// Variant index per run.
    pub variant: Vec<usize>,
    /// Replicate per run.
    pub replicate: Vec<u32>,
    /// (metric, value per run) for every headline metric.
    pub metrics: Vec<(String, Vec<f64>)>,
}

impl Runs {
    /// Reads `runs.parquet`.
    pub fn read(folder: &mut Folder) -> Result<Runs, OutputError> {
        let mut cols = vec!["variant", "replicate"];
        cols.extend(HEADLINE.iter().copied());
        let df = read_columns(&folder.path("runs.parquet"), &cols)?;
        let variant = variant_indices(&df, "runs", &mut folder.variants)?;
        let replicate = ids(&df, "runs", "replicate")?;
        let metrics = HEADLINE
            .iter()
            .map(|m| Ok((m.to_string(), floats(&df, "runs", m)?)))
            .collect::<Result<_, OutputError>>()?;
        Ok(Runs {
            variant,
            replicate,
            metrics,
        })
    }

    /// A metric's values for one variant, in table (replicate) order.
    pub fn values(&self, variant: usize, metric: &str) -> Vec<f64> {
        let Some((_, values)) = self.metrics.iter().find(|(m, _)| m == metric) else {
            return Vec::new();
        };
        self.variant
            .iter()
            .zip(values)
            .filter(|(v, _)| **v == variant)
            .map(|(_, x)| *x)
            .collect()
    }

    /// Replicates of one variant.
    pub fn replicates_of(&self, variant: usize) -> usize {
        self.variant.iter().filter(|v| **v == variant).count()
    }
}

/// Columns of `workers` that some charts use and that folders written before the
/// behaviours were added do not have; a chart that needs one is skipped without it.
pub const WORKER_HISTORY_COLUMNS: [&str; 5] = [
    "entered_day",
    "exited_day",
    "first_task_day",
    "platforms_joined",
    "experience_tasks",
];

/// The `workers` table, split by variant.
#[derive(Clone, Debug, Default)]
pub struct Workers {
    /// One entry per variant index (empty for variants without rows).
    pub by_variant: Vec<VariantWorkers>,
    /// Which of [`WORKER_HISTORY_COLUMNS`] the table has.
    pub history_columns: Vec<&'static str>,
}

/// The workers of one variant, all replicates.
#[derive(Clone, Debug, Default)]
pub struct VariantWorkers {
    /// Replicate.
    pub replicate: Vec<u32>,
    /// Worker id.
    pub worker_id: Vec<u32>,
    /// Tasks submitted (active workers have at least one).
    pub tasks_done: Vec<f64>,
    /// Net income, US$.
    pub net_usd: Vec<f64>,
    /// Paid time, seconds.
    pub paid_seconds: Vec<f64>,
    /// Net per paid hour, US$/h (NaN without paid time).
    pub hourly_wage: Vec<f64>,
    /// Net per worked hour, US$/h (NaN without worked time).
    pub hourly_wage_all_time: Vec<f64>,
    /// Stars (NaN without reviews).
    pub rating: Vec<f64>,
    /// Day registered (0 = before day 1); empty when the table has no such column.
    pub entered_day: Vec<f64>,
    /// Day left (NaN = stayed); empty when the table has no such column.
    pub exited_day: Vec<f64>,
    /// First day a task was finished (NaN = never); empty when the table has no such
    /// column.
    pub first_task_day: Vec<f64>,
    /// Platforms joined; empty when the table has no such column.
    pub platforms_joined: Vec<f64>,
    /// Tasks done before entering (0 for newcomers); empty when the table has no such
    /// column.
    pub experience_tasks: Vec<f64>,
}

impl VariantWorkers {
    /// Workers in the rows.
    pub fn len(&self) -> usize {
        self.net_usd.len()
    }

    /// Whether there are no workers.
    pub fn is_empty(&self) -> bool {
        self.net_usd.is_empty()
    }

    /// Indices of the workers wage statistics cover: at least `min_hours` paid hours
    /// (the rule of the runs table), and at least some paid time.
    pub fn wage_eligible(&self, min_hours: f64) -> impl Iterator<Item = usize> + '_ {
        let min_seconds = (min_hours * 3600.0).max(0.0);
        (0..self.len()).filter(move |&i| self.paid_seconds[i] >= min_seconds && self.paid_seconds[i] > 0.0)
    }
}

/// The columns of a Parquet file.
fn parquet_columns(path: &Path) -> Result<Vec<String>, OutputError> {
    let file = File::open(path).map_err(|e| OutputError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    let schema = ParquetReader::new(file)
        .schema()
        .map_err(|e| OutputError::table(&path.display().to_string(), e))?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}

const WORKER_COLUMNS: [&str; 9] = [
    "variant",
    "replicate",
    "worker_id",
    "tasks_done",
    "net_cents",
    "paid_seconds",
    "hourly_wage",
    "hourly_wage_all_time",
    "rating",
];

impl Workers {
    /// Reads `workers.parquet`: the columns every run chart uses, and those of
    /// [`WORKER_HISTORY_COLUMNS`] the table has.
    pub fn read(folder: &mut Folder) -> Result<Workers, OutputError> {
        Workers::read_some(folder, true)
    }

    /// Reads only the variant and the history columns of `workers.parquet` (the other
    /// vectors stay empty), for deciding which charts apply.
    pub fn read_history(folder: &mut Folder) -> Result<Workers, OutputError> {
        Workers::read_some(folder, false)
    }

    fn read_some(folder: &mut Folder, all: bool) -> Result<Workers, OutputError> {
        let path = folder.path("workers.parquet");
        let present = parquet_columns(&path)?;
        let history: Vec<&'static str> = WORKER_HISTORY_COLUMNS
            .iter()
            .copied()
            .filter(|c| present.iter().any(|p| p == c))
            .collect();
        let mut cols: Vec<&str> = if all { WORKER_COLUMNS.to_vec() } else { vec!["variant"] };
        cols.extend(history.iter().copied());
        let df = read_columns(&path, &cols)?;
        let variant = variant_indices(&df, "workers", &mut folder.variants)?;
        let column = |name: &str| -> Result<Vec<f64>, OutputError> {
            if cols.contains(&name) {
                floats(&df, "workers", name)
            } else {
                Ok(Vec::new())
            }
        };
        let (replicate, worker_id) = if all {
            (ids(&df, "workers", "replicate")?, ids(&df, "workers", "worker_id")?)
        } else {
            (Vec::new(), Vec::new())
        };
        let tasks_done = column("tasks_done")?;
        let net = column("net_cents")?;
        let paid = column("paid_seconds")?;
        let hourly = column("hourly_wage")?;
        let hourly_all = column("hourly_wage_all_time")?;
        let rating = column("rating")?;
        let extra: Vec<Vec<f64>> = WORKER_HISTORY_COLUMNS
            .iter()
            .map(|c| column(c))
            .collect::<Result<_, _>>()?;
        let mut by_variant = vec![VariantWorkers::default(); folder.variants.len()];
        let push = |to: &mut Vec<f64>, from: &[f64], i: usize| {
            if let Some(v) = from.get(i) {
                to.push(*v);
            }
        };
        for i in 0..variant.len() {
            let w = &mut by_variant[variant[i]];
            if all {
                w.replicate.push(replicate[i]);
                w.worker_id.push(worker_id[i]);
                w.tasks_done.push(tasks_done[i]);
                w.net_usd.push(net[i] / 100.0);
                w.paid_seconds.push(paid[i]);
                w.hourly_wage.push(hourly[i]);
                w.hourly_wage_all_time.push(hourly_all[i]);
                w.rating.push(rating[i]);
            }
            push(&mut w.entered_day, &extra[0], i);
            push(&mut w.exited_day, &extra[1], i);
            push(&mut w.first_task_day, &extra[2], i);
            push(&mut w.platforms_joined, &extra[3], i);
            push(&mut w.experience_tasks, &extra[4], i);
        }
        Ok(Workers {
            by_variant,
            history_columns: history,
        })
    }

    /// Whether the table has a column of [`WORKER_HISTORY_COLUMNS`].
    pub fn has(&self, column: &str) -> bool {
        self.history_columns.contains(&column)
    }
}

/// The `daily` columns the daily chart uses.
#[derive(Clone, Debug, Default)]
pub struct Daily {
    /// Variant index.
    pub variant: Vec<usize>,
    /// Day.
    pub day: Vec<f64>,
    /// Tasks posted.
    pub tasks_posted: Vec<f64>,
    /// Tasks submitted.
    pub tasks_done: Vec<f64>,
}

impl Daily {
    /// Reads `daily.parquet`.
    pub fn read(folder: &mut Folder) -> Result<Daily, OutputError> {
        let df = read_columns(
            &folder.path("daily.parquet"),
            &["variant", "day", "tasks_posted", "tasks_done"],
        )?;
        Ok(Daily {
            variant: variant_indices(&df, "daily", &mut folder.variants)?,
            day: floats(&df, "daily", "day")?,
            tasks_posted: floats(&df, "daily", "tasks_posted")?,
            tasks_done: floats(&df, "daily", "tasks_done")?,
        })
    }

    /// The first and last day recorded for a variant (the metric period), if any.
    pub fn window(&self, variant: usize) -> Option<(u32, u32)> {
        let days = self
            .variant
            .iter()
            .zip(&self.day)
            .filter(|(v, d)| **v == variant && d.is_finite())
            .map(|(_, d)| *d as u32);
        days.fold(None, |acc, d| match acc {
            None => Some((d, d)),
            Some((lo, hi)) => Some((lo.min(d), hi.max(d))),
        })
    }
}

/// One platform in one run: its books (`platform_runs`) and the paid hours of its
/// members (summed from `worker_platforms`).
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformRun {
    /// Variant index.
    pub variant: usize,
    /// Replicate.
    pub replicate: u32,
    /// Index into [`Platforms::names`].
    pub platform: usize,
    /// Workers' net pay there, US$.
    pub worker_net_usd: f64,
    /// The platform's fees, US$.
    pub platform_fee_usd: f64,
    /// Hours of approved work there (NaN when the folder has no `worker_platforms`).
    pub paid_hours: f64,
}

/// The per-platform tables of a scenario with several `[[platforms]]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Platforms {
    /// Platform names, in scenario order.
    pub names: Vec<String>,
    /// One row per platform per run.
    pub runs: Vec<PlatformRun>,
}

impl Platforms {
    /// Reads `platform_runs.parquet`, and the paid seconds of `worker_platforms.parquet`
    /// when it is there.
    pub fn read(folder: &mut Folder) -> Result<Platforms, OutputError> {
        let df = read_columns(
            &folder.path("platform_runs.parquet"),
            &[
                "variant",
                "replicate",
                "platform",
                "worker_net_cents",
                "platform_fee_cents",
            ],
        )?;
        let err = |e| OutputError::table("platform_runs", e);
        let variant = variant_indices(&df, "platform_runs", &mut folder.variants)?;
        let replicate = ids(&df, "platform_runs", "replicate")?;
        let net = floats(&df, "platform_runs", "worker_net_cents")?;
        let fees = floats(&df, "platform_runs", "platform_fee_cents")?;
        let mut names: Vec<String> = folder.scenario.platforms.iter().map(|p| p.name.clone()).collect();
        let mut index_of = |name: &str| match names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                names.push(name.to_string());
                names.len() - 1
            }
        };
        let platform: Vec<usize> = df
            .column("platform")
            .map_err(err)?
            .str()
            .map_err(err)?
            .iter()
            .map(|n| index_of(n.unwrap_or("")))
            .collect();
        let mut hours: HashMap<(usize, u32, usize), f64> = HashMap::new();
        let with_hours = folder.has("worker_platforms.parquet");
        if with_hours {
            let wp = read_columns(
                &folder.path("worker_platforms.parquet"),
                &["variant", "replicate", "platform", "paid_seconds"],
            )?;
            let err = |e| OutputError::table("worker_platforms", e);
            let v = variant_indices(&wp, "worker_platforms", &mut folder.variants)?;
            let r = ids(&wp, "worker_platforms", "replicate")?;
            let secs = floats(&wp, "worker_platforms", "paid_seconds")?;
            let names_col = wp.column("platform").map_err(err)?.str().map_err(err)?.clone();
            for (i, name) in names_col.iter().enumerate() {
                let p = index_of(name.unwrap_or(""));
                *hours.entry((v[i], r[i], p)).or_insert(0.0) += secs[i] / 3600.0;
            }
        }
        let runs = (0..variant.len())
            .map(|i| PlatformRun {
                variant: variant[i],
                replicate: replicate[i],
                platform: platform[i],
                worker_net_usd: net[i] / 100.0,
                platform_fee_usd: fees[i] / 100.0,
                paid_hours: if with_hours {
                    hours
                        .get(&(variant[i], replicate[i], platform[i]))
                        .copied()
                        .unwrap_or(0.0)
                } else {
                    f64::NAN
                },
            })
            .collect();
        Ok(Platforms { names, runs })
    }
}

/// A CSV file as text: its header and rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsvTable {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of fields.
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// Reads and parses a CSV file.
    pub fn read(path: &Path) -> Result<CsvTable, OutputError> {
        let text = std::fs::read_to_string(path).map_err(|e| OutputError::Read {
            path: path.to_path_buf(),
            source: e,
        })?;
        Ok(CsvTable::parse(&text))
    }

    /// Parses CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines).
    pub fn parse(text: &str) -> CsvTable {
        let mut records: Vec<Vec<String>> = Vec::new();
        let mut record: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        let mut any = false;
        while let Some(c) = chars.next() {
            any = true;
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    '"' => quoted = false,
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                    any = false;
                }
                _ => field.push(c),
            }
        }
        if any {
            record.push(field);
            records.push(record);
        }
        let mut records = records.into_iter();
        CsvTable {
            header: records.next().unwrap_or_default(),
            rows: records.filter(|r| !(r.len() == 1 && r[0].is_empty())).collect(),
        }
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The values of a column, each once, in the order they first appear.
    pub fn distinct(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rows {
            let v = self.text(r, name);
            if !out.iter().any(|o| o == v) {
                out.push(v.to_string());
            }
        }
        out
    }

    /// A field as text ("" when missing).
    pub fn text<'a>(&'a self, row: &'a [String], name: &str) -> &'a str {
        self.column(name).and_then(|i| row.get(i)).map_or("", String::as_str)
    }

    /// A field as a number (NaN when empty or not a number).
    pub fn number(&self, row: &[String], name: &str) -> f64 {
        self.text(row, name).trim().parse().unwrap_or(f64::NAN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_parser_handles_quotes_and_empty_fields() {
        let t = CsvTable::parse("variant,metric,mean,sd\n\"a,b\",gini,0.5,\n\"say \"\"hi\"\"\",x,1e3,2\r\n");
        assert_eq!(t.header, vec!["variant", "metric", "mean", "sd"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0], vec!["a,b", "gini", "0.5", ""]);
        assert_eq!(t.text(&t.rows[1], "variant"), "say \"hi\"");
        assert_eq!(t.number(&t.rows[1], "mean"), 1000.0);
        assert!(t.number(&t.rows[0], "sd").is_nan());
        assert!(t.number(&t.rows[0], "nope").is_nan());
        assert_eq!(t.distinct("metric"), ["gini", "x"]);
        assert_eq!(CsvTable::parse(""), CsvTable::default());
    }
}
