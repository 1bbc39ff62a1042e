//! How much work and memory a study will take, before it runs.

use std::fmt;

use crate::model::posting::Batch;
use crate::model::record::{DailyRow, WorkerRow};
use crate::model::worker::{Member, Worker};
use crate::scenario::Study;

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

impl WorkEstimate {
    /// Estimates `variants` (indices into the study) × `replicates` on `threads` threads.
    pub fn of(study: &Study, variants: &[usize], replicates: u32, threads: usize) -> WorkEstimate {
        let mut worker_days = 0.0;
        let mut tasks = 0.0;
        let mut bytes_per_run = 0u64;
        let mut cpu_seconds = 0.0;
        for &v in variants {
            let sc = &study.variants[v].scenario;
            let workers = u64::from(sc.workers.count);
            let mean_weekday = sc.demand.weekday.iter().sum::<f64>() / 7.0;
            let per_day = sc.demand.tasks_per_day * mean_weekday;
            let run_worker_days = workers as f64 * f64::from(sc.days);
            let run_tasks = per_day * f64::from(sc.days);
            worker_days += run_worker_days * f64::from(replicates);
            tasks += run_tasks * f64::from(replicates);
            let offered = sc.platforms.iter().any(|p| p.matching != crate::model::Matching::Board);
            let per_task = if offered {
                NS_PER_OFFERED_TASK
            } else {
                NS_PER_BOARD_TASK
            };
            cpu_seconds += f64::from(replicates)
                * (run_tasks * per_task + run_worker_days * NS_PER_WORKER_DAY + workers as f64 * NS_PER_WORKER_ROW)
                / 1e9;
            let state = workers
                * (std::mem::size_of::<Worker>() + std::mem::size_of::<Member>() + std::mem::size_of::<WorkerRow>())
                    as u64;
            let batches = (per_day.max(1.0) as u64).min(50_000_000) * std::mem::size_of::<Batch>() as u64;
            let daily = u64::from(sc.days) * std::mem::size_of::<DailyRow>() as u64;
            let pairs = if sc.platforms.iter().any(|p| p.fee.is_tiered()) {
                ((per_day * f64::from(sc.days)) as u64).min(workers * u64::from(sc.requesters.count)) * 48
            } else {
                0
            };
            bytes_per_run = bytes_per_run.max(state + batches + daily + pairs + workers * FRAME_BYTES_PER_WORKER);
        }
        let runs = variants.len() as u64 * u64::from(replicates);
        let concurrent_runs = runs.min(threads.max(1) as u64).max(1);
        WorkEstimate {
            runs,
            worker_days,
            tasks,
            bytes_per_run,
            concurrent_runs,
            peak_bytes: BASE_BYTES + concurrent_runs * bytes_per_run,
            seconds: cpu_seconds / concurrent_runs as f64,
        }
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
    if x >= 1e9 {
        format!("{:.1} billion", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.1} million", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.0} thousand", x / 1e3)
    } else {
        format!("{x:.0}")
    }
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
            "memory:       {} per run, {} peak with {} run(s) at once",
            human_bytes(self.bytes_per_run),
            human_bytes(self.peak_bytes),
            self.concurrent_runs
        )
    }
}

#[cfg(test)]
mod size_probe {
    #[test]
    fn print_sizes() {
        use crate::model::worker::{Hot, Member, Worker};
        eprintln!(
            "Worker {} Member {} Hot {} Batch {}",
            std::mem::size_of::<Worker>(),
            std::mem::size_of::<Member>(),
            std::mem::size_of::<Hot>(),
            std::mem::size_of::<crate::model::posting::Batch>()
        );
    }
}
