//! `status`: what of Duet is in the org now, and the service address it is set to.

use std::io::Write;

use super::client::Client;
use super::error::Error;
use super::inventory::{self, Inventory};
use super::{origin, preflight};
use crate::solution::Artifacts;

/// Prints, record by record, what is present and absent, then the service address; returns the
/// inventory.
pub async fn status(
    client: &Client,
    artifacts: &Artifacts,
    out: &mut (dyn Write + Send),
) -> Result<Inventory, Error> {
    preflight::who_am_i(client, out).await?;
    let found = inventory::take(client, artifacts).await?;
    found.print(&artifacts.unique_name, out);
    let setting = origin::read(client, &artifacts.publisher_prefix).await?;
    origin::describe(&artifacts.publisher_prefix, &setting, out);
    Ok(found)
}
