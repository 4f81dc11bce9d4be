//! Pruning a tenant's audit chain: removing its oldest records as a prefix, moving the chain's
//! checkpoint, and recording the pruning as an `audit.pruned` record in the chain itself.

use serde_json::json;

use super::chains::{append, lock_chain, save_head};
use super::conn::{Conn, RowReader};
use crate::store::clock::rfc3339;
use crate::store::error::StoreError;
use crate::store::rows::{ActorRef, ChainHead, Millis, NewAuditRecord, Pruned};

const FIRST_KEPT: &str = "SELECT seq, prev FROM audit_records WHERE tenant = $1 AND at >= $2 \
     ORDER BY seq LIMIT 1";

const DELETE_BEFORE: &str = "DELETE FROM audit_records WHERE tenant = $1 AND seq < $2";

/// Removes the tenant's records older than `before` (stopping at the first that is not older)
/// and appends an `audit.pruned` record at `at`; nothing to remove changes nothing.
pub(crate) async fn prune_audit(
    conn: &mut dyn Conn,
    tenant: &str,
    before: Millis,
    at: Millis,
) -> Result<Pruned, StoreError> {
    let nothing = Pruned {
        removed: 0,
        recorded_as: None,
    };
    let Some(mut head) = lock_chain(conn, tenant).await? else {
        return Ok(nothing);
    };
    let cutoff = rfc3339(before);
    let (first_kept_seq, first_kept_prev) = first_kept(conn, tenant, &cutoff, &head).await?;
    if first_kept_seq <= head.first_seq {
        return Ok(nothing);
    }
    let failed = |error| StoreError::database("pruning the audit trail", error);
    let removed = conn
        .execute(DELETE_BEFORE, &[tenant.into(), first_kept_seq.into()])
        .await
        .map_err(failed)?;
    head.first_seq = first_kept_seq;
    head.first_prev = first_kept_prev;
    let record = NewAuditRecord {
        tenant: tenant.to_owned(),
        at,
        session: None,
        actor: ActorRef::system(),
        action: "audit.pruned".to_owned(),
        detail: json!({"removed": removed, "before": cutoff, "first_kept_seq": first_kept_seq}),
    };
    let seq = append(conn, &mut head, &record).await.map_err(failed)?;
    save_head(conn, tenant, &head).await?;
    Ok(Pruned {
        removed,
        recorded_as: Some(seq),
    })
}

/// The seq and prev of the first record at or after `cutoff`; when every record is older, the
/// seq the next record will take and the head's hash it will carry.
async fn first_kept(
    conn: &mut dyn Conn,
    tenant: &str,
    cutoff: &str,
    head: &ChainHead,
) -> Result<(i64, String), StoreError> {
    let rows = conn
        .fetch(FIRST_KEPT, &[tenant.into(), cutoff.into()])
        .await
        .map_err(|error| StoreError::database("pruning the audit trail", error))?;
    let Some(cells) = rows.into_iter().next() else {
        return Ok((head.last_seq + 1, head.last_hash.clone()));
    };
    let mut row = RowReader::new("audit_records", cells);
    let seq = row.int(0, "seq");
    let prev = row.text(1, "prev");
    match (seq, prev) {
        (Ok(seq), Ok(prev)) => Ok((seq, prev)),
        (Err(what), _) | (_, Err(what)) => Err(StoreError::Corrupt { what }),
    }
}
