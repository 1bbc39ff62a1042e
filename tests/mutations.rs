//! Mutation test of scenario checking: bytes of valid scenarios flipped, replaced,
//! deleted or inserted at random (seeded), thousands of times. Every mutant must give
//! either a clean error that names the file, or a valid scenario — never a panic.
//!
//! Most mutants are checked in-process through `gigsim::scenario::parse_bytes` (the
//! same code `gigsim check` runs once it has read the file: UTF-8, TOML, keys, ranges,
//! cross-key rules, variants), under `catch_unwind`: about 50 µs each, so thousands
//! run in a second or two. A few hundred more go through the binary (`gigsim check`,
//! a process each, about 10 ms) to prove the command itself — reading the file,
//! printing the resolved scenario and the estimate, the exit code — never panics and
//! agrees with the in-process verdict. A valid mutant must also survive the round
//! trip that results folders depend on: its resolved scenario (written to
//! `scenario.toml` and the manifest) checks again and resolves to the same text.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use common::*;
use gigsim::estimate::WorkEstimate;
use gigsim::rng::SplitMix64;
use gigsim::scenario::render::render;
use gigsim::scenario::{ScenarioError, parse, parse_bytes};

/// Mutants checked in-process (`GIGSIM_MUTANTS` tries another number, and
/// `GIGSIM_MUTATION_SEED` other mutants).
const IN_PROCESS: usize = 4000;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
/// Mutants checked through `gigsim check`.
const THROUGH_BINARY: usize = 300;

/// A scenario with several platforms, variants, shocks, tiers and every behaviour
/// section, so mutations reach the keys the built-in scenarios do not use.
const EVERYTHING: &str = r#"
[simulation]
name = "everything"
days = 10
warmup_days = 2
replicates = 2
seed = 3

[workers]
count = 50
specialist_share = 0.2
efficiency = { dist = "uniform", low = 0.5, high = 1.0 }

[requesters]
count = 8
rejecting_share = 0.1
nonpaying_share = 0.05

[[tasks.categories]]
name = "open"
share = 1.0
pay_usd = { dist = "lognormal", median = 0.4, sigma = 0.5, min = 0.01, max = 5.0 }
duration_seconds = { dist = "pareto", scale = 30.0, shape = 2.0 }
batch_size = { dist = "fixed", value = 5.0 }

[[tasks.categories]]
name = "niche"
share = 0.3
niche = true
pay_usd = { dist = "normal", mean = 20.0, sd = 5.0 }
pay_basis = "hour"
travel_seconds = { dist = "uniform", low = 60.0, high = 600.0 }
duration_seconds = { dist = "beta", a = 2.0, b = 3.0, min = 1.0, max = 900.0 }
batch_size = { dist = "fixed", value = 1.0 }

[demand]
tasks_per_day = 900.0

[demand.regimes]
boom_probability = 0.05
bust_probability = 0.05

[[demand.shocks]]
start_day = 4
days = 2
multiplier = 0.5

[[platforms]]
name = "board"
matching = "board"
join_probability = 0.8

[platforms.fee]
requester_percent = 20.0
levy_percent = 2.0
levy_side = "requester"

[[platforms.fee.tiers]]
up_to_usd = 5.0
percent = 20.0

[[platforms.fee.tiers]]
percent = 10.0

[platforms.payout]
delay_days = 2
minimum_usd = 1.0
forfeit_below_minimum = true

[[platforms]]
name = "dispatch"
matching = "dispatch"
join_probability = 0.5
demand_share = 0.5

[platforms.dispatch]
min_acceptance = 0.5
surge_slope = 1.0
surge_cap = 2.0

[learning]
exponent = 0.3

[switching]
category_percent = 20.0

[unpaid]
return_probability = 0.1

[churn]
exit_patience_days = 3
entry_per_day = 2.0

[tools]
share = 0.2

[taxes]
self_employment_percent = 15.3

[[variants]]
name = "no_levy"
set = { "platforms.board.fee.levy_percent" = 0.0, "demand.tasks_per_day" = 500.0 }
"#;

/// The valid scenarios mutants are made from: the built-in and golden scenarios, the
/// full `gigsim init` text (every key, with comments), and [`EVERYTHING`].
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["scenarios", "tests/golden"] {
        for f in toml_files(dir) {
            out.push((f.display().to_string(), std::fs::read(&f).unwrap()));
        }
    }
    out.push((
        "init".into(),
        render(&gigsim::scenario::defaults_tree(), true).into_bytes(),
    ));
    out.push(("everything".into(), EVERYTHING.as_bytes().to_vec()));
    for (name, bytes) in &out {
        parse_bytes(bytes, name).unwrap_or_else(|e| panic!("seed {name} is not valid: {e}"));
    }
    out
}

/// Bytes a TOML file is made of, to insert where they do the most harm.
const INTERESTING: &[u8] = b"=[]{}\"'.,#\n\\-+0159e_ \t";

/// Mutates `bytes` one to four times: a bit flipped, a byte replaced (at random or
/// with a TOML character), deleted, duplicated, or a TOML character inserted.
fn mutate(rng: &mut SplitMix64, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let times = 1 + rng.bits() % 4;
    for _ in 0..times {
        if b.is_empty() {
            b.push(INTERESTING[(rng.bits() % INTERESTING.len() as u64) as usize]);
            continue;
        }
        let at = (rng.bits() % b.len() as u64) as usize;
        let interesting = INTERESTING[(rng.bits() % INTERESTING.len() as u64) as usize];
        match rng.bits() % 6 {
            0 => b[at] ^= 1 << (rng.bits() % 8),
            1 => b[at] = rng.bits() as u8,
            2 => b[at] = interesting,
            3 => {
                b.remove(at);
            }
            4 => b.insert(at, b[at]),
            _ => b.insert(at, interesting),
        }
    }
    b
}

/// What checking a mutant gave.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Refused,
}

/// Checks a mutant in-process; `Err` says what went wrong (a panic, an error that does
/// not name the file, a resolved scenario that does not check again).
fn check_in_process(bytes: &[u8], file: &str) -> Result<Verdict, String> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let parsed = parse_bytes(bytes, file);
        // A valid scenario's estimate and resolved text must not panic either.
        if let Ok(study) = &parsed {
            let all: Vec<usize> = (0..study.variants.len()).collect();
            let _ = WorkEstimate::of(study, &all, study.base().scenario.replicates, 8);
            let resolved = study.resolved_toml();
            let again = parse(&resolved, "resolved.toml").map(|s| s.resolved_toml());
            return (parsed.map(|_| ()), Some((resolved, again)));
        }
        (parsed.map(|_| ()), None)
    }));
    let (parsed, round_trip) = match result {
        Ok(r) => r,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Err(format!("panicked: {message}"));
        }
    };
    match parsed {
        Ok(()) => {
            let (resolved, again) = round_trip.expect("valid scenarios are round-tripped");
            match again {
                Ok(text) if text == resolved => Ok(Verdict::Valid),
                Ok(text) => Err(format!(
                    "the resolved scenario resolves differently:\n{resolved}\n---\n{text}"
                )),
                Err(e) => Err(format!("the resolved scenario does not check: {e}\n{resolved}")),
            }
        }
        Err(e) => {
            let message = e.to_string();
            if !message.contains(file) {
                return Err(format!("the message does not name the file: {message}"));
            }
            if let ScenarioError::Invalid(p) = &e
                && p.message.trim().is_empty()
            {
                return Err("an empty message".into());
            }
            Ok(Verdict::Refused)
        }
    }
}

/// Runs `f` with panic messages kept off the test output (they are reported as
/// failures with the mutant instead).
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = f();
    std::panic::set_hook(hook);
    out
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(3000).collect()
}

#[test]
fn mutated_scenarios_are_refused_cleanly_or_valid_in_process() {
    let seeds = seeds();
    let mut rng = SplitMix64::new(env_or("GIGSIM_MUTATION_SEED", 0x0061_6753_494d));
    let cases = env_or("GIGSIM_MUTANTS", IN_PROCESS as u64) as usize;
    let (mut valid, mut refused) = (0, 0);
    let mut failures = Vec::new();
    quietly(|| {
        for case in 0..cases {
            let (name, seed) = &seeds[case % seeds.len()];
            let mutant = mutate(&mut rng, seed);
            match check_in_process(&mutant, "mutant.toml") {
                Ok(Verdict::Valid) => valid += 1,
                Ok(Verdict::Refused) => refused += 1,
                Err(why) => failures.push(format!("case {case} (from {name}): {why}\n{}", show(&mutant))),
            }
        }
    });
    assert!(
        failures.is_empty(),
        "{} of {cases} mutants failed; the first:\n{}",
        failures.len(),
        failures[0]
    );
    // The mix proves the mutations are neither all harmless nor all fatal.
    assert!(
        valid > cases / 20 && refused > cases / 4,
        "{valid} valid, {refused} refused"
    );
    eprintln!("{cases} mutants in-process: {valid} valid, {refused} refused cleanly");
}

#[test]
fn mutated_scenarios_never_panic_gigsim_check() {
    let seeds = seeds();
    let dir = tempfile::tempdir().unwrap();
    // Another seed than the in-process test: other mutants.
    let mut rng = SplitMix64::new(0xC4EC_4B1A);
    let (mut valid, mut refused) = (0, 0);
    let mut failures = Vec::new();
    for case in 0..THROUGH_BINARY {
        let (name, seed) = &seeds[case % seeds.len()];
        let mutant = mutate(&mut rng, seed);
        let file = format!("mutant-{case}.toml");
        let path = dir.path().join(&file);
        std::fs::write(&path, &mutant).unwrap();
        let o = gigsim()
            .args(["check", path.to_str().unwrap(), "--quiet"])
            .output()
            .unwrap();
        let err = stderr(&o);
        let expected = quietly(|| check_in_process(&mutant, path.to_str().unwrap()));
        let mut problems = Vec::new();
        if err.contains("panicked") {
            problems.push("panicked".to_string());
        }
        match o.status.code() {
            Some(0) => {
                valid += 1;
                if !stdout(&o).contains("memory:") {
                    problems.push("no estimate printed".into());
                }
                if expected != Ok(Verdict::Valid) {
                    problems.push(format!("valid for gigsim check but {expected:?} in-process"));
                }
            }
            Some(2) => {
                refused += 1;
                if !err.contains(&file) {
                    problems.push("the message does not name the file".into());
                }
                if expected != Ok(Verdict::Refused) {
                    problems.push(format!("refused by gigsim check but {expected:?} in-process"));
                }
            }
            code => problems.push(format!("exit code {code:?}")),
        }
        if !problems.is_empty() {
            failures.push(format!(
                "case {case} (from {name}): {}\nstderr: {err}\n{}",
                problems.join("; "),
                show(&mutant)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {THROUGH_BINARY} mutants failed; the first:\n{}",
        failures.len(),
        failures[0]
    );
    assert!(valid > 0 && refused > 0, "{valid} valid, {refused} refused");
    eprintln!("{THROUGH_BINARY} mutants through gigsim check: {valid} valid, {refused} refused cleanly");
}
