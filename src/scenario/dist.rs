//! Distributions of worker, requester and task traits, as written in a scenario
//! (`{ dist = "lognormal", median = 1.38, sigma = 0.8, max = 50 }`) and as sampled.
//!
//! Every distribution may carry `min`/`max` bounds; draws are clamped to them and to the
//! range the key allows (hours can never be negative), so a normal distribution of hours
//! is safe to write.

use rand::Rng;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Pareto};
use serde::{Deserialize, Serialize};

/// The family of a distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistKind {
    /// Always `value`.
    Fixed,
    /// Uniform between `low` and `high`.
    Uniform,
    /// Normal with `mean` and standard deviation `sd`.
    Normal,
    /// Log-normal with `median` (= e^μ) and log-scale standard deviation `sigma`.
    Lognormal,
    /// Beta with shapes `a` and `b`, on [0, 1].
    Beta,
    /// Pareto with minimum `scale` and tail index `shape`.
    Pareto,
}

impl DistKind {
    /// Every family, in the order the documentation lists them.
    pub const ALL: [DistKind; 6] = [
        DistKind::Fixed,
        DistKind::Uniform,
        DistKind::Normal,
        DistKind::Lognormal,
        DistKind::Beta,
        DistKind::Pareto,
    ];

    /// The name written in a scenario.
    pub fn name(self) -> &'static str {
        match self {
            DistKind::Fixed => "fixed",
            DistKind::Uniform => "uniform",
            DistKind::Normal => "normal",
            DistKind::Lognormal => "lognormal",
            DistKind::Beta => "beta",
            DistKind::Pareto => "pareto",
        }
    }

    /// The parameters the family requires, in the order they are written.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            DistKind::Fixed => &["value"],
            DistKind::Uniform => &["low", "high"],
            DistKind::Normal => &["mean", "sd"],
            DistKind::Lognormal => &["median", "sigma"],
            DistKind::Beta => &["a", "b"],
            DistKind::Pareto => &["scale", "shape"],
        }
    }
}

/// A distribution as written in a scenario: the family and the parameters present.
/// Which parameters a family takes is checked in [`RawDist::build`], so a wrong one gets
/// a message naming the family and what it takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    /// The family.
    pub dist: DistKind,
    /// `fixed`: the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// `uniform`: lower end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// `uniform`: upper end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// `normal`: mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// `normal`: standard deviation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// `lognormal`: median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    /// `lognormal`: standard deviation of the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// `beta`: first shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<f64>,
    /// `beta`: second shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<f64>,
    /// `pareto`: minimum value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// `pareto`: tail index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<f64>,
    /// Optional lower bound: draws below it are raised to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Optional upper bound: draws above it are lowered to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

impl RawDist {
    /// The family `kind` with its parameters in the order [`DistKind::params`] lists
    /// them: `RawDist::with(DistKind::Lognormal, &[1.38, 0.8])` is
    /// `{ dist = "lognormal", median = 1.38, sigma = 0.8 }`.
    pub fn with(kind: DistKind, values: &[f64]) -> Self {
        let mut t = toml::Table::new();
        t.insert("dist".into(), kind.name().into());
        for (name, v) in kind.params().iter().zip(values) {
            t.insert((*name).into(), (*v).into());
        }
        t.try_into().expect("a family with its own parameters")
    }

    /// The same distribution with bounds.
    pub fn bounded(self, min: Option<f64>, max: Option<f64>) -> Self {
        RawDist { min, max, ..self }
    }

    /// The names of every parameter slot, bounds included.
    pub const SLOTS: [&'static str; 13] = [
        "value", "low", "high", "mean", "sd", "median", "sigma", "a", "b", "scale", "shape", "min", "max",
    ];

    /// Every parameter slot with its name.
    fn slots(&self) -> [(&'static str, Option<f64>); 13] {
        let values = [
            self.value,
            self.low,
            self.high,
            self.mean,
            self.sd,
            self.median,
            self.sigma,
            self.a,
            self.b,
            self.scale,
            self.shape,
            self.min,
            self.max,
        ];
        std::array::from_fn(|i| (Self::SLOTS[i], values[i]))
    }

    /// Checks the parameters against the family and the range `[lo, hi]` the key allows,
    /// and builds the sampler. The error names the offending parameter (relative to the
    /// distribution) and says what is allowed.
    pub fn build(&self, lo: f64, hi: f64) -> Result<Dist, DistProblem> {
        let takes = self.dist.params();
        let kind = self.dist.name();
        for (name, v) in self.slots().iter() {
            if v.is_some() && !takes.contains(name) && *name != "min" && *name != "max" {
                return Err(DistProblem {
                    param: (*name).to_string(),
                    allowed: format!("dist = \"{kind}\" takes {} (and optional min, max)", takes.join(", ")),
                });
            }
            if let Some(v) = v
                && !v.is_finite()
            {
                return Err(DistProblem {
                    param: (*name).to_string(),
                    allowed: "a finite number".into(),
                });
            }
        }
        let get = |name: &str| -> Result<f64, DistProblem> {
            self.slots()
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| *v)
                .ok_or_else(|| DistProblem {
                    param: name.to_string(),
                    allowed: format!("dist = \"{kind}\" needs {}", takes.join(" and ")),
                })
        };
        let range = format!("{} to {}", fmt_num(lo), fmt_num(hi));
        let within = |name: &str, v: f64| -> Result<f64, DistProblem> {
            if v < lo || v > hi {
                Err(DistProblem {
                    param: name.into(),
                    allowed: format!("expected a value from {range}"),
                })
            } else {
                Ok(v)
            }
        };
        let at_least = |name: &str, v: f64, zero: bool| -> Result<f64, DistProblem> {
            if v > 0.0 || (zero && v == 0.0) {
                Ok(v)
            } else {
                let allowed = if zero { "0 or more" } else { "a number above 0" };
                Err(DistProblem {
                    param: name.into(),
                    allowed: allowed.into(),
                })
            }
        };
        let positive = |name: &str, v: f64| at_least(name, v, false);
        let min = match self.min {
            Some(m) => within("min", m)?,
            None => lo,
        };
        let max = match self.max {
            Some(m) => within("max", m)?,
            None => hi,
        };
        if min > max {
            return Err(DistProblem {
                param: "min".into(),
                allowed: format!("expected at most max ({})", fmt_num(max)),
            });
        }
        let shape = match self.dist {
            DistKind::Fixed => Shape::Fixed(within("value", get("value")?)?),
            DistKind::Uniform => {
                let (l, h) = (within("low", get("low")?)?, within("high", get("high")?)?);
                if l > h {
                    return Err(DistProblem {
                        param: "low".into(),
                        allowed: format!("expected at most high ({})", fmt_num(h)),
                    });
                }
                Shape::Uniform(l, h)
            }
            DistKind::Normal => {
                let sd = at_least("sd", get("sd")?, true)?;
                Shape::Normal(Normal::new(get("mean")?, sd).expect("checked sd"))
            }
            DistKind::Lognormal => {
                let median = positive("median", get("median")?)?;
                let sigma = at_least("sigma", get("sigma")?, true)?;
                Shape::LogNormal(LogNormal::new(median.ln(), sigma).expect("checked sigma"))
            }
            DistKind::Beta => {
                let a = positive("a", get("a")?)?;
                let b = positive("b", get("b")?)?;
                Shape::Beta(Beta::new(a, b).map_err(|e| DistProblem {
                    param: "a".into(),
                    allowed: format!("shapes a beta distribution accepts ({e})"),
                })?)
            }
            DistKind::Pareto => {
                let scale = positive("scale", get("scale")?)?;
                let shape = positive("shape", get("shape")?)?;
                Shape::Pareto(Pareto::new(scale, shape).expect("checked parameters"))
            }
        };
        Ok(Dist { shape, min, max })
    }
}

/// What is wrong with a distribution: the parameter and what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct DistProblem {
    /// The parameter inside the distribution (`sigma`, `min`, …).
    pub param: String,
    /// What the parameter may be.
    pub allowed: String,
}

/// A number for messages: integers without a decimal point, others as written.
pub fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[derive(Clone, Debug)]
enum Shape {
    Fixed(f64),
    Uniform(f64, f64),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Beta(Beta<f64>),
    Pareto(Pareto<f64>),
}

/// A checked distribution, ready to sample, with its bounds.
#[derive(Clone, Debug)]
pub struct Dist {
    shape: Shape,
    min: f64,
    max: f64,
}

impl Default for Dist {
    /// Always 0 (the placeholder a scenario's settings start from before its keys are set).
    fn default() -> Self {
        Dist {
            shape: Shape::Fixed(0.0),
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
        }
    }
}

impl Dist {
    /// One draw, clamped to the bounds. A fixed distribution draws no random number, so
    /// switching a trait to `fixed` does not shift the draws of the traits after it.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.shape {
            Shape::Fixed(v) => *v,
            Shape::Uniform(l, h) => l + (h - l) * crate::rng::unit_f64(rng.next_u64()),
            Shape::Normal(d) => d.sample(rng),
            Shape::LogNormal(d) => d.sample(rng),
            Shape::Beta(d) => d.sample(rng),
            Shape::Pareto(d) => d.sample(rng),
        };
        x.clamp(self.min, self.max)
    }

    /// The mean of the distribution before clamping where it has a closed form, else a
    /// deterministic Monte Carlo estimate; used for estimates and priors, never in a run.
    pub fn approx_mean(&self) -> f64 {
        let m = match &self.shape {
            Shape::Fixed(v) => *v,
            Shape::Uniform(l, h) => 0.5 * (l + h),
            _ => {
                let mut rng = crate::rng::SplitMix64::new(0x5EED);
                let n = 20_000;
                return (0..n).map(|_| self.sample(&mut rng)).sum::<f64>() / n as f64;
            }
        };
        m.clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn draws_are_clamped_to_bounds() {
        let d = RawDist::with(DistKind::Normal, &[0.0, 10.0])
            .bounded(Some(-1.0), Some(1.0))
            .build(-5.0, 5.0)
            .unwrap();
        let mut rng = SplitMix64::new(1);
        for _ in 0..1000 {
            let x = d.sample(&mut rng);
            assert!((-1.0..=1.0).contains(&x));
        }
        // the key's own range clamps when no bounds are written
        let hours = RawDist::with(DistKind::Normal, &[1.0, 5.0]).build(0.0, 24.0).unwrap();
        assert!((0..1000).all(|_| hours.sample(&mut rng) >= 0.0));
    }

    #[test]
    fn wrong_parameter_names_the_family() {
        let mut d = RawDist::with(DistKind::Beta, &[2.0, 3.0]);
        d.mean = Some(0.5);
        let e = d.build(0.0, 1.0).unwrap_err();
        assert_eq!(e.param, "mean");
        assert!(e.allowed.contains("takes a, b"), "{}", e.allowed);
    }

    #[test]
    fn missing_parameter_and_bad_values_are_refused() {
        let mut d = RawDist::with(DistKind::Lognormal, &[1.0, 0.5]);
        d.sigma = None;
        assert_eq!(d.build(0.0, 10.0).unwrap_err().param, "sigma");
        assert_eq!(
            RawDist::with(DistKind::Lognormal, &[-1.0, 0.5])
                .build(0.0, 10.0)
                .unwrap_err()
                .param,
            "median"
        );
        assert_eq!(
            RawDist::with(DistKind::Uniform, &[3.0, 1.0])
                .build(0.0, 10.0)
                .unwrap_err()
                .param,
            "low"
        );
        let e = RawDist::with(DistKind::Fixed, &[1.0])
            .bounded(Some(5.0), Some(2.0))
            .build(0.0, 10.0)
            .unwrap_err();
        assert_eq!(e.param, "min");
        assert_eq!(
            RawDist::with(DistKind::Fixed, &[11.0])
                .build(0.0, 10.0)
                .unwrap_err()
                .param,
            "value"
        );
    }

    #[test]
    fn lognormal_median_is_the_median() {
        let d = RawDist::with(DistKind::Lognormal, &[1.38, 0.8])
            .build(0.0, 1000.0)
            .unwrap();
        let mut rng = SplitMix64::new(7);
        let mut x: Vec<f64> = (0..20_001).map(|_| d.sample(&mut rng)).collect();
        x.sort_by(f64::total_cmp);
        assert!((x[10_000] - 1.38).abs() < 0.05, "{}", x[10_000]);
    }
}
