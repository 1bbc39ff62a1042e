//! What can be wrong with a scenario, located as precisely as the file allows.

use std::fmt;

/// One problem in a scenario: where it is, what was found, and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The scenario file as the user named it.
    pub file: String,
    /// 1-based line, where the file has the key.
    pub line: Option<usize>,
    /// Where the problem arose besides the file: a variant, a sweep parameter.
    pub context: Option<String>,
    /// Dotted key path (`tasks.categories[1].share`); empty for a syntax error.
    pub key: String,
    /// The value found, as written in TOML.
    pub value: Option<String>,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(context) = &self.context {
            write!(f, ", {context}")?;
        }
        write!(f, ": ")?;
        match (&self.value, self.key.is_empty()) {
            (Some(v), false) => write!(f, "`{} = {}`: ", self.key, v)?,
            (None, false) => write!(f, "`{}`: ", self.key)?,
            _ => {}
        }
        write!(f, "{}", self.message)
    }
}

/// Errors from reading and checking a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The scenario is not valid; the problem says where and why.
    #[error("{0}")]
    Invalid(Box<Problem>),
}

impl From<Problem> for ScenarioError {
    fn from(p: Problem) -> Self {
        ScenarioError::Invalid(Box::new(p))
    }
}

impl From<Box<Problem>> for ScenarioError {
    fn from(p: Box<Problem>) -> Self {
        ScenarioError::Invalid(p)
    }
}

impl ScenarioError {
    /// The problem, when the scenario was read but is not valid.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ScenarioError::Invalid(p) => Some(p),
            ScenarioError::Read { .. } => None,
        }
    }
}
