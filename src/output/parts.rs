//! Part files: where finished runs go while a study is running, and how the final
//! tables are assembled from them.
//!
//! A chunk of runs writes one Parquet file per table, with one row group per run, under
//! temporary names; when the chunk is done the files are renamed and a small JSON marker
//! is written last. Only chunks with a marker count as complete, so a run killed at any
//! moment leaves nothing that resume or merge would take for finished work. The final
//! tables read each run back (one row group) in plan order.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::OutputError;
use super::atomic::{temp_path, write_file};
use super::tables::{
    TableWriter, daily_frame, platform_runs_frame, read_parquet, runs_frame, worker_platforms_frame, workers_frame,
};
use crate::model::record::RunRecord;
use crate::runner::{ChunkSink, PlanEntry};

/// The per-run tables, in the order parts hold them. The last two have rows only when a
/// scenario has several platforms, and are written only then.
pub const RUN_TABLES: [&str; 5] = ["runs", "workers", "daily", "worker_platforms", "platform_runs"];

/// Tables the user chooses with `--tables` (the others follow the scenario).
pub const CHOSEN_TABLES: [&str; 3] = ["runs", "workers", "daily"];

/// The name of the folder that holds part files inside an output folder.
pub const PARTIAL_DIR: &str = "partial";

/// What a chunk's marker records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkMarker {
    /// Plan indices of the chunk's runs, in order.
    pub plan_indices: Vec<u32>,
    /// Rows per run, per table.
    pub rows: BTreeMap<String, Vec<u64>>,
}

/// Stores finished runs as part files in a folder.
pub struct PartStore {
    dir: PathBuf,
    variant_names: Vec<String>,
}

/// A chunk being written.
pub struct ChunkPart {
    first: u32,
    writers: Vec<Option<(PathBuf, BatchedWriter<File>)>>,
    marker: ChunkMarker,
}

impl Drop for ChunkPart {
    fn drop(&mut self) {
        for (path, _) in self.writers.iter().flatten() {
            let _ = std::fs::remove_file(temp_path(path));
        }
    }
}

impl PartStore {
    /// Part files go in `dir`, created if needed.
    pub fn new(dir: &Path, variant_names: Vec<String>) -> Result<Self, OutputError> {
        super::folder::create(dir)?;
        Ok(PartStore {
            dir: dir.to_path_buf(),
            variant_names,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn stem(first: u32) -> String {
    format!("chunk-{first:07}")
}

fn marker_path(dir: &Path, first: u32) -> PathBuf {
    dir.join(format!("{}.json", stem(first)))
}

/// The part file of one table of a chunk.
pub fn part_path(dir: &Path, first: u32, table: &str) -> PathBuf {
    dir.join(format!("{}.{table}.parquet", stem(first)))
}

/// Syncs a folder, so the renames into it survive a crash of the machine.
pub fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| OutputError::write(dir, e))
}

impl ChunkSink for PartStore {
    type Part = ChunkPart;
    type Error = OutputError;

    fn begin(&self, chunk: &[PlanEntry]) -> Result<ChunkPart, OutputError> {
        Ok(ChunkPart {
            first: chunk.first().map_or(0, |e| e.index),
            writers: (0..RUN_TABLES.len()).map(|_| None).collect(),
            marker: ChunkMarker {
                plan_indices: Vec::new(),
                rows: RUN_TABLES.iter().map(|t| (t.to_string(), Vec::new())).collect(),
            },
        })
    }

    fn add(&self, part: &mut ChunkPart, entry: &PlanEntry, record: RunRecord) -> Result<(), OutputError> {
        let variant = &self.variant_names[entry.variant as usize];
        let frames = [
            runs_frame(variant, &record)?,
            workers_frame(variant, &record)?,
            daily_frame(variant, &record)?,
            worker_platforms_frame(variant, &record)?,
            platform_runs_frame(variant, &record)?,
        ];
        drop(record);
        for (k, df) in frames.iter().enumerate() {
            let table = RUN_TABLES[k];
            if part.writers[k].is_none() {
                let path = part_path(&self.dir, part.first, table);
                let tmp = temp_path(&path);
                let file = File::create(&tmp).map_err(|e| OutputError::write(&tmp, e))?;
                let writer = ParquetWriter::new(file)
                    .with_compression(ParquetCompression::Zstd(None))
                    .set_parallel(false)
                    .batched(df.schema())
                    .map_err(|e| OutputError::table(table, e))?;
                part.writers[k] = Some((path, writer));
            }
            let (_, writer) = part.writers[k].as_mut().expect("just created");
            writer.write_batch(df).map_err(|e| OutputError::table(table, e))?;
            part.marker
                .rows
                .get_mut(table)
                .expect("every table")
                .push(df.height() as u64);
        }
        part.marker.plan_indices.push(entry.index);
        Ok(())
    }

    /// Finishes the part files, syncs them to disk, renames them into place, then writes
    /// the chunk marker (itself synced and renamed) and syncs the folder: a marker never
    /// exists without its complete parts, even after a crash of the machine.
    fn finish(&self, mut part: ChunkPart) -> Result<(), OutputError> {
        for slot in part.writers.iter_mut() {
            if let Some((path, writer)) = slot.take() {
                writer
                    .finish()
                    .map_err(|e| OutputError::table(&path.display().to_string(), e))?;
                drop(writer);
                let tmp = temp_path(&path);
                File::open(&tmp)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| OutputError::write(&tmp, e))?;
                std::fs::rename(&tmp, &path).map_err(|e| OutputError::write(&path, e))?;
            }
        }
        let json = serde_json::to_vec_pretty(&part.marker).expect("a marker serializes");
        write_file(&marker_path(&self.dir, part.first), &json)?;
        sync_dir(&self.dir)
    }
}

/// A complete chunk found on disk.
#[derive(Clone, Debug)]
pub struct FoundChunk {
    /// The folder it is in.
    pub dir: PathBuf,
    /// First plan index (names its files).
    pub first: u32,
    /// Its marker.
    pub marker: ChunkMarker,
}

/// The chunk markers in a folder: (first plan index, path), in no particular order.
fn marker_files(dir: &Path) -> Vec<(u32, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let first = name
                .strip_prefix("chunk-")?
                .strip_suffix(".json")?
                .parse::<u32>()
                .ok()?;
            Some((first, entry.path()))
        })
        .collect()
}

fn read_marker(path: &Path) -> Result<ChunkMarker, OutputError> {
    let bytes = std::fs::read(path).map_err(|e| OutputError::Read {
        path: path.into(),
        source: e,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| OutputError::Parts {
        path: path.into(),
        message: format!("unreadable chunk marker: {e}"),
    })
}

/// The complete chunks in a folder (those with a marker), by first plan index.
pub fn complete_chunks(dir: &Path) -> Result<Vec<FoundChunk>, OutputError> {
    let mut found = Vec::new();
    for (first, path) in marker_files(dir) {
        found.push(FoundChunk {
            dir: dir.to_path_buf(),
            first,
            marker: read_marker(&path)?,
        });
    }
    found.sort_by_key(|c| c.first);
    Ok(found)
}

/// Whether any chunk marker is in a folder.
pub fn has_chunks(dir: &Path) -> bool {
    !marker_files(dir).is_empty()
}

/// Prepares a parts folder for `--resume`: keeps each complete chunk whose marker lists
/// exactly the runs that `expected` (the deterministic chunks of this plan and shard)
/// gives for its first index and whose part files are all there, and removes every
/// other file except those named in `keep` — temporary files, part files without a
/// marker (a chunk killed while finishing), chunks of another cut. Returns the chunks
/// kept, by first plan index.
pub fn keep_complete(dir: &Path, expected: &[Vec<PlanEntry>], keep: &[&str]) -> Result<Vec<FoundChunk>, OutputError> {
    let wanted: BTreeMap<u32, Vec<u32>> = expected
        .iter()
        .filter_map(|c| Some((c.first()?.index, c.iter().map(|e| e.index).collect())))
        .collect();
    let mut kept = Vec::new();
    let mut names: BTreeSet<String> = keep.iter().map(|k| k.to_string()).collect();
    for (first, path) in marker_files(dir) {
        let Ok(marker) = read_marker(&path) else {
            continue;
        };
        let parts: Vec<PathBuf> = RUN_TABLES.iter().map(|t| part_path(dir, first, t)).collect();
        if wanted.get(&first) != Some(&marker.plan_indices) || !parts.iter().all(|p| p.is_file()) {
            continue;
        }
        names.extend(
            parts
                .iter()
                .chain(std::iter::once(&path))
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned()),
        );
        kept.push(FoundChunk {
            dir: dir.to_path_buf(),
            first,
            marker,
        });
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_file() && !names.contains(&name) {
                std::fs::remove_file(entry.path()).map_err(|e| OutputError::write(entry.path(), e))?;
            }
        }
    }
    kept.sort_by_key(|c| c.first);
    Ok(kept)
}

/// Where one run's rows are: the chunk and the row offset in each table's part.
#[derive(Clone, Debug)]
struct RunLocation {
    chunk: usize,
    offsets: [u64; RUN_TABLES.len()],
    rows: [u64; RUN_TABLES.len()],
}

/// The final tables of a study.
pub struct Assembled {
    /// The `runs` table (always read, for the summary).
    pub runs: DataFrame,
    /// The table files written.
    pub files: Vec<PathBuf>,
}

/// Assembles final tables from complete chunks, in plan order, checking that the chunks
/// cover `plan_len` runs exactly once. `tables` chooses which of runs/workers/daily to
/// write; `csv` which of them also get CSV.
pub fn assemble(
    chunks: &[FoundChunk],
    plan_len: usize,
    out: &Path,
    tables: &[&str],
    csv: &dyn Fn(&str, usize) -> bool,
) -> Result<Assembled, OutputError> {
    let mut locations: Vec<Option<RunLocation>> = vec![None; plan_len];
    for (ci, chunk) in chunks.iter().enumerate() {
        let mut offsets = [0u64; RUN_TABLES.len()];
        for (k, &index) in chunk.marker.plan_indices.iter().enumerate() {
            let mut rows = [0u64; RUN_TABLES.len()];
            for (t, table) in RUN_TABLES.iter().enumerate() {
                rows[t] = chunk
                    .marker
                    .rows
                    .get(*table)
                    .and_then(|r| r.get(k))
                    .copied()
                    .unwrap_or(0);
            }
            let slot = locations.get_mut(index as usize).ok_or_else(|| OutputError::Parts {
                path: chunk.dir.clone(),
                message: format!(
                    "chunk {} holds run {index}, beyond the plan of {plan_len} runs",
                    chunk.first
                ),
            })?;
            if slot.is_some() {
                return Err(OutputError::Parts {
                    path: chunk.dir.clone(),
                    message: format!("run {index} appears in more than one chunk"),
                });
            }
            *slot = Some(RunLocation {
                chunk: ci,
                offsets,
                rows,
            });
            for t in 0..RUN_TABLES.len() {
                offsets[t] += rows[t];
            }
        }
    }
    let missing: Vec<usize> = locations
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_none())
        .map(|(i, _)| i)
        .collect();
    if !missing.is_empty() {
        return Err(OutputError::Parts {
            path: out.to_path_buf(),
            message: format!("runs missing from the parts: {}", summarize_indices(&missing)),
        });
    }
    let mut runs_df: Option<DataFrame> = None;
    let mut files = Vec::new();
    for (t, table) in RUN_TABLES.iter().enumerate() {
        let total: u64 = locations.iter().flatten().map(|l| l.rows[t]).sum();
        // The per-platform tables exist only for scenarios with several platforms; the
        // runs table is always read, for the summary.
        let write = if CHOSEN_TABLES.contains(table) {
            tables.contains(table)
        } else {
            total > 0
        };
        if !write && *table != "runs" {
            continue;
        }
        let mut writer: Option<TableWriter> = None;
        for loc in locations.iter().flatten() {
            let chunk = &chunks[loc.chunk];
            let path = part_path(&chunk.dir, chunk.first, table);
            let df = read_parquet(&path, Some((loc.offsets[t] as usize, loc.rows[t] as usize)))?;
            if *table == "runs" {
                match &mut runs_df {
                    Some(all) => {
                        all.vstack_mut(&df).map_err(|e| OutputError::table("runs", e))?;
                    }
                    None => runs_df = Some(df.clone()),
                }
            }
            if write {
                if writer.is_none() {
                    writer = Some(TableWriter::create(
                        out,
                        table,
                        df.schema(),
                        csv(table, total as usize),
                    )?);
                }
                writer.as_mut().expect("created").push(&df)?;
            }
        }
        if let Some(w) = writer {
            files.extend(w.finish()?);
        }
    }
    let mut runs = runs_df.unwrap_or_default();
    runs.rechunk_mut();
    Ok(Assembled { runs, files })
}

/// `0-3, 7, 9-12` for a sorted list of indices.
pub fn summarize_indices(indices: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        let mut end = start;
        while i + 1 < indices.len() && indices[i + 1] == end + 1 {
            i += 1;
            end = indices[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_ranges_are_compact() {
        assert_eq!(summarize_indices(&[0, 1, 2, 3, 7, 9, 10]), "0-3, 7, 9-10");
        assert_eq!(summarize_indices(&[]), "");
    }
}
