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

use crate::scenario::{Study, overrides};

/// A parameter file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ParamsError {
    /// The file cannot be read.
    #[error("cannot read the parameter file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("{}: not valid TOML: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A key is unknown, missing or has a value that is not allowed.
    #[error("{}: {key}: {message}", path.display())]
    Key {
        /// The file.
        path: PathBuf,
        /// The entry's key, as `params[2].low`.
        key: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

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
    pub fn load(path: &Path, study: &Study) -> Result<Params, ParamsError> {
        let text = std::fs::read_to_string(path).map_err(|source| ParamsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Params::parse(&text, path, study)
    }

    /// Checks the text of a parameter file (`path` names it in errors) against `study`.
    pub fn parse(text: &str, path: &Path, study: &Study) -> Result<Params, ParamsError> {
        let err = |key: String, message: String| ParamsError::Key {
            path: path.to_path_buf(),
            key,
            message,
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ParamsError::Syntax {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        if let Some(k) = table.keys().find(|k| *k != "params") {
            return Err(err(
                k.clone(),
                "unknown key; a parameter file has [[params]] entries only".into(),
            ));
        }
        let Some(list) = table.get("params").and_then(|l| l.as_array()).filter(|l| !l.is_empty()) else {
            return Err(err("params".into(), "expected one or more [[params]] entries".into()));
        };
        let tree = &study.base().tree;
        let mut params: Vec<Param> = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let at = |k: &str| format!("params[{}].{k}", i + 1);
            let Some(entry) = entry.as_table() else {
                return Err(err(
                    format!("params[{}]", i + 1),
                    "expected a table ([[params]])".into(),
                ));
            };
            const KEYS: [&str; 4] = ["key", "low", "high", "log"];
            if let Some(k) = entry.keys().find(|k| !KEYS.contains(&k.as_str())) {
                return Err(err(at(k), format!("unknown key; allowed: {}", KEYS.join(", "))));
            }
            let key = match entry.get("key") {
                Some(toml::Value::String(s)) => s.clone(),
                Some(v) => return Err(err(at("key"), format!("{v} is not text; give a dotted scenario key"))),
                None => return Err(err(at("key"), "missing: the dotted scenario key to vary".into())),
            };
            if params.iter().any(|p| p.key == key) {
                return Err(err(at("key"), format!("`{key}` is listed twice")));
            }
            if !overrides::is_numeric(tree, &key) {
                let mut probe = tree.clone();
                let why = overrides::apply(&mut probe, &key, toml::Value::Float(0.0))
                    .err()
                    .unwrap_or_else(|| "it is not a number (only numeric keys can be varied)".into());
                return Err(err(at("key"), format!("cannot vary `{key}`: {why}")));
            }
            let number = |k: &str| -> Result<f64, ParamsError> {
                match entry.get(k) {
                    Some(v) => match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
                        Some(x) if x.is_finite() => Ok(x),
                        _ => Err(err(at(k), format!("{v} is not a finite number"))),
                    },
                    None => Err(err(at(k), "missing: the bound".into())),
                }
            };
            let (low, high) = (number("low")?, number("high")?);
            let log = match entry.get("log") {
                None => false,
                Some(toml::Value::Boolean(b)) => *b,
                Some(v) => return Err(err(at("log"), format!("{v} is not true or false"))),
            };
            if low >= high {
                return Err(err(at("low"), format!("{low} is not below high = {high}")));
            }
            if log && low <= 0.0 {
                return Err(err(at("low"), format!("{low}: a log scale needs bounds above 0")));
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
                    .map_err(|e| {
                        err(
                            at(end),
                            format!("the scenario is not valid with `{key}` = {value}: {e}"),
                        )
                    })?;
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
