//! One platform's side of a market: its members (the workers who joined it), the day's
//! batches, the jobs in progress, the payout ledger, per-pair billings, and its flows.
//! A market has one venue per platform; workers and requesters are shared.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::payouts::Ledger;
use super::posting::Batch;
use super::scratch::Scratch;
use super::worker::{Hot, Member};
use crate::scenario::PlatformParams;

/// Money and task flows over a period (a day, or the whole metric period).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flows {
    /// Everything requesters paid.
    pub requester_spend_cents: i64,
    /// Workers' net pay.
    pub worker_net_cents: i64,
    /// Platform fees.
    pub platform_fee_cents: i64,
    /// Levies.
    pub levy_cents: i64,
    /// Payment processing.
    pub processing_cents: i64,
    /// Tasks posted.
    pub tasks_posted: u64,
    /// Tasks submitted.
    pub tasks_done: u64,
    /// Tasks nobody took.
    pub tasks_unfilled: u64,
    /// Tasks whose pay the floor raised.
    pub floor_raised: u64,
    /// Tasks the floor dropped.
    pub floor_dropped: u64,
    /// Ratings given.
    pub ratings_given: u64,
    /// Stars of those ratings, added up (stars are whole).
    pub stars_given: u64,
    /// Of those ratings, the 5-star ones.
    pub top_ratings_given: u64,
}

impl Flows {
    /// Adds another period's flows.
    pub fn add(&mut self, o: &Flows) {
        self.requester_spend_cents += o.requester_spend_cents;
        self.worker_net_cents += o.worker_net_cents;
        self.platform_fee_cents += o.platform_fee_cents;
        self.levy_cents += o.levy_cents;
        self.processing_cents += o.processing_cents;
        self.tasks_posted += o.tasks_posted;
        self.tasks_done += o.tasks_done;
        self.tasks_unfilled += o.tasks_unfilled;
        self.floor_raised += o.floor_raised;
        self.floor_dropped += o.floor_dropped;
        self.ratings_given += o.ratings_given;
        self.stars_given += o.stars_given;
        self.top_ratings_given += o.top_ratings_given;
    }
}

/// A task a worker has started and not finished (it did not fit in the day).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Job {
    pub member: u32,
    pub task: Batch,
    /// Seconds still needed.
    pub left: u32,
    /// Seconds spent so far in the metric period.
    pub spent: u32,
}

/// A fast hasher for (worker, requester) pairs, for the per-pair billing of tiered
/// fees. Keys are our own integers, so no protection against crafted keys is needed,
/// and lookups never depend on iteration order.
#[derive(Default, Clone, Copy)]
pub(crate) struct PairHasher(u64);

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = crate::rng::mix64(i);
    }
}

/// Lifetime billings per worker–requester pair, kept only when a tiered fee is on.
pub(crate) type Billing = HashMap<u64, i64, BuildHasherDefault<PairHasher>>;

/// One platform's state in a run.
pub struct Venue<'s> {
    /// The platform's rules.
    pub(crate) params: &'s PlatformParams,
    /// The workers who joined, by member index.
    pub(crate) members: Vec<Member>,
    /// Their hot fields, by member index (see [`Hot`]).
    pub(crate) hot: Vec<Hot>,
    pub(crate) ledger: Ledger,
    pub(crate) billing: Billing,
    pub(crate) batches: Vec<Batch>,
    pub(crate) jobs: Vec<Job>,
    /// Members working today.
    pub(crate) working: Vec<u32>,
    pub(crate) scratch: Scratch,
    /// Today's flows.
    pub(crate) today: Flows,
    /// Flows over the metric period.
    pub(crate) totals: Flows,
    /// Today's dispatch surge multiplier (1 without surge).
    pub(crate) surge_today: f64,
    /// Lists of requesters avoided, for the members who have one (`Member::blocklist`).
    pub(crate) blocklists: Vec<Blocklist>,
    /// Everything requesters have paid on this platform since day 1, warm-up included.
    /// Every other sum of cents of the platform (pay, fees, balances, billings) is a
    /// part of it, so while it fits in an `i64` none of them can overflow.
    pub(crate) spend_ever_cents: i64,
    /// Whether `spend_ever_cents` would have outgrown an `i64`: the run is void.
    pub(crate) overflowed: bool,
    /// The rating norm: moving average over days of the share of 5-star ratings given
    /// here (negative before the first day with a rating).
    pub(crate) rating_norm: f64,
    /// Today's chance that a rater who would give less than 5 stars gives 5:
    /// leniency × norm with public feedback, 0 with private (set every evening).
    pub(crate) lenient: f64,
}

/// The requesters a worker avoids after being cheated: the last eight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Blocklist {
    requesters: [u32; 8],
    next: u8,
}

impl<'s> Venue<'s> {
    /// An empty venue for a platform.
    pub(crate) fn new(params: &'s PlatformParams) -> Self {
        Venue {
            params,
            members: Vec::new(),
            hot: Vec::new(),
            ledger: Ledger::new(params.payout),
            billing: Billing::default(),
            batches: Vec::new(),
            jobs: Vec::new(),
            working: Vec::new(),
            scratch: Scratch::default(),
            today: Flows::default(),
            totals: Flows::default(),
            surge_today: 1.0,
            blocklists: Vec::new(),
            spend_ever_cents: 0,
            overflowed: false,
            rating_norm: -1.0,
            lenient: 0.0,
        }
    }

    /// Whether member `m` avoids `requester`.
    #[inline]
    pub(crate) fn avoids(&self, m: u32, requester: u32) -> bool {
        match self.members[m as usize].blocklist {
            u32::MAX => false,
            k => self.blocklists[k as usize].requesters.contains(&requester),
        }
    }

    /// Member `m` avoids `requester` from now on (the oldest of eight is forgotten).
    pub(crate) fn avoid(&mut self, m: u32, requester: u32) {
        if self.avoids(m, requester) {
            return;
        }
        let member = &mut self.members[m as usize];
        if member.blocklist == u32::MAX {
            member.blocklist = self.blocklists.len() as u32;
            self.blocklists.push(Blocklist {
                requesters: [u32::MAX; 8],
                next: 0,
            });
        }
        let list = &mut self.blocklists[member.blocklist as usize];
        list.requesters[list.next as usize] = requester;
        list.next = (list.next + 1) % 8;
        self.hot[m as usize].avoids_any = true;
    }

    /// The members, by member index.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Seconds member `i` has left today.
    pub fn time_left(&self, i: u32) -> u32 {
        self.hot[i as usize].time_left
    }

    /// Seconds member `member` has spent in the metric period on tasks started and not
    /// finished yet (carried over to their next working day), which their totals do not
    /// hold until the task ends. Tests account for every second of a schedule with it.
    pub fn seconds_in_progress(&self, member: u32) -> u64 {
        self.jobs
            .iter()
            .filter(|j| j.member == member)
            .map(|j| u64::from(j.spent))
            .sum()
    }
}
