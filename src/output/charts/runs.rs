//! Charts of what differs from one replicate to the next: per-run statistics (Gini,
//! median wage) as box plots across replicates, for one variant (`run`) or each variant
//! (`compare`); each headline metric per variant with its 95% CI (`compare`); and
//! tasks by day, the median across replicates in a 10th–90th percentile band (`run`).

use super::figure::{Axis, BoxItem, Layer, LegendEntry, Mark, Panel};
use super::stats::{DayBand, band_by_day, coincide, five_numbers, sorted_finite};
use super::theme::{INK, nice_upper, variant_color};
use super::{Chart, Scope, metric_info};
use crate::metrics::Estimate;
use crate::units::{self, TickFormat};

/// A panel of box plots of `metric`, one per variant, values along x.
fn box_panel(s: &Scope, metric: &str) -> Panel {
    let info = metric_info(metric);
    let title = info.name;
    let scaled: Vec<Vec<f64>> = s
        .variants
        .iter()
        .map(|&v| {
            let values = s.inputs.runs.values(v, metric);
            values
                .iter()
                .map(|x| x * info.factor)
                .filter(|x| x.is_finite())
                .collect()
        })
        .collect();
    let all = sorted_finite(scaled.iter().flatten().copied());
    if all.is_empty() {
        return Panel::empty("No data: undefined in every replicate").titled(title);
    }
    let (min, max) = (all[0], all[all.len() - 1]);
    let pad = ((max - min) * 0.08).max(max.abs().max(1e-9) * 0.01);
    let names = s.variants.iter().map(|&v| s.name(v).to_string()).collect();
    let mut panel = Panel::new(
        Axis::linear(info.axis, min - pad, max + pad, info.format),
        Axis::categories("", names),
    )
    .titled(title);
    let items = scaled
        .iter()
        .zip(&s.variants)
        .enumerate()
        .filter_map(|(i, (values, &v))| {
            Some(BoxItem {
                at: i as f64,
                five: five_numbers(values)?,
                values: values.clone(),
                color: variant_color(v),
            })
        })
        .collect();
    panel.layers.push(Layer::Boxes { items, along_x: true });
    panel
}

/// Box plots across replicates of the Gini and of the median hourly wage, per variant.
pub fn replicate_spread(s: &Scope) -> Chart {
    let n = units::replicates(s.replicates());
    let (chart, metrics, per) = if s.compare {
        (
            s.chart(
                "Spread across replicates by variant",
                "Median hourly wage (paid time) and Gini coefficient of net income of each replicate, by variant: boxes span the quartiles, whiskers the minimum to maximum, rings are single replicates.",
            ),
            ["median_hourly_wage", "gini_net_income"],
            " per variant",
        )
    } else {
        (
            s.chart(
                "Spread across replicates",
                format!(
                    "Gini coefficient of net income and median hourly wage (paid time) of each of the {n}: boxes span the quartiles, whiskers the minimum to maximum, rings are single replicates."
                ),
            ),
            ["gini_net_income", "median_hourly_wage"],
            "",
        )
    };
    let subtitle = format!("{n}{per}: box = quartiles, whiskers = min to max, rings = replicates.");
    let panels = metrics.iter().map(|m| box_panel(s, m)).collect();
    chart.with(Some(subtitle), Vec::new(), panels)
}

/// One headline metric per variant: the mean across replicates as a bar with its 95%
/// CI as a whisker. Variants run down the y axis so long names stay readable.
pub fn metric_bars(s: &Scope) -> Chart {
    let metric = s.metric.unwrap_or_default();
    let info = metric_info(metric);
    let chart = s.chart(
        info.name,
        format!(
            "{} per variant: bars are the mean across replicates, whiskers its 95% confidence interval (simulation error across replicates; paired differences against base are in the table).",
            info.name
        ),
    );
    let estimates: Vec<(usize, Estimate)> = s
        .variants
        .iter()
        .map(|&v| {
            let values: Vec<f64> = s
                .inputs
                .runs
                .values(v, metric)
                .iter()
                .map(|x| x * info.factor)
                .collect();
            let support = crate::output::columns::support_of(metric).scaled(info.factor);
            (v, Estimate::of(&values, 0.95).within(support))
        })
        .filter(|(_, e)| e.n > 0)
        .collect();
    if estimates.is_empty() {
        return chart.no_data("No data: undefined in every run");
    }
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for (_, e) in &estimates {
        for x in [Some(e.mean), e.ci_low, e.ci_high].into_iter().flatten() {
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    let pad = (hi - lo) * 0.05;
    let names: Vec<String> = estimates.iter().map(|(v, _)| s.name(*v).to_string()).collect();
    let mut panel = Panel::new(
        Axis::linear(info.axis, if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad, info.format),
        Axis::categories("", names),
    );
    for (i, (v, e)) in estimates.iter().enumerate() {
        panel.layers.extend(bar_with_ci(
            i as f64,
            e.mean,
            e.ci_low.zip(e.ci_high),
            variant_color(*v),
        ));
    }
    let n = s.replicates();
    let subtitle = replicate_note(
        n,
        "By variant: mean of {}; whiskers: 95% CI (Student's t).",
        "By variant; one replicate: no confidence interval.",
    );
    chart.with(Some(subtitle), Vec::new(), vec![panel])
}

/// A horizontal bar from 0 to `mean` at `at` on a category y axis, with its CI as a
/// whisker when there is one.
pub fn bar_with_ci(at: f64, mean: f64, ci: Option<(f64, f64)>, color: plotters::style::RGBColor) -> Vec<Layer> {
    let mut layers = vec![Layer::Rects {
        rects: vec![[0.0, mean, at - 0.3, at + 0.3]],
        color,
        opacity: 0.55,
    }];
    if let Some((l, h)) = ci {
        layers.push(Layer::Whiskers {
            items: vec![(at, l, h)],
            along_x: true,
            color: INK,
        });
    }
    layers
}

/// Tasks posted and done by day: the median across replicates with a 10th–90th
/// percentile band.
pub fn daily_tasks(s: &Scope) -> Chart {
    let chart = s.chart(
        "Tasks posted and done by day",
        "Tasks posted and tasks done each day of the metric period: lines are the median across replicates, bands the 10th to 90th percentile across replicates.",
    );
    let variant = s.variants[0];
    let Some(daily) = &s.inputs.daily else {
        return chart.no_data("No data: the daily table has no days");
    };
    let rows: Vec<usize> = (0..daily.day.len()).filter(|&i| daily.variant[i] == variant).collect();
    let day: Vec<f64> = rows.iter().map(|&i| daily.day[i]).collect();
    let series = |column: &[f64]| band_by_day(&day, &rows.iter().map(|&i| column[i]).collect::<Vec<_>>());
    let (posted, done) = (series(&daily.tasks_posted), series(&daily.tasks_done));
    if posted.is_empty() {
        return chart.no_data("No data: the daily table has no days");
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
    let medians = |series: &[DayBand]| series.iter().map(|b| (b.day, b.median)).collect::<Vec<_>>();
    // Done equal to posted on every day (within half a percent of the axis): done is
    // drawn dashed over posted, without a band of its own, and the note says so.
    let same = coincide(&medians(&posted), &medians(&done), ymax * 0.005);
    // Posted is drawn wider and first: done is often nearly equal and would hide it.
    for (series, label, color, width) in [
        (&posted, "Tasks posted", variant_color(0), 6.0),
        (&done, "Tasks done", variant_color(1), 2.5),
    ] {
        let on_top = same && label == "Tasks done";
        if reps > 1 && !on_top {
            panel.layers.push(Layer::Band {
                points: series.iter().map(|b| (b.day, b.p10, b.p90)).collect(),
                color,
                opacity: 0.22,
            });
        }
        let points: Vec<(f64, f64)> = series.iter().map(|b| (b.day, b.median)).collect();
        if points.len() == 1 {
            panel.layers.push(Layer::dots(points.clone(), color, 5.0));
        }
        panel.layers.push(Layer::Line {
            points,
            color,
            width,
            dashed: on_top,
        });
        let mark = match (on_top, reps > 1) {
            (true, _) => Mark::Dashed,
            (false, true) => Mark::LineBand,
            (false, false) => Mark::Line,
        };
        legend.push(LegendEntry::new(label, color, mark));
    }
    let mut subtitle = replicate_note(
        reps,
        "Lines: median of {}; bands: 10th to 90th percentile.",
        "One replicate: no band across replicates.",
    );
    let mut chart = chart;
    if same {
        let note = " Every task posted was done: the lines coincide (done dashed).";
        subtitle.push_str(note);
        chart.caption.push_str(note);
    }
    chart.with(Some(subtitle), legend, vec![panel])
}

/// A subtitle that names the replicates a spread is taken over (`many`, with `{}` for
/// "N replicates"), or says there is only one (`one`).
fn replicate_note(n: usize, many: &str, one: &str) -> String {
    if n > 1 {
        many.replace("{}", &units::replicates(n))
    } else {
        one.to_string()
    }
}
