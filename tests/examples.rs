//! The generated crate's examples, run as a new user runs them, against a loopback server.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{JOBS, Sequence, job, requests_to};

/// The example binary `name`, which `cargo test` builds beside this test binary.
fn example(name: &str) -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary has a path");
    let profile = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in <target>/<profile>/deps");
    let binary = profile.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: `cargo test --workspace` builds the examples",
        binary.display()
    );
    binary
}

/// Runs example `name` with `args` and only the `GENESYS_*` settings given.
fn run(name: &str, args: &[&str], settings: &[(&str, String)]) -> Output {
    let mut command = Command::new(example(name));
    command.args(args).env_clear();
    for (key, value) in settings {
        command.env(key, value);
    }
    command.output().expect("the example runs")
}

fn local(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("GENESYS_API_URL", server.uri()),
        ("GENESYS_ACCESS_TOKEN", "example-token".to_owned()),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn list_jobs_prints_one_line_per_job() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JOBS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([job("job-a", "Complete"), job("job-b", "Running")])),
        )
        .mount(&server)
        .await;

    let output = run("list_jobs", &["5"], &local(&server));

    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("job-a  Complete"), "{stdout}");
    assert!(lines[1].starts_with("job-b  Running"), "{stdout}");
    let request = &requests_to(&server, JOBS).await[0];
    assert_eq!(
        request.url.query(),
        Some("maxResults=5&sortBy=dateSubmitted&sortOrder=desc")
    );
}

#[test]
fn a_missing_setting_is_named() {
    let output = run("list_jobs", &[], &[]);

    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).trim(),
        "error: the client is not usable: set GENESYS_REGION (such as us-east-1) or \
         GENESYS_API_URL"
    );
}

#[tokio::test]
async fn a_failed_call_exits_non_zero_with_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({ "code": "missing.permissions" })),
        )
        .mount(&server)
        .await;

    let output = run("list_jobs", &[], &local(&server));

    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("403 Forbidden"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn submit_dry_run_waits_and_prints_the_results() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(JOBS))
        .respond_with(ResponseTemplate::new(202).set_body_json(job("job-a", "Queued")))
        .mount(&server)
        .await;
    let mut done = job("job-a", "Complete");
    done["results"] = json!("Plan: 2 to add, 0 to change, 0 to destroy.");
    Mock::given(method("GET"))
        .and(path(format!("{JOBS}/job-a")))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(200).set_body_json(job("job-a", "Running")),
            ResponseTemplate::new(200).set_body_json(done),
        ]))
        .mount(&server)
        .await;

    let output = run(
        "submit_dry_run",
        &["acc-42", "queue=Support", "size=3"],
        &local(&server),
    );

    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "job job-a: Complete\nPlan: 2 to add, 0 to change, 0 to destroy.\n"
    );
    let submitted: serde_json::Value =
        serde_json::from_slice(&requests_to(&server, JOBS).await[0].body).expect("JSON");
    assert_eq!(
        submitted,
        json!({
            "acceleratorId": "acc-42",
            "dryRun": true,
            "parameters": [
                { "name": "queue", "value": "Support" },
                { "name": "size", "value": "3" }
            ]
        })
    );
}

#[test]
fn submit_dry_run_explains_its_arguments() {
    let output = run("submit_dry_run", &[], &[]);
    assert_eq!(
        text(&output.stderr).trim(),
        "error: usage: submit_dry_run ACCELERATOR_ID [NAME=VALUE ...]"
    );
    let output = run("submit_dry_run", &["acc", "novalue"], &[]);
    assert_eq!(
        text(&output.stderr).trim(),
        "error: parameters are NAME=VALUE, not `novalue`"
    );
}
