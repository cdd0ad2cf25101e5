//! How names from the spec become Rust identifiers.
//!
//! Every rule here is stable: the same spec name always gives the same Rust name, so a
//! regenerated client never renames what callers already use.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers as they are, in the 2024 edition.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers, so they take a trailing underscore instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// A type or variant name: upper camel case, never empty, never starting with a digit.
///
/// `in-progress` becomes `InProgress`, `1st` becomes `V1st`, and a name with no letters or
/// digits, such as `""` or `+`, becomes `Empty`.
pub fn type_name(raw: &str) -> String {
    let name = raw.to_upper_camel_case();
    match name.chars().next() {
        None => "Empty".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("V{name}"),
        Some(_) if KEYWORDS.contains(&name.as_str()) => format!("{name}_"),
        Some(_) => name,
    }
}

/// A field, parameter or method name: snake case, keywords made raw (`type` becomes
/// `r#type`), and a leading digit given an `n` (`1st` becomes `n1st`).
pub fn value_name(raw: &str) -> String {
    let name = raw.to_snake_case();
    match name.chars().next() {
        None => "value".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("n{name}"),
        Some(_) if NOT_RAW.contains(&name.as_str()) => format!("{name}_"),
        Some(_) if KEYWORDS.contains(&name.as_str()) => format!("r#{name}"),
        Some(_) => name,
    }
}

/// Makes `name` differ from every name in `taken` by adding the smallest number from 2 that
/// does, and records the result.
pub fn unique(name: String, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.clone();
    let mut counter = 2;
    while taken.contains(&candidate) {
        candidate = format!("{}{counter}", name.trim_end_matches('_'));
        counter += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_identifiers() {
        assert_eq!(type_name("in-progress"), "InProgress");
        assert_eq!(type_name("1st"), "V1st");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("+"), "Empty");
        assert_eq!(type_name("us-east-1"), "UsEast1");
        assert_eq!(type_name("self"), "Self_");
    }

    #[test]
    fn value_names_escape_keywords() {
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("selfUri"), "self_uri");
        assert_eq!(value_name("1st"), "n1st");
        assert_eq!(value_name("maxResults"), "max_results");
    }

    #[test]
    fn unique_counts_from_two() {
        let mut taken = HashSet::from(["status".to_owned()]);
        assert_eq!(unique("status".into(), &mut taken), "status2");
        assert_eq!(unique("status".into(), &mut taken), "status3");
        assert_eq!(unique("other".into(), &mut taken), "other");
    }
}
