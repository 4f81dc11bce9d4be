//! The verifier's judgement on chains built in memory: intact, edited, relinked, with a gap, cut
//! short, malformed, and pruned to a checkpoint.

use serde_json::json;

use super::chain::{GENESIS, seal};
use super::verify::verify;
use crate::store::rows::{
    ActorRef, AuditRecord, AuditRow, ChainHead, MalformedRecord, NewAuditRecord,
};

fn chain(length: i64) -> Vec<AuditRecord> {
    let mut records: Vec<AuditRecord> = Vec::new();
    for seq in 1..=length {
        let prev = records
            .last()
            .map_or(GENESIS.to_owned(), |r| r.hash.clone());
        let new = NewAuditRecord {
            tenant: "contoso".to_owned(),
            at: 1_000 * seq,
            session: Some(format!("s-{seq}")),
            actor: ActorRef::system(),
            action: "session.created".to_owned(),
            detail: json!({"n": seq}),
        };
        records.push(seal(&new, seq, &prev));
    }
    records
}

fn head_of(records: &[AuditRecord]) -> ChainHead {
    let first = &records[0];
    let last = &records[records.len() - 1];
    ChainHead {
        first_seq: first.seq,
        first_prev: first.prev.clone(),
        last_seq: last.seq,
        last_hash: last.hash.clone(),
    }
}

fn rows(records: &[AuditRecord]) -> Vec<AuditRow> {
    records.iter().cloned().map(Ok).collect()
}

#[test]
fn an_intact_chain_verifies_with_its_count_and_ends() {
    let records = chain(5);
    let verified = verify("contoso", &head_of(&records), rows(&records)).unwrap();
    assert_eq!(
        (verified.records, verified.first_seq, verified.last_seq),
        (5, 1, 5)
    );
}

#[test]
fn an_empty_chain_verifies() {
    let head = ChainHead {
        first_seq: 1,
        first_prev: GENESIS.to_owned(),
        last_seq: 0,
        last_hash: GENESIS.to_owned(),
    };
    assert_eq!(verify("contoso", &head, Vec::new()).unwrap().records, 0);
}

#[test]
fn an_edited_detail_is_named_by_its_seq() {
    let mut records = chain(5);
    let head = head_of(&records);
    records[2].detail = json!({"n": 99});
    let broken = verify("contoso", &head, rows(&records)).unwrap_err();
    assert_eq!(broken.seq, 3);
    assert!(
        broken.problem.contains("does not match its contents"),
        "{broken}"
    );
}

#[test]
fn a_record_rehashed_after_an_edit_breaks_the_link_to_the_next() {
    let mut records = chain(5);
    let head = head_of(&records);
    records[1].action = "session.hidden".to_owned();
    records[1].hash = super::chain::record_hash(&records[1]);
    let broken = verify("contoso", &head, rows(&records)).unwrap_err();
    assert_eq!(broken.seq, 3);
    assert!(
        broken
            .problem
            .contains("prev does not match the hash of record 2"),
        "{broken}"
    );
}

#[test]
fn a_deleted_middle_record_is_named_by_the_seq_after_the_gap() {
    let mut records = chain(6);
    let head = head_of(&records);
    records.remove(4);
    let broken = verify("contoso", &head, rows(&records)).unwrap_err();
    assert_eq!(broken.seq, 6);
    assert!(broken.problem.contains("jumps from 4 to 6"), "{broken}");
}

#[test]
fn records_removed_from_the_end_are_found_against_the_head() {
    let mut records = chain(5);
    let head = head_of(&records);
    records.truncate(3);
    let broken = verify("contoso", &head, rows(&records)).unwrap_err();
    assert_eq!(broken.seq, 4);
    assert!(broken.problem.contains("ends at record 3"), "{broken}");
}

#[test]
fn a_deleted_first_record_is_found_against_the_checkpoint() {
    let mut records = chain(3);
    let head = head_of(&records);
    records.remove(0);
    let broken = verify("contoso", &head, rows(&records)).unwrap_err();
    assert_eq!(broken.seq, 2);
    assert!(
        broken.problem.contains("should start at its checkpoint 1"),
        "{broken}"
    );
}

#[test]
fn a_malformed_record_is_reported_and_not_skipped() {
    let records = chain(3);
    let mut with_bad: Vec<AuditRow> = rows(&records);
    with_bad[1] = Err(MalformedRecord {
        tenant: "contoso".to_owned(),
        seq: Some(2),
        problem: "its detail is not JSON".to_owned(),
    });
    let broken = verify("contoso", &head_of(&records), with_bad).unwrap_err();
    assert_eq!(broken.seq, 2);
    assert!(broken.problem.contains("detail is not JSON"), "{broken}");
}

#[test]
fn a_pruned_chain_verifies_from_its_checkpoint() {
    let records = chain(6);
    let kept = &records[3..];
    let verified = verify("contoso", &head_of(kept), rows(kept)).unwrap();
    assert_eq!((verified.records, verified.first_seq), (3, 4));
}

#[test]
fn a_head_hash_that_does_not_match_the_last_record_is_found() {
    let records = chain(3);
    let mut head = head_of(&records);
    head.last_hash = "1".repeat(64);
    let broken = verify("contoso", &head, rows(&records)).unwrap_err();
    assert_eq!(broken.seq, 3);
}
