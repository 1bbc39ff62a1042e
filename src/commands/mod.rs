//! The commands behind the CLI: each takes its parsed arguments, does the work through
//! the library, and returns an [`Error`](crate::error::Error) that maps to an exit code.

mod calibrate;
mod check;
mod compare;
mod init;
mod merge;
mod merge_search;
mod plot;
mod report;
mod run;
mod search;
mod sensitivity;
mod slurm;
mod stdout;
mod sweep;
mod validate;

use crate::cli::{Cli, Command};
use crate::error::Error;

/// Runs a parsed command line.
pub fn dispatch(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Init { path } => init::init(path.as_deref()),
        Command::Check(args) => check::check(&args),
        Command::Run(args) => run::run(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Slurm(args) => slurm::slurm(&args),
    }
}
