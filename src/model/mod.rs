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
mod prefetch;
pub mod record;
pub mod requester;
mod scratch;
mod stars;
pub mod venue;
pub mod visibility;
mod work;
pub mod worker;

use crate::scenario::Dispatch;

/// A run whose money outgrew 64-bit cents: requesters paid more than
/// 9,223,372,036,854,775,807 cents (about $92 quadrillion) in one run. The run stops
/// and has no record, rather than reporting sums that wrapped around.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "replicate {replicate}: on day {day} the money of the run outgrew 64-bit cents (requesters paid more than \
     $92 quadrillion); gigsim stops rather than report sums that wrapped around. Lower pay, fees, surge, \
     workers or days"
)]
pub struct MoneyOverflow {
    /// The replicate.
    pub replicate: u32,
    /// The day the sums outgrew 64 bits.
    pub day: u32,
}

impl Dispatch {
    /// Whether the platform offers jobs to member `m`: the gates of acceptance and rating.
    /// Recent refusals fade (see [`Member::acceptance_rate`]), so the acceptance gate is a
    /// time-out; the rating gate, once a worker has enough reviews, is final, as a
    /// deactivation is.
    ///
    /// [`Member::acceptance_rate`]: worker::Member::acceptance_rate
    pub fn admits(&self, m: &worker::Member) -> bool {
        m.acceptance_rate() >= self.min_acceptance
            && (m.reviews < self.rating_gate_reviews || m.rating >= self.min_rating)
    }

    /// The day's pay multiplier for `demand` and `supply` seconds of work.
    pub fn surge(&self, demand: f64, supply: f64) -> f64 {
        if self.surge_slope <= 0.0 || demand <= 0.0 {
            return 1.0;
        }
        let ratio = if supply > 0.0 { demand / supply } else { f64::INFINITY };
        if ratio <= self.surge_threshold {
            return 1.0;
        }
        (1.0 + self.surge_slope * (ratio - self.surge_threshold)).min(self.surge_cap)
    }
}
