//! Write mode and guard rails over real sockets: requests, approval, revocation, role checks,
//! and the rate limit on join attempts.

mod support;

use serde_json::json;
use support::{App, Socket, spawn};

/// A session with a connected customer and agent.
async fn connected(app: &App) -> (String, Socket, Socket) {
    let (id, customer_token) = app.start_session(None).await;
    let mut customer = app.socket(&customer_token).await;
    let agent_token = app.sign_in("Ann").await;
    let (_, joined) = app.join(&agent_token, &id).await;
    let mut agent = app.socket(joined["token"].as_str().unwrap()).await;
    agent.state("active").await;
    customer.next_of("snapshot_needed").await;
    (id, customer, agent)
}

fn click_submit() -> serde_json::Value {
    json!({"type": "action", "action": {"kind": "click", "id": 42, "x": 10.0, "y": 20.0}})
}

#[tokio::test]
async fn an_approved_request_gives_write_mode_and_actions_reach_the_customer_until_revoked() {
    let app = spawn().await;
    let (_, mut customer, mut agent) = connected(&app).await;

    agent.send(json!({"type": "control_request"})).await;
    let prompt = customer.next_of("control_requested").await;
    assert_eq!(prompt["agent_name"], "Ann");
    assert_eq!(prompt["expires_in_ms"], 30_000);
    customer
        .send(json!({"type": "control_answer", "approved": true}))
        .await;
    loop {
        let state = agent.next_of("state").await;
        if state["control"] == "write" {
            break;
        }
    }

    agent.send(click_submit()).await;
    let action = customer.next_of("action").await;
    assert_eq!(action["action"]["kind"], "click");
    assert_eq!(action["action"]["id"], 42);

    customer.send(json!({"type": "control_revoke"})).await;
    loop {
        let state = agent.next_of("state").await;
        if state["control"] == "pointer" {
            break;
        }
    }
    agent.send(click_submit()).await;
    let refused = agent.next_of("error").await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("pointer mode")
    );
}

#[tokio::test]
async fn actions_in_pointer_mode_are_refused_and_never_reach_the_customer() {
    let app = spawn().await;
    let (_, mut customer, mut agent) = connected(&app).await;
    agent.send(click_submit()).await;
    assert!(
        agent.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("pointer mode")
    );
    // A ping after the action: if the action had been forwarded it would arrive before the pong.
    customer.send(json!({"type": "ping"})).await;
    loop {
        let message = customer.next().await.unwrap();
        assert_ne!(
            message["type"], "action",
            "an action in pointer mode reached the customer"
        );
        if message["type"] == "pong" {
            break;
        }
    }
}

#[tokio::test]
async fn each_message_type_is_checked_against_the_senders_role() {
    let app = spawn().await;
    let (_, mut customer, mut agent) = connected(&app).await;
    agent
        .send(json!({"type": "dom", "full": true, "events": []}))
        .await;
    assert!(
        agent.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("only the customer")
    );
    agent
        .send(json!({"type": "control_answer", "approved": true}))
        .await;
    assert!(
        agent.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("only the customer")
    );
    customer.send(json!({"type": "control_request"})).await;
    assert!(
        customer.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("only an agent")
    );
    customer.send(click_submit()).await;
    assert!(
        customer.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("only an agent")
    );
}

#[tokio::test]
async fn a_denied_request_keeps_pointer_mode() {
    let app = spawn().await;
    let (_, mut customer, mut agent) = connected(&app).await;
    agent.send(json!({"type": "control_request"})).await;
    customer.next_of("control_requested").await;
    customer
        .send(json!({"type": "control_answer", "approved": false}))
        .await;
    loop {
        let state = agent.next_of("state").await;
        if state["control_pending"] == false {
            assert_eq!(state["control"], "pointer");
            assert_eq!(
                state["control_outcome"], "denied",
                "the agent is told it was declined, not lapsed"
            );
            break;
        }
    }
}

#[tokio::test]
async fn join_attempts_are_rate_limited_per_agent_whether_the_id_exists_or_not() {
    let app = spawn().await;
    let agent_token = app.sign_in("Guesser").await;
    for n in 0..10 {
        let (status, _) = app
            .join(&agent_token, &format!("{}", 100_000_000 + n))
            .await;
        assert_eq!(status, 404);
    }
    let (real, _) = app.start_session(None).await;
    let (status, body) = app.join(&agent_token, &real).await;
    assert_eq!(
        status, 429,
        "an existing id must be refused like any other once limited"
    );
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("too many join attempts")
    );
    let other_agent = app.sign_in("Honest").await;
    assert_eq!(
        app.join(&other_agent, &real).await.0,
        200,
        "other agents are counted apart"
    );
}

#[tokio::test]
async fn a_customer_token_cannot_open_an_agent_socket_and_an_agent_sign_in_token_cannot_open_any() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    let mut socket = app.socket(&agent_token).await;
    assert_eq!(socket.close_code().await, Some(4001));
}

#[tokio::test]
async fn join_attempts_are_also_limited_per_address_and_the_limit_is_a_setting() {
    let config = duet::config::Config {
        joins_per_address_per_minute: 3,
        ..duet::config::Config::default()
    };
    let app = support::spawn_with(config).await;
    // Tokens minted directly: sign-ins from one address are limited by the same setting.
    let agent = |n: usize| {
        let id = duet::engine::AgentId(format!("agent-{n}"));
        app.state.tokens.agent(&id, &format!("Agent {n}"))
    };
    for n in 0..3 {
        assert_eq!(app.join(&agent(n), "100000000").await.0, 404);
    }
    let fourth = agent(3);
    let (status, body) = app.join(&fourth, "100000000").await;
    assert_eq!(status, 429, "{body}");
}
