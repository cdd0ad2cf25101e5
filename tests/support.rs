//! What the client suites share: jobs as the server sends them, clients pointed at a
//! loopback server, and answers that change from one request to the next.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use genesys_iac_client::{Client, ClientBuilder, RetryPolicy};
use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// The bearer token the clients of the suites send.
pub const TOKEN: &str = "test-token";

/// The path of the jobs collection.
pub const JOBS: &str = "/api/v2/infrastructureascode/jobs";

/// A job in `status`, with the fields a job in progress has.
pub fn job(id: &str, status: &str) -> Value {
    json!({
        "id": id,
        "dryRun": true,
        "acceleratorId": "acc-42",
        "dateSubmitted": "2026-01-02T03:04:05.678Z",
        "status": status,
        "selfUri": format!("{JOBS}/{id}")
    })
}

/// A builder for a client of `server` with a bearer token and quick retries.
pub fn builder_for(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(quick_retries())
}

/// A client of `server` with a bearer token and quick retries.
pub fn client_for(server: &MockServer) -> Client {
    builder_for(server)
        .build()
        .expect("a loopback URL is a valid base URL")
}

/// The default policy with short backoff, so that tests of retries run fast.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(
        std::time::Duration::from_millis(10),
        std::time::Duration::from_millis(50),
    )
}

/// The requests the server received on `path`, in order.
pub async fn requests_to(server: &MockServer, path: &str) -> Vec<Request> {
    let requests = server.received_requests().await.expect("recording is on");
    requests
        .into_iter()
        .filter(|request| request.url.path() == path)
        .collect()
}

/// The value of header `name` of `request`.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// Answers each request with the next of `answers`, repeating the last one.
pub struct Sequence {
    answers: Vec<ResponseTemplate>,
    next: Arc<AtomicUsize>,
}

impl Sequence {
    pub fn new(answers: Vec<ResponseTemplate>) -> Self {
        assert!(!answers.is_empty(), "a sequence needs an answer");
        Self {
            answers,
            next: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let index = self
            .next
            .fetch_add(1, Ordering::SeqCst)
            .min(self.answers.len() - 1);
        self.answers[index].clone()
    }
}
