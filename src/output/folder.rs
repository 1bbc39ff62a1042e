//! Where results go: a new dated folder per run by default, or a folder the user names,
//! which is refused when it already holds files unless they ask to write into it.

use std::path::{Path, PathBuf};

use super::OutputError;

/// A scenario name made safe as one folder name: letters, digits, `-`, `_` and inner
/// dots are kept, anything else (slashes, `..`, spaces) becomes `_`, so no name can
/// reach outside the output folder.
pub fn safe_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while out.starts_with('.') {
        out.remove(0);
    }
    out.truncate(80);
    if out.is_empty() || out.chars().all(|c| c == '_' || c == '.') {
        "scenario".into()
    } else {
        out
    }
}

/// The current UTC time as `YYYY-MM-DDTHH-MM-SSZ` (safe in file names).
pub fn timestamp_for_path() -> String {
    let (date, h, m, s) = utc_now();
    format!("{date}T{h:02}-{m:02}-{s:02}Z")
}

/// The current UTC time as ISO 8601 (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn timestamp_iso() -> String {
    let (date, h, m, s) = utc_now();
    format!("{date}T{h:02}:{m:02}:{s:02}Z")
}

fn utc_now() -> (String, u64, u64, u64) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, mo, d) = civil_from_days(days);
    (format!("{y:04}-{mo:02}-{d:02}"), rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Whether a folder exists and holds anything.
pub fn is_non_empty(dir: &Path) -> bool {
    // The lock file of a run that holds the folder, or was killed, is not content.
    std::fs::read_dir(dir)
        .map(|mut d| d.any(|e| e.is_ok_and(|e| e.file_name() != super::lock::LOCK_FILE)))
        .unwrap_or(false)
}

/// Chooses the output folder without creating it: `out` when given (refused when it
/// holds files and `force` is off), else a new `output/<name>/<timestamp>/` under
/// `base` (with `-2`, `-3`, … when two runs start in the same second).
pub fn choose(out: Option<&Path>, force: bool, scenario_name: &str, base: &Path) -> Result<PathBuf, OutputError> {
    if let Some(dir) = out {
        if dir.exists() && !dir.is_dir() {
            return Err(OutputError::Unusable {
                path: dir.into(),
                reason: "it exists and is not a folder".into(),
                hint: " (choose another --out)".into(),
            });
        }
        if is_non_empty(dir) && !force {
            return Err(OutputError::NotEmpty { path: dir.into() });
        }
        return Ok(dir.to_path_buf());
    }
    let parent = base.join("output").join(safe_name(scenario_name));
    let stamp = timestamp_for_path();
    let mut dir = parent.join(&stamp);
    let mut n = 2;
    while dir.exists() {
        dir = parent.join(format!("{stamp}-{n}"));
        n += 1;
    }
    Ok(dir)
}

/// Chooses, opens and locks a command's output folder: with `resume`, `out` as given
/// (what it holds is the command's to check); otherwise by [`choose`] under the current
/// folder. The folder is created and tested for writing ([`open`]) before it is locked.
pub fn open_locked(
    out: Option<&Path>,
    force: bool,
    resume: bool,
    scenario_name: &str,
) -> Result<(PathBuf, super::lock::FolderLock), OutputError> {
    let dir = match (out, resume) {
        (Some(dir), true) => dir.to_path_buf(),
        _ => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            choose(out, force, scenario_name, &cwd)?
        }
    };
    open(&dir)?;
    let lock = super::lock::lock(&dir)?;
    Ok((dir, lock))
}

/// Creates a folder and its parents, with a clear message when that fails.
pub fn create(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|e| OutputError::create_dir(dir, e))
}

/// Makes sure results can be written to `dir` before any work starts: creates it (and
/// its parents) and writes and removes a small file in it. A folder that cannot be
/// created or written (permission denied, a file in the path, a read-only or full
/// disk) is [`OutputError::Unusable`], bad input with exit code 2, with what the
/// system said and how to fix it.
pub fn open(dir: &Path) -> Result<(), OutputError> {
    if dir.exists() && !dir.is_dir() {
        return Err(OutputError::Unusable {
            path: dir.into(),
            reason: "it exists and is not a folder".into(),
            hint: " (choose another --out)".into(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| OutputError::unusable(dir, &e))?;
    let probe = dir.join(format!(".probe{}{}", super::atomic::TEMP_MARKER, std::process::id()));
    std::fs::write(&probe, b"gigsim checks that it can write here\n").map_err(|e| OutputError::unusable(dir, &e))?;
    std::fs::remove_file(&probe).map_err(|e| OutputError::unusable(dir, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape_the_output_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("a/b\\c d"), "a_b_c_d");
        assert_eq!(safe_name(".."), "scenario");
        assert_eq!(safe_name(""), "scenario");
        assert_eq!(safe_name("mturk_2015.v2"), "mturk_2015.v2");
        assert!(!safe_name("..").contains('/'));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_780), (2026, 11, 23));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
