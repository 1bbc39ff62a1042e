//! What a caller chooses about a run besides its scenario: where results go, how many
//! replicates and threads, which tables. The command line's flags fill one of these
//! (`RunFlags::options` in the `cli` module); another program fills it directly.

use std::path::PathBuf;

use crate::error::Error;
use crate::runner::Shard;

/// The choices of a run, compare or sweep that are not part of the scenario. The
/// default is what the command line gives with no flags: a new folder under `output/`,
/// the scenario's seed and replicates, every core, every table.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Results folder (`None`: a new folder `output/<scenario name>/<date-time>/`).
    pub out: Option<PathBuf>,
    /// Replicates per variant, replacing `simulation.replicates`.
    pub replicates: Option<u32>,
    /// Master seed, replacing `simulation.seed`.
    pub seed: Option<u64>,
    /// Worker threads (`None`: every core). Results are the same for any number.
    pub threads: Option<u32>,
    /// Write into an existing, non-empty `out`, replacing results there.
    pub force: bool,
    /// No progress bar and no notes on the terminal.
    pub quiet: bool,
    /// Tables to write (`None`: every table).
    pub tables: Option<Vec<String>>,
    /// Run even when the estimated memory exceeds what this machine has.
    pub ignore_memory_estimate: bool,
    /// Run only this shard of the plan (needs `out`).
    pub shard: Option<Shard>,
    /// Finish an interrupted run in `out`, keeping its complete part files.
    pub resume: bool,
}

impl Options {
    /// Refuses `--resume` and `--shard` without `--out`: both name a folder the command
    /// writes into again (the interrupted one, or the shard's own).
    pub fn check_out(&self) -> Result<(), Error> {
        if self.out.is_none() && self.resume {
            return Err(Error::Usage(
                "--resume needs --out DIR: the folder of the interrupted command to finish".into(),
            ));
        }
        if self.out.is_none() && self.shard.is_some() {
            return Err(Error::Usage(
                "--shard needs --out DIR: each shard writes its own folder, which `gigsim merge` combines".into(),
            ));
        }
        Ok(())
    }

    /// Refuses each of `flags` that is given (`(given, name)`): `command` does not take
    /// it, for the reason `why`.
    pub fn refuse(command: &str, flags: &[(bool, &str)], why: &str) -> Result<(), Error> {
        match flags.iter().find(|(given, _)| *given) {
            Some((_, flag)) => Err(Error::Usage(format!("{command} does not take {flag}: {why}"))),
            None => Ok(()),
        }
    }

    /// The number of worker threads to use.
    pub fn thread_count(&self) -> usize {
        self.threads.map_or_else(default_threads, |t| t as usize)
    }
}

/// Every core of this machine.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
