//! The load stage: the spec's text into `openapiv3`'s document model.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, PathItem, ReferenceOr, Schema};
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
/// `paths` and `components.schemas`, and those two cut between entries. The parts are used
/// only when nothing could read differently in parts and every part reads cleanly; otherwise
/// the spec is read again as a whole, so that problems are found and placed as always.
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

/// How many parts each section read in parts is cut into, at most.
const SECTION_PARTS: usize = 16;

fn read<T: DeserializeOwned>(text: &str) -> Result<T, yaml_serde::Error> {
    T::deserialize(Unique::new(yaml_serde::Deserializer::from_str(text)))
}

/// The path items of a part of the `paths` section, read as a plain map: the section's own
/// type would first copy the whole of it into a buffer, to pick its extensions out.
type PathEntries = IndexMap<String, ReferenceOr<PathItem>>;

/// The schemas of a part of the `components.schemas` section.
type SchemaEntries = IndexMap<String, ReferenceOr<Schema>>;

/// Reads a large spec in parts, on every core: the document without its `paths` and
/// `components.schemas` sections, and each of those sections cut between its entries into
/// parts of about the same size.
///
/// This is done only for block-style YAML whose top-level keys start their lines, in which a
/// line that starts with a key starts a new entry, and only when nothing could read
/// differently in parts: no anchors or aliases, no document markers, one `paths` key, only
/// paths (no extensions) among its keys, no path or schema in two parts. The parts are used
/// only when every one reads cleanly; otherwise (`None`) the spec is read again as a whole,
/// so that problems are found and placed as always.
fn read_in_parts<'t>(text: &'t str) -> Option<OpenAPI> {
    if text.len() < PARTS_FROM || may_read_differently_in_parts(text) {
        return None;
    }
    let paths = only_top_level_section(text, "paths:")?;
    let paths_entries = entries(&text[paths.0..paths.1]).filter(|section| section.head == "paths:");
    let mut cuts: Vec<(_, _, MakePart<'t>)> = vec![(paths, paths_entries?, Part::Paths)];
    if let Some(schemas) = schemas_section(text)
        && let Some(parts) = entries(&text[schemas.0..schemas.1])
    {
        cuts.push((schemas, parts, Part::Schemas));
    }
    cuts.sort_by_key(|((start, _), _, _)| *start);

    let mut rest = String::with_capacity(text.len() / 4);
    let mut parts = Vec::new();
    let mut offset = 0;
    for ((start, end), section, part) in &cuts {
        rest.push_str(&text[offset..*start]);
        rest.push_str(section.head);
        rest.push_str(" {}\n");
        offset = *end;
        parts.extend(section.parts.iter().map(|text| part(text)));
    }
    rest.push_str(&text[offset..]);
    parts.insert(0, Part::Rest(&rest));

    let read_parts = in_parallel(&parts, |part| std::panic::catch_unwind(|| part.read()).ok());
    let mut read_parts = read_parts.into_iter();
    let Some(Some(Ok(Read::Rest(mut document)))) = read_parts.next() else {
        return None;
    };
    let read_parts: Vec<_> = read_parts.collect();
    let (mut paths, mut schemas) = (0, 0);
    for part in &read_parts {
        match part {
            Some(Ok(Read::Paths(entries))) => paths += entries.len(),
            Some(Ok(Read::Schemas(entries))) => schemas += entries.len(),
            _ => {}
        }
    }
    // The maps are large on a large spec: grown once, not doubled into a copy again and again.
    document.paths.paths.reserve(paths);
    if let Some(components) = document.components.as_mut() {
        components.schemas.reserve(schemas);
    }
    for part in read_parts {
        match part? {
            Ok(Read::Paths(paths)) => {
                for (path, item) in paths {
                    if !path.starts_with('/') || document.paths.paths.insert(path, item).is_some() {
                        return None;
                    }
                }
            }
            Ok(Read::Schemas(schemas)) => {
                let components = document.components.as_mut()?;
                for (name, schema) in schemas {
                    if components.schemas.insert(name, schema).is_some() {
                        return None;
                    }
                }
            }
            _ => return None,
        }
    }
    Some(*document)
}

/// A part of the spec to read.
enum Part<'t> {
    Rest(&'t str),
    Paths(&'t str),
    Schemas(&'t str),
}

/// Which kind of part a piece of a cut section is.
type MakePart<'t> = fn(&'t str) -> Part<'t>;

/// A part of the spec, read.
enum Read {
    Rest(Box<OpenAPI>),
    Paths(PathEntries),
    Schemas(SchemaEntries),
}

impl Part<'_> {
    fn read(&self) -> Result<Read, yaml_serde::Error> {
        match self {
            Part::Rest(text) => {
                read::<OpenAPI>(text).map(|document| Read::Rest(Box::new(document)))
            }
            Part::Paths(text) => read::<PathEntries>(text).map(Read::Paths),
            Part::Schemas(text) => read::<SchemaEntries>(text).map(Read::Schemas),
        }
    }
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

/// [`top_level_section`], when no other top-level line starts with `key`.
fn only_top_level_section(text: &str, key: &str) -> Option<(usize, usize)> {
    let (start, end) = top_level_section(text, key)?;
    top_level_section(&text[end..], key)
        .is_none()
        .then_some((start, end))
}

/// The byte range of the `schemas` entry of the top-level `components`, up to the next line
/// that starts an entry as far in or less; `None` when there is no such entry, or more than
/// one `components`.
fn schemas_section(text: &str) -> Option<(usize, usize)> {
    let (start, end) = only_top_level_section(text, "components:")?;
    let section = &text[start..end];
    let mut lines = section.split_inclusive('\n');
    let head = lines.next()?;
    if head.trim_end() != "components:" {
        return None;
    }
    let first =
        lines.find(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))?;
    let indent = first.len() - first.trim_start().len();
    if indent == 0 {
        return None;
    }
    let mut offset = head.len();
    let mut found = None;
    for line in section[head.len()..].split_inclusive('\n') {
        let starts_here = (0..=indent).any(|depth| starts_entry(line, depth));
        match found {
            Some(schemas) if starts_here => return Some((start + schemas, start + offset)),
            None if starts_entry(line, indent) && line[indent..].trim_end() == "schemas:" => {
                found = Some(offset);
            }
            _ => {}
        }
        offset += line.len();
    }
    found.map(|schemas| (start + schemas, end))
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

/// A section whose value is a block mapping, cut between its entries.
struct Entries<'t> {
    /// The section's key line without its line break and blanks, such as `  schemas:`.
    head: &'t str,
    /// The entries, in parts of about the same size, each a block mapping of its own.
    parts: Vec<&'t str>,
}

/// The section's entries cut between them into parts of about the same size; `None` when the
/// value is not a block mapping whose entries start lines of their own, further in than the key.
fn entries(section: &str) -> Option<Entries<'_>> {
    let head = section.split_inclusive('\n').next()?;
    let key = head.trim_end();
    if !key.ends_with(':') {
        return None;
    }
    let key_indent = key.len() - key.trim_start().len();
    let body = &section[head.len()..];
    let first = body
        .lines()
        .find(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))?;
    let indent = first.len() - first.trim_start().len();
    if indent <= key_indent || !starts_entry(first, indent) {
        return None;
    }
    let target = body.len() / SECTION_PARTS + 1;
    let mut parts = Vec::new();
    let (mut start, mut offset) = (0, 0);
    for line in body.split_inclusive('\n') {
        if offset - start >= target && starts_entry(line, indent) {
            parts.push(&body[start..offset]);
            start = offset;
        }
        offset += line.len();
    }
    parts.push(&body[start..]);
    Some(Entries { head: key, parts })
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
    fn a_key_given_twice_in_a_long_mapping_is_refused() {
        let mut spec = format!("{HEAD}components:\n  schemas:\n");
        for index in 0..40 {
            spec.push_str(&format!("    Pet{index}: {{ type: object }}\n"));
        }
        spec.push_str("    Pet3: { type: string }\n");

        let problem = load(&spec).expect_err("the second Pet3 would replace the first");

        assert_eq!(
            problem.message,
            "components.schemas: duplicate entry with key \"Pet3\""
        );
    }

    #[test]
    fn a_quoted_and_a_plain_key_read_as_the_same_text_are_one_key() {
        let spec = format!(
            "{HEAD}components:\n  responses:\n    '200': {{ description: a }}\n    \
             200: {{ description: b }}\n"
        );

        let problem = load(&spec).expect_err("the document model would keep one of the two");

        assert_eq!(
            problem.message,
            "components.responses: duplicate entry with key \"200\""
        );
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
        let schemas = &in_parts.components.as_ref().expect("components").schemas;
        assert_eq!(schemas.len(), 1500);
        let order: Vec<&String> = schemas.keys().skip(1498).collect();
        assert_eq!(order, ["Thing1498", "Thing1499"]);
    }

    #[test]
    fn the_sections_are_cut_in_parts_between_their_entries() {
        let spec = large_spec(1500);
        let (start, end) = schemas_section(&spec).expect("the spec has schemas");
        assert!(spec[start..].starts_with("  schemas:\n    Thing0:"));
        assert_eq!(end, spec.len());

        let schemas = entries(&spec[start..end]).expect("the schemas are a block mapping");

        assert_eq!(schemas.head, "  schemas:");
        assert_eq!(schemas.parts.len(), SECTION_PARTS);
        assert!(
            schemas
                .parts
                .iter()
                .all(|part| part.starts_with("    Thing"))
        );
        assert_eq!(
            schemas.parts.concat(),
            spec[start..end]["  schemas:\n".len()..]
        );
    }

    #[test]
    fn only_a_key_that_is_schemas_itself_is_cut() {
        let text = "openapi: 3.0.3\ncomponents:\n  schemas:old:\n    A: {}\n  schemas: # all\n    \
                    B: {}\n  schemas:\n    C: {}\n  responses: {}\n";

        let (start, end) = schemas_section(text).expect("the spec has schemas");

        assert_eq!(&text[start..end], "  schemas:\n    C: {}\n");
    }

    #[test]
    fn a_paths_extension_or_a_schema_in_two_parts_is_read_whole() {
        let spec = large_spec(1500);
        let extended = spec.replace("paths:\n", "paths:\n  x-owner: us\n");
        assert!(read_in_parts(&extended).is_none());
        let whole = load(&extended).expect("the spec reads whole");
        assert_eq!(whole.paths.extensions.len(), 1);
        assert_eq!(whole.paths.paths.len(), 1500);

        let twice = spec.replace("    Thing1499:\n", "    Thing0:\n");
        assert_read_whole_and_refused(&twice, "\"Thing0\"");
    }

    /// `spec` is not read in parts, and read whole it is refused for giving `key` twice.
    fn assert_read_whole_and_refused(spec: &str, key: &str) {
        assert!(read_in_parts(spec).is_none());
        let problem = load(spec).expect_err("a key is given twice");
        assert!(
            problem
                .message
                .ends_with(&format!("duplicate entry with key {key}")),
            "{}",
            problem.message
        );
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
        assert_read_whole_and_refused(&twice, "\"/things0/{id}\"");
    }
}
