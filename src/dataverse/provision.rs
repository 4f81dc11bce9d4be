//! `provision`: check the org, import the solution unless that version is there, upsert the
//! records, then read everything back.

use std::io::Write;

use serde_json::Value;

use super::client::Client;
use super::error::Error;
use super::importer::{self, Target};
use super::inventory::{self, differences};
use super::solution::{self, Action};
use super::{configpage, origin, preflight, say};
use crate::solution::Artifacts;

/// What `duet provision` was asked for beyond installing.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Duet's service address, checked with [`origin::parse`], to store in the org.
    pub origin: Option<String>,
}

/// The whole provisioning run against a signed-in client.
pub async fn provision(
    client: &Client,
    artifacts: &Artifacts,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    check_org(client, out).await?;
    install(client, artifacts, options, out).await
}

/// `WhoAmI` and the framework tables: everything that must hold before changing the org.
pub async fn check_org(client: &Client, out: &mut (dyn Write + Send)) -> Result<(), Error> {
    preflight::who_am_i(client, out).await?;
    preflight::check_tables(client, out).await
}

/// Imports or upgrades the solution when needed, stores the service address, upserts each
/// record and verifies the result.
pub async fn install(
    client: &Client,
    artifacts: &Artifacts,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    import_unless_current(client, artifacts, out).await?;
    configpage::set(client, artifacts, out).await?;
    if let Some(value) = &options.origin {
        origin::set(client, &artifacts.publisher_prefix, value, out).await?;
    }
    upsert_records(client, artifacts, out).await?;
    verify(client, artifacts, out).await
}

async fn import_unless_current(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let (name, version) = (&artifacts.unique_name, &artifacts.version);
    let installed = solution::installed(client, name).await?;
    let action = solution::decide(name, installed.as_ref(), version)?;
    let size_kb = artifacts.managed_zip.len().div_ceil(1024);
    match (action, &installed) {
        (Action::Skip, _) => {
            say(
                out,
                format_args!("solution {name} {version} is already installed: not importing"),
            );
            return Ok(());
        }
        (Action::Upgrade, Some(old)) => say(
            out,
            format_args!(
                "upgrading solution {name} from {} to {version} ({size_kb} KiB)",
                old.version
            ),
        ),
        _ => say(
            out,
            format_args!("importing solution {name} {version} ({size_kb} KiB)"),
        ),
    }
    let target = Target {
        unique_name: name,
        version,
        zip: &artifacts.managed_zip,
    };
    importer::run(client, action, &target, out).await?;
    say(out, format_args!("installed solution {name} {version}"));
    Ok(())
}

async fn upsert_records(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    for record in &artifacts.records.records {
        let step = format!("upserting record {} ({})", record.key, record.path());
        let body = Value::Object(record.body.clone());
        client.patch(&step, &record.path(), &body).await?;
        say(
            out,
            format_args!("upserted {} {}", record.key, record.path()),
        );
    }
    Ok(())
}

/// Reads back every record and app tab template; any difference or absence is an error.
async fn verify(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let found = inventory::take(client, artifacts).await?;
    let mut problems = Vec::new();
    for (record, item) in artifacts.records.records.iter().zip(&found.records) {
        match &item.row {
            Some(row) => problems.extend(differences(&record.key, &record.body, row)),
            None => problems.push(format!("{} is missing", item.name)),
        }
    }
    let absent = found.web_resources.iter().chain(&found.app_tab_templates);
    problems.extend(
        absent
            .filter(|i| i.row.is_none())
            .map(|i| format!("{} is missing", i.name)),
    );
    if found.solution.as_ref().map(|s| s.version.as_str()) != Some(artifacts.version.as_str()) {
        problems.push(format!(
            "solution {} {} is not installed",
            artifacts.unique_name, artifacts.version
        ));
    }
    if !problems.is_empty() {
        return Err(Error::NotAsWritten(problems));
    }
    for item in found
        .records
        .iter()
        .chain(&found.web_resources)
        .chain(&found.app_tab_templates)
    {
        say(out, format_args!("verified {}", item.name));
    }
    say(
        out,
        format_args!(
            "verified solution {} {}",
            artifacts.unique_name, artifacts.version
        ),
    );
    Ok(())
}
