//! Global sensitivity analysis: which scenario keys move which outputs.
//!
//! - **Morris** elementary effects (Morris 1991; the mu* of Campolongo, Cariboni &
//!   Saltelli 2007): `r` one-at-a-time trajectories on a 4-level grid of the parameter
//!   box, step Δ = 2/3; for each parameter and output, mu* (mean absolute effect) and
//!   sigma (spread of the effects), with bootstrap CIs over trajectories. For screening.
//! - **Sobol** indices (Saltelli 2002 design; Jansen 1999 estimators): from N base
//!   points, matrices A and B and the d matrices A_B^(i) (A with column i from B), N(d+2)
//!   evaluations; first-order S1_i = 1 − Σ(f(B) − f(A_B^(i)))² / (2NV) and total
//!   ST_i = Σ(f(A) − f(A_B^(i)))² / (2NV), V the variance of f over A and B, with
//!   bootstrap CIs over the N rows.
//!
//! Outputs are headline metrics (`runs` columns) or validate moments, each the mean over
//! the scenario's replicates; every design point runs the same replicate seeds (common
//! random numbers), so differences between points are the parameters' effects, not
//! sampling noise. Design and bootstrap draws come from their own stream of the master
//! seed: the results are the same at any thread count.

use indicatif::ProgressBar;
use rand::RngExt;

use crate::calibrate::{Params, sobol_points};
use crate::error::Error;
use crate::model::record::RunRecord;
use crate::output::columns::{self, HEADLINE, numbers};
use crate::pipeline::simulate_with;
use crate::rng::{Stream, stream};
use crate::scenario::Study;
use crate::validate::{Context, Moment, Sample, moments};

/// Bootstrap resamples behind each CI.
pub const BOOTSTRAP: usize = 500;

/// Grid levels of the Morris design.
const LEVELS: f64 = 4.0;

/// The Morris step, in the unit box: p / (2 (p − 1)) for p levels.
pub const MORRIS_DELTA: f64 = LEVELS / (2.0 * (LEVELS - 1.0));

/// An output whose sensitivity is measured.
#[derive(Clone, Debug)]
pub enum Output {
    /// A column of `runs` (a headline metric), its mean over replicates.
    Column(&'static str),
    /// A validate moment, its mean over replicates.
    Moment(&'static Moment),
}

impl Output {
    /// The output called `name`: a `runs` column or a moment (one that takes no
    /// threshold).
    pub fn find(name: &str) -> Result<Output, String> {
        if let Some(c) = columns::RUNS
            .iter()
            .find(|c| c.name == name && c.get.dtype() != "string")
        {
            return Ok(Output::Column(c.name));
        }
        match moments::find(name) {
            Some(m) if !m.threshold => Ok(Output::Moment(m)),
            Some(_) => Err(format!("`{name}` needs a threshold, which sensitivity does not take")),
            None => Err(format!(
                "unknown metric `{name}`; choose headline metrics ({}) or other columns of runs, or moments ({})",
                HEADLINE.join(", "),
                moments::names().join(", ")
            )),
        }
    }

    /// Its name.
    pub fn name(&self) -> &'static str {
        match self {
            Output::Column(c) => c,
            Output::Moment(m) => m.name,
        }
    }

    /// Its mean over the runs of one design point.
    fn mean(&self, runs: &[RunRecord], context: &Context) -> f64 {
        let values: Vec<f64> = runs
            .iter()
            .map(|r| match self {
                Output::Column(c) => numbers(columns::RUNS, c, std::slice::from_ref(&r.run))
                    .and_then(|v| v.first().copied())
                    .unwrap_or(f64::NAN),
                Output::Moment(m) => m.value(&Sample::of_record(r, &[m]), context, None).unwrap_or(f64::NAN),
            })
            .filter(|v| v.is_finite())
            .collect();
        crate::metrics::mean(&values).unwrap_or(f64::NAN)
    }
}

/// The method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Morris elementary effects.
    Morris,
    /// Sobol indices.
    Sobol,
}

impl Method {
    /// Its name in `sensitivity.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }
}

/// One row of `sensitivity.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    /// The method.
    pub method: Method,
    /// The output.
    pub metric: &'static str,
    /// The parameter (dotted key).
    pub param: String,
    /// `mu_star`, `sigma`, `S1` or `ST`.
    pub index: &'static str,
    /// Its estimate.
    pub value: f64,
    /// Lower end of its 95% bootstrap interval.
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
}

/// The design points of a method, in the unit box, and how to read them back.
pub fn design(method: Method, d: usize, samples: usize, seed: u64) -> Vec<Vec<f64>> {
    match method {
        Method::Morris => morris_design(d, samples, seed),
        Method::Sobol => saltelli_design(d, samples, seed),
    }
}

/// `r` Morris trajectories of d + 1 points each: a random start on the grid, then each
/// parameter in a random order moved by ±Δ (the direction that stays in the box).
fn morris_design(d: usize, r: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = stream(seed, 0, Stream::Design, 0, 1);
    let step = 1.0 / (LEVELS - 1.0);
    let mut points = Vec::with_capacity(r * (d + 1));
    for _ in 0..r {
        let mut x: Vec<f64> = (0..d)
            .map(|_| f64::from(rng.random_range(0..LEVELS as u32)) * step)
            .collect();
        let mut order: Vec<usize> = (0..d).collect();
        for k in (1..d).rev() {
            order.swap(k, rng.random_range(0..=k));
        }
        points.push(x.clone());
        for &i in &order {
            x[i] = if x[i] + MORRIS_DELTA <= 1.0 + 1e-12 {
                x[i] + MORRIS_DELTA
            } else {
                x[i] - MORRIS_DELTA
            };
            points.push(x.clone());
        }
    }
    points
}

/// Saltelli's design from 2d-dimensional Sobol points: for each of N rows, A, B and the
/// d rows A_B^(i), in that order.
fn saltelli_design(d: usize, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let base = sobol_points(n, 2 * d, seed);
    let mut points = Vec::with_capacity(n * (d + 2));
    for row in &base {
        let (a, b) = row.split_at(d);
        points.push(a.to_vec());
        points.push(b.to_vec());
        for i in 0..d {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            points.push(ab);
        }
    }
    points
}

/// Runs every design point (all in parallel, each with every replicate) and returns
/// each output's value at each point: `values[output][point]`.
pub fn run_design(
    study: &Study,
    params: &Params,
    points: &[Vec<f64>],
    outputs: &[Output],
    threads: usize,
    progress: &ProgressBar,
) -> Result<Vec<Vec<f64>>, Error> {
    let named: Vec<(String, Vec<(String, toml::Value)>)> = points
        .iter()
        .enumerate()
        .map(|(i, u)| (format!("point {i}"), params.overrides(u)))
        .collect();
    let batch = study.with_points(&named, "sensitivity design point")?;
    let records = simulate_with(&batch, threads, progress, crate::interrupt::flag())?;
    let replicates = study.base().scenario.replicates as usize;
    let context = Context::of(&study.base().scenario);
    Ok(outputs
        .iter()
        .map(|o| records.chunks(replicates).map(|runs| o.mean(runs, &context)).collect())
        .collect())
}

/// Percentile interval (2.5%, 97.5%) of `statistic` over bootstrap resamples of `n`
/// units.
fn bootstrap(n: usize, seed: u64, salt: u64, statistic: impl Fn(&[usize]) -> f64) -> (f64, f64) {
    let mut rng = stream(seed, 0, Stream::Design, 1, salt);
    let mut draws: Vec<f64> = (0..BOOTSTRAP)
        .map(|_| {
            let sample: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            statistic(&sample)
        })
        .filter(|v| v.is_finite())
        .collect();
    draws.sort_by(f64::total_cmp);
    if draws.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let at = |q: f64| draws[((draws.len() - 1) as f64 * q).round() as usize];
    (at(0.025), at(0.975))
}

/// Morris mu* and sigma of each parameter for one output's values at the design points.
pub fn morris_indices(
    values: &[f64],
    d: usize,
    points: &[Vec<f64>],
    seed: u64,
    salt: u64,
) -> Vec<[(f64, f64, f64); 2]> {
    let r = points.len() / (d + 1);
    // effects[i][t]: parameter i's elementary effect in trajectory t.
    let mut effects = vec![vec![f64::NAN; r]; d];
    for (t, (trajectory, ys)) in points.chunks(d + 1).zip(values.chunks(d + 1)).enumerate().take(r) {
        for (step, y) in trajectory.windows(2).zip(ys.windows(2)) {
            let (from, to) = (&step[0], &step[1]);
            let i = (0..d)
                .find(|&i| from[i] != to[i])
                .expect("each step moves one parameter");
            effects[i][t] = (y[1] - y[0]) / (to[i] - from[i]);
        }
    }
    let mu_star = |e: &[f64], s: &[usize]| s.iter().map(|&t| e[t].abs()).sum::<f64>() / s.len() as f64;
    let sigma = |e: &[f64], s: &[usize]| {
        let x: Vec<f64> = s.iter().map(|&t| e[t]).collect();
        crate::metrics::sample_sd(&x).unwrap_or(f64::NAN)
    };
    let all: Vec<usize> = (0..r).collect();
    (0..d)
        .map(|i| {
            let e = &effects[i];
            let (ml, mh) = bootstrap(r, seed, salt * 1000 + i as u64 * 2, |s| mu_star(e, s));
            let (sl, sh) = bootstrap(r, seed, salt * 1000 + i as u64 * 2 + 1, |s| sigma(e, s));
            [(mu_star(e, &all), ml, mh), (sigma(e, &all), sl, sh)]
        })
        .collect()
}

/// Sobol S1 and ST of each parameter for one output's values at the Saltelli design.
pub fn sobol_indices(values: &[f64], d: usize, seed: u64, salt: u64) -> Vec<[(f64, f64, f64); 2]> {
    let n = values.len() / (d + 2);
    let f = |row: usize, k: usize| values[row * (d + 2) + k];
    let variance = |s: &[usize]| {
        let all: Vec<f64> = s.iter().flat_map(|&j| [f(j, 0), f(j, 1)]).collect();
        let m = all.iter().sum::<f64>() / all.len() as f64;
        all.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (all.len() - 1).max(1) as f64
    };
    let s1 = |i: usize, s: &[usize]| {
        let v = variance(s);
        1.0 - s.iter().map(|&j| (f(j, 1) - f(j, 2 + i)).powi(2)).sum::<f64>() / (2.0 * s.len() as f64 * v)
    };
    let st = |i: usize, s: &[usize]| {
        let v = variance(s);
        s.iter().map(|&j| (f(j, 0) - f(j, 2 + i)).powi(2)).sum::<f64>() / (2.0 * s.len() as f64 * v)
    };
    let all: Vec<usize> = (0..n).collect();
    (0..d)
        .map(|i| {
            let (l1, h1) = bootstrap(n, seed, salt * 1000 + i as u64 * 2, |s| s1(i, s));
            let (lt, ht) = bootstrap(n, seed, salt * 1000 + i as u64 * 2 + 1, |s| st(i, s));
            [(s1(i, &all), l1, h1), (st(i, &all), lt, ht)]
        })
        .collect()
}

/// Every index of every output and parameter.
pub fn analyse(
    method: Method,
    params: &Params,
    outputs: &[Output],
    points: &[Vec<f64>],
    values: &[Vec<f64>],
    seed: u64,
) -> Vec<Index> {
    let d = params.params.len();
    let names = match method {
        Method::Morris => ["mu_star", "sigma"],
        Method::Sobol => ["S1", "ST"],
    };
    let mut rows = Vec::new();
    for (k, (output, v)) in outputs.iter().zip(values).enumerate() {
        let per_param = match method {
            Method::Morris => morris_indices(v, d, points, seed, k as u64),
            Method::Sobol => sobol_indices(v, d, seed, k as u64),
        };
        for (p, pair) in params.params.iter().zip(per_param) {
            for (name, (value, ci_low, ci_high)) in names.iter().zip(pair) {
                rows.push(Index {
                    method,
                    metric: output.name(),
                    param: p.key.clone(),
                    index: name,
                    value,
                    ci_low,
                    ci_high,
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sobol_indices_of_an_additive_function_match_their_closed_form() {
        // f = 4 x0 + 2 x1 + 0 x2 with uniform inputs: variances 16/12 and 4/12, so
        // S1 = ST = 0.8, 0.2 and 0.
        let d = 3;
        let points = saltelli_design(d, 1024, 9);
        let values: Vec<f64> = points.iter().map(|x| 4.0 * x[0] + 2.0 * x[1]).collect();
        let got = sobol_indices(&values, d, 9, 0);
        for (i, expected) in [0.8, 0.2, 0.0].iter().enumerate() {
            for (value, lo, hi) in got[i] {
                assert!(
                    (value - expected).abs() < 0.03,
                    "parameter {i}: {value} against {expected}"
                );
                assert!(lo <= value + 1e-12 && value <= hi + 1e-12);
            }
        }
    }

    #[test]
    fn morris_effects_of_a_linear_function_are_its_slopes() {
        let d = 3;
        let points = morris_design(d, 20, 4);
        assert_eq!(points.len(), 20 * 4);
        assert!(points.iter().flatten().all(|&u| (-1e-12..=1.0 + 1e-12).contains(&u)));
        let values: Vec<f64> = points.iter().map(|x| 3.0 * x[0] - 1.0 * x[1]).collect();
        let got = morris_indices(&values, d, &points, 4, 0);
        for (i, slope) in [3.0f64, 1.0, 0.0].iter().enumerate() {
            let [(mu, _, _), (sigma, _, _)] = got[i];
            assert!((mu - slope).abs() < 1e-9, "mu* {mu} against {slope}");
            assert!(sigma.abs() < 1e-9, "a linear function has no spread of effects");
        }
    }
}
