//! `gigsim sensitivity`: Morris screening or Sobol indices of scenario keys on outputs.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::stdout::say;
use crate::calibrate::Params;
use crate::cli::{SensitivityArgs, SensitivityMethod};
use crate::error::Error;
use crate::output::atomic::write_file;
use crate::output::charts::search;
use crate::output::columns::{HEADLINE, SENSITIVITY};
use crate::output::tables::{frame, write_csv};
use crate::output::{folder, lock::lock};
use crate::pipeline::apply_flags;
use crate::scenario;
use crate::sensitivity::{Method, Output, analyse, design, run_design};
use crate::units::{plural, three_digits};

/// Runs a sensitivity analysis.
pub fn sensitivity(args: &SensitivityArgs) -> Result<(), Error> {
    let options = args.flags.options();
    for (given, flag) in [
        (options.shard.is_some(), "--shard"),
        (options.resume, "--resume"),
        (options.tables.is_some(), "--tables"),
    ] {
        if given {
            return Err(Error::Usage(format!(
                "sensitivity does not take {flag}: it runs its design in memory and writes only sensitivity.csv"
            )));
        }
    }
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
    let outputs: Vec<Output> = names
        .iter()
        .map(|n| Output::find(n).map_err(|e| Error::Usage(format!("--metrics: {e}"))))
        .collect::<Result<_, _>>()?;
    let mut study = scenario::load(&args.scenario)?;
    apply_flags(&mut study, &options);
    study.variants.truncate(1);
    let params = Params::load(&args.params, &study)?;
    let base = &study.base().scenario;
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let out = folder::choose(options.out.as_deref(), options.force, &base.name, &cwd)?;
    folder::open(&out)?;
    let _lock = lock(&out)?;

    let points = design(method, params.params.len(), samples, base.seed);
    let bar = ProgressBar::new(points.len() as u64 * u64::from(base.replicates) * u64::from(base.days));
    if options.quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed_precise} [{bar:20}] {percent:>3}%  {msg}, ~{eta} left")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(format!("{} design points", points.len()));
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
    }
    let values = run_design(&study, &params, &points, &outputs, options.thread_count(), &bar);
    bar.finish_and_clear();
    let values = values?;
    let rows = analyse(method, &params, &outputs, &points, &values, base.seed);
    let mut df = frame("sensitivity", &rows, SENSITIVITY)?;
    write_csv(&out.join("sensitivity.csv"), "sensitivity", &mut df)?;
    write_file(&out.join("scenario.toml"), study.resolved_toml().as_bytes())?;
    search::draw(&out, &[search::indices(&rows, method, &base.name)], &base.charts)?;
    if !options.quiet {
        let mut text = format!(
            "{} on {} ({} design points × {}):\n",
            method.name(),
            plural(params.params.len() as u64, "parameter"),
            points.len(),
            plural(base.replicates, "replicate")
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
