//! What nodes sharing one database agree on through it: claims (one live subject per agent and
//! kind, one pending share per key) and rate limits counted in the store.

use duet::store::{Attempt, Outcome, SubjectKind, SubjectRow, Tally};

use crate::store_support::TestDb;
use crate::store_support::fixtures::{MINUTE, T0, ended, session, subject_write};

/// A live session of contoso holding `claims`.
fn claiming(id: &str, claims: &[&str]) -> SubjectRow {
    let mut subject = session("contoso", id, T0);
    subject.claims = claims.iter().map(|claim| (*claim).to_owned()).collect();
    subject
}

async fn store(db: &TestDb, subject: &SubjectRow, creates: bool) -> Outcome {
    let write = subject_write(subject, "session.changed", creates);
    db.store.commit(&[vec![write]]).await.unwrap().remove(0)
}

async fn ids(db: &TestDb, kind: SubjectKind) -> Vec<String> {
    let rows = db.store.subjects(kind, 0).await.unwrap();
    rows.into_iter().map(|row| row.id).collect()
}

pub async fn a_claim_another_live_session_holds_refuses_the_write_and_names_the_holder(
    db: &TestDb,
) {
    let first = claiming("s-1", &["agent:ann"]);
    assert_eq!(store(db, &first, true).await, Outcome::Committed);
    let second = claiming("s-2", &["agent:bob"]);
    assert_eq!(store(db, &second, true).await, Outcome::Committed);

    let ann_in_second = claiming("s-2", &["agent:bob", "agent:ann"]);
    let refused = store(db, &ann_in_second, false).await;

    assert_eq!(
        refused,
        Outcome::Claimed {
            claim: "agent:ann".to_owned(),
            holder: "s-1".to_owned(),
        }
    );
    let all = duet::store::AuditQuery {
        limit: 100,
        ..Default::default()
    };
    let records = db.store.audit(&all).await.unwrap();
    assert_eq!(records.len(), 2, "the refused write left no record");
}

pub async fn ending_a_session_frees_its_claims_in_the_same_write(db: &TestDb) {
    let first = claiming("s-1", &["agent:ann"]);
    store(db, &first, true).await;
    let second = claiming("s-2", &["agent:ann"]);
    assert!(matches!(
        store(db, &second, true).await,
        Outcome::Claimed { .. }
    ));
    assert_eq!(
        ids(db, SubjectKind::Session).await,
        ["s-1"],
        "nothing of s-2"
    );

    assert_eq!(
        store(db, &ended(first, T0 + MINUTE), false).await,
        Outcome::Committed
    );

    assert_eq!(store(db, &second, true).await, Outcome::Committed);
}

pub async fn a_claim_dropped_from_a_later_write_is_free_and_one_kept_stays_held(db: &TestDb) {
    let first = claiming("s-1", &["agent:ann", "agent:bob"]);
    store(db, &first, true).await;
    let bob_left = claiming("s-1", &["agent:ann"]);
    assert_eq!(store(db, &bob_left, false).await, Outcome::Committed);

    let bob_elsewhere = claiming("s-2", &["agent:bob"]);
    let ann_elsewhere = claiming("s-3", &["agent:ann"]);

    assert_eq!(store(db, &bob_elsewhere, true).await, Outcome::Committed);
    assert!(matches!(
        store(db, &ann_elsewhere, true).await,
        Outcome::Claimed { holder, .. } if holder == "s-1"
    ));
}

pub async fn claims_are_held_per_kind(db: &TestDb) {
    let co_browse = claiming("s-1", &["agent:ann"]);
    let mut share = claiming("f-1", &["agent:ann", "key:123456"]);
    share.kind = SubjectKind::Share;

    assert_eq!(store(db, &co_browse, true).await, Outcome::Committed);
    assert_eq!(store(db, &share, true).await, Outcome::Committed);
    let mut same_key = claiming("f-2", &["agent:bob", "key:123456"]);
    same_key.kind = SubjectKind::Share;
    assert!(matches!(
        store(db, &same_key, true).await,
        Outcome::Claimed { claim, .. } if claim == "key:123456"
    ));
}

pub async fn forgetting_a_tenant_frees_the_claims_of_its_sessions(db: &TestDb) {
    store(db, &claiming("s-1", &["agent:ann"]), true).await;

    db.store.forget_tenant("contoso", true).await.unwrap();

    assert_eq!(
        store(db, &claiming("s-2", &["agent:ann"]), true).await,
        Outcome::Committed
    );
}

/// The start of the minute-long window T0 falls in.
const WINDOW_START: i64 = T0 - T0 % MINUTE;

fn attempt(bucket: &str, at: i64) -> Attempt {
    Attempt {
        bucket: bucket.to_owned(),
        at,
        window: MINUTE,
        limit: 3,
    }
}

pub async fn attempts_over_a_stored_limit_are_refused_uncounted_until_the_window_slides(
    db: &TestDb,
) {
    for _ in 0..3 {
        let counted = db.store.count_attempt(&attempt("b", T0)).await.unwrap();
        assert_eq!(counted, Tally::Counted);
    }
    let refused = db.store.count_attempt(&attempt("b", T0)).await.unwrap();
    assert_eq!(
        refused,
        Tally::Refused {
            retry_after: WINDOW_START + MINUTE - T0
        }
    );
    let other = db.store.count_attempt(&attempt("c", T0)).await.unwrap();
    assert_eq!(other, Tally::Counted, "buckets are counted apart");

    // A third into the next window, the previous one still weighs 3 * 2/3 = 2: one more fits
    // only because the refused attempt was not counted.
    let next = WINDOW_START + MINUTE + MINUTE / 3;
    assert_eq!(
        db.store.count_attempt(&attempt("b", next)).await.unwrap(),
        Tally::Counted
    );
    assert!(matches!(
        db.store.count_attempt(&attempt("b", next)).await.unwrap(),
        Tally::Refused { .. }
    ));
}

pub async fn a_window_long_past_no_longer_counts(db: &TestDb) {
    for _ in 0..3 {
        db.store.count_attempt(&attempt("b", T0)).await.unwrap();
    }

    let later = T0 + 10 * MINUTE;

    for _ in 0..3 {
        let counted = db.store.count_attempt(&attempt("b", later)).await.unwrap();
        assert_eq!(counted, Tally::Counted);
    }
}
