//! Duet: the ISV side of Dynamics 365 Omnichannel's third-party co-browse and screen-share
//! framework, and the engine behind it.
//!
//! Start reading at [`run`], which maps each command to its module:
//! [`solution`] builds the Dataverse solution (pure, synchronous), [`dataverse`] provisions it
//! into an org over the Web API, [`engine`] holds sessions and their rules without knowing of
//! HTTP, and [`web`] is the thin axum layer that serves the console, the customer script, the
//! APIs, the WebSockets and the demo. `ARCHITECTURE.md` at the repository root is the map.

pub mod assets;
pub mod bus;
pub mod cli;
pub mod config;
pub mod dataverse;
pub mod engine;
pub mod identity;
pub mod journal;
pub mod metrics;
pub mod recording;
pub mod service;
pub mod solution;
pub mod store;
pub mod telemetry;
pub mod tenant;
pub mod web;

use anyhow::Context;

use cli::{Cli, Command, PackageCommand, SolutionCommand};
use config::Config;

/// Runs one command line to completion.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref()).context("loading settings")?;
    match cli.command {
        Command::Serve(args) => runtime()?.block_on(web::serve(config, args)),
        Command::Solution(SolutionCommand::Build(args)) => solution::command::build(&args),
        Command::Package(PackageCommand::Build(args)) => solution::command::package(&args),
        Command::Provision(args) => {
            runtime()?.block_on(dataverse::command::provision(config, args))
        }
        Command::Deprovision(args) => runtime()?.block_on(async {
            dataverse::command::deprovision(&config, &args).await?;
            store::command::forget_tenant(&config, &args).await
        }),
        Command::Status(args) => runtime()?.block_on(dataverse::command::status(config, args)),
        Command::Audit(command) => runtime()?.block_on(store::command::audit(config, command)),
        Command::Tenant(command) => runtime()?.block_on(tenant::command::run(config, command)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
