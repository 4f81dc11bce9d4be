//! One node of a cluster (`DUET_BUS_URL` beside a PostgreSQL store): its name and its bus, where a
//! session or share is held (here, or which node), taking over what a node that is gone held
//! (on a party's return, or in the background once its heartbeat is stale), and letting go of
//! everything at a clean stop.

use std::sync::Arc;
use std::time::Duration;

use crate::bus::Bus;
use crate::engine::{Machine, Registry, SessionId, ShareId, Timestamp};
use crate::store::{Held, SubjectKind};

use super::Service;
use super::background::HEARTBEAT_INTERVAL;

/// A node whose last heartbeat is older than this is taken for stopped: its live sessions and
/// shares are taken over by the first node that sweeps for them.
pub const LEASE: Duration = Duration::from_secs(3 * HEARTBEAT_INTERVAL.as_secs());

/// This node's part in a cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The bus to the other nodes.
    pub bus: Arc<Bus>,
    /// Held while this node takes something over, so a connection that finds it held here
    /// waits until it is read back.
    taking_over: Arc<tokio::sync::Mutex<()>>,
}

impl Cluster {
    /// This node's part in a cluster, on `bus`.
    pub fn new(bus: Arc<Bus>) -> Self {
        Self {
            bus,
            taking_over: Arc::default(),
        }
    }

    /// This node's name.
    pub fn node(&self) -> &str {
        self.bus.node()
    }
}

/// A session or a share, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A co-browse session.
    Session(SessionId),
    /// A screen share.
    Share(ShareId),
}

impl Target {
    fn kind(self) -> SubjectKind {
        match self {
            Self::Session(_) => SubjectKind::Session,
            Self::Share(_) => SubjectKind::Share,
        }
    }

    /// Its id as the store and the bus write it.
    pub fn id(self) -> String {
        match self {
            Self::Session(id) => id.to_string(),
            Self::Share(id) => id.to_string(),
        }
    }
}

/// Where a session or share is held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whereabouts {
    /// By this node (or by nobody: this node answers that it is unknown).
    Here,
    /// By another node, which is to be called.
    There(String),
}

impl Service {
    /// This node's name: the cluster's, or the one name a single node uses.
    pub fn node(&self) -> &str {
        self.cluster.as_ref().map_or(super::NODE, Cluster::node)
    }

    /// Where `target` is held. What no node holds (its node let go, or it was kept before the
    /// cluster) is taken over here.
    pub async fn locate(&self, target: Target) -> Whereabouts {
        let Some(cluster) = &self.cluster else {
            return Whereabouts::Here;
        };
        if self.holds(target) {
            return Whereabouts::Here;
        }
        let held = match self.store.holders(target.kind(), &target.id()).await {
            Ok(held) => held,
            Err(error) => {
                tracing::warn!(error = %error, "could not read which node holds a session");
                return Whereabouts::Here;
            }
        };
        match held.into_iter().next() {
            Some(Held {
                node: Some(node), ..
            }) if node != cluster.node() => Whereabouts::There(node),
            Some(_) => {
                // Held here: it may be being read back right now.
                drop(cluster.taking_over.lock().await);
                Whereabouts::Here
            }
            None => {
                let orphan = Held {
                    tenant: String::new(),
                    id: target.id(),
                    node: None,
                };
                self.take_over(target, &orphan).await;
                Whereabouts::Here
            }
        }
    }

    fn holds(&self, target: Target) -> bool {
        match target {
            Target::Session(id) => self.sessions.get(id).is_some(),
            Target::Share(id) => self.shares.get(id).is_some(),
        }
    }

    /// Takes `target` over from the node in `held` (gone, or none), reading it back from the
    /// store and holding it here; false when another node was first or there is nothing to take.
    pub async fn take_over(&self, target: Target, held: &Held) -> bool {
        let Some(cluster) = &self.cluster else {
            return false;
        };
        let _taking_over = cluster.taking_over.lock().await;
        if self.holds(target) {
            return true;
        }
        let kind = target.kind();
        let rows = match self.store.subjects_with_id(kind, &target.id()).await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!(error = %error, "could not read a session to take it over");
                return false;
            }
        };
        let mut taken = false;
        for row in rows
            .into_iter()
            .filter(|row| held.tenant.is_empty() || row.tenant == held.tenant)
        {
            let key = (row.tenant.as_str(), row.id.as_str());
            match self
                .store
                .take_hold(kind, key, held.node.as_deref(), cluster.node())
                .await
            {
                Ok(true) => {}
                Ok(false) => continue,
                Err(error) => {
                    tracing::warn!(error = %error, "could not claim a session");
                    continue;
                }
            }
            let stopped = self.last_known(held.node.as_deref()).await;
            crate::metrics::took_over(stopped.1);
            taken |= match target {
                Target::Session(_) => restore(&self.sessions, row, stopped, self.now()).await,
                Target::Share(_) => restore(&self.shares, row, stopped, self.now()).await,
            };
        }
        if taken {
            tracing::info!(
                kind = kind.as_str(),
                from = held.node.as_deref().unwrap_or("no node"),
                "took over a session another node held"
            );
        }
        taken
    }

    /// Takes `target` over from `node`, which the bus says is gone.
    pub async fn take_over_from(&self, target: Target, node: String) -> bool {
        let held = Held {
            tenant: String::new(),
            id: target.id(),
            node: Some(node),
        };
        self.take_over(target, &held).await
    }

    /// Takes over every live session and share no running node holds; returns how many.
    pub async fn take_over_orphans(&self) -> usize {
        let Some(cluster) = &self.cluster else {
            return 0;
        };
        let stale_before = self.now().minus(LEASE).unix_millis();
        let mut taken = 0;
        for kind in [SubjectKind::Session, SubjectKind::Share] {
            let orphans = match self.store.orphans(kind, cluster.node(), stale_before).await {
                Ok(orphans) => orphans,
                Err(error) => {
                    tracing::warn!(error = %error, "could not look for sessions no node holds");
                    continue;
                }
            };
            for held in orphans {
                let target = match kind {
                    SubjectKind::Session => held.id.parse().ok().map(Target::Session),
                    SubjectKind::Share => held.id.parse().ok().map(Target::Share),
                };
                if let Some(target) = target {
                    taken += usize::from(self.take_over(target, &held).await);
                }
            }
        }
        taken
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// When `node` was last known to run and whether it stopped cleanly: its last heartbeat.
    /// What no node held was let go of at a clean stop (or kept by a single node before).
    async fn last_known(&self, node: Option<&str>) -> (Timestamp, bool) {
        let Some(node) = node else {
            return (self.now(), true);
        };
        match self.store.last_heartbeat(node).await {
            Ok(Some((at, clean))) => (Timestamp::from_unix_millis(at), clean),
            _ => (self.now(), false),
        }
    }
}

/// Holds the stored `row` in `registry`, resumed; false when it cannot be read back.
async fn restore<M>(
    registry: &Registry<M>,
    row: crate::store::SubjectRow,
    (stopped_at, clean): (Timestamp, bool),
    now: Timestamp,
) -> bool
where
    M: Machine + serde::de::DeserializeOwned,
{
    let Some(machine) = super::resume::read::<M>(row) else {
        return false;
    };
    if registry.get(machine.id()).is_some() {
        return true;
    }
    match registry
        .restore(vec![machine], stopped_at, clean, now)
        .await
    {
        Ok(_) => true,
        Err(error) => {
            tracing::warn!(error = %error, "a session taken over could not be recorded as resumed");
            false
        }
    }
}
