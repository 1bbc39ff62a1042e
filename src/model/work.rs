//! Doing a task: whether a worker takes it, how long it takes them (speed, practice,
//! tools, interruptions, switching), whether they return it unfinished, whether the work
//! is good, whether it is approved and paid, and how it is rated.
//!
//! A task touches only the member's [`Hot`] line (and the shared practice and requester
//! tables): today's tallies live there and are folded into the member's totals at the
//! end of the day. Ratings, which only some tasks get, go to the member directly.

use super::market::Market;
use super::posting::Batch;
use super::requester::Conduct;
use super::venue::Job;
use super::worker::Hot;
use crate::money::round;
use crate::rng::SplitMix64;

/// What became of a task a worker started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Started {
    /// Finished and submitted today.
    Submitted,
    /// Not finished today: it carries over to the worker's next working days.
    Carried,
    /// Given back unfinished; the task is free again.
    Returned,
}

impl Market<'_> {
    /// How much faster than expected a member is at a task of `category`: speed and
    /// efficiency, practice in the category, and tools. A task of `expected` seconds
    /// takes them `expected / factor`.
    #[inline]
    pub(crate) fn pace(&self, h: &Hot, category: u16) -> f64 {
        let mut factor = h.base_pace;
        if self.learning.is_on() {
            factor /= self.learning.time_multiplier(self.practice(h.worker, category));
        }
        if h.tools {
            factor /= self.sc.tools.time_multiplier;
        }
        factor
    }

    /// Tasks `worker` has done in `category` (including experience before day 1).
    #[inline]
    pub(crate) fn practice(&self, worker: u32, category: u16) -> u32 {
        self.practice[worker as usize * self.sc.categories.len() + category as usize]
    }

    /// Whether a member takes a task: the net pay per hour of their own expected time
    /// must reach their reservation wage.
    #[inline]
    pub(crate) fn accepts(&self, h: &Hot, task: &Batch) -> bool {
        task.expected_net_cents as f64 * 3600.0 * self.pace(h, task.category)
            >= f64::from(h.reservation) * f64::from(task.expected_seconds)
    }

    /// The member's random stream for today (set when their day opens).
    #[inline]
    pub(crate) fn member_rng(&mut self, p: usize, member: u32) -> &mut SplitMix64 {
        &mut self.venues[p].hot[member as usize].rng
    }

    /// Adds unpaid seconds to a member's tallies for today.
    #[inline]
    pub(crate) fn add_unpaid(&mut self, p: usize, member: u32, seconds: u32) {
        let v = &mut self.venues[p];
        let h = &mut v.hot[member as usize];
        if h.today_unpaid.checked_add(seconds).is_none() {
            v.members[member as usize].fold(h);
        }
        h.today_unpaid += seconds;
    }

    /// A member starts a task: it may be returned unfinished; otherwise it is finished
    /// today if it fits in the time left, or carried over to the next working days.
    pub(crate) fn start_task(&mut self, p: usize, member: u32, task: &Batch, day: u32) -> Started {
        let need = self.task_seconds(&self.venues[p].hot[member as usize], task);
        self.start_task_of(p, member, task, day, need)
    }

    /// Seconds `task` takes the member: its expected time at their pace, longer after a
    /// change of category or requester.
    #[inline]
    pub(crate) fn task_seconds(&self, h: &Hot, task: &Batch) -> u32 {
        let sc = self.sc;
        let mut need = f64::from(task.expected_seconds) / self.pace(h, task.category);
        let mut switch = 1.0;
        if h.last_category != task.category && h.last_category != u16::MAX {
            switch += sc.switching.category;
        }
        if h.last_requester != task.requester && h.last_requester != u32::MAX {
            switch += sc.switching.requester;
        }
        need *= switch;
        round(need).max(1.0) as u32
    }

    /// [`Market::start_task`] for a task known to take `need` seconds (`task_seconds`).
    #[inline]
    pub(crate) fn start_task_of(&mut self, p: usize, member: u32, task: &Batch, day: u32, need: u32) -> Started {
        let sc = self.sc;
        let v = &mut self.venues[p];
        let h = &mut v.hot[member as usize];
        if sc.unpaid.return_probability > 0.0 {
            let (u, share) = (h.rng.unit(), h.rng.unit());
            if u < sc.unpaid.return_probability {
                let spent = (round(f64::from(need) * share) as u32).min(h.time_left);
                h.time_left -= spent;
                if h.today_returned == u16::MAX || h.today_unpaid.checked_add(spent).is_none() {
                    v.members[member as usize].fold(h);
                }
                h.today_unpaid += spent;
                h.today_returned += 1;
                return Started::Returned;
            }
        }
        h.last_category = task.category;
        h.last_requester = task.requester;
        if need <= h.time_left {
            h.time_left -= need;
            self.complete(p, member, task, need, day);
            Started::Submitted
        } else {
            let spent = h.time_left;
            h.time_left = 0;
            v.members[member as usize].carrying = true;
            v.jobs.push(Job {
                member,
                task: *task,
                left: need - spent,
                spent,
            });
            Started::Carried
        }
    }

    /// A member submits a task that took `spent` seconds: quality, approval, pay, rating.
    pub(crate) fn complete(&mut self, p: usize, member: u32, task: &Batch, spent: u32, day: u32) {
        let sc = self.sc;
        let requester = self.requesters[task.requester as usize];
        let v = &mut self.venues[p];
        let h = &mut v.hot[member as usize];
        let (u_good, u_reject, u_rate, u_stars) = (h.rng.unit(), h.rng.unit(), h.rng.unit(), h.rng.unit());
        let practice_slot = h.worker as usize * sc.categories.len() + task.category as usize;
        let accuracy = f64::from(h.skill) + self.learning.accuracy_bonus(self.practice[practice_slot]);
        self.practice[practice_slot] += 1;
        if !h.started {
            h.started = true;
            self.workers[h.worker as usize].first_task_day = Some(day);
        }
        let good = u_good < accuracy;
        let (rejected, unpaid) = match requester.conduct {
            Conduct::Fair => (!good && u_reject < f64::from(requester.rejection_rate), false),
            Conduct::Rejecting => (u_reject < sc.requesters.rejecting_rate, false),
            Conduct::Nonpaying => (false, true),
        };
        let charge = if rejected || unpaid {
            None
        } else if v.params.fee.is_tiered() {
            let billed = v.billing.entry(pair_key(h.worker, task.requester)).or_insert(0);
            let c = v.params.fee.charge(task.pay_cents, task.size, *billed);
            *billed = billed.saturating_add(task.pay_cents);
            Some(c)
        } else {
            // A flat policy splits every task of a batch alike: computed at posting.
            Some(task.charge)
        };
        // Every sum of cents of the platform is part of what requesters have paid here
        // since day 1: while that fits in 64 bits none of them overflows; when it would
        // not, the run is void (`Market::run` reports it) and nothing more is added.
        if let Some(c) = charge {
            match v.spend_ever_cents.checked_add(c.requester_spend_cents) {
                Some(total) => v.spend_ever_cents = total,
                None => {
                    v.overflowed = true;
                    return;
                }
            }
        }
        let (gross, net) = charge.map_or((0, 0), |c| (c.pay_cents, c.worker_net_cents));
        // Narrow tallies that would overflow are folded into the totals first.
        let fits = h.today_tasks < u16::MAX
            && h.today_paid.checked_add(spent).is_some()
            && h.today_unpaid.checked_add(spent).is_some()
            && i32::try_from(gross)
                .ok()
                .and_then(|g| h.today_gross.checked_add(g))
                .is_some()
            && i32::try_from(net)
                .ok()
                .and_then(|n| h.today_net.checked_add(n))
                .is_some();
        if !fits {
            v.members[member as usize].fold(h);
        }
        h.today_tasks += 1;
        v.today.tasks_done += 1;
        match charge {
            None => {
                h.today_unpaid += spent;
                h.today_rejected += u16::from(rejected);
            }
            Some(c) => {
                h.today_paid += spent;
                // A tally that would overflow was folded above, so a task that fits an
                // i32 fits the empty tally. One that does not (over $21 million: an
                // hourly job of $1,000,000 an hour for a month) goes straight to the
                // totals.
                match (i32::try_from(c.pay_cents), i32::try_from(c.worker_net_cents)) {
                    (Ok(g), Ok(n)) => {
                        h.today_gross += g;
                        h.today_net += n;
                    }
                    _ => {
                        let m = &mut v.members[member as usize];
                        m.totals.gross_cents += c.pay_cents;
                        m.totals.net_cents += c.worker_net_cents;
                        m.today_net_cents += c.worker_net_cents;
                    }
                }
                let t = &mut v.today;
                t.requester_spend_cents += c.requester_spend_cents;
                t.worker_net_cents += c.worker_net_cents;
                t.platform_fee_cents += c.platform_fee_cents();
                t.levy_cents += c.levy_cents;
                t.processing_cents += c.processing_cents;
            }
        }
        if unpaid {
            // Accepted on the platform, never paid: the worker learns to stay away.
            v.avoid(member, task.requester);
            return;
        }
        let r = &sc.requesters;
        if u_rate < r.rating_probability {
            // Rejected, good or poor work, picked by arithmetic rather than branches.
            let scale = &self.stars[usize::from(!rejected) * (1 + usize::from(!good))];
            let mut stars = scale.of(u_stars);
            // A lenient rater follows the norm and gives 5 stars instead. Given that the
            // task is rated, u_rate / rating_probability is uniform and independent of
            // every other draw, so leniency reuses it and draws nothing: turning it on
            // moves no other random number. A rejection is its own low rating.
            if stars < 5.0 && !rejected && u_rate < r.rating_probability * v.lenient {
                stars = 5.0;
            }
            let t = &mut v.today;
            t.ratings_given += 1;
            t.stars_given += stars as u64;
            t.top_ratings_given += u64::from(stars >= 5.0);
            v.members[member as usize].add_review(stars);
        }
        if rejected && requester.conduct == Conduct::Rejecting {
            // Cheated: the worker learns to stay away.
            v.avoid(member, task.requester);
        }
    }
}

/// The key of a (worker, requester) pair in the billing map.
#[inline]
fn pair_key(worker: u32, requester: u32) -> u64 {
    (u64::from(worker) << 32) | u64::from(requester)
}
