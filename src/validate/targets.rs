//! Targets files: the empirical moments a scenario is validated (or calibrated)
//! against, each with a value and tolerance or a range, and its source.
//!
//! ```toml
//! [[moments]]
//! name = "median_hourly_wage_all_time"   # from the vocabulary (`gigsim validate --help`)
//! target = 1.77                          # or: low = 1.42, high = 2.12
//! tolerance = 0.354                      # absolute, in the moment's unit
//! source = "Hara et al. 2018, CHI"
//! threshold = 7.25                       # only for moments that take one
//! ```
//!
//! Every key is checked before any run starts; a mistake names the file, the entry,
//! the key, the value and what is allowed.

use std::path::{Path, PathBuf};

use super::moments::{self, Moment};
use crate::entries::{self, EntriesError, EntriesFile};

/// Where the simulated mean must lie.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Band {
    /// Within `tolerance` of `target`.
    Around {
        /// The empirical value.
        target: f64,
        /// Absolute tolerance, in the moment's unit.
        tolerance: f64,
    },
    /// In `[low, high]`.
    Range {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
    },
}

impl Band {
    /// The band's ends.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Band::Around { target, tolerance } => (target - tolerance, target + tolerance),
            Band::Range { low, high } => (low, high),
        }
    }

    /// Whether `value` lies in the band (ends included).
    pub fn contains(&self, value: f64) -> bool {
        let (lo, hi) = self.bounds();
        value >= lo && value <= hi
    }

    /// The middle of the band and half its width (the distance that counts as one
    /// tolerance in the validation chart).
    pub fn centre_and_half_width(&self) -> (f64, f64) {
        let (lo, hi) = self.bounds();
        (0.5 * (lo + hi), 0.5 * (hi - lo))
    }
}

/// One moment to match.
#[derive(Clone, Debug)]
pub struct Target {
    /// The moment.
    pub moment: &'static Moment,
    /// Where its simulated mean must lie.
    pub band: Band,
    /// Its wage threshold, for moments that take one.
    pub threshold: Option<f64>,
    /// Where the empirical value comes from.
    pub source: String,
}

/// A targets file.
#[derive(Clone, Debug)]
pub struct Targets {
    /// The file.
    pub path: PathBuf,
    /// Its moments, in file order.
    pub moments: Vec<Target>,
}

impl Targets {
    /// Reads and checks a targets file.
    pub fn load(path: &Path) -> Result<Targets, EntriesError> {
        Targets::parse(&entries::read("targets file", path)?, path)
    }

    /// Checks the text of a targets file (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Targets, EntriesError> {
        let file = EntriesFile::parse(text, path)?;
        file.only(
            &["moments", "description"],
            "unknown key; a targets file has `description` (text) and [[moments]] entries",
        )?;
        if let Some(d) = file.table.get("description")
            && !d.is_str()
        {
            return Err(file.error("description", format!("{d} is not text")));
        }
        let list = file.entries("moments", "missing: list the moments as [[moments]] entries")?;
        let mut moments = Vec::new();
        for entry in list {
            let entry = entry?;
            entry.only(&["name", "target", "tolerance", "low", "high", "source", "threshold"])?;
            let Some(name) = entry.text("name", "; give a moment's name")? else {
                return Err(entry.error("name", "missing: which moment this is"));
            };
            let moment = moments::find(name).ok_or_else(|| {
                entry.error(
                    "name",
                    format!(
                        "unknown moment `{name}`; the moments are: {}",
                        moments::names().join(", ")
                    ),
                )
            })?;
            let band = match (
                entry.number("target")?,
                entry.number("tolerance")?,
                entry.number("low")?,
                entry.number("high")?,
            ) {
                (Some(target), Some(tolerance), None, None) => {
                    if tolerance < 0.0 {
                        return Err(entry.error(
                            "tolerance",
                            format!("{tolerance} is negative; a tolerance is 0 or more"),
                        ));
                    }
                    Band::Around { target, tolerance }
                }
                (Some(_), None, None, None) => {
                    return Err(entry.error(
                        "tolerance",
                        "missing: a target needs a tolerance (absolute, in the moment's unit)",
                    ));
                }
                (None, None, Some(low), Some(high)) => {
                    if low > high {
                        return Err(entry.error("low", format!("{low} is above high = {high}")));
                    }
                    Band::Range { low, high }
                }
                (None, None, Some(_), None) | (None, None, None, Some(_)) => {
                    return Err(entry.error("low", "a range needs both low and high"));
                }
                _ => {
                    return Err(entry.error("target", "give either target and tolerance, or low and high"));
                }
            };
            let threshold = entry.number("threshold")?;
            match (moment.threshold, threshold) {
                (true, None) => {
                    return Err(entry.error(
                        "threshold",
                        format!("missing: `{name}` needs a threshold (a wage, US$/h)"),
                    ));
                }
                (false, Some(_)) => {
                    return Err(entry.error("threshold", format!("`{name}` takes no threshold")));
                }
                _ => {}
            }
            let source = entry.text("source", "")?.unwrap_or_default().to_string();
            moments.push(Target {
                moment,
                band,
                threshold,
                source,
            });
        }
        Ok(Targets {
            path: path.to_path_buf(),
            moments,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Targets, String> {
        Targets::parse(text, Path::new("t.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn a_target_with_tolerance_and_a_range_are_read() {
        let t = parse(
            "[[moments]]\nname = \"share_tasks_rejected\"\ntarget = 0.007\ntolerance = 0.005\nsource = \"Hara\"\n\
             [[moments]]\nname = \"wage_ratio_all_time_to_paid\"\nlow = 0.5\nhigh = 0.6\n",
        )
        .unwrap();
        assert_eq!(t.moments.len(), 2);
        assert_eq!(t.moments[0].band.bounds(), (0.007 - 0.005, 0.007 + 0.005));
        assert_eq!(t.moments[1].band, Band::Range { low: 0.5, high: 0.6 });
        assert!(t.moments[1].band.contains(0.6) && !t.moments[1].band.contains(0.61));
    }

    #[test]
    fn mistakes_name_the_key_and_what_is_allowed() {
        let cases = [
            (
                "[[moments]]\nname = \"wage\"\ntarget = 1\ntolerance = 1\n",
                "moments[1].name: unknown moment `wage`; the moments are: median_hourly_wage_paid",
            ),
            (
                "[[moments]]\nname = \"gini_net_income\"\ntarget = 0.5\n",
                "moments[1].tolerance: missing",
            ),
            (
                "[[moments]]\nname = \"gini_net_income\"\ntarget = 0.5\ntolerance = -1\n",
                "is negative",
            ),
            (
                "[[moments]]\nname = \"gini_net_income\"\nlow = 0.6\nhigh = 0.5\n",
                "moments[1].low: 0.6 is above high",
            ),
            (
                "[[moments]]\nname = \"gini_net_income\"\ntarget = 0.5\ntolerance = 0.1\nlow = 0.1\n",
                "either target and tolerance, or low and high",
            ),
            (
                "[[moments]]\nname = \"gini_net_income\"\ntarget = \"high\"\ntolerance = 0.1\n",
                "moments[1].target: \"high\" is not a finite number",
            ),
            (
                "[[moments]]\nname = \"gini_net_income\"\ntarget = 0.5\ntolerance = 0.1\nsauce = \"x\"\n",
                "moments[1].sauce: unknown key",
            ),
            (
                "[[moments]]\nname = \"share_above_hourly_wage_paid\"\ntarget = 0.5\ntolerance = 0.1\n",
                "needs a threshold",
            ),
            (
                "[[moments]]\nname = \"gini_net_income\"\ntarget = 0.5\ntolerance = 0.1\nthreshold = 2\n",
                "takes no threshold",
            ),
            ("moment = 1\n", "t.toml: moment: unknown key"),
            ("description = \"x\"\n", "moments: missing"),
            ("[[moments]\n", "not valid TOML"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(err.starts_with("t.toml"), "{err}");
        }
    }
}
