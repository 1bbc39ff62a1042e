//! gigsim: an agent-based simulator of gig and micro-task labour markets.
//!
//! A scenario (TOML) describes workers, requesters, demand and a platform's rules; the
//! library checks it ([`scenario`]), runs many deterministic replicates in parallel
//! ([`runner`]), and writes tables and summaries ([`output`]). Money is integer cents,
//! time is integer seconds inside a day, and every random draw comes from a stream
//! derived from the seed, the replicate and the subsystem — never the variant — so
//! policies compared with the same seed face the same people and the same demand.
//!
//! [`pipeline`] strings these together as the commands do (load → plan → run → tables
//! → charts) for a program that drives gigsim without its command line.

#![deny(missing_docs)]

pub mod calibrate;
pub mod cli;
pub mod commands;
pub mod entries;
pub mod error;
pub mod estimate;
pub mod interrupt;
pub mod metrics;
pub mod model;
pub mod money;
pub mod output;
pub mod pipeline;
pub mod rng;
pub mod runner;
pub mod scenario;
pub mod sensitivity;
pub mod units;
pub mod validate;
