//! Finding keys in the scenario text: the line of a dotted key path, and the key path
//! at a byte offset (where the TOML parser reported an error).

use toml::de::{DeTable, DeValue};

/// One step of a key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A key of a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// Writes a path as `a.b[2].c`.
pub fn path_string(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if k.is_empty() || k.contains(['.', ' ', '"', '[', ']']) {
                    out.push_str(&format!("{k:?}"));
                } else {
                    out.push_str(k);
                }
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Reads `a.b[2].c` back into steps (keys with dots must be quoted).
pub fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut key = String::new();
    let mut chars = path.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => {
                if !key.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut key)));
                }
            }
            '[' if !quoted => {
                if !key.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut key)));
                }
                let mut digits = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    digits.push(d);
                }
                out.push(Seg::Index(digits.parse().unwrap_or(0)));
            }
            _ => key.push(c),
        }
    }
    if !key.is_empty() {
        out.push(Seg::Key(key));
    }
    out
}

/// The scenario text with its parsed, position-aware tree.
pub struct Locator<'a> {
    text: &'a str,
    root: Option<toml::Spanned<DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    /// Parses `text` as far as it parses.
    pub fn new(text: &'a str) -> Self {
        Locator {
            text,
            root: DeTable::parse(text).ok(),
        }
    }

    /// The text of a byte range (clamped to the text).
    pub fn slice(&self, span: std::ops::Range<usize>) -> &'a str {
        let end = span.end.min(self.text.len());
        self.text.get(span.start.min(end)..end).unwrap_or("")
    }

    /// The 1-based line of a byte offset.
    pub fn line_at(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }

    /// The line where the deepest existing part of `path` is written.
    pub fn line_of(&self, path: &[Seg]) -> Option<usize> {
        self.find(path).map(|(offset, _)| self.line_at(offset))
    }

    /// The value at `path` exactly as the file writes it, when the file has the key.
    pub fn value_text(&self, path: &[Seg]) -> Option<&'a str> {
        let (_, value) = self.find(path)?;
        let text = self.slice(value?).trim();
        (!text.is_empty()).then_some(text)
    }

    /// The offset of the deepest existing part of `path`, and the span of its value
    /// when the whole path exists.
    fn find(&self, path: &[Seg]) -> Option<(usize, Option<std::ops::Range<usize>>)> {
        let root = self.root.as_ref()?;
        let mut table = root.get_ref();
        let mut found: Option<usize> = None;
        let mut value: Option<&toml::Spanned<DeValue<'a>>> = None;
        let mut complete = true;
        for seg in path {
            let next = match (seg, value.map(|v| v.get_ref())) {
                (Seg::Key(k), None) => table.get_key_value(k.as_str()),
                (Seg::Key(k), Some(DeValue::Table(t))) => {
                    table = t;
                    table.get_key_value(k.as_str())
                }
                (Seg::Index(i), Some(DeValue::Array(a))) => match a.get(*i) {
                    Some(item) => {
                        found = Some(item.span().start);
                        value = Some(item);
                        continue;
                    }
                    None => None,
                },
                _ => None,
            };
            let Some((key, v)) = next else {
                complete = false;
                break;
            };
            found = Some(key.span().start);
            value = Some(v);
        }
        let span = if complete { value.map(|v| v.span()) } else { None };
        found.map(|offset| (offset, span))
    }

    /// The key path whose key or value covers byte `offset`, as deep as it goes.
    pub fn path_at(&self, offset: usize) -> Vec<Seg> {
        let mut path = Vec::new();
        if let Some(root) = &self.root {
            descend_table(root.get_ref(), offset, &mut path);
        }
        path
    }
}

fn descend_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<Seg>) -> bool {
    for (key, value) in table.iter() {
        if key.span().contains(&offset) {
            path.push(Seg::Key(key.get_ref().to_string()));
            return true;
        }
        let span = value.span();
        if span.contains(&offset) || (span.is_empty() && span.start == offset) {
            path.push(Seg::Key(key.get_ref().to_string()));
            descend_value(value.get_ref(), offset, path);
            return true;
        }
    }
    // Tables written as [headers] can have spans that do not cover their keys: look inside.
    for (key, value) in table.iter() {
        if matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
            let mark = path.len();
            path.push(Seg::Key(key.get_ref().to_string()));
            if descend_value(value.get_ref(), offset, path) {
                return true;
            }
            path.truncate(mark);
        }
    }
    false
}

fn descend_value(value: &DeValue<'_>, offset: usize, path: &mut Vec<Seg>) -> bool {
    match value {
        DeValue::Table(t) => descend_table(t, offset, path),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                let mark = path.len();
                path.push(Seg::Index(i));
                if item.span().contains(&offset) {
                    descend_value(item.get_ref(), offset, path);
                    return true;
                }
                if descend_value(item.get_ref(), offset, path) {
                    return true;
                }
                path.truncate(mark);
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[simulation]\nname = \"x\"\ndays = 5\n\n[workers]\ncount = -3\nskill = { dist = \"beta\", a = 1, b = 2 }\n\n[[tasks.categories]]\nname = \"a\"\nshare = 1\n\n[[tasks.categories]]\nname = \"b\"\nshare = 2\n";

    #[test]
    fn lines_of_paths() {
        let l = Locator::new(TEXT);
        assert_eq!(l.line_of(&parse_path("simulation.days")), Some(3));
        assert_eq!(l.line_of(&parse_path("workers.count")), Some(6));
        assert_eq!(l.line_of(&parse_path("workers.skill.b")), Some(7));
        assert_eq!(l.line_of(&parse_path("tasks.categories[1].share")), Some(15));
        assert_eq!(l.line_of(&parse_path("demand.tasks_per_day")), None);
    }

    #[test]
    fn path_at_offsets() {
        let l = Locator::new(TEXT);
        let at = |needle: &str| l.path_at(TEXT.find(needle).unwrap());
        assert_eq!(path_string(&at("-3")), "workers.count");
        assert_eq!(path_string(&at("share = 2")), "tasks.categories[1].share");
        assert_eq!(path_string(&at("a = 1")), "workers.skill.a");
    }

    #[test]
    fn paths_round_trip() {
        for p in ["a.b[2].c", "variants[0].set.\"platform.fee.worker_percent\"", "x"] {
            assert_eq!(path_string(&parse_path(p)), p);
        }
    }
}
