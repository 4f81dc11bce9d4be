//! Row builders for the store suite: audit records, sessions with parties, writes.

use duet::store::{ActorRef, NewAuditRecord, PartyRow, SubjectKind, SubjectRow, Write};
use serde_json::{Value, json};

/// A moment in December 2026, in unix milliseconds.
pub const T0: i64 = 1_796_207_465_123;

/// One minute in milliseconds.
pub const MINUTE: i64 = 60_000;

/// An audit record of `tenant` by an agent.
pub fn audit(tenant: &str, action: &str, at: i64, detail: Value) -> NewAuditRecord {
    NewAuditRecord {
        tenant: tenant.to_owned(),
        at,
        session: None,
        actor: ActorRef {
            role: "agent".to_owned(),
            id: Some("agent-1".to_owned()),
            name: Some("Avery Agent".to_owned()),
        },
        action: action.to_owned(),
        detail,
    }
}

/// A live session of `tenant` created at `at`, with a customer and an agent.
pub fn session(tenant: &str, id: &str, at: i64) -> SubjectRow {
    SubjectRow {
        tenant: tenant.to_owned(),
        kind: SubjectKind::Session,
        id: id.to_owned(),
        state: "active".to_owned(),
        live: true,
        conversation: Some(format!("conversation-{id}")),
        created_at: at,
        last_activity_at: at,
        ended_at: None,
        parties: vec![
            PartyRow {
                role: "customer".to_owned(),
                id: "customer-1".to_owned(),
                name: None,
                joined_at: at,
            },
            PartyRow {
                role: "agent".to_owned(),
                id: "agent-1".to_owned(),
                name: Some("Avery Agent".to_owned()),
                joined_at: at + 1_000,
            },
        ],
        doc: json!({"engine": {"id": id, "cursor": [1, 2]}}),
        claims: Vec::new(),
    }
}

/// The session `subject` ended at `at`.
pub fn ended(mut subject: SubjectRow, at: i64) -> SubjectRow {
    subject.state = "ended".to_owned();
    subject.live = false;
    subject.ended_at = Some(at);
    subject.claims.clear();
    subject
}

/// A write that stores `subject` (created when `creates`) with a record of `action`.
pub fn subject_write(subject: &SubjectRow, action: &str, creates: bool) -> Write {
    let mut record = audit(&subject.tenant, action, subject.last_activity_at, json!({}));
    record.session = Some(subject.id.clone());
    Write {
        audit: record,
        subject: Some(subject.clone()),
        creates,
    }
}

/// A write that only appends a record.
pub fn audit_write(tenant: &str, action: &str, at: i64, detail: Value) -> Write {
    Write {
        audit: audit(tenant, action, at, detail),
        subject: None,
        creates: false,
    }
}
