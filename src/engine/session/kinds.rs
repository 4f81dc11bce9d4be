//! The words of a co-browse session: its states, why it ends, control modes and outcomes, who
//! shares a screen inside it, and why a join or a control call is refused.

use serde::{Deserialize, Serialize};

use crate::engine::actor::AgentId;
use crate::engine::clock::Timestamp;
use crate::engine::ids::SessionId;
use crate::engine::sink::Unrecorded;

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Started by the customer, no agent yet.
    Idle,
    /// An agent has joined.
    Active,
    /// Over for good; a new session needs a new id.
    Ended,
}

impl State {
    /// The state's name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Idle => "idle",
            State::Active => "active",
            State::Ended => "ended",
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ControlMode {
    /// The agent only points.
    Pointer,
    /// The customer let the agent act on the page.
    Write,
}

/// How the last control request or grant ended, so agents can be told why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

/// An agent's pending request for write mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlRequest {
    /// Who asked.
    pub agent: AgentId,
    /// Their name, shown in the customer's prompt.
    pub agent_name: String,
    /// When they asked; the request lapses after the configured time.
    pub asked_at: Timestamp,
}

/// Who shows their screen inside a co-browse session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl Sharer {
    /// Which side shares.
    pub fn kind(&self) -> SharerKind {
        match self {
            Sharer::Customer => SharerKind::Customer,
            Sharer::Agent { .. } => SharerKind::Agent,
        }
    }
}

/// Which side shows its screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharerKind {
    /// The customer.
    Customer,
    /// An agent.
    Agent,
}

/// An agent admitted to the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    /// Who.
    pub agent: AgentId,
    /// Their name as shown.
    pub name: String,
    /// When they joined.
    pub joined_at: Timestamp,
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
    /// The customer turned the agent away.
    #[error(
        "the customer did not let you join session {0}; ask them in the conversation, then join again"
    )]
    TurnedAway(SessionId),
    /// The agent is already in another live co-browse.
    #[error("you are already in co-browse session {0}; end it before joining another")]
    AgentBusy(SessionId),
    /// The supervisor already watches as many live sessions as one may.
    #[error("you already watch {0} live sessions; close one of them to watch another")]
    WatchingEnough(usize),
    /// The store could not record the join, so it did not happen.
    #[error(transparent)]
    Unrecorded(#[from] Unrecorded),
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
    /// Another agent's control request waits for the customer.
    #[error(
        "{0} is already waiting for the customer to answer a control request; try again once they have answered"
    )]
    RequestPending(String),
    /// Another agent has control.
    #[error("{0} has control of the page; they can hand it back, or the customer can take it back")]
    HeldBy(String),
    /// The agent sending an action is not the one the customer gave control to.
    #[error(
        "the customer gave control to another agent; request control and wait for the customer to approve"
    )]
    NotInControl,
    /// No agent with that handle is asking to join.
    #[error("that agent is no longer asking to join")]
    NoSuchJoinRequest,
    /// The store could not record the change, so it did not happen.
    #[error(transparent)]
    Unrecorded(#[from] Unrecorded),
}
