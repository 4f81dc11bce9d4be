//! Tenant settings with their audit record, secrets, node heartbeats, and forgetting a tenant.

use duet::store::audit::verify_store;
use duet::store::{AuditQuery, Forgotten, SubjectKind};
use serde_json::json;

use crate::store_support::TestDb;
use crate::store_support::fixtures::{T0, audit, audit_write, session, subject_write};

pub async fn one_setting_of_every_tenant_is_read_in_tenant_order(db: &TestDb) {
    for (n, tenant) in ["fabrikam", "contoso"].into_iter().enumerate() {
        let value = json!({ "name": tenant });
        let record = audit(tenant, "settings.changed", T0 + n as i64, json!({}));
        db.store
            .put_setting(tenant, "registration", &value, record)
            .await
            .unwrap();
    }
    let other = audit("contoso", "settings.changed", T0 + 5, json!({}));
    db.store
        .put_setting("contoso", "bookmarks", &json!([]), other)
        .await
        .unwrap();

    let registrations = db.store.settings_named("registration").await.unwrap();
    assert_eq!(
        registrations,
        [
            ("contoso".to_owned(), json!({ "name": "contoso" })),
            ("fabrikam".to_owned(), json!({ "name": "fabrikam" })),
        ]
    );
    assert!(db.store.settings_named("nothing").await.unwrap().is_empty());
}

pub async fn a_setting_round_trips_with_its_audit_record(db: &TestDb) {
    assert_eq!(
        db.store.setting("contoso", "bookmarks").await.unwrap(),
        None
    );
    let value = json!({"folders": [{"name": "Billing", "z": 1, "a": 2}]});
    let record = audit(
        "contoso",
        "setting.changed",
        T0,
        json!({"name": "bookmarks"}),
    );
    db.store
        .put_setting("contoso", "bookmarks", &value, record)
        .await
        .unwrap();
    let replaced = json!({"folders": []});
    let record = audit(
        "contoso",
        "setting.changed",
        T0 + 1,
        json!({"name": "bookmarks"}),
    );
    db.store
        .put_setting("contoso", "bookmarks", &replaced, record)
        .await
        .unwrap();

    assert_eq!(
        db.store.setting("contoso", "bookmarks").await.unwrap(),
        Some(replaced)
    );
    assert_eq!(
        db.store.setting("fabrikam", "bookmarks").await.unwrap(),
        None
    );
    let records = db
        .store
        .audit(&AuditQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<(i64, &str)> = records.iter().map(|r| (r.seq, r.action.as_str())).collect();
    assert_eq!(actions, [(1, "setting.changed"), (2, "setting.changed")]);
    verify_store(db.store.as_ref(), Some("contoso"))
        .await
        .unwrap();
}

pub async fn secret_or_insert_keeps_the_first_value(db: &TestDb) {
    let first = db
        .store
        .secret_or_insert("token-key", b"first")
        .await
        .unwrap();
    let second = db
        .store
        .secret_or_insert("token-key", b"second")
        .await
        .unwrap();
    let other = db
        .store
        .secret_or_insert("other-key", &[0, 255, 7])
        .await
        .unwrap();
    assert_eq!(
        (first.as_slice(), second.as_slice()),
        (&b"first"[..], &b"first"[..])
    );
    assert_eq!(other, [0, 255, 7]);
}

pub async fn heartbeats_keep_the_last_beat_of_each_node(db: &TestDb) {
    assert_eq!(db.store.last_heartbeat("node-a").await.unwrap(), None);
    db.store.heartbeat("node-a", T0, false).await.unwrap();
    db.store.heartbeat("node-b", T0 + 5, false).await.unwrap();
    db.store.heartbeat("node-a", T0 + 10, true).await.unwrap();
    assert_eq!(
        db.store.last_heartbeat("node-a").await.unwrap(),
        Some((T0 + 10, true))
    );
    assert_eq!(
        db.store.last_heartbeat("node-b").await.unwrap(),
        Some((T0 + 5, false))
    );
}

pub async fn forgetting_a_tenant_removes_only_that_tenants_rows(db: &TestDb) {
    for tenant in ["contoso", "fabrikam"] {
        let mut share = session(tenant, "share-1", T0);
        share.kind = SubjectKind::Share;
        let groups = vec![
            vec![subject_write(&session(tenant, "s-1", T0), "created", true)],
            vec![subject_write(&session(tenant, "s-2", T0), "created", true)],
            vec![subject_write(&share, "created", true)],
            vec![audit_write(tenant, "note.added", T0, json!({}))],
        ];
        db.store.commit(&groups).await.unwrap();
        let record = audit(tenant, "setting.changed", T0, json!({}));
        db.store
            .put_setting(tenant, "bookmarks", &json!([]), record)
            .await
            .unwrap();
    }
    let kept = db.store.forget_tenant("contoso", false).await.unwrap();
    let expected = Forgotten {
        sessions: 2,
        shares: 1,
        settings: 1,
        audit_records: 0,
    };
    assert_eq!(kept, expected);
    assert_eq!(db.store.tenants().await.unwrap(), ["contoso", "fabrikam"]);
    let purged = db.store.forget_tenant("contoso", true).await.unwrap();
    assert_eq!(
        purged,
        Forgotten {
            audit_records: 5,
            ..Forgotten::default()
        }
    );

    assert_eq!(db.store.tenants().await.unwrap(), ["fabrikam"]);
    assert_eq!(
        db.store.setting("contoso", "bookmarks").await.unwrap(),
        None
    );
    assert!(
        db.store
            .setting("fabrikam", "bookmarks")
            .await
            .unwrap()
            .is_some()
    );
    let sessions = db.store.subjects(SubjectKind::Session, 0).await.unwrap();
    assert!(
        sessions
            .iter()
            .all(|row| row.tenant == "fabrikam" && row.parties.len() == 2)
    );
    assert_eq!(sessions.len(), 2);
    assert_eq!(
        db.store
            .subjects(SubjectKind::Share, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    let verified = verify_store(db.store.as_ref(), None).await.unwrap();
    assert_eq!(verified[0].records, 5);
}
