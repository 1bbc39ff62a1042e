//! Payouts: earnings wait in a pending balance until the payout delay has passed, and
//! are paid on payout days once the matured balance reaches the minimum.
//!
//! Earnings of day d mature at the end of day d + delay. Each day's earnings per member
//! are kept in a ring of `delay + 1` day slots (one entry per member who earned that
//! day), so maturing costs nothing for members who did not earn.

use super::worker::{Exit, Member};
use crate::scenario::PayoutRule;

/// The pending-earnings ledger of one platform.
#[derive(Clone, Debug)]
pub struct Ledger {
    rule: PayoutRule,
    ring: Vec<Vec<(u32, i64)>>,
    payable: Vec<u32>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new(rule: PayoutRule) -> Self {
        Ledger {
            rule,
            ring: vec![Vec::new(); rule.delay_days as usize + 1],
            payable: Vec::new(),
        }
    }

    /// Books a member's earnings of `day` (call once per member and day).
    pub fn credit(&mut self, members: &mut [Member], member: u32, cents: i64, day: u32) {
        if cents == 0 {
            return;
        }
        let m = &mut members[member as usize];
        if self.rule.delay_days == 0 {
            m.balance.matured += cents;
            if !m.payable {
                m.payable = true;
                self.payable.push(member);
            }
        } else {
            m.balance.unmatured += cents;
            let slot = day as usize % self.ring.len();
            self.ring[slot].push((member, cents));
        }
    }

    /// Puts a member on the payable list (the caller marks the member `payable`).
    pub fn enqueue(&mut self, member: u32) {
        self.payable.push(member);
    }

    /// End of `day`: matures the earnings of day − delay and, on payout days, pays every
    /// matured balance at or above the minimum. Balances of workers who left are paid
    /// whatever the minimum, or forfeited as they mature when the platform keeps them.
    pub fn end_of_day(&mut self, members: &mut [Member], day: u32) {
        if self.rule.delay_days > 0 && day >= self.rule.delay_days {
            let slot = (day - self.rule.delay_days) as usize % self.ring.len();
            for (member, cents) in self.ring[slot].drain(..) {
                let m = &mut members[member as usize];
                m.balance.unmatured -= cents;
                m.balance.matured += cents;
                if m.exit == Exit::LeftForfeited {
                    m.balance.release(cents, true);
                    continue;
                }
                if !m.payable {
                    m.payable = true;
                    self.payable.push(member);
                }
            }
        }
        if !day.is_multiple_of(self.rule.interval_days) {
            return;
        }
        let minimum = self.rule.minimum_cents;
        // A balance short of the minimum can only reach it by growing (a credit, or
        // earnings maturing) or by its owner leaving (the threshold drops to a cent), and
        // each of those puts the member back on the list. So the list is emptied every
        // payout day, instead of rechecking every day everyone who is still short (most
        // of a large market's members, and a cache miss each).
        for member in self.payable.drain(..) {
            let m = &mut members[member as usize];
            m.payable = false;
            let threshold = if m.exit == Exit::LeftPaid { 1 } else { minimum.max(1) };
            if m.balance.matured >= threshold {
                m.balance.release(m.balance.matured, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::worker::History;

    fn members(n: usize) -> Vec<Member> {
        let h = History::rated(4.0, 0);
        (0..n as u32).map(|i| Member::new(i, &h, 0)).collect()
    }

    /// A ledger paying out after `delay_days`, from `minimum_cents`, every `interval_days`.
    fn ledger(delay_days: u32, minimum_cents: i64, interval_days: u32) -> Ledger {
        Ledger::new(PayoutRule {
            delay_days,
            minimum_cents,
            interval_days,
            forfeit_below_minimum: false,
        })
    }

    #[test]
    fn earnings_wait_for_the_delay_and_the_minimum() {
        let mut l = ledger(3, 100, 1);
        let mut m = members(1);
        l.credit(&mut m, 0, 60, 1);
        l.end_of_day(&mut m, 1);
        l.credit(&mut m, 0, 60, 2);
        l.end_of_day(&mut m, 2);
        l.end_of_day(&mut m, 3);
        assert_eq!(m[0].balance.paid_out, 0);
        l.end_of_day(&mut m, 4); // day 1's 60 matures: below the minimum
        assert_eq!((m[0].balance.matured, m[0].balance.paid_out), (60, 0));
        l.end_of_day(&mut m, 5); // day 2's 60 matures: 120 paid
        assert_eq!(
            (m[0].balance.matured, m[0].balance.paid_out, m[0].balance.pending()),
            (0, 120, 0)
        );
    }

    #[test]
    fn weekly_payouts_wait_for_the_payout_day() {
        let mut l = ledger(0, 0, 7);
        let mut m = members(2);
        for day in 1..=6 {
            l.credit(&mut m, 1, 10, day);
            l.end_of_day(&mut m, day);
        }
        assert_eq!(m[1].balance.paid_out, 0);
        l.end_of_day(&mut m, 7);
        assert_eq!(m[1].balance.paid_out, 60);
        assert_eq!(m[0].balance, Default::default());
    }
}
