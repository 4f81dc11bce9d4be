//! The service's work in the background: the time limits every second, a heartbeat every few
//! seconds that also keeps each live session's activity (so a restart knows how long each was
//! quiet), the registered tenants read again every few seconds, and audit and recording
//! retention every hour; in a cluster, taking over what no running node holds. A clean stop writes
//! a last heartbeat (a cluster's node first lets go of what it held).

use std::time::Duration;

use tokio::task::JoinHandle;

use super::Service;
use crate::engine::Machine;
use crate::store::{Activity, SubjectKind};
use crate::tenant::directory::REFRESH_INTERVAL;

/// How often the time limits are applied.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(1);
/// How often the heartbeat (with activity) is written.
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
/// How often a cluster's node looks for what no running node holds.
pub const ORPHANS_INTERVAL: Duration = Duration::from_secs(2);
/// How often old audit records and ended sessions are pruned.
pub const RETENTION_INTERVAL: Duration = Duration::from_secs(3600);
/// How long a clean stop waits for the recorder to write what it was given.
pub const RECORDINGS_FLUSH: Duration = Duration::from_secs(5);

/// The background tasks; they stop when this is dropped.
#[derive(Debug)]
pub struct Background {
    service: Service,
    tasks: Vec<JoinHandle<()>>,
}

impl Background {
    pub(super) fn start(service: Service) -> Self {
        let tasks = vec![
            tokio::spawn(sweep_forever(service.clone())),
            tokio::spawn(heartbeat_forever(service.clone())),
            tokio::spawn(prune_forever(service.clone())),
            tokio::spawn(prune_recordings_forever(service.clone())),
            tokio::spawn(refresh_tenants_forever(service.clone())),
            tokio::spawn(take_over_orphans_forever(service.clone())),
        ];
        Self { service, tasks }
    }

    /// Stops the tasks and writes what a clean stop leaves: the last activity and heartbeat.
    pub async fn stop(mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
        let now = self.service.clock.now();
        flush_activity(&self.service).await;
        // What the recorder was still writing is kept, unless the disk will not have it soon.
        let written = self.service.sessions.flush_recordings();
        if tokio::time::timeout(RECORDINGS_FLUSH, written)
            .await
            .is_err()
        {
            tracing::warn!("the recordings' last entries were not written before the stop");
        }
        // A cluster's node lets go of what it held, for the nodes its parties reconnect to.
        if self.service.cluster.is_some()
            && let Err(error) = self.service.store.release(self.service.node()).await
        {
            tracing::error!(error = %error, "could not let go of this node's sessions");
        }
        if let Err(error) = self
            .service
            .store
            .heartbeat(self.service.node(), now.unix_millis(), true)
            .await
        {
            tracing::error!(error = %error, "could not record the clean stop");
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn sweep_forever(service: Service) {
    let mut tick = tokio::time::interval(SWEEP_INTERVAL);
    loop {
        tick.tick().await;
        service.sessions.sweep(service.clock.now()).await;
        service.shares.sweep(service.clock.now()).await;
    }
}

/// A cluster's node takes over, every few seconds, what no running node holds.
async fn take_over_orphans_forever(service: Service) {
    if service.cluster.is_none() {
        return;
    }
    let mut tick = tokio::time::interval(ORPHANS_INTERVAL);
    loop {
        tick.tick().await;
        service.take_over_orphans().await;
    }
}

async fn refresh_tenants_forever(service: Service) {
    let mut tick = tokio::time::interval(REFRESH_INTERVAL);
    loop {
        tick.tick().await;
        if let Err(error) = service.directory.refresh().await {
            tracing::warn!(error = %error, "could not read the registered tenants; keeping the last ones read");
            continue;
        }
        // A removed tenant's page assets go with it.
        let registered = service.directory.all();
        service.page_assets.keep_tenants(|tenant| {
            *tenant == service.tenant_id || registered.iter().any(|r| r.tenant == *tenant)
        });
    }
}

async fn heartbeat_forever(service: Service) {
    let mut tick = tokio::time::interval(HEARTBEAT_INTERVAL);
    loop {
        tick.tick().await;
        flush_activity(&service).await;
        let now = service.clock.now().unix_millis();
        if let Err(error) = service.store.heartbeat(service.node(), now, false).await {
            tracing::warn!(error = %error, "could not write the heartbeat");
        }
    }
}

/// Writes the activity that moved since the last flush.
async fn flush_activity(service: &Service) {
    let mut moved = activity_rows(&service.sessions, SubjectKind::Session);
    moved.extend(activity_rows(&service.shares, SubjectKind::Share));
    if moved.is_empty() {
        return;
    }
    if let Err(error) = service.store.touch(&moved).await {
        tracing::warn!(error = %error, "could not keep the sessions' activity");
    }
}

fn activity_rows<M: Machine>(
    registry: &crate::engine::Registry<M>,
    kind: SubjectKind,
) -> Vec<Activity> {
    registry
        .unflushed_activity()
        .into_iter()
        .map(|(tenant, id, at)| Activity {
            tenant: tenant.as_str().to_owned(),
            kind,
            id: id.to_string(),
            at: at.unix_millis(),
        })
        .collect()
}

async fn prune_forever(service: Service) {
    let Some(keep) = service.audit_retention else {
        return;
    };
    let mut tick = tokio::time::interval(RETENTION_INTERVAL);
    loop {
        tick.tick().await;
        prune(&service, keep).await;
    }
}

async fn prune_recordings_forever(service: Service) {
    let (Some(dir), Some(keep)) = (service.recordings.clone(), service.recording_retention) else {
        return;
    };
    let mut tick = tokio::time::interval(RETENTION_INTERVAL);
    loop {
        tick.tick().await;
        let dir = dir.clone();
        let now = std::time::SystemTime::now();
        let pruned =
            tokio::task::spawn_blocking(move || crate::recording::prune(&dir, keep, now)).await;
        match pruned {
            Ok(Ok(deleted)) if deleted > 0 => {
                tracing::info!(deleted, "deleted session recordings past retention");
            }
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "could not delete old session recordings")
            }
            _ => {}
        }
    }
}

/// Removes audit records and ended sessions older than `keep`, keeping each chain verifiable.
pub async fn prune(service: &Service, keep: Duration) {
    let now = service.clock.now();
    let before = now.minus(keep).unix_millis();
    let tenants = match service.store.tenants().await {
        Ok(tenants) => tenants,
        Err(error) => return tracing::warn!(error = %error, "could not list tenants to prune"),
    };
    for tenant in tenants {
        match service
            .store
            .prune_audit(&tenant, before, now.unix_millis())
            .await
        {
            Ok(pruned) if pruned.removed > 0 => {
                tracing::info!(tenant = %tenant, removed = pruned.removed, "pruned audit records past retention");
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(error = %error, tenant = %tenant, "could not prune the audit trail")
            }
        }
    }
    if let Err(error) = service.store.prune_subjects(before).await {
        tracing::warn!(error = %error, "could not prune ended sessions");
    }
}
