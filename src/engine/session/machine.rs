//! The session as the registry skeleton sees it: who may connect, arrivals and departures with
//! the agent grace timer, the time limits, and picking up again after a restart.

use std::time::Duration;

use super::{EndReason, Session, State, tell};
use crate::config::Timeouts;
use crate::engine::actor::{Actor, AgentId, Role};
use crate::engine::claim::Claim;
use crate::engine::clock::{Activity, Timestamp};
use crate::engine::event::{Change, Happened, Snapshot, Subject};
use crate::engine::ids::{ConnId, SessionId, TenantId};
use crate::engine::machine::{AttachError, Machine};
use crate::engine::room::Room;

impl Machine for Session {
    type Id = SessionId;
    type EndReason = EndReason;
    const ENDED_RETENTION: Duration = Duration::from_secs(3600);
    const INTERACTION_ENDED: EndReason = EndReason::InteractionEnded;

    fn id(&self) -> SessionId {
        self.id
    }

    fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    fn subject(&self) -> Subject {
        Subject::Session(self.id)
    }

    fn conversation(&self) -> Option<&str> {
        self.conversation.as_deref()
    }

    fn is_live(&self) -> bool {
        Session::is_live(self)
    }

    fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }

    fn agents(&self) -> Vec<AgentId> {
        self.agents.iter().map(|seat| seat.agent.clone()).collect()
    }

    fn claims(&self) -> Vec<Claim> {
        if !self.is_live() {
            return Vec::new();
        }
        let seated_or_asking = self.agents.iter().chain(&self.waiting);
        seated_or_asking
            .map(|seat| Claim::Agent(seat.agent.clone()))
            .collect()
    }

    fn activity(&self) -> Activity {
        self.last_activity.clone()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::Session(Box::new(self.clone()))
    }

    fn not_found(id: SessionId) -> AttachError {
        AttachError::NotFound(super::JoinError::NotFound(id).to_string())
    }

    fn admits(&self, role: &Role) -> Result<(), AttachError> {
        if !self.is_live() {
            return Err(AttachError::Ended(
                super::JoinError::Ended(self.id).to_string(),
            ));
        }
        match role {
            Role::Agent(agent) if self.turned_away(agent) => Err(AttachError::NotAllowed(
                super::JoinError::TurnedAway(self.id).to_string(),
            )),
            Role::Agent(agent) if !self.has_agent(agent) && !self.is_waiting(agent) => Err(
                AttachError::NotFound(super::JoinError::NotFound(self.id).to_string()),
            ),
            Role::Supervisor(supervisor) if self.turned_away(supervisor) => Err(
                AttachError::NotAllowed(super::JoinError::TurnedAway(self.id).to_string()),
            ),
            Role::Supervisor(supervisor)
                if !self.is_watcher(supervisor) && !self.is_asking_to_watch(supervisor) =>
            {
                Err(AttachError::NotFound(
                    super::JoinError::NotFound(self.id).to_string(),
                ))
            }
            _ => Ok(()),
        }
    }

    fn holds(&self, role: &Role) -> bool {
        match role {
            Role::Agent(agent) => self.is_waiting(agent),
            Role::Supervisor(supervisor) => self.is_asking_to_watch(supervisor),
            Role::Customer => false,
        }
    }

    fn arrived(&mut self, role: &Role, now: Timestamp) -> Vec<Happened> {
        // A watching supervisor is no party: their coming and going changes nothing.
        if self.holds(role) || matches!(role, Role::Supervisor(_)) {
            return Vec::new();
        }
        self.last_activity.touch(now);
        if matches!(role, Role::Agent(_)) {
            self.agents_gone_since = None;
        }
        if !self.departed.remove(role) {
            return Vec::new();
        }
        let back = Change::SessionJoined { reconnected: true };
        vec![Happened::new(self.actor(role), back)]
    }

    fn departed(&mut self, role: &Role, agents_left: usize, now: Timestamp) -> Vec<Happened> {
        if let Role::Supervisor(supervisor) = role {
            return self.withdraw_watch(supervisor);
        }
        if let Role::Agent(agent) = role
            && !self.has_agent(agent)
        {
            return self.withdraw_join(agent);
        }
        if !self.is_live() || !self.departed.insert(role.clone()) {
            return Vec::new();
        }
        if matches!(role, Role::Agent(_)) && agents_left == 0 && self.state == State::Active {
            self.agents_gone_since = Some(now);
        }
        vec![Happened::new(self.actor(role), Change::SessionLeft)]
    }

    fn end(&mut self, reason: EndReason, by: Actor, now: Timestamp) -> Vec<Happened> {
        Session::end(self, reason, by, now)
    }

    fn tick(&mut self, now: Timestamp, timeouts: &Timeouts) -> Vec<Happened> {
        if !self.is_live() {
            return Vec::new();
        }
        let mut happened = self.lapse_control_request(now, timeouts.control_request);
        if let Some(reason) = self.due(now, timeouts) {
            happened.extend(self.end(reason, Actor::system(), now));
        }
        happened
    }

    fn resume(&mut self, stopped_at: Timestamp, clean: bool, now: Timestamp) -> Vec<Happened> {
        if !self.is_live() {
            return Vec::new();
        }
        self.departed.insert(Role::Customer);
        for seat in &self.agents {
            self.departed.insert(Role::Agent(seat.agent.clone()));
        }
        if self.state == State::Active {
            // The agents' consoles reconnect on their own; the grace period counts from now.
            self.agents_gone_since = Some(now);
        }
        let resumed = Change::SessionResumed { stopped_at, clean };
        vec![Happened::new(Actor::system(), resumed)]
    }

    fn tell(&self, happened: &[Happened], room: &mut Room) {
        tell::tell(self, happened, room);
    }

    fn announce(&self, room: &mut Room) {
        tell::announce(self, room);
    }

    fn greet(&self, conn: ConnId, role: &Role, room: &mut Room) {
        tell::greet(self, conn, role, room);
    }
}

impl Session {
    /// Which time limit has run out at `now`, if any.
    fn due(&self, now: Timestamp, timeouts: &Timeouts) -> Option<EndReason> {
        let since = |at: Timestamp| now.since(at);
        match self.state {
            State::Ended => None,
            State::Idle if since(self.created_at) >= timeouts.idle_expiry => {
                Some(EndReason::IdleExpired)
            }
            State::Active
                if self
                    .agents_gone_since
                    .is_some_and(|at| since(at) >= timeouts.agent_grace) =>
            {
                Some(EndReason::AgentAway)
            }
            _ if since(self.last_activity.last()) >= timeouts.inactivity => {
                Some(EndReason::Inactivity)
            }
            _ => None,
        }
    }
}
