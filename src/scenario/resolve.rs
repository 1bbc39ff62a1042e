//! From the file as written to the resolved scenario: every key checked against its
//! entry in `keys` (unknown keys, types, ranges), every key the file leaves out filled
//! with its default. The result is a TOML tree with every value present in a canonical
//! form (numbers of float keys as floats, distributions as tables of floats), which is
//! what `build` reads, what overrides change, and what `render` prints.

use super::dist::{DistKind, RawDist};
use super::error::Problem;
use super::keys::{self, Allowed, Fill, Key};
use super::locate::{Seg, path_string};
use super::validate::Where;

/// Resolves a scenario file's tree (the `[[variants]]` included).
pub fn resolve(written: &toml::Table, at: &Where<'_>) -> Result<toml::Table, Box<Problem>> {
    table("", written, &mut Vec::new(), at)
}

/// The keys of `schema` (a section, an element of an array of tables, or "" for the top
/// level), with the file's values checked and defaults filled in.
fn table(
    schema: &str,
    written: &toml::Table,
    path: &mut Vec<Seg>,
    at: &Where<'_>,
) -> Result<toml::Table, Box<Problem>> {
    let children = keys::children(schema);
    for (name, v) in written {
        if !children.iter().any(|k| k.leaf() == name) {
            path.push(Seg::Key(name.clone()));
            // A value is shown, a whole table is not.
            let shown = (!v.is_table() && !v.is_array()).then(|| v.to_string());
            let e = at.problem(&path_string(path), shown, unknown(name, &children));
            path.pop();
            if at.lenient {
                continue;
            }
            return Err(e);
        }
    }
    let mut out = toml::Table::new();
    for key in children {
        let name = key.leaf();
        path.push(Seg::Key(name.to_string()));
        let value = match (written.get(name), key.fill) {
            (Some(v), _) => Some(v.clone()),
            (None, Fill::Value(text)) => Some(literal(text)),
            (None, Fill::Required) => {
                return Err(at.problem(
                    &path_string(path),
                    None,
                    format!("missing key `{name}`, which has no default here"),
                ));
            }
            (None, Fill::Optional) => None,
            (None, Fill::UnlessGiven(other)) => {
                let given = written
                    .get(other)
                    .and_then(|v| v.as_array())
                    .is_some_and(|a| !a.is_empty());
                (!given).then(|| toml::Value::Table(toml::Table::new()))
            }
        };
        let resolved = match value.map(|v| self::value(key, v, path, at)) {
            Some(Ok(v)) => v,
            // An old folder's scenario: a value this version does not accept takes the
            // default, so its charts can still be drawn.
            Some(Err(_)) if at.lenient => match key.fill {
                Fill::Value(text) => self::value(key, literal(text), path, at)?,
                _ => None,
            },
            Some(Err(e)) => return Err(e),
            None => None,
        };
        if let Some(v) = resolved {
            out.insert(name.to_string(), v);
        }
        path.pop();
    }
    Ok(out)
}

/// A default written as TOML in the key table.
fn literal(text: &str) -> toml::Value {
    let doc: toml::Table = toml::from_str(&format!("v = {text}")).expect("defaults in the key table are TOML");
    doc["v"].clone()
}

/// "unknown key; did you mean …? allowed keys here: …".
fn unknown(name: &str, here: &[&Key]) -> String {
    let names: Vec<&str> = here.iter().map(|k| k.leaf()).collect();
    let near = names
        .iter()
        .map(|n| (edit_distance(name, n), *n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
        .min();
    let hint = near.map_or(String::new(), |(_, n)| format!(" did you mean `{n}`?"));
    format!("unknown key;{hint} allowed keys here: {}", names.join(", "))
}

/// Levenshtein distance between two words (for "did you mean").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

fn as_number(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// One checked value in canonical form; `None` for an empty array of tables (left out
/// of the resolved tree, as a scenario without shocks has none).
fn value(key: &Key, v: toml::Value, path: &mut Vec<Seg>, at: &Where<'_>) -> Result<Option<toml::Value>, Box<Problem>> {
    let p = path_string(path);
    let bad = || at.problem(&p, Some(v.to_string()), format!("expected {}", key.allowed.describe()));
    let canonical = match key.allowed {
        Allowed::Section => toml::Value::Table(table(key.path, v.as_table().ok_or_else(bad)?, path, at)?),
        Allowed::Tables => {
            let items = v.as_array().ok_or_else(bad)?;
            if items.is_empty() {
                return Ok(None);
            }
            let schema = format!("{}[]", key.path);
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                out.push(toml::Value::Table(table(
                    &schema,
                    item.as_table().ok_or_else(bad)?,
                    path,
                    at,
                )?));
                path.pop();
            }
            toml::Value::Array(out)
        }
        Allowed::Int { min, max } => {
            let x = v.as_integer().ok_or_else(bad)?;
            if x < min || x > max {
                return Err(bad());
            }
            v
        }
        Allowed::Float { min, max } => {
            let x = as_number(&v).ok_or_else(bad)?;
            if !(x >= min && x <= max) {
                return Err(bad());
            }
            toml::Value::Float(x)
        }
        Allowed::Text(n) => {
            if v.as_str().ok_or_else(bad)?.chars().count() > n {
                return Err(bad());
            }
            v
        }
        Allowed::Choice(words) => {
            if !words().contains(&v.as_str().ok_or_else(bad)?) {
                return Err(bad());
            }
            v
        }
        Allowed::Bool => {
            v.as_bool().ok_or_else(bad)?;
            v
        }
        Allowed::FloatList { len, min, max } => {
            let items = v.as_array().ok_or_else(bad)?;
            if items.len() != len {
                return Err(bad());
            }
            let mut out = Vec::with_capacity(len);
            for item in items {
                let x = as_number(item).ok_or_else(bad)?;
                if !(x >= min && x <= max) {
                    return Err(bad());
                }
                out.push(toml::Value::Float(x));
            }
            toml::Value::Array(out)
        }
        Allowed::ChoiceList(words) => {
            let items = v.as_array().ok_or_else(bad)?;
            if items.is_empty() {
                return Err(bad());
            }
            for (i, item) in items.iter().enumerate() {
                let word = item.as_str().ok_or_else(bad)?;
                if !words().contains(&word) || items[..i].iter().any(|o| o.as_str() == Some(word)) {
                    return Err(bad());
                }
            }
            v
        }
        Allowed::Dist { .. } => dist(v.as_table().ok_or_else(bad)?, path, at)?,
        // Overrides are checked when they are applied.
        Allowed::Overrides => {
            v.as_table().ok_or_else(bad)?;
            v
        }
    };
    Ok(Some(canonical))
}

/// A distribution table: a known family and numbers for known parameters (which of them
/// the family takes, and their ranges, is checked when it is built).
fn dist(t: &toml::Table, path: &mut Vec<Seg>, at: &Where<'_>) -> Result<toml::Value, Box<Problem>> {
    let mut at_param = |name: &str, value: Option<String>, message: String| {
        path.push(Seg::Key(name.to_string()));
        let e = at.problem(&path_string(path), value, message);
        path.pop();
        e
    };
    let families = super::choice::words::<DistKind>();
    let mut out = toml::Table::new();
    match t.get("dist") {
        None => {
            return Err(at_param(
                "dist",
                None,
                "missing key `dist`, which has no default here".into(),
            ));
        }
        Some(v) => match v.as_str() {
            Some(word) if families.contains(&word) => {
                out.insert("dist".into(), v.clone());
            }
            _ => {
                let shown = v.as_str().map_or_else(|| v.to_string(), String::from);
                return Err(at_param(
                    "dist",
                    Some(v.to_string()),
                    format!(
                        "unknown distribution `{shown}`, expected one of {}",
                        families.join(", ")
                    ),
                ));
            }
        },
    }
    for (name, v) in t {
        if name == "dist" {
            continue;
        }
        if !RawDist::SLOTS.contains(&name.as_str()) {
            return Err(at_param(
                name,
                Some(v.to_string()),
                format!("unknown key; allowed keys here: dist, {}", RawDist::SLOTS.join(", ")),
            ));
        }
        let x = as_number(v).ok_or_else(|| at_param(name, Some(v.to_string()), "expected a number".into()))?;
        out.insert(name.clone(), toml::Value::Float(x));
    }
    Ok(toml::Value::Table(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested() {
        assert_eq!(edit_distance("replicats", "replicates"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        let keys = keys::children("simulation");
        assert!(unknown("replicats", &keys).contains("did you mean `replicates`?"));
        assert!(!unknown("zzzzzz", &keys).contains("did you mean"));
    }
}
