//! Supervisors watching a live session, read-only: a supervisor of the session's tenant is let
//! in (recorded as `session.watched`), and their console then sees the page and the customer's
//! pointer and sends nothing. They never count as the session's agents (no consent, no control,
//! no one-session limit), and the customer is told who watches while they are connected.

use super::{JoinError, Seat, Session};
use crate::engine::actor::{Actor, AgentId};
use crate::engine::clock::Timestamp;
use crate::engine::event::{Change, Happened};

impl Session {
    /// Lets `supervisor` watch; nothing new when they already may.
    pub fn watch(
        &mut self,
        supervisor: &AgentId,
        name: &str,
        now: Timestamp,
    ) -> Result<Vec<Happened>, JoinError> {
        if !self.is_live() {
            return Err(JoinError::Ended(self.id));
        }
        if self.is_watcher(supervisor) {
            return Ok(Vec::new());
        }
        self.watchers.push(Seat {
            agent: supervisor.clone(),
            name: name.to_owned(),
            joined_at: now,
        });
        let actor = Actor::supervisor(supervisor, name);
        Ok(vec![Happened::new(actor, Change::WatchStarted)])
    }

    /// Whether `supervisor` was let in to watch.
    pub fn is_watcher(&self, supervisor: &AgentId) -> bool {
        self.watchers.iter().any(|seat| seat.agent == *supervisor)
    }

    /// A watching supervisor's name.
    pub(crate) fn watcher_name(&self, supervisor: &AgentId) -> &str {
        self.watchers
            .iter()
            .find(|seat| seat.agent == *supervisor)
            .map_or("a supervisor", |seat| seat.name.as_str())
    }
}
