//! Specs with problems: every problem is reported at once, with its place, and nothing
//! panics. Each message is pinned, so a change to one is a decision, not an accident.

use openapi_clientgen::{Config, generate};

/// The report for `spec`, which must be refused.
fn report(spec: &str) -> String {
    match generate(spec, &Config::new("broken", "0.1.0")) {
        Ok(_) => panic!("the spec was accepted"),
        Err(problems) => problems.to_string(),
    }
}

#[test]
fn every_problem_of_a_spec_is_reported_with_its_place() {
    let spec = r##"
openapi: 3.0.3
info: { title: Broken, version: "1" }
paths:
  /jobs:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Missing" }
  /jobs/{jobId}:
    get:
      operationId: getJob
      parameters:
        - { name: jobId, in: path, required: true, schema: { type: string } }
        - { name: session, in: cookie, schema: { type: string } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                oneOf: [{ type: string }, { type: integer }]
    post:
      operationId: upload
      parameters:
        - { name: jobId, in: path, required: true, schema: { type: string } }
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object }
      responses:
        "204": { description: done }
"##;
    assert_eq!(
        report(spec),
        "the spec has 5 problems:\n  \
         /paths/~1jobs/get: the operation has no `operationId`; add one, since the client \
         method is named after it\n  \
         /paths/~1jobs/get/responses/200/content/application~1json/schema/$ref: \
         `$ref: #/components/schemas/Missing` points to no schema: `components.schemas` \
         has no `Missing`\n  \
         /paths/~1jobs~1{jobId}/get/parameters/1/in: cookie parameters are not supported; \
         send the value as a header or query parameter\n  \
         /paths/~1jobs~1{jobId}/get/responses/200/content/application~1json/schema: `oneOf` \
         is supported only as one item or a list of that item; describe the value with one \
         object, array or scalar schema (`allOf` may merge objects)\n  \
         /paths/~1jobs~1{jobId}/post/requestBody/content: request bodies of type \
         `multipart/form-data` are not supported; only JSON (`application/json`) is"
    );
}

#[test]
fn a_reference_to_a_missing_schema_is_named() {
    let spec = r##"
openapi: 3.0.3
info: { title: Broken, version: "1" }
paths: {}
components:
  schemas:
    Job:
      type: object
      properties:
        owner: { $ref: "#/components/schemas/User" }
        links: { $ref: "other.yaml#/Link" }
"##;
    assert_eq!(
        report(spec),
        "the spec has 2 problems:\n  \
         /components/schemas/Job/properties/links/$ref: `$ref: other.yaml#/Link` is not \
         supported: a schema reference must point into this file's \
         `#/components/schemas/`; bundle other files into the spec first\n  \
         /components/schemas/Job/properties/owner/$ref: `$ref: #/components/schemas/User` \
         points to no schema: `components.schemas` has no `User`"
    );
}

#[test]
fn a_yaml_syntax_error_has_its_line_and_column() {
    assert_eq!(
        report("openapi: 3.0.3\ninfo:\n  title: \"unterminated\n"),
        "the spec has 1 problem:\n  # (line 4, column 1): found unexpected end of stream at \
         line 4 column 1, while scanning a quoted scalar at line 3 column 10"
    );
}

#[test]
fn a_value_of_the_wrong_type_has_its_path_line_and_column() {
    assert_eq!(
        report("openapi: 3.0.3\ninfo:\n  title: [a, b]\n  version: '1'\npaths: {}\n"),
        "the spec has 1 problem:\n  # (line 3, column 10): info.title: invalid type: \
         sequence, expected a string"
    );
}

#[test]
fn a_missing_required_field_is_named() {
    let report = report("openapi: 3.0.3\ninfo: { title: x, version: '1' }\n");
    assert_eq!(
        report,
        "the spec has 1 problem:\n  # (line 1, column 1): missing field `paths`"
    );
}

#[test]
fn other_versions_of_openapi_are_refused_with_advice() {
    assert_eq!(
        report("swagger: '2.0'\ninfo: { title: x, version: '1' }\npaths: {}\n"),
        "the spec has 1 problem:\n  /swagger: Swagger 2.0 is not supported; convert the \
         spec to OpenAPI 3.0 first"
    );
    assert_eq!(
        report("openapi: 3.1.0\ninfo: { title: x, version: '1' }\npaths: {}\n"),
        "the spec has 1 problem:\n  /openapi: OpenAPI 3.1.0 is not supported; write the \
         spec in OpenAPI 3.0 (`openapi: 3.0.3`)"
    );
}

#[test]
fn names_that_clash_are_reported() {
    let spec = r##"
openapi: 3.0.3
info: { title: Broken, version: "1" }
paths:
  /a:
    get:
      operationId: listJobs
      responses: { "204": { description: ok } }
  /b:
    get:
      operationId: ListJobs
      responses: { "204": { description: ok } }
components:
  schemas:
    Job:
      type: object
      properties:
        state: { type: string, enum: [a, b], title: Shared }
    Task:
      type: object
      properties:
        state: { type: string, enum: [c], title: Shared }
"##;
    assert_eq!(
        report(spec),
        "the spec has 2 problems:\n  \
         /components/schemas/Task/properties/state: this schema's Rust name `Shared` is \
         taken by the schema at /components/schemas/Job/properties/state; give one of them \
         a distinct `title`\n  \
         /paths/~1b/get/operationId: operationId `ListJobs` gives the method name \
         `list_jobs`, which `listJobs` (GET /a) already has; operation ids must differ in \
         more than case"
    );
}

#[test]
fn inputs_that_are_not_specs_do_not_panic() {
    for text in [
        "",
        "42",
        "- a\n- b",
        "openapi: 3.0.3",
        "{",
        "\u{0}",
        "paths: !!binary x",
    ] {
        let outcome = generate(text, &Config::new("x", "0.1.0"));
        assert!(outcome.is_err(), "{text:?} was accepted");
    }
}

#[test]
fn duplicate_keys_are_refused_with_their_place() {
    let spec = "openapi: 3.0.3\ninfo: { title: x, version: '1' }\npaths: {}\npaths: {}\n";
    assert_eq!(
        report(spec),
        "the spec has 1 problem:\n  # (line 1, column 1): duplicate entry with key \"paths\""
    );
}

#[test]
fn unsupported_shapes_say_what_to_write_instead() {
    let spec = r##"
openapi: 3.0.3
info: { title: Broken, version: "1" }
servers:
  - url: https://{region}.example.com
    variables: { region: { default: eu } }
paths:
  /jobs/{id}:
    get:
      operationId: getJob
      parameters:
        - { name: id, in: path, schema: { type: string } }
        - { name: filter, in: query, schema: { type: object, properties: { a: { type: string } } } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { allOf: [] }
      x-clientgen-wait: { status: state, final: [done] }
"##;
    assert_eq!(
        report(spec),
        "the spec has 5 problems:\n  \
         /paths/~1jobs~1{id}/get/parameters/0/required: a path parameter must be \
         `required: true`\n  \
         /paths/~1jobs~1{id}/get/parameters/1/schema: this parameter's type is not \
         supported: a parameter must be a scalar or a string enum, or in the query a list of \
         them\n  \
         /paths/~1jobs~1{id}/get/responses/200/content/application~1json/schema: `allOf` \
         lists no schemas; give it at least one, or remove it\n  \
         /paths/~1jobs~1{id}/get/x-clientgen-wait: the operation's answer has no field \
         `state`\n  \
         /servers/0/variables: server variables are not supported; list each server's URL on \
         its own"
    );
}
