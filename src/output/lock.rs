//! One writer per results folder. A command that writes a folder holds an OS lock
//! (`flock`) on `.gigsim.lock` in it for as long as it writes, so a second gigsim — a
//! `--force` into the same `--out`, say — is refused before it touches anything, with
//! the first one's process id. The OS releases the lock on any exit, kill -9 included,
//! so a lock file left behind by a killed run never blocks the next one: the file is
//! only where the pid is written, and it is removed when the writer finishes.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::OutputError;

/// The lock file's name in a results folder.
pub const LOCK_FILE: &str = ".gigsim.lock";

/// A held lock on a results folder; dropping it removes the lock file and releases it.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    path: PathBuf,
}

/// Takes the lock on the folder `dir` (which exists), or says which process holds it.
pub fn lock(dir: &Path) -> Result<FolderLock, OutputError> {
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| OutputError::unusable(dir, &e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            return Err(OutputError::Busy {
                path: dir.into(),
                holder: if pid.is_empty() {
                    "another gigsim".into()
                } else {
                    format!("gigsim process {pid}")
                },
            });
        }
        Err(TryLockError::Error(e)) => return Err(OutputError::unusable(dir, &e)),
    }
    // Ours now: record who holds it, for the message a second writer gets.
    let pid = std::process::id().to_string();
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(pid.as_bytes()));
    written.map_err(|e| OutputError::unusable(dir, &e))?;
    Ok(FolderLock { file, path })
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Removed while still locked, so no other writer can hold the old file meanwhile.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_first_ones_pid_until_it_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        let e = lock(dir.path()).unwrap_err().to_string();
        assert!(e.contains(&std::process::id().to_string()), "{e}");
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists());
        lock(dir.path()).unwrap();
    }
}
