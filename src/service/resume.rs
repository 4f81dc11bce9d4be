//! Picking up after a stop (clean or `kill -9`): every live session and share is read back from
//! the store and held again under the same id; each records `*.resumed` with the gap since this
//! node was last known to run, and their time limits apply from the next sweep.

use crate::engine::{Machine, Session, Share, Timestamp};
use crate::store::{SubjectKind, SubjectRow};

use super::{NODE, Service};

/// Reads back what was live (and what ended within the last retention windows).
pub(super) async fn resume(service: &Service) -> anyhow::Result<()> {
    let now = service.clock.now();
    if service.cluster.is_some() {
        // A cluster's node starts holding nothing: what a node held before it stopped is taken
        // over by whichever node its parties reach, or by the background sweep.
        service
            .store
            .heartbeat(service.node(), now.unix_millis(), false)
            .await?;
        return Ok(());
    }
    let (stopped_at, clean) = match service.store.last_heartbeat(NODE).await? {
        Some((at, clean)) => (Timestamp::from_unix_millis(at), clean),
        None => (now, true),
    };
    let sessions: Vec<Session> =
        machines(service, SubjectKind::Session, now, Session::ENDED_RETENTION).await?;
    let shares: Vec<Share> =
        machines(service, SubjectKind::Share, now, Share::ENDED_RETENTION).await?;
    let resumed_sessions = service
        .sessions
        .restore(sessions, stopped_at, clean, now)
        .await?;
    let resumed_shares = service
        .shares
        .restore(shares, stopped_at, clean, now)
        .await?;
    if resumed_sessions + resumed_shares > 0 {
        tracing::info!(
            sessions = resumed_sessions,
            shares = resumed_shares,
            gap_secs = now.since(stopped_at).as_secs(),
            clean,
            "resumed what was live when Duet stopped; parties reconnect on their own"
        );
    }
    service
        .store
        .heartbeat(NODE, now.unix_millis(), false)
        .await?;
    Ok(())
}

/// The stored machines of one kind, with the activity the heartbeats kept.
async fn machines<M>(
    service: &Service,
    kind: SubjectKind,
    now: Timestamp,
    remembered: std::time::Duration,
) -> anyhow::Result<Vec<M>>
where
    M: Machine + serde::de::DeserializeOwned,
{
    let since = now.minus(remembered).unix_millis();
    let rows = service.store.subjects(kind, since).await?;
    Ok(rows.into_iter().filter_map(read::<M>).collect())
}

pub(super) fn read<M: Machine + serde::de::DeserializeOwned>(row: SubjectRow) -> Option<M> {
    match serde_json::from_value::<M>(row.doc) {
        Ok(machine) => {
            machine
                .activity()
                .touch(Timestamp::from_unix_millis(row.last_activity_at));
            Some(machine)
        }
        Err(error) => {
            tracing::error!(kind = row.kind.as_str(), id = %row.id, error = %error, "a stored session cannot be read back; it is left as it was");
            None
        }
    }
}
