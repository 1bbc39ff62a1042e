//! Requesters: who posts how much, how strictly they judge work, how they rate.

use super::alias::AliasTable;
use crate::rng::{Stream, stream};
use crate::scenario::{PlatformParams, RequesterParams};

/// How a requester treats submitted work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conduct {
    /// Rejects poor work at their rejection rate, pays for the rest.
    Fair,
    /// Rejects most work whatever its quality.
    Rejecting,
    /// Accepts work and never pays.
    Nonpaying,
}

/// One requester.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Requester {
    /// Probability of rejecting poorly done work.
    pub rejection_rate: f32,
    /// How they treat work.
    pub conduct: Conduct,
    /// The platforms they post on (bit p for platform p; every platform's bit with one).
    pub platforms: u32,
}

impl Requester {
    /// Draws requester `id` from their own stream.
    pub fn draw(
        params: &RequesterParams,
        platforms: &[PlatformParams],
        seed: u64,
        replicate: u32,
        id: u32,
    ) -> Requester {
        let mut rng = stream(seed, replicate, Stream::RequesterTraits, 0, u64::from(id));
        let rejection_rate = params.rejection_rate.sample(&mut rng) as f32;
        let u = crate::rng::unit_f64(rand::Rng::next_u64(&mut rng));
        let conduct = if u < params.rejecting_share {
            Conduct::Rejecting
        } else if u < params.rejecting_share + params.nonpaying_share {
            Conduct::Nonpaying
        } else {
            Conduct::Fair
        };
        // Drawn after the traits above, so they are the same with one platform or many.
        let platforms = join_platforms(&mut rng, platforms);
        Requester {
            rejection_rate,
            conduct,
            platforms,
        }
    }
}

/// The platforms a requester posts on: each with its `requester_join_probability`, among
/// those that get posted work at all (`demand_share` above 0); one who joins none posts
/// on the most likely (the first of equals). One draw per platform whatever the
/// outcome, and none with a single platform.
fn join_platforms(rng: &mut impl rand::Rng, platforms: &[PlatformParams]) -> u32 {
    let posted = posted_platforms(platforms);
    if platforms.len() <= 1 {
        return posted;
    }
    let mut mask = 0u32;
    for (p, rules) in platforms.iter().enumerate() {
        let u = crate::rng::unit_f64(rng.next_u64());
        if u < rules.requester_join_probability {
            mask |= 1 << p;
        }
    }
    mask &= posted;
    if mask == 0 {
        let likeliest = (0..platforms.len())
            .filter(|&p| posted & (1 << p) != 0)
            .rev()
            .max_by(|&a, &b| {
                platforms[a]
                    .requester_join_probability
                    .total_cmp(&platforms[b].requester_join_probability)
            })
            .unwrap_or(0);
        mask = 1 << likeliest;
    }
    mask
}

/// The platforms that get posted work (`demand_share` above 0), as a bit set.
pub fn posted_platforms(platforms: &[PlatformParams]) -> u32 {
    platforms
        .iter()
        .enumerate()
        .filter(|(_, p)| p.demand_share > 0.0)
        .fold(0, |mask, (p, _)| mask | 1 << p)
}

/// The posting-volume table: requester k (from 0) posts in proportion to 1/(k+1)^s.
pub fn posting_weights(params: &RequesterParams) -> AliasTable {
    let mut table = AliasTable::default();
    table.rebuild((0..params.count).map(|k| (k, (f64::from(k) + 1.0).powf(-params.concentration))));
    table
}
