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
pub use load::{load, parse};

use crate::model::PlatformParams;
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
    /// The platform.
    pub platform: PlatformParams,
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
}

/// A scenario file as loaded: the resolved scenario and its variants, base first.
#[derive(Clone, Debug)]
pub struct Study {
    /// The file as the user named it.
    pub file: String,
    /// The text of the file.
    pub text: String,
    /// Base first, then the `[[variants]]` in file order.
    pub variants: Vec<Variant>,
}

impl Study {
    /// The scenario as written (variant "base").
    pub fn base(&self) -> &Variant {
        &self.variants[0]
    }

    /// The resolved scenario with every default filled in, variants included, as TOML.
    pub fn resolved_toml(&self) -> String {
        let mut raw = self.base().raw.clone();
        raw.variants = self.declared_variants();
        render::render(&raw, false)
    }

    /// The `[[variants]]` as declared in the file.
    pub fn declared_variants(&self) -> Vec<raw::RawVariant> {
        self.variants[1..]
            .iter()
            .map(|v| raw::RawVariant {
                name: v.name.clone(),
                set: v.overrides.iter().cloned().collect(),
            })
            .collect()
    }

    /// A study of the base scenario with other variants: used by `sweep`, whose points
    /// are variants made of overrides. Each is checked like a variant in the file;
    /// `context` names what is being checked in messages (e.g. the sweep parameters).
    pub fn with_variants(
        &self,
        points: &[(String, Vec<(String, toml::Value)>)],
        context: &str,
    ) -> Result<Study, ScenarioError> {
        let mut variants = vec![self.base().clone()];
        for (name, overrides) in points {
            variants.push(load::make_variant(self, name, overrides, &format!("{context} {name}"))?);
        }
        Ok(Study {
            file: self.file.clone(),
            text: self.text.clone(),
            variants,
        })
    }
}
