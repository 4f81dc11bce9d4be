//! `status`: what of Duet is in the org now.

use std::io::Write;

use super::client::Client;
use super::error::Error;
use super::inventory::{self, Inventory};
use super::preflight;
use crate::solution::Artifacts;

/// Prints, record by record, what is present and absent, and returns it.
pub async fn status(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<Inventory, Error> {
    preflight::who_am_i(client, out).await?;
    let found = inventory::take(client, artifacts).await?;
    found.print(&artifacts.unique_name, out);
    Ok(found)
}
