//! Editing the audit trail behind the store's back: verify must name the first bad seq and say
//! what is wrong, and never skip or panic on a record it cannot read.

use duet::store::audit::{Broken, VerifyError, verify_store};
use serde_json::json;

use crate::store_support::TestDb;
use crate::store_support::fixtures::{T0, audit_write};

/// Six records for contoso and two for fabrikam, committed through the store.
async fn six_records(db: &TestDb) {
    let mut groups: Vec<_> = (1..=6_i64)
        .map(|n| {
            vec![audit_write(
                "contoso",
                "note.added",
                T0 + n,
                json!({"n": n}),
            )]
        })
        .collect();
    groups.push(vec![audit_write("fabrikam", "note.added", T0, json!({}))]);
    groups.push(vec![audit_write("fabrikam", "note.added", T0, json!({}))]);
    db.store.commit(&groups).await.unwrap();
    verify_store(db.store.as_ref(), None).await.unwrap();
}

/// The one broken chain verify reports.
async fn broken(db: &TestDb) -> Broken {
    match verify_store(db.store.as_ref(), None).await {
        Err(VerifyError::Broken(mut broken)) if broken.len() == 1 => broken.remove(0),
        other => panic!("expected one broken chain, got {other:?}"),
    }
}

pub async fn an_edited_detail_is_found_by_verify_naming_its_seq(db: &TestDb) {
    six_records(db).await;
    db.raw(r#"UPDATE audit_records SET detail = '{"n":99}' WHERE tenant = 'contoso' AND seq = 3"#)
        .await;
    let broken = broken(db).await;
    assert_eq!((broken.tenant.as_str(), broken.seq), ("contoso", 3));
    assert!(
        broken.problem.contains("does not match its contents"),
        "{broken}"
    );
}

pub async fn an_edited_action_is_found_by_verify_naming_its_seq(db: &TestDb) {
    six_records(db).await;
    db.raw("UPDATE audit_records SET action = 'note.hidden' WHERE tenant = 'contoso' AND seq = 5")
        .await;
    let broken = broken(db).await;
    assert_eq!(broken.seq, 5);
    assert!(broken.to_string().contains("contoso"), "{broken}");
}

pub async fn a_deleted_middle_record_is_found_naming_the_seq_after_the_gap(db: &TestDb) {
    six_records(db).await;
    db.raw("DELETE FROM audit_records WHERE tenant = 'contoso' AND seq = 5")
        .await;
    let broken = broken(db).await;
    assert_eq!(broken.seq, 6);
    assert!(broken.problem.contains("jumps from 4 to 6"), "{broken}");
}

pub async fn a_deleted_last_record_is_found_against_the_head(db: &TestDb) {
    six_records(db).await;
    db.raw("DELETE FROM audit_records WHERE tenant = 'contoso' AND seq = 6")
        .await;
    let broken = broken(db).await;
    assert_eq!(broken.seq, 6);
    assert!(broken.problem.contains("removed from the end"), "{broken}");
}

pub async fn a_detail_that_is_not_json_is_reported_not_skipped(db: &TestDb) {
    six_records(db).await;
    db.raw("UPDATE audit_records SET detail = 'not json {' WHERE tenant = 'contoso' AND seq = 2")
        .await;
    let broken = broken(db).await;
    assert_eq!(broken.seq, 2);
    assert!(broken.problem.contains("detail is not JSON"), "{broken}");
    let query = duet::store::AuditQuery {
        limit: 10,
        ..Default::default()
    };
    let message = db.store.audit(&query).await.unwrap_err().to_string();
    assert!(message.contains("verify the audit trail"), "{message}");
}
