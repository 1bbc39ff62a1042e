//! Reading a scenario file: text → raw scenario → checked base and variants, with every
//! problem located by file, line and key.

use std::path::Path;

use super::error::{Problem, ScenarioError};
use super::locate::{Locator, Seg, path_string};
use super::raw::{RawScenario, RawVariant};
use super::validate::{Where, build, check_ranges};
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
    let raw: RawScenario = toml::from_str(text).map_err(|e| toml_problem(&e, &locator, file, None, None))?;
    let raw = raw.resolve();
    let mut base_raw = raw.clone();
    let declared = std::mem::take(&mut base_raw.variants);
    let tree = toml::Table::try_from(&base_raw).map_err(|e| internal(file, &e))?;
    check_ranges(&tree, &at)?;
    let base = build(&base_raw, &at)?;
    let written = Variant {
        name: "base".into(),
        overrides: Vec::new(),
        raw: base_raw,
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
        let sets: Vec<(String, toml::Value)> = v.set.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
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

fn check_variant_name(
    study: &Study,
    v: &RawVariant,
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
    let mut tree = toml::Table::try_from(&study.base().raw).map_err(|e| internal(file, &e))?;
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
    let raw: RawScenario = tree
        .clone()
        .try_into()
        .map_err(|e: toml::de::Error| toml_problem(&e, locator, file, Some(context), first_line))?;
    // Problems inside a variant point at the override that caused them.
    let at = Where {
        file,
        locator,
        context: Some(context.into()),
        fallback_line: first_line,
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
    check_ranges(&tree, &at).map_err(blame)?;
    let scenario = build(&raw, &at).map_err(blame)?;
    Ok(Variant {
        name: name.into(),
        overrides: sets.to_vec(),
        raw,
        scenario,
        from_file: index.is_some(),
    })
}

fn internal(file: &str, e: &dyn std::fmt::Display) -> Box<Problem> {
    Box::new(Problem {
        file: file.into(),
        line: None,
        context: None,
        key: String::new(),
        value: None,
        message: format!("internal error while resolving the scenario: {e}"),
    })
}

/// Turns a TOML parse or type error into a problem with the key path and line.
fn toml_problem(
    e: &toml::de::Error,
    locator: &Locator<'_>,
    file: &str,
    context: Option<&str>,
    fallback_line: Option<usize>,
) -> ScenarioError {
    let message = e.message().trim().to_string();
    let (line, mut path) = match e.span() {
        Some(span) if context.is_none() => (Some(locator.line_at(span.start)), locator.path_at(span.start)),
        _ => (fallback_line, Vec::new()),
    };
    let mut value = None;
    let mut text = message.clone();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once('`') {
            if path.last() != Some(&Seg::Key(field.to_string())) {
                path.push(Seg::Key(field.to_string()));
            }
            let allowed = expected
                .trim_start_matches(", ")
                .replace("expected one of ", "")
                .replace("expected ", "");
            text = format!("unknown key; allowed keys here: {allowed}");
        }
    } else if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split_once('`'))
        .map(|(f, _)| f)
    {
        path.push(Seg::Key(field.to_string()));
        text = format!("missing key `{field}`, which has no default here");
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        if let Some(span) = e.span().filter(|_| context.is_none()) {
            let raw = locator_text(locator, span);
            value = Some(raw);
        }
        let key = super::keys::find(&super::keys::normalize(&path_string(&path)));
        // serde says "invalid type: string \"ten\", expected i64": keep what was found,
        // and say what is allowed in the scenario's own terms.
        let found = message
            .split_once(": ")
            .map_or(message.as_str(), |(_, rest)| rest)
            .split(", expected")
            .next()
            .unwrap_or_default()
            .replace(" as i128", "");
        if let Some(k) = key {
            text = format!("found {found}; expected {}", k.allowed.describe());
        }
    } else if let Some(span) = e.span().filter(|_| path.is_empty() && context.is_none()) {
        text = format!("TOML syntax error: {message}");
        path = key_near(locator.slice(0..span.start), locator.slice(span.start..usize::MAX));
    }
    Problem {
        file: file.into(),
        line,
        context: context.map(String::from),
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

fn locator_text(locator: &Locator<'_>, span: std::ops::Range<usize>) -> String {
    let s = locator.slice(span);
    let s = s.trim();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}
