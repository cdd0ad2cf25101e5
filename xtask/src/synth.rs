//! Synthetic specs shaped like the jobs API, for measuring generators at scale.
//!
//! A synthetic spec holds `groups` copies of the jobs API's three operations. Copy `i` lives
//! under `/api/v2/infrastructureascode{i}/`, its operation ids end in `{i}`, and it has its own
//! copy of every schema it uses, renamed the same way, so each group adds three operations and
//! their models, as a large API does. The servers, the security scheme and the shared error
//! responses, with the schemas they use, stay one. Copies are numbered from 1, so a spec of
//! 3,000 operations has 1,000 groups.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The sizes `cargo xtask synth` writes unless told otherwise, in operations.
pub const SYNTHETIC_SIZES: [usize; 3] = [30, 300, 3000];

/// How many operations one group adds.
pub const OPERATIONS_PER_GROUP: usize = 3;

/// A spec with `operations` operations (rounded up to whole groups), made from the jobs
/// spec's YAML text, as YAML.
///
/// # Errors
///
/// A message when `jobs_spec` is not the YAML of an OpenAPI document with paths and schemas.
pub fn synthetic_spec(jobs_spec: &str, operations: usize) -> Result<String, String> {
    let groups = operations.div_ceil(OPERATIONS_PER_GROUP).max(1);
    let mut document: Value = yaml_serde::from_str(jobs_spec)
        .map_err(|error| format!("the jobs spec does not parse: {error}"))?;
    let paths = take_object(&mut document, "/paths")?;
    let mut schemas = take_object(&mut document, "/components/schemas")?;
    let shared = shared_schemas(&document["components"]["responses"], &schemas);
    let mut new_schemas: Map<String, Value> = shared
        .iter()
        .filter_map(|name| Some((name.clone(), schemas.remove(name)?)))
        .collect();
    let renames = Renames::new(&paths, &schemas);

    let mut new_paths = Map::new();
    for group in 1..=groups {
        for (path, item) in &paths {
            let path = path.replacen(
                "/infrastructureascode/",
                &format!("/infrastructureascode{group}/"),
                1,
            );
            new_paths.insert(path, renames.apply(item, group));
        }
        for (name, schema) in &schemas {
            new_schemas.insert(format!("{name}{group}"), renames.apply(schema, group));
        }
    }
    document["paths"] = Value::Object(new_paths);
    document["components"]["schemas"] = Value::Object(new_schemas);
    yaml_serde::to_string(&document).map_err(|error| format!("cannot write YAML: {error}"))
}

/// What `cargo xtask synth [--operations N]... [--out DIR]` asks for: the sizes, by default
/// [`SYNTHETIC_SIZES`], and the folder, by default `synthetic/` in the target folder.
///
/// # Errors
///
/// A message naming the option that is unknown, lacks its value or is not a positive number.
pub fn synth_request(root: &Path, options: &[&str]) -> Result<(Vec<usize>, PathBuf), String> {
    let mut sizes = Vec::new();
    let mut out = None;
    let mut rest = options.iter();
    while let Some(&option) = rest.next() {
        let value = rest
            .next()
            .ok_or_else(|| format!("`{option}` needs a value"))?;
        match option {
            "--operations" => match value.parse::<usize>() {
                Ok(size) if size > 0 => sizes.push(size),
                _ => return Err(format!("`--operations {value}` is not a positive number")),
            },
            "--out" => out = Some(root.join(value)),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if sizes.is_empty() {
        sizes = SYNTHETIC_SIZES.to_vec();
    }
    let out = out.unwrap_or_else(|| crate::target_dir(root).join("synthetic"));
    Ok((sizes, out))
}

/// Writes `jobs-N.yaml` in `out` for each size `N`, from the jobs spec in `root`, and returns
/// the paths written.
///
/// # Errors
///
/// A message naming the file that cannot be read or written.
pub fn write_synthetic_specs(
    root: &Path,
    sizes: &[usize],
    out: &Path,
) -> Result<Vec<PathBuf>, String> {
    let jobs = root.join("spec/openapi.yaml");
    let jobs_spec = fs::read_to_string(&jobs)
        .map_err(|error| format!("cannot read {}: {error}", jobs.display()))?;
    fs::create_dir_all(out).map_err(|error| format!("cannot create {}: {error}", out.display()))?;
    let mut written = Vec::new();
    for &size in sizes {
        let path = out.join(format!("jobs-{size}.yaml"));
        let spec = synthetic_spec(&jobs_spec, size)?;
        fs::write(&path, spec)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The schemas the shared responses use, directly or through other schemas.
fn shared_schemas(responses: &Value, schemas: &Map<String, Value>) -> Vec<String> {
    let mut shared = Vec::new();
    let mut pending = Vec::new();
    references(responses, &mut pending);
    while let Some(name) = pending.pop() {
        if shared.contains(&name) {
            continue;
        }
        if let Some(schema) = schemas.get(&name) {
            references(schema, &mut pending);
        }
        shared.push(name);
    }
    shared
}

/// Pushes the name of every component schema `value` refers to.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
            {
                found.push(name.to_owned());
            }
            map.values().for_each(|item| references(item, found));
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

fn take_object(document: &mut Value, pointer: &str) -> Result<Map<String, Value>, String> {
    match document.pointer_mut(pointer).map(Value::take) {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(format!("the jobs spec has no object at {pointer}")),
    }
}

/// The strings a group renames: operation ids (which `x-clientgen-wait` also names) and
/// references to component schemas.
struct Renames {
    operation_ids: Vec<String>,
    schema_refs: Vec<String>,
}

impl Renames {
    fn new(paths: &Map<String, Value>, schemas: &Map<String, Value>) -> Self {
        let operation_ids = paths
            .values()
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .filter_map(|operation| operation.get("operationId")?.as_str())
            .map(str::to_owned)
            .collect();
        let schema_refs = schemas
            .keys()
            .map(|name| format!("#/components/schemas/{name}"))
            .collect();
        Self {
            operation_ids,
            schema_refs,
        }
    }

    /// A copy of `value` in which every renamed string carries the group's number.
    fn apply(&self, value: &Value, group: usize) -> Value {
        match value {
            Value::String(text) if self.renames(text) => Value::String(format!("{text}{group}")),
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.apply(item, group)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, item)| (key.clone(), self.apply(item, group)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn renames(&self, text: &str) -> bool {
        self.operation_ids.iter().any(|id| id == text)
            || self.schema_refs.iter().any(|reference| reference == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOBS: &str = include_str!("../../spec/openapi.yaml");

    #[test]
    fn each_group_adds_three_operations_with_models_of_their_own() {
        let spec = synthetic_spec(JOBS, 30).expect("the jobs spec is an OpenAPI document");
        let document: Value = yaml_serde::from_str(&spec).expect("the output is YAML");

        let paths = document["paths"].as_object().expect("paths");
        let operations: usize = paths
            .values()
            .map(|item| item.as_object().map_or(0, Map::len))
            .sum();
        assert_eq!(operations, 30);
        let post = &paths["/api/v2/infrastructureascode7/jobs"]["post"];
        assert_eq!(post["operationId"], "postInfrastructureascodeJobs7");
        assert_eq!(
            post["x-clientgen-wait"]["poll"],
            "getInfrastructureascodeJob7"
        );
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/AcceleratorInput7"
        );
        assert!(document["components"]["schemas"]["InfrastructureascodeJob10"].is_object());
        let schemas = &document["components"]["schemas"];
        assert!(schemas["InfrastructureascodeJob11"].is_null());
        assert!(schemas["ErrorBody"]["properties"]["details"].is_object());
        assert!(schemas["ErrorBody1"].is_null());
        assert_eq!(schemas.as_object().map(Map::len), Some(3 + 5 * 10));
    }

    #[test]
    fn every_synthetic_spec_generates() {
        let spec = synthetic_spec(JOBS, 9).expect("the jobs spec is an OpenAPI document");
        let config = openapi_clientgen::Config::new("synthetic", "0.1.0");

        let files = openapi_clientgen::generate(&spec, &config).expect("the spec is valid");
        let operations = files
            .iter()
            .find(|file| file.path == "src/operations.rs")
            .expect("operations.rs");
        assert!(
            operations
                .contents
                .contains("fn post_infrastructureascode_jobs3(")
        );
    }
}
