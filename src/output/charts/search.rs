//! Charts of `calibrate` and `sensitivity`, drawn from their results in memory (their
//! folders hold no run tables): the loss of every evaluation and the best so far, the
//! loss against each parameter, and each output's sensitivity indices with their CIs.

use std::path::Path;

use super::figure::{Axis, Layer, LegendEntry, Mark, Panel};
use super::runs::bar_with_ci;
use super::theme::{INK, MUTED, PALETTE, register_fonts};
use super::{Chart, ChartFile, ChartStyle, render_chart};
use crate::calibrate::{Calibration, Params, Stage};
use crate::output::OutputError;
use crate::sensitivity::{Index, Method};
use crate::units::TickFormat;

/// A log axis of losses from `losses` (zeros are drawn at a tenth of the smallest
/// positive loss, so a perfect fit still shows).
fn loss_axis(losses: &[f64]) -> (Axis, f64) {
    let positive: Vec<f64> = losses.iter().copied().filter(|l| *l > 0.0 && l.is_finite()).collect();
    let lo = positive.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = positive.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = if positive.is_empty() {
        (1e-3, 1.0)
    } else {
        (lo / 10.0, hi * 2.0)
    };
    (
        Axis::log("Loss (log scale)", lo, hi.max(lo * 10.0), TickFormat::Number),
        lo,
    )
}

/// Every evaluation's loss in order, and the best loss so far.
pub fn convergence(c: &Calibration, scenario: &str) -> Chart {
    let chart = Chart::new(
        "calibration_convergence",
        format!("Calibration: loss by evaluation — {scenario}"),
        "The loss of each evaluation in the order they were made (Sobol start, then Nelder–Mead), and the lowest loss so far (line). The loss is the sum over targets of the squared distance of the moment's mean from its band's centre in half-widths: below the number of targets, about every moment is inside.",
    );
    let losses: Vec<f64> = c.evaluations.iter().map(|e| e.loss).collect();
    let (y, floor) = loss_axis(&losses);
    let n = losses.len() as f64;
    let mut panel = Panel::new(Axis::linear("Evaluation", -0.5, n - 0.5, TickFormat::Number), y);
    let mut best = f64::INFINITY;
    let line: Vec<(f64, f64)> = losses
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            best = best.min(l);
            (i as f64, best.max(floor))
        })
        .collect();
    for (stage, color) in [(Stage::Sobol, MUTED), (Stage::NelderMead, PALETTE[0])] {
        let dots: Vec<(f64, f64)> = c
            .evaluations
            .iter()
            .enumerate()
            .filter(|(_, e)| e.stage == stage)
            .map(|(i, e)| (i as f64, e.loss.max(floor)))
            .collect();
        panel.layers.push(Layer::dots(dots, color, 3.0));
    }
    panel.layers.push(Layer::line(line, INK, 2.0));
    let legend = vec![
        LegendEntry::new("Sobol start", MUTED, Mark::PointRange),
        LegendEntry::new("Nelder–Mead", PALETTE[0], Mark::PointRange),
        LegendEntry::new("Best so far", INK, Mark::Line),
    ];
    chart.with(None, legend, vec![panel])
}

/// The loss against each parameter's value, the best point marked.
pub fn loss_by_parameter(c: &Calibration, params: &Params, scenario: &str) -> Chart {
    let chart = Chart::new(
        "calibration_parameters",
        format!("Calibration: loss by parameter — {scenario}"),
        "The loss of every evaluation against each parameter's value (the other parameters vary too), over the parameter's bounds; the dashed line marks the best point.",
    );
    let losses: Vec<f64> = c.evaluations.iter().map(|e| e.loss).collect();
    let best = &c.evaluations[c.best];
    let panels = params
        .params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (y, floor) = loss_axis(&losses);
            let x = if p.log {
                Axis::log(format!("{} (log scale)", p.key), p.low, p.high, TickFormat::Number)
            } else {
                Axis::linear(p.key.clone(), p.low, p.high, TickFormat::Number)
            };
            let mut panel = Panel::new(x, y);
            let dots = c.evaluations.iter().map(|e| (e.values[k], e.loss.max(floor))).collect();
            panel.layers.push(Layer::dots(dots, PALETTE[0], 3.0));
            panel.layers.push(Layer::marker(best.values[k], Some("best".into())));
            panel
        })
        .collect();
    // One panel to a row: the axis titles are dotted keys, too long to sit side by side.
    chart.with(None, Vec::new(), panels)
}

/// One panel per output: each parameter's indices with their 95% bootstrap CIs.
pub fn indices(rows: &[Index], method: Method, scenario: &str) -> Chart {
    let (what, caption) = match method {
        Method::Morris => (
            "Morris screening",
            "Each parameter's mu* (mean absolute elementary effect, in the output's unit per unit of the parameter's 0–1 box), with its 95% bootstrap interval over trajectories; parameters longest bar first.",
        ),
        Method::Sobol => (
            "Sobol indices",
            "Each parameter's total Sobol index ST (bar: the share of the output's variance it takes part in) and first-order S1 (dot), with 95% bootstrap intervals over base samples.",
        ),
    };
    let chart = Chart::new(
        format!("sensitivity_{}", method.name()),
        format!("{what} — {scenario}"),
        caption,
    );
    let main = if method == Method::Morris { "mu_star" } else { "ST" };
    let mut metrics: Vec<&str> = rows.iter().map(|r| r.metric).collect();
    metrics.dedup();
    let panels: Vec<Panel> = metrics
        .iter()
        .map(|metric| {
            let mut bars: Vec<&Index> = rows.iter().filter(|r| r.metric == *metric && r.index == main).collect();
            bars.sort_by(|a, b| b.value.total_cmp(&a.value));
            let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
            let hi = bars
                .iter()
                .map(|r| finite(r.ci_high).max(finite(r.value)))
                .fold(0.0, f64::max)
                .max(if method == Method::Sobol { 1.0 } else { 1e-9 });
            let lo = bars.iter().map(|r| finite(r.ci_low)).fold(0.0, f64::min);
            let names = bars.iter().map(|r| short_key(&r.param)).collect();
            let mut panel = Panel::new(
                Axis::linear(main, lo - 0.05 * (hi - lo), hi * 1.05, TickFormat::Number),
                Axis::categories("", names),
            )
            .titled(*metric);
            for (i, r) in bars.iter().enumerate() {
                let ci = (r.ci_low.is_finite() && r.ci_high.is_finite()).then_some((r.ci_low, r.ci_high));
                panel
                    .layers
                    .extend(bar_with_ci(i as f64, finite(r.value), ci, PALETTE[0]));
                if method == Method::Sobol
                    && let Some(s1) = rows
                        .iter()
                        .find(|x| x.metric == *metric && x.param == r.param && x.index == "S1")
                    && s1.value.is_finite()
                {
                    panel
                        .layers
                        .push(Layer::dots(vec![(s1.value, i as f64)], PALETTE[3], 4.0));
                }
            }
            panel
        })
        .collect();
    let legend = match method {
        Method::Morris => vec![LegendEntry::new("mu*, 95% CI", PALETTE[0], Mark::Area)],
        Method::Sobol => vec![
            LegendEntry::new("ST, 95% CI", PALETTE[0], Mark::Area),
            LegendEntry::new("S1", PALETTE[3], Mark::PointRange),
        ],
    };
    chart.with(None, legend, panels)
}

/// A dotted key's last two parts (`search_patience_minutes.median`): category labels are
/// cut at about 30 characters, and the section rarely tells two parameters apart.
fn short_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    parts[parts.len().saturating_sub(2)..].join(".")
}

/// Draws `charts` into `dir/charts/`.
pub fn draw(dir: &Path, charts: &[Chart], style: &ChartStyle) -> Result<Vec<ChartFile>, OutputError> {
    if !register_fonts() {
        return Err(OutputError::Chart {
            path: dir.to_path_buf(),
            message: "the bundled DejaVu Sans font does not parse; the build is broken".into(),
        });
    }
    let charts_dir = dir.join("charts");
    if !style.formats.is_empty() {
        std::fs::create_dir_all(&charts_dir).map_err(|e| OutputError::create_dir(&charts_dir, e))?;
    }
    charts.iter().map(|c| render_chart(c, &charts_dir, style)).collect()
}
