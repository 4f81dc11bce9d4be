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
    /// Install Duet into a Dataverse org: import (or upgrade) the solution and upsert its records.
    Provision(ProvisionArgs),
    /// Remove everything of Duet from a Dataverse org, and prove nothing is left; then remove
    /// the tenant's sessions and settings from Duet's database.
    Deprovision(DeprovisionArgs),
    /// Show what of Duet is in a Dataverse org now, record by record.
    Status(StatusArgs),
    /// Read and check the audit trail in Duet's database.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Register, list and remove the customer organisations this Duet serves.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Build the AppSource package: the Package Deployer folder and the bundle around it.
    #[command(subcommand)]
    Package(PackageCommand),
}

/// `duet tenant …` subcommands.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Register an organisation: its name, Entra tenant, Dynamics orgs and websites.
    Add(TenantAddArgs),
    /// List the registered organisations.
    List,
    /// Change a registered organisation: its policy, orgs, websites, ICE servers or chat key.
    Set(TenantSetArgs),
    /// Remove an organisation and its sessions, shares and settings from Duet's database.
    Remove(TenantRemoveArgs),
}

/// Flags of `duet tenant add`.
#[derive(Debug, Args)]
pub struct TenantAddArgs {
    /// The organisation's name, e.g. Contoso (its id in Duet is the name in lower case).
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// Its Microsoft Entra Directory (tenant) ID, a GUID.
    #[arg(long, value_name = "GUID")]
    pub entra_tenant: String,
    /// A Dynamics 365 org URL (repeat for several), e.g. https://contoso.crm.dynamics.com.
    #[arg(long = "org", value_name = "URL", required = true)]
    pub orgs: Vec<String>,
    /// A website URL that loads the customer script (repeat for several).
    #[arg(long = "site", value_name = "URL")]
    pub sites: Vec<String>,
}

/// Flags of `duet tenant set`.
#[derive(Debug, Args)]
pub struct TenantSetArgs {
    /// The organisation's name or id, as `duet tenant list` shows it.
    pub name: String,
    /// A TOML file with the keys of duet.toml's `[policy]` section (mask_selectors,
    /// restricted_selectors, private_by_default, allow_selectors, share_sites, allowed_surfaces,
    /// unmask_selectors); its sessions then follow this policy instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Its Dynamics 365 org URLs, replacing those it had (repeat for several).
    #[arg(long = "org", value_name = "URL")]
    pub orgs: Vec<String>,
    /// Its website URLs, replacing those it had (repeat for several).
    #[arg(long = "site", value_name = "URL", conflicts_with = "no_sites")]
    pub sites: Vec<String>,
    /// Remove all its websites.
    #[arg(long)]
    pub no_sites: bool,
    /// Its own STUN/TURN URLs for screen sharing, replacing those it had (repeat for several).
    #[arg(
        long = "ice-server",
        value_name = "URL",
        conflicts_with = "builtin_ice_servers"
    )]
    pub ice_servers: Vec<String>,
    /// Use the built-in ICE servers (DUET_ICE_SERVERS) again.
    #[arg(long)]
    pub builtin_ice_servers: bool,
    /// Make a new chat-platform key (printed once); the old one stops working within seconds.
    #[arg(long)]
    pub new_chat_key: bool,
}

/// Flags of `duet tenant remove`.
#[derive(Debug, Args)]
pub struct TenantRemoveArgs {
    /// The organisation's name or id, as `duet tenant list` shows it.
    pub name: String,
    /// Write its audit trail (JSON lines) to this file first.
    #[arg(long, value_name = "FILE")]
    pub export_audit: Option<PathBuf>,
    /// Also remove its audit trail (kept, and pruned after DUET_AUDIT_RETENTION_DAYS, unless
    /// this is given).
    #[arg(long)]
    pub purge_audit: bool,
}

/// `duet audit …` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Print audit records in seq order.
    Export(ExportArgs),
    /// Check the whole hash chain; exits 1 naming the first bad seq.
    Verify(VerifyArgs),
}

/// Flags of `duet audit export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only the records of this session (or screen share) id.
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Only records at or after this time (RFC 3339, e.g. 2026-12-01T00:00:00Z).
    #[arg(long, value_name = "RFC3339")]
    pub since: Option<String>,
    /// jsonl (one JSON object per line) or csv.
    #[arg(long, value_name = "FORMAT", default_value = "jsonl")]
    pub format: String,
    /// Only this tenant's records (every tenant's by default).
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
}

/// Flags of `duet audit verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this tenant's chain (every tenant's by default).
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
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

/// `duet package …` subcommands.
#[derive(Debug, Subcommand)]
pub enum PackageCommand {
    /// Build the Package Deployer package folder and the AppSource bundle around it.
    Build(PackageArgs),
}

/// Flags of `duet package build`.
#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Directory to write `package/` and `appsource/` into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Solution definition; the embedded default definition when absent.
    #[arg(long, value_name = "FILE")]
    pub definition: Option<PathBuf>,
    /// The package.zip built with Microsoft's tooling from `package/`: checked, then bundled
    /// with `appsource/` into the flat zip AppSource takes.
    #[arg(long, value_name = "FILE")]
    pub package_zip: Option<PathBuf>,
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

/// Flags of `duet deprovision`.
#[derive(Debug, Args)]
pub struct DeprovisionArgs {
    /// The org and solution, as for provision.
    #[command(flatten)]
    pub org: OrgArgs,
    /// Write the tenant's audit trail (JSON lines) to this file before removing Duet's data.
    #[arg(long, value_name = "FILE")]
    pub export_audit: Option<PathBuf>,
    /// Clear Duet from chat widgets that use it as co-browse or screen-share provider (and turn
    /// those features off on them); without it they are only reported.
    #[arg(long)]
    pub clear_widgets: bool,
    /// Also remove the tenant's audit trail (it is kept, and pruned after
    /// DUET_AUDIT_RETENTION_DAYS, unless this is given).
    #[arg(long)]
    pub purge_audit: bool,
}

/// Flags of `duet provision`.
#[derive(Debug, Args)]
pub struct ProvisionArgs {
    /// The org and solution.
    #[command(flatten)]
    pub org: OrgArgs,
    /// Duet's service address, e.g. https://duet.contoso.com, stored in the solution's
    /// `<prefix>_Origin` environment variable (http only for localhost).
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,
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
