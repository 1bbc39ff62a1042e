//! `gigsim plot`: charts and report redrawn from a results folder's tables.

use super::stdout::say;
use std::path::Path;

use crate::cli::PlotArgs;
use crate::error::Error;
use crate::output::charts::{ChartStyle, render_folder};
use crate::output::report::write_report_in;

/// Redraws every chart and the report of a results folder.
pub fn plot(args: &PlotArgs) -> Result<(), Error> {
    let results = &args.results;
    if !results.join("manifest.json").is_file() {
        return Err(Error::Usage(format!(
            "{} is not a gigsim results folder (it has no manifest.json)",
            results.display()
        )));
    }
    let style = match &args.charts {
        Some(file) => read_charts(file)?,
        None => ChartStyle::of_folder(results)?,
    };
    let dest = args.out.clone().unwrap_or_else(|| results.clone());
    crate::output::folder::open(&dest)?;
    let charts = render_folder(results, &dest.join("charts"), &style)?;
    let report = write_report_in(results, &charts, &dest)?;
    say(&format!(
        "drew {} charts in {} and {}",
        charts.len(),
        dest.join("charts").display(),
        report.display()
    ))?;
    Ok(())
}

/// The `[charts]` section of a TOML file — a scenario, or a file with just that
/// section — checked like any scenario (so errors name the file, line and key).
fn read_charts(file: &Path) -> Result<ChartStyle, Error> {
    let study = crate::scenario::load(file)?;
    if !study.text.lines().any(|l| l.trim().starts_with("[charts]")) {
        return Err(Error::Usage(format!("{} has no [charts] section", file.display())));
    }
    Ok(study.base().scenario.charts.clone())
}
