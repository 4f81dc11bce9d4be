//! One agent-requested screen share's state machine: pending (waiting for the customer's key and
//! acceptance) → accepted → live → ended, with why it ended. Fields are private; each change
//! returns what [`Happened`]. The registry skeleton's view of it is in `machine.rs`.

mod machine;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::actor::{Actor, AgentId, Role};
use super::clock::{Activity, Timestamp};
use super::event::{Change, Happened, ShareEndReason};
use super::ids::{ShareId, TenantId};
use super::session::SharerKind;
use super::sink::Unrecorded;

/// Digits in a security key.
pub const KEY_DIGITS: usize = 6;

/// Where a screen share is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

impl ShareState {
    /// The state's name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareState::Pending => "pending",
            ShareState::Accepted => "accepted",
            ShareState::Live => "live",
            ShareState::Ended => "ended",
        }
    }
}

/// Why a screen share ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// One side went away and did not come back in time.
    Abandoned,
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
            ShareEnd::Abandoned => {
                "The other side left and did not come back in time; the screen share ended."
            }
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
    /// Someone already entered this key: a key opens its share once.
    #[error(
        "this key is already in use; if that was not you, tell your agent and ask for a new request"
    )]
    KeyInUse,
    /// The customer's side of the share is already open elsewhere.
    #[error("this screen share is already being shown from another window; stop it there first")]
    SharerConnected,
    /// The share is over.
    #[error("this screen share has ended; ask your agent to start a new one")]
    Ended,
    /// The call does not fit the share's state.
    #[error("the screen share is not waiting for that")]
    WrongState,
    /// The store could not record the change, so it did not happen.
    #[error(transparent)]
    Unrecorded(#[from] Unrecorded),
}

/// A change everyone connected to the share is told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareNotice {
    /// The new state.
    pub state: ShareState,
    /// Why it ended, once it has.
    pub reason: Option<ShareEnd>,
}

/// One screen share.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Share {
    id: ShareId,
    tenant: TenantId,
    agent: AgentId,
    agent_name: String,
    conversation: Option<String>,
    key: String,
    /// Whether someone entered the key: it opens the share once.
    #[serde(default)]
    key_used: bool,
    state: ShareState,
    end_reason: Option<ShareEnd>,
    created_at: Timestamp,
    ended_at: Option<Timestamp>,
    last_activity: Activity,
    /// Since when the agent's side has been away.
    #[serde(default)]
    agent_gone_since: Option<Timestamp>,
    /// Since when the customer's side has been away.
    #[serde(default)]
    customer_gone_since: Option<Timestamp>,
}

impl Share {
    /// A new pending share with its key, and the change that says so.
    pub fn start(
        tenant: TenantId,
        agent: &AgentId,
        agent_name: &str,
        conversation: Option<String>,
        key: String,
        now: Timestamp,
    ) -> (Self, Vec<Happened>) {
        let requested = Change::ShareRequested {
            conversation: conversation.clone(),
        };
        let share = Self {
            id: ShareId::generate(),
            tenant,
            agent: agent.clone(),
            agent_name: agent_name.to_owned(),
            conversation,
            key,
            key_used: false,
            state: ShareState::Pending,
            end_reason: None,
            created_at: now,
            ended_at: None,
            last_activity: Activity::new(now),
            agent_gone_since: None,
            customer_gone_since: None,
        };
        let asker = Actor::agent(agent, agent_name);
        (share, vec![Happened::new(asker, requested)])
    }

    /// Its id.
    pub fn id(&self) -> ShareId {
        self.id
    }

    /// The agent who asked.
    pub fn agent(&self) -> &AgentId {
        &self.agent
    }

    /// Their name, shown to the customer.
    pub fn agent_name(&self) -> &str {
        &self.agent_name
    }

    /// The conversation it belongs to.
    pub fn conversation_id(&self) -> Option<&str> {
        self.conversation.as_deref()
    }

    /// Where it is.
    pub fn state(&self) -> ShareState {
        self.state
    }

    /// Why it ended.
    pub fn end_reason(&self) -> Option<ShareEnd> {
        self.end_reason
    }

    /// When the agent asked.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// The security key the customer types.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether this pending share has that key (used or not).
    pub fn has_key(&self, key: &str) -> bool {
        self.state == ShareState::Pending && self.key == key
    }

    /// The customer entered the key: it is used up, and whoever enters it next is refused.
    pub fn use_key(&mut self) -> Result<Vec<Happened>, ShareError> {
        if self.state != ShareState::Pending {
            return Err(ShareError::Ended);
        }
        if self.key_used {
            return Err(ShareError::KeyInUse);
        }
        self.key_used = true;
        Ok(vec![Happened::new(Actor::customer(), Change::ShareKeyUsed)])
    }

    /// Whether the customer who accepted is connected now (nobody may take their place).
    fn sharer_connected(&self) -> bool {
        matches!(self.state, ShareState::Accepted | ShareState::Live)
            && self.customer_gone_since.is_none()
    }

    /// The customer accepted the request: consent to be seen.
    pub fn accept(&mut self, now: Timestamp) -> Result<Vec<Happened>, ShareError> {
        self.move_to(&[ShareState::Pending], ShareState::Accepted)?;
        self.last_activity.touch(now);
        let started = Change::ShareStarted {
            sharer: SharerKind::Customer,
            took_over_from: None,
        };
        Ok(vec![Happened::new(Actor::customer(), started)])
    }

    /// The agent's console shows the first frame.
    pub fn mark_live(&mut self, now: Timestamp) -> Result<Vec<Happened>, ShareError> {
        let was = self.state;
        self.move_to(&[ShareState::Accepted, ShareState::Live], ShareState::Live)?;
        self.last_activity.touch(now);
        if was == ShareState::Live {
            return Ok(Vec::new());
        }
        let agent = Actor::agent(&self.agent, &self.agent_name);
        Ok(vec![Happened::new(agent, Change::ShareConnected)])
    }

    fn move_to(&mut self, from: &[ShareState], to: ShareState) -> Result<(), ShareError> {
        match self.state {
            ShareState::Ended => Err(ShareError::Ended),
            state if !from.contains(&state) => Err(ShareError::WrongState),
            _ => {
                self.state = to;
                Ok(())
            }
        }
    }

    /// Ends it for good; nothing when it had already ended.
    pub fn end(&mut self, reason: ShareEnd, by: Actor, now: Timestamp) -> Vec<Happened> {
        if self.state == ShareState::Ended {
            return Vec::new();
        }
        self.state = ShareState::Ended;
        self.end_reason = Some(reason);
        self.ended_at = Some(now);
        let ended = Change::ShareEnded {
            reason: ShareEndReason::Share(reason),
        };
        vec![Happened::new(by, ended)]
    }

    /// The actor a connection's role stands for.
    pub fn actor(&self, role: &Role) -> Actor {
        match role {
            Role::Customer => Actor::customer(),
            Role::Agent(_) => Actor::agent(&self.agent, &self.agent_name),
            Role::Supervisor(id) => Actor::supervisor(id, "a supervisor"),
        }
    }

    /// Which time limit has run out at `now`, if any.
    fn due(&self, now: Timestamp, accept_within: Duration, grace: Duration) -> Option<ShareEnd> {
        match self.state {
            ShareState::Pending if now.since(self.created_at) >= accept_within => {
                Some(ShareEnd::Expired)
            }
            ShareState::Accepted | ShareState::Live
                if [self.agent_gone_since, self.customer_gone_since]
                    .into_iter()
                    .flatten()
                    .any(|at| now.since(at) >= grace) =>
            {
                Some(ShareEnd::Abandoned)
            }
            _ => None,
        }
    }
}
