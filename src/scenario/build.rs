//! From the resolved scenario to the [`Scenario`] the model runs: each key's value goes
//! through its `set` in the key table, distributions are built (checked against the
//! range their key allows), then the rules that involve several keys are applied
//! (`validate`).

use super::Scenario;
use super::dist::RawDist;
use super::error::Problem;
use super::keys::{self, Allowed, Val};
use super::locate::{Seg, path_string};
use super::validate::{self, Where};

/// Builds the scenario from a resolved tree without `[[variants]]`.
pub fn build(tree: &toml::Table, at: &Where<'_>) -> Result<Scenario, Box<Problem>> {
    let mut s = Scenario::default();
    table("", tree, &mut Vec::new(), &mut Vec::new(), &mut s, at)?;
    match validate::rules(tree, &mut s, at) {
        // An old folder's scenario is read for its charts whatever the rules say.
        Err(e) if !at.lenient => Err(e),
        _ => Ok(s),
    }
}

fn table(
    schema: &str,
    t: &toml::Table,
    path: &mut Vec<Seg>,
    ix: &mut Vec<usize>,
    s: &mut Scenario,
    at: &Where<'_>,
) -> Result<(), Box<Problem>> {
    for key in keys::children(schema) {
        let Some(v) = t.get(key.leaf()) else { continue };
        path.push(Seg::Key(key.leaf().to_string()));
        match key.allowed {
            Allowed::Section => {
                (key.set)(s, ix, Val::Count(1));
                // `[platform]` is the one element of the market's platform list.
                let element = key.path == "platform";
                if element {
                    ix.push(0);
                }
                table(key.path, v.as_table().expect("resolved"), path, ix, s, at)?;
                if element {
                    ix.pop();
                }
            }
            Allowed::Tables => {
                let items = v.as_array().expect("resolved");
                (key.set)(s, ix, Val::Count(items.len()));
                let schema = format!("{}[]", key.path);
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    ix.push(i);
                    table(&schema, item.as_table().expect("resolved"), path, ix, s, at)?;
                    ix.pop();
                    path.pop();
                }
            }
            Allowed::Dist { min, max } => {
                let raw: RawDist = v.clone().try_into().expect("resolved distributions deserialize");
                let dist = raw.build(min, max).map_err(|e| {
                    let value = v.get(&e.param).map(|x| x.to_string());
                    at.problem(&format!("{}.{}", path_string(path), e.param), value, e.allowed)
                })?;
                (key.set)(s, ix, Val::Dist(dist));
            }
            allowed => (key.set)(s, ix, plain(allowed, v)),
        }
        path.pop();
    }
    Ok(())
}

/// A resolved plain value as the `Val` its key's `set` expects.
fn plain(allowed: Allowed, v: &toml::Value) -> Val<'_> {
    let number = |x: &toml::Value| x.as_float().expect("resolved floats");
    match allowed {
        Allowed::Int { .. } => Val::Int(v.as_integer().expect("resolved")),
        Allowed::Float { .. } => Val::Float(number(v)),
        Allowed::Text(_) | Allowed::Choice(_) => Val::Text(v.as_str().expect("resolved")),
        Allowed::Bool => Val::Bool(v.as_bool().expect("resolved")),
        Allowed::FloatList { .. } => Val::Floats(v.as_array().expect("resolved").iter().map(number).collect()),
        Allowed::ChoiceList(_) => Val::Words(
            v.as_array()
                .expect("resolved")
                .iter()
                .filter_map(|w| w.as_str())
                .collect(),
        ),
        Allowed::Overrides => Val::Count(0),
        Allowed::Section | Allowed::Tables | Allowed::Dist { .. } => unreachable!("handled by the walk"),
    }
}
