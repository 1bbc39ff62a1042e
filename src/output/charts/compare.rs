//! The charts of a comparison (`gigsim compare`): variants in plan order, base first,
//! each in its palette colour everywhere. Wage CDFs and Lorenz curves overlaid, each
//! headline metric with its 95% CI per variant, replicate spread per variant, and who
//! wins and who loses: each worker's change in net income against the same worker in
//! base (same replicate, same id), by decile of their base income.

use super::data::VariantWorkers;
use super::figure::{Axis, Figure, Layer, LegendEntry, Mark, Panel};
use super::run::{CURVE_POINTS, active_net, box_panel, cdf_curve, equality_line, lorenz_panel, wage_axis_end};
use super::stats::{WorkerValue, base_deciles, decile_changes, share_below, sorted_finite};
use super::theme::{self, MUTED, variant_color};
use super::units::{self, TickFormat};
use super::{Chart, Inputs, metric_info, title};
use crate::metrics::{Estimate, lorenz, quantile_sorted};
use crate::output::columns::HEADLINE;

/// The compare charts.
pub fn charts(inputs: &Inputs) -> Vec<Chart> {
    let mut out = Vec::new();
    if let Some(workers) = &inputs.workers {
        let per: Vec<Option<&VariantWorkers>> = (0..inputs.folder.variants.len()).map(|v| workers.of(v)).collect();
        out.push(wage_cdfs(inputs, &per));
        out.push(lorenz_curves(inputs, &per));
    }
    for metric in HEADLINE {
        out.push(metric_bars(inputs, metric));
    }
    out.push(replicate_spread(inputs));
    if let Some(workers) = &inputs.workers {
        let per: Vec<Option<&VariantWorkers>> = (0..inputs.folder.variants.len()).map(|v| workers.of(v)).collect();
        out.push(winners_losers(inputs, &per));
    }
    out
}

fn variants_with_runs(inputs: &Inputs) -> Vec<usize> {
    (0..inputs.folder.variants.len())
        .filter(|&v| inputs.runs.replicates_of(v) > 0)
        .collect()
}

fn replicates(inputs: &Inputs) -> usize {
    variants_with_runs(inputs)
        .iter()
        .map(|&v| inputs.runs.replicates_of(v))
        .max()
        .unwrap_or(0)
}

/// Hourly-wage CDFs of every variant on one axis.
pub fn wage_cdfs(inputs: &Inputs, per: &[Option<&VariantWorkers>]) -> Chart {
    let folder = &inputs.folder;
    let title = title("Hourly wages by variant", folder, None);
    let floor = folder.wage_floor_usd;
    let caption = format!(
        "Share of workers (at least {} paid hour(s), replicates pooled) earning at most each wage per paid hour, by variant; the dashed line is the wage floor of {}/h.",
        units::hours(folder.min_hours_for_wage),
        units::dollars(floor, 0.01)
    );
    let wages: Vec<(usize, Vec<f64>)> = per
        .iter()
        .enumerate()
        .filter_map(|(v, w)| {
            let w = (*w)?;
            let s = sorted_finite(w.wage_eligible(folder.min_hours_for_wage).map(|i| w.hourly_wage[i]));
            (!s.is_empty()).then_some((v, s))
        })
        .collect();
    if wages.is_empty() {
        return Chart {
            stem: "compare_wage_cdf".into(),
            caption,
            figure: Figure::single(
                title.clone(),
                Panel::empty("No data: no worker in any variant had enough paid hours"),
            ),
            title,
        };
    }
    let union = sorted_finite(wages.iter().flat_map(|(_, s)| s.iter().copied()));
    let (lo, hi) = super::draw::sane_range(union[0].min(0.0), wage_axis_end(&union, floor), false);
    let mut panel = Panel::new(
        Axis::linear("Hourly wage, US$ per paid hour", lo, hi, TickFormat::Money),
        Axis::linear("Share of workers at or below, %", 0.0, 1.0, TickFormat::Percent),
    );
    let mut legend = Vec::new();
    for (v, s) in &wages {
        panel.layers.push(Layer::Line {
            points: cdf_curve(s, hi),
            color: variant_color(*v),
            width: 3.0,
            dashed: false,
        });
        let below = share_below(s, floor).unwrap_or(f64::NAN);
        legend.push(LegendEntry::new(
            format!(
                "{} ({} below floor)",
                folder.variants[*v],
                units::compact(TickFormat::Percent, below)
            ),
            variant_color(*v),
            Mark::Line,
        ));
    }
    if floor.is_finite() && floor > 0.0 {
        panel.layers.push(Layer::RefLine {
            vertical: true,
            at: floor,
            color: MUTED,
            dashed: true,
            label: Some(format!("wage floor {}/h", units::dollars(floor, 0.01))),
        });
    }
    Chart::single(
        "compare_wage_cdf".into(),
        title,
        caption,
        Some(format!(
            "Workers with enough paid hours, {} pooled per variant.",
            units::replicates(replicates(inputs))
        )),
        legend,
        panel,
    )
}

/// Lorenz curves of every variant, with each variant's Gini and 95% CI in the legend.
pub fn lorenz_curves(inputs: &Inputs, per: &[Option<&VariantWorkers>]) -> Chart {
    let folder = &inputs.folder;
    let title = title("Inequality of net income by variant", folder, None);
    let caption = "Lorenz curves of net income among active workers by variant (replicates pooled); the legend gives each variant's mean Gini across replicates with its 95% CI.".to_string();
    let mut panel = lorenz_panel();
    panel.layers.push(equality_line());
    let mut legend = Vec::new();
    for (v, w) in per.iter().enumerate() {
        let Some(w) = w else { continue };
        let curve = lorenz(&active_net(w), CURVE_POINTS);
        if curve.is_empty() {
            continue;
        }
        panel.layers.push(Layer::Line {
            points: curve,
            color: variant_color(v),
            width: 3.0,
            dashed: false,
        });
        let gini = Estimate::of(&inputs.runs.values(v, "gini_net_income"), 0.95);
        legend.push(LegendEntry::new(
            format!(
                "{}: Gini {}",
                folder.variants[v],
                units::estimate(&gini, TickFormat::Number)
            ),
            variant_color(v),
            Mark::Line,
        ));
    }
    if legend.is_empty() {
        panel = Panel::empty("No data: no active worker earned anything in any variant");
    } else {
        legend.push(LegendEntry::new("Perfect equality", MUTED, Mark::Dashed));
    }
    Chart::single("compare_lorenz".into(), title, caption, None, legend, panel)
}

/// One headline metric per variant: the mean across replicates as a bar with its 95%
/// CI as a whisker. Variants run down the y axis so long names stay readable.
pub fn metric_bars(inputs: &Inputs, metric: &str) -> Chart {
    let folder = &inputs.folder;
    let info = metric_info(metric);
    let title = title(info.name, folder, None);
    let caption = format!(
        "{} per variant: bars are the mean across replicates, whiskers its 95% confidence interval (simulation error across replicates; paired differences against base are in the table).",
        info.name
    );
    let variants = variants_with_runs(inputs);
    let estimates: Vec<(usize, Estimate)> = variants
        .iter()
        .map(|&v| {
            let values: Vec<f64> = inputs.runs.values(v, metric).iter().map(|x| x * info.factor).collect();
            (v, Estimate::of(&values, 0.95))
        })
        .filter(|(_, e)| e.n > 0)
        .collect();
    let stem = format!("compare_{metric}");
    if estimates.is_empty() {
        return Chart {
            stem,
            caption,
            figure: Figure::single(title.clone(), Panel::empty("No data: undefined in every run")),
            title,
        };
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
    let names: Vec<String> = estimates.iter().map(|(v, _)| folder.variants[*v].clone()).collect();
    let mut panel = Panel::new(
        Axis::linear(info.axis, if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad, info.format),
        Axis::categories("", names),
    );
    for (i, (v, e)) in estimates.iter().enumerate() {
        let at = i as f64;
        panel.layers.push(Layer::Rects {
            rects: vec![[0.0, e.mean, at - 0.3, at + 0.3]],
            color: variant_color(*v),
            opacity: 0.55,
        });
        if let (Some(l), Some(h)) = (e.ci_low, e.ci_high) {
            panel.layers.push(Layer::Whiskers {
                items: vec![(at, l, h)],
                along_x: true,
                color: theme::INK,
            });
        }
    }
    let n = replicates(inputs);
    Chart::single(
        stem,
        title,
        caption,
        Some(if n > 1 {
            format!(
                "By variant: mean of {}; whiskers: 95% CI (Student's t).",
                units::replicates(n)
            )
        } else {
            "By variant; one replicate: no confidence interval.".into()
        }),
        Vec::new(),
        panel,
    )
}

/// Box plots per variant of the median hourly wage and the Gini across replicates.
pub fn replicate_spread(inputs: &Inputs) -> Chart {
    let folder = &inputs.folder;
    let title = title("Spread across replicates by variant", folder, None);
    let caption = "Median hourly wage (paid time) and Gini coefficient of net income of each replicate, by variant: boxes span the quartiles, whiskers the minimum to maximum, rings are single replicates.".to_string();
    let variants = variants_with_runs(inputs);
    let names: Vec<String> = variants.iter().map(|&v| folder.variants[v].clone()).collect();
    let panels = ["median_hourly_wage", "gini_net_income"]
        .iter()
        .map(|m| {
            let values: Vec<Vec<f64>> = variants.iter().map(|&v| inputs.runs.values(v, m)).collect();
            box_panel(metric_info(m).name, m, &names, &values, &variants)
        })
        .collect();
    Chart {
        stem: "compare_replicate_spread".into(),
        caption,
        figure: Figure {
            title: title.clone(),
            subtitle: Some(format!(
                "{} per variant: box = quartiles, whiskers = min to max, rings = replicates.",
                units::replicates(replicates(inputs))
            )),
            legend: Vec::new(),
            panels,
            columns: 1,
        },
        title,
    }
}

fn worker_values(w: &VariantWorkers) -> Vec<WorkerValue> {
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
pub fn winners_losers(inputs: &Inputs, per: &[Option<&VariantWorkers>]) -> Chart {
    let folder = &inputs.folder;
    let title = title("Who wins and who loses against base", folder, None);
    let caption = "Mean change in a worker's net income against the same worker in base (same replicate and id), by decile of their base net income pooled over replicates; whiskers are 95% CIs across replicates.".to_string();
    let empty = |msg: &str| Chart {
        stem: "compare_winners_losers".into(),
        caption: caption.clone(),
        figure: Figure::single(title.clone(), Panel::empty(msg)),
        title: title.clone(),
    };
    let Some(base) = per.first().copied().flatten() else {
        return empty("No data: base has no workers");
    };
    let others: Vec<usize> = (1..per.len()).filter(|&v| per[v].is_some()).collect();
    if others.is_empty() {
        return empty("No data: no variant besides base to compare");
    }
    let deciles = base_deciles(&worker_values(base));
    let slots = others.len() as f64;
    let width = 0.7 / slots;
    let mut panel_layers = Vec::new();
    let mut legend = Vec::new();
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    let mut unmatched = 0;
    let mut any_ci = false;
    for (k, &v) in others.iter().enumerate() {
        let Some(w) = per[v] else { continue };
        let comparison = decile_changes(&deciles, &worker_values(w));
        unmatched = unmatched.max(comparison.unmatched);
        let offset = -0.35 + width * (k as f64 + 0.5);
        let mut points = Vec::new();
        let mut whiskers = Vec::new();
        for d in &comparison.deciles {
            if d.change.n == 0 {
                continue;
            }
            let at = (d.decile - 1) as f64 + offset;
            points.push((at, d.change.mean));
            lo = lo.min(d.change.mean);
            hi = hi.max(d.change.mean);
            if let (Some(l), Some(h)) = (d.change.ci_low, d.change.ci_high) {
                whiskers.push((at, l, h));
                lo = lo.min(l);
                hi = hi.max(h);
                any_ci = true;
            }
        }
        let color = variant_color(v);
        panel_layers.push(Layer::Whiskers {
            items: whiskers,
            along_x: false,
            color,
        });
        panel_layers.push(Layer::Points {
            points,
            color,
            radius: 6.0,
            filled: true,
        });
        legend.push(LegendEntry::new(folder.variants[v].clone(), color, Mark::PointRange));
    }
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
    panel.layers.push(Layer::RefLine {
        vertical: false,
        at: 0.0,
        color: MUTED,
        dashed: false,
        label: None,
    });
    panel.layers.extend(panel_layers);
    let base_workers = deciles.len();
    let median_base = quantile_sorted(&sorted_finite(deciles.values().map(|d| d.1)), 0.5).unwrap_or(f64::NAN);
    let mut subtitle = format!(
        "{} base workers, {} pooled (median base income {}); points: mean change, {}",
        units::grouped(base_workers),
        units::replicates(replicates(inputs)),
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
    Chart::single(
        "compare_winners_losers".into(),
        title,
        caption,
        Some(subtitle + "."),
        legend,
        panel,
    )
}
