//! The charts of one variant (`gigsim run`): distributions pool the workers of all
//! replicates; statistics of a run (Gini, median wage) show their spread across
//! replicates. Each function returns the chart, or a "no data" panel that says why.

use super::data::{Daily, Folder, VariantWorkers};
use super::figure::{Axis, BoxItem, Figure, Layer, LegendEntry, Mark, Panel};
use super::stats::{
    Bin, band_by_day, bin_count, clip_curve, ecdf_points, five_numbers, histogram, share_below, sorted_finite,
    wants_log_axis,
};
use super::theme::{MUTED, nice_upper, variant_color};
use super::units::{self, TickFormat};
use super::{Chart, Inputs, metric_info, title};
use crate::metrics::{Estimate, lorenz, quantile_sorted};

/// Points kept of a CDF or Lorenz curve: smooth at any print size, quick to draw.
pub const CURVE_POINTS: usize = 1_000;

/// The run charts of the first variant in the folder (base for `gigsim run`).
pub fn charts(inputs: &Inputs) -> Vec<Chart> {
    let folder = &inputs.folder;
    let variant = 0;
    let name = folder.variants.first().map_or("base", String::as_str);
    let replicates = inputs.runs.replicates_of(variant);
    let mut out = Vec::new();
    if let Some(workers) = &inputs.workers {
        let empty = VariantWorkers::default();
        let w = workers.of(variant).unwrap_or(&empty);
        out.push(net_income(folder, name, w, replicates));
        out.push(hourly_wage(folder, name, w, replicates));
        out.push(wage_cdf(folder, name, w, replicates));
        let gini = Estimate::of(&inputs.runs.values(variant, "gini_net_income"), 0.95);
        out.push(lorenz_chart(folder, name, w, &gini));
    }
    out.push(replicate_spread(folder, &inputs.runs, variant, name));
    if let Some(daily) = &inputs.daily {
        out.push(daily_tasks(folder, name, daily, variant));
    }
    if let Some(workers) = &inputs.workers {
        let empty = VariantWorkers::default();
        out.push(ratings(folder, name, workers.of(variant).unwrap_or(&empty), replicates));
    }
    out
}

/// Histogram bars of counts as shares of `total`.
fn bars(bins: &[Bin], total: usize) -> Vec<[f64; 4]> {
    bins.iter()
        .map(|b| [b.lo, b.hi, 0.0, b.count as f64 / total.max(1) as f64])
        .collect()
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

/// Chart 1, net income per worker: a histogram, on a log axis when the top 1% earn more
/// than 50 times the median (then a linear axis would crush everyone into one bar).
pub fn net_income(folder: &Folder, variant: &str, w: &VariantWorkers, replicates: usize) -> Chart {
    let title = title("Net income per worker", folder, Some(variant));
    let all: Vec<f64> = w.net_usd.iter().copied().filter(|v| v.is_finite()).collect();
    let positive = sorted_finite(all.iter().copied().filter(|v| *v > 0.0));
    let zero = all.len() - positive.len();
    let mut caption = format!(
        "How much each worker kept after fees over the metric period, workers of {} pooled; workers who earned nothing are counted in the note, not drawn.",
        units::replicates(replicates)
    );
    if positive.is_empty() {
        let msg = if all.is_empty() {
            "No data: the workers table has no workers"
        } else {
            "No data: no worker earned anything"
        };
        return Chart {
            stem: "net_income".into(),
            caption,
            figure: Figure::single(title.clone(), Panel::empty(msg)),
            title,
        };
    }
    let log = wants_log_axis(&positive);
    let (lo, hi, axis_label) = if log {
        caption.push_str(" The x axis is logarithmic because the top 1% earn more than 50 times the median.");
        let (lo, hi) = snap_log_range(positive[0], *positive.last().unwrap_or(&positive[0]));
        (lo, hi, "Net income per worker, US$ (log scale)")
    } else {
        (0.0, axis_end(&positive) * 1.02, "Net income per worker, US$")
    };
    let (lo, hi) = super::draw::sane_range(lo, hi, log);
    let bins = histogram(&positive, lo, hi, bin_count(positive.len()), log);
    let above = positive.iter().filter(|v| **v > hi).count();
    let mut notes = vec![format!(
        "{}, {} pooled",
        units::count(all.len(), "worker", "workers"),
        units::replicates(replicates)
    )];
    if zero > 0 {
        notes.push(format!(
            "{} ({}) earned $0 and are not drawn",
            units::grouped(zero),
            units::share(zero as f64 / all.len() as f64)
        ));
    }
    if above > 0 {
        notes.push(format!(
            "{} ({}) above {} are beyond the axis",
            units::grouped(above),
            units::share(above as f64 / all.len() as f64),
            units::dollars_label(hi)
        ));
    }
    let median = quantile_sorted(&positive, 0.5).unwrap_or(f64::NAN);
    let x = if log {
        Axis::log(axis_label, lo, hi, TickFormat::Money)
    } else {
        Axis::linear(axis_label, lo, hi, TickFormat::Money)
    };
    let mut panel = Panel::new(x, share_axis("Share of workers, %", max_share(&bins, all.len())));
    panel.layers.push(Layer::Rects {
        rects: bars(&bins, all.len()),
        color: variant_color(0),
        opacity: 0.75,
    });
    panel.layers.push(Layer::RefLine {
        vertical: true,
        at: median,
        color: MUTED,
        dashed: true,
        label: Some(format!("median of earners {}", units::dollars_label(median))),
    });
    Chart::single(
        "net_income".into(),
        title,
        caption,
        Some(notes.join("; ") + "."),
        Vec::new(),
        panel,
    )
}

/// The wages of the workers wage statistics cover, sorted: (paid time, all time).
fn eligible_wages(w: &VariantWorkers, min_hours: f64) -> (Vec<f64>, Vec<f64>) {
    let idx: Vec<usize> = w.wage_eligible(min_hours).collect();
    (
        sorted_finite(idx.iter().map(|&i| w.hourly_wage[i])),
        sorted_finite(idx.iter().map(|&i| w.hourly_wage_all_time[i])),
    )
}

/// Chart 2, hourly wage per paid hour and per worked hour (paid + unpaid), overlaid.
pub fn hourly_wage(folder: &Folder, variant: &str, w: &VariantWorkers, replicates: usize) -> Chart {
    let title = title("Hourly wage: paid time vs all worked time", folder, Some(variant));
    let caption = format!(
        "Net pay per paid hour and per worked hour (paid plus unpaid search, returned and rejected work) for workers with at least {}, {} pooled.",
        units::paid_hours(folder.min_hours_for_wage),
        units::replicates(replicates)
    );
    let (paid, all_time) = eligible_wages(w, folder.min_hours_for_wage);
    if paid.is_empty() {
        let msg = format!(
            "No data: no worker had at least {}",
            units::paid_hours(folder.min_hours_for_wage)
        );
        return Chart {
            stem: "hourly_wage".into(),
            caption,
            figure: Figure::single(title.clone(), Panel::empty(msg)),
            title,
        };
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
    let (lo, hi) = super::draw::sane_range(lo, hi, log);
    let bins_n = bin_count(paid.len()).min(50);
    let paid_bins = histogram(&paid, lo, hi, bins_n, log);
    let all_bins = histogram(&all_time, lo, hi, bins_n, log);
    let n = paid.len();
    let above = union.iter().filter(|v| **v > hi).count();
    let mut notes = vec![format!(
        "{} with at least {}, {} pooled",
        units::count(n, "worker", "workers"),
        units::paid_hours(folder.min_hours_for_wage),
        units::replicates(replicates)
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
    let x = if log {
        Axis::log(label, lo, hi, TickFormat::Money)
    } else {
        Axis::linear(label, lo, hi, TickFormat::Money)
    };
    let ymax = max_share(&paid_bins, n).max(max_share(&all_bins, all_time.len()));
    let mut panel = Panel::new(x, share_axis("Share of workers, %", ymax));
    let (c_paid, c_all) = (variant_color(0), variant_color(1));
    panel.layers.push(Layer::Rects {
        rects: bars(&paid_bins, n),
        color: c_paid,
        opacity: 0.35,
    });
    panel.layers.push(Layer::Rects {
        rects: bars(&all_bins, all_time.len()),
        color: c_all,
        opacity: 0.35,
    });
    for (bins, total, color) in [(&paid_bins, n, c_paid), (&all_bins, all_time.len(), c_all)] {
        panel.layers.push(Layer::Line {
            points: outline(bins, total),
            color,
            width: 2.5,
            dashed: false,
        });
    }
    let median = |s: &[f64]| units::dollars_label(quantile_sorted(s, 0.5).unwrap_or(f64::NAN));
    Chart::single(
        "hourly_wage".into(),
        title,
        caption,
        Some(notes.join("; ") + "."),
        vec![
            LegendEntry::new(
                format!("Per paid hour (median {}/h)", median(&paid)),
                c_paid,
                Mark::Area,
            ),
            LegendEntry::new(
                format!("Per worked hour, paid + unpaid (median {}/h)", median(&all_time)),
                c_all,
                Mark::Area,
            ),
        ],
        panel,
    )
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

/// Chart 3, the CDF of hourly wages with the wage floor marked.
pub fn wage_cdf(folder: &Folder, variant: &str, w: &VariantWorkers, replicates: usize) -> Chart {
    let title = title("Hourly wages against the wage floor", folder, Some(variant));
    let floor = folder.wage_floor_usd;
    let caption = format!(
        "Share of workers (at least {}, {} pooled) earning at most each hourly wage; the dashed line is the wage floor of {}/h.",
        units::paid_hours(folder.min_hours_for_wage),
        units::replicates(replicates),
        units::dollars(floor, 0.01)
    );
    let (paid, all_time) = eligible_wages(w, folder.min_hours_for_wage);
    if paid.is_empty() {
        let msg = format!(
            "No data: no worker had at least {}",
            units::paid_hours(folder.min_hours_for_wage)
        );
        return Chart {
            stem: "wage_cdf".into(),
            caption,
            figure: Figure::single(title.clone(), Panel::empty(msg)),
            title,
        };
    }
    let union = sorted_finite(paid.iter().chain(&all_time).copied());
    let lo = union[0].min(0.0);
    let (lo, hi) = super::draw::sane_range(lo, wage_axis_end(&union, floor), false);
    let x = Axis::linear("Hourly wage, US$ per hour", lo, hi, TickFormat::Money);
    let y = Axis::linear("Share of workers at or below, %", 0.0, 1.0, TickFormat::Percent);
    let mut panel = Panel::new(x, y);
    let (c_paid, c_all) = (variant_color(0), variant_color(1));
    panel.layers.push(Layer::Line {
        points: cdf_curve(&all_time, hi),
        color: c_all,
        width: 3.0,
        dashed: false,
    });
    panel.layers.push(Layer::Line {
        points: cdf_curve(&paid, hi),
        color: c_paid,
        width: 3.0,
        dashed: false,
    });
    let mut legend = vec![
        LegendEntry::new("Per paid hour", c_paid, Mark::Line),
        LegendEntry::new("Per worked hour (paid + unpaid)", c_all, Mark::Line),
    ];
    if floor.is_finite() && floor > 0.0 {
        let below = share_below(&paid, floor).unwrap_or(f64::NAN);
        panel.layers.push(Layer::RefLine {
            vertical: true,
            at: floor,
            color: MUTED,
            dashed: true,
            label: Some(format!(
                "wage floor {}/h: {} below",
                units::dollars(floor, 0.01),
                units::share(below)
            )),
        });
        legend.push(LegendEntry::new("Wage floor", MUTED, Mark::Dashed));
    }
    let mut subtitle = format!(
        "{} with at least {}, {} pooled",
        units::count(paid.len(), "worker", "workers"),
        units::paid_hours(folder.min_hours_for_wage),
        units::replicates(replicates)
    );
    if union.last().is_some_and(|m| *m > hi) {
        subtitle.push_str(&format!("; axis ends at {}/h", units::dollars_label(hi)));
    }
    Chart::single("wage_cdf".into(), title, caption, Some(subtitle + "."), legend, panel)
}

/// Net incomes of active workers (at least one task), the population of the Gini in the
/// runs table.
pub fn active_net(w: &VariantWorkers) -> Vec<f64> {
    (0..w.len())
        .filter(|&i| w.tasks_done[i] > 0.0 && w.net_usd[i].is_finite())
        .map(|i| w.net_usd[i])
        .collect()
}

/// The equality diagonal of a Lorenz chart.
pub fn equality_line() -> Layer {
    Layer::Line {
        points: vec![(0.0, 0.0), (1.0, 1.0)],
        color: MUTED,
        width: 2.0,
        dashed: true,
    }
}

/// Lorenz axes (shares as percent).
pub fn lorenz_panel() -> Panel {
    Panel::new(
        Axis::linear(
            "Share of active workers, poorest first, %",
            0.0,
            1.0,
            TickFormat::Percent,
        ),
        Axis::linear("Share of their net income, %", 0.0, 1.0, TickFormat::Percent),
    )
}

/// Chart 4, the Lorenz curve of net income among active workers, with the equality
/// line; the legend gives the Gini as the mean over replicates with its 95% CI.
pub fn lorenz_chart(folder: &Folder, variant: &str, w: &VariantWorkers, gini: &Estimate) -> Chart {
    let title = title("Inequality of net income", folder, Some(variant));
    let caption = format!(
        "Lorenz curve of net income among active workers (at least one task), {} pooled; the Gini in the legend is the mean of the replicates' Gini coefficients with its 95% CI.",
        units::replicates(gini.n)
    );
    let net = active_net(w);
    let curve = lorenz(&net, CURVE_POINTS);
    if curve.is_empty() {
        let msg = if net.is_empty() {
            "No data: no worker did a task"
        } else {
            "No data: active workers earned nothing, so income has no distribution"
        };
        return Chart {
            stem: "lorenz".into(),
            caption,
            figure: Figure::single(title.clone(), Panel::empty(msg)),
            title,
        };
    }
    let mut panel = lorenz_panel();
    panel.layers.push(equality_line());
    panel.layers.push(Layer::Line {
        points: curve,
        color: variant_color(0),
        width: 3.0,
        dashed: false,
    });
    Chart::single(
        "lorenz".into(),
        title,
        caption,
        Some(format!(
            "{}, {} pooled.",
            units::count(net.len(), "active worker", "active workers"),
            units::replicates(gini.n.max(1))
        )),
        vec![
            LegendEntry::new(
                format!("Net income: Gini {}", units::estimate(gini, TickFormat::Number)),
                variant_color(0),
                Mark::Line,
            ),
            LegendEntry::new("Perfect equality", MUTED, Mark::Dashed),
        ],
        panel,
    )
}

/// A panel of box plots, one per category, values along x.
pub fn box_panel(title: &str, metric: &str, categories: &[String], values: &[Vec<f64>], colors: &[usize]) -> Panel {
    let info = metric_info(metric);
    let scaled: Vec<Vec<f64>> = values
        .iter()
        .map(|v| v.iter().map(|x| x * info.factor).filter(|x| x.is_finite()).collect())
        .collect();
    let all = sorted_finite(scaled.iter().flatten().copied());
    if all.is_empty() {
        return Panel::empty("No data: undefined in every replicate").titled(title);
    }
    let (min, max) = (all[0], all[all.len() - 1]);
    let pad = ((max - min) * 0.08).max(max.abs().max(1e-9) * 0.01);
    let mut panel = Panel::new(
        Axis::linear(info.axis, min - pad, max + pad, info.format),
        Axis::categories("", categories.to_vec()),
    )
    .titled(title);
    let items = scaled
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            Some(BoxItem {
                at: i as f64,
                five: five_numbers(v)?,
                values: v.clone(),
                color: variant_color(colors[i]),
            })
        })
        .collect();
    panel.layers.push(Layer::Boxes { items, along_x: true });
    panel
}

/// Chart 5, box plots across replicates of the Gini and of the median hourly wage.
pub fn replicate_spread(folder: &Folder, runs: &super::data::Runs, variant: usize, name: &str) -> Chart {
    let title = title("Spread across replicates", folder, Some(name));
    let n = runs.replicates_of(variant);
    let caption = format!(
        "Gini coefficient of net income and median hourly wage (paid time) of each of the {}: boxes span the quartiles, whiskers the minimum to maximum, rings are single replicates.",
        units::replicates(n)
    );
    let cats = vec![name.to_string()];
    let panels = ["gini_net_income", "median_hourly_wage"]
        .iter()
        .map(|m| box_panel(metric_info(m).name, m, &cats, &[runs.values(variant, m)], &[variant]))
        .collect();
    Chart {
        stem: "replicate_spread".into(),
        caption,
        figure: Figure {
            title: title.clone(),
            subtitle: Some(format!(
                "{}: box = quartiles, whiskers = min to max, rings = replicates.",
                units::replicates(n)
            )),
            legend: Vec::new(),
            panels,
            columns: 1,
        },
        title,
    }
}

/// Chart 6, tasks posted and done by day: the median across replicates with a
/// 10th–90th percentile band.
pub fn daily_tasks(folder: &Folder, name: &str, daily: &Daily, variant: usize) -> Chart {
    let title = title("Tasks posted and done by day", folder, Some(name));
    let caption = "Tasks posted and tasks done each day of the metric period: lines are the median across replicates, bands the 10th to 90th percentile across replicates.".to_string();
    let rows: Vec<usize> = (0..daily.day.len()).filter(|&i| daily.variant[i] == variant).collect();
    let day: Vec<f64> = rows.iter().map(|&i| daily.day[i]).collect();
    let posted = band_by_day(&day, &rows.iter().map(|&i| daily.tasks_posted[i]).collect::<Vec<_>>());
    let done = band_by_day(&day, &rows.iter().map(|&i| daily.tasks_done[i]).collect::<Vec<_>>());
    if posted.is_empty() {
        return Chart {
            stem: "daily_tasks".into(),
            caption,
            figure: Figure::single(title.clone(), Panel::empty("No data: the daily table has no days")),
            title,
        };
    }
    let (d0, d1) = (posted[0].day, posted[posted.len() - 1].day);
    let ymax = posted.iter().chain(&done).map(|b| b.p90).fold(0.0, f64::max);
    let mut panel = Panel::new(
        Axis::linear(
            "Day of the simulation (after warm-up), days",
            d0,
            d1,
            TickFormat::Number,
        ),
        Axis::linear("Tasks per day", 0.0, nice_upper(ymax * 1.05, 6), TickFormat::Number),
    );
    let reps = day.iter().filter(|d| **d == d0).count();
    let mut legend = Vec::new();
    // Posted is drawn wider and first: done is often nearly equal and would hide it.
    for (series, label, color, width) in [
        (&posted, "Tasks posted", variant_color(0), 6.0),
        (&done, "Tasks done", variant_color(1), 2.5),
    ] {
        if reps > 1 {
            panel.layers.push(Layer::Band {
                points: series.iter().map(|b| (b.day, b.p10, b.p90)).collect(),
                color,
                opacity: 0.22,
            });
        }
        let points: Vec<(f64, f64)> = series.iter().map(|b| (b.day, b.median)).collect();
        if points.len() == 1 {
            panel.layers.push(Layer::Points {
                points: points.clone(),
                color,
                radius: 5.0,
                filled: true,
            });
        }
        panel.layers.push(Layer::Line {
            points,
            color,
            width,
            dashed: false,
        });
        legend.push(LegendEntry::new(
            label,
            color,
            if reps > 1 { Mark::LineBand } else { Mark::Line },
        ));
    }
    let subtitle = if reps > 1 {
        format!(
            "Lines: median of {}; bands: 10th to 90th percentile.",
            units::replicates(reps)
        )
    } else {
        "One replicate: no band across replicates.".to_string()
    };
    Chart::single("daily_tasks".into(), title, caption, Some(subtitle), legend, panel)
}

/// Chart 7, ratings at the end: a histogram of stars among workers with a rating.
pub fn ratings(folder: &Folder, name: &str, w: &VariantWorkers, replicates: usize) -> Chart {
    let title = title("Worker ratings at the end", folder, Some(name));
    let caption = format!(
        "Mean star rating of each worker with at least one review at the end of the run, {} pooled.",
        units::replicates(replicates)
    );
    let rated: Vec<f64> = w
        .rating
        .iter()
        .filter(|r| r.is_finite())
        .map(|r| r.clamp(1.0, 5.0))
        .collect();
    if rated.is_empty() {
        return Chart {
            stem: "ratings".into(),
            caption,
            figure: Figure::single(
                title.clone(),
                Panel::empty("No data: no worker has a rating (nobody was reviewed)"),
            ),
            title,
        };
    }
    let bins = histogram(&rated, 1.0, 5.0, 40, false);
    let mut panel = Panel::new(
        Axis::linear("Rating at the end, stars (1 to 5)", 1.0, 5.0, TickFormat::Number),
        share_axis("Share of rated workers, %", max_share(&bins, rated.len())),
    );
    panel.layers.push(Layer::Rects {
        rects: bars(&bins, rated.len()),
        color: variant_color(0),
        opacity: 0.75,
    });
    let mean = rated.iter().sum::<f64>() / rated.len() as f64;
    panel.layers.push(Layer::RefLine {
        vertical: true,
        at: mean,
        color: MUTED,
        dashed: true,
        label: Some(format!("mean {mean:.2} stars")),
    });
    Chart::single(
        "ratings".into(),
        title,
        caption,
        Some(format!(
            "{} of {} workers have a rating, {} pooled; bins of 0.1 star.",
            units::grouped(rated.len()),
            units::grouped(w.len()),
            units::replicates(replicates)
        )),
        Vec::new(),
        panel,
    )
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
        assert_eq!(bars(&bins, 4)[1], [1.0, 2.0, 0.0, 0.75]);
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
        assert_eq!(units::compact(TickFormat::Percent, 0.5), "50.0%");
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
}
