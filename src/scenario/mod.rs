//! Scenarios: the TOML file a researcher writes, checked and turned into the parameters
//! the model runs.
//!
//! `keys` states every key once (unit, range, default, meaning, conversion); `resolve`
//! checks a file against it and fills in defaults, `build` turns the resolved file into
//! a [`Scenario`] of plain settings types (`settings`), `validate` applies the rules that
//! involve several keys, `overrides` applies the dotted keys of variants and sweeps,
//! `render` prints a scenario back with its documentation. [`load`] does all of it and
//! returns a [`Study`]: the base scenario and its variants.

mod build;
pub mod choice;
pub mod dist;
pub mod error;
pub mod keys;
mod load;
pub mod locate;
pub mod overrides;
pub mod render;
mod resolve;
mod settings;
mod validate;

pub use error::{Problem, ScenarioError};
pub use load::{load, parse, parse_bytes};
pub use resolve::edit_distance;
pub use settings::*;
pub use validate::{MAX_PLATFORMS, MAX_WORKERS};

use locate::Locator;
use validate::Where;

/// The resolved default scenario: an empty file with every default filled in.
pub fn defaults_tree() -> toml::Table {
    let locator = Locator::new("");
    resolve::resolve(&toml::Table::new(), &quiet_place(&locator)).expect("the defaults are valid")
}

/// The default scenario, checked.
pub fn defaults() -> Scenario {
    let locator = Locator::new("");
    build::build(&defaults_tree(), &quiet_place(&locator)).expect("the defaults are valid")
}

/// The scenario of a resolved TOML text written by any gigsim version, for charts of an
/// old folder: keys this version does not know are skipped, and values it does not
/// accept take their defaults; when even that does not build, the defaults.
pub fn parse_lenient(text: &str) -> Scenario {
    let locator = Locator::new(text);
    let at = Where {
        lenient: true,
        ..quiet_place(&locator)
    };
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|written| resolve::resolve(&written, &at).ok())
        .and_then(|mut tree| {
            tree.remove("variants");
            build::build(&tree, &at).ok()
        })
        .unwrap_or_else(defaults)
}

fn quiet_place<'a>(locator: &'a Locator<'a>) -> Where<'a> {
    Where {
        file: "defaults",
        locator,
        context: None,
        fallback_line: None,
        lenient: false,
    }
}

/// One variant of a study: a name, the overrides that make it, and the checked scenario.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Name ("base" for the scenario as written).
    pub name: String,
    /// The dotted-key overrides applied to the base (empty for base).
    pub overrides: Vec<(String, toml::Value)>,
    /// The resolved scenario of the variant as TOML (every default filled in).
    pub tree: toml::Table,
    /// The checked scenario.
    pub scenario: Scenario,
    /// Whether the variant was declared in the scenario file (not made by a sweep).
    pub from_file: bool,
}

impl Variant {
    /// Sets the seed and the replicates (`--seed`, `--replicates`), in the scenario and
    /// in its resolved TOML alike.
    pub fn set_simulation(&mut self, seed: Option<u64>, replicates: Option<u32>) {
        let simulation = self.tree.get_mut("simulation").and_then(|s| s.as_table_mut());
        let simulation = simulation.expect("a resolved scenario has [simulation]");
        if let Some(seed) = seed {
            self.scenario.seed = seed;
            simulation.insert("seed".into(), toml::Value::Integer(seed as i64));
        }
        if let Some(r) = replicates {
            self.scenario.replicates = r;
            simulation.insert("replicates".into(), toml::Value::Integer(i64::from(r)));
        }
    }
}

/// A scenario file as loaded, and the variants to run: for `run` and `compare` the
/// scenario as written ("base") and its `[[variants]]`; for `sweep` the sweep's points.
#[derive(Clone, Debug)]
pub struct Study {
    /// The file as the user named it.
    pub file: String,
    /// The text of the file.
    pub text: String,
    /// The scenario as written ("base"), with every default filled in.
    pub written: Box<Variant>,
    /// The variants to run; the first is the reference of paired differences.
    pub variants: Vec<Variant>,
}

impl Study {
    /// The scenario as written (variant "base"): the reference for the demand response
    /// to cost, and the source of name, seed and replicates.
    pub fn base(&self) -> &Variant {
        &self.written
    }

    /// The resolved scenario with every default filled in, its `[[variants]]` included,
    /// as TOML.
    pub fn resolved_toml(&self) -> String {
        let mut tree = self.written.tree.clone();
        let declared: Vec<toml::Value> = self
            .variants
            .iter()
            .filter(|v| v.name != "base" && v.from_file)
            .map(|v| {
                let mut item = toml::Table::new();
                item.insert("name".into(), toml::Value::String(v.name.clone()));
                item.insert("set".into(), toml::Value::Table(v.overrides.iter().cloned().collect()));
                toml::Value::Table(item)
            })
            .collect();
        if !declared.is_empty() {
            tree.insert("variants".into(), toml::Value::Array(declared));
        }
        render::render(&tree, false)
    }

    /// A text that changes whenever anything that decides the results changes: the
    /// resolved scenario and every variant's name and overrides (hashed into manifests,
    /// so shards of different studies are never merged).
    pub fn identity_text(&self) -> String {
        let mut text = render::render(&self.written.tree, false);
        for v in &self.variants {
            text.push_str(&format!("\n# variant {}\n", v.name));
            for (k, value) in &v.overrides {
                text.push_str(&format!("{k} = {value}\n"));
            }
        }
        text
    }

    /// A study of sweep points: each point is a variant made of overrides of the
    /// scenario as written, checked like a variant in the file; `context` names what is
    /// being checked in messages (the sweep parameters).
    pub fn with_points(
        &self,
        points: &[(String, Vec<(String, toml::Value)>)],
        context: &str,
    ) -> Result<Study, ScenarioError> {
        let mut variants = Vec::with_capacity(points.len());
        for (name, overrides) in points {
            variants.push(load::make_variant(self, name, overrides, &format!("{context} {name}"))?);
        }
        Ok(Study {
            file: self.file.clone(),
            text: self.text.clone(),
            written: self.written.clone(),
            variants,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_folders_are_read_leniently() {
        let s = parse_lenient(
            "[simulation]\ndescription = \"d\"\nwage_floor_usd = 12\ndays = 40\nfuture_key = 1\n\
             [charts]\nwidth = 800\nformats = [\"svg\"]\nscale = 99.0\n\
             [[platforms]]\nname = \"a\"\n[[platforms]]\nname = \"b\"\n",
        );
        assert_eq!(s.description, "d");
        assert_eq!(s.reporting.wage_floor_usd, 12.0);
        assert_eq!(s.reporting.min_paid_seconds, 3600.0);
        assert_eq!((s.days, s.warmup_days), (40, 0));
        assert_eq!((s.charts.width, s.charts.height, s.charts.scale), (800, 650, 1.0));
        assert_eq!(s.charts.formats, vec![ChartFormat::Svg]);
        let names: Vec<_> = s.platforms.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        let broken = parse_lenient("not toml [");
        assert_eq!((broken.reporting.wage_floor_usd, broken.charts.width), (7.25, 1000));
        assert_eq!(broken.platforms[0].name, "platform");
    }
}
