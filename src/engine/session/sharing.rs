//! Screen sharing inside a co-browse session: an agent shows their screen (taking over from
//! another agent), the customer shows theirs when asked, and stopping leaves the co-browse going.

use super::{ControlError, Session, Sharer, State};
use crate::engine::actor::{AgentId, Role};
use crate::engine::clock::Timestamp;
use crate::engine::event::{Change, Happened, ShareEndReason};

impl Session {
    /// `who` starts showing their screen; an agent takes over from the agent sharing before.
    pub fn start_share(
        &mut self,
        who: Sharer,
        now: Timestamp,
    ) -> Result<Vec<Happened>, ControlError> {
        if self.state != State::Active {
            return Err(ControlError::NotActive);
        }
        if let Sharer::Agent { id, .. } = &who {
            if !self.has_agent(id) {
                return Err(ControlError::NotActive);
            }
        }
        self.last_activity.touch(now);
        let took_over_from = match self.sharer.replace(who.clone()) {
            Some(Sharer::Agent { id, .. }) if Some(&id) != sharer_agent(&who) => Some(id),
            _ => None,
        };
        let started = Change::ShareStarted {
            sharer: who.kind(),
            took_over_from,
        };
        Ok(vec![Happened::new(self.actor(&role_of(&who)), started)])
    }

    /// `who` stops showing their screen; nothing when they were not the one sharing.
    pub fn stop_share(&mut self, who: &Sharer, now: Timestamp) -> Vec<Happened> {
        let sharing = match (&self.sharer, who) {
            (Some(Sharer::Customer), Sharer::Customer) => true,
            (Some(Sharer::Agent { id, .. }), Sharer::Agent { id: stopper, .. }) => id == stopper,
            _ => false,
        };
        if !sharing {
            return Vec::new();
        }
        self.sharer = None;
        self.last_activity.touch(now);
        let ended = Change::ShareEnded {
            reason: ShareEndReason::Stopped,
        };
        vec![Happened::new(self.actor(&role_of(who)), ended)]
    }

    /// An agent asks the customer to show their screen (no key is needed inside a session).
    pub fn request_customer_share(
        &mut self,
        agent: &AgentId,
        now: Timestamp,
    ) -> Result<Vec<Happened>, ControlError> {
        if self.state != State::Active || !self.has_agent(agent) {
            return Err(ControlError::NotActive);
        }
        self.last_activity.touch(now);
        let asked = Change::ShareRequested {
            conversation: self.conversation.clone(),
        };
        Ok(vec![Happened::new(
            self.actor(&Role::Agent(agent.clone())),
            asked,
        )])
    }
}

fn sharer_agent(sharer: &Sharer) -> Option<&AgentId> {
    match sharer {
        Sharer::Agent { id, .. } => Some(id),
        Sharer::Customer => None,
    }
}

fn role_of(sharer: &Sharer) -> Role {
    match sharer {
        Sharer::Customer => Role::Customer,
        Sharer::Agent { id, .. } => Role::Agent(id.clone()),
    }
}
