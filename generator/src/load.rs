//! The load stage: the spec's text into `openapiv3`'s document model.

use std::collections::HashSet;
use std::fmt;
use std::thread;

use openapiv3::OpenAPI;
use serde::de::{self, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::problem::Problem;

/// Parses the spec's YAML (or JSON, which is YAML too) into an OpenAPI 3.0 document.
///
/// The text is also read a second time, keeping nothing, to refuse duplicate keys, which
/// the document model would mishandle: `openapiv3` panics on some of them, and a map
/// would silently keep the last one. The two readings run side by side, on two threads,
/// since reading a large spec takes a while. Should the document model panic on anything,
/// the panic becomes a problem too.
pub fn load(text: &str) -> Result<OpenAPI, Problem> {
    let (unique, parsed) = thread::scope(|scope| {
        let parsed = scope.spawn(|| yaml_serde::from_str::<OpenAPI>(text));
        let unique = yaml_serde::from_str::<UniqueKeys>(text);
        (unique, parsed.join())
    });
    unique.map_err(|error| located(&error))?;
    match parsed {
        Ok(Ok(document)) => check_version(&document.openapi).map(|()| document),
        Ok(Err(error)) => Err(explain(text, &error)),
        Err(_) => Err(Problem::at(
            "",
            "the OpenAPI document model failed on this spec; check it with an OpenAPI \
             validator, and report the spec as a bug in this generator",
        )),
    }
}

/// A YAML document read only to find a mapping with the same key twice; it keeps nothing.
struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeys)
    }
}

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_bytes<E>(self, _: &[u8]) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_none<E>(self) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self, D::Error> {
        UniqueKeys::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self, A::Error> {
        while items.next_element::<UniqueKeys>()?.is_some() {}
        Ok(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = entries.next_key::<Key>()? {
            if let Key::Scalar(key) = key {
                if seen.contains(&key) {
                    return Err(de::Error::custom(format!("duplicate entry with key {key}")));
                }
                seen.insert(key);
            }
            entries.next_value::<UniqueKeys>()?;
        }
        Ok(self)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<Self, A::Error> {
        let (IgnoredAny, value) = tagged.variant::<IgnoredAny>()?;
        value.newtype_variant::<UniqueKeys>()
    }
}

/// A mapping's key: a scalar, written as plain YAML reads it back (`"200"` and `200` are
/// different keys), or a collection, which is not compared.
enum Key {
    Scalar(String),
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Key, E> {
        Ok(Key::Scalar(value.to_string()))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Key, E> {
        Ok(Key::Scalar(value.to_string()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Key, E> {
        Ok(Key::Scalar(value.to_string()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Key, E> {
        Ok(Key::Scalar(value.to_string()))
    }

    fn visit_str<E>(self, value: &str) -> Result<Key, E> {
        Ok(Key::Scalar(format!("{value:?}")))
    }

    fn visit_unit<E>(self) -> Result<Key, E> {
        Ok(Key::Scalar("null".to_owned()))
    }

    fn visit_none<E>(self) -> Result<Key, E> {
        Ok(Key::Scalar("null".to_owned()))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        Key::deserialize(deserializer)
    }

    fn visit_bytes<E>(self, _: &[u8]) -> Result<Key, E> {
        Ok(Key::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<Key, A::Error> {
        UniqueKeys.visit_seq(items).map(|_| Key::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, entries: A) -> Result<Key, A::Error> {
        UniqueKeys.visit_map(entries).map(|_| Key::Other)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<Key, A::Error> {
        UniqueKeys.visit_enum(tagged).map(|_| Key::Other)
    }
}

fn check_version(version: &str) -> Result<(), Problem> {
    if version.starts_with("3.0.") {
        return Ok(());
    }
    Err(Problem::at(
        "/openapi",
        format!(
            "OpenAPI {version} is not supported; write the spec in OpenAPI 3.0 \
             (`openapi: 3.0.3`)"
        ),
    ))
}

/// Turns a parse failure into a problem, naming a Swagger 2.0 or 3.1 document for what it is.
/// Only then is the text read as plain YAML, to see which it is.
fn explain(text: &str, error: &yaml_serde::Error) -> Problem {
    if let Ok(yaml_serde::Value::Mapping(root)) = yaml_serde::from_str(text) {
        if root.contains_key("swagger") {
            return Problem::at(
                "/swagger",
                "Swagger 2.0 is not supported; convert the spec to OpenAPI 3.0 first",
            );
        }
        let version = root.get("openapi").and_then(yaml_serde::Value::as_str);
        if let Some(Err(problem)) = version.map(check_version) {
            return problem;
        }
    }
    located(error)
}

/// A parse failure as a problem at the parser's line and column, when it gives them.
fn located(error: &yaml_serde::Error) -> Problem {
    let message = error.to_string();
    let Some(location) = error.location() else {
        return Problem::at("", message);
    };
    // The problem carries the place apart, so the parser's own " at line L column C" goes.
    let suffix = format!(" at line {} column {}", location.line(), location.column());
    let mut problem = Problem::at("", message.strip_suffix(&suffix).unwrap_or(&message));
    problem.line_column = Some((location.line(), location.column()));
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "openapi: 3.0.3\ninfo: { title: x, version: '1' }\npaths: {}\n";

    #[test]
    fn a_key_given_twice_deep_inside_is_refused_with_its_place() {
        let spec = format!(
            "{HEAD}components:\n  schemas:\n    Pet: {{ type: object }}\n    Pet: {{ type: string }}\n"
        );

        let problem = load(&spec).expect_err("the second Pet would replace the first");

        assert_eq!(
            problem.message,
            "components.schemas: duplicate entry with key \"Pet\""
        );
        assert_eq!(problem.line_column.map(|(line, _)| line), Some(6));
    }

    #[test]
    fn keys_are_compared_within_one_mapping_only() {
        let spec = format!(
            "{HEAD}components:\n  schemas:\n    A: {{ properties: {{ name: {{ type: string }} }} }}\n    \
             B: {{ properties: {{ name: {{ type: string }} }} }}\n"
        );

        let loaded = load(&spec);

        assert!(loaded.is_ok(), "{loaded:?}");
    }
}
