//! `duet provision`, `duet deprovision` and `duet status`.

use crate::cli::{OrgArgs, StatusArgs};
use crate::config::Config;

/// Installs Duet into the org.
pub async fn provision(_config: Config, _args: OrgArgs) -> anyhow::Result<()> {
    anyhow::bail!("duet provision is being written")
}

/// Removes Duet from the org.
pub async fn deprovision(_config: Config, _args: OrgArgs) -> anyhow::Result<()> {
    anyhow::bail!("duet deprovision is being written")
}

/// Reports what of Duet is in the org.
pub async fn status(_config: Config, _args: StatusArgs) -> anyhow::Result<()> {
    anyhow::bail!("duet status is being written")
}
