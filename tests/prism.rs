//! The generated client against Stoplight Prism, an OpenAPI mock server written apart from
//! this project, which validates every request it receives against `spec/openapi.yaml`.
//!
//! Two tests, each with its own Prism process: the static one sends every operation with
//! each optional parameter set and unset, every enum value and bodies with and without their
//! optional fields, forces each documented error status, and first shows that a request
//! outside the spec is caught; the dynamic one decodes hundreds of random answers valid
//! under the spec's schemas. Both assert that Prism found no request breaking the spec, and
//! leave their counts for `cargo xtask test` to print.

mod harness;

use std::collections::BTreeSet;
use std::fmt;

use genesys_iac_client::{
    AcceleratorInput, AcceleratorParameter, Client, Error, InfrastructureascodeJob, JobSortBy,
    JobStatus, JobStatusFilter, SortOrder,
};
use harness::{Answers, Exchange, Harness, TOKEN};
use openapiv3::{OpenAPI, StatusCode};
use reqwest::header::HeaderMap;
use serde_json::json;
use xtask::PrismCounts;

/// How many random answers each operation decodes, at least.
const RANDOM_ANSWERS: usize = 200;

const JOB_ID: &str = "6d5f2a4e-0c1b-4b7e-9b8e-3f2d1c0b9a87";

#[tokio::test]
async fn prism_finds_every_request_valid_and_every_error_status_maps() {
    let prism = Harness::start(Answers::Static).await;
    let operations = documented_operations();
    let mut tally = Tally::default();

    a_request_outside_the_spec_is_caught(&prism).await;
    let client = prism.client();
    for call in calls() {
        let (result, exchange) = prism.exchange(call.clone().send(&client)).await;
        if tally.record(&call, &exchange) {
            result.unwrap_or_else(|error| panic!("{call:?}: valid, yet it failed: {error}"));
        }
    }
    for operation in &operations {
        error_statuses_map(&prism, operation, &mut tally).await;
    }

    tally.finish(&prism, "static");
}

#[tokio::test]
async fn every_random_answer_decodes() {
    let prism = Harness::start(Answers::Dynamic).await;
    let mut tally = Tally::default();

    for operation in documented_operations() {
        let calls = calls_of(&operation.id);
        let per_status = RANDOM_ANSWERS.div_ceil(operation.successes.len());
        for &status in &operation.successes {
            let client = prism.client_preferring(status);
            for call in calls.iter().cycle().take(per_status) {
                let (result, exchange) = prism.exchange(call.clone().send(&client)).await;
                if !tally.record(call, &exchange) {
                    continue;
                }
                let jobs = result.unwrap_or_else(|error| {
                    panic!("{call:?} asking for {status}: the random answer failed: {error}")
                });
                assert_eq!(
                    exchange.status, status,
                    "{call:?}: Prism chose another status"
                );
                jobs.iter().for_each(assert_statuses_are_known);
                tally.counts.random_responses_decoded += 1;
            }
        }
    }

    tally.finish(&prism, "dynamic");
}

/// The negative control: a request the spec forbids, sent by hand, is caught by the very
/// check that passes the client's requests.
async fn a_request_outside_the_spec_is_caught(prism: &Harness) {
    let url = format!(
        "{}/api/v2/infrastructureascode/jobs?sortBy=bogus",
        prism.url()
    );
    let http = harness::loopback_http(HeaderMap::new());
    let (sent, exchange) = prism
        .exchange(http.get(url).bearer_auth(TOKEN).send())
        .await;

    sent.expect("Prism answers");
    let caught = exchange.violations.iter().any(|violation| {
        violation["code"] == "enum"
            && violation["location"] == json!(["request", "query", "sortby"])
    });
    assert!(caught, "Prism did not report the bogus sortBy: {exchange}");
}

/// Forces each error status the spec documents for `operation`, and expects the client's
/// typed error with that status and the decoded error body.
async fn error_statuses_map(prism: &Harness, operation: &Documented, tally: &mut Tally) {
    let call = calls_of(&operation.id).remove(0);
    for &status in &operation.errors {
        let client = prism.client_preferring(status);
        let (result, exchange) = prism.exchange(call.clone().send(&client)).await;
        if !tally.record(&call, &exchange) {
            continue;
        }
        let api = match result {
            Err(Error::Api(api)) => api,
            other => panic!("{call:?} asking for {status}: expected Error::Api, got {other:?}"),
        };
        assert_eq!(api.status.as_u16(), status, "{call:?}");
        assert!(
            api.body.is_some(),
            "{call:?} asking for {status}: the error body did not decode: {}",
            api.body_start
        );
        tally.counts.error_statuses_mapped += 1;
    }
}

/// Prism draws enum values from the spec, so every one must be a variant the client knows.
fn assert_statuses_are_known(job: &InfrastructureascodeJob) {
    if let Some(JobStatus::Unknown(status)) = &job.status {
        panic!("the job status {status:?} is in the spec but not in the client");
    }
}

/// What the suite saw of the requests it sent, and which of them broke the spec.
#[derive(Default)]
struct Tally {
    counts: PrismCounts,
    broken: Vec<String>,
}

impl Tally {
    /// Counts `exchange`, and tells whether Prism found its request valid: the answer to an
    /// invalid one is Prism's complaint, not what the call asked for.
    fn record(&mut self, call: &Call, exchange: &Exchange) -> bool {
        self.counts.requests_validated += 1;
        if exchange.violations.is_empty() {
            return true;
        }
        self.counts.violations += 1;
        self.broken.push(format!("{call:?}: {exchange}"));
        false
    }

    /// Asserts that nothing broke the spec, then leaves the counts for `cargo xtask test`.
    fn finish(self, prism: &Harness, part: &str) {
        assert!(
            self.broken.is_empty(),
            "{} of {} requests broke the spec, says Prism (its log: {}):\n{}",
            self.counts.violations,
            self.counts.requests_validated,
            prism.log().display(),
            self.broken.join("\n")
        );
        let report = xtask::report_dir(&xtask::workspace_root());
        self.counts
            .write(&report, part)
            .unwrap_or_else(|error| panic!("cannot write the counts to {report:?}: {error}"));
        println!("prism ({part}): {}", self.counts);
    }
}

/// An operation as the spec documents it: its id and the statuses of its answers.
struct Documented {
    id: String,
    successes: Vec<u16>,
    errors: Vec<u16>,
}

/// Every operation of the spec, each of which must have calls in [`calls`].
fn documented_operations() -> Vec<Documented> {
    let path = xtask::workspace_root().join("spec/openapi.yaml");
    let text = std::fs::read_to_string(&path).expect("the spec reads");
    let spec: OpenAPI = yaml_serde::from_str(&text).expect("the spec parses");

    let operations: Vec<Documented> = spec
        .operations()
        .map(|(_, _, operation)| {
            let statuses = operation.responses.responses.keys().filter_map(|status| {
                match status {
                    StatusCode::Code(code) => Some(*code),
                    // Prism can be asked for a status, not for a range of them.
                    StatusCode::Range(_) => None,
                }
            });
            let (successes, errors) = statuses.partition(|status| (200..300).contains(status));
            Documented {
                id: operation.operation_id.clone().expect("operations have ids"),
                successes,
                errors,
            }
        })
        .collect();

    let documented: BTreeSet<&str> = operations.iter().map(|op| op.id.as_str()).collect();
    let called: BTreeSet<&str> = calls().iter().map(Call::operation_id).collect();
    assert_eq!(
        documented, called,
        "every operation of the spec needs calls"
    );
    operations
}

/// One call of an operation, with the optional parameters and body fields it sets.
#[derive(Clone)]
enum Call {
    Job { details: Option<bool> },
    Jobs(JobsQuery),
    Submit(AcceleratorInput),
}

/// The optional parameters of the job history, each set or unset.
#[derive(Debug, Clone, Default)]
struct JobsQuery {
    max_results: Option<i32>,
    include_errors: Option<bool>,
    sort_by: Option<JobSortBy>,
    sort_order: Option<SortOrder>,
    accelerator_id: Option<&'static str>,
    submitted_by: Option<&'static str>,
    status: Option<JobStatusFilter>,
}

impl Call {
    fn operation_id(&self) -> &'static str {
        match self {
            Self::Job { .. } => "getInfrastructureascodeJob",
            Self::Jobs(_) => "getInfrastructureascodeJobs",
            Self::Submit(_) => "postInfrastructureascodeJobs",
        }
    }

    /// Sends the call; every operation's answer comes back as a list of jobs.
    async fn send(self, client: &Client) -> Result<Vec<InfrastructureascodeJob>, Error> {
        match self {
            Self::Job { details } => {
                let mut request = client.get_infrastructureascode_job(JOB_ID);
                if let Some(value) = details {
                    request = request.details(value);
                }
                request.await.map(|job| vec![job])
            }
            Self::Jobs(query) => query.send(client).await,
            Self::Submit(input) => client
                .post_infrastructureascode_jobs(input)
                .await
                .map(|job| vec![job]),
        }
    }
}

impl JobsQuery {
    async fn send(self, client: &Client) -> Result<Vec<InfrastructureascodeJob>, Error> {
        let mut request = client.get_infrastructureascode_jobs();
        if let Some(value) = self.max_results {
            request = request.max_results(value);
        }
        if let Some(value) = self.include_errors {
            request = request.include_errors(value);
        }
        if let Some(value) = self.sort_by {
            request = request.sort_by(value);
        }
        if let Some(value) = self.sort_order {
            request = request.sort_order(value);
        }
        if let Some(value) = self.accelerator_id {
            request = request.accelerator_id(value);
        }
        if let Some(value) = self.submitted_by {
            request = request.submitted_by(value);
        }
        if let Some(value) = self.status {
            request = request.status(value);
        }
        request.await
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Job { details } => write!(f, "getInfrastructureascodeJob(details: {details:?})"),
            Self::Jobs(query) => write!(f, "getInfrastructureascodeJobs({query:?})"),
            Self::Submit(input) => write!(f, "postInfrastructureascodeJobs({input:?})"),
        }
    }
}

/// Every call the suite makes: each optional parameter unset, set alone (with each of its
/// enum values) and all set together; each body with only its required field, with each
/// optional field, and with all of them.
fn calls() -> Vec<Call> {
    let mut calls = vec![
        Call::Job { details: None },
        Call::Job {
            details: Some(true),
        },
        Call::Job {
            details: Some(false),
        },
    ];
    calls.extend(job_history_queries().into_iter().map(Call::Jobs));
    calls.extend(accelerator_inputs().into_iter().map(Call::Submit));
    calls
}

fn calls_of(operation_id: &str) -> Vec<Call> {
    let calls: Vec<Call> = calls()
        .into_iter()
        .filter(|call| call.operation_id() == operation_id)
        .collect();
    assert!(!calls.is_empty(), "no calls of {operation_id}");
    calls
}

fn job_history_queries() -> Vec<JobsQuery> {
    let alone = |set: fn(&mut JobsQuery)| {
        let mut query = JobsQuery::default();
        set(&mut query);
        query
    };
    let mut queries = vec![
        JobsQuery::default(),
        alone(|query| query.max_results = Some(25)),
        alone(|query| query.include_errors = Some(true)),
        alone(|query| query.include_errors = Some(false)),
        alone(|query| query.accelerator_id = Some("acc 42&x=y")),
        alone(|query| query.submitted_by = Some("user-7")),
    ];
    for sort_by in JobSortBy::KNOWN {
        queries.push(JobsQuery {
            sort_by: Some(sort_by.clone()),
            ..JobsQuery::default()
        });
    }
    for sort_order in SortOrder::KNOWN {
        queries.push(JobsQuery {
            sort_order: Some(sort_order.clone()),
            ..JobsQuery::default()
        });
    }
    for status in JobStatusFilter::KNOWN {
        queries.push(JobsQuery {
            status: Some(status.clone()),
            ..JobsQuery::default()
        });
    }
    queries.push(JobsQuery {
        max_results: Some(1),
        include_errors: Some(true),
        sort_by: Some(JobSortBy::SubmittedBy),
        sort_order: Some(SortOrder::Asc),
        accelerator_id: Some("acc-42"),
        submitted_by: Some("user-7"),
        status: Some(JobStatusFilter::Failed),
    });
    queries
}

fn accelerator_inputs() -> Vec<AcceleratorInput> {
    let parameters = vec![
        AcceleratorParameter::new("queue_name", "Support"),
        AcceleratorParameter::new("region", "eu-west-1"),
    ];
    vec![
        AcceleratorInput::new("acc-42"),
        AcceleratorInput::new("acc-42").dry_run(true),
        AcceleratorInput::new("acc-42").dry_run(false),
        AcceleratorInput::new("acc-42").parameters(Vec::new()),
        AcceleratorInput::new("acc-42").parameters(parameters.clone()),
        AcceleratorInput::new("acc-42")
            .dry_run(true)
            .parameters(parameters),
    ]
}
