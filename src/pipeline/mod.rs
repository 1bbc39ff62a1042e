//! The pipeline as a library: what the commands do, callable without the command line.
//!
//! 1. **load** a scenario file into a [`Study`](crate::scenario::Study)
//!    ([`crate::scenario::load`]; [`crate::scenario::parse`] for text), and apply the
//!    caller's seed and replicates ([`apply_flags`]);
//! 2. **plan** its runs: every variant × replicate, variant-major
//!    ([`crate::runner::plan`]);
//! 3. **run** them, either into a results folder ([`execute`], which also does steps
//!    4 and 5, resumably and by shard) or in memory ([`simulate`], which hands back the
//!    run records);
//! 4. **tables**: [`finalize`] assembles a folder's part files into its tables and
//!    summary, draws its charts and report, and writes its manifest last;
//! 5. **charts**: [`draw_charts`] draws every chart and the report of a finished folder
//!    again (`gigsim plot`).
//!
//! ```no_run
//! use gigsim::pipeline::{self, Extra, Options};
//!
//! let mut study = gigsim::scenario::load("scenarios/baseline.toml".as_ref())?;
//! let options = Options { replicates: Some(4), quiet: true, ..Options::default() };
//! pipeline::apply_flags(&mut study, &options);
//! // In memory: one record per replicate.
//! let records = pipeline::simulate(&study, options.thread_count())?;
//! assert_eq!(records.len(), 4);
//! // Or into a results folder with every table and chart.
//! let done = pipeline::execute(&study, &options, Extra::Run)?;
//! # Ok::<(), gigsim::error::Error>(())
//! ```

mod execute;
mod memory;
mod options;
mod resume;
pub mod terminal;

pub use execute::{
    Done, Extra, Finalize, Finished, ShardDone, WORKERS_CSV_MAX_ROWS, apply_flags, check_plan_size, chosen_tables,
    draw_charts, execute, finalize, resume_command, study_record, wants_csv,
};
pub use memory::{simulate, simulate_with};
pub use options::{Options, default_threads};
pub use resume::{PARTIAL_NOTE, PARTIAL_NOTE_FILE, Start, prepare};
