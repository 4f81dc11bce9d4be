//! `deprovision`: stop if components outside Duet depend on it, report (or clear) chat widgets
//! using Duet, delete the records (children first), uninstall the solution, then prove that
//! nothing of Duet remains. Every step tolerates having been done already, so a re-run finishes
//! an interrupted one.

use std::io::Write;

use super::client::Client;
use super::error::Error;
use super::{dependencies, inventory, preflight, say, solution, widgets};
use crate::solution::Artifacts;

/// What `duet deprovision` was asked for beyond removing Duet.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Clear Duet from chat widgets that use it (`--clear-widgets`), rather than only report them.
    pub clear_widgets: bool,
}

/// The whole deprovisioning run against a signed-in client.
pub async fn deprovision(
    client: &Client,
    artifacts: &Artifacts,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    preflight::who_am_i(client, out).await?;
    let name = &artifacts.unique_name;
    if let Some(installed) = solution::installed(client, name).await? {
        dependencies::check(client, name, &installed, out).await?;
    }
    handle_widgets(client, artifacts, options, out).await?;
    delete_records(client, artifacts, out).await?;
    uninstall_solution(client, artifacts, out).await?;
    prove_nothing_remains(client, artifacts, out).await
}

/// Reports the chat widgets using Duet; clears them when asked.
async fn handle_widgets(
    client: &Client,
    artifacts: &Artifacts,
    options: &Options,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let Some(provider) = widgets::provider(artifacts) else {
        return Ok(());
    };
    let using = widgets::using_duet(client, &provider).await?;
    widgets::report(&using, options.clear_widgets, out);
    if options.clear_widgets {
        widgets::clear(client, &using, out).await?;
    }
    Ok(())
}

/// Deletes channel capabilities, locales, conversation actions, provider: reverse record order.
async fn delete_records(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    for record in artifacts.records.records.iter().rev() {
        let step = format!("deleting record {} ({})", record.key, record.path());
        if client.delete(&step, &record.path()).await? {
            say(
                out,
                format_args!("deleted {} {}", record.key, record.path()),
            );
        } else {
            say(
                out,
                format_args!("{} {} was already gone", record.key, record.path()),
            );
        }
    }
    Ok(())
}

async fn uninstall_solution(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let name = &artifacts.unique_name;
    if solution::installed(client, name).await?.is_none() {
        say(
            out,
            format_args!("solution {name} is not installed: nothing to uninstall"),
        );
        return Ok(());
    }
    say(out, format_args!("uninstalling solution {name}"));
    solution::uninstall(client, name, out).await?;
    say(out, format_args!("uninstalled solution {name}"));
    Ok(())
}

/// Looks for every record, web resource, app tab template and the solution; any found is an error.
async fn prove_nothing_remains(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let found = inventory::take(client, artifacts).await?;
    let leftovers = found.leftovers(&artifacts.unique_name);
    if !leftovers.is_empty() {
        return Err(Error::Leftovers(leftovers));
    }
    let checked = found.records.len() + found.web_resources.len() + found.app_tab_templates.len();
    say(
        out,
        format_args!(
            "checked {checked} records, web resources and app tab templates and the solution: nothing of Duet remains"
        ),
    );
    Ok(())
}
