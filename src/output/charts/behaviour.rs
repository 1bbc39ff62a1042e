//! Charts that make the behaviours of gig workers visible, for `run` (one variant) and
//! `compare` (every variant, each in its palette colour):
//!
//! - cold start: how long newcomers wait for a first task, honest about censoring;
//! - earnings by experience: pay per paid hour by tasks done before the run;
//! - income by platforms joined: net income of workers on one, two, … platforms;
//! - platforms: each platform's workers' net income, fees and paid hours per run.
//!
//! Each applies only to some scenarios (newcomers, several platforms) and some folders
//! (the `workers` history columns, the per-platform tables); their needs in the
//! catalog say which, so the report can say why a chart is missing instead of showing
//! an empty one.

use super::data::{Daily, Folder, PlatformRun, Platforms, VariantWorkers};
use super::figure::{Axis, Layer, LegendEntry, Mark, Panel};
use super::income::point_ranges;
use super::stats::{
    ColdStartPoint, Newcomer, Spread, bin_of, cold_start, days_to_share, paired_change, quantile_bins, share_by,
    sorted_finite,
};
use super::theme::{MUTED, nice_upper, variant_color};
use super::{Chart, Scope};
use crate::metrics::{Estimate, quantile_sorted};
use crate::units::{self, TickFormat};

/// The cold-start curves end where fewer newcomers than this are still waiting and
/// observed: beyond, one person moves the curve by several points.
pub const MIN_AT_RISK: usize = 20;

/// Experience groups in the earnings-by-experience chart (fewer when values tie).
pub const EXPERIENCE_BINS: usize = 10;

/// The metric period of a variant: (last warm-up day, last day), from the daily table
/// when the folder has it (a variant may change the days), else from the scenario.
pub fn window(folder: &Folder, daily: Option<&Daily>, variant: usize) -> (u32, u32) {
    match daily.and_then(|d| d.window(variant)) {
        Some((first, last)) => (first.saturating_sub(1), last),
        None => (folder.scenario.warmup_days, folder.scenario.days),
    }
}

/// The newcomers of a variant: workers who arrived after the warm-up (those who arrived
/// and left during it are not in the table, so earlier arrivals would be a biased
/// sample of survivors).
pub fn newcomers(w: &VariantWorkers, warmup: u32, end: u32) -> Vec<Newcomer> {
    let day = |v: f64| (v.is_finite() && v >= 0.0).then_some(v as u32);
    (0..w.entered_day.len())
        .filter_map(|i| {
            let entered = day(w.entered_day[i])?;
            (entered > warmup && entered > 0).then(|| Newcomer {
                entered,
                first_task: w.first_task_day.get(i).copied().and_then(day),
                exited: w.exited_day.get(i).copied().and_then(day),
                end,
            })
        })
        .collect()
}

/// What a chart pools: replicates, and in a comparison each variant apart.
fn pooled(compare: bool) -> &'static str {
    if compare {
        "by variant, replicates pooled"
    } else {
        "replicates pooled"
    }
}

/// A cumulative share as a step line: it holds from one day to the next.
fn steps(points: &[ColdStartPoint], value: impl Fn(&ColdStartPoint) -> f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, p) in points.iter().enumerate() {
        let x = f64::from(p.days);
        if i > 0 {
            out.push((x, value(&points[i - 1])));
        }
        out.push((x, value(p)));
    }
    out
}

/// "within 7 days: 64%" or "" when the curve does not reach 7 days.
fn within(points: &[ColdStartPoint], days: u32) -> Option<String> {
    share_by(points, days).map(|s| {
        format!(
            "{} within {}",
            units::percent(s, 0),
            units::count(days as usize, "day", "days")
        )
    })
}

/// Cold start: the share of newcomers who had finished a first task (and who had left
/// without one) by each day since they arrived.
pub fn cold_start_chart(s: &Scope) -> Chart {
    let (folder, compare) = (s.folder(), s.compare);
    let caption = format!(
        "Of the workers who arrived after the warm-up (newcomers start with no reviews and no experience), the share who had finished a first task{} by each day since they arrived, {}. Leaving is a competing outcome and the end of the run censors: a newcomer who arrived k days before the end counts only for k days (Aalen–Johansen estimate), so late arrivals do not pass for people who never got work. Curves end where fewer than {MIN_AT_RISK} newcomers are still waiting and observed.",
        if compare {
            " (solid) and who had left without one (dashed)"
        } else {
            " and the share who had left without one"
        },
        pooled(compare)
    );
    let chart = s.chart("Cold start: days to a first task", caption);
    let mut curves: Vec<(usize, usize, Vec<ColdStartPoint>)> = Vec::new();
    for &v in &s.variants {
        let (warmup, end) = window(folder, s.inputs.daily.as_ref(), v);
        let people = newcomers(s.workers(v), warmup, end);
        let curve = cold_start(&people, MIN_AT_RISK);
        if !curve.is_empty() {
            curves.push((v, people.len(), curve));
        }
    }
    if curves.is_empty() {
        return chart.no_data(format!(
            "No data: fewer than {MIN_AT_RISK} newcomers arrived after the warm-up"
        ));
    }
    let last = curves
        .iter()
        .filter_map(|(_, _, c)| c.last().map(|p| p.days))
        .max()
        .unwrap_or(1)
        .max(1);
    // A little room past the last day, so the last step is not drawn on the frame.
    let mut panel = Panel::new(
        Axis::linear("Days since arrival", 0.0, f64::from(last) * 1.02, TickFormat::Number),
        Axis::linear("Share of newcomers, %", 0.0, 1.0, TickFormat::Percent),
    );
    let mut legend = Vec::new();
    let subtitle = if compare {
        for (v, _, curve) in &curves {
            let color = variant_color(*v);
            panel.layers.push(Layer::dashed(steps(curve, |p| p.left), color, 2.0));
            panel
                .layers
                .push(Layer::line(steps(curve, |p| p.first_task), color, 3.0));
            let summary = match days_to_share(curve, 0.5) {
                Some(d) => format!("half by day {d}"),
                None => "half never reached".into(),
            };
            let week = within(curve, 7).unwrap_or_default();
            let text = if week.is_empty() {
                summary
            } else {
                format!("{summary}, {week}")
            };
            legend.push(LegendEntry::new(
                format!("{}: {text}", folder.variants[*v]),
                color,
                Mark::Line,
            ));
        }
        legend.push(LegendEntry::new("Dashed: left without a task", MUTED, Mark::Dashed));
        let same = curves.iter().all(|(_, _, c)| c == &curves[0].2);
        format!(
            "{} who arrived after the warm-up in {}, {} pooled per variant.{}",
            units::count(curves[0].1, "newcomer", "newcomers"),
            folder.variants[curves[0].0],
            units::replicates(s.replicates()),
            if same && curves.len() > 1 {
                " Every variant gives the same curves: they lie on one another."
            } else {
                ""
            }
        )
    } else {
        let (_, n, curve) = &curves[0];
        let (c_task, c_left) = (variant_color(0), variant_color(3));
        panel.layers.push(Layer::line(steps(curve, |p| p.left), c_left, 3.0));
        panel
            .layers
            .push(Layer::line(steps(curve, |p| p.first_task), c_task, 3.0));
        if let Some(d) = days_to_share(curve, 0.5) {
            panel.layers.push(Layer::marker(
                f64::from(d),
                Some(format!("half had a first task by day {d} after arrival")),
            ));
        }
        let final_task = curve.last().map_or(0.0, |p| p.first_task);
        let final_left = curve.last().map_or(0.0, |p| p.left);
        legend.push(LegendEntry::new(
            format!("Had a first task ({} by day {last})", units::percent(final_task, 0)),
            c_task,
            Mark::Line,
        ));
        legend.push(LegendEntry::new(
            format!("Left without one ({} by day {last})", units::percent(final_left, 0)),
            c_left,
            Mark::Line,
        ));
        let shares: Vec<String> = [1, 7, 30].iter().filter_map(|&d| within(curve, d)).collect();
        format!(
            "{} who arrived after the warm-up, {} pooled{}{}.",
            units::count(*n, "newcomer", "newcomers"),
            units::replicates(s.replicates()),
            if shares.is_empty() { "" } else { "; first task " },
            shares.join(", ")
        )
    };
    chart.with(Some(subtitle), legend, vec![panel])
}

/// The label of an experience group: "0", "41–95", "1,200–9,999", "1.3k–132k". Both
/// ends read in one format: when the upper end is in thousands, a lower end of a
/// thousand or more is too ("1,345–132k" mixed two).
pub fn bin_label(lo: f64, hi: f64) -> String {
    if lo == hi {
        return units::tasks(lo);
    }
    let low = if (1e3..1e4).contains(&lo) && units::tasks(hi).ends_with('k') {
        format!("{:.1}k", lo / 1e3)
    } else {
        units::tasks(lo)
    };
    format!("{low}–{}", units::tasks(hi))
}

/// Median, quartile box and 10th–90th percentile whisker of one group, at `at` on a
/// category axis, `half` wide on each side; values run along x when `along_x`.
fn spread_layers(s: &Spread, at: f64, half: f64, color: plotters::style::RGBColor, along_x: bool) -> Vec<Layer> {
    let point = |value: f64, offset: f64| {
        if along_x {
            (value, at + offset)
        } else {
            (at + offset, value)
        }
    };
    let (a, b) = (point(s.q1, -half), point(s.q3, half));
    vec![
        Layer::Whiskers {
            items: vec![(at, s.p10, s.p90)],
            along_x,
            color,
        },
        Layer::Rects {
            rects: vec![[a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1)]],
            color,
            opacity: 0.35,
        },
        Layer::line(vec![point(s.median, -half), point(s.median, half)], color, 4.0),
    ]
}

/// Each variant's values summarised per group: `group` gives a row's group and value
/// (`None`: in no group).
fn group_spreads<T>(
    per: &[(usize, Vec<T>)],
    groups: usize,
    group: impl Fn(&T) -> Option<(usize, f64)>,
) -> Vec<(usize, Vec<Option<Spread>>)> {
    per.iter()
        .map(|(v, rows)| {
            let mut values: Vec<Vec<f64>> = vec![Vec::new(); groups];
            for (g, value) in rows.iter().filter_map(&group) {
                values[g].push(value);
            }
            (*v, values.iter().map(|g| Spread::of(g)).collect())
        })
        .collect()
}

/// The people in each group of the first variant.
fn group_sizes(spreads: &[(usize, Vec<Option<Spread>>)]) -> Vec<usize> {
    spreads[0].1.iter().map(|s| s.map_or(0, |s| s.n)).collect()
}

/// The legend entry that says how a spread is drawn.
fn spread_legend() -> LegendEntry {
    LegendEntry::new(
        "Median (line), quartiles (box), 10th to 90th percentile (whiskers)",
        variant_color(0),
        Mark::LineBand,
    )
}

/// A value axis that holds every whisker: from 0 (or below, for losses) to the highest
/// 90th percentile.
fn spread_axis(label: &str, spreads: &[&Spread], format: TickFormat) -> Axis {
    let lo = spreads.iter().map(|s| s.p10).fold(0.0f64, f64::min);
    let hi = spreads.iter().map(|s| s.p90).fold(0.0f64, f64::max);
    let hi = nice_upper(hi * 1.04, 10).max(if hi > 0.0 { hi } else { 1.0 });
    let lo = if lo < 0.0 { -nice_upper(-lo * 1.04, 10) } else { 0.0 };
    Axis::linear(label, lo, hi, format)
}

/// Earnings by experience: pay per paid hour by groups of tasks done before the run.
pub fn earnings_by_experience(s: &Scope) -> Chart {
    let (folder, compare) = (s.folder(), s.compare);
    let min_hours = folder.min_hours_for_wage();
    let caption = format!(
        "Net pay per paid hour of workers with at least {}, {}, in up to {EXPERIENCE_BINS} groups of about equal size by experience_tasks, the tasks a worker had done before entering (0 for newcomers; equal values stay in one group). Experience is taken before the run so that the groups are not formed by the pay they are compared on: tasks done in the run would rank fast and full-time workers as the experienced. For scale: ride-hail drivers with over 2,500 trips earn 14% more per hour than those with under 100 (Cook et al., REStud 2021).",
        units::paid_hours(min_hours),
        if compare {
            "replicates pooled, by variant (groups from the first variant listed; points are group medians)"
        } else {
            "replicates pooled"
        }
    );
    let eligible = |w: &VariantWorkers| -> Vec<(f64, f64)> {
        w.wage_eligible(min_hours)
            .filter_map(|i| {
                let (x, y) = (*w.experience_tasks.get(i)?, w.hourly_wage[i]);
                (x.is_finite() && y.is_finite()).then_some((x, y))
            })
            .collect()
    };
    let chart = s.chart("Pay by experience before the run", caption);
    let per = s.rows(eligible);
    let Some((_, first)) = per.first() else {
        return chart.no_data(format!(
            "No data: no worker had at least {}",
            units::paid_hours(min_hours)
        ));
    };
    let bins = quantile_bins(&first.iter().map(|r| r.0).collect::<Vec<_>>(), EXPERIENCE_BINS);
    if bins.len() < 2 {
        return chart.no_data(format!(
            "No data: every worker with enough paid hours had done the same number of tasks before the run ({}), so there is no experience to compare",
            units::tasks(bins.first().map_or(0.0, |b| b.0))
        ));
    }
    let spreads = group_spreads(&per, bins.len(), |(x, y)| Some((bin_of(&bins, *x)?, *y)));
    let counts = group_sizes(&spreads);
    let names: Vec<String> = bins
        .iter()
        .zip(&counts)
        .map(|((lo, hi), n)| format!("{} (n={})", bin_label(*lo, *hi), units::tasks(*n as f64)))
        .collect();
    let all: Vec<&Spread> = spreads.iter().flat_map(|(_, s)| s.iter().flatten()).collect();
    let x = if compare {
        let medians = sorted_finite(all.iter().map(|s| s.median));
        let (lo, hi) = (medians[0], medians[medians.len() - 1]);
        let pad = ((hi - lo) * 0.1).max(0.01);
        let (mut lo, mut hi) = (lo - pad, hi + pad);
        // At least a fifth of the pay level wide, so a few cents of noise between
        // groups do not fill the chart like a real gradient.
        let least = 0.2 * hi.abs();
        if hi - lo < least {
            let middle = (hi + lo) / 2.0;
            (lo, hi) = (middle - least / 2.0, middle + least / 2.0);
        }
        Axis::linear("Median net pay per paid hour, US$", lo, hi, TickFormat::Money)
    } else {
        // From just below the lowest whisker, not from $0: pay per hour seldom goes near
        // 0, and an axis from 0 left half the panel empty.
        let lo = all.iter().map(|s| s.p10).fold(f64::INFINITY, f64::min);
        let hi = all.iter().map(|s| s.p90).fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.06).max(hi.abs().max(1.0) * 0.02);
        let lo = if lo >= 0.0 { (lo - pad).max(0.0) } else { lo - pad };
        Axis::linear("Net pay per paid hour, US$", lo, hi + pad, TickFormat::Money)
    };
    let mut panel = Panel::new(x, Axis::categories("Tasks done before the run", names));
    let mut legend = Vec::new();
    for (v, groups) in &spreads {
        let color = variant_color(*v);
        if compare {
            // Medians only, joined group to group: the profile of each variant. Boxes of
            // several variants in one row would hide each other.
            let points: Vec<(f64, f64)> = groups
                .iter()
                .enumerate()
                .filter_map(|(b, s)| s.map(|s| (s.median, b as f64)))
                .collect();
            panel.layers.push(Layer::line(points.clone(), color, 2.5));
            panel.layers.push(Layer::dots(points, color, 6.0));
        } else {
            for (b, s) in groups.iter().enumerate() {
                if let Some(s) = s {
                    panel.layers.extend(spread_layers(s, b as f64, 0.3, color, true));
                }
            }
        }
        if compare {
            let (lo, hi) = (groups.first().copied().flatten(), groups.last().copied().flatten());
            let change = match (lo, hi) {
                (Some(a), Some(b)) => units::change(a.median, b.median),
                _ => String::new(),
            };
            legend.push(LegendEntry::new(
                if change.is_empty() {
                    folder.variants[*v].clone()
                } else {
                    format!("{}: most vs least experienced {change}", folder.variants[*v])
                },
                color,
                Mark::Line,
            ));
        }
    }
    let (least, most) = (
        spreads[0].1.first().copied().flatten(),
        spreads[0].1.last().copied().flatten(),
    );
    let n: usize = counts.iter().sum();
    let mut subtitle = if compare {
        format!(
            "{} with at least {} in {}, {} pooled per variant; points: median of each group",
            units::count(n, "worker", "workers"),
            units::paid_hours(min_hours),
            folder.variants[spreads[0].0],
            units::replicates(s.replicates()),
        )
    } else {
        format!(
            "{} with at least {}, {} pooled",
            units::count(n, "worker", "workers"),
            units::paid_hours(min_hours),
            units::replicates(s.replicates()),
        )
    };
    if !compare && let (Some(a), Some(b)) = (least, most) {
        subtitle.push_str(&format!(
            ". Median pay of the most experienced group {}/h, of the least {}/h: {}",
            units::dollars_label(b.median),
            units::dollars_label(a.median),
            units::change(a.median, b.median)
        ));
    }
    if !compare {
        legend.push(spread_legend());
        let overall = sorted_finite(first.iter().map(|r| r.1));
        if let Some(m) = quantile_sorted(&overall, 0.5) {
            // Named in the legend: a label in the plot would cover a group's box.
            panel.layers.push(Layer::marker(m, None));
            legend.push(LegendEntry::new(
                format!("Median of all {}/h", units::dollars_label(m)),
                MUTED,
                Mark::Dashed,
            ));
        }
    }
    chart.with(Some(subtitle + "."), legend, vec![panel])
}

/// Income by platforms joined: net income per worker of those on one, two, …
/// platforms.
pub fn income_by_platforms(s: &Scope) -> Chart {
    let (folder, compare) = (s.folder(), s.compare);
    let caption = format!(
        "Net income per worker over the metric period by the number of platforms they joined, every registered worker counted (those who earned nothing too), {}. Which platforms a worker joins is drawn apart from their other traits, so in the model the difference comes from joining itself: more places to be offered work.",
        pooled(compare)
    );
    let groups_of = |w: &VariantWorkers| -> Vec<(usize, f64)> {
        (0..w.len())
            .filter_map(|i| {
                let p = *w.platforms_joined.get(i)?;
                (p.is_finite() && p >= 1.0 && w.net_usd[i].is_finite()).then_some((p as usize, w.net_usd[i]))
            })
            .collect()
    };
    let chart = s.chart("Net income by number of platforms joined", caption);
    let per = s.rows(groups_of);
    let max_joined = per
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.0))
        .max()
        .unwrap_or(0);
    if max_joined == 0 {
        return chart.no_data("No data: the workers table has no workers");
    }
    let spreads = group_spreads(&per, max_joined, |(p, net)| Some((p - 1, *net)));
    let counts = group_sizes(&spreads);
    let names: Vec<String> = (1..=max_joined)
        .map(|k| {
            let what = units::count(k, "platform", "platforms");
            if compare {
                what
            } else {
                format!("{what} (n={})", units::tasks(counts[k - 1] as f64))
            }
        })
        .collect();
    let all: Vec<&Spread> = spreads.iter().flat_map(|(_, s)| s.iter().flatten()).collect();
    let mut panel = Panel::new(
        spread_axis(
            "Net income per worker over the metric period, US$",
            &all,
            TickFormat::Money,
        ),
        Axis::categories("", names),
    );
    let slots = spreads.len() as f64;
    let width = 0.76 / slots;
    let mut legend = Vec::new();
    for (k, (v, groups)) in spreads.iter().enumerate() {
        let color = variant_color(*v);
        let offset = if compare { -0.38 + width * (k as f64 + 0.5) } else { 0.0 };
        let half = if compare { width * 0.4 } else { 0.3 };
        for (g, s) in groups.iter().enumerate() {
            if let Some(s) = s {
                panel
                    .layers
                    .extend(spread_layers(s, g as f64 + offset, half, color, true));
            }
        }
        if compare {
            let medians: Vec<String> = groups
                .iter()
                .enumerate()
                .filter_map(|(g, s)| s.map(|s| format!("{}: {}", g + 1, units::dollars_label(s.median))))
                .collect();
            legend.push(LegendEntry::new(
                format!("{} (medians {})", folder.variants[*v], medians.join(", ")),
                color,
                Mark::LineBand,
            ));
        }
    }
    let n: usize = spreads
        .iter()
        .map(|(_, g)| g.iter().flatten().map(|s| s.n).sum::<usize>())
        .max()
        .unwrap_or(0);
    let mut subtitle = format!(
        "{}, {} pooled{}",
        units::count(n, "worker", "workers"),
        units::replicates(s.replicates()),
        if compare {
            " per variant; median (line), quartiles (box), 10th to 90th percentile (whiskers)"
        } else {
            ""
        }
    );
    if !compare {
        legend.push(spread_legend());
        let medians: Vec<String> = spreads[0]
            .1
            .iter()
            .enumerate()
            .filter_map(|(g, s)| {
                s.map(|s| {
                    format!(
                        "{} {}",
                        units::count(g + 1, "platform", "platforms"),
                        units::dollars_label(s.median)
                    )
                })
            })
            .collect();
        subtitle.push_str(&format!(". Medians: {}", medians.join(", ")));
        let first = spreads[0].1.first().copied().flatten();
        let most = spreads[0].1.iter().rev().flatten().next();
        if let (Some(a), Some(b)) = (first, most)
            && max_joined > 1
        {
            let change = units::change(a.median, b.median);
            if !change.is_empty() {
                subtitle.push_str(&format!(" ({change} on {max_joined} platforms against 1)"));
            }
        }
    }
    chart.with(Some(subtitle + "."), legend, vec![panel])
}

/// Each platform's books: its pay, fees and hours in one variant (a run, or a
/// comparison of one), or what each variant changes on it against base.
pub fn platforms(s: &Scope) -> Chart {
    let none = Platforms::default();
    let platforms = s.inputs.platforms.as_ref().unwrap_or(&none);
    if s.compare && s.variants.len() > 1 {
        platforms_change_chart(s, platforms)
    } else {
        platforms_chart(s, platforms, s.variants[0])
    }
}

/// Each platform in one variant, per run: what requesters paid, split into workers'
/// net pay and the platform's fees (stacked), and the paid hours of its members.
fn platforms_chart(s: &Scope, platforms: &Platforms, variant: usize) -> Chart {
    let chart = s.chart(
        "Each platform: pay, fees and hours",
        "For each platform, per run: what requesters paid there, split into the net pay of its workers and its fees (platform_runs; levies and processing are left out), and the paid hours of its members (summed from worker_platforms); bars are means across replicates.",
    );
    let names = &platforms.names;
    let mean_of = |p: usize, value: Measure| {
        let values: Vec<f64> = platforms
            .runs
            .iter()
            .filter(|r| r.variant == variant && r.platform == p)
            .map(value)
            .collect();
        Estimate::of(&values, 0.95)
    };
    let net: Vec<Estimate> = (0..names.len()).map(|p| mean_of(p, |r| r.worker_net_usd)).collect();
    let fees: Vec<Estimate> = (0..names.len()).map(|p| mean_of(p, |r| r.platform_fee_usd)).collect();
    let hours: Vec<Estimate> = (0..names.len()).map(|p| mean_of(p, |r| r.paid_hours)).collect();
    if net.iter().all(|e| e.n == 0) {
        return chart.no_data("No data: the platform_runs table has no rows for this variant");
    }
    let finite = |e: &Estimate| if e.mean.is_finite() { e.mean } else { 0.0 };
    let top = (0..names.len())
        .map(|p| finite(&net[p]) + finite(&fees[p]))
        .fold(0.0, f64::max);
    let mut money_panel = Panel::new(
        Axis::categories("", names.clone()),
        Axis::linear("US$ per run", 0.0, nice_upper(top * 1.05, 6), TickFormat::Money),
    )
    .titled("What requesters paid");
    // A bar per platform from `lo` to `hi`.
    let bars = |lo: &dyn Fn(usize) -> f64, hi: &dyn Fn(usize) -> f64, color| Layer::Rects {
        rects: (0..names.len())
            .map(|p| [p as f64 - 0.3, p as f64 + 0.3, lo(p), hi(p)])
            .collect(),
        color,
        opacity: 0.7,
    };
    let (c_net, c_fee) = (variant_color(0), variant_color(1));
    let net_top = |p: usize| finite(&net[p]);
    money_panel.layers.push(bars(&|_| 0.0, &net_top, c_net));
    money_panel
        .layers
        .push(bars(&net_top, &|p| net_top(p) + finite(&fees[p]), c_fee));
    let mut panels = vec![money_panel];
    let has_hours = hours.iter().any(|e| e.n > 0);
    if has_hours {
        let top = hours.iter().map(finite).fold(0.0, f64::max);
        let mut panel = Panel::new(
            Axis::categories("", names.clone()),
            Axis::linear("Hours per run", 0.0, nice_upper(top * 1.05, 6), TickFormat::Number),
        )
        .titled("Paid hours of its workers");
        panel
            .layers
            .push(bars(&|_| 0.0, &|p| finite(&hours[p]), variant_color(2)));
        panel.layers.push(Layer::Whiskers {
            items: (0..names.len())
                .filter_map(|p| Some((p as f64, hours[p].ci_low?, hours[p].ci_high?)))
                .collect(),
            along_x: false,
            color: super::theme::INK,
        });
        panels.push(panel);
    }
    let takes: Vec<String> = (0..names.len())
        .filter(|&p| finite(&net[p]) + finite(&fees[p]) > 0.0)
        .map(|p| {
            let share = finite(&fees[p]) / (finite(&net[p]) + finite(&fees[p]));
            format!("{} {}", names[p], units::percent(share, 1))
        })
        .collect();
    let n = s.inputs.runs.replicates_of(variant);
    let mut subtitle = format!(
        "Means of {}{}. Fees as a share of pay plus fees: {}.",
        units::replicates(n),
        if n > 1 && has_hours { "; whiskers: 95% CI" } else { "" },
        takes.join(", ")
    );
    if !has_hours {
        subtitle.push_str(" Paid hours need worker_platforms.parquet, which this folder does not have.");
    }
    let legend = vec![
        LegendEntry::new("Workers' net pay", c_net, Mark::Area),
        LegendEntry::new("Platform fees", c_fee, Mark::Area),
    ];
    let columns = panels.len();
    chart.with(Some(subtitle), legend, panels).in_columns(columns)
}

/// A per-run value of a platform.
type Measure = fn(&PlatformRun) -> f64;

/// What a variant changes on each platform: the paired change against base (same
/// replicates) of its workers' net pay, its fees and its members' paid hours, so a fee
/// change on one platform shows where income and time go.
fn platforms_change_chart(s: &Scope, platforms: &Platforms) -> Chart {
    let chart = s.chart(
        "Each platform against base",
        "For each platform, the change of each variant against base in the same replicate (common random numbers) of its workers' net pay, its fees (platform_runs) and its members' paid hours (worker_platforms): points are the mean change across replicates, whiskers its 95% CI. Income and time that leave one platform show up on the other, or nowhere.",
    );
    let names = &platforms.names;
    let has_hours = platforms.runs.iter().any(|r| r.paid_hours.is_finite());
    let measures: Vec<(&str, Measure)> = if has_hours {
        vec![
            ("Net pay", |r| r.worker_net_usd),
            ("Fees", |r| r.platform_fee_usd),
            ("Hours", |r| r.paid_hours),
        ]
    } else {
        vec![("Net pay", |r| r.worker_net_usd), ("Fees", |r| r.platform_fee_usd)]
    };
    let series = |v: usize, p: usize, value: Measure| -> Vec<(u32, f64)> {
        platforms
            .runs
            .iter()
            .filter(|r| r.variant == v && r.platform == p)
            .map(|r| (r.replicate, value(r)))
            .collect()
    };
    let others: Vec<usize> = s.variants.iter().copied().filter(|&v| v != 0).collect();
    let width = 0.7 / others.len().max(1) as f64;
    let mut panels = Vec::new();
    let mut range = (0.0f64, 0.0f64);
    let mut any = false;
    for (p, name) in names.iter().enumerate() {
        let mut panel = Panel::new(
            Axis::categories("", measures.iter().map(|m| m.0.to_string()).collect()),
            Axis::linear("Change against base, %", 0.0, 0.0, TickFormat::Percent),
        )
        .titled(name.clone());
        panel.layers.push(Layer::zero_line());
        for (k, &v) in others.iter().enumerate() {
            let offset = -0.35 + width * (k as f64 + 0.5);
            let changes: Vec<(f64, Estimate)> = measures
                .iter()
                .enumerate()
                .map(|(m, (_, value))| {
                    let e = paired_change(&series(0, p, *value), &series(v, p, *value));
                    (m as f64 + offset, e)
                })
                .collect();
            any |= changes.iter().any(|(_, e)| e.n > 0);
            panel.layers.extend(point_ranges(changes, variant_color(v), &mut range));
        }
        panels.push(panel);
    }
    if !any {
        return chart.no_data("No data: no variant shares a replicate with base in platform_runs");
    }
    // One scale for every platform, so changes compare across panels.
    let (lo, hi) = range;
    let pad = ((hi - lo) * 0.08).max(0.005);
    for panel in &mut panels {
        panel.y = Axis::linear("Change against base, %", lo - pad, hi + pad, TickFormat::Percent);
    }
    let legend = others
        .iter()
        .map(|&v| LegendEntry::new(s.name(v), variant_color(v), Mark::PointRange))
        .collect();
    let columns = panels.len().min(3);
    let subtitle = format!(
        "Paired changes over {}; whiskers: 95% CI across replicates{}.",
        units::replicates(s.replicates()),
        if has_hours {
            ""
        } else {
            "; paid hours need worker_platforms.parquet, which this folder does not have"
        }
    );
    chart.with(Some(subtitle), legend, panels).in_columns(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_task_counts() {
        assert_eq!(bin_label(0.0, 0.0), "0");
        assert_eq!(bin_label(41.0, 95.0), "41–95");
        assert_eq!(bin_label(1345.0, 132_000.0), "1.3k–132k");
        assert_eq!(bin_label(950.0, 132_000.0), "950–132k");
        assert_eq!(bin_label(1200.0, 9999.0), "1,200–9,999");
    }

    #[test]
    fn steps_hold_each_day_until_the_next() {
        let p = |days, first_task| ColdStartPoint {
            days,
            at_risk: 10,
            first_task,
            left: 0.0,
            waiting: 1.0 - first_task,
        };
        let s = steps(&[p(0, 0.0), p(1, 0.3), p(2, 0.5)], |p| p.first_task);
        assert_eq!(s, vec![(0.0, 0.0), (1.0, 0.0), (1.0, 0.3), (2.0, 0.3), (2.0, 0.5)]);
    }

    fn history(entered: &[f64], first: &[f64], exited: &[f64]) -> VariantWorkers {
        VariantWorkers {
            entered_day: entered.to_vec(),
            first_task_day: first.to_vec(),
            exited_day: exited.to_vec(),
            ..VariantWorkers::default()
        }
    }

    #[test]
    fn newcomers_are_those_who_arrived_after_the_warm_up() {
        let nan = f64::NAN;
        let w = history(&[0.0, 3.0, 12.0, 15.0], &[1.0, 4.0, nan, 16.0], &[nan, nan, 14.0, nan]);
        let n = newcomers(&w, 10, 30);
        assert_eq!(n.len(), 2);
        assert_eq!(
            n[0],
            Newcomer {
                entered: 12,
                first_task: None,
                exited: Some(14),
                end: 30
            }
        );
        assert_eq!(n[1].first_task, Some(16));
        assert_eq!(newcomers(&w, 0, 30).len(), 3, "day-0 workers are not newcomers");
    }
}
