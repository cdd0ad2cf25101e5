//! Problems found in a spec, each with its place.

use std::fmt;

/// One thing wrong with, or unsupported in, a spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where it is: a JSON pointer into the document, such as
    /// `/paths/~1jobs/get/operationId`; empty for the document as a whole.
    pub pointer: String,
    /// The line and column (both from 1), when the YAML parser reports them.
    pub line_column: Option<(usize, usize)>,
    /// What is wrong, and what to write instead where that helps.
    pub message: String,
}

impl Problem {
    /// A problem at a JSON pointer.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            line_column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.pointer.is_empty() {
            "#"
        } else {
            &self.pointer
        };
        match self.line_column {
            Some((line, column)) => write!(f, "{place} (line {line}, column {column})")?,
            None => write!(f, "{place}")?,
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem one run found, ordered by place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The problems, one by one.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        write!(f, "the spec has {count} {noun}:")?;
        for problem in &self.0 {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl From<Problem> for Problems {
    fn from(problem: Problem) -> Self {
        Self(vec![problem])
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer built from unescaped tokens.
pub fn pointer(tokens: &[&str]) -> String {
    tokens.iter().fold(String::new(), |mut out, token| {
        out.push('/');
        out.push_str(&escape_token(token));
        out
    })
}
