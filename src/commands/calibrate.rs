//! `gigsim calibrate`: fit scenario keys to a targets file and write every evaluation,
//! the best point as a scenario, its validation, the charts and a report.
//!
//! Every finished batch of evaluations is kept on disk (see
//! [`crate::output::evaluations`]): Ctrl-C keeps them and `--resume` continues; with
//! `--shard I/N` a command evaluates its share of the Sobol start (i mod N = I) and
//! `gigsim merge` of all shards runs the Nelder–Mead refinement from the merged start,
//! writing the same files as a single command.

use std::collections::BTreeMap;

use serde_json::json;

use super::search::{self, Opened, Session};
use super::stdout::say;
use crate::calibrate::{self, Evaluation, Evaluator, Params, StoredEvaluation, files, start_points};
use crate::cli::CalibrateArgs;
use crate::error::Error;
use crate::output::OutputError;
use crate::output::charts::data::CsvTable;
use crate::output::charts::{search as charts, validation};
use crate::output::evaluations::shard_indices;
use crate::output::report::{SearchPage, SearchTable, write_search_report};
use crate::output::shard::SHARD_FILE;
use crate::pipeline::terminal::progress;
use crate::scenario::Study;
use crate::units::{plural, three_digits};
use crate::validate::Targets;

/// The manifest of a finished calibration folder.
pub const MANIFEST: &str = "calibration.json";

/// A calibration with every input checked.
pub struct Job {
    /// The scenario (seed and replicates applied, base only).
    pub study: Study,
    /// The targets.
    pub targets: Targets,
    /// The keys varied.
    pub params: Params,
    /// Evaluations in all.
    pub budget: usize,
}

/// Runs a calibration (or its shard of the Sobol start).
pub fn calibrate(args: &CalibrateArgs) -> Result<(), Error> {
    let options = search::options("calibrate", &args.flags, "its own files")?;
    if args.budget == 0 {
        return Err(Error::Usage(
            "--budget 0: a calibration needs at least one evaluation".into(),
        ));
    }
    // Everything the user gave is checked before any run.
    let targets = Targets::load(&args.targets)?;
    let study = search::study_of(&args.scenario, &options)?;
    let params = Params::load(&args.params, &study)?;
    let mut record = search::record_of("calibrate", &study);
    record.params_file = args.params.display().to_string();
    record.params_text = search::text_of(&args.params)?;
    record.targets_file = args.targets.display().to_string();
    record.targets_text = search::text_of(&args.targets)?;
    record.budget = args.budget;
    record.points = start_points(args.budget, params.params.len()) as u32;
    let job = Job {
        study,
        targets,
        params,
        budget: args.budget,
    };
    match search::open(&options, record, MANIFEST)? {
        Opened::Complete(out) => nothing_to_resume(&out, options.quiet),
        Opened::Ready(session) => run(&job, *session, options.thread_count(), options.quiet),
    }
}

/// Says that `--resume` found nothing left to do.
pub fn nothing_to_resume(out: &std::path::Path, quiet: bool) -> Result<(), Error> {
    if quiet {
        return Ok(());
    }
    say(&format!(
        "nothing to resume: {} already holds the complete results of this study",
        out.display()
    ))
}

/// The calibration of `job` in `session`: the evaluations still missing (kept ones are
/// taken as they are), then for a shard its completion marker, otherwise the search to
/// the end and every output file, the manifest last.
pub fn run(job: &Job, session: Session, threads: usize, quiet: bool) -> Result<(), Error> {
    let Job {
        study,
        targets,
        params,
        budget,
    } = job;
    let seed = study.base().scenario.seed;
    let mut known: BTreeMap<u32, Evaluation> = BTreeMap::new();
    for (i, stored) in session.kept::<StoredEvaluation>()? {
        let e = Evaluation::from_stored(&stored, targets, params).map_err(|message| OutputError::Parts {
            path: session.store.dir().to_path_buf(),
            message: format!("evaluation {i}: {message}"),
        })?;
        known.insert(i, e);
    }
    let kept = known.len();
    let wanted = session.shard.map(|s| shard_indices(session.record.points, s));
    let total = wanted.as_ref().map_or(*budget, Vec::len);
    if kept > 0 && !quiet {
        eprintln!("{}", session.kept_note(kept, total));
    }
    let bar = progress(
        Some(total as u64),
        quiet,
        "{spinner} {elapsed_precise} [{bar:20}] {pos}/{len} evaluations, {msg}, ~{eta} left",
        "best loss –".into(),
        |s| s,
    );
    let evaluator = Evaluator {
        study,
        targets,
        params,
        threads,
        progress: &indicatif::ProgressBar::hidden(),
    };
    let store = &session.store;
    let save = |items: &[(u32, &Evaluation)]| -> Result<(), Error> {
        let stored: Vec<(u32, StoredEvaluation)> = items.iter().map(|(i, e)| (*i, e.stored())).collect();
        Ok(store.save(&stored)?)
    };
    let heard = |_: &Evaluation, best: f64| {
        bar.inc(1);
        bar.set_message(format!("best loss {}", three_digits(best)));
    };
    if let Some(wanted) = wanted {
        let result = calibrate::sobol_stage(&evaluator, *budget, seed, &wanted, &mut known, save, heard);
        bar.finish_and_clear();
        result.map_err(|e| session.stopped(e, total))?;
        let shard = session.shard.expect("a shard");
        let out = session.finish_shard(wanted, threads)?;
        if !quiet {
            say(&format!(
                "shard {shard} of the Sobol start complete: {} in {} ({SHARD_FILE} written).\n\
                 When every shard is complete: gigsim merge <shard folders> --out <results folder> \
                 (runs the Nelder–Mead refinement)",
                plural(total as u64, "evaluation"),
                out.display()
            ))?;
        }
        return Ok(());
    }
    let result = calibrate::resume_calibration(&evaluator, *budget, seed, known, save, heard);
    bar.finish_and_clear();
    let calibration = result.map_err(|e| session.stopped(e, total))?;
    let out = session.out.clone();
    files::write(&out, study, targets, params, &calibration)?;
    let name = &study.base().scenario.name;
    let base = &study.base().scenario;
    let validation_table = CsvTable::read(&out.join("validation.csv"))?;
    let drawn = charts::draw(
        &out,
        &[
            charts::convergence(&calibration, name),
            charts::loss_by_parameter(&calibration, params, name),
            validation::of_best_point(&validation_table, base.replicates as usize, name),
        ],
        &base.charts,
    )?;
    let best = &calibration.evaluations[calibration.best];
    let results = BTreeMap::from([
        ("budget".to_string(), json!(budget)),
        ("evaluations".to_string(), json!(calibration.evaluations.len())),
        ("best_evaluation".to_string(), json!(calibration.best)),
        ("best_loss".to_string(), json!(best.loss)),
    ]);
    let manifest = session.manifest(threads, results);
    write_search_report(&out, &page(job, &calibration, &manifest), &drawn)?;
    let out = session.finish(&manifest)?;
    if !quiet {
        let inside = best.checks.iter().filter(|c| c.inside).count();
        let mut text = format!(
            "best of {}: loss {} (evaluation {}), {inside} of {} inside their targets\n",
            plural(calibration.evaluations.len() as u64, "evaluation"),
            three_digits(best.loss),
            calibration.best,
            plural(best.checks.len() as u64, "moment"),
        );
        for (p, v) in params.params.iter().zip(&best.values) {
            text.push_str(&format!("  {} = {}\n", p.key, three_digits(*v)));
        }
        text.push_str(&format!(
            "Results: {} (best.toml runs with `gigsim run`)",
            out.display()
        ));
        say(&text)?;
    }
    Ok(())
}

/// The report page: the best point's parameters and loss, its moments against their
/// targets, and the charts.
fn page<'a>(job: &'a Job, c: &calibrate::Calibration, m: &search::SearchManifest) -> SearchPage<'a> {
    let base = &job.study.base().scenario;
    let best = &c.evaluations[c.best];
    let parameters = SearchTable {
        heading: format!("Best point: loss {}", three_digits(best.loss)),
        note: format!(
            "Evaluation {} of {} ({}). The loss is Σ ((mean − centre) / half-width)² over the targets: \
             below {} means about every moment is inside its band.",
            c.best,
            c.evaluations.len(),
            best.stage.name(),
            job.targets.moments.len()
        ),
        header: ["parameter", "value", "low", "high", "scale"]
            .map(String::from)
            .to_vec(),
        rows: job
            .params
            .params
            .iter()
            .zip(&best.values)
            .map(|(p, v)| {
                vec![
                    p.key.clone(),
                    three_digits(*v),
                    three_digits(p.low),
                    three_digits(p.high),
                    if p.log { "log" } else { "linear" }.into(),
                ]
            })
            .collect(),
    };
    let moments = SearchTable {
        heading: "Moments of the best point".into(),
        note: format!(
            "Each moment's mean over {} with its 95% CI, against its target band (validation.csv).",
            plural(u64::from(base.replicates), "replicate")
        ),
        header: ["moment", "target band", "simulated mean", "95% CI", ""]
            .map(String::from)
            .to_vec(),
        rows: best
            .checks
            .iter()
            .map(|ch| {
                let (lo, hi) = ch.target.band.bounds();
                let e = &ch.estimate;
                let ci = match (e.ci_low, e.ci_high) {
                    (Some(l), Some(h)) => format!("{} to {}", three_digits(l), three_digits(h)),
                    _ => "–".into(),
                };
                vec![
                    ch.target.moment.name.to_string(),
                    format!("{} to {}", three_digits(lo), three_digits(hi)),
                    three_digits(e.mean),
                    ci,
                    if ch.inside { "inside" } else { "outside" }.into(),
                ]
            })
            .collect(),
    };
    SearchPage {
        scenario: &base.name,
        command: "calibrate",
        lead: format!(
            "Calibration of {} to {} by the method of simulated moments: a Sobol start, then Nelder–Mead.",
            plural(job.params.params.len() as u64, "parameter"),
            job.targets.path.display()
        ),
        command_line: m.command_line.clone(),
        meta: vec![
            (
                "Study",
                format!(
                    "{} of a budget of {}, {} each, seed {}",
                    plural(c.evaluations.len() as u64, "evaluation"),
                    job.budget,
                    plural(u64::from(base.replicates), "replicate"),
                    base.seed
                ),
            ),
            ("gigsim", format!("{} (commit {})", m.gigsim_version, m.git_commit)),
            ("Scenario file", m.scenario_file.clone()),
            ("Parameter file", m.params_file.clone()),
            ("Targets file", m.targets_file.clone()),
        ],
        tables: vec![parameters, moments],
        files: vec![
            (
                "calibration.csv",
                "every evaluation: stage, parameters, each moment's mean, loss",
            ),
            (
                "best.toml",
                "the resolved scenario at the best point, ready for gigsim run",
            ),
            ("validation.csv", "the best point's moments against their targets"),
            ("scenario.toml", "the resolved scenario as given"),
            (
                MANIFEST,
                "what produced this folder: version, command, seed, budget, best loss",
            ),
        ],
    }
}
