//! How gig workers really work: learning, switching costs, unpaid work, churn, tools and
//! taxes. Each behaviour is off by default (a scenario switches it on), so a scenario
//! that does not mention one gets exactly the results it had without it.

use crate::money::percent_of;
use crate::scenario::{Learning, Taxes};

/// The learning curve of a run (Gadiraju et al. 2015: training cuts task time by up to
/// 41% and raises accuracy by up to 5%): the scenario's [`Learning`] with its
/// multipliers tabulated once, so the hot path does not call `powf`.
#[derive(Clone, Debug, PartialEq)]
pub struct LearningCurve {
    learning: Learning,
    /// Multipliers for n = 0 .. TABLE_SIZE.
    table: Vec<f64>,
}

const TABLE_SIZE: usize = 4096;

impl LearningCurve {
    /// The curve of these settings (the multiplier table is computed once).
    pub fn new(learning: &Learning) -> Self {
        let mut l = LearningCurve {
            learning: *learning,
            table: Vec::new(),
        };
        if l.is_on() {
            l.table = (0..TABLE_SIZE).map(|n| l.exact(n as u32)).collect();
        }
        l
    }

    /// Whether practice changes anything.
    pub fn is_on(&self) -> bool {
        self.learning.exponent > 0.0 && self.learning.floor < 1.0
    }

    fn exact(&self, n: u32) -> f64 {
        (1.0 + f64::from(n))
            .powf(-self.learning.exponent)
            .max(self.learning.floor)
    }

    /// Time multiplier after `n` tasks in a category (1 when learning is off).
    #[inline]
    pub fn time_multiplier(&self, n: u32) -> f64 {
        if !self.is_on() {
            return 1.0;
        }
        match self.table.get(n as usize) {
            Some(&m) => m,
            None => self.exact(n),
        }
    }

    /// Extra accuracy after `n` tasks: the gain, scaled by how far the worker is along
    /// the way from first-time to best time.
    #[inline]
    pub fn accuracy_bonus(&self, n: u32) -> f64 {
        if !self.is_on() || self.learning.accuracy_gain == 0.0 {
            return 0.0;
        }
        self.learning.accuracy_gain * (1.0 - self.time_multiplier(n)) / (1.0 - self.learning.floor)
    }
}

impl Taxes {
    /// The estimated tax on `net_cents` earned over `days` days: self-employment tax on
    /// all of it once it reaches the threshold, and income tax on what exceeds the
    /// allowance, both thresholds prorated from a 365-day year. Rounded per worker by the
    /// rule of `money::percent_of`.
    pub fn estimate(&self, net_cents: i64, days: u32) -> i64 {
        if net_cents <= 0 {
            return 0;
        }
        let prorate = |yearly: i64| (i128::from(yearly) * i128::from(days) / 365) as i64;
        let se = if net_cents >= prorate(self.self_employment_threshold_cents) {
            percent_of(net_cents, self.self_employment_ppm)
        } else {
            0
        };
        let taxable = (net_cents - prorate(self.allowance_cents)).max(0);
        se + percent_of(taxable, self.income_ppm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_follows_the_power_law_down_to_the_floor() {
        let curve = |exponent, floor, accuracy_gain| {
            LearningCurve::new(&Learning {
                exponent,
                floor,
                accuracy_gain,
            })
        };
        let l = curve(0.3, 0.59, 0.05);
        assert_eq!(l.time_multiplier(0), 1.0);
        assert!((l.time_multiplier(1) - 2f64.powf(-0.3)).abs() < 1e-6);
        assert_eq!(l.time_multiplier(9), 0.59, "10^-0.3 = 0.50 is below the floor");
        assert_eq!(l.time_multiplier(1_000_000), 0.59);
        assert!((l.time_multiplier(5000) - 0.59).abs() < 1e-12);
        assert_eq!(l.accuracy_bonus(0), 0.0);
        assert!((l.accuracy_bonus(1_000_000) - 0.05).abs() < 1e-12);
        let off = curve(0.0, 0.59, 0.05);
        assert_eq!((off.time_multiplier(500), off.accuracy_bonus(500)), (1.0, 0.0));
    }

    #[test]
    fn taxes_by_hand() {
        // US-like: 15.3% self-employment above $400/year, 10% income tax above $1,000/year.
        let t = Taxes {
            self_employment_ppm: 153_000,
            self_employment_threshold_cents: 40_000,
            income_ppm: 100_000,
            allowance_cents: 100_000,
        };
        // A full year, $2,000 net: SE 306.00 + income 10% of $1,000 = 100.00.
        assert_eq!(t.estimate(200_000, 365), 30_600 + 10_000);
        // $300 in a year: below both thresholds.
        assert_eq!(t.estimate(30_000, 365), 0);
        // 73 days (a fifth of a year): thresholds $80 and $200; $150 net pays SE only.
        assert_eq!(t.estimate(15_000, 73), 2_295);
        assert_eq!(t.estimate(-5, 365), 0);
    }
}
