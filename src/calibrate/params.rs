//! Parameter files: the scenario keys `calibrate` and `sensitivity` vary, each with its
//! bounds and scale.
//!
//! ```toml
//! [[params]]
//! key = "workers.reservation_wage.median"   # any numeric key `sweep` accepts
//! low = 0.5
//! high = 5.0
//! log = true                                # optional, default false
//! ```
//!
//! Every entry is checked against the scenario before any run: the key must be a
//! number there, `low < high` (both above 0 on a log scale), and the scenario must be
//! valid at both bounds (so a probability cannot be given a bound of 1.5).

use std::path::{Path, PathBuf};

use crate::entries::{self, EntriesError, EntriesFile};
use crate::scenario::{Study, overrides};

/// One scenario key to vary.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The dotted scenario key.
    pub key: String,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Whether the key varies on a log scale.
    pub log: bool,
    /// Whether the key holds whole numbers (values are rounded).
    pub integer: bool,
}

impl Param {
    /// The value at `u` in [0, 1] of the way from `low` to `high` (on the log scale for
    /// a log parameter), rounded for a whole-number key.
    pub fn value(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        let v = if self.log {
            (self.low.ln() + u * (self.high.ln() - self.low.ln())).exp()
        } else {
            self.low + u * (self.high - self.low)
        };
        if self.integer {
            v.round()
        } else {
            v.clamp(self.low, self.high)
        }
    }

    /// Where `value` lies between the bounds, 0 to 1 (on the parameter's scale).
    pub fn position(&self, value: f64) -> f64 {
        let u = if self.log {
            (value.ln() - self.low.ln()) / (self.high.ln() - self.low.ln())
        } else {
            (value - self.low) / (self.high - self.low)
        };
        u.clamp(0.0, 1.0)
    }

    /// The override that sets the key to `value`.
    pub fn set(&self, value: f64) -> (String, toml::Value) {
        let v = if self.integer {
            toml::Value::Integer(value.round() as i64)
        } else {
            toml::Value::Float(value)
        };
        (self.key.clone(), v)
    }
}

/// A parameter file.
#[derive(Clone, Debug)]
pub struct Params {
    /// The file.
    pub path: PathBuf,
    /// Its parameters, in file order.
    pub params: Vec<Param>,
}

impl Params {
    /// Reads a parameter file and checks it against `study`.
    pub fn load(path: &Path, study: &Study) -> Result<Params, EntriesError> {
        Params::parse(&entries::read("parameter file", path)?, path, study)
    }

    /// Checks the text of a parameter file (`path` names it in errors) against `study`.
    pub fn parse(text: &str, path: &Path, study: &Study) -> Result<Params, EntriesError> {
        let file = EntriesFile::parse(text, path)?;
        file.only(&["params"], "unknown key; a parameter file has [[params]] entries only")?;
        let list = file.entries("params", "expected one or more [[params]] entries")?;
        let tree = &study.base().tree;
        let mut params: Vec<Param> = Vec::new();
        for entry in list {
            let entry = entry?;
            entry.only(&["key", "low", "high", "log"])?;
            let key = match entry.text("key", "; give a dotted scenario key")? {
                Some(key) => key.to_string(),
                None => return Err(entry.error("key", "missing: the dotted scenario key to vary")),
            };
            if params.iter().any(|p| p.key == key) {
                return Err(entry.error("key", format!("`{key}` is listed twice")));
            }
            if !overrides::is_numeric(tree, &key) {
                let mut probe = tree.clone();
                let why = overrides::apply(&mut probe, &key, toml::Value::Float(0.0))
                    .err()
                    .unwrap_or_else(|| "it is not a number (only numeric keys can be varied)".into());
                return Err(entry.error("key", format!("cannot vary `{key}`: {why}")));
            }
            let bound = |k: &str| -> Result<f64, EntriesError> {
                entry.number(k)?.ok_or_else(|| entry.error(k, "missing: the bound"))
            };
            let (low, high) = (bound("low")?, bound("high")?);
            let log = match entry.table.get("log") {
                None => false,
                Some(toml::Value::Boolean(b)) => *b,
                Some(v) => return Err(entry.error("log", format!("{v} is not true or false"))),
            };
            if low >= high {
                return Err(entry.error("low", format!("{low} is not below high = {high}")));
            }
            if log && low <= 0.0 {
                return Err(entry.error("low", format!("{low}: a log scale needs bounds above 0")));
            }
            let integer = matches!(overrides::lookup(tree, &key), Some(toml::Value::Integer(_)));
            let param = Param {
                key: key.clone(),
                low,
                high,
                log,
                integer,
            };
            // The scenario must be valid at both ends, so no candidate fails mid-way.
            for (end, value) in [("low", low), ("high", high)] {
                study
                    .with_points(
                        &[(format!("{key}={value}"), vec![param.set(value)])],
                        "the parameter bound",
                    )
                    .map_err(|e| entry.error(end, format!("the scenario is not valid with `{key}` = {value}: {e}")))?;
            }
            params.push(param);
        }
        Ok(Params {
            path: path.to_path_buf(),
            params,
        })
    }

    /// The overrides of the point `u` (one position 0–1 per parameter).
    pub fn overrides(&self, u: &[f64]) -> Vec<(String, toml::Value)> {
        self.params.iter().zip(u).map(|(p, &x)| p.set(p.value(x))).collect()
    }

    /// The parameter values of the point `u`.
    pub fn values(&self, u: &[f64]) -> Vec<f64> {
        self.params.iter().zip(u).map(|(p, &x)| p.value(x)).collect()
    }
}
