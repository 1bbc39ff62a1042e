//! Atomic file writes: every file is written under a temporary name beside its final
//! one and renamed into place when complete, so an interrupted or failed run never
//! leaves half a file where a good one was. Temporary names share one marker, so the
//! leftovers of an interrupted run can be found and removed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::OutputError;

/// The marker in the names of temporary files.
pub const TEMP_MARKER: &str = ".gigsim-tmp-";

/// The temporary name for `path`: hidden, in the same folder (so the rename is atomic),
/// and unique to this process.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{TEMP_MARKER}{}", std::process::id()))
}

/// A file being written under its temporary name.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `target`.
    pub fn create(target: &Path) -> Result<Self, OutputError> {
        let temp = temp_path(target);
        let file = File::create(&temp).map_err(|e| OutputError::write(&temp, e))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("writer is present until commit")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let writer = self.writer.take().expect("writer is present until commit");
        let file = writer
            .into_inner()
            .map_err(|e| OutputError::write(&self.temp, e.into_error()))?;
        file.sync_all().map_err(|e| OutputError::write(&self.temp, e))?;
        drop(file);
        std::fs::rename(&self.temp, &self.target).map_err(|e| OutputError::write(&self.target, e))
    }
}

impl Drop for AtomicFile {
    /// A file dropped before `commit` is removed: nothing half-written stays behind.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes a whole file atomically.
pub fn write_file(target: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(target)?;
    f.writer().write_all(bytes).map_err(|e| OutputError::write(target, e))?;
    f.commit()
}

/// Removes every temporary file under `dir` (recursively), e.g. after an interruption.
pub fn remove_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_temporaries(&path);
        } else if entry.file_name().to_string_lossy().contains(TEMP_MARKER) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_file_leaves_nothing_and_commit_replaces() {
        let dir = std::env::temp_dir().join(format!("gigsim-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("t.csv");
        write_file(&target, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        write_file(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
