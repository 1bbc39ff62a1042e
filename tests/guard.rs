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
