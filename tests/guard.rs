//! The resource guard: a study whose estimated memory exceeds what the machine has
//! available is refused before any work (exit 2) with the estimate and the flag that
//! overrides it; `gigsim check` shows the estimate; `--ignore-memory-estimate` lets it
//! past the guard. (The decision itself is unit-tested in `estimate.rs`; here the huge
//! study never runs: with the override it stops at the next check, a non-empty --out.)

mod common;

use common::*;
use gigsim::estimate::{WorkEstimate, available_memory};

/// A billion workers: hundreds of gigabytes to hold.
const HUGE: &str = "[simulation]\nname = \"huge\"\ndays = 30\nreplicates = 2\n[workers]\ncount = 1000000000\n";

#[test]
fn a_study_too_big_for_the_machine_is_refused_unless_overridden() {
    let study = gigsim::scenario::parse(HUGE, "huge.toml").unwrap();
    let estimate = WorkEstimate::of(&study, &[0], 2, 1);
    let Some(available) = available_memory() else {
        eprintln!("skipped: this system does not say how much memory is available");
        return;
    };
    if estimate.peak_bytes <= available {
        eprintln!("skipped: this machine has room for {estimate}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "huge.toml", HUGE);
    let p = path.to_str().unwrap();

    // check shows the estimate and what the machine has.
    let o = run_in(dir.path(), &["check", p, "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("memory:") && text.contains("GB") && text.contains("this machine:"),
        "{text}"
    );

    // run, compare and sweep refuse with the estimate and the override, touching nothing.
    let sweep = [
        "sweep",
        p,
        "--param",
        "platform.fee.worker_percent",
        "--values",
        "0,5",
        "--out",
        "res",
        "--threads",
        "1",
    ];
    for args in [
        &["run", p, "--out", "res"][..],
        &["run", p, "--out", "res", "--threads", "1"],
        &sweep,
    ] {
        let o = run_in(dir.path(), args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("--ignore-memory-estimate"), "{err}");
        assert!(
            err.contains("memory:") && err.contains("per run") && err.contains("available"),
            "{err}"
        );
        assert!(!dir.path().join("res").exists(), "{args:?} created the output folder");
    }

    // With the override the guard lets it through: the next check (a non-empty --out)
    // stops it before any work, which shows the flag was taken.
    std::fs::create_dir(dir.path().join("full")).unwrap();
    std::fs::write(dir.path().join("full/keep.txt"), "x").unwrap();
    let o = run_in(dir.path(), &["run", p, "--out", "full", "--ignore-memory-estimate"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("not empty") && !err.contains("--ignore-memory-estimate"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path().join("full")).unwrap().count(), 1);
}

#[test]
fn oversized_sweeps_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let p = path.to_str().unwrap();
    let fee = "platform.fee.worker_percent";
    let floor = "platform.fee.pay_floor_usd_per_hour";
    for (values, what) in [
        // More values than a usize holds: once wrapped around to an empty sweep that
        // failed after creating its folder.
        (&["0:1e300:1e-300"][..], "at most 10000"),
        (&["0:100:0.001"][..], "at most 10000"),
        // Two axes of 200 values: 40,000 points.
        (&["0:99.5:0.5", "0:19.9:0.1"][..], "40000 points"),
    ] {
        let mut args = vec!["sweep", p, "--out", "res", "--quiet"];
        for (k, v) in [fee, floor].iter().zip(values) {
            args.extend(["--param", k, "--values", v]);
        }
        let o = run_in(dir.path(), &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{values:?}: {err}");
        assert!(err.contains(what), "{values:?}: {err}");
        assert!(!dir.path().join("res").exists(), "{values:?} created the output folder");
    }
}

#[test]
fn a_plan_beyond_32_bit_run_numbers_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    // 5,000 points × 1,000,000 replicates = 5e9 runs: more than u32 plan indices number.
    let o = run_in(
        dir.path(),
        &[
            "sweep",
            path.to_str().unwrap(),
            "--param",
            "platform.fee.worker_percent",
            "--values",
            "0:49.99:0.01",
            "--replicates",
            "1000000",
            "--out",
            "res",
            "--ignore-memory-estimate",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("5000000000 runs") && err.contains("4294967295"), "{err}");
    assert!(!dir.path().join("res").exists());
}

#[test]
fn flags_beyond_the_ranges_of_their_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let p = path.to_str().unwrap();
    // A seed above i64::MAX would be written to the results' scenario.toml as a negative
    // seed that cannot be run again; a replicate count beyond the key's range ran out of
    // memory building the plan before the memory guard looked.
    for flags in [
        &["--seed", "9223372036854775808"][..],
        &["--seed", "18446744073709551615"],
        &["--replicates", "1000001"],
        &["--replicates", "4294967295"],
    ] {
        let mut args = vec!["run", p, "--out", "res", "--quiet"];
        args.extend(flags);
        let o = run_in(dir.path(), &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(flags[0]) && !err.contains("panicked"), "{flags:?}: {err}");
        assert!(!dir.path().join("res").exists());
    }
    // The largest seed the key allows runs, and its folder's scenario runs again.
    let o = run_in(
        dir.path(),
        &["run", p, "--out", "res", "--quiet", "--seed", "9223372036854775807"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let again = dir.path().join("res/scenario.toml");
    let o = run_in(
        dir.path(),
        &["run", again.to_str().unwrap(), "--out", "again", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        table_bytes(&dir.path().join("res")),
        table_bytes(&dir.path().join("again"))
    );
}

#[test]
fn more_threads_than_work_start_no_more_threads_than_chunks() {
    // A billion threads once hung starting them, or aborted; the pool never needs more
    // threads than chunks of runs, and results never depend on the threads.
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "s.toml", &small_scenario(""));
    let p = path.to_str().unwrap();
    for (out, threads) in [("one", "1"), ("many", "4294967295")] {
        let o = run_in(dir.path(), &["run", p, "--out", out, "--quiet", "--threads", threads]);
        assert!(o.status.success(), "--threads {threads}: {}", stderr(&o));
    }
    assert_eq!(
        table_bytes(&dir.path().join("one")),
        table_bytes(&dir.path().join("many"))
    );
}
