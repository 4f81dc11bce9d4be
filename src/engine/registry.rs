//! All live sessions: creating, joining, attaching connections, ending (alone or by
//! conversation), the one-co-browse-per-agent rule, and the sweep that applies time limits.
//! Each session lives in its own [`SessionCell`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::cell::{Entry, SessionCell, announce};
use super::ids::SessionId;
use super::room::{ConnId, Inbox, Notice, Role, Room};
use super::session::{AgentId, EndReason, JoinError, Session, State};
use crate::config::Timeouts;

/// How long an ended session is remembered, so a late join hears that it ended.
pub const ENDED_RETENTION: Duration = Duration::from_secs(3600);

#[derive(Debug, Default)]
struct Index {
    sessions: HashMap<SessionId, Arc<SessionCell>>,
    live_by_agent: HashMap<AgentId, SessionId>,
}

/// Every session this process holds.
#[derive(Debug)]
pub struct Registry {
    index: Mutex<Index>,
    timeouts: Timeouts,
    next_conn: AtomicU64,
}

/// What an attached connection gets.
#[derive(Debug)]
pub struct Attachment {
    /// The session, to relay through without the registry's lock.
    pub cell: Arc<SessionCell>,
    /// The lanes to read.
    pub inbox: Inbox,
}

impl Registry {
    /// An empty registry applying these time limits.
    pub fn new(timeouts: Timeouts) -> Self {
        Self {
            index: Mutex::default(),
            timeouts,
            next_conn: AtomicU64::new(1),
        }
    }

    fn index(&self) -> MutexGuard<'_, Index> {
        self.index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts an idle session for the customer, optionally linked to a conversation.
    pub fn create(&self, conversation_id: Option<String>, now: Instant) -> SessionId {
        let mut index = self.index();
        let id = SessionId::generate(|candidate| index.sessions.contains_key(&candidate));
        let session = Session::new(id, conversation_id, now);
        let entry = Entry {
            session,
            room: Room::default(),
            agents_gone_since: None,
            ended_at: None,
        };
        index.sessions.insert(
            id,
            Arc::new(SessionCell {
                entry: Mutex::new(entry),
            }),
        );
        id
    }

    /// The session with this id, live or recently ended.
    pub fn get(&self, id: SessionId) -> Option<Arc<SessionCell>> {
        self.index().sessions.get(&id).cloned()
    }

    /// Joins an agent to a session; the agent may be in one live co-browse at a time.
    pub fn join(&self, id: SessionId, agent: &AgentId, now: Instant) -> Result<Session, JoinError> {
        let mut index = self.index();
        let cell = index
            .sessions
            .get(&id)
            .cloned()
            .ok_or(JoinError::NotFound(id))?;
        if let Some(&other) = index.live_by_agent.get(agent) {
            if other != id {
                return Err(JoinError::AgentBusy(other));
            }
        }
        let mut entry = cell.lock();
        let first_time = entry.session.join(agent, now)?;
        index.live_by_agent.insert(agent.clone(), id);
        if entry.room.agents_connected() == 0 && entry.agents_gone_since.is_none() {
            // An agent who joins but whose console never connects is held to the same grace period.
            entry.agents_gone_since = Some(now);
        }
        if first_time {
            announce(&mut entry);
        }
        Ok(entry.session.clone())
    }

    /// The newest idle session the customer started for this conversation.
    pub fn pending_for_conversation(&self, conversation_id: &str) -> Option<SessionId> {
        let index = self.index();
        index
            .sessions
            .values()
            .map(|cell| cell.session())
            .filter(|s| {
                s.state == State::Idle && s.conversation_id.as_deref() == Some(conversation_id)
            })
            .max_by_key(|s| s.created_at)
            .map(|s| s.id)
    }

    /// Attaches a connection; an agent must have joined first. Agents get a fresh snapshot asked for.
    pub fn attach(&self, id: SessionId, role: Role, now: Instant) -> Result<Attachment, JoinError> {
        let cell = self.get(id).ok_or(JoinError::NotFound(id))?;
        let mut entry = cell.lock();
        if !entry.session.is_live() {
            return Err(JoinError::Ended(id));
        }
        if let Role::Agent(agent) = &role {
            if !entry.session.agents.contains(agent) {
                return Err(JoinError::NotFound(id));
            }
            entry.agents_gone_since = None;
        }
        let conn = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let is_agent = matches!(role, Role::Agent(_));
        let inbox = entry.room.attach(conn, role);
        entry.session.last_activity = now;
        announce(&mut entry);
        // The customer's page records only while someone watches: it starts (or, after a reload,
        // restarts) on this request, and agents wait for the fresh snapshot it sends.
        if is_agent || entry.room.agents_connected() > 0 {
            entry.room.expect_full_snapshot();
            entry.room.notify_customer(Notice::SnapshotNeeded);
        }
        drop(entry);
        Ok(Attachment { cell, inbox })
    }

    /// Detaches a connection; when the last agent leaves, the grace period starts.
    pub fn detach(&self, id: SessionId, conn: ConnId, now: Instant) {
        let Some(cell) = self.get(id) else { return };
        let mut entry = cell.lock();
        let Some(role) = entry.room.detach(conn) else {
            return;
        };
        if matches!(role, Role::Agent(_))
            && entry.room.agents_connected() == 0
            && entry.session.is_live()
        {
            entry.agents_gone_since = Some(now);
        }
        if entry.session.is_live() {
            announce(&mut entry);
        }
    }

    /// Ends a session for good and tells everyone; false when it was unknown or already ended.
    pub fn end(&self, id: SessionId, reason: EndReason, now: Instant) -> bool {
        let mut index = self.index();
        let Some(cell) = index.sessions.get(&id).cloned() else {
            return false;
        };
        let ended = cell.end(reason, now);
        if ended {
            index.live_by_agent.retain(|_, session| *session != id);
        }
        ended
    }

    /// Ends every live session linked to the conversation; returns their ids.
    pub fn end_conversation(&self, conversation_id: &str, now: Instant) -> Vec<SessionId> {
        let linked: Vec<SessionId> = {
            let index = self.index();
            index
                .sessions
                .values()
                .map(|cell| cell.session())
                .filter(|s| s.is_live() && s.conversation_id.as_deref() == Some(conversation_id))
                .map(|s| s.id)
                .collect()
        };
        linked
            .into_iter()
            .filter(|&id| self.end(id, EndReason::InteractionEnded, now))
            .collect()
    }

    /// Applies the time limits at `now`: ends what expired and forgets long-ended sessions.
    pub fn sweep(&self, now: Instant) -> Vec<(SessionId, EndReason)> {
        let due: Vec<(SessionId, EndReason)> = {
            let mut index = self.index();
            index.sessions.retain(|_, cell| {
                let ended_at = cell.lock().ended_at;
                ended_at.is_none_or(|at| now.duration_since(at) < ENDED_RETENTION)
            });
            index
                .sessions
                .values()
                .filter_map(|cell| self.tick(cell, now))
                .collect()
        };
        due.into_iter()
            .filter(|&(id, reason)| self.end(id, reason, now))
            .collect()
    }

    /// Lapses an unanswered control request, and says whether the session is due to end.
    fn tick(&self, cell: &SessionCell, now: Instant) -> Option<(SessionId, EndReason)> {
        let mut entry = cell.lock();
        let lapse = self.timeouts.control_request;
        if entry.session.is_live() && entry.session.lapse_control_request(now, lapse) {
            announce(&mut entry);
        }
        self.due(&entry, now)
    }

    fn due(&self, entry: &Entry, now: Instant) -> Option<(SessionId, EndReason)> {
        let session = &entry.session;
        let since = |at: Instant| now.saturating_duration_since(at);
        let reason = match session.state {
            State::Ended => return None,
            State::Idle if since(session.created_at) >= self.timeouts.idle_expiry => {
                EndReason::IdleExpired
            }
            State::Active
                if entry
                    .agents_gone_since
                    .is_some_and(|at| since(at) >= self.timeouts.agent_grace) =>
            {
                EndReason::AgentAway
            }
            _ if since(session.last_activity) >= self.timeouts.inactivity => EndReason::Inactivity,
            _ => return None,
        };
        Some((session.id, reason))
    }

    /// How many sessions are live now.
    pub fn live_count(&self) -> usize {
        self.index()
            .sessions
            .values()
            .filter(|cell| cell.lock().session.is_live())
            .count()
    }
}
