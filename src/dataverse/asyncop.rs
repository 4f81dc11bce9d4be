//! Following an asynchronous operation (`asyncoperations(<id>)`) until it completes.

use std::io::Write;
use std::time::Instant;

use uuid::Uuid;

use super::client::Client;
use super::error::Error;
use super::paths;
use super::say;

/// How a completed asynchronous operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// statuscode 30.
    Succeeded,
    /// statuscode 31, with the operation's message.
    Failed(String),
    /// statuscode 32, with the operation's message.
    Canceled(String),
}

/// Polls `asyncoperations(<id>)` until statecode 3 (Completed), printing progress.
pub async fn wait(
    client: &Client,
    step: &str,
    id: Uuid,
    out: &mut (dyn Write + Send),
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let policy = client.policy().clone();
    let mut last_status = None;
    loop {
        let operation = client
            .get(step, &paths::async_operation(&id.to_string()))
            .await?;
        let state = operation["statecode"].as_i64();
        let status = operation["statuscode"].as_i64();
        let message = operation["message"].as_str().unwrap_or_default().to_owned();
        if state == Some(3) {
            return Ok(match status {
                Some(30) => Outcome::Succeeded,
                Some(32) => Outcome::Canceled(message),
                _ => Outcome::Failed(message),
            });
        }
        if last_status != status {
            say(out, format_args!("  {step}: {}", describe(status)));
            last_status = status;
        }
        if started.elapsed() >= policy.poll_timeout {
            return Err(Error::OperationTimedOut {
                step: step.to_owned(),
                waited_secs: started.elapsed().as_secs(),
            });
        }
        tokio::time::sleep(policy.poll_interval).await;
    }
}

/// Reads the id an `…Async` action answered with.
pub fn operation_id(step: &str, answer: &serde_json::Value) -> Result<Uuid, Error> {
    answer["AsyncOperationId"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| Error::Decode {
            step: step.to_owned(),
            reason: "no AsyncOperationId in the answer".to_owned(),
        })
}

fn describe(status: Option<i64>) -> &'static str {
    match status {
        Some(0) => "waiting for resources",
        Some(10) => "waiting",
        Some(20) => "in progress",
        Some(21) => "pausing",
        Some(22) => "canceling",
        _ => "running",
    }
}

/// The error for an operation that ended with statuscode 31.
pub fn failed(step: &str, message: String, diagnostics: String) -> Error {
    Error::OperationFailed {
        step: step.to_owned(),
        outcome: "failed",
        message,
        diagnostics,
    }
}

/// The error for an operation that ended with statuscode 32.
pub fn canceled(step: &str, message: String) -> Error {
    Error::OperationFailed {
        step: step.to_owned(),
        outcome: "was canceled",
        message,
        diagnostics: String::new(),
    }
}
