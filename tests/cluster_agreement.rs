//! Two nodes on one PostgreSQL database, without the bus: two in-process Duets, each with its own
//! registries, agree through the store on the token key, on one live co-browse and one live
//! screen share per agent, on session ids, and on the join rate limits. Skipped as the store
//! suite's PostgreSQL half is, when no server is reachable.

mod store_support;
mod support;

use std::collections::HashSet;

use duet::config::Config;
use duet::engine::{Actor, AgentId, EndReason, ShareEnd, ShareError, TenantId};
use duet::store::SubjectKind;
use futures_util::{StreamExt, stream};
use support::App;

/// Sessions created across the two nodes in the id test: enough that a collision across nodes
/// is plausible (about 5 % a run at nine digits) while the run stays well under a minute.
const SESSIONS: usize = 10_000;
/// Creations in flight at once on each node (the journal writes them in batches).
const IN_FLIGHT: usize = 200;
/// The PostgreSQL cases in this binary (the last to finish drops the run's database).
const CASES: usize = 5;

/// Two Duets on one fresh PostgreSQL schema, or `None` when PostgreSQL is skipped.
async fn two_nodes(case: &str) -> Option<(App, App, store_support::postgres::CaseGuard)> {
    store_support::postgres::expect_cases(CASES);
    let (url, guard) = store_support::postgres::case(case).await?;
    let config = || Config {
        database_url: Some(url.clone()),
        ..Config::default()
    };
    let a = support::spawn_with(config()).await;
    let b = support::spawn_with(config()).await;
    Some((a, b, guard))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_by_one_node_is_accepted_by_the_other() {
    let Some((a, b, _guard)) = two_nodes("token").await else {
        return;
    };
    let token = a.sign_in("Ann").await;
    let (id, _) = b.start_session(None).await;

    let (status, body) = b.join(&token, &id).await;

    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_in_a_live_session_on_one_node_cannot_join_one_on_the_other_until_it_ends() {
    let Some((a, b, _guard)) = two_nodes("busy").await else {
        return;
    };
    let token = a.sign_in("Ann").await;
    let (first, _) = a.start_session(None).await;
    let (second, _) = b.start_session(None).await;
    assert_eq!(a.join(&token, &first).await.0, 200);

    let (status, body) = b.join(&token, &second).await;

    assert_eq!(status, 409, "{body}");
    let expected = format!("you are already in co-browse session {first}; end it before");
    assert!(
        body["error"].as_str().unwrap().starts_with(&expected),
        "{body}"
    );
    let service = &a.state.service;
    let (id, now) = (first.parse().unwrap(), service.clock.now());
    assert!(
        service
            .sessions
            .end(id, EndReason::CustomerExit, Actor::customer(), now)
            .await
    );
    let (status, body) = b.join(&token, &second).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_with_a_live_screen_share_on_one_node_cannot_start_one_on_the_other() {
    let Some((a, b, _guard)) = two_nodes("share").await else {
        return;
    };
    let ann = AgentId("ann".to_owned());
    let start = |app: &App| {
        let (shares, now) = (
            app.state.service.shares.clone(),
            app.state.service.clock.now(),
        );
        let ann = ann.clone();
        async move {
            shares
                .create(TenantId::default(), &ann, "Ann", None, now)
                .await
        }
    };
    let first = start(&a).await.unwrap();

    assert_eq!(start(&b).await.unwrap_err(), ShareError::AgentBusy);

    let service = &a.state.service;
    let by = Actor::agent(&ann, "Ann");
    let now = service.clock.now();
    assert!(
        service
            .shares
            .end(first.id, ShareEnd::AgentStopped, by, now)
            .await
    );
    let second = start(&b).await.unwrap();
    assert_ne!(
        second.key, "",
        "a share on the other node once the first ended"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_sessions_created_on_two_nodes_at_once_all_get_their_own_id() {
    let Some((a, b, _guard)) = two_nodes("ids").await else {
        return;
    };
    let started = std::time::Instant::now();

    let (from_a, from_b) =
        tokio::join!(create_many(&a, SESSIONS / 2), create_many(&b, SESSIONS / 2));

    let created: Vec<String> = from_a.into_iter().chain(from_b).collect();
    let distinct: HashSet<&String> = created.iter().collect();
    assert_eq!(distinct.len(), SESSIONS, "an id was handed out twice");
    let stored = a
        .state
        .service
        .store
        .subjects(SubjectKind::Session, 0)
        .await
        .unwrap();
    let stored: HashSet<String> = stored.into_iter().map(|row| row.id).collect();
    assert_eq!(stored.len(), SESSIONS);
    assert!(created.iter().all(|id| stored.contains(id)));
    eprintln!(
        "{SESSIONS} sessions on two nodes in {:?}",
        started.elapsed()
    );
}

/// Creates `count` sessions on `app`'s registry, `IN_FLIGHT` at a time; returns their ids.
async fn create_many(app: &App, count: usize) -> Vec<String> {
    let sessions = app.state.service.sessions.clone();
    let clock = app.state.service.clock;
    stream::iter(0..count)
        .map(|_| {
            let sessions = sessions.clone();
            async move {
                let id = sessions
                    .create(TenantId::default(), None::<String>, clock.now())
                    .await
                    .unwrap();
                id.to_string()
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_attempts_counted_on_one_node_count_on_the_other() {
    let Some((a, b, _guard)) = two_nodes("limits").await else {
        return;
    };
    let token = a.sign_in("Ann").await;
    for _ in 0..10 {
        assert_eq!(a.join(&token, "123456789").await.0, 404);
    }

    let (status, body) = b.join(&token, "123456789").await;

    assert_eq!(status, 429, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("too many join attempts")
    );
}
