//! Scenarios: the TOML file a researcher writes, checked and turned into the parameters
//! the model runs.
//!
//! `raw` mirrors the file (serde, unknown keys refused), `keys` documents and bounds
//! every key, `validate` builds the model's [`Scenario`], `overrides` applies the dotted
//! keys of variants and sweeps, `render` prints a scenario back with its documentation.
//! [`load`] does all of it and returns a [`Study`]: the base scenario and its variants.

pub mod dist;
pub mod error;
pub mod keys;
mod load;
pub mod locate;
pub mod overrides;
pub mod raw;
pub mod render;
mod validate;

pub use error::{Problem, ScenarioError};
pub use load::{load, parse, parse_bytes};

use crate::model::PlatformParams;
use crate::model::behaviour::{Churn, Learning, Switching, Taxes, Tools, Unpaid};
use crate::model::demand::DemandParams;
use crate::model::posting::Category;
use crate::model::record::WageReporting;
use crate::model::requester::RequesterParams;
use crate::model::worker::WorkerParams;

/// A checked scenario in the model's units, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name (names the output folder).
    pub name: String,
    /// What it models.
    pub description: String,
    /// Days simulated.
    pub days: u32,
    /// Days left out of the metrics.
    pub warmup_days: u32,
    /// Replicates.
    pub replicates: u32,
    /// Master seed.
    pub seed: u64,
    /// Wage floor and hours threshold of the wage metrics.
    pub reporting: WageReporting,
    /// Worker population.
    pub workers: WorkerParams,
    /// Requesters.
    pub requesters: RequesterParams,
    /// Task categories.
    pub categories: Vec<Category>,
    /// Demand.
    pub demand: DemandParams,
    /// The platforms (one, or several when workers multi-home).
    pub platforms: Vec<PlatformParams>,
    /// Learning by practice.
    pub learning: Learning,
    /// Switching costs and staying with a batch.
    pub switching: Switching,
    /// Returned tasks and reviewing offers.
    pub unpaid: Unpaid,
    /// Exits and arrivals.
    pub churn: Churn,
    /// Tools and templates.
    pub tools: Tools,
    /// The estimated tax.
    pub taxes: Taxes,
}

/// One variant of a study: a name, the overrides that make it, and the checked scenario.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Name ("base" for the scenario as written).
    pub name: String,
    /// The dotted-key overrides applied to the base (empty for base).
    pub overrides: Vec<(String, toml::Value)>,
    /// The resolved raw scenario of the variant.
    pub raw: raw::RawScenario,
    /// The checked scenario.
    pub scenario: Scenario,
    /// Whether the variant was declared in the scenario file (not made by a sweep).
    pub from_file: bool,
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
        let mut raw = self.written.raw.clone();
        raw.variants = self
            .variants
            .iter()
            .filter(|v| v.name != "base" && v.from_file)
            .map(|v| raw::RawVariant {
                name: v.name.clone(),
                set: v.overrides.iter().cloned().collect(),
            })
            .collect();
        render::render(&raw, false)
    }

    /// A text that changes whenever anything that decides the results changes: the
    /// resolved scenario and every variant's name and overrides (hashed into manifests,
    /// so shards of different studies are never merged).
    pub fn identity_text(&self) -> String {
        let mut text = render::render(&self.written.raw, false);
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
