//! The co-browse service over real HTTP and WebSocket on loopback: start, join, relay, end.

mod support;

use duet::config::Config;
use serde_json::json;
use support::{spawn, spawn_with};

#[tokio::test]
async fn healthz_answers_and_both_web_resources_are_served_reading_the_origin_variable() {
    let app = spawn().await;
    assert_eq!(app.get("/healthz", None).await, (200, "ok".to_owned()));
    for (page, event) in [
        ("cobrowse", "CobrowseConnectedEvent"),
        ("screenshare", "ScreenShareConnectedEvent"),
    ] {
        let (status, html) = app.get(&format!("/webresource/{page}.html"), None).await;
        assert_eq!(status, 200);
        assert!(html.contains(event));
        assert!(html.contains("var VARIABLE = \"duet_Origin\";"));
    }
}

#[tokio::test]
async fn page_changes_reach_the_agent_after_a_full_snapshot_and_pointers_go_both_ways() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(Some("conv-1")).await;
    let mut customer = app.socket(&customer_token).await;
    assert_eq!(customer.next_of("welcome").await["role"], "customer");

    let agent_token = app.sign_in("Ann").await;
    let (status, joined) = app.join(&agent_token, &id).await;
    assert_eq!(status, 200, "{joined}");
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;
    assert_eq!(agent.next_of("welcome").await["role"], "agent");
    customer.next_of("snapshot_needed").await;

    customer
        .send(json!({"type": "dom", "full": false, "events": [{"type": 3, "n": "dropped"}]}))
        .await;
    customer
        .send(
            json!({"type": "dom", "full": true, "events": [{"type": 4}, {"type": 2, "n": "snap"}]}),
        )
        .await;
    customer
        .send(json!({"type": "dom", "full": false, "events": [{"type": 3, "n": "typed"}]}))
        .await;
    let first = agent.next_of("dom").await;
    assert_eq!(
        first["full"], true,
        "a partial batch before the snapshot must not reach the agent"
    );
    let second = agent.next_of("dom").await;
    assert_eq!(second["events"][0]["n"], "typed", "{second}");

    customer
        .send(json!({"type": "pointer", "x": 10.0, "y": 20.0}))
        .await;
    let pointer = agent.next_of("pointer").await;
    assert_eq!(
        (pointer["from"].as_str(), pointer["x"].as_f64()),
        (Some("customer"), Some(10.0))
    );
    agent
        .send(json!({"type": "pointer", "x": 5.5, "y": 6.5}))
        .await;
    assert_eq!(customer.next_of("pointer").await["from"], "agent");
}

#[tokio::test]
async fn when_the_customer_exits_both_are_told_and_joining_again_is_refused() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let agent_token = app.sign_in("Ann").await;
    let (_, joined) = app.join(&agent_token, &id).await;
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;
    agent.state("active").await;

    customer.send(json!({"type": "end"})).await;
    let ended = agent.state("ended").await;
    assert_eq!(ended["reason"], "customer_exit");
    assert_eq!(agent.close_code().await, Some(4000));
    assert_eq!(customer.state("ended").await["reason"], "customer_exit");

    let (status, refused) = app.join(&agent_token, &id).await;
    assert_eq!(status, 410);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("start a new session")
    );
}

#[tokio::test]
async fn ending_the_conversation_ends_the_linked_session_for_both_parties() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(Some("conv-42")).await;
    let mut customer = app.socket(&customer_token).await;
    let agent_token = app.sign_in("Ann").await;
    let (status, pending) = app
        .get(
            "/api/agent/pending?conversation=conv-42",
            Some(&agent_token),
        )
        .await;
    assert_eq!(status, 200);
    assert!(pending.contains(&id));
    app.join(&agent_token, &id).await;

    let (status, body) = app
        .post(
            "/api/conversations/conv-42/end",
            Some(&agent_token),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["ended"], json!([id]));
    assert_eq!(customer.state("ended").await["reason"], "interaction_ended");
}

#[tokio::test]
async fn a_second_live_co_browse_for_the_same_agent_is_refused_with_the_reason() {
    let app = spawn().await;
    let (first, _) = app.start_session(None).await;
    let (second, _) = app.start_session(None).await;
    let agent_token = app.sign_in("Ann").await;
    assert_eq!(app.join(&agent_token, &first).await.0, 200);
    let (status, body) = app.join(&agent_token, &second).await;
    assert_eq!(status, 409);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("already in co-browse session")
    );
}

#[tokio::test]
async fn the_end_beacon_ends_the_session_with_the_agent_as_the_reason() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let agent_token = app.sign_in("Ann").await;
    let (_, joined) = app.join(&agent_token, &id).await;
    let beacon = joined["endBeaconUrl"].as_str().unwrap();
    assert!(beacon.starts_with(&app.base));
    let status = app.http.post(beacon).send().await.unwrap().status();
    assert_eq!(status, 204);
    assert_eq!(customer.state("ended").await["reason"], "agent_exit");
}

#[tokio::test]
async fn a_customer_token_cannot_join_as_an_agent_nor_open_another_session() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let (other, _) = app.start_session(None).await;
    assert_eq!(app.join(&customer_token, &id).await.0, 401);
    let (status, _) = app
        .post(
            &format!("/api/sessions/{other}/end"),
            Some(&customer_token),
            json!({}),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_socket_without_a_valid_hello_is_closed_as_unauthorized() {
    let app = spawn().await;
    let mut socket = app.socket("not-a-token").await;
    assert_eq!(socket.close_code().await, Some(4001));
}

#[tokio::test]
async fn the_development_sign_in_is_refused_when_switched_off_and_says_how_to_enable_it() {
    let config = Config {
        dev_signin: Some(false),
        ..Config::default()
    };
    let app = spawn_with(config).await;
    let (status, body) = app
        .post("/api/agent/signin", None, json!({"name": "Ann"}))
        .await;
    assert_eq!(status, 403);
    assert!(body["error"].as_str().unwrap().contains("DUET_DEV_SIGNIN"));
}

#[tokio::test]
async fn a_site_not_on_the_allowed_origins_cannot_start_a_session() {
    let app = spawn().await;
    let response = app
        .http
        .post(format!("{}/api/sessions", app.base))
        .header("Origin", "https://evil.example")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("DUET_ALLOWED_ORIGINS")
    );
}

#[tokio::test]
async fn bad_json_and_bad_ids_get_clear_errors() {
    let app = spawn().await;
    let response = app
        .http
        .post(format!("{}/api/sessions", app.base))
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let agent_token = app.sign_in("Ann").await;
    let (status, body) = app.join(&agent_token, "12ab").await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("nine digits"));
}

#[tokio::test]
async fn the_welcome_carries_the_ice_servers_for_sharing_inside_the_session() {
    let config = Config {
        ice_servers: vec!["stun:stun.example.com:3478".to_owned()],
        ..Config::default()
    };
    let app = spawn_with(config).await;
    let (_, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let welcome = customer.next_of("welcome").await;
    assert_eq!(
        welcome["ice_servers"],
        json!([{"urls": "stun:stun.example.com:3478"}])
    );
}

#[tokio::test]
async fn the_agent_is_told_when_the_customers_page_goes_away_and_comes_back() {
    let app = spawn().await;
    let (id, customer_token) = app.start_session(None).await;
    let customer = app.socket(&customer_token).await;
    let agent_token = app.sign_in("Ann").await;
    let (_, joined) = app.join(&agent_token, &id).await;
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;
    agent.state("active").await;

    drop(customer);
    loop {
        let state = agent.state("active").await;
        if state["message"]
            .as_str()
            .unwrap()
            .contains("customer's page is not connected")
        {
            break;
        }
    }
    let _back = app.socket(&customer_token).await;
    loop {
        let state = agent.state("active").await;
        if state["message"]
            .as_str()
            .unwrap()
            .contains("You see the customer's page live")
        {
            break;
        }
    }
}
