//! Sessions listed for people: one tenant's newest first, limited, narrowed by a text in the
//! database; and one session by id, in every tenant that has it.

use duet::store::{PartyRow, SubjectKind, SubjectQuery, SubjectRow};

use crate::store_support::TestDb;
use crate::store_support::fixtures::{MINUTE, T0, ended, session, subject_write};

async fn stored(db: &TestDb, subjects: &[&SubjectRow]) {
    let groups: Vec<_> = subjects
        .iter()
        .map(|subject| vec![subject_write(subject, "session.created", true)])
        .collect();
    db.store.commit(&groups).await.unwrap();
}

fn query(tenant: &str, containing: &str, limit: u32) -> SubjectQuery {
    SubjectQuery {
        tenant: tenant.to_owned(),
        kind: SubjectKind::Session,
        live_or_ended_since: T0 - 60 * MINUTE,
        containing: containing.to_owned(),
        limit,
    }
}

fn ids(rows: &[SubjectRow]) -> Vec<&str> {
    rows.iter().map(|row| row.id.as_str()).collect()
}

/// A session of contoso with one agent called `agent` in `conversation`.
fn with(id: &str, at: i64, conversation: Option<&str>, agent: &str) -> SubjectRow {
    let mut subject = session("contoso", id, at);
    subject.conversation = conversation.map(str::to_owned);
    subject.parties[1] = PartyRow {
        name: Some(agent.to_owned()),
        ..subject.parties[1].clone()
    };
    subject
}

pub async fn a_tenants_sessions_list_newest_first_limited_and_only_its_own(db: &TestDb) {
    let first = session("contoso", "s-1", T0);
    let second = session("contoso", "s-2", T0 + MINUTE);
    let third = ended(session("contoso", "s-3", T0 + 2 * MINUTE), T0 + 3 * MINUTE);
    let twin = session("contoso", "s-5", T0 + 2 * MINUTE);
    let long_ended = ended(
        session("contoso", "s-0", T0 - 100 * MINUTE),
        T0 - 90 * MINUTE,
    );
    let others = session("fabrikam", "f-1", T0 + 5 * MINUTE);
    let mut share = session("contoso", "share-1", T0 + 4 * MINUTE);
    share.kind = SubjectKind::Share;
    let all = [&first, &second, &third, &twin, &long_ended, &others, &share];
    stored(db, &all).await;

    let listed = db
        .store
        .recent_subjects(&query("contoso", "", 10))
        .await
        .unwrap();
    assert_eq!(
        ids(&listed),
        ["s-5", "s-3", "s-2", "s-1"],
        "newest first, a tie by id; not another tenant's, a share or one ended long ago"
    );
    assert_eq!(listed[1], third, "each whole, with its parties");
    assert_eq!(listed[3], first);

    let limited = db
        .store
        .recent_subjects(&query("contoso", "", 2))
        .await
        .unwrap();
    assert_eq!(ids(&limited), ["s-5", "s-3"]);
    let none = db
        .store
        .recent_subjects(&query("nobody", "", 10))
        .await
        .unwrap();
    assert!(none.is_empty());
}

pub async fn the_list_narrows_to_a_text_in_the_id_the_conversation_or_a_partys_name(db: &TestDb) {
    let alpha = with("a1", T0, Some("Conv-Alpha"), "Avery Agent");
    let beta = with("b2", T0 + MINUTE, Some("conv-beta"), "Bo Ström");
    let sure = with("c3", T0 + 2 * MINUTE, None, "100% Sure_Thing");
    let numbered = with("x-42", T0 + 3 * MINUTE, Some("conv-delta"), "Dee");
    let accented = with("e5", T0 - MINUTE, None, "Åsa Öberg");
    let mut elsewhere = with("a9", T0, Some("Conv-Alpha"), "Avery Agent");
    elsewhere.tenant = "fabrikam".to_owned();
    stored(
        db,
        &[&alpha, &beta, &sure, &numbered, &accented, &elsewhere],
    )
    .await;

    let found = async |text: &str, limit: u32| {
        let rows = db
            .store
            .recent_subjects(&query("contoso", text, limit))
            .await
            .unwrap();
        ids(&rows)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found("ALPHA", 10).await,
        ["a1"],
        "the conversation, any case"
    );
    assert_eq!(found("bo s", 10).await, ["b2"], "an agent's name");
    assert_eq!(found("42", 10).await, ["x-42"], "the id");
    assert_eq!(found("%", 10).await, ["c3"], "a percent sign is itself");
    assert_eq!(found("_", 10).await, ["c3"], "and so is an underscore");
    assert_eq!(found("Ström", 10).await, ["b2"]);
    assert_eq!(
        found("STRÖM", 10).await,
        Vec::<String>::new(),
        "letters past ASCII match only as written, in both databases"
    );
    assert_eq!(
        found("Öberg", 10).await,
        ["e5"],
        "a capital past ASCII is not lowered in the column either"
    );
    assert_eq!(found("conv", 10).await, ["x-42", "b2", "a1"]);
    assert_eq!(
        found("conv", 2).await,
        ["x-42", "b2"],
        "the limit counts matches"
    );
    assert_eq!(found("customer", 10).await, Vec::<String>::new());
}

pub async fn a_session_by_id_is_found_in_every_tenant_that_has_it(db: &TestDb) {
    let mine = session("contoso", "s-1", T0);
    let theirs = ended(
        session("fabrikam", "s-1", T0 - 100 * MINUTE),
        T0 - 90 * MINUTE,
    );
    let other = session("contoso", "s-2", T0);
    stored(db, &[&mine, &theirs, &other]).await;

    let found = db
        .store
        .subjects_with_id(SubjectKind::Session, "s-1")
        .await
        .unwrap();
    assert_eq!(
        found,
        vec![mine, theirs],
        "in tenant order, whole, ended or not"
    );
    let shares = db
        .store
        .subjects_with_id(SubjectKind::Share, "s-1")
        .await
        .unwrap();
    assert!(shares.is_empty());
    let unknown = db
        .store
        .subjects_with_id(SubjectKind::Session, "s-9")
        .await
        .unwrap();
    assert!(unknown.is_empty());
}
