//! The supervisor's API, tried as each caller would: a supervisor of the tenant lists its
//! sessions with how each was recorded and reads a recording in chunks that are never cached
//! nor offered as a file, and each view is audited; no sign-in, a customer, an agent (the
//! session's own included) and another tenant's supervisor get nothing of it. The list is the
//! tenant's newest sessions from the store, and whose a stored session is decides who reads it.

mod support;

use std::time::Duration;

use duet::store::{ActorRef, NewAuditRecord, PartyRow, SubjectKind, SubjectRow, Write};
use serde_json::{Value, json};
use support::{App, spawn};

/// A session Ann saw and the customer ended; returns its id once its recording is closed.
async fn recorded_session(app: &App) -> (String, String, String) {
    let (id, customer_token, mut customer, mut ann) = app.session_with_ann("conv-reviewed").await;
    customer.send_binary(vec![1, 0xAA, 0xBB]).await;
    assert_eq!(ann.next_binary().await, vec![1, 0xAA, 0xBB]);
    customer.send(json!({ "type": "end" })).await;
    customer.state("ended").await;
    let ann_token = app.sign_in("Ann").await;
    (id, customer_token, ann_token)
}

async fn get(app: &App, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn listed(app: &App, token: &str, id: &str) -> Value {
    for _ in 0..100 {
        let body: Value = get(app, "/api/supervisor/sessions", Some(token))
            .await
            .json()
            .await
            .unwrap();
        let found = body["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sessionId"] == id)
            .cloned();
        if let Some(session) = found.filter(|s| s["recording"]["recording"] == "complete") {
            return session;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("session {id} never listed with a complete recording");
}

#[tokio::test]
async fn a_supervisor_lists_the_session_and_reads_its_recording_in_chunks_and_the_view_is_audited()
{
    let app = spawn().await;
    let (id, _, _) = recorded_session(&app).await;
    let sue = app.supervisor("Sue").await;
    let session = listed(&app, &sue, &id).await;
    assert_eq!(session["conversation"], "conv-reviewed");
    assert_eq!(session["agents"], json!(["Ann"]));
    assert_eq!(session["live"], false);
    assert_eq!(session["endReason"], "customer_exit");

    let response = get(
        &app,
        &format!("/api/supervisor/sessions/{id}/recording?from=0"),
        Some(&sue),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-disposition").is_none());
    assert_eq!(response.headers()["cache-control"], "no-store");
    let chunk: Value = response.json().await.unwrap();
    assert_eq!(chunk["entries"][0]["kind"], "page");
    assert_eq!(chunk["entries"][0]["data"], "Aaq7", "the frame as relayed");
    assert_eq!(chunk["atEnd"], true);

    let query = duet::store::AuditQuery {
        session: Some(id.clone()),
        limit: 100,
        ..Default::default()
    };
    let trail = app.state.service.store.audit(&query).await.unwrap();
    let viewed = trail
        .iter()
        .find(|r| r.action == "recording.viewed")
        .expect("the view is audited");
    assert_eq!(viewed.actor.name.as_deref(), Some("Sue"));

    let filtered: Value = get(
        &app,
        "/api/supervisor/sessions?q=nothing-like-it",
        Some(&sue),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(filtered["sessions"], json!([]));

    let trail: Value = get(
        &app,
        &format!("/api/supervisor/sessions/{id}/audit"),
        Some(&sue),
    )
    .await
    .json()
    .await
    .unwrap();
    let actions: Vec<&str> = trail["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"session.created") && actions.contains(&"recording.viewed"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn no_sign_in_a_customer_an_agent_and_another_tenants_supervisor_get_nothing() {
    let app = spawn().await;
    let (id, customer_token, ann_token) = recorded_session(&app).await;
    let sue = app.supervisor("Sue").await;
    listed(&app, &sue, &id).await;
    let recording = format!("/api/supervisor/sessions/{id}/recording?from=0");
    let bo = app.sign_in("Bo").await;
    let other = app.entra_user("fabrikam", "Sam", "Duet.Supervisor");
    let cases = [
        (None, 401),
        (Some(customer_token.as_str()), 401),
        (Some(ann_token.as_str()), 403),
        (Some(bo.as_str()), 403),
        (Some(other.as_str()), 403),
    ];
    for (token, status) in cases {
        let trail = format!("/api/supervisor/sessions/{id}/audit");
        for path in [
            "/api/supervisor/sessions",
            recording.as_str(),
            trail.as_str(),
        ] {
            let response = get(&app, path, token).await;
            let code = response.status().as_u16();
            let expected = if token == Some(other.as_str()) && path == "/api/supervisor/sessions" {
                200
            } else {
                status
            };
            assert_eq!(code, expected, "{path} with {token:?}");
            assert!(response.headers().get("content-disposition").is_none());
            let body = response.text().await.unwrap();
            assert!(!body.contains("Aaq7"), "{path} leaked the recording");
            if code == 200 {
                assert!(
                    !body.contains(&id),
                    "another tenant's supervisor sees the session"
                );
            } else {
                assert!(
                    body.contains("sign in")
                        || body.contains("Duet.Supervisor")
                        || body.contains("organisation"),
                    "{body}"
                );
            }
        }
    }
    let trail = app
        .state
        .service
        .store
        .audit(&duet::store::AuditQuery {
            session: Some(id),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        trail.iter().all(|r| r.action != "recording.viewed"),
        "a refused caller's view is not a view"
    );
}

/// An ended session of `tenant` with Ann, stored directly (no live one in this Duet's memory).
fn stored_session(tenant: &str, id: &str, conversation: &str, at: i64) -> Write {
    let subject = SubjectRow {
        tenant: tenant.to_owned(),
        kind: SubjectKind::Session,
        id: id.to_owned(),
        state: "ended".to_owned(),
        live: false,
        conversation: Some(conversation.to_owned()),
        created_at: at,
        last_activity_at: at + 500,
        ended_at: Some(at + 500),
        parties: vec![PartyRow {
            role: "agent".to_owned(),
            id: "ann".to_owned(),
            name: Some("Ann".to_owned()),
            joined_at: at,
        }],
        doc: json!({ "end_reason": "customer_exit" }),
        claims: Vec::new(),
    };
    let audit = NewAuditRecord {
        tenant: tenant.to_owned(),
        at,
        session: Some(id.to_owned()),
        actor: ActorRef::system(),
        action: "session.created".to_owned(),
        detail: json!({}),
    };
    Write {
        audit,
        subject: Some(subject),
        creates: true,
    }
}

async fn listed_ids(app: &App, token: &str, query: &str) -> Vec<String> {
    let response = get(
        app,
        &format!("/api/supervisor/sessions{query}"),
        Some(token),
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sessionId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_list_is_the_tenants_newest_two_hundred_and_whose_a_stored_session_is_decides_access() {
    let app = spawn().await;
    let now = app.state.service.clock.now().unix_millis();
    let id = |n: i64| format!("{}", 100_000_000 + n);
    let mut writes: Vec<Write> = (0..205)
        .map(|n| {
            stored_session(
                "default",
                &id(n),
                &format!("conv-{n}"),
                now - (300 - n) * 1_000,
            )
        })
        .collect();
    writes.push(stored_session("fabrikam", &id(500), "conv-7", now));
    writes.push(stored_session("fabrikam", &id(3), "conv-elsewhere", now));
    app.state.service.store.commit(&[writes]).await.unwrap();
    let sue = app.supervisor("Sue").await;
    let sam = app.entra_user("fabrikam", "Sam", "Duet.Supervisor");

    let listed = listed_ids(&app, &sue, "").await;
    let newest: Vec<String> = (5..205).rev().map(id).collect();
    assert_eq!(
        listed, newest,
        "the 200 newest, newest first, none of another tenant's"
    );
    let narrowed = listed_ids(&app, &sue, "?q=CONV-3").await;
    let threes: Vec<String> = (30..40).rev().chain([3]).map(id).collect();
    assert_eq!(narrowed, threes, "the text narrows before the limit");
    assert_eq!(listed_ids(&app, &sam, "").await, [id(500), id(3)]);

    let trail = |n: i64| format!("/api/supervisor/sessions/{}/audit", id(n));
    let status = async |path: String, token: &str| get(&app, &path, Some(token)).await.status();
    assert_eq!(status(trail(10), &sue).await, 200);
    assert_eq!(status(trail(10), &sam).await, 403, "another tenant's");
    assert_eq!(status(trail(3), &sue).await, 200, "an id two tenants drew");
    assert_eq!(status(trail(3), &sam).await, 200);
    assert_eq!(status(trail(999), &sue).await, 404, "never drawn");
    let refused = get(&app, &trail(500), Some(&sue))
        .await
        .text()
        .await
        .unwrap();
    assert!(refused.contains("organisation"), "{refused}");
}
