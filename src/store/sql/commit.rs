//! Committing groups of writes: one transaction for the call, a savepoint per group so a group
//! that fails is rolled back alone, and each tenant's chain locked once, up front.

use std::collections::{BTreeMap, BTreeSet};

use super::chains::{append, lock_chains, save_head};
use super::claims::{self, Taken};
use super::conn::Conn;
use super::owners;
use super::subjects::store_subject;
use crate::store::error::{StoreError, one_line};
use crate::store::rows::{ChainHead, Outcome, Write};

/// Why one group was rolled back.
enum GroupFailure {
    /// A new subject's id is already taken.
    IdTaken,
    /// A subject claims what another holds.
    Claimed(Taken),
    /// The database refused a statement.
    Refused(sqlx::Error),
}

/// Stores `groups` in the transaction `conn` is in; returns each group's outcome.
/// What the writes create is held by `holder`, a cluster's node, when given.
pub(crate) async fn commit(
    conn: &mut dyn Conn,
    groups: &[Vec<Write>],
    holder: Option<&str>,
) -> Result<Vec<Outcome>, StoreError> {
    let tenants: BTreeSet<&str> = groups
        .iter()
        .flatten()
        .map(|write| write.audit.tenant.as_str())
        .collect();
    let locked = lock_chains(conn, &tenants).await?;
    let mut heads = locked.clone();
    let mut outcomes = Vec::with_capacity(groups.len());
    for group in groups {
        outcomes.push(commit_group(conn, &mut heads, group, holder).await?);
    }
    for (tenant, head) in &heads {
        if locked.get(tenant) != Some(head) {
            save_head(conn, tenant, head).await?;
        }
    }
    Ok(outcomes)
}

/// Applies one group inside a savepoint; on failure rolls it and the chain heads back.
async fn commit_group(
    conn: &mut dyn Conn,
    heads: &mut BTreeMap<String, ChainHead>,
    group: &[Write],
    holder: Option<&str>,
) -> Result<Outcome, StoreError> {
    let before: Vec<(String, ChainHead)> = group
        .iter()
        .filter_map(|write| heads.get_key_value(&write.audit.tenant))
        .map(|(tenant, head)| (tenant.clone(), head.clone()))
        .collect();
    savepoint(conn, "SAVEPOINT duet_group").await?;
    match apply_group(conn, heads, group, holder).await {
        Ok(()) => {
            savepoint(conn, "RELEASE SAVEPOINT duet_group").await?;
            Ok(Outcome::Committed)
        }
        Err(failure) => {
            savepoint(conn, "ROLLBACK TO SAVEPOINT duet_group").await?;
            savepoint(conn, "RELEASE SAVEPOINT duet_group").await?;
            heads.extend(before);
            Ok(match failure {
                GroupFailure::IdTaken => Outcome::IdTaken,
                GroupFailure::Claimed(Taken { claim, holder }) => {
                    Outcome::Claimed { claim, holder }
                }
                GroupFailure::Refused(error) => Outcome::Failed(one_line(&error.to_string())),
            })
        }
    }
}

async fn savepoint(conn: &mut dyn Conn, statement: &str) -> Result<(), StoreError> {
    conn.run(statement)
        .await
        .map_err(|error| StoreError::database("committing a group of writes", error))
}

/// Stores each write of the group: its subject (its parties and claims), then its audit record.
async fn apply_group(
    conn: &mut dyn Conn,
    heads: &mut BTreeMap<String, ChainHead>,
    group: &[Write],
    holder: Option<&str>,
) -> Result<(), GroupFailure> {
    for write in group {
        if let Some(subject) = &write.subject {
            let stored = store_subject(conn, subject, write.creates)
                .await
                .map_err(GroupFailure::Refused)?;
            if !stored {
                return Err(GroupFailure::IdTaken);
            }
            let taken = claims::hold(conn, subject)
                .await
                .map_err(GroupFailure::Refused)?;
            if let Some(taken) = taken {
                return Err(GroupFailure::Claimed(taken));
            }
            if let (true, Some(node)) = (write.creates, holder) {
                let key = (subject.tenant.as_str(), subject.kind, subject.id.as_str());
                owners::hold(conn, key, node)
                    .await
                    .map_err(GroupFailure::Refused)?;
            }
        }
        let head = heads.get_mut(&write.audit.tenant).ok_or_else(|| {
            GroupFailure::Refused(sqlx::Error::Protocol(
                "the audit chain was not locked".into(),
            ))
        })?;
        append(conn, head, &write.audit)
            .await
            .map_err(GroupFailure::Refused)?;
    }
    Ok(())
}
