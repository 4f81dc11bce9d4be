//! Supervisors watching a live session, read-only: a supervisor of the session's tenant is let
//! in (recorded as `session.watched`), or, when the tenant's policy wants the customer's consent,
//! asks with the same prompt a second agent gets and waits, seeing nothing, until the customer
//! answers. Their console then sees the page and the customer's pointer and sends nothing. They
//! never count as the session's agents (no control, no one-session limit), and the customer is
//! told who watches while they are connected.

use super::{ControlError, JoinError, Seat, Session};
use crate::engine::actor::{Actor, AgentId};
use crate::engine::clock::Timestamp;
use crate::engine::event::{Change, Happened};

/// How many live sessions one supervisor may watch at once (OpenReplay's grid holds four).
pub const MAX_WATCHED: usize = 4;

/// Whether a supervisor who asked to watch may see the page yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    /// They watch.
    Watching,
    /// The customer is asked first; nothing is sent until they allow it.
    AskingCustomer,
}

impl Session {
    /// Lets `supervisor` watch, or, with `needs_consent`, asks the customer first; nothing new
    /// when they already watch or already asked.
    pub fn watch(
        &mut self,
        supervisor: &AgentId,
        name: &str,
        needs_consent: bool,
        now: Timestamp,
    ) -> Result<(Watch, Vec<Happened>), JoinError> {
        if !self.is_live() {
            return Err(JoinError::Ended(self.id));
        }
        if self.is_watcher(supervisor) {
            return Ok((Watch::Watching, Vec::new()));
        }
        let seat = Seat {
            agent: supervisor.clone(),
            name: name.to_owned(),
            joined_at: now,
        };
        let actor = Actor::supervisor(supervisor, name);
        if !needs_consent {
            self.watchers.push(seat);
            return Ok((
                Watch::Watching,
                vec![Happened::new(actor, Change::WatchStarted)],
            ));
        }
        if self.is_asking_to_watch(supervisor) {
            return Ok((Watch::AskingCustomer, Vec::new()));
        }
        self.turned_away.remove(supervisor);
        self.watch_requests.push(seat);
        let asked = Happened::new(actor, Change::WatchRequested);
        Ok((Watch::AskingCustomer, vec![asked]))
    }

    /// Whether `supervisor` was let in to watch.
    pub fn is_watcher(&self, supervisor: &AgentId) -> bool {
        self.watchers.iter().any(|seat| seat.agent == *supervisor)
    }

    /// Whether `supervisor` asked the customer to let them watch and waits for the answer.
    pub fn is_asking_to_watch(&self, supervisor: &AgentId) -> bool {
        self.watch_requests
            .iter()
            .any(|seat| seat.agent == *supervisor)
    }

    /// A watching (or asking) supervisor's name.
    pub(crate) fn watcher_name(&self, supervisor: &AgentId) -> &str {
        self.watchers
            .iter()
            .chain(&self.watch_requests)
            .find(|seat| seat.agent == *supervisor)
            .map_or("a supervisor", |seat| seat.name.as_str())
    }

    /// The customer's answer to the supervisor asking to watch at `index` of the requests.
    pub(super) fn answer_watch(
        &mut self,
        index: usize,
        allow: bool,
        now: Timestamp,
    ) -> Result<Vec<Happened>, ControlError> {
        if !self.is_live() {
            return Err(ControlError::NotActive);
        }
        let mut seat = self.watch_requests.remove(index);
        self.last_activity.touch(now);
        let supervisor = seat.agent.clone();
        if !allow {
            self.turned_away.insert(supervisor.clone());
            let denied = Change::WatchDenied { supervisor };
            return Ok(vec![Happened::new(Actor::customer(), denied)]);
        }
        let watcher = Actor::supervisor(&seat.agent, &seat.name);
        seat.joined_at = now;
        self.watchers.push(seat);
        Ok(vec![
            Happened::new(Actor::customer(), Change::WatchAllowed { supervisor }),
            Happened::new(watcher, Change::WatchStarted),
        ])
    }

    /// A supervisor waiting for the customer's answer closed their view: the request is withdrawn.
    pub(super) fn withdraw_watch(&mut self, supervisor: &AgentId) -> Vec<Happened> {
        let Some(index) = self
            .watch_requests
            .iter()
            .position(|seat| seat.agent == *supervisor)
        else {
            return Vec::new();
        };
        let seat = self.watch_requests.remove(index);
        let actor = Actor::supervisor(&seat.agent, &seat.name);
        vec![Happened::new(actor, Change::WatchWithdrawn)]
    }
}
