//! `gigsim calibrate`: fit scenario keys to a targets file and write every evaluation,
//! the best point as a scenario, and its validation.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::stdout::say;
use crate::calibrate::{self, Evaluator, Params, files};
use crate::cli::CalibrateArgs;
use crate::error::Error;
use crate::output::charts::search;
use crate::output::{folder, lock::lock};
use crate::pipeline::apply_flags;
use crate::scenario;
use crate::units::{plural, three_digits};
use crate::validate::Targets;

/// Runs a calibration.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), Error> {
    let options = args.flags.options();
    for (given, flag) in [
        (options.shard.is_some(), "--shard"),
        (options.resume, "--resume"),
        (options.tables.is_some(), "--tables"),
    ] {
        if given {
            return Err(Error::Usage(format!(
                "calibrate does not take {flag}: it runs every candidate in memory and writes only its own files"
            )));
        }
    }
    if args.budget == 0 {
        return Err(Error::Usage(
            "--budget 0: a calibration needs at least one evaluation".into(),
        ));
    }
    // Everything the user gave is checked before any run.
    let targets = Targets::load(&args.targets)?;
    let mut study = scenario::load(&args.scenario)?;
    apply_flags(&mut study, &options);
    study.variants.truncate(1);
    let params = Params::load(&args.params, &study)?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let out = folder::choose(options.out.as_deref(), options.force, &study.base().scenario.name, &cwd)?;
    folder::open(&out)?;
    let _lock = lock(&out)?;

    let bar = ProgressBar::new(args.budget as u64);
    if options.quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:20}] {pos}/{len} evaluations, {msg}, ~{eta} left",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_message("best loss –");
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
    }
    let evaluator = Evaluator {
        study: &study,
        targets: &targets,
        params: &params,
        threads: options.thread_count(),
        progress: &ProgressBar::hidden(),
    };
    let result = calibrate::calibrate(&evaluator, args.budget, study.base().scenario.seed, |_, best| {
        bar.inc(1);
        bar.set_message(format!("best loss {}", three_digits(best)));
    });
    bar.finish_and_clear();
    let calibration = result?;
    files::write(&out, &study, &targets, &params, &calibration, args.budget)?;
    let name = &study.base().scenario.name;
    search::draw(
        &out,
        &[
            search::convergence(&calibration, name),
            search::loss_by_parameter(&calibration, &params, name),
        ],
        &study.base().scenario.charts,
    )?;
    if !options.quiet {
        let best = &calibration.evaluations[calibration.best];
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
