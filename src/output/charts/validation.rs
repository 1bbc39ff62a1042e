//! `validate`: every moment of the targets file against its band, on one scale. Each
//! moment is placed by its distance from the centre of its band in half-widths of the
//! band, so moments in dollars, shares and days share an axis and "inside" is always
//! −1 to 1.

use super::data::CsvTable;
use super::figure::{Axis, Layer, LegendEntry, Mark, Panel};
use super::theme::{GRID, INK, PALETTE};
use super::{Chart, Scope};
use crate::units::{self, TickFormat};

/// Points farther out than this many half-widths are drawn at the edge.
const FARTHEST: f64 = 8.0;

/// One row of validation.csv, as the chart reads it.
struct Row {
    label: String,
    centre: f64,
    half: f64,
    mean: f64,
    ci: Option<(f64, f64)>,
    inside: bool,
}

impl Row {
    /// Distance of `v` from the band's centre in half-widths, within ±FARTHEST.
    fn scaled(&self, v: f64) -> f64 {
        let d = v - self.centre;
        let z = if self.half > 0.0 {
            d / self.half
        } else if d == 0.0 {
            0.0
        } else {
            d.signum() * f64::INFINITY
        };
        z.clamp(-FARTHEST, FARTHEST)
    }
}

/// The moments against their target bands.
pub fn chart(s: &Scope) -> Chart {
    let n = s.replicates();
    let chart = s.chart("Moments against their targets", caption(n));
    from_table(chart, s.inputs.validation.as_ref())
}

/// The chart of a calibration's best point (its folder has no run tables): the
/// moments of `table` (its validation.csv) over `replicates`.
pub fn of_best_point(table: &CsvTable, replicates: usize, scenario: &str) -> Chart {
    let chart = Chart::new(
        "validation",
        format!("Moments of the best point against their targets — {scenario}"),
        caption(replicates),
    );
    from_table(chart, Some(table))
}

fn caption(n: usize) -> String {
    format!(
        "Each moment of the targets file: the simulated mean over {} (dot; filled when inside the band, a ring when outside) with its 95% confidence interval, against the target band (shaded), as the distance from the band's centre in half-widths of the band, so that inside is −1 to 1 whatever the moment's unit. Points beyond ±{FARTHEST} are drawn at the edge. validation.csv has the values.",
        units::replicates(n)
    )
}

/// `chart` drawn from the rows of validation.csv.
fn from_table(chart: Chart, table: Option<&CsvTable>) -> Chart {
    let Some(t) = table else {
        return chart.no_data("No data: this folder has no validation.csv");
    };
    let rows: Vec<Row> = t
        .rows
        .iter()
        .map(|r| {
            let (lo, hi) = match (t.number(r, "target"), t.number(r, "tolerance")) {
                (target, tol) if target.is_finite() && tol.is_finite() => (target - tol, target + tol),
                _ => (t.number(r, "low"), t.number(r, "high")),
            };
            let threshold = t.number(r, "threshold");
            let name = t.text(r, "moment");
            Row {
                // Category labels are cut at about 30 characters: the threshold takes the
                // place of the words it stands for.
                label: if threshold.is_finite() {
                    name.replace("hourly_wage", &format!("${}/h", units::three_digits(threshold)))
                } else {
                    name.to_string()
                },
                centre: 0.5 * (lo + hi),
                half: 0.5 * (hi - lo),
                mean: t.number(r, "mean"),
                ci: Some((t.number(r, "ci_low"), t.number(r, "ci_high")))
                    .filter(|(l, h)| l.is_finite() && h.is_finite()),
                inside: t.text(r, "inside") == "true",
            }
        })
        .collect();
    if rows.is_empty() {
        return chart.no_data("No data: validation.csv lists no moment");
    }
    let reach = rows
        .iter()
        .flat_map(|r| {
            let mut v = vec![r.scaled(r.mean)];
            if let Some((l, h)) = r.ci {
                v.extend([r.scaled(l), r.scaled(h)]);
            }
            v
        })
        .filter(|v| v.is_finite())
        .map(f64::abs)
        .fold(2.0, f64::max);
    let edge = (reach * 1.1).min(FARTHEST * 1.05);
    let mut panel = Panel::new(
        Axis::linear(
            "Distance from the target, in half-widths of its band",
            -edge,
            edge,
            TickFormat::Number,
        ),
        Axis::categories("", rows.iter().map(|r| r.label.clone()).collect()),
    );
    let band = PALETTE[2];
    panel.layers.push(Layer::Rects {
        rects: (0..rows.len())
            .map(|i| [-1.0, 1.0, i as f64 - 0.38, i as f64 + 0.38])
            .collect(),
        color: band,
        opacity: 0.22,
    });
    panel.layers.push(Layer::RefLine {
        vertical: true,
        at: 0.0,
        color: GRID,
        dashed: false,
        label: None,
    });
    let whiskers: Vec<(f64, f64, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.ci.map(|(l, h)| (i as f64, r.scaled(l), r.scaled(h))))
        .collect();
    if !whiskers.is_empty() {
        panel.layers.push(Layer::Whiskers {
            items: whiskers,
            along_x: true,
            color: INK,
        });
    }
    let dots = |inside: bool| -> Vec<(f64, f64)> {
        rows.iter()
            .enumerate()
            .filter(|(_, r)| r.inside == inside && r.mean.is_finite())
            .map(|(i, r)| (r.scaled(r.mean), i as f64))
            .collect()
    };
    panel.layers.push(Layer::dots(dots(true), INK, 4.5));
    panel.layers.push(Layer::Points {
        points: dots(false),
        color: PALETTE[3],
        radius: 5.0,
        filled: false,
    });
    let inside = rows.iter().filter(|r| r.inside).count();
    let subtitle = format!(
        "{inside} of {} inside their targets (the band, −1 to 1)",
        units::plural(rows.len() as u64, "moment")
    );
    let legend = vec![
        LegendEntry::new("Target band", band, Mark::Area),
        LegendEntry::new("Simulated mean, 95% CI", INK, Mark::PointRange),
    ];
    chart.with(Some(subtitle), legend, vec![panel])
}
