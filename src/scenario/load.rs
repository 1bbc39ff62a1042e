//! Reading a scenario file: text → TOML → resolved tree (`resolve`) → checked base and
//! variants (`build`), with every
//! problem located by file, line and key.

use std::path::Path;

use super::build::build;
use super::error::{Problem, ScenarioError};
use super::locate::{Locator, Seg, path_string};
use super::resolve::resolve;
use super::validate::Where;
use super::{Study, Variant, overrides};

/// Reads and checks a scenario file.
pub fn load(path: &Path) -> Result<Study, ScenarioError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
        path: file.clone(),
        source,
    })?;
    parse_bytes(&bytes, &file)
}

/// Checks the bytes of a scenario file as [`load`] does once it has read them: they
/// must be UTF-8 text, then a valid scenario. `file` names it in messages.
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Study, ScenarioError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.valid_up_to();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(Problem {
                file: file.to_string(),
                line: Some(line),
                context: None,
                key: String::new(),
                value: None,
                message: format!("the file is not UTF-8 text (invalid byte at offset {valid}); save it as UTF-8"),
            }
            .into());
        }
    };
    parse(text, file)
}

/// Checks scenario text; `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Study, ScenarioError> {
    let locator = Locator::new(text);
    let at = Where {
        file,
        locator: &locator,
        context: None,
        fallback_line: None,
        lenient: false,
    };
    if text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    }) {
        return Err(at
            .problem(
                "",
                None,
                "the scenario is empty; `gigsim init` prints a complete one to start from",
            )
            .into());
    }
    let written: toml::Table = toml::from_str(text).map_err(|e| toml_problem(&e, &locator, file))?;
    let mut tree = resolve(&written, &at)?;
    let declared = declared_variants(tree.remove("variants"));
    let base = build(&tree, &at)?;
    let written = Variant {
        name: "base".into(),
        overrides: Vec::new(),
        tree,
        scenario: base,
        from_file: true,
    };
    let mut study = Study {
        file: file.to_string(),
        text: text.to_string(),
        written: Box::new(written.clone()),
        variants: vec![written],
    };
    for (i, v) in declared.iter().enumerate() {
        let line = locator.line_of(&[Seg::Key("variants".into()), Seg::Index(i)]);
        check_variant_name(&study, v, i, &locator, file, line)?;
        let sets: Vec<(String, toml::Value)> = v.set.clone();
        if sets.is_empty() {
            let key = format!("variants[{i}].set");
            return Err(Problem {
                file: file.into(),
                line,
                context: Some(format!("variant \"{}\"", v.name)),
                key,
                value: None,
                message: "a variant needs at least one override, e.g. set = { \"platform.fee.worker_percent\" = 10.0 }"
                    .into(),
            }
            .into());
        }
        let variant = make_variant_at(
            &study,
            &v.name,
            &sets,
            &format!("variant \"{}\"", v.name),
            &locator,
            Some(i),
        )?;
        study.variants.push(variant);
    }
    Ok(study)
}

/// A `[[variants]]` entry as written: its name and overrides.
struct Declared {
    name: String,
    set: Vec<(String, toml::Value)>,
}

/// The resolved `[[variants]]` (names and override tables are checked by `resolve`).
fn declared_variants(list: Option<toml::Value>) -> Vec<Declared> {
    let items = list.and_then(|v| v.as_array().cloned()).unwrap_or_default();
    items
        .iter()
        .map(|item| Declared {
            name: item["name"].as_str().unwrap_or_default().to_string(),
            set: item
                .get("set")
                .and_then(|s| s.as_table())
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        })
        .collect()
}

fn check_variant_name(
    study: &Study,
    v: &Declared,
    i: usize,
    locator: &Locator<'_>,
    file: &str,
    line: Option<usize>,
) -> Result<(), Box<Problem>> {
    let message = if v.name.trim().is_empty() {
        "a variant needs a name"
    } else if v.name.chars().any(char::is_control) {
        "a name is one line of text without control characters (newlines, tabs, …)"
    } else if v.name == "base" {
        "\"base\" is the scenario as written; give the variant another name"
    } else if study.variants.iter().any(|o| o.name == v.name) {
        "variant names must be unique"
    } else {
        return Ok(());
    };
    let path = [Seg::Key("variants".into()), Seg::Index(i), Seg::Key("name".into())];
    Err(Box::new(Problem {
        file: file.into(),
        line: locator.line_of(&path).or(line),
        context: None,
        key: path_string(&path),
        value: Some(format!("{:?}", v.name)),
        message: message.into(),
    }))
}

/// Builds a variant of `study`'s base from overrides (for sweeps; no file positions).
pub(super) fn make_variant(
    study: &Study,
    name: &str,
    sets: &[(String, toml::Value)],
    context: &str,
) -> Result<Variant, ScenarioError> {
    let locator = Locator::new(&study.text);
    make_variant_at(study, name, sets, context, &locator, None)
}

fn make_variant_at(
    study: &Study,
    name: &str,
    sets: &[(String, toml::Value)],
    context: &str,
    locator: &Locator<'_>,
    index: Option<usize>,
) -> Result<Variant, ScenarioError> {
    let file = study.file.as_str();
    let line_of_set = |key: &str| {
        index.and_then(|i| {
            locator.line_of(&[
                Seg::Key("variants".into()),
                Seg::Index(i),
                Seg::Key("set".into()),
                Seg::Key(key.into()),
            ])
        })
    };
    let mut tree = study.base().tree.clone();
    for (key, value) in sets {
        overrides::apply(&mut tree, key, value.clone()).map_err(|message| Problem {
            file: file.into(),
            line: line_of_set(key),
            context: Some(context.into()),
            key: key.clone(),
            value: Some(value.to_string()),
            message,
        })?;
    }
    let first_line = sets.first().and_then(|(k, _)| line_of_set(k));
    // Problems inside a variant point at the override that caused them.
    let at = Where {
        file,
        locator,
        context: Some(context.into()),
        fallback_line: first_line,
        lenient: false,
    };
    let blame = |mut p: Box<Problem>| {
        if let Some((k, _)) = sets
            .iter()
            .find(|(k, _)| p.key.starts_with(k.as_str()) || k.starts_with(p.key.as_str()))
        {
            p.line = line_of_set(k).or(p.line);
        }
        p
    };
    let tree = resolve(&tree, &at).map_err(blame)?;
    let scenario = build(&tree, &at).map_err(blame)?;
    Ok(Variant {
        name: name.into(),
        overrides: sets.to_vec(),
        tree,
        scenario,
        from_file: index.is_some(),
    })
}

/// Turns a TOML syntax error (the text does not parse as TOML; what it says is checked
/// by `resolve`) into a problem with the line and the key it sits at.
fn toml_problem(e: &toml::de::Error, locator: &Locator<'_>, file: &str) -> ScenarioError {
    let message = e.message().trim().to_string();
    let (line, mut path) = match e.span() {
        Some(span) => (Some(locator.line_at(span.start)), locator.path_at(span.start)),
        None => (None, Vec::new()),
    };
    let mut text = message.clone();
    let mut value = None;
    match e.span() {
        Some(span) if path.is_empty() => {
            text = format!("TOML syntax error: {message}");
            path = key_near(locator.slice(0..span.start), locator.slice(span.start..usize::MAX));
        }
        // A value TOML itself cannot hold (an integer beyond 64 bits): say what the key
        // allows.
        Some(span) => {
            value = Some(locator.slice(span).trim().to_string());
            if let Some(key) = super::keys::find(&super::keys::normalize(&path_string(&path))) {
                text = format!("{message}; expected {}", key.allowed.describe());
            }
        }
        None => {}
    }
    Problem {
        file: file.into(),
        line,
        context: None,
        key: path_string(&path),
        value,
        message: text,
    }
    .into()
}

/// The key a syntax error sits at, read from the text around it: the `[section]` above
/// and the `key =` on the error's line (empty when the line is not a key).
fn key_near(before: &str, after: &str) -> Vec<Seg> {
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = format!("{}{}", &before[line_start..], after.split('\n').next().unwrap_or(""));
    let Some((key, _)) = line.split_once('=') else {
        return Vec::new();
    };
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    {
        return Vec::new();
    }
    let section = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
        .unwrap_or_default();
    let full = if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    };
    super::locate::parse_path(&full)
}
