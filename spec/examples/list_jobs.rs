//! Prints the job history, newest first, one line per job.
//!
//! ```text
//! cargo run --example list_jobs [MAX]
//! ```
//!
//! Credentials come from `GENESYS_CLIENT_ID` and `GENESYS_CLIENT_SECRET` (or a ready token
//! in `GENESYS_ACCESS_TOKEN`), the region from `GENESYS_REGION`; `GENESYS_API_URL` and
//! `GENESYS_LOGIN_URL` reach a proxy or a local server instead.

use std::process::ExitCode;

use genesys_iac_client::{Client, InfrastructureascodeJob, JobSortBy, SortOrder};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let max = match std::env::args().nth(1) {
        Some(text) => Some(
            text.parse::<i32>()
                .map_err(|_| format!("MAX must be a whole number, not `{text}`"))?,
        ),
        None => None,
    };
    let client = Client::from_env().map_err(|error| error.to_string())?;
    let mut request = client
        .get_infrastructureascode_jobs()
        .sort_by(JobSortBy::DateSubmitted)
        .sort_order(SortOrder::Desc);
    if let Some(max) = max {
        request = request.max_results(max);
    }
    let jobs = request.await.map_err(|error| error.to_string())?;
    for job in &jobs {
        println!("{}", line(job));
    }
    Ok(())
}

/// One job: id, state, when, what, and whether it was a dry run.
fn line(job: &InfrastructureascodeJob) -> String {
    let unknown = || "-".to_owned();
    let date = job.date_submitted.map_or_else(unknown, |date| date.to_rfc3339());
    let status = job.status.as_ref().map_or_else(unknown, ToString::to_string);
    let dry_run = if job.dry_run { "dry run" } else { "applied" };
    format!(
        "{}  {status:<17} {date}  {}  {dry_run}",
        job.id.as_deref().unwrap_or("-"),
        job.accelerator_id.as_deref().unwrap_or("-"),
    )
}
