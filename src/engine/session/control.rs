//! Write mode: an agent asks, the customer approves or declines, an unanswered request lapses,
//! and either side can go back to pointer mode. Agent actions pass only in write mode.

use std::time::Duration;

use super::{ControlError, ControlMode, ControlOutcome, ControlRequest, Session, State};
use crate::engine::actor::{Actor, AgentId, Role};
use crate::engine::clock::Timestamp;
use crate::engine::event::{Change, Happened};

impl Session {
    /// Records an agent's request for write mode; refused while another agent's request waits
    /// or another agent has control (asking again while one's own request waits changes nothing).
    pub fn request_control(
        &mut self,
        agent: &AgentId,
        now: Timestamp,
    ) -> Result<Vec<Happened>, ControlError> {
        if self.state != State::Active || !self.has_agent(agent) {
            return Err(ControlError::NotActive);
        }
        match (&self.control_holder, &self.control_request) {
            (Some(holder), _) if holder == agent => return Err(ControlError::AlreadyGranted),
            (Some(holder), _) => {
                return Err(ControlError::HeldBy(self.agent_name(holder).to_owned()));
            }
            (None, Some(request)) if request.agent == *agent => return Ok(Vec::new()),
            (None, Some(request)) => {
                return Err(ControlError::RequestPending(request.agent_name.clone()));
            }
            (None, None) => {}
        }
        self.last_activity.touch(now);
        self.control_outcome = None;
        self.control_request = Some(ControlRequest {
            agent: agent.clone(),
            agent_name: self.agent_name(agent).to_owned(),
            asked_at: now,
        });
        let asker = self.actor(&Role::Agent(agent.clone()));
        Ok(vec![Happened::new(asker, Change::ControlRequested)])
    }

    /// The customer's answer to the pending request.
    pub fn answer_control(
        &mut self,
        approved: bool,
        now: Timestamp,
    ) -> Result<Vec<Happened>, ControlError> {
        let request = self
            .control_request
            .take()
            .ok_or(ControlError::NothingToAnswer)?;
        self.last_activity.touch(now);
        let agent = request.agent;
        let change = if approved && self.state == State::Active {
            self.control = ControlMode::Write;
            self.control_holder = Some(agent.clone());
            self.control_outcome = Some(ControlOutcome::Approved);
            Change::ControlApproved { agent }
        } else {
            self.control_outcome = Some(ControlOutcome::Denied);
            Change::ControlDenied { agent }
        };
        Ok(vec![Happened::new(Actor::customer(), change)])
    }

    /// Back to pointer mode: the customer takes control back (or declines what is pending), or
    /// an agent hands back their own control or drops their own request; another agent's grant
    /// is not theirs to end.
    pub fn revoke_control(&mut self, by: &Role, now: Timestamp) -> Vec<Happened> {
        if let Role::Agent(agent) = by {
            let holder = self.control_holder.as_ref();
            let asker = self.control_request.as_ref().map(|request| &request.agent);
            if holder.or(asker) != Some(agent) {
                return Vec::new();
            }
        }
        let agent = self
            .control_holder
            .take()
            .or_else(|| self.control_request.take().map(|request| request.agent));
        self.control = ControlMode::Pointer;
        self.control_request = None;
        let Some(agent) = agent.filter(|_| self.is_live()) else {
            return Vec::new();
        };
        self.last_activity.touch(now);
        self.control_outcome = Some(ControlOutcome::Revoked);
        vec![Happened::new(
            self.actor(by),
            Change::ControlRevoked { agent },
        )]
    }

    /// Whether an agent's action may be forwarded to the customer's page now: only the agent
    /// the customer gave control to acts. The customer's script checks the sender again and
    /// still decides whether the action may touch its target.
    pub fn check_action(&self, from: &Role) -> Result<(), ControlError> {
        let Role::Agent(agent) = from else {
            return Err(ControlError::AgentOnly);
        };
        if !self.is_live() || self.control != ControlMode::Write {
            return Err(ControlError::PointerMode);
        }
        if self.control_holder.as_ref() != Some(agent) {
            return Err(ControlError::NotInControl);
        }
        Ok(())
    }

    /// Whether an agent's annotation may pass: in any mode, from an agent who sees the page.
    pub fn check_annotation(&self, from: &Role) -> Result<(), ControlError> {
        let Role::Agent(agent) = from else {
            return Err(ControlError::AgentOnly);
        };
        if !self.is_live() || !self.has_agent(agent) {
            return Err(ControlError::NotActive);
        }
        Ok(())
    }

    /// Drops a request older than `lapse`.
    pub(super) fn lapse_control_request(
        &mut self,
        now: Timestamp,
        lapse: Duration,
    ) -> Vec<Happened> {
        let lapsed = self
            .control_request
            .as_ref()
            .is_some_and(|request| now.since(request.asked_at) >= lapse);
        if !lapsed {
            return Vec::new();
        }
        let Some(request) = self.control_request.take() else {
            return Vec::new();
        };
        self.control_outcome = Some(ControlOutcome::Lapsed);
        let change = Change::ControlLapsed {
            agent: request.agent,
        };
        vec![Happened::new(Actor::system(), change)]
    }
}
