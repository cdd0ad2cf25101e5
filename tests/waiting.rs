//! Waiting for a job to reach a final state.

use std::time::Duration;

use genesys_iac_client::{AcceleratorInput, Error, JobStatus, WaitOptions};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{JOBS, Sequence, client_for, job, requests_to};

fn answer(status: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(job("j", status))
}

fn quick() -> WaitOptions {
    WaitOptions::default()
        .with_timeout(Duration::from_secs(5))
        .with_intervals(Duration::from_millis(20), Duration::from_millis(80))
}

async fn job_server(states: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{JOBS}/j")))
        .respond_with(Sequence::new(
            states.iter().map(|state| answer(state)).collect(),
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn waiting_returns_the_first_final_state() {
    let server = job_server(&["Queued", "Running", "Complete", "Running"]).await;

    let job = client_for(&server)
        .get_infrastructureascode_job("j")
        .details(true)
        .wait(quick())
        .await
        .expect("the job completes");

    assert_eq!(job.status, Some(JobStatus::Complete));
    let polls = requests_to(&server, &format!("{JOBS}/j")).await;
    assert_eq!(polls.len(), 3);
    assert!(
        polls
            .iter()
            .all(|poll| poll.url.query() == Some("details=true"))
    );
}

#[tokio::test]
async fn a_job_stuck_running_ends_in_the_deadline_error() {
    let server = job_server(&["Running"]).await;
    let options = quick().with_timeout(Duration::from_millis(400));

    let error = client_for(&server)
        .get_infrastructureascode_job("j")
        .wait(options)
        .await
        .expect_err("the job never ends");

    let Error::WaitTimeout { waited, last_state } = &error else {
        panic!("expected the deadline error, got {error:?}");
    };
    // No pause starts that would end past the timeout; only the last poll itself may.
    assert!(*waited <= Duration::from_millis(600), "{waited:?}");
    assert_eq!(last_state, "Running");
    assert!(
        error.to_string().contains("the last state was Running"),
        "{error}"
    );
}

#[tokio::test]
async fn every_final_state_ends_the_wait() {
    for state in [
        "Failed",
        "Incomplete",
        "InternalError",
        "RollbackFailed",
        "RollbackComplete",
    ] {
        let server = job_server(&["Running", state]).await;
        let job = client_for(&server)
            .get_infrastructureascode_job("j")
            .wait(quick())
            .await;
        assert_eq!(
            job.expect("ends").status.map(|s| s.to_string()).as_deref(),
            Some(state)
        );
    }
}

#[tokio::test]
async fn submit_and_wait_follows_the_new_job_with_details() {
    let server = job_server(&["Running", "Complete"]).await;
    Mock::given(method("POST"))
        .and(path(JOBS))
        .respond_with(ResponseTemplate::new(202).set_body_json(job("j", "Queued")))
        .mount(&server)
        .await;

    let job = client_for(&server)
        .post_infrastructureascode_jobs(AcceleratorInput::new("acc").dry_run(true))
        .send_and_wait(quick())
        .await
        .expect("the job completes");

    assert_eq!(job.status, Some(JobStatus::Complete));
    assert_eq!(requests_to(&server, JOBS).await.len(), 1);
    let polls = requests_to(&server, &format!("{JOBS}/j")).await;
    assert_eq!(polls.len(), 2);
    assert_eq!(polls[0].url.query(), Some("details=true"));
}

#[tokio::test]
async fn a_created_job_without_an_id_cannot_be_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(serde_json::json!({ "dryRun": true })),
        )
        .mount(&server)
        .await;

    let error = client_for(&server)
        .post_infrastructureascode_jobs(AcceleratorInput::new("acc"))
        .send_and_wait(quick())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Protocol(_)), "{error:?}");
}
