//! `duet provision`, `duet deprovision` and `duet status`: settings and flags in, a client built
//! once, the library run, progress on stdout.

use anyhow::Context;
use secrecy::ExposeSecret;

use super::auth::Credentials;
use super::client::{Client, org_url};
use super::error::Error;
use super::retry::RetryPolicy;
use super::{deprovision as remove, origin, plan, provision as install, status as report};
use crate::cli::{DeprovisionArgs, OrgArgs, ProvisionArgs, StatusArgs};
use crate::config::{Config, DataverseSettings};
use crate::solution::{self, Artifacts};

/// Installs Duet into the org: check the org, import or upgrade the solution, set the service
/// address, upsert and verify the records.
pub async fn provision(config: Config, args: ProvisionArgs) -> anyhow::Result<()> {
    let org = org_url(&args.org.org)?;
    // A bad definition or --origin is reported before anything is sent to the org.
    let artifacts = load(&args.org)?;
    let options = install::Options {
        origin: args.origin.as_deref().map(origin::parse).transpose()?,
    };
    if args.org.dry_run {
        return dry_run(&config, &org, &plan::provision(&org, &artifacts, &options));
    }
    let client = connect(&config, &org)?;
    let mut out = std::io::stdout();
    install::check_org(&client, &mut out)
        .await
        .with_context(|| format!("checking {org} before provisioning"))?;
    install::install(&client, &artifacts, &options, &mut out)
        .await
        .with_context(|| format!("provisioning Duet into {org}"))
}

/// Removes Duet from the org and proves nothing is left.
pub async fn deprovision(config: &Config, args: &DeprovisionArgs) -> anyhow::Result<()> {
    let org = org_url(&args.org.org)?;
    let artifacts = load(&args.org)?;
    let options = remove::Options {
        clear_widgets: args.clear_widgets,
    };
    if args.org.dry_run {
        return dry_run(config, &org, &plan::deprovision(&org, &artifacts, &options));
    }
    let client = connect(config, &org)?;
    remove::deprovision(&client, &artifacts, &options, &mut std::io::stdout())
        .await
        .with_context(|| format!("deprovisioning Duet from {org}"))
}

/// Reports what of Duet is in the org, record by record.
pub async fn status(config: Config, args: StatusArgs) -> anyhow::Result<()> {
    let org = org_url(&args.org)?;
    let client = connect(&config, &org)?;
    let artifacts = solution::artifacts(args.definition.as_deref())
        .context("building the solution to know what to look for")?;
    report::status(&client, &artifacts, &mut std::io::stdout())
        .await
        .with_context(|| format!("reading Duet's state in {org}"))?;
    Ok(())
}

fn load(args: &OrgArgs) -> anyhow::Result<Artifacts> {
    solution::artifacts(args.definition.as_deref())
        .context("building the solution to know what to install or remove")
}

fn connect(config: &Config, org: &str) -> anyhow::Result<Client> {
    let credentials = credentials(&config.dataverse)?;
    Ok(Client::new(org, credentials, RetryPolicy::default())?)
}

fn dry_run(config: &Config, org: &str, requests: &[plan::PlannedRequest]) -> anyhow::Result<()> {
    let tenant = config
        .dataverse
        .tenant_id
        .as_deref()
        .unwrap_or("<DUET_DATAVERSE_TENANT_ID>");
    let authority = config.dataverse.authority.trim_end_matches('/');
    let token_url = format!("{authority}/{tenant}/oauth2/v2.0/token");
    plan::print(
        &token_url,
        &format!("{org}/.default"),
        requests,
        &mut std::io::stdout(),
    );
    Ok(())
}

/// The client credentials from settings; a missing or empty one names the variable to set.
pub fn credentials(settings: &DataverseSettings) -> Result<Credentials, Error> {
    let required = |value: Option<&str>, variable, file_key| {
        value
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or(Error::MissingSetting { variable, file_key })
    };
    let secret = settings
        .client_secret
        .as_ref()
        .map(ExposeSecret::expose_secret);
    Ok(Credentials {
        authority: settings.authority.clone(),
        tenant_id: required(
            settings.tenant_id.as_deref(),
            "DUET_DATAVERSE_TENANT_ID",
            "tenant_id",
        )?,
        client_id: required(
            settings.client_id.as_deref(),
            "DUET_DATAVERSE_CLIENT_ID",
            "client_id",
        )?,
        client_secret: required(secret, "DUET_DATAVERSE_CLIENT_SECRET", "client_secret")?.into(),
    })
}
