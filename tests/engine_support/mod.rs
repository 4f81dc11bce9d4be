//! Shared set-up for the engine's rule tests: registries over a memory sink, fixed times.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use duet::config::Timeouts;
use duet::engine::{
    AgentId, Attachment, JoinError, MemorySink, Role, Session, SessionId, Sessions, Share, Shares,
    TenantId, Timestamp,
};

/// A moment `secs` seconds after the tests' start, 2026-12-02T10:00:00Z.
pub fn at(secs: u64) -> Timestamp {
    Timestamp::from_unix_millis(1_796_205_600_000).plus(Duration::from_secs(secs))
}

/// An agent by name.
pub fn agent(name: &str) -> AgentId {
    AgentId(format!("dev:{name}"))
}

/// The co-browse registry over a memory sink, with the default time limits.
pub fn sessions() -> (Sessions, MemorySink) {
    let sink = MemorySink::new();
    (
        Sessions::new(Arc::new(sink.clone()), Timeouts::default()),
        sink,
    )
}

/// The screen-share registry over a memory sink, with the default time limits.
pub fn shares() -> (Shares, MemorySink) {
    let sink = MemorySink::new();
    (
        Shares::new(Arc::new(sink.clone()), Timeouts::default()),
        sink,
    )
}

/// A new session of the default tenant.
pub async fn create(registry: &Sessions, conversation: Option<&str>, now: Timestamp) -> SessionId {
    registry
        .create(TenantId::default(), conversation.map(str::to_owned), now)
        .await
        .unwrap()
}

/// Ann, of the built-in tenant, joins session `id` at `now`.
pub async fn ann_joins(
    registry: &Sessions,
    id: SessionId,
    now: Timestamp,
) -> Result<Session, JoinError> {
    let tenant = TenantId::default();
    registry.join(id, &tenant, &agent("ann"), "Ann", now).await
}

/// A session Ann joined at `at(0)`, with her console attached.
pub async fn watched_session(registry: &Sessions) -> (SessionId, Attachment<Session>) {
    let id = create(registry, None, at(0)).await;
    ann_joins(registry, id, at(0)).await.unwrap();
    let console = registry
        .attach(id, Role::Agent(agent("ann")), at(0))
        .await
        .unwrap();
    (id, console)
}

/// A pending share Ann started at `at(0)`.
pub async fn share(registry: &Shares, conversation: Option<&str>) -> duet::engine::NewShare {
    registry
        .create(
            TenantId::default(),
            &agent("ann"),
            "Ann",
            conversation.map(str::to_owned),
            at(0),
        )
        .await
        .unwrap()
}

/// The state of the share with this id.
pub async fn share_state(registry: &Shares, id: duet::engine::ShareId) -> Share {
    registry.get(id).unwrap().state().await
}

/// The state of the session with this id.
pub async fn session_state(registry: &Sessions, id: SessionId) -> Session {
    registry.get(id).unwrap().state().await
}
