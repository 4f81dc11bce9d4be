//! `duet audit export`, `duet audit verify`, and the part of `duet deprovision` that removes a
//! tenant's data from Duet's own database.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context;

use super::audit::{AuditWriter, ExportFormat, VerifyError, verify_store};
use super::{AuditQuery, Store};
use crate::cli::{AuditCommand, DeprovisionArgs, ExportArgs, VerifyArgs};
use crate::config::Config;
use crate::engine::{TenantId, Timestamp};

/// Records read at a time while exporting.
const PAGE: u32 = 1000;

/// Runs one `duet audit` subcommand.
pub async fn audit(config: Config, command: AuditCommand) -> anyhow::Result<()> {
    let store = open_existing(&config).await?;
    match command {
        AuditCommand::Export(args) => export(&*store, &args).await,
        AuditCommand::Verify(args) => verify(&*store, &args).await,
    }
}

/// Opens the configured database; for the default SQLite file, only when it exists (reading the
/// audit trail must not create an empty database somewhere).
pub(crate) async fn open_existing(config: &Config) -> anyhow::Result<std::sync::Arc<dyn Store>> {
    if config.database_url.is_none() {
        let file = config.data_dir.join("duet.db");
        anyhow::ensure!(
            file.exists(),
            "there is no Duet database at {}: run this where `duet serve` keeps its data, or set DUET_DATA_DIR or DUET_DATABASE_URL",
            file.display()
        );
    }
    super::open(&config.database_url())
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))
}

async fn export(store: &dyn Store, args: &ExportArgs) -> anyhow::Result<()> {
    let format: ExportFormat = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let since = args
        .since
        .as_deref()
        .map(Timestamp::parse_rfc3339)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--since: {e}"))?;
    let tenants = match &args.tenant {
        Some(tenant) => vec![tenant.clone()],
        None => store.tenants().await?,
    };
    let stdout = std::io::stdout().lock();
    let mut writer = AuditWriter::new(format, std::io::BufWriter::new(stdout));
    for tenant in tenants {
        let mut query = AuditQuery {
            tenant: Some(tenant),
            session: args.session.clone(),
            since: since.map(Timestamp::unix_millis),
            after_seq: None,
            limit: PAGE,
        };
        loop {
            let page = store
                .audit(&query)
                .await
                .context("reading the audit trail")?;
            for record in &page {
                writer.write(record)?;
            }
            match page.last() {
                Some(last) if page.len() == PAGE as usize => query.after_seq = Some(last.seq),
                _ => break,
            }
        }
    }
    writer.finish()?.flush()?;
    Ok(())
}

async fn verify(store: &dyn Store, args: &VerifyArgs) -> anyhow::Result<()> {
    match verify_store(store, args.tenant.as_deref()).await {
        Ok(chains) if chains.is_empty() => {
            println!("the audit trail is empty: nothing to verify");
            Ok(())
        }
        Ok(chains) => {
            for chain in chains {
                println!(
                    "tenant {}: {} records, seq {} to {}, chain intact",
                    chain.tenant, chain.records, chain.first_seq, chain.last_seq
                );
            }
            Ok(())
        }
        Err(VerifyError::Broken(broken)) => {
            for chain in &broken {
                eprintln!(
                    "tenant {}: the chain is broken at seq {}: {}",
                    chain.tenant, chain.seq, chain.problem
                );
            }
            eprintln!("restore the audit records from a backup, and keep this report");
            std::process::exit(1);
        }
        Err(other) => Err(other.into()),
    }
}

/// Removes the tenant's sessions, shares and settings (and, when asked, its audit trail, after
/// writing it to `--export-audit`) from Duet's database, saying what it removed.
pub async fn forget_tenant(config: &Config, args: &DeprovisionArgs) -> anyhow::Result<()> {
    let tenant = TenantId::default();
    let url = super::redact(&config.database_url());
    if args.org.dry_run {
        println!("would remove tenant {tenant}'s sessions, shares and settings from {url}");
        return Ok(());
    }
    let store = match open_existing(config).await {
        Ok(store) => store,
        Err(_) if config.database_url.is_none() => {
            println!("Duet keeps no data for tenant {tenant}: there is no database at {url}");
            return Ok(());
        }
        Err(error) => return Err(error),
    };
    if let Some(file) = &args.export_audit {
        let written = export_to_file(&*store, tenant.as_str(), file).await?;
        println!(
            "wrote {written} audit records of tenant {tenant} to {}",
            file.display()
        );
    }
    let gone = store
        .forget_tenant(tenant.as_str(), args.purge_audit)
        .await
        .context("removing the tenant's data from Duet's database")?;
    let recordings = forget_recordings(config, &tenant)?;
    println!(
        "removed from {url}: {} sessions, {} screen shares, {} settings, {recordings} recordings of tenant {tenant}",
        gone.sessions, gone.shares, gone.settings
    );
    if args.purge_audit {
        println!(
            "removed the tenant's audit trail: {} records",
            gone.audit_records
        );
    } else {
        println!(
            "kept the tenant's audit trail (pruned after DUET_AUDIT_RETENTION_DAYS); --purge-audit removes it"
        );
    }
    Ok(())
}

/// Deletes `tenant`'s session recordings under the data directory; returns how many.
pub(crate) fn forget_recordings(config: &Config, tenant: &TenantId) -> anyhow::Result<usize> {
    let dir = config.data_dir.join(crate::service::RECORDINGS_DIR);
    crate::recording::forget_tenant(&dir, tenant).with_context(|| {
        let folder = crate::recording::tenant_recordings(&dir, tenant);
        format!(
            "the tenant's data is removed but not its recordings in {}: delete that folder",
            folder.display()
        )
    })
}

pub(crate) async fn export_to_file(
    store: &dyn Store,
    tenant: &str,
    file: &Path,
) -> anyhow::Result<u64> {
    let out = std::fs::File::create(file).with_context(|| {
        format!(
            "creating {}: check the path and that it is writable",
            file.display()
        )
    })?;
    let mut writer = AuditWriter::new(ExportFormat::Jsonl, std::io::BufWriter::new(out));
    let written = super::audit::export(store, Some(tenant), None, &mut writer)
        .await
        .context("exporting the audit trail")?;
    writer.finish()?.flush()?;
    Ok(written)
}
