//! One session behind its own lock: its facts, its room, and the changes that must be told to
//! everyone in it at once (control mode, screen sharing inside co-browse, ending).

use std::sync::{Mutex, MutexGuard};

use tokio::time::Instant;

use super::room::{ConnId, Notice, Role, Room};
use super::session::{AgentId, ControlError, ControlMode, EndReason, Session, Sharer, State};

/// One session and the connections to it, behind its own lock.
#[derive(Debug)]
pub struct SessionCell {
    pub(super) entry: Mutex<Entry>,
}

#[derive(Debug)]
pub(super) struct Entry {
    pub(super) session: Session,
    pub(super) room: Room,
    pub(super) agents_gone_since: Option<Instant>,
    pub(super) ended_at: Option<Instant>,
}

impl SessionCell {
    pub(super) fn lock(&self) -> MutexGuard<'_, Entry> {
        self.entry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of the session's facts.
    pub fn session(&self) -> Session {
        self.lock().session.clone()
    }

    /// Runs `f` on the room (for relaying), marking activity; returns `None` once the session ended.
    pub fn with_room<T>(&self, now: Instant, f: impl FnOnce(&mut Room) -> T) -> Option<T> {
        let mut entry = self.lock();
        if !entry.session.is_live() {
            return None;
        }
        entry.session.last_activity = now;
        Some(f(&mut entry.room))
    }

    /// An agent asks for write mode; the customer is prompted and everyone sees it pending.
    pub fn request_control(
        &self,
        agent: &AgentId,
        agent_name: &str,
        now: Instant,
    ) -> Result<(), ControlError> {
        let mut entry = self.lock();
        entry.session.request_control(agent, agent_name, now)?;
        entry.session.last_activity = now;
        entry.room.notify_customer(Notice::ControlRequested {
            agent_name: agent_name.to_owned(),
        });
        announce(&mut entry);
        Ok(())
    }

    /// The customer approves or denies the pending request.
    pub fn answer_control(&self, approved: bool, now: Instant) -> Result<(), ControlError> {
        let mut entry = self.lock();
        entry.session.answer_control(approved)?;
        entry.session.last_activity = now;
        announce(&mut entry);
        Ok(())
    }

    /// Back to pointer mode: the customer takes control back, or the agent hands it back.
    pub fn revoke_control(&self, now: Instant) {
        let mut entry = self.lock();
        if !entry.session.is_live() {
            return;
        }
        entry.session.revoke_control();
        entry.session.last_activity = now;
        announce(&mut entry);
    }

    /// Forwards an agent's action to the customer's page, only in write mode.
    /// The customer's script still decides whether the action may touch its target.
    pub fn forward_action(
        &self,
        from: ConnId,
        frame: &super::room::Frame,
        now: Instant,
    ) -> Result<(), ControlError> {
        let mut entry = self.lock();
        if !matches!(entry.room.role_of(from), Some(Role::Agent(_))) {
            return Err(ControlError::AgentOnly);
        }
        if !entry.session.is_live() || entry.session.control != ControlMode::Write {
            return Err(ControlError::PointerMode);
        }
        entry.session.last_activity = now;
        entry.room.send_to_customer(frame);
        Ok(())
    }

    /// Someone starts showing their screen inside the session; a previous agent sharer is told
    /// another took over. The co-browse itself goes on.
    pub fn start_share(&self, who: Sharer, now: Instant) -> Result<(), ControlError> {
        let mut entry = self.lock();
        let taken_from = entry.session.start_share(who.clone())?;
        entry.session.last_activity = now;
        if let Some(previous) = taken_from {
            let by_customer = who == Sharer::Customer;
            entry
                .room
                .notify_agent(&previous, Notice::ShareTakenOver { by_customer });
        }
        entry.room.notify_all(Notice::ScreenShown {
            sharer: Some(describe_sharer(&who)),
        });
        Ok(())
    }

    /// The sharer stops; the co-browse goes on.
    pub fn stop_share(&self, who: &Sharer, now: Instant) {
        let mut entry = self.lock();
        if entry.session.stop_share(who) {
            entry.session.last_activity = now;
            entry.room.notify_all(Notice::ScreenShown { sharer: None });
        }
    }

    /// An agent asks the customer to show their screen (no key needed inside a session).
    pub fn request_customer_share(
        &self,
        agent: &AgentId,
        agent_name: &str,
    ) -> Result<(), ControlError> {
        let mut entry = self.lock();
        if entry.session.state != State::Active || !entry.session.agents.contains(agent) {
            return Err(ControlError::NotActive);
        }
        entry.room.notify_customer(Notice::ShareRequested {
            agent_name: agent_name.to_owned(),
        });
        Ok(())
    }

    /// Relays WebRTC signalling to everyone else in the session.
    pub fn relay_signal(&self, from: ConnId, frame: &super::room::Frame) -> bool {
        let mut entry = self.lock();
        if !entry.session.is_live() {
            return false;
        }
        entry.room.send_to_others(from, frame);
        true
    }

    /// Ends the session and tells everyone; false when it had already ended.
    pub(super) fn end(&self, reason: EndReason, now: Instant) -> bool {
        let mut entry = self.lock();
        if !entry.session.end(reason) {
            return false;
        }
        entry.ended_at = Some(now);
        let notice = state_notice(&entry);
        entry.room.notify_all(notice);
        entry.room.clear();
        true
    }
}

pub(super) fn state_notice(entry: &Entry) -> Notice {
    Notice::State {
        state: entry.session.state,
        reason: entry.session.end_reason,
        control: entry.session.control,
        control_pending: entry.session.control_request.is_some(),
        control_outcome: entry.session.control_outcome,
        agents_connected: entry.room.agents_connected(),
        customer_connected: entry.room.customer_connected(),
    }
}

fn describe_sharer(sharer: &Sharer) -> (&'static str, String) {
    match sharer {
        Sharer::Customer => ("customer", "The customer".to_owned()),
        Sharer::Agent { name, .. } => ("agent", name.clone()),
    }
}

/// Tells everyone in the session its current state.
pub(super) fn announce(entry: &mut Entry) {
    let notice = state_notice(entry);
    entry.room.notify_all(notice);
}
