//! Charts of how income, wages and ratings spread over workers, the workers of every
//! replicate pooled: net income and hourly wage histograms and ratings (`run`), the
//! wage CDF and the Lorenz curve (one variant in `run`, every variant overlaid in
//! `compare`), and who wins and who loses against base (`compare`): each worker's change
//! in net income against the same worker in base (same replicate, same id), by decile
//! of their base income.

use plotters::style::RGBColor;

use super::draw::sane_range;
use super::figure::{Axis, Layer, LegendEntry, Mark, Panel};
use super::stats::{
    Bin, WorkerValue, base_deciles, bin_count, clip_curve, coincide, decile_changes, ecdf_points, histogram,
    share_below, sorted_finite, wants_log_axis,
};
use super::theme::{MUTED, nice_upper, variant_color};
use super::{Chart, Scope};
use crate::metrics::{Estimate, quantile_sorted};
use crate::units::{self, TickFormat};

/// Points kept of a CDF or Lorenz curve: smooth at any print size, quick to draw.
pub const CURVE_POINTS: usize = 1_000;

/// Histogram bars of counts as shares of `total`.
fn bars(bins: &[Bin], total: usize, color: RGBColor, opacity: f64) -> Layer {
    Layer::Rects {
        rects: bins
            .iter()
            .map(|b| [b.lo, b.hi, 0.0, b.count as f64 / total.max(1) as f64])
            .collect(),
        color,
        opacity,
    }
}

/// The outline of a histogram, so overlaid histograms stay readable where they cross.
fn outline(bins: &[Bin], total: usize) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(bins.len() * 2 + 2);
    for b in bins {
        let y = b.count as f64 / total.max(1) as f64;
        if pts.is_empty() {
            pts.push((b.lo, 0.0));
        }
        pts.push((b.lo, y));
        pts.push((b.hi, y));
    }
    if let Some(last) = bins.last() {
        pts.push((last.hi, 0.0));
    }
    pts
}

fn max_share(bins: &[Bin], total: usize) -> f64 {
    bins.iter().map(|b| b.count).max().unwrap_or(0) as f64 / total.max(1) as f64
}

fn share_axis(label: &str, max: f64) -> Axis {
    // A share cannot pass 100%, so the axis stops there even when one bar reaches it.
    Axis::linear(label, 0.0, nice_upper(max * 1.04, 6).min(1.0), TickFormat::Percent)
}

/// A dollar axis, logarithmic or linear.
fn dollar_axis(label: &str, lo: f64, hi: f64, log: bool) -> Axis {
    if log {
        Axis::log(label, lo, hi, TickFormat::Money)
    } else {
        Axis::linear(label, lo, hi, TickFormat::Money)
    }
}

/// Where a linear axis of sorted values ends: at the 99th percentile, so one outlier does
/// not squeeze everyone into the first bar, but at the maximum for fewer than 100 values,
/// where the top 1% is not even one person.
pub fn axis_end(sorted: &[f64]) -> f64 {
    let q = if sorted.len() >= 100 { 0.99 } else { 1.0 };
    quantile_sorted(sorted, q).unwrap_or(1.0)
}

/// A log range widened to round values (1, 2 or 5 times a power of ten) at both ends,
/// so the axis starts and ends on a tick.
pub fn snap_log_range(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo > 0.0 && hi >= lo && hi.is_finite()) {
        return (lo, hi);
    }
    let down = |v: f64| {
        let e = 10f64.powf(v.log10().floor());
        [5.0, 2.0, 1.0]
            .iter()
            .map(|m| m * e)
            .find(|c| *c <= v * (1.0 + 1e-9))
            .unwrap_or(e)
    };
    let up = |v: f64| {
        let e = 10f64.powf(v.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * e)
            .find(|c| *c >= v * (1.0 - 1e-9))
            .unwrap_or(10.0 * e)
    };
    (down(lo), up(hi))
}

/// Net income per worker: a histogram, on a log axis when the top 1% earn more than 50
/// times the median (then a linear axis would crush everyone into one bar).
pub fn net_income(s: &Scope) -> Chart {
    let w = s.workers(s.variants[0]);
    let replicates = units::replicates(s.replicates());
    let all: Vec<f64> = w.net_usd.iter().copied().filter(|v| v.is_finite()).collect();
    let positive = sorted_finite(all.iter().copied().filter(|v| *v > 0.0));
    let zero = all.len() - positive.len();
    let mut caption = format!(
        "How much each worker kept after fees over the metric period, workers of {replicates} pooled; workers who earned nothing are counted in the note, not drawn."
    );
    if positive.is_empty() {
        return s.chart("Net income per worker", caption).no_data(if all.is_empty() {
            "No data: the workers table has no workers"
        } else {
            "No data: no worker earned anything"
        });
    }
    let log = wants_log_axis(&positive);
    let (lo, hi, axis_label) = if log {
        caption.push_str(" The x axis is logarithmic because the top 1% earn more than 50 times the median.");
        let (lo, hi) = snap_log_range(positive[0], *positive.last().unwrap_or(&positive[0]));
        (lo, hi, "Net income per worker, US$ (log scale)")
    } else {
        (0.0, axis_end(&positive) * 1.02, "Net income per worker, US$")
    };
    let (lo, hi) = sane_range(lo, hi, log);
    let bins = histogram(&positive, lo, hi, bin_count(positive.len()), log);
    let above = positive.iter().filter(|v| **v > hi).count();
    let mut notes = vec![format!(
        "{}, {replicates} pooled",
        units::count(all.len(), "worker", "workers")
    )];
    let of_all = |n: usize| units::share(n as f64 / all.len() as f64);
    if zero > 0 {
        notes.push(format!(
            "{} ({}) earned $0 and are not drawn",
            units::grouped(zero),
            of_all(zero)
        ));
    }
    if above > 0 {
        notes.push(format!(
            "{} ({}) above {} are beyond the axis",
            units::grouped(above),
            of_all(above),
            units::dollars_label(hi)
        ));
    }
    let median = quantile_sorted(&positive, 0.5).unwrap_or(f64::NAN);
    let mut panel = Panel::new(
        dollar_axis(axis_label, lo, hi, log),
        share_axis("Share of workers, %", max_share(&bins, all.len())),
    );
    panel.layers.push(bars(&bins, all.len(), variant_color(0), 0.75));
    panel.layers.push(Layer::marker(
        median,
        Some(format!("median of earners {}", units::dollars_label(median))),
    ));
    s.chart("Net income per worker", caption)
        .with(Some(notes.join("; ") + "."), Vec::new(), vec![panel])
}

/// The wages of the workers wage statistics cover, sorted: (paid time, all time).
fn eligible_wages(s: &Scope, v: usize) -> (Vec<f64>, Vec<f64>) {
    let w = s.workers(v);
    let idx: Vec<usize> = w.wage_eligible(s.folder().min_hours_for_wage()).collect();
    (
        sorted_finite(idx.iter().map(|&i| w.hourly_wage[i])),
        sorted_finite(idx.iter().map(|&i| w.hourly_wage_all_time[i])),
    )
}

/// Hourly wage per paid hour and per worked hour (paid + unpaid), overlaid.
pub fn hourly_wage(s: &Scope) -> Chart {
    let hours = units::paid_hours(s.folder().min_hours_for_wage());
    let replicates = units::replicates(s.replicates());
    let chart = s.chart(
        "Hourly wage: paid time vs all worked time",
        format!(
            "Net pay per paid hour and per worked hour (paid plus unpaid search, returned and rejected work) for workers with at least {hours}, {replicates} pooled."
        ),
    );
    let (paid, all_time) = eligible_wages(s, s.variants[0]);
    if paid.is_empty() {
        return chart.no_data(format!("No data: no worker had at least {hours}"));
    }
    let positive = sorted_finite(paid.iter().copied().filter(|v| *v > 0.0));
    let log = wants_log_axis(&positive) && positive.len() == paid.len();
    let union = sorted_finite(paid.iter().chain(&all_time).copied());
    let (lo, hi) = if log {
        let lo = positive[0].min(all_time.iter().copied().find(|v| *v > 0.0).unwrap_or(positive[0]));
        snap_log_range(lo, *union.last().unwrap_or(&lo))
    } else {
        (union[0].min(0.0), axis_end(&union) * 1.02)
    };
    let (lo, hi) = sane_range(lo, hi, log);
    let bins_n = bin_count(paid.len()).min(50);
    let paid_bins = histogram(&paid, lo, hi, bins_n, log);
    let all_bins = histogram(&all_time, lo, hi, bins_n, log);
    let n = paid.len();
    let above = union.iter().filter(|v| **v > hi).count();
    let mut notes = vec![format!(
        "{} with at least {hours}, {replicates} pooled",
        units::count(n, "worker", "workers")
    )];
    if above > 0 {
        notes.push(format!(
            "values above {}/h (about the top 1%) are beyond the axis",
            units::dollars_label(hi)
        ));
    }
    let label = if log {
        "Hourly wage, US$ per hour (log scale)"
    } else {
        "Hourly wage, US$ per hour"
    };
    let ymax = max_share(&paid_bins, n).max(max_share(&all_bins, all_time.len()));
    let mut panel = Panel::new(dollar_axis(label, lo, hi, log), share_axis("Share of workers, %", ymax));
    let (c_paid, c_all) = (variant_color(0), variant_color(1));
    // Paid time filled, all worked time as an outline only: two filled histograms blend
    // into a colour that is in neither legend swatch. Where they coincide (no unpaid
    // time) the outline is dashed on top and the note says so.
    let (paid_line, all_line) = (outline(&paid_bins, n), outline(&all_bins, all_time.len()));
    let same = coincide(&paid_line, &all_line, 1e-12);
    panel.layers.push(bars(&paid_bins, n, c_paid, 0.35));
    panel.layers.push(Layer::line(paid_line, c_paid, 2.5));
    panel.layers.push(Layer::Line {
        points: all_line,
        color: c_all,
        width: 2.5,
        dashed: same,
    });
    let mut chart = chart;
    if same {
        let note = "the two histograms coincide (no unpaid time): the outline is dashed on the bars";
        chart.caption = format!("{} The two histograms coincide: nobody had unpaid time.", chart.caption);
        notes.push(note.into());
    }
    let median = |s: &[f64]| units::dollars_label(quantile_sorted(s, 0.5).unwrap_or(f64::NAN));
    let legend = vec![
        LegendEntry::new(
            format!("Per paid hour (median {}/h)", median(&paid)),
            c_paid,
            Mark::Area,
        ),
        LegendEntry::new(
            format!("Per worked hour, paid + unpaid (median {}/h)", median(&all_time)),
            c_all,
            if same { Mark::Dashed } else { Mark::Line },
        ),
    ];
    chart.with(Some(notes.join("; ") + "."), legend, vec![panel])
}

/// A CDF curve from the lowest value (at share 0) to the last, cut at `x_max`.
pub fn cdf_curve(sorted: &[f64], x_max: f64) -> Vec<(f64, f64)> {
    let mut pts = ecdf_points(sorted, CURVE_POINTS);
    if let Some(first) = pts.first().copied() {
        pts.insert(0, (first.0, 0.0));
    }
    clip_curve(&pts, x_max)
}

/// The right end of a wage axis: the 99th percentile, and far enough past the wage
/// floor that its label fits beside it.
pub fn wage_axis_end(union: &[f64], floor: f64) -> f64 {
    let p99 = axis_end(union) * 1.02;
    if floor.is_finite() && floor > 0.0 {
        p99.max(floor * 1.25)
    } else {
        p99
    }
}

/// The CDF of hourly wages with the wage floor marked: in a run, its variant's pay per
/// paid hour over its pay per worked hour; in a comparison, pay per paid hour by variant.
pub fn wage_cdf(s: &Scope) -> Chart {
    let folder = s.folder();
    let floor = folder.scenario.reporting.wage_floor_usd;
    let floor_text = units::dollars(floor, 0.01);
    let hours = units::paid_hours(folder.min_hours_for_wage());
    let chart = if s.compare {
        s.chart(
            "Hourly wages by variant",
            format!(
                "Share of workers (at least {} paid hour(s), replicates pooled) earning at most each wage per paid hour, by variant; the dashed line is the wage floor of {floor_text}/h.",
                units::hours(folder.min_hours_for_wage())
            ),
        )
    } else {
        s.chart(
            "Hourly wages against the wage floor",
            format!(
                "Share of workers (at least {hours}, {} pooled) earning at most each hourly wage; the dashed line is the wage floor of {floor_text}/h.",
                units::replicates(s.replicates())
            ),
        )
    };
    // Curves in drawing order; a run's pay per paid hour comes last, on top.
    let mut curves: Vec<(Vec<f64>, RGBColor)> = Vec::new();
    let mut legend = Vec::new();
    if s.compare {
        for &v in &s.variants {
            let (paid, _) = eligible_wages(s, v);
            if paid.is_empty() {
                continue;
            }
            let below = share_below(&paid, floor).unwrap_or(f64::NAN);
            legend.push(LegendEntry::new(
                format!(
                    "{} ({} below floor)",
                    s.name(v),
                    units::compact(TickFormat::Percent, below)
                ),
                variant_color(v),
                Mark::Line,
            ));
            curves.push((paid, variant_color(v)));
        }
    } else {
        let (paid, all_time) = eligible_wages(s, s.variants[0]);
        if !paid.is_empty() {
            legend.push(LegendEntry::new("Per paid hour", variant_color(0), Mark::Line));
            legend.push(LegendEntry::new(
                "Per worked hour (paid + unpaid)",
                variant_color(1),
                Mark::Line,
            ));
            curves = vec![(all_time, variant_color(1)), (paid, variant_color(0))];
        }
    }
    let Some((paid, _)) = curves.last() else {
        return chart.no_data(if s.compare {
            "No data: no worker in any variant had enough paid hours".to_string()
        } else {
            format!("No data: no worker had at least {hours}")
        });
    };
    let union = sorted_finite(curves.iter().flat_map(|c| c.0.iter().copied()));
    let (lo, hi) = sane_range(union[0].min(0.0), wage_axis_end(&union, floor), false);
    let x_label = if s.compare {
        "Hourly wage, US$ per paid hour"
    } else {
        "Hourly wage, US$ per hour"
    };
    let mut panel = Panel::new(
        Axis::linear(x_label, lo, hi, TickFormat::Money),
        Axis::linear("Share of workers at or below, %", 0.0, 1.0, TickFormat::Percent),
    );
    for (wages, color) in &curves {
        panel.layers.push(Layer::line(cdf_curve(wages, hi), *color, 3.0));
    }
    if floor.is_finite() && floor > 0.0 {
        let mut label = format!("wage floor {floor_text}/h");
        if !s.compare {
            let below = share_below(paid, floor).unwrap_or(f64::NAN);
            label.push_str(&format!(": {} below", units::share(below)));
            legend.push(LegendEntry::new("Wage floor", MUTED, Mark::Dashed));
        }
        panel.layers.push(Layer::marker(floor, Some(label)));
    }
    let subtitle = if s.compare {
        format!(
            "Workers with enough paid hours, {} pooled per variant.",
            units::replicates(s.replicates())
        )
    } else {
        let mut text = format!(
            "{} with at least {hours}, {} pooled",
            units::count(paid.len(), "worker", "workers"),
            units::replicates(s.replicates())
        );
        if union.last().is_some_and(|m| *m > hi) {
            text.push_str(&format!("; axis ends at {}/h", units::dollars_label(hi)));
        }
        text + "."
    };
    chart.with(Some(subtitle), legend, vec![panel])
}

/// Net incomes of active workers (at least one task), the population of the Gini in the
/// runs table.
fn active_net(s: &Scope, v: usize) -> Vec<f64> {
    let w = s.workers(v);
    (0..w.len())
        .filter(|&i| w.tasks_done[i] > 0.0 && w.net_usd[i].is_finite())
        .map(|i| w.net_usd[i])
        .collect()
}

/// The Lorenz curve of net income among active workers with the equality line, one per
/// variant; the legend gives each Gini as the mean over replicates with its 95% CI.
pub fn lorenz(s: &Scope) -> Chart {
    let gini = |v: usize| {
        Estimate::of(&s.inputs.runs.values(v, "gini_net_income"), 0.95)
            .within(crate::output::columns::support_of("gini_net_income"))
    };
    let chart = if s.compare {
        s.chart(
            "Inequality of net income by variant",
            "Lorenz curves of net income among active workers by variant (replicates pooled); the legend gives each variant's mean Gini across replicates with its 95% CI.",
        )
    } else {
        s.chart(
            "Inequality of net income",
            format!(
                "Lorenz curve of net income among active workers (at least one task), {} pooled; the Gini in the legend is the mean of the replicates' Gini coefficients with its 95% CI.",
                units::replicates(gini(s.variants[0]).n)
            ),
        )
    };
    let mut panel = Panel::new(
        Axis::linear(
            "Share of active workers, poorest first, %",
            0.0,
            1.0,
            TickFormat::Percent,
        ),
        Axis::linear("Share of their net income, %", 0.0, 1.0, TickFormat::Percent),
    );
    panel
        .layers
        .push(Layer::dashed(vec![(0.0, 0.0), (1.0, 1.0)], MUTED, 2.0));
    let mut legend = Vec::new();
    let mut active = 0;
    let mut curves: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    for &v in &s.variants {
        let net = active_net(s, v);
        active += net.len();
        let curve = crate::metrics::lorenz(&net, CURVE_POINTS);
        if !curve.is_empty() {
            curves.push((v, curve));
        }
    }
    // A curve that lies on an earlier one (within half a percentage point everywhere)
    // is drawn dashed and narrower on top of it, and earlier curves wider, so every
    // variant's colour shows; the note names them.
    let on_earlier: Vec<bool> = (0..curves.len())
        .map(|k| curves[..k].iter().any(|(_, c)| coincide(c, &curves[k].1, 0.005)))
        .collect();
    let stacked = on_earlier.iter().filter(|&&x| x).count();
    let mut wider = stacked as f64;
    for ((v, curve), &dashed) in curves.into_iter().zip(&on_earlier) {
        if dashed {
            wider -= 1.0;
        }
        let width = 3.0 + 2.5 * wider;
        panel.layers.push(Layer::Line {
            points: curve,
            color: variant_color(v),
            width,
            dashed,
        });
        let series = if s.compare { s.name(v) } else { "Net income" };
        legend.push(LegendEntry::new(
            format!("{series}: Gini {}", units::estimate(&gini(v), TickFormat::Number)),
            variant_color(v),
            if dashed { Mark::Dashed } else { Mark::Line },
        ));
    }
    let drawn = on_earlier.len();
    if legend.is_empty() {
        return chart.no_data(if s.compare {
            "No data: no active worker earned anything in any variant"
        } else if active == 0 {
            "No data: no worker did a task"
        } else {
            "No data: active workers earned nothing, so income has no distribution"
        });
    }
    legend.push(LegendEntry::new("Perfect equality", MUTED, Mark::Dashed));
    let subtitle = if s.compare {
        (stacked > 0).then(|| {
            let what = if stacked + 1 == drawn {
                format!("All {drawn} curves coincide")
            } else {
                units::count(stacked, "curve lies on an earlier one", "curves lie on earlier ones")
            };
            format!("{what} (within 0.5 pp): later ones are drawn dashed on top of wider earlier ones.")
        })
    } else {
        Some(format!(
            "{}, {} pooled.",
            units::count(active, "active worker", "active workers"),
            units::replicates(gini(s.variants[0]).n.max(1))
        ))
    };
    let mut chart = chart;
    if let (true, Some(note)) = (s.compare, &subtitle) {
        chart.caption = format!("{} {note}", chart.caption);
    }
    chart.with(subtitle, legend, vec![panel])
}

/// Ratings at the end: a histogram of stars among workers with a rating.
pub fn ratings(s: &Scope) -> Chart {
    let w = s.workers(s.variants[0]);
    let replicates = units::replicates(s.replicates());
    let chart = s.chart(
        "Worker ratings at the end",
        format!("Mean star rating of each worker with at least one review at the end of the run, {replicates} pooled."),
    );
    let rated: Vec<f64> = w
        .rating
        .iter()
        .filter(|r| r.is_finite())
        .map(|r| r.clamp(1.0, 5.0))
        .collect();
    if rated.is_empty() {
        return chart.no_data("No data: no worker has a rating (nobody was reviewed)");
    }
    let bins = histogram(&rated, 1.0, 5.0, 40, false);
    let mut panel = Panel::new(
        Axis::linear("Rating at the end, stars (1 to 5)", 1.0, 5.0, TickFormat::Number),
        share_axis("Share of rated workers, %", max_share(&bins, rated.len())),
    );
    panel.layers.push(bars(&bins, rated.len(), variant_color(0), 0.75));
    let mean = rated.iter().sum::<f64>() / rated.len() as f64;
    panel
        .layers
        .push(Layer::marker(mean, Some(format!("mean {mean:.2} stars"))));
    let subtitle = format!(
        "{} of {} workers have a rating, {replicates} pooled; bins of 0.1 star.",
        units::grouped(rated.len()),
        units::grouped(w.len()),
    );
    chart.with(Some(subtitle), Vec::new(), vec![panel])
}

fn worker_values(s: &Scope, v: usize) -> Vec<WorkerValue> {
    let w = s.workers(v);
    (0..w.len())
        .filter(|&i| w.net_usd[i].is_finite())
        .map(|i| WorkerValue {
            replicate: w.replicate[i],
            worker_id: w.worker_id[i],
            net: w.net_usd[i],
        })
        .collect()
}

/// Who wins and who loses: the mean change in each worker's net income against base,
/// by decile of base net income (pooled over replicates), per variant, with a 95% CI
/// across replicates.
pub fn winners_losers(s: &Scope) -> Chart {
    let chart = s.chart(
        "Who wins and who loses against base",
        "Mean change in a worker's net income against the same worker in base (same replicate and id), by decile of their base net income pooled over replicates; whiskers are 95% CIs across replicates.",
    );
    if s.workers(0).is_empty() {
        return chart.no_data("No data: base has no workers");
    }
    let others: Vec<usize> = s
        .variants
        .iter()
        .copied()
        .filter(|&v| v != 0 && !s.workers(v).is_empty())
        .collect();
    if others.is_empty() {
        return chart.no_data("No data: no variant besides base to compare");
    }
    let deciles = base_deciles(&worker_values(s, 0));
    let width = 0.7 / others.len() as f64;
    let mut layers = Vec::new();
    let mut legend = Vec::new();
    let mut range = (0.0f64, 0.0f64);
    let mut unmatched = 0;
    let mut any_ci = false;
    for (k, &v) in others.iter().enumerate() {
        let comparison = decile_changes(&deciles, &worker_values(s, v));
        unmatched = unmatched.max(comparison.unmatched);
        let offset = -0.35 + width * (k as f64 + 0.5);
        let changes = comparison
            .deciles
            .iter()
            .map(|d| ((d.decile - 1) as f64 + offset, d.change));
        any_ci |= comparison
            .deciles
            .iter()
            .any(|d| d.change.n > 0 && d.change.ci_low.is_some() && d.change.ci_high.is_some());
        layers.extend(point_ranges(changes, variant_color(v), &mut range));
        legend.push(LegendEntry::new(s.name(v), variant_color(v), Mark::PointRange));
    }
    let (lo, hi) = range;
    let pad = ((hi - lo) * 0.08).max(0.01);
    let names: Vec<String> = (1..=10).map(|d| format!("D{d}")).collect();
    let mut panel = Panel::new(
        Axis::categories("Decile of net income in base (D1 = poorest tenth)", names),
        Axis::linear(
            "Change in net income per worker, US$",
            lo - pad,
            hi + pad,
            TickFormat::Money,
        ),
    );
    panel.layers.push(Layer::zero_line());
    panel.layers.extend(layers);
    let median_base = quantile_sorted(&sorted_finite(deciles.values().map(|d| d.1)), 0.5).unwrap_or(f64::NAN);
    let mut subtitle = format!(
        "{} base workers, {} pooled (median base income {}); points: mean change, {}",
        units::grouped(deciles.len()),
        units::replicates(s.replicates()),
        units::dollars(median_base, 0.01),
        if any_ci {
            "whiskers: 95% CI across replicates"
        } else {
            "one replicate: no CI"
        }
    );
    if unmatched > 0 {
        subtitle.push_str(&format!(
            "; up to {} workers present in only one of a pair are left out",
            units::grouped(unmatched)
        ));
    }
    chart.with(Some(subtitle + "."), legend, vec![panel])
}

/// Estimates at positions along a category axis as dots with their CI as whiskers (in
/// that order, so the dots lie on top), widening `range` to hold them; estimates of no
/// value are left out.
pub fn point_ranges(
    estimates: impl IntoIterator<Item = (f64, Estimate)>,
    color: RGBColor,
    range: &mut (f64, f64),
) -> [Layer; 2] {
    let mut points = Vec::new();
    let mut whiskers = Vec::new();
    for (at, e) in estimates {
        if e.n == 0 {
            continue;
        }
        points.push((at, e.mean));
        *range = (range.0.min(e.mean), range.1.max(e.mean));
        if let (Some(l), Some(h)) = (e.ci_low, e.ci_high) {
            whiskers.push((at, l, h));
            *range = (range.0.min(l), range.1.max(h));
        }
    }
    [
        Layer::Whiskers {
            items: whiskers,
            along_x: false,
            color,
        },
        Layer::dots(points, color, 6.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_outline_closes_at_zero() {
        let bins = [
            Bin {
                lo: 0.0,
                hi: 1.0,
                count: 1,
            },
            Bin {
                lo: 1.0,
                hi: 2.0,
                count: 3,
            },
        ];
        let o = outline(&bins, 4);
        assert_eq!(o.first(), Some(&(0.0, 0.0)));
        assert_eq!(o.last(), Some(&(2.0, 0.0)));
        assert!(o.contains(&(1.0, 0.75)));
        match bars(&bins, 4, MUTED, 1.0) {
            Layer::Rects { rects, .. } => assert_eq!(rects[1], [1.0, 2.0, 0.0, 0.75]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wage_axis_leaves_room_past_the_floor() {
        let wages: Vec<f64> = (1..=100).map(|i| f64::from(i) / 10.0).collect();
        // 99th percentile 9.901, plus 2% so the last bar is not on the frame.
        assert!((wage_axis_end(&wages, 7.25) - 9.901 * 1.02).abs() < 1e-9);
        assert_eq!(wage_axis_end(&wages, 20.0), 25.0);
        assert_eq!(wage_axis_end(&wages, 0.0), wage_axis_end(&wages, f64::NAN));
    }

    #[test]
    fn cdf_curve_starts_at_zero_share() {
        let c = cdf_curve(&[1.0, 2.0, 3.0], 10.0);
        assert_eq!(c.first(), Some(&(1.0, 0.0)));
        assert_eq!(c.last(), Some(&(3.0, 1.0)));
    }

    #[test]
    fn log_ranges_snap_to_round_values() {
        assert_eq!(snap_log_range(10.01, 50_000.0), (10.0, 50_000.0));
        assert_eq!(snap_log_range(0.37, 1_234.0), (0.2, 2_000.0));
        assert_eq!(snap_log_range(3.0, 3.0), (2.0, 5.0));
        let wide: Vec<f64> = (1..=1000).map(f64::from).collect();
        assert_eq!(axis_end(&wide[..50]), 50.0, "few values: the maximum");
        assert!((axis_end(&wide) - 990.01).abs() < 1e-9, "many: the 99th percentile");
    }

    #[test]
    fn point_ranges_skip_empty_estimates_and_widen_the_range() {
        let mut range = (0.0, 0.0);
        let [whiskers, points] = point_ranges(
            [(0.0, Estimate::of(&[1.0, 3.0], 0.95)), (1.0, Estimate::of(&[], 0.95))],
            MUTED,
            &mut range,
        );
        assert!(matches!(points, Layer::Points { points, .. } if points == vec![(0.0, 2.0)]));
        assert!(matches!(whiskers, Layer::Whiskers { items, .. } if items.len() == 1));
        assert!(range.0 < 0.0 && range.1 > 3.0, "{range:?}");
    }
}
