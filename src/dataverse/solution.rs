//! The Duet solution in the org: which version is installed, importing it, uninstalling it.

use std::io::Write;

use uuid::Uuid;

use super::asyncop::{self, Outcome};
use super::client::Client;
use super::error::{Error, shorten};
use super::paths;
use super::say;

/// A solution row as the org reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledSolution {
    /// `solutionid`.
    pub id: String,
    /// `version`, e.g. `1.0.0.0`.
    pub version: String,
}

/// The installed solution with this unique name, if any.
pub async fn installed(
    client: &Client,
    unique_name: &str,
) -> Result<Option<InstalledSolution>, Error> {
    let step = format!("looking up solution {unique_name}");
    let answer = client
        .get(&step, &paths::solution_query(unique_name))
        .await?;
    let row = answer["value"].as_array().and_then(|rows| rows.first());
    Ok(row.map(|row| InstalledSolution {
        id: row["solutionid"].as_str().unwrap_or_default().to_owned(),
        version: row["version"].as_str().unwrap_or_default().to_owned(),
    }))
}

/// Imports the managed zip with `ImportSolutionAsync` and follows it to the end.
pub async fn import(
    client: &Client,
    zip: &[u8],
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let step = "importing the solution";
    let answer = client
        .post(step, paths::IMPORT_SOLUTION, &paths::import_body(zip))
        .await?;
    let id = asyncop::operation_id(step, &answer)?;
    let job_key = answer["ImportJobKey"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let outcome = asyncop::wait(client, step, id, out).await?;
    match outcome {
        Outcome::Succeeded => Ok(()),
        Outcome::Failed(message) => Err(Error::OperationFailed {
            step: step.to_owned(),
            outcome: "failed",
            message,
            diagnostics: import_diagnostics(client, &job_key).await,
        }),
        Outcome::Canceled(message) => Err(canceled(step, message)),
    }
}

/// Uninstalls the solution with `UninstallSolutionAsync` and follows it to the end.
pub async fn uninstall(
    client: &Client,
    unique_name: &str,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let step = format!("uninstalling solution {unique_name}");
    let answer = client
        .post(
            &step,
            paths::UNINSTALL_SOLUTION,
            &paths::uninstall_body(unique_name),
        )
        .await?;
    let id = asyncop::operation_id(&step, &answer)?;
    match asyncop::wait(client, &step, id, out).await? {
        Outcome::Succeeded => Ok(()),
        Outcome::Failed(message) => Err(Error::OperationFailed {
            step,
            outcome: "failed",
            message,
            diagnostics: String::new(),
        }),
        Outcome::Canceled(message) => Err(canceled(&step, message)),
    }
}

/// The import job's `data`, shortened, for an admin to read; empty when it cannot be had.
async fn import_diagnostics(client: &Client, job_key: &str) -> String {
    let Ok(key) = Uuid::parse_str(job_key) else {
        return String::new();
    };
    let step = "reading the import job's result";
    match client.get(step, &paths::import_job(&key.to_string())).await {
        Ok(job) => match job["data"].as_str() {
            Some(data) if !data.is_empty() => format!("\nimport job {key}: {}", shorten(data)),
            _ => String::new(),
        },
        Err(error) => format!("\n(could not read import job {key}: {error})"),
    }
}

fn canceled(step: &str, message: String) -> Error {
    Error::OperationFailed {
        step: step.to_owned(),
        outcome: "was canceled",
        message,
        diagnostics: String::new(),
    }
}

/// Prints the version line of a solution lookup.
pub fn describe(
    out: &mut (dyn Write + Send),
    unique_name: &str,
    found: Option<&InstalledSolution>,
) {
    match found {
        Some(solution) => say(
            out,
            format_args!("solution {unique_name}: version {}", solution.version),
        ),
        None => say(out, format_args!("solution {unique_name}: not installed")),
    }
}
