//! Doing a task: whether a worker takes it, how long it takes them (speed, practice,
//! tools, interruptions, switching), whether they return it unfinished, whether the work
//! is good, whether it is approved and paid, and how it is rated.

use super::fees::round;
use super::market::Market;
use super::posting::Batch;
use super::requester::Conduct;
use super::venue::Job;
use super::worker::Hot;
use crate::rng::{SplitMix64, normal_quantile};

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
        if self.sc.learning.is_on() {
            factor /= self.sc.learning.time_multiplier(self.practice(h.worker, category));
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

    /// The member's random stream for today (set when their day opens; see
    /// `Market::open_memberships`).
    #[inline]
    pub(crate) fn member_rng(&mut self, p: usize, member: u32) -> &mut SplitMix64 {
        &mut self.venues[p].members[member as usize].rng
    }

    /// A member starts a task: it may be returned unfinished; otherwise it is finished
    /// today if it fits in the time left, or carried over to the next working days.
    pub(crate) fn start_task(&mut self, p: usize, member: u32, task: &Batch, day: u32) -> Started {
        let sc = self.sc;
        let hot = self.venues[p].hot[member as usize];
        let mut need = f64::from(task.expected_seconds) / self.pace(&hot, task.category);
        let m = &self.venues[p].members[member as usize];
        let mut switch = 1.0;
        if m.last_category != task.category && m.last_category != u16::MAX {
            switch += sc.switching.category;
        }
        if m.last_requester != task.requester && m.last_requester != u32::MAX {
            switch += sc.switching.requester;
        }
        need *= switch;
        let need = round(need).max(1.0) as u32;
        if sc.unpaid.return_probability > 0.0 {
            let rng = self.member_rng(p, member);
            let (u, share) = (rng.unit(), rng.unit());
            if u < sc.unpaid.return_probability {
                let v = &mut self.venues[p];
                let h = &mut v.hot[member as usize];
                let spent = (round(f64::from(need) * share) as u32).min(h.time_left);
                h.time_left -= spent;
                let m = &mut v.members[member as usize];
                m.totals.unpaid_seconds += spent;
                m.totals.tasks_returned += 1;
                return Started::Returned;
            }
        }
        let v = &mut self.venues[p];
        let m = &mut v.members[member as usize];
        m.last_category = task.category;
        m.last_requester = task.requester;
        let h = &mut v.hot[member as usize];
        if need <= h.time_left {
            h.time_left -= need;
            self.complete(p, member, task, need, day);
            Started::Submitted
        } else {
            let spent = h.time_left;
            h.time_left = 0;
            self.venues[p].jobs.push(Job {
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
        let rng = self.member_rng(p, member);
        let (u_good, u_reject, u_rate, u_stars) = (rng.unit(), rng.unit(), rng.unit(), rng.unit());
        let sc = self.sc;
        let requester = self.requesters[task.requester as usize];
        let worker = self.venues[p].members[member as usize].worker;
        let practice_slot = worker as usize * sc.categories.len() + task.category as usize;
        let accuracy =
            f64::from(self.workers[worker as usize].skill) + sc.learning.accuracy_bonus(self.practice[practice_slot]);
        self.practice[practice_slot] += 1;
        let venue = &mut self.venues[p];
        let m = &mut venue.members[member as usize];
        let w = &mut self.workers[m.worker as usize];
        w.first_task_day.get_or_insert(day);
        let good = u_good < accuracy;
        let (rejected, unpaid) = match requester.conduct {
            Conduct::Fair => (!good && u_reject < f64::from(requester.rejection_rate), false),
            Conduct::Rejecting => (u_reject < sc.requesters.rejecting_rate, false),
            Conduct::Nonpaying => (false, true),
        };
        m.totals.tasks_done += 1;
        m.today_tasks += 1;
        venue.today.tasks_done += 1;
        if rejected {
            m.rejected += 1;
            m.totals.tasks_rejected += 1;
            m.totals.unpaid_seconds += spent;
        } else if unpaid {
            // Accepted on the platform, never paid: the worker learns to stay away.
            m.approved += 1;
            m.totals.unpaid_seconds += spent;
            venue.avoid(member, task.requester);
            return;
        } else {
            m.approved += 1;
            m.totals.paid_seconds += spent;
            m.today_paid_seconds += spent;
            let fees = &venue.params.fee;
            let charge = if fees.is_tiered() {
                let billed = venue.billing.entry(pair_key(m.worker, task.requester)).or_insert(0);
                let c = fees.charge(task.pay_cents, task.size, *billed);
                *billed += task.pay_cents;
                c
            } else {
                // A flat policy splits every task of a batch alike: computed at posting.
                task.charge
            };
            m.totals.gross_cents += charge.pay_cents;
            m.totals.net_cents += charge.worker_net_cents;
            m.today_net_cents += charge.worker_net_cents;
            let t = &mut venue.today;
            t.requester_spend_cents += charge.requester_spend_cents;
            t.worker_net_cents += charge.worker_net_cents;
            t.platform_fee_cents += charge.platform_fee_cents();
            t.levy_cents += charge.levy_cents;
            t.processing_cents += charge.processing_cents;
        }
        let r = &sc.requesters;
        if u_rate < r.rating_probability {
            let mean = if rejected {
                1.0
            } else if good {
                r.good_work_stars
            } else {
                r.poor_work_stars
            };
            let stars = (mean + r.rating_noise * normal_quantile(u_stars))
                .round()
                .clamp(1.0, 5.0);
            m.add_review(stars);
        }
        if rejected && requester.conduct == Conduct::Rejecting {
            // Cheated: the worker learns to stay away.
            venue.avoid(member, task.requester);
        }
    }
}

/// The key of a (worker, requester) pair in the billing map.
#[inline]
fn pair_key(worker: u32, requester: u32) -> u64 {
    (u64::from(worker) << 32) | u64::from(requester)
}
