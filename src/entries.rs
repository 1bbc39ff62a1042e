//! Files of `[[entries]]` checked key by key: targets files (`[[moments]]`) and
//! parameter files (`[[params]]`). Reading the text, parsing the TOML, walking the
//! entries and the one error type of both, whose every message names the file and the
//! key (as `moments[2].tolerance`), so the two kinds of file say their mistakes alike.

use std::path::{Path, PathBuf};

/// A targets or parameter file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EntriesError {
    /// The file cannot be read.
    #[error("cannot read the {kind} {}: {source}", path.display())]
    Read {
        /// What the file is: `targets file`, `parameter file`.
        kind: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("{}: not valid TOML: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A key is unknown, missing or has a value that is not allowed.
    #[error("{}: {key}: {message}", path.display())]
    Key {
        /// The file.
        path: PathBuf,
        /// The key, as `moments[2].tolerance`.
        key: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

/// The text of the file at `path`; `kind` names it in the error.
pub fn read(kind: &'static str, path: &Path) -> Result<String, EntriesError> {
    std::fs::read_to_string(path).map_err(|source| EntriesError::Read {
        kind,
        path: path.to_path_buf(),
        source,
    })
}

/// A file's top-level table, with the path its errors name.
pub struct EntriesFile<'a> {
    /// The file as the user named it.
    pub path: &'a Path,
    /// Its top-level keys.
    pub table: toml::Table,
}

impl<'a> EntriesFile<'a> {
    /// Parses `text`, the file at `path`.
    pub fn parse(text: &str, path: &'a Path) -> Result<EntriesFile<'a>, EntriesError> {
        let table = text.parse().map_err(|e: toml::de::Error| EntriesError::Syntax {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        Ok(EntriesFile { path, table })
    }

    /// The error at `key` of this file.
    pub fn error(&self, key: impl Into<String>, message: impl Into<String>) -> EntriesError {
        EntriesError::Key {
            path: self.path.to_path_buf(),
            key: key.into(),
            message: message.into(),
        }
    }

    /// Refuses the first top-level key not in `allowed`, with `message`.
    pub fn only(&self, allowed: &[&str], message: &str) -> Result<(), EntriesError> {
        match self.table.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.error(k.clone(), message)),
            None => Ok(()),
        }
    }

    /// The `[[list]]` entries in file order, each refused in its turn when it is not a
    /// table; a file without the list is refused with `missing`.
    pub fn entries(
        &self,
        list: &'static str,
        missing: &str,
    ) -> Result<impl Iterator<Item = Result<Entry<'_>, EntriesError>>, EntriesError> {
        let Some(value) = self.table.get(list) else {
            return Err(self.error(list, missing));
        };
        let Some(items) = value.as_array().filter(|l| !l.is_empty()) else {
            return Err(self.error(list, format!("expected one or more [[{list}]] entries")));
        };
        Ok(items.iter().enumerate().map(move |(i, item)| {
            let name = format!("{list}[{}]", i + 1);
            match item.as_table() {
                Some(table) => Ok(Entry {
                    file: self,
                    name,
                    table,
                }),
                None => Err(self.error(name, format!("expected a table ([[{list}]])"))),
            }
        }))
    }
}

/// One entry of a file's list.
pub struct Entry<'a> {
    file: &'a EntriesFile<'a>,
    /// The entry as errors name it: `params[2]`.
    name: String,
    /// Its keys.
    pub table: &'a toml::Table,
}

impl Entry<'_> {
    /// The error at the entry's `key`.
    pub fn error(&self, key: &str, message: impl Into<String>) -> EntriesError {
        self.file.error(format!("{}.{key}", self.name), message)
    }

    /// Refuses the first key not in `allowed`, listing them.
    pub fn only(&self, allowed: &[&str]) -> Result<(), EntriesError> {
        match self.table.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.error(k, format!("unknown key; allowed: {}", allowed.join(", ")))),
            None => Ok(()),
        }
    }

    /// The finite number at `key`, if the entry has the key.
    pub fn number(&self, key: &str) -> Result<Option<f64>, EntriesError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(v) => match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self.error(key, format!("{v} is not a finite number"))),
            },
        }
    }

    /// The text at `key`, if the entry has the key; `hint` follows "is not text".
    pub fn text(&self, key: &str, hint: &str) -> Result<Option<&str>, EntriesError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| self.error(key, format!("{v} is not text{hint}"))),
        }
    }
}
