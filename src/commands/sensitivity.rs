//! `gigsim sensitivity`: Morris screening or Sobol indices of scenario keys on outputs.
//!
//! Every finished batch of design points is kept on disk (see
//! [`crate::output::evaluations`]): Ctrl-C keeps them and `--resume` continues; with
//! `--shard I/N` a command evaluates the design rows i with i mod N = I, and `gigsim
//! merge` of all shards computes the indices, writing the same files as one command.

use std::collections::BTreeMap;

use serde_json::json;

use super::calibrate::nothing_to_resume;
use super::search::{self, Opened, Session};
use super::stdout::say;
use crate::calibrate::Params;
use crate::cli::{SensitivityArgs, SensitivityMethod};
use crate::error::Error;
use crate::output::atomic::write_file;
use crate::output::charts::search as charts;
use crate::output::columns::{HEADLINE, SENSITIVITY};
use crate::output::evaluations::{SearchRecord, bits, from_bits, shard_indices};
use crate::output::report::{SearchPage, SearchTable, write_search_report};
use crate::output::shard::SHARD_FILE;
use crate::output::tables::{frame, write_csv};
use crate::pipeline::terminal::progress;
use crate::scenario::Study;
use crate::sensitivity::{Index, Method, Output, analyse, design, run_design};
use crate::units::{plural, three_digits};

/// The manifest of a finished sensitivity folder.
pub const MANIFEST: &str = "sensitivity.json";

/// A sensitivity analysis with every input checked.
pub struct Job {
    /// The scenario (seed and replicates applied, base only).
    pub study: Study,
    /// The keys varied.
    pub params: Params,
    /// The method.
    pub method: Method,
    /// Morris trajectories or Sobol base samples.
    pub samples: usize,
    /// The outputs.
    pub outputs: Vec<Output>,
}

impl Job {
    /// The job a record describes (`merge` rebuilds it from a shard's record).
    pub fn of_record(record: &SearchRecord, study: Study, params: Params) -> Result<Job, Error> {
        let method = match record.method.as_str() {
            "morris" => Method::Morris,
            "sobol" => Method::Sobol,
            other => {
                return Err(Error::Usage(format!(
                    "unknown sensitivity method `{other}` in the shards"
                )));
            }
        };
        Ok(Job {
            study,
            params,
            method,
            samples: record.samples,
            outputs: outputs_of(&record.metrics)?,
        })
    }
}

/// The outputs named in `names`.
fn outputs_of(names: &[String]) -> Result<Vec<Output>, Error> {
    names
        .iter()
        .map(|n| Output::find(n).map_err(|e| Error::Usage(format!("--metrics: {e}"))))
        .collect()
}

/// Runs a sensitivity analysis (or its shard of the design).
pub fn sensitivity(args: &SensitivityArgs) -> Result<(), Error> {
    let options = search::options("sensitivity", &args.flags, "sensitivity.csv")?;
    let method = match args.method {
        SensitivityMethod::Morris => Method::Morris,
        SensitivityMethod::Sobol => Method::Sobol,
    };
    let samples = args.samples.unwrap_or(if method == Method::Morris { 20 } else { 64 });
    if samples < 2 {
        return Err(Error::Usage(format!(
            "--samples {samples}: at least 2 are needed for an interval"
        )));
    }
    let names: Vec<String> = match &args.metrics {
        Some(list) => list.iter().map(|s| s.trim().to_string()).collect(),
        None => HEADLINE.iter().map(|s| s.to_string()).collect(),
    };
    let outputs = outputs_of(&names)?;
    let study = search::study_of(&args.scenario, &options)?;
    let params = Params::load(&args.params, &study)?;
    let mut record = search::record_of("sensitivity", &study);
    record.params_file = args.params.display().to_string();
    record.params_text = search::text_of(&args.params)?;
    record.method = method.name().into();
    record.samples = samples;
    record.metrics = names;
    let job = Job {
        study,
        params,
        method,
        samples,
        outputs,
    };
    record.points = job.points().len() as u32;
    match search::open(&options, record, MANIFEST)? {
        Opened::Complete(out) => nothing_to_resume(&out, options.quiet),
        Opened::Ready(session) => run(&job, *session, options.thread_count(), options.quiet),
    }
}

impl Job {
    /// The design points, in the unit box.
    fn points(&self) -> Vec<Vec<f64>> {
        let base = &self.study.base().scenario;
        design(self.method, self.params.params.len(), self.samples, base.seed)
    }
}

/// The analysis of `job` in `session`: the design points still missing (kept ones are
/// taken as they are), then for a shard its completion marker, otherwise the indices
/// and every output file, the manifest last.
pub fn run(job: &Job, session: Session, threads: usize, quiet: bool) -> Result<(), Error> {
    let base = &job.study.base().scenario;
    let points = job.points();
    let wanted: Vec<u32> = match session.shard {
        Some(s) => shard_indices(points.len() as u32, s),
        None => (0..points.len() as u32).collect(),
    };
    // values per point: each output's mean over the replicates, as bits.
    let mut known: BTreeMap<u32, Vec<u64>> = session.kept()?;
    known.retain(|i, v| (*i as usize) < points.len() && v.len() == job.outputs.len());
    let todo: Vec<u32> = wanted.iter().copied().filter(|i| !known.contains_key(i)).collect();
    if !known.is_empty() && !quiet {
        eprintln!("{}", session.kept_note(wanted.len() - todo.len(), wanted.len()));
    }
    let days = u64::from(base.replicates) * u64::from(base.days);
    let bar = progress(
        Some(todo.len() as u64 * days),
        quiet,
        "{spinner} {elapsed_precise} [{bar:20}] {percent:>3}%  {msg}, ~{eta} left",
        format!("{} design points", todo.len()),
        |s| s,
    );
    // Batches keep finished points on disk as they come; how the points are cut into
    // batches changes nothing in the results.
    let result = todo
        .chunks(crate::calibrate::SOBOL_BATCH.max(threads))
        .try_for_each(|batch| {
            let at: Vec<Vec<f64>> = batch.iter().map(|&i| points[i as usize].clone()).collect();
            let values = run_design(&job.study, &job.params, &at, &job.outputs, threads, &bar)?;
            let rows: Vec<(u32, Vec<u64>)> = batch
                .iter()
                .enumerate()
                .map(|(k, &i)| (i, values.iter().map(|per_point| bits(per_point[k])).collect()))
                .collect();
            session.store.save(&rows)?;
            known.extend(rows);
            Ok(())
        });
    bar.finish_and_clear();
    result.map_err(|e: Error| session.stopped(e, wanted.len()))?;
    if let Some(shard) = session.shard {
        let out = session.finish_shard(wanted.clone(), threads)?;
        if !quiet {
            say(&format!(
                "shard {shard} complete: {} in {} ({SHARD_FILE} written).\n\
                 When every shard is complete: gigsim merge <shard folders> --out <results folder>",
                plural(wanted.len() as u64, "design point"),
                out.display()
            ))?;
        }
        return Ok(());
    }
    let values: Vec<Vec<f64>> = (0..job.outputs.len())
        .map(|k| (0..points.len() as u32).map(|i| from_bits(known[&i][k])).collect())
        .collect();
    let rows = analyse(job.method, &job.params, &job.outputs, &points, &values, base.seed);
    let out = session.out.clone();
    let mut df = frame("sensitivity", &rows, SENSITIVITY)?;
    write_csv(&out.join("sensitivity.csv"), "sensitivity", &mut df)?;
    write_file(&out.join("scenario.toml"), job.study.resolved_toml().as_bytes())?;
    let drawn = charts::draw(&out, &[charts::indices(&rows, job.method, &base.name)], &base.charts)?;
    let results = BTreeMap::from([
        ("method".to_string(), json!(job.method.name())),
        ("samples".to_string(), json!(job.samples)),
        ("design_points".to_string(), json!(points.len())),
        ("metrics".to_string(), json!(session.record.metrics)),
    ]);
    let manifest = session.manifest(threads, results);
    write_search_report(&out, &page(job, &rows, points.len(), &manifest), &drawn)?;
    let out = session.finish(&manifest)?;
    if !quiet {
        let mut text = format!(
            "{} on {} ({} design points × {}):\n",
            job.method.name(),
            plural(job.params.params.len() as u64, "parameter"),
            points.len(),
            plural(u64::from(base.replicates), "replicate")
        );
        for r in &rows {
            text.push_str(&format!(
                "  {:<32} {:<40} {:<7} {} ({} to {})\n",
                r.metric,
                r.param,
                r.index,
                three_digits(r.value),
                three_digits(r.ci_low),
                three_digits(r.ci_high)
            ));
        }
        text.push_str(&format!("Results: {}", out.display()));
        say(&text)?;
    }
    Ok(())
}

/// The report page: every index with its CI, and the chart.
fn page<'a>(job: &'a Job, rows: &[Index], points: usize, m: &search::SearchManifest) -> SearchPage<'a> {
    let base = &job.study.base().scenario;
    let (what, note) = match job.method {
        Method::Morris => (
            "Morris elementary effects",
            "mu* is the mean absolute effect of moving the parameter across its range, sigma the spread of \
             those effects (interactions, non-linearity); each with its 95% bootstrap interval over trajectories.",
        ),
        Method::Sobol => (
            "Sobol indices",
            "S1 is the share of the output's variance due to the parameter alone, ST that including its \
             interactions (Jansen's estimators on Saltelli's design); each with its 95% bootstrap interval.",
        ),
    };
    let indices = SearchTable {
        heading: format!("{what} by output"),
        note: note.into(),
        header: ["metric", "parameter", "index", "value", "95% CI"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.metric.to_string(),
                    r.param.clone(),
                    r.index.to_string(),
                    three_digits(r.value),
                    format!("{} to {}", three_digits(r.ci_low), three_digits(r.ci_high)),
                ]
            })
            .collect(),
    };
    SearchPage {
        scenario: &base.name,
        command: "sensitivity",
        lead: format!(
            "{what} of {} on {}.",
            plural(job.params.params.len() as u64, "parameter"),
            plural(job.outputs.len() as u64, "output")
        ),
        command_line: m.command_line.clone(),
        meta: vec![
            (
                "Study",
                format!(
                    "{} ({} {}), {} each, seed {}",
                    plural(points as u64, "design point"),
                    job.samples,
                    if job.method == Method::Morris {
                        "trajectories"
                    } else {
                        "base samples"
                    },
                    plural(u64::from(base.replicates), "replicate"),
                    base.seed
                ),
            ),
            ("gigsim", format!("{} (commit {})", m.gigsim_version, m.git_commit)),
            ("Scenario file", m.scenario_file.clone()),
            ("Parameter file", m.params_file.clone()),
        ],
        tables: vec![indices],
        files: vec![
            (
                "sensitivity.csv",
                "every index: method, metric, param, index, value, ci_low, ci_high",
            ),
            ("scenario.toml", "the resolved scenario as given"),
            (
                MANIFEST,
                "what produced this folder: version, command, seed, method, design",
            ),
        ],
    }
}
