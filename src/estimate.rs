//! How much work and memory a study will take, before it runs.

use std::fmt;

use crate::model::demand::deterministic_multiplier;
use crate::model::posting::Batch;
use crate::model::record::{DailyRow, WorkerRow};
use crate::model::worker::{Hot, Member, Worker};
use crate::scenario::{Scenario, Study};
use crate::units::{WORDS, abbreviated};

/// The estimated size of a study.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkEstimate {
    /// Runs (variants × replicates).
    pub runs: u64,
    /// Worker-days simulated, all runs.
    pub worker_days: f64,
    /// Tasks posted, all runs (expected, before responses of demand).
    pub tasks: f64,
    /// Memory of one run while it runs and is written, bytes.
    pub bytes_per_run: u64,
    /// Runs in memory at once.
    pub concurrent_runs: u64,
    /// Peak memory of the whole command, bytes.
    pub peak_bytes: u64,
    /// Wall time on this machine type, seconds (rough: measured costs per task and per
    /// worker-day, runs spread over the threads).
    pub seconds: f64,
}

/// Measured costs on the 2-core reference machine (release build, one thread), from the
/// benches and `scenarios/mturk_scale.toml`: a task on a board, a task offered by search
/// or dispatch (a random worker per offer, so more cache misses), a worker-day of
/// schedule and bookkeeping, and a worker row written to the tables and charts.
const NS_PER_BOARD_TASK: f64 = 100.0;
const NS_PER_OFFERED_TASK: f64 = 250.0;
const NS_PER_WORKER_DAY: f64 = 20.0;
const NS_PER_WORKER_ROW: f64 = 1_500.0;

/// Fixed overhead of the process (code, allocator, polars buffers), bytes.
const BASE_BYTES: u64 = 96 << 20;
/// polars' in-memory cost of one worker row while a run's tables are built, bytes.
const FRAME_BYTES_PER_WORKER: u64 = 200;
/// What the whole study holds per run until it ends: its plan entry, where its parts
/// are, and its row of the runs table (read back for the summary), bytes.
const STUDY_BYTES_PER_RUN: u64 = 1024;

impl WorkEstimate {
    /// Estimates `variants` (indices into the study) × `replicates` on `threads` threads.
    /// Memory counts every worker a run may hold (day-1 workers and the newcomers
    /// expected over its days) and the batches of its busiest day (the peak of weekday,
    /// season, shocks and booms, a high day of noise, and the demand response of the
    /// variant). Byte counts saturate rather than wrap, so an absurd scenario is refused
    /// by [`check_memory`] instead of slipping through as a small number.
    pub fn of(study: &Study, variants: &[usize], replicates: u32, threads: usize) -> WorkEstimate {
        let factors = crate::runner::cost_factors(study);
        let mut worker_days = 0.0;
        let mut tasks = 0.0;
        let mut bytes_per_run = 0u64;
        let mut cpu_seconds = 0.0;
        for &v in variants {
            let sc = &study.variants[v].scenario;
            let factor = factors.get(v).copied().unwrap_or(1.0);
            let workers = workers_held(sc);
            let mean_weekday = sc.demand.weekday.iter().sum::<f64>() / 7.0;
            let per_day = sc.demand.tasks_per_day * mean_weekday * factor;
            let run_worker_days = workers as f64 * f64::from(sc.days);
            let run_tasks = per_day * f64::from(sc.days);
            worker_days += run_worker_days * f64::from(replicates);
            tasks += run_tasks * f64::from(replicates);
            let offered = sc
                .platforms
                .iter()
                .any(|p| p.matching != crate::scenario::Matching::Board);
            let per_task = if offered {
                NS_PER_OFFERED_TASK
            } else {
                NS_PER_BOARD_TASK
            };
            cpu_seconds += f64::from(replicates)
                * (run_tasks * per_task + run_worker_days * NS_PER_WORKER_DAY + workers as f64 * NS_PER_WORKER_ROW)
                / 1e9;
            let per_worker = (std::mem::size_of::<Worker>()
                + std::mem::size_of::<WorkerRow>()
                + sc.platforms.len() * (std::mem::size_of::<Member>() + std::mem::size_of::<Hot>() + 4)
                + sc.categories.len() * 4) as u64
                + FRAME_BYTES_PER_WORKER;
            let state = workers.saturating_mul(per_worker);
            let batches = to_u64(peak_tasks_per_day(sc) * factor / mean_batch_size(sc))
                .saturating_mul(std::mem::size_of::<Batch>() as u64);
            let daily = u64::from(sc.days) * std::mem::size_of::<DailyRow>() as u64;
            let pairs = if sc.platforms.iter().any(|p| p.fee.is_tiered()) {
                to_u64(per_day * f64::from(sc.days))
                    .min(workers.saturating_mul(u64::from(sc.requesters.count)))
                    .saturating_mul(48)
            } else {
                0
            };
            let run = state
                .saturating_add(batches)
                .saturating_add(daily)
                .saturating_add(pairs);
            bytes_per_run = bytes_per_run.max(run);
        }
        let runs = variants.len() as u64 * u64::from(replicates);
        let concurrent_runs = runs.min(threads.max(1) as u64).max(1);
        WorkEstimate {
            runs,
            worker_days,
            tasks,
            bytes_per_run,
            concurrent_runs,
            peak_bytes: BASE_BYTES
                .saturating_add(concurrent_runs.saturating_mul(bytes_per_run))
                .saturating_add(runs.saturating_mul(STUDY_BYTES_PER_RUN)),
            seconds: cpu_seconds / concurrent_runs as f64,
        }
    }
}

/// A non-negative count as `u64`, saturating (and 0 for NaN).
fn to_u64(x: f64) -> u64 {
    if x.is_nan() {
        0
    } else {
        x.ceil().clamp(0.0, u64::MAX as f64) as u64
    }
}

/// Workers a run may hold: day-1 workers and the newcomers expected over its days
/// (at the base rate; arrivals that respond to earnings average about that).
fn workers_held(sc: &Scenario) -> u64 {
    let entrants = sc.churn.entry_per_day.max(0.0) * f64::from(sc.days);
    u64::from(sc.workers.count).saturating_add(to_u64(entrants))
}

/// Tasks posted on the busiest day to expect: the peak over the run's days of weekday,
/// season and shocks, times the boom (or bust) multiplier when regimes can switch, times
/// a high day of the log-normal noise (its 99th percentile).
pub fn peak_tasks_per_day(sc: &Scenario) -> f64 {
    let d = &sc.demand;
    let known = (1..=sc.days)
        .map(|day| deterministic_multiplier(d, day))
        .fold(0.0, f64::max);
    let r = &d.regimes;
    let mut regime: f64 = 1.0;
    if r.boom_probability > 0.0 {
        regime = regime.max(r.boom_multiplier);
    }
    if r.bust_probability > 0.0 {
        regime = regime.max(r.bust_multiplier);
    }
    let sigma = d.noise_sigma;
    let noise = (2.326 * sigma - 0.5 * sigma * sigma).exp().max(1.0);
    d.tasks_per_day * known * regime * noise
}

/// Mean tasks per batch over the categories, weighted by their shares (at least 1).
fn mean_batch_size(sc: &Scenario) -> f64 {
    let total: f64 = sc.categories.iter().map(|c| c.share.max(0.0)).sum();
    if total <= 0.0 {
        return 1.0;
    }
    let mean = sc
        .categories
        .iter()
        .map(|c| c.share.max(0.0) / total * c.batch_size.approx_mean().round().max(1.0))
        .sum::<f64>();
    mean.max(1.0)
}

/// The resource guard of run, compare and sweep: refuses (with the estimate and the
/// flag that overrides it) a study whose estimated peak memory exceeds what the machine
/// has available, unless `ignore` (`--ignore-memory-estimate`). When the available
/// memory is unknown nothing is refused.
pub fn check_memory(estimate: &WorkEstimate, available: Option<u64>, ignore: bool) -> Result<(), String> {
    match available {
        Some(available) if estimate.peak_bytes > available && !ignore => Err(format!(
            "this run needs about {} of memory but the machine has {} available:\n{estimate}\n\
             Use fewer --threads or workers, or pass --ignore-memory-estimate to run anyway.",
            human_bytes(estimate.peak_bytes),
            human_bytes(available)
        )),
        _ => Ok(()),
    }
}

/// Memory this machine can give a new process, bytes (`MemAvailable` on Linux).
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Bytes for people: 1.2 GB, 350 MB.
pub fn human_bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.0} MB", b / 1e6)
    } else {
        format!("{:.0} kB", b / 1e3)
    }
}

/// Seconds for people: 45 s, 3.2 min, 1.5 h.
pub fn human_seconds(s: f64) -> String {
    if s < 90.0 {
        format!("{:.0} s", s.max(1.0))
    } else if s < 5400.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// A large count for people: 1.2 million, 35 thousand.
pub fn human_count(x: f64) -> String {
    abbreviated(x, WORDS).unwrap_or_else(|| format!("{x:.0}"))
}

impl fmt::Display for WorkEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "runs:         {}", self.runs)?;
        writeln!(f, "worker-days:  {}", human_count(self.worker_days))?;
        writeln!(f, "tasks posted: {} (expected)", human_count(self.tasks))?;
        writeln!(
            f,
            "time:         about {} on this machine type",
            human_seconds(self.seconds)
        )?;
        write!(
            f,
            "memory:       {} per run, {} peak with {} at once",
            human_bytes(self.bytes_per_run),
            human_bytes(self.peak_bytes),
            crate::units::plural(self.concurrent_runs, "run")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn estimate(text: &str, threads: usize) -> WorkEstimate {
        let study = parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"));
        WorkEstimate::of(&study, &[0], study.base().scenario.replicates, threads)
    }

    #[test]
    fn the_guard_refuses_above_what_is_available_unless_told_to_ignore() {
        let e = estimate("[workers]\ncount = 1000\n", 2);
        let need = e.peak_bytes;
        assert!(check_memory(&e, Some(need), false).is_ok());
        assert!(check_memory(&e, None, false).is_ok(), "unknown memory refuses nothing");
        let refused = check_memory(&e, Some(need - 1), false).unwrap_err();
        assert!(refused.contains("--ignore-memory-estimate"), "{refused}");
        assert!(refused.contains("memory:") && refused.contains("per run"), "{refused}");
        assert!(check_memory(&e, Some(need - 1), true).is_ok());
    }

    #[test]
    fn absurd_markets_saturate_instead_of_wrapping() {
        // A tiered fee keeps a billing per worker–requester pair: 1e9 × 1e8 pairs.
        let text = "[simulation]\ndays = 36500\nreplicates = 1000\n[workers]\ncount = 1000000000\n\
                    [requesters]\ncount = 100000000\n[demand]\ntasks_per_day = 10000000000.0\n\
                    [[platform.fee.tiers]]\nup_to_usd = 500.0\npercent = 20.0\n[[platform.fee.tiers]]\npercent = 10.0\n";
        let e = estimate(text, 1024);
        assert!(e.bytes_per_run > 1 << 50, "{e:?}");
        assert!(e.peak_bytes >= e.bytes_per_run, "the peak wrapped around: {e:?}");
        assert!(check_memory(&e, Some(1 << 40), false).is_err());
    }

    #[test]
    fn newcomers_and_the_busiest_day_count() {
        let quiet = estimate(
            "[workers]\ncount = 10\n[demand]\ntasks_per_day = 1000.0\nnoise_sigma = 0.0\n",
            1,
        );
        let arrivals = estimate(
            "[workers]\ncount = 10\n[churn]\nentry_per_day = 1000000.0\n[demand]\ntasks_per_day = 1000.0\nnoise_sigma = 0.0\n",
            1,
        );
        // 30 days of a million newcomers: 30 million workers to hold.
        assert!(arrivals.bytes_per_run > 30_000_000 * 200, "{arrivals:?}");
        let shock = estimate(
            "[workers]\ncount = 10\n[demand]\ntasks_per_day = 1000.0\nnoise_sigma = 0.0\n\
             [[demand.shocks]]\nstart_day = 5\ndays = 1\nmultiplier = 1000.0\n",
            1,
        );
        // One day of a thousand times the demand: its batches are held that day.
        let batch = std::mem::size_of::<Batch>() as u64;
        assert!(
            shock.bytes_per_run >= quiet.bytes_per_run + 1000 * 1000 / 100 * batch,
            "{shock:?} {quiet:?}"
        );
    }
}
