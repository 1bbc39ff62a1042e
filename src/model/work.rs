//! Doing a task: whether a worker takes it, how long it takes them (speed, practice,
//! tools, interruptions, switching), whether they return it unfinished, whether the work
//! is good, whether it is approved and paid, and how it is rated.

use super::market::Market;
use super::posting::Batch;
use super::requester::Conduct;
use super::venue::Job;
use super::worker::Worker;
use crate::rng::{SplitMix64, entity_key, normal_quantile};

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
    /// How much faster than expected a worker is at a task of `category`: speed and
    /// efficiency, practice in the category, and tools. A task of `expected` seconds
    /// takes them `expected / factor`.
    #[inline]
    pub(crate) fn pace(&self, worker: u32, category: u16) -> f64 {
        let w = &self.workers[worker as usize];
        let mut factor = f64::from(w.speed) * f64::from(w.efficiency);
        if self.sc.learning.is_on() {
            factor /= self.sc.learning.time_multiplier(self.practice(worker, category));
        }
        if w.has_tools() {
            factor /= self.sc.tools.time_multiplier;
        }
        factor
    }

    /// Tasks `worker` has done in `category` (including experience before day 1).
    #[inline]
    pub(crate) fn practice(&self, worker: u32, category: u16) -> u32 {
        self.practice[worker as usize * self.sc.categories.len() + category as usize]
    }

    /// Whether a worker takes a task: the net pay per hour of their own expected time
    /// must reach their reservation wage.
    #[inline]
    pub(crate) fn accepts(&self, worker: u32, task: &Batch) -> bool {
        let w: &Worker = &self.workers[worker as usize];
        task.expected_net_cents as f64 * 3600.0 * self.pace(worker, task.category)
            >= f64::from(w.reservation_cents_per_hour) * f64::from(task.expected_seconds)
    }

    /// The member's random stream for `day`, created on first use that day. A worker's
    /// stream on platform p is keyed by (worker, p), so their luck on one platform does
    /// not depend on what they did on another.
    #[inline]
    pub(crate) fn member_rng(&mut self, p: usize, member: u32, day: u32) -> &mut SplitMix64 {
        let m = &mut self.venues[p].members[member as usize];
        if m.rng_day != day {
            m.rng = SplitMix64::new(entity_key(self.work_key, u64::from(m.worker) | ((p as u64) << 32)));
            m.rng_day = day;
        }
        &mut m.rng
    }

    /// A member starts a task: it may be returned unfinished; otherwise it is finished
    /// today if it fits in the time left, or carried over to the next working days.
    pub(crate) fn start_task(&mut self, p: usize, member: u32, task: &Batch, day: u32) -> Started {
        let sc = self.sc;
        let worker = self.venues[p].members[member as usize].worker;
        let mut need = f64::from(task.expected_seconds) / self.pace(worker, task.category);
        let m = &self.venues[p].members[member as usize];
        let mut switch = 1.0;
        if m.last_category != task.category && m.last_category != u16::MAX {
            switch += sc.switching.category;
        }
        if m.last_requester != task.requester && m.last_requester != u32::MAX {
            switch += sc.switching.requester;
        }
        need *= switch;
        let need = need.round().max(1.0) as u32;
        if sc.unpaid.return_probability > 0.0 {
            let rng = self.member_rng(p, member, day);
            let (u, share) = (rng.unit(), rng.unit());
            if u < sc.unpaid.return_probability {
                let m = &mut self.venues[p].members[member as usize];
                let spent = ((f64::from(need) * share).round() as u32).min(m.time_left);
                m.time_left -= spent;
                m.totals.unpaid_seconds += u64::from(spent);
                m.totals.tasks_returned += 1;
                return Started::Returned;
            }
        }
        let m = &mut self.venues[p].members[member as usize];
        m.last_category = task.category;
        m.last_requester = task.requester;
        if need <= m.time_left {
            m.time_left -= need;
            self.complete(p, member, task, need, day);
            Started::Submitted
        } else {
            let spent = m.time_left;
            m.time_left = 0;
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
        let rng = self.member_rng(p, member, day);
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
            m.totals.unpaid_seconds += u64::from(spent);
            if requester.conduct == Conduct::Rejecting {
                m.avoid(task.requester);
            }
        } else if unpaid {
            // Accepted on the platform, never paid: the worker learns to stay away.
            m.approved += 1;
            m.totals.unpaid_seconds += u64::from(spent);
            m.avoid(task.requester);
            return;
        } else {
            m.approved += 1;
            m.totals.paid_seconds += u64::from(spent);
            m.today_paid_seconds += spent;
            let fees = &venue.params.fee;
            let charge = if fees.is_tiered() {
                let billed = venue.billing.entry(pair_key(m.worker, task.requester)).or_insert(0);
                let c = fees.charge(task.pay_cents, task.size, *billed);
                *billed = billed.saturating_add(task.pay_cents);
                c
            } else {
                fees.charge(task.pay_cents, task.size, 0)
            };
            // Every sum of cents below is part of what requesters have paid here since
            // day 1: while that fits in 64 bits none of them overflows; when it would
            // not, the run is void (`Market::run` reports it) and nothing more is added.
            match venue.spend_ever_cents.checked_add(charge.requester_spend_cents) {
                Some(total) => venue.spend_ever_cents = total,
                None => {
                    venue.overflowed = true;
                    return;
                }
            }
            m.totals.gross_cents += charge.pay_cents;
            m.totals.fee_cents += charge.worker_deductions_cents();
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
    }
}

/// The key of a (worker, requester) pair in the billing map.
#[inline]
fn pair_key(worker: u32, requester: u32) -> u64 {
    (u64::from(worker) << 32) | u64::from(requester)
}
