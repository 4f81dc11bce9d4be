//! Each tenant's chain row (`audit_chains`, its checkpoint and head): locking it before any
//! append so two writers can never fork a chain, appending sealed records, writing the head
//! back, and reading heads and tenants.

use std::collections::{BTreeMap, BTreeSet};

use super::conn::{Cell, Conn, RowReader};
use crate::store::audit::{GENESIS, seal, stored_detail};
use crate::store::error::StoreError;
use crate::store::rows::{ChainHead, NewAuditRecord};

const CREATE_CHAIN: &str = "INSERT INTO audit_chains (tenant, first_seq, first_prev, last_seq, \
     last_hash) VALUES ($1, 1, $2, 0, $2) ON CONFLICT (tenant) DO NOTHING";

/// A no-op update: it takes the row's write lock (and SQLite's database write lock) before the
/// head is read, so the head read is the one this transaction will extend.
const LOCK_CHAIN: &str = "UPDATE audit_chains SET last_seq = last_seq WHERE tenant = $1 \
     RETURNING first_seq, first_prev, last_seq, last_hash";

const SAVE_HEAD: &str = "UPDATE audit_chains SET first_seq = $2, first_prev = $3, last_seq = $4, \
     last_hash = $5 WHERE tenant = $1";

const READ_HEAD: &str =
    "SELECT first_seq, first_prev, last_seq, last_hash FROM audit_chains WHERE tenant = $1";

const INSERT_RECORD: &str = "INSERT INTO audit_records (tenant, seq, at, session, actor_role, \
     actor_id, actor_name, action, detail, prev, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Locks the chains of `tenants` (creating empty ones), in name order so that two writers
/// locking overlapping sets cannot deadlock; returns their heads.
pub(crate) async fn lock_chains(
    conn: &mut dyn Conn,
    tenants: &BTreeSet<&str>,
) -> Result<BTreeMap<String, ChainHead>, StoreError> {
    let mut heads = BTreeMap::new();
    for tenant in tenants {
        conn.execute(CREATE_CHAIN, &[(*tenant).into(), GENESIS.into()])
            .await
            .map_err(|error| StoreError::database("creating an audit chain", error))?;
        let head = lock_chain(conn, tenant)
            .await?
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("the audit chain of tenant {tenant} vanished while it was locked"),
            })?;
        heads.insert((*tenant).to_owned(), head);
    }
    Ok(heads)
}

/// Locks the chain of `tenant` and returns its head, or `None` when it has no chain.
pub(crate) async fn lock_chain(
    conn: &mut dyn Conn,
    tenant: &str,
) -> Result<Option<ChainHead>, StoreError> {
    let rows = conn
        .fetch(LOCK_CHAIN, &[tenant.into()])
        .await
        .map_err(|error| StoreError::database("locking an audit chain", error))?;
    rows.into_iter().next().map(read_head).transpose()
}

/// The head of the chain of `tenant`, without locking it.
pub(crate) async fn head(
    conn: &mut dyn Conn,
    tenant: &str,
) -> Result<Option<ChainHead>, StoreError> {
    let rows = conn
        .fetch(READ_HEAD, &[tenant.into()])
        .await
        .map_err(|error| StoreError::database("reading an audit chain", error))?;
    rows.into_iter().next().map(read_head).transpose()
}

fn read_head(cells: Vec<Cell>) -> Result<ChainHead, StoreError> {
    decode_head(&mut RowReader::new("audit_chains", cells))
        .map_err(|what| StoreError::Corrupt { what })
}

fn decode_head(row: &mut RowReader) -> Result<ChainHead, String> {
    Ok(ChainHead {
        first_seq: row.int(0, "first_seq")?,
        first_prev: row.text(1, "first_prev")?,
        last_seq: row.int(2, "last_seq")?,
        last_hash: row.text(3, "last_hash")?,
    })
}

/// Writes a locked chain's checkpoint and head back.
pub(crate) async fn save_head(
    conn: &mut dyn Conn,
    tenant: &str,
    head: &ChainHead,
) -> Result<(), StoreError> {
    let params = [
        tenant.into(),
        head.first_seq.into(),
        head.first_prev.as_str().into(),
        head.last_seq.into(),
        head.last_hash.as_str().into(),
    ];
    conn.execute(SAVE_HEAD, &params)
        .await
        .map_err(|error| StoreError::database("moving an audit chain's head", error))?;
    Ok(())
}

/// Appends `new` to the locked chain whose head is `head`, and moves `head` past it; returns
/// the record's seq. The caller writes the head back with [`save_head`].
pub(crate) async fn append(
    conn: &mut dyn Conn,
    head: &mut ChainHead,
    new: &NewAuditRecord,
) -> Result<i64, sqlx::Error> {
    let record = seal(new, head.last_seq + 1, &head.last_hash);
    let detail = stored_detail(&record.detail);
    let params = [
        record.tenant.as_str().into(),
        record.seq.into(),
        record.at.as_str().into(),
        (&record.session).into(),
        record.actor.role.as_str().into(),
        (&record.actor.id).into(),
        (&record.actor.name).into(),
        record.action.as_str().into(),
        detail.as_str().into(),
        record.prev.as_str().into(),
        record.hash.as_str().into(),
    ];
    conn.execute(INSERT_RECORD, &params).await?;
    head.last_seq = record.seq;
    head.last_hash = record.hash;
    Ok(record.seq)
}

/// The tenants whose chain holds or held a record, in name order.
pub(crate) async fn tenants(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    let rows = conn
        .fetch(
            "SELECT tenant FROM audit_chains WHERE last_seq > 0 ORDER BY tenant",
            &[],
        )
        .await
        .map_err(|error| StoreError::database("listing the audit chains", error))?;
    rows.into_iter()
        .map(|cells| {
            let mut row = RowReader::new("audit_chains", cells);
            row.text(0, "tenant")
                .map_err(|what| StoreError::Corrupt { what })
        })
        .collect()
}
