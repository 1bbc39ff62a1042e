//! The command line, as clap definitions only: every flag is documented where it is
//! defined and `--help` is generated from these definitions. No logic lives here but
//! the translation of the run flags into the library's [`Options`](crate::pipeline::Options).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::runner::Shard;

/// gigsim — an agent-based simulator of gig and micro-task labour markets.
///
/// Write a scenario (start from `gigsim init`), check it, run many deterministic
/// replicates in parallel, and compare platform policies. Results land in
/// output/<scenario>/<date-time>/ as Parquet and CSV tables with a summary and a manifest.
#[derive(Debug, Parser)]
#[command(name = "gigsim", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a complete, commented default scenario (or write it to PATH).
    ///
    /// Every key appears with its default, unit, allowed values and meaning. The text is
    /// generated from the definitions that check scenarios, so it is always current.
    Init {
        /// Write the scenario here instead of printing it (refuses to overwrite).
        path: Option<PathBuf>,
    },
    /// Check a scenario, print it resolved (defaults filled in) and estimate the work.
    Check(CheckArgs),
    /// Run the scenario as written (variant "base") for every replicate.
    Run(RunArgs),
    /// Run every variant on the same replicates and compare them with base.
    ///
    /// Variants are the scenario's [[variants]] (name and dotted-key overrides). Every
    /// variant sees the same workers, requesters and demand in replicate r (common
    /// random numbers), so comparison.csv reports paired differences against base.
    Compare(RunArgs),
    /// Run the scenario over a grid of one or two numeric keys.
    ///
    /// Example: gigsim sweep s.toml --param platform.fee.worker_percent --values 0:30:5
    /// Each point runs on the same replicates; sweep.csv has one row per point and
    /// metric with paired differences against the first point. The scenario's
    /// [[variants]] are not run by sweep.
    Sweep(SweepArgs),
    /// Run the scenario and check its moments against empirical targets.
    ///
    /// TARGETS is a TOML file of [[moments]], each a moment from the vocabulary (README:
    /// Validating a scenario) with `target` and `tolerance` or `low` and `high`, and its
    /// `source`. The results folder is a run's, plus validation.csv (each moment's mean over
    /// replicates with its 95% CI against its band), a validation chart and a report
    /// section. Exit status, as diff's: 0 when every moment's mean is inside its band, 1
    /// when some are not, 2 on bad input (scenario, targets file or flags). Example:
    /// gigsim validate scenarios/mturk_2015.toml --targets scenarios/targets/mturk_hara2018.toml
    Validate(ValidateArgs),
    /// Fit scenario keys to empirical targets (the method of simulated moments).
    ///
    /// PARAMS lists [[params]] entries (`key`, `low`, `high`, optional `log = true`), any
    /// numeric key sweep accepts. The loss is Σ ((mean − centre) / half-width)² over the
    /// targets' bands (README: Calibrating a scenario). The search spends half of
    /// --budget on an Owen-scrambled Sobol design over the box and the rest on
    /// Nelder–Mead from its best point; every candidate runs the same replicate seeds.
    /// Writes calibration.csv (every evaluation), best.toml (ready for gigsim run),
    /// validation.csv of the best point, charts, report.html and calibration.json.
    /// --shard I/N splits the Sobol start, --resume continues after Ctrl-C. Example:
    /// gigsim calibrate scenarios/mturk_2015.toml --targets scenarios/targets/mturk_hara2018.toml --params p.toml --budget 60
    Calibrate(CalibrateArgs),
    /// Measure which scenario keys move which outputs (Morris screening, Sobol indices).
    ///
    /// PARAMS is calibrate's parameter file. --method morris runs --samples trajectories
    /// (default 20) of elementary effects and reports mu* and sigma; --method sobol runs
    /// Saltelli's design on --samples base points (default 64; N × (parameters + 2)
    /// evaluations) and reports first-order (S1) and total (ST) indices, Jansen's
    /// estimators. Every index has a 95% bootstrap interval. Outputs (--metrics) are
    /// columns of runs or validate moments, each the mean over replicates; every design
    /// point runs the same replicate seeds. Writes sensitivity.csv, a chart, report.html
    /// and sensitivity.json; --shard I/N splits the design, --resume continues. Example:
    /// gigsim sensitivity scenarios/mturk_2015.toml --params p.toml --method morris --metrics median_hourly_wage_all_time
    Sensitivity(SensitivityArgs),
    /// Redraw the charts and report of a finished results folder from its tables.
    ///
    /// No simulation is rerun: charts are drawn from the Parquet/CSV tables, so a
    /// researcher can restyle them (--charts FILE with another [charts] section) or
    /// draw them elsewhere (--out DIR).
    Plot(PlotArgs),
    /// Combine the shards of a study (run with --shard I/N) into one results folder.
    ///
    /// The shards must come from the same gigsim build, resolved scenario, seed and
    /// replicates and together cover the plan exactly once; the tables, summary,
    /// comparison.csv or sweep.csv are then the same, byte for byte, as a single-machine
    /// run on the same machine type. Shards of calibrate or sensitivity are finished
    /// here (Nelder–Mead; the indices) into the files of a single command. Example:
    /// gigsim merge out/shards/0 out/shards/1 out/shards/2 --out out/merged
    Merge(MergeArgs),
    /// Write (and with --submit, submit) SLURM batch scripts that run a study as a job
    /// array, one array task per shard, and merge the shards when every task succeeded.
    ///
    /// Writes DIR/shards.sbatch (the array), DIR/merge.sbatch (the merge, submitted with
    /// --dependency=afterok on the array), DIR/submit.sh and a frozen copy of the
    /// scenario, DIR/scenario.toml. Shards go to DIR/shards/<I>/, logs to DIR/logs/,
    /// results to DIR/merged/. Example:
    /// gigsim slurm s.toml --shards 20 --out /scratch/me/study --time 02:00:00 --cpus 8 --submit
    Slurm(SlurmArgs),
}

/// Arguments of `plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A results folder written by run, compare, sweep or merge.
    pub results: PathBuf,
    /// Write `charts/` and `report.html` here instead of into the results folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A TOML file with a [charts] section (width, height, formats, scale) to draw with
    /// instead of the results' own.
    #[arg(long, value_name = "FILE")]
    pub charts: Option<PathBuf>,
}

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard folders (each written by run, compare, sweep, calibrate or sensitivity with
    /// --shard I/N --out).
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Write the merged results here (default: a new folder output/<scenario name>/<date-time>/).
    /// An existing folder with files in it is refused unless --force is given.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write into an existing, non-empty --out folder, replacing results there.
    #[arg(long)]
    pub force: bool,
    /// No summary on the terminal (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

/// The commands a SLURM job array can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StudyCommand {
    /// `gigsim run`: the scenario as written.
    Run,
    /// `gigsim compare`: every variant.
    Compare,
    /// `gigsim sweep`: a grid of --param/--values.
    Sweep,
}

/// Arguments of `slurm`.
#[derive(Debug, Args)]
pub struct SlurmArgs {
    /// The scenario file (TOML); a copy is saved in DIR and the jobs run that copy.
    pub scenario: PathBuf,
    /// Number of shards: array tasks 0 to N-1, task I running plan indices i with i mod N = I.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: u32,
    /// The study folder: scripts, scenario copy, logs/, shards/<I>/ and merged/.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// What the array tasks run (default: compare when the scenario has [[variants]],
    /// else run).
    #[arg(long, value_enum, value_name = "COMMAND")]
    pub command: Option<StudyCommand>,
    /// For --command sweep: a numeric key to sweep (one or two, each with its --values).
    #[arg(long = "param", value_name = "KEY")]
    pub params: Vec<String>,
    /// For --command sweep: the values of the preceding --param (0,5,10 or start:stop:step).
    #[arg(long = "values", value_name = "LIST", allow_hyphen_values = true)]
    pub values: Vec<String>,
    /// Replicates, seed, tables and the memory check, passed to every shard.
    #[command(flatten)]
    pub study: StudyFlags,
    /// Submit both jobs with sbatch and print their job ids.
    #[arg(long)]
    pub submit: bool,
    /// SLURM partition (sbatch --partition; default: the cluster's default partition).
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Time limit of each array task (sbatch --time, e.g. 02:00:00 or 1-12:00:00).
    #[arg(long, value_name = "T")]
    pub time: Option<String>,
    /// CPUs per array task (sbatch --cpus-per-task); each shard runs that many threads.
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub cpus: u32,
    /// Memory per array task (sbatch --mem, e.g. 4G or 16000M).
    #[arg(long, value_name = "M")]
    pub mem: Option<String>,
    /// The gigsim binary the jobs run (default: this one). It must be reachable from the
    /// compute nodes, and every shard must use the same build.
    #[arg(long, value_name = "PATH")]
    pub gigsim: Option<PathBuf>,
    /// Write into an existing, non-empty DIR (replacing the scripts; shards already there
    /// are resumed if they belong to the same study).
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// A numeric key to sweep, dotted as in variants (e.g. platform.fee.worker_percent,
    /// workers.reservation_wage.median, tasks.categories.survey.share). Give one or two,
    /// each followed by its --values.
    #[arg(long = "param", value_name = "KEY", required = true)]
    pub params: Vec<String>,
    /// The values of the preceding --param: a list (0,5,10) or start:stop:step with stop
    /// included (0:1:0.25); values are rounded to the step's decimals.
    #[arg(long = "values", value_name = "LIST", required = true, allow_hyphen_values = true)]
    pub values: Vec<String>,
    /// Flags shared by run, compare and sweep.
    #[command(flatten)]
    pub flags: RunFlags,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Estimate for this many replicates instead of the scenario's (1 to 1000000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replicates: Option<u32>,
    /// Estimate for this many threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print only the estimate, not the resolved scenario.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The targets file (TOML): the moments to match, each with its band and source.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// Flags shared by run, compare and sweep (not --shard: validate needs every replicate).
    #[command(flatten)]
    pub flags: RunFlags,
}

/// Arguments of `calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The targets file (TOML), as for validate.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// The parameter file (TOML): [[params]] with key, low, high and optional log.
    #[arg(long, value_name = "FILE")]
    pub params: PathBuf,
    /// Model evaluations in all (each runs every replicate), at least 1.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub budget: usize,
    /// Results folder, replicates, seed, threads, --force, --quiet, --resume and --shard
    /// as for run (not --tables). --shard I/N evaluates its share of the Sobol start;
    /// `gigsim merge` of all shards runs the Nelder–Mead refinement.
    #[command(flatten)]
    pub flags: RunFlags,
}

/// The methods of `sensitivity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SensitivityMethod {
    /// Morris elementary effects: mu* and sigma per parameter (screening).
    Morris,
    /// Sobol first-order and total indices (Saltelli design, Jansen estimators).
    Sobol,
}

/// Arguments of `sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The parameter file (TOML), as for calibrate.
    #[arg(long, value_name = "FILE")]
    pub params: PathBuf,
    /// The method.
    #[arg(long, value_enum)]
    pub method: SensitivityMethod,
    /// Outputs, comma-separated: columns of runs (default: the headline metrics) or
    /// validate moments that take no threshold.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub metrics: Option<Vec<String>>,
    /// Morris trajectories (default 20) or Sobol base samples (default 64), at least 2.
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// Results folder, replicates, seed, threads, --force, --quiet, --resume and --shard
    /// as for run (not --tables). --shard I/N evaluates its share of the design points;
    /// `gigsim merge` of all shards computes the indices.
    #[command(flatten)]
    pub flags: RunFlags,
}

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Flags shared by run, compare and sweep.
    #[command(flatten)]
    pub flags: RunFlags,
}

/// The flags that say what a study simulates and writes, shared by the commands that
/// run one and by `slurm`, which passes them to every shard.
#[derive(Clone, Debug, Args)]
pub struct StudyFlags {
    /// Replicates per variant (overrides simulation.replicates), 1 to 1000000 like the key.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replicates: Option<u32>,
    /// Master seed (overrides simulation.seed), 0 to 9223372036854775807 like the key,
    /// so the resolved scenario a results folder keeps can be run again.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Tables to write, comma-separated, from runs, workers, daily (default: all).
    /// workers.csv is skipped above a million rows unless workers is listed here;
    /// Parquet is always written for the tables chosen.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub tables: Option<Vec<String>>,
    /// Run even when the estimated memory exceeds what this machine has.
    #[arg(long)]
    pub ignore_memory_estimate: bool,
}

/// Flags shared by every command that runs simulations.
#[derive(Debug, Args, Clone)]
pub struct RunFlags {
    /// Write results here (default: a new folder output/<scenario name>/<date-time>/).
    /// An existing folder with files in it is refused unless --force is given.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replicates, seed, tables and the memory check.
    #[command(flatten)]
    pub study: StudyFlags,
    /// Worker threads (default: all cores). Results are identical for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    /// Write into an existing, non-empty --out folder, replacing results there.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary on the terminal (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only shard I of N: the plan indices i with i mod N = I (I from 0, as SLURM's
    /// --array=0-(N-1)). Needs --out; the folder gets the shard's part files and a
    /// completion marker, SHARD.json, and no tables: `gigsim merge` makes them.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,
    /// Finish an interrupted command in its --out folder: runs whose part files are
    /// complete are kept, the rest are run again. The scenario, seed, replicates, shard
    /// and gigsim build must be the same; starts afresh when the folder holds no parts.
    #[arg(long)]
    pub resume: bool,
}

impl RunFlags {
    /// The flags as the library's plain [`Options`](crate::pipeline::Options).
    pub fn options(&self) -> crate::pipeline::Options {
        crate::pipeline::Options {
            out: self.out.clone(),
            replicates: self.study.replicates,
            seed: self.study.seed,
            threads: self.threads,
            force: self.force,
            quiet: self.quiet,
            tables: self.study.tables.clone(),
            ignore_memory_estimate: self.study.ignore_memory_estimate,
            shard: self.shard,
            resume: self.resume,
        }
    }
}
