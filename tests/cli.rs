//! The command line as a researcher uses it: init, check, run, the output folder rules,
//! and reproducibility of the tables.

mod common;

use common::*;

#[test]
fn init_prints_a_scenario_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("[simulation]") && text.contains("# Days simulated"),
        "{text}"
    );
    let path = write_scenario(dir.path(), "s.toml", &text);
    let check = run_in(dir.path(), &["check", path.to_str().unwrap()]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).contains("worker-days"), "{}", stdout(&check));
}

#[test]
fn init_writes_a_file_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_in(dir.path(), &["init", "new.toml"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let written = std::fs::read_to_string(dir.path().join("new.toml")).unwrap();
    let again = run_in(dir.path(), &["init", "new.toml"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(dir.path().join("new.toml")).unwrap(), written);
}

#[test]
fn check_prints_the_resolved_scenario_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let out = run_in(dir.path(), &["check", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // A default the file did not write, and the work estimate.
    assert!(text.contains("wage_floor_usd = 7.25"), "{text}");
    assert!(text.contains("runs:") && text.contains("memory:"), "{text}");
}

#[test]
fn run_writes_every_table_and_the_books_balance() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let out = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let res = dir.path().join("res");
    for f in [
        "runs.csv",
        "runs.parquet",
        "workers.csv",
        "workers.parquet",
        "daily.csv",
        "daily.parquet",
        "summary.csv",
        "manifest.json",
        "columns.md",
        "scenario.toml",
    ] {
        assert!(res.join(f).is_file(), "{f} missing");
    }
    assert!(!res.join("partial").exists(), "part files are removed after success");
    let runs = read_csv(&res.join("runs.csv"));
    assert_eq!(runs.len(), 3);
    let workers = read_csv(&res.join("workers.csv"));
    assert_eq!(workers.len(), 3 * 120, "one row per worker per run");
    let daily = read_csv(&res.join("daily.csv"));
    assert_eq!(daily.len(), 3 * 10, "one row per day after warm-up per run");
    assert_books(&res);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(res.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 7);
    assert!(
        manifest["resolved_scenario"]
            .as_str()
            .unwrap()
            .contains("[platform.fee]")
    );
    assert!(manifest["gigsim_version"].is_string() && manifest["git_commit"].is_string());
}

#[test]
fn same_seed_gives_identical_tables_on_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(
        dir.path(),
        "s.toml",
        &small_scenario("[platform]\nmatching = \"search\"\n"),
    );
    let p = path.to_str().unwrap();
    for (out, threads) in [("a", "1"), ("b", "2"), ("c", "2")] {
        let o = run_in(dir.path(), &["run", p, "--out", out, "--threads", threads, "--quiet"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let a = table_bytes(&dir.path().join("a"));
    assert!(a.len() >= 7, "{:?}", a.keys());
    assert_eq!(a, table_bytes(&dir.path().join("b")), "1 thread and 2 threads differ");
    assert_eq!(a, table_bytes(&dir.path().join("c")), "two runs differ");
    // A different seed gives different tables.
    let o = run_in(dir.path(), &["run", p, "--out", "d", "--seed", "8", "--quiet"]);
    assert!(o.status.success());
    assert_ne!(a["workers.csv"], table_bytes(&dir.path().join("d"))["workers.csv"]);
}

#[test]
fn default_output_folders_never_clobber() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let p = path.to_str().unwrap();
    for _ in 0..2 {
        let o = run_in(dir.path(), &["run", p, "--quiet", "--replicates", "1"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let runs: Vec<_> = std::fs::read_dir(dir.path().join("output").join("small"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 2, "each run gets its own folder");
    for r in runs {
        assert!(r.path().join("summary.csv").is_file());
    }
}

#[test]
fn out_folder_with_files_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let p = path.to_str().unwrap();
    std::fs::create_dir(dir.path().join("res")).unwrap();
    std::fs::write(dir.path().join("res").join("keep.txt"), "precious").unwrap();
    let o = run_in(dir.path(), &["run", p, "--out", "res", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(!dir.path().join("res").join("runs.csv").exists());
    let o = run_in(dir.path(), &["run", p, "--out", "res", "--quiet", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("res").join("runs.csv").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("res").join("keep.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn run_prints_headline_metrics_and_where_results_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let o = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("median_hourly_wage") && text.contains("95% CI"), "{text}");
    assert!(text.contains("results: res"), "{text}");
}

#[test]
fn tables_flag_chooses_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let p = path.to_str().unwrap();
    let o = run_in(
        dir.path(),
        &["run", p, "--out", "res", "--quiet", "--tables", "runs,daily"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let res = dir.path().join("res");
    assert!(res.join("runs.parquet").is_file() && res.join("daily.csv").is_file());
    assert!(!res.join("workers.parquet").exists() && !res.join("workers.csv").exists());
    let o = run_in(dir.path(), &["run", p, "--out", "res2", "--tables", "runs,nonsense"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown table `nonsense`"), "{}", stderr(&o));
    assert!(!dir.path().join("res2").exists());
}

#[test]
fn help_explains_the_commands() {
    let o = gigsim().arg("--help").output().unwrap();
    let text = stdout(&o);
    for word in ["init", "check", "run"] {
        assert!(text.contains(word), "{text}");
    }
    let o = gigsim().args(["run", "--help"]).output().unwrap();
    let text = stdout(&o);
    assert!(
        text.contains("--replicates") && text.contains("--force") && text.contains("--threads"),
        "{text}"
    );
}

#[test]
fn a_reader_closing_the_pipe_ends_quietly_and_a_full_stdout_is_one_line_of_error() {
    let baseline = root().join("scenarios/baseline.toml");
    // `gigsim check baseline.toml | head -0`: the reader is gone before gigsim writes.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = gigsim()
        .args(["check", baseline.to_str().unwrap()])
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let o = gigsim()
            .args(["check", baseline.to_str().unwrap()])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.contains("cannot write to standard output"), "{e}");
    }
}

#[test]
fn check_warns_when_run_would_refuse_the_memory_estimate() {
    let dir = tempfile::tempdir().unwrap();
    // About 71 GB a run: more than any machine this suite runs on has available.
    let path = write_scenario(
        dir.path(),
        "huge.toml",
        "[simulation]\ndays = 3000\n[workers]\ncount = 90000000\n",
    );
    let o = gigsim()
        .args(["check", path.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: `gigsim run` will refuse this"),
        "{}",
        stderr(&o)
    );
}

/// A count that is zero in some replicates has a t interval reaching below zero
/// (62 tasks unfilled, "−111 to 236"): every output cuts it at 0 the same way, and
/// shares stay within [0, 1].
#[test]
fn confidence_intervals_stay_within_what_each_metric_can_be() {
    let dir = tempfile::tempdir().unwrap();
    // Demand at the edge of capacity: two replicates fill every task, two do not.
    let text = small_scenario("")
        .replace("tasks_per_day = 1500.0", "tasks_per_day = 2000.0")
        .replace("replicates = 3", "replicates = 4");
    let path = write_scenario(dir.path(), "s.toml", &text);
    let out = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let res = dir.path().join("res");
    let summary = read_csv(&res.join("summary.csv"));
    let mut cut = false;
    for row in &summary {
        let (mean, sd, lo, hi) = (
            float(row, "mean"),
            float(row, "sd"),
            float(row, "ci_low"),
            float(row, "ci_high"),
        );
        assert!(lo >= 0.0 && lo <= mean && mean <= hi, "{row:?}");
        if row["metric"].contains("share") || row["metric"] == "gini_net_income" {
            assert!(hi <= 1.0, "{row:?}");
        }
        // The cut happened where the symmetric interval would have gone below 0.
        cut |= lo == 0.0 && sd > 0.0 && mean > 0.0;
    }
    assert!(cut, "the scenario no longer has an interval to cut: {summary:?}");
    let terminal = stdout(&out);
    let unfilled = terminal.lines().find(|l| l.contains("tasks_unfilled")).unwrap();
    assert!(unfilled.contains("CI 0.0 to"), "{terminal}");
    assert!(!terminal.contains("CI -") && !terminal.contains("CI −"), "{terminal}");
    let report = std::fs::read_to_string(res.join("report.html")).unwrap();
    let row = report
        .lines()
        .find(|l| l.contains("<code class=\"metric-code\">tasks_unfilled"))
        .unwrap();
    assert!(row.contains("<td>0.0 to "), "{row}");
}

/// When a chart cannot be written (here its path is taken by a folder; a full disk
/// fails the same way), the error is one line naming the file and the exact command
/// that finishes the folder, and there is no manifest.json: the manifest is written
/// last, so the folder is not taken for finished. That command then finishes it.
#[test]
fn a_chart_that_cannot_be_written_leaves_no_manifest_and_says_how_to_finish() {
    let dir = tempfile::tempdir().unwrap();
    write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let res = dir.path().join("res");
    std::fs::create_dir_all(res.join("charts").join("lorenz.png")).unwrap();
    let out = run_in(dir.path(), &["run", "s.toml", "--out", "res", "--force", "--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("lorenz.png") && !err.contains("Custom {") && !err.contains("kind:"),
        "{err}"
    );
    assert!(
        !res.join("manifest.json").exists(),
        "a folder whose charts failed has a manifest"
    );
    assert!(
        res.join("runs.parquet").is_file(),
        "the tables were written before the charts"
    );
    let command = err.split('`').nth(1).expect("the command to finish, in backticks");
    assert!(command.ends_with("--out res --resume"), "{command}");
    std::fs::remove_dir(res.join("charts").join("lorenz.png")).unwrap();
    let words: Vec<&str> = command.split(' ').skip(1).collect();
    let again = run_in(dir.path(), &words);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(res.join("manifest.json").is_file() && res.join("charts").join("lorenz.png").is_file());
    assert!(res.join("report.html").is_file());
}

/// Counts were u32 in some columns and u64 in others (`tasks_done` and `tasks_returned`
/// in one table), and a generalist's `specialty` was "": every integer column is now
/// Int64, as R and pandas expect, and a missing specialty is null.
#[test]
fn tables_write_every_integer_as_int64_and_no_specialty_as_null() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let out = run_in(dir.path(), &["run", path.to_str().unwrap(), "--out", "res", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for table in ["runs", "workers", "daily"] {
        let file = std::fs::File::open(dir.path().join("res").join(format!("{table}.parquet"))).unwrap();
        let df = ParquetReader::new(file).finish().unwrap();
        for c in df.columns() {
            let t = c.dtype();
            assert!(
                !t.is_unsigned_integer() && (!t.is_integer() || *t == DataType::Int64),
                "{table}.{} is {t}",
                c.name()
            );
        }
        if table == "workers" {
            for name in ["tasks_done", "tasks_returned", "worker_id", "replicate"] {
                assert_eq!(df.column(name).unwrap().dtype(), &DataType::Int64, "{name}");
            }
            let specialty = df.column("specialty").unwrap();
            assert_eq!(specialty.null_count(), df.height(), "nobody specialises here");
        }
    }
}
