//! Importing or upgrading the solution (`ImportSolutionAsync`, `StageAndUpgradeAsync`) with an
//! `ImportJobId` chosen up front, so a lost answer is followed up, never re-sent blindly.

use std::io::Write;
use std::time::Instant;

use serde_json::Value;
use uuid::Uuid;

use super::asyncop::{self, Outcome};
use super::client::Client;
use super::error::{Error, shorten};
use super::solution::{self, Action, PROBE_ROUNDS};
use super::{paths, say};

/// The solution to bring into the org.
pub struct Target<'a> {
    /// Unique name.
    pub unique_name: &'a str,
    /// Version the zip carries.
    pub version: &'a str,
    /// The managed zip.
    pub zip: &'a [u8],
}

/// What a lost answer turned out to mean.
enum Probe {
    /// The import job exists, or the solution already has the target version.
    Started,
    /// Neither: the org never acted on the request.
    NotStarted,
}

/// Runs `action` (import or upgrade) to the end; after a 5xx, a timeout or a lost answer it asks
/// `importjobs(<id>)` and the solutions table, and re-sends only when the import did not start.
pub async fn run(
    client: &Client,
    action: Action,
    target: &Target<'_>,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let (step, path) = match action {
        Action::Upgrade => ("upgrading the solution", paths::STAGE_AND_UPGRADE),
        _ => ("importing the solution", paths::IMPORT_SOLUTION),
    };
    let job_id = Uuid::new_v4();
    let body = paths::import_body(target.zip, job_id);
    let mut resends = 0;
    loop {
        match client.post_once(step, path, &body).await {
            Ok(answer) => return follow_operation(client, step, &answer, job_id, out).await,
            Err(error) if error.is_unanswered() => {
                say(
                    out,
                    format_args!("  {step}: no answer; asking the org about import job {job_id}"),
                );
                match probe(client, job_id, target).await? {
                    Probe::Started => return follow_job(client, step, job_id, target, out).await,
                    Probe::NotStarted if resends < client.policy().max_attempts => {
                        resends += 1;
                        say(
                            out,
                            format_args!("  {step}: it did not start, sending it again"),
                        );
                        tokio::time::sleep(client.policy().backoff(resends)).await;
                    }
                    Probe::NotStarted => return Err(error),
                }
            }
            Err(error) => return Err(error),
        }
    }
}

/// Asks, a few times, whether the import job exists or the target version is installed.
async fn probe(client: &Client, job_id: Uuid, target: &Target<'_>) -> Result<Probe, Error> {
    for round in 0..PROBE_ROUNDS {
        if round > 0 {
            tokio::time::sleep(client.policy().poll_interval).await;
        }
        if at_target(client, target).await? || read_job(client, job_id).await?.is_some() {
            return Ok(Probe::Started);
        }
    }
    Ok(Probe::NotStarted)
}

/// Follows the asynchronous operation an answered request started.
async fn follow_operation(
    client: &Client,
    step: &str,
    answer: &Value,
    job_id: Uuid,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let id = asyncop::operation_id(step, answer)?;
    match asyncop::wait(client, step, id, out).await? {
        Outcome::Succeeded => Ok(()),
        Outcome::Failed(message) => {
            let diagnostics = diagnostics(client, job_id).await;
            Err(asyncop::failed(step, message, diagnostics))
        }
        Outcome::Canceled(message) => Err(asyncop::canceled(step, message)),
    }
}

/// Follows an import known only by its job id: until `completedon`, then checks the version.
async fn follow_job(
    client: &Client,
    step: &str,
    job_id: Uuid,
    target: &Target<'_>,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    say(
        out,
        format_args!("  {step}: import job {job_id} started, following it"),
    );
    let started = Instant::now();
    loop {
        let job = read_job(client, job_id).await?;
        let completed = job.as_ref().is_some_and(|j| !j["completedon"].is_null());
        if at_target(client, target).await? {
            return Ok(());
        }
        if completed {
            let data = job.as_ref().and_then(|j| j["data"].as_str()).unwrap_or("");
            let message = format!(
                "import job {job_id} completed without installing {}",
                target.version
            );
            return Err(asyncop::failed(step, message, format_data(job_id, data)));
        }
        if started.elapsed() >= client.policy().poll_timeout {
            return Err(Error::OperationTimedOut {
                step: step.to_owned(),
                waited_secs: started.elapsed().as_secs(),
            });
        }
        tokio::time::sleep(client.policy().poll_interval).await;
    }
}

async fn at_target(client: &Client, target: &Target<'_>) -> Result<bool, Error> {
    let found = solution::installed(client, target.unique_name).await?;
    Ok(found.is_some_and(|s| solution::compare_versions(&s.version, target.version).is_eq()))
}

async fn read_job(client: &Client, job_id: Uuid) -> Result<Option<Value>, Error> {
    let step = format!("asking for import job {job_id}");
    client
        .get_optional(&step, &paths::import_job(&job_id.to_string()))
        .await
}

/// The import job's `data`, shortened, for an admin to read; empty when it cannot be had.
async fn diagnostics(client: &Client, job_id: Uuid) -> String {
    match read_job(client, job_id).await {
        Ok(Some(job)) => format_data(job_id, job["data"].as_str().unwrap_or("")),
        Ok(None) => String::new(),
        Err(error) => format!("\n(could not read import job {job_id}: {error})"),
    }
}

fn format_data(job_id: Uuid, data: &str) -> String {
    match data.is_empty() {
        true => String::new(),
        false => format!("\nimport job {job_id}: {}", shorten(data)),
    }
}
