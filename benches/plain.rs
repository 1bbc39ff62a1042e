//! Whole-process speed of the plain requester-search market (issue 19): the two
//! scenarios in `benches/scenarios/` run by the release binary on one thread, writing
//! only the runs table, five times each. Reports the median tasks per second of CPU
//! time (user + system, so a busy machine's waiting does not count) and the largest
//! peak resident memory.
//!
//! Run with `cargo bench --bench plain`. To set today's binary against another one in
//! the same minutes (the runs alternate, so a machine that slows down slows both), name
//! the other with `GIGSIM_AB=/path/to/old/gigsim cargo bench --bench plain`. Not a
//! criterion bench: criterion times a closure in this process, and the figure asked
//! for here is the whole process, start-up and table writing included.

use std::path::Path;
use std::process::Command;

/// Runs per binary and scenario; the median is reported.
const RUNS: usize = 5;

/// The CPU seconds and peak resident kilobytes of one run of `binary` on `scenario`.
// The child is reaped by `wait4`, which std's `wait` cannot replace: it alone returns the
// child's own resource usage.
#[allow(clippy::zombie_processes)]
fn measure(binary: &Path, scenario: &Path, out: &Path) -> (f64, i64) {
    let child = Command::new(binary)
        .arg("run")
        .arg(scenario)
        .args(["--threads", "1", "--quiet", "--tables", "runs", "--force", "--out"])
        .arg(out)
        .spawn()
        .expect("start gigsim");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, which std has not reaped (we never call wait on it).
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "gigsim failed on {}",
        scenario.display()
    );
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss)
}

/// Tasks done in a finished run, from its runs table.
fn tasks_done(out: &Path) -> f64 {
    let text = std::fs::read_to_string(out.join("runs.csv")).expect("runs.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let column = header
        .iter()
        .position(|c| *c == "tasks_done")
        .expect("tasks_done column");
    let row: Vec<&str> = lines.next().expect("one run").split(',').collect();
    row[column].parse().expect("a count")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter, if any, picks scenarios by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let mut binaries = vec![("this", std::path::PathBuf::from(env!("CARGO_BIN_EXE_gigsim")))];
    if let Some(other) = std::env::var_os("GIGSIM_AB") {
        binaries.push(("GIGSIM_AB", other.into()));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios");
    let out = std::env::temp_dir().join(format!("gigsim-bench-plain-{}", std::process::id()));
    for name in ["plain_small", "plain_large"] {
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        let scenario = dir.join(format!("{name}.toml"));
        let mut seconds = vec![Vec::new(); binaries.len()];
        let mut peak = vec![0i64; binaries.len()];
        let mut tasks = vec![0.0; binaries.len()];
        for _ in 0..RUNS {
            for (b, (_, binary)) in binaries.iter().enumerate() {
                let (cpu, rss) = measure(binary, &scenario, &out);
                seconds[b].push(cpu);
                peak[b] = peak[b].max(rss);
                tasks[b] = tasks_done(&out);
            }
        }
        for (b, (label, binary)) in binaries.iter().enumerate() {
            let cpu = median(seconds[b].clone());
            println!(
                "plain/{name:<12} {label:<9} {:>6.2}M tasks/s  median {cpu:.3} s CPU of {RUNS} (min {:.3}, max {:.3})  peak {:.0} MB  {}",
                tasks[b] / cpu / 1e6,
                seconds[b].iter().copied().fold(f64::INFINITY, f64::min),
                seconds[b].iter().copied().fold(0.0, f64::max),
                peak[b] as f64 / 1024.0,
                binary.display(),
            );
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}
