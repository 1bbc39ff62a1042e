//! What a calibration leaves in its folder: `calibration.csv` (every evaluation: its
//! parameters, each moment, the loss), `best.toml` (the resolved scenario at the best
//! point, ready for `gigsim run`), `validation.csv` of the best point and the resolved
//! scenario as given.

use std::path::Path;

use polars::prelude::*;

use super::{Calibration, Params};
use crate::output::OutputError;
use crate::output::atomic::write_file;
use crate::output::manifest::{GIT_COMMIT, VERSION};
use crate::output::tables::write_csv;
use crate::scenario::Study;
use crate::scenario::render::render;
use crate::validate::{Targets, write_validation};

/// The column names of each target in `calibration.csv`: the moment's name, with the
/// threshold for a `share_above_*` moment and a number when a name repeats.
pub fn moment_columns(targets: &Targets) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in &targets.moments {
        let mut name = match t.threshold {
            Some(x) => format!("{}@{x}", t.moment.name),
            None => t.moment.name.to_string(),
        };
        let base = name.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        names.push(name);
    }
    names
}

/// Writes the calibration's tables into `out`: `calibration.csv`, `best.toml`,
/// `validation.csv` and `scenario.toml` (the command writes the charts, the report and
/// the manifest `calibration.json` after them).
pub fn write(
    out: &Path,
    study: &Study,
    targets: &Targets,
    params: &Params,
    calibration: &Calibration,
) -> Result<(), OutputError> {
    let e = &calibration.evaluations;
    let mut columns = vec![
        Column::new("evaluation".into(), (0..e.len() as i64).collect::<Vec<i64>>()),
        Column::new("stage".into(), e.iter().map(|x| x.stage.name()).collect::<Vec<_>>()),
    ];
    for (k, p) in params.params.iter().enumerate() {
        columns.push(Column::new(
            p.key.as_str().into(),
            e.iter().map(|x| x.values[k]).collect::<Vec<f64>>(),
        ));
    }
    for (k, name) in moment_columns(targets).iter().enumerate() {
        let means: Vec<Option<f64>> = e
            .iter()
            .map(|x| Some(x.checks[k].estimate.mean).filter(|v| v.is_finite()))
            .collect();
        columns.push(Column::new(name.as_str().into(), means));
    }
    columns.push(Column::new(
        "loss".into(),
        e.iter().map(|x| x.loss).collect::<Vec<f64>>(),
    ));
    let mut df = DataFrame::new(e.len(), columns).map_err(|err| OutputError::table("calibration", err))?;
    write_csv(&out.join("calibration.csv"), "calibration", &mut df)?;

    let best = &e[calibration.best];
    let point = study
        .with_points(&[("best".into(), params.overrides(&best.position))], "the best point")
        .map_err(|err| OutputError::Chart {
            path: out.join("best.toml"),
            message: err.to_string(),
        })?;
    let mut text = format!(
        "# The best point of `gigsim calibrate` (evaluation {} of {}): loss {:.6} against {}.\n",
        calibration.best,
        e.len(),
        best.loss,
        targets.path.display()
    );
    for (p, v) in params.params.iter().zip(&best.values) {
        text.push_str(&format!("#   {} = {v}\n", p.key));
    }
    text.push_str(&format!(
        "# gigsim {VERSION} ({GIT_COMMIT}), from {}; run it with `gigsim run best.toml`.\n\n",
        study.file
    ));
    text.push_str(&render(&point.variants[0].tree, false));
    write_file(&out.join("best.toml"), text.as_bytes())?;
    write_validation(out, &best.checks)?;
    write_file(&out.join("scenario.toml"), study.resolved_toml().as_bytes())
}
