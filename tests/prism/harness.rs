//! The harness of the Prism suite: a Prism process serving the spec, and a recording proxy
//! in front of it that keeps what Prism said about each request.
//!
//! Prism answers a request that breaks the spec too: with one of the spec's own error
//! answers (here the documented 400) and an `sl-violations` header that lists each rule the
//! request, or Prism's own answer, broke. The status alone cannot tell such a request from
//! one whose 400 the suite forced, and the generated client shows no headers, so the client
//! talks to the proxy, which forwards each request to Prism and records the answer's status
//! and that header. (`prism mock --errors` does not help here: it turns only violations of
//! the answer into a distinct status, not those of the request.)

use std::fmt;
use std::fs::{self, File};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use genesys_iac_client::{Client, RetryPolicy};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONNECTION, HOST, TRANSFER_ENCODING};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How long Prism may take to load the spec and listen.
const STARTUP: Duration = Duration::from_secs(60);

/// The bearer token every request carries: Prism checks that the spec's security scheme is
/// used, not what the token is.
pub const TOKEN: &str = "prism-suite-token";

/// The header that asks Prism for an answer with a given status.
const PREFER: HeaderName = HeaderName::from_static("prefer");

/// What Prism answers a valid request with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answers {
    /// The spec's examples, or values Prism builds once from each schema.
    Static,
    /// Random values valid under each schema, new for every request.
    Dynamic,
}

impl Answers {
    fn name(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Dynamic => "dynamic",
        }
    }
}

/// Prism serving `spec/openapi.yaml`, behind the recording proxy; both stop on drop.
pub struct Harness {
    recorder: Recorder,
    prism: Prism,
}

impl Harness {
    /// Starts Prism and the proxy, and returns once Prism listens.
    pub async fn start(answers: Answers) -> Self {
        let prism = Prism::start(answers).await;
        let recorder = Recorder::start(format!("http://127.0.0.1:{}", prism.port)).await;
        Self { recorder, prism }
    }

    /// The base URL of the proxy, where requests are sent.
    pub fn url(&self) -> &str {
        &self.recorder.url
    }

    /// The generated client, sending to the proxy.
    pub fn client(&self) -> Client {
        self.client_with(loopback_http(HeaderMap::new()))
    }

    /// The generated client, asking Prism for an answer with `status` (`Prefer: code=…`)
    /// through the default headers of its own HTTP client.
    pub fn client_preferring(&self, status: u16) -> Client {
        let prefer = HeaderValue::from_str(&format!("code={status}"))
            .expect("a status makes a header value");
        let headers = HeaderMap::from_iter([(PREFER, prefer)]);
        self.client_with(loopback_http(headers))
    }

    /// A client that sends each request once: a forced 429 or 503 must come back as the
    /// error, not be retried, and each call must be one exchange.
    fn client_with(&self, http: reqwest::Client) -> Client {
        Client::builder()
            .base_url(self.url())
            .bearer_token(TOKEN)
            .http_client(http)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("a loopback URL is a valid base URL")
    }

    /// Awaits `request`, which sends exactly one request through the proxy, and returns its
    /// result with what Prism said about it.
    pub async fn exchange<T>(&self, request: impl Future<Output = T>) -> (T, Exchange) {
        let result = request.await;
        // The proxy records an exchange before it answers, so it is there by now.
        let mut exchanges = self.recorder.take();
        assert_eq!(
            exchanges.len(),
            1,
            "expected one request to reach Prism, saw {exchanges:?}; Prism's log is {}",
            self.log().display()
        );
        (result, exchanges.remove(0))
    }

    /// Prism's output, for failure messages.
    pub fn log(&self) -> &Path {
        &self.prism.log
    }
}

/// An HTTP client for loopback: never through a proxy that the environment names.
pub fn loopback_http(headers: HeaderMap) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a plain HTTP client builds")
}

/// One request that reached Prism, and what Prism said about it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The method and the path with its query, as sent.
    pub request: String,
    /// The status Prism answered with.
    pub status: u16,
    /// The entries of the `sl-violations` header: the rules of the spec that the request, or
    /// Prism's answer, broke.
    pub violations: Vec<Value>,
}

impl fmt::Display for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.request, self.status)?;
        for violation in &self.violations {
            write!(f, "\n    {violation}")?;
        }
        Ok(())
    }
}

/// The `prism mock` process, killed on drop.
struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prism {
    async fn start(answers: Answers) -> Self {
        let root = xtask::workspace_root();
        let program = xtask::node_tool(&root, "prism");
        assert!(
            program.is_file(),
            "Prism is not installed at {}: run `{}`, which installs it, or `npm ci --prefix {}`",
            program.display(),
            xtask::TEST_COMMAND,
            xtask::NODE_TOOLS
        );
        let logs = xtask::report_dir(&root);
        fs::create_dir_all(&logs).expect("the report folder can be made");
        let log = logs.join(format!("prism-{}.log", answers.name()));
        let output = File::create(&log).expect("Prism's log can be created");

        let port = free_port();
        let mut command = Command::new(&program);
        command.args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()]);
        if answers == Answers::Dynamic {
            command.arg("--dynamic");
        }
        command
            .arg(root.join("spec/openapi.yaml"))
            .stdin(Stdio::null())
            .stdout(output.try_clone().expect("the log file can be shared"))
            .stderr(output);
        let child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", program.display()));

        let mut prism = Self { child, port, log };
        prism.wait_until_listening().await;
        prism
    }

    async fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + STARTUP;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            if let Some(status) = self.child.try_wait().expect("Prism's status can be read") {
                panic!(
                    "Prism exited ({status}) before listening:\n{}",
                    self.output()
                );
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not listen on port {} within {STARTUP:?}:\n{}",
                self.port,
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The end of what Prism printed.
    fn output(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(4000);
        let start = (start..text.len())
            .find(|&index| text.is_char_boundary(index))
            .unwrap_or(text.len());
        format!("{} (in {})", &text[start..], self.log.display())
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // A process left running would outlive the test binary and hold its port.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago: the kernel picks it, and the listener is dropped so
/// that Prism can take it.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a loopback port can be bound")
        .port()
}

type Exchanges = Arc<Mutex<Vec<Exchange>>>;

/// The recording proxy, serving on a loopback port until dropped.
struct Recorder {
    url: String,
    exchanges: Exchanges,
    server: JoinHandle<()>,
}

impl Recorder {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port can be bound");
        let address = listener.local_addr().expect("a bound port has an address");
        let forwarder = Forwarder {
            upstream,
            http: loopback_http(HeaderMap::new()),
            exchanges: Exchanges::default(),
        };
        let exchanges = Arc::clone(&forwarder.exchanges);
        let server = tokio::spawn(serve(listener, forwarder));
        Self {
            url: format!("http://{address}"),
            exchanges,
            server,
        }
    }

    /// The exchanges recorded since the last call.
    fn take(&self) -> Vec<Exchange> {
        let mut exchanges = self
            .exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut *exchanges)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn serve(listener: TcpListener, forwarder: Forwarder) {
    while let Ok((stream, _)) = listener.accept().await {
        let forwarder = forwarder.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let forwarder = forwarder.clone();
                async move { Ok::<_, std::convert::Infallible>(forwarder.forward(request).await) }
            });
            // A client that hangs up early ends only its own connection.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[derive(Clone)]
struct Forwarder {
    upstream: String,
    http: reqwest::Client,
    exchanges: Exchanges,
}

impl Forwarder {
    async fn forward(self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let target = parts
            .uri
            .path_and_query()
            .map_or("/", |target| target.as_str());
        let body = match body.collect().await {
            Ok(body) => body.to_bytes(),
            Err(error) => return bad_gateway(format!("the request body was cut: {error}")),
        };
        let mut headers = parts.headers;
        headers.remove(HOST);

        let sent = self
            .http
            .request(parts.method.clone(), format!("{}{target}", self.upstream))
            .headers(headers)
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(error) => return bad_gateway(format!("Prism did not answer: {error}")),
        };
        let status = answer.status();
        let mut headers = answer.headers().clone();
        let body = match answer.bytes().await {
            Ok(body) => body,
            Err(error) => return bad_gateway(format!("Prism's answer was cut: {error}")),
        };

        let exchange = Exchange {
            request: format!("{} {target}", parts.method),
            status: status.as_u16(),
            violations: violations(&headers),
        };
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(exchange);

        for hop_by_hop in [CONNECTION, TRANSFER_ENCODING] {
            headers.remove(hop_by_hop);
        }
        headers.remove("keep-alive");
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        response
    }
}

/// The entries of the `sl-violations` header, a JSON array; a header that is not one is
/// kept whole as a single entry, so that it still counts.
fn violations(headers: &HeaderMap) -> Vec<Value> {
    headers
        .get_all("sl-violations")
        .iter()
        .flat_map(|value| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Array(entries)) => entries,
                _ => vec![Value::String(text)],
            }
        })
        .collect()
}

fn bad_gateway(message: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(message)));
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    response
}
