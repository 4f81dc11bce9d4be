//! Engine events as the store's rows: each event is one audit record and, when it is about a
//! session or a share, that subject's state after it.

use crate::engine::{Change, Event, Machine, Session, Share, Snapshot, Subject};
use crate::store::{ActorRef, NewAuditRecord, PartyRow, SubjectKind, SubjectRow, Write};

/// The store's writes for one transition's events.
pub fn writes(events: &[Event]) -> Vec<Write> {
    events.iter().map(write).collect()
}

fn write(event: &Event) -> Write {
    Write {
        audit: audit_record(event),
        subject: event.after.as_ref().map(subject_row),
        creates: creates(event),
    }
}

/// The audit record of one event.
pub fn audit_record(event: &Event) -> NewAuditRecord {
    NewAuditRecord {
        tenant: event.tenant.as_str().to_owned(),
        at: event.at.unix_millis(),
        session: event.subject.audit_id(),
        actor: ActorRef {
            role: event.actor.role.as_str().to_owned(),
            id: event.actor.id.clone(),
            name: event.actor.name.clone(),
        },
        action: event.change.action().to_owned(),
        detail: event.change.detail(event.at),
    }
}

/// Whether the event brings its subject into being (its id must be new to the store).
fn creates(event: &Event) -> bool {
    matches!(
        (&event.subject, &event.change),
        (Subject::Session(_), Change::SessionCreated { .. })
            | (Subject::Share(_), Change::ShareRequested { .. })
    )
}

fn subject_row(snapshot: &Snapshot) -> SubjectRow {
    match snapshot {
        Snapshot::Session(session) => session_row(session),
        Snapshot::Share(share) => share_row(share),
    }
}

fn session_row(session: &Session) -> SubjectRow {
    let parties = session
        .agents()
        .iter()
        .map(|seat| PartyRow {
            role: "agent".to_owned(),
            id: seat.agent.0.clone(),
            name: Some(seat.name.clone()),
            joined_at: seat.joined_at.unix_millis(),
        })
        .collect();
    SubjectRow {
        tenant: Machine::tenant(session).as_str().to_owned(),
        kind: SubjectKind::Session,
        id: session.id().to_string(),
        state: session.state().as_str().to_owned(),
        live: session.is_live(),
        conversation: session.conversation_id().map(str::to_owned),
        created_at: session.created_at().unix_millis(),
        last_activity_at: session.last_activity().unix_millis(),
        ended_at: session.ended_at().map(|at| at.unix_millis()),
        parties,
        doc: serde_json::to_value(session).unwrap_or_default(),
        claims: claims(session),
    }
}

fn share_row(share: &Share) -> SubjectRow {
    let agent = PartyRow {
        role: "agent".to_owned(),
        id: share.agent().0.clone(),
        name: Some(share.agent_name().to_owned()),
        joined_at: share.created_at().unix_millis(),
    };
    SubjectRow {
        tenant: Machine::tenant(share).as_str().to_owned(),
        kind: SubjectKind::Share,
        id: share.id().to_string(),
        state: share.state().as_str().to_owned(),
        live: Machine::is_live(share),
        conversation: share.conversation_id().map(str::to_owned),
        created_at: share.created_at().unix_millis(),
        last_activity_at: Machine::activity(share).last().unix_millis(),
        ended_at: Machine::ended_at(share).map(|at| at.unix_millis()),
        parties: vec![agent],
        doc: serde_json::to_value(share).unwrap_or_default(),
        claims: claims(share),
    }
}

/// What the subject holds alone on every node, as the store keeps it.
fn claims(machine: &impl Machine) -> Vec<String> {
    machine.claims().iter().map(ToString::to_string).collect()
}
