//! `gigsim sweep`: a grid over one or two numeric keys.

use super::report::report_done;
use crate::cli::SweepArgs;
use crate::error::Error;
use crate::pipeline::{Extra, apply_flags, execute};
use crate::scenario::dist::fmt_num;
use crate::scenario::{self, Study, overrides};

/// Parses `0,5,10` or `start:stop:step` (stop included, values rounded to the step's
/// decimals).
pub fn parse_values(text: &str) -> Result<Vec<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the list of values is empty".into());
    }
    let number = |s: &str| -> Result<f64, String> {
        let v: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not a number", s.trim()))?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("`{}` is not a finite number", s.trim()))
        }
    };
    if text.contains(':') {
        let parts: Vec<&str> = text.split(':').collect();
        let [start, stop, step] = parts[..] else {
            return Err(format!("`{text}`: a range is start:stop:step"));
        };
        let (start, stop, step) = (number(start)?, number(stop)?, number(step)?);
        if step <= 0.0 {
            return Err(format!("`{text}`: the step must be above 0"));
        }
        if start > stop {
            return Err(format!("`{text}`: start must not exceed stop"));
        }
        // Counted in floating point before any cast (never NaN: the ends are finite and
        // the step above 0): a range like 0:1e300:1e-300 has more values than a usize
        // holds, and a cast would saturate and wrap around to none.
        let steps = ((stop - start) / step + 1e-9).floor();
        if steps >= MAX_POINTS as f64 {
            return Err(format!(
                "`{text}` gives {} values; at most {MAX_POINTS}",
                fmt_num(steps + 1.0)
            ));
        }
        let n = steps as usize + 1;
        // Values are rounded to the decimals of start and step (0.1 × 3 is 0.3, not
        // 0.30000000000000004), read from the numbers themselves: `1e-5` has five and
        // `0.05` two, so neither is rounded away.
        let places = |v: f64| format!("{v}").split_once('.').map_or(0, |(_, d)| d.len());
        let decimals = places(start).max(places(step));
        return Ok((0..n)
            .map(|i| {
                format!("{:.decimals$}", start + i as f64 * step)
                    .parse()
                    .expect("a formatted number parses")
            })
            .collect());
    }
    let values: Vec<f64> = text.split(',').map(number).collect::<Result<_, _>>()?;
    if values.len() > MAX_POINTS {
        return Err(format!("{} values; at most {MAX_POINTS}", values.len()));
    }
    Ok(values)
}

/// Most points a sweep may have, on one axis or over the grid of two.
pub const MAX_POINTS: usize = 10_000;

/// A sweep ready to run.
pub struct Grid {
    /// One variant per point, in plan order.
    pub study: Study,
    /// The swept dotted keys.
    pub params: Vec<String>,
    /// Each point's values of the keys, in plan order.
    pub values: Vec<Vec<f64>>,
}

/// A sweep's study: one variant per point of the grid of `params` × `values` (each
/// `--values` text parsed with [`parse_values`]), every point checked like a variant.
pub fn sweep_study(study: &Study, params: &[String], values: &[String]) -> Result<Grid, Error> {
    if params.len() != values.len() {
        return Err(Error::Usage(format!(
            "every --param needs its --values: got {} --param and {} --values",
            params.len(),
            values.len()
        )));
    }
    if params.is_empty() {
        return Err(Error::Usage("sweep needs --param KEY --values LIST".into()));
    }
    if params.len() > 2 {
        return Err(Error::Usage(
            "sweep takes one or two --param (for more, use several sweeps or variants)".into(),
        ));
    }
    let tree = &study.base().tree;
    let mut axes = Vec::new();
    for (key, list) in params.iter().zip(values) {
        if params.iter().filter(|k| *k == key).count() > 1 {
            return Err(Error::Usage(format!("--param {key} is given twice")));
        }
        if !overrides::is_numeric(tree, key) {
            let mut probe = tree.clone();
            let why = overrides::apply(&mut probe, key, toml::Value::Float(0.0))
                .err()
                .unwrap_or_else(|| "it is not a number (sweep varies numbers only)".into());
            return Err(Error::Usage(format!("--param {key}: cannot sweep this key: {why}")));
        }
        let values = parse_values(list).map_err(|e| Error::Usage(format!("--values for {key}: {e}")))?;
        axes.push((key.clone(), values));
    }
    let points: usize = axes.iter().map(|(_, v)| v.len()).product();
    if points > MAX_POINTS {
        return Err(Error::Usage(format!(
            "the sweep has {points} points ({}); at most {MAX_POINTS}",
            axes.iter()
                .map(|(_, v)| v.len().to_string())
                .collect::<Vec<_>>()
                .join(" × ")
        )));
    }
    let mut grid: Vec<Vec<f64>> = vec![Vec::new()];
    for (_, values) in &axes {
        grid = grid
            .iter()
            .flat_map(|prefix| values.iter().map(move |v| [prefix.clone(), vec![*v]].concat()))
            .collect();
    }
    let params: Vec<String> = axes.iter().map(|(k, _)| k.clone()).collect();
    let points: Vec<(String, Vec<(String, toml::Value)>)> = grid
        .iter()
        .map(|vals| {
            let name = params
                .iter()
                .zip(vals)
                .map(|(k, v)| format!("{k}={}", fmt_num(*v)))
                .collect::<Vec<_>>()
                .join(";");
            let sets = params
                .iter()
                .zip(vals)
                .map(|(k, v)| (k.clone(), toml::Value::Float(*v)))
                .collect();
            (name, sets)
        })
        .collect();
    let study = study.with_points(&points, "sweep point")?;
    Ok(Grid {
        study,
        params,
        values: grid,
    })
}

/// Runs a sweep and writes `sweep.csv`.
pub fn sweep(args: &SweepArgs) -> Result<(), Error> {
    let mut study = scenario::load(&args.scenario)?;
    apply_flags(&mut study, &args.flags.options());
    let declared = study.variants.len() - 1;
    let Grid {
        study,
        params,
        values: grid,
    } = sweep_study(&study, &args.params, &args.values)?;
    if declared > 0 && !args.flags.quiet {
        eprintln!("note: the scenario's {declared} [[variants]] are not run by sweep");
    }
    let extra = Extra::Sweep {
        params: &params,
        values: &grid,
    };
    report_done(execute(&study, &args.flags.options(), extra)?, args.flags.quiet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ranges() {
        assert_eq!(parse_values("0,5,10"), Ok(vec![0.0, 5.0, 10.0]));
        assert_eq!(parse_values("0:10:5"), Ok(vec![0.0, 5.0, 10.0]));
        assert_eq!(parse_values("0:1:0.1").unwrap().len(), 11);
        assert_eq!(parse_values("0:1:0.1").unwrap()[3], 0.3);
        assert_eq!(parse_values("0.5:1:0.25"), Ok(vec![0.5, 0.75, 1.0]));
        assert_eq!(parse_values("1:2:5"), Ok(vec![1.0]));
        // The decimals of start count, and a step in exponent notation keeps its own.
        assert_eq!(parse_values("0.05:3:1"), Ok(vec![0.05, 1.05, 2.05]));
        assert_eq!(parse_values("0:0.00003:1e-5"), Ok(vec![0.0, 0.00001, 0.00002, 0.00003]));
        assert_eq!(parse_values("1e2:3e2:1e2"), Ok(vec![100.0, 200.0, 300.0]));
        assert!(parse_values("").is_err());
        assert!(parse_values("1,x").is_err());
        assert!(parse_values("5:1:1").is_err());
        assert!(parse_values("0:1:0").is_err());
        assert!(parse_values("0:1").is_err());
        assert!(parse_values("0:1e9:1").is_err());
        // More values than a usize holds: refused, not wrapped around to an empty sweep.
        let e = parse_values("0:1e300:1e-300").unwrap_err();
        assert!(e.contains("at most 10000"), "{e}");
        assert!(parse_values("0:1e300:1e-320").is_err());
        assert_eq!(parse_values("0:9999:1").unwrap().len(), MAX_POINTS);
        assert!(parse_values("0:10000:1").is_err());
    }
}
