//! The OAuth client-credentials flow against a token endpoint on loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use genesys_iac_client::Client;
use serde_json::json;
use wiremock::matchers::{header as has_header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{JOBS, Sequence, header, job, quick_retries, requests_to};

const TOKEN_PATH: &str = "/oauth/token";

/// Hands out `token-1`, `token-2`, … living `lifetime` seconds each.
struct Tokens {
    issued: Arc<AtomicUsize>,
    lifetime: u64,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let number = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("token-{number}"),
            "token_type": "bearer",
            "expires_in": self.lifetime
        }))
    }
}

/// A server with a token endpoint and a jobs API that accepts any token.
async fn server(lifetime: u64) -> MockServer {
    let server = MockServer::start().await;
    let tokens = Tokens {
        issued: Arc::new(AtomicUsize::new(0)),
        lifetime,
    };
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(tokens)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("j", "Running")))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("the-client", "the-secret")
        .token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .retry_policy(quick_retries())
        .build()
        .expect("builds")
}

/// The bearer tokens the API calls carried, in order.
async fn tokens_sent(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.expect("recording is on");
    requests
        .iter()
        .filter(|request| request.url.path() != TOKEN_PATH)
        .filter_map(|request| header(request, "authorization").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_token_request_is_a_client_credentials_grant() {
    let server = server(3600).await;

    client(&server)
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");

    let token_requests = requests_to(&server, TOKEN_PATH).await;
    assert_eq!(token_requests.len(), 1);
    let request = &token_requests[0];
    // base64("the-client:the-secret")
    assert_eq!(
        header(request, "authorization"),
        Some("Basic dGhlLWNsaWVudDp0aGUtc2VjcmV0")
    );
    assert_eq!(
        header(request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.body, b"grant_type=client_credentials");
    assert_eq!(tokens_sent(&server).await, ["Bearer token-1"]);
}

#[tokio::test]
async fn the_token_is_reused_then_renewed_after_expiry() {
    // A two-second token is renewed after one second, halfway through its life.
    let server = server(2).await;
    let client = client(&server);

    client
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");
    client
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");

    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 2);
    assert_eq!(
        tokens_sent(&server).await,
        ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_token_request() {
    let server = server(3600).await;
    let client = client(&server);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move { client.get_infrastructureascode_job("j").await.map(|_| ()) });
    }
    while let Some(outcome) = calls.join_next().await {
        outcome.expect("the task ends").expect("the call succeeds");
    }

    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
    assert_eq!(tokens_sent(&server).await.len(), 100);
}

#[tokio::test]
async fn a_rate_limited_token_request_is_retried() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    let granted = ResponseTemplate::new(200)
        .set_body_json(json!({ "access_token": "late-token", "expires_in": 3600 }));
    Mock::given(path(TOKEN_PATH))
        .respond_with(Sequence::new(vec![limited, granted]))
        .mount(&server)
        .await;
    Mock::given(path(format!("{JOBS}/j")))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("j", "Running")))
        .mount(&server)
        .await;

    client(&server)
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");

    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 2);
    assert_eq!(tokens_sent(&server).await, ["Bearer late-token"]);
}

#[tokio::test]
async fn a_rejected_token_is_renewed_once_and_the_call_retried() {
    let server = MockServer::start().await;
    let tokens = Tokens {
        issued: Arc::new(AtomicUsize::new(0)),
        lifetime: 3600,
    };
    Mock::given(path(TOKEN_PATH))
        .respond_with(tokens)
        .mount(&server)
        .await;
    Mock::given(path(format!("{JOBS}/j")))
        .and(has_header("authorization", "Bearer token-1"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({ "code": "bad.credentials" })),
        )
        .mount(&server)
        .await;
    Mock::given(path(format!("{JOBS}/j")))
        .and(has_header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("j", "Running")))
        .mount(&server)
        .await;

    client(&server)
        .get_infrastructureascode_job("j")
        .await
        .expect("succeeds");

    assert_eq!(
        tokens_sent(&server).await,
        ["Bearer token-1", "Bearer token-2"]
    );
}

#[tokio::test]
async fn an_api_that_keeps_refusing_gives_its_401_after_one_renewal() {
    let server = MockServer::start().await;
    let tokens = Tokens {
        issued: Arc::new(AtomicUsize::new(0)),
        lifetime: 3600,
    };
    Mock::given(path(TOKEN_PATH))
        .respond_with(tokens)
        .mount(&server)
        .await;
    Mock::given(path(format!("{JOBS}/j")))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;

    let error = client(&server)
        .get_infrastructureascode_job("j")
        .await
        .unwrap_err();

    assert!(error.is_auth());
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 2);
    assert_eq!(requests_to(&server, &format!("{JOBS}/j")).await.len(), 2);
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({ "error": "invalid_client" })),
        )
        .mount(&server)
        .await;

    let error = client(&server)
        .get_infrastructureascode_job("j")
        .await
        .unwrap_err();

    assert!(error.is_auth(), "{error:?}");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    assert!(error.to_string().contains("invalid_client"), "{error}");
    assert!(requests_to(&server, &format!("{JOBS}/j")).await.is_empty());
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let builder = Client::builder()
        .base_url("https://api.example.com")
        .client_credentials("the-client", "the-secret");
    let client = builder.build().expect("the token URL follows the API host");
    let shown = format!("{client:?}");
    assert!(!shown.contains("the-secret"), "{shown}");
    assert!(
        shown.contains("https://login.example.com/oauth/token"),
        "{shown}"
    );
}

#[test]
fn the_environment_names_what_is_missing() {
    let settings = |pairs: &'static [(&str, &str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    };
    let error = |pairs: &'static [(&str, &str)]| {
        Client::builder()
            .from_env_with(settings(pairs))
            .unwrap_err()
            .to_string()
    };

    assert!(error(&[]).contains("set GENESYS_REGION (such as us-east-1) or GENESYS_API_URL"));
    assert!(error(&[("GENESYS_REGION", "eu-west-1")]).contains("GENESYS_CLIENT_ID"));
    assert!(
        error(&[("GENESYS_REGION", "eu-west-1"), ("GENESYS_CLIENT_ID", "x")])
            .contains("GENESYS_CLIENT_SECRET is not set")
    );
    assert!(error(&[("GENESYS_REGION", "moon-1")]).contains("`moon-1` is not a known region"));

    let client = Client::builder()
        .from_env_with(settings(&[
            ("GENESYS_REGION", "eu-west-1"),
            ("GENESYS_CLIENT_ID", "id"),
            ("GENESYS_CLIENT_SECRET", "secret"),
        ]))
        .and_then(|builder| builder.build())
        .expect("builds");
    assert_eq!(client.base_url().as_str(), "https://api.mypurecloud.ie/");
    assert!(format!("{client:?}").contains("https://login.mypurecloud.ie/oauth/token"));
}
