//! Submits a dry run of an accelerator, waits for it to finish, and prints its final state
//! and results.
//!
//! ```text
//! cargo run --example submit_dry_run ACCELERATOR_ID [NAME=VALUE ...]
//! ```
//!
//! Credentials come from `GENESYS_CLIENT_ID` and `GENESYS_CLIENT_SECRET` (or a ready token
//! in `GENESYS_ACCESS_TOKEN`), the region from `GENESYS_REGION`; `GENESYS_API_URL` and
//! `GENESYS_LOGIN_URL` reach a proxy or a local server instead. The exit status is 0 only
//! when the job completes.

use std::process::ExitCode;

use genesys_iac_client::{
    AcceleratorInput, AcceleratorParameter, Client, JobStatus, WaitOptions,
};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the dry run, and says whether it completed.
async fn run() -> Result<bool, String> {
    let mut args = std::env::args().skip(1);
    let accelerator = args
        .next()
        .ok_or("usage: submit_dry_run ACCELERATOR_ID [NAME=VALUE ...]")?;
    let parameters = args.map(|pair| parameter(&pair)).collect::<Result<Vec<_>, _>>()?;
    let client = Client::from_env().map_err(|error| error.to_string())?;

    let input = AcceleratorInput::new(accelerator)
        .dry_run(true)
        .parameters(parameters);
    let job = client
        .post_infrastructureascode_jobs(input)
        .send_and_wait(WaitOptions::default())
        .await
        .map_err(|error| error.to_string())?;

    let status = job.status.as_ref().map_or_else(|| "unknown".to_owned(), ToString::to_string);
    println!("job {}: {status}", job.id.as_deref().unwrap_or("-"));
    if let Some(results) = &job.results {
        println!("{results}");
    }
    if let Some(error) = &job.error_info {
        let message = error.message.as_deref().unwrap_or("");
        println!("error {}: {message}", error.code.as_deref().unwrap_or("-"));
    }
    Ok(job.status == Some(JobStatus::Complete))
}

/// A `NAME=VALUE` argument as an accelerator parameter.
fn parameter(pair: &str) -> Result<AcceleratorParameter, String> {
    let (name, value) = pair
        .split_once('=')
        .ok_or_else(|| format!("parameters are NAME=VALUE, not `{pair}`"))?;
    Ok(AcceleratorParameter::new(name, value))
}
