//! The load stage: the spec's text into `openapiv3`'s document model.

use openapiv3::{OpenAPI, Paths};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::parallel::in_parallel;

use crate::problem::Problem;
use crate::unique::Unique;

/// Parses the spec's YAML (or JSON, which is YAML too) into an OpenAPI 3.0 document.
///
/// The text is read once, through a deserializer that refuses a mapping with the same key
/// twice: the document model would keep the last of them without a word, or panic. Should it
/// panic on anything else, the panic becomes a problem too.
///
/// A large block-style spec is read in parts on every core: the document without its
/// `paths`, and the `paths` cut between entries. The parts are used only when nothing could
/// read differently in parts and every part reads cleanly; otherwise the spec is read again
/// as a whole, so that problems are found and placed as always.
pub fn load(text: &str) -> Result<OpenAPI, Problem> {
    if let Some(document) = read_in_parts(text) {
        return check_version(&document.openapi).map(|()| document);
    }
    match std::panic::catch_unwind(|| read::<OpenAPI>(text)) {
        Ok(Ok(document)) => check_version(&document.openapi).map(|()| document),
        Ok(Err(error)) => Err(explain(text, &error)),
        Err(_) => Err(Problem::at(
            "",
            "the OpenAPI document model failed on this spec; check it with an OpenAPI \
             validator, and report the spec as a bug in this generator",
        )),
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

/// Below this many bytes a spec is read in one go.
const PARTS_FROM: usize = 512 * 1024;

/// How many parts the `paths` section is cut into, at most.
const PATH_PARTS: usize = 16;

fn read<T: DeserializeOwned>(text: &str) -> Result<T, yaml_serde::Error> {
    T::deserialize(Unique::new(yaml_serde::Deserializer::from_str(text)))
}

/// The `paths` section alone.
#[derive(Deserialize)]
struct PathsOnly {
    paths: Paths,
}

/// Reads a large spec in parts, on every core: the document without its `paths` section,
/// and that section cut between path items into parts of about the same size.
///
/// This is done only for block-style YAML whose top-level keys start their lines, in which a
/// line that starts with a key starts a new entry, and only when nothing could read
/// differently in parts: no anchors or aliases, no document markers, one `paths` key, no path
/// in two parts. The parts are used only when every one reads cleanly; otherwise (`None`)
/// the spec is read again as a whole, so that problems are found and placed as always.
fn read_in_parts(text: &str) -> Option<OpenAPI> {
    if text.len() < PARTS_FROM || may_read_differently_in_parts(text) {
        return None;
    }
    let (start, end) = top_level_section(text, "paths:")?;
    if top_level_section(&text[end..], "paths:").is_some() {
        return None;
    }
    let rest = format!("{}paths: {{}}\n{}", &text[..start], &text[end..]);
    let mut parts = vec![(true, rest)];
    parts.extend(
        path_parts(&text[start..end])?
            .into_iter()
            .map(|part| (false, part)),
    );

    let read_parts = in_parallel(&parts, |(is_rest, part)| {
        std::panic::catch_unwind(|| {
            if *is_rest {
                read::<OpenAPI>(part).map(|document| Part::Rest(Box::new(document)))
            } else {
                read::<PathsOnly>(part).map(|only| Part::Paths(only.paths))
            }
        })
    });
    let mut read_parts = read_parts.into_iter();
    let Some(Ok(Ok(Part::Rest(mut document)))) = read_parts.next() else {
        return None;
    };
    for part in read_parts {
        let Ok(Ok(Part::Paths(paths))) = part else {
            return None;
        };
        for (path, item) in paths.paths {
            if document.paths.paths.insert(path, item).is_some() {
                return None;
            }
        }
        for (name, value) in paths.extensions {
            if document.paths.extensions.insert(name, value).is_some() {
                return None;
            }
        }
    }
    Some(*document)
}

enum Part {
    Rest(Box<OpenAPI>),
    Paths(Paths),
}

/// Whether the text has what a part could read unlike the whole: an anchor or an alias, or
/// a document marker. Being sure of no false "no" matters, a false "yes" costs only time.
fn may_read_differently_in_parts(text: &str) -> bool {
    let marks = text
        .as_bytes()
        .windows(2)
        .any(|pair| matches!(pair[0], b'&' | b'*') && !pair[1].is_ascii_whitespace());
    marks
        || text
            .lines()
            .any(|line| line.starts_with("---") || line.starts_with("..."))
}

/// The byte range of the top-level entry whose line starts with `key`, up to the next line
/// that starts a top-level entry.
fn top_level_section(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        if let Some(start) = start {
            if starts_entry(line, 0) {
                return Some((start, offset));
            }
        } else if line.starts_with(key) {
            start = Some(offset);
        }
        offset += line.len();
    }
    start.map(|start| (start, text.len()))
}

/// Whether `line` starts a mapping entry at `indent`: that many spaces, then a key's first
/// character.
fn starts_entry(line: &str, indent: usize) -> bool {
    let Some(rest) = line.get(indent..) else {
        return false;
    };
    line.as_bytes()[..indent].iter().all(|&byte| byte == b' ')
        && rest
            .bytes()
            .next()
            .is_some_and(|first| first.is_ascii_alphanumeric() || b"/_\"'".contains(&first))
}

/// The `paths` section cut between its entries into parts of about the same size, each
/// starting `paths:` again; `None` when its entries do not start lines of their own.
fn path_parts(section: &str) -> Option<Vec<String>> {
    let mut lines = section.split_inclusive('\n');
    let head = lines.next()?;
    if head.trim_end() != "paths:" {
        return None;
    }
    let body = &section[head.len()..];
    let first = body.lines().find(|line| !line.trim().is_empty())?;
    let indent = first.len() - first.trim_start().len();
    if indent == 0 || !starts_entry(first, indent) {
        return None;
    }
    let target = body.len() / PATH_PARTS + 1;
    let mut parts = Vec::new();
    let (mut start, mut offset) = (0, 0);
    for line in body.split_inclusive('\n') {
        if offset - start >= target && starts_entry(line, indent) {
            parts.push(format!("paths:\n{}", &body[start..offset]));
            start = offset;
        }
        offset += line.len();
    }
    parts.push(format!("paths:\n{}", &body[start..]));
    Some(parts)
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

    /// A spec large enough to be read in parts, with `count` paths.
    fn large_spec(count: usize) -> String {
        let mut spec =
            String::from("openapi: 3.0.3\ninfo:\n  title: Large\n  version: '1'\npaths:\n");
        for index in 0..count {
            spec.push_str(&format!(
                "  /things{index}/{{id}}:\n    get:\n      operationId: getThing{index}\n      \
                 description: >-\n        Gets thing {index}, a description long enough to fill \
                 the spec\n        over more than one line.\n      parameters:\n        - name: \
                 id\n          in: path\n          required: true\n          schema: {{ type: \
                 string }}\n      responses:\n        '200':\n          description: The \
                 thing.\n          content:\n            application/json:\n              schema:\n\
                 \x20               $ref: '#/components/schemas/Thing{index}'\n"
            ));
        }
        spec.push_str("components:\n  schemas:\n");
        for index in 0..count {
            spec.push_str(&format!(
                "    Thing{index}:\n      type: object\n      properties:\n        name: {{ type: \
                 string }}\n"
            ));
        }
        spec
    }

    #[test]
    fn a_large_spec_read_in_parts_is_the_spec_read_whole() {
        let spec = large_spec(1500);
        assert!(spec.len() > PARTS_FROM);

        let in_parts = read_in_parts(&spec).expect("the spec is read in parts");

        let whole: OpenAPI = read(&spec).expect("the spec reads");
        assert_eq!(in_parts, whole);
        assert_eq!(in_parts.paths.paths.len(), 1500);
        let order: Vec<&String> = in_parts.paths.paths.keys().take(2).collect();
        assert_eq!(order, ["/things0/{id}", "/things1/{id}"]);
    }

    #[test]
    fn a_spec_whose_paths_come_first_is_read_in_parts_too() {
        let spec = large_spec(1500);
        let (head, paths) = spec.split_once("paths:\n").expect("the spec has paths");
        let reordered = format!("paths:\n{paths}{head}");

        let in_parts = read_in_parts(&reordered).expect("the spec is read in parts");

        assert_eq!(in_parts, read::<OpenAPI>(&spec).expect("the spec reads"));
    }

    #[test]
    fn what_could_read_differently_in_parts_is_read_whole() {
        let spec = large_spec(1500);
        let anchored = spec.replace("schema: { type: string }", "schema: &id { type: string }");
        assert!(read_in_parts(&anchored).is_none());

        let twice = spec.replace("/things1499/{id}:", "/things0/{id}:");
        assert!(read_in_parts(&twice).is_none());
        let problem = load(&twice).expect_err("a path is given twice");
        assert!(
            problem
                .message
                .ends_with("duplicate entry with key \"/things0/{id}\""),
            "{}",
            problem.message
        );
    }
}
