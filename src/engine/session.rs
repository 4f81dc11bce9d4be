//! One co-browse session's state machine: idle → active → ended, with the reason it ended.

use std::fmt;

use serde::Serialize;
use tokio::time::Instant;

use super::ids::SessionId;

/// Who an agent is: the stable subject of their sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct AgentId(pub String);

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Started by the customer, no agent yet.
    Idle,
    /// An agent has joined.
    Active,
    /// Over for good; a new session needs a new id.
    Ended,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The customer pressed Exit.
    CustomerExit,
    /// The agent ended it, or closed the app tab.
    AgentExit,
    /// The chat or call it belongs to ended.
    InteractionEnded,
    /// No agent joined in time.
    IdleExpired,
    /// Neither side did anything for the inactivity time.
    Inactivity,
    /// The agent's console went away and did not come back in time.
    AgentAway,
}

impl EndReason {
    /// A sentence for people, shown to both parties.
    pub fn describe(self) -> &'static str {
        match self {
            EndReason::CustomerExit => "The customer ended the session.",
            EndReason::AgentExit => "The agent ended the session.",
            EndReason::InteractionEnded => "The conversation ended, and the session with it.",
            EndReason::IdleExpired => "No agent joined in time; the session expired.",
            EndReason::Inactivity => "Nothing happened for a while; the session ended.",
            EndReason::AgentAway => "The agent left and did not come back in time.",
        }
    }
}

/// Who sees the customer's page and points at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlMode {
    /// The agent only points.
    Pointer,
    /// The customer let the agent act on the page.
    Write,
}

/// Why a join was refused; each says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    /// The session is over.
    #[error(
        "session {0} has ended; ask the customer to start a new session and read out the new id"
    )]
    Ended(SessionId),
    /// No live session has that id.
    #[error("no live session has id {0}; check the nine digits with the customer")]
    NotFound(SessionId),
    /// The agent is already in another live co-browse.
    #[error("you are already in co-browse session {0}; end it before joining another")]
    AgentBusy(SessionId),
}

/// One session's facts.
#[derive(Debug, Clone)]
pub struct Session {
    /// The id the customer reads out.
    pub id: SessionId,
    /// The Omnichannel conversation it belongs to, when the site passed one.
    pub conversation_id: Option<String>,
    /// Where it is in its life.
    pub state: State,
    /// Why it ended, once it has.
    pub end_reason: Option<EndReason>,
    /// The agents who joined, in order.
    pub agents: Vec<AgentId>,
    /// Pointer or write.
    pub control: ControlMode,
    /// When the customer started it.
    pub created_at: Instant,
    /// The last thing either side did.
    pub last_activity: Instant,
}

impl Session {
    /// A new idle session.
    pub fn new(id: SessionId, conversation_id: Option<String>, now: Instant) -> Self {
        Self {
            id,
            conversation_id,
            state: State::Idle,
            end_reason: None,
            agents: Vec::new(),
            control: ControlMode::Pointer,
            created_at: now,
            last_activity: now,
        }
    }

    /// Whether the session can still be joined or used.
    pub fn is_live(&self) -> bool {
        self.state != State::Ended
    }

    /// Adds the agent and makes the session active; an agent already in it may reconnect.
    pub fn join(&mut self, agent: &AgentId, now: Instant) -> Result<bool, JoinError> {
        if !self.is_live() {
            return Err(JoinError::Ended(self.id));
        }
        self.last_activity = now;
        if self.agents.contains(agent) {
            return Ok(false);
        }
        self.agents.push(agent.clone());
        self.state = State::Active;
        Ok(true)
    }

    /// Ends the session for good; returns false when it had already ended.
    pub fn end(&mut self, reason: EndReason) -> bool {
        if !self.is_live() {
            return false;
        }
        self.state = State::Ended;
        self.end_reason = Some(reason);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new("123456789".parse().unwrap(), None, Instant::now())
    }

    #[test]
    fn a_join_makes_an_idle_session_active() {
        let mut s = session();
        assert_eq!(s.state, State::Idle);
        assert_eq!(s.join(&AgentId("a".into()), Instant::now()), Ok(true));
        assert_eq!(s.state, State::Active);
    }

    #[test]
    fn an_ended_session_refuses_joins_and_keeps_its_first_reason() {
        let mut s = session();
        assert!(s.end(EndReason::CustomerExit));
        assert!(!s.end(EndReason::AgentExit));
        assert_eq!(s.end_reason, Some(EndReason::CustomerExit));
        let refused = s.join(&AgentId("a".into()), Instant::now()).unwrap_err();
        assert!(refused.to_string().contains("start a new session"));
    }

    #[test]
    fn the_same_agent_may_reconnect_to_a_live_session() {
        let mut s = session();
        let agent = AgentId("a".into());
        s.join(&agent, Instant::now()).unwrap();
        assert_eq!(s.join(&agent, Instant::now()), Ok(false));
        assert_eq!(s.agents.len(), 1);
    }
}
