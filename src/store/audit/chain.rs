//! The links of a tenant's audit chain: the genesis `prev`, each record's canonical JSON and
//! hash, and sealing a new record onto the chain's head.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::canonical::canonical_json;
use crate::store::clock::rfc3339;
use crate::store::rows::{AuditRecord, NewAuditRecord};

/// The `prev` of a chain's first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical JSON of a record's hashed fields: every field except `prev` and `hash`.
pub fn hashed_json(record: &AuditRecord) -> String {
    canonical_json(&json!({
        "seq": record.seq,
        "at": record.at,
        "tenant": record.tenant,
        "session": record.session,
        "actor": {
            "role": record.actor.role,
            "id": record.actor.id,
            "name": record.actor.name,
        },
        "action": record.action,
        "detail": record.detail,
    }))
}

/// The hash a record must carry: lowercase hex SHA-256 of `prev` (its 64 hex characters)
/// immediately followed by the record's canonical JSON.
pub fn record_hash(record: &AuditRecord) -> String {
    let mut digest = Sha256::new();
    digest.update(record.prev.as_bytes());
    digest.update(hashed_json(record).as_bytes());
    hex::encode(digest.finalize())
}

/// The stored form of `new` as record `seq` after a record whose hash is `prev`.
pub fn seal(new: &NewAuditRecord, seq: i64, prev: &str) -> AuditRecord {
    let mut record = AuditRecord {
        seq,
        at: rfc3339(new.at),
        tenant: new.tenant.clone(),
        session: new.session.clone(),
        actor: new.actor.clone(),
        action: new.action.clone(),
        detail: new.detail.clone(),
        prev: prev.to_owned(),
        hash: String::new(),
    };
    record.hash = record_hash(&record);
    record
}

/// The text a record's detail is stored as: its canonical JSON.
pub fn stored_detail(detail: &Value) -> String {
    canonical_json(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::rows::ActorRef;

    fn new_record() -> NewAuditRecord {
        NewAuditRecord {
            tenant: "contoso".to_owned(),
            at: 1_796_207_465_123,
            session: Some("s-1".to_owned()),
            actor: ActorRef {
                role: "agent".to_owned(),
                id: Some("a-7".to_owned()),
                name: None,
            },
            action: "session.joined".to_owned(),
            detail: json!({"via": "console", "attempt": 2}),
        }
    }

    #[test]
    fn the_hashed_json_is_every_field_but_prev_and_hash_with_sorted_keys() {
        let record = seal(&new_record(), 1, GENESIS);
        assert_eq!(
            hashed_json(&record),
            r#"{"action":"session.joined","actor":{"id":"a-7","name":null,"role":"agent"},"at":"2026-12-02T10:31:05.123Z","detail":{"attempt":2,"via":"console"},"seq":1,"session":"s-1","tenant":"contoso"}"#
        );
    }

    #[test]
    fn the_hash_is_sha256_of_prev_then_the_canonical_json() {
        let record = seal(&new_record(), 1, GENESIS);
        let expected = Sha256::digest(format!("{GENESIS}{}", hashed_json(&record)));
        assert_eq!(record.hash, hex::encode(expected));
        assert_eq!(record.hash.len(), 64);
    }

    #[test]
    fn any_change_to_a_hashed_field_changes_the_hash() {
        let record = seal(&new_record(), 1, GENESIS);
        let mut edited = record.clone();
        edited.detail = json!({"via": "console", "attempt": 3});
        assert_ne!(record_hash(&edited), record.hash);
        let mut relinked = record.clone();
        relinked.prev = "1".repeat(64);
        assert_ne!(record_hash(&relinked), record.hash);
    }
}
