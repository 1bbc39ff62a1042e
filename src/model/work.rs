//! Doing a task: whether a worker takes it, how long it takes them, whether the work is
//! good, whether it is approved, what it pays and how it is rated.

use super::market::{Job, Market};
use super::posting::Batch;
use super::worker::Worker;
use crate::rng::{SplitMix64, entity_key, normal_quantile};

/// Whether a worker takes a task: the net pay per hour of their own expected time must
/// reach their reservation wage.
#[inline]
pub(crate) fn accepts(w: &Worker, expected_net_cents: i64, expected_seconds: u32) -> bool {
    expected_net_cents as f64 * 3600.0 * f64::from(w.speed)
        >= f64::from(w.reservation_cents_per_hour) * f64::from(expected_seconds)
}

/// The seconds a worker needs for a task of `expected_seconds` at speed 1.
#[inline]
pub(crate) fn duration(w: &Worker, expected_seconds: u32) -> u32 {
    (f64::from(expected_seconds) / f64::from(w.speed)).round().max(1.0) as u32
}

impl Market<'_> {
    /// The member's random stream for `day`, created on first use that day.
    #[inline]
    pub(crate) fn member_rng(&mut self, member: u32, day: u32) -> &mut SplitMix64 {
        let m = &mut self.members[member as usize];
        if m.rng_day != day {
            m.rng = SplitMix64::new(entity_key(self.work_key, u64::from(m.worker)));
            m.rng_day = day;
        }
        &mut m.rng
    }

    /// A member starts a task: it is finished today if it fits in the time left, or
    /// carried over to the next working days if not.
    pub(crate) fn start_task(&mut self, member: u32, task: &Batch, day: u32) {
        let w = &self.workers[self.members[member as usize].worker as usize];
        let need = duration(w, task.expected_seconds);
        let m = &mut self.members[member as usize];
        if need <= m.time_left {
            m.time_left -= need;
            self.complete(member, task, need, day);
        } else {
            let spent = m.time_left;
            m.time_left = 0;
            self.jobs.push(Job {
                member,
                task: *task,
                left: need - spent,
                spent,
            });
        }
    }

    /// A member submits a task that took `spent` seconds: quality, approval, pay, rating.
    pub(crate) fn complete(&mut self, member: u32, task: &Batch, spent: u32, day: u32) {
        let rng = self.member_rng(member, day);
        let (u_good, u_reject, u_rate, u_stars) = (rng.unit(), rng.unit(), rng.unit(), rng.unit());
        let sc = self.sc;
        let requester = self.requesters[task.requester as usize];
        let m = &mut self.members[member as usize];
        let w = &mut self.workers[m.worker as usize];
        w.first_task_day.get_or_insert(day);
        let good = u_good < f64::from(w.skill);
        let rejected = !good && u_reject < f64::from(requester.rejection_rate);
        m.totals.tasks_done += 1;
        m.today_tasks += 1;
        self.today.tasks_done += 1;
        if rejected {
            m.rejected += 1;
            m.totals.tasks_rejected += 1;
            m.totals.unpaid_seconds += u64::from(spent);
        } else {
            m.approved += 1;
            m.totals.paid_seconds += u64::from(spent);
            m.today_paid_seconds += spent;
            let fees = &sc.platform.fee;
            let charge = if fees.is_tiered() {
                let billed = self.billing.entry(pair_key(m.worker, task.requester)).or_insert(0);
                let c = fees.charge(task.pay_cents, task.size, *billed);
                *billed += task.pay_cents;
                c
            } else {
                fees.charge(task.pay_cents, task.size, 0)
            };
            m.totals.gross_cents += charge.pay_cents;
            m.totals.fee_cents += charge.worker_deductions_cents();
            m.totals.net_cents += charge.worker_net_cents;
            m.today_net_cents += charge.worker_net_cents;
            let t = &mut self.today;
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
