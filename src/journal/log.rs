//! The log lines read off the events: one line when a session or a share ends (with how long it
//! lasted and why), and a debug line per change. Ids, actions and reasons only: never content,
//! tokens or keys.

use crate::engine::{Change, Event, Snapshot};

/// Logs what `events` mean for operators.
pub fn observe(events: &[Event]) {
    for event in events {
        let action = event.change.action();
        let subject = event.subject.audit_id().unwrap_or_default();
        tracing::debug!(action, subject = %subject, actor = event.actor.role.as_str(), "engine event");
        match (&event.change, &event.after) {
            (Change::SessionEnded { reason }, Some(Snapshot::Session(session))) => {
                let lasted = event.at.since(session.created_at());
                tracing::info!(
                    session.id = %session.id(),
                    reason = ?reason,
                    duration_secs = lasted.as_secs(),
                    agents = session.agents().len(),
                    "session ended"
                );
            }
            (Change::ShareEnded { reason }, Some(Snapshot::Share(share))) => {
                let lasted = event.at.since(share.created_at());
                tracing::info!(
                    share.id = %share.id(),
                    reason = ?reason,
                    duration_secs = lasted.as_secs(),
                    "screen share ended"
                );
            }
            _ => {}
        }
    }
}
