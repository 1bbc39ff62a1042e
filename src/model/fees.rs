//! The fee policy: how what a requester pays is split between the worker, the platform,
//! a levy and payment processing — the one place where money is divided and rounded.
//!
//! **Rounding.** Every percentage follows the one rule of [`crate::money`] (integer
//! cents, parts per million, nearest cent with halves up). Each fee is rounded per task,
//! as platforms charge per transaction; a tiered commission is computed across its
//! tiers exactly and rounded once.
//!
//! For one task of posted pay `p` (what the worker's side is quoted):
//! - requester side: `commission = max(p × (requester% + batch surcharge%), requester_min)`,
//!   plus `requester_fixed`, plus the small-order fee when `p` is under the threshold;
//!   payment processing `p × processing%`; the levy when the requester pays it;
//! - worker side: `max(flat or tiered commission, worker_min) + worker_fixed`, never more
//!   than the pay left after a worker-side levy, so a worker's net is never negative.
//!
//! Then `requester_spend = worker_net + platform_fee + levy + processing` holds for every
//! task by construction, and so for every run.

use crate::money::{PPM, percent_of};
use crate::scenario::{FeePolicy, Side};

/// How one task's money is split, in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Charge {
    /// The task's posted pay (the worker's gross).
    pub pay_cents: i64,
    /// Everything the requester pays.
    pub requester_spend_cents: i64,
    /// Platform fees charged to the requester (commission, fixed, small-order).
    pub requester_fee_cents: i64,
    /// Platform fees deducted from the worker (commission and fixed).
    pub worker_fee_cents: i64,
    /// The levy, whichever side pays it.
    pub levy_cents: i64,
    /// Levy deducted from the worker (0 when the requester pays it).
    pub worker_levy_cents: i64,
    /// Payment processing.
    pub processing_cents: i64,
    /// What the worker keeps.
    pub worker_net_cents: i64,
}

impl Charge {
    /// Platform revenue from the task: fees on both sides.
    pub fn platform_fee_cents(&self) -> i64 {
        self.requester_fee_cents + self.worker_fee_cents
    }

    /// Everything deducted from the worker's pay (platform fees and a worker-side levy).
    pub fn worker_deductions_cents(&self) -> i64 {
        self.worker_fee_cents + self.worker_levy_cents
    }
}

impl FeePolicy {
    /// Whether the worker-side commission depends on per-pair lifetime billings.
    pub fn is_tiered(&self) -> bool {
        !self.tiers.is_empty()
    }

    /// Requester-side platform fee for a task of `pay` in a batch of `batch_size`:
    /// commission (with the batch surcharge, at least the minimum), fixed fee and the
    /// small-order fee.
    pub fn requester_fee(&self, pay: i64, batch_size: u32) -> i64 {
        let surcharge = if batch_size >= self.batch_surcharge_min_assignments {
            self.batch_surcharge_ppm
        } else {
            0
        };
        let commission = percent_of(pay, self.requester_ppm + surcharge).max(self.requester_min_cents);
        let small_order = if pay < self.small_order_threshold_cents {
            self.small_order_fee_cents
        } else {
            0
        };
        commission + self.requester_fixed_cents + small_order
    }

    /// Everything a requester pays on top of `pay`: platform fee, processing, and the
    /// levy when the requester pays it. This is what `pass_through` applies to.
    pub fn requester_add_ons(&self, pay: i64, batch_size: u32) -> i64 {
        let levy = if self.levy_side == Side::Requester {
            percent_of(pay, self.levy_ppm)
        } else {
            0
        };
        self.requester_fee(pay, batch_size) + percent_of(pay, self.processing_ppm) + levy
    }

    /// The worker-side commission before the minimum, fixed fee and cap: flat, or tiered
    /// on the pair's lifetime billings before this task (`billed_before`).
    fn worker_commission(&self, pay: i64, billed_before: i64) -> i64 {
        if self.tiers.is_empty() {
            return percent_of(pay, self.worker_ppm);
        }
        let (start, end) = (billed_before, billed_before.saturating_add(pay));
        let mut lower = 0i64;
        let mut exact: i128 = 0;
        for tier in &self.tiers {
            let upper = tier.up_to_cents.unwrap_or(i64::MAX);
            let overlap = end.min(upper) - start.max(lower);
            if overlap > 0 {
                exact += i128::from(overlap) * i128::from(tier.ppm);
            }
            if upper >= end {
                break;
            }
            lower = upper;
        }
        ((exact + i128::from(PPM / 2)) / i128::from(PPM)) as i64
    }

    /// Splits the money of one approved task of posted `pay` cents, in a batch of
    /// `batch_size`, where the worker has billed `billed_before` cents to this requester
    /// before (only tiered policies look at it).
    pub fn charge(&self, pay: i64, batch_size: u32, billed_before: i64) -> Charge {
        let levy = percent_of(pay, self.levy_ppm);
        let (worker_levy, requester_levy) = match self.levy_side {
            Side::Worker => (levy, 0),
            Side::Requester => (0, levy),
        };
        let commission = self.worker_commission(pay, billed_before).max(self.worker_min_cents);
        let worker_fee = (commission + self.worker_fixed_cents).min(pay - worker_levy);
        let requester_fee = self.requester_fee(pay, batch_size);
        let processing = percent_of(pay, self.processing_ppm);
        let worker_net = pay - worker_fee - worker_levy;
        Charge {
            pay_cents: pay,
            requester_spend_cents: pay + requester_fee + processing + requester_levy,
            requester_fee_cents: requester_fee,
            worker_fee_cents: worker_fee,
            levy_cents: levy,
            worker_levy_cents: worker_levy,
            processing_cents: processing,
            worker_net_cents: worker_net,
        }
    }

    /// What a worker expects to keep from a task of `pay`, as the worker sees it when
    /// deciding whether to take it: the flat rate, or the first tier's (a newcomer to the
    /// pair), with fixed fees and a worker-side levy.
    /// Equal to the `worker_net_cents` of any [`charge`](Self::charge) of `pay` with
    /// nothing billed before: the worker's side does not depend on the batch size.
    pub fn expected_net(&self, pay: i64) -> i64 {
        self.charge(pay, 1, 0).worker_net_cents
    }

    /// The least pay a task of `expected_seconds` may have under the pay floor (0 when
    /// there is none), rounded up so the floor is met.
    pub fn floor_cents(&self, expected_seconds: u32) -> i64 {
        if self.pay_floor_cents_per_hour == 0 {
            return 0;
        }
        // In i64 when it fits (every realistic floor), exactly as the i128 formula; the
        // 128-bit division is a library call, and this runs for every batch posted.
        match self.pay_floor_cents_per_hour.checked_mul(i64::from(expected_seconds)) {
            Some(exact) if exact <= i64::MAX - 3599 => (exact + 3599) / 3600,
            _ => {
                let exact = i128::from(self.pay_floor_cents_per_hour) * i128::from(expected_seconds);
                ((exact + 3599) / 3600) as i64
            }
        }
    }

    /// The pay a requester posts for a task it budgets `budget` cents for: lowered by the
    /// passed-through share of requester-side add-ons, never below one cent.
    pub fn posted_pay(&self, budget: i64, batch_size: u32) -> i64 {
        if self.pass_through <= 0.0 {
            return budget;
        }
        let add_ons = self.requester_add_ons(budget, batch_size) as f64;
        (budget - (self.pass_through * add_ons).round() as i64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::percent_to_ppm;
    use crate::scenario::Tier;

    fn mturk_2015() -> FeePolicy {
        FeePolicy {
            requester_ppm: percent_to_ppm(20.0),
            requester_min_cents: 1,
            batch_surcharge_ppm: percent_to_ppm(20.0),
            batch_surcharge_min_assignments: 10,
            ..FeePolicy::default()
        }
    }

    fn fiverr() -> FeePolicy {
        FeePolicy {
            worker_ppm: percent_to_ppm(20.0),
            requester_ppm: percent_to_ppm(5.5),
            small_order_fee_cents: 300,
            small_order_threshold_cents: 10_000,
            ..FeePolicy::default()
        }
    }

    fn upwork_2016() -> FeePolicy {
        FeePolicy {
            tiers: vec![
                Tier {
                    up_to_cents: Some(50_000),
                    ppm: percent_to_ppm(20.0),
                },
                Tier {
                    up_to_cents: Some(1_000_000),
                    ppm: percent_to_ppm(10.0),
                },
                Tier {
                    up_to_cents: None,
                    ppm: percent_to_ppm(5.0),
                },
            ],
            processing_ppm: percent_to_ppm(2.75),
            ..FeePolicy::default()
        }
    }

    #[test]
    fn what_a_worker_expects_is_the_worker_side_of_any_batch_split() {
        let levied = FeePolicy {
            worker_ppm: percent_to_ppm(15.0),
            worker_fixed_cents: 2,
            worker_min_cents: 3,
            levy_ppm: percent_to_ppm(2.5),
            ..FeePolicy::default()
        };
        for policy in [mturk_2015(), fiverr(), upwork_2016(), levied] {
            for pay in [1, 2, 7, 50, 999, 12_345, 10_000_000] {
                for size in [1, 9, 10, 500] {
                    assert_eq!(policy.expected_net(pay), policy.charge(pay, size, 0).worker_net_cents);
                }
            }
        }
    }

    #[test]
    fn the_floor_in_64_bits_rounds_up_exactly_as_in_128() {
        for per_hour in [1, 725, 1_500, 123_457, i64::MAX / 10_000] {
            let p = FeePolicy {
                pay_floor_cents_per_hour: per_hour,
                ..FeePolicy::default()
            };
            for seconds in [1u32, 59, 60, 3599, 3600, 3601, 86_400, u32::MAX] {
                let exact = ((i128::from(per_hour) * i128::from(seconds) + 3599) / 3600) as i64;
                assert_eq!(p.floor_cents(seconds), exact, "{per_hour} × {seconds}");
            }
        }
    }

    fn balanced(c: &Charge) -> bool {
        c.requester_spend_cents == c.worker_net_cents + c.platform_fee_cents() + c.levy_cents + c.processing_cents
            && c.worker_net_cents == c.pay_cents - c.worker_deductions_cents()
            && c.worker_net_cents >= 0
    }

    /// Hand-computed cases: (label, policy, pay, batch, billed before) → (requester
    /// spend, worker net, platform fee, levy, processing).
    #[test]
    fn components_match_hand_computed_cents() {
        let levy_worker = FeePolicy {
            levy_ppm: percent_to_ppm(2.0),
            ..FeePolicy::default()
        };
        let levy_requester = FeePolicy {
            levy_side: Side::Requester,
            ..levy_worker.clone()
        };
        let fixed = FeePolicy {
            worker_fixed_cents: 25,
            requester_fixed_cents: 99,
            ..FeePolicy::default()
        };
        let flat10 = FeePolicy {
            worker_ppm: percent_to_ppm(10.0),
            ..FeePolicy::default()
        };
        let worker_min = FeePolicy {
            worker_ppm: percent_to_ppm(10.0),
            worker_min_cents: 5,
            ..FeePolicy::default()
        };
        let all_fee = FeePolicy {
            worker_ppm: PPM,
            ..FeePolicy::default()
        };
        // (label, policy, pay, batch size, billed before, expected cents)
        type Case<'a> = (&'a str, FeePolicy, i64, u32, i64, [i64; 5]);
        let cases: Vec<Case> = vec![
            // MTurk 2015: 20% with a 1-cent minimum, +20% for 10 or more assignments.
            ("mturk 5c single", mturk_2015(), 5, 1, 0, [6, 5, 1, 0, 0]),
            ("mturk $1 single", mturk_2015(), 100, 9, 0, [120, 100, 20, 0, 0]),
            ("mturk $1 batch of 10", mturk_2015(), 100, 10, 0, [140, 100, 40, 0, 0]),
            ("mturk 2c minimum", mturk_2015(), 2, 1, 0, [3, 2, 1, 0, 0]),
            // Fiverr $5 order: buyer pays 5 + 5.5% (27.5c → 28c) + $3 = $8.28; seller
            // keeps $4; Fiverr keeps 28c + $3 + $1 = $4.28.
            ("fiverr $5", fiverr(), 500, 1, 0, [828, 400, 428, 0, 0]),
            // Fiverr $200 order: no small-order fee: 200 + 11 = 211; seller 160; fee 51.
            ("fiverr $200", fiverr(), 20_000, 1, 0, [21_100, 16_000, 5_100, 0, 0]),
            // Upwork 2016: $100 after $450 billed: $50 at 20% + $50 at 10% = $15; client
            // pays 2.75% processing ($2.75).
            (
                "upwork crossing $500",
                upwork_2016(),
                10_000,
                1,
                45_000,
                [10_275, 8_500, 1_500, 0, 275],
            ),
            // $1,000 after $9,500: $500 at 10% + $500 at 5% = $75.
            (
                "upwork crossing $10k",
                upwork_2016(),
                100_000,
                1,
                950_000,
                [102_750, 92_500, 7_500, 0, 2_750],
            ),
            (
                "upwork first $100",
                upwork_2016(),
                10_000,
                1,
                0,
                [10_275, 8_000, 2_000, 0, 275],
            ),
            ("levy on worker", levy_worker, 1_000, 1, 0, [1_000, 980, 0, 20, 0]),
            (
                "levy on requester",
                levy_requester,
                1_000,
                1,
                0,
                [1_020, 1_000, 0, 20, 0],
            ),
            ("fixed both sides", fixed.clone(), 1_000, 1, 0, [1_099, 975, 124, 0, 0]),
            ("fixed fee above pay is capped", fixed, 10, 1, 0, [109, 0, 109, 0, 0]),
            ("flat 10%", flat10, 1_234, 1, 0, [1_234, 1_111, 123, 0, 0]),
            ("worker minimum", worker_min, 20, 1, 0, [20, 15, 5, 0, 0]),
            ("100% fee", all_fee, 700, 1, 0, [700, 0, 700, 0, 0]),
        ];
        for (label, policy, pay, batch, before, [spend, net, fee, levy, processing]) in cases {
            let c = policy.charge(pay, batch, before);
            assert_eq!(
                [
                    c.requester_spend_cents,
                    c.worker_net_cents,
                    c.platform_fee_cents(),
                    c.levy_cents,
                    c.processing_cents
                ],
                [spend, net, fee, levy, processing],
                "{label}: {c:?}"
            );
            assert!(balanced(&c), "{label}: books do not balance: {c:?}");
        }
    }

    #[test]
    fn books_balance_for_every_component_combination() {
        // Every combination of components on a grid of pays and batch sizes; the levy is
        // the worker's unless the last bit (tiers) is on too.
        let components: [fn(&mut FeePolicy); 8] = [
            |p| p.worker_ppm = percent_to_ppm(17.5),
            |p| (p.requester_ppm, p.requester_min_cents) = (percent_to_ppm(33.3), 1),
            |p| (p.worker_fixed_cents, p.requester_fixed_cents) = (30, 45),
            |p| (p.batch_surcharge_ppm, p.batch_surcharge_min_assignments) = (percent_to_ppm(20.0), 10),
            |p| (p.small_order_fee_cents, p.small_order_threshold_cents) = (300, 10_000),
            |p| p.processing_ppm = percent_to_ppm(2.75),
            |p| (p.levy_ppm, p.levy_side) = (percent_to_ppm(1.5), Side::Worker),
            |p| (p.tiers, p.levy_side) = (upwork_2016().tiers, Side::Requester),
        ];
        for mask in 0u32..(1 << 8) {
            let on = |bit: u32| mask & (1 << bit) != 0;
            let mut p = FeePolicy::default();
            for (bit, switch_on) in components.iter().enumerate() {
                if on(bit as u32) {
                    switch_on(&mut p);
                }
            }
            for pay in [1, 3, 5, 99, 100, 101, 4_999, 10_000, 123_457] {
                for batch in [1, 9, 10, 500] {
                    for before in [0, 49_990, 2_000_000] {
                        let c = p.charge(pay, batch, before);
                        assert!(balanced(&c), "mask {mask:08b} pay {pay}: {c:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn tiers_add_up_across_many_small_payments() {
        // $600 billed in $1 steps: tier boundaries are respected task by task.
        let p = upwork_2016();
        let mut billed = 0;
        let mut fees = 0;
        for _ in 0..600 {
            fees += p.charge(100, 1, billed).worker_fee_cents;
            billed += 100;
        }
        assert_eq!(fees, 500 * 20 + 100 * 10);
    }

    #[test]
    fn pay_floor_rounds_up_and_pass_through_lowers_pay() {
        let p = FeePolicy {
            pay_floor_cents_per_hour: 800,
            ..FeePolicy::default()
        };
        assert_eq!(p.floor_cents(3600), 800);
        assert_eq!(p.floor_cents(60), 14); // 13.33 → 14
        assert_eq!(FeePolicy::default().floor_cents(60), 0);
        let q = FeePolicy {
            requester_ppm: percent_to_ppm(20.0),
            pass_through: 0.5,
            ..FeePolicy::default()
        };
        assert_eq!(q.posted_pay(100, 1), 90);
        assert_eq!(q.posted_pay(1, 1), 1);
        assert_eq!(FeePolicy::default().posted_pay(100, 1), 100);
    }
}
