//! Engine events: every state change of a co-browse session, a screen share or a tenant's
//! settings is one [`Event`], emitted to one sink (see [`super::sink`]). The audit trail, the
//! stored state of sessions, and the end-of-session log line are all read from these.

use serde_json::{Value, json};

use super::actor::{Actor, AgentId};
use super::clock::Timestamp;
use super::ids::{SessionId, ShareId, TenantId};
use super::session::{EndReason, Session, SharerKind};
use super::share::{Share, ShareEnd};

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A co-browse session.
    Session(SessionId),
    /// A screen share started with a key.
    Share(ShareId),
    /// The tenant as a whole (its settings, an agent's sign-in).
    Tenant,
}

impl Subject {
    /// The id the audit's `session` field shows: a session id, a share id, or none.
    pub fn audit_id(&self) -> Option<String> {
        match self {
            Subject::Session(id) => Some(id.to_string()),
            Subject::Share(id) => Some(id.to_string()),
            Subject::Tenant => None,
        }
    }
}

/// The state of a session or share after a change: what the store keeps.
#[derive(Debug, Clone)]
pub enum Snapshot {
    /// A co-browse session.
    Session(Box<Session>),
    /// A screen share.
    Share(Share),
}

/// One state change and who made it, before it is stamped with time and place.
#[derive(Debug, Clone, PartialEq)]
pub struct Happened {
    /// Who did it.
    pub actor: Actor,
    /// What changed.
    pub change: Change,
}

impl Happened {
    /// `actor` made `change`.
    pub fn new(actor: Actor, change: Change) -> Self {
        Self { actor, change }
    }
}

/// One state change: when, where, who, what, and the subject's state after it.
#[derive(Debug, Clone)]
pub struct Event {
    /// When it happened.
    pub at: Timestamp,
    /// Whose it is.
    pub tenant: TenantId,
    /// What it is about.
    pub subject: Subject,
    /// Who did it.
    pub actor: Actor,
    /// What changed.
    pub change: Change,
    /// The subject's state after the change, when the subject is a session or share.
    pub after: Option<Snapshot>,
}

/// Every kind of state change. Details never carry page content, typed values, tokens or keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The customer started a co-browse session.
    SessionCreated {
        /// The conversation it belongs to.
        conversation: Option<String>,
    },
    /// An agent was admitted to the session, or a party came back after leaving.
    SessionJoined {
        /// True when a party who had left (or lost the connection) came back.
        reconnected: bool,
    },
    /// A party's last connection went away.
    SessionLeft,
    /// The node came back after stopping while the session was live; the parties reconnect.
    SessionResumed {
        /// When the node was last known to be running.
        stopped_at: Timestamp,
        /// Whether it stopped cleanly.
        clean: bool,
    },
    /// The session ended for good.
    SessionEnded {
        /// Why.
        reason: EndReason,
    },
    /// An agent asked for write mode.
    ControlRequested,
    /// The customer let the agent act on the page.
    ControlApproved {
        /// The agent who now has control.
        agent: AgentId,
    },
    /// The customer declined.
    ControlDenied {
        /// The agent who asked.
        agent: AgentId,
    },
    /// Nobody answered the request in time.
    ControlLapsed {
        /// The agent who asked.
        agent: AgentId,
    },
    /// Back to pointer mode (taken back by the customer, or handed back by the agent).
    ControlRevoked {
        /// The agent who had control or had asked for it.
        agent: AgentId,
    },
    /// An agent asked to see the customer's screen (with a key, or inside a session).
    ShareRequested {
        /// The conversation it belongs to.
        conversation: Option<String>,
    },
    /// Someone started showing their screen (for a key share: the customer accepted).
    ShareStarted {
        /// Whose screen.
        sharer: SharerKind,
        /// The agent whose screen was shown before, when this one took over.
        took_over_from: Option<AgentId>,
    },
    /// The agent's console shows the customer's screen.
    ShareConnected,
    /// The customer entered the share's key, which is then used up.
    ShareKeyUsed,
    /// An agent asked to join a session other agents hold; the customer is asked.
    JoinRequested,
    /// The customer let a waiting agent in.
    JoinAllowed {
        /// Who was let in.
        agent: AgentId,
    },
    /// The customer turned a waiting agent away.
    JoinDenied {
        /// Who was turned away.
        agent: AgentId,
    },
    /// A waiting agent gave up before the customer answered.
    JoinWithdrawn,
    /// A screen share ended.
    ShareEnded {
        /// Why: a [`ShareEnd`] for key shares, `stopped` inside a session.
        reason: ShareEndReason,
    },
    /// The node came back after stopping while the share was live.
    ShareResumed {
        /// When the node was last known to be running.
        stopped_at: Timestamp,
        /// Whether it stopped cleanly.
        clean: bool,
    },
    /// The tenant's administrator changed a setting.
    SettingsChanged {
        /// Which setting (`bookmarks`).
        setting: &'static str,
        /// What changed, without secrets.
        detail: Value,
    },
    /// An agent signed in.
    AgentSignedIn {
        /// How (`development`, `entra_id`).
        method: &'static str,
    },
    /// A supervisor opened the session's recording to watch it.
    RecordingViewed,
    /// A supervisor started watching the live session (read-only).
    WatchStarted,
    /// A supervisor asked the customer to let them watch (the tenant's policy wants consent).
    WatchRequested,
    /// The customer let a supervisor watch.
    WatchAllowed {
        /// Who may watch.
        supervisor: AgentId,
    },
    /// The customer did not let a supervisor watch.
    WatchDenied {
        /// Who was turned away.
        supervisor: AgentId,
    },
    /// A supervisor waiting to watch gave up before the customer answered.
    WatchWithdrawn,
    /// A supervisor asked the customer to let them step in as an agent.
    StepInRequested,
}

/// Why a screen share ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareEndReason {
    /// A key share's end.
    Share(ShareEnd),
    /// The sharer stopped showing their screen inside a co-browse session.
    Stopped,
}

impl Change {
    /// The audit's action name, e.g. `session.joined`.
    pub fn action(&self) -> &'static str {
        match self {
            Change::SessionCreated { .. } => "session.created",
            Change::SessionJoined { .. } => "session.joined",
            Change::SessionLeft => "session.left",
            Change::SessionResumed { .. } => "session.resumed",
            Change::SessionEnded { .. } => "session.ended",
            Change::ControlRequested => "control.requested",
            Change::ControlApproved { .. } => "control.approved",
            Change::ControlDenied { .. } => "control.denied",
            Change::ControlLapsed { .. } => "control.lapsed",
            Change::ControlRevoked { .. } => "control.revoked",
            Change::ShareRequested { .. } => "share.requested",
            Change::ShareStarted { .. } => "share.started",
            Change::ShareConnected => "share.connected",
            Change::ShareKeyUsed => "share.key_used",
            Change::JoinRequested => "session.join_requested",
            Change::JoinAllowed { .. } => "session.join_allowed",
            Change::JoinDenied { .. } => "session.join_denied",
            Change::JoinWithdrawn => "session.join_withdrawn",
            Change::ShareEnded { .. } => "share.ended",
            Change::ShareResumed { .. } => "share.resumed",
            Change::SettingsChanged { .. } => "settings.changed",
            Change::AgentSignedIn { .. } => "agent.signed_in",
            Change::RecordingViewed => "recording.viewed",
            Change::WatchStarted => "session.watched",
            Change::WatchRequested => "session.watch_requested",
            Change::WatchAllowed { .. } => "session.watch_allowed",
            Change::WatchDenied { .. } => "session.watch_denied",
            Change::WatchWithdrawn => "session.watch_withdrawn",
            Change::StepInRequested => "session.step_in_requested",
        }
    }

    /// The audit's `detail`: the facts of the change, never content.
    pub fn detail(&self, at: Timestamp) -> Value {
        match self {
            Change::SessionCreated { conversation } | Change::ShareRequested { conversation } => {
                json!({ "conversation": conversation })
            }
            Change::SessionJoined { reconnected } => json!({ "reconnected": reconnected }),
            Change::SessionLeft
            | Change::ControlRequested
            | Change::ShareConnected
            | Change::ShareKeyUsed
            | Change::JoinRequested
            | Change::JoinWithdrawn
            | Change::RecordingViewed
            | Change::WatchStarted
            | Change::WatchRequested
            | Change::WatchWithdrawn
            | Change::StepInRequested => json!({}),
            Change::JoinAllowed { agent } | Change::JoinDenied { agent } => {
                json!({ "agent": agent.0 })
            }
            Change::WatchAllowed { supervisor } | Change::WatchDenied { supervisor } => {
                json!({ "supervisor": supervisor.0 })
            }
            Change::SessionResumed { stopped_at, clean }
            | Change::ShareResumed { stopped_at, clean } => json!({
                "stopped_at": stopped_at.rfc3339(),
                "gap_ms": u64::try_from(at.since(*stopped_at).as_millis()).unwrap_or(u64::MAX),
                "clean": clean,
            }),
            Change::SessionEnded { reason } => json!({ "reason": reason }),
            Change::ControlApproved { agent }
            | Change::ControlDenied { agent }
            | Change::ControlLapsed { agent }
            | Change::ControlRevoked { agent } => json!({ "agent": agent.0 }),
            Change::ShareStarted {
                sharer,
                took_over_from,
            } => {
                json!({ "sharer": sharer, "took_over_from": took_over_from.as_ref().map(|a| &a.0) })
            }
            Change::ShareEnded { reason } => match reason {
                ShareEndReason::Share(end) => json!({ "reason": end }),
                ShareEndReason::Stopped => json!({ "reason": "stopped" }),
            },
            Change::SettingsChanged { setting, detail } => {
                json!({ "setting": setting, "change": detail })
            }
            Change::AgentSignedIn { method } => json!({ "method": method }),
        }
    }

    /// Whether the change may only take effect once it is recorded. Changes that give someone
    /// more (a join, control, a screen) are refused when the store cannot record them; changes
    /// that take something away (ending, revoking, leaving) always take effect.
    pub fn needs_record(&self) -> bool {
        !matches!(
            self,
            Change::SessionLeft
                | Change::SessionEnded { .. }
                | Change::ControlDenied { .. }
                | Change::ControlLapsed { .. }
                | Change::ControlRevoked { .. }
                | Change::ShareEnded { .. }
                | Change::JoinDenied { .. }
                | Change::JoinWithdrawn
                | Change::WatchDenied { .. }
                | Change::WatchWithdrawn
        )
    }
}
