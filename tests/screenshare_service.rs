//! Agent-requested screen share over real HTTP and WebSocket: key, acceptance, signalling, end.

mod support;

use serde_json::{Value, json};
use support::{App, spawn};

async fn start_share(app: &App, agent_token: &str, conversation: Option<&str>) -> (u16, Value) {
    app.post(
        "/api/agent/screenshare",
        Some(agent_token),
        json!({ "conversationId": conversation }),
    )
    .await
}

/// The customer's key lookup, as `/share` does it.
async fn look_up(app: &App, key: &Value) -> (u16, Value) {
    app.post("/api/screenshare/lookup", None, json!({ "key": key }))
        .await
}

async fn share_state(socket: &mut support::Socket, wanted: &str) -> Value {
    loop {
        let message = socket.next_of("share_state").await;
        if message["state"] == wanted {
            return message;
        }
    }
}

#[tokio::test]
async fn the_customer_enters_the_key_accepts_and_signalling_flows_until_they_stop() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    let (status, started) = start_share(&app, &agent_token, Some("conv-1")).await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["expiresInSecs"], 60);
    let mut agent = app.socket(started["token"].as_str().unwrap()).await;
    share_state(&mut agent, "pending").await;

    let (status, wrong) = app
        .post("/api/screenshare/lookup", None, json!({"key": "not-it"}))
        .await;
    assert_eq!(status, 404);
    assert!(
        wrong["error"]
            .as_str()
            .unwrap()
            .contains("check the 6 digits")
    );
    let (status, found) = look_up(&app, &started["key"]).await;
    assert_eq!(status, 200);
    assert_eq!(found["agentName"], "Ann");
    let mut customer = app.socket(found["token"].as_str().unwrap()).await;
    customer.send(json!({"type": "share_accept"})).await;
    share_state(&mut agent, "accepted").await;

    customer
        .send(json!({"type": "signal", "data": {"sdp": "offer"}}))
        .await;
    assert_eq!(agent.next_of("signal").await["data"]["sdp"], "offer");
    agent
        .send(json!({"type": "signal", "data": {"sdp": "answer"}}))
        .await;
    assert_eq!(customer.next_of("signal").await["data"]["sdp"], "answer");
    agent.send(json!({"type": "share_connected"})).await;
    share_state(&mut customer, "live").await;

    customer.send(json!({"type": "end"})).await;
    assert_eq!(
        share_state(&mut agent, "ended").await["reason"],
        "customer_stopped"
    );
    assert_eq!(agent.close_code().await, Some(4000));
}

#[tokio::test]
async fn a_second_share_by_the_same_agent_is_refused() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    assert_eq!(start_share(&app, &agent_token, None).await.0, 200);
    let (status, body) = start_share(&app, &agent_token, None).await;
    assert_eq!(status, 409);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("already have a screen share")
    );
}

#[tokio::test]
async fn ending_the_conversation_ends_the_screen_share_for_both_sides() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    let (_, started) = start_share(&app, &agent_token, Some("conv-9")).await;
    let mut agent = app.socket(started["token"].as_str().unwrap()).await;
    let (status, ended) = app
        .post(
            "/api/conversations/conv-9/end",
            Some(&agent_token),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ended["screenshares"], json!([started["shareId"]]));
    assert_eq!(
        share_state(&mut agent, "ended").await["reason"],
        "interaction_ended"
    );
}

#[tokio::test]
async fn only_the_customer_accepts_and_only_the_agent_reports_the_first_frame() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    let (_, started) = start_share(&app, &agent_token, None).await;
    let mut agent = app.socket(started["token"].as_str().unwrap()).await;
    agent.send(json!({"type": "share_accept"})).await;
    assert!(
        agent.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("not yours to send")
    );
    let (_, found) = look_up(&app, &started["key"]).await;
    let mut customer = app.socket(found["token"].as_str().unwrap()).await;
    customer.send(json!({"type": "share_connected"})).await;
    assert!(
        customer.next_of("error").await["message"]
            .as_str()
            .unwrap()
            .contains("not yours to send")
    );
}

#[tokio::test]
async fn guessing_keys_is_rate_limited() {
    let app = spawn().await;
    let mut last = 0;
    for _ in 0..31 {
        last = app
            .post("/api/screenshare/lookup", None, json!({"key": "000000"}))
            .await
            .0;
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn the_app_tabs_end_beacon_ends_the_share_as_stopped_by_the_agent() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    let (_, started) = start_share(&app, &agent_token, None).await;
    assert_eq!(started["iceServers"], json!([]));
    let beacon = started["endBeaconUrl"].as_str().unwrap().to_owned();
    assert!(beacon.starts_with(&format!("{}/api/screenshare/", app.base)));
    let mut agent = app.socket(started["token"].as_str().unwrap()).await;
    share_state(&mut agent, "pending").await;

    let (status, _) = app
        .post(
            &format!(
                "/api/screenshare/{}/end",
                started["shareId"].as_str().unwrap()
            ),
            Some(&agent_token),
            json!({}),
        )
        .await;
    assert_eq!(status, 401, "a sign-in token is not the share's token");
    let response = app.http.post(&beacon).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 204);

    assert_eq!(
        share_state(&mut agent, "ended").await["reason"],
        "agent_stopped"
    );
    assert_eq!(start_share(&app, &agent_token, None).await.0, 200);
}

#[tokio::test]
async fn the_welcome_tells_the_customer_which_surfaces_the_tenant_allows() {
    let mut config = duet::config::Config::default();
    config.policy.allowed_surfaces = vec!["window".into()];
    let app = support::spawn_with(config).await;
    let agent_token = app.sign_in("Ann").await;
    let (_, started) = start_share(&app, &agent_token, None).await;
    let (_, found) = look_up(&app, &started["key"]).await;
    let mut customer = app.socket(found["token"].as_str().unwrap()).await;
    let welcome = customer.next_of("welcome").await;
    assert_eq!(welcome["policy"]["allowed_surfaces"], json!(["window"]));
}

#[tokio::test]
async fn a_key_opens_its_share_once_and_a_second_lookup_gets_no_token() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    let (_, started) = start_share(&app, &agent_token, None).await;

    let (status, found) = look_up(&app, &started["key"]).await;
    assert_eq!(status, 200, "{found}");
    let (status, second) = look_up(&app, &started["key"]).await;
    assert_eq!(status, 409, "{second}");
    assert!(
        second["error"].as_str().unwrap().contains("already in use"),
        "{second}"
    );
    assert!(second.get("token").is_none(), "no token for the second");
}

#[tokio::test]
async fn a_customer_who_accepted_is_not_pushed_out_by_a_second_connection() {
    let app = spawn().await;
    let agent_token = app.sign_in("Ann").await;
    let (_, started) = start_share(&app, &agent_token, None).await;
    let mut agent = app.socket(started["token"].as_str().unwrap()).await;
    let (_, found) = look_up(&app, &started["key"]).await;
    let customer_token = found["token"].as_str().unwrap();
    let mut customer = app.socket(customer_token).await;
    customer.send(json!({"type": "share_accept"})).await;
    share_state(&mut agent, "accepted").await;

    // Whoever holds a copy of the token tries to take the customer's place.
    let mut intruder = app.socket(customer_token).await;
    assert_eq!(intruder.close_code().await, Some(4009));

    customer
        .send(json!({"type": "signal", "data": {"sdp": "still me"}}))
        .await;
    assert_eq!(agent.next_of("signal").await["data"]["sdp"], "still me");
}
