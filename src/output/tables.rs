//! The tables as polars frames, and their writers.
//!
//! Every frame is built from its table in `columns`, one polars column per entry, typed
//! by its getter (every integer is written `i64`: counts, ids, days, cents; rates are
//! `f64`, missing values are null). Final tables are written as a stream: frames arrive
//! in plan order and are cut into row groups of exactly [`ROW_GROUP_ROWS`] rows, so the
//! same rows give the same bytes whatever the chunking of the runs that produced them.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::OutputError;
use super::atomic::temp_path;
use super::columns::{self, Column as Col, Get};
use crate::model::record::RunRecord;

/// Rows per Parquet row group in final tables.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The run a per-run table's rows come from: it fills their `variant` and `replicate`.
#[derive(Clone, Copy, Debug)]
pub struct Run<'a> {
    /// Variant name.
    pub variant: &'a str,
    /// Replicate.
    pub replicate: u32,
}

/// A count as the tables write it: signed 64-bit (a count never reaches 2^63; one that
/// did would be clamped rather than wrap negative).
fn signed(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// One column's values from a slice of rows.
fn values<'a, R, T>(rows: &'a [R], get: impl Fn(&'a R) -> T) -> Vec<T> {
    rows.iter().map(get).collect()
}

/// The polars columns of `rows`, one per documented column, in order and of the type its
/// getter gives. Only a per-run table has a `run` to fill `variant` and `replicate` from.
pub fn build<R>(table: &str, run: Option<Run<'_>>, rows: &[R], columns: &[Col<R>]) -> Result<Vec<Column>, OutputError> {
    let n = rows.len();
    let run = || {
        run.ok_or_else(|| OutputError::Parts {
            path: PathBuf::from(table),
            message: "a table that is not per run has a variant or replicate column of the run".into(),
        })
    };
    columns
        .iter()
        .map(|c| {
            let name = c.name.into();
            Ok(match c.get {
                Get::Variant => Column::new(name, vec![run()?.variant; n]),
                Get::Replicate => Column::new(name, vec![i64::from(run()?.replicate); n]),
                Get::U32(f) => Column::new(name, values(rows, |r| i64::from(f(r)))),
                Get::U64(f) => Column::new(name, values(rows, |r| signed(f(r)))),
                Get::I64(f) => Column::new(name, values(rows, f)),
                Get::F64(f) => Column::new(name, values(rows, f)),
                Get::Bool(f) => Column::new(name, values(rows, f)),
                Get::Text(f) => Column::new(name, values(rows, f)),
                Get::MaybeText(f) => Column::new(name, values(rows, |r| Some(f(r)).filter(|t| !t.is_empty()))),
                Get::MaybeU32(f) => Column::new(name, values(rows, |r| f(r).map(i64::from))),
                Get::MaybeF64(f) => Column::new(name, values(rows, f)),
                Get::MaybeBool(f) => Column::new(name, values(rows, f)),
            })
        })
        .collect()
}

/// The frame of a table that is not per run (`summary`, `comparison`).
pub fn frame<R>(table: &str, rows: &[R], columns: &[Col<R>]) -> Result<DataFrame, OutputError> {
    let cols = build(table, None, rows, columns)?;
    DataFrame::new(rows.len(), cols).map_err(|e| OutputError::table(table, e))
}

fn run_frame<R>(
    table: &str,
    variant: &str,
    rec: &RunRecord,
    rows: &[R],
    columns: &[Col<R>],
) -> Result<DataFrame, OutputError> {
    let run = Run {
        variant,
        replicate: rec.replicate,
    };
    let cols = build(table, Some(run), rows, columns)?;
    DataFrame::new(rows.len(), cols).map_err(|e| OutputError::table(table, e))
}

/// The `runs` row of one run.
pub fn runs_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    run_frame("runs", variant, rec, std::slice::from_ref(&rec.run), columns::RUNS)
}

/// The `workers` rows of one run.
pub fn workers_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    run_frame("workers", variant, rec, &rec.workers, columns::WORKERS)
}

/// The `daily` rows of one run.
pub fn daily_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    run_frame("daily", variant, rec, &rec.daily, columns::DAILY)
}

/// The `worker_platforms` rows of one run (several platforms only; empty otherwise).
pub fn worker_platforms_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    run_frame(
        "worker_platforms",
        variant,
        rec,
        &rec.worker_platforms,
        columns::WORKER_PLATFORMS,
    )
}

/// The `platform_runs` rows of one run (several platforms only; empty otherwise).
pub fn platform_runs_frame(variant: &str, rec: &RunRecord) -> Result<DataFrame, OutputError> {
    run_frame("platform_runs", variant, rec, &rec.platforms, columns::PLATFORM_RUNS)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::{DailyRow, PlatformRunRow, WorkerPlatformRow, WorkerRow};
    use crate::output::columns::Doc;

    /// `columns.md` states each column's type from its table entry; this checks that the
    /// frames (and so the Parquet files) really have that type and those names.
    #[test]
    fn frames_have_the_documented_names_and_types() {
        let rec = RunRecord {
            replicate: 3,
            workers: vec![WorkerRow::default()],
            daily: vec![DailyRow::default()],
            worker_platforms: vec![WorkerPlatformRow::default()],
            platforms: vec![PlatformRunRow::default()],
            ..RunRecord::default()
        };
        let frames = [
            (runs_frame("base", &rec).unwrap(), columns::docs(columns::RUNS)),
            (workers_frame("base", &rec).unwrap(), columns::docs(columns::WORKERS)),
            (daily_frame("base", &rec).unwrap(), columns::docs(columns::DAILY)),
            (
                worker_platforms_frame("base", &rec).unwrap(),
                columns::docs(columns::WORKER_PLATFORMS),
            ),
            (
                platform_runs_frame("base", &rec).unwrap(),
                columns::docs(columns::PLATFORM_RUNS),
            ),
        ];
        for (df, docs) in frames {
            assert_eq!(df.height(), 1);
            let have: Vec<(&str, DataType)> = df
                .columns()
                .iter()
                .map(|c| (c.name().as_str(), c.dtype().clone()))
                .collect();
            let want: Vec<(&str, DataType)> = docs.iter().map(|d: &Doc| (d.name, polars_type(d.dtype))).collect();
            assert_eq!(have, want);
        }
    }

    fn polars_type(dtype: &str) -> DataType {
        match dtype.trim_end_matches(" or null") {
            "u32" => DataType::UInt32,
            "u64" => DataType::UInt64,
            "i64" => DataType::Int64,
            "f64" => DataType::Float64,
            "bool" => DataType::Boolean,
            "string" => DataType::String,
            other => panic!("no polars type for {other}"),
        }
    }
}
