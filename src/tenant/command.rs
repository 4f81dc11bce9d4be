//! `duet tenant add|list|set|remove`: the customer organisations this Duet serves, in the store that
//! `duet serve` reads (`DUET_DATA_DIR` / `DUET_DATABASE_URL`).

use anyhow::Context;
use secrecy::ExposeSecret;

use super::registry::{Amendment, NewRegistration, Registration, Registry};
use crate::cli::{TenantAddArgs, TenantCommand, TenantRemoveArgs, TenantSetArgs};
use crate::config::{Config, PolicySettings};
use crate::engine::{Actor, Clock};
use crate::store::command::{export_to_file, open_existing};

/// Runs one `duet tenant` subcommand.
pub async fn run(config: Config, command: TenantCommand) -> anyhow::Result<()> {
    match command {
        TenantCommand::Add(args) => add(&config, args).await,
        TenantCommand::List => list(&config).await,
        TenantCommand::Set(args) => set(&config, &args).await,
        TenantCommand::Remove(args) => remove(&config, &args).await,
    }
}

async fn add(config: &Config, args: TenantAddArgs) -> anyhow::Result<()> {
    let store = crate::store::open(&config.database_url())
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let new = NewRegistration {
        name: args.name,
        entra_tenant: args.entra_tenant,
        orgs: args.orgs,
        sites: args.sites,
    };
    let now = Clock::system().now();
    let added = Registry::new(store).add(new, now).await?;
    println!("registered tenant {}", describe(&added.registration));
    println!(
        "its chat platform ends conversations with this key (shown once, kept nowhere):\n{}",
        added.chat_key.expose_secret()
    );
    Ok(())
}

async fn list(config: &Config) -> anyhow::Result<()> {
    let store = match open_existing(config).await {
        Ok(store) => store,
        Err(_) if config.database_url.is_none() => {
            println!("no tenants are registered: Duet runs with its built-in demo tenant");
            return Ok(());
        }
        Err(error) => return Err(error),
    };
    let all = Registry::new(store).list().await?;
    if all.is_empty() {
        println!("no tenants are registered: Duet runs with its built-in demo tenant");
    }
    for registration in &all {
        println!("{}", describe(registration));
    }
    Ok(())
}

async fn set(config: &Config, args: &TenantSetArgs) -> anyhow::Result<()> {
    let amendment = amendment(args)?;
    if amendment.is_empty() {
        anyhow::bail!(
            "say what to change: --policy FILE, --org URL, --site URL, --no-sites, --ice-server URL, --builtin-ice-servers or --new-chat-key"
        );
    }
    let store = open_existing(config).await?;
    let now = Clock::system().now();
    let changed = Registry::new(store)
        .amend(&args.name, amendment, Actor::admin(), now)
        .await?;
    println!(
        "changed tenant {} (running Duets apply it within seconds)",
        describe(&changed.registration)
    );
    if let Some(key) = changed.chat_key {
        println!(
            "its chat platform now ends conversations with this key (shown once, kept nowhere; the old one no longer works):\n{}",
            key.expose_secret()
        );
    }
    Ok(())
}

/// What the flags of `duet tenant set` change.
fn amendment(args: &TenantSetArgs) -> anyhow::Result<Amendment> {
    let policy = match &args.policy {
        Some(file) => Some(read_policy(file)?),
        None => None,
    };
    let given = |list: &Vec<String>| (!list.is_empty()).then(|| list.clone());
    Ok(Amendment {
        policy,
        orgs: given(&args.orgs),
        sites: if args.no_sites {
            Some(Vec::new())
        } else {
            given(&args.sites)
        },
        ice_servers: if args.builtin_ice_servers {
            Some(Vec::new())
        } else {
            given(&args.ice_servers)
        },
        new_chat_key: args.new_chat_key,
    })
}

fn read_policy(file: &std::path::Path) -> anyhow::Result<PolicySettings> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    toml::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "{} is not a policy: {error}; it takes the keys of duet.toml's [policy] section",
            file.display()
        )
    })
}

async fn remove(config: &Config, args: &TenantRemoveArgs) -> anyhow::Result<()> {
    let store = open_existing(config).await?;
    let registry = Registry::new(store.clone());
    if let Some(file) = &args.export_audit {
        let tenant = registry
            .list()
            .await?
            .into_iter()
            .find(|r| r.tenant.as_str() == args.name || r.name == args.name)
            .ok_or_else(|| anyhow::anyhow!("no tenant is registered as {}", args.name))?;
        let written = export_to_file(&*store, tenant.tenant.as_str(), file).await?;
        println!("wrote {written} audit records to {}", file.display());
    }
    let gone = registry
        .remove(&args.name, args.purge_audit)
        .await
        .context("removing the tenant")?;
    let recordings = remove_recordings(config, &args.name)?;
    println!(
        "removed tenant {}: {} sessions, {} screen shares, {} settings, {recordings} recordings{}",
        args.name,
        gone.sessions,
        gone.shares,
        gone.settings,
        if args.purge_audit {
            format!(", {} audit records", gone.audit_records)
        } else {
            "; its audit trail is kept (--purge-audit removes it)".to_owned()
        }
    );
    Ok(())
}

/// Deletes the tenant's session recordings under the data directory; returns how many there were.
fn remove_recordings(config: &Config, name: &str) -> anyhow::Result<usize> {
    let tenant = super::checks::tenant_id(name)?;
    crate::store::command::forget_recordings(config, &tenant)
}

/// One line per tenant: id, name, Entra tenant, orgs and sites.
fn describe(registration: &Registration) -> String {
    let sites = if registration.sites.is_empty() {
        "none".to_owned()
    } else {
        registration.sites.join(" ")
    };
    let mut line = format!(
        "{} ({}): entra tenant {}, orgs {}, sites {}",
        registration.tenant,
        registration.name,
        registration.entra_tenant,
        registration.orgs.join(" "),
        sites
    );
    if registration.policy.is_some() {
        line.push_str(", its own policy");
    }
    if let Some(ice) = &registration.ice_servers {
        line.push_str(&format!(", ICE servers {}", ice.join(" ")));
    }
    line
}
