//! The day's demand: how many tasks requesters want to post.
//!
//! multiplier(day) = weekday × season × regime × noise × shocks, where the noise is
//! log-normal with an AR(1) in logs, corrected so its mean is one, and the regime is a
//! Markov chain of normal, boom and bust. All of it comes from one stream per run that
//! does not depend on the variant, so every fee policy faces the same demand shocks.

use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, StandardNormal};

use crate::rng::unit_f64;
use crate::scenario::{DemandParams, Regimes};

/// Which regime demand is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// Normal demand.
    Normal,
    /// A boom.
    Boom,
    /// A bust.
    Bust,
}

/// The demand process of one run.
#[derive(Clone, Debug)]
pub struct DemandProcess {
    rng: Xoshiro256PlusPlus,
    regime: Regime,
    /// Current log noise (stationary AR(1), variance σ²).
    log_noise: f64,
}

impl DemandProcess {
    /// Starts the process: normal regime, noise drawn from its stationary distribution.
    pub fn new(params: &DemandParams, mut rng: Xoshiro256PlusPlus) -> Self {
        let z: f64 = StandardNormal.sample(&mut rng);
        DemandProcess {
            rng,
            regime: Regime::Normal,
            log_noise: params.noise_sigma * z,
        }
    }

    /// Advances to `day` and returns the day's demand multiplier and the number of tasks
    /// requesters want to post, scaled by `cost_factor` (the response of demand to the
    /// all-in cost per task, 1 when demand does not respond). Draws the same random
    /// numbers whatever `cost_factor` is.
    pub fn step(&mut self, params: &DemandParams, day: u32, cost_factor: f64) -> (f64, u64) {
        let r = &params.regimes;
        let u = unit_f64(self.rng.next_u64());
        self.regime = match self.regime {
            Regime::Normal if u < r.boom_probability => Regime::Boom,
            Regime::Normal if u < r.boom_probability + r.bust_probability => Regime::Bust,
            Regime::Normal => Regime::Normal,
            _ if u < 1.0 / r.mean_days => Regime::Normal,
            other => other,
        };
        let phi = params.noise_autocorrelation;
        let sigma = params.noise_sigma;
        let z: f64 = StandardNormal.sample(&mut self.rng);
        self.log_noise = phi * self.log_noise + (1.0 - phi * phi).sqrt() * sigma * z;
        let noise = (self.log_noise - 0.5 * sigma * sigma).exp();
        let multiplier = deterministic_multiplier(params, day) * self.regime_multiplier(r) * noise;
        let expected = (params.tasks_per_day * multiplier * cost_factor).max(0.0);
        let whole = expected.floor();
        let extra = u64::from(unit_f64(self.rng.next_u64()) < expected - whole);
        (multiplier, whole as u64 + extra)
    }

    /// The current regime.
    pub fn regime(&self) -> Regime {
        self.regime
    }

    fn regime_multiplier(&self, r: &Regimes) -> f64 {
        match self.regime {
            Regime::Normal => 1.0,
            Regime::Boom => r.boom_multiplier,
            Regime::Bust => r.bust_multiplier,
        }
    }
}

/// The part of the multiplier that is known in advance: weekday, season and shocks.
pub fn deterministic_multiplier(params: &DemandParams, day: u32) -> f64 {
    let weekday = params.weekday[((day - 1) % 7) as usize];
    let day_of_year = f64::from((day - 1) % 365 + 1);
    let phase = 2.0 * std::f64::consts::PI * (day_of_year - f64::from(params.season_peak_day)) / 365.0;
    let season = 1.0 + params.season_amplitude * phase.cos();
    let shocks: f64 = params
        .shocks
        .iter()
        .filter(|s| day >= s.start_day && day < s.start_day + s.days)
        .map(|s| s.multiplier)
        .product();
    weekday * season * shocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, stream};
    use crate::scenario::Shock;

    fn params() -> DemandParams {
        DemandParams {
            tasks_per_day: 1000.0,
            weekday: [1.0; 7],
            hour_factors: None,
            season_amplitude: 0.0,
            season_peak_day: 1,
            noise_sigma: 0.0,
            noise_autocorrelation: 0.0,
            regimes: Regimes {
                boom_probability: 0.0,
                bust_probability: 0.0,
                mean_days: 10.0,
                boom_multiplier: 2.0,
                bust_multiplier: 0.5,
            },
            shocks: vec![Shock {
                start_day: 5,
                days: 2,
                multiplier: 0.25,
            }],
        }
    }

    #[test]
    fn flat_demand_with_a_shock() {
        let p = params();
        let mut d = DemandProcess::new(&p, stream(1, 0, Stream::Demand, 0, 0));
        let counts: Vec<u64> = (1..=8).map(|day| d.step(&p, day, 1.0).1).collect();
        assert_eq!(counts, vec![1000, 1000, 1000, 1000, 250, 250, 1000, 1000]);
    }

    #[test]
    fn noise_has_mean_one() {
        let mut p = params();
        p.shocks.clear();
        p.noise_sigma = 0.5;
        p.noise_autocorrelation = 0.5;
        let mut d = DemandProcess::new(&p, stream(2, 0, Stream::Demand, 0, 0));
        let n = 200_000;
        let mean = (1..=n).map(|day| d.step(&p, day, 1.0).0).sum::<f64>() / f64::from(n);
        assert!((mean - 1.0).abs() < 0.01, "{mean}");
    }

    #[test]
    fn weekday_and_season_shape_the_week_and_year() {
        let mut p = params();
        p.shocks.clear();
        p.weekday = [1.2, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5];
        p.season_amplitude = 0.2;
        p.season_peak_day = 8;
        assert!((deterministic_multiplier(&p, 8) - 1.2 * 1.2).abs() < 1e-12);
        assert!(deterministic_multiplier(&p, 6) < deterministic_multiplier(&p, 5));
    }

    #[test]
    fn cost_factor_scales_demand_without_shifting_draws() {
        let mut p = params();
        p.noise_sigma = 0.3;
        p.regimes.boom_probability = 0.05;
        let mut a = DemandProcess::new(&p, stream(3, 0, Stream::Demand, 0, 0));
        let mut b = DemandProcess::new(&p, stream(3, 0, Stream::Demand, 0, 0));
        for day in 1..=50 {
            let (ma, na) = a.step(&p, day, 1.0);
            let (mb, nb) = b.step(&p, day, 0.5);
            assert_eq!(ma, mb);
            assert!(nb <= na);
        }
    }

    #[test]
    fn regimes_switch_and_return() {
        let mut p = params();
        p.shocks.clear();
        p.regimes.boom_probability = 0.1;
        p.regimes.bust_probability = 0.1;
        let mut d = DemandProcess::new(&p, stream(4, 0, Stream::Demand, 0, 0));
        let mut seen = [false; 3];
        for day in 1..=500 {
            d.step(&p, day, 1.0);
            seen[d.regime() as usize] = true;
        }
        assert_eq!(seen, [true, true, true]);
    }
}
