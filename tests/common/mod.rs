//! Helpers shared by the integration tests: running the binary, small scenarios,
//! reading CSV tables.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The gigsim binary built by cargo for these tests.
pub fn gigsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gigsim"))
}

/// Runs gigsim with arguments in `cwd` and returns its output.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    gigsim().current_dir(cwd).args(args).output().expect("gigsim runs")
}

/// Text of stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Text of stdout.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A small, fast scenario (board matching), with `extra` TOML appended.
pub fn small_scenario(extra: &str) -> String {
    format!(
        r#"
[simulation]
name = "small"
days = 12
warmup_days = 2
replicates = 3
seed = 7

[workers]
count = 120

[requesters]
count = 15

[demand]
tasks_per_day = 1500.0

{extra}
"#
    )
}

/// Writes a scenario into `dir` and returns its path.
pub fn write_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A CSV table as rows of column → text (our tables have no quoted commas in numbers).
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| header.iter().cloned().zip(l.split(',').map(String::from)).collect())
        .collect()
}

/// A field as i64.
pub fn int(row: &BTreeMap<String, String>, col: &str) -> i64 {
    row[col].parse().unwrap_or_else(|_| panic!("{col} = {:?}", row[col]))
}

/// A field as f64 (empty → NaN).
pub fn float(row: &BTreeMap<String, String>, col: &str) -> f64 {
    let v = &row[col];
    if v.is_empty() { f64::NAN } else { v.parse().unwrap() }
}

/// Asserts both book identities in every run, and the second per worker.
pub fn assert_books(dir: &Path) {
    for r in read_csv(&dir.join("runs.csv")) {
        let spend = int(&r, "requester_spend_cents");
        let net = int(&r, "worker_net_cents");
        assert_eq!(
            spend,
            net + int(&r, "platform_fee_cents") + int(&r, "levy_cents") + int(&r, "processing_cents"),
            "requester_spend_cents identity in {r:?}"
        );
        assert_eq!(
            net,
            int(&r, "paid_out_cents") + int(&r, "pending_cents") + int(&r, "forfeited_cents"),
            "worker_net_cents identity in {r:?}"
        );
    }
    let workers = read_csv(&dir.join("workers.csv"));
    for w in &workers {
        assert_eq!(
            int(w, "net_cents"),
            int(w, "paid_out_cents") + int(w, "pending_cents") + int(w, "forfeited_cents"),
            "per-worker identity in {w:?}"
        );
        assert_eq!(
            int(w, "net_cents"),
            int(w, "gross_cents") - int(w, "fee_cents"),
            "{w:?}"
        );
        assert!(int(w, "pending_cents") >= 0 && int(w, "paid_out_cents") >= 0, "{w:?}");
    }
    // Worker totals add up to the run totals.
    let runs = read_csv(&dir.join("runs.csv"));
    for r in &runs {
        let key = (r["variant"].clone(), r["replicate"].clone());
        let net: i64 = workers
            .iter()
            .filter(|w| (w["variant"].clone(), w["replicate"].clone()) == key)
            .map(|w| int(w, "net_cents"))
            .sum();
        assert_eq!(
            net,
            int(r, "worker_net_cents"),
            "workers' net adds up to the run's, {key:?}"
        );
    }
}

/// Every file of a results folder that must be identical between equal runs.
pub fn table_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".csv") || name.ends_with(".parquet") {
            out.insert(name, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// A scenario whose runs take a noticeable time (about a quarter of a second each on
/// this machine type, 16 runs cut into 8 chunks), so a signal sent when the first
/// chunk is complete surely arrives while most runs are still to do.
pub fn slow_scenario() -> String {
    r#"
[simulation]
name = "slow"
days = 80
warmup_days = 2
replicates = 16
seed = 11

[workers]
count = 3000

[requesters]
count = 40

[demand]
tasks_per_day = 60000.0
"#
    .to_string()
}

/// Every file under `dir` (recursively) whose name marks it temporary.
pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(temp_files(&path));
        } else if entry.file_name().to_string_lossy().contains(".gigsim-tmp-") {
            out.push(path);
        }
    }
    out
}

/// The chunk markers (`chunk-*.json`) in a parts folder.
pub fn chunk_markers(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().unwrap().to_string_lossy();
                    name.starts_with("chunk-") && name.ends_with(".json")
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Waits until `ready` holds, at most `seconds`; false on time-out.
pub fn wait_until(seconds: u64, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if ready() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    ready()
}

/// Modification times of every file in a folder, by name.
pub fn mtimes(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

/// Starts gigsim with arguments in `cwd`, its output piped, without waiting for it.
pub fn spawn(dir: &Path, args: &[&str]) -> Child {
    gigsim()
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gigsim starts")
}

/// Waits until `ready`, then sends `signal` to the child, which must still be running.
pub fn signal_when(child: &mut Child, mut ready: impl FnMut() -> bool, signal: libc::c_int) {
    let started = wait_until(120, || ready() || child.try_wait().unwrap().is_some());
    assert!(started, "no chunk finished within two minutes");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the command ended before the signal: make its scenario slower"
    );
    // SAFETY: kill(2) on the id of a child process this test started and has not reaped.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(rc, 0, "kill failed");
}

/// A calibrate or sensitivity command run in `dir`: `command` and its file arguments,
/// then `extra` flags; asserts that it succeeded.
pub fn search_ok(dir: &Path, command: &[&str], extra: &[&str]) -> Output {
    let o = gigsim()
        .current_dir(dir)
        .args(command)
        .args(extra)
        .output()
        .expect("gigsim runs");
    assert!(o.status.success(), "{command:?} {extra:?}: {}", stderr(&o));
    o
}

/// The bytes of each of `files` in `dir`, by name (a missing file fails the test).
pub fn files_bytes(dir: &Path, files: &[&str]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|f| {
            let path = dir.join(f);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (f.to_string(), bytes)
        })
        .collect()
}

/// The batch files of evaluations (`eval-*.json`) in a folder of calibrate or
/// sensitivity evaluations, by first index.
pub fn evaluation_files(dir: &Path) -> Vec<u32> {
    let mut out: Vec<u32> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_prefix("eval-")?.strip_suffix(".json")?.parse().ok()
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_unstable();
    out
}

/// Runs a sharded calibrate or sensitivity command in `dir` as `count` shards into
/// `prefix-I` (the last one on one thread), then merges them into `merged`; returns
/// the merged folder.
pub fn shard_and_merge(dir: &Path, command: &[&str], extra: &[&str], count: u32, prefix: &str) -> PathBuf {
    let mut folders = Vec::new();
    for i in 0..count {
        let out = format!("{prefix}-{i}");
        let shard = format!("{i}/{count}");
        let threads = if i + 1 == count { "1" } else { "2" };
        let flags: Vec<&str> = extra
            .iter()
            .copied()
            .chain(["--shard", &shard, "--threads", threads, "--out", &out, "--quiet"])
            .collect();
        search_ok(dir, command, &flags);
        assert!(
            dir.join(&out).join("SHARD.json").is_file(),
            "shard {i} is marked complete"
        );
        folders.push(out);
    }
    // Given in reverse order: merge sorts shards by index.
    folders.reverse();
    let merged = format!("{prefix}-merged");
    let o = run_in(
        dir,
        &[
            &["merge"][..],
            &folders.iter().map(String::as_str).collect::<Vec<_>>(),
            &["--out", &merged, "--quiet"],
        ]
        .concat(),
    );
    assert!(o.status.success(), "merge: {}", stderr(&o));
    dir.join(merged)
}

/// The `*.toml` files of the folder `dir` of the repository, sorted.
pub fn toml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// A corpus of broken files, `tests/<dir>/*.toml`, sorted, each with the lines its
/// error message must hold (its `.expect`): (file, stem, expected lines). Fails below
/// `at_least` files.
pub fn corpus(dir: &str, at_least: usize) -> Vec<(PathBuf, String, String)> {
    let files = toml_files(&format!("tests/{dir}"));
    assert!(files.len() >= at_least, "the corpus has {} files", files.len());
    files
        .into_iter()
        .map(|file| {
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            let expect = std::fs::read_to_string(file.with_extension("expect"))
                .unwrap_or_else(|_| panic!("{stem}.expect is missing"));
            (file, stem, expect)
        })
        .collect()
}

/// How the refusal `o` of the broken file `stem` falls short of one before any work:
/// exit 2, no panic, no output folder `out`, a message naming the file and holding
/// every line of `expect`. Empty when it does not.
pub fn refusal_problems(o: &Output, stem: &str, expect: &str, out: &Path) -> Vec<String> {
    let err = stderr(o);
    let mut problems = Vec::new();
    if o.status.code() != Some(2) {
        problems.push(format!("exit code {:?}", o.status.code()));
    }
    if err.contains("panicked") {
        problems.push("panicked".into());
    }
    if out.exists() {
        problems.push("created the output folder".into());
    }
    if !err.contains(&format!("{stem}.toml")) {
        problems.push("message does not name the file".into());
    }
    for fragment in expect.lines().filter(|l| !l.is_empty()) {
        if !err.contains(fragment) {
            problems.push(format!("message lacks `{fragment}`"));
        }
    }
    problems
}
