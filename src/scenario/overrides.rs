//! Dotted-key overrides (`platform.fee.worker_percent = 10`), used by variants and
//! sweeps. They are applied to the resolved scenario (every default filled in), so any
//! key that exists can be set, and an unknown one is caught here with the keys that do
//! exist at that level. Arrays of named tables are addressed by name
//! (`tasks.categories.survey.share`), arrays of unnamed ones by position from 0
//! (`platform.fee.tiers.0.percent`).

use super::dist::DistKind;
use super::keys::{self, Allowed};

/// Sets `dotted` to `value` in a resolved scenario tree. The error says what is wrong
/// and what is allowed.
pub fn apply(tree: &mut toml::Table, dotted: &str, value: toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = dotted.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err("a key is dot-separated words, like platform.fee.worker_percent".into());
    }
    if parts[0] == "simulation" || parts[0] == "variants" {
        return Err(format!(
            "[{}] cannot be overridden: every variant runs the same days, replicates and seed so that runs are paired",
            parts[0]
        ));
    }
    descend(tree, &parts, "", dotted, value)
}

/// Walks `parts` down from `table` (whose place in the schema is `schema_path`) and sets
/// the last one.
fn descend(
    table: &mut toml::Table,
    parts: &[&str],
    schema_path: &str,
    dotted: &str,
    value: toml::Value,
) -> Result<(), String> {
    let part = parts[0];
    let child_schema = join(schema_path, part);
    if parts.len() == 1 {
        return set(table, part, &child_schema, schema_path, value);
    }
    if !table.contains_key(part) {
        return Err(unknown(part, schema_path, table));
    }
    match table.get_mut(part).expect("checked above") {
        toml::Value::Table(t) => descend(t, &parts[1..], &child_schema, dotted, value),
        toml::Value::Array(items) => {
            let item = element(items, parts[1], &child_schema)?;
            // Skip the element's segment: continue inside the element.
            let rest = &parts[2..];
            if rest.is_empty() {
                return Err(format!("`{dotted}` names a whole element; set one of its keys"));
            }
            let toml::Value::Table(t) = item else {
                unreachable!("arrays of tables hold tables")
            };
            descend(t, rest, &format!("{child_schema}[]"), dotted, value)
        }
        _ => Err(format!("`{child_schema}` is a value, not a table")),
    }
}

/// The position of the element `which` names (see `element`).
fn position(items: &[toml::Value], which: &str) -> Option<usize> {
    let named = items.iter().any(|i| i.get("name").is_some());
    if named {
        items
            .iter()
            .position(|i| i.get("name").and_then(|n| n.as_str()) == Some(which))
    } else {
        which.parse::<usize>().ok().filter(|&k| k < items.len())
    }
}

/// The element of an array of tables that `which` names: by its `name` where the
/// elements have names (categories, platforms, variants), else by its position from 0
/// (fee tiers, demand shocks: `platform.fee.tiers.0.percent`).
fn element<'a>(items: &'a mut [toml::Value], which: &str, schema: &str) -> Result<&'a mut toml::Value, String> {
    let names: Vec<String> = items
        .iter()
        .filter_map(|i| i.get("name")?.as_str().map(String::from))
        .collect();
    let found = position(items, which);
    match found {
        Some(k) => Ok(&mut items[k]),
        None if items.is_empty() => Err(format!("`{schema}` is empty: there is no element `{which}`")),
        None if names.is_empty() => Err(format!(
            "`{schema}` has no element `{which}`: its {} elements are addressed by position, 0 to {}",
            items.len(),
            items.len() - 1
        )),
        None => Err(format!(
            "`{schema}` has no element named `{which}`; names: {}",
            names.join(", ")
        )),
    }
}

fn join(prefix: &str, part: &str) -> String {
    if prefix.is_empty() {
        part.to_string()
    } else {
        format!("{prefix}.{part}")
    }
}

fn unknown(part: &str, at: &str, table: &toml::Table) -> String {
    let here: Vec<&str> = table.keys().map(String::as_str).collect();
    let place = if at.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{at}`")
    };
    format!("unknown key `{part}` in {place}; keys there: {}", here.join(", "))
}

/// Sets one key, converting between integer and float where the key wants it.
fn set(table: &mut toml::Table, key: &str, schema: &str, parent: &str, value: toml::Value) -> Result<(), String> {
    let documented = keys::find(&keys::normalize(schema)).map(|k| k.allowed);
    let in_dist = matches!(
        keys::find(&keys::normalize(parent)).map(|k| k.allowed),
        Some(Allowed::Dist { .. })
    );
    if in_dist {
        let kind = table.get("dist").and_then(|d| d.as_str()).unwrap_or("");
        let family = DistKind::ALL.iter().find(|k| k.name() == kind);
        let takes: Vec<&str> = family.map(|f| f.params().to_vec()).unwrap_or_default();
        if key != "dist" && key != "min" && key != "max" && !takes.contains(&key) {
            return Err(format!(
                "`{schema}`: dist = \"{kind}\" takes {} (and optional min, max); to change the family, set the whole distribution `{parent}`",
                takes.join(", ")
            ));
        }
        let number = as_float(&value).ok_or_else(|| format!("`{schema}` is a number, not {value}"))?;
        table.insert(key.to_string(), toml::Value::Float(number));
        return Ok(());
    }
    let Some(allowed) = documented else {
        return Err(unknown(key, parent, table));
    };
    let converted = match (allowed, &value) {
        (Allowed::Int { .. }, toml::Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9e15 => {
            toml::Value::Integer(*f as i64)
        }
        (Allowed::Int { .. }, toml::Value::Float(f)) => {
            return Err(format!("`{schema}` is a whole number, not {f}"));
        }
        (Allowed::Float { .. }, toml::Value::Integer(i)) => toml::Value::Float(*i as f64),
        (Allowed::Dist { .. }, v) if !v.is_table() => {
            return Err(format!(
                "`{schema}` is a distribution: set it whole ({{ dist = \"…\", … }}) or set one of its parameters, like `{schema}.median`"
            ));
        }
        (Allowed::Int { .. } | Allowed::Float { .. }, v) if !(v.is_integer() || v.is_float()) => {
            return Err(format!("`{schema}` is a number, not {v}"));
        }
        (Allowed::Text(_) | Allowed::Choice(_), v) if !v.is_str() => {
            return Err(format!("`{schema}` expects {}, not {v}", allowed.describe()));
        }
        (Allowed::Bool, v) if !v.is_bool() => {
            return Err(format!("`{schema}` is true or false, not {v}"));
        }
        (Allowed::Tables, v) if !v.is_array() => {
            return Err(format!(
                "`{schema}` is a list of tables: set it to [ {{ … }}, … ] or set a key inside one"
            ));
        }
        (Allowed::Section, v) if !v.is_table() => {
            return Err(format!(
                "`{schema}` is a section: set one of its keys, or set it to a whole table"
            ));
        }
        (Allowed::Overrides, _) => return Err(format!("`{schema}` cannot be overridden")),
        _ => value,
    };
    table.insert(key.to_string(), converted);
    Ok(())
}

fn as_float(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// Whether a dotted key names a number that `sweep` can vary, given the resolved tree.
pub fn is_numeric(tree: &toml::Table, dotted: &str) -> bool {
    let mut probe = tree.clone();
    let number = |v: &toml::Value| v.is_float() || v.is_integer();
    apply(&mut probe, dotted, toml::Value::Float(0.0)).is_ok()
        && lookup(&probe, dotted).is_some_and(number)
        && lookup(tree, dotted).is_none_or(number)
}

/// The value at a dotted key of a resolved tree (arrays of tables addressed by name or
/// position, as in `apply`).
pub fn lookup<'t>(tree: &'t toml::Table, dotted: &str) -> Option<&'t toml::Value> {
    let parts: Vec<&str> = dotted.split('.').collect();
    let mut current: Option<&toml::Value> = None;
    let mut table = tree;
    let mut i = 0;
    while i < parts.len() {
        let v = table.get(parts[i])?;
        current = Some(v);
        match v {
            toml::Value::Table(t) => table = t,
            toml::Value::Array(items) => {
                let item = &items[position(items, parts.get(i + 1)?)?];
                current = Some(item);
                table = item.as_table()?;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{defaults_tree, parse};
    use toml::Value::{Float, Integer};

    fn tree() -> toml::Table {
        defaults_tree()
    }

    /// Sets `key` to `value` and checks it is stored as `stored`.
    fn sets(t: &mut toml::Table, key: &str, value: toml::Value, stored: toml::Value) {
        apply(t, key, value).unwrap();
        assert_eq!(lookup(t, key), Some(&stored), "{key}");
    }

    /// Setting `key` to `value` is refused with a message that says `says`.
    fn refused(t: &mut toml::Table, key: &str, value: toml::Value, says: &str) {
        let e = apply(t, key, value).unwrap_err();
        assert!(e.contains(says), "{key}: {e}");
    }

    #[test]
    fn sets_nested_keys_and_converts_numbers() {
        let mut t = tree();
        sets(&mut t, "platform.fee.worker_percent", Integer(10), Float(10.0));
        apply(&mut t, "workers.count", Float(50.0)).unwrap();
        assert_eq!(lookup(&t, "workers.count"), Some(&Integer(50)));
        assert!(apply(&mut t, "workers.count", Float(50.5)).is_err());
    }

    #[test]
    fn named_elements_and_distribution_parameters() {
        let mut t = tree();
        sets(&mut t, "tasks.categories.survey.share", Float(0.9), Float(0.9));
        sets(&mut t, "workers.reservation_wage.median", Float(3.0), Float(3.0));
        refused(&mut t, "workers.skill.median", Float(0.5), "takes a, b");
        refused(&mut t, "tasks.categories.nothing.share", Float(0.9), "labelling");
    }

    #[test]
    fn unknown_and_forbidden_keys_are_refused() {
        let mut t = tree();
        let e = apply(&mut t, "platform.fee.worker_pct", Float(1.0)).unwrap_err();
        assert!(
            e.contains("unknown key `worker_pct`") && e.contains("worker_percent"),
            "{e}"
        );
        assert!(apply(&mut t, "simulation.days", Integer(3)).is_err());
        assert!(apply(&mut t, "nope.x", Integer(3)).is_err());
        assert!(apply(&mut t, "workers.skill", Float(3.0)).is_err());
    }

    #[test]
    fn unnamed_elements_by_position() {
        let text = "[[platform.fee.tiers]]\nup_to_usd = 500.0\npercent = 20.0\n\
                    [[platform.fee.tiers]]\npercent = 10.0\n\
                    [[demand.shocks]]\nstart_day = 5\ndays = 2\nmultiplier = 2.0\n";
        let mut t = parse(text, "t.toml").unwrap().base().tree.clone();
        sets(&mut t, "platform.fee.tiers.1.percent", Integer(5), Float(5.0));
        assert_eq!(lookup(&t, "platform.fee.tiers.0.percent"), Some(&Float(20.0)));
        assert!(is_numeric(&t, "demand.shocks.0.multiplier"));
        refused(
            &mut t,
            "platform.fee.tiers.2.percent",
            Float(1.0),
            "by position, 0 to 1",
        );
        // Named elements are addressed by name only, so a position cannot pick the wrong one.
        refused(&mut t, "tasks.categories.0.share", Float(0.5), "no element named `0`");
    }

    #[test]
    fn numeric_keys_for_sweeps() {
        let t = tree();
        assert!(is_numeric(&t, "platform.fee.worker_percent"));
        assert!(is_numeric(&t, "workers.reservation_wage.median"));
        assert!(is_numeric(&t, "workers.count"));
        assert!(!is_numeric(&t, "platform.matching"));
        assert!(!is_numeric(&t, "platform.name"));
        assert!(!is_numeric(&t, "workers.skill"));
    }
}
