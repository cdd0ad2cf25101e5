//! One get-job call against an HTTP server on loopback, through the generated client and
//! written by hand with reqwest, in the same run: `cargo bench -p benchmarks --bench client`.
//!
//! Both send the same request (bearer token, `Accept: application/json`, `details=true`) over
//! one kept-alive connection, through reqwest clients set up alike (the generated client's
//! default timeouts, which cost a timer per request), and decode the same model. So the
//! difference between the two is what the generated client adds: building the request, the
//! retry loop, the tracing span, reading the answer and the checks on its status and content
//! type.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use genesys_iac_client::{Client, InfrastructureascodeJob};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const JOB_ID: &str = "6d5f2a4e-0c1b-4b7e-9b8e-3f2d1c0b9a87";
const TOKEN: &str = "benchmark-token";

fn get_job(c: &mut Criterion) {
    let runtime = Runtime::new().expect("a tokio runtime");
    let address = runtime.block_on(serve_job());
    let base_url = format!("http://{address}");

    let client = Client::with_base_url(&base_url, TOKEN).expect("a client for loopback");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("a reqwest client");
    let url = format!("{base_url}/api/v2/infrastructureascode/jobs/{JOB_ID}?details=true");
    runtime.block_on(async {
        let generated = generated_call(&client).await;
        let by_hand = hand_written_call(&http, &url).await;
        assert_eq!(generated, by_hand, "both calls decode the same job");
    });

    let mut group = c.benchmark_group("get_job");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("generated_client", |b| {
        b.to_async(&runtime).iter(|| generated_call(&client));
    });
    group.bench_function("hand_written_reqwest", |b| {
        b.to_async(&runtime).iter(|| hand_written_call(&http, &url));
    });
    group.finish();
}

async fn generated_call(client: &Client) -> InfrastructureascodeJob {
    client
        .get_infrastructureascode_job(black_box(JOB_ID))
        .details(true)
        .await
        .expect("the loopback server answers with the job")
}

async fn hand_written_call(http: &reqwest::Client, url: &str) -> InfrastructureascodeJob {
    let response = http
        .get(black_box(url))
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the loopback server answers");
    let body = response.bytes().await.expect("the whole body arrives");
    serde_json::from_slice(&body).expect("the body is a job")
}

/// Serves the same job, with every field set, to every request, on a free loopback port.
async fn serve_job() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free loopback port");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let job = Bytes::from(job_json());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let job = job.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_: Request<Incoming>| {
                    let response = Response::builder()
                        .header("content-type", "application/json")
                        .body(Full::new(job.clone()))
                        .expect("a fixed response is valid");
                    async move { Ok::<_, Infallible>(response) }
                });
                // A connection the client drops ends only itself.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    address
}

fn job_json() -> String {
    serde_json::json!({
        "id": JOB_ID,
        "dryRun": true,
        "acceleratorId": "acc-42",
        "dateSubmitted": "2026-01-02T03:04:05.678Z",
        "submittedBy": { "id": "user-7", "selfUri": "/api/v2/users/user-7" },
        "status": "Complete",
        "errorInfo": { "message": "none", "code": "ok" },
        "results": "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
        "rollbackResults": "nothing to roll back",
        "selfUri": format!("/api/v2/infrastructureascode/jobs/{JOB_ID}")
    })
    .to_string()
}

criterion::criterion_group!(benches, get_job);
criterion::criterion_main!(benches);
