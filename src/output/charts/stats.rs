//! The numbers behind the charts, as plain functions on slices: histogram bins, the
//! choice of a log axis, subsampled CDF curves, box-plot quartiles, percentile bands
//! by day, and the change in each worker's income by decile of their base income.
//! Nothing here draws, so every number a chart shows is tested here.

use std::collections::HashMap;

use crate::metrics::{Estimate, quantile_sorted};

/// One histogram bin: `[lo, hi)` (the last bin also holds `hi`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bin {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Values in the bin.
    pub count: usize,
}

/// Bins for `n` values: about √n, between 10 and 60, so small samples are not
/// shredded into noise and large ones still show their shape.
pub fn bin_count(n: usize) -> usize {
    ((n as f64).sqrt().round() as usize).clamp(10, 60)
}

/// Counts `values` in `bins` equal bins from `lo` to `hi` (equal in log space when
/// `log`). Values outside the range, and non-finite ones, are not counted; the caller
/// says how many were left out.
pub fn histogram(values: &[f64], lo: f64, hi: f64, bins: usize, log: bool) -> Vec<Bin> {
    let bins = bins.max(1);
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || (log && lo <= 0.0) {
        return Vec::new();
    }
    let (a, b) = if log { (lo.log10(), hi.log10()) } else { (lo, hi) };
    let width = (b - a) / bins as f64;
    let edge = |i: usize| {
        let e = a + width * i as f64;
        if log { 10f64.powf(e) } else { e }
    };
    let mut counts = vec![0usize; bins];
    for &v in values {
        if !v.is_finite() || v < lo || v > hi {
            continue;
        }
        let t = if log { v.log10() } else { v };
        let i = (((t - a) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| Bin {
            lo: if i == 0 { lo } else { edge(i) },
            hi: if i == bins - 1 { hi } else { edge(i + 1) },
            count,
        })
        .collect()
}

/// Whether a distribution of positive values spreads so far that a linear axis would
/// squeeze most people into the first bin: the 99th percentile is more than 50 times
/// the median. `sorted` must be sorted and positive.
pub fn wants_log_axis(sorted: &[f64]) -> bool {
    match (quantile_sorted(sorted, 0.5), quantile_sorted(sorted, 0.99)) {
        (Some(p50), Some(p99)) if p50 > 0.0 => p99 / p50 > 50.0,
        _ => false,
    }
}

/// Whether two series would be drawn on top of each other: the same number of points,
/// at the same x, with every y within `tolerance` (in y units). Charts say so in their
/// note and draw the later series so the earlier one still shows.
pub fn coincide(a: &[(f64, f64)], b: &[(f64, f64)], tolerance: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(p, q)| p.0 == q.0 && (p.1 - q.1).abs() <= tolerance)
}

/// The finite values, sorted.
pub fn sorted_finite(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Points of the empirical CDF of `sorted` values, (value, share at or below it), at
/// most `max_points + 1` of them evenly spaced in rank, from (min, 1/n) to (max, 1).
pub fn ecdf_points(sorted: &[f64], max_points: usize) -> Vec<(f64, f64)> {
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    let steps = max_points.max(1).min(n);
    let mut out: Vec<(f64, f64)> = (0..=steps)
        .map(|k| {
            let i = if k == 0 { 0 } else { (k * n).div_ceil(steps) - 1 };
            (sorted[i], (i + 1) as f64 / n as f64)
        })
        .collect();
    out.dedup();
    out
}

/// A CDF curve cut at `x_max`: the points up to it, and the crossing at `x_max`, so the
/// line ends at the edge of the plot instead of running along it.
pub fn clip_curve(points: &[(f64, f64)], x_max: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len());
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        if out.is_empty() && a.0 <= x_max {
            out.push(a);
        }
        if b.0 <= x_max {
            out.push(b);
        } else {
            if a.0 <= x_max {
                let t = if b.0 > a.0 { (x_max - a.0) / (b.0 - a.0) } else { 0.0 };
                out.push((x_max, a.1 + t * (b.1 - a.1)));
            }
            break;
        }
    }
    if points.len() == 1 && points[0].0 <= x_max {
        out.push(points[0]);
    }
    out
}

/// Share of `sorted` values strictly below `x` (the `share_below_wage_floor` rule).
pub fn share_below(sorted: &[f64], x: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted.partition_point(|v| *v < x) as f64 / sorted.len() as f64)
}

/// Minimum, quartiles and maximum (type 7 quantiles). `None` when there are no finite
/// values.
pub fn five_numbers(values: &[f64]) -> Option<[f64; 5]> {
    let s = sorted_finite(values.iter().copied());
    Some([
        *s.first()?,
        quantile_sorted(&s, 0.25)?,
        quantile_sorted(&s, 0.5)?,
        quantile_sorted(&s, 0.75)?,
        *s.last()?,
    ])
}

/// One day of a band across replicates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayBand {
    /// The day.
    pub day: f64,
    /// 10th percentile across replicates.
    pub p10: f64,
    /// Median across replicates.
    pub median: f64,
    /// 90th percentile across replicates.
    pub p90: f64,
}

/// For each day, the median and 10th–90th percentiles of `value` across replicates.
pub fn band_by_day(day: &[f64], value: &[f64]) -> Vec<DayBand> {
    let mut by_day: Vec<(f64, f64)> = day
        .iter()
        .zip(value)
        .filter(|(d, v)| d.is_finite() && v.is_finite())
        .map(|(d, v)| (*d, *v))
        .collect();
    by_day.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    by_day
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| {
            let values: Vec<f64> = group.iter().map(|g| g.1).collect();
            DayBand {
                day: group[0].0,
                p10: quantile_sorted(&values, 0.1).unwrap_or(f64::NAN),
                median: quantile_sorted(&values, 0.5).unwrap_or(f64::NAN),
                p90: quantile_sorted(&values, 0.9).unwrap_or(f64::NAN),
            }
        })
        .collect()
}

/// A worker in one replicate, with the value being compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkerValue {
    /// Replicate.
    pub replicate: u32,
    /// Worker id (the same person in every variant of a replicate).
    pub worker_id: u32,
    /// Net income, US$.
    pub net: f64,
}

/// The change in net income of one decile of base income.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DecileChange {
    /// Decile, 1 (poorest tenth in base) to 10.
    pub decile: usize,
    /// Workers matched in both variants, over all replicates.
    pub workers: usize,
    /// Mean change per worker (variant − base), US$: the mean over replicates of each
    /// replicate's mean, with its 95% CI across replicates.
    pub change: Estimate,
}

/// Deciles of base net income and the change against base.
#[derive(Clone, Debug, PartialEq)]
pub struct DecileComparison {
    /// The ten deciles (those with no matched worker have n = 0).
    pub deciles: Vec<DecileChange>,
    /// Base workers with no counterpart in the variant, and variant workers with none in
    /// base (people who arrived in one variant only).
    pub unmatched: usize,
}

/// The decile of each base worker's net income, pooled over replicates: rank by income
/// (ties broken by replicate and worker id, so the ten groups are equal in size and the
/// result does not depend on row order), decile = rank × 10 / n.
pub fn base_deciles(base: &[WorkerValue]) -> HashMap<(u32, u32), (usize, f64)> {
    let mut order: Vec<usize> = (0..base.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&base[a], &base[b]);
        x.net
            .total_cmp(&y.net)
            .then(x.replicate.cmp(&y.replicate))
            .then(x.worker_id.cmp(&y.worker_id))
    });
    let n = base.len();
    let mut out = HashMap::with_capacity(n);
    for (rank, &i) in order.iter().enumerate() {
        let w = &base[i];
        out.insert((w.replicate, w.worker_id), (rank * 10 / n, w.net));
    }
    out
}

/// Each variant worker's change in net income against the same worker in base, by
/// decile of base income. The CI is across replicates (each replicate's decile mean is
/// one observation), because workers of one market are not independent draws.
pub fn decile_changes(deciles: &HashMap<(u32, u32), (usize, f64)>, variant: &[WorkerValue]) -> DecileComparison {
    // (replicate, decile) -> (sum of changes, count)
    let mut cells: HashMap<(u32, usize), (f64, usize)> = HashMap::new();
    let mut matched = 0usize;
    for w in variant {
        if let Some(&(d, base_net)) = deciles.get(&(w.replicate, w.worker_id)) {
            let e = cells.entry((w.replicate, d)).or_insert((0.0, 0));
            e.0 += w.net - base_net;
            e.1 += 1;
            matched += 1;
        }
    }
    let unmatched = (deciles.len() - matched) + (variant.len() - matched);
    let mut replicates: Vec<u32> = cells.keys().map(|k| k.0).collect();
    replicates.sort_unstable();
    replicates.dedup();
    let deciles = (0..10)
        .map(|d| {
            let mut means = Vec::new();
            let mut workers = 0;
            for r in &replicates {
                if let Some(&(sum, count)) = cells.get(&(*r, d)) {
                    means.push(sum / count as f64);
                    workers += count;
                }
            }
            DecileChange {
                decile: d + 1,
                workers,
                change: Estimate::of(&means, 0.95),
            }
        })
        .collect();
    DecileComparison { deciles, unmatched }
}

/// A newcomer's history, in days of the simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Newcomer {
    /// Day they arrived.
    pub entered: u32,
    /// Day they finished their first task, if they did.
    pub first_task: Option<u32>,
    /// Day they left, if they did.
    pub exited: Option<u32>,
    /// Last day they could have been observed (the end of the run).
    pub end: u32,
}

/// The cold-start curves at one duration since arrival.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColdStartPoint {
    /// Days since arrival.
    pub days: u32,
    /// Newcomers still observed and still waiting at the start of that day.
    pub at_risk: usize,
    /// Cumulative share who had finished a first task by then.
    pub first_task: f64,
    /// Cumulative share who had left without one by then.
    pub left: f64,
    /// Share still waiting after that day (1 − first_task − left).
    pub waiting: f64,
}

/// How long newcomers wait for a first task, honest about censoring: the cumulative
/// incidence of a first task, with leaving without one as a competing outcome and the
/// end of the run as censoring (the Aalen–Johansen estimator on whole days). A newcomer
/// who arrived `k` days before the end counts only for the first `k` days after
/// arrival, so late arrivals do not look like people who never got work. The curve
/// stops at the last day on which at least `min_at_risk` newcomers were still waiting
/// and observed.
pub fn cold_start(newcomers: &[Newcomer], min_at_risk: usize) -> Vec<ColdStartPoint> {
    // (duration, outcome): 0 = first task, 1 = left without one, 2 = censored.
    let mut times: Vec<(u32, u8)> = newcomers
        .iter()
        .filter(|n| n.end >= n.entered)
        .map(|n| {
            let task = n.first_task.filter(|&t| t >= n.entered && t <= n.end);
            let exit = n.exited.filter(|&e| e >= n.entered && e <= n.end);
            match (task, exit) {
                (Some(t), Some(e)) if e < t => (e - n.entered, 1),
                (Some(t), _) => (t - n.entered, 0),
                (None, Some(e)) => (e - n.entered, 1),
                (None, None) => (n.end - n.entered, 2),
            }
        })
        .collect();
    times.sort_unstable();
    let mut out = Vec::new();
    let (mut survival, mut task_share, mut left_share) = (1.0f64, 0.0f64, 0.0f64);
    let mut at_risk = times.len();
    let mut k = 0;
    let last = times.last().map_or(0, |t| t.0);
    for day in 0..=last {
        if at_risk < min_at_risk.max(1) {
            break;
        }
        let (mut tasks, mut left, mut censored) = (0usize, 0usize, 0usize);
        while k < times.len() && times[k].0 == day {
            match times[k].1 {
                0 => tasks += 1,
                1 => left += 1,
                _ => censored += 1,
            }
            k += 1;
        }
        let n = at_risk as f64;
        task_share += survival * tasks as f64 / n;
        left_share += survival * left as f64 / n;
        survival *= 1.0 - (tasks + left) as f64 / n;
        out.push(ColdStartPoint {
            days: day,
            at_risk,
            first_task: task_share,
            left: left_share,
            waiting: survival,
        });
        at_risk -= tasks + left + censored;
    }
    out
}

/// The first duration at which a cumulative share reaches `share` (linear between
/// days is not assumed: shares move in whole days).
pub fn days_to_share(points: &[ColdStartPoint], share: f64) -> Option<u32> {
    points.iter().find(|p| p.first_task >= share).map(|p| p.days)
}

/// The share who had a first task `days` after arrival: known where the curve gets
/// that far, or beyond its end when nobody was left waiting (the curve is final).
pub fn share_by(points: &[ColdStartPoint], days: u32) -> Option<f64> {
    // The points run day by day from 0.
    match points.get(days as usize) {
        Some(p) => Some(p.first_task),
        None => points.last().filter(|p| p.waiting == 0.0).map(|p| p.first_task),
    }
}

/// Bins of a variable by quantile: up to `max_bins` groups of about equal size, with
/// equal values always in the same bin (so a mass at zero is one bin, however large).
/// Returns each bin's lowest and highest value; values are binned with [`bin_of`].
pub fn quantile_bins(values: &[f64], max_bins: usize) -> Vec<(f64, f64)> {
    let sorted = sorted_finite(values.iter().copied());
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    let bins = max_bins.max(1);
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut start = 0;
    while start < n {
        // What is left is shared equally by the bins left, then the bin is stretched
        // past every value equal to its last one.
        let bins_left = bins.saturating_sub(out.len()).max(1);
        let mut end = (start + (n - start).div_ceil(bins_left)).min(n);
        while end < n && sorted[end] == sorted[end - 1] {
            end += 1;
        }
        out.push((sorted[start], sorted[end - 1]));
        start = end;
    }
    out
}

/// The bin of `v` among bins from [`quantile_bins`] (`None` outside them or for NaN).
pub fn bin_of(bins: &[(f64, f64)], v: f64) -> Option<usize> {
    if !v.is_finite() {
        return None;
    }
    let i = bins.partition_point(|b| b.1 < v);
    (i < bins.len() && v >= bins[i].0).then_some(i)
}

/// A distribution in five percentiles: 10th, 25th, 50th, 75th and 90th.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Values.
    pub n: usize,
    /// 10th percentile.
    pub p10: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Spread {
    /// The percentiles of the finite values (type 7), or `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let s = sorted_finite(values.iter().copied());
        let q = |p| quantile_sorted(&s, p);
        Some(Spread {
            n: s.len(),
            p10: q(0.1)?,
            q1: q(0.25)?,
            median: q(0.5)?,
            q3: q(0.75)?,
            p90: q(0.9)?,
        })
    }
}

/// The paired relative change of a per-run value against base: for each replicate in
/// both, variant / base − 1; the mean over replicates with its 95% CI (Student's t).
/// Replicates where base is 0 (no relative change) or missing are left out.
pub fn paired_change(base: &[(u32, f64)], variant: &[(u32, f64)]) -> Estimate {
    let changes: Vec<f64> = variant
        .iter()
        .filter_map(|(r, x)| {
            let (_, b) = base.iter().find(|(rb, _)| rb == r)?;
            (*b != 0.0 && b.is_finite() && x.is_finite()).then(|| x / b - 1.0)
        })
        .collect();
    Estimate::of(&changes, 0.95)
}

#[cfg(test)]
mod tests {
    #[test]
    fn coinciding_series_need_the_same_x_and_close_y() {
        let a = [(0.0, 0.0), (1.0, 0.5)];
        assert!(super::coincide(&a, &[(0.0, 0.001), (1.0, 0.499)], 0.005));
        assert!(!super::coincide(&a, &[(0.0, 0.0), (1.0, 0.6)], 0.005));
        assert!(!super::coincide(&a, &[(0.0, 0.0), (2.0, 0.5)], 0.005));
        assert!(!super::coincide(&a, &a[..1], 0.005));
    }

    use super::*;

    #[test]
    fn histogram_counts_every_value_in_range_once() {
        let v = [0.0, 0.5, 1.0, 1.5, 2.0, 9.0, f64::NAN];
        let bins = histogram(&v, 0.0, 2.0, 4, false);
        assert_eq!(bins.len(), 4);
        assert_eq!(bins.iter().map(|b| b.count).collect::<Vec<_>>(), vec![1, 1, 1, 2]);
        assert_eq!((bins[0].lo, bins[3].hi), (0.0, 2.0));
        let log = histogram(&[1.0, 10.0, 100.0, 1000.0], 1.0, 1000.0, 3, true);
        assert_eq!(log.iter().map(|b| b.count).collect::<Vec<_>>(), vec![1, 1, 2]);
        assert!((log[1].lo - 10.0).abs() < 1e-9);
        assert!(histogram(&v, 1.0, 1.0, 4, false).is_empty());
        assert!(histogram(&v, 0.0, 1.0, 4, true).is_empty());
    }

    #[test]
    fn bin_count_grows_with_sample_within_limits() {
        assert_eq!(bin_count(0), 10);
        assert_eq!(bin_count(900), 30);
        assert_eq!(bin_count(1_000_000), 60);
    }

    #[test]
    fn log_axis_only_for_wide_spreads() {
        let narrow: Vec<f64> = (1..=100).map(f64::from).collect();
        assert!(!wants_log_axis(&narrow));
        let mut wide = vec![1.0; 98];
        wide.extend([1000.0, 1000.0]);
        assert!(wants_log_axis(&wide));
        assert!(!wants_log_axis(&[]));
        assert!(!wants_log_axis(&[5.0]));
    }

    #[test]
    fn ecdf_is_monotone_bounded_and_ends_at_one() {
        let sorted: Vec<f64> = (0..10_000).map(|i| f64::from(i) / 100.0).collect();
        let pts = ecdf_points(&sorted, 2_000);
        assert!(pts.len() <= 2_001);
        assert_eq!(pts.first(), Some(&(0.0, 1.0 / 10_000.0)));
        assert_eq!(pts.last(), Some(&(99.99, 1.0)));
        assert!(pts.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
        assert_eq!(ecdf_points(&[3.0], 100), vec![(3.0, 1.0)]);
        assert!(ecdf_points(&[], 100).is_empty());
        assert_eq!(
            ecdf_points(&[2.0, 2.0, 2.0], 10),
            vec![(2.0, 1.0 / 3.0), (2.0, 2.0 / 3.0), (2.0, 1.0)]
        );
    }

    #[test]
    fn curves_are_cut_at_the_edge() {
        let pts = [(0.0, 0.0), (1.0, 0.5), (3.0, 1.0)];
        assert_eq!(clip_curve(&pts, 2.0), vec![(0.0, 0.0), (1.0, 0.5), (2.0, 0.75)]);
        assert_eq!(clip_curve(&pts, 5.0), pts.to_vec());
        assert_eq!(clip_curve(&[(1.0, 1.0)], 2.0), vec![(1.0, 1.0)]);
    }

    #[test]
    fn share_below_is_strict() {
        assert_eq!(share_below(&[1.0, 2.0, 7.25, 8.0], 7.25), Some(0.5));
        assert_eq!(share_below(&[], 7.25), None);
    }

    #[test]
    fn five_numbers_of_one_value_collapse() {
        assert_eq!(five_numbers(&[2.0]), Some([2.0; 5]));
        assert_eq!(
            five_numbers(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            Some([1.0, 2.0, 3.0, 4.0, 5.0])
        );
        assert_eq!(five_numbers(&[f64::NAN]), None);
    }

    #[test]
    fn day_bands_take_percentiles_across_replicates() {
        let day = [1.0, 1.0, 1.0, 2.0];
        let value = [10.0, 30.0, 20.0, 5.0];
        let b = band_by_day(&day, &value);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].median, 20.0);
        assert!((b[0].p10 - 12.0).abs() < 1e-9 && (b[0].p90 - 28.0).abs() < 1e-9);
        assert_eq!((b[1].p10, b[1].median, b[1].p90), (5.0, 5.0, 5.0));
    }

    fn newcomer(entered: u32, first_task: Option<u32>, exited: Option<u32>, end: u32) -> Newcomer {
        Newcomer {
            entered,
            first_task,
            exited,
            end,
        }
    }

    #[test]
    fn cold_start_counts_leaving_as_a_competing_outcome() {
        let n = [
            newcomer(10, Some(11), None, 20),
            newcomer(10, Some(12), Some(15), 20),
            newcomer(10, None, Some(13), 20),
            newcomer(10, None, None, 20),
        ];
        let c = cold_start(&n, 1);
        assert_eq!(c.len(), 11, "days 0 to 10 since arrival");
        assert_eq!((c[0].at_risk, c[0].first_task, c[0].left), (4, 0.0, 0.0));
        assert_eq!((c[1].at_risk, c[1].first_task), (4, 0.25));
        assert!((c[2].first_task - 0.5).abs() < 1e-12);
        assert_eq!(c[3].at_risk, 2);
        assert!((c[3].left - 0.25).abs() < 1e-12 && (c[3].first_task - 0.5).abs() < 1e-12);
        assert_eq!((c[10].at_risk, c[10].first_task), (1, 0.5));
        assert_eq!(days_to_share(&c, 0.5), Some(2));
        assert_eq!(days_to_share(&c, 0.6), None);
        assert_eq!(share_by(&c, 1), Some(0.25));
        assert_eq!(share_by(&c, 11), None, "beyond the curve, one still waiting");
        assert!((c[3].waiting - 0.25).abs() < 1e-12);
        // The curve stops where fewer than 2 newcomers are still waiting.
        assert_eq!(cold_start(&n, 2).len(), 4);
        assert!(cold_start(&[], 1).is_empty());
    }

    #[test]
    fn late_arrivals_count_only_for_the_days_they_were_seen() {
        // Two arrive on day 1 and start on day 3; two arrive on day 9, a day before the
        // end, and have not started yet. Counting everyone as a denominator would say
        // half had a first task within two days; they all did, of those seen that long.
        let n = [
            newcomer(1, Some(3), None, 10),
            newcomer(1, Some(3), None, 10),
            newcomer(9, None, None, 10),
            newcomer(9, None, None, 10),
        ];
        let c = cold_start(&n, 1);
        assert_eq!(c[1].at_risk, 4);
        assert_eq!(c[2].at_risk, 2);
        assert_eq!(share_by(&c, 2), Some(1.0));
        assert_eq!(c.last().unwrap().left, 0.0);
        assert_eq!(c.len(), 3, "nobody is left waiting after day 2");
        assert_eq!(share_by(&c, 7), Some(1.0), "the curve is final");
    }

    #[test]
    fn quantile_bins_keep_ties_together() {
        let mut v = vec![0.0; 5];
        v.extend([1.0, 2.0, 3.0, 4.0, 5.0]);
        let b = quantile_bins(&v, 5);
        assert_eq!(b, vec![(0.0, 0.0), (1.0, 2.0), (3.0, 3.0), (4.0, 4.0), (5.0, 5.0)]);
        assert_eq!(bin_of(&b, 0.0), Some(0));
        assert_eq!(bin_of(&b, 2.0), Some(1));
        assert_eq!(bin_of(&b, 1.5), Some(1));
        assert_eq!(bin_of(&b, 5.0), Some(4));
        assert_eq!(bin_of(&b, 6.0), None);
        assert_eq!(bin_of(&b, f64::NAN), None);
        // Half zeros and ten bins: one bin of zeros, nine sharing the rest.
        let mut big = vec![0.0; 1000];
        big.extend((1..=1000).map(f64::from));
        let b = quantile_bins(&big, 10);
        assert_eq!(b.len(), 10);
        assert_eq!(b[0], (0.0, 0.0));
        assert_eq!(b[1].0, 1.0);
        assert_eq!(b[9].1, 1000.0);
        let sizes: Vec<usize> = b
            .iter()
            .skip(1)
            .map(|(lo, hi)| big.iter().filter(|x| *x >= lo && *x <= hi).count())
            .collect();
        assert!(sizes.iter().all(|&s| s == 111 || s == 112), "{sizes:?}");
        assert_eq!(quantile_bins(&[3.0; 7], 10), vec![(3.0, 3.0)]);
        assert!(quantile_bins(&[], 10).is_empty());
    }

    #[test]
    fn paired_change_matches_replicates() {
        let base = [(0, 100.0), (1, 200.0), (2, 0.0)];
        let variant = [(0, 110.0), (1, 230.0), (2, 5.0), (3, 50.0)];
        let e = paired_change(&base, &variant);
        assert_eq!(e.n, 2, "replicate 2 has base 0, replicate 3 no base");
        assert!((e.mean - 0.125).abs() < 1e-12);
        assert!(e.ci_low.unwrap() < 0.10 && e.ci_high.unwrap() > 0.15);
        assert_eq!(paired_change(&base, &[]).n, 0);
    }

    #[test]
    fn spread_gives_the_five_percentiles() {
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        let s = Spread::of(&v).unwrap();
        assert_eq!(
            (s.n, s.p10, s.q1, s.median, s.q3, s.p90),
            (101, 10.0, 25.0, 50.0, 75.0, 90.0)
        );
        assert!(Spread::of(&[f64::NAN]).is_none());
    }

    fn w(replicate: u32, worker_id: u32, net: f64) -> WorkerValue {
        WorkerValue {
            replicate,
            worker_id,
            net,
        }
    }

    #[test]
    fn deciles_are_equal_groups_pooled_over_replicates() {
        // 20 workers in 2 replicates with incomes 0..19: decile d holds incomes 2d, 2d+1.
        let base: Vec<WorkerValue> = (0..20).map(|i| w(i % 2, i / 2, f64::from(i))).collect();
        let d = base_deciles(&base);
        assert_eq!(d[&(0, 0)], (0, 0.0));
        assert_eq!(d[&(1, 0)], (0, 1.0));
        assert_eq!(d[&(1, 9)], (9, 19.0));
        // All-equal incomes still split into ten groups, by replicate then id.
        let equal: Vec<WorkerValue> = (0..10).map(|i| w(0, 9 - i, 5.0)).collect();
        let d = base_deciles(&equal);
        assert_eq!(d[&(0, 0)].0, 0);
        assert_eq!(d[&(0, 9)].0, 9);
    }

    #[test]
    fn decile_changes_pair_workers_and_average_replicates() {
        let base: Vec<WorkerValue> = (0..20).map(|i| w(i % 2, i / 2, f64::from(i))).collect();
        // The variant gives the poorest decile +1 in replicate 0 and +3 in replicate 1,
        // and drops one worker of the richest decile.
        let variant: Vec<WorkerValue> = base
            .iter()
            .filter(|x| !(x.replicate == 1 && x.worker_id == 9))
            .map(|x| {
                let bump = match (x.net as i32, x.replicate) {
                    (0, 0) => 1.0,
                    (1, 1) => 3.0,
                    _ => 0.0,
                };
                w(x.replicate, x.worker_id, x.net + bump)
            })
            .chain([w(0, 99, 50.0)])
            .collect();
        let c = decile_changes(&base_deciles(&base), &variant);
        assert_eq!(c.deciles.len(), 10);
        assert_eq!(c.unmatched, 2);
        let first = &c.deciles[0];
        assert_eq!((first.decile, first.workers), (1, 2));
        assert_eq!(first.change.mean, 2.0);
        assert_eq!(first.change.n, 2);
        assert!(first.change.ci_low.unwrap() < 2.0 && first.change.ci_high.unwrap() > 2.0);
        let last = &c.deciles[9];
        assert_eq!((last.workers, last.change.n, last.change.mean), (1, 1, 0.0));
        assert_eq!(last.change.ci_low, None);
    }
}
