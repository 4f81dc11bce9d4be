//! The command line: every `duet` subcommand and its flags, parsed by clap.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Duet: co-browse and screen share for Dynamics 365 Omnichannel.
#[derive(Debug, Parser)]
#[command(name = "duet", version, about)]
pub struct Cli {
    /// Settings file; `duet.toml` in the working directory is read when present.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Duet service: agent console, customer script, APIs and the demo.
    Serve(ServeArgs),
    /// Work with the Dataverse solution.
    #[command(subcommand)]
    Solution(SolutionCommand),
    /// Install Duet into a Dataverse org: import the solution and upsert its records.
    Provision(OrgArgs),
    /// Remove everything of Duet from a Dataverse org, and prove nothing is left.
    Deprovision(OrgArgs),
    /// Show what of Duet is in a Dataverse org now, record by record.
    Status(StatusArgs),
}

/// Flags of `duet serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port and prints it).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
}

/// `duet solution …` subcommands.
#[derive(Debug, Subcommand)]
pub enum SolutionCommand {
    /// Build the solution zips, records.json and data.zip from the definition.
    Build(BuildArgs),
}

/// Flags of `duet solution build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Directory to write the zips, records.json and data.zip into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Solution definition; the embedded default definition when absent.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// Build only the managed zip.
    #[arg(long, conflicts_with = "unmanaged")]
    pub managed: bool,
    /// Build only the unmanaged zip.
    #[arg(long)]
    pub unmanaged: bool,
    /// Also write the unpacked source layout of `pac solution unpack` into this directory.
    #[arg(long, value_name = "DIR")]
    pub unpacked: Option<PathBuf>,
}

/// Flags shared by `duet provision` and `duet deprovision`.
#[derive(Debug, Args)]
pub struct OrgArgs {
    /// The org's URL, e.g. https://contoso.crm.dynamics.com.
    #[arg(long, value_name = "URL")]
    pub org: String,
    /// Solution definition; the embedded default definition when absent.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// Print the requests that would be sent, and send none.
    #[arg(long)]
    pub dry_run: bool,
}

/// Flags of `duet status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The org's URL, e.g. https://contoso.crm.dynamics.com.
    #[arg(long, value_name = "URL")]
    pub org: String,
    /// Solution definition; the embedded default definition when absent.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
}
