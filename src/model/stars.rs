//! The stars of a review: `round(mean + noise × z)`, clamped to 1–5, where `z` is the
//! normal quantile of the review's uniform draw.
//!
//! Stars are whole, so for a given mean and noise they change only near four values of
//! the draw. [`Stars`] finds those once and then turns a draw into stars with four
//! comparisons instead of a rational function (and, in the tails, a logarithm); the
//! formula is still used inside a band of width about 1e-10 or less around each value,
//! where floating-point wobble decides. This made the `board` matching bench about a
//! fifth faster at 100,000 workers, with the same stars for every draw (see
//! [`Stars::new`] and the tests).

use crate::money::round;
use crate::rng::normal_quantile;

/// Draws are multiples of 2^-53 (see `crate::rng::unit_f64`).
const GRID: f64 = 1.0 / (1u64 << 53) as f64;
const STEPS: u64 = 1 << 53;

/// Stars for a review draw, by formula or by thresholds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stars {
    mean: f64,
    noise: f64,
    /// For 2, 3, 4 and 5 stars: draws from `.1` on give at least that many, draws below
    /// `.0` fewer, and in between (a band of about 1e-10 or less) the formula decides.
    /// `None`: no bands could be proven; the formula is used for every draw.
    bands: Option<[(f64, f64); 4]>,
}

impl Stars {
    /// The stars around `mean` with standard deviation `noise`.
    ///
    /// Exactness: the quantile is increasing, but its floating-point value wobbles by a
    /// few 1e-14 (so right at a half star the formula's stars flip back and forth over
    /// a few dozen draws). Each band is widened until the unrounded stars at its ends
    /// are more than `margin` (1e-11, hundreds of times the wobble) from the half
    /// star, so no draw outside a band can round the other way. Where the quantile
    /// switches between its central and tail approximations it jumps (by up to ~1e-9);
    /// when that lands within 1e-6 of a half star, the formula is used throughout.
    pub(crate) fn new(mean: f64, noise: f64) -> Stars {
        let exact = Stars {
            mean,
            noise,
            bands: None,
        };
        let value = |n: u64| mean + noise * normal_quantile(n as f64 * GRID);
        let margin = 1e-11 * (1.0 + noise);
        let (least, most) = (value(0), value(STEPS - 1));
        let mut bands = [(2.0, 2.0); 4];
        for (k, band) in bands.iter_mut().enumerate() {
            let half = k as f64 + 1.5;
            let reaches = |n: u64| value(n) >= half;
            if noise == 0.0 || least > half + margin {
                // Every draw gives that many stars (no draw, when it is not reached).
                if least >= half {
                    *band = (-1.0, 0.0);
                }
                continue;
            }
            if most < half - margin {
                continue; // never that many stars: the band stays above every draw
            }
            if !reaches(STEPS - 1) || reaches(0) {
                return exact; // within the wobble of a half star at an end
            }
            // A grid point where the stars reach the level and the one before does not.
            let (mut lo, mut hi) = (0u64, STEPS - 1);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if reaches(mid) { hi = mid } else { lo = mid }
            }
            let mut width = 64u64;
            loop {
                let (below, above) = (hi.saturating_sub(width), (hi + width).min(STEPS - 1));
                let low_ok = below == 0 || value(below) < half - margin;
                let high_ok = above == STEPS - 1 || value(above) > half + margin;
                if low_ok && high_ok {
                    *band = (below as f64 * GRID, above as f64 * GRID);
                    break;
                }
                if width > 1 << 45 {
                    return exact;
                }
                width *= 2;
            }
        }
        let low = 0.02425;
        for u in [low, 1.0 - low] {
            let z = mean + noise * normal_quantile(u);
            if noise > 0.0 && [1.5, 2.5, 3.5, 4.5].iter().any(|half| (z - half).abs() < 1e-6) {
                return exact;
            }
        }
        Stars {
            bands: Some(bands),
            ..exact
        }
    }

    fn formula(&self, u: f64) -> f64 {
        round(self.mean + self.noise * normal_quantile(u)).clamp(1.0, 5.0)
    }

    /// The stars for draw `u` (a multiple of 2^-53 in [0, 1)).
    #[inline]
    pub(crate) fn of(&self, u: f64) -> f64 {
        let Some(bands) = &self.bands else {
            return self.formula(u);
        };
        // Counted without branches: which side of a threshold a draw falls is a coin
        // flip the CPU cannot predict, while landing in a band almost never happens.
        let mut above = 0u8;
        let mut within = false;
        for &(low, high) in bands {
            above += u8::from(u >= high);
            within |= u >= low && u < high;
        }
        if within {
            return self.formula(u);
        }
        1.0 + f64::from(above)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn thresholds_give_the_formulas_stars() {
        let mut rng = SplitMix64::new(11);
        for (mean, noise) in [
            (4.8, 0.6),
            (3.0, 1.0),
            (1.0, 0.6),
            (4.5, 0.0),
            (2.5, 0.5),
            (5.0, 5.0),
            (1.7, 0.01),
        ] {
            let s = Stars::new(mean, noise);
            assert!(s.bands.is_some(), "{mean} {noise}: no bands");
            for &(below, above) in s.bands.as_ref().unwrap() {
                // (-1, 0): every draw reaches the level; (2, 2): none does.
                let ends = !(0.0..1.0).contains(&below);
                assert!(
                    ends || above - below < 1e-6,
                    "{mean} {noise}: a wide band {below}..{above}"
                );
            }
            for _ in 0..200_000 {
                let u = rng.unit();
                assert_eq!(s.of(u), s.formula(u), "{mean} {noise} at {u}");
            }
            // Every grid point around each band's ends, and the ends of the range.
            for &(below, above) in s.bands.as_ref().unwrap() {
                for m in [below, above].iter().flat_map(|t| {
                    let n = (t.max(0.0) / GRID) as u64;
                    n.saturating_sub(1000)..(n + 1000).min(STEPS)
                }) {
                    let u = m as f64 * GRID;
                    assert_eq!(s.of(u), s.formula(u), "{mean} {noise} at {u}");
                }
            }
            for u in [0.0, (STEPS - 1) as f64 * GRID] {
                assert_eq!(s.of(u), s.formula(u));
            }
        }
    }

    #[test]
    fn stars_spread_around_the_mean() {
        let s = Stars::new(4.8, 0.6);
        let mut rng = SplitMix64::new(5);
        let n = 100_000;
        let mean = (0..n).map(|_| s.of(rng.unit())).sum::<f64>() / f64::from(n);
        // Clamping at 5 pulls the mean of N(4.8, 0.6) rounded down to about 4.6.
        assert!((4.5..4.75).contains(&mean), "{mean}");
        assert_eq!(Stars::new(3.0, 0.0).of(0.999), 3.0);
    }
}
