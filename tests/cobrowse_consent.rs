//! Consent per agent, tried as a second agent would: joining a session another agent holds
//! shows nothing until the customer allows it, a refusal closes the door, and control belongs to
//! the one agent the customer named.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use support::{App, Socket, spawn};
use tokio_tungstenite::tungstenite::Message;

/// A customer and Ann, the agent who joined first, with the customer asked for a snapshot.
async fn session_with_ann(app: &App) -> (String, Socket, Socket) {
    let (id, _, customer, ann) = app.session_with_ann("conv-consent").await;
    (id, customer, ann)
}

/// Bo asks to join; returns his join answer and socket once he hears he waits.
async fn bo_asks(app: &App, id: &str) -> (Value, Socket) {
    let bo_token = app.sign_in("Bo").await;
    let (status, joined) = app.join(&bo_token, id).await;
    assert_eq!(status, 200, "{joined}");
    let mut bo = app.socket(joined["token"].as_str().unwrap()).await;
    assert_eq!(bo.next_of("consent").await["state"], "waiting");
    (joined, bo)
}

/// Bo asks to join over HTTP only, and the customer answers before his console connects;
/// returns his sign-in token and his join answer.
async fn bo_answered_before_connecting(
    app: &App,
    id: &str,
    customer: &mut Socket,
    approved: bool,
) -> (String, Value) {
    let bo_token = app.sign_in("Bo").await;
    let (_, joined) = app.join(&bo_token, id).await;
    assert_eq!(joined["admitted"], false);
    let handle = customer.join_request_handle("Bo").await;
    customer
        .send(json!({ "type": "join_answer", "agent": handle, "approved": approved }))
        .await;
    (bo_token, joined)
}

/// Everything `socket` receives within `window`, as text (binary frames as `<binary>`).
async fn received_within(socket: &mut Socket, window: Duration) -> Vec<String> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(deadline, socket.ws.next()).await {
        match message {
            Message::Text(text) => seen.push(text.to_string()),
            Message::Binary(_) => seen.push("<binary>".to_owned()),
            _ => {}
        }
    }
    seen
}

fn full_snapshot(marker: &str) -> Value {
    json!({ "type": "dom", "full": true, "events": [{ "type": 2, "data": { "marker": marker } }] })
}

#[tokio::test]
async fn a_second_agent_sees_nothing_of_the_page_until_the_customer_allows_it() {
    let app = spawn().await;
    let (id, mut customer, mut ann) = session_with_ann(&app).await;
    let (joined, mut bo) = bo_asks(&app, &id).await;
    assert_eq!(joined["admitted"], false, "{joined}");
    let handle = customer.join_request_handle("Bo").await;

    customer.send(full_snapshot("before-consent")).await;
    customer.send_binary(vec![1, 0xde, 0xad]).await;
    customer
        .send(json!({ "type": "pointer", "x": 10.0, "y": 20.0 }))
        .await;
    assert!(
        ann.next_of("dom")
            .await
            .to_string()
            .contains("before-consent"),
        "Ann, admitted, sees the page"
    );
    let seen = received_within(&mut bo, Duration::from_millis(400)).await;
    assert!(
        seen.iter().all(|text| !text.contains("before-consent")
            && !text.contains("pointer")
            && text != "<binary>"),
        "Bo received page content before consent: {seen:?}"
    );

    customer
        .send(json!({ "type": "join_answer", "agent": handle, "approved": true }))
        .await;
    assert_eq!(bo.next_of("consent").await["state"], "allowed");
    customer.next_of("snapshot_needed").await;
    customer.send(full_snapshot("after-consent")).await;
    assert!(
        bo.next_of("dom")
            .await
            .to_string()
            .contains("after-consent")
    );
    let viewers = loop {
        let state = customer.next_of("state").await;
        if state["viewers"].as_array().is_some_and(|v| v.len() == 2) {
            break state["viewers"].clone();
        }
    };
    assert_eq!(
        viewers,
        json!(["Ann", "Bo"]),
        "the customer sees who can see the page"
    );
}

#[tokio::test]
async fn a_refused_agent_is_closed_and_cannot_end_the_session_with_their_token() {
    let app = spawn().await;
    let (id, mut customer, _ann) = session_with_ann(&app).await;
    let (joined, mut bo) = bo_asks(&app, &id).await;
    let handle = customer.join_request_handle("Bo").await;

    customer
        .send(json!({ "type": "join_answer", "agent": handle, "approved": false }))
        .await;
    assert_eq!(bo.next_of("consent").await["state"], "denied");
    assert_eq!(bo.close_code().await, Some(4003));

    let beacon = joined["endBeaconUrl"].as_str().unwrap();
    let response = app.http.post(beacon).send().await.unwrap();
    assert!(response.status().is_success() || response.status().is_client_error());
    let session = app.session(&id).await;
    assert!(
        session.is_live(),
        "a refused agent's beacon must not end the session"
    );
}

#[tokio::test]
async fn a_waiting_agent_who_leaves_withdraws_the_request() {
    let app = spawn().await;
    let (id, mut customer, _ann) = session_with_ann(&app).await;
    let (_, bo) = bo_asks(&app, &id).await;
    customer.join_request_handle("Bo").await;
    drop(bo);
    loop {
        let state = customer.next_of("state").await;
        if state["join_requests"].as_array().is_some_and(Vec::is_empty) {
            break;
        }
    }
}

#[tokio::test]
async fn control_goes_to_one_named_agent_and_nobody_else_acts_or_takes_it_away() {
    let app = spawn().await;
    let (id, mut customer, mut ann) = session_with_ann(&app).await;
    let mut bo = app.admit_another_agent(&mut customer, &id, "Bo").await;

    ann.send(json!({ "type": "control_request" })).await;
    customer.next_of("control_requested").await;
    let asker = loop {
        let state = customer.next_of("state").await;
        if state["control_pending"] == true {
            break state["control_asker"].as_str().unwrap().to_owned();
        }
    };
    bo.send(json!({ "type": "control_request" })).await;
    let refused = bo.next_of("error").await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Ann is already waiting"),
        "{refused}"
    );
    customer
        .send(json!({ "type": "control_answer", "approved": true }))
        .await;
    let holder = loop {
        let state = customer.next_of("state").await;
        if state["control"] == "write" {
            break state["control_holder"].as_str().unwrap().to_owned();
        }
    };

    assert_eq!(holder, asker, "control goes to the agent who asked");

    let click = json!({ "type": "action", "action": { "kind": "click", "x": 5.0, "y": 5.0 } });
    bo.send(click.clone()).await;
    let refused = bo.next_of("error").await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("another agent"),
        "{refused}"
    );
    bo.send(json!({ "type": "control_revoke" })).await;
    ann.send(click).await;
    let action = customer.next_of("action").await;
    assert_eq!(
        action["from"],
        holder.as_str(),
        "the action that arrives is Ann's"
    );
    let seen = received_within(&mut customer, Duration::from_millis(300)).await;
    assert!(
        seen.iter().all(|text| !text.contains("\"action\"")),
        "only Ann's action reached the customer: {seen:?}"
    );
    let session = app.session(&id).await;
    assert_eq!(
        session.control(),
        duet::engine::ControlMode::Write,
        "Bo cannot take Ann's control away"
    );
}

#[tokio::test]
async fn an_agent_allowed_before_their_console_connects_sees_the_page_and_is_not_listed_as_asking()
{
    let app = spawn().await;
    let (id, mut customer, _ann) = session_with_ann(&app).await;
    let (_, joined) = bo_answered_before_connecting(&app, &id, &mut customer, true).await;
    customer.next_of("snapshot_needed").await;

    let mut bo = app.socket(joined["token"].as_str().unwrap()).await;
    let state = bo.next_of("state").await;
    assert_eq!(
        state["join_requests"],
        json!([]),
        "the console learns from the state that it no longer waits"
    );
    customer.next_of("snapshot_needed").await;
    customer.send(full_snapshot("after-late-connect")).await;
    assert!(
        bo.next_of("dom")
            .await
            .to_string()
            .contains("after-late-connect")
    );
}

#[tokio::test]
async fn an_agent_turned_away_before_their_console_connects_hears_so_when_it_does() {
    let app = spawn().await;
    let (id, mut customer, _ann) = session_with_ann(&app).await;
    let (bo_token, joined) = bo_answered_before_connecting(&app, &id, &mut customer, false).await;
    customer.next_of("state").await;

    let mut bo = app.socket(joined["token"].as_str().unwrap()).await;
    assert_eq!(
        bo.close_code().await,
        Some(4003),
        "told the customer said no, not that the session is unknown"
    );
    let (status, asked_again) = app.join(&bo_token, &id).await;
    assert_eq!(status, 200, "asking again is allowed: {asked_again}");
    assert_eq!(asked_again["admitted"], false);
}
