//! The tables as polars frames, and their writers.
//!
//! Column names come from `columns`; types are explicit (counts and ids are unsigned
//! integers, money is `i64` cents, rates are `f64`, missing values are null). Final
//! tables are written as a stream: frames arrive in plan order and are cut into row
//! groups of exactly [`ROW_GROUP_ROWS`] rows, so the same rows give the same bytes
//! whatever the chunking of the runs that produced them.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::OutputError;
use super::atomic::temp_path;
use super::columns::{self, Column as Doc};
use crate::model::record::{DailyRow, RunRecord, RunRow, WorkerRow};

/// Rows per Parquet row group in final tables.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Checks built columns against the documented ones and makes the frame.
fn frame(table: &str, docs: &[Doc], cols: Vec<Column>) -> Result<DataFrame, OutputError> {
    let names: Vec<&str> = cols.iter().map(|c| c.name().as_str()).collect();
    let documented: Vec<&str> = docs.iter().map(|d| d.name).collect();
    if names != documented {
        return Err(OutputError::Parts {
            path: PathBuf::from(table),
            message: format!("columns {names:?} differ from the documented {documented:?}"),
        });
    }
    let height = cols.first().map_or(0, |c| c.len());
    DataFrame::new(height, cols).map_err(|e| OutputError::table(table, e))
}

fn c<T, P>(name: &str, values: T) -> Column
where
    Series: NamedFrom<T, P>,
    T: AsRef<P>,
    P: ?Sized,
{
    Column::new(name.into(), values)
}

/// One column's values from a slice of rows.
fn map<R, T>(rows: &[R], f: impl Fn(&R) -> T) -> Vec<T> {
    rows.iter().map(f).collect()
}

/// The `runs` row of one run.
pub fn runs_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    let r: &RunRow = &rec.run;
    frame(
        "runs",
        columns::RUNS,
        vec![
            c("variant", [variant]),
            c("replicate", [rec.replicate]),
            c("seed", [r.seed]),
            c("days", [r.days]),
            c("workers_registered", [r.workers_registered]),
            c("workers_active", [r.workers_active]),
            c("tasks_posted", [r.tasks_posted]),
            c("tasks_done", [r.tasks_done]),
            c("tasks_unfilled", [r.tasks_unfilled]),
            c("hours_paid", [r.hours_paid]),
            c("hours_unpaid", [r.hours_unpaid]),
            c("requester_spend_cents", [r.requester_spend_cents]),
            c("worker_net_cents", [r.worker_net_cents]),
            c("paid_out_cents", [r.paid_out_cents]),
            c("pending_cents", [r.pending_cents]),
            c("platform_fee_cents", [r.platform_fee_cents]),
            c("levy_cents", [r.levy_cents]),
            c("processing_cents", [r.processing_cents]),
            c("forfeited_cents", [r.forfeited_cents]),
            c("gini_net_income", [r.gini_net_income]),
            c("top10_share_net_income", [r.top10_share_net_income]),
            c("share_never_paid", [r.share_never_paid]),
            c("mean_hourly_wage", [r.mean_hourly_wage]),
            c("median_hourly_wage", [r.median_hourly_wage]),
            c("median_hourly_wage_all_time", [r.median_hourly_wage_all_time]),
            c("share_below_wage_floor", [r.share_below_wage_floor]),
            c("floor_raised_tasks", [r.floor_raised_tasks]),
            c("floor_dropped_tasks", [r.floor_dropped_tasks]),
        ],
    )
}

/// The `workers` rows of one run.
pub fn workers_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    let w: &[WorkerRow] = &rec.workers;
    let n = w.len();
    frame(
        "workers",
        columns::WORKERS,
        vec![
            c("variant", vec![variant; n]),
            c("replicate", vec![rec.replicate; n]),
            c("worker_id", map(w, |x| x.worker_id)),
            c("entered_day", map(w, |x| x.entered_day)),
            c("exited_day", map(w, |x| x.exited_day)),
            c("first_task_day", map(w, |x| x.first_task_day)),
            c("platforms_joined", map(w, |x| x.platforms_joined)),
            c("tasks_done", map(w, |x| x.tasks_done)),
            c("tasks_rejected", map(w, |x| x.tasks_rejected)),
            c("tasks_returned", map(w, |x| x.tasks_returned)),
            c("gross_cents", map(w, |x| x.gross_cents)),
            c("fee_cents", map(w, |x| x.fee_cents)),
            c("net_cents", map(w, |x| x.net_cents)),
            c("paid_out_cents", map(w, |x| x.paid_out_cents)),
            c("pending_cents", map(w, |x| x.pending_cents)),
            c("forfeited_cents", map(w, |x| x.forfeited_cents)),
            c("paid_seconds", map(w, |x| x.paid_seconds)),
            c("unpaid_seconds", map(w, |x| x.unpaid_seconds)),
            c("idle_seconds", map(w, |x| x.idle_seconds)),
            c("offers_received", map(w, |x| x.offers_received)),
            c("offers_accepted", map(w, |x| x.offers_accepted)),
            c("hourly_wage", map(w, |x| x.hourly_wage)),
            c("hourly_wage_all_time", map(w, |x| x.hourly_wage_all_time)),
            c("rating", map(w, |x| x.rating)),
            c("reviews", map(w, |x| x.reviews)),
            c("approval_rate", map(w, |x| x.approval_rate)),
            c("experience_tasks", map(w, |x| x.experience_tasks)),
            c("uses_tools", map(w, |x| x.uses_tools)),
            c("tax_cents", map(w, |x| x.tax_cents)),
            c("after_tax_cents", map(w, |x| x.after_tax_cents)),
            c("specialty", w.iter().map(|x| x.specialty.as_str()).collect::<Vec<_>>()),
        ],
    )
}

/// The `daily` rows of one run.
pub fn daily_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    let w: &[DailyRow] = &rec.daily;
    let n = w.len();
    frame(
        "daily",
        columns::DAILY,
        vec![
            c("variant", vec![variant; n]),
            c("replicate", vec![rec.replicate; n]),
            c("day", map(w, |x| x.day)),
            c("demand_multiplier", map(w, |x| x.demand_multiplier)),
            c("tasks_posted", map(w, |x| x.tasks_posted)),
            c("tasks_done", map(w, |x| x.tasks_done)),
            c("tasks_unfilled", map(w, |x| x.tasks_unfilled)),
            c("workers_active", map(w, |x| x.workers_active)),
            c("entries", map(w, |x| x.entries)),
            c("exits", map(w, |x| x.exits)),
            c("mean_hourly_wage", map(w, |x| x.mean_hourly_wage)),
            c("median_hourly_wage", map(w, |x| x.median_hourly_wage)),
            c("platform_fee_cents", map(w, |x| x.platform_fee_cents)),
            c("worker_net_cents", map(w, |x| x.worker_net_cents)),
            c("surge_multiplier", map(w, |x| x.surge_multiplier)),
        ],
    )
}

/// The `worker_platforms` rows of one run (several platforms only; empty otherwise).
pub fn worker_platforms_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    let w = &rec.worker_platforms;
    let n = w.len();
    frame(
        "worker_platforms",
        columns::WORKER_PLATFORMS,
        vec![
            c("variant", vec![variant; n]),
            c("replicate", vec![rec.replicate; n]),
            c("worker_id", map(w, |x| x.worker_id)),
            c("platform", w.iter().map(|x| x.platform.as_str()).collect::<Vec<_>>()),
            c("tasks_done", map(w, |x| x.tasks_done)),
            c("tasks_rejected", map(w, |x| x.tasks_rejected)),
            c("tasks_returned", map(w, |x| x.tasks_returned)),
            c("gross_cents", map(w, |x| x.gross_cents)),
            c("fee_cents", map(w, |x| x.fee_cents)),
            c("net_cents", map(w, |x| x.net_cents)),
            c("paid_out_cents", map(w, |x| x.paid_out_cents)),
            c("pending_cents", map(w, |x| x.pending_cents)),
            c("forfeited_cents", map(w, |x| x.forfeited_cents)),
            c("paid_seconds", map(w, |x| x.paid_seconds)),
            c("unpaid_seconds", map(w, |x| x.unpaid_seconds)),
            c("idle_seconds", map(w, |x| x.idle_seconds)),
            c("offers_received", map(w, |x| x.offers_received)),
            c("offers_accepted", map(w, |x| x.offers_accepted)),
            c("hourly_wage", map(w, |x| x.hourly_wage)),
            c("rating", map(w, |x| x.rating)),
            c("reviews", map(w, |x| x.reviews)),
            c("approval_rate", map(w, |x| x.approval_rate)),
        ],
    )
}

/// The `platform_runs` rows of one run (several platforms only; empty otherwise).
pub fn platform_runs_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    let w = &rec.platforms;
    let n = w.len();
    frame(
        "platform_runs",
        columns::PLATFORM_RUNS,
        vec![
            c("variant", vec![variant; n]),
            c("replicate", vec![rec.replicate; n]),
            c("platform", w.iter().map(|x| x.platform.as_str()).collect::<Vec<_>>()),
            c("workers_joined", map(w, |x| x.workers_joined)),
            c("workers_active", map(w, |x| x.workers_active)),
            c("tasks_posted", map(w, |x| x.tasks_posted)),
            c("tasks_done", map(w, |x| x.tasks_done)),
            c("tasks_unfilled", map(w, |x| x.tasks_unfilled)),
            c("requester_spend_cents", map(w, |x| x.requester_spend_cents)),
            c("worker_net_cents", map(w, |x| x.worker_net_cents)),
            c("paid_out_cents", map(w, |x| x.paid_out_cents)),
            c("pending_cents", map(w, |x| x.pending_cents)),
            c("platform_fee_cents", map(w, |x| x.platform_fee_cents)),
            c("levy_cents", map(w, |x| x.levy_cents)),
            c("processing_cents", map(w, |x| x.processing_cents)),
            c("forfeited_cents", map(w, |x| x.forfeited_cents)),
            c("median_hourly_wage", map(w, |x| x.median_hourly_wage)),
        ],
    )
}

/// Parquet writer settings shared by parts and final tables: zstd, statistics, and no
/// timestamps, so equal frames give equal bytes.
fn parquet_writer(file: File) -> ParquetWriter<File> {
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .with_row_group_size(Some(ROW_GROUP_ROWS))
        .set_parallel(false)
}

/// Writes a frame as a whole Parquet file (one row group per `ROW_GROUP_ROWS` rows).
pub fn write_parquet(path: &Path, table: &str, df: &mut DataFrame) -> Result<(), OutputError> {
    let tmp = temp_path(path);
    let file = File::create(&tmp).map_err(|e| OutputError::write(&tmp, e))?;
    let result = parquet_writer(file)
        .finish(df)
        .map_err(|e| OutputError::table(table, e));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|e| OutputError::write(path, e))
}

/// Writes a frame as a whole CSV file (header, comma-separated, empty for null).
pub fn write_csv(path: &Path, table: &str, df: &mut DataFrame) -> Result<(), OutputError> {
    let mut f = super::atomic::AtomicFile::create(path)?;
    CsvWriter::new(f.writer())
        .include_header(true)
        .finish(df)
        .map_err(|e| OutputError::table(table, e))?;
    f.commit()
}

/// Reads a Parquet file, or `rows` rows of it from `offset`.
pub fn read_parquet(path: &Path, slice: Option<(usize, usize)>) -> Result<DataFrame, OutputError> {
    let file = File::open(path).map_err(|e| OutputError::Read {
        path: path.into(),
        source: e,
    })?;
    ParquetReader::new(file)
        .with_slice(slice)
        .finish()
        .map_err(|e| OutputError::table(&path.display().to_string(), e))
}

/// A final table written as frames arrive: Parquet always, CSV when asked.
pub struct TableWriter {
    table: String,
    parquet_path: PathBuf,
    parquet: Option<polars::io::parquet::write::BatchedWriter<File>>,
    csv_path: Option<PathBuf>,
    csv: Option<polars::io::csv::write::BatchedWriter<File>>,
    pending: Option<DataFrame>,
    rows: usize,
}

impl TableWriter {
    /// Starts writing `<dir>/<table>.parquet` (and `.csv` when `csv`).
    pub fn create(dir: &Path, table: &str, schema: &Schema, csv: bool) -> Result<Self, OutputError> {
        let parquet_path = dir.join(format!("{table}.parquet"));
        let tmp = temp_path(&parquet_path);
        let file = File::create(&tmp).map_err(|e| OutputError::write(&tmp, e))?;
        let parquet = parquet_writer(file)
            .batched(schema)
            .map_err(|e| OutputError::table(table, e))?;
        let (csv_path, csv) = if csv {
            let path = dir.join(format!("{table}.csv"));
            let tmp = temp_path(&path);
            let file = File::create(&tmp).map_err(|e| OutputError::write(&tmp, e))?;
            let writer = CsvWriter::new(file)
                .include_header(true)
                .batched(schema)
                .map_err(|e| OutputError::table(table, e))?;
            (Some(path), Some(writer))
        } else {
            (None, None)
        };
        Ok(TableWriter {
            table: table.into(),
            parquet_path,
            parquet: Some(parquet),
            csv_path,
            csv,
            pending: None,
            rows: 0,
        })
    }

    /// Appends rows.
    pub fn push(&mut self, df: &DataFrame) -> Result<(), OutputError> {
        let table = self.table.clone();
        let err = |e| OutputError::table(&table, e);
        if let Some(csv) = &mut self.csv {
            csv.write_batch(df).map_err(err)?;
        }
        self.rows += df.height();
        match &mut self.pending {
            Some(p) => {
                p.vstack_mut(df).map_err(err)?;
            }
            None => self.pending = Some(df.clone()),
        }
        while self.pending.as_ref().is_some_and(|p| p.height() >= ROW_GROUP_ROWS) {
            let p = self.pending.take().expect("checked");
            let mut head = p.slice(0, ROW_GROUP_ROWS);
            head.rechunk_mut();
            self.parquet.as_mut().expect("open").write_batch(&head).map_err(err)?;
            let rest = p.slice(ROW_GROUP_ROWS as i64, p.height() - ROW_GROUP_ROWS);
            self.pending = (rest.height() > 0).then_some(rest);
        }
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes what is left and moves the files into place; returns their paths.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let table = self.table.clone();
        let err = |e| OutputError::table(&table, e);
        let mut parquet = self.parquet.take().expect("open");
        if let Some(mut rest) = self.pending.take() {
            rest.rechunk_mut();
            parquet.write_batch(&rest).map_err(err)?;
        }
        parquet.finish().map_err(err)?;
        drop(parquet);
        let tmp = temp_path(&self.parquet_path);
        std::fs::rename(&tmp, &self.parquet_path).map_err(|e| OutputError::write(&self.parquet_path, e))?;
        let mut written = vec![self.parquet_path.clone()];
        if let (Some(mut csv), Some(path)) = (self.csv.take(), self.csv_path.take()) {
            csv.finish().map_err(err)?;
            drop(csv);
            std::fs::rename(temp_path(&path), &path).map_err(|e| OutputError::write(&path, e))?;
            written.push(path);
        }
        Ok(written)
    }
}

impl Drop for TableWriter {
    /// A writer dropped before `finish` removes its temporary files.
    fn drop(&mut self) {
        if self.parquet.take().is_some() {
            let _ = std::fs::remove_file(temp_path(&self.parquet_path));
        }
        if let (Some(_), Some(path)) = (self.csv.take(), &self.csv_path) {
            let _ = std::fs::remove_file(temp_path(path));
        }
    }
}
