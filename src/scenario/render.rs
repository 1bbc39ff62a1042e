//! Printing a scenario as TOML, in the order and with the documentation of `keys`:
//! `gigsim init` prints the defaults with every key explained, `gigsim check` the
//! resolved scenario. Because both walk the key table, the printed text and the checks
//! cannot drift apart.

use super::dist::{DistKind, RawDist};
use super::keys::{self, Allowed, Key};

/// Renders a resolved scenario. With `docs`, every section and key gets its
/// explanation, unit and allowed values, and empty lists get a commented example.
pub fn render(tree: &toml::Table, docs: bool) -> String {
    let mut out = String::new();
    if docs {
        out.push_str(HEADER);
    }
    for key in keys::KEYS.iter().filter(|k| !k.path.contains('.')) {
        render_entry(&mut out, key, tree.get(key.path), docs, key.path);
    }
    out
}

const HEADER: &str = "\
# gigsim scenario. Every key is shown with its default; delete what you do not change.
# Units: money in US dollars (keys ending _usd), percents 0-100 (_percent), shares and
# probabilities 0-1, durations in seconds (_seconds) or days (_days), ratings in stars 1-5.
# A distribution is a small table: { dist = \"lognormal\", median = 1.38, sigma = 0.8 }.
# Families and their parameters: fixed (value), uniform (low, high), normal (mean, sd),
# lognormal (median, sigma), beta (a, b), pareto (scale, shape); any of them may add
# min and max bounds, and draws are clamped to them.
";

/// Renders one key. `at` is where it appears in the file (`platforms.fee` for the fee
/// section of a `[[platforms]]` element, whose documentation is that of `platform.fee`).
fn render_entry(out: &mut String, key: &Key, value: Option<&toml::Value>, docs: bool, at: &str) {
    let name = key.leaf();
    match key.allowed {
        Allowed::Section => {
            let Some(table) = value.and_then(|v| v.as_table()) else {
                return;
            };
            out.push('\n');
            if docs {
                comment(out, key.doc, "");
            }
            out.push_str(&format!("[{at}]\n"));
            render_children(out, key.path, at, Some(table), docs);
        }
        Allowed::Tables => {
            let items = value.and_then(|v| v.as_array()).cloned().unwrap_or_default();
            let schema = format!("{}[]", key.path);
            if items.is_empty() {
                if docs {
                    out.push('\n');
                    comment(out, key.doc, "");
                    let mut example = String::new();
                    for item in example_of(key.path) {
                        example.push_str(&format!("[[{at}]]\n"));
                        render_children(&mut example, &schema, at, item.as_table(), false);
                    }
                    for line in example.lines() {
                        out.push_str(&format!("# {line}\n").replace("# \n", "#\n"));
                    }
                }
                return;
            }
            for (i, item) in items.iter().enumerate() {
                out.push('\n');
                if docs && i == 0 {
                    comment(out, key.doc, "");
                }
                out.push_str(&format!("[[{at}]]\n"));
                render_children(out, &schema, at, item.as_table(), docs);
            }
        }
        _ => {
            let Some(v) = value else {
                // A list left out by default is still shown, commented out, so `init`
                // lists every key a file may set (`demand.hour_factors`).
                if let (true, keys::Fill::Optional, Allowed::FloatList { len, .. }) = (docs, key.fill, key.allowed) {
                    comment(out, key.doc, &annotation(key));
                    out.push_str(&format!("# {name} = [{}]\n", vec!["1.0"; len].join(", ")));
                }
                return;
            };
            if docs {
                comment(out, key.doc, &annotation(key));
            }
            let line = format!("{name} = {}", value_text(key, v));
            if !docs && !key.unit.is_empty() {
                out.push_str(&format!("{line:<48} # {}\n", key.unit));
            } else {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
}

/// Renders the keys under `schema` (documentation) written at `at` (the file): plain
/// values first, then sub-sections and lists (TOML needs the values of a table before
/// its sub-tables).
fn render_children(out: &mut String, schema: &str, at: &str, table: Option<&toml::Table>, docs: bool) {
    let children = keys::children(schema);
    let nested = |k: &Key| matches!(k.allowed, Allowed::Section | Allowed::Tables);
    for sub_tables in [false, true] {
        for key in children.iter().filter(|k| nested(k) == sub_tables) {
            let value = table.and_then(|t| t.get(key.leaf()));
            render_entry(out, key, value, docs, &format!("{at}.{}", key.leaf()));
        }
    }
}

fn annotation(key: &Key) -> String {
    let allowed = match key.allowed {
        Allowed::Dist { min, max } => format!(
            "a distribution with values from {} to {}",
            super::dist::fmt_num(min),
            super::dist::fmt_num(max)
        ),
        other => other.describe(),
    };
    if key.unit.is_empty() {
        format!("[{allowed}]")
    } else {
        format!("[{}; {allowed}]", key.unit)
    }
}

/// Writes `text` (and a trailing note) as `#` comment lines of at most 88 columns.
fn comment(out: &mut String, text: &str, note: &str) {
    let full = if note.is_empty() {
        text.to_string()
    } else {
        format!("{text} {note}")
    };
    let mut line = String::from("#");
    for word in full.split_whitespace() {
        if line.len() + 1 + word.len() > 88 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// A value as TOML, with distributions and override tables written inline in a fixed,
/// readable order.
fn value_text(key: &Key, v: &toml::Value) -> String {
    match (key.allowed, v) {
        (Allowed::Dist { .. }, toml::Value::Table(t)) => {
            let kind = t.get("dist").and_then(|d| d.as_str()).unwrap_or("");
            let mut parts = vec![format!("dist = \"{kind}\"")];
            let params = DistKind::ALL
                .iter()
                .find(|k| k.name() == kind)
                .map(|k| k.params())
                .unwrap_or(&[]);
            for p in params.iter().chain(["min", "max"].iter()) {
                if let Some(x) = t.get(*p) {
                    parts.push(format!("{p} = {x}"));
                }
            }
            format!("{{ {} }}", parts.join(", "))
        }
        (_, toml::Value::Table(t)) => inline_table(t),
        _ => v.to_string(),
    }
}

fn inline_table(t: &toml::Table) -> String {
    let parts: Vec<String> = t
        .iter()
        .map(|(k, v)| {
            let key = if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                k.clone()
            } else {
                format!("{k:?}")
            };
            let value = match v {
                toml::Value::Table(inner) => inline_table(inner),
                other => other.to_string(),
            };
            format!("{key} = {value}")
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

/// Commented examples for lists that are empty by default.
fn example_of(path: &str) -> Vec<toml::Value> {
    let example = match path {
        "demand.shocks" => "[{ start_day = 30, days = 14, multiplier = 0.5 }]",
        "platform.fee.tiers" => {
            "[{ up_to_usd = 500.0, percent = 20.0 }, { up_to_usd = 10000.0, percent = 10.0 }, { percent = 5.0 }]"
        }
        "variants" => r#"[{ name = "before_2015", set = { "platform.fee.requester_percent" = 10.0 } }]"#,
        _ => return Vec::new(),
    };
    let doc: toml::Table = toml::from_str(&format!("v = {example}")).expect("examples are TOML");
    doc["v"].as_array().cloned().unwrap_or_default()
}

/// A distribution rendered the way `render` writes it (for messages and docs).
pub fn dist_text(d: &RawDist) -> String {
    let key = keys::find("workers.skill").expect("documented");
    value_text(key, &toml::Value::try_from(d).expect("a distribution converts to TOML"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{defaults_tree, parse};

    #[test]
    fn init_text_parses_back_to_the_defaults() {
        let text = render(&defaults_tree(), true);
        let study = parse(&text, "init.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(study.base().tree, defaults_tree());
    }

    #[test]
    fn every_key_of_the_defaults_is_documented_and_every_entry_printed() {
        let text = render(&defaults_tree(), true);
        for key in keys::KEYS {
            let leaf = key.leaf();
            let shown = text.contains(&format!("\n{leaf} = "))
                || text.contains(&format!("# {leaf} = "))
                || text.contains(&format!("[{}]", key.path))
                || text.contains(&format!("[[{}]]", key.path.trim_end_matches("[]")));
            assert!(shown, "{} does not appear in `gigsim init`", key.path);
        }
    }

    #[test]
    fn resolved_text_parses_back() {
        let text = "[[demand.shocks]]\nstart_day = 3\ndays = 2\nmultiplier = 2.0\n\
                    [[variants]]\nname = \"v\"\nset = { \"platform.fee.worker_percent\" = 5.0 }\n";
        let study = parse(text, "t.toml").unwrap();
        let resolved = study.resolved_toml();
        let back = parse(&resolved, "back.toml").unwrap_or_else(|e| panic!("{e}\n{resolved}"));
        assert_eq!(back.base().tree, study.base().tree);
        assert_eq!(back.resolved_toml(), resolved);
    }
}
