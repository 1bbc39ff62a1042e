//! What requesters post each day: batches of tasks, each with a requester, a category,
//! a pay and an expected duration, after the platform's pay floor and the requesters'
//! pass-through of fees.
//!
//! Batches come from one stream per (replicate, day) that never depends on the variant;
//! a policy that posts fewer tasks (demand responding to cost) takes a prefix of the
//! same sequence, so the batches both variants post are the same batches.

use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;

use super::alias::AliasTable;
use super::fees::Charge;
use super::requester::{Requester, posted_platforms};
use crate::money::{round, usd_to_cents};
use crate::rng::unit_f64;
use crate::scenario::{Category, FeePolicy, FloorAction, PlatformParams};

/// A batch of identical tasks posted by one requester on one day. What a worker looks
/// at when choosing from the board comes first, so a glance costs one cache line.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C)]
pub struct Batch {
    /// What a worker expects to keep per task, cents.
    pub expected_net_cents: i64,
    /// Expected seconds per task at speed 1.
    pub expected_seconds: u32,
    /// Requester index.
    pub requester: u32,
    /// Category index.
    pub category: u16,
    /// Matching group of the category (0 = anyone; niche categories have their own).
    pub group: u16,
    /// Whether the batch is gated by reputation (see `Visibility`).
    pub gated: bool,
    /// Hour of the day it was posted in (0 without `demand.hour_factors`).
    pub hour: u8,
    /// Tasks posted.
    pub size: u32,
    /// Tasks not yet taken.
    pub remaining: u32,
    /// Posted pay per task, cents.
    pub pay_cents: i64,
    /// How the money of one approved task is split (for a tiered fee, the split of a
    /// worker's first task with the requester; `work` recomputes it per pair).
    pub charge: Charge,
}

/// Counts of the day's posting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PostingCounts {
    /// Tasks posted.
    pub posted: u64,
    /// Tasks whose pay the floor raised.
    pub floor_raised: u64,
    /// Tasks the floor kept from being posted.
    pub floor_dropped: u64,
}

/// One drawn batch before platform rules: who, what, the requester's budget per task.
#[derive(Clone, Copy, Debug)]
struct Draft {
    requester: u32,
    category: u16,
    group: u16,
    /// Uniform draw compared with a platform's open share.
    gate: f64,
    size: u32,
    budget_cents: i64,
    expected_seconds: u32,
}

fn draft<R: Rng>(rng: &mut R, requesters: &AliasTable, categories: &AliasTable, list: &[Category]) -> Draft {
    let requester = requesters.draw(rng.next_u64());
    let category = categories.draw(rng.next_u64());
    let c = &list[category as usize];
    let gate = unit_f64(rng.next_u64());
    let pay = c.pay_usd.sample(rng);
    let duration = c.duration_seconds.sample(rng);
    let size = round(c.batch_size.sample(rng)).max(1.0) as u32;
    // Travel comes last so that categories without it draw exactly as before.
    let expected_seconds = round(duration + c.travel_seconds.sample(rng)).max(1.0) as u32;
    let pay = if c.hourly {
        pay * f64::from(expected_seconds) / 3600.0
    } else {
        pay
    };
    let budget_cents = usd_to_cents(pay).max(1);
    Draft {
        requester,
        category: category as u16,
        group: c.group,
        gate,
        size,
        budget_cents,
        expected_seconds,
    }
}

/// Applies a platform's gate, pass-through and pay floor to a draft; `None` when the
/// floor drops it.
fn finish(d: Draft, size: u32, open_share: f64, fees: &FeePolicy, counts: &mut PostingCounts) -> Option<Batch> {
    let mut pay = fees.posted_pay(d.budget_cents, size);
    let floor = fees.floor_cents(d.expected_seconds);
    if pay < floor {
        match fees.pay_floor_action {
            FloorAction::Raise => {
                pay = floor;
                counts.floor_raised += u64::from(size);
            }
            FloorAction::Drop => {
                counts.floor_dropped += u64::from(size);
                return None;
            }
        }
    }
    // What the worker expects to keep is the worker's side of this same split
    // (`FeePolicy::expected_net`), so the split is worked out once.
    let charge = fees.charge(pay, size, 0);
    Some(Batch {
        requester: d.requester,
        category: d.category,
        group: d.group,
        gated: d.gate >= open_share,
        // Set by the market from its own stream, after posting (`Market::open_day`).
        hour: 0,
        size,
        remaining: size,
        pay_cents: pay,
        expected_seconds: d.expected_seconds,
        expected_net_cents: charge.worker_net_cents,
        charge,
    })
}

/// What posting draws from: the requesters' and categories' weights, the categories,
/// and the platforms whose rules shape a batch (gates, fees, pay floors). With several
/// platforms each batch goes to one of them by `demand_share`.
pub struct Poster<'a> {
    /// Posting weights of requesters.
    pub requesters: &'a AliasTable,
    /// Weights of categories.
    pub categories: &'a AliasTable,
    /// The categories.
    pub list: &'a [Category],
    /// The platforms.
    pub platforms: &'a [PlatformParams],
    /// Weights of platforms by demand share (used with more than one platform).
    pub platform_pick: &'a AliasTable,
    /// The requesters, for the platforms each posts on (empty: every requester posts
    /// everywhere).
    pub requester_list: &'a [Requester],
}

impl Poster<'_> {
    /// The platform a draft of `requester` goes to: the only one, or one of the
    /// requester's platforms drawn by demand share (one draw, made only when there are
    /// several, so single-platform streams are unchanged; a requester on every platform
    /// draws from the shared table, exactly as before requesters could be on fewer).
    fn platform(&self, rng: &mut Xoshiro256PlusPlus, requester: u32) -> usize {
        if self.platforms.len() == 1 {
            return 0;
        }
        let bits = rng.next_u64();
        let everywhere = posted_platforms(self.platforms);
        let mine = self
            .requester_list
            .get(requester as usize)
            .map_or(everywhere, |r| r.platforms);
        if mine == everywhere {
            return self.platform_pick.draw(bits) as usize;
        }
        let share = |p: usize| {
            if mine & (1 << p) != 0 {
                self.platforms[p].demand_share
            } else {
                0.0
            }
        };
        let total: f64 = (0..self.platforms.len()).map(share).sum();
        let mut left = unit_f64(bits) * total;
        let last = (0..self.platforms.len()).rev().find(|&p| share(p) > 0.0).unwrap_or(0);
        for p in 0..last {
            left -= share(p);
            if left < 0.0 && share(p) > 0.0 {
                return p;
            }
        }
        last
    }

    /// Posts the day's batches into `out` (one list per platform, cleared first) until
    /// `target` tasks have been drawn. A batch the floor drops counts toward the target
    /// (the requester wanted it). Returns the counts per platform.
    pub fn post_day(&self, rng: &mut Xoshiro256PlusPlus, target: u64, out: &mut [Vec<Batch>]) -> Vec<PostingCounts> {
        let mut counts = vec![PostingCounts::default(); out.len()];
        for list in out.iter_mut() {
            list.clear();
        }
        let mut drawn = 0u64;
        if self.requesters.is_empty() || self.categories.is_empty() {
            return counts;
        }
        while drawn < target {
            let d = draft(rng, self.requesters, self.categories, self.list);
            let size = u64::from(d.size).min(target - drawn) as u32;
            drawn += u64::from(size);
            let p = self.platform(rng, d.requester);
            let rules = &self.platforms[p];
            if let Some(b) = finish(d, size, rules.visibility.open_share, &rules.fee, &mut counts[p]) {
                counts[p].posted += u64::from(size);
                out[p].push(b);
            }
        }
        counts
    }

    /// Mean all-in requester cost per task under the platforms' fee policies, over a
    /// fixed sample of drafts from `rng` (the same sample for every policy). Tasks the
    /// floor drops are left out. Used to scale demand by the cost of a policy.
    pub fn mean_cost_per_task(&self, rng: &mut Xoshiro256PlusPlus, samples: usize) -> f64 {
        if self.requesters.is_empty() || self.categories.is_empty() {
            return 0.0;
        }
        let mut counts = PostingCounts::default();
        let (mut cost, mut tasks) = (0.0f64, 0.0f64);
        for _ in 0..samples {
            let d = draft(rng, self.requesters, self.categories, self.list);
            let fees = &self.platforms[self.platform(rng, d.requester)].fee;
            if let Some(b) = finish(d, d.size, 1.0, fees, &mut counts) {
                let c = fees.charge(b.pay_cents, b.size, 0);
                cost += c.requester_spend_cents as f64 * f64::from(b.size);
                tasks += f64::from(b.size);
            }
        }
        if tasks > 0.0 { cost / tasks } else { 0.0 }
    }
}

/// The table that sends batches to platforms by demand share.
pub fn platform_weights(platforms: &[PlatformParams]) -> AliasTable {
    let mut t = AliasTable::default();
    t.rebuild(platforms.iter().enumerate().map(|(i, p)| (i as u32, p.demand_share)));
    t
}
