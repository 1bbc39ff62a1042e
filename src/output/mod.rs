//! Everything that touches files: the output folder, atomic writes, part files of
//! finished runs and the records that tie them to a study (shards, resume), the final
//! tables (Parquet and CSV through polars), the summary, the manifest, the column
//! documentation, and the charts and report drawn from a finished folder. The runner
//! knows nothing of file formats.

pub mod atomic;
pub mod charts;
pub mod columns;
pub mod comparison;
pub mod evaluations;
pub mod folder;
pub mod lock;
pub mod manifest;
pub mod parts;
pub mod report;
pub mod shard;
pub mod summary;
pub mod tables;

use std::path::PathBuf;

/// Errors while writing or reading results.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// `--out` names a folder with files in it and `--force` was not given.
    #[error(
        "output folder {path} already exists and is not empty; pass --force to write into it, or choose another --out"
    )]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// Another gigsim is writing the folder (it holds the folder's lock).
    #[error(
        "{holder} is writing to {path}; wait for it to finish, or choose another --out (two runs into one folder would mix their results)"
    )]
    Busy {
        /// The folder.
        path: PathBuf,
        /// Who holds the lock (with its process id when known).
        holder: String,
    },
    /// The output folder cannot be created or written: a bad `--out` (or working
    /// folder), found before any work starts. Exit code 2, like other bad input.
    #[error("cannot write results to {path}: {reason}{hint}")]
    Unusable {
        /// The folder.
        path: PathBuf,
        /// What the system said, or what is wrong.
        reason: String,
        /// How to fix it, where we can tell.
        hint: String,
    },
    /// A folder could not be created.
    #[error("cannot create folder {path}: {source}{hint}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
        /// How to fix it, where we can tell.
        hint: String,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}{hint}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
        /// How to fix it, where we can tell.
        hint: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// polars failed to build, write or read a table.
    #[error("table {table}: {source}")]
    Table {
        /// The table.
        table: String,
        /// What polars said.
        #[source]
        source: polars::error::PolarsError,
    },
    /// Part files that do not fit together.
    #[error("{path}: {message}")]
    Parts {
        /// The folder or file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A chart or report could not be made from a results folder (an unreadable
    /// manifest, or drawing failed).
    #[error("charts for {path}: {message}")]
    Chart {
        /// The folder or chart file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A hint for common I/O failures, to append to messages.
pub(crate) fn io_hint(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            " (permission denied: choose a folder you can write to with --out, or fix its permissions)".into()
        }
        std::io::ErrorKind::StorageFull => " (the disk is full: free space or choose another --out)".into(),
        std::io::ErrorKind::ReadOnlyFilesystem => " (read-only file system: choose another --out)".into(),
        std::io::ErrorKind::NotADirectory => {
            " (a part of the path is a file, not a folder: choose another --out)".into()
        }
        _ => String::new(),
    }
}

impl OutputError {
    pub(crate) fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let hint = io_hint(&source);
        OutputError::Write {
            path: path.into(),
            source,
            hint,
        }
    }

    pub(crate) fn create_dir(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let hint = io_hint(&source);
        OutputError::CreateDir {
            path: path.into(),
            source,
            hint,
        }
    }

    pub(crate) fn unusable(path: impl Into<PathBuf>, source: &std::io::Error) -> Self {
        OutputError::Unusable {
            path: path.into(),
            reason: source.to_string(),
            hint: io_hint(source),
        }
    }

    pub(crate) fn table(table: &str, source: polars::error::PolarsError) -> Self {
        OutputError::Table {
            table: table.into(),
            source,
        }
    }
}
