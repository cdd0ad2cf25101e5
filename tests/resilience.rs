//! Retries, timeouts and answers that do not decode, against real servers on loopback.

use std::time::{Duration, Instant};

use genesys_iac_client::{AcceleratorInput, Client, Error, RetryPolicy};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{JOBS, Sequence, TOKEN, builder_for, client_for, job, requests_to};

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({ "code": "x", "status": code }))
}

async fn server_with(method_name: &str, answers: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(method_name))
        .respond_with(Sequence::new(answers))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_the_server_asks() {
    let limited = status(429).insert_header("Retry-After", "1");
    let server = server_with(
        "GET",
        vec![
            limited,
            ResponseTemplate::new(200).set_body_json(job("j", "Running")),
        ],
    )
    .await;
    let started = Instant::now();

    let job = client_for(&server)
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");

    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retried after {:?}",
        started.elapsed()
    );
    assert_eq!(job.id.as_deref(), Some("j"));
    assert_eq!(requests_to(&server, &format!("{JOBS}/j")).await.len(), 2);
}

#[tokio::test]
async fn a_rate_limit_that_never_ends_gives_the_error_within_the_budget() {
    let server = server_with("GET", vec![status(429).insert_header("Retry-After", "1")]).await;
    let budget = Duration::from_millis(2500);
    let client = builder_for(&server)
        .retry_policy(
            RetryPolicy::default()
                .with_budget(budget)
                .with_max_attempts(10),
        )
        .build()
        .expect("builds");
    let started = Instant::now();

    let error = client
        .get_infrastructureascode_job("j")
        .await
        .expect_err("never succeeds");

    assert!(
        started.elapsed() <= budget,
        "gave up after {:?}",
        started.elapsed()
    );
    assert_eq!(error.status().map(|status| status.as_u16()), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert!(error.is_retryable());
    assert_eq!(requests_to(&server, &format!("{JOBS}/j")).await.len(), 3);
}

#[tokio::test]
async fn a_rate_limit_asking_for_too_long_is_not_waited_out() {
    let server = server_with(
        "GET",
        vec![status(429).insert_header("Retry-After", "3600")],
    )
    .await;

    let error = client_for(&server)
        .get_infrastructureascode_job("j")
        .await
        .unwrap_err();

    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(requests_to(&server, &format!("{JOBS}/j")).await.len(), 1);
}

#[tokio::test]
async fn a_post_answered_by_a_bad_gateway_is_sent_once() {
    let server = server_with("POST", vec![status(502)]).await;

    let error = client_for(&server)
        .post_infrastructureascode_jobs(AcceleratorInput::new("acc"))
        .await
        .expect_err("the gateway failed");

    assert_eq!(error.status().map(|status| status.as_u16()), Some(502));
    assert_eq!(
        requests_to(&server, JOBS).await.len(),
        1,
        "a job must not be submitted twice"
    );
}

#[tokio::test]
async fn a_post_answered_by_service_unavailable_is_sent_again() {
    let ok = ResponseTemplate::new(202).set_body_json(job("j", "Queued"));
    let server = server_with("POST", vec![status(503), ok]).await;

    let job = client_for(&server)
        .post_infrastructureascode_jobs(AcceleratorInput::new("acc"))
        .await
        .expect("the second attempt succeeds");

    assert_eq!(job.id.as_deref(), Some("j"));
    assert_eq!(requests_to(&server, JOBS).await.len(), 2);
}

#[tokio::test]
async fn a_get_answered_by_a_bad_gateway_once_is_retried() {
    let ok = ResponseTemplate::new(200).set_body_json(job("j", "Running"));
    let server = server_with("GET", vec![status(502), ok]).await;

    let job = client_for(&server)
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");

    assert_eq!(job.id.as_deref(), Some("j"));
    assert_eq!(requests_to(&server, &format!("{JOBS}/j")).await.len(), 2);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = server_with("GET", vec![status(503)]).await;
    let client = builder_for(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");

    let error = client.get_infrastructureascode_job("j").await.unwrap_err();

    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    assert_eq!(requests_to(&server, &format!("{JOBS}/j")).await.len(), 1);
}

#[tokio::test]
async fn the_correlation_id_of_an_error_is_kept() {
    let answer = status(404).insert_header("ININ-Correlation-ID", "corr-77");
    let server = server_with("GET", vec![answer]).await;

    let error = client_for(&server)
        .get_infrastructureascode_job("j")
        .await
        .unwrap_err();

    assert!(error.is_not_found());
    assert_eq!(error.correlation_id(), Some("corr-77"));
    assert!(error.to_string().contains("corr-77"), "{error}");
}

/// A server that accepts connections and never answers; it counts the connections.
async fn silent_server() -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("has an address"));
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok(Ok((socket, _))) =
            tokio::time::timeout(Duration::from_secs(3), listener.accept()).await
        {
            held.push(socket);
        }
        held.len()
    });
    (url, task)
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_in_time() {
    let (url, _) = silent_server().await;
    let client = Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    let started = Instant::now();

    let error = client
        .get_infrastructureascode_job("j")
        .await
        .expect_err("no answer");

    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(error.is_timeout());
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
}

#[tokio::test]
async fn a_post_that_times_out_is_not_sent_again() {
    let (url, connections) = silent_server().await;
    let client = Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(200))
        .retry_policy(crate::support::quick_retries())
        .build()
        .expect("builds");

    let error = client
        .post_infrastructureascode_jobs(AcceleratorInput::new("acc"))
        .await;

    assert!(error.is_err_and(|error| error.is_timeout()));
    assert_eq!(connections.await.expect("the server ends"), 1);
}

/// A server that answers every request with `raw`, written as it is, then closes.
async fn raw_server(raw: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("has an address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0; 4096];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(raw.as_bytes()).await;
        }
    });
    url
}

/// The decode error a GET of one job gets from a server that answers `raw`.
async fn decode_error(raw: &'static str) -> (u16, String, String) {
    let client = Client::builder()
        .base_url(raw_server(raw).await)
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    match client.get_infrastructureascode_job("j").await {
        Err(Error::Decode {
            status,
            body_start,
            reason,
            ..
        }) => (status.as_u16(), body_start, reason),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn answers_that_do_not_decode_are_decode_errors_with_the_status() {
    let (status, start, reason) = decode_error(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n{\"id\": 42, }",
    )
    .await;
    assert_eq!((status, start.as_str()), (200, "{\"id\": 42, }"));
    assert!(reason.contains("expected"), "{reason}");

    let (status, _, reason) = decode_error(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 14\r\n\r\n{\"dryRun\": tru",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        reason.contains("EOF") || reason.contains("expected"),
        "{reason}"
    );

    let (status, start, reason) = decode_error(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\n\r\n<html></html>",
    )
    .await;
    assert_eq!((status, start.as_str()), (200, "<html></html>"));
    assert_eq!(reason, "the content type is text/html, not JSON");

    let (status, _, reason) = decode_error(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    assert_eq!((status, reason.as_str()), (200, "the body is empty"));
}

#[tokio::test]
async fn a_body_cut_short_by_the_connection_is_a_transport_error() {
    let url = raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\":",
    )
    .await;
    let client = Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");

    let error = client
        .get_infrastructureascode_job("j")
        .await
        .expect_err("the body is cut");

    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn each_attempt_is_traced_without_secrets() {
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::format::FmtSpan;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .expect("not poisoned")
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let ok = ResponseTemplate::new(200).set_body_json(job("j", "Running"));
    let server = server_with("GET", vec![status(503), ok]).await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    client_for(&server)
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");

    let log = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("text");
    for expected in [
        "operation=\"getInfrastructureascodeJob\"",
        "method=GET",
        "attempt=1",
        "status=503",
        "attempt=2",
        "status=200",
        "duration_ms=",
    ] {
        assert!(log.contains(expected), "{expected} is not in:\n{log}");
    }
    assert!(!log.contains(TOKEN), "the token leaked into:\n{log}");
}
