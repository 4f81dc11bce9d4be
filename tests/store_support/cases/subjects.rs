//! Sessions and shares: commit and read back, creating a taken id, failed groups, activity,
//! what resumes after a restart, and pruning ended ones.

use duet::store::{Activity, Outcome, SubjectKind};
use serde_json::json;

use crate::store_support::TestDb;
use crate::store_support::fixtures::{MINUTE, T0, audit_write, ended, session, subject_write};

pub async fn a_committed_session_reads_back_with_its_parties(db: &TestDb) {
    let created = session("contoso", "s-1", T0);
    let outcomes = db
        .store
        .commit(&[vec![subject_write(&created, "session.created", true)]])
        .await
        .unwrap();
    assert_eq!(outcomes, vec![Outcome::Committed]);
    let rows = db.store.subjects(SubjectKind::Session, 0).await.unwrap();
    assert_eq!(rows, vec![created.clone()]);

    let mut changed = created.clone();
    changed.state = "paused".to_owned();
    changed.parties.truncate(1);
    changed.doc = json!({"engine": "replaced"});
    changed.last_activity_at = T0 + MINUTE;
    let write = subject_write(&changed, "session.paused", false);
    db.store.commit(&[vec![write]]).await.unwrap();
    let rows = db.store.subjects(SubjectKind::Session, 0).await.unwrap();
    assert_eq!(rows, vec![changed]);
    assert!(
        db.store
            .subjects(SubjectKind::Share, 0)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn creating_a_taken_id_fails_only_its_own_group(db: &TestDb) {
    let first = session("contoso", "s-1", T0);
    db.store
        .commit(&[vec![subject_write(&first, "session.created", true)]])
        .await
        .unwrap();
    let mut impostor = session("contoso", "s-1", T0 + MINUTE);
    impostor.state = "impostor".to_owned();
    let other = session("contoso", "s-2", T0);
    let outcomes = db
        .store
        .commit(&[
            vec![subject_write(&other, "session.created", true)],
            vec![subject_write(&impostor, "session.created", true)],
            vec![audit_write("contoso", "note.added", T0, json!({}))],
        ])
        .await
        .unwrap();
    assert_eq!(
        outcomes,
        vec![Outcome::Committed, Outcome::IdTaken, Outcome::Committed]
    );
    let rows = db.store.subjects(SubjectKind::Session, 0).await.unwrap();
    assert_eq!(rows, vec![first, other]);
    let actions: Vec<String> = all_records(db)
        .await
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(
        actions,
        ["session.created", "session.created", "note.added"]
    );
}

pub async fn a_failed_group_leaves_no_record_and_no_gap_in_the_chain(db: &TestDb) {
    db.refuse_action("refused.action").await;
    let taken = session("contoso", "s-1", T0);
    db.store
        .commit(&[vec![subject_write(&taken, "session.created", true)]])
        .await
        .unwrap();
    let outcomes = db
        .store
        .commit(&[
            vec![
                audit_write("contoso", "lost.first", T0, json!({})),
                subject_write(&taken, "session.created", true),
            ],
            vec![
                subject_write(&session("contoso", "s-9", T0), "session.created", true),
                audit_write("contoso", "refused.action", T0, json!({})),
            ],
            vec![audit_write("contoso", "kept", T0, json!({}))],
        ])
        .await
        .unwrap();
    assert_eq!(outcomes[0], Outcome::IdTaken);
    assert!(matches!(&outcomes[1], Outcome::Failed(reason) if reason.contains("refused")));
    assert_eq!(outcomes[2], Outcome::Committed);
    let records = all_records(db).await;
    let seqs: Vec<(i64, &str)> = records.iter().map(|r| (r.seq, r.action.as_str())).collect();
    assert_eq!(seqs, [(1, "session.created"), (2, "kept")]);
    let sessions = db.store.subjects(SubjectKind::Session, 0).await.unwrap();
    assert_eq!(
        sessions.len(),
        1,
        "the failed group's new session was rolled back"
    );
    duet::store::audit::verify_store(db.store.as_ref(), None)
        .await
        .unwrap();
}

pub async fn touch_raises_activity_and_never_lowers_it(db: &TestDb) {
    let created = session("contoso", "s-1", T0);
    db.store
        .commit(&[vec![subject_write(&created, "session.created", true)]])
        .await
        .unwrap();
    let seen = |at| Activity {
        tenant: "contoso".to_owned(),
        kind: SubjectKind::Session,
        id: "s-1".to_owned(),
        at,
    };
    db.store
        .touch(&[seen(T0 + 5 * MINUTE), seen(T0 + 2 * MINUTE)])
        .await
        .unwrap();
    db.store.touch(&[seen(T0 + MINUTE)]).await.unwrap();
    let rows = db.store.subjects(SubjectKind::Session, 0).await.unwrap();
    assert_eq!(rows[0].last_activity_at, T0 + 5 * MINUTE);
    let stale = subject_write(&created, "session.noted", false);
    db.store.commit(&[vec![stale]]).await.unwrap();
    let rows = db.store.subjects(SubjectKind::Session, 0).await.unwrap();
    assert_eq!(
        rows[0].last_activity_at,
        T0 + 5 * MINUTE,
        "a commit does not lower it either"
    );
}

pub async fn subjects_are_the_live_and_the_recently_ended_and_pruning_removes_the_old(db: &TestDb) {
    let live = session("contoso", "live", T0);
    let recent = ended(session("contoso", "recent", T0), T0 + 50 * MINUTE);
    let old = ended(session("contoso", "old", T0), T0 + 10 * MINUTE);
    let mut share = session("contoso", "share-1", T0);
    share.kind = SubjectKind::Share;
    let groups: Vec<_> = [&live, &recent, &old, &share]
        .into_iter()
        .map(|subject| vec![subject_write(subject, "created", true)])
        .collect();
    db.store.commit(&groups).await.unwrap();

    let since = T0 + 30 * MINUTE;
    let ids =
        |rows: Vec<duet::store::SubjectRow>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let sessions = db
        .store
        .subjects(SubjectKind::Session, since)
        .await
        .unwrap();
    assert_eq!(ids(sessions), ["live", "recent"]);
    let shares = db.store.subjects(SubjectKind::Share, since).await.unwrap();
    assert_eq!(ids(shares), ["share-1"]);

    assert_eq!(db.store.prune_subjects(since).await.unwrap(), 1);
    let everything = db
        .store
        .subjects(SubjectKind::Session, i64::MIN)
        .await
        .unwrap();
    assert_eq!(ids(everything), ["live", "recent"]);
}

async fn all_records(db: &TestDb) -> Vec<duet::store::AuditRecord> {
    let query = duet::store::AuditQuery {
        limit: 1000,
        ..Default::default()
    };
    db.store.audit(&query).await.unwrap()
}
