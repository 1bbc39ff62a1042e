//! The library's top-level error, and the exit code each kind maps to (the contract:
//! 0 ok, 1 failure while running, 2 bad input, 130 interrupted). An output folder that
//! cannot be created or written is bad input (2): it is found before any work starts,
//! and choosing another `--out` fixes it. Failing to write once runs are under way is a
//! failure while running (1).

use crate::entries::EntriesError;
use crate::output::OutputError;
use crate::scenario::ScenarioError;

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario is unreadable or invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Results could not be written or read.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A targets or parameter file is unreadable or invalid.
    #[error(transparent)]
    Entries(#[from] EntriesError),
    /// `validate`: some moments lie outside their targets (exit 1, as `diff` when files
    /// differ).
    #[error("{0}")]
    OutsideTargets(String),
    /// Arguments that do not fit together, or a request that cannot be met.
    #[error("{0}")]
    Usage(String),
    /// The run was refused before it started because it would not fit in memory.
    #[error("{0}")]
    TooBig(String),
    /// A run failed while running (its sums outgrew what gigsim can hold).
    #[error("{0}")]
    Run(String),
    /// The last files of a results folder (charts, report, manifest) could not be
    /// written; the message says which and the command that finishes the folder.
    #[error("{0}")]
    Unfinished(String),
    /// Ctrl-C or SIGTERM stopped the work.
    #[error("{0}")]
    Interrupted(String),
    /// The reader of standard output closed it (`| head`): the command ends quietly,
    /// with exit 0, as cargo and ripgrep do.
    #[error("standard output was closed by its reader")]
    StdoutClosed,
    /// Standard output could not be written (a full disk behind `> file`).
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Scenario(_) | Error::Entries(_) | Error::Usage(_) | Error::TooBig(_) => 2,
            Error::Output(OutputError::NotEmpty { .. } | OutputError::Unusable { .. } | OutputError::Busy { .. }) => 2,
            Error::Output(_) | Error::Run(_) | Error::Unfinished(_) | Error::Stdout(_) | Error::OutsideTargets(_) => 1,
            Error::StdoutClosed => 0,
            Error::Interrupted(_) => 130,
        }
    }
}
