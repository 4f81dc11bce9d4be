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

/// An agent's pending request for write mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRequest {
    /// Who asked.
    pub agent: AgentId,
    /// Their name, shown in the customer's prompt.
    pub agent_name: String,
    /// When they asked; the request lapses after the configured time.
    pub asked_at: Instant,
}

/// How the last control request or grant ended, so agents can be told why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlOutcome {
    /// The customer approved.
    Approved,
    /// The customer declined.
    Denied,
    /// Nobody answered in time.
    Lapsed,
    /// Control went back to pointer mode (the customer took it back, or the agent handed it back).
    Revoked,
}

/// Why a control request, answer or action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// The session is not active, or has ended.
    #[error("control can only be asked for while the agent is connected to a live session")]
    NotActive,
    /// Control is already granted.
    #[error("you already have control of the page")]
    AlreadyGranted,
    /// There is no request to answer.
    #[error("there is no control request to answer; it may have lapsed")]
    NothingToAnswer,
    /// The agent is in pointer mode.
    #[error("you are in pointer mode: request control and wait for the customer to approve")]
    PointerMode,
    /// Only the customer may do this.
    #[error("only the customer can do that")]
    CustomerOnly,
    /// Only an agent may do this.
    #[error("only an agent can do that")]
    AgentOnly,
}

/// Who shows their screen inside a co-browse session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sharer {
    /// The customer shows their screen to the agents.
    Customer,
    /// An agent shows their screen to the customer.
    Agent {
        /// Which agent.
        id: AgentId,
        /// Their name.
        name: String,
    },
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
    /// An agent's request for write mode, waiting for the customer.
    pub control_request: Option<ControlRequest>,
    /// How the last request or grant ended.
    pub control_outcome: Option<ControlOutcome>,
    /// Who shows their screen inside the session, if anyone.
    pub sharer: Option<Sharer>,
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
            control_request: None,
            control_outcome: None,
            sharer: None,
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
        self.control = ControlMode::Pointer;
        self.control_request = None;
        self.sharer = None;
        true
    }

    /// `who` starts showing their screen; returns the agent it takes over from, if any.
    pub fn start_share(&mut self, who: Sharer) -> Result<Option<AgentId>, ControlError> {
        if self.state != State::Active {
            return Err(ControlError::NotActive);
        }
        if let Sharer::Agent { id, .. } = &who {
            if !self.agents.contains(id) {
                return Err(ControlError::NotActive);
            }
        }
        let previous = match self.sharer.replace(who.clone()) {
            Some(Sharer::Agent { id, .. }) if Some(&id) != sharer_agent(&who) => Some(id),
            _ => None,
        };
        Ok(previous)
    }

    /// `who` stops showing their screen; false when they were not the one sharing.
    pub fn stop_share(&mut self, who: &Sharer) -> bool {
        let sharing = match (&self.sharer, who) {
            (Some(Sharer::Customer), Sharer::Customer) => true,
            (Some(Sharer::Agent { id, .. }), Sharer::Agent { id: stopper, .. }) => id == stopper,
            _ => false,
        };
        if sharing {
            self.sharer = None;
        }
        sharing
    }

    /// Records an agent's request for write mode (a newer request replaces an older one).
    pub fn request_control(
        &mut self,
        agent: &AgentId,
        agent_name: &str,
        now: Instant,
    ) -> Result<(), ControlError> {
        if self.state != State::Active || !self.agents.contains(agent) {
            return Err(ControlError::NotActive);
        }
        if self.control == ControlMode::Write {
            return Err(ControlError::AlreadyGranted);
        }
        self.control_outcome = None;
        self.control_request = Some(ControlRequest {
            agent: agent.clone(),
            agent_name: agent_name.to_owned(),
            asked_at: now,
        });
        Ok(())
    }

    /// The customer's answer to the pending request.
    pub fn answer_control(&mut self, approved: bool) -> Result<(), ControlError> {
        if self.control_request.take().is_none() {
            return Err(ControlError::NothingToAnswer);
        }
        if approved && self.state == State::Active {
            self.control = ControlMode::Write;
        }
        self.control_outcome = Some(if approved {
            ControlOutcome::Approved
        } else {
            ControlOutcome::Denied
        });
        Ok(())
    }

    /// Back to pointer mode (the customer revokes, or the agent hands control back).
    pub fn revoke_control(&mut self) {
        if self.control == ControlMode::Write || self.control_request.is_some() {
            self.control_outcome = Some(ControlOutcome::Revoked);
        }
        self.control = ControlMode::Pointer;
        self.control_request = None;
    }

    /// Drops a request older than `lapse`; returns true when one lapsed.
    pub fn lapse_control_request(&mut self, now: Instant, lapse: std::time::Duration) -> bool {
        let lapsed = self
            .control_request
            .as_ref()
            .is_some_and(|request| now.saturating_duration_since(request.asked_at) >= lapse);
        if lapsed {
            self.control_request = None;
            self.control_outcome = Some(ControlOutcome::Lapsed);
        }
        lapsed
    }
}

fn sharer_agent(sharer: &Sharer) -> Option<&AgentId> {
    match sharer {
        Sharer::Agent { id, .. } => Some(id),
        Sharer::Customer => None,
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
    fn write_mode_needs_a_request_and_the_customers_approval() {
        let mut s = session();
        let agent = AgentId("a".into());
        assert_eq!(
            s.request_control(&agent, "Ann", Instant::now()),
            Err(ControlError::NotActive)
        );
        s.join(&agent, Instant::now()).unwrap();
        assert_eq!(s.answer_control(true), Err(ControlError::NothingToAnswer));
        s.request_control(&agent, "Ann", Instant::now()).unwrap();
        s.answer_control(true).unwrap();
        assert_eq!(s.control, ControlMode::Write);
        s.revoke_control();
        assert_eq!(s.control, ControlMode::Pointer);
    }

    #[test]
    fn a_denied_request_leaves_pointer_mode() {
        let mut s = session();
        let agent = AgentId("a".into());
        s.join(&agent, Instant::now()).unwrap();
        s.request_control(&agent, "Ann", Instant::now()).unwrap();
        s.answer_control(false).unwrap();
        assert_eq!(s.control, ControlMode::Pointer);
        assert!(s.control_request.is_none());
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
