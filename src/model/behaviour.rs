//! How gig workers really work: learning, switching costs, unpaid work, churn, tools and
//! taxes. Each behaviour is off by default (a scenario switches it on), so a scenario
//! that does not mention one gets exactly the results it had without it.

use super::fees::{percent_of, percent_to_ppm, usd_to_cents};

/// Learning by practice: time per task = first-time × (1 + n)^(−exponent), never below
/// `floor`, where n is the tasks a worker has done in the category (Gadiraju et al.
/// 2015: training cuts task time by up to 41% and raises accuracy by up to 5%).
#[derive(Clone, Debug, PartialEq)]
pub struct Learning {
    /// Exponent of the power law (0 = off).
    pub exponent: f64,
    /// Best time as a share of the first-time duration.
    pub floor: f64,
    /// Rise in accuracy (share points) at the floor.
    pub accuracy_gain: f64,
    /// Multipliers for n = 0 .. TABLE_SIZE, so the hot path does not call `powf`.
    table: Vec<f64>,
}

const TABLE_SIZE: usize = 4096;

impl Learning {
    /// Learning with these parameters (the multiplier table is computed once).
    pub fn new(exponent: f64, floor: f64, accuracy_gain: f64) -> Self {
        let mut l = Learning {
            exponent,
            floor,
            accuracy_gain,
            table: Vec::new(),
        };
        if l.is_on() {
            l.table = (0..TABLE_SIZE).map(|n| l.exact(n as u32)).collect();
        }
        l
    }

    /// Whether practice changes anything.
    pub fn is_on(&self) -> bool {
        self.exponent > 0.0 && self.floor < 1.0
    }

    fn exact(&self, n: u32) -> f64 {
        (1.0 + f64::from(n)).powf(-self.exponent).max(self.floor)
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
        if !self.is_on() || self.accuracy_gain == 0.0 {
            return 0.0;
        }
        self.accuracy_gain * (1.0 - self.time_multiplier(n)) / (1.0 - self.floor)
    }
}

/// Extra time on the first task after a change (Lasecki et al., CHI 2015: up to +57%
/// after a change of task type).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Switching {
    /// Extra time after a change of category, as a fraction (0.57 = +57%).
    pub category: f64,
    /// Extra time after a change of requester, as a fraction.
    pub requester: f64,
    /// `board`: probability of staying with a batch after each task.
    pub batch_stay: f64,
}

/// Unpaid work besides searching the board and rejected work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unpaid {
    /// Probability that a started task is returned unfinished.
    pub return_probability: f64,
    /// `search`: unpaid seconds per offer considered.
    pub review_seconds: u32,
}

/// Workers leaving and arriving.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Churn {
    /// Working days in a row below the reservation wage before leaving (0 = never).
    pub exit_patience_days: u32,
    /// Weight of today in the moving average of hourly earnings: 2 / (span + 1).
    pub ewma_weight: f64,
    /// Newcomers per day, on average.
    pub entry_per_day: f64,
    /// Response of arrivals to recent hourly earnings.
    pub entry_elasticity: f64,
}

/// Investing in tools and templates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tools {
    /// Share of workers who invest.
    pub share: f64,
    /// Unpaid seconds invested.
    pub seconds: u32,
    /// Time multiplier once invested (0.8 = 20% faster).
    pub time_multiplier: f64,
}

/// An estimated tax on net earnings over the metric period.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Taxes {
    /// Self-employment tax, ppm.
    pub self_employment_ppm: i64,
    /// Yearly threshold of the self-employment tax, cents.
    pub self_employment_threshold_cents: i64,
    /// Income tax, ppm.
    pub income_ppm: i64,
    /// Yearly allowance of the income tax, cents.
    pub allowance_cents: i64,
}

impl Taxes {
    /// From the scenario's percents and yearly dollars.
    pub fn new(self_employment_percent: f64, threshold_usd: f64, income_percent: f64, allowance_usd: f64) -> Self {
        Taxes {
            self_employment_ppm: percent_to_ppm(self_employment_percent),
            self_employment_threshold_cents: usd_to_cents(threshold_usd),
            income_ppm: percent_to_ppm(income_percent),
            allowance_cents: usd_to_cents(allowance_usd),
        }
    }

    /// The estimated tax on `net_cents` earned over `days` days: self-employment tax on
    /// all of it once it reaches the threshold, and income tax on what exceeds the
    /// allowance, both thresholds prorated from a 365-day year. Rounded per worker by the
    /// rule of `fees::percent_of`.
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
        let l = Learning::new(0.3, 0.59, 0.05);
        assert_eq!(l.time_multiplier(0), 1.0);
        assert!((l.time_multiplier(1) - 2f64.powf(-0.3)).abs() < 1e-6);
        assert_eq!(l.time_multiplier(9), 0.59, "10^-0.3 = 0.50 is below the floor");
        assert_eq!(l.time_multiplier(1_000_000), 0.59);
        assert!((l.time_multiplier(5000) - 0.59).abs() < 1e-12);
        assert_eq!(l.accuracy_bonus(0), 0.0);
        assert!((l.accuracy_bonus(1_000_000) - 0.05).abs() < 1e-12);
        let off = Learning::new(0.0, 0.59, 0.05);
        assert_eq!((off.time_multiplier(500), off.accuracy_bonus(500)), (1.0, 0.0));
    }

    #[test]
    fn taxes_by_hand() {
        // US-like: 15.3% self-employment above $400/year, 10% income tax above $1,000/year.
        let t = Taxes::new(15.3, 400.0, 10.0, 1000.0);
        // A full year, $2,000 net: SE 306.00 + income 10% of $1,000 = 100.00.
        assert_eq!(t.estimate(200_000, 365), 30_600 + 10_000);
        // $300 in a year: below both thresholds.
        assert_eq!(t.estimate(30_000, 365), 0);
        // 73 days (a fifth of a year): thresholds $80 and $200; $150 net pays SE only.
        assert_eq!(t.estimate(15_000, 73), 2_295);
        assert_eq!(t.estimate(-5, 365), 0);
    }
}
