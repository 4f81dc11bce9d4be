//! The smaller holes, tried as an attacker would: sign-in, pending lookups and session starts
//! hammered from one address; any agent ending someone else's conversation; telling ended ids
//! from unknown ones; a participant flooding `signal` frames; responses a browser could sniff.

mod support;

use std::time::Duration;

use duet::config::Config;
use futures_util::StreamExt;
use serde_json::json;
use support::{App, spawn, spawn_with};
use tokio_tungstenite::tungstenite::Message;

/// An app that allows `per_address` of each per-address call a minute.
async fn spawn_limited(per_address: usize) -> App {
    spawn_with(Config {
        joins_per_address_per_minute: per_address,
        ..Config::default()
    })
    .await
}

#[tokio::test]
async fn sign_ins_from_one_address_are_rate_limited_with_a_wait_in_the_answer() {
    let app = spawn_limited(5).await;
    for n in 0..5 {
        app.sign_in(&format!("Agent {n}")).await;
    }
    let (status, body) = app
        .post("/api/agent/signin", None, json!({ "name": "One too many" }))
        .await;
    assert_eq!(status, 429, "{body}");
    assert!(body["error"].as_str().unwrap().contains("wait"), "{body}");
}

#[tokio::test]
async fn session_starts_from_one_address_are_rate_limited() {
    let app = spawn_limited(5).await;
    for _ in 0..5 {
        app.start_session(None).await;
    }
    let (status, body) = app.post("/api/sessions", None, json!({})).await;
    assert_eq!(status, 429, "{body}");
}

/// Starts a session as a browser behind a balancer would, with `X-Forwarded-For: client`.
async fn start_as(app: &App, client: &str) -> u16 {
    app.http
        .post(format!("{}/api/sessions", app.base))
        .header("x-forwarded-for", client)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_forged_forwarded_address_does_not_escape_the_per_address_limit() {
    let app = spawn_limited(2).await;
    let statuses = [
        start_as(&app, "203.0.113.1").await,
        start_as(&app, "203.0.113.2").await,
        start_as(&app, "203.0.113.3").await,
    ];
    assert_eq!(
        statuses,
        [201, 201, 429],
        "no trusted proxy: the header is ignored"
    );
}

#[tokio::test]
async fn behind_a_trusted_balancer_each_browser_is_counted_at_its_own_address() {
    let app = spawn_with(Config {
        joins_per_address_per_minute: 2,
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..Config::default()
    })
    .await;
    let first = [
        start_as(&app, "203.0.113.1").await,
        start_as(&app, "203.0.113.1").await,
        start_as(&app, "203.0.113.1").await,
    ];
    assert_eq!(first, [201, 201, 429]);
    assert_eq!(start_as(&app, "203.0.113.2").await, 201, "another browser");
    let lying = start_as(&app, "203.0.113.1, 127.0.0.1").await;
    assert_eq!(lying, 429, "a trusted hop after the client changes nothing");
}

#[tokio::test]
async fn pending_lookups_are_rate_limited() {
    let app = spawn_limited(5).await;
    let token = app.sign_in("Ann").await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let (status, _) = app
            .get(
                &format!("/api/agent/pending?conversation=guess-{n}"),
                Some(&token),
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses[..5], [404; 5]);
    assert_eq!(statuses[5], 429);
}

#[tokio::test]
async fn an_agent_cannot_end_a_conversation_whose_session_another_agent_holds() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(Some("conv-theirs")).await;
    let _customer = app.socket(&customer_token).await;
    let ann = app.sign_in("Ann").await;
    app.join(&ann, &id).await;

    let mallory = app.sign_in("Mallory").await;
    let (status, body) = app
        .post(
            "/api/conversations/conv-theirs/end",
            Some(&mallory),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["ended"],
        json!([]),
        "nothing of Ann's is Mallory's to end"
    );
    assert!(app.session(&id).await.is_live());

    let (_, body) = app
        .post("/api/conversations/conv-theirs/end", Some(&ann), json!({}))
        .await;
    assert_eq!(body["ended"], json!([id]));
}

#[tokio::test]
async fn the_administrator_key_ends_every_session_of_a_conversation() {
    let app = spawn_with(Config {
        admin_key: Some("platform-key-1234567890".to_owned().into()),
        ..Config::default()
    })
    .await;
    let (id, _) = app.start_session(Some("conv-platform")).await;
    let (status, body) = app
        .post(
            "/api/conversations/conv-platform/end",
            Some("platform-key-1234567890"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(!app.session(&id).await.is_live());
}

#[tokio::test]
async fn an_ended_id_answers_a_stranger_exactly_as_an_unknown_one_does() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let ann = app.sign_in("Ann").await;
    app.join(&ann, &id).await;
    app.post(
        &format!("/api/sessions/{id}/end"),
        Some(&customer_token),
        json!({}),
    )
    .await;

    let stranger = app.sign_in("Stranger").await;
    let (ended_status, ended) = app.join(&stranger, &id).await;
    let unknown_id = if id == "123456789" {
        "987654321"
    } else {
        "123456789"
    };
    let (unknown_status, unknown) = app.join(&stranger, unknown_id).await;
    assert_eq!(ended_status, unknown_status);
    assert_eq!(
        ended["error"].as_str().unwrap().replace(&id, "<id>"),
        unknown["error"]
            .as_str()
            .unwrap()
            .replace(unknown_id, "<id>")
    );
    let (status, _) = app.join(&ann, &id).await;
    assert_eq!(status, 410, "the agent who was in it is told it ended");
}

#[tokio::test]
async fn a_flood_of_signals_is_cut_to_a_budget_and_the_others_stay_connected() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let ann = app.sign_in("Ann").await;
    let (_, joined) = app.join(&ann, &id).await;
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;
    agent.next_of("welcome").await;

    let flood = 3_000;
    for n in 0..flood {
        customer
            .send(json!({ "type": "signal", "data": { "candidate": n } }))
            .await;
    }
    customer.send(json!({ "type": "ping" })).await;
    customer.next_of("pong").await;

    let mut relayed = 0;
    loop {
        match tokio::time::timeout(Duration::from_millis(500), agent.ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) if text.contains("\"signal\"") => relayed += 1,
            Ok(Some(Ok(Message::Close(frame)))) => panic!("the agent was closed: {frame:?}"),
            Ok(Some(Ok(_))) => {}
            Ok(None | Some(Err(_))) => panic!("the agent's socket dropped"),
            Err(_) => break,
        }
    }
    assert!(
        (1..=400).contains(&relayed),
        "{relayed} of {flood} signals relayed: the budget did not hold"
    );
    agent.send(json!({ "type": "ping" })).await;
    agent.next_of("pong").await;
}

#[tokio::test]
async fn every_response_forbids_content_sniffing() {
    let app = spawn().await;
    for path in [
        "/",
        "/healthz",
        "/sdk.js",
        "/console",
        "/no-such-page",
        "/api/agent/pending",
    ] {
        let response = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response
                .headers()
                .get("x-content-type-options")
                .map(|value| value.to_str().unwrap()),
            Some("nosniff"),
            "{path} ({})",
            response.status()
        );
    }
}
