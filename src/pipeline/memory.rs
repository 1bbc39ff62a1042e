//! Running a study in memory: every run's record handed back to the caller, with no
//! folder, parts or tables. For programs that drive gigsim themselves (a calibration
//! loop, a notebook binding) and want the records, not files.

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use indicatif::ProgressBar;

use crate::error::Error;
use crate::model::record::RunRecord;
use crate::runner::{self, ChunkSink, Outcome, PlanEntry};
use crate::scenario::Study;

/// Collects finished runs by plan index.
struct Collect(Mutex<Vec<(u32, RunRecord)>>);

impl ChunkSink for Collect {
    type Part = Vec<(u32, RunRecord)>;
    type Error = std::convert::Infallible;

    fn begin(&self, chunk: &[PlanEntry]) -> Result<Self::Part, Self::Error> {
        Ok(Vec::with_capacity(chunk.len()))
    }

    fn add(&self, part: &mut Self::Part, entry: &PlanEntry, record: RunRecord) -> Result<(), Self::Error> {
        part.push((entry.index, record));
        Ok(())
    }

    fn finish(&self, part: Self::Part) -> Result<(), Self::Error> {
        self.0.lock().expect("no thread panicked holding it").extend(part);
        Ok(())
    }
}

/// Runs every variant × replicate of `study` on `threads` threads and returns the run
/// records in plan order (variant-major). The records are the same for any number of
/// threads. Ctrl-C (see [`crate::interrupt`]) stops the work with
/// [`Error::Interrupted`]; a run whose money outgrew 64-bit cents fails it.
pub fn simulate(study: &Study, threads: usize) -> Result<Vec<RunRecord>, Error> {
    simulate_with(study, threads, &ProgressBar::hidden(), crate::interrupt::flag())
}

/// [`simulate`] with a progress bar (one step per simulated day) and a stop flag of the
/// caller's.
pub fn simulate_with(
    study: &Study,
    threads: usize,
    progress: &ProgressBar,
    stop: &AtomicBool,
) -> Result<Vec<RunRecord>, Error> {
    let plan = runner::plan(study.variants.len(), study.base().scenario.replicates);
    // One run per chunk: nothing is written, so nothing is gained by bigger chunks, and
    // small ones share the work out evenly.
    let chunks: Vec<Vec<PlanEntry>> = plan.iter().map(|e| vec![*e]).collect();
    let sink = Collect(Mutex::new(Vec::with_capacity(plan.len())));
    let outcome = match runner::execute(study, &chunks, threads, progress, stop, &sink) {
        Ok(o) => o,
        Err(never) => match never {},
    };
    match outcome {
        Outcome::Completed => {}
        Outcome::Interrupted => return Err(Error::Interrupted("interrupted: no records were kept".into())),
        Outcome::Failed(message) => return Err(Error::Run(message)),
    }
    let mut runs = sink.0.into_inner().expect("no thread panicked holding it");
    runs.sort_unstable_by_key(|(index, _)| *index);
    Ok(runs.into_iter().map(|(_, r)| r).collect())
}
