//! The load stage: the spec's text into `openapiv3`'s document model.

use openapiv3::OpenAPI;

use crate::problem::Problem;

/// Parses the spec's YAML (or JSON, which is YAML too) into an OpenAPI 3.0 document.
///
/// The text is first read as plain YAML, which refuses what the document model would
/// mishandle, duplicate keys above all: `openapiv3` panics on some of them. Should it panic
/// on anything else, the panic becomes a problem too.
pub fn load(text: &str) -> Result<OpenAPI, Problem> {
    let plain = yaml_serde::from_str::<yaml_serde::Value>(text).map_err(|e| located(&e))?;
    let parsed = std::panic::catch_unwind(|| yaml_serde::from_str::<OpenAPI>(text));
    match parsed {
        Ok(Ok(document)) => check_version(&document.openapi).map(|()| document),
        Ok(Err(error)) => Err(explain(&plain, &error)),
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

/// Turns a parse failure into a problem, naming a Swagger 2.0 or 3.1 document for what it is.
fn explain(plain: &yaml_serde::Value, error: &yaml_serde::Error) -> Problem {
    if let yaml_serde::Value::Mapping(root) = plain {
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
