//! The thin axum layer: pages, JSON API, WebSocket endpoints and embedded assets.

use crate::cli::ServeArgs;
use crate::config::Config;

/// Runs `duet serve` until interrupted.
pub async fn serve(_config: Config, _args: ServeArgs) -> anyhow::Result<()> {
    anyhow::bail!("duet serve is being written")
}
