//! Money: integer US cents, and the one rounding rule of gigsim.
//!
//! **Rounding rule.** Money is integer cents. A percentage of an amount is computed
//! exactly in integers (percents are held as parts per million) and rounded once, to the
//! nearest cent with halves rounded up ([`percent_of`]). Dollars in a scenario become
//! cents by rounding to the nearest cent, halves away from zero ([`usd_to_cents`]), and
//! percents become parts per million the same way ([`percent_to_ppm`]). How fees apply
//! the rule per task is in `model::fees`.

/// Parts per million in one whole (100%).
pub const PPM: i64 = 1_000_000;

/// `cents × ppm / 1,000,000`, rounded to the nearest cent, halves up. The rounding rule
/// of every percentage in gigsim. `cents` and `ppm` are non-negative.
pub fn percent_of(cents: i64, ppm: i64) -> i64 {
    debug_assert!(cents >= 0 && ppm >= 0);
    // In i64 when it fits (every realistic amount), exactly as the i128 formula.
    match cents.checked_mul(ppm).and_then(|x| x.checked_add(PPM / 2)) {
        Some(x) => x / PPM,
        None => ((i128::from(cents) * i128::from(ppm) + i128::from(PPM / 2)) / i128::from(PPM)) as i64,
    }
}

/// US dollars to cents, rounded to the nearest cent (halves away from zero).
pub fn usd_to_cents(usd: f64) -> i64 {
    round(usd * 100.0) as i64
}

/// A percent (0–100) to parts per million, rounded to the nearest ppm.
pub fn percent_to_ppm(percent: f64) -> i64 {
    (percent * 10_000.0).round() as i64
}

/// `x` rounded to the nearest integer, halves away from zero: exactly `f64::round`,
/// computed inline. (Without SSE4.1 `f64::round` is a call into the C library, and the
/// model rounds several times per task.) The fraction `x - trunc(x)` is exact, so the
/// comparison with one half is too. Whether a fraction is above one half is a coin flip
/// for the branch predictor, so the step is added without a branch.
#[inline]
pub fn round(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= 4.0e15 {
        return x.round();
    }
    let t = x as i64 as f64;
    let fraction = x - t;
    t + f64::from(u8::from(fraction >= 0.5)) - f64::from(u8::from(fraction <= -0.5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_round_is_f64_round() {
        let cases = [
            0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            0.49999999999999994,
            4503599627370495.5,
            1e300,
            -7.25,
            0.1,
            2.675,
        ];
        for x in cases {
            assert_eq!(round(x), x.round(), "{x}");
        }
        let mut g = crate::rng::SplitMix64::new(5);
        for _ in 0..100_000 {
            let x = (g.unit() - 0.5) * 10f64.powi((g.bits() % 20) as i32);
            assert_eq!(round(x), x.round(), "{x}");
        }
        assert!(round(f64::NAN).is_nan());
    }

    #[test]
    fn rounding_is_to_nearest_cent_halves_up() {
        assert_eq!(percent_of(5, percent_to_ppm(10.0)), 1); // 0.5 → 1
        assert_eq!(percent_of(4, percent_to_ppm(10.0)), 0); // 0.4 → 0
        assert_eq!(percent_of(500, percent_to_ppm(5.5)), 28); // 27.5 → 28
        assert_eq!(percent_of(0, PPM), 0);
        assert_eq!(usd_to_cents(0.015), 2);
        assert_eq!(usd_to_cents(7.25), 725);
    }
}
