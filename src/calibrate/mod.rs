//! Calibration by the method of simulated moments: find the values of chosen scenario
//! keys that bring a scenario's moments closest to empirical targets.
//!
//! The loss of a candidate is
//!
//! ```text
//! L(θ) = Σ_k ((m_k(θ) − c_k) / h_k)²
//! ```
//!
//! over the targets k, where m_k(θ) is the moment's mean over the replicates at θ, c_k
//! the centre of its band and h_k its half-width (the tolerance of `target ±
//! tolerance`, half of `high − low` for a range): a moment at the edge of its band adds
//! 1, so L ≤ K means every moment is (about) inside. A moment undefined at θ adds
//! [`UNDEFINED_PENALTY`].
//!
//! The search: a space-filling start of Owen-scrambled Sobol points over the parameter
//! box (`sobol_burley`), evaluated together in parallel, then Nelder–Mead (`argmin`)
//! from the best of them until the budget of evaluations is spent. Every candidate runs
//! the same replicate seeds (common random numbers), so the loss surface is not
//! roughened by sampling noise between candidates, and every evaluation is recorded.

pub mod files;
pub mod params;

use std::collections::BTreeMap;
use std::sync::Mutex;

use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};

pub use params::{Param, Params};

use crate::error::Error;
use crate::metrics::Estimate;
use crate::output::evaluations::{bits, from_bits};
use crate::pipeline::simulate_with;
use crate::scenario::Study;
use crate::validate::{Check, Context, Targets, check, evaluate_records};

/// What an undefined moment adds to the loss: far worse than any candidate whose
/// moments all exist, but finite, so the search can still compare such candidates.
pub const UNDEFINED_PENALTY: f64 = 1e6;

/// The share of the budget spent on the space-filling start (at least d + 1 points,
/// so Nelder–Mead has a simplex to start from).
pub const START_SHARE: f64 = 0.5;

/// Sobol candidates run together (each with all its replicates).
pub const SOBOL_BATCH: usize = 8;

/// The stage of the search an evaluation belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The space-filling Sobol start.
    Sobol,
    /// The Nelder–Mead refinement.
    NelderMead,
}

impl Stage {
    /// Its name in `calibration.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Sobol => "sobol",
            Stage::NelderMead => "nelder_mead",
        }
    }
}

/// One evaluated candidate.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The stage that proposed it.
    pub stage: Stage,
    /// Its position in the parameter box, 0–1 per parameter.
    pub position: Vec<f64>,
    /// Its parameter values.
    pub values: Vec<f64>,
    /// Each target checked at it.
    pub checks: Vec<Check>,
    /// Its loss.
    pub loss: f64,
}

/// The loss of a candidate's checks (see the module documentation).
pub fn loss(checks: &[Check]) -> f64 {
    checks
        .iter()
        .map(|c| {
            let (centre, half) = c.target.band.centre_and_half_width();
            let m = c.estimate.mean;
            if !m.is_finite() {
                UNDEFINED_PENALTY
            } else if half > 0.0 {
                ((m - centre) / half).powi(2)
            } else if m == centre {
                0.0
            } else {
                UNDEFINED_PENALTY
            }
        })
        .sum()
}

/// Runs and checks candidates: one batch of points at a time, every point × replicate
/// in parallel, each point with the same replicate seeds.
pub struct Evaluator<'a> {
    /// The scenario, with seed and replicates already applied.
    pub study: &'a Study,
    /// The targets.
    pub targets: &'a Targets,
    /// The keys varied.
    pub params: &'a Params,
    /// Worker threads.
    pub threads: usize,
    /// Shows one step per simulated day.
    pub progress: &'a ProgressBar,
}

impl Evaluator<'_> {
    /// Evaluates the points `positions` (each 0–1 per parameter) of `stage`.
    pub fn evaluate(&self, stage: Stage, positions: &[Vec<f64>]) -> Result<Vec<Evaluation>, Error> {
        let points: Vec<(String, Vec<(String, toml::Value)>)> = positions
            .iter()
            .enumerate()
            .map(|(i, u)| (format!("candidate {i}"), self.params.overrides(u)))
            .collect();
        let batch = self.study.with_points(&points, "calibration candidate")?;
        let records = simulate_with(&batch, self.threads, self.progress, crate::interrupt::flag())?;
        let replicates = self.study.base().scenario.replicates as usize;
        let context = Context::of(&self.study.base().scenario);
        Ok(positions
            .iter()
            .zip(records.chunks(replicates))
            .map(|(u, runs)| {
                let checks = evaluate_records(self.targets, runs, &context);
                Evaluation {
                    stage,
                    position: u.clone(),
                    values: self.params.values(u),
                    loss: loss(&checks),
                    checks,
                }
            })
            .collect())
    }
}

/// The first `n` points of an Owen-scrambled Sobol sequence in `d` dimensions; the
/// scramble is seeded from the master seed, so a calibration is reproducible.
pub fn sobol_points(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let seed = (seed ^ (seed >> 32)) as u32;
    (0..n as u32)
        .map(|i| {
            (0..d as u32)
                .map(|k| f64::from(sobol_burley::sample(i, k, seed)))
                .collect()
        })
        .collect()
}

/// A finished calibration: every evaluation in order, and the best.
pub struct Calibration {
    /// Every evaluation, in the order they were made.
    pub evaluations: Vec<Evaluation>,
    /// Index of the one with the lowest loss (the first of equals).
    pub best: usize,
}

/// How many of `budget` evaluations the Sobol start spends, for `d` parameters.
pub fn start_points(budget: usize, d: usize) -> usize {
    ((budget as f64 * START_SHARE).round() as usize).max(d + 1).min(budget)
}

/// An evaluation as it is kept on disk while a calibration runs (see
/// [`crate::output::evaluations`]): where it was and each moment's estimate, every
/// number as the bits of its `f64`. Values, checks and loss are recomputed from them,
/// so a resumed or merged calibration writes the same bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredEvaluation {
    /// `sobol` or `nelder_mead`.
    pub stage: String,
    /// The position in the unit box.
    pub position: Vec<u64>,
    /// Each target's estimate.
    pub estimates: Vec<StoredEstimate>,
}

/// A moment's estimate as kept on disk: n, mean, sd, ci_low and ci_high, each number
/// as the bits of its `f64`.
pub type StoredEstimate = (usize, u64, Option<u64>, Option<u64>, Option<u64>);

impl Evaluation {
    /// The evaluation as kept on disk.
    pub fn stored(&self) -> StoredEvaluation {
        let b = |x: Option<f64>| x.map(bits);
        StoredEvaluation {
            stage: self.stage.name().into(),
            position: self.position.iter().map(|&u| bits(u)).collect(),
            estimates: self
                .checks
                .iter()
                .map(|c| {
                    let e = &c.estimate;
                    (e.n, bits(e.mean), b(e.sd), b(e.ci_low), b(e.ci_high))
                })
                .collect(),
        }
    }

    /// The evaluation back from disk, checked against the targets and parameters (a
    /// file of another study is refused).
    pub fn from_stored(s: &StoredEvaluation, targets: &Targets, params: &Params) -> Result<Evaluation, String> {
        let stage = match s.stage.as_str() {
            "sobol" => Stage::Sobol,
            "nelder_mead" => Stage::NelderMead,
            other => return Err(format!("unknown stage `{other}`")),
        };
        if s.position.len() != params.params.len() || s.estimates.len() != targets.moments.len() {
            return Err("its parameters or moments do not match the files".into());
        }
        let f = |x: Option<u64>| x.map(from_bits);
        let position: Vec<f64> = s.position.iter().map(|&b| from_bits(b)).collect();
        let checks: Vec<Check> = targets
            .moments
            .iter()
            .zip(&s.estimates)
            .map(|(t, &(n, mean, sd, ci_low, ci_high))| {
                let estimate = Estimate {
                    n,
                    mean: from_bits(mean),
                    sd: f(sd),
                    ci_low: f(ci_low),
                    ci_high: f(ci_high),
                };
                check(t, estimate)
            })
            .collect();
        Ok(Evaluation {
            stage,
            values: params.values(&position),
            position,
            loss: loss(&checks),
            checks,
        })
    }
}

/// Evaluates the Sobol start points `wanted` (indices into the start design of a
/// `budget`) that are not yet in `known`, a batch at a time; each finished batch goes
/// to `save` and into `known`. `on_evaluation` hears of every wanted point, kept or
/// new, in order within its batch, with the best loss so far. The points evaluated do
/// not depend on how they are split into batches, shards or attempts.
pub fn sobol_stage(
    evaluator: &Evaluator<'_>,
    budget: usize,
    seed: u64,
    wanted: &[u32],
    known: &mut BTreeMap<u32, Evaluation>,
    mut save: impl FnMut(&[(u32, &Evaluation)]) -> Result<(), Error>,
    mut on_evaluation: impl FnMut(&Evaluation, f64),
) -> Result<(), Error> {
    let d = evaluator.params.params.len();
    let points = sobol_points(start_points(budget, d), d, seed);
    let mut best_loss = f64::INFINITY;
    for e in wanted.iter().filter_map(|i| known.get(i)) {
        best_loss = best_loss.min(e.loss);
        on_evaluation(e, best_loss);
    }
    let todo: Vec<u32> = wanted.iter().copied().filter(|i| !known.contains_key(i)).collect();
    // In batches, so progress shows and finished work is kept while every batch still
    // keeps the cores busy (a batch's candidates × replicates all run in parallel).
    for batch in todo.chunks(SOBOL_BATCH) {
        let positions: Vec<Vec<f64>> = batch.iter().map(|&i| points[i as usize].clone()).collect();
        let evaluated = evaluator.evaluate(Stage::Sobol, &positions)?;
        save(&batch.iter().copied().zip(&evaluated).collect::<Vec<_>>())?;
        for (&i, e) in batch.iter().zip(evaluated) {
            best_loss = best_loss.min(e.loss);
            on_evaluation(&e, best_loss);
            known.insert(i, e);
        }
    }
    Ok(())
}

/// Finds the parameters with the lowest loss in `budget` evaluations. `on_evaluation`
/// hears of each evaluation as it is recorded (progress, best loss so far).
pub fn calibrate(
    evaluator: &Evaluator<'_>,
    budget: usize,
    seed: u64,
    on_evaluation: impl FnMut(&Evaluation, f64),
) -> Result<Calibration, Error> {
    resume_calibration(evaluator, budget, seed, BTreeMap::new(), |_| Ok(()), on_evaluation)
}

/// [`calibrate`], keeping the evaluations already made (`known`, by their place in the
/// order of evaluation: the Sobol start first, then Nelder–Mead's) and handing each new
/// batch to `save`. The search is deterministic, so a known evaluation is taken where
/// the search reaches it again instead of being run: a calibration resumed, or merged
/// from shards of its Sobol start, makes the same evaluations as one run straight
/// through.
pub fn resume_calibration(
    evaluator: &Evaluator<'_>,
    budget: usize,
    seed: u64,
    mut known: BTreeMap<u32, Evaluation>,
    mut save: impl FnMut(&[(u32, &Evaluation)]) -> Result<(), Error>,
    mut on_evaluation: impl FnMut(&Evaluation, f64),
) -> Result<Calibration, Error> {
    let d = evaluator.params.params.len();
    let start = start_points(budget, d) as u32;
    let wanted: Vec<u32> = (0..start).collect();
    sobol_stage(
        evaluator,
        budget,
        seed,
        &wanted,
        &mut known,
        &mut save,
        &mut on_evaluation,
    )?;
    let mut log: Vec<Evaluation> = Vec::with_capacity(budget);
    for i in 0..start {
        log.push(known.remove(&i).expect("every start point is evaluated"));
    }
    if log.len() < budget {
        let best = log.iter().map(|e| e.loss).fold(f64::INFINITY, f64::min);
        let state = Mutex::new(State {
            log,
            best,
            on_evaluation: &mut on_evaluation,
            known,
            save: &mut save,
        });
        refine(evaluator, budget, &state)?;
        log = state.into_inner().expect("no panic while holding it").log;
    }
    let best = (0..log.len())
        .min_by(|&a, &b| log[a].loss.total_cmp(&log[b].loss).then(a.cmp(&b)))
        .expect("a budget of at least one evaluation");
    Ok(Calibration { evaluations: log, best })
}

/// What Nelder–Mead's evaluations share: the log so far, the best loss, who hears of
/// each evaluation, the evaluations kept from an earlier attempt, and where new ones go.
struct State<'f, F, S> {
    log: Vec<Evaluation>,
    best: f64,
    on_evaluation: &'f mut F,
    known: BTreeMap<u32, Evaluation>,
    save: &'f mut S,
}

type Log<'f, F, S> = Mutex<State<'f, F, S>>;

/// Why Nelder–Mead stopped early: the budget is spent (not a failure).
#[derive(Debug, thiserror::Error)]
#[error("the budget of evaluations is spent")]
struct BudgetSpent;

/// The cost function argmin minimises: a point of the unit box (clamped into it), its
/// loss from one evaluation, recorded in the log.
struct Problem<'a, 'f, F, S> {
    evaluator: &'a Evaluator<'a>,
    budget: usize,
    log: &'a Log<'f, F, S>,
    failure: &'a Mutex<Option<Error>>,
}

impl<F, S> argmin::core::CostFunction for Problem<'_, '_, F, S>
where
    F: FnMut(&Evaluation, f64),
    S: FnMut(&[(u32, &Evaluation)]) -> Result<(), Error>,
{
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let mut guard = self.log.lock().expect("no panic while holding it");
        let state = &mut *guard;
        if state.log.len() >= self.budget {
            return Err(BudgetSpent.into());
        }
        let u: Vec<f64> = u.iter().map(|x| x.clamp(0.0, 1.0)).collect();
        // A point already evaluated (Nelder–Mead revisits clamped corners) costs nothing.
        if let Some(e) = state.log.iter().find(|e| e.position == u) {
            return Ok(e.loss);
        }
        let index = state.log.len() as u32;
        let evaluated = match state.known.remove(&index) {
            Some(e) if e.position == u => e,
            _ => {
                let made = self
                    .evaluator
                    .evaluate(Stage::NelderMead, std::slice::from_ref(&u))
                    .map(|mut e| e.remove(0))
                    .and_then(|e| (state.save)(&[(index, &e)]).map(|()| e));
                match made {
                    Ok(e) => e,
                    Err(e) => {
                        *self.failure.lock().expect("no panic") = Some(e);
                        return Err(BudgetSpent.into());
                    }
                }
            }
        };
        let loss = evaluated.loss;
        state.best = state.best.min(loss);
        (state.on_evaluation)(&evaluated, state.best);
        state.log.push(evaluated);
        Ok(loss)
    }
}

/// Nelder–Mead from the best start points until the budget is spent or the simplex
/// has collapsed.
fn refine<F, S>(evaluator: &Evaluator<'_>, budget: usize, log: &Log<'_, F, S>) -> Result<(), Error>
where
    F: FnMut(&Evaluation, f64),
    S: FnMut(&[(u32, &Evaluation)]) -> Result<(), Error>,
{
    let d = evaluator.params.params.len();
    let simplex: Vec<Vec<f64>> = {
        let guard = log.lock().expect("no panic");
        let done = &guard.log;
        let mut order: Vec<usize> = (0..done.len()).collect();
        order.sort_by(|&a, &b| done[a].loss.total_cmp(&done[b].loss).then(a.cmp(&b)));
        let best = done[order[0]].position.clone();
        // A small simplex around the best start point: a tenth of the box along each
        // axis, pointing inwards.
        std::iter::once(best.clone())
            .chain((0..d).map(|k| {
                let mut v = best.clone();
                v[k] += if v[k] > 0.5 { -0.1 } else { 0.1 };
                v
            }))
            .collect()
    };
    let failure = Mutex::new(None);
    let problem = Problem {
        evaluator,
        budget,
        log,
        failure: &failure,
    };
    let solver = argmin::solver::neldermead::NelderMead::new(simplex)
        .with_sd_tolerance(1e-6)
        .map_err(|e| Error::Run(format!("Nelder–Mead could not start: {e}")))?;
    let outcome = argmin::core::Executor::new(problem, solver)
        .configure(|state| state.max_iters(budget as u64))
        .run();
    if let Some(e) = failure.lock().expect("no panic").take() {
        return Err(e);
    }
    match outcome {
        Ok(_) => Ok(()),
        Err(e) if e.downcast_ref::<BudgetSpent>().is_some() => Ok(()),
        Err(e) => Err(Error::Run(format!("Nelder–Mead failed: {e}"))),
    }
}
