//! Agent-requested screen shares: a short security key the agent reads to the customer, 60 seconds
//! to accept, one live share per agent, and the room that carries the WebRTC signalling.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rand::Rng;
use serde::Serialize;
use tokio::time::Instant;

use super::ids::SessionId;
use super::room::{ConnId, Inbox, Role, Room};
use super::session::AgentId;

/// Digits in a security key.
pub const KEY_DIGITS: usize = 6;
/// How long an ended share is remembered, so late callers hear that it ended.
pub const ENDED_RETENTION: Duration = Duration::from_secs(600);

/// Where a screen share is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    /// Created by the agent, waiting for the customer's key and acceptance.
    Pending,
    /// The customer accepted and is choosing what to share.
    Accepted,
    /// The agent's console shows the customer's screen.
    Live,
    /// Over for good.
    Ended,
}

/// Why a screen share ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareEnd {
    /// Not accepted within the time allowed.
    Expired,
    /// The agent stopped it or closed the tab.
    AgentStopped,
    /// The customer stopped sharing.
    CustomerStopped,
    /// The conversation ended.
    InteractionEnded,
}

impl ShareEnd {
    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            ShareEnd::Expired => {
                "The request expired before the customer accepted it. Start a new one."
            }
            ShareEnd::AgentStopped => "The agent ended the screen share.",
            ShareEnd::CustomerStopped => "The customer stopped sharing.",
            ShareEnd::InteractionEnded => "The conversation ended, and the screen share with it.",
        }
    }
}

/// Why a screen-share call was refused; each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// The agent already has a live share.
    #[error("you already have a screen share running; stop it before starting another")]
    AgentBusy,
    /// No pending request has this key.
    #[error(
        "no screen-share request has that key; check the {KEY_DIGITS} digits with your agent (keys last 60 seconds)"
    )]
    UnknownKey,
    /// The share is over.
    #[error("this screen share has ended; ask your agent to start a new one")]
    Ended,
    /// The call does not fit the share's state.
    #[error("the screen share is not waiting for that")]
    WrongState,
}

/// What an agent gets when starting a share.
#[derive(Debug, Clone)]
pub struct NewShare {
    /// The share's id.
    pub id: SessionId,
    /// The security key to read to the customer.
    pub key: String,
}

/// One share's facts.
#[derive(Debug, Clone)]
pub struct Share {
    /// Its id.
    pub id: SessionId,
    /// The agent who asked.
    pub agent: AgentId,
    /// Their name, shown to the customer.
    pub agent_name: String,
    /// The conversation it belongs to.
    pub conversation_id: Option<String>,
    /// Where it is.
    pub state: ShareState,
    /// Why it ended.
    pub end_reason: Option<ShareEnd>,
    /// When the agent asked.
    pub created_at: Instant,
}

/// A change everyone connected to the share is told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareNotice {
    /// The new state.
    pub state: ShareState,
    /// Why it ended, once it has.
    pub reason: Option<ShareEnd>,
}

/// One share and its connections.
#[derive(Debug)]
pub struct ShareCell {
    entry: Mutex<ShareEntry>,
}

#[derive(Debug)]
struct ShareEntry {
    share: Share,
    key: String,
    room: Room,
    ended_at: Option<Instant>,
}

impl ShareCell {
    fn lock(&self) -> MutexGuard<'_, ShareEntry> {
        self.entry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of the share's facts.
    pub fn share(&self) -> Share {
        self.lock().share.clone()
    }

    /// Runs `f` on the room (for relaying signalling); `None` once the share ended.
    pub fn with_room<T>(&self, f: impl FnOnce(&mut Room) -> T) -> Option<T> {
        let mut entry = self.lock();
        (entry.share.state != ShareState::Ended).then(|| f(&mut entry.room))
    }

    fn set_state(&self, from: &[ShareState], to: ShareState) -> Result<(), ShareError> {
        let mut entry = self.lock();
        match entry.share.state {
            ShareState::Ended => return Err(ShareError::Ended),
            state if !from.contains(&state) => return Err(ShareError::WrongState),
            _ => {}
        }
        entry.share.state = to;
        announce(&mut entry);
        Ok(())
    }

    /// The customer accepted the request.
    pub fn accept(&self) -> Result<(), ShareError> {
        self.set_state(&[ShareState::Pending], ShareState::Accepted)
    }

    /// The agent's console shows the first frame.
    pub fn mark_live(&self) -> Result<(), ShareError> {
        self.set_state(&[ShareState::Accepted, ShareState::Live], ShareState::Live)
    }

    fn end(&self, reason: ShareEnd, now: Instant) -> bool {
        let mut entry = self.lock();
        if entry.share.state == ShareState::Ended {
            return false;
        }
        entry.share.state = ShareState::Ended;
        entry.share.end_reason = Some(reason);
        entry.ended_at = Some(now);
        announce(&mut entry);
        entry.room.clear();
        true
    }
}

fn announce(entry: &mut ShareEntry) {
    let notice = ShareNotice {
        state: entry.share.state,
        reason: entry.share.end_reason,
    };
    entry.room.notify_all(super::room::Notice::Share(notice));
}

#[derive(Debug, Default)]
struct Index {
    shares: HashMap<SessionId, Arc<ShareCell>>,
    pending_by_key: HashMap<String, SessionId>,
    live_by_agent: HashMap<AgentId, SessionId>,
}

/// Every screen share this process holds.
#[derive(Debug)]
pub struct ShareRegistry {
    index: Mutex<Index>,
    accept_within: Duration,
    next_conn: std::sync::atomic::AtomicU64,
}

impl ShareRegistry {
    /// An empty registry; requests expire after `accept_within`.
    pub fn new(accept_within: Duration) -> Self {
        Self {
            index: Mutex::default(),
            accept_within,
            next_conn: std::sync::atomic::AtomicU64::new(1 << 40),
        }
    }

    fn index(&self) -> MutexGuard<'_, Index> {
        self.index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a request for the agent; refused while the agent has a live share.
    pub fn create(
        &self,
        agent: &AgentId,
        agent_name: &str,
        conversation_id: Option<String>,
        now: Instant,
    ) -> Result<NewShare, ShareError> {
        let mut index = self.index();
        if index.live_by_agent.contains_key(agent) {
            return Err(ShareError::AgentBusy);
        }
        let id = SessionId::generate(|candidate| index.shares.contains_key(&candidate));
        let key = fresh_key(|candidate| index.pending_by_key.contains_key(candidate));
        let share = Share {
            id,
            agent: agent.clone(),
            agent_name: agent_name.to_owned(),
            conversation_id,
            state: ShareState::Pending,
            end_reason: None,
            created_at: now,
        };
        let entry = ShareEntry {
            share,
            key: key.clone(),
            room: Room::default(),
            ended_at: None,
        };
        index.shares.insert(
            id,
            Arc::new(ShareCell {
                entry: Mutex::new(entry),
            }),
        );
        index.pending_by_key.insert(key.clone(), id);
        index.live_by_agent.insert(agent.clone(), id);
        Ok(NewShare { id, key })
    }

    /// The pending share with this key (what the customer typed, spaces allowed).
    pub fn find_by_key(&self, typed: &str) -> Result<Share, ShareError> {
        let key: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let index = self.index();
        let id = index
            .pending_by_key
            .get(&key)
            .ok_or(ShareError::UnknownKey)?;
        let cell = index.shares.get(id).ok_or(ShareError::UnknownKey)?;
        Ok(cell.share())
    }

    /// The share with this id.
    pub fn get(&self, id: SessionId) -> Option<Arc<ShareCell>> {
        self.index().shares.get(&id).cloned()
    }

    /// The customer accepted; the key can no longer be used by anyone.
    pub fn accept(&self, id: SessionId) -> Result<(), ShareError> {
        let mut index = self.index();
        let cell = index.shares.get(&id).cloned().ok_or(ShareError::Ended)?;
        cell.accept()?;
        let key = cell.lock().key.clone();
        index.pending_by_key.remove(&key);
        Ok(())
    }

    /// Attaches a connection to the share's signalling room.
    pub fn attach(&self, id: SessionId, role: Role) -> Result<(Arc<ShareCell>, Inbox), ShareError> {
        let cell = self.get(id).ok_or(ShareError::Ended)?;
        let conn: ConnId = self
            .next_conn
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let inbox = {
            let mut entry = cell.lock();
            if entry.share.state == ShareState::Ended {
                return Err(ShareError::Ended);
            }
            let inbox = entry.room.attach(conn, role);
            announce(&mut entry);
            inbox
        };
        Ok((cell, inbox))
    }

    /// Detaches a connection.
    pub fn detach(&self, id: SessionId, conn: ConnId) {
        if let Some(cell) = self.get(id) {
            cell.lock().room.detach(conn);
        }
    }

    /// Ends a share and tells both sides; false when unknown or already ended.
    pub fn end(&self, id: SessionId, reason: ShareEnd, now: Instant) -> bool {
        let mut index = self.index();
        let Some(cell) = index.shares.get(&id).cloned() else {
            return false;
        };
        let ended = cell.end(reason, now);
        if ended {
            let key = cell.lock().key.clone();
            index.pending_by_key.remove(&key);
            index.live_by_agent.retain(|_, share| *share != id);
        }
        ended
    }

    /// Ends every live share of the conversation.
    pub fn end_conversation(&self, conversation_id: &str, now: Instant) -> Vec<SessionId> {
        let linked: Vec<SessionId> = {
            let index = self.index();
            let shares = index.shares.values().map(|cell| cell.share());
            shares
                .filter(|s| {
                    s.state != ShareState::Ended
                        && s.conversation_id.as_deref() == Some(conversation_id)
                })
                .map(|s| s.id)
                .collect()
        };
        linked
            .into_iter()
            .filter(|&id| self.end(id, ShareEnd::InteractionEnded, now))
            .collect()
    }

    /// Expires requests not accepted in time and forgets long-ended shares.
    pub fn sweep(&self, now: Instant) -> Vec<SessionId> {
        let expired: Vec<SessionId> = {
            let mut index = self.index();
            index.shares.retain(|_, cell| {
                let ended_at = cell.lock().ended_at;
                ended_at.is_none_or(|at| now.saturating_duration_since(at) < ENDED_RETENTION)
            });
            let shares = index.shares.values().map(|cell| cell.share());
            shares
                .filter(|s| s.state == ShareState::Pending)
                .filter(|s| now.saturating_duration_since(s.created_at) >= self.accept_within)
                .map(|s| s.id)
                .collect()
        };
        expired
            .into_iter()
            .filter(|&id| self.end(id, ShareEnd::Expired, now))
            .collect()
    }
}

fn fresh_key(taken: impl Fn(&str) -> bool) -> String {
    let mut rng = rand::rng();
    loop {
        let key: String = (0..KEY_DIGITS)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect();
        if !taken(&key) {
            return key;
        }
    }
}
