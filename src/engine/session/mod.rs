//! One co-browse session's state machine: idle → active → ended with the reason it ended, its
//! agents and who waits for consent to join (`consent.rs`), control and in-session screen
//! sharing (in `control.rs` and `sharing.rs`), its activity
//! clock and grace timer. Its fields are private: every change goes through a method that returns
//! what [`Happened`], and the registry records that before anyone is told (`tell.rs`).

mod consent;
mod control;
mod kinds;
mod machine;
mod rendezvous;
mod sharing;
mod tell;
mod watch;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use consent::agent_handle;
pub use kinds::{
    ControlError, ControlMode, ControlOutcome, ControlRequest, EndReason, JoinError, Seat, Sharer,
    SharerKind, State,
};
pub use rendezvous::{BadPairingKey, PairingKey, Rendezvous};
pub use watch::{MAX_WATCHED, Watch};

use super::actor::{Actor, AgentId, Role};
use super::clock::{Activity, Timestamp};
use super::event::{Change, Happened};
use super::ids::{SessionId, TenantId};

/// One co-browse session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    id: SessionId,
    tenant: TenantId,
    conversation: Option<String>,
    /// The digest of the pairing key the customer's script put into the chat's context.
    #[serde(default)]
    pairing: Option<PairingKey>,
    state: State,
    end_reason: Option<EndReason>,
    agents: Vec<Seat>,
    /// Agents who asked to join a session others hold, waiting for the customer's answer.
    #[serde(default)]
    waiting: Vec<Seat>,
    /// Agents the customer turned away (until they ask again): a console of theirs that
    /// connects late hears so, not that the session is unknown.
    #[serde(default)]
    turned_away: BTreeSet<AgentId>,
    control: ControlMode,
    control_holder: Option<AgentId>,
    control_request: Option<ControlRequest>,
    control_outcome: Option<ControlOutcome>,
    sharer: Option<Sharer>,
    created_at: Timestamp,
    ended_at: Option<Timestamp>,
    last_activity: Activity,
    /// Since when no agent console has been connected to an active session.
    #[serde(default)]
    agents_gone_since: Option<Timestamp>,
    /// Parties whose connections went away; their return is a `session.joined` again.
    #[serde(default)]
    departed: BTreeSet<Role>,
    /// Supervisors let in to watch, read-only (`watch.rs`).
    #[serde(default)]
    watchers: Vec<Seat>,
    /// Supervisors asking the customer to let them watch (when the tenant's policy says so).
    #[serde(default)]
    watch_requests: Vec<Seat>,
    /// Of the agents waiting, the supervisors stepping in: they always ask the customer first.
    #[serde(default)]
    stepping_in: BTreeSet<AgentId>,
}

impl Session {
    /// A new idle session the customer started, and the change that says so.
    pub fn start(
        id: SessionId,
        tenant: TenantId,
        rendezvous: Rendezvous,
        now: Timestamp,
    ) -> (Self, Vec<Happened>) {
        let Rendezvous {
            conversation,
            pairing,
        } = rendezvous;
        let created = Change::SessionCreated {
            conversation: conversation.clone(),
        };
        let session = Self {
            id,
            tenant,
            conversation,
            pairing,
            state: State::Idle,
            end_reason: None,
            agents: Vec::new(),
            waiting: Vec::new(),
            turned_away: BTreeSet::new(),
            control: ControlMode::Pointer,
            control_holder: None,
            control_request: None,
            control_outcome: None,
            sharer: None,
            created_at: now,
            ended_at: None,
            last_activity: Activity::new(now),
            agents_gone_since: None,
            departed: BTreeSet::new(),
            watchers: Vec::new(),
            watch_requests: Vec::new(),
            stepping_in: BTreeSet::new(),
        };
        (session, vec![Happened::new(Actor::customer(), created)])
    }

    /// The id the customer reads out.
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// The organisation it belongs to.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// Whether it was started with this pairing key.
    pub fn paired_with(&self, key: &PairingKey) -> bool {
        self.pairing.as_ref() == Some(key)
    }

    /// The Omnichannel conversation it belongs to, when the site passed one.
    pub fn conversation_id(&self) -> Option<&str> {
        self.conversation.as_deref()
    }

    /// Where it is in its life.
    pub fn state(&self) -> State {
        self.state
    }

    /// Why it ended, once it has.
    pub fn end_reason(&self) -> Option<EndReason> {
        self.end_reason
    }

    /// The agents admitted, in the order they joined.
    pub fn agents(&self) -> &[Seat] {
        &self.agents
    }

    /// Whether `agent` has joined.
    pub fn has_agent(&self, agent: &AgentId) -> bool {
        self.agents.iter().any(|seat| seat.agent == *agent)
    }

    /// Pointer or write.
    pub fn control(&self) -> ControlMode {
        self.control
    }

    /// The agent the customer gave control to, while in write mode.
    pub fn control_holder(&self) -> Option<&AgentId> {
        self.control_holder.as_ref()
    }

    /// An agent's request for write mode, waiting for the customer.
    pub fn control_request(&self) -> Option<&ControlRequest> {
        self.control_request.as_ref()
    }

    /// How the last request or grant ended.
    pub fn control_outcome(&self) -> Option<ControlOutcome> {
        self.control_outcome
    }

    /// Who shows their screen inside the session, if anyone.
    pub fn sharer(&self) -> Option<&Sharer> {
        self.sharer.as_ref()
    }

    /// When the customer started it.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// When it ended.
    pub fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }

    /// The last thing either side did.
    pub fn last_activity(&self) -> Timestamp {
        self.last_activity.last()
    }

    /// Marks that someone did something at `now`.
    pub fn touch(&self, now: Timestamp) {
        self.last_activity.touch(now);
    }

    /// Since when no agent console has been connected to the active session.
    pub fn agents_gone_since(&self) -> Option<Timestamp> {
        self.agents_gone_since
    }

    /// Whether the session can still be joined or used.
    pub fn is_live(&self) -> bool {
        self.state != State::Ended
    }

    /// Admits the first agent and makes the session active; any later agent asks the customer
    /// and waits (`consent.rs`); an agent already in it, or already asking, changes nothing.
    /// `agents_connected` agent consoles are connected now.
    pub fn join(
        &mut self,
        agent: &AgentId,
        name: &str,
        agents_connected: usize,
        now: Timestamp,
    ) -> Result<Vec<Happened>, JoinError> {
        if !self.is_live() {
            // Only those who were in it learn that it ended; to anyone else an ended id is as
            // unknown as one never drawn.
            return Err(if self.has_agent(agent) {
                JoinError::Ended(self.id)
            } else {
                JoinError::NotFound(self.id)
            });
        }
        self.last_activity.touch(now);
        if self.has_agent(agent) {
            return Ok(Vec::new());
        }
        if !self.agents.is_empty() {
            return Ok(self.ask_to_join(agent, name, now));
        }
        self.agents.push(Seat {
            agent: agent.clone(),
            name: name.to_owned(),
            joined_at: now,
        });
        self.state = State::Active;
        if agents_connected == 0 && self.agents_gone_since.is_none() {
            // An agent who joins but whose console never connects is held to the same grace period.
            self.agents_gone_since = Some(now);
        }
        let joined = Change::SessionJoined { reconnected: false };
        Ok(vec![Happened::new(Actor::agent(agent, name), joined)])
    }

    /// Ends the session for good; nothing when it had already ended.
    pub fn end(&mut self, reason: EndReason, by: Actor, now: Timestamp) -> Vec<Happened> {
        if !self.is_live() {
            return Vec::new();
        }
        self.state = State::Ended;
        self.end_reason = Some(reason);
        self.ended_at = Some(now);
        self.control = ControlMode::Pointer;
        self.control_holder = None;
        self.control_request = None;
        self.sharer = None;
        self.waiting.clear();
        self.watch_requests.clear();
        self.stepping_in.clear();
        vec![Happened::new(by, Change::SessionEnded { reason })]
    }

    /// The actor a connection's role stands for, with the agent's name when known.
    pub fn actor(&self, role: &Role) -> Actor {
        match role {
            Role::Customer => Actor::customer(),
            Role::Agent(id) => Actor::agent(id, self.agent_name(id)),
            Role::Supervisor(id) => Actor::supervisor(id, self.watcher_name(id)),
        }
    }

    pub(super) fn agent_name(&self, agent: &AgentId) -> &str {
        self.agents
            .iter()
            .chain(&self.waiting)
            .find(|seat| seat.agent == *agent)
            .map_or("an agent", |seat| seat.name.as_str())
    }
}
