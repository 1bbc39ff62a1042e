//! The market: workers, requesters, demand, the platform's rules, and the daily step
//! that ties them together. Plain structs in `Vec`s, indexed by `u32`; no trait
//! objects, and every random draw from a named stream (see `rng`).

pub mod alias;
pub mod behaviour;
pub mod demand;
pub mod fees;
pub mod market;
mod matching;
pub mod payouts;
pub mod posting;
pub mod record;
pub mod requester;
pub mod visibility;
mod work;
pub mod worker;

use fees::FeePolicy;
use payouts::PayoutRule;
use visibility::Visibility;

/// How a platform brings tasks and workers together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matching {
    /// Requesters draw workers by visibility weight (Upwork, Fiverr).
    Search,
    /// Workers pick tasks from a board, in a random order each round (MTurk).
    Board,
}

/// A platform's rules.
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformParams {
    /// Name.
    pub name: String,
    /// Matching mode.
    pub matching: Matching,
    /// `search`: offers per task before it stays unfilled.
    pub offers_per_task: u32,
    /// `board`: batches looked at per pick.
    pub board_choices: u32,
    /// `board`: unpaid seconds per pick.
    pub search_seconds: u32,
    /// Fee policy.
    pub fee: FeePolicy,
    /// Visibility and gates.
    pub visibility: Visibility,
    /// Payout rules.
    pub payout: PayoutRule,
}
