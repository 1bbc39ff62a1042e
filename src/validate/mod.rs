//! Validation: a scenario's simulated moments against empirical targets.
//!
//! A targets file ([`targets`]) lists moments from a fixed vocabulary ([`moments`]),
//! each with a value and tolerance (or a range) and its source. Each moment is computed
//! per replicate from the run's tables, averaged over replicates with a 95% confidence
//! interval, and checked against its band: [`evaluate`] gives one [`Check`] per
//! target, which `validation.csv`, the validation chart and the report show.
//! `gigsim calibrate` fits scenario keys to the same targets.

pub mod moments;
pub mod targets;

use std::path::Path;

pub use moments::{Context, MOMENTS, Moment, Sample, Table};
pub use targets::{Band, Target, Targets};

use crate::metrics::Estimate;
use crate::model::record::RunRecord;
use crate::output::OutputError;
use crate::output::columns::VALIDATION;
use crate::output::tables::{frame, write_csv};
use crate::scenario::Scenario;

/// One target, checked.
#[derive(Clone, Debug)]
pub struct Check {
    /// The target.
    pub target: Target,
    /// The moment's mean over replicates with its 95% CI.
    pub estimate: Estimate,
    /// Whether the mean lies in the target's band.
    pub inside: bool,
    /// Whether the CI overlaps the band (`None` without a CI).
    pub ci_overlaps: Option<bool>,
}

impl Check {
    /// Target and tolerance, for a target given so.
    pub fn around(&self) -> Option<(f64, f64)> {
        match self.target.band {
            Band::Around { target, tolerance } => Some((target, tolerance)),
            Band::Range { .. } => None,
        }
    }

    /// Low and high, for a target given as a range.
    pub fn range(&self) -> Option<(f64, f64)> {
        match self.target.band {
            Band::Range { low, high } => Some((low, high)),
            Band::Around { .. } => None,
        }
    }
}

impl Context {
    /// The context of a scenario's runs.
    pub fn of(scenario: &Scenario) -> Context {
        Context {
            reporting: scenario.reporting,
            warmup_days: scenario.warmup_days,
            days: scenario.days,
        }
    }
}

/// The tables `targets` read, so a run can be refused before it starts when
/// `--tables` leaves one out.
pub fn tables_needed(targets: &Targets) -> Vec<Table> {
    let mut t: Vec<Table> = targets.moments.iter().flat_map(|m| m.moment.tables()).collect();
    t.sort_unstable();
    t.dedup();
    t
}

/// Checks each target against the moment's value in each replicate's `samples`.
pub fn evaluate(targets: &Targets, samples: &[Sample], context: &Context) -> Vec<Check> {
    targets
        .moments
        .iter()
        .map(|t| {
            let values: Vec<f64> = samples
                .iter()
                .map(|s| t.moment.value(s, context, t.threshold).unwrap_or(f64::NAN))
                .collect();
            check(t, Estimate::of(&values, 0.95).within(t.moment.support()))
        })
        .collect()
}

/// Checks `targets` against run records in memory (e.g. a calibration's candidate).
pub fn evaluate_records(targets: &Targets, records: &[RunRecord], context: &Context) -> Vec<Check> {
    let moments: Vec<&Moment> = targets.moments.iter().map(|t| t.moment).collect();
    let samples: Vec<Sample> = records.iter().map(|r| Sample::of_record(r, &moments)).collect();
    evaluate(targets, &samples, context)
}

/// Checks `targets` against the base variant of a finished results folder.
pub fn evaluate_folder(targets: &Targets, dir: &Path, context: &Context) -> Result<Vec<Check>, OutputError> {
    let moments: Vec<&Moment> = targets.moments.iter().map(|t| t.moment).collect();
    let samples = Sample::of_folder(dir, "base", &moments)?;
    Ok(evaluate(targets, &samples, context))
}

/// Checks one target against the moment's estimate (mean and CI over replicates).
pub fn check(target: &Target, estimate: Estimate) -> Check {
    let inside = estimate.mean.is_finite() && target.band.contains(estimate.mean);
    let (lo, hi) = target.band.bounds();
    let ci_overlaps = match (estimate.ci_low, estimate.ci_high) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => Some(l <= hi && h >= lo),
        _ => None,
    };
    Check {
        target: target.clone(),
        estimate,
        inside,
        ci_overlaps,
    }
}

/// Writes `validation.csv` into `dir`.
pub fn write_validation(dir: &Path, checks: &[Check]) -> Result<(), OutputError> {
    let mut df = frame("validation", checks, VALIDATION)?;
    write_csv(&dir.join("validation.csv"), "validation", &mut df)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(band: Band) -> Target {
        Target {
            moment: moments::find("gini_net_income").unwrap(),
            band,
            threshold: None,
            source: String::new(),
        }
    }

    #[test]
    fn inside_and_overlap_follow_the_band() {
        let band = Band::Around {
            target: 0.5,
            tolerance: 0.1,
        };
        let e = |values: &[f64]| Estimate::of(values, 0.95);
        let c = check(&target(band), e(&[0.55, 0.57, 0.56]));
        assert!(c.inside && c.ci_overlaps == Some(true));
        let c = check(&target(band), e(&[0.65, 0.75]));
        assert!(!c.inside && c.ci_overlaps == Some(true), "a wide CI reaches the band");
        let c = check(&target(band), e(&[0.9, 0.9001, 0.9002]));
        assert!(!c.inside && c.ci_overlaps == Some(false));
        let c = check(&target(band), e(&[0.5]));
        assert!(c.inside && c.ci_overlaps.is_none(), "one replicate has no interval");
        let c = check(&target(band), e(&[f64::NAN, f64::NAN]));
        assert!(!c.inside, "a moment undefined everywhere is not inside");
    }
}
