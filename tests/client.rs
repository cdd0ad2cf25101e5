//! The generated client against a real HTTP server on loopback.
//!
//! Each test mounts the answer the server gives, makes one call, then asserts what the
//! server received on the wire: method, path, query string, headers and body.

use genesys_iac_client::{
    AcceleratorInput, AcceleratorParameter, Client, Error, InfrastructureascodeJob, JobSortBy,
    JobStatus, JobStatusFilter, Region, SortOrder,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{JOBS, TOKEN, client_for, header, job};

/// A job with every field the spec lists.
fn full_job() -> Value {
    json!({
        "id": "6d5f2a4e-0c1b-4b7e-9b8e-3f2d1c0b9a87",
        "dryRun": true,
        "acceleratorId": "acc-42",
        "dateSubmitted": "2026-01-02T03:04:05.678Z",
        "submittedBy": { "id": "user-7", "selfUri": "/api/v2/users/user-7" },
        "status": "Complete",
        "errorInfo": { "message": "none", "code": "ok" },
        "results": "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
        "rollbackResults": "nothing to roll back",
        "selfUri": "/api/v2/infrastructureascode/jobs/6d5f2a4e-0c1b-4b7e-9b8e-3f2d1c0b9a87"
    })
}

async fn server_answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn assert_common_headers(request: &Request) {
    assert_eq!(header(request, "authorization"), Some("Bearer test-token"));
    assert_eq!(header(request, "accept"), Some("application/json"));
    let agent = header(request, "user-agent").unwrap_or_default();
    assert!(
        agent.starts_with("genesys-iac-client/"),
        "user agent {agent:?}"
    );
}

#[tokio::test]
async fn get_job_sends_the_id_and_the_details_flag() {
    let server = server_answering(200, full_job()).await;

    let job = client_for(&server)
        .get_infrastructureascode_job("job-1")
        .details(true)
        .await
        .expect("the call succeeds");

    assert_eq!(job.status, Some(JobStatus::Complete));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), format!("{JOBS}/job-1"));
    assert_eq!(request.url.query(), Some("details=true"));
    assert_common_headers(&request);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn get_job_without_options_sends_no_query() {
    let server = server_answering(202, json!({ "id": "job-1", "dryRun": false })).await;

    let job = client_for(&server)
        .get_infrastructureascode_job("job-1")
        .send()
        .await;

    assert_eq!(
        job.expect("a 202 answer is a success").id.as_deref(),
        Some("job-1")
    );
    assert_eq!(only_request(&server).await.url.query(), None);
}

#[tokio::test]
async fn job_history_sends_only_the_options_set() {
    let server = server_answering(200, full_job()).await;

    client_for(&server)
        .get_infrastructureascode_jobs()
        .max_results(25)
        .include_errors(false)
        .sort_by(JobSortBy::DateSubmitted)
        .sort_order(SortOrder::Asc)
        .accelerator_id("acc 42&x=y")
        .status(JobStatusFilter::Running)
        .await
        .expect("the call succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), JOBS);
    assert_eq!(
        request.url.query(),
        Some(
            "maxResults=25&includeErrors=false&sortBy=dateSubmitted&sortOrder=asc\
             &acceleratorId=acc+42%26x%3Dy&status=Running"
        )
    );
    assert_common_headers(&request);
}

#[tokio::test]
async fn the_history_accepts_one_job_or_a_list() {
    let one = server_answering(200, job("a", "Running")).await;
    let many = server_answering(200, json!([job("a", "Running"), job("b", "Complete")])).await;

    let from_one = client_for(&one)
        .get_infrastructureascode_jobs()
        .await
        .expect("decodes");
    let from_many = client_for(&many)
        .get_infrastructureascode_jobs()
        .await
        .expect("decodes");

    let ids = |jobs: &[InfrastructureascodeJob]| -> Vec<String> {
        jobs.iter().filter_map(|job| job.id.clone()).collect()
    };
    assert_eq!(ids(&from_one), ["a"]);
    assert_eq!(ids(&from_many), ["a", "b"]);
    assert_eq!(from_many[1].status, Some(JobStatus::Complete));
}

#[tokio::test]
async fn submitting_a_job_posts_its_json_body() {
    let server = server_answering(202, full_job()).await;
    let input = AcceleratorInput::new("acc-42")
        .dry_run(true)
        .parameters(vec![AcceleratorParameter::new("region", "eu-west-1")]);

    client_for(&server)
        .post_infrastructureascode_jobs(input)
        .await
        .expect("the call succeeds");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), JOBS);
    assert_eq!(request.url.query(), None);
    assert_common_headers(&request);
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(
        body,
        json!({
            "acceleratorId": "acc-42",
            "dryRun": true,
            "parameters": [{ "name": "region", "value": "eu-west-1" }]
        })
    );
}

#[tokio::test]
async fn optional_body_fields_that_are_unset_are_not_sent() {
    let server = server_answering(200, full_job()).await;

    client_for(&server)
        .post_infrastructureascode_jobs(AcceleratorInput::new("acc-42"))
        .await
        .expect("the call succeeds");

    let request = only_request(&server).await;
    let body: Value = serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(body, json!({ "acceleratorId": "acc-42" }));
}

#[tokio::test]
async fn a_job_with_every_field_round_trips() {
    let server = server_answering(200, full_job()).await;

    let job = client_for(&server)
        .get_infrastructureascode_job("job-1")
        .await
        .expect("the call succeeds");

    let submitted = job.date_submitted.expect("the date is decoded");
    assert_eq!(submitted.timestamp_millis(), 1_767_323_045_678);
    assert_eq!(
        job.submitted_by.and_then(|user| user.self_uri).as_deref(),
        Some("/api/v2/users/user-7")
    );
    let job: InfrastructureascodeJob = serde_json::from_value(full_job()).expect("decodes");
    assert_eq!(serde_json::to_value(&job).expect("encodes"), full_job());
}

#[tokio::test]
async fn dates_keep_fractions_of_any_length() {
    for (text, nanos) in [
        ("2026-01-02T03:04:05Z", 0),
        ("2026-01-02T03:04:05.1Z", 100_000_000),
        ("2026-01-02T03:04:05.123456789Z", 123_456_789),
    ] {
        let job: InfrastructureascodeJob =
            serde_json::from_value(json!({ "dryRun": false, "dateSubmitted": text }))
                .expect("decodes");
        let date = job.date_submitted.expect("the date is decoded");
        assert_eq!(chrono::Timelike::nanosecond(&date), nanos, "{text}");
    }
}

#[tokio::test]
async fn a_status_the_spec_does_not_list_is_kept() {
    let mut job = full_job();
    job["status"] = json!("Paused");
    let server = server_answering(200, job).await;

    let job = client_for(&server)
        .get_infrastructureascode_job("job-1")
        .await
        .expect("an unknown status still decodes");

    let status = job.status.expect("the status is decoded");
    assert_eq!(status, JobStatus::Unknown("Paused".to_owned()));
    assert_eq!(status.as_str(), "Paused");
    assert_eq!(
        serde_json::to_value(&status).expect("encodes"),
        json!("Paused")
    );
}

#[tokio::test]
async fn a_404_with_an_error_body_is_a_typed_api_error() {
    let body = json!({
        "message": "The requested resource was not found.",
        "code": "not.found",
        "status": 404,
        "contextId": "ctx-1",
        "messageParams": { "id": "job-1" },
        "details": [{ "errorCode": "x" }],
        "errors": [{ "code": "nested" }]
    });
    let server = server_answering(404, body).await;

    let error = client_for(&server)
        .get_infrastructureascode_job("job-1")
        .await
        .expect_err("a 404 is an error");

    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    let body = api.body.as_ref().expect("the error body decodes");
    assert_eq!(body.code.as_deref(), Some("not.found"));
    assert_eq!(body.status, Some(404));
    assert_eq!(body.errors.as_ref().map(Vec::len), Some(1));
    assert!(error.to_string().contains("404"), "{error}");
}

#[tokio::test]
async fn a_500_without_a_json_body_keeps_the_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream exploded"))
        .mount(&server)
        .await;

    let error = client_for(&server)
        .get_infrastructureascode_jobs()
        .await
        .unwrap_err();

    let api = error.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 500);
    assert!(api.body.is_none());
    assert_eq!(api.body_start, "upstream exploded");
}

#[tokio::test]
async fn a_success_that_does_not_decode_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(path(JOBS))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"dryRun\": tru"))
        .mount(&server)
        .await;

    let error = client_for(&server)
        .get_infrastructureascode_jobs()
        .await
        .unwrap_err();

    let Error::Decode {
        status, body_start, ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body_start, "{\"dryRun\": tru");
}

#[tokio::test]
async fn a_job_id_is_sent_as_one_encoded_segment() {
    let server = server_answering(200, full_job()).await;

    client_for(&server)
        .get_infrastructureascode_job("../../users?x=1#y")
        .await
        .expect("the call succeeds");

    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("{JOBS}/..%2F..%2Fusers%3Fx%3D1%23y")
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = server_answering(200, full_job()).await;

    for id in ["", ".", ".."] {
        let error = client_for(&server)
            .get_infrastructureascode_job(id)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{id:?}: {error:?}"
        );
    }
    assert!(
        server
            .received_requests()
            .await
            .expect("recording is on")
            .is_empty()
    );
}

#[test]
fn regions_name_their_hosts() {
    assert_eq!(Region::ALL.len(), 18);
    assert_eq!(Region::EuWest1.base_url(), "https://api.mypurecloud.ie");
    assert_eq!(
        "eusc-de-east-1".parse::<Region>().ok(),
        Some(Region::EuscDeEast1)
    );
    let error = "mars-north-1".parse::<Region>().unwrap_err();
    assert!(error.to_string().contains("us-east-1"), "{error}");
    let client = Client::new(Region::ApSoutheast2, TOKEN).expect("builds");
    assert_eq!(
        client.base_url().as_str(),
        "https://api.mypurecloud.com.au/"
    );
}

#[test]
fn a_builder_without_a_base_url_says_what_to_call() {
    let error = Client::builder().bearer_token(TOKEN).build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "the client is not usable: no base URL: call `base_url` or `region` on the builder"
    );
}

#[test]
fn regions_give_their_login_hosts() {
    assert_eq!(
        Region::UsEast1.token_url(),
        "https://login.mypurecloud.com/oauth/token"
    );
    assert_eq!(
        Region::EuscDeEast1.token_url(),
        "https://login.edee1.eusc-pure.cloud/oauth/token"
    );
    for region in Region::ALL {
        let api_host = region.base_url().trim_start_matches("https://api.");
        assert_eq!(
            region.token_url(),
            format!("https://login.{api_host}/oauth/token")
        );
    }
}

#[test]
fn tokens_are_sent_over_https_or_to_loopback_only() {
    let error = Client::with_base_url("http://api.example.com", TOKEN).unwrap_err();
    assert!(error.to_string().contains("only over https"), "{error}");
    assert!(Client::with_base_url("http://127.0.0.1:9", TOKEN).is_ok());
    assert!(Client::with_base_url("https://api.example.com", TOKEN).is_ok());
}
