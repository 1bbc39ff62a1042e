//! The charts of a parameter sweep (`gigsim sweep`), from `sweep.csv`: with one swept
//! key, each headline metric against the key with its 95% CI band; with two, a heat map
//! per metric over the grid, values printed in the cells when the grid is small; with
//! more (or keys that are not numbers), the metric per point as bars with CIs.

use super::catalog::MetricInfo;
use super::data::CsvTable;
use super::figure::{Axis, Cell, ColorBar, Layer, LegendEntry, Mark, Panel};
use super::runs::bar_with_ci;
use super::theme::{sequential, variant_color};
use super::{Chart, Scope, metric_info};
use crate::units::{self, TickFormat, compact};

/// Largest grid whose cells carry their value as text.
pub const MAX_LABELLED_CELLS: usize = 64;

/// One row of `sweep.csv` for a metric.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    /// Point name.
    pub point: String,
    /// The swept keys' values, as written.
    pub params: Vec<String>,
    /// Mean across replicates (axis units).
    pub mean: f64,
    /// 95% CI (axis units), when there were at least two replicates.
    pub ci: Option<(f64, f64)>,
    /// Mean paired difference from the first point (axis units; NaN when absent).
    pub diff: f64,
    /// Its 95% CI (paired: the same replicates at both points).
    pub diff_ci: Option<(f64, f64)>,
}

/// The swept keys: from the manifest, or else the columns between `point` and `metric`.
pub fn swept_keys(table: &CsvTable, from_manifest: &[String]) -> Vec<String> {
    if !from_manifest.is_empty() && from_manifest.iter().all(|k| table.column(k).is_some()) {
        return from_manifest.to_vec();
    }
    let start = table.column("point").map_or(0, |i| i + 1);
    let end = table.column("metric").unwrap_or(start);
    table.header.get(start..end).map(<[String]>::to_vec).unwrap_or_default()
}

/// The rows of one metric, in file (plan) order, scaled to axis units.
pub fn points_of(table: &CsvTable, keys: &[String], metric: &str) -> Vec<SweepPoint> {
    let factor = metric_info(metric).factor;
    table
        .rows
        .iter()
        .filter(|r| table.text(r, "metric") == metric)
        .map(|r| {
            let (lo, hi) = (table.number(r, "ci_low"), table.number(r, "ci_high"));
            let (dlo, dhi) = (table.number(r, "diff_ci_low"), table.number(r, "diff_ci_high"));
            SweepPoint {
                diff: table.number(r, "diff_mean") * factor,
                diff_ci: (dlo.is_finite() && dhi.is_finite()).then_some((dlo * factor, dhi * factor)),
                point: table.text(r, "point").to_string(),
                params: keys.iter().map(|k| table.text(r, k).to_string()).collect(),
                mean: table.number(r, "mean") * factor,
                ci: (lo.is_finite() && hi.is_finite()).then_some((lo * factor, hi * factor)),
            }
        })
        .collect()
}

/// A swept key as an axis description: what the key table says it is (the first
/// clause of its doc), its unit, and the key itself for finding it in the scenario
/// ("Levy for a welfare fund, % (platform.fee.levy_percent)"). Keys the table does not
/// know (a folder of another version) fall back to the key with the unit its suffix
/// names.
pub fn key_label(key: &str) -> String {
    if let Some(k) = crate::scenario::keys::find(key) {
        let name = k.doc.split([',', '.', '(', ';', ':']).next().unwrap_or("").trim();
        let unit = match k.unit {
            "percent" => "%",
            other => other,
        };
        if !name.is_empty() {
            return match unit {
                "" => format!("{name} ({key})"),
                u => format!("{name}, {u} ({key})"),
            };
        }
    }
    suffix_label(key)
}

/// A swept key with the unit its suffix names (the scenario file's convention: `_usd`,
/// `_percent`, `_seconds`, `_days`).
fn suffix_label(key: &str) -> String {
    let unit = [
        ("_usd_per_hour", "US$ per hour"),
        ("_usd", "US$"),
        ("_percent", "%"),
        ("_seconds", "seconds"),
        ("_days", "days"),
    ]
    .iter()
    .find(|(suffix, _)| key.ends_with(suffix))
    .map(|(_, unit)| *unit);
    match unit {
        Some(unit) => format!("{key}, {unit}"),
        None => key.to_string(),
    }
}

/// How a swept key's values read on an axis, and the factor from the value as written
/// to axis units: `_usd` keys in dollars, `_percent` keys (written as 3 for 3%) as a
/// share, because `TickFormat::Percent` shows shares.
pub fn key_format(key: &str) -> (TickFormat, f64) {
    if key.ends_with("_usd") || key.ends_with("_usd_per_hour") {
        (TickFormat::Money, 1.0)
    } else if key.ends_with("_percent") {
        (TickFormat::Percent, 0.01)
    } else {
        (TickFormat::Number, 1.0)
    }
}

/// The levels of a swept key as category labels in its format, all with the same
/// decimals (`$4.00`, `$4.50`, never `$4`, `$4.50`; whole dollars as `$4`, `$8`); levels
/// that are not numbers stay as
/// written.
pub fn level_labels(key: &str, levels: &[String]) -> Vec<String> {
    let (format, factor) = key_format(key);
    let Some(values) = levels
        .iter()
        .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<Vec<f64>>>()
    else {
        return levels.to_vec();
    };
    // The step that shows every level exactly, in the units the value was written in
    // (so 2.5% asks for one decimal, not the three its share 0.025 would).
    let decimals = values.iter().map(|v| units::decimals_for(v.abs())).max().unwrap_or(0);
    let step = 10f64.powi(-(decimals as i32)) * factor;
    values.iter().map(|v| format.format(v * factor, step)).collect()
}

/// The distinct values of parameter `k`, sorted as numbers when they all are.
pub fn levels(points: &[SweepPoint], k: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in points {
        if !out.contains(&p.params[k]) {
            out.push(p.params[k].clone());
        }
    }
    let numbers: Option<Vec<f64>> = out.iter().map(|v| v.trim().parse::<f64>().ok()).collect();
    if let Some(nums) = numbers {
        let mut pairs: Vec<(f64, String)> = nums.into_iter().zip(out).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        return pairs.into_iter().map(|p| p.1).collect();
    }
    out
}

/// The sweep chart of one headline metric: a line for one swept key, a heat map for
/// two, bars per point otherwise.
pub fn chart(s: &Scope) -> Chart {
    let metric = s.metric.unwrap_or_default();
    let info = metric_info(metric);
    let none = CsvTable::default();
    let table = s.inputs.sweep.as_ref().unwrap_or(&none);
    let keys = swept_keys(table, &s.folder().manifest.sweep_params);
    let points = points_of(table, &keys, metric);
    let numeric = points
        .iter()
        .all(|p| p.params.iter().all(|v| v.trim().parse::<f64>().is_ok()));
    let layout = match keys.len() {
        1 if numeric => Layout::Line,
        2 => Layout::Grid,
        _ => Layout::Bars,
    };
    let name = info.name;
    let chart = match layout {
        Layout::Line => s.chart(
            &format!("{name} against {}", keys[0]),
            format!(
                "{name} at each value of {}. Left, the main panel: the paired change from the first point (the same replicates at both points, as in sweep.csv's diff columns) with its 95% confidence interval, which is what decides whether the key has an effect. Right: the level at each point with its own 95% interval across replicates, which is much wider because it includes the variation between replicates that pairing removes.",
                keys[0]
            ),
        ),
        Layout::Grid => s.chart(
            &format!("{name} over the sweep grid"),
            format!(
                "Mean across replicates of {} at each combination of {} and {}; colour runs from the lowest value (dark) to the highest (light).",
                name.to_lowercase(),
                keys[0],
                keys[1]
            ),
        ),
        Layout::Bars => s.chart(
            &format!("{name} at each sweep point"),
            format!(
                "{name} at each sweep point: bars are the mean across replicates, whiskers the 95% confidence interval."
            ),
        ),
    };
    let finite: Vec<&SweepPoint> = points.iter().filter(|p| p.mean.is_finite()).collect();
    if finite.is_empty() {
        return chart.no_data("No data: undefined at every point");
    }
    // A metric that is 0 everywhere (no levy collected, no task unfilled) would draw an
    // empty panel of flat lines: say so instead.
    let zero = |c: Option<(f64, f64)>| c.is_none_or(|(l, h)| l == 0.0 && h == 0.0);
    if finite.iter().all(|p| p.mean == 0.0 && zero(p.ci)) {
        return chart.no_data(format!(
            "Not drawn: {} is 0 at every point of the sweep",
            name.to_lowercase()
        ));
    }
    match layout {
        Layout::Line => line_chart(chart, &info, &keys[0], &finite),
        Layout::Grid => heat_map(chart, &info, &keys, &points, &finite),
        Layout::Bars => point_bars(chart, &info, &finite),
    }
}

/// How a sweep's points are laid out: along one numeric key, over the grid of two keys,
/// or a bar each.
enum Layout {
    Line,
    Grid,
    Bars,
}

fn value_range(points: &[&SweepPoint]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in points {
        for v in [Some(p.mean), p.ci.map(|c| c.0), p.ci.map(|c| c.1)]
            .into_iter()
            .flatten()
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let pad = ((hi - lo) * 0.08).max(hi.abs().max(lo.abs()) * 0.02);
    (lo - pad, hi + pad)
}

/// One swept key: the metric against the key, mean line with a 95% CI band.
fn line_chart(chart: Chart, info: &MetricInfo, key: &str, finite: &[&SweepPoint]) -> Chart {
    let (format, factor) = key_format(key);
    let mut pts: Vec<(f64, &SweepPoint)> = finite
        .iter()
        .filter_map(|p| Some((p.params[0].trim().parse::<f64>().ok()? * factor, *p)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (x0, x1) = (pts[0].0, pts[pts.len() - 1].0);
    let xpad = if x1 > x0 { (x1 - x0) * 0.04 } else { 0.0 };
    let (y0, y1) = value_range(&pts.iter().map(|p| p.1).collect::<Vec<_>>());
    let mut panel = Panel::new(
        Axis::linear(key_label(key), x0 - xpad, x1 + xpad, format),
        Axis::linear(info.axis, y0, y1, info.format),
    );
    let color = variant_color(0);
    let all_ci = pts.iter().all(|p| p.1.ci.is_some());
    if all_ci && pts.len() > 1 {
        panel.layers.push(Layer::Band {
            points: pts
                .iter()
                .map(|(x, p)| {
                    let (lo, hi) = p.ci.unwrap_or((p.mean, p.mean));
                    (*x, lo, hi)
                })
                .collect(),
            color,
            opacity: 0.22,
        });
    } else {
        // A band needs an interval at every point; show the ones there are as whiskers.
        panel.layers.push(Layer::Whiskers {
            items: pts.iter().filter_map(|(x, p)| p.ci.map(|(l, h)| (*x, l, h))).collect(),
            along_x: false,
            color,
        });
    }
    let line: Vec<(f64, f64)> = pts.iter().map(|(x, p)| (*x, p.mean)).collect();
    panel.layers.push(Layer::line(line.clone(), color, 3.0));
    panel.layers.push(Layer::dots(line, color, 5.5));
    let panel = panel.titled("Level at each point (unpaired 95% CI)");
    let ci_note = if all_ci {
        "bands: 95% CI"
    } else {
        "whiskers: 95% CI where there were 2+ replicates"
    };
    let mut panels = Vec::new();
    let mut legend = Vec::new();
    let diffs: Vec<(f64, &SweepPoint)> = pts.iter().filter(|p| p.1.diff.is_finite()).copied().collect();
    if diffs.len() > 1 {
        let change = variant_color(1);
        let (mut lo, mut hi) = (0f64, 0f64);
        for (_, p) in &diffs {
            for v in [Some(p.diff), p.diff_ci.map(|c| c.0), p.diff_ci.map(|c| c.1)]
                .into_iter()
                .flatten()
            {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        let pad = ((hi - lo) * 0.08).max(hi.abs().max(lo.abs()).max(1e-9) * 0.02);
        let mut d = Panel::new(
            Axis::linear(key_label(key), x0 - xpad, x1 + xpad, format),
            Axis::linear(
                format!("Change in {}", lowercase_first(info.axis)),
                lo - pad,
                hi + pad,
                info.format,
            ),
        );
        let with_ci: Vec<(f64, f64, f64)> = diffs
            .iter()
            .filter_map(|(x, p)| p.diff_ci.map(|(l, h)| (*x, l, h)))
            .collect();
        if with_ci.len() == diffs.len() {
            d.layers.push(Layer::Band {
                points: with_ci,
                color: change,
                opacity: 0.22,
            });
        } else {
            d.layers.push(Layer::Whiskers {
                items: with_ci,
                along_x: false,
                color: change,
            });
        }
        d.layers.push(Layer::RefLine {
            vertical: false,
            at: 0.0,
            color: super::theme::MUTED,
            dashed: true,
            label: Some("no change".into()),
        });
        let line: Vec<(f64, f64)> = diffs.iter().map(|(x, p)| (*x, p.diff)).collect();
        d.layers.push(Layer::line(line.clone(), change, 3.0));
        d.layers.push(Layer::dots(line, change, 5.5));
        panels.push(d.titled("Paired change from the first point (95% CI)"));
        legend.push(LegendEntry::new(
            "Paired change from the first point (same replicates), 95% CI",
            change,
            Mark::LineBand,
        ));
    }
    legend.push(LegendEntry::new(
        format!("{} at each point (mean and 95% CI)", info.name),
        color,
        if all_ci { Mark::LineBand } else { Mark::PointRange },
    ));
    panels.push(panel);
    let columns = panels.len();
    chart
        .with(
            Some(format!(
                "{}; lines: means across replicates; {ci_note}.",
                units::count(pts.len(), "point", "points")
            )),
            legend,
            panels,
        )
        .in_columns(columns)
}

/// `text` with its first letter in lower case ("Net income" → "net income").
fn lowercase_first(text: &str) -> String {
    // An acronym ("US$ per hour") keeps its capitals.
    let mut chars = text.chars();
    match (chars.next(), text.chars().nth(1)) {
        (Some(c), Some(n)) if !n.is_uppercase() => c.to_lowercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

/// Two swept keys: a heat map of the metric's mean over the grid.
fn heat_map(chart: Chart, info: &MetricInfo, keys: &[String], points: &[SweepPoint], finite: &[&SweepPoint]) -> Chart {
    let xs = levels(points, 0);
    // Largest value at the top, as on a numeric y axis.
    let mut ys = levels(points, 1);
    ys.reverse();
    let lo = finite.iter().map(|p| p.mean).fold(f64::INFINITY, f64::min);
    let hi = finite.iter().map(|p| p.mean).fold(f64::NEG_INFINITY, f64::max);
    let label = xs.len() * ys.len() <= MAX_LABELLED_CELLS;
    let cells = finite
        .iter()
        .filter_map(|p| {
            let x = xs.iter().position(|v| *v == p.params[0])?;
            let y = ys.iter().position(|v| *v == p.params[1])?;
            let t = if hi > lo { (p.mean - lo) / (hi - lo) } else { 0.5 };
            Some(Cell {
                x,
                y,
                color: sequential(t),
                text: label.then(|| compact(info.format, p.mean)),
            })
        })
        .collect();
    let mut panel = Panel::new(
        Axis::categories(key_label(&keys[0]), level_labels(&keys[0], &xs)),
        Axis::categories(key_label(&keys[1]), level_labels(&keys[1], &ys)),
    );
    panel.layers.push(Layer::Cells { cells });
    panel.color_bar = Some(ColorBar {
        lo: if hi > lo { lo } else { lo - lo.abs().max(1e-9) * 0.05 },
        hi: if hi > lo { hi } else { hi + hi.abs().max(1e-9) * 0.05 },
        format: info.format,
    });
    let missing = points.len() - finite.len();
    let mut subtitle = format!("Colour: {}; mean across replicates.", info.axis);
    if missing > 0 {
        subtitle.push_str(&format!(" {missing} point(s) without a value are blank."));
    }
    chart.with(Some(subtitle), Vec::new(), vec![panel])
}

/// Three or more swept keys (or keys that are not numbers): the metric per point.
fn point_bars(chart: Chart, info: &MetricInfo, finite: &[&SweepPoint]) -> Chart {
    let (lo, hi) = value_range(finite);
    let names: Vec<String> = finite.iter().map(|p| p.point.clone()).collect();
    let mut panel = Panel::new(
        Axis::linear(info.axis, lo.min(0.0), hi.max(0.0), info.format),
        Axis::categories("", names),
    );
    for (i, p) in finite.iter().enumerate() {
        panel
            .layers
            .extend(bar_with_ci(i as f64, p.mean, p.ci, variant_color(0)));
    }
    chart.with(
        Some("Mean across replicates; whiskers: 95% CI.".into()),
        Vec::new(),
        vec![panel],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> CsvTable {
        CsvTable::parse(
            "point,a.b,c,metric,mean,ci_low,ci_high,n,diff_mean,diff_ci_low,diff_ci_high\n\
             p1,10,x,gini_net_income,0.3,0.2,0.4,3,0,0,0\n\
             p2,2,y,gini_net_income,0.5,,,1,,,\n\
             p1,10,x,worker_net_cents,100,90,110,3,0,0,0\n",
        )
    }

    #[test]
    fn key_labels_name_the_key_as_the_key_table_does_with_its_unit() {
        assert_eq!(
            key_label("platform.fee.levy_percent"),
            "Levy for a welfare fund, % (platform.fee.levy_percent)"
        );
        // Unknown keys (another version's folder) keep the unit of their suffix.
        assert_eq!(key_label("old.thing_percent"), "old.thing_percent, %");
        assert_eq!(
            suffix_label("platform.fee.pay_floor_usd_per_hour"),
            "platform.fee.pay_floor_usd_per_hour, US$ per hour"
        );
        assert_eq!(key_label("no.such_key"), "no.such_key");
        assert_eq!(lowercase_first("US$ per hour"), "US$ per hour");
        assert_eq!(lowercase_first("Net income"), "net income");
    }

    #[test]
    fn swept_values_read_in_the_unit_of_their_key() {
        let labels =
            |key: &str, values: &[&str]| level_labels(key, &values.iter().map(|v| v.to_string()).collect::<Vec<_>>());
        assert_eq!(
            labels("platform.fee.levy_percent", &["0.0", "2.5", "10.0"]),
            ["0.0%", "2.5%", "10.0%"]
        );
        assert_eq!(labels("platform.fee.levy_percent", &["0", "10"]), ["0%", "10%"]);
        assert_eq!(
            labels("workers.reservation_wage.median_usd", &["4.0", "4.5"]),
            ["$4.00", "$4.50"]
        );
        assert_eq!(labels("platform.fee.pay_floor_usd_per_hour", &["4", "8"]), ["$4", "$8"]);
        assert_eq!(labels("demand.noise_sigma", &["0.10", "0.2"]), ["0.1", "0.2"]);
        assert_eq!(labels("a.b", &["x", "2"]), ["x", "2"]);
        assert_eq!(key_format("platform.fee.levy_percent"), (TickFormat::Percent, 0.01));
    }

    #[test]
    fn keys_come_from_the_manifest_or_the_header() {
        let t = table();
        assert_eq!(swept_keys(&t, &[]), vec!["a.b", "c"]);
        assert_eq!(swept_keys(&t, &["c".to_string()]), vec!["c"]);
        assert_eq!(swept_keys(&t, &["missing".to_string()]), vec!["a.b", "c"]);
    }

    #[test]
    fn points_are_scaled_and_keep_missing_cis_missing() {
        let t = table();
        let keys = swept_keys(&t, &[]);
        let g = points_of(&t, &keys, "gini_net_income");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].ci, Some((0.2, 0.4)));
        assert_eq!(g[1].ci, None);
        let money = points_of(&t, &keys, "worker_net_cents");
        assert_eq!(money[0].mean, 1.0);
        assert_eq!(money[0].ci, Some((0.9, 1.1)));
        assert_eq!(levels(&g, 0), vec!["2", "10"]);
        assert_eq!(levels(&g, 1), vec!["x", "y"]);
    }
}
