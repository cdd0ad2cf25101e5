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
        if let Some(version) = root.get("openapi").and_then(yaml_serde::Value::as_str) {
            if let Err(problem) = check_version(version) {
                return problem;
            }
        }
    }
    let message = error.to_string();
    let mut problem = Problem::at("", strip_location(&message));
    problem.line_column = error.location().map(|at| (at.line(), at.column()));
    problem
}

/// Drops the " at line L column C" the parser appends, since the problem carries it apart.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
