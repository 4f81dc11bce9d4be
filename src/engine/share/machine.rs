//! The screen share as the registry skeleton sees it: only its agent and its customer connect,
//! a side that stays away too long abandons it, and everyone hears every state change.

use std::time::Duration;

use super::{Share, ShareEnd, ShareError, ShareNotice, ShareState};
use crate::config::Timeouts;
use crate::engine::actor::{Actor, AgentId, Role};
use crate::engine::claim::Claim;
use crate::engine::clock::{Activity, Timestamp};
use crate::engine::event::{Change, Happened, Snapshot, Subject};
use crate::engine::ids::{ConnId, ShareId, TenantId};
use crate::engine::machine::{AttachError, Machine};
use crate::engine::notice::Notice;
use crate::engine::room::Room;

impl Machine for Share {
    type Id = ShareId;
    type EndReason = ShareEnd;
    const ENDED_RETENTION: Duration = Duration::from_secs(600);
    const INTERACTION_ENDED: ShareEnd = ShareEnd::InteractionEnded;

    fn id(&self) -> ShareId {
        self.id
    }

    fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    fn subject(&self) -> Subject {
        Subject::Share(self.id)
    }

    fn conversation(&self) -> Option<&str> {
        self.conversation.as_deref()
    }

    fn is_live(&self) -> bool {
        self.state != ShareState::Ended
    }

    fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }

    fn agents(&self) -> Vec<AgentId> {
        vec![self.agent.clone()]
    }

    fn claims(&self) -> Vec<Claim> {
        match self.state {
            ShareState::Ended => Vec::new(),
            ShareState::Pending => vec![
                Claim::Agent(self.agent.clone()),
                Claim::ShareKey(self.key.clone()),
            ],
            ShareState::Accepted | ShareState::Live => vec![Claim::Agent(self.agent.clone())],
        }
    }

    fn activity(&self) -> Activity {
        self.last_activity.clone()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::Share(self.clone())
    }

    fn not_found(_id: ShareId) -> AttachError {
        AttachError::NotFound(ShareError::Ended.to_string())
    }

    fn admits(&self, role: &Role) -> Result<(), AttachError> {
        let ended = || AttachError::Ended(ShareError::Ended.to_string());
        match role {
            _ if !self.is_live() => Err(ended()),
            Role::Agent(agent) if *agent != self.agent => Err(ended()),
            Role::Supervisor(_) => Err(ended()),
            Role::Customer if self.sharer_connected() => Err(AttachError::Occupied(
                ShareError::SharerConnected.to_string(),
            )),
            _ => Ok(()),
        }
    }

    fn arrived(&mut self, role: &Role, now: Timestamp) -> Vec<Happened> {
        self.last_activity.touch(now);
        match role {
            Role::Customer => self.customer_gone_since = None,
            Role::Agent(_) => self.agent_gone_since = None,
            Role::Supervisor(_) => {}
        }
        Vec::new()
    }

    fn departed(&mut self, role: &Role, _agents_left: usize, now: Timestamp) -> Vec<Happened> {
        match role {
            Role::Customer => self.customer_gone_since = Some(now),
            Role::Agent(_) => self.agent_gone_since = Some(now),
            Role::Supervisor(_) => {}
        }
        Vec::new()
    }

    fn end(&mut self, reason: ShareEnd, by: Actor, now: Timestamp) -> Vec<Happened> {
        Share::end(self, reason, by, now)
    }

    fn tick(&mut self, now: Timestamp, timeouts: &Timeouts) -> Vec<Happened> {
        match self.due(now, timeouts.screenshare_accept, timeouts.agent_grace) {
            Some(reason) => self.end(reason, Actor::system(), now),
            None => Vec::new(),
        }
    }

    fn resume(&mut self, stopped_at: Timestamp, clean: bool, now: Timestamp) -> Vec<Happened> {
        if !self.is_live() {
            return Vec::new();
        }
        self.agent_gone_since = Some(now);
        if self.state != ShareState::Pending {
            self.customer_gone_since = Some(now);
        }
        let resumed = Change::ShareResumed { stopped_at, clean };
        vec![Happened::new(Actor::system(), resumed)]
    }

    fn tell(&self, happened: &[Happened], room: &mut Room) {
        if !happened.is_empty() {
            self.announce(room);
        }
    }

    fn announce(&self, room: &mut Room) {
        let notice = ShareNotice {
            state: self.state,
            reason: self.end_reason,
        };
        room.notify_all(Notice::Share(notice));
    }

    fn greet(&self, _conn: ConnId, _role: &Role, _room: &mut Room) {}
}
