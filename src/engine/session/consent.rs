//! Consent per agent: the first agent joins on the id the customer read out; any other agent
//! asks, waits without seeing anything, and is let in or turned away by the customer, as does a
//! supervisor stepping in (always) or asking to watch (`watch.rs`). An agent who gives up before
//! the answer withdraws the request.

use sha2::{Digest, Sha256};

use super::{ControlError, JoinError, Seat, Session, State};
use crate::engine::actor::{Actor, AgentId};
use crate::engine::clock::Timestamp;
use crate::engine::event::{Change, Happened};
use crate::engine::ids::SessionId;
use crate::engine::notice::{Ask, JoinRequestView};

/// An agent's handle inside one session: what the customer's page sees instead of the agent's
/// id (an Entra object id is nobody else's business), stable for the session's life.
pub fn agent_handle(session: SessionId, agent: &AgentId) -> String {
    let mut hash = Sha256::new();
    hash.update(session.to_string().as_bytes());
    hash.update([0]);
    hash.update(agent.0.as_bytes());
    let digest = hash.finalize();
    digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl Session {
    /// Whether the customer turned `agent` away (and they have not asked again since).
    pub fn turned_away(&self, agent: &AgentId) -> bool {
        self.turned_away.contains(agent)
    }

    /// Whether `agent` asked to join and waits for the customer's answer.
    pub fn is_waiting(&self, agent: &AgentId) -> bool {
        self.waiting.iter().any(|seat| seat.agent == *agent)
    }

    /// `agent`'s handle in this session.
    pub fn handle(&self, agent: &AgentId) -> String {
        agent_handle(self.id, agent)
    }

    /// Agents asking to join and supervisors asking to step in or watch, as the customer is
    /// shown them, oldest first within each.
    pub(super) fn join_requests(&self) -> Vec<JoinRequestView> {
        let view = |seat: &Seat, ask: Ask| JoinRequestView {
            agent: self.handle(&seat.agent),
            name: seat.name.clone(),
            ask,
        };
        let joining = self.waiting.iter().map(|seat| {
            let ask = if self.stepping_in.contains(&seat.agent) {
                Ask::StepIn
            } else {
                Ask::Join
            };
            view(seat, ask)
        });
        let watching = self
            .watch_requests
            .iter()
            .map(|seat| view(seat, Ask::Watch));
        joining.chain(watching).collect()
    }

    /// A supervisor of the session's tenant asks to step in as an agent: always with the
    /// customer's consent, whoever holds the session; asking again changes nothing.
    pub fn step_in(
        &mut self,
        supervisor: &AgentId,
        name: &str,
        now: Timestamp,
    ) -> Result<Vec<Happened>, JoinError> {
        if !self.is_live() {
            return Err(JoinError::Ended(self.id));
        }
        self.last_activity.touch(now);
        if self.has_agent(supervisor) || self.is_waiting(supervisor) {
            return Ok(Vec::new());
        }
        self.ask_to_join(supervisor, name, now);
        self.stepping_in.insert(supervisor.clone());
        let actor = Actor::supervisor(supervisor, name);
        Ok(vec![Happened::new(actor, Change::StepInRequested)])
    }

    /// `agent` asks to join a session other agents already hold; asking again changes nothing.
    pub(super) fn ask_to_join(
        &mut self,
        agent: &AgentId,
        name: &str,
        now: Timestamp,
    ) -> Vec<Happened> {
        if self.is_waiting(agent) {
            return Vec::new();
        }
        self.turned_away.remove(agent);
        self.waiting.push(Seat {
            agent: agent.clone(),
            name: name.to_owned(),
            joined_at: now,
        });
        vec![Happened::new(
            Actor::agent(agent, name),
            Change::JoinRequested,
        )]
    }

    /// The customer's answer to the agent with `handle`: allowed, they are admitted; denied,
    /// they are turned away.
    pub fn answer_join(
        &mut self,
        handle: &str,
        allow: bool,
        now: Timestamp,
    ) -> Result<Vec<Happened>, ControlError> {
        let asked = |seat: &Seat| self.handle(&seat.agent) == handle;
        if let Some(index) = self.watch_requests.iter().position(asked) {
            return self.answer_watch(index, allow, now);
        }
        let index = self
            .waiting
            .iter()
            .position(asked)
            .ok_or(ControlError::NoSuchJoinRequest)?;
        if !self.is_live() {
            return Err(ControlError::NotActive);
        }
        let mut seat = self.waiting.remove(index);
        self.stepping_in.remove(&seat.agent);
        self.last_activity.touch(now);
        let agent = seat.agent.clone();
        if !allow {
            self.turned_away.insert(agent.clone());
            let denied = Change::JoinDenied { agent };
            return Ok(vec![Happened::new(Actor::customer(), denied)]);
        }
        let joiner = Actor::agent(&seat.agent, &seat.name);
        seat.joined_at = now;
        self.agents.push(seat);
        // A supervisor who stepped into a session no agent had joined makes it active.
        self.state = State::Active;
        Ok(vec![
            Happened::new(Actor::customer(), Change::JoinAllowed { agent }),
            Happened::new(joiner, Change::SessionJoined { reconnected: false }),
        ])
    }

    /// A waiting agent's console went away, or they gave up: the request is withdrawn.
    pub fn withdraw_join(&mut self, agent: &AgentId) -> Vec<Happened> {
        let Some(index) = self.waiting.iter().position(|seat| seat.agent == *agent) else {
            return Vec::new();
        };
        let seat = self.waiting.remove(index);
        self.stepping_in.remove(&seat.agent);
        let withdrawn = Change::JoinWithdrawn;
        vec![Happened::new(
            Actor::agent(&seat.agent, &seat.name),
            withdrawn,
        )]
    }
}
