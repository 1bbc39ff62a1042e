//! Inequality and summary statistics: Gini, Lorenz curves, percentiles, top shares,
//! and Student-t confidence intervals across replicates.
//!
//! Every function takes plain slices and is deterministic: sums run in slice order, so
//! the same inputs give the same bits whatever the thread count of the caller.

/// Gini coefficient of non-negative values (0 = all equal, (n−1)/n = one holds all).
///
/// Uses the sorted-rank formula G = Σ(2i − n − 1)·x_i / (n·Σx). Negative values are
/// treated as 0 (a worker cannot hold a negative share of income). Returns `None` for
/// an empty slice and 0 when everything is zero.
pub fn gini(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut x: Vec<f64> = values.iter().map(|&v| v.max(0.0)).collect();
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    let total: f64 = x.iter().sum();
    if total <= 0.0 {
        return Some(0.0);
    }
    let weighted: f64 = x
        .iter()
        .enumerate()
        .map(|(i, &v)| (2.0 * (i as f64 + 1.0) - n - 1.0) * v)
        .sum();
    Some(weighted / (n * total))
}

/// Points of the Lorenz curve: (share of people, share of the total) from the poorest,
/// starting at (0, 0) and ending at (1, 1). At most `max_points + 1` points are returned
/// (evenly spaced in rank) so a million workers still draw quickly.
pub fn lorenz(values: &[f64], max_points: usize) -> Vec<(f64, f64)> {
    let mut x: Vec<f64> = values.iter().map(|&v| v.max(0.0)).collect();
    x.sort_by(f64::total_cmp);
    let n = x.len();
    let total: f64 = x.iter().sum();
    if n == 0 || total <= 0.0 {
        return Vec::new();
    }
    let mut cumulative = Vec::with_capacity(n + 1);
    let mut acc = 0.0;
    cumulative.push(0.0);
    for v in &x {
        acc += v;
        cumulative.push(acc);
    }
    let steps = max_points.max(1).min(n);
    (0..=steps)
        .map(|k| {
            let i = k * n / steps;
            (i as f64 / n as f64, cumulative[i] / total)
        })
        .collect()
}

/// The `q`-quantile (0 ≤ q ≤ 1) of sorted values, by linear interpolation between order
/// statistics (Hyndman & Fan type 7, the default of R and NumPy). `None` when empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The `q`-quantile of unsorted values (sorts a copy). `None` when empty.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut x = values.to_vec();
    x.sort_by(f64::total_cmp);
    quantile_sorted(&x, q)
}

/// The median (type 7 quantile at 0.5). `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// The median (type 7), reordering `values` in place: linear time, for hot paths that
/// need a median of a scratch buffer every day. `None` when empty.
pub fn median_in_place(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (_, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    // The lower middle is the largest of the values before the upper one.
    let lower = values[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(lower + 0.5 * (upper - lower))
}

/// Share of the total held by the top `fraction` of people (the ⌈fraction·n⌉ largest
/// values). `None` when empty or when the total is not positive.
pub fn top_share(values: &[f64], fraction: f64) -> Option<f64> {
    let mut x: Vec<f64> = values.iter().map(|&v| v.max(0.0)).collect();
    let total: f64 = x.iter().sum();
    if x.is_empty() || total <= 0.0 {
        return None;
    }
    x.sort_by(|a, b| b.total_cmp(a));
    let k = ((fraction * x.len() as f64).ceil() as usize).clamp(1, x.len());
    Some(x[..k].iter().sum::<f64>() / total)
}

/// Arithmetic mean. `None` when empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// Sample standard deviation (n − 1 in the denominator). `None` for fewer than 2 values.
pub fn sample_sd(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let ss: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    Some((ss / (values.len() - 1) as f64).sqrt())
}

/// Mean, spread and a two-sided confidence interval of a set of replicate values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Number of values.
    pub n: usize,
    /// Mean (NaN when n = 0).
    pub mean: f64,
    /// Sample standard deviation (`None` for n < 2).
    pub sd: Option<f64>,
    /// Lower end of the interval (`None` for n < 2).
    pub ci_low: Option<f64>,
    /// Upper end of the interval (`None` for n < 2).
    pub ci_high: Option<f64>,
}

impl Estimate {
    /// The mean with a `level` (e.g. 0.95) confidence interval by Student's t with n − 1
    /// degrees of freedom. Non-finite inputs are skipped (a metric undefined in one
    /// replicate, such as a median wage when nobody worked an hour).
    pub fn of(values: &[f64], level: f64) -> Estimate {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len();
        let mean = mean(&finite).unwrap_or(f64::NAN);
        let sd = sample_sd(&finite);
        let (ci_low, ci_high) = match sd {
            Some(sd) => {
                let half = t_quantile(0.5 + level / 2.0, (n - 1) as f64) * sd / (n as f64).sqrt();
                (Some(mean - half), Some(mean + half))
            }
            None => (None, None),
        };
        Estimate {
            n,
            mean,
            sd,
            ci_low,
            ci_high,
        }
    }
}

/// The values a quantity can take: a closed interval, either end possibly infinite
/// (counts and money that cannot be negative are `[0, ∞)`, shares `[0, 1]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Support {
    /// Smallest possible value (`-∞` when unbounded below).
    pub low: f64,
    /// Largest possible value (`∞` when unbounded above).
    pub high: f64,
}

impl Support {
    /// Any real number: differences between variants, which may have either sign.
    pub const REAL: Support = Support {
        low: f64::NEG_INFINITY,
        high: f64::INFINITY,
    };
    /// Counts, hours and money that cannot be negative.
    pub const NON_NEGATIVE: Support = Support {
        low: 0.0,
        high: f64::INFINITY,
    };
    /// Shares and indices between 0 and 1.
    pub const UNIT: Support = Support { low: 0.0, high: 1.0 };

    /// The support of the quantity times `factor` (> 0), for axes in other units
    /// (cents shown as dollars).
    pub fn scaled(self, factor: f64) -> Support {
        Support {
            low: self.low * factor,
            high: self.high * factor,
        }
    }
}

impl Estimate {
    /// The same estimate with its interval intersected with the quantity's support.
    ///
    /// Why this keeps the coverage exactly: the true mean lies in the support, so the t
    /// interval covers it exactly when the intersection does; only impossible values
    /// (−2 tasks unfilled, a share above 1) are cut off. No resampling is involved, so
    /// recording still draws no random number. The point estimate is left alone (a mean
    /// of values in the support is in it). Paired differences are not clamped: their
    /// support is all reals.
    pub fn within(self, support: Support) -> Estimate {
        let clamp = |x: f64| x.clamp(support.low, support.high);
        Estimate {
            ci_low: self.ci_low.map(clamp),
            ci_high: self.ci_high.map(clamp),
            ..self
        }
    }
}

/// Quantile function of Student's t distribution with `df` degrees of freedom, for
/// 0 < p < 1, found by bisection on the CDF (accurate to about 1e-12).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t_cdf(hi, df) < p {
        hi *= 2.0;
        if hi > 1e12 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-13 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// CDF of Student's t distribution, through the regularized incomplete beta function:
/// for t ≥ 0, F(t) = 1 − ½·I_{df/(df+t²)}(df/2, ½).
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * regularized_incomplete_beta(x, df / 2.0, 0.5);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Regularized incomplete beta I_x(a, b), by Lentz's continued fraction (Numerical
/// Recipes, 3rd ed., §6.4), using the symmetry relation where it converges faster.
fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_continued_fraction(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * beta_continued_fraction(1.0 - x, b, a) / b
    }
}

fn beta_continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let clamp = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / clamp(1.0 - qab * x / qap);
    let mut h = d;
    // One step of Lentz's method for the term `aa`: the factor the fraction changes by.
    let mut step = |aa: f64| {
        d = 1.0 / clamp(1.0 + aa * d);
        c = clamp(1.0 + aa / c);
        d * c
    };
    for m in 1..=300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)));
        let delta = step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Natural log of the gamma function (Lanczos approximation, g = 7, n = 9), accurate to
/// about 1e-15 for positive arguments.
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn intervals_are_cut_to_the_support_and_keep_their_mean() {
        // Mean 3.5 with a t interval reaching below zero: a count cannot be negative.
        let e = Estimate::of(&[0.0, 0.0, 14.0, 0.0], 0.95);
        assert!(e.ci_low.unwrap() < 0.0, "{e:?}");
        let cut = e.within(Support::NON_NEGATIVE);
        assert_eq!((cut.mean, cut.ci_low, cut.ci_high), (e.mean, Some(0.0), e.ci_high));
        let share = Estimate::of(&[0.9, 1.0, 1.0, 0.6], 0.95).within(Support::UNIT);
        assert!(share.ci_high == Some(1.0) && share.ci_low.unwrap() < 0.875, "{share:?}");
        let diff = Estimate::of(&[-1.0, 2.0], 0.95);
        assert_eq!(diff.within(Support::REAL), diff, "differences keep their interval");
        assert_eq!(Support::UNIT.scaled(100.0), Support { low: 0.0, high: 100.0 });
    }

    #[test]
    fn gini_of_equal_incomes_is_zero() {
        assert_eq!(gini(&[5.0, 5.0, 5.0, 5.0]), Some(0.0));
    }

    #[test]
    fn gini_when_one_holds_all_is_n_minus_one_over_n() {
        let g = gini(&[0.0, 0.0, 0.0, 0.0, 10.0]).unwrap();
        assert!(close(g, 4.0 / 5.0, 1e-12), "{g}");
    }

    #[test]
    fn gini_of_known_vector() {
        // 1, 2, 3, 4: mean absolute difference = 20/16 = 1.25; G = 1.25 / (2 * 2.5) = 0.25
        let g = gini(&[3.0, 1.0, 4.0, 2.0]).unwrap();
        assert!(close(g, 0.25, 1e-12), "{g}");
        assert_eq!(gini(&[]), None);
        assert_eq!(gini(&[0.0, 0.0]), Some(0.0));
    }

    #[test]
    fn lorenz_runs_from_origin_to_one() {
        let pts = lorenz(&[1.0, 2.0, 3.0, 4.0], 100);
        assert_eq!(pts.first(), Some(&(0.0, 0.0)));
        assert_eq!(pts.last(), Some(&(1.0, 1.0)));
        assert_eq!(pts[1], (0.25, 0.1));
        assert!(lorenz(&[], 10).is_empty());
        assert_eq!(lorenz(&vec![1.0; 1000], 10).len(), 11);
    }

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.5), Some(2.5));
        assert_eq!(quantile(&x, 0.0), Some(1.0));
        assert_eq!(quantile(&x, 1.0), Some(4.0));
        // R: quantile(c(1,2,3,4), 0.9) = 3.7
        assert!(close(quantile(&x, 0.9).unwrap(), 3.7, 1e-12));
        assert_eq!(median(&[7.0]), Some(7.0));
        let mut g = crate::rng::SplitMix64::new(3);
        for n in 1..60 {
            let mut v: Vec<f64> = (0..n).map(|_| g.unit()).collect();
            let want = median(&v);
            assert_eq!(median_in_place(&mut v), want, "n = {n}");
        }
        assert_eq!(median_in_place(&mut []), None);
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn top_ten_percent_share() {
        let mut x = vec![1.0; 9];
        x.push(91.0);
        assert!(close(top_share(&x, 0.1).unwrap(), 0.91, 1e-12));
        // 15 people: the top 10% is the 2 largest (ceil(1.5))
        let y: Vec<f64> = (1..=15).map(f64::from).collect();
        assert!(close(top_share(&y, 0.1).unwrap(), 29.0 / 120.0, 1e-12));
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Standard tables: t_{0.975} for df = 1, 4, 9, 30.
        assert!(close(t_quantile(0.975, 1.0), 12.706_204_736, 1e-6));
        assert!(close(t_quantile(0.975, 4.0), 2.776_445_105, 1e-8));
        assert!(close(t_quantile(0.975, 9.0), 2.262_157_163, 1e-8));
        assert!(close(t_quantile(0.975, 30.0), 2.042_272_456, 1e-8));
        assert!(close(t_quantile(0.025, 9.0), -2.262_157_163, 1e-8));
    }

    #[test]
    fn confidence_interval_by_student_t() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.95);
        assert_eq!(e.n, 5);
        assert_eq!(e.mean, 3.0);
        let sd = 2.5f64.sqrt();
        assert!(close(e.sd.unwrap(), sd, 1e-12));
        let half = 2.776_445_105 * sd / 5f64.sqrt();
        assert!(close(e.ci_low.unwrap(), 3.0 - half, 1e-7));
        assert!(close(e.ci_high.unwrap(), 3.0 + half, 1e-7));
    }

    #[test]
    fn confidence_interval_is_empty_for_one_value() {
        let e = Estimate::of(&[4.2], 0.95);
        assert_eq!(e.n, 1);
        assert_eq!(e.mean, 4.2);
        assert_eq!((e.sd, e.ci_low, e.ci_high), (None, None, None));
        let nan_skipped = Estimate::of(&[f64::NAN, 1.0, 3.0], 0.95);
        assert_eq!(nan_skipped.n, 2);
        assert_eq!(nan_skipped.mean, 2.0);
    }
}
