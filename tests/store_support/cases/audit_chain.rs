//! The audit chain through the store: many appends over two tenants, concurrent writers,
//! reading with filters and pages, and pruning.

use std::sync::Arc;

use duet::store::audit::{GENESIS, verify_store};
use duet::store::{AuditQuery, Outcome, rfc3339};
use serde_json::json;

use crate::store_support::TestDb;
use crate::store_support::fixtures::{MINUTE, T0, audit_write};

pub async fn the_chain_verifies_after_many_appends_across_two_tenants(db: &TestDb) {
    for batch in 0..10_i64 {
        let groups: Vec<_> = (0..20_i64)
            .map(|n| {
                let tenant = if n % 3 == 0 { "fabrikam" } else { "contoso" };
                let at = T0 + batch * MINUTE + n;
                vec![audit_write(
                    tenant,
                    "note.added",
                    at,
                    json!({"batch": batch, "n": n}),
                )]
            })
            .collect();
        let outcomes = db.store.commit(&groups).await.unwrap();
        assert!(
            outcomes
                .iter()
                .all(|outcome| *outcome == Outcome::Committed)
        );
    }
    let verified = verify_store(db.store.as_ref(), None).await.unwrap();
    let summary: Vec<(&str, u64, i64, i64)> = verified
        .iter()
        .map(|v| (v.tenant.as_str(), v.records, v.first_seq, v.last_seq))
        .collect();
    assert_eq!(summary, [("contoso", 130, 1, 130), ("fabrikam", 70, 1, 70)]);
    assert_eq!(db.store.tenants().await.unwrap(), ["contoso", "fabrikam"]);
    let head = db.store.chain("fabrikam").await.unwrap().unwrap();
    assert_eq!(
        (head.first_seq, head.first_prev.as_str(), head.last_seq),
        (1, GENESIS, 70)
    );
    assert!(db.store.chain("nobody").await.unwrap().is_none());
}

pub async fn concurrent_commits_from_many_tasks_give_one_unbroken_chain(db: &TestDb) {
    let tasks: Vec<_> = (0..8_i64)
        .map(|task| {
            let store = Arc::clone(&db.store);
            tokio::spawn(async move {
                for n in 0..50_i64 {
                    let detail = json!({"task": task, "n": n});
                    let write = audit_write("contoso", "note.added", T0 + n, detail);
                    let outcomes = store.commit(&[vec![write]]).await.unwrap();
                    assert_eq!(outcomes, [Outcome::Committed]);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let verified = verify_store(db.store.as_ref(), Some("contoso"))
        .await
        .unwrap();
    assert_eq!((verified[0].records, verified[0].last_seq), (400, 400));
}

pub async fn audit_reads_filter_by_session_and_time_and_page_by_seq(db: &TestDb) {
    let groups: Vec<_> = (0..10_i64)
        .map(|n| {
            let mut write = audit_write("contoso", "note.added", T0 + n * MINUTE, json!({"n": n}));
            write.audit.session = Some(format!("s-{}", n % 2));
            vec![write]
        })
        .collect();
    db.store.commit(&groups).await.unwrap();
    db.store
        .commit(&[vec![audit_write("fabrikam", "x", T0, json!({}))]])
        .await
        .unwrap();

    let page = |tenant: Option<&str>, after_seq, limit| AuditQuery {
        tenant: tenant.map(str::to_owned),
        after_seq,
        limit,
        ..AuditQuery::default()
    };
    let first = db
        .store
        .audit(&page(Some("contoso"), None, 4))
        .await
        .unwrap();
    let second = db
        .store
        .audit(&page(Some("contoso"), Some(4), 4))
        .await
        .unwrap();
    let seqs =
        |records: &[duet::store::AuditRecord]| records.iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(
        (seqs(&first), seqs(&second)),
        (vec![1, 2, 3, 4], vec![5, 6, 7, 8])
    );
    let everyone = db.store.audit(&page(None, None, 100)).await.unwrap();
    let tenants: Vec<&str> = everyone.iter().map(|r| r.tenant.as_str()).collect();
    assert_eq!(
        (tenants.len(), tenants[0], tenants[10]),
        (11, "contoso", "fabrikam")
    );
    assert!(
        db.store.audit(&page(None, Some(4), 4)).await.is_err(),
        "paging needs a tenant"
    );

    let odd = AuditQuery {
        session: Some("s-1".to_owned()),
        since: Some(T0 + 4 * MINUTE),
        limit: 100,
        ..AuditQuery::default()
    };
    let records = db.store.audit(&odd).await.unwrap();
    assert_eq!(seqs(&records), [6, 8, 10]);
    assert_eq!(records[0].at, rfc3339(T0 + 5 * MINUTE));
}

pub async fn pruning_keeps_the_rest_verifiable_and_records_itself(db: &TestDb) {
    let groups: Vec<_> = [0, 1, 2, 3, 1, 5]
        .into_iter()
        .map(|minute| {
            vec![audit_write(
                "contoso",
                "note.added",
                T0 + minute * MINUTE,
                json!({}),
            )]
        })
        .collect();
    db.store.commit(&groups).await.unwrap();
    let nothing = db
        .store
        .prune_audit("contoso", T0, T0 + 9 * MINUTE)
        .await
        .unwrap();
    assert_eq!((nothing.removed, nothing.recorded_as), (0, None));

    // Records 1–3 are older than minute 3; record 5 (minute 1) is kept: pruning is a prefix.
    let pruned = db
        .store
        .prune_audit("contoso", T0 + 3 * MINUTE, T0 + 9 * MINUTE)
        .await
        .unwrap();
    assert_eq!((pruned.removed, pruned.recorded_as), (3, Some(7)));
    let head = db.store.chain("contoso").await.unwrap().unwrap();
    assert_eq!((head.first_seq, head.last_seq), (4, 7));
    let records = db
        .store
        .audit(&AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(head.first_prev, records[0].prev);
    let pruning = records.last().unwrap();
    assert_eq!(
        (pruning.action.as_str(), pruning.actor.role.as_str()),
        ("audit.pruned", "system")
    );
    assert_eq!(
        pruning.detail,
        json!({"removed": 3, "before": rfc3339(T0 + 3 * MINUTE), "first_kept_seq": 4})
    );
    let verified = verify_store(db.store.as_ref(), None).await.unwrap();
    assert_eq!((verified[0].records, verified[0].first_seq), (4, 4));

    let all = db
        .store
        .prune_audit("contoso", T0 + 60 * MINUTE, T0 + 61 * MINUTE)
        .await
        .unwrap();
    assert_eq!((all.removed, all.recorded_as), (4, Some(8)));
    let verified = verify_store(db.store.as_ref(), None).await.unwrap();
    assert_eq!(
        (
            verified[0].records,
            verified[0].first_seq,
            verified[0].last_seq
        ),
        (1, 8, 8)
    );
}
