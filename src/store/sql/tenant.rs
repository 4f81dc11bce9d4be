//! Tenant settings (`settings`), secrets (`secrets`), node heartbeats (`heartbeats`), and
//! forgetting everything Duet keeps for a tenant.

use std::collections::BTreeSet;

use serde_json::Value;

use super::chains::{append, lock_chains, save_head};
use super::conn::{Conn, RowReader};
use crate::store::audit::canonical_json;
use crate::store::error::StoreError;
use crate::store::rows::{Forgotten, Millis, NewAuditRecord, SubjectKind};

const UPSERT_SETTING: &str = "INSERT INTO settings (tenant, name, value, updated_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value, \
     updated_at = excluded.updated_at";

const UPSERT_HEARTBEAT: &str = "INSERT INTO heartbeats (node, at, clean_stop) VALUES ($1, $2, $3) \
     ON CONFLICT (node) DO UPDATE SET at = excluded.at, clean_stop = excluded.clean_stop";

/// The tenant's setting `name`, if set.
pub(crate) async fn setting(
    conn: &mut dyn Conn,
    tenant: &str,
    name: &str,
) -> Result<Option<Value>, StoreError> {
    let rows = conn
        .fetch(
            "SELECT value FROM settings WHERE tenant = $1 AND name = $2",
            &[tenant.into(), name.into()],
        )
        .await
        .map_err(|error| StoreError::database("reading a tenant setting", error))?;
    rows.into_iter()
        .next()
        .map(|cells| RowReader::new("settings", cells).json(0, "value"))
        .transpose()
        .map_err(|what| StoreError::Corrupt { what })
}

/// Every tenant's setting `name`, by tenant.
pub(crate) async fn settings_named(
    conn: &mut dyn Conn,
    name: &str,
) -> Result<Vec<(String, Value)>, StoreError> {
    let rows = conn
        .fetch(
            "SELECT tenant, value FROM settings WHERE name = $1 ORDER BY tenant",
            &[name.into()],
        )
        .await
        .map_err(|error| StoreError::database("reading the tenants' settings", error))?;
    rows.into_iter()
        .map(|cells| {
            let mut row = RowReader::new("settings", cells);
            Ok((row.text(0, "tenant")?, row.json(1, "value")?))
        })
        .collect::<Result<_, String>>()
        .map_err(|what| StoreError::Corrupt { what })
}

/// Sets the tenant's setting `name` and appends `audit` to its tenant's chain.
pub(crate) async fn put_setting(
    conn: &mut dyn Conn,
    tenant: &str,
    name: &str,
    value: &Value,
    audit: &NewAuditRecord,
) -> Result<(), StoreError> {
    let failed = |error| StoreError::database("saving a tenant setting", error);
    let mut heads = lock_chains(conn, &BTreeSet::from([audit.tenant.as_str()])).await?;
    let text = canonical_json(value);
    let params = [
        tenant.into(),
        name.into(),
        text.as_str().into(),
        audit.at.into(),
    ];
    conn.execute(UPSERT_SETTING, &params)
        .await
        .map_err(failed)?;
    for (chain, head) in &mut heads {
        append(conn, head, audit).await.map_err(failed)?;
        save_head(conn, chain, head).await?;
    }
    Ok(())
}

/// The stored secret `name`, storing `candidate` first when there is none.
pub(crate) async fn secret_or_insert(
    conn: &mut dyn Conn,
    name: &str,
    candidate: &[u8],
) -> Result<Vec<u8>, StoreError> {
    let failed = |error| StoreError::database("reading a secret", error);
    conn.execute(
        "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        &[name.into(), candidate.into()],
    )
    .await
    .map_err(failed)?;
    let rows = conn
        .fetch("SELECT value FROM secrets WHERE name = $1", &[name.into()])
        .await
        .map_err(failed)?;
    let cells = rows.into_iter().next().ok_or_else(|| StoreError::Corrupt {
        what: format!("the secret {name} vanished while it was stored"),
    })?;
    RowReader::new("secrets", cells)
        .bytes(0, "value")
        .map_err(|what| StoreError::Corrupt { what })
}

/// Records that `node` is alive at `at`, or stopped cleanly at `at`.
pub(crate) async fn heartbeat(
    conn: &mut dyn Conn,
    node: &str,
    at: Millis,
    clean_stop: bool,
) -> Result<(), StoreError> {
    conn.execute(
        UPSERT_HEARTBEAT,
        &[node.into(), at.into(), clean_stop.into()],
    )
    .await
    .map_err(|error| StoreError::database("recording a heartbeat", error))?;
    Ok(())
}

/// The last heartbeat of `node`, and whether it was a clean stop.
pub(crate) async fn last_heartbeat(
    conn: &mut dyn Conn,
    node: &str,
) -> Result<Option<(Millis, bool)>, StoreError> {
    let rows = conn
        .fetch(
            "SELECT at, clean_stop FROM heartbeats WHERE node = $1",
            &[node.into()],
        )
        .await
        .map_err(|error| StoreError::database("reading a heartbeat", error))?;
    let Some(cells) = rows.into_iter().next() else {
        return Ok(None);
    };
    let mut row = RowReader::new("heartbeats", cells);
    let at = row.int(0, "at");
    let clean_stop = row.boolean(1, "clean_stop");
    match (at, clean_stop) {
        (Ok(at), Ok(clean_stop)) => Ok(Some((at, clean_stop))),
        (Err(what), _) | (_, Err(what)) => Err(StoreError::Corrupt { what }),
    }
}

/// Removes the tenant's sessions, shares and settings, and its audit trail when `purge_audit`.
pub(crate) async fn forget_tenant(
    conn: &mut dyn Conn,
    tenant: &str,
    purge_audit: bool,
) -> Result<Forgotten, StoreError> {
    let mut delete = async |sql: &str, params: &[super::conn::Param<'_>]| {
        conn.execute(sql, params)
            .await
            .map_err(|error| StoreError::database("forgetting a tenant", error))
    };
    let by_tenant = [tenant.into()];
    let session = [tenant.into(), SubjectKind::Session.as_str().into()];
    let share = [tenant.into(), SubjectKind::Share.as_str().into()];
    delete("DELETE FROM parties WHERE tenant = $1", &by_tenant).await?;
    delete("DELETE FROM claims WHERE tenant = $1", &by_tenant).await?;
    let subjects = "DELETE FROM subjects WHERE tenant = $1 AND kind = $2";
    let mut forgotten = Forgotten {
        sessions: delete(subjects, &session).await?,
        shares: delete(subjects, &share).await?,
        settings: delete("DELETE FROM settings WHERE tenant = $1", &by_tenant).await?,
        audit_records: 0,
    };
    if purge_audit {
        let records = "DELETE FROM audit_records WHERE tenant = $1";
        forgotten.audit_records = delete(records, &by_tenant).await?;
        delete("DELETE FROM audit_chains WHERE tenant = $1", &by_tenant).await?;
    }
    Ok(forgotten)
}
