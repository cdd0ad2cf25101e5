//! The load stage: the spec's text into `openapiv3`'s document model.

use openapiv3::OpenAPI;

use crate::problem::Problem;

/// Parses the spec's YAML (or JSON, which is YAML too) into an OpenAPI 3.0 document.
pub fn load(text: &str) -> Result<OpenAPI, Problem> {
    match yaml_serde::from_str::<OpenAPI>(text) {
        Ok(document) => check_version(&document.openapi).map(|()| document),
        Err(error) => Err(explain(text, &error)),
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
