//! `comparison.csv` and `sweep.csv`: each variant (or sweep point) against the
//! reference, with paired differences. Every variant runs on the same replicates, so
//! replicate r of a variant and of the reference share their workers, demand and luck
//! (common random numbers); the difference is estimated from the per-replicate
//! differences, which removes most of the replicate-to-replicate noise. A Welch
//! interval that ignores the pairing is written beside it to show what pairing gains.

use polars::prelude::*;

use super::OutputError;
use super::columns::{COMPARISON, HEADLINE, SWEEP};
use super::summary::metric_values;
use super::tables;
use crate::metrics::{Estimate, mean, sample_sd, t_quantile};

/// One variant and metric against the reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Contrast {
    /// Variant (or sweep point).
    pub variant: String,
    /// Metric.
    pub metric: String,
    /// The variant's own estimate.
    pub level: Estimate,
    /// The paired difference from the reference.
    pub diff: Estimate,
    /// A Welch interval for the difference that ignores the pairing.
    pub unpaired: (Option<f64>, Option<f64>),
}

/// Welch's 95% interval for the difference of two means of independent samples.
pub fn welch_interval(a: &[f64], b: &[f64]) -> (Option<f64>, Option<f64>) {
    let a: Vec<f64> = a.iter().copied().filter(|v| v.is_finite()).collect();
    let b: Vec<f64> = b.iter().copied().filter(|v| v.is_finite()).collect();
    let (Some(ma), Some(mb), Some(sa), Some(sb)) = (mean(&a), mean(&b), sample_sd(&a), sample_sd(&b)) else {
        return (None, None);
    };
    let (va, vb) = (sa * sa / a.len() as f64, sb * sb / b.len() as f64);
    let se = (va + vb).sqrt();
    let d = ma - mb;
    if se == 0.0 {
        return (Some(d), Some(d));
    }
    let df = (va + vb).powi(2) / (va * va / (a.len() - 1) as f64 + vb * vb / (b.len() - 1) as f64);
    let half = t_quantile(0.975, df) * se;
    (Some(d - half), Some(d + half))
}

/// Each variant (in `variants` order, the first being the reference) and headline
/// metric against the reference.
pub fn contrasts(runs: &DataFrame, variants: &[String]) -> Result<Vec<Contrast>, OutputError> {
    let Some(reference) = variants.first() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for variant in variants {
        for metric in HEADLINE {
            let v = metric_values(runs, variant, metric)?;
            let r = metric_values(runs, reference, metric)?;
            let diffs: Vec<f64> = v.iter().zip(&r).map(|(a, b)| a - b).collect();
            out.push(Contrast {
                variant: variant.clone(),
                metric: metric.to_string(),
                level: Estimate::of(&v, 0.95).within(super::columns::support_of(metric)),
                diff: Estimate::of(&diffs, 0.95),
                // The reference against itself has no unpaired interval to show (its
                // samples are one and the same, not independent).
                unpaired: if variant == reference {
                    (None, None)
                } else {
                    welch_interval(&v, &r)
                },
            });
        }
    }
    Ok(out)
}

/// `comparison.csv` as a frame.
pub fn comparison_frame(rows: &[Contrast]) -> Result<DataFrame, OutputError> {
    tables::frame("comparison", rows, COMPARISON)
}

/// `sweep.csv` as a frame: `point`, one column per swept key with the point's values,
/// then the estimates.
pub fn sweep_frame(rows: &[Contrast], params: &[String], values: &[Vec<f64>]) -> Result<DataFrame, OutputError> {
    let per_point = HEADLINE.len();
    let mut cols = tables::build("sweep", None, rows, SWEEP)?;
    let swept = params.iter().enumerate().map(|(k, key)| {
        let column: Vec<f64> = (0..rows.len()).map(|i| values[i / per_point][k]).collect();
        Column::new(key.as_str().into(), column)
    });
    cols.splice(1..1, swept);
    DataFrame::new(rows.len(), cols).map_err(|e| OutputError::table("sweep", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs() -> DataFrame {
        let variant = ["base", "base", "base", "v", "v", "v", "same", "same", "same"];
        let net = [100i64, 200, 300, 110, 212, 305, 100, 200, 300];
        let mut cols = vec![
            Column::new("variant".into(), variant.to_vec()),
            Column::new("replicate".into(), vec![0u32, 1, 2, 0, 1, 2, 0, 1, 2]),
        ];
        for m in HEADLINE {
            if *m == "worker_net_cents" {
                cols.push(Column::new((*m).into(), net.to_vec()));
            } else {
                cols.push(Column::new((*m).into(), vec![1.0f64; 9]));
            }
        }
        DataFrame::new(9, cols).unwrap()
    }

    #[test]
    fn identical_variants_differ_by_exactly_zero() {
        let names: Vec<String> = ["base", "v", "same"].iter().map(|s| s.to_string()).collect();
        let c = contrasts(&runs(), &names).unwrap();
        for row in c.iter().filter(|r| r.variant == "same" || r.variant == "base") {
            assert_eq!(row.diff.mean, 0.0, "{row:?}");
            assert_eq!((row.diff.ci_low, row.diff.ci_high), (Some(0.0), Some(0.0)), "{row:?}");
        }
    }

    #[test]
    fn pairing_narrows_the_interval_when_replicates_share_noise() {
        let names: Vec<String> = ["base", "v"].iter().map(|s| s.to_string()).collect();
        let c = contrasts(&runs(), &names).unwrap();
        let net = c
            .iter()
            .find(|r| r.variant == "v" && r.metric == "worker_net_cents")
            .unwrap();
        assert!((net.diff.mean - 9.0).abs() < 1e-12); // (10 + 12 + 5) / 3
        let paired = net.diff.ci_high.unwrap() - net.diff.ci_low.unwrap();
        let unpaired = net.unpaired.1.unwrap() - net.unpaired.0.unwrap();
        assert!(paired * 10.0 < unpaired, "paired {paired} vs unpaired {unpaired}");
    }

    #[test]
    fn welch_matches_a_hand_computed_case() {
        // a = 1,2,3 (mean 2, var 1); b = 2,4,6 (mean 4, var 4): se = sqrt(5/3),
        // df = (5/3)^2 / ((1/9 + 16/9) / 2) = 50/17, t = 3.21876 (numerical integration
        // of the t density).
        let (lo, hi) = welch_interval(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]);
        let half = 3.21876 * (5.0f64 / 3.0).sqrt();
        assert!((lo.unwrap() - (-2.0 - half)).abs() < 1e-4, "{lo:?}");
        assert!((hi.unwrap() - (-2.0 + half)).abs() < 1e-4, "{hi:?}");
    }
}
