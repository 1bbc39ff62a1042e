//! The plan of runs and their parallel execution.
//!
//! The plan is the list of (variant, replicate) pairs, variant-major, indexed from 0. A
//! shard takes the plan indices i with i mod N = I. The runs of a shard are cut into
//! chunks of consecutive runs; chunks run in parallel on a rayon pool, each handing its
//! finished runs to a sink that stores them (the sink, not the runner, knows about
//! files). Results depend only on (scenario, seed, variant, replicate), never on the
//! thread count or the chunking.

use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::model::MoneyOverflow;
use crate::model::alias::AliasTable;
use crate::model::market::Market;
use crate::model::posting::{Poster, platform_weights};
use crate::model::record::RunRecord;
use crate::model::requester::posting_weights;
use crate::rng::{Stream, stream};
use crate::scenario::{Scenario, Study};

/// One run of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlanEntry {
    /// Index in the plan.
    pub index: u32,
    /// Variant index (0 = base).
    pub variant: u32,
    /// Replicate.
    pub replicate: u32,
}

/// A shard of the plan: `index` of `count` (from 0, as SLURM array ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, 0 ≤ index < count.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// The whole plan as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: expected I/N, like 0/4"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("`{text}`: I must be a whole number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{text}`: N must be a whole number"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "`{text}`: need 0 ≤ I < N (I counts from 0, as SLURM's --array=0-(N-1))"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    /// `I/N`, as `--shard` takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The plan: every variant × replicate, variant-major.
pub fn plan(variants: usize, replicates: u32) -> Vec<PlanEntry> {
    (0..variants as u32)
        .flat_map(|v| (0..replicates).map(move |r| (v, r)))
        .enumerate()
        .map(|(i, (variant, replicate))| PlanEntry {
            index: i as u32,
            variant,
            replicate,
        })
        .collect()
}

/// The entries of a shard.
pub fn shard_entries(plan: &[PlanEntry], shard: Shard) -> Vec<PlanEntry> {
    plan.iter()
        .copied()
        .filter(|e| e.index % shard.count == shard.index)
        .collect()
}

/// Cuts a shard's runs into chunks of consecutive runs. The size depends only on the
/// plan (never on threads), so an interrupted study resumes with the same chunks: about
/// two million worker rows per chunk, at most 64 runs, and at least 8 chunks when there
/// are that many runs.
pub fn chunks(entries: &[PlanEntry], workers_per_run: u64) -> Vec<Vec<PlanEntry>> {
    let by_rows = (2_000_000 / workers_per_run.max(1)).max(1) as usize;
    let by_spread = entries.len().div_ceil(8).max(1);
    let size = by_rows.min(by_spread).clamp(1, 64);
    entries.chunks(size).map(<[PlanEntry]>::to_vec).collect()
}

/// Where a chunk's finished runs go.
pub trait ChunkSink: Sync {
    /// A chunk being written.
    type Part: Send;
    /// What can go wrong.
    type Error: Send;
    /// Starts a chunk.
    fn begin(&self, chunk: &[PlanEntry]) -> Result<Self::Part, Self::Error>;
    /// Stores one finished run.
    fn add(&self, part: &mut Self::Part, entry: &PlanEntry, record: RunRecord) -> Result<(), Self::Error>;
    /// Marks the chunk complete.
    fn finish(&self, part: Self::Part) -> Result<(), Self::Error>;
}

/// How a set of chunks ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every chunk finished.
    Completed,
    /// The stop flag was raised; finished chunks are kept, unfinished ones are not.
    Interrupted,
    /// A run failed (its money outgrew 64-bit cents), or the threads could not be
    /// started. A failure stops the other chunks; of the runs that failed, the earliest
    /// in plan order is reported. Finished chunks are kept; the failed run's is not.
    Failed(String),
}

/// How one chunk ended.
enum ChunkEnd {
    Finished,
    Stopped,
    Failed(u32, String),
}

/// Demand response of each variant to its all-in cost per task, relative to the base
/// (variant 0): (cost / base cost)^(−elasticity). The cost is the mean requester spend
/// per task over a fixed sample of batches drawn from the seed, the same for every
/// variant, so the factors are common to every replicate.
pub fn cost_factors(study: &Study) -> Vec<f64> {
    let cost = |sc: &Scenario| {
        let requesters: AliasTable = posting_weights(&sc.requesters);
        let mut categories = AliasTable::default();
        categories.rebuild(sc.categories.iter().enumerate().map(|(i, c)| (i as u32, c.share)));
        let mut rng = stream(sc.seed, 0, Stream::CostSample, 0, 0);
        let platform_pick = platform_weights(&sc.platforms);
        let poster = Poster {
            requesters: &requesters,
            categories: &categories,
            list: &sc.categories,
            platforms: &sc.platforms,
            platform_pick: &platform_pick,
            // The cost sample splits work by demand share alone.
            requester_list: &[],
        };
        poster.mean_cost_per_task(&mut rng, 4096)
    };
    let base = cost(&study.base().scenario);
    study
        .variants
        .iter()
        .map(|v| {
            let e = demand_elasticity(&v.scenario);
            if e == 0.0 || base <= 0.0 {
                return 1.0;
            }
            let c = cost(&v.scenario);
            if c <= 0.0 { 1.0 } else { (c / base).powf(-e) }
        })
        .collect()
}

/// The elasticity of demand with respect to cost: the platform's, or with several the
/// demand-share-weighted mean of theirs.
pub fn demand_elasticity(sc: &Scenario) -> f64 {
    let total: f64 = sc.platforms.iter().map(|p| p.demand_share).sum();
    if total <= 0.0 {
        return 0.0;
    }
    sc.platforms
        .iter()
        .map(|p| p.fee.demand_elasticity * p.demand_share)
        .sum::<f64>()
        / total
}

/// Runs chunks in parallel on `threads` threads (at most one per chunk) and hands each
/// finished run to `sink`.
/// `progress` advances by one per simulated day; `stop` ends the work early.
pub fn execute<S: ChunkSink>(
    study: &Study,
    chunks: &[Vec<PlanEntry>],
    threads: usize,
    progress: &ProgressBar,
    stop: &AtomicBool,
    sink: &S,
) -> Result<Outcome, S::Error> {
    let factors = cost_factors(study);
    let total_runs: usize = chunks.iter().map(Vec::len).sum();
    let runs_done = std::sync::atomic::AtomicUsize::new(0);
    // Work is shared out by chunk, so threads beyond the chunks would idle: never start
    // them (a --threads of a billion once hung starting threads, or aborted).
    let threads = threads.clamp(1, chunks.len().max(1));
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            return Ok(Outcome::Failed(format!(
                "cannot start {threads} threads: {e}; use fewer --threads"
            )));
        }
    };
    // A failed run stops the other chunks too: the command fails anyway.
    let failed = AtomicBool::new(false);
    let halted = || stop.load(Ordering::Relaxed) || failed.load(Ordering::Relaxed);
    let results: Vec<Result<ChunkEnd, S::Error>> = pool.install(|| {
        chunks
            .par_iter()
            .map(|chunk| {
                if halted() {
                    return Ok(ChunkEnd::Stopped);
                }
                let mut part = sink.begin(chunk)?;
                for entry in chunk {
                    let variant = &study.variants[entry.variant as usize];
                    let market = Market::new(&variant.scenario, entry.replicate, factors[entry.variant as usize]);
                    let record = market.run(entry.variant, || {
                        progress.inc(1);
                        !halted()
                    });
                    match record {
                        Ok(Some(r)) => sink.add(&mut part, entry, r)?,
                        Ok(None) => return Ok(ChunkEnd::Stopped),
                        Err(e) => {
                            failed.store(true, Ordering::Relaxed);
                            return Ok(ChunkEnd::Failed(
                                entry.index,
                                format!("variant \"{}\", {e}", variant.name),
                            ));
                        }
                    }
                    let done = runs_done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress.set_message(format!("{done}/{total_runs} runs"));
                }
                sink.finish(part)?;
                Ok(ChunkEnd::Finished)
            })
            .collect()
    });
    let mut all_done = true;
    let mut first_failure: Option<(u32, String)> = None;
    for r in results {
        match r? {
            ChunkEnd::Finished => {}
            ChunkEnd::Stopped => all_done = false,
            ChunkEnd::Failed(index, message) => {
                if first_failure.as_ref().is_none_or(|(i, _)| index < *i) {
                    first_failure = Some((index, message));
                }
            }
        }
    }
    Ok(match first_failure {
        Some((_, message)) => Outcome::Failed(message),
        None if all_done => Outcome::Completed,
        None => Outcome::Interrupted,
    })
}

/// Runs one entry directly (tests, benches): the record of (variant, replicate).
/// Panics when the run's money outgrows 64-bit cents; [`try_run_one`] returns that.
pub fn run_one(study: &Study, variant: u32, replicate: u32) -> RunRecord {
    try_run_one(study, variant, replicate).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs one entry directly: the record of (variant, replicate), or the overflow that
/// voided it.
pub fn try_run_one(study: &Study, variant: u32, replicate: u32) -> Result<RunRecord, MoneyOverflow> {
    let factors = cost_factors(study);
    let sc = &study.variants[variant as usize].scenario;
    Market::new(sc, replicate, factors[variant as usize])
        .run(variant, || true)
        .map(|r| r.expect("never interrupted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_is_variant_major_and_shards_partition_it() {
        let p = plan(3, 4);
        assert_eq!(p.len(), 12);
        assert_eq!((p[5].variant, p[5].replicate, p[5].index), (1, 1, 5));
        let mut seen: Vec<u32> = (0..4)
            .flat_map(|i| shard_entries(&p, Shard { index: i, count: 4 }))
            .map(|e| e.index)
            .collect();
        seen.sort();
        assert_eq!(seen, (0..12).collect::<Vec<_>>());
        assert_eq!(
            shard_entries(&p, Shard { index: 1, count: 4 })
                .iter()
                .map(|e| e.index)
                .collect::<Vec<_>>(),
            vec![1, 5, 9]
        );
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard::parse("2/4").unwrap().to_string(), "2/4");
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("1").is_err());
        assert!(Shard::parse("a/2").is_err());
    }

    #[test]
    fn chunks_cover_entries_in_order() {
        let p = plan(2, 50);
        let c = chunks(&p, 1000);
        let flat: Vec<u32> = c.iter().flatten().map(|e| e.index).collect();
        assert_eq!(flat, (0..100).collect::<Vec<_>>());
        assert!(c.len() >= 8);
        assert!(chunks(&p, 5_000_000).iter().all(|c| c.len() == 1));
    }
}
