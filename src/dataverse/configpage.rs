//! Makes Duet's configuration page (`<prefix>_/config.html`) the solution's configuration page:
//! the installed solution row's `configurationpageid`, a lookup to the web resource, which the
//! solution's page in the maker portal opens. A refusal is reported and provisioning goes on:
//! the page is still there to open from the solution's web resources.

use std::io::Write;

use serde_json::{Value, json};

use super::client::Client;
use super::error::Error;
use super::{paths, say, solution};
use crate::solution::Artifacts;

/// The body that points the solution's configuration page at the web resource `page_id`.
pub fn body(page_id: &str) -> Value {
    json!({ "configurationpageid@odata.bind": format!("/webresourceset({page_id})") })
}

/// Sets the configuration page of the installed solution; says what happened either way.
pub async fn set(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<(), Error> {
    let Some(installed) = solution::installed(client, &artifacts.unique_name).await? else {
        return Ok(());
    };
    let step = format!(
        "setting the configuration page of solution {}",
        artifacts.unique_name
    );
    let page_id = artifacts.configuration_page_id.to_string();
    match client
        .patch(&step, &paths::solution(&installed.id), &body(&page_id))
        .await
    {
        Ok(()) => say(
            out,
            format_args!(
                "the solution's configuration page is {}",
                artifacts.configuration_page_name
            ),
        ),
        Err(error) => say(
            out,
            format_args!(
                "warning: the solution's configuration page could not be set ({error}); open {} from the solution's web resources instead",
                artifacts.configuration_page_name
            ),
        ),
    }
    Ok(())
}
