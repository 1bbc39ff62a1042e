//! `summary.csv`: each headline metric per variant, as the mean across replicates with
//! a 95% confidence interval (Student's t, n − 1 degrees of freedom). The interval
//! measures simulation error across replicates, not uncertainty about the world.

use polars::prelude::*;

use super::OutputError;
use super::columns::{self, HEADLINE};
use crate::metrics::Estimate;

/// One row of the summary.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    /// Variant.
    pub variant: String,
    /// Metric.
    pub metric: String,
    /// The estimate.
    pub estimate: Estimate,
}

/// The variants of a runs frame in order of first appearance (plan order).
pub fn variants_in_order(runs: &DataFrame) -> Result<Vec<String>, OutputError> {
    let col = runs.column("variant").map_err(|e| OutputError::table("runs", e))?;
    let names = col.str().map_err(|e| OutputError::table("runs", e))?;
    let mut out: Vec<String> = Vec::new();
    for name in names.iter().flatten() {
        if out.last().map(String::as_str) != Some(name) && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// The values of a metric for one variant, in replicate order (null → NaN).
pub fn metric_values(runs: &DataFrame, variant: &str, metric: &str) -> Result<Vec<f64>, OutputError> {
    let err = |e| OutputError::table("runs", e);
    let names = runs.column("variant").map_err(err)?.str().map_err(err)?.clone();
    let values = runs
        .column(metric)
        .map_err(err)?
        .cast(&DataType::Float64)
        .map_err(err)?;
    let values = values.f64().map_err(err)?;
    Ok(names
        .iter()
        .zip(values.iter())
        .filter(|(n, _)| *n == Some(variant))
        .map(|(_, v)| v.unwrap_or(f64::NAN))
        .collect())
}

/// The summary rows of a runs frame: variants in plan order, headline metrics in order.
pub fn summarize(runs: &DataFrame) -> Result<Vec<SummaryRow>, OutputError> {
    let mut rows = Vec::new();
    for variant in variants_in_order(runs)? {
        for metric in HEADLINE {
            let values = metric_values(runs, &variant, metric)?;
            rows.push(SummaryRow {
                variant: variant.clone(),
                metric: metric.to_string(),
                estimate: Estimate::of(&values, 0.95).within(columns::support_of(metric)),
            });
        }
    }
    Ok(rows)
}

/// The summary as a frame with the documented columns.
pub fn summary_frame(rows: &[SummaryRow]) -> Result<DataFrame, OutputError> {
    super::tables::frame("summary", rows, columns::SUMMARY)
}

/// A metric's value for people: dollars for cents, percent for shares; never a
/// negative zero ("-0.0%").
pub fn format_value(metric: &str, v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let sign = if v < 0.0 && format!("{:.2}", v.abs()) != "0.00" {
        "-"
    } else {
        ""
    };
    // group_float drops the minus of a value that rounds to zero.
    match columns::unit_of(metric) {
        "US cents" => format!("{sign}${}", group_float(v.abs() / 100.0, 2)),
        "US$/h" => format!("{sign}${:.2}/h", v.abs()),
        "share" => format!("{}%", group_float(v * 100.0, 1)),
        "0-1" => group_float(v, 3),
        _ => group_float(v, if v.abs() >= 100.0 { 0 } else { 1 }),
    }
}

/// A change of a metric for people, with its sign: shares change in percentage points
/// ("+9.1 pp", not "+9.1%"), the rest in the metric's own unit; zero has no sign.
pub fn format_change(metric: &str, v: f64) -> String {
    let text = if columns::unit_of(metric) == "share" && v.is_finite() {
        format!("{} pp", group_float(v * 100.0, 1))
    } else {
        format_value(metric, v)
    };
    let zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
    if zero || text.starts_with('-') || text == "n/a" {
        text
    } else {
        format!("+{text}")
    }
}

/// The name a metric is shown under: a `_cents` metric is printed in dollars, so its
/// name says so.
pub fn metric_label(metric: &str) -> String {
    if columns::unit_of(metric) == "US cents" {
        format!("{metric} (US$)")
    } else {
        metric.to_string()
    }
}

/// A number with thousands separators and `decimals` decimals.
pub fn group_float(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if v < 0.0 && v.abs() >= 0.5 * 10f64.powi(-(decimals as i32)) {
        format!("-{out}")
    } else {
        out
    }
}

/// The headline table printed at the end of a run.
pub fn headline_text(rows: &[SummaryRow]) -> String {
    let mut out = String::new();
    let mut last_variant = "";
    for r in rows {
        if r.variant != last_variant {
            out.push_str(&format!("  {}\n", r.variant));
            last_variant = &r.variant;
        }
        let e = &r.estimate;
        let ci = match (e.ci_low, e.ci_high) {
            (Some(lo), Some(hi)) => format!(
                "95% CI {} to {}",
                format_value(&r.metric, lo),
                format_value(&r.metric, hi)
            ),
            _ => "(one replicate: no CI)".into(),
        };
        out.push_str(&format!(
            "    {:<28} {:>14}   {ci}\n",
            metric_label(&r.metric),
            format_value(&r.metric, e.mean)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_of_values() {
        assert_eq!(format_value("worker_net_cents", 123_456_789.0), "$1,234,567.89");
        assert_eq!(format_value("median_hourly_wage", 3.456), "$3.46/h");
        assert_eq!(format_value("share_below_wage_floor", 0.25), "25.0%");
        assert_eq!(format_value("tasks_unfilled", 12_345.0), "12,345");
        assert_eq!(format_value("worker_net_cents", -408_668.0), "-$4,086.68");
        assert_eq!(format_value("median_hourly_wage", -0.5), "-$0.50/h");
        assert_eq!(format_value("share_below_wage_floor", -0.0001), "0.0%");
        assert_eq!(format_change("share_below_wage_floor", 0.091), "+9.1 pp");
        assert_eq!(format_change("share_below_wage_floor", -0.0001), "0.0 pp");
        assert_eq!(format_change("worker_net_cents", -408_668.0), "-$4,086.68");
        assert_eq!(format_change("tasks_unfilled", 12.0), "+12.0");
        assert_eq!(metric_label("worker_net_cents"), "worker_net_cents (US$)");
        assert_eq!(group_float(-1234.5, 1), "-1,234.5");
        assert_eq!(group_float(-0.001, 2), "0.00");
    }
}
